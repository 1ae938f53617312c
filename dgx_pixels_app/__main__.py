from dgx_pixels_app.cli import main

raise SystemExit(main())
