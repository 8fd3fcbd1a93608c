"""The command line can do what the errors ask (issue 13): reader options, dates, advice.

Fast: the commands run in-process (``main([...])``) and stop at the first error, except one
report build on a six-row survey (marked slow).
"""

from __future__ import annotations

import datetime as dt
import io
import shlex
from pathlib import Path

import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import io as jio
from jobhandicap.cli import build_parser, main
from jobhandicap.report import build_report

#: A wide survey without a wave column: six jobcentres, two items, ';'-separated.
WIDE = "jobcenter;politisk fokus;nye strategier\n" + "".join(
    f"Jobcenter {name};I høj grad;Ved ikke\n"
    for name in ("Aarhus", "Vejle", "Odense", "Høje-Taastrup", "Fanø", "Ærø")
)


@pytest.fixture
def no_wave(tmp_path: Path) -> Path:
    path = tmp_path / "svar.csv"
    path.write_text(WIDE, encoding="utf-8")
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


# --------------------------------------------------------------------------------------------
# --extracted in the forms the files accept
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2021-01-31", "31-01-2021", "31.01.2021", "31/01/2021", " 31.1.2021 "]
)
def test_extracted_takes_the_readers_date_forms(text: str) -> None:
    args = build_parser().parse_args(["report", "--extracted", text])
    assert args.extracted == dt.date(2021, 1, 31)


@pytest.mark.parametrize("text", ["2021/01/31", "31.02.2021", "januar 2021", "", "1e3"])
def test_a_bad_extracted_date_names_the_accepted_forms(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(["report", "--extracted", text], capsys)
    assert status == 2
    assert "argument --extracted: not a date" in err
    assert "ISO (2019-01-03), dd-mm-yyyy, dd.mm.yyyy or dd/mm/yyyy" in err


def test_a_bad_extracted_date_never_shows_a_personal_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = _run(["report", "--extracted", "010190-1234"], capsys)
    assert status == 2
    assert "1234" not in err


# --------------------------------------------------------------------------------------------
# Advice names command-line options on the command line, Python arguments in Python
# --------------------------------------------------------------------------------------------


def test_missing_wave_advice_names_the_option(
    no_wave: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["validate", "survey", str(no_wave)],
        ["report", "--survey", str(no_wave), "--out", str(tmp_path / "rep")],
    ):
        status, out, err = _run(argv, capsys)
        assert status == 1
        assert "--wave 2018" in out + err
        assert "wave=" not in out + err
        assert "read_survey(" not in out + err
    # The same message in Python, after the command ran, names the Python argument.
    with pytest.raises(jh.SchemaError, match=r"read_survey\(path, wave=2018\)"):
        jio.read_survey(no_wave)


def test_encoding_advice_can_be_followed_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "svar.csv"
    path.write_bytes(WIDE.encode("utf-16-le"))  # no byte-order mark: not detected
    status, _, err = _run(["validate", "survey", str(path), "--wave", "2018"], capsys)
    assert status == 1
    assert "pass --encoding utf-16-le" in err
    argv = ["validate", "survey", str(path), "--wave", "2018", "--encoding", "utf-16-le"]
    status, out, _ = _run(argv, capsys)
    assert status == 0
    assert "12 valid survey rows" in out


def test_decimal_advice_names_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "befolkning.csv"
    path.write_text("kommune;år;befolkning\n101;2018;1.5\n147;2018;2,5\n", encoding="utf-8")
    status, out, err = _run(["validate", "population", str(path)], capsys)
    assert status == 1
    assert "--decimal , or --decimal ." in out + err
    assert "decimal=" not in out + err
    with pytest.raises(jh.SchemaError, match=r"decimal=',' or decimal='\.'"):
        jio.read_population(path)


def test_open_cases_and_output_folder_advice_name_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "sager.csv"
    cases.write_text(
        "sagsnr;kommune;ordning;målgruppe;ansøgningsdato\nA1;101;hjælpemidler;fleksjob;03-01-2019\n",
        encoding="utf-8",
    )
    status, _, err = _run(["report", "--cases", str(cases), "--out", str(tmp_path / "r")], capsys)
    assert status == 1
    assert "still open" in err
    assert "--extracted YYYY-MM-DD" in err
    assert "extracted=" not in err
    full = tmp_path / "full"
    full.mkdir()
    (full / "mine.txt").write_text("keep", encoding="utf-8")
    status, _, err = _run(["report", "--cases", str(cases), "--out", str(full)], capsys)
    assert status == 1
    assert "pass --force" in err
    assert "force=True" not in err


def test_sheet_option_and_its_advice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "svar.xlsx"
    frame = pd.read_csv(io.StringIO(WIDE), sep=";", dtype=str)
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["read me"]}).to_excel(writer, sheet_name="Forside", index=False)
        frame.to_excel(writer, sheet_name="Svar", index=False)
    for sheet in ("Svar", "1"):
        argv = ["validate", "survey", str(path), "--wave", "2018", "--sheet", sheet]
        status, out, _ = _run(argv, capsys)
        assert status == 0, sheet
        assert "12 valid survey rows" in out
    status, _, err = _run(["validate", "survey", str(path), "--sheet", "5"], capsys)
    assert status == 1
    assert "--sheet 5 does not exist" in err


def test_sep_accepts_tab_by_name() -> None:
    parser = build_parser()
    for text in ("tab", "\\t", "\t"):
        assert parser.parse_args(["validate", "survey", "f.csv", "--sep", text]).sep == "\t"


# --------------------------------------------------------------------------------------------
# build_report(read_options=...) and the report's reader options
# --------------------------------------------------------------------------------------------


def test_read_options_are_checked(no_wave: Path, tmp_path: Path) -> None:
    example = jh.load_example()
    with pytest.raises(ValueError, match=r"unknown reader option\(s\) wav; .*wave") as caught:
        build_report({"survey": no_wave}, tmp_path / "a", read_options={"wav": 2018})
    assert isinstance(caught.value, jh.JobhandicapError)
    with pytest.raises(jh.JobhandicapError, match="no input is a file path"):
        build_report({"survey": example.survey}, tmp_path / "b", read_options={"sep": ";"})
    with pytest.raises(jh.JobhandicapError, match="no input is a file path"):
        build_report(example, tmp_path / "c", read_options={"sep": ";"})
    with pytest.raises(jh.JobhandicapError, match="wave applies to survey files only"):
        build_report(
            {"population": no_wave, "survey": example.survey},
            tmp_path / "d",
            read_options={"wave": 2018},
        )
    with pytest.raises(jh.JobhandicapError, match="read_options must be a mapping"):
        build_report({"survey": no_wave}, tmp_path / "e", read_options=[("wave", 2018)])  # type: ignore[arg-type]


def test_report_reader_options_need_an_input_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(["report", "--wave", "2018", "--sep", ";"], capsys)
    assert status == 1
    assert "--sep, --wave apply to input files" in err


def test_report_wave_needs_a_survey_file(
    no_wave: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "rep"
    argv = ["report", "--population", str(no_wave), "--wave", "2018", "--out", str(out_dir)]
    status, _, err = _run(argv, capsys)
    assert status == 1
    assert "--wave applies to survey files only" in err


@pytest.mark.slow
def test_report_passes_the_reader_options_to_the_readers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "svar.csv"
    # The respondent column under a header of the user's own, mapped with --header.
    path.write_bytes(WIDE.replace("jobcenter;", "Enhed;", 1).encode("utf-16-le"))
    out_dir = tmp_path / "rep"
    argv = ["report", "--survey", str(path), "--out", str(out_dir), "--quiet"]
    argv += ["--wave", "2018", "--encoding", "utf-16-le", "--sep", ";", "--decimal", ","]
    argv += ["--header", "Enhed=respondent"]
    status, _, err = _run(argv, capsys)
    assert status == 0, err
    top = pd.read_csv(out_dir / "tables" / "survey_top_box.csv")
    assert set(top["wave"]) == {2018}
    assert top.set_index("item").loc["politisk fokus", "n"] == 6


# --------------------------------------------------------------------------------------------
# jobhandicap example prints the report command its files need
# --------------------------------------------------------------------------------------------


def test_example_prints_the_report_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my files"
    status, out, _ = _run(["example", "--out", str(folder)], capsys)
    assert status == 0
    extracted = jh.load_example().extracted.isoformat()
    command = out.strip().splitlines()[-1].strip()
    words = shlex.split(command)
    assert words[:2] == ["jobhandicap", "report"]
    assert words[-2:] == ["--extracted", extracted]
    args = build_parser().parse_args(words[1:])
    assert args.extracted.isoformat() == extracted
    for kind in ("cases", "survey", "staff", "profiles", "population", "outcomes", "people"):
        assert getattr(args, kind) == folder / f"{kind}.csv"
        assert getattr(args, kind).is_file()
    # The date is the one the case data need: no case was applied for after it.
    cases = jio.read_cases(args.cases)
    assert cases["applied"].max() <= pd.Timestamp(extracted)


@pytest.mark.parametrize("wave", ["99999", "-1", "1899"])
def test_a_wave_outside_the_years_is_an_option_error(
    no_wave: Path, wave: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(["validate", "survey", str(no_wave), "--wave", wave], capsys)
    assert status == 1
    assert f"--wave {wave}: the survey year must be a whole number from 1900 to 2200" in err
    with pytest.raises(jh.SchemaError, match=r"wave=1\.5: the survey year"):
        jio.read_survey(no_wave, wave=1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# The user's vocabulary on the command line, and warnings as one line
# --------------------------------------------------------------------------------------------

CASES = (
    "Sagsnr;Kommunenavn;Ydelse;Målgruppe;Modtaget;Afgjort;Status;Beløb (kr.);Noter\n"
    "A1;København;Personlig assistance;Ledig;01-02-2023;15-03-2023;Bevilget;125.000,00;\n"
    "A2;Aarhus;Hjælpemidler;Sygedagpenge;01-02-2023;10-02-2023;Afslag;0,00;rykket\n"
)


def test_label_advice_names_the_command_line_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sager.csv"
    path.write_text(CASES, encoding="utf-8")
    status, out, _ = _run(["validate", "cases", str(path)], capsys)
    assert status == 1  # validate lists the problems on standard output
    assert "Målgruppe  Ledig" in out
    assert "--label target_group:Ledig=a-dagpenge" in out
    assert "labels=" not in out
    status, out, err = _run(
        ["validate", "cases", str(path), "--label", "target_group:Ledig=a-dagpenge"], capsys
    )
    assert status == 0, err
    assert "2 valid cases rows" in out
    assert "'Noter'" in out


def test_report_warnings_are_one_line_naming_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sager.csv"
    path.write_text(CASES, encoding="utf-8")
    argv = ["report", "--cases", str(path), "--out", str(tmp_path / "rep"), "--quiet"]
    argv += ["--label", "target_group:Ledig=a-dagpenge", "--extracted", "31.03.2023"]
    status, _, err = _run(argv, capsys)
    assert status == 0, err
    warning = next(line for line in err.splitlines() if "ignores" in line)
    assert warning.startswith("jobhandicap report: warning: the cases file has columns")
    assert "'Noter'" in warning
    assert "--header" in warning
    assert "headers=" not in warning
    assert "DataQualityWarning" not in err


def test_pseudonymise_advice_writes_a_new_file_never_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("jobcenter;år;spørgsmål;svar\n010190-1234;2018;focus;I høj grad\n")
    argv = ["report", "--survey", str(path), "--out", str(tmp_path / "rep")]
    status, _, err = _run(argv, capsys)
    assert status == 1
    assert "010190" not in err
    written = str(tmp_path / "svar-pseudonymised.csv")
    assert f"f.to_csv({written!r}" in err
    assert f"to_csv({str(path)!r}" not in err
