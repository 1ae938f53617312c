"""The one back-end factory: the GUI, the CLI, batch and the MCP server all get their
back end here, chosen by the ``backend`` setting or the CLI's ``--backend``.

``local`` is the resident engine in this process; ``ray`` a private local Ray
(started and stopped with the back end); ``ray:HOST:PORT`` a Ray cluster's head.
"""

from __future__ import annotations

from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.engine.backend import Backend
from dgx_pixels_app.engine.settings import EngineSettings

KINDS = ("local", "ray")


def check_spec(spec: str) -> tuple[str, str]:
    """(kind, address) of a back-end spec, or an error naming the option ``backend``."""
    kind, _, address = str(spec).strip().partition(":")
    if kind not in KINDS or (kind == "local" and address):
        raise OptionError("backend", f"must be local, ray or ray:HOST:PORT, not '{spec}'")
    return kind, address


def make_backend(
    spec: str | None = None,
    settings: EngineSettings | None = None,
    workers: int | None = None,
    device: str = "auto",
) -> Backend:
    """The back end ``spec`` names (default: the ``backend`` setting) with ``settings``
    (default: the engine switches saved in the settings, on ``device``)."""
    if spec is None or settings is None:
        from dgx_pixels_app.settings import load_settings, settings_path

        saved = load_settings()
        settings = settings or EngineSettings.from_settings(saved, device=device)
        if spec is None:
            try:
                check_spec(saved.backend)
            except OptionError:
                raise InvalidInputError(
                    f"The backend setting in {settings_path()} must be local, ray or "
                    f"ray:HOST:PORT, not '{saved.backend}'; or give --backend."
                ) from None
            spec = saved.backend
    kind, address = check_spec(spec)
    if kind == "local":
        from dgx_pixels_app.engine.local import LocalBackend

        return LocalBackend(settings=settings)
    from dgx_pixels_app.engine.ray_backend import RayBackend

    return RayBackend(address or None, workers=workers, settings=settings)
