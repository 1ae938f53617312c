"""Layer groups, linked cels and the colour mode from the menus (Layer ▸ Group Layer,
Ungroup; Frame ▸ Link Cels…, Unlink Cel; Sprite ▸ Colour Mode): each pushes one
undoable command from the core (core/group_commands.py, core/color_mode.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from dgx_pixels_app.core.color_mode import SetColorMode, sprite_color_count, to_indexed
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.group_commands import LinkCels, Ungroup, UnlinkCel, group_layer_command
from dgx_pixels_app.core.indexed import MAX_INDEXED, missing_colors, with_transparent
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.gui.touchup_dialog import Field
from dgx_pixels_app.jobs.variants import as_frames_command, named_variants, write_files


class StructureController(QObject):
    def __init__(self, *, documents, prompter, status: Callable[[str, int], None],
                 show_error: Callable[[str], None], go_to_frame: Callable[[int], None],
                 parent: QObject) -> None:  # fmt: skip
        super().__init__(parent)
        self.go_to_frame = go_to_frame  # a step from the current frame
        self.documents, self.prompter = documents, prompter
        self.status, self.show_error = status, show_error

    def _push(self, make, message: str) -> bool:
        session = self.documents.session
        if session is None:
            return False
        try:
            session.history.push(make(session))
        except DgxPixelsError as exc:
            self.show_error(str(exc))
            return False
        self.status(message, 5000)
        return True

    # -- groups ----------------------------------------------------------------------------
    def group_layer(self) -> None:
        session = self.documents.session
        if session is not None:
            layer = session.layer
            if self._push(lambda s: group_layer_command(s.sprite, layer.id),
                          f"'{layer.name}' is in a new group"):  # fmt: skip
                session.layer_index = session.sprite.layer_index(layer.id)
                session.sprite.events.emit(Change(ChangeKind.LAYERS, layer.id))  # re-highlight

    def ungroup(self) -> None:
        self._push(lambda s: Ungroup(s.layer.id), "Group dissolved; its layers stay in place")

    # -- linked cels -----------------------------------------------------------------------
    def link_cels(self) -> None:
        session = self.documents.session
        if session is None:
            return
        count = len(session.sprite.frames)
        if count < 2:
            self.show_error("Link Cels needs two frames or more (Frame ▸ New Frame).")
            return
        first = session.frame_index + 1
        values = self.prompter.touchup("Link Cels", [
            Field("start", "From frame", "int", first, 1, count),
            Field("end", "To frame", "int", count if first < count else first, 1, count)])  # fmt: skip
        if values is None:
            return
        start, end = sorted((values["start"], values["end"]))
        frames = [f.id for f in session.sprite.frames[start - 1 : end]]
        self._push(lambda s: LinkCels(s.layer.id, frames),
                   f"Frames {start}–{end} of '{session.layer.name}' show one image: "
                   "drawing on one draws on all")  # fmt: skip

    def unlink_cel(self) -> None:
        self._push(lambda s: UnlinkCel(s.layer.id, s.frame.id), "This frame has its own copy now")

    # -- colour mode -----------------------------------------------------------------------
    def color_mode(self, indexed: bool) -> None:
        session = self.documents.session
        if session is None or session.sprite.indexed == indexed:
            return
        if not indexed:
            self._push(lambda s: SetColorMode(False, label="RGB Colour"), "RGB colour")
            return
        reduce = self._ask_reduce(session.sprite)
        if reduce is not None:
            self._push(lambda s: to_indexed(s.sprite, reduce),
                       "Indexed colour: drawing stays on the palette; palette edits recolour")  # fmt: skip

    def _ask_reduce(self, sprite) -> str | None:
        """'none' when every colour is in the palette; otherwise ask how to bring them in."""
        palette = with_transparent(sprite.palette)
        images = [c.image for c in sprite.unique_cels()]
        missing = len(missing_colors(images, palette)) if len(palette) <= MAX_INDEXED else -1
        if missing == 0:
            return "none"
        options = [("nearest", "Map to Nearest Palette Colours")] if missing > 0 else []
        if missing > 0 and len(palette) + missing <= MAX_INDEXED:
            options.append(("add", f"Add the {counted(missing, 'Colour')} to the Palette"))
        colors = sprite_color_count(sprite)
        if colors < MAX_INDEXED:
            options.append(("sprite", f"Use the Sprite's {counted(colors, 'Colour')}"))
        if not options:
            self.show_error(f"The sprite has more than {MAX_INDEXED - 1} colours and the palette "
                            "cannot hold them: reduce them first (Layer ▸ Pixelize with a palette "
                            "size, or a smaller palette).")  # fmt: skip
            return None
        why = (f"{counted(missing, 'colour')} of the sprite {'is' if missing == 1 else 'are'} not "
               "in the palette." if missing > 0 else
               f"The palette has more than {MAX_INDEXED} colours.")  # fmt: skip
        return self.prompter.choose("Indexed Colour", why, options)

    # -- colour variants -------------------------------------------------------------------
    def color_variants(self) -> None:
        """Sprite ▸ Colour Variants…: hue shifts and/or a mapping, as frames or files."""
        session = self.documents.session
        if session is None:
            return
        values = self.prompter.touchup("Colour Variants", [
            Field("hues", "Hue shifts (°)", "text", "120, 240"),
            Field("mapping", "Colour mapping (#from=#to, …)", "text", ""),
            Field("place", "Put them", "choice", "frames", choices=(
                ("frames", "As new frames (a tag each)"),
                ("files", "As .aseprite files beside the sprite")))])  # fmt: skip
        if values is None:
            return
        sprite, path = session.sprite, session.path
        if values["place"] == "files" and path is None:
            self.show_error("Save the sprite first: its variants go beside it.")
            return
        snapshot, token = sprite.snapshot(), sprite.events.count
        hues, maps = values["hues"].replace(" ", ""), [values["mapping"]]

        def make():
            named = named_variants(snapshot, hues, maps)
            if values["place"] == "files":
                return write_files(named, path.parent, path.stem)
            return as_frames_command(snapshot, named)  # the same ids: pushed onto the sprite

        def failed(exc) -> None:
            if self.documents.session is session and session.sprite.events.count != token:
                self.show_error("Colour variants: the sprite changed meanwhile; try again.")
            else:
                self._failed(exc)

        self.documents.runner.submit(make, lambda made: self._variants_done(session, made, token),
                                     failed)  # fmt: skip

    def _variants_done(self, session, made, token: int) -> None:
        if isinstance(made, tuple):
            written = made[0]
            self.status(f"Wrote {counted(len(written), 'variant')}: "
                        + ", ".join(p.name for p in written), 8000)  # fmt: skip
            return
        if self.documents.session is not session or session.sprite.events.count != token:
            self.show_error("Colour variants: the sprite changed meanwhile; try again.")
            return
        first = len(session.sprite.frames)
        if self._push(lambda s: made, f"Colour variants: {counted(len(made.commands) - 1, 'frame')}"
                      " added, a tag each (the timeline's tag box plays one)"):  # fmt: skip
            session.frame_index = first - 1
            self.go_to_frame(1)  # the first variant, in view

    def _failed(self, exc) -> None:
        if isinstance(exc, DgxPixelsError):
            self.show_error(str(exc))
        else:
            self.documents.report_failure(exc)
