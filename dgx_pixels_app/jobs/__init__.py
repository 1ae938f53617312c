"""Jobs: the one path every generation takes, whoever asks for it.

A :class:`~dgx_pixels_app.jobs.job.Job` is plain data — the engine calls to make,
the post-steps for each image (pixelize, palette, fit to a sprite size, cut a
strip into frames), where results go (a target: a PNG folder, a batch folder, a
tileset) and where a front end places them (a typed placement). A
:class:`~dgx_pixels_app.jobs.queue.JobQueue` runs jobs in order on one back end
(from :mod:`dgx_pixels_app.engine.factory`: the in-process engine or Ray actors)
and reports progress, images, cancel and errors as events; a failing job never
stops the queue. The GUI's job client, the command line, batch and agents all
submit these jobs, so none holds generation logic another lacks.

Modules: ``requests`` (the one request builder, from presets), ``frame_requests``
(strips and next frames), ``job`` (data, placements, events), ``queue``, ``post``
(post-steps), ``targets`` (PNG folder), ``items``/``batch``/``manifest`` (batch
generation), ``tileset``, ``animation``, ``metrics`` (what each job cost),
``placement`` and ``frames`` (results into documents and animation frames),
``export`` (export jobs the GUI runs off its thread). Qt-free.
"""
