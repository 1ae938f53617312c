"""Turn SDXL's soft, many-coloured "pixel art" into true pixel art.

numpy and Pillow only (no Qt, no torch), so the CLI command starts fast. Stages,
each switchable through :class:`~dgx_pixels_app.pixelize.pipeline.PixelizeOptions`:
grid detection, cell colours, palette reduction, background removal, clean-up.
"""
