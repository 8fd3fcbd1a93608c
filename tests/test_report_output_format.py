"""Tests of the report's output for the people who open it: CSV dialects per language, the
workbook's number formats, the page's numbers and survey wording, the funnel plot's labels, the
synthetic-data notice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import frames
from jobhandicap.report import _format as _report_format
from jobhandicap.report import _html as _report_html
from jobhandicap.report import _tables as _report_tables
from jobhandicap.report import _text as _report_text
from jobhandicap.report._build import _is_example

BOM = b"\xef\xbb\xbf"


def _published(name: str = "expenditure_shares", **markers: list[str]) -> Any:
    """A small protected-looking table: text, counts, kroner, a share, a negative number."""
    frame = pd.DataFrame(
        {
            "scheme": pd.Categorical(["aids", "personal assistance", "=1+1"]),
            "cases": np.array([12, 2, 1234], dtype=np.int64),
            "amount_dkk": [1234567.4, 3.0, 9876543.6],
            "share": [0.35714, 0.0004, 1.0],
            "difference": [-0.25, 0.0001, -0.00001],
        }
    )
    table = _report_tables.Table(name=name, title="T", frame=frame)
    if not markers:
        return _report_tables.unprotected(table)
    marks = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for column, values in markers.items():
        marks[column] = values
    return _report_tables.republish(table, marks)


def _rows(data: bytes, sep: str) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


# --------------------------------------------------------------------------------------------
# CSV files
# --------------------------------------------------------------------------------------------


def test_csv_in_english_is_comma_separated_with_a_decimal_point_and_rounded() -> None:
    published = _published(cases=["", "<5", ""], share=["", "x", ""])
    data = _report_tables.csv_bytes(published, "en")
    rows = _rows(data, ",")
    assert rows[0] == ["scheme", "cases", "amount_dkk", "share", "difference"]
    assert rows[1] == ["aids", "12", "1234567", "0.357", "-0.250"]
    assert rows[2] == ["personal assistance", "<5", "3", "x", "0.000"]  # markers kept
    assert rows[3] == ["'=1+1", "1234", "9876544", "1.000", "0.000"]  # no "-0.000"
    assert b";" not in data


def test_csv_in_danish_is_semicolon_separated_with_decimal_comma_and_danish_labels() -> None:
    published = _published(cases=["", "<5", ""], share=["", "x", ""])
    data = _report_tables.csv_bytes(published, "da")
    rows = _rows(data, ";")
    assert rows[0] == ["Ordning", "Sager", "Beløb (kr.)", "Andel", "Forskel"]
    assert rows[1] == ["hjælpemidler", "12", "1234567", "0,357", "-0,250"]
    assert rows[2] == ["personlig assistance", "<5", "3", "x", "0,000"]
    assert rows[3][0] == "'=1+1"  # an unknown label stays as it is, neutralised
    # Numbers with a decimal comma are not quoted in a ";" file: a spreadsheet reads numbers.
    assert b";0,357;-0,250\n" in data


def test_csv_danish_headers_are_unique_and_text_with_separators_is_quoted() -> None:
    frame = pd.DataFrame(
        {
            "clusters": pd.array([3], dtype="Int64"),
            "jobcentres": pd.array([4], dtype="Int64"),  # both are "Jobcentre" in Danish
            "which": pd.array(["sickness benefit; flex-job"], dtype="string"),
        }
    )
    published = _report_tables.unprotected(
        _report_tables.Table(name="target_group_coverage", title="T", frame=frame)
    )
    data = _report_tables.csv_bytes(published, "da")
    rows = _rows(data, ";")
    assert rows[0] == ["Jobcentre", "Jobcentre (jobcentres)", "Hvilke"]
    assert rows[1] == ["3", "4", "sygedagpenge; fleksjob"]
    assert '"sygedagpenge; fleksjob"' in data.decode("utf-8-sig")


def test_column_kinds_follow_the_table() -> None:
    share = pd.Series([0.5])
    assert _report_format.column_kind("survey_top_box", "ci_low", share) == "share"
    # A rate per 1,000 residents is not a share; its interval neither.
    assert _report_format.column_kind("rates_per_population", "rate", share) == "number"
    assert _report_format.column_kind("funnel", "high_99_8", share) == "share"
    years = pd.Series([2018], dtype="int64")
    assert _report_format.column_kind("processing_time", "year", years) == "code"
    assert _report_format.column_kind("processing_time", "n", years) == "count"
    assert _report_format.column_kind("expenditure_shares", "total_dkk", share) == "dkk"


# --------------------------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "da"])
def test_workbook_number_formats_widths_and_frozen_header(lang: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    published = _published(cases=["", "<5", ""])
    years = _report_tables.unprotected(
        _report_tables.Table(
            name="processing_time",
            title="T",
            frame=pd.DataFrame({"year": [2018], "n": [6112], "median_days": [45.25]}),
            decimals={"median_days": 1},
        )
    )
    data = _report_tables.workbook_bytes(
        [published, years],
        created=dt.datetime(2024, 1, 1),
        lang=lang,  # type: ignore[arg-type]
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["expenditure_shares"]
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "#,##0"  # count
    assert sheet["B3"].value == "<5"
    assert sheet["B3"].data_type == "s"
    assert sheet["C2"].number_format == "#,##0"
    assert sheet["C2"].value == 1234567
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["D2"].value == pytest.approx(0.357)
    assert sheet["E2"].number_format == "0.000"
    assert sheet["A1"].value == ("scheme" if lang == "en" else "Ordning")
    assert sheet["A3"].value == ("personal assistance" if lang == "en" else "personlig assistance")
    # The label column is as wide as its longest label, the others fit their numbers.
    assert sheet.column_dimensions["A"].width >= len("personal assistance")
    assert sheet.column_dimensions["C"].width >= len("9,876,544")
    times = book["processing_time"]
    assert times["A2"].number_format == "0"  # a year is not a count: no "2,018"
    assert times["B2"].number_format == "#,##0"
    assert times["C2"].number_format == "0.0"
    assert times["C2"].value == pytest.approx(45.2)
    legend = [[c.value for c in row] for row in book["legend"].iter_rows()]
    assert legend[-2][0] == "0.0%"


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def test_page_shows_shares_as_percentages_and_kroner_with_thousands_separators() -> None:
    published = _published(share=["", "x", ""])
    english = "\n".join(_report_html._table(published, "en", link=False))
    danish = "\n".join(_report_html._table(published, "da", link=False))
    assert ">35.7 %<" in english
    assert ">35,7 %<" in danish
    assert ">1,234,567<" in english
    assert ">1.234.567<" in danish
    assert ">9,876,544<" in english
    assert ">0.357<" not in english


def test_page_shows_differences_of_shares_in_points_and_counts_grouped() -> None:
    frame = pd.DataFrame(
        {
            "item": ["political_focus"],
            "later_share": [0.43],
            "difference": [0.039],
            "ci_low": [-0.067],
            "respondents": np.array([12345], dtype=np.int64),
        }
    )
    table = _report_tables.Table(name="survey_wave_change", title="T", frame=frame)
    published = _report_tables.unprotected(table)
    english = "\n".join(_report_html._table(published, "en", link=False))
    danish = "\n".join(_report_html._table(published, "da", link=False))
    assert ">43.0 %<" in english
    assert ">3.9 pp<" in english
    assert ">-6.7 pp<" in english
    assert ">3,9 %-point<" in danish
    assert ">12,345<" in english
    assert ">12.345<" in danish


def test_survey_items_are_packaged_data_with_both_wordings() -> None:
    from jobhandicap.datasets import SURVEY_ITEMS

    items = _report_text.survey_items()
    assert set(SURVEY_ITEMS) <= set(items)  # every item of the example data has a wording
    for code, (english, danish) in items.items():
        assert english.strip(), code
        assert danish.strip(), code
        assert english != danish, code
    assert _report_text.value_label("item", "political_focus", "da").startswith("Lokalpolitisk")
    assert _report_text.value_label("item", "my_own_item", "en") == "my_own_item"
    # The report takes the items from the data file, not from the simulator.
    source = Path(_report_html.__file__).with_name("_surveys.py").read_text("utf-8")
    assert "SURVEY_ITEMS" not in source


def test_synthetic_data_are_recognised_only_when_every_input_is_the_example() -> None:
    example = jh.load_example()
    survey = frames.validate_kind(example.survey, "survey")
    assert _is_example({"survey": survey})
    changed = survey.assign(answer=survey["answer"].where(survey.index != 0, 1))
    if changed.equals(survey):
        changed = survey.assign(answer=survey["answer"].where(survey.index != 0, 2))
    assert not _is_example({"survey": changed})
    assert not _is_example({"survey": survey.iloc[:-1]})
    assert not _is_example({})


# --------------------------------------------------------------------------------------------
# Funnel plot labels
# --------------------------------------------------------------------------------------------


def _crowded_funnel() -> pd.DataFrame:
    """Five jobcentres far above their limits at almost the same point."""
    n = np.array([100, 101, 102, 103, 104, 400, 800], dtype=np.int64)
    rate = np.array([0.9, 0.9, 0.905, 0.9, 0.895, 0.5, 0.5])
    return pd.DataFrame(
        {
            "jobcentre": np.array([101, 147, 151, 153, 157, 159, 161], dtype=np.int64),
            "jobcentre_name": [f"Jobcentre number {k}" for k in range(7)],
            "n": n,
            "rate": rate,
            "low_95": 0.5 - 1.96 * np.sqrt(0.25 / n),
            "high_95": 0.5 + 1.96 * np.sqrt(0.25 / n),
        }
    )


def _label_boxes(fig: Any) -> list[Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from jobhandicap.plots import label_box

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    return [label_box(t, renderer) for t in fig.axes[0].texts]


def _overlaps(boxes: list[Any]) -> int:
    return sum(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i))


def test_funnel_plot_labels_flagged_units_by_name_without_overlap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("matplotlib")
    from jobhandicap import plots

    frame = _crowded_funnel()
    fig = plots.funnel_plot(frame, unit="jobcentre")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(texts) == [f"Jobcentre number {k}" for k in range(5)]  # names, not codes
    assert _overlaps(_label_boxes(fig)) == 0
    # The same labels at their first places overlap: the stacking is what separates them.
    monkeypatch.setattr(plots._comparisons, "separate_labels", lambda fig, labels, gap=1.0: None)
    crowded = plots.funnel_plot(frame, unit="jobcentre")
    assert _overlaps(_label_boxes(crowded)) > 0
    # Given names win over the name column.
    named = plots.funnel_plot(frame, unit="jobcentre", unit_labels={101: "Copenhagen"})
    assert "Copenhagen" in [t.get_text() for t in named.axes[0].texts]


# --------------------------------------------------------------------------------------------
# A whole report in Danish (built once)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def danish(danish_report: tuple[Any, Path]) -> tuple[Any, Path]:
    """The session's Danish report of the example data (tests/conftest.py)."""
    return danish_report


@pytest.mark.slow
def test_danish_report_files(danish: tuple[Any, Path]) -> None:
    result, folder = danish
    for name, table in result.tables.items():
        data = (folder / "tables" / f"{name}.csv").read_bytes()
        rows = _rows(data, ";")
        assert len(rows) == 1 + len(table), name
        assert {len(row) for row in rows} == {len(table.columns)}, name
    top = _rows((folder / "tables" / "survey_top_box.csv").read_bytes(), ";")
    assert top[0][:5] == ["Runde", "Spørgsmål", "n", "Antal", "Andel"]
    assert any(row[1].startswith("Lokalpolitisk fokus") for row in top[1:])
    assert all(re.fullmatch(r"[01],\d{3}", row[4]) for row in top[1:])
    shares = _rows((folder / "tables" / "expenditure_shares.csv").read_bytes(), ";")
    assert "personlig assistance" in [row[0] for row in shares]
    assert all(re.fullmatch(r"\d+|<5|x", row[2]) for row in shares[1:])  # whole kroner


@pytest.mark.slow
def test_danish_report_page(danish: tuple[Any, Path]) -> None:
    _, folder = danish
    page = (folder / "index.html").read_text("utf-8")
    head = page[: page.index("<nav>")]
    assert 'class="synthetic"' in head
    assert "Syntetiske data" in head
    assert re.search(r'<td class="num">\d{1,3},\d %</td>', page)  # shares as percentages
    assert re.search(r'<td class="num">\d{1,3}(\.\d{3}){2,}</td>', page)  # kroner
    assert "Lokalpolitisk fokus på at få personer med handicap i beskæftigelse" in page
    # The funnel figure names its outlying jobcentres (Egedal and Holbæk lie far below).
    figure = page[page.index('id="benchmark"') :]
    assert "Egedal" in figure[: figure.index("</figure>")]


@pytest.mark.slow
def test_danish_workbook(danish: tuple[Any, Path]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    _, folder = danish
    book = openpyxl.load_workbook(folder / "tables.xlsx")
    sheet = book["survey_top_box"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:5] == ["Runde", "Spørgsmål", "n", "Antal", "Andel"]
    assert sheet["E2"].number_format == "0.0%"
    assert sheet["A2"].number_format == "0"
    assert book["expenditure_shares"]["C2"].number_format == "#,##0"
