"""Personal numbers never leave: every spelling, every place, every output (issue 12, point 5).

A personal number is planted in a survey file — in a published text column, in an invalid cell,
in a free-text comment column, in a header, in the file name, and as an Excel number cell that
lost its leading zero — and nothing that ``jobhandicap report`` or ``jobhandicap validate``
prints or writes may hold it in any spelling.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import io as jio
from jobhandicap.cli import main
from jobhandicap.errors import (
    DisclosureError,
    JobhandicapError,
    MissingColumnsError,
    SchemaError,
    SmallSampleWarning,
    UnknownLabelError,
    problems_frame,
)
from jobhandicap.report import build_report

DIGITS = "2101902121"
LOST = "0111190111"

#: (spelling, the ten digits it spells).
SPELLINGS: list[tuple[str, str]] = [
    ("210190-2121", DIGITS),
    ("2101902121", DIGITS),
    ("210190 2121", DIGITS),
    ("210190\u20132121", DIGITS),  # en dash
    ("210190\u20142121", DIGITS),  # em dash
    ("210190\u20112121", DIGITS),  # non-breaking hyphen
    ("210190\u22122121", DIGITS),  # minus sign
    ("210190.2121", DIGITS),
    ("\uff12\uff11\uff10\uff11\uff19\uff10-\uff12\uff11\uff12\uff11", DIGITS),  # fullwidth
    ("\u0662\u0661\u0660\u0661\u0669\u0660\u0662\u0661\u0662\u0661", DIGITS),  # Arabic-Indic
    ("210190\u200b2121", DIGITS),  # zero-width space inside
    ("111190111", LOST),  # lost its leading zero, as text
]
SPELLING_IDS = [f"spelling{i}" for i in range(len(SPELLINGS))]

#: The date written with separators too (the same one twice inside the date).
DATE_SPELLINGS: list[tuple[str, str]] = [
    ("21.01.90-2121", DIGITS),
    ("21-01-90-2121", DIGITS),
    ("21 01 90 2121", DIGITS),
    ("21.01.90.2121", DIGITS),
    ("21.01.90 2121", DIGITS),
    ("21/01/90-2121", DIGITS),
    ("21.01.902121", DIGITS),
    ("21\u201301\u201390\u20132121", DIGITS),  # en dashes
    ("21\u00a001\u00a090\u00a02121", DIGITS),  # non-breaking spaces
    ("\uff12\uff11.\uff10\uff11.\uff19\uff10-\uff12\uff11\uff12\uff11", DIGITS),  # fullwidth
    ("01.11.19-0111", LOST),  # the leading zero kept, the date spelled with dots
]
DATE_SPELLING_IDS = [f"date_spelling{i}" for i in range(len(DATE_SPELLINGS))]
EVERY_SPELLING = SPELLINGS + DATE_SPELLINGS
EVERY_SPELLING_ID = SPELLING_IDS + DATE_SPELLING_IDS

#: Dates, amounts, phone numbers and case numbers that are not personal numbers.
NOT_PERSONAL_NUMBERS = [
    "01.01.1990",
    "01-01-1990",
    "01/01/1990",
    "2020-01-01",
    "2020.01.01",
    "01.01.1990 1234",
    "1.234.567",
    "1.234.567.890",
    "DKK 1.234.567,00",
    "12345678",
    "12 34 56 78",
    "+45 12 34 56 78",
    "2019-00012",
    "sag 2019-00012 af 01.01.2020",
    "32.01.90-1234",  # day 32
    "01.13.90-1234",  # month 13
    "01.01.90-12345",  # serial of five digits
]

_SEPARATOR = r"[\s\-\u2010-\u2015\u2212./]?"


def normalised(text: str) -> str:
    """NFKC, every Unicode decimal digit as ASCII, invisible format characters dropped."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in text
        if unicodedata.category(c) != "Cf"
    )


def leaks(text: str, digits: str) -> bool:
    """Whether ``text`` holds the personal number ``digits`` in any spelling.

    The ten digits (and the nine left when the leading zero is lost), with at most one
    separator — space, dash or dot — between any two of them.
    """
    text = normalised(text)
    for form in {digits, digits.lstrip("0")}:
        pattern = "(?<![0-9])" + _SEPARATOR.join(form) + "(?![0-9])"
        if re.search(pattern, text):
            return True
    return False


def written_text(folder: Path) -> str:
    """Every file under ``folder`` decoded (the members of zip files such as workbooks too)."""
    parts: list[str] = []
    for path in sorted(folder.rglob("*")):
        parts.append(path.name)
        if not path.is_file():
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                parts.extend(
                    archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                )
        else:
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def small_survey() -> pd.DataFrame:
    survey = jh.load_example().survey
    respondents = survey["respondent"].astype(str).unique()[:8]
    chosen = survey[survey["respondent"].astype(str).isin(respondents)]
    return chosen.reset_index(drop=True)


def test_leak_helper_sees_every_spelling() -> None:
    for spelling, digits in SPELLINGS:
        assert leaks(f"x {spelling} y", digits), spelling
    assert not leaks("2019-01-03 12345678 1234567890", DIGITS)


# --------------------------------------------------------------------------------------------
# Detection and hiding
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("spelling", "digits"), EVERY_SPELLING, ids=EVERY_SPELLING_ID)
def test_every_spelling_is_found(spelling: str, digits: str) -> None:
    frame = pd.DataFrame(
        {
            "alone": pd.array(["a", spelling, None], dtype="string"),
            "objects": pd.Series([1, "b", spelling], dtype=object),
            "category": pd.Categorical(["c", "c", spelling]),
        }
    )
    found = jh.find_personal_ids(frame)
    assert found["column"].tolist() == ["alone", "objects", "category"]
    assert found["first_row"].tolist() == [1, 2, 2]
    shown, hidden = jh.hide_personal_ids(frame["objects"])
    assert hidden == 1
    assert not leaks(" ".join(map(str, shown)), digits)


@pytest.mark.parametrize(
    ("spelling", "digits"),
    SPELLINGS[:-1] + DATE_SPELLINGS,
    ids=SPELLING_IDS[:-1] + DATE_SPELLING_IDS,
)
def test_free_text_is_searched(spelling: str, digits: str) -> None:
    frame = pd.DataFrame({"note": ["ok", f"borger {spelling} ringede"]})
    assert jh.find_personal_ids(frame)["rows_with_ids"].tolist() == [1]


def test_lost_leading_zero_as_number_and_number_like_text() -> None:
    frame = pd.DataFrame(
        {
            "number": [111190111, 5],
            "float": [111190111.0, 1.5],
            "text": ["111190111", "x"],
            "text_float": ["111190111.0", "x"],
        }
    )
    assert jh.find_personal_ids(frame)["column"].tolist() == list(frame.columns)
    # In a longer text, nine digits are hidden when shown, not flagged for a table.
    assert jh.find_personal_ids(pd.DataFrame({"x": ["code 111190111"]})).empty
    assert jh.hide_personal_ids(pd.Series(["code 111190111"]))[1] == 1


@pytest.mark.parametrize(
    "text",
    ["2019-01-03", "12345678", "+45 12 34 56 78", "1234567.0", "DKK 1.234.567,00", "99999999"],
)
def test_guards_against_false_positives_hold(text: str) -> None:
    assert jh.find_personal_ids(pd.DataFrame({"x": [text]})).empty
    assert jh.find_personal_ids(pd.DataFrame({"x": [99_999_999, 12_345_678]})).empty


@pytest.mark.parametrize("text", NOT_PERSONAL_NUMBERS)
def test_dates_amounts_phones_and_case_numbers_are_not_personal_numbers(text: str) -> None:
    for shown in (text, f"note: {text}."):
        assert jh.find_personal_ids(pd.DataFrame({"x": [shown]})).empty, shown
        assert jh.find_personal_ids(pd.DataFrame({"x": [shown]}), replacement=False).empty
        assert str(JobhandicapError(f"bad value {shown!r}")) == f"bad value {shown!r}"
        assert jh.hide_personal_ids(pd.Series([shown]))[1] == 0


@pytest.mark.parametrize("spelling", ["61.01.90-1234", "71-01-90-1234"])
def test_a_replacement_number_with_a_separated_date_is_optional(spelling: str) -> None:
    frame = pd.DataFrame({"x": [spelling]})
    assert jh.find_personal_ids(frame)["rows_with_ids"].tolist() == [1]
    assert jh.find_personal_ids(frame, replacement=False).empty
    assert "<personal number hidden>" in str(JobhandicapError(spelling))


@pytest.mark.parametrize("values", [[1, 2], ("a",), pd.Series([1]).to_numpy()])
def test_hide_personal_ids_needs_a_series(values: object) -> None:
    with pytest.raises(JobhandicapError) as caught:
        jh.hide_personal_ids(values)  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert "pd.Series" in str(caught.value)


@pytest.mark.parametrize(("spelling", "digits"), EVERY_SPELLING, ids=EVERY_SPELLING_ID)
def test_str_of_errors_and_warnings_never_holds_one(spelling: str, digits: str) -> None:
    problems = problems_frame([(2, spelling, spelling, f"unknown scheme {spelling!r}")])
    errors: list[Exception] = [
        JobhandicapError(f"bad value {spelling!r}"),
        DisclosureError(f"in {spelling}"),
        SchemaError(f"file {spelling}", problems),
        UnknownLabelError(spelling, "scheme", ["aids"], row=2, column="scheme"),
        MissingColumnsError(["scheme"], [spelling, "x"], "cases"),
    ]
    for error in errors:
        assert not leaks(str(error), digits), type(error)
        assert not leaks(repr(error), digits), type(error)
        assert "<personal number hidden>" in str(error)
    schema_error = errors[2]
    assert isinstance(schema_error, SchemaError)
    assert not leaks(schema_error.summary, digits)
    assert schema_error.problems["value"].tolist() == [spelling]  # kept for the analyst
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn(f"n = 2 for {spelling}", SmallSampleWarning, stacklevel=1)
    assert not leaks(str(caught[0].message), digits)


# --------------------------------------------------------------------------------------------
# jobhandicap report and jobhandicap validate: nothing printed or written holds one
# --------------------------------------------------------------------------------------------


def _plant(
    where: str, spelling: str, survey: pd.DataFrame, folder: Path
) -> tuple[Path, str | None]:
    """Write the survey with the number planted; return the file and what the refusal names."""
    path = folder / "survey.csv"
    if where == "published":  # a valid cell of a published text column
        survey = survey.assign(
            respondent=survey["respondent"].astype(str).mask(survey.index == 3, spelling)
        )
        jio.write_csv(survey, "survey", path)
        return path, "'jobcenter' (1 row, the first in row 5)"
    if where == "invalid":  # an invalid answer: validation fails
        jio.write_csv(survey, "survey", path)
        text = path.read_text(encoding="utf-8-sig").splitlines()
        text[4] = text[4].rsplit(";", 1)[0] + ";" + spelling
        path.write_text("\n".join(text) + "\n", encoding="utf-8-sig")
        return path, None
    if where == "comment":  # a free-text column the report ignores
        jio.write_csv(survey, "survey", path)
        frame = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
        note = pd.Series("ok", index=frame.index).mask(frame.index == 2, f"borger {spelling} x")
        frame.assign(kommentar=note).to_csv(path, sep=";", index=False)
        return path, None
    if where == "header":
        jio.write_csv(survey, "survey", path)
        frame = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
        frame.assign(**{spelling: "x"}).to_csv(path, sep=";", index=False)
        return path, "the header of column 5 (E)"
    if where == "file name":
        path = folder / f"survey {spelling}.csv"
        jio.write_csv(survey, "survey", path)
        return path, None
    raise AssertionError(where)


def _run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(arguments)
    out, err = capsys.readouterr()
    return status, out + err


def _check_commands(
    path: Path,
    digits: str,
    refusal: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, int, str]:
    out_dir = tmp_path / "out"
    status_v, printed_v = _run(["validate", "survey", str(path)], capsys)
    status_r, printed_r = _run(["report", "--survey", str(path), "--out", str(out_dir)], capsys)
    printed = printed_v + printed_r
    assert not leaks(printed, digits), printed
    if out_dir.exists():
        assert not leaks(written_text(out_dir), digits)
    if refusal is not None:
        assert status_v == status_r == 1
        assert refusal in printed_r
        assert "jobhandicap report` again" in printed_r
        assert "jobhandicap validate` again" in printed_v
        assert "jh.pseudonymise(frame" not in printed_r  # command-line advice
        assert not out_dir.exists()
    return status_v, status_r, printed


PLACES = ["published", "invalid", "comment", "header", "file name"]


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize(("spelling", "digits"), SPELLINGS, ids=SPELLING_IDS)
def test_commands_never_show_a_planted_number(
    where: str,
    spelling: str,
    digits: str,
    small_survey: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, refusal = _plant(where, spelling, small_survey, tmp_path)
    status_v, status_r, printed = _check_commands(path, digits, refusal, tmp_path, capsys)
    if where == "invalid":
        assert status_v == status_r == 1
        assert "<personal number hidden>" in printed
    if where in {"comment", "file name"}:  # never published: the report is written
        assert status_v == status_r == 0
    if where == "file name":
        page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
        assert "survey &lt;personal number hidden&gt;.csv" in page


@pytest.mark.parametrize("where", ["published", "invalid", "header"])
@pytest.mark.parametrize(("spelling", "digits"), DATE_SPELLINGS[:3], ids=DATE_SPELLING_IDS[:3])
def test_commands_refuse_and_hide_a_date_spelled_with_separators(
    where: str,
    spelling: str,
    digits: str,
    small_survey: pd.DataFrame,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, refusal = _plant(where, spelling, small_survey, tmp_path)
    status_v, status_r, printed = _check_commands(path, digits, refusal, tmp_path, capsys)
    assert status_v == status_r == 1
    if where == "invalid":
        assert "<personal number hidden>" in printed


def test_excel_number_cell_that_lost_its_leading_zero(
    small_survey: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    path = tmp_path / "survey.xlsx"
    jio.write_excel(small_survey, "survey", path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    sheet.cell(row=6, column=1).value = int(LOST)  # 111190111, a number
    book.save(path)
    _check_commands(path, LOST, "(1 row, the first in row 6)", tmp_path, capsys)


# --------------------------------------------------------------------------------------------
# Only what is published blocks; Python advice in Python
# --------------------------------------------------------------------------------------------


def test_amounts_and_case_numbers_never_block_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = jh.load_example()
    cases = example.cases[example.cases["jobcentre"].isin([101, 751])].head(300)
    granted = (cases["decision"] == "granted").to_numpy()
    case_ids = cases["case_id"].astype(str).to_numpy().copy()
    case_ids[:3] = [DIGITS, "210190-2121", "111190111"]
    amounts = cases["amount_dkk"].mask(pd.Series(granted, index=cases.index), 1_234_567_890.0)
    planted = cases.assign(case_id=case_ids, amount_dkk=amounts).reset_index(drop=True)
    path = tmp_path / "cases.csv"
    jio.write_csv(planted, "cases", path)
    out_dir = tmp_path / "out"
    status, printed = _run(
        ["report", "--cases", str(path), "--extracted", "2021-01-31", "--out", str(out_dir)],
        capsys,
    )
    assert status == 0, printed
    assert not leaks(printed + written_text(out_dir), DIGITS)
    assert not leaks(printed + written_text(out_dir), LOST)
    assert _run(["validate", "cases", str(path)], capsys)[0] == 0


def test_python_advice_names_pseudonymise(small_survey: pd.DataFrame, tmp_path: Path) -> None:
    survey = small_survey.assign(
        respondent=small_survey["respondent"].astype(str).mask(small_survey.index == 0, DIGITS)
    )
    with pytest.raises(DisclosureError) as caught:
        build_report({"survey": survey}, tmp_path / "out")
    message = str(caught.value)
    assert "frame['respondent'] = jh.pseudonymise(frame['respondent'], key)" in message
    assert "the first in row 2, the header being row 1" in message
    assert "jobhandicap report" not in message
    assert not leaks(message, DIGITS)
    assert not (tmp_path / "out").exists()


def test_a_title_with_a_personal_number_is_refused(
    small_survey: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "survey.csv"
    jio.write_csv(small_survey, "survey", path)
    arguments = ["report", "--survey", str(path), "--out", str(tmp_path / "out")]
    status, printed = _run([*arguments, "--title", "Borger 210190-2121"], capsys)
    assert status == 1
    assert "--title" in printed
    assert not leaks(printed, DIGITS)


def test_usage_errors_never_echo_one(capsys: pytest.CaptureFixture[str]) -> None:
    status, printed = _run(["validate", "210190-2121", "x.csv"], capsys)
    assert status == 2
    assert not leaks(printed, DIGITS)
    status, printed = _run(["report", "--extracted", "210190-2121"], capsys)
    assert status == 2
    assert not leaks(printed, DIGITS)


# --------------------------------------------------------------------------------------------
# ASCII white space, a spaced dash and a slash between the date and the serial number
# --------------------------------------------------------------------------------------------

#: Spellings whose separator is more than one character, a tab, a line break or a slash.
LOOSE_SPELLINGS = [
    "210190\t2121",
    "210190\n2121",
    "210190\r\n2121",
    "210190 - 2121",
    "210190  2121",
    "21.01.90  2121",
    "21.01.90 \t 2121",
    "210190/2121",
    "210190 / 2121",
    "21/01/90/2121",
    "21\t01\t90\t2121",
    "210190\u00a0-\u00a02121",
]
LOOSE_IDS = [f"loose{i}" for i in range(len(LOOSE_SPELLINGS))]


def leaks_loosely(text: str) -> bool:
    """Whether ``text`` holds :data:`DIGITS` with any run of spaces, escapes or dashes."""
    between = r"(?:\s|\\[tnrfv]|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|[-./])*"
    return re.search("(?<![0-9])" + between.join(DIGITS) + "(?![0-9])", text) is not None


def test_loose_leak_helper_sees_the_loose_spellings() -> None:
    for spelling in LOOSE_SPELLINGS:
        assert leaks_loosely(spelling), spelling
        assert leaks_loosely(repr(spelling)), spelling


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("spelling", LOOSE_SPELLINGS, ids=LOOSE_IDS)
def test_loose_separators_are_found_and_hidden(spelling: str, storage: str) -> None:
    if storage == "pyarrow":  # the regular expressions run on RE2
        pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {
            "alone": pd.Series(["a", spelling, None], dtype=f"string[{storage}]"),
            "note": pd.Series([1, "b", f"borger {spelling} ringede"], dtype=object),
            "category": pd.Categorical(["c", "c", spelling]),
        }
    )
    found = jh.find_personal_ids(frame)
    assert found["column"].tolist() == ["alone", "note", "category"]
    assert found["first_row"].tolist() == [1, 2, 2]
    shown, hidden = jh.hide_personal_ids(frame["note"])
    assert hidden == 1
    assert not leaks_loosely(" ".join(map(str, shown)))


@pytest.mark.parametrize("spelling", LOOSE_SPELLINGS, ids=LOOSE_IDS)
def test_loose_separators_never_reach_a_message(spelling: str) -> None:
    problems = problems_frame([(2, "scheme", spelling, f"unknown scheme {spelling!r}")])
    errors: list[Exception] = [
        JobhandicapError(f"bad value {spelling!r} / {spelling}"),
        SchemaError(f"file {spelling}", problems),
        UnknownLabelError(spelling, "scheme", ["aids"], row=2, column="scheme"),
    ]
    for error in errors:
        assert not leaks_loosely(str(error)), (type(error), str(error))
        assert not leaks_loosely(repr(error)), type(error)
        assert "<personal number hidden>" in str(error)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn(f"n = 2 for {spelling!r}", SmallSampleWarning, stacklevel=1)
    assert not leaks_loosely(str(caught[0].message))


def test_validate_cases_hides_a_tab_separated_number() -> None:
    raw = pd.DataFrame(
        {
            "case_id": ["c1"],
            "municipality": [101],
            "scheme": ["210190\t2121"],
            "target_group": ["sickness benefit"],
            "applied": ["2019-01-01"],
            "decided": ["2019-02-01"],
            "decision": ["granted"],
            "amount_dkk": [1.0],
        }
    )
    with pytest.raises(SchemaError) as caught:
        jh.validate_cases(raw)
    assert "<personal number hidden>" in str(caught.value)
    assert not leaks_loosely(str(caught.value))


@pytest.mark.parametrize(
    "text",
    [
        "2019/1234",
        "2019/2020",
        "sag 2019 / 1234",
        "01/2019 1234",
        "1/4 2019",
        "uge 12 2019 - 1234",
        "12 34 56 78 - 1234",
        "kr. 120.190 - 1.234",
        "01.01.1990  1234",
        "01.01.1990\t1234",
        "2020-01-01\t1234",
        "120190\t\t\t\t1234",  # four tabs: two cells apart, not one number
        "120190 -- 1234",
    ],
)
def test_loose_separators_keep_the_false_positive_guards(text: str) -> None:
    for shown in (text, f"note: {text}."):
        assert jh.find_personal_ids(pd.DataFrame({"x": [shown]})).empty, shown
        assert str(JobhandicapError(f"bad value {shown!r}")) == f"bad value {shown!r}"
        assert str(JobhandicapError(f"bad value {shown}")) == f"bad value {shown}"
        assert jh.hide_personal_ids(pd.Series([shown]))[1] == 0
