"""Tests of ``jobhandicap report`` (the command line of jobhandicap.report)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import jobhandicap as jh
from jobhandicap import io as jio
from jobhandicap.cli import main

CPR = re.compile(
    r"(?<![0-9])(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])(?:0[1-9]|1[0-2])[0-9]{2}-?"
    r"[0-9]{4}(?![0-9])"
)
PLANTED = ("010190-1234", "0202901234", "311285-4321")


@pytest.fixture(scope="module")
def example_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("files")
    assert main(["example", "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def small_cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, jh.ExampleData]:
    example = jh.load_example()
    cases = example.cases[example.cases["jobcentre"].isin([492, 482, 741, 163, 101])]
    path = tmp_path_factory.mktemp("small") / "sager.csv"
    jio.write_csv(cases.reset_index(drop=True), "cases", path)
    return path, example


@pytest.mark.slow
def test_report_on_the_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole example report from the command line (timed by benchmarks/run.py "report")."""
    status = main(["report", "--out", str(tmp_path / "rep"), "--quiet"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert (tmp_path / "rep" / "index.html").is_file()
    assert (tmp_path / "rep" / "tables" / "funnel.csv").is_file()
    assert out.strip().splitlines() == [str(tmp_path / "rep" / "index.html")]
    assert err == ""


@pytest.mark.slow
def test_report_from_files_prints_its_steps(
    example_files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "rep"
    arguments = ["report", "--out", str(out_dir), "--extracted", "2021-01-31", "--lang", "da"]
    for kind in ("cases", "survey", "profiles", "outcomes"):
        arguments += [f"--{kind}", str(example_files / f"{kind}.csv")]
    assert main(arguments) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "read cases from cases.csv: 20000 rows" in lines
    assert "read survey from survey.csv: 5394 rows" in lines
    assert any(line.startswith("computed processing_time (3 rows") for line in lines)
    assert any(line.startswith("wrote ") and "tables" in line for line in lines)
    assert any(line.startswith("not included: staff") for line in lines)
    assert lines[-1] == str(out_dir / "index.html")
    html = (out_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in html
    assert "Jobcenterundersøgelsen" in html
    assert "cases.csv" in html
    assert str(example_files) not in html


def test_open_cases_need_extracted(
    example_files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["report", "--cases", str(example_files / "cases.csv"), "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert status == 1
    assert "still open" in err
    assert "--extracted YYYY-MM-DD" in err
    assert "Traceback" not in out + err
    assert not (tmp_path / "index.html").exists()


def test_bad_file_is_a_readable_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "survey.csv"
    bad.write_text(
        "respondent;år;spørgsmål;svar\nJobcenter X;2018;focus;maybe\n", encoding="utf-8"
    )
    status = main(["report", "--survey", str(bad), "--out", str(tmp_path / "rep")])
    out, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("jobhandicap report: error: survey file survey.csv")
    assert "maybe" in err
    assert "Traceback" not in out + err


def test_missing_file_and_bad_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--cases", str(tmp_path / "nope.csv"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "not found" in err
    assert "nope.csv" in err
    assert "Traceback" not in err
    assert main(["report", "--extracted", "31.02.2021"]) == 2  # 31.01.2021 is a date (issue 13)
    assert "dd.mm.yyyy" in capsys.readouterr().err


def test_extracted_needs_a_cases_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--extracted", "2021-01-31", "--out", str(tmp_path)]) == 1
    assert "--cases" in capsys.readouterr().err


def test_personal_numbers_in_case_numbers_do_not_block_and_never_show(
    small_cases: tuple[Path, jh.ExampleData],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Case numbers are never published: personal numbers there do not block the report
    # (issue 12: check only what would be published), and nothing shows them.
    path, _example = small_cases
    cases = jio.read_cases(path)
    ids = cases["case_id"].astype("object").to_numpy().copy()
    ids[: len(PLANTED)] = list(PLANTED)
    planted = tmp_path / "cpr.csv"
    jio.write_csv(cases.assign(case_id=ids), "cases", planted)
    arguments = ["report", "--cases", str(planted), "--extracted", "2021-01-31"]
    status = main([*arguments, "--out", str(tmp_path / "rep")])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert not CPR.search(out + err)
    for file in (tmp_path / "rep").rglob("*"):
        if file.suffix in (".csv", ".html"):
            text = file.read_text(encoding="utf-8")
            assert not any(number in text for number in PLANTED), file
            assert not CPR.search(text), file


def test_no_suppress(
    small_cases: tuple[Path, jh.ExampleData], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = small_cases
    base = ["report", "--cases", str(path), "--extracted", "2021-01-31", "--quiet"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 0
    assert main([*base, "--out", str(tmp_path / "b"), "--no-suppress"]) == 0
    capsys.readouterr()
    suppressed = (tmp_path / "a" / "tables" / "scheme_usage.csv").read_text(encoding="utf-8")
    shown = (tmp_path / "b" / "tables" / "scheme_usage.csv").read_text(encoding="utf-8")
    assert "<5" in suppressed
    assert "<5" not in shown
    assert "suppression is OFF" in (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
