"""Test configuration for tests, doctests and docs pages: hypothesis profiles, pandas display."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

# The default profile is for a quick local run; CI's profile draws five times as many examples.
settings.register_profile(
    "default",
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

pd.set_option("display.width", 100)
pd.set_option("display.max_columns", 20)


#: Docs pages whose examples build a whole report (deselected with the tests that do).
SLOW_PAGES = ("tutorial.md",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the examples of the pages in :data:`SLOW_PAGES` as ``slow``."""
    for item in items:
        if item.path.name in SLOW_PAGES:
            item.add_marker(pytest.mark.slow)
