"""The usage indicators in other engines: the same answers from Polars, PyArrow, DuckDB, PySpark.

``scheme_usage`` (every ``count``), ``expenditure_shares`` (``spread=True`` too), ``count_cases``,
``target_group_coverage`` and ``active_grants`` reduce in the engine; on the same generated
cases every engine must give pandas' answer to 1e-12. The Spark test (marker ``spark``) uses
the session fixture of ``tests/conftest.py`` and runs a few calls on a small frame.
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
from jobhandicap.errors import OptionError
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
    (jh.expenditure_shares, {"by": "year", "spread": True}),
    (jh.expenditure_shares, {}),
    (jh.expenditure_shares, {"by": ["jobcentre", "year"], "spread": True}),
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
    # Amounts in attrs (later_dkk) are sums too: equal to rounding, in any order of addition.
    assert got.attrs == pytest.approx(expected.attrs, rel=1e-12, abs=1e-9)


def _check(cases: pd.DataFrame, makers: dict[str, Maker], calls: list[Call]) -> None:
    """Every engine gives pandas' table, and says the same about the data (cases left out)."""
    original = cases.copy()
    for function, options in calls:
        expected, said = _said(function, cases, options)
        for name, make in makers.items():
            got, engine_said = _said(function, make(cases), options)
            try:
                _same(expected, got)
                assert engine_said == said
            except AssertionError as exc:  # pragma: no cover - names the failing call
                raise AssertionError(f"{function.__name__}({options}) on {name}") from exc
    pd.testing.assert_frame_equal(cases, original)


def _said(
    function: Callable[..., pd.DataFrame], cases: Any, options: dict[str, Any]
) -> tuple[pd.DataFrame, list[str]]:
    """The result and the data-quality warnings of one call (small-sample ones ignored)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", jh.SmallSampleWarning)
        result = function(cases, **options)
    said = sorted(str(w.message) for w in caught if issubclass(w.category, jh.DataQualityWarning))
    return result, said


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
    """Periods open, closed, ending before they start and outside the years counted.

    With amounts and yearly amounts known or missing, so the spread expenditure meets every
    kind of grant: spread by a yearly amount, pro rata over a closed period (running past the
    horizon), or spent once (no period, open-ended without a yearly amount, or backwards).
    """
    size = len(starts)

    def draw(values: st.SearchStrategy[Any]) -> list[Any]:
        return data.draw(st.lists(values, min_size=size, max_size=size))

    lengths = draw(st.none() | st.integers(-30, 1500))
    schemes = draw(st.sampled_from(["aids", "personal assistance"]))
    decisions = draw(st.sampled_from(["granted", "refused"]))
    money = st.none() | st.integers(0, 300_000).map(float)
    amounts, yearly = draw(money), draw(money)
    decided = draw(st.none() | st.integers(0, 400))
    origin = pd.Timestamp("2016-01-01")
    start = [origin + pd.Timedelta(days=d) for d in starts]
    cases = pd.DataFrame(
        {
            "jobcentre": [101 + (i % 3) for i in range(size)],
            "scheme": pd.Categorical(schemes, categories=[s.value for s in jh.CompensationScheme]),
            "applied": pd.to_datetime([s - pd.Timedelta(days=20) for s in start]),
            "decided": pd.Series(
                [
                    pd.NaT if d is None else s + pd.Timedelta(days=d)
                    for s, d in zip(start, decided, strict=True)
                ],
                dtype="datetime64[ns]",
            ),
            "decision": decisions,
            "amount_dkk": pd.Series(amounts, dtype="float64"),
            "yearly_amount_dkk": pd.Series(yearly, dtype="float64"),
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
        (jh.expenditure_shares, {"by": "year", "spread": True}),
        (jh.expenditure_shares, {"by": ["jobcentre", "year"], "spread": True}),
    ]
    _check(cases, ENGINES, calls)
    _check(cases.drop(columns="yearly_amount_dkk"), ENGINES, calls[-1:])


def _grants(**columns: Any) -> pd.DataFrame:
    """Four granted cases, one of each kind of spending, with ``columns`` replaced."""
    cases = pd.DataFrame(
        {
            "jobcentre": [101, 101, 147, 147],
            "scheme": ["aids", "personal assistance", "personal assistance", "aids"],
            "applied": pd.to_datetime(["2018-01-05", "2018-02-01", "2019-03-01", "2020-05-05"]),
            "decision": "granted",
            "amount_dkk": [1000.0, 50_000.0, float("nan"), 300.0],
            "yearly_amount_dkk": [float("nan"), float("nan"), 120_000.0, float("nan")],
            # open-ended aid; closed period past the horizon; none; ending before its start
            "granted_from": pd.Series(
                ["2018-02-01", "2018-03-01", None, "2020-06-01"], dtype="datetime64[ns]"
            ),
            "granted_to": pd.Series(
                [None, "2022-02-28", None, "2020-01-01"], dtype="datetime64[ns]"
            ),
        }
    ).assign(**columns)
    return cases.astype({"scheme": pd.CategoricalDtype([s.value for s in jh.CompensationScheme])})


@pytest.mark.parametrize(
    "cases",
    [
        pytest.param(_grants(), id="every kind of grant"),
        pytest.param(_grants(decision="refused"), id="no grant"),
        pytest.param(_grants(granted_from=pd.NaT, granted_to=pd.NaT), id="no period"),
        pytest.param(_grants(year=[2017, 2018, 2025, 2019]), id="a year column"),
        pytest.param(_grants(scheme=["aids", None, "aids", "aids"]), id="a missing scheme"),
        pytest.param(
            _grants(scheme=["aids", None, "aids", "aids"], jobcentre=[101, None, 101, None]),
            id="missing scheme and jobcentre",
        ),
        pytest.param(
            _grants(
                granted_from=pd.Series(
                    ["2018-12-31 18:00", "2018-03-01 06:00", None, None], dtype="datetime64[ns]"
                ),
                granted_to=pd.Series(
                    ["2019-01-01 06:00", "2019-06-30 23:59", None, None], dtype="datetime64[ns]"
                ),
            ),
            id="periods with a time of day",
        ),
        pytest.param(
            _grants(
                granted_to=pd.Series(
                    [None, "9999-12-31", None, "2020-01-01"], dtype="datetime64[s]"
                )
            ),
            id="9999-12-31 as the end",
        ),
        pytest.param(
            _grants(applied=[pd.Timestamp("2018-01-05"), pd.NaT, *_grants()["applied"][2:]]),
            id="missing applied of a spread grant",
        ),
        pytest.param(
            _grants(decision=["granted", None, "granted", "refused"]), id="missing decision"
        ),
    ],
)
def test_spread_expenditure_gives_pandas_answers_on_edge_cases(cases: pd.DataFrame) -> None:
    calls: list[Call] = [
        (jh.expenditure_shares, {"by": "year", "spread": True}),
        (jh.expenditure_shares, {"by": ["year", "jobcentre"], "spread": True}),
    ]
    _check(cases, ENGINES, calls)


def test_spread_expenditure_runs_to_the_horizon_in_the_engine() -> None:
    """The closed period beyond the horizon: its later days are in attrs, not in the years."""
    got = jh.expenditure_shares(ENGINES["duckdb"](_grants()), by="year", spread=True)
    assert got.attrs["spread_to"] == 2020
    # 50 000 over 1 March 2018 - 28 February 2022 (1461 days), of which 424 after 2020.
    assert got.attrs["later_dkk"] == pytest.approx(50_000 * 424 / 1461, rel=1e-12)
    assert got["year"].tolist() == [2018, 2018, 2019, 2020, 2020]


@pytest.mark.parametrize("name", ["_from", "_once", "_n2019"])
def test_spread_expenditure_refuses_a_group_named_like_a_working_column(name: str) -> None:
    """The engine adds working columns to the frame: a group of that name would be lost."""
    cases = _grants().assign(**{name: ["a", "b", "a", "b"]})
    for make in ENGINES.values():
        with pytest.raises(OptionError, match=f"'{name}' are named like columns of the working"):
            jh.expenditure_shares(make(cases), by=["year", name], spread=True)


def test_spread_expenditure_on_an_engine_frame_needs_an_application_year() -> None:
    """A grant spent once needs its application year, as in pandas, even with a start date."""
    for missing in (0, 2):  # an open-ended aid, a grant without a period
        applied = _grants()["applied"]
        cases = _grants(applied=applied.mask(applied.index == missing))
        with pytest.raises(jh.JobhandicapError, match="cannot derive 'year'"):
            jh.expenditure_shares(cases, by="year", spread=True)
        for make in ENGINES.values():
            with pytest.raises(jh.JobhandicapError, match=r"cannot derive 'year': 1 granted case"):
                jh.expenditure_shares(make(cases), by="year", spread=True)


def test_spread_expenditure_on_an_engine_frame_needs_year_and_periods(
    example: jh.ExampleData,
) -> None:
    native = ENGINES["polars-lazy"](example.cases.head(20))
    with pytest.raises(OptionError, match="put 'year' in by"):
        jh.expenditure_shares(native, spread=True)
    without = ENGINES["duckdb"](example.cases.head(20).drop(columns="granted_to"))
    with pytest.raises(jh.MissingColumnsError, match="granted_to"):
        jh.expenditure_shares(without, by="year", spread=True)
    text = example.cases.head(20).astype({"granted_from": "string"})
    for cases in (text, ENGINES["pyarrow"](text)):
        with pytest.raises(
            jh.JobhandicapError, match="granted_from and granted_to must hold dates"
        ):
            jh.expenditure_shares(cases, by="year", spread=True)


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
        (jh.expenditure_shares, {"by": "year", "spread": True}),
        (jh.active_grants, {}),
    ]
    _check(cases, {"pyspark": _spark_maker(spark)}, calls)
    # Every kind of spending (spread yearly, pro rata past the horizon, once) in Spark's SQL.
    spread: list[Call] = [(jh.expenditure_shares, {"by": ["year", "jobcentre"], "spread": True})]
    _check(_grants(), {"pyspark": _spark_maker(spark)}, spread)
