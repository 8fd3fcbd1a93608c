"""Tests of jobhandicap.disclosure: personal numbers, pseudonyms, small-cell suppression."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap.disclosure import (
    SuppressedTable,
    assert_no_personal_ids,
    find_personal_ids,
    pseudonymise,
    render_suppressed,
    suppress,
)
from jobhandicap.disclosure._secondary import across_pairs, determined_cells, line_pairs
from jobhandicap.errors import (
    DisclosureError,
    JobhandicapError,
    MissingColumnsError,
    SchemaError,
)

KEY = b"0123456789abcdef0123456789abcdef"

# --------------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzæøå ABC-_.,:"


@st.composite
def cpr_numbers(draw: st.DrawFn, replacement: bool = False) -> str:
    """A valid-looking personal number as ten digits (no hyphen)."""
    day = draw(st.integers(1, 31))
    if replacement and draw(st.booleans()):
        day += 60
    month = draw(st.integers(1, 12))
    year = draw(st.integers(0, 99))
    serial = draw(st.integers(0, 9999))
    return f"{day:02d}{month:02d}{year:02d}{serial:04d}"


def with_hyphen(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"


def forms(digits: str) -> list[str]:
    """Every way the number could leak into a message: hyphenated, bare, as an integer."""
    return [with_hyphen(digits), digits, str(int(digits))]


@st.composite
def benign_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Frames of every column kind holding nothing that is a personal number."""
    n = draw(st.integers(1, 8))
    text = st.text(LETTERS, max_size=12)
    dates = st.dates(pd.Timestamp("1990-01-01").date(), pd.Timestamp("2030-12-31").date())
    return pd.DataFrame(
        {
            "text": pd.array(draw(st.lists(text, min_size=n, max_size=n)), dtype="string"),
            "mixed": pd.Series(
                draw(
                    st.lists(
                        st.one_of(text, st.integers(0, 99_999_999), st.none()),
                        min_size=n,
                        max_size=n,
                    )
                ),
                dtype=object,
            ),
            "group": pd.Categorical(
                draw(
                    st.lists(st.sampled_from(["aids", "mentor", "i alt"]), min_size=n, max_size=n)
                )
            ),
            # 8-digit phone numbers and smaller integers
            "phone": np.array(
                draw(st.lists(st.integers(0, 99_999_999), min_size=n, max_size=n)), dtype=np.int64
            ),
            "phone_text": pd.array(
                [
                    f"{p:08d}" if k else f"+45 {p:08d}"
                    for p, k in zip(
                        draw(
                            st.lists(st.integers(10_000_000, 99_999_999), min_size=n, max_size=n)
                        ),
                        draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                        strict=True,
                    )
                ],
                dtype="string",
            ),
            "amount": np.array(
                draw(
                    st.lists(
                        st.floats(0, 99_999_999, allow_nan=False).map(lambda x: round(x, 2)),
                        min_size=n,
                        max_size=n,
                    )
                )
            ),
            "date_text": pd.array(
                [d.isoformat() for d in draw(st.lists(dates, min_size=n, max_size=n))],
                dtype="string",
            ),
            "date": pd.to_datetime(
                [d.isoformat() for d in draw(st.lists(dates, min_size=n, max_size=n))]
            ),
        }
    )


INJECTABLE = ["text", "mixed", "group", "phone", "amount", "date_text"]


def inject(frame: pd.DataFrame, column: str, row: int, value: Any) -> pd.DataFrame:
    """Return a copy of ``frame`` with ``value`` at (row, column), keeping the column's kind."""
    series = frame[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        values = series.astype(object).tolist()
        values[row] = value
        new: Any = pd.Categorical(values)
    elif pd.api.types.is_object_dtype(series.dtype):
        values = series.tolist()
        values[row] = value
        new = pd.Series(values, dtype=object, index=frame.index)
    else:
        values = series.tolist()
        values[row] = value
        new = pd.Series(values, dtype=series.dtype, index=frame.index)
    return frame.assign(**{column: new})


# --------------------------------------------------------------------------------------------
# find_personal_ids / assert_no_personal_ids
# --------------------------------------------------------------------------------------------


def test_find_personal_ids_reference() -> None:
    frame = pd.DataFrame(
        {
            "person": ["010190-1234", "0202901234", None],
            "note": ["called 030390-1234", "", "ok"],
            "as_int": np.array([101901234, 5, 3112991234], dtype=np.int64),
            "as_float": [np.nan, 101901234.0, 1.5],
            "nullable": pd.array([None, 3112991234, 7], dtype="Int64"),
            "category": pd.Categorical(["a", "010190-1234", "a"]),
            "phone": [12345678, 23456789, 34567890],
            "applied": ["2019-01-03", "2019-02-11", "2019-03-05"],
            "amount": [1234567.0, 99.5, 0.0],
        }
    )
    found = find_personal_ids(frame)
    assert found.columns.tolist() == [
        "column",
        "position",
        "location",
        "rows_with_ids",
        "first_row",
    ]
    assert found["column"].tolist() == [
        "person",
        "note",
        "as_int",
        "as_float",
        "nullable",
        "category",
    ]
    assert found["position"].tolist() == [0, 1, 2, 3, 4, 5]
    assert (found["location"] == "values").all()
    assert found["rows_with_ids"].tolist() == [2, 1, 2, 1, 1, 1]
    assert found["first_row"].tolist() == [0, 0, 0, 1, 1, 1]


@pytest.mark.parametrize(
    "text",
    [
        "2019-01-03",
        "20190103",
        "12345678",
        "+45 12 34 56 78",
        "4512345678",  # day 45
        "320190-1234",  # day 32
        "011390-1234",  # month 13
        "000190-1234",  # day 0
        "010090-1234",  # month 0
        "92019012345",  # 11 digits
        "0101901234567",  # 13 digits
        "010190-12345",  # serial of five digits
        "1234567.0",
        "DKK 1.234.567,00",
    ],
)
def test_find_personal_ids_ignores_lookalikes(text: str) -> None:
    assert find_personal_ids(pd.DataFrame({"x": [text]})).empty


def test_find_personal_ids_numbers_that_are_not_ids() -> None:
    frame = pd.DataFrame(
        {
            "amount": [1234567.0, 99_999_999.0, 101901234.5],
            "phone": [12345678, 87654321, 99999999],
            "big": [32_019_012_345, 10**12, -101901234],
            "flag": [True, False, True],
            "when": pd.to_datetime(["2019-01-03", "2019-01-04", "2019-01-05"]),
        }
    )
    assert find_personal_ids(frame).empty


def test_find_personal_ids_replacement_numbers_are_optional() -> None:
    frame = pd.DataFrame({"x": ["610190-1234", "plain text"]})
    assert find_personal_ids(frame)["rows_with_ids"].tolist() == [1]
    assert find_personal_ids(frame, replacement=False).empty


def test_find_personal_ids_header_and_index() -> None:
    frame = pd.DataFrame(
        {"010190-1234": [1, 2], "n": [3, 4]}, index=pd.Index(["0202901234", "x"], name="who")
    )
    found = find_personal_ids(frame)
    assert found["location"].tolist() == ["index", "header"]
    assert found["rows_with_ids"].tolist() == [1, 0]
    assert found["first_row"].tolist() == [0, None] or found["first_row"].isna().tolist() == [
        False,
        True,
    ]
    shown = found.to_string()
    assert "010190" not in shown
    assert "0202901234" not in shown
    with pytest.raises(DisclosureError) as caught:
        assert_no_personal_ids(frame)
    message = str(caught.value)
    assert "010190" not in message
    assert "0202901234" not in message
    assert "Rename column 0" in message
    assert "reset_index" in message


def test_find_personal_ids_exclude_and_series() -> None:
    frame = pd.DataFrame({"amount": [412_345_678.0], "cpr": ["010190-1234"]})
    assert find_personal_ids(frame)["column"].tolist() == ["amount", "cpr"]
    assert find_personal_ids(frame, exclude=["amount", "not there"])["column"].tolist() == ["cpr"]
    assert find_personal_ids(frame["cpr"])["rows_with_ids"].tolist() == [1]
    with pytest.raises(JobhandicapError):
        find_personal_ids([1, 2])  # type: ignore[arg-type]


@given(
    frame=benign_frames(),
    digits=cpr_numbers(replacement=True),
    data=st.data(),
)
@settings(max_examples=examples(30))
def test_find_personal_ids_finds_injected_numbers(
    frame: pd.DataFrame, digits: str, data: st.DataObject
) -> None:
    column = data.draw(st.sampled_from(INJECTABLE), label="column")
    row = data.draw(st.integers(0, len(frame) - 1), label="row")
    hyphen = data.draw(st.booleans(), label="hyphen")
    text = with_hyphen(digits) if hyphen else digits
    value: Any
    if column in {"phone", "amount"}:
        value = int(digits) if column == "phone" else float(int(digits))
    elif column == "mixed" and data.draw(st.booleans(), label="as int"):
        value = int(digits)
    else:
        prefix = data.draw(st.sampled_from(["", "cpr ", "x:", "(", "ab-"]), label="prefix")
        suffix = data.draw(st.sampled_from(["", " ok", ")", ".", "-a"]), label="suffix")
        value = prefix + text + suffix
    before = frame.copy()
    assert find_personal_ids(frame).empty
    injected = inject(frame, column, row, value)
    snapshot = injected.copy()
    found = find_personal_ids(injected)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(injected, snapshot)
    assert found["column"].tolist() == [column]
    assert found["location"].tolist() == ["values"]
    assert found["rows_with_ids"].tolist() == [1]
    assert found["first_row"].tolist() == [row]
    assert found["position"].tolist() == [injected.columns.get_loc(column)]
    shown = found.to_string() + repr(found.to_dict())
    with pytest.raises(DisclosureError) as caught:
        assert_no_personal_ids(injected, what="cases table")
    message = str(caught.value)
    assert "cases table" in message
    assert f"jh.pseudonymise(frame[{column!r}], key)" in message
    for form in forms(digits):
        assert form not in shown
        assert form not in message


@given(frame=benign_frames())
@settings(max_examples=examples(30))
def test_find_personal_ids_no_false_positives(frame: pd.DataFrame) -> None:
    assert find_personal_ids(frame).empty
    assert_no_personal_ids(frame)


@given(digits=cpr_numbers(), data=st.data())
def test_find_personal_ids_row_order_invariant(digits: str, data: st.DataObject) -> None:
    values = data.draw(st.lists(st.text(LETTERS, max_size=5), min_size=1, max_size=6))
    values = [*values, with_hyphen(digits), digits]
    frame = pd.DataFrame({"x": pd.array(values, dtype="string")})
    order = data.draw(st.permutations(range(len(values))))
    shuffled = frame.iloc[list(order)].reset_index(drop=True)
    assert find_personal_ids(frame)["rows_with_ids"].tolist() == [2]
    assert find_personal_ids(shuffled)["rows_with_ids"].tolist() == [2]


# --------------------------------------------------------------------------------------------
# pseudonymise
# --------------------------------------------------------------------------------------------


def _base32(hex_digest: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii").rstrip("=").lower()


def test_pseudonymise_rfc4231_vectors() -> None:
    # RFC 4231, test case 1 (key 0x0b * 20, "Hi There") and test case 6 (key 0xaa * 131),
    # whose published digests are hex; pseudonyms are the same bytes in base32.
    case1 = pseudonymise(pd.Series(["Hi There"]), b"\x0b" * 20, length=52)
    assert case1.iloc[0] == _base32(
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )
    case6 = pseudonymise(
        pd.Series(["Test Using Larger Than Block-Size Key - Hash Key First"]),
        b"\xaa" * 131,
        length=52,
    )
    assert case6.iloc[0] == _base32(
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    )
    default = pseudonymise(pd.Series(["Hi There"]), b"\x0b" * 20)
    assert default.iloc[0] == case1.iloc[0][:16]


def test_pseudonyms_are_never_taken_for_personal_numbers() -> None:
    # Regression: hex pseudonyms read as a CPR about once in a thousand values.
    numbers = pd.Series(
        [
            f"{d:02d}{m:02d}{y:02d}-{s:04d}"
            for d in range(1, 29)
            for m in range(1, 13)
            for y in range(0, 100, 7)
            for s in range(0, 10000, 997)
        ]
    )
    pseudonyms = pseudonymise(numbers, KEY, length=52).to_frame("person")
    assert find_personal_ids(pseudonyms).empty


def test_pseudonymise_shape_missing_and_text_of_numbers() -> None:
    series = pd.Series(
        [1234.0, 1234, "1234", None, np.nan], index=list("abcde"), name="id", dtype=object
    )
    out = pseudonymise(series, KEY)
    assert out.dtype == pd.StringDtype()
    assert out.index.tolist() == list("abcde")
    assert out.name == "id"
    assert out.iloc[0] == out.iloc[1] == out.iloc[2]
    assert out.isna().tolist() == [False, False, False, True, True]
    expected = _base32(hmac.new(KEY, b"1234", hashlib.sha256).hexdigest())[:16]
    assert out.iloc[0] == expected
    categorical = pseudonymise(pd.Series(pd.Categorical(["a", None, "a"])), KEY, length=8)
    assert categorical.iloc[0] == categorical.iloc[2]
    assert pd.isna(categorical.iloc[1])
    assert len(categorical.iloc[0]) == 8


@pytest.mark.parametrize(
    ("key", "error"),
    [
        (b"short", DisclosureError),
        ("fifteen chars..", DisclosureError),
        (1234567890123456789, DisclosureError),
        (None, DisclosureError),
    ],
)
def test_pseudonymise_refuses_weak_keys(key: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="key"):
        pseudonymise(pd.Series(["x"]), key)


def test_pseudonymise_bad_arguments() -> None:
    with pytest.raises(JobhandicapError, match="length"):
        pseudonymise(pd.Series(["x"]), KEY, length=4)
    with pytest.raises(JobhandicapError, match="length"):
        pseudonymise(pd.Series(["x"]), KEY, length=53)
    with pytest.raises(JobhandicapError, match="Series"):
        pseudonymise(pd.DataFrame({"x": ["a"]}), KEY)  # type: ignore[arg-type]
    assert pseudonymise(pd.Series([], dtype="string"), KEY).empty
    # A str key of 16 ASCII characters is 16 bytes: accepted.
    assert pseudonymise(pd.Series(["x"]), "k" * 16).notna().all()


@given(
    values=st.lists(st.one_of(st.text(max_size=12), st.none()), min_size=1, max_size=12),
    other=st.binary(min_size=16, max_size=40),
)
def test_pseudonymise_stable_key_dependent_and_pure(
    values: list[str | None], other: bytes
) -> None:
    series = pd.Series(values, dtype="string")
    before = series.copy()
    first = pseudonymise(series, KEY)
    again = pseudonymise(series.copy(), KEY)
    pd.testing.assert_series_equal(series, before)
    pd.testing.assert_series_equal(first, again)
    # Equal values get equal pseudonyms, different values different ones.
    present = series.notna().to_numpy()
    assert (first.notna().to_numpy() == present).all()
    pairs = list(zip(series[present], first[present], strict=True))
    for (a, pa), (b, pb) in itertools.combinations(pairs, 2):
        assert (a == b) == (pa == pb)
    # Another key gives other pseudonyms.
    if other != KEY:
        moved = pseudonymise(series, other)
        assert (moved[present] != first[present]).all()
    # Row order does not matter.
    reversed_ = pseudonymise(series.iloc[::-1], KEY)
    pd.testing.assert_series_equal(reversed_.iloc[::-1], first)


# --------------------------------------------------------------------------------------------
# suppress: helpers for the properties
# --------------------------------------------------------------------------------------------


def with_margins(inner: np.ndarray) -> pd.DataFrame:
    """A wide table of counts with a total column and a total row."""
    rows, cols = inner.shape
    frame = pd.DataFrame(
        inner,
        index=pd.Index([f"r{i}" for i in range(rows)], name="group"),
        columns=[f"c{j}" for j in range(cols)],
    )
    frame["total"] = frame.sum(axis=1)
    total = frame.sum(axis=0).to_frame().T
    total.index = pd.Index(["total"], name="group")
    return pd.concat([frame, total])


def to_long(wide: pd.DataFrame) -> pd.DataFrame:
    """The wide table as a long one: group, scheme, n (rows in row-major order)."""
    long = wide.reset_index().melt(id_vars="group", var_name="scheme", value_name="n")
    return long.sort_values(["group", "scheme"], kind="stable").reset_index(drop=True)


def lines_of(shape: tuple[int, int]) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Equations of a wide table with margins: (members, total) per row and per column."""
    n_rows, n_cols = shape  # including the total row / column (last)
    lines = []
    for i in range(n_rows):
        lines.append(([(i, j) for j in range(n_cols - 1)], (i, n_cols - 1)))
    for j in range(n_cols):
        lines.append(([(i, j) for i in range(n_rows - 1)], (n_rows - 1, j)))
    return lines


def subtraction_attack(
    values: np.ndarray,
    hidden: np.ndarray,
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]],
) -> np.ndarray:
    """Recover hidden cells line by line (one unknown per line) until nothing more falls."""
    known = ~hidden
    recovered = np.zeros_like(hidden)
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            cells = [*members, total]
            unknown = [c for c in cells if not known[c]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                recovered[unknown[0]] = True
                changed = True
    return recovered


def algebra_attack(
    hidden: np.ndarray, lines: list[tuple[list[tuple[int, int]], tuple[int, int]]]
) -> np.ndarray:
    """Hidden cells that the published lines determine: e_j lies in the row space of A_U."""
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells:
        return np.zeros_like(hidden)
    where = {c: k for k, c in enumerate(cells)}
    matrix = np.zeros((len(lines), len(cells)))
    for r, (members, total) in enumerate(lines):
        for c in members:
            if c in where:
                matrix[r, where[c]] = 1.0
        if total in where:
            matrix[r, where[total]] = -1.0
    rank = np.linalg.matrix_rank(matrix)
    out = np.zeros_like(hidden)
    for c, k in where.items():
        unit = np.zeros((1, len(cells)))
        unit[0, k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            out[c] = True
    return out


count_grids = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(1, 4), st.integers(0, 30)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


def check_protected(table: pd.DataFrame, result: SuppressedTable, threshold: int = 5) -> None:
    """Every property a suppressed wide table with margins must have."""
    values = table.to_numpy(dtype=float)
    shown = result.table.to_numpy(dtype=float, na_value=np.nan)
    hidden = result.mask.to_numpy(dtype=bool)
    # Blanked exactly where the mask says; everything else unchanged.
    assert (np.isnan(shown) == hidden).all()
    assert (shown[~hidden] == values[~hidden]).all()
    # Primary: no count 1..threshold-1 is visible.
    visible = shown[~hidden]
    assert not ((visible >= 1) & (visible < threshold)).any()
    assert (result.primary.to_numpy() <= hidden).all()
    # Secondary: every line has zero or at least two hidden cells.
    lines = lines_of(values.shape)
    for members, total in lines:
        n_hidden = sum(bool(hidden[c]) for c in [*members, total])
        assert n_hidden != 1, (members, total, hidden)
    # Attacks: subtraction to a fixpoint, and linear algebra over all lines at once.
    assert not subtraction_attack(values, hidden, lines).any()
    assert not algebra_attack(hidden, lines).any()


# --------------------------------------------------------------------------------------------
# suppress
# --------------------------------------------------------------------------------------------


def test_suppress_reference_wide() -> None:
    grants = pd.DataFrame(
        {"2017": [40, 3, 9, 52], "2018": [12, 20, 2, 34], "total": [52, 23, 11, 86]},
        index=pd.Index(["aids", "assistance", "mentor", "total"], name="scheme"),
    )
    before = grants.copy()
    result = suppress(grants, count_columns=["2017", "2018", "total"])
    pd.testing.assert_frame_equal(grants, before)
    expected = np.array(
        [[False, False, False], [True, True, False], [True, True, False], [False, False, False]]
    )
    assert (result.mask.to_numpy() == expected).all()
    assert result.primary.to_numpy().sum() == 2
    assert bool(result.primary.loc["assistance", "2017"])
    assert bool(result.primary.loc["mentor", "2018"])
    assert result.n_suppressed == 4
    assert (result.table.dtypes == pd.Int64Dtype()).all()
    assert result.render().loc["mentor"].to_numpy().tolist() == ["<5", "<5", "11"]
    check_protected(grants, result)


def test_suppress_reference_without_secondary_and_threshold() -> None:
    grants = pd.DataFrame({"n": [40, 3, 9, 52]}, index=["aids", "assistance", "mentor", "total"])
    primary_only = suppress(grants, count_columns="n", secondary=False)
    assert primary_only.mask["n"].tolist() == [False, True, False, False]
    assert primary_only.marker == "<5"
    # Threshold 10 hides the 9 too; the total row makes the column a line with two hidden.
    ten = suppress(grants, count_columns="n", threshold=10)
    assert ten.mask["n"].tolist() == [False, True, True, False]
    assert ten.marker == "<10"
    assert ten.render()["n"].tolist() == ["40", "<10", "<10", "52"]
    # With the total row and one small cell, the next smallest cell goes too.
    secondary = suppress(grants, count_columns="n")
    assert secondary.mask["n"].tolist() == [False, True, True, False]


def test_suppress_line_rule_prefers_positive_complements() -> None:
    table = pd.DataFrame({"n": [0, 3, 8, 30, 41]}, index=["a", "b", "c", "d", "total"])
    result = suppress(table, count_columns="n")
    assert result.mask["n"].tolist() == [False, True, True, False, False]
    zeros = suppress(table, count_columns="n", suppress_zero=True)
    assert zeros.mask["n"].tolist() == [True, True, False, False, False]
    assert zeros.primary["n"].tolist() == [True, True, False, False, False]


def test_suppress_long_table_with_margins_and_links() -> None:
    wide = with_margins(np.array([[40, 12, 1], [3, 20, 30], [9, 2, 30]]))
    long = to_long(wide).assign(share=lambda d: d["n"] / 200, label=lambda d: d["scheme"] + "!")
    before = long.copy()
    result = suppress(long, count_columns="n", by=["group", "scheme"])
    pd.testing.assert_frame_equal(long, before)
    hidden = result.mask["n"].to_numpy()
    assert (result.mask["share"].to_numpy() == hidden).all()  # floats linked by default
    assert not result.mask["label"].any()
    assert not result.mask[["group", "scheme"]].to_numpy().any()
    assert result.table["share"].isna().to_numpy().tolist() == hidden.tolist()
    assert result.table["n"].dtype == pd.Int64Dtype()
    # The same protection as the wide table: rebuild the grid and check it.
    grid = result.mask.assign(group=long["group"], scheme=long["scheme"]).pivot(
        index="group", columns="scheme", values="n"
    )
    grid = grid.loc[wide.index, wide.columns]
    fake = SuppressedTable(
        table=wide.astype(float).mask(grid.to_numpy(dtype=bool)),
        mask=grid.astype(bool),
        primary=grid.astype(bool) & (wide >= 1) & (wide < 5),
        threshold=5,
        marker="<5",
    )
    check_protected(wide, fake)
    # Six cells: the three small ones and three complements forming one cycle.
    assert hidden.sum() == 6
    # A tuple of grouping columns works like a list.
    as_tuple = suppress(long, count_columns="n", by=("group", "scheme"))
    pd.testing.assert_frame_equal(as_tuple.mask, result.mask)


def test_suppress_linked_columns_explicit_and_off() -> None:
    table = pd.DataFrame(
        {"k": [3, 20], "n": [30, 40], "share": [0.1, 0.5], "ci_low": [0.02, 0.3]},
        index=["a", "b"],
    )
    auto = suppress(table, count_columns=["k", "n"])
    assert auto.mask.loc["a"].to_numpy().tolist() == [True, False, True, True]
    explicit = suppress(table, count_columns=["k", "n"], linked_columns={"k": ["share"]})
    assert explicit.mask.loc["a"].to_numpy().tolist() == [True, False, True, False]
    off = suppress(table, count_columns=["k", "n"], linked_columns={})
    assert off.mask.loc["a"].to_numpy().tolist() == [True, False, False, False]
    assert off.table["share"].tolist() == [0.1, 0.5]


def test_suppress_declared_totals() -> None:
    table = pd.DataFrame({"a": [3, 20, 7], "b": [10, 6, 8]})
    # Nothing published beyond the cells: only the primary cell goes.
    plain = suppress(table, count_columns=["a", "b"])
    assert plain.mask.to_numpy().sum() == 1
    # Column sums published elsewhere: column a needs a second hidden cell.
    columns = suppress(table, count_columns=["a", "b"], totals=["column"])
    assert columns.mask["a"].tolist() == [True, False, True]
    # Row and column sums: a rectangle.
    both = suppress(table, count_columns=["a", "b"], totals=["column", "row"])
    assert both.mask.to_numpy().sum() == 4
    assert both.mask.loc[0].to_numpy().tolist() == [True, True]
    with pytest.raises(JobhandicapError, match="unknown entries in totals"):
        suppress(table, count_columns=["a", "b"], totals=["rows"])


def test_suppress_unprotectable_declared_total() -> None:
    table = pd.DataFrame({"a": [3]})
    with pytest.raises(DisclosureError, match="cannot protect"):
        suppress(table, count_columns="a", totals=["column"])


def test_suppress_nested_subtotals() -> None:
    table = pd.DataFrame(
        {
            "region": ["north", "north", "north", "south", "south", "south", "total"],
            "municipality": ["a", "b", "total", "c", "d", "total", "total"],
            "n": [3, 40, 43, 25, 30, 55, 98],
        }
    )
    result = suppress(table, count_columns="n", by=["region", "municipality"])
    hidden = result.mask["n"].tolist()
    # a is small; its subtotal line (a, b, north total) needs a second hidden cell: b.
    assert hidden[:3] == [True, True, False]
    assert not any(hidden[3:])
    with pytest.raises(JobhandicapError, match="rows are marked as totals"):
        suppress(table.set_index(["region", "municipality"]), count_columns="n")


def test_suppress_determinacy_check_catches_bridges() -> None:
    # Two hidden 2 x 2 rectangles joined by one hidden cell: every line holds two or more
    # hidden cells, yet the joining cell is determined (bridge). The helper must say so.
    n_rows, n_cols = 5, 5  # 4 x 4 inner cells plus a total row and a total column
    unknown = np.zeros(n_rows * n_cols, dtype=bool)
    for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]:
        unknown[r * n_cols + c] = True
    is_total = np.array([False, False, False, False, True])
    down = line_pairs(is_total, np.zeros(n_rows, np.int64), False, n_cols, 0)
    across = across_pairs(n_rows, n_cols, n_cols - 1, down[3])
    equation = np.concatenate([down[0], across[0]])
    cell = np.concatenate([down[1], across[1]])
    coef = np.concatenate([down[2], across[2]])
    assert determined_cells(equation, cell, coef, unknown).tolist() == [2]
    hidden = unknown.reshape(n_rows, n_cols)
    assert algebra_attack(hidden, lines_of((n_rows, n_cols)))[0, 2]


def test_suppress_missing_cells_count_as_unknown_and_idempotent() -> None:
    table = pd.DataFrame({"n": [np.nan, 20.0, 7.0, 33.0]}, index=["a", "b", "c", "total"])
    result = suppress(table, count_columns="n")
    assert result.mask["n"].tolist() == [False, False, True, False]
    assert result.table["n"].dtype == np.float64
    again = suppress(result.table, count_columns="n")
    assert not again.mask.to_numpy().any()


def test_suppress_bad_input() -> None:
    table = pd.DataFrame({"n": [1, 2], "label": ["a", "b"]})
    with pytest.raises(MissingColumnsError, match="nope"):
        suppress(table, count_columns=["nope"])
    with pytest.raises(SchemaError, match="must hold numbers"):
        suppress(table, count_columns=["label"])
    with pytest.raises(SchemaError) as caught:
        suppress(pd.DataFrame({"n": [1, -2]}), count_columns="n")
    assert caught.value.problems["row"].tolist() == [1]
    with pytest.raises(JobhandicapError, match="threshold"):
        suppress(table, count_columns="n", threshold=0)
    with pytest.raises(JobhandicapError, match="both a count"):
        suppress(table, count_columns="n", by=["n"])
    with pytest.raises(JobhandicapError, match="not count columns"):
        suppress(table, count_columns="n", linked_columns={"label": []})
    with pytest.raises(JobhandicapError, match="duplicate"):
        suppress(pd.DataFrame([[1, 2]], columns=["n", "n"]), count_columns="n")
    with pytest.raises(JobhandicapError, match="DataFrame"):
        suppress([1, 2], count_columns="n")  # type: ignore[arg-type]


@given(grid=count_grids)
def test_suppress_property_no_recovery_wide(grid: list[list[int]]) -> None:
    table = with_margins(np.array(grid, dtype=np.int64))
    before = table.copy()
    result = suppress(table, count_columns=list(table.columns))
    pd.testing.assert_frame_equal(table, before)
    check_protected(table, result)
    # Idempotent: the suppressed table needs nothing more.
    again = suppress(result.table, count_columns=list(table.columns))
    assert not again.mask.to_numpy().any()


@given(grid=count_grids)
@settings(max_examples=examples(30))
def test_suppress_property_no_recovery_long(grid: list[list[int]]) -> None:
    wide = with_margins(np.array(grid, dtype=np.int64))
    long = to_long(wide)
    result = suppress(long, count_columns="n", by=["group", "scheme"])
    hidden = (
        result.mask.assign(group=long["group"], scheme=long["scheme"])
        .pivot(index="group", columns="scheme", values="n")
        .loc[wide.index, wide.columns]
        .to_numpy(dtype=bool)
    )
    values = wide.to_numpy(dtype=float)
    lines = lines_of(values.shape)
    visible = values[~hidden]
    assert not ((visible >= 1) & (visible < 5)).any()
    for members, total in lines:
        assert sum(bool(hidden[c]) for c in [*members, total]) != 1
    assert not subtraction_attack(values, hidden, lines).any()
    assert not algebra_attack(hidden, lines).any()


@given(grid=count_grids, low=st.integers(1, 6), extra=st.integers(0, 6))
def test_suppress_property_threshold_monotone(grid: list[list[int]], low: int, extra: int) -> None:
    table = with_margins(np.array(grid, dtype=np.int64))
    small = suppress(table, count_columns=list(table.columns), threshold=low)
    large = suppress(table, count_columns=list(table.columns), threshold=low + extra)
    assert (small.primary.to_numpy() <= large.primary.to_numpy()).all()
    check_protected(table, large, threshold=low + extra)


# --------------------------------------------------------------------------------------------
# render_suppressed
# --------------------------------------------------------------------------------------------


def test_render_suppressed_reference() -> None:
    table = pd.DataFrame(
        {"n": pd.array([None, 12, None], dtype="Int64"), "share": [None, 0.41666, np.nan]}
    )
    mask = pd.DataFrame({"n": [True, False, False]})
    out = render_suppressed(table, mask, "x", na_rep="-", decimals=2)
    assert out["n"].tolist() == ["x", "12", "-"]
    assert out["share"].tolist() == ["-", "0.42", "-"]
    assert (out.dtypes == pd.StringDtype()).all()
    with pytest.raises(JobhandicapError, match="index"):
        render_suppressed(table, mask.iloc[:2], "x")
    with pytest.raises(JobhandicapError, match="lacks"):
        render_suppressed(table, mask.assign(other=False), "x")
    with pytest.raises(JobhandicapError, match="boolean"):
        render_suppressed(table, mask.astype(int), "x")


@given(grid=count_grids, marker=st.sampled_from(["<5", ".", "x", "c"]))
def test_render_suppressed_property(grid: list[list[int]], marker: str) -> None:
    table = with_margins(np.array(grid, dtype=np.int64))
    result = suppress(table, count_columns=list(table.columns), marker=marker)
    text = result.render()
    hidden = result.mask.to_numpy(dtype=bool)
    cells = text.to_numpy(dtype=object)
    assert (cells[hidden] == marker).all()
    assert (cells[~hidden] == table.astype(str).to_numpy()[~hidden]).all()
    assert text.index.equals(table.index)
    assert text.columns.equals(table.columns)


def test_suppress_totals_accepts_a_single_string() -> None:
    table = pd.DataFrame({"a": [3, 20, 7]})
    assert suppress(table, count_columns="a", totals="column").mask["a"].tolist() == [
        True,
        False,
        True,
    ]


# --------------------------------------------------------------------------------------------
# hide_personal_ids: cell by cell, for text shown on a screen
# --------------------------------------------------------------------------------------------


@given(
    st.lists(
        st.one_of(
            st.text(LETTERS, max_size=12),
            st.integers(0, 99_999_999),
            cpr_numbers(replacement=True).flatmap(lambda d: st.sampled_from(forms(d))),
            cpr_numbers().map(lambda d: f"unknown municipality {int(d)}; did you mean"),
            cpr_numbers().map(int),
        ),
        max_size=12,
    )
)
def test_hide_personal_ids_leaves_none_and_hides_only_those(values: list[object]) -> None:
    from jobhandicap.disclosure import hide_personal_ids

    series = pd.Series(values, dtype=object)
    before = series.copy()
    shown, hidden = hide_personal_ids(series)
    pd.testing.assert_series_equal(series, before)  # not modified
    assert hidden == int((shown == "<personal number hidden>").sum())
    assert find_personal_ids(shown.to_frame("value")).empty
    for value, kept in zip(values, shown.tolist(), strict=True):
        if kept != "<personal number hidden>":
            assert kept == value
        if isinstance(value, str) and all(ch in LETTERS for ch in value):
            assert kept == value  # plain text is never hidden
