"""Fixtures shared by the test modules: the example data and the report built on it, once.

A whole report takes seconds to build; a test that only reads one takes the session's
``example_report`` instead of building its own (with pytest-xdist, each worker builds it once).
A test that changes the files it gets builds into its own ``tmp_path``. The PySpark session of
the engine tests (``spark``) starts once too, when the first test asks for it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A PySpark session in local mode for the engine tests (marker ``spark``).

    Skipped without a Java runtime locally; under ``CI=true`` that fails instead, since CI
    promises to run the PySpark engine tests.
    """
    reason = ""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        reason = "PySpark needs a Java runtime (none found: install default-jre-headless)"
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - pyspark is in the test extra
        reason = reason or "pyspark is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI runs the PySpark engine tests: {reason}")
        pytest.skip(reason)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        session = (
            SparkSession.builder.master("local[1]")
            .appName("jobhandicap-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate()
        )
    yield session
    session.stop()
