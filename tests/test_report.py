"""Tests of jobhandicap.report: the HTML page, the exports, privacy, determinism, languages."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import sys
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap import disclosure
from jobhandicap import io as jio
from jobhandicap.errors import DisclosureError, JobhandicapError
from jobhandicap.report import DEFAULT_SCALES, build_report
from jobhandicap.report._tables import neutralise

TIMESTAMP = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)

EXPECTED_TABLES = {
    "survey_top_box",
    "survey_wave_change",
    "survey_distribution",
    "survey_crosstab",
    "survey_association",
    "survey_top_box_difference",
    "schemes_used_for_ranking",
    "schemes_used_for_ticked",
    "staff_scales",
    "staff_association",
    "staff_by_strategy",
    "staff_icc",
    "staff_strategy_difference",
    "citizens_top_box",
    "employers_top_box",
    "processing_time",
    "processing_time_comparison",
    "grant_rate",
    "scheme_usage",
    "active_grants",
    "expenditure_shares",
    "rates_per_population",
    "target_group_coverage",
    "strategy_scores",
    "strategy_sensitivity",
    "funnel",
    "best_practice",
    "outcomes_by_strategy",
    "benchmark_adjusted",
    "employment_gap",
}

#: The columns of each table that count persons or cases (jobcentre-survey counts are counts
#: of jobcentres and the strategy tables count no one).
PERSON_COUNTS = {
    "staff_scales": ("n",),
    "staff_association": ("n",),
    "staff_by_strategy": ("n",),
    "staff_icc": ("n",),
    "staff_strategy_difference": ("n",),
    "citizens_top_box": ("n", "count"),
    "employers_top_box": ("n", "count"),
    "processing_time": ("n", "decided", "open", "withdrawn"),
    "processing_time_comparison": ("n", "decided", "open", "withdrawn"),
    "grant_rate": ("n", "granted"),
    "scheme_usage": ("cases",),
    "active_grants": ("active", "new"),
    "expenditure_shares": ("cases", "cases_with_amount"),
    "rates_per_population": ("count",),
    "target_group_coverage": ("cases",),
    "funnel": ("n", "count"),
    "best_practice": ("n", "count"),
    "benchmark_adjusted": ("n", "count"),
    "employment_gap": ("n_disabled", "n_not_disabled", "n_missing"),
}

#: A Danish personal number (any ten digits DDMMYY-NNNN), as in disclosure.
CPR = re.compile(
    r"(?<![0-9])(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])(?:0[1-9]|1[0-2])[0-9]{2}-?"
    r"[0-9]{4}(?![0-9])"
)
PLANTED = ("010190-1234", "0202901234", "311285-4321")
KEY = "a test key that is long enough to use"


class _Page(HTMLParser):
    """Collect the structure of the report page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, dict[str, Any]] = {}
        self.current: str | None = None
        self.headings: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._heading = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "section":
            self.current = attributes.get("id") or ""
            self.sections[self.current] = {"tables": 0, "svg": 0, "h": []}
        elif self.current is not None and tag in ("table", "svg"):
            self.sections[self.current]["tables" if tag == "table" else "svg"] += 1
        if tag in ("h1", "h2", "h3"):
            self._heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.current = None
        if tag in ("h1", "h2", "h3"):
            self._heading = False
            if self.current is not None:
                self.sections[self.current]["h"].append(self.headings[-1])

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading:
            self.headings[-1] += data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _output_files(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*") if p.is_file())


def _text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(n).decode("utf-8") for n in book.namelist())
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example(example_data: jh.ExampleData) -> jh.ExampleData:
    return example_data


@pytest.fixture(scope="module")
def built(example_report: tuple[Any, Path]) -> tuple[Any, Path]:
    """The session's report of the example data (tests/conftest.py), built at TIMESTAMP."""
    return example_report


@pytest.fixture(scope="module")
def small(example: jh.ExampleData) -> dict[str, Any]:
    """Inputs with many small cells: a few small jobcentres, outcomes scaled down."""
    few = [492, 482, 741, 163]
    cases = example.cases[example.cases["jobcentre"].isin(few)].reset_index(drop=True)
    staff = example.staff[example.staff["jobcentre"].isin([492, 727, 223])].reset_index(drop=True)
    outcomes = example.outcomes.assign(
        persons=example.outcomes["persons"] // 40,
        entered_job=example.outcomes["entered_job"] // 40,
    )
    people = example.people.sample(n=120, random_state=3).reset_index(drop=True)
    return {
        "cases": cases,
        "staff": staff,
        "profiles": example.profiles,
        "population": example.population,
        "outcomes": outcomes,
        "people": people,
        "extracted": example.extracted,
    }


@pytest.fixture(scope="module")
def small_built(
    small: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, Path]:
    folder = tmp_path_factory.mktemp("small")
    return build_report(small, folder, timestamp=TIMESTAMP), folder


# --------------------------------------------------------------------------------------------
# The page and the files
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sections_tables_and_figures(built: tuple[Any, Path]) -> None:
    result, folder = built
    page = _parse(folder / "index.html")
    everything = (
        "survey",
        "multiple_response",
        "staff",
        "citizens",
        "employers",
        "cases",
        "usage",
        "strategy",
        "benchmark",
        "gap",
    )
    for section in everything:
        assert section in page.sections, section
        assert page.sections[section]["tables"] >= 1, section
    for section in ("survey", "cases", "usage", "strategy", "benchmark"):
        assert page.sections[section]["svg"] >= 1, section
    assert "provenance" in page.sections
    assert result.sections == everything
    assert result.skipped == ()
    assert result.figures == 6
    headings = " | ".join(page.headings)
    assert "Jobcentre survey" in headings
    assert "Processing time and grant rates" in headings
    assert "Top-2 box by wave and item" in headings


@pytest.mark.slow
def test_page_is_self_contained(built: tuple[Any, Path]) -> None:
    _, folder = built
    html = (folder / "index.html").read_text(encoding="utf-8")
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered
    assert "@import" not in lowered
    assert "<iframe" not in lowered
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", lowered)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", lowered)
    page = _parse(folder / "index.html")
    for tag, attributes in page.tags:
        if tag == "a":
            href = attributes.get("href") or ""
            assert href.startswith("#") or re.fullmatch(r"tables/[a-z_]+\.csv", href), href
        assert "src" not in attributes or tag in ("svg",), (tag, attributes)
    assert str(folder) not in html
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "element ids must be unique within the page"


@pytest.mark.slow
def test_every_table_is_written(built: tuple[Any, Path]) -> None:
    result, folder = built
    written = {p.stem for p in (folder / "tables").glob("*.csv")}
    assert written == EXPECTED_TABLES
    assert set(result.tables) == EXPECTED_TABLES
    for name in EXPECTED_TABLES:
        assert len(_rows(folder / "tables" / f"{name}.csv")) == len(result.tables[name])
    assert {p.name for p in result.files} >= {"index.html", "tables.xlsx"}
    assert result.path == folder / "index.html"


@pytest.mark.slow
def test_workbook_has_every_table(built: tuple[Any, Path]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    _, folder = built
    book = openpyxl.load_workbook(folder / "tables.xlsx")
    assert set(book.sheetnames) == {*EXPECTED_TABLES, "legend"}
    legend = [[c.value for c in row] for row in book["legend"].iter_rows()]
    assert legend[0] == ["marker", "meaning"]
    assert [row[0] for row in legend[1:]] == ["<5", "x", "0.0%", "#,##0"]  # then the formats
    sheet = book["processing_time"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["year", "n", "decided"]
    assert [c.value for c in sheet[2]][:3] == [2018, 6112, 6112]


@pytest.mark.slow
def test_reproduces_published_figures(built: tuple[Any, Path]) -> None:
    _, folder = built
    top = pd.read_csv(folder / "tables" / "survey_top_box.csv")
    focus = top[(top["item"] == "political_focus")].set_index("wave")
    assert focus.loc[2017, "count"] == 30
    assert focus.loc[2017, "n"] == 84
    assert focus.loc[2018, "count"] == 35
    assert focus.loc[2018, "n"] == 82
    assert focus.loc[2018, "ci_low"] == pytest.approx(0.388927, abs=5e-4)  # 3 decimals
    assert focus.loc[2018, "bound_high"] == pytest.approx(0.5, abs=5e-4)
    shares = pd.read_csv(folder / "tables" / "expenditure_shares.csv").set_index("scheme")
    assert float(str(shares.loc["personal assistance", "share"])) == pytest.approx(0.89, abs=0.01)
    times = pd.read_csv(folder / "tables" / "processing_time.csv").set_index("year")
    assert times["median_days"].to_dict() == {2018: 45.0, 2019: 35.0, 2020: 28.0}
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Personal assistance accounts for 89.1 % of the granted amount" in html


@pytest.mark.slow
def test_provenance_lists_inputs_options_and_seeds(built: tuple[Any, Path], example: Any) -> None:
    _, folder = built
    text = " ".join(_parse(folder / "index.html").text)
    assert f"jobhandicap {jh.__version__}" in text or jh.__version__ in text
    for kind, frame in example.frames().items():
        assert kind in text
        assert str(len(frame)) in text
    assert "n_boot" in text
    assert "999" in text
    assert "draws" in text
    assert "2000" in text
    assert "seed" in text
    assert "2018" in text


# --------------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_same_inputs_same_bytes_except_the_timestamp(
    built: tuple[Any, Path], example: jh.ExampleData, tmp_path: Path
) -> None:
    """Built again at another time, only the time differs: put back, every byte is the same."""
    _, first = built
    later = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    build_report(example, tmp_path, timestamp=later)
    files = sorted(p.relative_to(first) for p in _output_files(first))
    assert files == sorted(p.relative_to(tmp_path) for p in _output_files(tmp_path))
    for name in files:
        old, new = (first / name).read_bytes(), (tmp_path / name).read_bytes()
        if name.suffix in (".csv", ".json"):  # the tables and the folder's manifest
            assert old == new, name
        elif name.name == "index.html":
            before, after = old.decode().splitlines(), new.decode().splitlines()
            assert len(before) == len(after)
            changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
            assert changed == [
                (
                    '<p class="generated">Generated 2024-05-06 07:08:09 UTC</p>',
                    '<p class="generated">Generated 2025-01-02 03:04:05 UTC</p>',
                )
            ]
            assert old.replace(b"2024-05-06 07:08:09", b"2025-01-02 03:04:05") == new
        else:
            # Entry times are fixed, so equal entries (the modification time aside) and equal
            # entry headers make equal bytes.
            with zipfile.ZipFile(first / name) as a, zipfile.ZipFile(tmp_path / name) as b:
                assert [_entry(i) for i in a.infolist()] == [_entry(i) for i in b.infolist()]
                for entry in a.namelist():
                    if entry == "docProps/core.xml":
                        stamped = a.read(entry).replace(
                            b"2024-05-06T07:08:09Z", b"2025-01-02T03:04:05Z"
                        )
                        assert b"2025-01-02T03:04:05Z" in stamped
                        assert stamped == b.read(entry)
                    else:
                        assert a.read(entry) == b.read(entry), entry


def _entry(info: zipfile.ZipInfo) -> tuple[Any, ...]:
    return (info.filename, info.date_time, info.compress_type, info.external_attr, info.flag_bits)


# --------------------------------------------------------------------------------------------
# Privacy
# --------------------------------------------------------------------------------------------


def _plant(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    values = frame[column].astype("object").to_numpy().copy()
    if column == "population":
        values[: len(PLANTED)] = [101901234, 202901234, 311285432]
    else:
        values[: len(PLANTED)] = list(PLANTED)
    return frame.assign(**{column: values})


@pytest.mark.parametrize(
    ("kind", "column"),
    [
        ("survey", "respondent"),
        ("survey", "item"),
        ("staff", "respondent"),
    ],
)
def test_personal_numbers_are_refused(
    example: jh.ExampleData, kind: str, column: str, tmp_path: Path
) -> None:
    frame = _plant(getattr(example, kind), column)
    with pytest.raises(DisclosureError) as caught:
        build_report({kind: frame, "extracted": example.extracted}, tmp_path)
    message = str(caught.value)
    assert f"'{column}'" in message
    assert "pseudonymise" in message
    assert not CPR.search(message)
    for number in PLANTED:
        assert number not in message
    assert not (tmp_path / "index.html").exists()


@pytest.mark.parametrize(("kind", "column"), [("cases", "case_id"), ("population", "population")])
def test_personal_numbers_in_unpublished_columns_do_not_block(
    example: jh.ExampleData, kind: str, column: str, tmp_path: Path
) -> None:
    # Case numbers and counts entering sums are never published as they are (issue 12: check
    # only what would be published); nothing written shows them.
    frame = _plant(getattr(example, kind), column)
    build_report({kind: frame, "extracted": example.extracted}, tmp_path)
    for path in _output_files(tmp_path):
        content = _text_of(path)
        for number in (*PLANTED, "101901234", "202901234", "311285432"):
            assert number not in content, path
            assert number.replace("-", "") not in content, path


def test_pseudonymised_inputs_leave_no_personal_number(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    cases = _plant(example.cases, "case_id")
    cases = cases.assign(case_id=disclosure.pseudonymise(cases["case_id"], KEY))
    survey = _plant(example.survey, "respondent")
    survey = survey.assign(respondent=disclosure.pseudonymise(survey["respondent"], KEY))
    result = build_report(
        {"cases": cases, "survey": survey, "extracted": example.extracted}, tmp_path
    )
    assert result.sections == ("survey", "multiple_response", "cases", "usage")
    for path in _output_files(tmp_path):
        content = _text_of(path)
        for number in PLANTED:
            assert number not in content, path
            assert number.replace("-", "") not in content, path
        assert not CPR.search(content), path


def test_markup_in_user_text_is_escaped(example: jh.ExampleData, tmp_path: Path) -> None:
    attack = "<script>alert('x')</script>"
    survey = example.survey.assign(
        item=example.survey["item"].replace({"political_focus": attack}).astype("string"),
        respondent=(attack + example.survey["respondent"]).astype("string"),
    )
    build_report({"survey": survey}, tmp_path, title="<b>Title</b> & co")
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "<b>Title</b>" not in html
    assert "&lt;b&gt;Title&lt;/b&gt; &amp; co" in html
    page = _parse(tmp_path / "index.html")
    assert attack in " ".join(page.text)


def test_formula_text_is_neutralised_but_numbers_stay_numbers(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    formulas = {
        "political_focus": '=HYPERLINK("http://example.org","x")',
        "scheme_focus": "+cmd|' /C calc'!A0",
        "expected_focus": "-2+3",
        "management_priority": "@SUM(A1:A2)",
    }
    survey = example.survey.assign(item=example.survey["item"].replace(formulas).astype("string"))
    build_report({"survey": survey}, tmp_path)
    items = {row["item"] for row in _rows(tmp_path / "tables" / "survey_top_box.csv")}
    for formula in formulas.values():
        assert "'" + formula in items
        assert formula not in items
    for path in (tmp_path / "tables").glob("*.csv"):
        for row in _rows(path):
            for value in row.values():
                if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert _is_number(value), (path.name, value)
    change = _rows(tmp_path / "tables" / "survey_wave_change.csv")
    assert any(row["difference"].startswith("-") for row in change)
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(tmp_path / "tables.xlsx")["survey_top_box"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert "'" + formulas["political_focus"] in {c.value for c in cells}


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("aids") == "aids"


def test_small_counts_never_published(small_built: tuple[Any, Path]) -> None:
    result, folder = small_built
    assert {k: v for k, v in result.counts.items() if v} == {
        k: v for k, v in PERSON_COUNTS.items() if k in result.tables
    }
    hidden = 0
    for name, columns in PERSON_COUNTS.items():
        path = folder / "tables" / f"{name}.csv"
        if not path.exists():
            continue
        for row in _rows(path):
            for column in columns:
                value = row[column]
                hidden += value == "<5"
                assert value in ("", "<5", "x") or float(value) == 0 or float(value) >= 5, (
                    name,
                    column,
                    value,
                )
    assert hidden >= 10, "the small inputs must exercise suppression"


def test_the_reference_of_the_clustered_staff_comparison_is_hidden_with_its_count(
    small_built: tuple[Any, Path],
) -> None:
    _, folder = small_built
    path = folder / "tables" / "staff_strategy_difference.csv"
    if not path.exists():
        pytest.skip("no staff comparison by strategy type in the small report")
    by_strategy = {
        row["strategy"]: row["n"] for row in _rows(folder / "tables" / "staff_by_strategy.csv")
    }
    for row in _rows(path):
        shown = by_strategy.get(row["reference"], "")
        if shown in ("<5", "x"):
            assert row["n_reference"] == row["difference"] == row["mean_reference"] == "x"
        else:
            assert row["n_reference"] in ("", "x") or float(row["n_reference"]) >= 5


def test_suppressed_counts_cannot_be_recovered(small_built: tuple[Any, Path]) -> None:
    _, folder = small_built
    hidden_marks = ("<5", "x")
    for name, count, estimate in (("grant_rate", "granted", "rate"), ("funnel", "count", "share")):
        for row in _rows(folder / "tables" / f"{name}.csv"):
            if row[count] in hidden_marks:
                # A rate computed from a hidden count is hidden, and never claims to be small.
                assert row[estimate] == "x"
                assert row["ci_low"] == "x"
            elif row["n"] not in ("", *hidden_marks):
                rest = int(row["n"]) - int(row[count])
                assert rest == 0 or rest >= 5, (name, row)
    usage = pd.read_csv(folder / "tables" / "scheme_usage.csv", dtype=str)
    for _, rows in usage.groupby("year"):
        assert rows["cases"].isin(hidden_marks).sum() != 1
        assert (rows["cases"].isin(hidden_marks) <= rows["share"].isin(hidden_marks)).all()
    times = _rows(folder / "tables" / "processing_time.csv")
    for row in times:
        hidden = [row[c] in hidden_marks for c in ("n", "decided", "open")]
        assert sum(hidden) != 1


def test_html_shows_the_suppressed_tables(small_built: tuple[Any, Path]) -> None:
    result, folder = small_built
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "&lt;5" in html
    assert "Small cells are protected" in html
    funnel = result.tables["funnel"]
    assert funnel["count"].isna().any()


def test_no_suppress_is_explicit(small: dict[str, Any], tmp_path: Path) -> None:
    inputs = {"cases": small["cases"], "extracted": small["extracted"]}
    result = build_report(inputs, tmp_path, suppress=False)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "suppression is OFF" in html
    counts = pd.read_csv(tmp_path / "tables" / "scheme_usage.csv")["cases"]
    assert ((counts > 0) & (counts < 5)).any()
    assert all(not frame.isna().all().all() for frame in result.tables.values())


# --------------------------------------------------------------------------------------------
# Languages, optional extras, inputs
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_danish(danish_report: tuple[Any, Path]) -> None:
    _, folder = danish_report
    page = _parse(folder / "index.html")
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in html
    headings = set(page.headings)
    assert {"Jobcenterundersøgelsen", "Sagsbehandlingstid og bevillingsandel"} <= headings
    assert "Brug af ordningerne og udgifter" in headings
    assert "Datagrundlag" in headings
    assert "Metode" in headings
    assert "Indikatorer for beskæftigelse af personer med handicap" in headings
    assert "Jobcentre survey" not in headings
    assert "personlig assistance" in html
    assert "Sagsbehandlingstid efter ansøgningsår" in html
    assert re.search(r">\d+,\d %<", html), "Danish numbers have a decimal comma"
    # The exports are for a Danish spreadsheet: ";", decimal comma, Danish headers and labels.
    text = (folder / "tables" / "grant_rate.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[0]["Ordning"] == "personlig assistance"
    assert re.fullmatch(r"0,\d{3}", rows[0]["Rate"])


def test_without_matplotlib(
    example: jh.ExampleData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = build_report({"survey": example.survey, "profiles": example.profiles}, tmp_path)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert result.figures == 0
    assert "<svg" not in html
    assert 'pip install "jobhandicap[plot]"' in html.replace("&quot;", '"')
    assert result.sections == ("survey", "multiple_response", "strategy")
    assert (tmp_path / "tables" / "strategy_scores.csv").exists()


def test_without_openpyxl(
    example: jh.ExampleData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    build_report({"profiles": example.profiles}, tmp_path)
    assert (tmp_path / "tables.xlsx").exists()
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = build_report({"profiles": example.profiles}, tmp_path)
    assert not (tmp_path / "tables.xlsx").exists()  # the earlier report's workbook is removed
    assert "tables.xlsx" not in {p.name for p in result.files}
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'pip install "jobhandicap[excel]"' in html.replace("&quot;", '"')


def test_sections_need_their_inputs(example: jh.ExampleData, tmp_path: Path) -> None:
    result = build_report({"people": example.people}, tmp_path)
    assert result.sections == ("gap",)
    skipped = dict(result.skipped)
    assert set(skipped) == {
        "survey",
        "multiple_response",
        "staff",
        "citizens",
        "employers",
        "cases",
        "usage",
        "strategy",
        "benchmark",
    }
    assert "no cases data" in skipped["cases"]
    assert {p.name for p in (tmp_path / "tables").glob("*.csv")} == {"employment_gap.csv"}


def test_stale_tables_are_removed(example: Any, tmp_path: Path) -> None:
    build_report({"profiles": example.profiles}, tmp_path)
    assert (tmp_path / "tables" / "strategy_scores.csv").exists()
    (tmp_path / "tables" / "mine.csv").write_text("keep")
    (tmp_path / "notes.txt").write_text("keep")
    build_report({"people": example.people}, tmp_path)
    assert not (tmp_path / "tables" / "strategy_scores.csv").exists()
    assert (tmp_path / "tables" / "mine.csv").read_text() == "keep"
    assert (tmp_path / "notes.txt").read_text() == "keep"


def test_staff_scales_are_an_option(example: jh.ExampleData, tmp_path: Path) -> None:
    assert [s.name for s in DEFAULT_SCALES] == ["knowledge", "belief"]
    assert DEFAULT_SCALES[0].reversed == ("knowledge_5",)
    assert DEFAULT_SCALES[1].reversed == ("belief_4",)
    other = [jh.Scale("trust", ["trust_1", "trust_2"])]
    result = build_report({"staff": example.staff}, tmp_path / "a", scales=other)
    assert result.sections == ()
    assert "trust" in dict(result.skipped)["staff"]
    one = [DEFAULT_SCALES[0], jh.Scale("trust", ["trust_1", "trust_2"])]
    result = build_report({"staff": example.staff}, tmp_path / "b", scales=one)
    assert result.sections == ("staff",)
    html = (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
    assert "Scale trust is left out" in html
    assert list(result.tables["staff_scales"]["scale"]) == ["knowledge"]


def test_staff_scoring_error_is_a_note_not_an_abort(
    example: jh.ExampleData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobhandicap.errors import SchemaError
    from jobhandicap.report import _surveys

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise SchemaError("the answers cannot be scored")

    monkeypatch.setattr(_surveys, "scale_scores", refuse)
    result = build_report(
        {"staff": example.staff, "cases": example.cases, "extracted": example.extracted},
        tmp_path,
    )
    assert result.sections == ("staff", "cases", "usage")
    assert "staff_scales" in result.tables  # reliability needs no scores
    assert "staff_association" not in result.tables
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "could not be computed: the answers cannot be scored" in html


@pytest.mark.slow
def test_reads_files_and_records_their_hashes(example: jh.ExampleData, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    paths = {}
    for kind in ("cases", "survey"):
        paths[kind] = source / f"{kind}.csv"
        jio.write_csv(getattr(example, kind), kind, paths[kind])
    lines: list[str] = []
    result = build_report(
        {**paths, "extracted": "2021-01-31"}, tmp_path / "out", progress=lines.append
    )
    assert result.sections == ("survey", "multiple_response", "cases", "usage")
    assert "read cases from cases.csv: 20000 rows" in lines
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for path in paths.values():
        assert hashlib.sha256(path.read_bytes()).hexdigest() in html
        assert path.name in html
    assert str(tmp_path) not in html


def test_survey_options_and_population_fallback(example: jh.ExampleData, tmp_path: Path) -> None:
    old = example.survey.assign(wave=example.survey["wave"] - 20)  # before jobcentres existed
    with mock.patch.dict(sys.modules, {"matplotlib": None}):
        result = build_report({"survey": old}, tmp_path, survey_items=["scheme_focus", "nope"])
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "The number of jobcentres could not be taken from the reference tables" in html
    assert "bound_low" not in result.tables["survey_top_box"].columns
    assert list(result.tables["survey_wave_change"]["item"]) == ["scheme_focus"]
    assert set(result.tables["survey_distribution"]["item"]) == {"scheme_focus"}


def test_open_cases_need_the_extraction_date(example: jh.ExampleData, tmp_path: Path) -> None:
    with pytest.raises(JobhandicapError, match=r"still open.*--extracted"):
        build_report({"cases": example.cases}, tmp_path)


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        ({"casses": pd.DataFrame()}, {}, "unknown input"),
        ({"survey": 3}, {}, "DataFrame or a file path"),
        ([1, 2], {}, "ExampleData"),
        ({}, {"lang": "de"}, "lang"),
        ({}, {"n_boot": 10}, "n_boot"),
        ({"extracted": "31/01/2021"}, {}, "extracted"),
    ],
)
def test_bad_arguments(data: Any, options: dict[str, Any], message: str, tmp_path: Path) -> None:
    with pytest.raises(JobhandicapError, match=message):
        build_report(data, tmp_path, **options)


def test_invalid_input_names_the_table(example: jh.ExampleData, tmp_path: Path) -> None:
    bad = example.population.assign(population=-1)
    with pytest.raises(jh.SchemaError, match="population input"):
        build_report({"population": bad}, tmp_path)


def test_inputs_are_not_modified(example: jh.ExampleData, tmp_path: Path) -> None:
    survey = example.survey.copy()
    before = survey.copy(deep=True)
    with mock.patch.dict(sys.modules, {"matplotlib": None}):
        build_report({"survey": survey}, tmp_path)
    pd.testing.assert_frame_equal(survey, before)


# --------------------------------------------------------------------------------------------
# Property: any user text is escaped, neutralised and reproducible
# --------------------------------------------------------------------------------------------

_LABELS = st.text(
    alphabet=st.sampled_from(list("ab<>&\"'=+-@ /;\t")), min_size=1, max_size=12
).filter(lambda s: s.strip() != "")


@pytest.mark.slow
@settings(max_examples=examples(15))  # each example builds two reports
@given(labels=st.lists(_LABELS, min_size=1, max_size=3, unique_by=lambda s: " ".join(s.split())))
def test_any_item_label_is_safe(
    labels: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    n = 12
    frames = []
    for k, label in enumerate(labels):
        for wave in (2017, 2018):
            frames.append(
                pd.DataFrame(
                    {
                        "respondent": [f"r{i}" for i in range(n)],
                        "wave": wave,
                        "item": label,
                        "answer": [(i + k + wave) % 5 + 1 for i in range(n)],
                    }
                )
            )
    survey = pd.concat(frames, ignore_index=True)
    folder = tmp_path_factory.mktemp("prop")
    with mock.patch.dict(sys.modules, {"matplotlib": None}):
        build_report({"survey": survey}, folder / "a", timestamp=TIMESTAMP)
        build_report({"survey": survey}, folder / "b", timestamp=TIMESTAMP)
    html = (folder / "a" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    body = html.split("<body>", 1)[1]
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", body))
    assert tags <= {
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "main",
        "nav",
        "ol",
        "ul",
        "li",
        "a",
        "section",
        "div",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "details",
        "summary",
        "body",
        "html",
    }
    for path in _output_files(folder / "a"):
        assert path.read_bytes() == (folder / "b" / path.relative_to(folder / "a")).read_bytes()
    for path in (folder / "a" / "tables").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(io.StringIO(handle.read())):
                for value in row:
                    if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert _is_number(value), value


# --------------------------------------------------------------------------------------------
# The funnel's limits follow Spiegelhalter's test for overdispersion
# --------------------------------------------------------------------------------------------


def test_overdispersion_test_reference_and_monotone() -> None:
    from jobhandicap.report._comparisons import OVERDISPERSION_ALPHA, overdispersion_p_value

    # METHODS.md's funnel data (10 units, φ̂ = 1.320474): not significantly overdispersed.
    # Upper tail of χ² with 9 degrees of freedom at 13.20474 (the regularised incomplete gamma
    # function Q(4.5, 6.60237), summed by its series): 0.1535587.
    assert overdispersion_p_value(1.320474, 10) == pytest.approx(0.1535587, abs=1e-7)
    assert overdispersion_p_value(1.320474, 10) > OVERDISPERSION_ALPHA
    # The example data (94 jobcentres, φ̂ ≈ 8.6) are.
    assert overdispersion_p_value(8.6, 94) < 1e-12
    ps = [overdispersion_p_value(phi, 50) for phi in (0.5, 1.0, 1.5, 2.0)]
    assert ps == sorted(ps, reverse=True)


def _assert_same_upper_limits(published: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The report's upper 95 % limits are ``expected``'s, jobcentre by jobcentre (rounded)."""
    shown = published.set_index("jobcentre")
    limits = expected.set_index("jobcentre")["high_95"].loc[shown.index]
    np.testing.assert_allclose(shown["high_95"].astype(float), limits, atol=5e-4)


@pytest.fixture(scope="module")
def hidden_built(example: jh.ExampleData, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A report of the example outcomes where Samsø's last-year job entries are 2 (hidden)."""
    year = int(example.outcomes["year"].max())
    samso = (example.outcomes["jobcentre"] == 741) & (example.outcomes["year"] == year)
    outcomes = example.outcomes.assign(
        entered_job=example.outcomes["entered_job"].where(~samso, 2)
    )
    folder = tmp_path_factory.mktemp("hidden_report")
    inputs = {"outcomes": outcomes, "profiles": example.profiles}
    return build_report(inputs, folder, timestamp=TIMESTAMP), folder, outcomes


def _published_rows(published: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """The outcome rows of the jobcentres whose persons and entries the funnel shows."""
    shown = published.loc[published[["n", "count"]].notna().all(axis=1), "jobcentre"]
    return outcomes[outcomes["jobcentre"].isin(shown)]


@pytest.mark.slow
def test_report_funnel_uses_overdispersed_limits_when_the_test_says_so(
    hidden_built: tuple[Any, Path, pd.DataFrame],
) -> None:
    from jobhandicap.benchmark import funnel

    result, folder, outcomes = hidden_built
    year = int(outcomes["year"].max())
    chosen = outcomes[outcomes["year"] == year]
    # Pooled rate and overdispersion come from the jobcentres whose counts are published, so
    # that no limit depends on a hidden count.
    basis = _published_rows(result.tables["funnel"], chosen)
    assert len(basis) < len(chosen)
    estimated = funnel(basis, count="entered_job", total="persons", overdispersion=True)
    wide = funnel(
        chosen,
        count="entered_job",
        total="persons",
        target=estimated.attrs["target"],
        overdispersion=estimated.attrs["tau2"],
    )
    _assert_same_upper_limits(result.tables["funnel"], wide)
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "vary more between jobcentres than chance allows" in html


@pytest.mark.slow
def test_report_adjusts_benchmarking_for_framework_conditions(
    hidden_built: tuple[Any, Path, pd.DataFrame],
) -> None:
    from jobhandicap.benchmark import expected_outcomes

    result, folder, outcomes = hidden_built
    year = int(outcomes["year"].max())
    chosen = outcomes[outcomes["year"] == year]
    table = result.tables["benchmark_adjusted"]
    conditions = ["social_assistance_pct", "unemployment_pct"]
    # The model is fitted on the jobcentres whose counts are published only.
    basis = _published_rows(table, chosen)
    assert len(basis) < len(chosen)
    model = expected_outcomes(basis, conditions).coefficients.set_index("term")["coefficient"]
    rows = chosen.set_index("jobcentre").loc[table["jobcentre"]]
    linear = float(model["intercept"]) + sum(
        float(model[c]) * rows[c].to_numpy(dtype=float) for c in conditions
    )
    expected = rows["persons"].to_numpy(dtype=float) / (1.0 + np.exp(-np.asarray(linear)))
    shown = table["expected"].notna().to_numpy()
    assert shown.sum() > 80
    np.testing.assert_allclose(
        table["expected"].to_numpy(float)[shown], expected[shown], rtol=1e-3
    )
    visible = table[["count", "expected", "ratio"]].dropna()
    np.testing.assert_allclose(visible["ratio"], visible["count"] / visible["expected"], rtol=1e-3)
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Adjusted for framework conditions" in html
    assert "(raw: " in html


def test_report_without_framework_conditions_benchmarks_unadjusted_only(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    year = int(example.outcomes["year"].max())
    plain = example.outcomes.drop(columns=["social_assistance_pct", "unemployment_pct"])
    result = build_report({"outcomes": plain}, tmp_path, outcome_year=year)
    assert "funnel" in result.tables
    assert "benchmark_adjusted" not in result.tables
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "compared unadjusted only" in html


def test_report_funnel_keeps_exact_limits_without_overdispersion(
    example: jh.ExampleData, tmp_path: Path
) -> None:
    from jobhandicap.benchmark import funnel

    # Job entry drawn at one common rate: the jobcentres differ by chance alone.
    year = int(example.outcomes["year"].max())
    chosen = example.outcomes[example.outcomes["year"] == year].reset_index(drop=True)
    rng = np.random.default_rng(7)
    chance = chosen.assign(entered_job=rng.binomial(chosen["persons"].to_numpy(), 0.2))
    result = build_report({"outcomes": chance}, tmp_path, outcome_year=year)
    basis = _published_rows(result.tables["funnel"], chance)
    target = funnel(basis, count="entered_job", total="persons").attrs["target"]
    _assert_same_upper_limits(
        result.tables["funnel"],
        funnel(chance, count="entered_job", total="persons", target=target),
    )
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "about as much as chance allows" in html
