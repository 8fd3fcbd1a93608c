"""Cases with no label in a grouping column: left out of the groups, and said so.

A case whose ``by`` column (or unit, ``jobcentre`` of ``scheme_usage``, ``scheme`` of
``expenditure_shares``, ``target_group`` of ``target_group_coverage``) is missing belongs to no
group. Every case and usage indicator leaves it out — so the groups add up to fewer cases than
the frame holds — and says so in one ``DataQualityWarning`` with the number of the cases it
would have counted and the columns, identical in pandas and every engine. The numbers
themselves are those of the frame without those cases.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap.errors import DataQualityWarning
from test_engines import ENGINES

Call = tuple[str, Callable[..., Any], dict[str, Any]]

#: The wording of the warning: a number, what it counts, the quoted column names, and no cell.
MESSAGE = re.compile(
    r"^(?P<count>\d+) (?P<what>[a-z ()]+) have no label in "
    r"(?P<columns>'[a-z_]+'(?:, '[a-z_]+')*): they are left out of the grouped results, whose "
    r"groups therefore add up to (?P=count) fewer; fill in the missing labels, or give them "
    r"one \(for example 'unknown'\), to keep them$"
)


@pytest.fixture(scope="module")
def example() -> jh.ExampleData:
    return jh.load_example()


def _unlabelled(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases with some ``jobcentre``, ``scheme`` and ``target_group`` labels missing."""
    position = np.arange(len(cases))
    jobcentre = cases["jobcentre"].astype("Int64").mask(position % 37 == 3)
    scheme = cases["scheme"].mask(position % 53 == 5)
    target_group = cases["target_group"].mask(position % 71 == 7)
    return cases.assign(jobcentre=jobcentre, scheme=scheme, target_group=target_group)


@pytest.fixture(scope="module")
def cases(example: jh.ExampleData) -> pd.DataFrame:
    return _unlabelled(example.cases.head(6000).reset_index(drop=True))


def _missing(cases: pd.DataFrame, columns: list[str]) -> npt.NDArray[np.bool_]:
    return np.asarray(cases[columns].isna().any(axis=1).to_numpy(), dtype=bool)


def _decision(cases: pd.DataFrame, *values: str) -> npt.NDArray[np.bool_]:
    return np.asarray(cases["decision"].isin(values).to_numpy(dtype=bool), dtype=bool)


def _with_period(cases: pd.DataFrame) -> npt.NDArray[np.bool_]:
    start, end = cases["granted_from"], cases["granted_to"]
    usable = start.notna() & (end.isna() | (end >= start))
    return _decision(cases, "granted") & usable.to_numpy(dtype=bool)


def _calls(extracted: Any) -> list[Call]:
    return [
        ("processing_time", jh.processing_time, {"by": "jobcentre", "extracted": extracted}),
        ("survival_table", jh.survival_table, {"by": "scheme", "extracted": extracted}),
        ("grant_rate", jh.grant_rate, {"by": ["jobcentre", "scheme"]}),
        ("decision_incidence", jh.decision_incidence, {"by": "scheme", "extracted": extracted}),
        (
            "compare_processing_time",
            jh.compare_processing_time,
            {"by": "scheme", "extracted": extracted, "n_boot": 19},
        ),
        ("scheme_usage", jh.scheme_usage, {}),
        ("scheme_usage active", jh.scheme_usage, {"count": "active"}),
        ("scheme_usage by year", jh.scheme_usage, {"by": "year", "decision": "all"}),
        ("expenditure_shares", jh.expenditure_shares, {"by": "year"}),
        ("count_cases", jh.count_cases, {}),
        ("count_cases by scheme", jh.count_cases, {"by": "scheme", "decision": "decided"}),
        ("target_group_coverage", jh.target_group_coverage, {}),
        ("active_grants", jh.active_grants, {"by": "jobcentre"}),
    ]


def _expected(name: str, cases: pd.DataFrame) -> tuple[int, str, list[str]]:
    """The number of cases each call would have counted but leaves out; what; which columns."""
    granted = _decision(cases, "granted")
    decided = _decision(cases, "granted", "refused")
    everything = np.ones(len(cases), dtype=bool)
    kept = ~_decision(cases, "withdrawn")  # every example case is decided by the extraction
    rules: dict[str, tuple[npt.NDArray[np.bool_], str, list[str]]] = {
        "processing_time": (everything, "case(s)", ["jobcentre"]),
        "survival_table": (kept, "decided or open case(s)", ["scheme"]),
        "grant_rate": (decided, "decided case(s)", ["jobcentre", "scheme"]),
        "decision_incidence": (everything, "case(s)", ["scheme"]),
        "compare_processing_time": (everything, "case(s)", ["scheme"]),
        "scheme_usage": (granted, "granted case(s)", ["scheme", "jobcentre"]),
        "scheme_usage active": (granted, "granted case(s)", ["scheme", "jobcentre"]),
        "scheme_usage by year": (everything, "case(s)", ["jobcentre"]),
        "expenditure_shares": (granted, "granted case(s)", ["scheme"]),
        "count_cases": (granted, "granted case(s)", ["jobcentre"]),
        "count_cases by scheme": (decided, "decided case(s)", ["jobcentre", "scheme"]),
        "target_group_coverage": (
            granted,
            "granted case(s)",
            ["jobcentre", "scheme", "target_group"],
        ),
        "active_grants": (
            _with_period(cases),
            "granted case(s) with a grant period in the years counted",
            ["jobcentre"],
        ),
    }
    counted, what, columns = rules[name]
    return int((counted & _missing(cases, columns)).sum()), what, columns


def _run(
    function: Callable[..., Any], frame: Any, options: dict[str, Any]
) -> tuple[Any, list[str]]:
    """The result and the messages of the warnings about missing labels."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(frame, **options)
    said = [
        str(w.message)
        for w in caught
        if issubclass(w.category, DataQualityWarning) and "have no label in '" in str(w.message)
    ]
    return result, said


def _check_message(said: list[str], count: int, what: str, columns: list[str]) -> None:
    assert len(said) == 1, said
    found = MESSAGE.match(said[0])
    assert found is not None, said[0]
    assert int(found["count"]) == count
    assert found["what"] == what
    assert sorted(re.findall(r"'([a-z_]+)'", found["columns"])) == sorted(columns)


def _frames(result: Any) -> list[pd.DataFrame]:
    if isinstance(result, jh.ProcessingTimeComparison):
        return [result.tests, result.groups, result.differences]
    return [result]


def _same(expected: Any, got: Any) -> None:
    for want, have in zip(_frames(expected), _frames(got), strict=True):
        pd.testing.assert_frame_equal(want, have, check_exact=False, rtol=1e-12, atol=1e-12)
        assert have.attrs == want.attrs


def _int64(result: Any) -> Any:
    if isinstance(result, jh.ProcessingTimeComparison):
        return result
    nullable = [c for c in result.columns if isinstance(result[c].dtype, pd.Int64Dtype)]
    converted = result.astype(dict.fromkeys(nullable, "int64"))
    converted.attrs = result.attrs
    return converted


@pytest.mark.parametrize("name", [name for name, _, _ in _calls(None)])
def test_every_indicator_says_how_many_cases_it_leaves_out(
    name: str, cases: pd.DataFrame, example: jh.ExampleData
) -> None:
    _, function, options = next(c for c in _calls(example.extracted) if c[0] == name)
    count, what, columns = _expected(name, cases)
    assert count > 0
    original = cases.copy()
    result, said = _run(function, cases, options)
    _check_message(said, count, what, columns)
    pd.testing.assert_frame_equal(cases, original)
    # The numbers are those of the frame without the unlabelled cases.
    if name not in ("scheme_usage active", "active_grants", "count_cases"):
        rows = ~_missing(cases, columns)
        labelled = cases.loc[rows].reset_index(drop=True)
        expected, again = _run(function, labelled, options)
        assert again == []
        _same(expected, result)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_the_engines_say_the_same_and_give_the_same_numbers(
    engine: str, cases: pd.DataFrame, example: jh.ExampleData
) -> None:
    make = ENGINES[engine]
    for name, function, options in _calls(example.extracted):
        expected, said = _run(function, cases, options)
        got, said_there = _run(function, make(cases), options)
        assert said_there == said, (name, engine)
        # A nullable Int64 key comes back from an engine as int64, labels missing or not.
        _same(_int64(expected), got)


def test_nothing_is_said_when_every_case_has_its_labels(example: jh.ExampleData) -> None:
    cases = example.cases.head(6000)
    for name, function, options in _calls(example.extracted):
        _, said = _run(function, cases, options)
        assert said == [], name
        _, said = _run(function, ENGINES["polars-lazy"](cases), options)
        assert said == [], name


def test_cases_without_the_counted_status_are_not_in_the_number() -> None:
    """Open and withdrawn cases with no label are no decided cases: grant_rate says nothing."""
    cases = pd.DataFrame(
        {
            "decision": ["granted", "refused", None, "withdrawn", "granted"],
            "scheme": ["aids", "aids", None, None, "aids"],
        }
    )
    _, said = _run(jh.grant_rate, cases, {"by": "scheme"})
    assert said == []
    _, said = _run(
        jh.scheme_usage, cases.assign(jobcentre=101, applied=pd.Timestamp("2020-01-01")), {}
    )
    assert said == []


def test_compare_processing_time_says_by_and_strata_apart(
    cases: pd.DataFrame, example: jh.ExampleData
) -> None:
    options: dict[str, Any] = {"extracted": example.extracted, "strata": "scheme", "n_boot": 19}
    by_missing = int(_missing(cases, ["jobcentre"]).sum())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jh.compare_processing_time(cases, "jobcentre", **options)
    messages = [str(w.message) for w in caught if issubclass(w.category, DataQualityWarning)]
    _check_message(
        [m for m in messages if "have no label in '" in m], by_missing, "case(s)", ["jobcentre"]
    )
    strata = [m for m in messages if "strata=" in m]
    # A case with neither label is left out for its group: not counted again for its stratum.
    only_scheme = int((_missing(cases, ["scheme"]) & ~_missing(cases, ["jobcentre"])).sum())
    assert len(strata) == 1
    assert strata[0].startswith(f"{only_scheme} case(s) have no label")


def test_the_reductions_say_it_too(cases: pd.DataFrame, example: jh.ExampleData) -> None:
    missing = int(_missing(cases, ["jobcentre"]).sum())
    granted = int((_missing(cases, ["jobcentre"]) & _decision(cases, "granted")).sum())
    calls: list[tuple[Callable[..., Any], dict[str, Any], int, str]] = [
        (jh.cases.reduce_decisions, {"extracted": example.extracted}, missing, "case(s)"),
        (jh.cases.reduce_grants, {}, missing, "case(s)"),
        (jh.usage.reduce_usage, {}, granted, "granted case(s)"),
    ]
    for function, options, count, what in calls:
        for frame in (cases, ENGINES["duckdb"](cases)):
            _, said = _run(function, frame, {"by": "jobcentre", **options})
            _check_message(said, count, what, ["jobcentre"])


def test_count_cases_lists_no_unit_for_the_unlabelled_cases(cases: pd.DataFrame) -> None:
    result, _ = _run(jh.count_cases, cases, {})
    assert result["jobcentre"].notna().all()
    pd.testing.assert_frame_equal(result, _run(jh.count_cases, ENGINES["polars"](cases), {})[0])


@settings(max_examples=examples(10), deadline=None)
@given(data=st.data())
def test_generated_gaps_give_the_same_number_in_every_engine(
    example: jh.ExampleData, data: st.DataObject
) -> None:
    rows = data.draw(st.integers(1, 300))
    cases = example.cases.head(rows).reset_index(drop=True)
    gaps = data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    cases = cases.assign(jobcentre=cases["jobcentre"].astype("Int64").mask(np.asarray(gaps)))
    missing = _missing(cases, ["jobcentre"])
    calls: list[tuple[Callable[..., Any], dict[str, Any], npt.NDArray[np.bool_], str]] = [
        (jh.processing_time, {"extracted": example.extracted}, missing, "case(s)"),
        (jh.grant_rate, {}, missing & _decision(cases, "granted", "refused"), "decided case(s)"),
        (jh.scheme_usage, {}, missing & _decision(cases, "granted"), "granted case(s)"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jh.SmallSampleWarning)
        for function, options, counted, what in calls:
            for frame in (cases, ENGINES["polars-lazy"](cases), ENGINES["pyarrow"](cases)):
                try:
                    _, said = _run(function, frame, {"by": "jobcentre", **options})
                except jh.JobhandicapError:  # nothing left to group
                    continue
                if counted.any():
                    _check_message(said, int(counted.sum()), what, ["jobcentre"])
                else:
                    assert said == []
