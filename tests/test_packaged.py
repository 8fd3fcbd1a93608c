"""Tests for the one loader of packaged data (``jobhandicap._packaged``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from jobhandicap import _packaged

SOURCE = Path(_packaged.__file__).parent


def test_reads_a_table_as_text_rows_once() -> None:
    rows = _packaged.read_csv_table("municipalities.csv")
    assert rows is _packaged.read_csv_table("municipalities.csv")
    assert all(isinstance(v, str) for row in rows for v in row.values())
    codes = {row["code"] for row in rows}
    assert "101" in codes
    assert len(codes) == 98


def test_keeps_danish_letters() -> None:
    names = {row["name"] for row in _packaged.read_csv_table("municipalities.csv")}
    assert {"København", "Læsø", "Aarhus"} <= names


def test_a_missing_file_says_the_installation_is_incomplete() -> None:
    with pytest.raises(FileNotFoundError, match=r"data/absent\.csv is missing.*reinstall"):
        _packaged.read_csv_table("absent.csv")
    with pytest.raises(FileNotFoundError, match=r"data/example/absent\.gz is missing"):
        _packaged.open_binary("example", "absent.gz")


def test_binary_files_open() -> None:
    with _packaged.open_binary("example", "cases.csv.gz") as handle:
        assert handle.read(2) == b"\x1f\x8b"  # gzip


def test_a_broken_row_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_packaged, "read_text", lambda *parts: "a,b\n1,2\n3\n")
    _packaged.read_csv_table.cache_clear()
    try:
        with pytest.raises(ValueError, match="line 3: the row has fewer cells"):
            _packaged.read_csv_table("broken.csv")
    finally:
        _packaged.read_csv_table.cache_clear()


def test_no_other_module_reads_package_files() -> None:
    """Every packaged file is read through _packaged: no other module uses importlib.resources."""
    readers = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [f"{node.module}.{a.name}" for a in node.names]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.startswith("importlib.resources") for name in names):
                readers.append(path.relative_to(SOURCE).as_posix())
    assert sorted(set(readers)) == ["_packaged.py"]
