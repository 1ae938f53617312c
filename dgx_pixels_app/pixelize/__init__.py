"""Turn SDXL's soft, many-coloured "pixel art" into true pixel art.

numpy and Pillow only (no Qt, no torch), so the CLI command starts fast. Stages,
each switchable through :class:`~dgx_pixels_app.pixelize.pipeline.PixelizeOptions`:
grid detection, cell colours, palette reduction, background removal, clean-up.

Modules: ``grid`` (cell size), ``cuts`` (where each cell starts), ``cells`` (reading
each cell) and ``deblur`` (small cells' colours solved out of the blur), ``palette``
and ``ramps`` (the automatic palette; ramps keeps a ramp's fine shades on large
cells), ``background`` with ``regions`` (connected cells) and ``shading`` (the
background's slow light), ``cleanup`` (stray pixels), ``seam`` (tiles), ``apply``
(onto a document) and ``stats`` (median, percentile and unique colours without
numpy's first-call cost).
"""
