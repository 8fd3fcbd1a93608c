"""Tests of the fast paths of reading and validating: they must give what the slow paths give.

Covers the hashed duplicate-key check of ``frames/_validate.py`` (exact even when hashes
collide), the per-unique gathers of ``frames/_cells.py`` and the CSV reader's read-everything
path with its fallback to selected columns (rows with more fields than the header).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobhandicap import frames
from jobhandicap import io as jio
from jobhandicap.errors import SchemaError
from jobhandicap.frames import _arrow as _frames_arrow
from jobhandicap.frames import _validate as _frames_validate
from jobhandicap.frames._cells import by_code, expand
from jobhandicap.frames._validate import _repeated_rows

pa = pytest.importorskip("pyarrow")

ARROW_TEXT = pd.StringDtype("pyarrow")
PYTHON_TEXT = pd.StringDtype("python")

# Short, equal-length, long (> 64 bytes, not hashed), non-ASCII and NUL-holding texts.
TEXTS = st.sampled_from(
    ["", "a", "b", "ab", "ba", "a\x00", "\x00a", "x" * 8, "x" * 9, "y" * 70, "y" * 71, "æø", "S1"]
)


def _expected(keys: pd.DataFrame) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return keys.duplicated(keep=False).to_numpy(dtype=bool)


@st.composite
def key_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 30))
    texts = draw(st.lists(TEXTS, min_size=n, max_size=n))
    numbers = draw(st.lists(st.one_of(st.none(), st.integers(-2, 2)), min_size=n, max_size=n))
    labels = draw(st.lists(st.sampled_from([None, "p", "q"]), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "arrow": pd.array(texts, dtype=ARROW_TEXT),
            "python": pd.array(texts, dtype=PYTHON_TEXT),
            "number": pd.array(numbers, dtype="Int64"),
            "label": pd.Categorical(labels, categories=["p", "q"]),
        }
    )


KEY_SETS = (["arrow"], ["python"], ["arrow", "number"], ["number", "label"], ["label", "arrow"])


@given(key_frames(), st.sampled_from(KEY_SETS))
def test_repeated_rows_matches_duplicated(frame: pd.DataFrame, columns: list[str]) -> None:
    keys = frame[columns]
    assert np.array_equal(_repeated_rows(keys), _expected(keys))


@given(key_frames(), st.sampled_from(KEY_SETS))
def test_repeated_rows_exact_when_every_hash_collides(
    frame: pd.DataFrame, columns: list[str]
) -> None:
    def colliding(column: pd.Series) -> np.ndarray[Any, np.dtype[np.uint64]]:
        return np.zeros(len(column), dtype=np.uint64)

    keys = frame[columns]
    with mock.patch.object(_frames_validate, "_column_hashes", colliding):
        assert np.array_equal(_repeated_rows(keys), _expected(keys))


def test_text_hashes_equal_for_equal_texts_of_sliced_arrays() -> None:
    texts = pd.array(["A-1", "A-22", "A-1", "A-333", "A-22"], dtype=ARROW_TEXT)
    sliced = texts[1:]  # an Arrow array with a non-zero offset
    hashes = _frames_arrow.text_hashes(sliced)
    assert hashes is not None
    assert hashes[0] == hashes[3]  # "A-22" twice
    assert len(set(hashes.tolist())) == 3
    for width in (3, 8, 12, 17):  # one word, a whole word, part of a second and a third
        first, second = "1".rjust(width, "0"), "2".rjust(width, "0")
        same_length = pd.array([first, second, first, second + "x"], dtype=ARROW_TEXT)
        fixed = _frames_arrow.text_hashes(same_length[:3])
        assert fixed is not None
        assert fixed[0] == fixed[2] != fixed[1]


def test_duplicate_case_ids_are_reported_for_many_rows() -> None:
    n = 5_000
    ids = [f"S{i:06d}" for i in range(n)]
    ids[4_000] = ids[17]
    raw = pd.DataFrame(
        {
            "case_id": pd.array(ids, dtype=ARROW_TEXT),
            "municipality": 101,
            "scheme": "aids",
            "target_group": "flex-job",
            "applied": "2019-01-03",
        }
    )
    with pytest.raises(SchemaError) as caught:
        frames.validate_cases(raw)
    problems = caught.value.problems
    assert problems["row"].tolist() == [17 + 2, 4_000 + 2]  # as a spreadsheet shows them
    assert set(problems["column"]) == {"case_id"}


@given(
    st.lists(st.integers(-1, 3), max_size=20),
    st.lists(st.booleans(), min_size=4, max_size=4),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_expand_and_by_code_match_the_definition(
    codes: list[int], missing: list[bool], invalid: list[bool]
) -> None:
    row_codes = np.asarray(codes, dtype=np.intp)
    unique_missing = np.asarray(missing, dtype=bool)
    unique_invalid = np.asarray(invalid, dtype=bool) & ~unique_missing
    got_missing, got_invalid = expand(row_codes, unique_missing, unique_invalid)
    present = row_codes >= 0
    safe = np.where(present, row_codes, 0)
    assert np.array_equal(got_missing, ~present | unique_missing[safe])
    assert np.array_equal(got_invalid, present & unique_invalid[safe])
    table = np.arange(4) * 10
    assert by_code(table, row_codes, -5).tolist() == [10 * c if c >= 0 else -5 for c in codes]


# --------------------------------------------------------------------------------------------
# CSV: reading every column, and falling back to selected columns
# --------------------------------------------------------------------------------------------

CASES = (
    "sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato\n"
    "A-1;101;Hjælpemidler;Fleksjob;03-01-2019\n"
    "A-2;751;Hjælpemidler;Sygedagpenge;07-01-2019\n"
    "A-3;561;Mentorstøtte;Beskæftiget;01-02-2019\n"
)


def _with_fields(extra: dict[int, str]) -> str:
    """CASES with ``extra`` appended to the given data lines (1 = first data line)."""
    lines = CASES.splitlines()
    return "\n".join(line + extra.get(i, "") for i, line in enumerate(lines)) + "\n"


@pytest.mark.parametrize(
    "extra",
    [
        {1: ";x;y"},  # the first data row is longer than the header
        {2: ";x"},  # a later row is
        {1: ";", 2: ";", 3: ";"},  # a trailing separator on every data row
        {0: ";", 1: ";", 2: ";", 3: ";"},  # and on the header
    ],
)
def test_rows_longer_than_the_header_are_read_like_the_clean_file(extra: dict[int, str]) -> None:
    expected = jio.read_cases(io.StringIO(CASES))
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(_with_fields(extra))), expected)


def test_wide_file_with_many_unknown_columns_reads_the_known_ones() -> None:
    lines = CASES.splitlines()
    extra_header = "".join(f";ekstra{i}" for i in range(12))
    extra_cells = ";1" * 12
    text = "\n".join([lines[0] + extra_header, *(line + extra_cells for line in lines[1:])])
    expected = jio.read_cases(io.StringIO(CASES))
    pd.testing.assert_frame_equal(jio.read_cases(io.StringIO(text + "\n")), expected)


def test_unclosed_quote_is_still_a_readable_error() -> None:
    text = CASES + 'A-4;101;"Hjælpemidler;Fleksjob;03-01-2019\n'
    with pytest.raises(SchemaError):
        jio.read_cases(io.StringIO(text))


def test_validated_frame_shares_no_memory_with_a_canonical_input() -> None:
    canonical = jio.read_cases(io.StringIO(CASES))
    before = canonical.copy(deep=True)
    again = frames.validate_cases(canonical)
    pd.testing.assert_frame_equal(again, before)
    again.loc[0, "case_id"] = "changed"
    again.loc[0, "municipality"] = 751
    again.loc[0, "applied"] = pd.Timestamp("2020-01-01")
    again.loc[0, "scheme"] = "mentor support"
    pd.testing.assert_frame_equal(canonical, before)


# --------------------------------------------------------------------------------------------
# Arrow text: dictionary codes, known spellings, blank cells, hashes of chunked arrays
# --------------------------------------------------------------------------------------------

BLANKS = st.sampled_from([" ", "\t\n", "\u00a0", "NA"])
MAYBE_TEXTS = st.lists(st.one_of(st.none(), TEXTS, BLANKS), max_size=30)


def _chunked(texts: Sequence[str | None], cut: int) -> Any:
    """An Arrow-backed pandas array of ``texts`` in two chunks (pandas 3 reads CSV so)."""
    cut = min(cut, len(texts))
    chunks = [
        pa.array(list(texts[:cut]), pa.large_string()),
        pa.array(list(texts[cut:]), pa.large_string()),
    ]
    return pd.arrays.ArrowStringArray(pa.chunked_array(chunks))


@given(MAYBE_TEXTS, st.integers(0, 30))
def test_dictionary_codes_match_factorize(texts: list[str | None], cut: int) -> None:
    found = _frames_arrow.dictionary_codes(_chunked(texts, cut))
    assert found is not None
    codes, uniques = found
    # Not pandas.factorize as the reference: pandas 2 compares text as C strings ("\x00a" == "").
    distinct = list(dict.fromkeys(t for t in texts if t is not None))
    assert [None if c < 0 else uniques[c] for c in codes.tolist()] == texts
    assert sorted(uniques.tolist()) == sorted(distinct)


@given(MAYBE_TEXTS, st.integers(0, 30))
def test_text_hashes_of_chunked_arrays_equal_exactly_for_equal_texts(
    texts: list[str | None], cut: int
) -> None:
    present = [t for t in texts if t is not None]
    hashes = _frames_arrow.text_hashes(_chunked(present, cut))
    if any(len(t.encode()) > 64 for t in present):
        assert hashes is None
        return
    assert hashes is not None
    for i, a in enumerate(present):
        for j, b in enumerate(present):
            assert (hashes[i] == hashes[j]) == (a == b)
    assert _frames_arrow.text_hashes(_chunked(texts, cut)) is None or None not in texts


@pytest.mark.parametrize("width", [1, 7, 8, 9, 15, 16, 17])
def test_text_hashes_of_one_width_read_the_last_cells_correctly(width: int) -> None:
    # The fixed-stride path reads the last cells from a padded copy.
    texts = [str(i).rjust(width, "x")[-width:] for i in range(40)]
    hashes = _frames_arrow.text_hashes(_chunked(texts + texts, 37))
    assert hashes is not None
    assert np.array_equal(hashes[:40], hashes[40:])
    assert len(set(hashes[:40].tolist())) == len(set(texts))


def _parse_both_ways(values: list[Any], kind: str, column: str) -> tuple[Any, Any]:
    """Parse one column held as Arrow text and as Python text; return (parsed, problems)."""
    from jobhandicap.frames._cells import Problems
    from jobhandicap.frames._parse import parse_column

    spec = frames.SCHEMAS[kind][column]
    results = []
    for dtype in (ARROW_TEXT, PYTHON_TEXT):
        raw = pd.Series(pd.array(values, dtype=dtype), index=pd.RangeIndex(2, 2 + len(values)))
        problems = Problems(np.asarray(raw.index, dtype=np.int64), frames.SCHEMAS[kind].names)
        results.append((parse_column(raw, spec, problems), problems.frame()))
    return results[0], results[1]


def _assert_same(arrow: Any, python: Any) -> None:
    (parsed_a, problems_a), (parsed_p, problems_p) = arrow, python
    assert np.array_equal(parsed_a.missing, parsed_p.missing)
    assert np.array_equal(parsed_a.invalid, parsed_p.invalid)
    values_a, values_p = parsed_a.data, parsed_p.data
    if isinstance(values_a, pd.Categorical):
        assert values_a.codes.tolist() == values_p.codes.tolist()
    elif isinstance(values_a, np.ndarray):
        assert np.array_equal(
            values_a.astype("datetime64[ns]"), values_p.astype("datetime64[ns]"), equal_nan=True
        )
    else:
        assert pd.Series(values_a).equals(pd.Series(values_p))
    pd.testing.assert_frame_equal(problems_a, problems_p)


SCHEME_SPELLINGS = st.sampled_from(
    [
        "aids",
        "hjælpemidler",
        "Hjælpemidler",
        "HJÆLPEMIDLER",
        "  hjælpemidler ",
        "Hjælpe-midler",
        "hjælpemidlr",
        "personlig assistance",
        "Personal Assistance",
        "mentor support",
        "nothing like it",
        "",
        " ",
        "NA",
    ]
)


@given(st.lists(st.one_of(st.none(), SCHEME_SPELLINGS), max_size=25))
def test_known_spellings_read_like_the_general_label_reader(values: list[str | None]) -> None:
    _assert_same(*_parse_both_ways(values, "cases", "scheme"))


@given(MAYBE_TEXTS)
def test_blank_texts_read_like_pandas_string_methods(values: list[str | None]) -> None:
    _assert_same(*_parse_both_ways(values, "cases", "case_id"))


DATE_TEXTS = st.one_of(
    st.dates(dt.date(1890, 1, 1), dt.date(2210, 12, 31)).flatmap(
        lambda day: st.sampled_from(
            [
                day.isoformat(),
                day.strftime("%d-%m-%Y"),
                day.strftime("%d.%m.%Y"),
                day.strftime("%d/%m/%Y"),
                f"{day.day}-{day.month}-{day.year}",
                day.strftime("%d-%m/%Y"),
            ]
        )
    ),
    st.text(alphabet="0123456789-./ T:", min_size=10, max_size=10),
    st.sampled_from(["29-02-2019", "29-02-2020", "31-04-2020", "00-01-2019", "2019-13-01", "NA"]),
)


@given(st.lists(DATE_TEXTS, min_size=1, max_size=20))
def test_plain_dates_agree_with_the_pattern_reader(texts: list[str]) -> None:
    from jobhandicap.frames._cells import FIRST_YEAR, LAST_YEAR
    from jobhandicap.frames._dates import plain_dates
    from jobhandicap.frames._parse import _parse_date_texts

    days, messages = _parse_date_texts(pd.Series(texts, dtype=object).str.strip())
    plain = plain_dates(texts, FIRST_YEAR, LAST_YEAR)
    readable = all(m is None for m in messages)
    if plain is not None:
        assert readable
        assert np.array_equal(plain, days)
    elif readable and all(len(t) == 10 and t.isascii() for t in texts):
        pytest.fail(f"plain_dates missed plain dates: {texts}")


@given(st.lists(st.one_of(st.none(), DATE_TEXTS), max_size=20))
def test_dates_read_alike_from_arrow_and_python_text(values: list[str | None]) -> None:
    _assert_same(*_parse_both_ways(values, "cases", "applied"))


# --------------------------------------------------------------------------------------------
# Validation in worker threads gives what validation in one thread gives
# --------------------------------------------------------------------------------------------


def _example_cases_as_received() -> pd.DataFrame:
    """The example cases as a raw table: Danish labels, dates as dd-mm-yyyy text, Arrow text."""
    from jobhandicap.datasets import load_example

    cases = load_example().cases.drop(columns="jobcentre")
    raw = pd.DataFrame(
        {
            "case_id": cases["case_id"].astype(ARROW_TEXT),
            "municipality": cases["municipality"],
            "applied": cases["applied"].dt.strftime("%d-%m-%Y").astype(ARROW_TEXT),
            "decided": cases["decided"].dt.strftime("%d-%m-%Y").astype(ARROW_TEXT),
            "amount_dkk": cases["amount_dkk"],
        }
    )
    for column in ("scheme", "target_group", "decision"):
        enum: Any = frames.SCHEMAS["cases"][column].enum
        danish = {v: enum(v).label_da for v in cases[column].cat.categories}
        raw[column] = cases[column].astype(object).map(danish).astype(ARROW_TEXT)
    return raw


def test_parallel_validation_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _example_cases_as_received()
    broken = raw.copy()
    for row, column, value in [
        (10, "scheme", "hjælpemidlr"),
        (10, "applied", "31-02-2019"),
        (11, "municipality", 411),
        (500, "case_id", raw["case_id"].iloc[7]),
        (900, "decision", None),
        (19_999, "amount_dkk", -5.0),
    ]:
        broken.loc[broken.index[row], column] = value
    serial, serial_error = frames.validate_cases(raw), _problems(broken)
    monkeypatch.setattr(_frames_validate, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(_frames_validate, "_cpus", lambda: 2)
    pd.testing.assert_frame_equal(frames.validate_cases(raw), serial)
    parallel_error = _problems(broken)
    pd.testing.assert_frame_equal(parallel_error, serial_error)
    assert set(parallel_error["row"]) >= {r + 2 for r in (10, 11, 500, 900, 19_999)}


def _problems(raw: pd.DataFrame) -> pd.DataFrame:
    with pytest.raises(SchemaError) as caught:
        frames.validate_cases(raw)
    return caught.value.problems


MARKED_TEXTS = st.lists(st.one_of(st.none(), st.text("ab;,\t\r\næ", max_size=5)), max_size=30)


@given(MARKED_TEXTS, st.integers(0, 30), st.sampled_from(["\r\n", "\r\n;", "\r\n,", "\r\n\t"]))
def test_holds_ascii_matches_the_cells(texts: list[str | None], cut: int, marks: str) -> None:
    array = _chunked(texts, cut)
    expected = any(t is not None and any(m in t for m in marks) for t in texts)
    assert _frames_arrow.holds_ascii(array, marks) is expected
    # A slice shares its parent's buffers: only its own cells count.
    sliced = pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(texts, pa.string())[1:]]))
    expected = any(t is not None and any(m in t for m in marks) for t in texts[1:])
    assert _frames_arrow.holds_ascii(sliced, marks) is expected
    assert _frames_arrow.holds_ascii(pd.array(texts, dtype=object), marks) is None
