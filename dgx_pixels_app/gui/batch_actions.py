"""The window's batch and metrics actions. A mixin of MainWindow.

A batch is prepared off the UI thread (it reads the list and the output folder),
then submitted to the same job queue as every other generation: its images land
in the Results dock as they are written to disk, and each job's metrics in the
Metrics dock and the status bar.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dgx_pixels_app.jobs.batch import BatchFolder, BatchOptions, prepare_batch
from dgx_pixels_app.jobs.items import parse_items, read_items
from dgx_pixels_app.jobs.job import ForAgent


def build_batch(spec, model: str, loras, options: dict | None = None) -> object:
    """The batch job for a dialog's answer (runs on a worker thread)."""
    if spec.items_file:
        items = read_items(spec.items_file)
        digest = hashlib.sha256(Path(spec.items_file).read_bytes()).hexdigest()
    else:
        items = parse_items(spec.items_text, "txt", "the pasted list")
        digest = hashlib.sha256(spec.items_text.encode()).hexdigest()
    if not spec.output:
        from dgx_pixels_app.core.errors import InvalidInputError

        raise InvalidInputError("Choose an output folder for the batch.")
    plan = BatchOptions(
        output=Path(spec.output), model=model, kind=spec.kind, style=spec.style, size=spec.size,
        count=spec.count, seed=spec.seed, steps=spec.steps, cfg=spec.cfg, loras=loras,
        resolution=spec.resolution, items_sha256=digest, options=options or {},
    )  # fmt: skip
    return prepare_batch(items, plan, resume=spec.resume)


class BatchActions:
    def batch_generate(self) -> None:
        model = self.jobs.model
        if model is None:
            self.show_error("Load a model first (Model ▸ Load Model…): the batch runs on it.")
            return
        spec = self.prompter.batch(str(Path.home() / "dgx-pixels-batch"))
        if spec is None:
            return
        model_path, loras = str(model.path), self.lora_panel.loras()
        options = self.prompt_panel.options()  # the Advanced rows apply to the batch too

        def done(job) -> None:
            if not job.tasks:
                self.statusBar().showMessage("Every image of that batch is already done.", 8000)
                return
            self.jobs.submit_job(job)
            self.statusBar().showMessage(
                f"Batch started: {job.image_count} image(s) → {job.target.output}", 8000
            )

        self.documents.runner.submit(
            lambda: build_batch(spec, model_path, loras, options),
            done,
            self.documents.report_failure,
        )

    def _on_image_ready(self, job, image) -> None:
        if isinstance(job.place, ForAgent):
            self._agent_image(job.place, image)
            return
        if not isinstance(job.target, BatchFolder):
            return
        self.results_panel.add_results([image.raw], [image.request], None)
        target = job.target
        self.statusBar().showMessage(
            f"Batch {target.output.name}: {target.done_count()}/{target.total} · "
            f"{image.seconds:.1f} s/image",
            5000,
        )

    def _agent_image(self, place: ForAgent, image) -> None:
        """An agent's image: into Results, and into the document when it asked."""
        from dgx_pixels_app.gui.results_panel import ResultItem

        self.results_panel.add_results([image.raw], [image.request], None)
        self.statusBar().showMessage(
            f"Agent ({place.tool}): {image.request.extra.get('subject') or image.request.prompt}",
            8000,
        )
        if place.into_document and self.session is not None:
            self.generation.add_result_layer(ResultItem(image.raw, image.request), True)

    # -- agent access ---------------------------------------------------------------------
    def toggle_agent_access(self, on: bool) -> None:
        access = self.agent_access
        if not on:
            access.stop()
            return
        roots = [r for r in self.settings.agent_roots if Path(r).is_dir()]
        if not roots:
            folder = self.prompter.agent_root()
            if not folder:
                self.agent_action.setChecked(False)
                return
            roots = [folder]
            self.documents.update_settings(lambda s: setattr(s, "agent_roots", list(roots)))
        try:
            access.start(roots, self.settings.mcp_port)
        except Exception as exc:  # a port in use, a bad root: said, and the app goes on
            self.agent_action.setChecked(False)
            self.show_error(f"Agent access could not start: {exc}")

    def _on_agent_started(self, address: str, token: str) -> None:
        from dgx_pixels_app.gui.agent_window import AgentWindow

        self.agent_label.setText(f"Agents: {address}")
        self.agent_label.setToolTip(f"MCP over HTTP at {address} (Model ▸ Agent Access)")
        if self.agent_window is None:
            self.agent_window = AgentWindow(self)
        self.agent_window.show_server(address, token, self.agent_access.roots)
        self.agent_window.show()  # never exec(): the server answers on this same event loop
        self.agent_window.raise_()

    def _on_agent_stopped(self, why: str) -> None:
        self.agent_label.setText("")
        if self.agent_window is not None:
            self.agent_window.close()
        self.agent_action.setChecked(False)
        if why:
            self.show_error(why)

    def _on_image_failed(self, job, index: int, message: str) -> None:
        if isinstance(job.target, BatchFolder):
            entry = job.target.by_index.get(index, {})
            self.statusBar().showMessage(
                f"Batch item {entry.get('file', index)} failed: {message}", 8000
            )
        else:
            self.show_error(message)

    def _on_metrics(self, metrics) -> None:
        self.metrics_panel.add(metrics)
        self.speed_label.setText(metrics.summary())

    def _load_metrics(self) -> None:
        log = self.jobs.queue.metrics
        if log is not None:
            self.documents.runner.submit(
                lambda: log.recent(50), self.metrics_panel.load, self.documents.report_failure
            )
