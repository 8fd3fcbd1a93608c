"""Tests of the ``jobhandicap`` command line."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pandas as pd
import pytest

from jobhandicap import cli, datasets
from jobhandicap import io as jio
from jobhandicap.cli import _main as cli_main
from jobhandicap.io._headers import KINDS

GOOD_CASES = (
    "sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato;afgørelsesdato;afgørelse;beløb\n"
    "A-1;0101;Hjælpemidler;Fleksjob;03-01-2019;01-02-2019;Bevilget;120.000,50\n"
    "A-2;Aarhus;Personlig assistance;Sygedagpenge;07-01-2019;;;\n"
)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_validate_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sager.csv"
    path.write_text(GOOD_CASES, encoding="utf-8-sig")
    status, out, err = _run(["validate", "cases", str(path)], capsys)
    assert status == 0
    assert "2 valid cases rows" in out
    assert err == ""


def test_validate_bad_file_lists_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sager.csv"
    path.write_text(
        GOOD_CASES.replace("Hjælpemidler", "Hjælpemidlr").replace("Aarhus", "Arhuz"),
        encoding="cp1252",
    )
    status, out, err = _run(["validate", "cases", str(path)], capsys)
    assert status == 1
    assert "2 problem(s)" in out
    lines = out.splitlines()
    assert any(line.split()[:4] == ["2", "scheme", "ordning", "Hjælpemidlr"] for line in lines)
    assert any(line.split()[:4] == ["3", "municipality", "kommunekode", "Arhuz"] for line in lines)
    assert "Traceback" not in out + err


def test_validate_never_echoes_a_personal_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sager.csv"
    # A personal number typed into the scheme and the municipality columns.
    path.write_text(
        GOOD_CASES.replace("Hjælpemidler", "010190-1234").replace("Aarhus", "0101901234"),
        encoding="utf-8",
    )
    status, out, err = _run(["validate", "cases", str(path)], capsys)
    assert status == 1
    assert "2 problem(s)" in out
    assert "1234" not in out + err
    assert "<personal number hidden>" in out
    assert "are not shown" in out
    lines = out.splitlines()
    assert any(line.split()[:2] == ["2", "scheme"] for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "file is empty"),
        ("sagsnr;kommunekode\nA;101\n", "lacks required column"),
        ("sagsnr;kommune;kommunekode\nA;101;101\n", "duplicate columns"),
    ],
)
def test_validate_unusable_file_is_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "sager.csv"
    path.write_text(content, encoding="utf-8")
    status, out, err = _run(["validate", "cases", str(path)], capsys)
    assert status == 1
    assert message in out + err
    assert "Traceback" not in out + err


def test_validate_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(["validate", "cases", "/no/such/file.csv"], capsys)
    assert status == 1
    assert "No such file or directory: /no/such/file.csv" in err
    assert "Traceback" not in out + err


def test_validate_options_and_wave(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "survey.txt"
    path.write_text("Jobcenter\tSpm 1\tSpm 2\nVejle\t1\t2\nOdense\t9\t\n", encoding="utf-8")
    status, out, _ = _run(
        ["validate", "survey", str(path), "--sep", "\t", "--wave", "2018", "--format", "csv"],
        capsys,
    )
    assert (status, "4 valid survey rows" in out) == (0, True)
    status, _, err = _run(["validate", "cases", str(path), "--wave", "2018"], capsys)
    assert status == 1
    assert "--wave only applies to survey files" in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(["--debug", "validate", "cases", "/no/such/file.csv"], capsys)
    assert status == 1
    assert "Traceback" in err


def test_unexpected_error_is_reported_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: argparse.Namespace, out: TextIO) -> int:
        raise RuntimeError("boom")

    command = cli.Subcommand(name="broken", help="fails", configure=lambda p: None, run=broken)
    monkeypatch.setattr(cli_main, "SUBCOMMANDS", [*cli.SUBCOMMANDS, command])
    status, _, err = _run(["broken"], capsys)
    assert status == 1
    assert "unexpected error (RuntimeError: boom)" in err
    assert "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    status, out, _ = _run(["--version"], capsys)
    assert status == 0
    assert out.strip() == f"jobhandicap {version('jobhandicap')}"


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["--help"], capsys)
    assert status == 0
    assert "validate" in out
    assert "example" in out
    status, out, _ = _run(["validate", "--help"], capsys)
    assert status == 0
    assert "people" in out


@pytest.mark.parametrize(
    "argv", [[], ["frobnicate"], ["validate", "things", "x.csv"], ["example"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(argv, capsys)
    assert status == 2
    assert "usage:" in err


def test_example_writes_files_that_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "eksempel"
    status, out, _ = _run(["example", "--out", str(out_dir)], capsys)
    assert status == 0
    assert "wrote 9 files" in out
    kinds = [k for k in KINDS if k != "sampled_survey"]
    names = [*kinds, *datasets.SAMPLED_SURVEYS]
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{k}.csv" for k in names)
    data = datasets.load_example()
    for kind in kinds:
        path = out_dir / f"{kind}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        got = getattr(jio, f"read_{kind}")(path)
        pd.testing.assert_frame_equal(got, getattr(data, kind), obj=kind)
    for name in datasets.SAMPLED_SURVEYS:
        got = jio.read_sampled_survey(out_dir / f"{name}.csv")
        pd.testing.assert_frame_equal(got, getattr(data, name), obj=name)
    # Danish form: Danish headers and labels, ';' separators.
    first = (out_dir / "cases.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert first.startswith("sagsnr;kommunekode;ordning;målgruppe")


def test_example_does_not_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cases.csv").write_text("mine", encoding="utf-8")
    status, _, err = _run(["example", "--out", str(tmp_path)], capsys)
    assert status == 1
    assert "--force" in err
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8") == "mine"
    status, _, _ = _run(["example", "--out", str(tmp_path), "--force"], capsys)
    assert status == 0
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8-sig").startswith("sagsnr")


def test_parser_accepts_a_new_subcommand() -> None:
    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--out")

    def run(args: argparse.Namespace, out: TextIO) -> int:
        return 0

    demo = cli.Subcommand(name="demo", help="a new subcommand", configure=configure, run=run)
    parser = cli.build_parser([*cli.SUBCOMMANDS, demo])
    args = parser.parse_args(["demo", "--out", "x"])
    assert args.subcommand is demo
    assert args.out == "x"


def test_python_dash_m(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(GOOD_CASES.replace("Fleksjob", "Fleksjb"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "jobhandicap", "validate", "cases", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "target_group" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
