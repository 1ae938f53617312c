"""File formats: ``.aseprite``, PNG and friends. Pillow and numpy only, no Qt or torch."""
