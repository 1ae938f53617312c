import pytest

from dgx_pixels_app.gui.main_window import MainWindow


class FakePrompter:
    """Answers the window's questions without modal dialogs, and records them."""

    def __init__(self) -> None:
        self.save_answer = "cancel"
        self.recover_answer = True
        self.size = (16, 16)
        self.open_answer = None
        self.save_as_answer = None
        self.pixelize_answer = None
        self.export_answer = None
        self.import_answer = None
        self.animation_answer = None
        self.batch_answer = None
        self.agent_root_answer = None
        self.results_folder_answer = None
        self.touchup_answer = None
        self.choose_answer = None  # a key of the options offered
        self.choices: list = []  # the options each choose() offered
        self.reference_answer = None  # a dict of values, or a function of the field defaults
        self.replace_answer = False
        self.snippets: list[str] = []
        self.asked: list[str] = []
        self.errors: list[str] = []

    def ask_save_changes(self, title):
        self.asked.append(f"save-changes:{title}")
        return self.save_answer

    def ask_recover(self, entry):
        self.asked.append("recover")
        return self.recover_answer

    def error(self, message):
        self.errors.append(message)

    def ask_replace(self, files):
        self.asked.append(f"replace:{','.join(files)}")
        return self.replace_answer

    def new_sprite_size(self):
        return self.size

    def pixelize(self, source, palette):
        self.asked.append("pixelize")
        return (
            self.pixelize_answer(source) if callable(self.pixelize_answer) else self.pixelize_answer
        )

    def export(self, sprite, spec, bevy_only=False):
        self.asked.append(f"export:{'bevy-only' if bevy_only else spec.kind}:{spec.path}")
        return self.export_answer

    def show_snippet(self, title, snippet):
        self.snippets.append(snippet)

    def import_sheet(self):
        return self.import_answer

    def animation_path(self, suggestion):
        return self.animation_answer

    def touchup(self, title, fields, source=None, apply=None):
        self.asked.append(f"touchup:{title}")
        defaults = {field.key: field.default for field in fields}
        answer = self.touchup_answer
        return answer(defaults) if callable(answer) else answer

    def choose(self, title, text, options):
        self.asked.append(f"choose:{title}:{text}")
        self.choices.append(options)
        return self.choose_answer

    def reference_path(self, folder=""):
        self.asked.append(f"reference:{folder}")
        return self.reference_answer

    def results_folder(self):
        self.asked.append("results-folder")
        return self.results_folder_answer

    def agent_root(self):
        self.asked.append("agent-root")
        return self.agent_root_answer

    def batch(self, output):
        self.asked.append(f"batch:{output}")
        return self.batch_answer

    def open_path(self, folder=""):
        return self.open_answer

    def save_path(self, suggestion):
        return self.save_as_answer


@pytest.fixture
def window(qtbot):
    win = MainWindow(prompter=FakePrompter())
    qtbot.addWidget(win)
    win.resize(1100, 750)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.prompter.save_answer = "discard"
    win.close()


@pytest.fixture
def editor(window, qtbot):
    """A 16x16 sprite on the canvas at 8x, red as the primary colour, keyboard focus there."""
    from PySide6.QtCore import QPointF

    window.documents.new_document(16, 16)
    canvas = window.canvas
    canvas.set_zoom(8)
    canvas.offset = QPointF(10, 10)
    canvas.primary = (255, 0, 0, 255)
    canvas.setFocus()
    return window, canvas
