"""Regression tests of issue 13: real files are read right or refused with one clear error.

Each test builds a small hand-made file (CSV bytes, a workbook written with openpyxl, Parquet
written with pyarrow) reproducing one way the readers used to give silently wrong numbers or a
raw Python error.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import frames
from jobhandicap import io as jio
from jobhandicap.errors import JobhandicapError, SchemaError

CASES_HEADER = "sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato;afgørelsesdato;afgørelse;beløb"


def _cases_csv(amounts: list[str], sep: str = ";") -> bytes:
    header = CASES_HEADER.replace(";", sep)
    lines = [header]
    for i, amount in enumerate(amounts):
        fields = [
            f"A-{i}",
            "0101",
            "Personlig assistance",
            "Fleksjob",
            "03-01-2019",
            "01-02-2019",
            "Bevilget",
            amount,
        ]
        lines.append(sep.join(fields))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _problems(err: pytest.ExceptionInfo[SchemaError]) -> pd.DataFrame:
    return err.value.problems


# --------------------------------------------------------------------------------------------
# 1. The decimal mark, decided per column from unambiguous evidence
# --------------------------------------------------------------------------------------------


def test_one_point_decimal_in_another_column_does_not_flip_thousands_groups() -> None:
    text = (
        "alder;køn;beskæftiget;begrænsning_gali;vægt\n"
        "34;kvinde;ja;ikke begrænset;0.5\n"
        "35;kvinde;ja;ikke begrænset;1.25\n"
    )
    people = jio.read_people(io.StringIO(text))
    assert people["weight"].tolist() == [0.5, 1.25]
    cases = jio.read_cases(io.BytesIO(_cases_csv(["125.000", "1.500.000", "250,5"])))
    assert cases["amount_dkk"].tolist() == [125000.0, 1500000.0, 250.5]


def test_conflicting_decimal_marks_in_one_column_are_reported() -> None:
    data = _cases_csv(["125.000", "0.5", "1.234,5"])
    with pytest.raises(SchemaError) as err:
        jio.read_cases(io.BytesIO(data))
    problems = _problems(err)
    assert "decimal" in str(err.value)
    assert "beløb" in str(err.value)
    assert "0.5" in problems["value"].tolist()
    assert set(problems["row"]) >= {3}


def test_point_decimal_in_a_comma_decimal_column_is_reported() -> None:
    data = _cases_csv(["1,5", "2,25", "1.23"])
    with pytest.raises(SchemaError) as err:
        jio.read_cases(io.BytesIO(data))
    problems = _problems(err)
    assert problems["row"].tolist() == [4]
    assert problems["value"].tolist() == ["1.23"]


def test_ambiguous_thousands_groups_alone_read_as_danish_thousands() -> None:
    cases = jio.read_cases(io.BytesIO(_cases_csv(["125.000", "2.500"])))
    assert cases["amount_dkk"].tolist() == [125000.0, 2500.0]


def test_point_decimals_alone_read_as_point_decimals() -> None:
    cases = jio.read_cases(io.BytesIO(_cases_csv(["125.5", "2500"])))
    assert cases["amount_dkk"].tolist() == [125.5, 2500.0]


@pytest.mark.parametrize(
    ("amounts", "sep", "refused"),
    [
        (["125.000", "40.000"], ",", ["125.000", "40.000"]),  # comma file: '.' by default
        (["2.500", "0.5", "1234.50"], ";", ["2.500"]),  # '0.5' says point for the column
    ],
)
def test_kroner_with_three_decimals_are_refused_not_read_a_thousand_times_too_small(
    amounts: list[str], sep: str, refused: list[str]
) -> None:
    with pytest.raises(SchemaError, match="at most two") as err:
        jio.read_cases(io.BytesIO(_cases_csv(amounts, sep=sep)))
    assert _problems(err)["value"].tolist() == refused
    assert "decimal=','" in str(err.value)
    # Said explicitly, the thousands separator is read as such.
    cases = jio.read_cases(io.BytesIO(_cases_csv(["125.000", "40.000"], sep=",")), decimal=",")
    assert cases["amount_dkk"].tolist() == [125000.0, 40000.0]


def test_explicit_decimal_is_obeyed() -> None:
    cases = jio.read_cases(io.BytesIO(_cases_csv(["125.000", "2.5"])), decimal=".")
    assert cases["amount_dkk"].tolist() == [125.0, 2.5]


# --------------------------------------------------------------------------------------------
# 2. Number-like survey answers are numbers, not labels
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["-1", "-9", "4-", "-", ".", "4.5", "１"])
def test_number_like_answers_are_not_labels(answer: str) -> None:
    text = f"respondent;år;spørgsmål;svar\na;2019;x;{answer}\na;2019;y;4\n"
    with pytest.raises(SchemaError) as err:
        jio.read_survey(io.StringIO(text))
    problems = _problems(err)
    assert problems["row"].tolist() == [2]
    assert problems["value"].tolist() == [answer]


def test_likert_parse_refuses_number_like_text() -> None:
    for text in ("-1", "-9", "4-", "-4", "4.5", "６"):
        with pytest.raises(jh.UnknownLabelError):
            jh.Likert.parse(text)
    # Number-like text is the number it writes: "5." and "4,0" are codes 5 and 4.
    assert jh.Likert.parse("5.") is jh.Likert(5)
    assert jh.Likert.parse("4,0") is jh.Likert(4)
    assert jh.Likert.parse(" 4 ") is jh.Likert(4)
    assert jh.Likert.parse("i høj grad") is jh.Likert(4)


# --------------------------------------------------------------------------------------------
# 3. Nullable integer columns keep their missing cells missing
# --------------------------------------------------------------------------------------------


def _cases_frame() -> pd.DataFrame:
    return jio.read_cases(io.BytesIO(_cases_csv(["125.000", "2.500"])))


@pytest.mark.parametrize("dtype", ["Int64", "int64[pyarrow]", "double[pyarrow]", "Float64"])
def test_missing_amounts_in_nullable_columns_stay_missing(dtype: str) -> None:
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    cases = _cases_frame().assign(amount_dkk=pd.Series([None, 5]).astype(dtype))  # type: ignore[call-overload]
    amounts = frames.validate_cases(cases)["amount_dkk"]
    assert np.isnan(amounts.iloc[0])
    assert amounts.iloc[1] == 5.0


def test_convert_dtypes_frame_round_trips() -> None:
    cases = _cases_frame().assign(amount_dkk=[np.nan, 2500.0])
    converted = cases.convert_dtypes()
    pd.testing.assert_frame_equal(frames.validate_cases(converted), frames.validate_cases(cases))


def test_parquet_int64_amounts_and_answers_keep_missing() -> None:
    pytest.importorskip("pyarrow")
    cases = _cases_frame().assign(amount_dkk=pd.array([None, 5], dtype="Int64"))
    buffer = io.BytesIO()
    cases.to_parquet(buffer)
    read = jio.read_cases(io.BytesIO(buffer.getvalue()), format="parquet")
    assert np.isnan(read["amount_dkk"].iloc[0])
    survey = pd.DataFrame(
        {
            "respondent": ["a", "a"],
            "wave": [2019, 2019],
            "item": ["x", "y"],
            "answer": pd.array([None, 4], dtype="Int64"),
        }
    )
    buffer = io.BytesIO()
    survey.to_parquet(buffer)
    answers = jio.read_survey(io.BytesIO(buffer.getvalue()), format="parquet")["answer"]
    assert answers.isna().tolist() == [True, False]
    staff = pd.DataFrame(
        {
            "respondent": ["a", "a"],
            "jobcentre": [101, 101],
            "item": ["x", "y"],
            "value": pd.array([None, 4], dtype="Int64"),
        }
    )
    assert frames.validate_staff(staff)["value"].isna().tolist() == [True, False]


# --------------------------------------------------------------------------------------------
# 4. A header longer than the sniffing sample keeps every column
# --------------------------------------------------------------------------------------------


def test_wide_header_longer_than_the_sample_keeps_every_item() -> None:
    items = [f"spørgsmål nummer {i:03d} om et meget langt emne " * 8 for i in range(300)]
    header = ";".join(["jobcenter", *items])
    assert len(header.encode()) > 64 * 1024
    row = ";".join(["Jobcenter Aarhus", *(["4"] * 300)])
    data = (header + "\n" + row + "\n").encode("utf-8")
    survey = jio.read_survey(io.BytesIO(data), wave=2019)
    assert survey["item"].nunique() == 300
    assert (survey["answer"] == 4).all()


# --------------------------------------------------------------------------------------------
# 5. Excel formula cells without a cached value
# --------------------------------------------------------------------------------------------


def _workbook_with_formula(formula: str = "=H2*2") -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sager"
    sheet.append(CASES_HEADER.split(";"))
    sheet.append(["A-1", 101, "aids", "flex-job", "2019-01-03", "2019-02-01", "granted", 1000])
    sheet.append(["A-2", 101, "aids", "flex-job", "2019-01-03", "2019-02-01", "granted", formula])
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl stores formulas without a computed value
    return buffer.getvalue()


def test_formula_without_cached_value_is_refused_naming_the_cell() -> None:
    with pytest.raises(SchemaError) as err:
        jio.read_cases(io.BytesIO(_workbook_with_formula()))
    text = str(err.value)
    assert "H3" in text
    assert "Sager" in text
    assert "formula" in text


# --------------------------------------------------------------------------------------------
# 6. A stray quote: ID and label cells holding line breaks or the separator
# --------------------------------------------------------------------------------------------


def test_stray_quote_swallowing_rows_is_flagged() -> None:
    lines = CASES_HEADER + "\n"
    lines += 'A-1;0101;Hjælpemidler;"Fleksjob;03-01-2019;;;\n'
    lines += "A-2;0101;Hjælpemidler;Fleksjob;03-01-2019;;;\n"
    lines += 'A-3;0101;Hjælpemidler;Fleksjob;03-01-2019;;;"\n'
    with pytest.raises(SchemaError) as err:
        jio.read_cases(io.StringIO(lines))
    assert "quote" in str(err.value)


def test_case_id_with_a_line_break_is_flagged() -> None:
    lines = CASES_HEADER + "\n"
    lines += '"A-1\nA-2";0101;Hjælpemidler;Fleksjob;03-01-2019;;;\n'
    with pytest.raises(SchemaError) as err:
        jio.read_cases(io.StringIO(lines))
    problems = _problems(err)
    assert problems[["column", "header"]].values.tolist() == [["case_id", "sagsnr"]]
    assert "line break" in problems["message"].iloc[0]


# --------------------------------------------------------------------------------------------
# 7. Implausible amounts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1e308", "inf", "20000000000", "1,5e11"])
def test_implausible_amounts_are_refused(amount: str) -> None:
    with pytest.raises(SchemaError) as err:
        jio.read_cases(io.BytesIO(_cases_csv(["1000", amount])))
    problems = _problems(err)
    assert problems["row"].tolist() == [3]
    assert problems["column"].tolist() == ["amount_dkk"]


def test_implausible_amount_in_a_frame_states_the_bound() -> None:
    cases = _cases_frame().assign(amount_dkk=[1e308, 1e308])
    with pytest.raises(SchemaError) as err:
        frames.validate_cases(cases)
    assert "1e+10" in str(err.value) or "10,000,000,000" in str(err.value)


# --------------------------------------------------------------------------------------------
# 8. Raw Python errors become library errors
# --------------------------------------------------------------------------------------------


def test_fullwidth_digits_in_a_number_cell_are_reported() -> None:
    text = "kommune;år;indbyggere\nKøbenhavn;2019;４４４\nFanø;2019;2.100\n"
    with pytest.raises(SchemaError) as err:
        jio.read_population(io.StringIO(text))
    assert _problems(err)["row"].tolist() == [2]


def test_multi_character_separator_is_a_library_error() -> None:
    with pytest.raises(JobhandicapError, match="sep"):
        jio.read_cases(io.BytesIO(_cases_csv(["1"])), sep="ab")


def test_wrong_utf16_encoding_on_utf8_file_is_a_library_error() -> None:
    with pytest.raises(JobhandicapError, match="utf-16"):
        jio.read_cases(io.BytesIO(_cases_csv(["1"])), encoding="utf-16")


def test_missing_file_in_build_report_is_a_library_error(tmp_path: Path) -> None:
    with pytest.raises(JobhandicapError, match=r"(?i)no such file"):
        jh.build_report({"cases": tmp_path / "nope.csv"}, tmp_path / "out")


def test_missing_file_in_a_reader_is_a_library_error(tmp_path: Path) -> None:
    with pytest.raises(JobhandicapError, match=r"nope\.csv"):
        jio.read_cases(tmp_path / "nope.csv")


# --------------------------------------------------------------------------------------------
# 9. Huge workbook parts are refused before openpyxl loads them
# --------------------------------------------------------------------------------------------


def test_huge_shared_strings_part_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from jobhandicap.io import _formats as _io_formats

    data = _workbook_with_formula()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename), zipfile.ZIP_DEFLATED)
        target.writestr("xl/sharedStrings2.xml", b" " * 200_000, zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(_io_formats, "MAX_PART_BYTES", 100_000)
    with pytest.raises(JobhandicapError, match=r"sharedStrings2\.xml"):
        jio.read_cases(io.BytesIO(buffer.getvalue()))


# --------------------------------------------------------------------------------------------
# 10. Encoding problems named as such
# --------------------------------------------------------------------------------------------


def _population_lines(n: int) -> list[str]:
    return ["kommune;år;indbyggere", *(["Aarhus;2019;2.100"] * n)]


def test_late_cp1252_line_in_a_utf8_file_names_the_line() -> None:
    lines = _population_lines(5000)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data += "København;2019;2.100\n".encode("cp1252")
    data += "Århus;2019;2.100\n".encode()
    with pytest.raises(JobhandicapError) as err:
        jio.read_population(io.BytesIO(data))
    assert "line 5002" in str(err.value)
    assert "encod" in str(err.value) or "UTF-8" in str(err.value)


def test_bom_before_cp1252_text_is_named() -> None:
    data = b"\xef\xbb\xbf" + "kommune;år;indbyggere\nKøbenhavn;2019;2.100\n".encode("cp1252")
    with pytest.raises(JobhandicapError) as err:
        jio.read_population(io.BytesIO(data))
    assert "byte-order mark" in str(err.value)
    assert "line 1" in str(err.value)


def test_utf16_without_bom_is_named() -> None:
    data = "kommune;år;indbyggere\nKøbenhavn;2019;2.100\n".encode("utf-16-le")
    with pytest.raises(JobhandicapError) as err:
        jio.read_population(io.BytesIO(data))
    assert "UTF-16" in str(err.value)


def test_old_mac_line_ends_are_read() -> None:
    data = "kommune;år;indbyggere\rKøbenhavn;2019;444.000\rFanø;2019;2.100\r".encode()
    population = jio.read_population(io.BytesIO(data))
    assert population["population"].tolist() == [444000, 2100]


def test_formula_with_a_saved_value_gives_that_value() -> None:
    data = _workbook_with_formula()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                part = part.replace(b"<f>H2*2</f><v />", b"<f>H2*2</f><v>2000</v>")
                assert b"<v>2000</v>" in part
            target.writestr(info, part)
    cases = jio.read_cases(io.BytesIO(buffer.getvalue()))
    assert cases["amount_dkk"].tolist() == [1000.0, 2000.0]


def test_formula_in_an_ignored_column_is_no_problem() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*CASES_HEADER.split(";"), "note"])
    sheet.append(
        ["A-1", 101, "aids", "flex-job", "2019-01-03", "2019-02-01", "granted", 1, "=1+1"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(jio.read_cases(io.BytesIO(buffer.getvalue()))) == 1


def test_cp1252_after_an_ascii_sample_is_still_read_as_cp1252() -> None:
    codes = jh.municipalities()["code"].astype(int).tolist()[:20]
    body = "".join(f"{code};{year};2100\n" for code in codes for year in range(1900, 2200))
    assert len(body) > 64 * 1024
    data = (
        b"municipality;year;population\n"
        + body.encode()
        + "København;2200;444000\n".encode("cp1252")
    )
    population = jio.read_population(io.BytesIO(data))
    assert population["municipality"].iloc[-1] == 101


def test_utf8_mark_before_cp1252_text_with_encoding_given_is_read() -> None:
    data = b"\xef\xbb\xbf" + "kommune;år;indbyggere\nKøbenhavn;2019;2.100\n".encode("cp1252")
    population = jio.read_population(io.BytesIO(data), encoding="cp1252")
    assert population["population"].tolist() == [2100]


def test_messages_hold_no_personal_number() -> None:
    lines = CASES_HEADER + "\n" + '"010190-1234\nA";0101;Hjælpemidler;Fleksjob;03-01-2019;;;\n'
    with pytest.raises(SchemaError) as err:
        jio.read_cases(io.StringIO(lines))
    assert "010190-1234" not in str(err.value)
    workbook = _workbook_with_formula('=H2&"0101901234"')
    with pytest.raises(JobhandicapError) as caught:
        jio.read_cases(io.BytesIO(workbook))
    assert "0101901234" not in str(caught.value)
