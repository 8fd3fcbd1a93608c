"""The reduction primitive: grouped counts and sums, and adding the tables of parts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobhandicap._reduce import combine, grouped_sums
from jobhandicap.errors import ArgumentTypeError, OptionError

LABELS = ["aids", "personal assistance", "job aids", None]


@st.composite
def rows(draw: st.DrawFn) -> pd.DataFrame:
    size = draw(st.integers(0, 60))
    scheme = draw(st.lists(st.sampled_from(LABELS), min_size=size, max_size=size))
    year = draw(st.lists(st.integers(2017, 2020), min_size=size, max_size=size))
    amount = draw(
        st.lists(
            st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
            min_size=size,
            max_size=size,
        )
    )
    granted = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    return pd.DataFrame(
        {
            "scheme": pd.Categorical(scheme, categories=LABELS[:3]),
            "year": np.asarray(year, dtype=np.int64),
            "amount_dkk": np.asarray(amount, dtype=np.float64),
            "granted": np.asarray(granted, dtype=bool),
        }
    )


def _reduce(frame: pd.DataFrame) -> pd.DataFrame:
    return grouped_sums(
        {"scheme": frame["scheme"], "year": frame["year"]},
        {"amount_dkk": frame["amount_dkk"], "granted": frame["granted"]},
    )


def _pandas(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        frame.groupby(["scheme", "year"], observed=True)
        .agg(
            n=("amount_dkk", "size"),
            amount_dkk=("amount_dkk", "sum"),
            granted=("granted", "sum"),
        )
        .reset_index()
        .astype({"n": "int64", "granted": "float64", "year": "int64"})
    )


@given(rows())
def test_grouped_sums_equals_a_pandas_group_by(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(_reduce(frame), _pandas(frame), check_exact=False, rtol=1e-12)


@given(rows(), st.integers(0, 60))
def test_reducing_parts_and_combining_equals_reducing_the_whole(
    frame: pd.DataFrame, cut: int
) -> None:
    parts = [_reduce(frame.iloc[:cut]), _reduce(frame.iloc[cut:])]
    combined = combine(parts, ["scheme", "year"])
    pd.testing.assert_frame_equal(combined, _reduce(frame), check_exact=False, rtol=1e-12)


@given(rows())
def test_row_order_does_not_matter_and_input_is_not_modified(frame: pd.DataFrame) -> None:
    before = frame.copy()
    shuffled = frame.sample(frac=1.0, random_state=7)
    pd.testing.assert_frame_equal(_reduce(shuffled), _reduce(frame), rtol=1e-12)
    pd.testing.assert_frame_equal(frame, before)


def test_unobserved_combinations_are_rows_of_zeros_when_asked() -> None:
    keys: dict[str, pd.Series] = {
        "scheme": pd.Series(pd.Categorical(["aids"], categories=["aids", "job aids"])),
        "year": pd.Series([2019]),
    }
    table = grouped_sums(keys, {"amount_dkk": [5.0]}, observed=False)
    assert table["scheme"].tolist() == ["aids", "job aids"]
    assert table["n"].tolist() == [1, 0]
    assert table["amount_dkk"].tolist() == [5.0, 0.0]
    assert isinstance(table["scheme"].dtype, pd.CategoricalDtype)


def test_no_keys_gives_one_row_of_totals_even_without_rows() -> None:
    assert grouped_sums({}, {"x": [1.0, 2.0]}).to_dict("records") == [{"n": 2, "x": 3.0}]
    assert grouped_sums({}, {"x": []}).to_dict("records") == [{"n": 0, "x": 0.0}]


def test_a_key_without_values_has_no_combinations() -> None:
    empty = pd.Series([], dtype=object)
    assert grouped_sums({"a": empty}, {"x": []}, observed=False).empty
    missing = pd.Series([None, None], dtype=object)
    assert grouped_sums({"a": missing}, {"x": [1.0, 2.0]}, observed=False).empty


def test_key_combinations_beyond_int64_are_counted_right() -> None:
    # Four keys of 200,000 values each: 1.6e21 combinations, more than an int64 can number.
    size = 200_000
    rng = np.random.default_rng(5)
    keys = {name: rng.permutation(size).astype(str) for name in "abcd"}
    table = grouped_sums(keys, {"x": np.arange(size, dtype=np.float64)})
    expected = pd.DataFrame(keys).assign(n=1, x=np.arange(size, dtype=np.float64))
    expected = expected.sort_values(list("abcd"), ignore_index=True)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_many_key_combinations_take_the_sparse_path() -> None:
    size = 5_000
    keys = {"a": np.arange(size), "b": np.arange(size)[::-1]}
    table = grouped_sums(keys, {"x": np.ones(size)})
    assert len(table) == size
    assert table["n"].sum() == size


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(OptionError, match="differ in length"):
        grouped_sums({"a": [1, 2]}, {"x": [1.0]})
    with pytest.raises(OptionError, match="count column"):
        grouped_sums({"n": [1]})
    with pytest.raises(ArgumentTypeError, match="one number per row"):
        grouped_sums({"a": [1]}, {"x": ["text"]})
    with pytest.raises(ArgumentTypeError, match="one value per row"):
        grouped_sums({"a": "abc"})
    with pytest.raises(OptionError, match="at least one"):
        combine([], ["a"])
