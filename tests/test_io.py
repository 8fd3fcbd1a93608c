"""Tests of the readers and writers in jobhandicap.io."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap import frames, reference
from jobhandicap import io as jio
from jobhandicap.domain import CompensationScheme, Decision, KeyPersonModel, TargetGroup
from jobhandicap.errors import (
    DataQualityWarning,
    JobhandicapError,
    MissingColumnsError,
    SchemaError,
)
from jobhandicap.frames._schema import MARGIN_COLUMNS
from jobhandicap.io._csv import decode_sample, detect_dialect, parse_numbers
from jobhandicap.io._headers import KINDS, resolve_headers
from jobhandicap.testing import sampled_survey_frames

READERS: dict[str, Callable[..., pd.DataFrame]] = {
    kind: getattr(jio, f"read_{kind}") for kind in KINDS
}
VALIDATORS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    kind: getattr(frames, f"validate_{kind}") for kind in KINDS
}
FORMULA = "=cmd|'/c calc'!A0"

# --------------------------------------------------------------------------------------------
# Strategies: small valid canonical frames of every kind
# --------------------------------------------------------------------------------------------

MUNICIPALITIES = sorted(int(c) for c in reference.municipalities()["code"])
# Text with separators, quotes, Danish letters, formula characters, line breaks, and characters
# outside Windows-1252 ("ł") so that the cp1252 variant is sometimes skipped.
TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 æøåÆØÅé€;,.\"'=|!-/\n\r\tł")), min_size=1, max_size=12
).filter(lambda t: t.strip() != "")
DAYS = st.dates(min_value=dt.date(2007, 1, 1), max_value=dt.date(2030, 12, 31))
FLOATS = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
# Kroner with øre: at most two decimals, as every amount in a register (the readers refuse an
# amount that a decimal mark would read with three, a thousands group misread).
KRONER = st.integers(min_value=0, max_value=100_000_000_000).map(lambda ore: ore / 100)


def _canonical(kind: str, records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    raw = pd.DataFrame({c: pd.Series([r[c] for r in records], dtype=object) for c in columns})
    return VALIDATORS[kind](raw)


@st.composite
def case_frames(draw: st.DrawFn) -> pd.DataFrame:
    ids = draw(st.lists(TEXT, max_size=6, unique=True))
    records = []
    for case_id in ids:
        applied = draw(DAYS)
        decision = draw(st.sampled_from([None, *Decision]))
        decided = None if decision is None else applied + dt.timedelta(draw(st.integers(0, 400)))
        amount = draw(st.none() | KRONER) if decision is Decision.GRANTED else None
        records.append(
            {
                "case_id": case_id,
                "municipality": draw(st.sampled_from(MUNICIPALITIES)),
                "scheme": draw(st.sampled_from(list(CompensationScheme))).value,
                "target_group": draw(st.sampled_from(list(TargetGroup))).value,
                "applied": applied,
                "decided": decided,
                "decision": None if decision is None else decision.value,
                "amount_dkk": amount,
            }
        )
    columns = [
        "case_id",
        "municipality",
        "scheme",
        "target_group",
        "applied",
        "decided",
        "decision",
        "amount_dkk",
    ]
    return _canonical("cases", records, columns)


@st.composite
def survey_frames(draw: st.DrawFn) -> pd.DataFrame:
    keys = draw(
        st.lists(st.tuples(TEXT, st.integers(1990, 2030), TEXT), max_size=6, unique_by=lambda k: k)
    )
    records = [
        {
            "respondent": r,
            "wave": w,
            "item": i,
            "answer": draw(st.sampled_from([None, 1, 2, 3, 4, 5, 9])),
        }
        for r, w, i in keys
    ]
    return _canonical("survey", records, ["respondent", "wave", "item", "answer"])


@st.composite
def staff_frames(draw: st.DrawFn) -> pd.DataFrame:
    keys = draw(
        st.lists(
            st.tuples(TEXT, st.sampled_from(MUNICIPALITIES), TEXT),
            max_size=6,
            unique_by=lambda k: k,
        )
    )
    values = st.none() | st.floats(-1e6, 1e6, allow_nan=False)
    records = [
        {"respondent": r, "jobcentre": j, "item": i, "value": draw(values)} for r, j, i in keys
    ]
    return _canonical("staff", records, ["respondent", "jobcentre", "item", "value"])


@st.composite
def profile_frames(draw: st.DrawFn) -> pd.DataFrame:
    centres = draw(st.lists(st.sampled_from(MUNICIPALITIES), max_size=5, unique=True))
    score = st.none() | st.integers(1, 5)
    flag = st.none() | st.booleans()
    records = [
        {
            "jobcentre": code,
            "political_focus": draw(score),
            "management_priority": draw(score),
            "employer_outreach": draw(score),
            "external_collaboration": draw(score),
            "written_strategy": draw(flag),
            "screening_at_intake": draw(flag),
            "key_person_model": draw(
                st.none() | st.sampled_from([m.value for m in KeyPersonModel])
            ),
            "staff_training": draw(st.none() | st.floats(0, 1)),
            "target_groups_covered": draw(st.none() | st.integers(0, 14)),
        }
        for code in centres
    ]
    return _canonical("profiles", records, list(frames.SCHEMAS["profiles"].names))


@st.composite
def population_frames(draw: st.DrawFn) -> pd.DataFrame:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(MUNICIPALITIES), st.integers(1990, 2030)),
            max_size=6,
            unique=True,
        )
    )
    records = [
        {"municipality": m, "year": y, "population": draw(st.integers(1, 10**7))} for m, y in keys
    ]
    return _canonical("population", records, ["municipality", "year", "population"])


@st.composite
def outcome_frames(draw: st.DrawFn) -> pd.DataFrame:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(MUNICIPALITIES), st.integers(1990, 2030)),
            max_size=6,
            unique=True,
        )
    )
    records = []
    for jobcentre, year in keys:
        persons = draw(st.integers(0, 10**6))
        records.append(
            {
                "jobcentre": jobcentre,
                "year": year,
                "persons": persons,
                "entered_job": draw(st.integers(0, persons)),
            }
        )
    return _canonical("outcomes", records, ["jobcentre", "year", "persons", "entered_job"])


@st.composite
def people_frames(draw: st.DrawFn) -> pd.DataFrame:
    schema = frames.SCHEMAS["people"]
    n = draw(st.integers(0, 6))
    records = []
    for _ in range(n):
        record: dict[str, Any] = {
            "age": draw(st.integers(0, 120)),
            "employed": draw(st.booleans()),
            "weight": draw(st.floats(1e-3, 1e4)),
        }
        for spec in schema.columns:
            if spec.kind == "category":
                record[spec.name] = draw(st.none() | st.sampled_from(spec.categories))
        records.append(record)
    return _canonical("people", records, list(schema.names))


FRAMES: dict[str, st.SearchStrategy[pd.DataFrame]] = {
    "cases": case_frames(),
    "survey": survey_frames(),
    "staff": staff_frames(),
    "profiles": profile_frames(),
    "population": population_frames(),
    "outcomes": outcome_frames(),
    "people": people_frames(),
    "sampled_survey": sampled_survey_frames(),
}


def _encodable(frame: pd.DataFrame, encoding: str) -> bool:
    text = frame.astype(str).to_csv()
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _csv_bytes(frame: pd.DataFrame, kind: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    jio.write_csv(frame, kind, buffer, **options)
    return buffer.getvalue()


def _sample_cases() -> pd.DataFrame:
    raw = pd.DataFrame(
        {
            "case_id": ["A-1", "A-2", "A-3", "A-4"],
            "municipality": [101, 751, 561, 563],
            "scheme": ["aids", "personal assistance", "mentor support", "aids"],
            "target_group": ["flex-job", "sickness benefit", "employed", "student"],
            "applied": ["2019-01-03", "2019-01-07", "2019-02-01", "2019-03-01"],
            "decided": ["2019-02-01", None, "2019-02-10", "2019-03-05"],
            "decision": ["granted", None, "refused", "granted"],
            "amount_dkk": [120000.5, None, None, 1500.0],
        }
    )
    return frames.validate_cases(raw)


DANISH_CASES = (
    "sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato;afgørelsesdato;afgørelse;beløb\n"
    "A-1;0101;Hjælpemidler;Fleksjob;03-01-2019;01-02-2019;Bevilget;120.000,50\n"
    "A-2;Aarhus;Personlig assistance;Sygedagpenge;07-01-2019;;;\n"
    "A-3;Esbjerg;Mentorstøtte;Beskæftiget;01.02.2019;10/02/2019;Afslag;\n"
    "A-4;563;hjælpemidler;studerende;2019-03-01;2019-03-05;bevilget;1.500\n"
)


# --------------------------------------------------------------------------------------------
# Reading: reference examples
# --------------------------------------------------------------------------------------------


def test_danish_case_file_reads_to_reference_frame() -> None:
    got = jio.read_cases(io.StringIO(DANISH_CASES))
    pd.testing.assert_frame_equal(got, _sample_cases())
    assert got["jobcentre"].tolist() == [101, 751, 561, 561]  # Fanø is served by Esbjerg


def test_binary_file_utf8_bom_and_cp1252_give_the_same_frame() -> None:
    expected = _sample_cases()
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        got = jio.read_cases(io.BytesIO(DANISH_CASES.encode(encoding)))
        pd.testing.assert_frame_equal(got, expected)


def test_explicit_options_override_detection() -> None:
    text = DANISH_CASES.replace(";", "\t")
    got = jio.read_cases(io.StringIO(text), sep="\t", decimal=",", format="csv")
    pd.testing.assert_frame_equal(got, _sample_cases())
    assert jio.read_cases(io.BytesIO(DANISH_CASES.encode("cp1252")), encoding="cp1252").equals(
        _sample_cases()
    )


def test_tab_separated_and_excel_sep_hint() -> None:
    expected = _sample_cases()
    pd.testing.assert_frame_equal(
        jio.read_cases(io.StringIO(DANISH_CASES.replace(";", "\t"))), expected
    )
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO("sep=;\n" + DANISH_CASES)), expected)


def test_sep_hint_shifts_row_numbers() -> None:
    text = "sep=;\n" + DANISH_CASES.replace("Afslag", "Afslåg")
    with pytest.raises(SchemaError) as caught:
        jio.read_cases(io.StringIO(text))
    assert caught.value.problems["row"].tolist() == [5]


def test_english_comma_separated_file_with_quotes() -> None:
    text = (
        "Case ID,Municipality,Scheme,Target group,Applied,Decided,Decision,Amount DKK,Note\n"
        'A-1,101,aids,flex-job,2019-01-03,2019-02-01,granted,120000.5,"a, b"\n'
        'A-2,Aarhus,personal assistance,sickness benefit,2019-01-07,,,,"x ""y"""\n'
        "A-3,Esbjerg,mentor support,employed,2019-02-01,2019-02-10,refused,,\n"
        "A-4,563,aids,student,2019-03-01,2019-03-05,granted,1500,\n"
    )
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(text)), _sample_cases())


def test_header_matching_ignores_case_spaces_underscores_and_hyphens() -> None:
    header = (
        "SAGS-NR;Kommune Kode;ORDNING;mål_gruppe;Ansøgnings Dato;afgørelses-dato;Afgørelse;BELØB"
    )
    text = DANISH_CASES.replace(DANISH_CASES.splitlines()[0], header)
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(text)), _sample_cases())


def test_unknown_columns_are_ignored() -> None:
    lines = DANISH_CASES.splitlines()
    text = "\n".join(f"{line};extra {i};" for i, line in enumerate(lines)) + "\n"
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(text)), _sample_cases())


def test_jobcentre_column_in_case_file_is_derived_not_read() -> None:
    lines = DANISH_CASES.splitlines()
    text = "\n".join(f"{line};{'jobcenter' if i == 0 else 999}" for i, line in enumerate(lines))
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(text)), _sample_cases())


def test_duplicate_headers_after_aliasing_are_an_error() -> None:
    text = "sagsnr;kommune;kommunekode;ordning\nA;101;101;aids\n"
    with pytest.raises(SchemaError, match="duplicate columns") as caught:
        jio.read_cases(io.StringIO(text))
    problem = caught.value.problems.iloc[0]
    assert problem["column"] == "municipality"
    assert "'kommune'" in problem["message"]
    assert "'kommunekode'" in problem["message"]


def test_missing_required_column_lists_the_file_headers() -> None:
    text = "sagsnr;kommunekode;ordning;ansøgningsdato;noter\nA;101;aids;2019-01-01;x\n"
    with pytest.raises(MissingColumnsError) as caught:
        jio.read_cases(io.StringIO(text))
    assert caught.value.missing == ("target_group",)
    assert "noter" in caught.value.available


def test_zero_padded_text_stays_text() -> None:
    text = "respondent;jobcenter;spørgsmål;svar\n0042;101;007;1\n0043;101;007;2\n"
    got = jio.read_staff(io.StringIO(text))
    assert got["respondent"].tolist() == ["0042", "0043"]
    assert got["item"].tolist() == ["007", "007"]
    assert got["respondent"].dtype == pd.StringDtype()


def test_numbers_with_thousands_groups_and_decimal_commas() -> None:
    text = "kommune;år;befolkning\nKøbenhavn;2019;444.000\nFanø;2019;2.100\nAarhus;2019;1234\n"
    got = jio.read_population(io.StringIO(text))
    assert got["population"].tolist() == [444000, 2100, 1234]
    staff = "respondent;jobcenter;spørgsmål;svar\nS;101;q;1.234,5\nS;101;r;-0,25\n"
    assert jio.read_staff(io.StringIO(staff))["value"].tolist() == [1234.5, -0.25]


def test_english_decimal_point_in_semicolon_file_is_detected() -> None:
    staff = "respondent;jobcenter;spørgsmål;svar\nS;101;q;1.5\nS;101;r;2.25\n"
    assert jio.read_staff(io.StringIO(staff))["value"].tolist() == [1.5, 2.25]
    assert jio.read_staff(io.StringIO(staff), decimal=",")["value"].tolist() == [1.5, 2.25]


def test_blank_lines_are_skipped_and_rows_keep_their_numbers() -> None:
    lines = DANISH_CASES.splitlines()
    text = "\n".join([lines[0], lines[1], "", ";;;;;;;", lines[2].replace("Aarhus", "Arhuz")])
    with pytest.raises(SchemaError) as caught:
        jio.read_cases(io.StringIO(text + "\n\n"))
    problems = caught.value.problems
    assert problems["row"].tolist() == [5]
    assert problems["column"].tolist() == ["municipality"]


def test_quoted_line_break_counts_as_one_row() -> None:
    text = 'respondent;jobcenter;spørgsmål;svar\nR;101;q;"1\n2"\nS;Nowhere;q;1\n'
    with pytest.raises(SchemaError) as caught:
        jio.read_staff(io.StringIO(text))
    assert caught.value.problems["row"].tolist() == [2, 3]
    # In an identifier a line break is the sign of a stray quote: refused, on its own row.
    joined = 'respondent;jobcenter;spørgsmål;svar\n"two\nlines";101;q;1\nS;101;q;1\n'
    with pytest.raises(SchemaError, match="line break") as caught:
        jio.read_staff(io.StringIO(joined))
    assert caught.value.problems["row"].tolist() == [2]


# --------------------------------------------------------------------------------------------
# Problems name source rows and columns
# --------------------------------------------------------------------------------------------


def test_corrupted_cell_names_source_row_and_column() -> None:
    text = DANISH_CASES.replace("Mentorstøtte", "Mentorstøtt3")
    with pytest.raises(SchemaError) as caught:
        jio.read_cases(io.StringIO(text))
    problems = caught.value.problems
    assert problems[["row", "column", "value"]].values.tolist() == [[4, "scheme", "Mentorstøtt3"]]
    assert "row 4" in str(caught.value)


def test_several_bad_rows_are_all_listed() -> None:
    text = (
        DANISH_CASES.replace("03-01-2019", "32-01-2019")
        .replace("Sygedagpenge", "Sygedagpenne")
        .replace("1.500", "mange")
    )
    with pytest.raises(SchemaError) as caught:
        jio.read_cases(io.StringIO(text))
    problems = caught.value.problems
    assert list(zip(problems["row"], problems["column"], strict=True)) == [
        (2, "applied"),
        (3, "target_group"),
        (5, "amount_dkk"),
    ]


def test_parser_error_is_a_schema_error() -> None:
    text = 'sagsnr;kommunekode\n"A-1;101\n'
    with pytest.raises(JobhandicapError):
        jio.read_cases(io.StringIO(text))


# --------------------------------------------------------------------------------------------
# Empty, header-only and unreadable files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_header_only_file_gives_empty_canonical_frame(kind: str) -> None:
    empty = frames.empty_frame(kind)
    table = jio.accepted_headers(kind)
    # The margin columns a sampled survey's reader knows are kept when present: left out here.
    table = table[table["column"].isin(frames.SCHEMAS[kind].names)]
    headers = [h for h in table["danish"] if h != "jobcenter" or kind != "cases"]
    got = READERS[kind](io.StringIO(";".join(headers) + "\n"))
    pd.testing.assert_frame_equal(got, empty)
    got_excel = _round_trip_excel(empty, kind)
    pd.testing.assert_frame_equal(got_excel, empty)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \n\n", "", "\n"])
def test_empty_file_is_a_clear_schema_error(content: bytes | str) -> None:
    source = io.BytesIO(content) if isinstance(content, bytes) else io.StringIO(content)
    with pytest.raises(SchemaError, match="file is empty"):
        jio.read_cases(source)


def test_empty_path(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(b"")
    with pytest.raises(SchemaError, match="cases file is empty"):
        jio.read_cases(path)


def test_undecodable_file_is_a_clear_error() -> None:
    # 0x81 and 0x8d are undefined in Windows-1252, and invalid as UTF-8.
    data = b"sagsnr;kommunekode\n\x81\x8d;101\n"
    with pytest.raises(JobhandicapError, match="neither UTF-8 nor Windows-1252"):
        jio.read_cases(io.BytesIO(data))
    with pytest.raises(JobhandicapError, match="not valid utf-8"):
        jio.read_cases(io.BytesIO(DANISH_CASES.encode("cp1252")), encoding="utf-8")
    with pytest.raises(JobhandicapError, match="unknown encoding"):
        jio.read_cases(io.BytesIO(DANISH_CASES.encode()), encoding="klingon")


def test_cp1252_after_the_sample_falls_back() -> None:
    filler = "".join(f"S{i};101;q{i};1\n" for i in range(8000))
    text = "respondent;jobcenter;spørgsmål;svar\n" + filler + "Søren;101;q;2\n"
    data = text.encode("cp1252")
    assert len(data) > 70_000
    got = jio.read_staff(io.BytesIO(data))
    assert got["respondent"].iloc[-1] == "Søren"


def test_binary_garbage_is_not_a_pandas_traceback() -> None:
    data = bytes(range(256)) * 3
    with pytest.raises(JobhandicapError):
        jio.read_cases(io.BytesIO(data))


def test_bad_source_and_format() -> None:
    with pytest.raises(TypeError, match="path or an open file"):
        jio.read_cases(42)  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="unknown format"):
        jio.read_cases(io.StringIO(DANISH_CASES), format="json")  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match=r"\.xls"):
        jio.read_cases(_named(io.BytesIO(b"\xd0\xcf\x11\xe0"), "old.xls"))
    with pytest.raises(FileNotFoundError):
        jio.read_cases("/no/such/file.csv")


def _named(buffer: io.BytesIO, name: str) -> io.BytesIO:
    buffer.name = name
    return buffer


# --------------------------------------------------------------------------------------------
# Input files are only read; text is data
# --------------------------------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_input_files_are_not_modified(tmp_path: Path) -> None:
    cases = _sample_cases()
    paths = {
        "csv": tmp_path / "cases.csv",
        "xlsx": tmp_path / "cases.xlsx",
        "parquet": tmp_path / "cases.parquet",
    }
    jio.write_csv(cases, "cases", paths["csv"])
    jio.write_excel(cases, "cases", paths["xlsx"])
    cases.to_parquet(paths["parquet"])
    before = {k: (_digest(p), p.stat().st_mtime_ns) for k, p in paths.items()}
    for path in paths.values():
        pd.testing.assert_frame_equal(jio.read_cases(path), cases)
        with path.open("rb") as handle:
            pd.testing.assert_frame_equal(jio.read_cases(handle), cases)
    assert {k: (_digest(p), p.stat().st_mtime_ns) for k, p in paths.items()} == before


def test_formula_text_is_data() -> None:
    raw = _sample_cases().assign(case_id=pd.array([FORMULA, "=1+1", "@SUM(A1)", "+1"], "string"))
    cases = frames.validate_cases(raw)
    text = _csv_bytes(cases, "cases").decode("utf-8-sig")
    assert FORMULA in text
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(text)), cases)
    pd.testing.assert_frame_equal(_round_trip_excel(cases, "cases"), cases)


def test_excel_text_cell_is_not_written_as_formula() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    raw = _sample_cases().assign(case_id=pd.array([FORMULA, "b", "c", "d"], "string"))
    buffer = io.BytesIO()
    jio.write_excel(frames.validate_cases(raw), "cases", buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A2"].value == FORMULA
    assert sheet["A2"].data_type == "s"


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
@settings(max_examples=examples(30))
def test_csv_round_trip(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind], label="frame")
    sep = data.draw(st.sampled_from([",", ";"]), label="sep")
    encoding = data.draw(st.sampled_from(["utf-8-sig", "cp1252"]), label="encoding")
    language = data.draw(st.sampled_from(["da", "en"]), label="language")
    assume(_encodable(frame, encoding))
    before = frame.copy(deep=True)
    written = _csv_bytes(frame, kind, sep=sep, encoding=encoding, language=language)
    pd.testing.assert_frame_equal(frame, before)  # the writer does not modify its input
    if _has_line_breaks(frame):
        # An identifier holding a line break is what a stray quote makes: the CSV readers
        # refuse it (issue 13), however correctly it was quoted.
        with pytest.raises(SchemaError, match="line break"):
            READERS[kind](io.BytesIO(written))
        return
    got = READERS[kind](io.BytesIO(written))
    pd.testing.assert_frame_equal(got, frame)


def _has_line_breaks(frame: pd.DataFrame) -> bool:
    text = frame.select_dtypes(include=["string", "object"])
    return bool(
        any(
            text[c].astype("string").str.contains(r"[\r\n]").fillna(False).any()
            for c in text.columns
        )
    )


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=10)
@given(data=st.data())
def test_text_buffer_round_trip(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind], label="frame")
    buffer = io.StringIO()
    jio.write_csv(frame, kind, buffer, language=data.draw(st.sampled_from(["da", "en"])))
    if _has_line_breaks(frame):  # refused: see test_csv_round_trip
        with pytest.raises(SchemaError, match="line break"):
            READERS[kind](io.StringIO(buffer.getvalue()))
        return
    pd.testing.assert_frame_equal(READERS[kind](io.StringIO(buffer.getvalue())), frame)


def _round_trip_excel(frame: pd.DataFrame, kind: str, language: str = "da") -> pd.DataFrame:
    buffer = io.BytesIO()
    jio.write_excel(frame, kind, buffer, language=language)  # type: ignore[arg-type]
    return READERS[kind](io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_excel_round_trip(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind], label="frame")
    assume(not frame.astype(str).stack().str.contains("\r").any())  # see the next test
    language = data.draw(st.sampled_from(["da", "en"]), label="language")
    pd.testing.assert_frame_equal(_round_trip_excel(frame, kind, language), frame)


def test_excel_refuses_text_it_cannot_store() -> None:
    raw = _sample_cases().assign(case_id=pd.array(["a", "b\x1bc", "d", "e\rf"], "string"))
    with pytest.raises(JobhandicapError, match=r"row 3, column 'sagsnr'.*control character"):
        jio.write_excel(frames.validate_cases(raw), "cases", io.BytesIO())
    csv_text = _csv_bytes(frames.validate_cases(raw), "cases")
    # CSV writes it, but the readers refuse an identifier holding a line break (a stray quote's
    # sign); the other control character is read back.
    with pytest.raises(SchemaError, match=r"row 5, column 'sagsnr' \(case_id\).*line break"):
        jio.read_cases(io.BytesIO(csv_text))
    kept = raw.iloc[:3]
    csv_text = _csv_bytes(frames.validate_cases(kept), "cases")
    pd.testing.assert_frame_equal(
        jio.read_cases(io.BytesIO(csv_text)), frames.validate_cases(kept)
    )


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=10)
@given(data=st.data())
def test_parquet_round_trip(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind], label="frame")
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    pd.testing.assert_frame_equal(READERS[kind](io.BytesIO(buffer.getvalue())), frame)


def test_parquet_with_danish_headers_and_labels(tmp_path: Path) -> None:
    danish = pd.read_csv(io.StringIO(DANISH_CASES), sep=";", dtype=str)
    path = tmp_path / "sager.pq"
    danish.to_parquet(path)
    got = jio.read_cases(path, decimal=",")
    pd.testing.assert_frame_equal(got, _sample_cases())


def test_excel_sheet_choice_and_typed_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Forside"
    first.append(["Intet at se her"])
    sheet = workbook.create_sheet("Sager")
    sheet.append(["Sagsnr", "Kommune", "Ordning", "Målgruppe", "Ansøgningsdato", "Beløb"])
    sheet.append([1001, "København", "hjælpemidler", "fleksjob", dt.datetime(2019, 1, 3), None])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["0042", 751, "Mentorstøtte", "beskæftiget", "04-01-2019", ""])
    path = tmp_path / "sager.xlsx"
    workbook.save(path)
    for choice in ("Sager", 1):
        got = jio.read_cases(path, sheet=choice)
        assert got["case_id"].tolist() == ["1001", "0042"]
        assert got["applied"].tolist() == [pd.Timestamp("2019-01-03"), pd.Timestamp("2019-01-04")]
    with pytest.raises(JobhandicapError, match="no sheet 'Nope'"):
        jio.read_cases(path, sheet="Nope")
    with pytest.raises(JobhandicapError, match="sheet=5 does not exist"):
        jio.read_cases(path, sheet=5)
    with pytest.raises(MissingColumnsError, match="Read sheet 'Forside'"):
        jio.read_cases(path, sheet=0)  # the first sheet, named, has no case columns
    with pytest.warns(DataQualityWarning, match="read sheet 'Sager'"):
        # Not named: the cover sheet is passed over for the one sheet with the columns.
        assert jio.read_cases(path)["case_id"].tolist() == ["1001", "0042"]
    sheet.cell(row=4, column=3, value="Mentorstøtt3")
    workbook.save(path)
    with pytest.raises(SchemaError) as caught:
        jio.read_cases(path, sheet="Sager")
    assert caught.value.problems[["row", "column"]].values.tolist() == [[4, "scheme"]]


def test_format_from_first_bytes_and_text_mode_errors(tmp_path: Path) -> None:
    cases = _sample_cases()
    excel, parquet = io.BytesIO(), io.BytesIO()
    jio.write_excel(cases, "cases", excel)
    cases.to_parquet(parquet)
    pd.testing.assert_frame_equal(jio.read_cases(io.BytesIO(excel.getvalue())), cases)
    pd.testing.assert_frame_equal(jio.read_cases(io.BytesIO(parquet.getvalue())), cases)
    path = tmp_path / "cases.xlsx"
    path.write_bytes(excel.getvalue())
    with path.open(encoding="latin-1") as handle, pytest.raises(JobhandicapError, match="binary"):
        jio.read_cases(handle)
    with pytest.raises(JobhandicapError, match="cannot read the Excel file"):
        jio.read_cases(io.BytesIO(b"not a workbook"), format="excel")
    with pytest.raises(JobhandicapError, match="cannot read the Parquet file"):
        jio.read_cases(io.BytesIO(b"not parquet"), format="parquet")


@pytest.mark.parametrize(
    ("module", "fmt", "extra"), [("openpyxl", "excel", "excel"), ("pyarrow", "parquet", "parquet")]
)
def test_missing_optional_dependency_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, fmt: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(JobhandicapError, match=rf'pip install "jobhandicap\[{extra}\]"'):
        jio.read_cases(io.BytesIO(b"PK\x03\x04"), format=fmt)  # type: ignore[arg-type]


def test_danish_writer_output() -> None:
    text = _csv_bytes(_sample_cases(), "cases")
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato;afgørelsesdato;afgørelse;beløb"
    )
    assert lines[1] == "A-1;101;hjælpemidler;fleksjob;03-01-2019;01-02-2019;bevilget;120000,5"
    assert lines[2] == "A-2;751;personlig assistance;sygedagpenge;07-01-2019;;;"


def test_writer_rejects_invalid_frames_and_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        jio.write_csv(_sample_cases(), "casez", io.StringIO())
    with pytest.raises(ValueError, match="language"):
        jio.write_csv(_sample_cases(), "cases", io.StringIO(), language="de")  # type: ignore[arg-type]
    with pytest.raises(SchemaError):
        jio.write_csv(_sample_cases().assign(scheme="nonsense"), "cases", io.StringIO())


# --------------------------------------------------------------------------------------------
# Survey: long and wide
# --------------------------------------------------------------------------------------------

WIDE = (
    "Jobcenter;År;Politisk fokus;Nye strategier;Kommentar\n"
    "Jobcenter Aarhus;2018;I høj grad;Ved ikke;god\n"
    "Jobcenter Vejle;2018;slet ikke;;\n"
    "Jobcenter Odense;2018;;;\n"
)


def _expected_wide(items: tuple[str, ...], answers: list[Any], wave: int = 2018) -> pd.DataFrame:
    respondents = ["Jobcenter Aarhus", "Jobcenter Vejle", "Jobcenter Odense"]
    raw = pd.DataFrame(
        {
            "respondent": [r for r in respondents for _ in items],
            "wave": wave,
            "item": list(items) * len(respondents),
            "answer": pd.Series(answers, dtype=object),
        }
    )
    return frames.validate_survey(raw)


def test_wide_survey_with_item_mapping() -> None:
    got = jio.read_survey(
        io.StringIO(WIDE), items={"politisk fokus": "political_focus", "NYE-strategier": "new"}
    )
    expected = _expected_wide(("political_focus", "new"), [4, 9, 1, None, None, None])
    pd.testing.assert_frame_equal(got, expected)


def test_wide_survey_without_mapping_takes_every_other_column() -> None:
    text = "\n".join(line.rsplit(";", 1)[0] for line in WIDE.splitlines())
    got = jio.read_survey(io.StringIO(text))
    expected = _expected_wide(("Politisk fokus", "Nye strategier"), [4, 9, 1, None, None, None])
    pd.testing.assert_frame_equal(got, expected)


def test_wide_survey_wave_argument_and_errors() -> None:
    no_wave = "\n".join(
        ";".join(f for i, f in enumerate(line.split(";")) if i != 1) for line in WIDE.splitlines()
    )
    items = {"politisk fokus": "political_focus"}
    got = jio.read_survey(io.StringIO(no_wave), wave=2017, items=items)
    pd.testing.assert_frame_equal(got, _expected_wide(("political_focus",), [4, 1, None], 2017))
    with pytest.raises(SchemaError, match="no wave column"):
        jio.read_survey(io.StringIO(no_wave), items=items)
    with pytest.raises(SchemaError, match="has a wave column"):
        jio.read_survey(io.StringIO(WIDE), wave=2017, items=items)
    with pytest.raises(MissingColumnsError, match="'ledelse'"):
        jio.read_survey(io.StringIO(WIDE), items={"ledelse": "management_priority"})


def test_wide_survey_bad_answer_names_source_row_and_item() -> None:
    text = WIDE.replace("slet ikke", "slet ik")
    with pytest.raises(SchemaError) as caught:
        jio.read_survey(io.StringIO(text), items={"politisk fokus": "political_focus"})
    assert caught.value.problems[["row", "column", "value"]].values.tolist() == [
        [3, "answer", "slet ik"]
    ]


def test_wide_survey_without_respondent_column() -> None:
    with pytest.raises(MissingColumnsError, match="respondent"):
        jio.read_survey(io.StringIO("År;Spm 1\n2018;1\n"))


def test_long_survey_with_wave_argument() -> None:
    text = "Jobcenter;Spørgsmål;Svar\nJobcenter Vejle;political_focus;I nogen grad\n"
    got = jio.read_survey(io.StringIO(text), wave=2018)
    assert got.iloc[0].tolist() == ["630", 2018, "political_focus", 3]  # Vejle's code


# --------------------------------------------------------------------------------------------
# Header table and raw helpers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_header_table_covers_every_schema_column(kind: str) -> None:
    table = jio.accepted_headers(kind)
    schema = frames.SCHEMAS[kind]
    margins = MARGIN_COLUMNS if kind == "sampled_survey" else ()
    assert table["column"].tolist() == [*schema.names, *margins]
    assert table["danish"].is_unique
    # Each Danish header and each alias resolves to its column.
    for column, danish, aliases in table[["column", "danish", "aliases"]].itertuples(index=False):
        for header in [danish, column, *filter(None, aliases.split(", "))]:
            assert resolve_headers(kind, [header]) == {0: column}


def test_required_headers_from_issue() -> None:
    expected = {
        "cases": {
            "sagsnr": "case_id",
            "sagsnummer": "case_id",
            "kommunekode": "municipality",
            "kommune": "municipality",
            "ordning": "scheme",
            "målgruppe": "target_group",
            "ydelsesgruppe": "target_group",
            "ansøgningsdato": "applied",
            "afgørelsesdato": "decided",
            "afgørelse": "decision",
            "beløb": "amount_dkk",
            "bevilget beløb": "amount_dkk",
        },
        "survey": {
            "jobcenter": "respondent",
            "år": "wave",
            "bølge": "wave",
            "spørgsmål": "item",
            "svar": "answer",
        },
        "staff": {"jobcenter": "jobcentre"},
        "population": {"befolkning": "population", "indbyggere": "population"},
    }
    for kind, headers in expected.items():
        for header, column in headers.items():
            assert resolve_headers(kind, [header]) == {0: column}, (kind, header)


def test_accepted_headers_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        jio.accepted_headers("things")


def test_dialect_detection_respects_quotes() -> None:
    sample = '"a;b",c,d\n"1;2",3,4\n"5;6",7,8\n'
    dialect = detect_dialect(sample, truncated=False)
    assert (dialect.sep, dialect.decimal, dialect.header) == (",", ".", ("a;b", "c", "d"))
    danish = detect_dialect("a;b\n1,5;2\n", truncated=False)
    assert (danish.sep, danish.decimal) == (";", ",")
    with pytest.raises(JobhandicapError, match="decimal"):
        detect_dialect("a;b\n", truncated=False, decimal="x")


def test_decode_sample_tolerates_a_cut_character() -> None:
    data = "ø".encode()
    assert decode_sample(b"a" + data[:1], None, final=False) == ("a", "utf-8")
    assert decode_sample(b"a" + data[:1], None, final=True) == ("a\xc3", "cp1252")


@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), max_size=20))
def test_parse_numbers_round_trips_danish_text(values: list[float]) -> None:
    text = pd.Series(
        [f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") for v in values],
        dtype=object,
    )
    got = parse_numbers(text, ",")
    # The expected value is what the text says: f"{0.215:.2f}" is "0.21" (the float is
    # 0.21499...), while np.round(0.215, 2) would give 0.22.
    expected = [float(f"{v:.2f}") for v in values]
    np.testing.assert_allclose(np.asarray(got, dtype=float), expected, rtol=0, atol=1e-6)


def test_parse_numbers_leaves_other_text_alone() -> None:
    got = parse_numbers(pd.Series(["1.234,5", "abc", None, "1.5", "12.34.5"], dtype=object), ",")
    assert got.tolist()[:2] == [1234.5, "abc"]
    assert got.tolist()[3:] == ["1.5", "12.34.5"]


HEADERS = [
    (kind, column, header)
    for kind in KINDS
    for column, danish, aliases in jio.accepted_headers(kind)[
        ["column", "danish", "aliases"]
    ].itertuples(index=False)
    for header in [column, danish, *filter(None, aliases.split(", "))]
]


@given(
    st.sampled_from(HEADERS),
    st.lists(st.sampled_from(["upper", "lower", "title", " ", "_", "-", "  "]), max_size=3),
    st.integers(0, 20),
)
def test_header_matching_is_invariant_to_case_and_separators(
    entry: tuple[str, str, str], changes: list[str], at: int
) -> None:
    kind, column, header = entry
    varied = header
    for change in changes:
        if change in {"upper", "lower", "title"}:
            varied = getattr(varied, change)()
        else:
            position = at % (len(varied) + 1)
            varied = varied[:position] + change + varied[position:]
    assert resolve_headers(kind, ["unrelated", varied]) == {1: column}


def test_extra_fields_in_data_rows_are_ignored() -> None:
    lines = DANISH_CASES.splitlines()
    text = "\n".join([lines[0], *(f"{line};;" for line in lines[1:])]) + "\n"
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(text)), _sample_cases())
