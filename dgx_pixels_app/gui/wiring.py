"""Where the window's parts are connected: every signal to its slot, in one place
(as qutebrowser's ``_connect_signals``). Widgets and controllers never reach for each
other; they meet here."""

from __future__ import annotations


def connect_signals(w) -> None:
    docs = w.documents
    docs.sessionChanged.connect(w._on_session)
    docs.stateChanged.connect(w._update_title)
    docs.message.connect(lambda text: w.statusBar().showMessage(text, 5000))
    docs.error.connect(w.show_error)
    w.palette_panel.primary_source = lambda: w.canvas.primary
    for panel in (w.canvas, w.layers_panel, w.timeline, w.palette_panel):
        panel.errorRaised.connect(w.show_error)
    w.canvas.hovered.connect(w._on_hover)
    w.canvas.zoomChanged.connect(lambda z: w.zoom_label.setText(f"{z * 100:g}%"))
    w.palette_panel.colorPicked.connect(w._on_color_picked)
    timeline = w.timeline
    timeline.frameSelected.connect(w.animation.on_frame_selected)
    timeline.layerSelected.connect(lambda _i: w.layers_panel.rebuild())
    timeline.playToggled.connect(w.animation.on_play_toggled)
    timeline.onionChanged.connect(w.animation.on_onion)
    w.playback.frameShown.connect(w.animation.on_frame_played)
    w.playback.stopped.connect(lambda: timeline.play.setChecked(False))
    w.results_panel.addAsFrame.connect(w.animation.add_result_frame)
    prompt = w.prompt_panel
    prompt.generateRequested.connect(w.generation.generate)
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
    w.jobs.jobFailed.connect(lambda _job, text: w.show_error(text))
    w.jobs.imageReady.connect(w._on_image_ready)
    w.jobs.imageFailed.connect(w._on_image_failed)
    w.jobs.jobMetrics.connect(w._on_metrics)
    w.agent_access.started.connect(w._on_agent_started)
    w.agent_access.stopped.connect(w._on_agent_stopped)
    w.jobs.modelLoaded.connect(lambda model: w.agent_access.follow_model(str(model.path)))
    w.jobs.busyChanged.connect(prompt.set_busy)
    w.results_panel.addAsLayer.connect(w.generation.add_result_layer)
    w.results_panel.openAsSprite.connect(w.generation.open_result)
