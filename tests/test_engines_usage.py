"""The usage indicators in other engines: the same answers from Polars, PyArrow, DuckDB, PySpark.

``scheme_usage`` (every ``count``), ``expenditure_shares``, ``count_cases``,
``target_group_coverage`` and ``active_grants`` reduce in the engine; on the same generated
cases every engine must give pandas' answer to 1e-12. The Spark test (marker ``spark``) shares
the session of ``tests/test_engines.py`` and runs a few calls on a small frame.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap.errors import ArgumentTypeError, OptionError
from test_engines import ENGINES

Maker = Callable[[pd.DataFrame], Any]
Call = tuple[Callable[..., pd.DataFrame], dict[str, Any]]

CALLS: list[Call] = [
    (jh.scheme_usage, {}),
    (jh.scheme_usage, {"count": "applications", "by": ["year", "jobcentre"]}),
    (jh.scheme_usage, {"count": "active"}),
    (jh.scheme_usage, {"count": "new", "by": ["year"]}),
    (jh.scheme_usage, {"by": "scheme", "decision": "all"}),
    (jh.expenditure_shares, {"by": "year"}),
    (jh.expenditure_shares, {}),
    (jh.count_cases, {}),
    (jh.count_cases, {"by": "scheme", "decision": "decided", "unit": "municipality"}),
    (jh.count_cases, {"complete": False, "decision": None}),
    (jh.target_group_coverage, {}),
    (jh.target_group_coverage, {"by": (), "per_scheme": False}),
    (jh.active_grants, {}),
    (jh.active_grants, {"by": ["jobcentre", "scheme"], "years": [2019, 2020]}),
    (jh.active_grants, {"by": ()}),
]


def _same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(expected, got, check_exact=False, rtol=1e-12, atol=1e-12)
    assert got.attrs == expected.attrs


def _check(cases: pd.DataFrame, makers: dict[str, Maker], calls: list[Call]) -> None:
    original = cases.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jh.SmallSampleWarning)
        for function, options in calls:
            expected = function(cases, **options)
            for name, make in makers.items():
                try:
                    _same(expected, function(make(cases), **options))
                except AssertionError as exc:  # pragma: no cover - names the failing call
                    raise AssertionError(f"{function.__name__}({options}) on {name}") from exc
    pd.testing.assert_frame_equal(cases, original)


@pytest.fixture(scope="module")
def example() -> jh.ExampleData:
    return jh.load_example()


def test_the_usage_indicators_are_the_same_in_every_engine(example: jh.ExampleData) -> None:
    _check(example.cases, ENGINES, CALLS)


@settings(max_examples=examples(6), deadline=None)
@given(data=st.data())
def test_generated_cases_give_pandas_answers_in_every_engine(data: st.DataObject) -> None:
    """A generated subset of the example cases in a generated order (row order, gaps)."""
    cases = jh.load_example().cases
    positions = data.draw(
        st.lists(st.integers(0, len(cases) - 1), min_size=1, max_size=120, unique=True)
    )
    subset = cases.iloc[positions].reset_index(drop=True)
    _check(subset, ENGINES, CALLS[::2])


@settings(max_examples=examples(6), deadline=None)
@given(
    starts=st.lists(st.integers(0, 2000), min_size=1, max_size=25),
    data=st.data(),
)
def test_generated_periods_give_pandas_answers(starts: list[int], data: st.DataObject) -> None:
    """Periods open, closed, ending before they start and outside the years counted."""
    size = len(starts)
    lengths = data.draw(st.lists(st.none() | st.integers(-30, 1500), min_size=size, max_size=size))
    schemes = data.draw(
        st.lists(st.sampled_from(["aids", "personal assistance"]), min_size=size, max_size=size)
    )
    decisions = data.draw(
        st.lists(st.sampled_from(["granted", "refused"]), min_size=size, max_size=size)
    )
    origin = pd.Timestamp("2016-01-01")
    start = [origin + pd.Timedelta(days=d) for d in starts]
    cases = pd.DataFrame(
        {
            "jobcentre": [101 + (i % 3) for i in range(size)],
            "scheme": pd.Categorical(schemes, categories=[s.value for s in jh.CompensationScheme]),
            "applied": pd.to_datetime([s - pd.Timedelta(days=20) for s in start]),
            "decision": decisions,
            "granted_from": pd.Series(
                [s if i % 5 else pd.NaT for i, s in enumerate(start)], dtype="datetime64[ns]"
            ),
            "granted_to": pd.Series(
                [
                    pd.NaT if n is None else s + pd.Timedelta(days=n)
                    for s, n in zip(start, lengths, strict=True)
                ],
                dtype="datetime64[ns]",
            ),
        }
    )
    calls: list[Call] = [
        (jh.scheme_usage, {}),
        (jh.scheme_usage, {"count": "new"}),
        (jh.active_grants, {"years": [2017, 2019]}),
    ]
    _check(cases, ENGINES, calls)


def test_spread_amounts_need_rows_and_say_what_to_pass(example: jh.ExampleData) -> None:
    native = ENGINES["polars-lazy"](example.cases.head(20))
    with pytest.raises(
        ArgumentTypeError, match=r"expenditure_shares\(spread=True\).*spread=False"
    ):
        jh.expenditure_shares(native, by="year", spread=True)
    with pytest.raises(OptionError, match="put 'year' in by"):
        jh.expenditure_shares(native, spread=True)


def test_an_engine_frame_gets_the_pandas_option_errors(example: jh.ExampleData) -> None:
    native = ENGINES["duckdb"](example.cases.head(20))
    with pytest.raises(OptionError, match="count must be"):
        jh.scheme_usage(native, count="stock")
    with pytest.raises(OptionError, match="put 'year' in by"):
        jh.scheme_usage(native, by="scheme", count="active")
    with pytest.raises(OptionError, match="drop 'year'"):
        jh.active_grants(native, by="year")
    with pytest.raises(jh.MissingColumnsError):
        jh.target_group_coverage(ENGINES["polars"](example.cases.drop(columns="target_group")))


def _spark_maker(session: Any) -> Maker:
    def make(frame: pd.DataFrame) -> Any:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        plain = pa.table(
            {
                name: column.cast(column.type.value_type)
                if pa.types.is_dictionary(column.type)
                else column
                for name, column in zip(table.column_names, table.columns, strict=True)
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return session.createDataFrame(plain)

    return make


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_usage_indicators_are_the_same_in_pyspark(
    spark: Any,
    example: jh.ExampleData,
) -> None:
    # Few calls on a small frame: every call is a few Spark jobs (CI has 2 cores). The other
    # indicators share these reductions (engine_usage).
    cases = example.cases.iloc[::40].reset_index(drop=True)
    calls: list[Call] = [
        (jh.scheme_usage, {}),
        (jh.expenditure_shares, {"by": "year"}),
        (jh.active_grants, {}),
    ]
    _check(cases, {"pyspark": _spark_maker(spark)}, calls)
