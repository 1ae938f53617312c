"""The tiny SDXL-shaped model is built once per test session (tests/conftest.py)."""
