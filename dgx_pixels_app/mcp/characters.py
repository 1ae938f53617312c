"""The character tool: one character in every direction and action from a reference,
for agents. The reference, the output folder, the Bevy project and the saved
characters (the first root's ``.dgx-pixels/characters``) are all confined to the roots.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.limits import is_whole
from dgx_pixels_app.jobs.characters import check_new, keep
from dgx_pixels_app.mcp.base import ToolBase, kept, result
from dgx_pixels_app.mcp.bridge import run_worker
from dgx_pixels_app.mcp.limits import Name, OptionalPath, Options, Seed, Size, Steps, check_range


class CharacterTools(ToolBase):
    def _library(self):
        return self.roots.writable[0]

    async def generate_character(
        self, reference: OptionalPath = None, prompt: str = "character", directions: int = 4,
        actions: list[str] | None = None, size: Size = 48, shape: str | None = None,
        view: str | None = None, weight: float = 0.7, seed: Seed = None, steps: Steps = None,
        output: OptionalPath = None, name: Name = None, bevy_project: OptionalPath = None,
        character: Name = None, save_as: Name = None, overwrite: bool = False,
        options: Options = None, ctx: Context | None = None,
    ):  # fmt: skip
        from dgx_pixels_app.formats.images import read_rgba
        from dgx_pixels_app.jobs.requests import check_options

        plan_options = self._character_options(
            reference, prompt, directions, actions, size, shape, view, weight, seed, steps,
            output, name, bevy_project, character, bool(overwrite), check_options(options),
        )  # fmt: skip
        files, chosen = await self._make(plan_options, save_as, ctx)
        rows = [{"tag": r.tag, "action": r.action, "direction": r.direction, "row": i,
                 "frames": r.skeletons, "durations_ms": r.durations}
                for i, r in enumerate(chosen.rows)]  # fmt: skip
        data = {
            "folder": str(files.folder), "aseprite": str(files.aseprite), "sheet": str(files.sheet),
            "json": str(files.json), "gifs": [str(g) for g in files.gifs],
            "manifest": str(files.manifest), "rows": rows, "seed": chosen.seed,
            "flagged_frames": [i for i, f in enumerate(files.figures) if f.flagged],
            "replaced": kept(files.replaced),
            "snippet": files.bevy.snippet if files.bevy is not None else None,
        }  # fmt: skip
        return result(data, read_rgba(files.sheet))

    def _character_options(self, reference, prompt, directions, actions, size, shape, view,
                           weight, seed, steps, output, name, bevy, character, overwrite,
                           options):  # fmt: skip
        from dgx_pixels_app.jobs.character import CharacterOptions
        from dgx_pixels_app.mcp.limits import check_prompt

        prompt = check_prompt(prompt)
        check_range("size", size)
        check_range("seed", seed)
        check_range("steps", steps)
        if actions is not None and (not isinstance(actions, list) or not 1 <= len(actions) <= 8
                                    or not all(isinstance(a, str) for a in actions)):  # fmt: skip
            raise InvalidInputError("actions must be a list of 1 to 8 pose template names.")
        if not is_whole(directions):
            raise InvalidInputError(f"directions must be 1, 2, 4 or 8, not {directions!r}.")
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            raise InvalidInputError("weight must be a number from 0 to 2.")
        saved = None
        if character is not None:
            from dgx_pixels_app.jobs.characters import load

            saved, saved_reference = load(character, self._library())
        if not reference and saved is None:
            raise InvalidInputError("Give a reference image (reference) or a saved character.")
        path = self.roots.read(reference, "reference image") if reference else saved_reference
        library = self._library().resolve()
        if not path.resolve().is_relative_to(library) and not reference:  # a link put there
            raise InvalidInputError(f"The character '{character}' has no reference image.")
        stem = self._stem(name, prompt if saved is None else saved.prompt)
        chosen = CharacterOptions(
            reference=str(path), model=self._model(),
            prompt=prompt if saved is None or prompt != "character" else saved.prompt,
            directions=directions, actions=actions or ["idle", "walk"],
            size=size if saved is None or size != 48 else saved.size,
            shape=shape or (saved and saved.shape), view=view or (saved and saved.view),
            weight=float(weight) if saved is None or weight != 0.7 else saved.weight,
            seed=seed if seed is not None or saved is None else saved.seed,
            steps=steps or self.config.steps, resolution=self.config.resolution,
            output=self._folder(output, f"character-{stem}"), name=stem,
            bevy=str(self.roots.project(bevy)) if bevy else None, overwrite=overwrite,
            options=options,
        )  # fmt: skip
        if saved is not None:  # what was saved with it, as the CLI's --character does
            if saved.palette:
                chosen.palette = saved.palette_object()
            chosen.loras = self._loras([f"{lo['path']}:{lo['weight']}" for lo in saved.loras])
        return chosen

    async def _make(self, options, save_as, ctx: Context | None):
        """Plan, find the models, generate and write on a worker thread whose jobs go
        through the shared queue; cancelling the call stops them."""
        from dgx_pixels_app.engine import hashes
        from dgx_pixels_app.jobs.character import generate, plan, requests_for
        from dgx_pixels_app.jobs.character_files import write_character

        library = self._library()

        def work(run):
            chosen = plan(options)
            if save_as is not None:
                check_new(save_as, library, options.overwrite)  # refused before any work
            made = generate(run, chosen, requests_for(chosen))
            sha = hashes.sha256(options.model)
            files = write_character(chosen, *made, sha)
            if save_as is not None:
                keep(save_as, chosen, sha, library)
            return files, chosen

        return await run_worker(self.queue, work, ctx, "generating the character")
