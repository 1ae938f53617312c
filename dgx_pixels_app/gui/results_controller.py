"""The Results gallery's actions that reach beyond it: the Pixelize dialog on the
selected result, its seed back in the Prompt dock, and every result saved as a folder
(on the task runner: the window never waits on the disk)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from dgx_pixels_app.gui.results_panel import ResultItem, ResultsPanel


class ResultsController(QObject):
    def __init__(self, *, results: ResultsPanel, documents, prompter, prompt,
                 add_layer: Callable, status: Callable[[str, int], None],
                 parent: QObject) -> None:  # fmt: skip
        super().__init__(parent)
        self.results, self.documents, self.prompter, self.prompt = (
            results,
            documents,
            prompter,
            prompt,
        )
        self.add_layer, self.status = add_layer, status
        results.pixelizeRequested.connect(self.pixelize)
        results.useSeed.connect(self.use_seed)
        results.saveRequested.connect(self.save_all)

    def pixelize(self, item: ResultItem) -> None:
        """The dialog opens on this result; what it makes goes in as a layer as it is
        (or becomes the sprite when none is open)."""
        session = self.documents.session
        palette = session.sprite.palette if session is not None else None
        made = self.prompter.pixelize(item.image.copy(), palette)
        if made is not None:
            self.add_layer(ResultItem(made.image, item.request, item.selection), False)

    def use_seed(self, seed: int) -> None:
        self.prompt.seed.setValue(seed)
        self.prompt.lock_seed.setChecked(True)
        self.status(f"Seed {seed} locked in the Prompt dock: Generate keeps it", 5000)

    def save_all(self, items: list[ResultItem]) -> None:
        from dgx_pixels_app.jobs.results_folder import save_results

        folder = self.prompter.results_folder()
        if not folder:
            return
        results = [(item.image, item.request) for item in reversed(items)]  # oldest first
        count = len(results)
        self.status(f"Saving {count} result{'s' * (count != 1)}…", 0)
        self.documents.runner.submit(
            lambda: save_results(folder, results),
            lambda path: self.status(
                f"Saved {count} result{'s' * (count != 1)} with {path}", 10000
            ),
            self.documents.report_failure,
        )
