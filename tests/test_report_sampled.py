"""The report's sections of the sampled surveys: the citizens' and the employers' perspective."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import cli
from jobhandicap import io as jio
from jobhandicap.errors import DisclosureError, JobhandicapError
from jobhandicap.report import ReportResult, build_report

#: A Danish personal number, as planted below.
PLANTED = "0101901234"


@pytest.fixture(scope="module")
def example() -> jh.ExampleData:
    return jh.load_example()


@pytest.fixture(scope="module")
def sampled(
    example: jh.ExampleData, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ReportResult, Path]:
    """A report of both sampled surveys, the citizens' raked to their margins."""
    folder = tmp_path_factory.mktemp("sampled")
    inputs = {
        "citizens": example.citizens,
        "employers": example.employers,
        "citizen_margins": example.citizen_margins,
    }
    return build_report(inputs, folder), folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _html(folder: Path) -> str:
    return (folder / "index.html").read_text(encoding="utf-8")


def test_sections_and_tables(sampled: tuple[ReportResult, Path]) -> None:
    result, folder = sampled
    assert result.sections == ("citizens", "employers")
    assert {p.stem for p in (folder / "tables").glob("*.csv")} == {
        "citizens_top_box",
        "employers_top_box",
    }
    assert result.counts["citizens_top_box"] == ("n", "count")
    html = _html(folder)
    assert "Citizens&#x27; perspective" in html
    assert "Employers&#x27; perspective" in html
    assert "raked (iterative proportional fitting)" in html
    assert "not raked (no population margins were given)" in html
    assert "citizens: sex, age_group" in html  # the provenance's options


def test_citizens_are_raked_to_their_margins(
    sampled: tuple[ReportResult, Path], example: jh.ExampleData
) -> None:
    result, _ = sampled
    table = result.tables["citizens_top_box"]
    assert list(table.columns) == [
        "wave",
        "item",
        "n",
        "count",
        "unweighted_share",
        "design_share",
        "share",
        "ci_low",
        "ci_high",
        "dont_know_share",
        "se",
        "deff",
        "n_eff",
        "method",
    ]
    citizens = example.citizens
    design = jh.SurveyDesign(weights="weight", strata="stratum", fpc="population")
    raked = jh.rake(citizens, example.citizen_margins, base="design_weight")
    calibrated = jh.SurveyDesign(
        weights="weight",
        strata="stratum",
        fpc="population",
        base_weights="design_weight",
        calibration=("sex", "age_group"),
    )
    by = ["wave", "item"]
    expected = jh.top_box(raked, by=by, design=calibrated)
    plain = jh.top_box(citizens, by=by)
    weighted = jh.top_box(citizens, by=by, design=design)
    for column in ("n", "count", "share", "ci_low", "ci_high", "se", "deff", "n_eff"):
        assert table[column].tolist() == pytest.approx(expected[column].tolist()), column
    assert table["unweighted_share"].tolist() == pytest.approx(plain["share"].tolist())
    assert table["design_share"].tolist() == pytest.approx(weighted["share"].tolist())
    assert table["method"].str.startswith("taylor, calibrated (GREG), logit interval").all()


def test_employers_without_margins_are_design_weighted(
    sampled: tuple[ReportResult, Path], example: jh.ExampleData
) -> None:
    result, _ = sampled
    table = result.tables["employers_top_box"]
    assert "design_share" not in table.columns
    design = jh.SurveyDesign(weights="weight", strata="stratum", fpc="population")
    expected = jh.top_box(example.employers, by=["wave", "item"], design=design)
    assert table["share"].tolist() == pytest.approx(expected["share"].tolist())
    # The sample over-represents large workplaces, which know the schemes better.
    assert (table["share"] < table["unweighted_share"]).all()


def test_absent_without_the_surveys(example: jh.ExampleData, tmp_path: Path) -> None:
    result = build_report({"survey": example.survey}, tmp_path)
    assert "citizens" not in result.sections
    assert "employers" not in result.sections
    assert ("citizens", "no citizen survey data were given") in result.skipped
    assert ("employers", "no employer survey data were given") in result.skipped
    assert not any(name.startswith(("citizens", "employers")) for name in result.tables)


def test_danish(example: jh.ExampleData, tmp_path: Path) -> None:
    inputs = {"employers": example.employers, "employer_margins": example.employer_margins}
    result = build_report(inputs, tmp_path, lang="da")
    html = _html(tmp_path)
    assert "Virksomhedernes perspektiv" in html
    assert "Top-2-andel pr. spørgsmål, uvægtet og vægtet" in html
    assert "Uvægtet andel" in html
    assert "designvægtene kalibreret" in html
    assert ("citizens", "der er ikke givet data om borgerundersøgelse") in result.skipped
    with (tmp_path / "tables" / "employers_top_box.csv").open(encoding="utf-8-sig") as handle:
        header = handle.readline()
    assert "Uvægtet andel" in header


def test_small_bases_are_hidden(example: jh.ExampleData, tmp_path: Path) -> None:
    citizens = example.citizens
    # Few respondents in the top two boxes of one item: its count is small.
    low = citizens["item"].eq("citizen_understood") & citizens["answer"].isin([4, 5])
    keep = ~low | citizens["respondent"].isin(citizens.loc[low, "respondent"].unique()[:3])
    result = build_report({"citizens": citizens[keep].reset_index(drop=True)}, tmp_path)
    rows = {row["item"]: row for row in _rows(tmp_path / "tables" / "citizens_top_box.csv")}
    hidden = rows["citizen_understood"]
    assert hidden["count"] == "<5"
    for column in ("unweighted_share", "share", "ci_low", "ci_high"):
        assert hidden[column] == "x", column
    shown = rows["citizen_knows_schemes"]
    assert shown["count"] not in ("<5", "x")
    assert shown["share"] not in ("<5", "x")
    table = result.tables["citizens_top_box"]
    assert table["count"].isna().sum() == 1


def test_release_is_audited_with_the_other_tables(example: jh.ExampleData, tmp_path: Path) -> None:
    few = example.citizens[example.citizens["stratum"] == "north denmark"]
    small = few[few["respondent"].isin(few["respondent"].unique()[:12])].reset_index(drop=True)
    result = build_report({"citizens": small, "survey": example.survey}, tmp_path)
    table = result.tables["citizens_top_box"]
    assert table["count"].dropna().ge(5).all()
    assert table["n"].dropna().ge(5).all()


def test_no_personal_numbers(example: jh.ExampleData, tmp_path: Path) -> None:
    citizens = example.citizens.copy()
    citizens["item"] = citizens["item"].astype(object)
    citizens.loc[0, "item"] = PLANTED
    with pytest.raises(DisclosureError) as caught:
        build_report({"citizens": citizens}, tmp_path / "a")
    assert PLANTED not in str(caught.value)
    # Respondent ids are never published; one that is a personal number is refused too.
    renamed = example.employers.copy()
    renamed["respondent"] = renamed["respondent"].astype(object)
    renamed.loc[0, "respondent"] = PLANTED
    with pytest.raises(DisclosureError) as caught:
        build_report({"employers": renamed}, tmp_path / "b")
    assert PLANTED not in str(caught.value)
    assert not (tmp_path / "b" / "index.html").exists()


def test_margins_that_do_not_fit_leave_the_design_weights(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    margins = {"sex": {"female": 10.0, "male": 10.0}, "age_group": {"16-29": 30.0}}
    result = build_report({"citizens": example.citizens, "citizen_margins": margins}, tmp_path)
    table = result.tables["citizens_top_box"]
    assert "design_share" not in table.columns
    html = _html(tmp_path)
    assert "could not be raked" in html
    assert "the raking to the margins failed" in html


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"citizen_margins": {"sex": {"female": 1.0}}}, "no 'citizens' input"),
        ({"citizens": "frame", "citizen_margins": [("sex", 1)]}, "must be a mapping"),
        ({"citizens": "frame", "citizen_margins": {"sex": 3}}, "must be a mapping"),
        ({"citizens": "frame", "citizen_margin": {}}, "unknown input"),
    ],
)
def test_bad_margins(
    example: jh.ExampleData, tmp_path: Path, inputs: dict[str, Any], message: str
) -> None:
    given = {k: (example.citizens if v == "frame" else v) for k, v in inputs.items()}
    with pytest.raises(JobhandicapError, match=re.escape(message)):
        build_report(given, tmp_path)


def test_command_line_reads_sampled_files(
    example: jh.ExampleData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "borgere.csv"
    jio.write_csv(example.citizens, "sampled_survey", path)
    out = tmp_path / "rapport"
    status = cli.main(["report", "--citizens", str(path), "--out", str(out), "--quiet"])
    assert status == 0
    capsys.readouterr()
    table = pd.read_csv(out / "tables" / "citizens_top_box.csv")
    assert table["item"].tolist() == sorted(example.citizens["item"].unique())
    assert "design_share" not in table.columns
