"""The Qt front end: windows, docks and workers. Holds no logic the CLI lacks."""
