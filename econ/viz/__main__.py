"""``python -m econ.viz``: serve the dashboard."""

from econ.viz import main

raise SystemExit(main())
