"""The reductions in other engines: the same answers from Polars, PyArrow, DuckDB and PySpark.

Every indicator that reduces in the engine is run on the same generated data as a pandas frame
and as a Polars DataFrame and LazyFrame, a PyArrow Table, a DuckDB relation and (marker
``spark``) a PySpark DataFrame; the results must equal pandas' to 1e-12. PySpark needs Java: the
Spark tests are skipped locally without it, and fail under ``CI=true`` instead.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap._engines import engine_frame
from jobhandicap._reduce import engine_sums, grouped_sums
from jobhandicap.errors import ArgumentTypeError, JobhandicapError, SchemaError

Maker = Callable[[pd.DataFrame], Any]

_CONNECTION = duckdb.connect()


def _arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


ENGINES: dict[str, Maker] = {
    "polars": lambda f: pl.from_arrow(_arrow(f)),
    "polars-lazy": lambda f: pl.from_arrow(_arrow(f)).lazy(),  # type: ignore[union-attr]
    "pyarrow": _arrow,
    "duckdb": lambda f: _CONNECTION.from_arrow(_arrow(f)),
}


def _same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(expected, got, check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.fixture(scope="module")
def example() -> jh.ExampleData:
    return jh.load_example()


def _rows(frame: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
    return frame.iloc[positions].reset_index(drop=True)


def _subset(size: int) -> st.SearchStrategy[list[int]]:
    """Row positions: a generated subset of the example rows in a generated order."""
    return st.lists(st.integers(0, size - 1), min_size=1, max_size=80, unique=True)


# --------------------------------------------------------------------------------------------
# The primitive
# --------------------------------------------------------------------------------------------


@settings(max_examples=examples(30))
@given(
    keys=st.lists(st.sampled_from(["a", "b", None]), min_size=0, max_size=40),
    data=st.data(),
)
def test_engine_sums_equal_grouped_sums(keys: list[str | None], data: st.DataObject) -> None:
    numbers = data.draw(st.lists(st.integers(-5, 5), min_size=len(keys), max_size=len(keys)))
    years = data.draw(st.lists(st.integers(2018, 2020), min_size=len(keys), max_size=len(keys)))
    frame = pd.DataFrame(
        {
            "key": pd.Categorical(keys, categories=["b", "a", "c"]),
            "year": np.asarray(years, dtype=np.int64),
            "x": np.asarray(numbers, dtype=np.float64),
        }
    )
    expected = grouped_sums(
        {"key": frame["key"], "year": frame["year"]}, {"x": frame["x"].to_numpy()}
    )
    for make in ENGINES.values():
        wrapped = engine_frame(make(frame), function="test", what="frame")
        assert wrapped is not None
        got = engine_sums(
            wrapped,
            ["key", "year"],
            {"x": jh_col("x")},
            categories={"key": ["b", "a", "c"]},
        )
        _same(expected, got)


def jh_col(name: str) -> Any:
    import narwhals.stable.v2 as nw

    return nw.col(name)


def test_engine_sums_without_keys_give_one_row_of_totals_even_when_empty() -> None:
    frame = pd.DataFrame({"x": np.array([], dtype=np.float64)})
    expected = grouped_sums({}, {"x": frame["x"].to_numpy()})
    for make in ENGINES.values():
        wrapped = engine_frame(make(frame), function="test", what="frame")
        assert wrapped is not None
        _same(expected, engine_sums(wrapped, [], {"x": jh_col("x")}))


# --------------------------------------------------------------------------------------------
# The indicators: the same answers in every engine
# --------------------------------------------------------------------------------------------


def _natives(frame: pd.DataFrame, makers: dict[str, Maker]) -> dict[str, Any]:
    """The frame in every engine, made once: no call changes an engine frame, so one serves all."""
    return {name: make(frame) for name, make in makers.items()}


def _check_calls(
    frame: pd.DataFrame,
    natives: dict[str, Any],
    calls: list[tuple[Callable[..., pd.DataFrame], dict[str, Any]]],
) -> None:
    """Every call gives pandas' answer (computed once) in every engine; pandas' input intact."""
    original = frame.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jh.SmallSampleWarning)
        for function, options in calls:
            expected = function(frame, **options)
            for name, native in natives.items():
                try:
                    _same(expected, function(native, **options))
                except AssertionError as error:  # pragma: no cover - names the failing call
                    raise AssertionError(f"{function.__name__}({options}) in {name}") from error
    pd.testing.assert_frame_equal(frame, original)


def _check_cases(
    cases: pd.DataFrame, extracted: Any, natives: dict[str, Any], full: bool = True
) -> None:
    calls: list[tuple[Callable[..., pd.DataFrame], dict[str, Any]]] = [
        (jh.processing_time, {"by": ["year", "scheme"], "extracted": extracted, "within": 30}),
        (jh.survival_table, {"by": "target_group", "extracted": extracted}),
        (jh.grant_rate, {"by": ["jobcentre", "scheme"]}),
        (jh.decision_incidence, {"by": "year", "extracted": extracted, "times": (10, 45)}),
    ]
    if full:
        calls += [(jh.processing_time, {"extracted": extracted}), (jh.grant_rate, {})]
    _check_calls(cases, natives, calls)


def _check_comparison(cases: pd.DataFrame, extracted: Any, natives: dict[str, Any]) -> None:
    """compare_processing_time's three frames, bootstrap included, in every engine."""
    original = cases.copy()
    options: dict[str, Any] = {"extracted": extracted, "strata": "scheme", "n_boot": 49}
    try:
        expected = jh.compare_processing_time(cases, "year", **options)
    except JobhandicapError as error:  # e.g. one year only among the drawn rows
        for native in natives.values():
            with pytest.raises(type(error)):
                jh.compare_processing_time(native, "year", **options)
        return
    for native in natives.values():
        got = jh.compare_processing_time(native, "year", **options)
        for name in ("tests", "groups", "differences"):
            _same(getattr(expected, name), getattr(got, name))
    pd.testing.assert_frame_equal(cases, original)


def _drawn_cases(
    example: jh.ExampleData, positions: list[int], days: int
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The drawn cases and an extraction date ``days`` before the data's, after every case."""
    cases = _rows(example.cases, positions)
    # Before the data's own extraction date some decided cases are censored there.
    shifted = pd.Timestamp(example.extracted) + pd.Timedelta(days=days)
    return cases, max(cases["applied"].max(), shifted)


# The case indicators and compare_processing_time are two tests (the same examples each as
# one test had): pytest-xdist can give them to different workers.


@settings(max_examples=examples(15))
@given(positions=_subset(20_000), days=st.integers(-400, 0))
def test_case_indicators_are_the_same_in_every_engine(
    example: jh.ExampleData, positions: list[int], days: int
) -> None:
    cases, extracted = _drawn_cases(example, positions, days)
    _check_cases(cases, extracted, _natives(cases, ENGINES))


@settings(max_examples=examples(15))
@given(positions=_subset(20_000), days=st.integers(-400, 0))
def test_compare_processing_time_is_the_same_in_every_engine(
    example: jh.ExampleData, positions: list[int], days: int
) -> None:
    cases, extracted = _drawn_cases(example, positions, days)
    _check_comparison(cases, extracted, _natives(cases, ENGINES))


def _check_survey(survey: pd.DataFrame, natives: dict[str, Any], full: bool = True) -> None:
    calls: list[tuple[Callable[..., pd.DataFrame], dict[str, Any]]] = [
        (jh.top_box, {"by": "item", "dont_know": "exclude", "boxes": 1}),
        (jh.likert_distribution, {}),
    ]
    if full:
        calls += [
            (jh.top_box, {}),
            (jh.likert_distribution, {"by": ()}),
            (jh.survey.reduce_answers, {"items": ["focus"], "waves": [2018]}),
        ]
    _check_calls(survey, natives, calls)


@settings(max_examples=examples(30))
@given(positions=_subset(5_000))
def test_survey_indicators_are_the_same_in_every_engine(
    example: jh.ExampleData, positions: list[int]
) -> None:
    survey = _rows(example.survey, positions)
    _check_survey(survey, _natives(survey, ENGINES))


def _check_people(people: pd.DataFrame, natives: dict[str, Any], full: bool = True) -> None:
    calls: list[tuple[Callable[..., pd.DataFrame], dict[str, Any]]] = [
        (jh.employment_gap, {"by": "sex", "weights": "weight"})
    ]
    if full:
        calls += [
            (jh.employment_gap, {"definition": "washington", "by": "sex"}),
            (jh.employment_gap, {"split_severity": True, "age": "all"}),
        ]
    _check_calls(people, natives, calls)


@settings(max_examples=examples(15))
@given(positions=_subset(20_000))
def test_employment_gap_is_the_same_in_every_engine(
    example: jh.ExampleData, positions: list[int]
) -> None:
    people = _rows(example.people, positions)
    _check_people(people, _natives(people, ENGINES))


def test_the_reference_grant_rate_in_every_engine() -> None:
    """Wilson's interval of 36 granted of 60 (grant_rate's example) from every engine."""
    cases = pd.DataFrame(
        {"decision": ["granted"] * 36 + ["refused"] * 24 + [None], "scheme": "aids"}
    )
    for make in ENGINES.values():
        row = jh.grant_rate(make(cases), by="scheme").iloc[0]
        assert (row["n"], row["count"]) == (60, 36)
        assert round(float(row["ci_low"]), 6) == 0.473661
        assert round(float(row["ci_high"]), 6) == 0.714305


# --------------------------------------------------------------------------------------------
# Errors at the boundary
# --------------------------------------------------------------------------------------------


def test_anything_else_is_refused_naming_the_function() -> None:
    with pytest.raises(ArgumentTypeError, match="processing_time: cases must be a pandas"):
        jh.processing_time([1, 2, 3], extracted="2020-01-01")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="employment_gap: people must be"):
        jh.employment_gap({"age": [1]})  # type: ignore[arg-type]


def test_a_function_needing_rows_says_what_to_pass(example: jh.ExampleData) -> None:
    design = jh.SurveyDesign(weights="weight")
    with pytest.raises(ArgumentTypeError, match=r"top_box needs the rows .* collect it"):
        jh.top_box(pl.from_pandas(example.survey).lazy(), design=design)


def test_bad_dates_in_an_engine_frame_raise_the_schema_error_with_examples() -> None:
    cases = pd.DataFrame(
        {
            "case_id": ["c-2", "c-1", "c-3"],
            "applied": pd.to_datetime(pd.Series(["2020-01-10", "2020-01-10", None])),
            "decided": pd.to_datetime(pd.Series(["2020-01-01", "2020-01-12", None])),
            "decision": ["granted", "refused", None],
        }
    )
    for make in ENGINES.values():
        with pytest.raises(SchemaError) as caught:
            jh.processing_time(make(cases), extracted="2020-02-01")
        problems = caught.value.problems
        assert sorted(problems["column"]) == ["applied", "decided"]
        assert problems["message"].str.contains("'c-2'").any()


def test_open_cases_without_an_extraction_date_are_refused_in_the_engine() -> None:
    cases = pd.DataFrame(
        {
            "applied": pd.to_datetime(["2020-01-10", "2020-01-10"]),
            "decided": pd.to_datetime(pd.Series(["2020-01-20", None])),
            "decision": ["granted", None],
        }
    )
    for make in ENGINES.values():
        with pytest.raises(JobhandicapError, match="1 case"):
            jh.processing_time(make(cases))
        with pytest.raises(jh.errors.OptionError, match="extraction date"):
            jh.processing_time(make(cases), extracted="2019-01-01")


def test_a_missing_column_is_named_in_the_engine() -> None:
    frame = pl.DataFrame({"decision": ["granted"]})
    with pytest.raises(jh.errors.MissingColumnsError, match="scheme"):
        jh.grant_rate(frame, by="scheme")


# --------------------------------------------------------------------------------------------
# PySpark (local mode; the session is tests/conftest.py's `spark`, one for the test session)
# --------------------------------------------------------------------------------------------


def _spark_maker(session: Any) -> Maker:
    def make(frame: pd.DataFrame) -> Any:
        table = _arrow(frame)
        # Spark reads no dictionary-encoded (categorical) columns: their values as text.
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
def test_the_indicators_are_the_same_in_pyspark(spark: Any, example: jh.ExampleData) -> None:
    makers = {"pyspark": _spark_maker(spark)}
    # One Spark DataFrame per frame kind, shared by its calls.
    cases = example.cases.iloc[::7].reset_index(drop=True)
    spark_cases = _natives(cases, makers)
    _check_cases(cases, example.extracted, spark_cases, full=False)
    _check_comparison(cases, example.extracted, spark_cases)
    survey = example.survey.iloc[::5].reset_index(drop=True)
    _check_survey(survey, _natives(survey, makers), full=False)
    people = example.people.iloc[::5].reset_index(drop=True)
    _check_people(people, _natives(people, makers), full=False)


# --------------------------------------------------------------------------------------------
# Validation in the engine
# --------------------------------------------------------------------------------------------


def test_a_valid_engine_frame_comes_back_in_its_engine_with_the_jobcentre(
    example: jh.ExampleData,
) -> None:
    cases = example.cases.iloc[::20].reset_index(drop=True)
    for name, make in ENGINES.items():
        native = make(cases.drop(columns="jobcentre"))
        checked = jh.validate_cases(native)
        assert type(checked) is type(native), name
        wrapped = engine_frame(checked, function="test", what="cases")
        assert wrapped is not None
        back = wrapped.lazy().collect(backend="pandas").to_native()
        assert list(back.columns) == list(cases.columns)
        assert back["jobcentre"].tolist() == cases["jobcentre"].tolist()


def test_an_invalid_engine_frame_raises_one_schema_error_with_examples(
    example: jh.ExampleData,
) -> None:
    bad = example.cases.head(40).copy()
    ids = bad["case_id"].tolist()
    ids[3] = ids[4]
    decided = bad["decided"].tolist()
    decided[5] = bad["applied"].iloc[5] - pd.Timedelta(days=3)
    bad = bad.assign(case_id=ids, decided=pd.to_datetime(pd.Series(decided)))
    bad["scheme"] = bad["scheme"].astype(str)
    bad.loc[6, "scheme"] = "hjælpemidler"
    bad.loc[7, "municipality"] = 999
    refused = bad.index[(bad["decision"] == "refused").to_numpy()][0]
    bad.loc[refused, "amount_dkk"] = 5.0
    for name, make in ENGINES.items():
        with pytest.raises(SchemaError) as caught:
            jh.validate_cases(make(bad))
        problems = caught.value.problems
        assert sorted(problems["column"]) == sorted(
            ["amount_dkk", "case_id", "decided", "municipality", "scheme"]
        ), name
        assert problems["row"].isna().all()


def test_an_engine_frame_of_the_wrong_types_is_refused() -> None:
    raw = pl.DataFrame(
        {
            "case_id": ["a"],
            "municipality": ["0101"],
            "scheme": ["aids"],
            "target_group": ["flexjob"],
            "applied": ["2020-01-01"],
        }
    )
    with pytest.raises(SchemaError, match="wrong type") as caught:
        jh.validate_kind(raw.lazy(), "cases")
    assert sorted(caught.value.problems["column"]) == ["applied", "municipality"]
    with pytest.raises(jh.errors.MissingColumnsError):
        jh.validate_cases(raw.drop("applied"))


def test_validation_counts_duplicates_in_other_kinds() -> None:
    population = pl.DataFrame(
        {"municipality": [101, 101, 147], "year": [2020, 2020, 2020], "population": [1, 2, 3]}
    )
    with pytest.raises(SchemaError, match="1 check"):
        jh.validate_population(population)
    assert isinstance(jh.validate_population(population.tail(2)), pl.DataFrame)


def test_a_function_working_on_rows_says_to_collect_first(example: jh.ExampleData) -> None:
    survey = pl.from_pandas(example.survey).lazy()
    with pytest.raises(ArgumentTypeError, match=r"needs the rows, got a Polars frame; collect"):
        jh.survey.reduce_respondents(survey)  # type: ignore[arg-type]


def test_empty_frames_give_what_pandas_gives(example: jh.ExampleData) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jh.SmallSampleWarning)
        calls: list[tuple[pd.DataFrame, Callable[..., pd.DataFrame], dict[str, Any]]] = [
            (example.cases.head(0), jh.processing_time, {"extracted": example.extracted}),
            (example.cases.head(0), jh.grant_rate, {"by": "scheme"}),
            (example.survey.head(0), jh.top_box, {}),
            (example.people.head(0), jh.employment_gap, {"by": "sex"}),
        ]
        for frame, function, options in calls:
            expected = function(frame, **options)
            for make in ENGINES.values():
                _same(expected, function(make(frame), **options))


def test_the_pandas_path_never_imports_narwhals() -> None:
    """narwhals is imported when a frame of another engine arrives, not before."""
    import subprocess
    import sys
    from pathlib import Path

    source = str(Path(jh.__file__).resolve().parent.parent)
    code = (
        "import sys, warnings; warnings.simplefilter('ignore'); import pandas as pd; "
        "import jobhandicap as jh; "
        "jh.grant_rate(pd.DataFrame({'decision': ['granted', 'refused']})); "
        "jh.validate_population(pd.DataFrame({'municipality': [101], 'year': [2020], "
        "'population': [5]})); print('narwhals' in sys.modules)"
    )
    path = os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert result.stdout.strip() == "False"


def _period_cases() -> pd.DataFrame:
    """Canonical cases with one faulty grant period each (c1 is valid)."""
    frame = pd.DataFrame(
        {
            "case_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "municipality": [101] * 6,
            "scheme": pd.Categorical(["personal assistance"] * 6),
            "target_group": pd.Categorical(["sickness benefit"] * 6),
            "applied": pd.to_datetime(["2018-01-10", "2018-02-01", "2019-03-01"] * 2),
            "decided": pd.to_datetime(["2018-02-01", "2018-03-01", "2019-04-01"] * 2),
            "decision": pd.Categorical(["granted"] * 3 + ["refused", "granted", "granted"]),
            "amount_dkk": [100.0, 200.0, 300.0, None, 5.0, 6.0],
            "granted_from": pd.to_datetime(
                ["2018-02-01", "2018-03-01", "2018-01-01", "2019-05-01", "NaT", "NaT"]
            ),
            "granted_to": pd.to_datetime(
                ["2020-01-31", "2017-01-01", "NaT", "NaT", "2019-01-01", "NaT"]
            ),
            "hours_per_week": [10.0, None, None, None, None, 8.0],
        }
    )
    return frame


PERIOD_MESSAGES = [
    "the period ends before it starts",
    "the period starts before the application date",
    "only granted cases have a grant period",
    "a grant period needs its start (granted_from)",
    "hours per week belongs to a grant period",
]


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_engine_validation_checks_grant_periods(engine: str) -> None:
    cases = _period_cases()
    native: Any = pl.from_pandas(cases)
    if engine == "duckdb":
        native = duckdb.from_arrow(native.to_arrow())
    with pytest.raises(SchemaError) as caught:
        jh.validate_cases(native)
    problems = caught.value.problems
    assert len(problems) == len(PERIOD_MESSAGES)
    for message, case in zip(PERIOD_MESSAGES, ["c2", "c3", "c4", "c5", "c6"], strict=True):
        (shown,) = [m for m in problems["message"] if m.startswith(message)]
        assert f"case_id '{case}'" in shown
    valid = pl.from_pandas(cases.iloc[:1])
    assert jh.validate_cases(valid).height == 1
