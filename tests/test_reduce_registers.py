"""The reduction steps of the register families (cases, usage, gap) against plain pandas.

Each family reduces rows to a small table of group keys, counts and sums, and infers from that
table alone. Two properties hold the seam in place: each reduction equals a plain pandas
group-by of the same rows, and reducing parts of the rows and adding the parts' tables
(:func:`jobhandicap._reduce.combine`) equals reducing the whole.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap._reduce import combine
from jobhandicap.cases import reduce_decisions, reduce_grants
from jobhandicap.gap import GALI_LEVELS, reduce_people
from jobhandicap.usage import reduce_usage

T = TypeVar("T")

SCHEMES = ["aids", "personal assistance", "job aids"]
DECISIONS = ["granted", "refused", "withdrawn"]
START = pd.Timestamp("2019-12-01")
EXTRACTED = pd.Timestamp("2020-03-01")
BY = st.sampled_from([(), ("scheme",), ("year", "scheme"), ("jobcentre",)])


@st.composite
def case_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Cases applied before the extraction date; some open, some decided after it."""
    size = draw(st.integers(0, 40))

    def column(elements: st.SearchStrategy[T]) -> list[T]:
        return draw(st.lists(elements, min_size=size, max_size=size))

    applied = [START + pd.Timedelta(days=int(d)) for d in column(st.integers(0, 90))]
    took = column(st.one_of(st.none(), st.integers(0, 60)))
    decision = column(st.sampled_from(DECISIONS))
    decided = [
        pd.NaT if t is None else a + pd.Timedelta(days=t)
        for a, t in zip(applied, took, strict=True)
    ]
    amount = column(st.one_of(st.none(), st.integers(0, 10**6).map(float)))
    return pd.DataFrame(
        {
            "jobcentre": np.asarray(column(st.sampled_from([101, 147, 561])), dtype=np.int64),
            "scheme": pd.Categorical(column(st.sampled_from(SCHEMES)), categories=SCHEMES),
            "applied": pd.to_datetime(pd.Series(applied, dtype="datetime64[ns]")),
            "decided": pd.to_datetime(pd.Series(decided, dtype="datetime64[ns]")),
            "decision": pd.Categorical(
                [None if t is None else d for d, t in zip(decision, took, strict=True)],
                categories=DECISIONS,
            ),
            "amount_dkk": np.asarray(
                [np.nan if a is None else a for a in amount], dtype=np.float64
            ),
        }
    )


@st.composite
def people_frames(draw: st.DrawFn) -> pd.DataFrame:
    size = draw(st.integers(0, 40))

    def column(elements: st.SearchStrategy[T]) -> list[T]:
        return draw(st.lists(elements, min_size=size, max_size=size))

    return pd.DataFrame(
        {
            "age": np.asarray(column(st.integers(15, 70)), dtype=np.int64),
            "sex": pd.Categorical(column(st.sampled_from(["female", "male"]))),
            "gali": pd.Categorical(
                column(st.sampled_from([*GALI_LEVELS, None])), categories=list(GALI_LEVELS)
            ),
            "employed": pd.array(column(st.sampled_from([True, False, None])), dtype="boolean"),
            "weight": np.asarray(column(st.floats(0.1, 20.0)), dtype=np.float64),
        }
    )


def _keys(frame: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """The grouping columns, ``year`` derived from the application date."""
    return pd.DataFrame(
        {
            name: frame["applied"].dt.year.astype("int64") if name == "year" else frame[name]
            for name in by
        },
        index=frame.index,
    )


def _grouped(rows: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    """The plain pandas group-by: rows per group (``n``) and the sums, sorted by the keys."""
    if not keys:
        totals = {"n": [len(rows)], **{c: [rows[c].sum()] for c in sums}}
        return pd.DataFrame(totals)
    table = rows.groupby(keys, observed=True, sort=True)[sums].sum()
    table.insert(0, "n", rows.groupby(keys, observed=True, sort=True).size())
    return table.reset_index()


def _same(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        ours.reset_index(drop=True),
        theirs[list(ours.columns)].reset_index(drop=True),
        check_dtype=False,
        check_categorical=False,
        rtol=1e-12,
    )


def _split(frame: pd.DataFrame, cut: int) -> list[pd.DataFrame]:
    cut = min(cut, len(frame))
    return [frame.iloc[:cut], frame.iloc[cut:]]


def _combined(parts: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    table = combine(parts, keys)
    counts = [c for c in table.columns if c not in keys]
    return table.astype(dict.fromkeys(counts, "float64"))


# --------------------------------------------------------------------------------------------
# Cases: decisions per group and day, grants per group
# --------------------------------------------------------------------------------------------


def _decisions_by_pandas(cases: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """The rules of processing_time, one case at a time in pandas terms."""
    in_time = cases["decided"].notna() & (cases["decided"] <= EXTRACTED)
    withdrawn = in_time & (cases["decision"] == "withdrawn").to_numpy()
    end = cases["decided"].where(in_time, EXTRACTED)
    rows = _keys(cases, by).assign(
        time=(end - cases["applied"]).dt.days.astype("float64"),
        events=(in_time & ~withdrawn).astype("int64"),
        censored=(~in_time).astype("int64"),
        withdrawn=withdrawn.astype("int64"),
    )
    return _grouped(rows, [*by, "time"], ["events", "censored", "withdrawn"])


@given(case_frames(), BY)
@settings(max_examples=examples(30))
def test_reduce_decisions_equals_a_pandas_group_by(cases: pd.DataFrame, by: tuple[str]) -> None:
    ours = reduce_decisions(cases, by, extracted=EXTRACTED)
    assert list(ours.columns) == [*by, "time", "n", "events", "censored", "withdrawn"]
    assert (ours["n"] == ours["events"] + ours["censored"] + ours["withdrawn"]).all()
    _same(ours, _decisions_by_pandas(cases, by))


@given(case_frames(), BY, st.integers(0, 40))
@settings(max_examples=examples(30))
def test_reduce_decisions_of_parts_combine_to_the_whole(
    cases: pd.DataFrame, by: tuple[str], cut: int
) -> None:
    parts = [reduce_decisions(part, by, extracted=EXTRACTED) for part in _split(cases, cut)]
    whole = reduce_decisions(cases, by, extracted=EXTRACTED)
    _same(_combined(parts, [*by, "time"]), whole)


@given(case_frames(), BY)
def test_reduce_grants_equals_a_pandas_group_by(cases: pd.DataFrame, by: tuple[str]) -> None:
    rows = _keys(cases, by).assign(
        granted=(cases["decision"] == "granted").to_numpy().astype("int64"),
        refused=(cases["decision"] == "refused").to_numpy().astype("int64"),
    )
    ours = reduce_grants(cases, by)
    assert list(ours.columns) == [*by, "n", "granted", "refused"]
    _same(ours, _grouped(rows, list(by), ["granted", "refused"]))


@given(case_frames(), BY, st.integers(0, 40))
def test_reduce_grants_of_parts_combine_to_the_whole(
    cases: pd.DataFrame, by: tuple[str], cut: int
) -> None:
    parts = [reduce_grants(part, by) for part in _split(cases, cut)]
    _same(_combined(parts, list(by)), reduce_grants(cases, by))


# --------------------------------------------------------------------------------------------
# Usage: selected cases and their known amounts per group
# --------------------------------------------------------------------------------------------


@given(case_frames(), BY, st.sampled_from(["granted", "decided", "all"]))
def test_reduce_usage_equals_a_pandas_group_by(
    cases: pd.DataFrame, by: tuple[str], decision: str
) -> None:
    wanted = {"granted": ["granted"], "decided": ["granted", "refused"], "all": None}[decision]
    chosen = cases if wanted is None else cases[cases["decision"].isin(wanted).to_numpy()]
    rows = _keys(chosen, by).assign(
        amount_dkk=chosen["amount_dkk"].fillna(0.0),
        n_with_amount=chosen["amount_dkk"].notna().astype("int64"),
    )
    ours = reduce_usage(cases, by, decision=decision, amounts=True)
    assert list(ours.columns) == [*by, "n", "amount_dkk", "n_with_amount"]
    _same(ours, _grouped(rows, list(by), ["amount_dkk", "n_with_amount"]))
    counts = reduce_usage(cases, by, decision=decision)
    assert list(counts.columns) == [*by, "n"]
    _same(counts, ours[[*by, "n"]])


@given(case_frames(), BY, st.integers(0, 40))
@settings(max_examples=examples(30))
def test_reduce_usage_of_parts_combine_to_the_whole(
    cases: pd.DataFrame, by: tuple[str], cut: int
) -> None:
    parts = [reduce_usage(part, by, amounts=True) for part in _split(cases, cut)]
    _same(_combined(parts, list(by)), reduce_usage(cases, by, amounts=True))


# --------------------------------------------------------------------------------------------
# Gap: persons and weighted sums per group and disability status
# --------------------------------------------------------------------------------------------

PEOPLE_BY = st.sampled_from([(), ("sex",)])


def _people_by_pandas(people: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    inside = people[people["age"].between(20, 64)]
    level = {label: code for code, label in enumerate(GALI_LEVELS)}
    gali = inside["gali"].astype("object").map(level)
    employed = inside["employed"]
    status = gali.where(gali.notna() & employed.notna().to_numpy(), -1).astype("int64")
    works = employed.fillna(False).astype("float64").to_numpy()
    weight = inside["weight"]
    rows = inside[list(by)].assign(
        status=status,
        weight=weight,
        weight_employed=weight * works,
        weight_squared=weight * weight,
    )
    return _grouped(rows, [*by, "status"], ["weight", "weight_employed", "weight_squared"])


@given(people_frames(), PEOPLE_BY)
def test_reduce_people_equals_a_pandas_group_by(people: pd.DataFrame, by: tuple[str]) -> None:
    ours = reduce_people(people, by, weights="weight")
    columns = ["status", "n", "weight", "weight_employed", "weight_squared"]
    assert list(ours.columns) == [*by, *columns]
    _same(ours, _people_by_pandas(people, by))


@given(people_frames(), PEOPLE_BY, st.integers(0, 40))
def test_reduce_people_of_parts_combine_to_the_whole(
    people: pd.DataFrame, by: tuple[str], cut: int
) -> None:
    parts = [reduce_people(part, by, weights="weight") for part in _split(people, cut)]
    _same(_combined(parts, [*by, "status"]), reduce_people(people, by, weights="weight"))
