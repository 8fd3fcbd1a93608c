"""Regenerate the packaged example files: ``python -m jobhandicap.datasets --write``."""

from jobhandicap.datasets._generate import main

raise SystemExit(main())
