"""DGX-Pixels: make game sprites with Stable Diffusion XL."""

__version__ = "0.1.0"
APP_NAME = "DGX-Pixels"

# The person's own torch.compile cache folder, read before torch is imported (torch sets
# the variable to its /tmp default on first use): engine.speedups keeps it if given.
USER_COMPILE_CACHE = __import__("os").environ.get("TORCHINDUCTOR_CACHE_DIR", "")
