"""Where the window's parts meet: the controllers made, each given exactly what it
works with, and every signal connected to its slot, in one place (as qutebrowser's
``_connect_signals``). Widgets and controllers never reach for each other."""

from __future__ import annotations

from dgx_pixels_app.gui.agent_controller import AgentController
from dgx_pixels_app.gui.animation_controller import AnimationController
from dgx_pixels_app.gui.batch_controller import BatchController
from dgx_pixels_app.gui.character_controller import CharacterController
from dgx_pixels_app.gui.export_controller import ExportController
from dgx_pixels_app.gui.first_run import FirstRunController
from dgx_pixels_app.gui.generation_controller import GenerationController
from dgx_pixels_app.gui.model_controller import ModelController
from dgx_pixels_app.gui.op_progress import OpProgress
from dgx_pixels_app.gui.results_controller import ResultsController
from dgx_pixels_app.gui.session_memory import SessionMemory
from dgx_pixels_app.gui.structure_controller import StructureController
from dgx_pixels_app.gui.touchup_controller import TouchupController


def make_controllers(w) -> None:
    """The controllers, each given exactly what it works with."""
    status, docs = w.statusBar().showMessage, w.documents
    w.generation = GenerationController(
        jobs=w.jobs, documents=docs, loras=w.lora_panel, guides=w.guides_panel,
        results=w.results_panel,
        layers=w.layers_panel, status=status, show_error=w.show_error,
        confirm_discard=w._confirm_discard, parent=w,
    )  # fmt: skip
    w.memory = SessionMemory(
        settings=w.settings, update_settings=docs.update_settings, prompt=w.prompt_panel,
        loras=w.lora_panel, status=status, parent=w,
    )  # fmt: skip
    w.models = ModelController(
        jobs=w.jobs, documents=docs, prompter=w.prompter, prompt=w.prompt_panel,
        loras=w.lora_panel, model_label=w.model_label, memory_label=w.memory_label,
        status=status, show_error=w.show_error,
        add_result_layer=w.generation.add_result_layer, remember=w.memory.model_loaded,
        parent=w,
    )  # fmt: skip
    w.animation = AnimationController(
        documents=docs, jobs=w.jobs, canvas=w.canvas, timeline=w.timeline,
        preview=w.preview_panel, playback=w.playback, prompt=w.prompt_panel,
        prompter=w.prompter, with_loras=w.generation.with_loras,
        open_result=w.generation.open_result, status=status, show_error=w.show_error,
        parent=w,
    )  # fmt: skip
    w.generation.place_frames = w.animation.place_frames
    w.characters = CharacterController(
        documents=docs, jobs=w.jobs, layers=w.layers_panel, canvas=w.canvas,
        prompt=w.prompt_panel, loras=w.lora_panel, status=status,
        show_error=w.show_error, confirm_discard=w._confirm_discard,
        confirm_later=w._confirm_replace_later, parent=w,
    )  # fmt: skip
    w.batches = BatchController(
        jobs=w.jobs, documents=docs, prompter=w.prompter, prompt=w.prompt_panel,
        loras=w.lora_panel, results=w.results_panel, metrics=w.metrics_panel,
        speed_label=w.speed_label, add_result_layer=w.generation.add_result_layer,
        status=status, show_error=w.show_error, parent=w,
    )  # fmt: skip
    w.agents = AgentController(
        access=w.agent_access, documents=docs, prompter=w.prompter,
        label=w.agent_label, action=w.agent_action, show_error=w.show_error,
        parent=w,
    )  # fmt: skip
    w.first_run = FirstRunController(
        view=w.welcome, models=w.models, documents=docs, prompt=w.prompt_panel,
        loras=w.lora_panel, status=status, parent=w,
    )  # fmt: skip
    w.result_actions = ResultsController(
        results=w.results_panel, documents=docs, prompter=w.prompter, prompt=w.prompt_panel,
        add_layer=w.generation.add_result_layer, status=status, parent=w,
    )  # fmt: skip
    w.touchups = TouchupController(
        documents=docs, prompter=w.prompter, canvas=w.canvas, results=w.results_panel,
        progress=OpProgress(w.statusBar(), w),
        status=status, show_error=w.show_error, parent=w,
    )  # fmt: skip
    w.structure = StructureController(
        documents=docs, prompter=w.prompter, status=status, show_error=w.show_error,
        go_to_frame=w.animation.step_frame, parent=w,
    )  # fmt: skip
    w.exports = ExportController(
        documents=docs, prompter=w.prompter, status_bar=w.statusBar(),
        confirm_discard=w._confirm_discard, parent=w,
    )  # fmt: skip


def connect_signals(w) -> None:
    docs = w.documents
    docs.sessionChanged.connect(w._on_session)
    docs.stateChanged.connect(w._update_title)
    docs.message.connect(lambda text: w.statusBar().showMessage(text, 5000))
    docs.error.connect(w.show_error)
    w.palette_panel.primary_source = lambda: w.canvas.primary
    for panel in (w.canvas, w.layers_panel, w.timeline, w.palette_panel, w.guides_panel):
        panel.errorRaised.connect(w.show_error)
    w.canvas.hovered.connect(w._on_hover)
    w.canvas.tools.messageRaised.connect(status_message(w))
    w.canvas.transform.messageRaised.connect(status_message(w))
    w.canvas.transform.submit = docs.runner.submit
    w.canvas.zoomChanged.connect(lambda z: w.zoom_label.setText(f"{z * 100:g}%"))
    w.palette_panel.colorPicked.connect(w._on_color_picked)
    timeline = w.timeline
    timeline.frameSelected.connect(w.animation.on_frame_selected)
    timeline.layerSelected.connect(lambda _i: w.layers_panel.rebuild())
    w.layers_panel.currentLayerChanged.connect(timeline.show_layer)  # both show one layer
    timeline.playToggled.connect(w.animation.on_play_toggled)
    timeline.onionChanged.connect(w.animation.on_onion)
    w.playback.frameShown.connect(w.animation.on_frame_played)
    w.playback.stopped.connect(lambda: timeline.play.setChecked(False))
    w.results_panel.addAsFrame.connect(w.animation.add_result_frame)
    prompt = w.prompt_panel
    prompt.generateRequested.connect(w.generation.generate)
    prompt.generateRequested.connect(w.memory.later)
    prompt.img2imgRequested.connect(w.generation.generate_from_frame)
    prompt.inpaintRequested.connect(w.generation.inpaint_selection)
    prompt.cancelRequested.connect(w.jobs.cancel_all)
    w.jobs.modelLoaded.connect(w.models.on_loaded)
    w.jobs.modelFailed.connect(w.models.on_failed)
    w.jobs.modelUnloaded.connect(w.models.on_unloaded)
    w.jobs.stateChanged.connect(w.models.update_memory)
    w.jobs.jobProgress.connect(
        lambda _id, step, total, preview: prompt.show_progress(step, total, preview)
    )
    w.jobs.jobFinished.connect(w.generation.on_job_finished)
    w.jobs.jobCancelled.connect(lambda _job, text: w.statusBar().showMessage(text, 5000))
    w.jobs.jobFailed.connect(w.generation.on_job_failed)
    w.jobs.imageReady.connect(w.batches.on_image_ready)
    w.jobs.imageFailed.connect(w.batches.on_image_failed)
    w.jobs.jobMetrics.connect(w.batches.on_metrics)
    w.agent_access.started.connect(w.agents.on_started)
    w.agent_access.stopped.connect(w.agents.on_stopped)
    w.jobs.modelLoaded.connect(lambda model: w.agent_access.follow_model(str(model.path)))
    w.jobs.busyChanged.connect(prompt.set_busy)
    w.results_panel.addAsLayer.connect(w.generation.add_result_layer)
    w.results_panel.openAsSprite.connect(w.generation.open_result)
    w.jobs.modelLoaded.connect(w.first_run.model_loaded)  # after the model's own slot
    w.welcome.newRequested.connect(w.new_sprite)
    w.welcome.openRequested.connect(w.open_file)
    w.welcome.backRequested.connect(lambda: w.show_welcome(False))


def status_message(w):
    return lambda text: w.statusBar().showMessage(text, 6000)
