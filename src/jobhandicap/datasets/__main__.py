"""Regenerate the packaged example files: ``python -m jobhandicap.datasets --write``."""

from jobhandicap.datasets._example import main

raise SystemExit(main())
