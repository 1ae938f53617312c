"""The welcome view: what the empty window shows (and Help ▸ Getting Started), with
three ways to a working model — models already on this machine, the recommended set
(names, sizes and licences shown before anything is fetched), or the tiny test model
— and the last model, new sprite and open. A view only: its buttons are signals."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

ROLE_TEXT = {"base": "SDXL model", "style": "style LoRA", "speed": "speed LoRA"}


def size_text(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setOpenExternalLinks(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label


def _tight(layout):
    layout.setContentsMargins(8, 4, 8, 6)
    layout.setSpacing(4)
    return layout


class WelcomeView(QScrollArea):
    scanRequested = Signal()
    addFolderRequested = Signal()
    loadRequested = Signal(str)
    downloadRequested = Signal(list)  # recommended ids
    cancelRequested = Signal()
    tryRequested = Signal()
    newRequested = Signal()
    openRequested = Signal()
    backRequested = Signal()
    alwaysLoadChanged = Signal(bool)

    def __init__(self, entries: list, problem: str, models_folder: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.entries, self.problem = entries, problem
        self.setObjectName("welcome")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        page = QWidget()
        page.setMaximumWidth(760)
        column = QVBoxLayout(page)
        column.setSpacing(6)
        title = QLabel("<h3>Welcome to DGX-Pixels</h3>Sprites with Stable Diffusion XL: "
                       "generate, pixelize, touch up, export to Bevy. First a model, one of "
                       "three ways:")  # fmt: skip
        title.setWordWrap(True)
        column.addWidget(title)
        column.addLayout(self._last_row())
        column.addWidget(self._have_box())
        column.addWidget(self._recommended_box(models_folder))
        column.addWidget(self._try_box())
        column.addLayout(self._document_row())
        column.addStretch(1)
        holder = QWidget()
        outer = QHBoxLayout(holder)
        outer.addStretch(1)
        outer.addWidget(page, 100)
        outer.addStretch(1)
        self.setWidget(holder)
        self.set_last_model(None, False)
        self.set_document_open(False)

    # -- construction ---------------------------------------------------------------------
    def _last_row(self) -> QHBoxLayout:
        self.last_label = QLabel()
        self.load_last = QPushButton("Load It")
        self.load_last.clicked.connect(lambda: self.loadRequested.emit(self._last or ""))
        self.always = QCheckBox("at every start")
        self.always.setToolTip("Load the last model when DGX-Pixels starts, without asking")
        self.always.toggled.connect(self.alwaysLoadChanged)
        row = QHBoxLayout()
        row.addWidget(self.last_label, 1)
        row.addWidget(self.load_last)
        row.addWidget(self.always)
        return row

    def _have_box(self) -> QGroupBox:
        box = QGroupBox("1 · Use models I already have")
        self.scan = QPushButton("Scan for Models")
        self.scan.clicked.connect(self.scanRequested)
        folder = QPushButton("Add a Models Folder…")
        folder.setToolTip("ComfyUI's models/, A1111's models/Stable-diffusion, or any folder")
        folder.clicked.connect(self.addFolderRequested)
        self.found = QListWidget()
        self.found.setMaximumHeight(110)
        self.found.itemDoubleClicked.connect(lambda _i: self._load_found())
        self.found.hide()
        self.load_found = QPushButton("Load Selected")
        self.load_found.clicked.connect(self._load_found)
        self.load_found.hide()
        self.found_note = _note("SDXL models in the Hugging Face cache, DGX-Pixels' models "
                                "folder, and folders you add.")  # fmt: skip
        row = QHBoxLayout()
        for button in (self.scan, folder, self.load_found):
            row.addWidget(button)
        row.addStretch(1)
        layout = _tight(QVBoxLayout(box))
        layout.addWidget(self.found_note)
        layout.addWidget(self.found)
        layout.addLayout(row)
        return box

    def _recommended_box(self, models_folder: str) -> QGroupBox:
        box = QGroupBox("2 · Get the recommended set")
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Model", "What", "Size", "Licence"])
        self.table.setRootIsDecorated(False)
        for entry in self.entries:
            item = QTreeWidgetItem([entry.name, ROLE_TEXT[entry.role], size_text(entry.size),
                                    entry.licence])  # fmt: skip
            item.setToolTip(0, f"{entry.about}\n{entry.repo}/{entry.file}")
            item.setToolTip(3, entry.licence_url)
            item.setCheckState(
                0, Qt.CheckState.Checked if entry.default else Qt.CheckState.Unchecked
            )
            item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
            self.table.addTopLevelItem(item)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.table.sizeHintForRow(0) * max(1, len(self.entries))
        self.table.setFixedHeight(rows + self.table.header().sizeHint().height() + 6)
        self.table.itemChanged.connect(lambda *_a: self._update_total())
        links = " · ".join(f'<a href="{e.licence_url}">{e.name.split(" (")[0]}</a>'
                           for e in self.entries)  # fmt: skip
        self.total = _note("")
        self.download = QPushButton("Download Selected")
        self.download.clicked.connect(lambda: self.downloadRequested.emit(self.chosen()))
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.cancelRequested)
        self.cancel.hide()
        self.bar = QProgressBar()
        self.bar.hide()
        self.fetch_note = _note("")
        row = QHBoxLayout()
        row.addWidget(self.download)
        row.addWidget(self.cancel)
        row.addWidget(self.total, 1)
        layout = _tight(QVBoxLayout(box))
        layout.addWidget(self.table)
        note = _note(f"Licences (read them first): {links}. Saved in the models folder "
                     "(hover for where); downloads resume and are checked (SHA-256).")  # fmt: skip
        note.setToolTip(models_folder)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.fetch_note)
        self._update_total()
        return box

    def _try_box(self) -> QGroupBox:
        box = QGroupBox("3 · Try it now")
        self.try_button = QPushButton("Make and Load the Test Model")
        self.try_button.clicked.connect(self.tryRequested)
        self.try_note = _note("A tiny model with random weights, made here in seconds: its "
                              "pictures are noise, but every step works.")  # fmt: skip
        layout = _tight(QHBoxLayout(box))
        layout.addWidget(self.try_button)
        layout.addWidget(self.try_note, 1)
        return box

    def _document_row(self) -> QHBoxLayout:
        new = QPushButton("New Sprite…")
        new.setToolTip("Ctrl+N")
        new.clicked.connect(self.newRequested)
        open_ = QPushButton("Open…")
        open_.setToolTip("Ctrl+O: .aseprite, PNG, GIF")
        open_.clicked.connect(self.openRequested)
        self.back = QPushButton("Back to the Sprite")
        self.back.clicked.connect(self.backRequested)
        row = QHBoxLayout()
        for button in (new, open_, self.back):
            row.addWidget(button)
        row.addStretch(1)
        return row

    # -- what the controller tells it ------------------------------------------------------
    def chosen(self) -> list[str]:
        root = self.table.invisibleRootItem()
        return [root.child(i).data(0, Qt.ItemDataRole.UserRole) for i in range(root.childCount())
                if root.child(i).checkState(0) == Qt.CheckState.Checked]  # fmt: skip

    def _update_total(self) -> None:
        if self.problem:  # a damaged list: why it is empty
            self.total.setText(self.problem)
            self.download.setEnabled(False)
            return
        ids = set(self.chosen())
        size = sum(e.size for e in self.entries if e.id in ids)
        self.total.setText(f"{len(ids)} file{'s' * (len(ids) != 1)}, about {size_text(size)}")
        self.download.setEnabled(bool(ids))

    def set_last_model(self, path: str | None, always: bool) -> None:
        self._last = path
        name = (path or "").rstrip("/").rsplit("/", 1)[-1]
        self.last_label.setText(f"Last time: <b>{name}</b>" if path else "")
        for widget in (self.last_label, self.load_last, self.always):
            widget.setVisible(bool(path))
        self.always.blockSignals(True)
        self.always.setChecked(always)
        self.always.blockSignals(False)

    def set_found(self, models: list) -> None:
        self.found.clear()
        for model in models:
            item = QListWidgetItem(f"{model.name}   [{model.source}]")
            item.setData(Qt.ItemDataRole.UserRole, str(model.path))
            item.setToolTip(str(model.path))
            self.found.addItem(item)
        self.found.setVisible(bool(models))
        self.load_found.setVisible(bool(models))
        if models:
            self.found.setCurrentRow(0)
        self.found_note.setText(
            f"Found {len(models)} SDXL model{'s' * (len(models) != 1)}: pick one and Load."
            if models else "No SDXL model found in the Hugging Face cache or the models "
            "folders. Add the folder that holds yours, or use 2 or 3 below."
        )  # fmt: skip

    def _load_found(self) -> None:
        item = self.found.currentItem()
        if item is not None:
            self.loadRequested.emit(item.data(Qt.ItemDataRole.UserRole))

    def set_fetching(self, busy: bool, text: str = "") -> None:
        self.download.setEnabled(not busy and bool(self.chosen()))
        self.cancel.setVisible(busy)
        self.bar.setVisible(busy)
        self.table.setEnabled(not busy)
        if busy:
            self.bar.setRange(0, 0)
        self.fetch_note.setText(text)

    def show_bytes(self, what: str, done: int, total: int) -> None:
        if total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(done, total) / total))
        self.fetch_note.setText(f"{what}: {size_text(done)} of {size_text(total)}")

    def set_trying(self, busy: bool, text: str = "") -> None:
        self.try_button.setEnabled(not busy)
        if text:
            self.try_note.setText(text)

    def set_document_open(self, open_: bool) -> None:
        self.back.setVisible(open_)
