"""DGX-Pixels: make game sprites with Stable Diffusion XL."""

__version__ = "0.1.0"
APP_NAME = "DGX-Pixels"
