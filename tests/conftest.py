"""Fixtures shared by the test modules: the example data and the report built on it, once.

A whole report takes seconds to build; a test that only reads one takes the session's
``example_report`` instead of building its own (with pytest-xdist, each worker builds it once).
A test that changes the files it gets builds into its own ``tmp_path``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import jobhandicap as jh
from jobhandicap.report import ReportResult, build_report

#: The time written into the shared report (a fixed one: the same bytes in every run).
REPORT_TIMESTAMP = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def example_data() -> jh.ExampleData:
    """The bundled example data (read-only: copy a frame before changing it)."""
    return jh.load_example()


@pytest.fixture(scope="session")
def example_report(
    example_data: jh.ExampleData, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ReportResult, Path]:
    """The English report of the whole example data at :data:`REPORT_TIMESTAMP`, and its folder.

    Read-only: a test that writes into the folder or changes the result would change it for
    every later test.
    """
    folder = tmp_path_factory.mktemp("example_report")
    return build_report(example_data, folder, timestamp=REPORT_TIMESTAMP), folder


@pytest.fixture(scope="session")
def danish_report(
    example_data: jh.ExampleData, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ReportResult, Path]:
    """The same report in Danish (``lang="da"``), and its folder. Read-only likewise."""
    folder = tmp_path_factory.mktemp("danish_report")
    result = build_report(example_data, folder, lang="da", timestamp=REPORT_TIMESTAMP)
    return result, folder
