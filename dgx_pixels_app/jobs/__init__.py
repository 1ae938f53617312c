"""Jobs: the one path every generation takes, whoever asks for it.

A :class:`~dgx_pixels_app.jobs.job.Job` is plain data — the engine calls to make,
the post-steps for each image (pixelize, palette, fit to a sprite size, cut a
strip into frames) and where results go (a batch folder, the caller). A
:class:`~dgx_pixels_app.jobs.queue.JobQueue` runs jobs in order on one back end
(:mod:`dgx_pixels_app.engine.backend`: the in-process engine or Ray actors) and
reports progress, images, cancel and errors as events; a failing job never stops
the queue. The GUI's job client, the command line and batch all submit these
jobs, so none holds generation logic another lacks.

Modules: ``job`` (data and events), ``queue``, ``post`` (post-steps),
``items``/``batch``/``manifest`` (batch generation), ``metrics`` (what each job
cost), ``hashes`` (model/LoRA SHA-256 for provenance), ``placement`` and
``frames`` (results into documents and animation frames), ``export`` (export
jobs the GUI runs off its thread). Qt-free.
"""
