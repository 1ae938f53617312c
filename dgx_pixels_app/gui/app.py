"""Start the Qt application."""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from pathlib import Path

from dgx_pixels_app import APP_NAME, __version__
from dgx_pixels_app import settings as app_settings


def _install_excepthook(window) -> None:
    """An unexpected error in a slot is logged and shown, and the app keeps running."""
    log = logging.getLogger("dgx_pixels_app")

    def hook(kind, value, tb) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        # if the dialog itself fails, the log still has the error
        with contextlib.suppress(Exception):
            window.show_error(
                f"Something went wrong ({kind.__name__}: {value}). Your work is kept; "
                "please save and report this."
            )

    sys.excepthook = hook


def _setup_logging() -> None:
    folder = app_settings.data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(
            filename=folder / "dgx-pixels.log",
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    except OSError:
        logging.basicConfig(level=logging.INFO)


def _check_display() -> None:
    """On Linux, say plainly when there is no screen to open a window on."""
    import os

    from dgx_pixels_app.core.errors import DgxPixelsError

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        raise DgxPixelsError(
            "No display found (DISPLAY and WAYLAND_DISPLAY are unset): run DGX-Pixels on the "
            "desktop, over ssh -X, or use the command line (dgx-pixels --help)."
        )


def run_gui(file: str | None = None) -> int:
    _check_display()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from dgx_pixels_app.gui.main_window import MainWindow

    _setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("dgx-pixels")
    app.setDesktopFileName("dgx-pixels")
    window = MainWindow()
    _install_excepthook(window)
    window.show()
    if file:
        QTimer.singleShot(0, lambda: window.open_path(Path(file)))
    else:
        QTimer.singleShot(0, window.offer_recovery)
    QTimer.singleShot(0, window.first_run.start)
    return _run_loop(app)


def _run_loop(app) -> int:
    """Qt's event loop driven by qasync, so asyncio code (the in-app MCP server) runs in
    it beside the widgets."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    return 0


def main() -> int:
    return run_gui(sys.argv[1] if len(sys.argv) > 1 else None)
