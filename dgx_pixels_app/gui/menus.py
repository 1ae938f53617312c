"""The window's menus, declared as data.

Each :class:`Item` says what it is called, what it runs — a path on the window
(``"canvas.tools.cut"``) called with ``args`` when triggered — its shortcut, and
with ``name`` the attribute that keeps the action on the window
(``window.undo_action``) for code and tests that need it. Besides items, a menu
holds separators, submenus filled when shown, and two rows of toggles built from
what exists at start: the docks and the engine switches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from PySide6.QtGui import QAction, QKeySequence

Std = QKeySequence.StandardKey


@dataclass(frozen=True)
class Item:
    text: str
    run: str  # a path on the window
    shortcut: object = None  # key sequence text or a standard key
    args: tuple = ()
    name: str = ""  # keep the action as window.<name>
    checkable: bool = False
    checked: str = ""  # a path on the window: its value is the initial check state
    tip: str = ""
    more_shortcuts: tuple = ()
    with_state: bool = False  # a checkable item's new state is the first argument


@dataclass(frozen=True)
class Submenu:
    text: str
    fill: str  # a path on the window, called with the submenu just before it shows
    name: str


SEPARATOR = "separator"
DOCKS = "the docks' toggles"
ENGINE_SWITCHES = "the engine switches"

MENUS = (
    ("&File", (
        Item("&New…", "new_sprite", Std.New, name="new_action"),
        Item("&Open…", "open_file", Std.Open, name="open_action"),
        Submenu("Open &Recent", "fill_recent", "recent_menu"),
        SEPARATOR,
        Item("&Save", "save", Std.Save, name="save_action"),
        Item("Save &As…", "save_as", "Ctrl+Shift+S", name="save_as_action"),
        SEPARATOR,
        Item("&Import Sprite Sheet…", "exports.import_sheet", name="import_sheet_action"),
        Item("&Export Sprite Sheet…", "exports.export_sheet", "Ctrl+Shift+E", name="export_action"),
        Item("Export to &Bevy…", "exports.export_bevy", "Ctrl+Alt+B", name="export_bevy_action",
             tip="The sheet, its JSON and layout into a Bevy game's assets/, with a snippet"),
        Item("Repeat &Last Export", "exports.repeat_export", "Ctrl+E", name="repeat_export_action"),
        SEPARATOR,
        Item("&Quit", "close", Std.Quit),
    )),
    ("&Edit", (
        Item("&Undo", "undo", Std.Undo, name="undo_action"),
        Item("&Redo", "redo", "Ctrl+Y", name="redo_action", more_shortcuts=("Ctrl+Shift+Z",)),
        SEPARATOR,
        Item("Cu&t", "canvas.tools.cut", Std.Cut),
        Item("&Copy", "canvas.tools.copy", Std.Copy),
        Item("&Paste", "canvas.tools.paste", Std.Paste),
        SEPARATOR,
        Item("Select &All", "canvas.select_all", Std.SelectAll),
        Item("&Deselect", "canvas.set_selection", "Ctrl+D", args=(None,)),
        Item("&Inverse Selection", "touchups.select_inverse", "Ctrl+Shift+I"),
        Item("&Expand Selection…", "touchups.select_modify", args=("expand",)),
        Item("C&ontract Selection…", "touchups.select_modify", args=("contract",)),
        Item("&Border Selection…", "touchups.select_modify", args=("border",)),
        Item("Colour &Range…", "touchups.select_color_range",
             tip="Select every pixel of the cel near a colour, touching or not"),
        SEPARATOR,
        Item("Flip &Horizontal", "canvas.tools.flip", "Shift+H", args=(True,)),
        Item("Flip &Vertical", "canvas.tools.flip", "Shift+V", args=(False,)),
        Item("Rotate 90° &Clockwise", "canvas.tools.rotate", "Ctrl+Alt+R", args=(True,)),
        Item("Rotate by &Angle… (RotSprite)", "touchups.pixel_op", args=("rotate",),
             name="rotate_angle_action", tip="Any angle, keeping pixel-art edges, no new colours"),
        Item("Rotate 90° C&ounterclockwise", "canvas.tools.rotate", "Ctrl+Alt+Shift+R",
             args=(False,)),
        Item("&Transform", "canvas.transform.start", "Ctrl+T", name="transform_action",
             tip="Handles to move, scale (nearest neighbour) and turn (RotSprite) the selection"),
        Item("Transform &Every Frame", "_set_every_frame", name="every_frame_action",
             checkable=True, with_state=True,
             tip="Enter applies the transform to the same area of each frame of the layer"),
        SEPARATOR,
        Item("New &Brush", "canvas.tools.new_brush", "Ctrl+B", name="new_brush_action",
             tip="The selected pixels become the pencil's brush"),
        Item("Brush in Current Co&lour", "canvas.tools.brush_in_current_color",
             name="brush_color_action", checkable=True, with_state=True,
             tip="Stamp the brush's shape in the primary colour instead of its own colours"),
        Item("C&lear Brush", "canvas.tools.clear_brush", name="clear_brush_action"),
        Item("S&ymmetry Axis…", "touchups.symmetry_axis", name="axis_action",
             tip="Where Mirror H and Mirror V reflect (the centre by default)"),
    )),
    ("&Sprite", (
        Item("&Outline…", "touchups.pixel_op", "Shift+O", args=("outline",), name="outline_action"),
        Item("&Replace Colour…", "touchups.pixel_op", "Shift+R", args=("replace_color",),
             name="replace_color_action"),
        Item("&Hue/Saturation…", "touchups.pixel_op", "Ctrl+U", args=("hue_saturation",),
             name="hue_action"),
        Item("&Brightness/Contrast…", "touchups.pixel_op", args=("brightness_contrast",),
             name="brightness_action"),
        SEPARATOR,
        Item("&Canvas Size…", "touchups.canvas_size", "Ctrl+Alt+C", name="canvas_size_action"),
        Item("&Sprite Size…", "touchups.sprite_size", "Ctrl+Alt+I", name="sprite_size_action"),
        Item("&Trim", "touchups.trim", name="trim_action",
             tip="Cut the canvas to the content of every frame and layer"),
        SEPARATOR,
        Item("Add Colour R&amp…", "touchups.palette_ramp", name="ramp_action",
             tip="A ramp from the primary to the secondary colour, hue bending on the way"),
        Item("Sort Palette by &Lightness", "touchups.palette_sort", args=("lightness",)),
        Item("Sort Palette by H&ue", "touchups.palette_sort", args=("hue",)),
        Item("&Palette from Sprite", "touchups.palette_from_sprite"),
        Item("Colour &Variants…", "structure.color_variants", name="variants_action",
             tip="Hue-shifted or remapped copies as new frames or files (blue slime, red slime)"),
        SEPARATOR,
        Item("&Indexed Colour…", "structure.color_mode", args=(True,), name="indexed_action",
             tip="Every pixel one of the palette's colours; saved as indices"),
        Item("RGB &Colour", "structure.color_mode", args=(False,), name="rgb_action"),
    )),
    ("&Layer", (
        Item("&New Layer", "layers_panel.add_layer", "Shift+N", name="new_layer_action"),
        Item("&Duplicate Layer", "layers_panel.duplicate_layer", name="duplicate_layer_action"),
        Item("D&elete Layer", "layers_panel.remove_layer", name="delete_layer_action"),
        Item("&Merge Down", "layers_panel.merge_down", name="merge_down_action"),
        SEPARATOR,
        Item("&Pixelize…", "pixelize_layer", "Ctrl+Shift+P", name="pixelize_action",
             tip="Turn SDXL-style pixel art into true pixel art"),
        SEPARATOR,
        Item("&Group Layer", "structure.group_layer", name="group_action",
             tip="Put the current layer in a new group"),
        Item("&Ungroup", "structure.ungroup", name="ungroup_action"),
        SEPARATOR,
        Item("&Reference Image…", "touchups.reference_from_file", name="reference_action",
             tip="An image under the sprite to trace over (never saved or exported)"),
        Item("Selected Result as Re&ference", "touchups.reference_from_result"),
        Item("Reference &Opacity…", "touchups.reference_opacity"),
        Item("&Clear Reference", "touchups.clear_reference"),
    )),
    ("&View", (
        Item("Zoom &In", "canvas.zoom_by", "+", args=(2,)),
        Item("Zoom &Out", "canvas.zoom_by", "-", args=(0.5,)),
        Item("&Fit to Window", "canvas.fit", "Shift+Z"),
        Item("&Actual Size (100%)", "canvas.set_zoom", "Ctrl+1", args=(1,)),
        Item("Pixel &Grid", "_toggle_grid", "Ctrl+'", name="grid_action", checkable=True,
             checked="canvas.show_grid"),
        Item("&Tiled Mode", "_toggle_tile_mode", name="tile_mode_action", checkable=True),
        SEPARATOR,
        DOCKS,
    )),
    ("&Model", (
        Item("&Load Model File…", "models.choose_model", "Ctrl+Shift+M", args=(False,),
             name="load_model_action"),
        Item("Load Model &Folder…", "models.choose_model", args=(True,)),
        Submenu("Found &Models", "models.fill_models", "models_menu"),
        Item("&Add Models Folder (ComfyUI, A1111)…", "models.add_models_folder"),
        Item("&Unload Model", "models.unload_model"),
        SEPARATOR,
        Item("Get the &Recommended Set…", "show_welcome"),
        Item("&Download from Hugging Face…", "models.download_model"),
        Item("&Compare Models and LoRAs…", "models.compare", name="compare_action"),
        Item("&Batch Generate…", "batches.batch_generate", "Ctrl+Shift+B", name="batch_action"),
        Item("&Train LoRA…", "models.train_lora", name="train_action"),
        Item("Agent &Access (MCP)", "agents.toggle", name="agent_action", checkable=True,
             with_state=True),
        SEPARATOR,
        ENGINE_SWITCHES,
    )),
    ("&Animation", (
        Item("&Play / Pause", "enter_key", "Return", name="play_action",
             tip="Enter: play or pause (it applies an open transform instead)"),
        Item("&New Frame", "timeline.add_frame", "Alt+N"),
        Item("&Duplicate Frame", "timeline.duplicate_frame", "Alt+D"),
        Item("Previous Frame", "animation.step_frame", ",", args=(-1,)),
        Item("Next Frame", "animation.step_frame", ".", args=(1,)),
        Item("&Link Cels…", "structure.link_cels", name="link_action",
             tip="One image on several frames of this layer: draw once, change all"),
        Item("&Unlink Cel", "structure.unlink_cel", name="unlink_action"),
        SEPARATOR,
        Item("&Snap Frames to Palette", "animation.snap_frames", name="snap_action"),
        Item("&Generate Frames (AI)…", "animation.generate_frames", name="generate_frames_action"),
        Item("Generate &Character (AI)…", "characters.generate_character",
             name="generate_character_action",
             tip="One character in 4 or 8 directions and several actions, from a reference"),
        SEPARATOR,
        Item("Add &Pose Layer…", "characters.add_pose_layer", name="pose_layer_action"),
        Item("Save Pose as &Template…", "characters.save_pose_template"),
        SEPARATOR,
        Item("Export &GIF / APNG…", "animation.export_animation", name="export_anim_action"),
    )),
    ("&Help", (
        Item("&Getting Started", "show_welcome", "F1", name="welcome_action"),
        Item("&About DGX-Pixels", "about"),
    )),
)  # fmt: skip


def resolve(window, path: str):
    return reduce(getattr, path.split("."), window)


def build_menus(window, menus=MENUS) -> None:
    """The menu bar from ``menus``; named actions and submenus kept on the window."""
    bar = window.menuBar()
    for title, rows in menus:
        menu = bar.addMenu(title)
        for row in rows:
            _add_row(window, menu, row)


def _add_row(window, menu, row) -> None:
    if row == SEPARATOR:
        menu.addSeparator()
    elif row == DOCKS:
        for dock in window.docks.values():
            menu.addAction(dock.toggleViewAction())
    elif row == ENGINE_SWITCHES:
        _engine_switches(window, menu)
    elif isinstance(row, Submenu):
        submenu = menu.addMenu(row.text)
        submenu.aboutToShow.connect(lambda p=row.fill, m=submenu: resolve(window, p)(m))
        setattr(window, row.name, submenu)
    else:
        _add_item(window, menu, row)


def _add_item(window, menu, item: Item) -> QAction:
    action = QAction(item.text, window)
    if item.shortcut is not None:
        keys = [QKeySequence(item.shortcut), *map(QKeySequence, item.more_shortcuts)]
        action.setShortcuts(keys)

    def run(checked: bool = False, i=item) -> None:
        resolve(window, i.run)(*((checked,) if i.with_state else ()), *i.args)

    action.triggered.connect(run)
    if item.checkable:
        action.setCheckable(True)
        action.setChecked(bool(resolve(window, item.checked)) if item.checked else False)
    if item.tip:
        action.setToolTip(item.tip)
    if item.name:
        setattr(window, item.name, action)
    menu.addAction(action)
    return action


def _engine_switches(window, menu) -> None:
    from dgx_pixels_app.engine.settings import SWITCHES

    window.engine_toggles = {}
    for attr, text in SWITCHES.items():
        item = Item(text, "models.toggle_engine", args=(attr,), checkable=True, with_state=True)
        action = _add_item(window, menu, item)
        action.setChecked(attr in window.settings.engine_switches)
        window.engine_toggles[attr] = action
