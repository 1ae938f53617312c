"""Model discovery and the resident diffusion engine. Never imports Qt."""
