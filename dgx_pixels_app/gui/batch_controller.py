"""Batches and what every job cost: the Batch dialog's answer prepared off the UI
thread and submitted like any generation; images (a batch's, an agent's) landing in
the Results dock as they arrive; metrics in the Metrics dock and the status bar.

A batch is prepared off the UI thread (it reads the list and the output folder),
then submitted to the same job queue as every other generation: its images land
in the Results dock as they are written to disk, and each job's metrics in the
Metrics dock and the status bar.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

from dgx_pixels_app.core.words import counted
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.job_client import JobClient
from dgx_pixels_app.gui.lora_panel import LoraPanel
from dgx_pixels_app.gui.metrics_panel import MetricsPanel
from dgx_pixels_app.gui.prompt_panel import PromptPanel
from dgx_pixels_app.gui.prompts import Prompter
from dgx_pixels_app.gui.results_panel import ResultsPanel
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


class BatchController(QObject):
    def __init__(self, *, jobs: JobClient, documents: DocumentController, prompter: Prompter,
                 prompt: PromptPanel, loras: LoraPanel, results: ResultsPanel,
                 metrics: MetricsPanel, speed_label: QLabel, add_result_layer: Callable,
                 status: Callable[[str, int], None], show_error: Callable[[str], None],
                 parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.jobs, self.documents, self.prompter = jobs, documents, prompter
        self.prompt, self.loras, self.results, self.metrics = prompt, loras, results, metrics
        self.speed_label, self.add_result_layer = speed_label, add_result_layer
        self.status, self.show_error = status, show_error

    def batch_generate(self) -> None:
        model = self.jobs.model
        if model is None:
            self.show_error("Load a model first (Model ▸ Load Model…): the batch runs on it.")
            return
        spec = self.prompter.batch(str(Path.home() / "dgx-pixels-batch"))
        if spec is None:
            return
        model_path, loras = str(model.path), self.loras.loras()
        options = self.prompt.options()  # the Prompt panel's option rows apply to the batch too

        def done(job) -> None:
            if not job.tasks:
                self.status("Every image of that batch is already done.", 8000)
                return
            self.jobs.submit_job(job)
            self.status(
                f"Batch started: {counted(job.image_count, 'image')} → {job.target.output}", 8000
            )

        self.documents.runner.submit(
            lambda: build_batch(spec, model_path, loras, options),
            done,
            self.documents.report_failure,
        )

    def on_image_ready(self, job, image) -> None:
        if isinstance(job.place, ForAgent):
            self.agent_image(job.place, image)
            return
        if not isinstance(job.target, BatchFolder):
            return
        self.results.add_results([image.raw], [image.request], None)
        target = job.target
        self.status(
            f"Batch {target.output.name}: {target.done_count()}/{target.total} · "
            f"{image.seconds:.1f} s/image",
            5000,
        )

    def agent_image(self, place: ForAgent, image) -> None:
        """An agent's image: into Results, and into the document when it asked."""
        from dgx_pixels_app.gui.results_panel import ResultItem

        self.results.add_results([image.raw], [image.request], None)
        self.status(
            f"Agent ({place.tool}): {image.request.extra.get('subject') or image.request.prompt}",
            8000,
        )
        if place.into_document and self.documents.session is not None:
            self.add_result_layer(ResultItem(image.raw, image.request), True)

    def on_image_failed(self, job, index: int, message: str) -> None:
        if isinstance(job.target, BatchFolder):
            entry = job.target.by_index.get(index, {})
            self.status(f"Batch item {entry.get('file', index)} failed: {message}", 8000)
        else:
            self.show_error(message)

    def on_metrics(self, metrics) -> None:
        self.metrics.add(metrics)
        self.speed_label.setText(metrics.summary())

    def load_metrics(self) -> None:
        log = self.jobs.queue.metrics
        if log is not None:
            self.documents.runner.submit(
                lambda: log.recent(50), self.metrics.load, self.documents.report_failure
            )
