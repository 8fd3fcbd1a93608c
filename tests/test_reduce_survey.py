"""The reduction steps of the survey and staff indicators.

Each reduction is checked against a plain pandas group-by, and reducing parts of the data and
adding their tables (``_reduce.combine``) must give the table of the whole. The cluster
bootstraps, which resample the jobcentres' reduced sums, must give what resampling the rows of
the drawn jobcentres gives.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jobhandicap._reduce import combine
from jobhandicap.errors import SmallSampleWarning
from jobhandicap.staff import association, reduce_cross_products, scale_means
from jobhandicap.stats import bootstrap_interval
from jobhandicap.survey import reduce_answers, reduce_pairs, reduce_respondents

ITEMS = ["focus", "priority", "outreach"]
ANSWERS = [1, 2, 3, 4, 5, 9, None]


@st.composite
def surveys(draw: st.DrawFn) -> pd.DataFrame:
    """A long survey: each respondent answers (or skips) some items in one or two waves."""
    respondents = draw(st.integers(0, 12))
    rows = []
    for r in range(respondents):
        for wave in draw(st.sets(st.sampled_from([2017, 2018]), min_size=1)):
            for item in draw(st.sets(st.sampled_from(ITEMS), min_size=1)):
                rows.append((f"jc{r:02d}", wave, item, draw(st.sampled_from(ANSWERS)), r % 3))
    frame = pd.DataFrame(rows, columns=["respondent", "wave", "item", "answer", "region"])
    return frame.astype(
        {
            "respondent": "string",
            "wave": "int64",
            "item": "string",
            "answer": "Int64",
            "region": "int64",
        }
    )


BYS = st.sampled_from([(), ("wave",), ("wave", "item"), ("region", "item")])


def _split(frame: pd.DataFrame, cut: float) -> list[pd.DataFrame]:
    at = round(cut * len(frame))
    return [frame.iloc[:at], frame.iloc[at:]]


@given(surveys(), BYS)
def test_reduce_answers_equals_a_pandas_group_by(
    survey: pd.DataFrame, by: tuple[str, ...]
) -> None:
    reduced = reduce_answers(survey, by)
    expected = (
        survey.assign(answer=survey["answer"].fillna(-1).astype("int64"))
        .groupby([*by, "answer"], sort=True)
        .size()
        .rename("n")
        .reset_index()
    )
    pd.testing.assert_frame_equal(reduced, expected, check_dtype=False)
    assert reduced["n"].dtype == np.int64
    assert reduced["n"].sum() == len(survey)


@given(surveys(), BYS, st.floats(0, 1))
def test_reduce_answers_of_parts_add_up_to_the_whole(
    survey: pd.DataFrame, by: tuple[str, ...], cut: float
) -> None:
    parts = [reduce_answers(part, by) for part in _split(survey, cut)]
    whole = reduce_answers(survey, by)
    pd.testing.assert_frame_equal(
        combine(parts, [*by, "answer"]), whole, check_dtype=False, check_index_type=False
    )


@given(surveys(), st.sampled_from([None, ["focus"], ["priority", "outreach"]]))
def test_reduce_answers_keeps_only_the_items_and_waves_asked_for(
    survey: pd.DataFrame, items: list[str] | None
) -> None:
    reduced = reduce_answers(survey, ("wave", "item"), items=items, waves=[2018])
    chosen = survey[(survey["wave"] == 2018) & (survey["item"].isin(items or ITEMS))]
    pd.testing.assert_frame_equal(reduced, reduce_answers(chosen, ("wave", "item")))


def _pandas_pairs(survey: pd.DataFrame) -> pd.DataFrame:
    answered = survey.dropna(subset=["answer"])
    early = answered[answered["wave"] == 2017][["item", "respondent", "answer"]]
    late = answered[answered["wave"] == 2018][["item", "respondent", "answer"]]
    both = early.merge(late, on=["item", "respondent"], suffixes=("_e", "_l"))
    return (
        both.groupby(["item", "answer_e", "answer_l"], sort=True)
        .size()
        .rename("n")
        .reset_index()
        .rename(columns={"answer_e": "earlier", "answer_l": "later"})
        .astype({"earlier": "int64", "later": "int64", "item": "string"})
    )


@settings(max_examples=40, deadline=None)  # each example runs several reductions
@given(surveys())
def test_reduce_pairs_equals_a_pandas_join_and_group_by(survey: pd.DataFrame) -> None:
    reduced = reduce_pairs(survey, items=ITEMS, waves=(2017, 2018))
    pd.testing.assert_frame_equal(reduced, _pandas_pairs(survey), check_index_type=False)


@settings(max_examples=40, deadline=None)  # each example runs several reductions
@given(surveys(), st.integers(0, 12))
def test_reduce_pairs_of_parts_that_split_the_respondents_add_up(
    survey: pd.DataFrame, cut: int
) -> None:
    first = survey["respondent"] < f"jc{cut:02d}"
    parts = [
        reduce_pairs(part, items=ITEMS, waves=(2017, 2018))
        for part in (survey[first], survey[~first])
    ]
    whole = reduce_pairs(survey, items=ITEMS, waves=(2017, 2018))
    combined = combine(parts, ["item", "earlier", "later"])
    pd.testing.assert_frame_equal(combined, whole, check_dtype=False, check_index_type=False)


@settings(max_examples=40, deadline=None)  # each example runs several reductions
@given(surveys(), st.floats(0, 1))
def test_reduce_respondents_equals_pandas_and_parts_add_up(
    survey: pd.DataFrame, cut: float
) -> None:
    reduced = reduce_respondents(survey)
    expected = survey.groupby(["wave", "respondent"], sort=True).size().rename("n").reset_index()
    pd.testing.assert_frame_equal(reduced, expected, check_dtype=False)
    parts = [reduce_respondents(part) for part in _split(survey, cut)]
    pd.testing.assert_frame_equal(
        combine(parts, ["wave", "respondent"]), reduced, check_dtype=False
    )


# --------------------------------------------------------------------------------------------
# Staff: cross-products
# --------------------------------------------------------------------------------------------

SCORES = st.sampled_from([1.0, 2.0, 2.5, 3.0, 4.0, 5.0, np.nan])


@st.composite
def score_frames(draw: st.DrawFn) -> pd.DataFrame:
    size = draw(st.integers(0, 40))
    column = st.lists(SCORES, min_size=size, max_size=size)
    return pd.DataFrame(
        {
            "x": draw(column),
            "y": draw(column),
            "z": draw(column),
            "jobcentre": draw(st.lists(st.integers(1, 5), min_size=size, max_size=size)),
            "strategy": draw(
                st.lists(st.sampled_from(["proactive", "reactive"]), min_size=size, max_size=size)
            ),
        }
    )


GROUPINGS = st.sampled_from([(), ("jobcentre",), ("strategy", "jobcentre")])


@settings(max_examples=40, deadline=None)  # each example runs several reductions
@given(score_frames(), GROUPINGS)
def test_reduce_cross_products_equals_a_pandas_group_by(
    scores: pd.DataFrame, by: tuple[str, ...]
) -> None:
    columns = ["x", "y", "z"]
    reduced = reduce_cross_products(scores, columns, by)
    complete = scores.dropna(subset=columns)
    for i, first in enumerate(columns):
        for second in columns[i:]:
            rows = reduced[(reduced["item_1"] == first) & (reduced["item_2"] == second)]
            expected = (
                complete.assign(product=complete[first] * complete[second])
                .groupby(list(by) or (lambda _: 0), sort=True)
                .agg(
                    n=("product", "size"),
                    sum_1=(first, "sum"),
                    sum_2=(second, "sum"),
                    sum_product=("product", "sum"),
                )
            )
            if not by and complete.empty:
                assert rows["n"].tolist() == [0]
                continue
            got = rows.set_index(list(by))[expected.columns] if by else rows[expected.columns]
            np.testing.assert_allclose(
                got.to_numpy(dtype=float), expected.to_numpy(dtype=float), rtol=1e-12
            )


@given(score_frames(), GROUPINGS, st.floats(0, 1))
def test_reduce_cross_products_of_parts_add_up_to_the_whole(
    scores: pd.DataFrame, by: tuple[str, ...], cut: float
) -> None:
    columns = ["x", "y"]
    parts = [reduce_cross_products(part, columns, by) for part in _split(scores, cut)]
    whole = reduce_cross_products(scores, columns, by)
    combined = combine(parts, [*by, "item_1", "item_2"])
    if not by:
        # Without groups every part has its row of totals, empty parts included.
        combined = combined.astype({"item_1": "string", "item_2": "string"})
    pd.testing.assert_frame_equal(
        combined[whole.columns], whole, check_dtype=False, check_index_type=False, rtol=1e-12
    )


def _pearson(sample: np.ndarray, axis: int) -> np.ndarray:
    x, y = sample[..., 0], sample[..., 1]
    x = x - x.mean(axis=axis, keepdims=True)
    y = y - y.mean(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        result: np.ndarray = (x * y).sum(axis) / np.sqrt((x * x).sum(axis) * (y * y).sum(axis))
    return result


@settings(max_examples=40, deadline=None)  # each example runs several reductions
@given(st.integers(0, 2**16), st.integers(3, 12))
def test_cluster_bootstrap_of_reduced_sums_equals_resampling_rows(seed: int, centres: int) -> None:
    rng = np.random.default_rng(seed)
    size = 6 * centres
    centre = rng.integers(0, centres, size=size)
    shift = rng.normal(size=centres)[centre]
    scores = pd.DataFrame(
        {
            "x": shift + rng.normal(size=size),
            "y": shift + rng.normal(size=size),
            "jobcentre": centre,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        reduced = association(scores, "x", "y", cluster="jobcentre", n_boot=199, seed=seed)
        rows = bootstrap_interval(
            scores[["x", "y"]].to_numpy(),
            _pearson,
            n_boot=199,
            cluster=scores["jobcentre"].to_numpy(),
            seed=seed,
        )
        means = scale_means(scores, "x", cluster="jobcentre", n_boot=199, seed=seed)
        mean_rows = bootstrap_interval(
            scores["x"].to_numpy(),
            np.mean,
            n_boot=199,
            cluster=scores["jobcentre"].to_numpy(),
            seed=seed,
        )
    row = reduced.iloc[0]
    np.testing.assert_allclose([row["ci_low"], row["ci_high"]], [rows.ci_low, rows.ci_high])
    np.testing.assert_allclose(
        means[["ci_low", "ci_high"]].to_numpy()[0], [mean_rows.ci_low, mean_rows.ci_high]
    )
