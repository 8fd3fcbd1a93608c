"""Errors that help: the user's header and cell text, rows as a spreadsheet shows them, long
lists of accepted values said once, Excel serial dates and sheets (issue #13)."""

from __future__ import annotations

import datetime as dt
import io
import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jobhandicap import cli, frames
from jobhandicap import io as jio
from jobhandicap.errors import (
    DataQualityWarning,
    DisclosureError,
    JobhandicapError,
    MissingColumnsError,
    SchemaError,
    problems_frame,
)
from jobhandicap.report._input_check import check_frame

HEADER = "Sagsnr;Kommune;Ordning;Målgruppe;Ansøgningsdato;Afgørelsesdato;Afgørelse;Beløb\n"
GOOD_ROW = "A-1;0101;Hjælpemidler;Fleksjob;03-01-2019;01-02-2019;Bevilget;1.000,50\n"
CPR = "0101901234"


def _problems(source: Any, reader: Any = jio.read_cases, **options: Any) -> SchemaError:
    with pytest.raises(SchemaError) as caught:
        reader(source, **options)
    return caught.value


def _cases(**columns: Any) -> pd.DataFrame:
    base: dict[str, Any] = {
        "case_id": ["A", "B"],
        "municipality": [101, 751],
        "scheme": ["aids", "aids"],
        "target_group": ["flex-job", "flex-job"],
        "applied": ["2019-01-03", "2019-01-04"],
    }
    base.update(columns)
    return pd.DataFrame(base)


# 1. The user's header and the cell as written -------------------------------------------------


def test_problems_name_the_users_header_and_the_cell_text_as_written() -> None:
    text = (
        HEADER
        + "A-2;0999;Hjælpemidler;Fleksjob;03-01-2019;05-01-2019;Afslag;1.500,00\n"
        + "A-3;0101;Hjælpemidler;Fleksjob;31-02-2023;;;\n"
    )
    error = _problems(io.StringIO(text))
    found = error.problems[["row", "column", "header", "value"]].values.tolist()
    assert found == [
        [2, "municipality", "Kommune", "0999"],  # not 999
        [2, "amount_dkk", "Beløb", "1.500,00"],  # not 1500.0
        [3, "applied", "Ansøgningsdato", "31-02-2023"],
    ]
    shown = str(error)
    assert "row 2, column 'Beløb' (amount_dkk), value 1.500,00: only granted cases" in shown
    assert "row 3, column 'Ansøgningsdato' (applied), value 31-02-2023" in shown


def test_problems_found_while_reading_name_the_column_and_the_header() -> None:
    text = HEADER + GOOD_ROW + GOOD_ROW.replace("A-1", "A-2").replace("1.000,50", "1.23")
    error = _problems(io.StringIO(text))
    found = error.problems[["row", "column", "header", "value"]].values.tolist()
    assert found == [[3, "amount_dkk", "Beløb", "1.23"]]  # a decimal point among commas
    joined = HEADER + GOOD_ROW.replace("A-1", '"A-1\nA-2"')
    error = _problems(io.StringIO(joined))
    assert error.problems[["column", "header"]].values.tolist() == [["case_id", "Sagsnr"]]


def test_a_wide_survey_names_the_item_column_of_each_answer() -> None:
    text = "Jobcenter;Politisk fokus;Nye strategier\nAarhus;I høj grad;Måske\nVejle;7;Slet ikke\n"
    error = _problems(io.StringIO(text), jio.read_survey, wave=2018)
    found = error.problems[["row", "column", "header", "value"]].values.tolist()
    assert found == [
        [2, "answer", "Nye strategier", "Måske"],
        [3, "answer", "Politisk fokus", "7"],
    ]


def test_personal_numbers_stay_hidden_in_the_text_with_the_cell_as_written() -> None:
    text = HEADER + GOOD_ROW.replace("A-1", CPR) + GOOD_ROW.replace("A-1", CPR)
    error = _problems(io.StringIO(text))
    assert error.problems["value"].tolist() == [CPR, CPR]  # the analyst's copy: as written
    assert CPR not in str(error)
    assert "101901234" not in str(error)
    assert "<personal number hidden>" in str(error)
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error)


def test_a_header_holding_a_personal_number_is_hidden_in_the_message() -> None:
    frame = problems_frame([(2, "scheme", f"ordning {CPR}", "x", "not a compensation scheme")])
    assert CPR not in str(SchemaError("bad", frame))


# 2. Long lists of accepted values are said once ----------------------------------------------


def test_accepted_values_are_said_once_and_each_line_is_short() -> None:
    raw = _cases(target_group=["flexjobb", "nonsense"], municipality=["Ålbrog", "Atlantis"])
    with pytest.raises(SchemaError) as caught:
        frames.validate_cases(raw)
    error = caught.value
    messages = error.problems.set_index(["row", "column"])["message"]
    assert messages[(2, "target_group")] == (
        "not a target group (accepted values listed below); did you mean 'flex-job', 'fleksjob'?"
    )
    assert messages[(3, "target_group")] == "not a target group (accepted values listed below)"
    assert "did you mean 'Aalborg'" in messages[(2, "municipality")]
    shown = str(error)
    assert shown.count("'self-supporting'") == 1  # the last of the 14 target groups
    assert shown.count("accepted target_group values: ") == 1
    assert shown.count("860 Hjørring") == 1  # the last of the 98 municipalities
    assert set(error.accepted) == {"municipality", "target_group"}
    assert "'self-supporting'" in error.accepted["target_group"]


def test_the_command_line_prints_the_header_and_the_accepted_values_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sager.csv"
    bad = GOOD_ROW.replace("Fleksjob", "Fleksjobb")
    path.write_text(HEADER + bad + bad.replace("A-1", "A-2"), encoding="utf-8-sig")
    assert cli.main(["validate", "cases", str(path)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split() == ["row", "column", "header", "value", "message"]
    assert lines[2].split()[:4] == ["2", "target_group", "Målgruppe", "Fleksjobb"]
    assert out.count("accepted target_group values: 'insured unemployment benefit'") == 1


# 3. Rows as a spreadsheet shows them ---------------------------------------------------------


@pytest.mark.parametrize("index", [None, ["x", "y"], [10, 11], [1, 0]])
def test_frames_name_rows_by_position_plus_two_whatever_the_index(index: Any) -> None:
    raw = _cases(scheme=["aids", "hjælpemidlr"])
    if index is not None:
        raw.index = index
    with pytest.raises(SchemaError) as caught:
        frames.validate_cases(raw)
    assert caught.value.problems[["row", "column"]].values.tolist() == [[3, "scheme"]]
    assert "row 3, column scheme" in str(caught.value)


def test_readers_count_file_rows_past_blank_lines_and_quoted_cells() -> None:
    text = (
        "respondent;år;spørgsmål;svar\n"
        '"Jobcenter; Aarhus";2018;q1;I høj grad\n'
        ";;;\n"
        "Vejle;2018;q1;Altid\n"
    )
    error = _problems(io.StringIO(text), jio.read_survey)
    assert error.problems[["row", "column", "value"]].values.tolist() == [[4, "answer", "Altid"]]
    # A stray quote joins rows into one cell: the row is the record's, as a spreadsheet shows.
    joined = text.replace("Vejle", '"Vejle').replace(";;;", "x;2018;q1;4")
    error = _problems(io.StringIO(joined + 'Esbjerg";2018;q1;2\n'), jio.read_survey)
    assert error.problems[["row", "column"]].values.tolist() == [[4, "respondent"]]


def test_the_personal_number_refusal_of_a_frame_names_the_spreadsheet_row() -> None:
    survey = pd.DataFrame(
        {"respondent": ["Aarhus", "Vejle", CPR], "wave": 2018, "item": "q1", "answer": 4},
        index=[7, 8, 9],
    )
    with pytest.raises(DisclosureError, match="the first in row 4, the header being row 1"):
        check_frame("survey", survey)


# 4. Excel serial dates -----------------------------------------------------------------------


def _workbook(*sheets: tuple[str, list[list[Any]], str]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows, state in sheets:
        sheet = workbook.create_sheet(name)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CASE_HEADER = ["Sagsnr", "Kommune", "Ordning", "Målgruppe", "Ansøgningsdato"]


def _case(case_id: str, applied: Any) -> list[Any]:
    return [case_id, 101, "Hjælpemidler", "Fleksjob", applied]


def test_excel_serial_dates_in_number_cells_are_read_as_dates() -> None:
    content = _workbook(
        (
            "Sager",
            [
                CASE_HEADER,
                _case("A", 44927),
                _case("B", 44927.75),
                _case("C", dt.date(2019, 1, 3)),
            ],
            "visible",
        )
    )
    got = jio.read_cases(io.BytesIO(content))
    assert got["applied"].tolist() == [
        pd.Timestamp("2023-01-01"),
        pd.Timestamp("2023-01-01"),
        pd.Timestamp("2019-01-03"),
    ]


def test_numbers_that_are_no_serial_date_are_refused_in_excel() -> None:
    rows = [CASE_HEADER, _case("A", 0), _case("B", 60), _case("C", -3), _case("D", True)]
    error = _problems(io.BytesIO(_workbook(("Sager", rows, "visible"))))
    messages = error.problems.set_index("row")["message"]
    assert list(messages.index) == [2, 3, 4, 5]
    assert "29 February 1900" in messages[3]
    assert all(m.endswith("dd.mm.yyyy or dd/mm/yyyy)") or "expected a date" in m for m in messages)


def test_serial_dates_in_a_csv_file_are_refused_with_a_hint() -> None:
    text = "case_id,municipality,scheme,target_group,applied\nA,101,aids,flexjob,44927\n"
    error = _problems(io.StringIO(text))
    assert error.problems[["row", "header", "value"]].values.tolist() == [[2, "applied", "44927"]]
    assert error.problems["message"][0].startswith(
        "looks like an Excel serial date (44927 = 2023-01-01); format the column as a date "
        "before exporting"
    )


# 5. Workbooks: hidden sheets, cover sheets ---------------------------------------------------


def test_hidden_sheets_are_skipped_by_default() -> None:
    content = _workbook(
        ("Gammel", [CASE_HEADER, _case("OLD", "2019-01-03")], "hidden"),
        ("Skjult", [CASE_HEADER, _case("OLDER", "2019-01-03")], "veryHidden"),
        ("Sager", [CASE_HEADER, _case("NEW", "2019-01-03")], "visible"),
    )
    assert jio.read_cases(io.BytesIO(content))["case_id"].tolist() == ["NEW"]
    assert jio.read_cases(io.BytesIO(content), sheet="Gammel")["case_id"].tolist() == ["OLD"]
    assert jio.read_cases(io.BytesIO(content), sheet=0)["case_id"].tolist() == ["OLD"]


def test_a_cover_sheet_is_passed_over_for_the_one_sheet_with_the_columns() -> None:
    content = _workbook(
        ("Forside", [["Sager 2019"], ["Udtrukket 3. januar"]], "visible"),
        ("Sager", [CASE_HEADER, _case("A", "2019-01-03")], "visible"),
    )
    with pytest.warns(DataQualityWarning, match="'Forside'.*lacks the cases columns.*'Sager'"):
        got = jio.read_cases(io.BytesIO(content))
    assert got["case_id"].tolist() == ["A"]


def test_without_one_sheet_with_the_columns_the_error_names_the_sheets() -> None:
    cover = ("Forside", [["Sager 2019"]], "visible")
    data = [CASE_HEADER, _case("A", "2019-01-03")]
    two = _workbook(cover, ("Sager", data, "visible"), ("Kopi", data, "visible"))
    with pytest.raises(MissingColumnsError) as caught:
        jio.read_cases(io.BytesIO(two))
    message = str(caught.value)
    assert "Read sheet 'Forside', the workbook's first visible sheet" in message
    assert "'Sager' (has the cases columns), 'Kopi' (has the cases columns)" in message
    assert "pass sheet= to choose one ('Sager', 'Kopi')" in message
    none = _workbook(cover, ("Noter", [["Tekst"]], "visible"), ("Gemt", data, "hidden"))
    with pytest.raises(MissingColumnsError) as caught:
        jio.read_cases(io.BytesIO(none))
    assert "'Noter', 'Gemt' (hidden, has the cases columns)" in str(caught.value)
    assert pickle.loads(pickle.dumps(caught.value)).detail == caught.value.detail


def test_a_chart_sheet_is_skipped_and_refused_by_name() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.chart import BarChart

    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = "Sager"
    data.append(CASE_HEADER)
    data.append(_case("A", "2019-01-03"))
    workbook.create_chartsheet("Graf", 0).add_chart(BarChart())
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert jio.read_cases(io.BytesIO(buffer.getvalue()))["case_id"].tolist() == ["A"]
    with pytest.raises(JobhandicapError, match="'Graf' of the workbook is a chart sheet"):
        jio.read_cases(io.BytesIO(buffer.getvalue()), sheet=0)


def test_a_second_sheet_with_the_columns_is_named_not_silently_left_out() -> None:
    import openpyxl

    from jobhandicap.errors import DataQualityWarning

    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Sager 2022"
    for sheet in (first, workbook.create_sheet("Sager 2023")):
        sheet.append(["Sagsnr", "Kommune", "Ordning", "Målgruppe", "Ansøgningsdato"])
        sheet.append(["A1", 101, "Hjælpemidler", "Fleksjob", dt.datetime(2023, 1, 2)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.warns(DataQualityWarning, match=r"'Sager 2023' also hold\(s\) the cases"):
        cases = jio.read_cases(io.BytesIO(buffer.getvalue()))
    assert len(cases) == 1
