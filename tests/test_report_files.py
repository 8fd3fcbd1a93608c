"""Tests of the files the report and the writers produce: spreadsheet safety, the output folder,
the lock, and byte-identical reports built from threads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jobhandicap as jh
from jobhandicap import _safe_text, frames
from jobhandicap import io as jio
from jobhandicap.cli import main
from jobhandicap.errors import SchemaError
from jobhandicap.report import _output as _report_output
from jobhandicap.report import _tables as _report_tables
from jobhandicap.report import build_report

TIMESTAMP = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
ATTACKS = (
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\t=SUM(A1)",
    "\x0b=1+1",
    "\u00a0=1+1",
    "a\r=1+1",
    "a\n=1+1",
    'a"b,c;=1+1',
    "a;=1+1",
    "a,=1+1",
    "=1+1",
    "+1",
    "-2+3",
    "@SUM(A1:A2)",
    "'=1+1",
)
#: What a spreadsheet skips before it looks at a cell's first character.
SKIPPED = re.compile(r"^[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\ufeff]*")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _check_fields(rows: list[list[str]]) -> None:
    """No field a spreadsheet reads can start a formula unless it is a number or prefixed."""
    for row in rows:
        for field in row:
            if field.startswith("'"):
                continue
            bare = SKIPPED.sub("", field)
            if bare[:1] in ("=", "+", "-", "@"):
                assert _is_number(field), field
            assert not field[:1].isspace() or field.strip() == "", field


def _parse(data: bytes, sep: str = ",") -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


# --------------------------------------------------------------------------------------------
# The one neutralising rule
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_formula_like_text_is_neutralised(attack: str) -> None:
    if attack.startswith(("a", "'")) and not attack.startswith("'="):
        assert _safe_text.neutralise(attack) == attack  # the formula is not at the start
    elif attack.startswith("'"):
        assert _safe_text.neutralise(attack) == "''=1+1"
    else:
        assert _safe_text.neutralise(attack) == "'" + attack
    assert _report_tables.neutralise(attack) == _safe_text.neutralise(attack)


def test_plain_text_is_left_alone() -> None:
    for text in ("aids", "'s-Hertogenbosch", "Bevilget <5", "", "1-2", "x=1"):
        assert _safe_text.neutralise(text) == text


@given(st.text())
def test_restore_undoes_neutralise(text: str) -> None:
    assert _safe_text.restore(_safe_text.neutralise(text)) == text
    neutral = _safe_text.neutralise(text)
    assert neutral.startswith("'") or not _safe_text.is_formula_like(neutral)


@given(st.lists(st.text(), min_size=1, max_size=4), st.sampled_from([",", ";"]))
def test_csv_line_round_trip(fields: list[str], sep: str) -> None:
    line = _safe_text.csv_line(fields, sep)
    rows = list(csv.reader(io.StringIO(line, newline=""), delimiter=sep))
    assert rows == [fields]


# --------------------------------------------------------------------------------------------
# The report's CSV files and workbook
# --------------------------------------------------------------------------------------------


def _published(labels: list[str], header: str = "label") -> _report_tables.Published:
    frame = pd.DataFrame(
        {
            header: pd.array(labels, dtype="string"),
            "difference": [-0.25 - k for k in range(len(labels))],
            "n": list(range(10, 10 + len(labels))),
        }
    )
    return _report_tables.unprotected(_report_tables.Table(name="t", title="T", frame=frame))


def test_report_csv_neutralises_and_quotes_every_attack() -> None:
    published = _published(list(ATTACKS), header="\r=HEADER()")
    data = _report_tables.csv_bytes(published)
    rows = _parse(data)
    assert len(rows) == 1 + len(ATTACKS)  # no field split a line
    assert rows[0][0] == "'\r=HEADER()"
    labels = [row[0] for row in rows[1:]]
    assert labels == [_safe_text.neutralise(a) for a in ATTACKS]
    _check_fields(rows)
    # Numbers stay numbers (3 decimals), negative ones included, unquoted.
    assert [row[1] for row in rows[1:3]] == ["-0.250", "-1.250"]
    assert b",-0.250," in data
    # Danish spreadsheets split a comma file on ";": every field holding one is quoted.
    for line in data.decode("utf-8").split("\n"):
        assert ";" not in line.replace('"a;=1+1"', "").replace('"a""b,c;=1+1"', "")


def test_report_workbook_cells_are_text_never_formulas() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    published = _published(list(ATTACKS), header="=HEADER()")
    data = _report_tables.workbook_bytes([published], created=dt.datetime(2024, 1, 1))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["t"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert sheet["A1"].value == "'=HEADER()"
    assert sheet["A1"].data_type == "s"
    for cell in cells:
        if isinstance(cell.value, str) and cell.row > 1:
            assert cell.value.startswith("'") or not _safe_text.is_formula_like(cell.value)
    assert sheet["B2"].value == -0.25
    assert sheet["B2"].data_type == "n"


def test_report_csv_files_of_a_built_report(tmp_path: Path) -> None:
    example = jh.load_example()
    items = sorted(set(example.survey["item"].astype(str)))[: len(ATTACKS)]
    survey = example.survey.assign(
        item=example.survey["item"].astype(str).replace(dict(zip(items, ATTACKS, strict=False)))
    ).astype({"item": "string"})
    build_report({"survey": survey}, tmp_path / "r", timestamp=TIMESTAMP)
    for path in (tmp_path / "r" / "tables").glob("*.csv"):
        rows = _parse(path.read_bytes())
        assert len({len(row) for row in rows}) == 1, path.name
        _check_fields(rows)


# --------------------------------------------------------------------------------------------
# write_csv
# --------------------------------------------------------------------------------------------


def _cases_with_ids(ids: list[str]) -> pd.DataFrame:
    raw = pd.DataFrame(
        {
            "case_id": ids,
            "municipality": [101] * len(ids),
            "scheme": ["aids"] * len(ids),
            "target_group": ["flex-job"] * len(ids),
            "applied": ["2019-01-03"] * len(ids),
            "decided": ["2019-02-01"] * len(ids),
            "decision": ["granted"] * len(ids),
            "amount_dkk": [1500.5] * len(ids),
        }
    )
    return frames.validate_cases(raw)


@pytest.mark.parametrize("language", ["da", "en"])
def test_write_csv_neutralises_by_default_and_reads_back(language: str) -> None:
    ids = [a for a in ATTACKS if a.strip()]
    cases = _cases_with_ids(ids)
    buffer = io.BytesIO()
    jio.write_csv(cases, "cases", buffer, language=language)  # type: ignore[arg-type]
    sep = ";" if language == "da" else ","
    rows = _parse(buffer.getvalue(), sep)
    assert len(rows) == 1 + len(ids)
    assert [row[0] for row in rows[1:]] == [_safe_text.neutralise(i) for i in ids]
    _check_fields(rows)
    assert rows[1][-1] == ("1500,5" if language == "da" else "1500.5")
    assert (";1500,5\r\n" if language == "da" else ",1500.5\r\n").encode() in buffer.getvalue()
    # An identifier holding a line break is what a stray quote makes: the readers refuse it,
    # however safely it was written; every other attack reads back as written.
    assert any("\n" in i or "\r" in i for i in ids)
    with pytest.raises(SchemaError, match="line break"):
        jio.read_cases(io.BytesIO(buffer.getvalue()))
    kept = _cases_with_ids([i for i in ids if "\n" not in i and "\r" not in i])
    buffer = io.BytesIO()
    jio.write_csv(kept, "cases", buffer, language=language)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(jio.read_cases(io.BytesIO(buffer.getvalue())), kept)


def test_write_csv_can_keep_text_verbatim() -> None:
    cases = _cases_with_ids(["=1+1", "b"])
    buffer = io.BytesIO()
    jio.write_csv(cases, "cases", buffer, neutralise_formulas=False)
    rows = _parse(buffer.getvalue(), ";")
    assert rows[1][0] == "=1+1"


# --------------------------------------------------------------------------------------------
# The output folder
# --------------------------------------------------------------------------------------------

SILENT: Callable[[str], None] = lambda line: None  # noqa: E731


def _write(folder: Path, files: dict[str, bytes], force: bool = False) -> tuple[Path, ...]:
    return _report_output.write_report_files(folder, files, force=force, progress=SILENT)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _manifest(folder: Path) -> list[str]:
    content = json.loads((folder / _report_output.MANIFEST).read_text(encoding="utf-8"))
    assert content["version"] == 1
    return list(content["files"])


def test_rerun_replaces_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, {"tables/a.csv": b"a", "tables.xlsx": b"x", "index.html": b"1"})
    (out / "notes.txt").write_text("mine")
    (out / "tables" / "mine.csv").write_text("mine")
    written = _write(out, {"tables/b.csv": b"b", "index.html": b"2"})
    assert written == (out / "tables/b.csv", out / "index.html")
    assert _tree(out) == {
        _report_output.MANIFEST: (out / _report_output.MANIFEST).read_bytes(),
        "index.html": b"2",
        "notes.txt": b"mine",
        "tables/b.csv": b"b",
        "tables/mine.csv": b"mine",
    }
    assert _manifest(out) == ["index.html", "tables/b.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary leftovers


def test_non_empty_folder_without_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("my page")
    (tmp_path / "thesis.docx").write_text("mine")
    with pytest.raises(jh.JobhandicapError, match=r"force=True.*--force") as caught:
        _write(tmp_path, {"index.html": b"report"})
    assert str(tmp_path) in str(caught.value)
    assert (tmp_path / "index.html").read_text() == "my page"
    with pytest.raises(jh.JobhandicapError, match="--force"):
        build_report({"people": jh.load_example().people}, tmp_path)
    _write(tmp_path, {"index.html": b"report", "tables/a.csv": b"a"}, force=True)
    assert (tmp_path / "index.html").read_bytes() == b"report"
    assert (tmp_path / "thesis.docx").read_text() == "mine"


def test_empty_folder_is_used(tmp_path: Path) -> None:
    _write(tmp_path, {"index.html": b"1"})
    assert _tree(tmp_path)["index.html"] == b"1"


def test_a_planted_manifest_cannot_delete_other_files(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "secret.txt").write_text("keep")
    (tmp_path / "out" / "thesis.docx").write_text("keep")
    planted = {
        "format": "jobhandicap report",
        "version": 1,
        "files": ["thesis.docx", "../secret.txt", "/etc/passwd", "tables/../../secret.txt"],
    }
    (tmp_path / "out" / _report_output.MANIFEST).write_text(json.dumps(planted))
    _write(tmp_path / "out", {"index.html": b"1"})
    assert (tmp_path / "secret.txt").read_text() == "keep"
    assert (tmp_path / "out" / "thesis.docx").read_text() == "keep"


def test_symlinks_inside_the_folder_are_never_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    user_file = tmp_path / "user.html"
    user_file.write_text("mine")
    _write(out, {"index.html": b"1", "tables/a.csv": b"a"})
    # A link where the report writes a file: the link is replaced, its target untouched.
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(user_file)
    _write(out, {"index.html": b"2", "tables/a.csv": b"a"})
    assert user_file.read_text() == "mine"
    assert not (out / "index.html").is_symlink()
    assert (out / "index.html").read_bytes() == b"2"
    # A link where the report writes its tables folder: refused, nothing written through it.
    (out / "tables" / "a.csv").unlink()
    (out / "tables").rmdir()
    (out / "tables").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(jh.JobhandicapError, match="symbolic link"):
        _write(out, {"index.html": b"3", "tables/a.csv": b"evil"})
    assert list(elsewhere.iterdir()) == []
    # A link as the manifest is not a manifest of ours.
    (out / "tables").unlink()
    (out / _report_output.MANIFEST).unlink()
    (out / _report_output.MANIFEST).symlink_to(user_file)
    with pytest.raises(jh.JobhandicapError, match="not empty"):
        _write(out, {"index.html": b"4"})
    assert user_file.read_text() == "mine"


def test_out_dir_may_be_a_symlink_to_a_folder(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    written = _write(tmp_path / "link", {"index.html": b"1"})
    assert written == (tmp_path / "link" / "index.html",)
    assert (real / "index.html").read_bytes() == b"1"
    assert (tmp_path / "link").is_symlink()


def test_a_file_as_out_dir_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("mine")
    with pytest.raises(jh.JobhandicapError, match="not a folder"):
        _write(tmp_path / "out", {"index.html": b"1"})


def test_a_held_lock_fails_clearly_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_report_output, "LOCK_TIMEOUT", 0.2)
    out = tmp_path / "out"
    lines: list[str] = []
    with (
        _report_output._locked(out, out, SILENT),
        pytest.raises(jh.JobhandicapError, match="another report is being written"),
    ):
        _report_output.write_report_files(
            out, {"index.html": b"1"}, force=False, progress=lines.append
        )
    assert lines[0].startswith("waiting for another report")
    assert not out.exists()
    _write(out, {"index.html": b"1"})  # the lock is released
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _report(k: int) -> dict[str, bytes]:
    """Report k: files of different names and contents for each k."""
    files = {f"tables/t{k}_{j}.csv": f"{k}-{j}".encode() * 1000 for j in range(5)}
    return {**files, "index.html": f"report {k}".encode()}


def _is_one_report(folder: Path, candidates: range) -> int:
    tree = _tree(folder)
    tree.pop(_report_output.MANIFEST)
    matches = [k for k in candidates if tree == _report(k)]
    assert len(matches) == 1, sorted(tree)
    assert _manifest(folder) == sorted(_report(matches[0]))
    return matches[0]


def test_concurrent_writers_in_threads_never_mix(tmp_path: Path) -> None:
    writers = 4
    for round_ in range(3):
        out = tmp_path / f"out{round_}"
        barrier = threading.Barrier(writers)
        errors: list[BaseException] = []

        def write(
            k: int,
            out: Path = out,
            barrier: threading.Barrier = barrier,
            errors: list[BaseException] = errors,
        ) -> None:
            barrier.wait()
            try:
                _write(out, _report(k))
            except BaseException as err:  # pragma: no cover - reported below
                errors.append(err)

        threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        _is_one_report(out, range(writers))
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _write_in_process(out: str, k: int, barrier: Any) -> None:
    barrier.wait()
    _report_output.write_report_files(Path(out), _report(k), force=False, progress=SILENT)


def test_concurrent_writers_in_processes_never_mix(tmp_path: Path) -> None:
    context: Any = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    writers = 3
    out = tmp_path / "out"
    _write(out, _report(99))  # an earlier report, replaced by the writers one after another
    barrier = context.Barrier(writers)
    processes = [
        context.Process(target=_write_in_process, args=(str(out), k, barrier))
        for k in range(writers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    _is_one_report(out, range(writers))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_cli_refuses_a_user_folder_unless_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = jh.load_example()
    people = tmp_path / "people.csv"
    jio.write_csv(example.people, "people", people)
    (tmp_path / "index.html").write_text("mine")
    arguments = ["report", "--people", str(people), "--out", str(tmp_path), "--quiet"]
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert "--force" in err
    assert str(tmp_path) in err
    assert (tmp_path / "index.html").read_text() == "mine"
    assert main([*arguments, "--force"]) == 0
    assert people.is_file()
    assert (tmp_path / "tables" / "employment_gap.csv").is_file()
    assert "<html" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert main(arguments) == 0  # now the folder holds a report: no --force needed


# --------------------------------------------------------------------------------------------
# Threads: the same bytes as one by one
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_reports_built_in_threads_are_the_same_bytes(tmp_path: Path) -> None:
    example = jh.load_example()
    # Five jobcentres' cases: every case section and figure, at a fraction of the cost.
    cases = example.cases[example.cases["jobcentre"].isin([492, 482, 741, 163, 101])]
    kinds: list[dict[str, Any]] = [
        {"survey": example.survey},
        {"cases": cases.reset_index(drop=True), "extracted": example.extracted},
    ]
    once = [
        _tree(build_report(data, tmp_path / f"s{k}", timestamp=TIMESTAMP).path.parent)
        for k, data in enumerate(kinds)
    ]
    inputs, sequential = kinds * 2, once * 2  # each kind built twice at once, in threads
    barrier = threading.Barrier(len(inputs))
    results: dict[int, dict[str, bytes]] = {}

    def build(k: int) -> None:
        barrier.wait()
        result = build_report(inputs[k], tmp_path / f"t{k}", timestamp=TIMESTAMP)
        results[k] = _tree(result.path.parent)

    threads = [threading.Thread(target=build, args=(k,)) for k in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[k] for k in range(len(inputs))] == sequential
    assert any(b"<svg" in tree["index.html"] for tree in sequential)


@pytest.mark.slow
def test_figures_rendered_in_threads_are_the_same_bytes() -> None:
    pytest.importorskip("matplotlib")
    from jobhandicap import plots

    example = jh.load_example()
    distribution = jh.likert_distribution(example.survey, by=["wave", "item"])

    def draw(k: int) -> str:
        fig = plots.likert_bars(distribution[distribution["wave"] == distribution["wave"].max()])
        return plots.figure_to_svg(fig)

    sequential = [draw(k) for k in range(4)]
    barrier = threading.Barrier(4)
    results: dict[int, str] = {}

    def run(k: int) -> None:
        barrier.wait()
        results[k] = draw(k)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[k] for k in range(4)] == sequential
