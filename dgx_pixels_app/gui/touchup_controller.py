"""The Sprite menu's touch-up operations: each asks its values (a TouchupDialog, with a
live preview for pixel operations), computes on the task runner from a snapshot, and
pushes one undoable command from the core (core/sprite_ops.py, core/canvas_ops.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject

from dgx_pixels_app.core import palette_ops, rotsprite, selection
from dgx_pixels_app.core.canvas_ops import (
    ANCHORS,
    trim_command,
)
from dgx_pixels_app.core.commands import SetPalette
from dgx_pixels_app.core.document import Reference
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.group_commands import SetReference
from dgx_pixels_app.core.indexed import conform
from dgx_pixels_app.core.limits import MAX_SIDE
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.parallel import Progress
from dgx_pixels_app.core.sprite_ops import (
    brightness_contrast,
    hue_saturation,
    outline,
    pixels_command,
    replace_color,
    targets,
)
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.gui.touchup_dialog import SCOPE_CHOICES, Field
from dgx_pixels_app.jobs.edit import edit_command


def _pixel_ops(primary, secondary) -> dict:
    """name: (title, fields, what the values do to one cel's pixels)."""
    scope = Field("scope", "Apply to", "choice", "cel", choices=tuple(SCOPE_CHOICES))
    return {
        "outline": ("Outline", [
            Field("color", "Colour", "color", primary),
            Field("place", "Place", "choice", "outside",
                  choices=(("outside", "Outside the shape"), ("inside", "Inside its edge"))),
            Field("diagonal", "Corners too (8-connected)", "bool", False),
            Field("shade", "A darker shade of the pixel beside it", "bool", False), scope],
            lambda im, v: outline(im, v["color"], v["place"] == "outside", v["diagonal"],
                                  v["shade"])),
        "replace_color": ("Replace Colour", [
            Field("old", "From", "color", primary), Field("new", "To", "color", secondary),
            Field("tolerance", "Tolerance", "int", 0, 0, 255), scope],
            lambda im, v: replace_color(im, v["old"], v["new"], v["tolerance"])),
        "hue_saturation": ("Hue/Saturation", [
            Field("hue", "Hue (°)", "float", 0, -180, 180),
            Field("saturation", "Saturation (%)", "float", 0, -100, 100),
            Field("lightness", "Lightness (%)", "float", 0, -100, 100), scope],
            lambda im, v: hue_saturation(im, v["hue"], v["saturation"], v["lightness"])),
        "brightness_contrast": ("Brightness/Contrast", [
            Field("brightness", "Brightness", "float", 0, -100, 100),
            Field("contrast", "Contrast", "float", 0, -100, 100), scope],
            lambda im, v: brightness_contrast(im, v["brightness"], v["contrast"])),
        "rotate": ("Rotate", [
            Field("angle", "Angle (° clockwise)", "float", 15, -180, 180), scope],
            lambda im, v: rotsprite.rotate(im, v["angle"])),
    }  # fmt: skip


def _canvas_size(sprite, v: dict):
    """The dialog's values through the command line's rules (jobs/edit.py): margins, or a
    new size at an anchor — a size left as it was is not "given"."""
    options = {k: v[k] for k in ("left", "top", "right", "bottom") if v.get(k)}
    options |= _changed_size(sprite, v) | {"anchor": v["anchor"]}
    return edit_command(sprite, "canvas-size", options)


def _sprite_size(sprite, v: dict):
    options = _changed_size(sprite, v)
    if v.get("percent", 100) != 100:
        options["percent"] = float(v["percent"])
    return edit_command(sprite, "sprite-size", options)


def _changed_size(sprite, v: dict) -> dict:
    return {k: v[k] for k, now in (("width", sprite.width), ("height", sprite.height))
            if v[k] != now}  # fmt: skip


def _on_palette(fn, palette: Palette):
    return lambda image, values: conform(fn(image, values), palette)


class TouchupController(QObject):
    def __init__(self, *, documents, prompter, canvas, results, progress,
                 status: Callable[[str, int], None], show_error: Callable[[str], None],
                 parent: QObject) -> None:  # fmt: skip
        super().__init__(parent)
        self.progress = progress
        self.documents, self.prompter, self.canvas = documents, prompter, canvas
        self.results = results
        self.status, self.show_error = status, show_error

    # -- pixel operations ------------------------------------------------------------------
    def pixel_op(self, name: str) -> None:
        session = self.documents.session
        if session is None:
            return
        title, fields, fn = _pixel_ops(self.canvas.primary, self.canvas.secondary)[name]
        sprite, layer, frame = session.sprite, session.layer, session.frame
        if sprite.indexed:  # the preview and the result stay on the palette
            fn = _on_palette(fn, sprite.palette.copy())
        cel = sprite.cel(layer.id, frame.id)
        source = cel.image.copy() if cel is not None else None
        values = self.prompter.touchup(title, fields, source, fn)
        if values is None:
            return
        keys = targets(sprite, values["scope"], layer.id, frame.id)
        if not keys:
            self.show_error(f"{title}: nothing to change — the cels there are empty or on "
                            "locked layers.")  # fmt: skip
            return
        selected = session.selection is not None and name != "rotate"  # a turn moves pixels
        mask = session.selection.mask.copy() if selected else None
        progress = Progress()
        self.status(f"{title}…", 0)
        self._off_thread(session, title, progress,
                         lambda: pixels_command(sprite, keys, lambda im: fn(im, values), title,
                                                mask, progress),
                         lambda command: f"{title}: {counted(len(command.commands), 'cel')} "
                         "changed" if command else f"{title}: nothing changed")  # fmt: skip

    def _off_thread(self, session, title: str, progress, make, message) -> None:
        """``make()`` (reading the cels as they are) on the task runner; its command is
        pushed only if nothing changed the sprite meanwhile and no stroke is under way."""
        token = session.sprite.events.count
        if progress is not None:
            self.progress.track(title, progress)

        def moved() -> bool:
            return (self.documents.session is not session or self.canvas.tools.busy
                    or session.sprite.events.count != token)  # fmt: skip

        def done(command) -> None:
            self.progress.finish(progress)
            if moved():
                self.show_error(f"{title}: the sprite changed meanwhile; try again.")
                return
            self._push(session, command, message(command))
            if command is not None and hasattr(command, "width"):
                self.canvas.fit()

        def failed(exc) -> None:
            self.progress.finish(progress)
            if moved():  # it read cels that were being changed: not a bug, a race
                self.show_error(f"{title}: the sprite changed meanwhile; try again.")
            elif isinstance(exc, DgxPixelsError):
                self.show_error(str(exc))
            else:
                self.documents.report_failure(exc)

        self.documents.runner.submit(make, done, failed)

    def symmetry_axis(self) -> None:
        """Where Mirror H / Mirror V reflect, in pixel edges (x.5: through a pixel)."""
        session = self.documents.session
        if session is None:
            return
        sprite, options = session.sprite, self.canvas.tools.options
        x = sprite.width / 2 if options.axis_x is None else options.axis_x
        y = sprite.height / 2 if options.axis_y is None else options.axis_y
        values = self.prompter.touchup("Symmetry Axis", [
            Field("x", "Vertical axis at x (Mirror H)", "float", x, 0, sprite.width),
            Field("y", "Horizontal axis at y (Mirror V)", "float", y, 0, sprite.height)])  # fmt: skip
        if values is None:
            return
        options.axis_x, options.axis_y = (round(values[k] * 2) / 2 for k in ("x", "y"))
        self.canvas.update()
        self.status(f"Symmetry axes at x = {options.axis_x:g}, y = {options.axis_y:g}", 5000)

    # -- canvas operations -----------------------------------------------------------------
    def canvas_size(self) -> None:
        """A new size at an anchor, or margins added (negative: cut) on each side."""
        anchor = Field("anchor", "Anchor", "choice", "center",
                       choices=tuple((a, a.replace("-", " ").capitalize()) for a in ANCHORS))  # fmt: skip
        sides = [Field(k, f"Or add {k} (px)", "int", 0, -MAX_SIDE, MAX_SIDE)
                 for k in ("left", "top", "right", "bottom")]  # fmt: skip
        self._resize("Canvas Size", [anchor, *sides], _canvas_size)

    def sprite_size(self) -> None:
        """Nearest neighbour, to a size in pixels or by a percentage."""
        self._resize("Sprite Size", [Field("percent", "Or scale (%)", "int", 100, 1, 3200)],
                     _sprite_size)  # fmt: skip

    def _resize(self, title: str, more: list, make) -> None:
        """Ask a new width and height (and ``more``), then build and push the command."""
        session = self.documents.session
        if session is None:
            return
        s = session.sprite
        values = self.prompter.touchup(title, [
            Field("width", "Width", "int", s.width, 1, MAX_SIDE),
            Field("height", "Height", "int", s.height, 1, MAX_SIDE), *more])  # fmt: skip
        if values is not None:
            self._build(session, lambda: make(s, values))

    def trim(self) -> None:
        session = self.documents.session
        if session is not None:
            self._build(session, lambda: trim_command(session.sprite), "Trim: already tight")

    # -- reference layer (a tracing guide under the sprite, saved, never exported) ----------
    def reference_from_file(self) -> None:
        from dgx_pixels_app.formats.images import read_rgba

        session = self.documents.session
        folder = str(session.path.parent) if session is not None and session.path else ""
        path = self.prompter.reference_path(folder)  # beside the sprite, where its raws are
        if path:
            self.documents.runner.submit(lambda: read_rgba(path), self.set_reference,
                                         self.documents.report_failure)  # fmt: skip

    def reference_from_result(self) -> None:
        item = self.results.current()
        if item is None:
            self.show_error("Pick a result in the Results gallery first.")
        else:
            self.set_reference(item.image)

    def set_reference(self, image: np.ndarray | None) -> None:
        session = self.documents.session
        if session is None:
            if image is not None:
                self.show_error("Open or make a sprite first: the reference lies under it.")
            return
        old = session.sprite.reference
        opacity = old.opacity if old is not None else 128
        sprite = session.sprite
        reference = None if image is None else Reference(
            np.ascontiguousarray(image), opacity, (0.0, 0.0, float(sprite.width), float(sprite.height)))  # fmt: skip
        message = "Reference cleared" if image is None else (
            f"Reference {image.shape[1]}×{image.shape[0]} under the sprite at {opacity / 2.55:.0f}%"
            " (Layer ▸ Reference Opacity…); saved with the sprite, never exported")  # fmt: skip
        self._push(session, SetReference(reference, label="Reference Layer"), message)

    def reference_opacity(self) -> None:
        session = self.documents.session
        reference = session.sprite.reference if session is not None else None
        if reference is None:
            self.show_error("There is no reference: Layer ▸ Reference Image… first.")
            return
        values = self.prompter.touchup("Reference Opacity", [
            Field("opacity", "Opacity (%)", "int", round(reference.opacity / 2.55), 5, 100)])  # fmt: skip
        if values is not None:
            changed = replace(reference, opacity=round(values["opacity"] * 2.55))
            self._push(session, SetReference(changed, label="Reference Opacity"),
                       f"Reference at {values['opacity']}%")  # fmt: skip

    def clear_reference(self) -> None:
        session = self.documents.session
        if session is not None and session.sprite.reference is not None:
            self.set_reference(None)

    # -- palette -------------------------------------------------------------------------
    def palette_ramp(self) -> None:
        """A ramp from the primary to the secondary colour, added to the palette."""
        session = self.documents.session
        if session is None:
            return
        values = self.prompter.touchup("Add Colour Ramp", [
            Field("dark", "From", "color", self.canvas.primary),
            Field("light", "To", "color", self.canvas.secondary),
            Field("steps", "Steps", "int", 5, 2, 64),
            Field("hue_shift", "Hue shift (°)", "float", 20, -90, 90)])  # fmt: skip
        if values is None:
            return
        try:
            colors = palette_ops.ramp(values["dark"], values["light"], values["steps"],
                                      values["hue_shift"])  # fmt: skip
            palette = Palette(
                session.sprite.palette.colors + colors, name=session.sprite.palette.name
            )
        except DgxPixelsError as exc:
            self.show_error(str(exc))
            return
        self._push(session, SetPalette(palette, label="Add Ramp"),
                   f"Added a ramp of {counted(len(colors), 'colour')} to the palette")  # fmt: skip

    def palette_sort(self, by: str) -> None:
        session = self.documents.session
        if session is not None:
            old = session.sprite.palette
            palette = Palette(palette_ops.sort_colors(old.colors, by), name=old.name)
            self._push(
                session, SetPalette(palette, label="Sort Palette"), f"Palette sorted by {by}"
            )

    def palette_from_sprite(self) -> None:
        session = self.documents.session
        if session is not None:
            palette = palette_ops.from_sprite(session.sprite)
            self._push(session, SetPalette(palette, label="Palette from Sprite"),
                       f"Palette: the sprite's {counted(len(palette), 'colour')}")  # fmt: skip

    # -- selection (Select ▸ Inverse, Modify, Color Range) --------------------------------
    def select_inverse(self) -> None:
        session = self.documents.session
        if session is not None:
            s = session.sprite
            self.canvas.set_selection(selection.inverse(session.selection, s.width, s.height))

    def select_modify(self, how: str) -> None:
        """Expand, contract or border the selection by N pixels (asked)."""
        session = self.documents.session
        if session is None or session.selection is None:
            self.show_error("Select something first (M, W, or Ctrl+A).")
            return
        values = self.prompter.touchup(f"{how.capitalize()} Selection",
                                       [Field("by", "Pixels", "int", 1, 1, 100)])  # fmt: skip
        if values is None:
            return
        made = getattr(selection, how)(session.selection, values["by"])
        self.canvas.set_selection(made)
        if made is None:
            self.status(f"{how.capitalize()}: nothing is left selected", 5000)

    def select_color_range(self) -> None:
        """Every pixel of the cel near the primary colour, touching or not."""
        session = self.documents.session
        if session is None:
            return
        cel = session.sprite.cel(session.layer.id, session.frame.id)
        values = self.prompter.touchup("Colour Range", [
            Field("color", "Colour", "color", self.canvas.primary),
            Field("tolerance", "Tolerance", "int", 0, 0, 255)])  # fmt: skip
        if values is None or cel is None:
            return
        made = selection.color_range(cel.image, values["color"], values["tolerance"])
        self.canvas.set_selection(made)
        self.status("Colour range: " + (f"{counted(int(made.mask.sum()), 'pixel')} selected"
                                        if made else "no pixel of that colour"), 5000)  # fmt: skip

    def _build(self, session, make, nothing: str = "Nothing changed") -> None:
        """A canvas operation: built on the task runner, pushed when the sprite is as it was."""
        sprite = session.sprite
        size = f"{sprite.width}×{sprite.height}"
        self._off_thread(session, "Canvas", None, make,
                         lambda c: f"{c.label}: {size} → {c.width}×{c.height}" if c else nothing)  # fmt: skip

    def _push(self, session, command, message: str) -> None:
        if command is not None:
            try:
                session.history.push(command)
            except DgxPixelsError as exc:
                self.show_error(str(exc))
                return
        self.status(message, 6000)
