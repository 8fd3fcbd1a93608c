"""Tests of the staff-survey scales."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _examples import examples
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.staff import Scale, association, reliability, scale_means, scale_scores
from jobhandicap.stats import fisher_interval

REFERENCE = {
    "q1": [4, 5, 3, 4, 2, 5, 4, 3, 4, 5],
    "q2": [4, 4, 3, 5, 2, 5, 3, 3, 4, 4],
    "q3": [3, 5, 2, 4, 1, 4, 4, 2, 3, 5],
    "q4": [5, 4, 3, 4, 2, 5, 4, 3, 5, 4],
}


def long_staff(
    matrix: np.ndarray, items: list[str], jobcentres: list[int] | None = None
) -> pd.DataFrame:
    n, k = matrix.shape
    centres = jobcentres or [101] * n
    return pd.DataFrame(
        {
            "respondent": pd.array(
                [f"S{r:05d}" for r in range(n) for _ in range(k)], dtype="string"
            ),
            "jobcentre": np.repeat(np.asarray(centres, dtype=np.int64), k),
            "item": pd.array(items * n, dtype="string"),
            "value": matrix.reshape(-1).astype(np.float64),
        }
    )


def reference_staff() -> pd.DataFrame:
    return long_staff(np.array(list(REFERENCE.values()), dtype=float).T, list(REFERENCE))


answer_matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(3, 25), st.integers(2, 5)),
    elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan]),
)


def test_reliability_reproduces_the_reference_alpha_and_feldt_interval() -> None:
    result = reliability(reference_staff(), Scale("k", list(REFERENCE))).iloc[0]
    assert result["n"] == 10
    assert result["items"] == 4
    assert result["alpha"] == pytest.approx(0.920354, abs=1e-6)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((0.790463, 0.977780), abs=1e-6)
    assert 0 < result["omega"] <= 1


def test_reversed_items_are_recoded_before_alpha() -> None:
    staff = reference_staff()
    flipped = staff.assign(
        value=np.where(staff["item"] == "q3", 6 - staff["value"], staff["value"])
    )
    result = reliability(flipped, Scale("k", list(REFERENCE), reversed=["q3"])).iloc[0]
    assert result["alpha"] == pytest.approx(0.920354, abs=1e-6)


def test_scale_scores_reference() -> None:
    scores = scale_scores(reference_staff(), Scale("k", list(REFERENCE)))
    expected = np.array(list(REFERENCE.values()), dtype=float).mean(axis=0)
    np.testing.assert_allclose(scores["k"].to_numpy(), expected)
    assert scores["respondent"].dtype == "string"


def test_min_answered_leaves_sparse_respondents_unscored() -> None:
    matrix = np.array([[4, np.nan, np.nan], [4, 5, np.nan], [1, 2, 3]], dtype=float)
    scores = scale_scores(long_staff(matrix, ["a", "b", "c"]), Scale("s", ["a", "b", "c"]))
    assert np.isnan(scores["s"].iloc[0])
    assert scores["s"].iloc[1] == pytest.approx(4.5)
    assert scores["s"].iloc[2] == pytest.approx(2.0)


def test_association_uses_fisher_interval() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=82)
    scores = pd.DataFrame({"x": x, "y": 0.3 * x + rng.normal(size=82)})
    result = association(scores, "x", "y").iloc[0]
    r = np.corrcoef(scores["x"], scores["y"])[0, 1]
    assert result["r"] == pytest.approx(r)
    expected = fisher_interval(r, 82)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx(
        (expected.ci_low, expected.ci_high)
    )
    # the METHODS.md reference of the interval itself
    reference = fisher_interval(0.30, 82)
    assert (reference.ci_low, reference.ci_high) == pytest.approx((0.088772, 0.485406), abs=1e-6)


def test_cluster_bootstrap_is_wider_when_clusters_share_a_shift_and_is_seeded() -> None:
    rng = np.random.default_rng(11)
    centre = np.repeat(np.arange(20), 15)
    shift = rng.normal(size=20)[centre]
    scores = pd.DataFrame(
        {"x": shift + rng.normal(size=300), "y": shift + rng.normal(size=300), "jobcentre": centre}
    )
    plain = association(scores, "x", "y").iloc[0]
    clustered = association(scores, "x", "y", cluster="jobcentre", seed=3).iloc[0]
    again = association(scores, "x", "y", cluster="jobcentre", seed=3).iloc[0]
    assert clustered["interval"] == "cluster bootstrap"
    assert clustered["clusters"] == 20
    assert (clustered["ci_high"] - clustered["ci_low"]) > (plain["ci_high"] - plain["ci_low"])
    assert (clustered["ci_low"], clustered["ci_high"]) == (again["ci_low"], again["ci_high"])


def test_spearman_and_groups() -> None:
    scores = pd.DataFrame(
        {
            "x": [1.0, 2, 3, 4, 5, 6, 7, 8],
            "y": [1.0, 4, 9, 16, 25, 36, 49, 64],
            "g": list("aaaabbbb"),
        }
    )
    result = association(scores, "x", "y", by="g", method="spearman")
    assert result["g"].tolist() == ["a", "b"]
    assert result["r"].tolist() == pytest.approx([1.0, 1.0])


def test_scale_means_by_group_with_cluster_bootstrap() -> None:
    scores = pd.DataFrame(
        {
            "k": [3.0, 4, 5, 2, 3, 4, 2, 3],
            "strategy": ["p"] * 4 + ["r"] * 4,
            "jobcentre": [1, 1, 2, 2, 3, 3, 4, 4],
        }
    )
    plain = scale_means(scores, "k", by="strategy")
    assert plain["mean"].tolist() == pytest.approx([3.5, 3.0])
    clustered = scale_means(scores, "k", by="strategy", cluster="jobcentre", seed=1)
    assert (clustered["ci_low"] <= clustered["mean"]).all()
    assert (clustered["mean"] <= clustered["ci_high"]).all()


@given(answer_matrices)
def test_scores_lie_within_the_scale_and_input_is_untouched(matrix: np.ndarray) -> None:
    items = [f"i{j}" for j in range(matrix.shape[1])]
    staff = long_staff(matrix, items)
    original = staff.copy(deep=True)
    scores = scale_scores(staff, Scale("s", items, reversed=items[:1]))
    valid = scores["s"].dropna()
    assert ((valid >= 1) & (valid <= 5)).all()
    pd.testing.assert_frame_equal(staff, original)


@given(answer_matrices)
def test_scores_invariant_to_row_order(matrix: np.ndarray) -> None:
    items = [f"i{j}" for j in range(matrix.shape[1])]
    staff = long_staff(matrix, items)
    shuffled = staff.sample(frac=1.0, random_state=np.random.default_rng(2))
    scale = Scale("s", items)
    pd.testing.assert_frame_equal(scale_scores(staff, scale), scale_scores(shuffled, scale))


@given(answer_matrices)
def test_reversing_an_item_twice_changes_nothing(matrix: np.ndarray) -> None:
    items = [f"i{j}" for j in range(matrix.shape[1])]
    staff = long_staff(matrix, items)
    mirrored = staff.assign(
        value=np.where(staff["item"] == items[0], 6 - staff["value"], staff["value"])
    )
    plain = scale_scores(staff, Scale("s", items))
    flipped = scale_scores(mirrored, Scale("s", items, reversed=[items[0]]))
    pd.testing.assert_frame_equal(plain, flipped)


def test_bad_input_is_named() -> None:
    staff = reference_staff()
    with pytest.raises(JobhandicapError, match="does not have"):
        scale_scores(staff, Scale("k", ["q1", "nope"]))
    with pytest.raises(MissingColumnsError, match="value"):
        scale_scores(staff.drop(columns="value"), Scale("k", ["q1"]))
    with pytest.raises(JobhandicapError, match="twice"):
        scale_scores(pd.concat([staff, staff.iloc[[0]]]), Scale("k", ["q1"]))
    with pytest.raises(JobhandicapError, match="runs from"):
        scale_scores(staff.assign(value=staff["value"] * 2), Scale("k", ["q1", "q2"]))
    with pytest.raises(JobhandicapError, match="reversed"):
        Scale("k", ["q1"], reversed=["q2"])
    with pytest.raises(JobhandicapError, match="min_answered"):
        Scale("k", ["q1", "q2"], min_answered=3)
    with pytest.raises(JobhandicapError, match="share a name"):
        scale_scores(staff, [Scale("k", ["q1"]), Scale("k", ["q2"])])
    with pytest.raises(JobhandicapError, match="method"):
        association(pd.DataFrame({"x": [1.0], "y": [2.0]}), "x", "y", method="kendall")  # type: ignore[arg-type]
    with pytest.raises(MissingColumnsError):
        association(pd.DataFrame({"x": [1.0]}), "x", "y")


# --------------------------------------------------------------------------------------------
# Issue 13: one undefined group does not sink the others
# --------------------------------------------------------------------------------------------


def _scores_with_bad_groups() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": [1.0, 2, 3, 4, 5, 6, 2, 2, 2, 7, np.nan],
            "y": [2.0, 1, 4, 3, 6, 5, 1, 2, 3, 3, 1],
            "g": ["ok"] * 6 + ["flat"] * 3 + ["single"] * 2,
            "jobcentre": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6],
        }
    )


@pytest.mark.parametrize("cluster", [None, "jobcentre"])
@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_association_gives_a_missing_row_for_an_undefined_group(
    cluster: str | None, method: Literal["pearson", "spearman"]
) -> None:
    scores = _scores_with_bad_groups()
    with pytest.warns(SmallSampleWarning) as caught:
        result = association(
            scores, "x", "y", by="g", method=method, cluster=cluster, n_boot=199, seed=1
        )
    assert result["g"].tolist() == ["flat", "ok", "single"]
    assert result["n"].tolist() == [3, 6, 1]
    bad = result.set_index("g").loc[["flat", "single"]]
    assert bad[["r", "ci_low", "ci_high"]].isna().all().all()
    texts = " ".join(str(w.message) for w in caught)
    assert "g='flat'" in texts
    assert "'x' is constant over its 3 complete pairs" in texts
    assert "g='single'" in texts
    assert "at least 2 complete pairs, got 1" in texts
    columns = ["n", "r", "ci_low", "ci_high"]
    ok = result.loc[result["g"] == "ok", columns].to_numpy(dtype=float)
    alone = association(
        scores.loc[scores["g"] == "ok"],
        "x",
        "y",
        method=method,
        cluster=cluster,
        n_boot=199,
        seed=1,
    )
    assert ok == pytest.approx(alone[columns].to_numpy(dtype=float))


def test_association_without_groups_and_too_few_pairs_is_a_missing_row() -> None:
    with pytest.warns(SmallSampleWarning, match="at least 2 complete pairs, got 1"):
        result = association(pd.DataFrame({"x": [1.0, np.nan], "y": [2.0, 3.0]}), "x", "y")
    assert result["n"].tolist() == [1]
    assert np.isnan(result["r"].iloc[0])
    with pytest.warns(SmallSampleWarning, match="'x' and 'y' are constant"):
        result = association(pd.DataFrame({"x": [1.0] * 5, "y": [2.0] * 5}), "x", "y")
    assert result["n"].tolist() == [5]


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(1, 3), st.integers(1, 3), st.integers(0, 3)),
        min_size=1,
        max_size=25,
    ),
    st.sampled_from(["pearson", "spearman"]),
    st.booleans(),
)
@settings(max_examples=examples(30))
def test_association_per_group_equals_each_group_alone(
    rows: list[tuple[int, int, int, int]],
    method: Literal["pearson", "spearman"],
    clustered: bool,
) -> None:
    scores = pd.DataFrame(rows, columns=["g", "x", "y", "jobcentre"]).astype(
        {"x": float, "y": float}
    )
    cluster = "jobcentre" if clustered else None

    def correlate(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
        return association(
            frame, "x", "y", by=by, method=method, cluster=cluster, n_boot=49, seed=7
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        grouped = correlate(scores, "g")
        parts = [correlate(part, None) for _, part in scores.groupby("g", sort=True)]
    alone = pd.concat(parts, ignore_index=True)
    assert grouped["g"].tolist() == sorted(set(scores["g"]))
    pd.testing.assert_frame_equal(grouped.drop(columns="g"), alone)


def test_reliability_warns_of_an_undeclared_reverse_worded_item() -> None:
    answers = dict(REFERENCE, q4=[6 - v for v in REFERENCE["q4"]])  # q4 worded the other way
    matrix = np.array(list(answers.values()), dtype=float).T
    staff = long_staff(matrix, list(answers))
    with pytest.warns(DataQualityWarning, match=r"'q4'.*Scale\(reversed=\.\.\.\)"):
        reliability(staff, Scale("k", list(answers)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        declared = reliability(staff, Scale("k", list(answers), reversed=["q4"])).iloc[0]
    assert declared["alpha"] == pytest.approx(0.920354, abs=1e-6)


def test_reliability_with_a_constant_item_warns_and_leaves_omega_missing() -> None:
    answers = dict(REFERENCE, q5=[3] * 10)
    matrix = np.array(list(answers.values()), dtype=float).T
    with pytest.warns(DataQualityWarning, match=r"item 'q5' is constant"):
        result = reliability(long_staff(matrix, list(answers)), Scale("k", list(answers)))
    assert result["n"].iloc[0] == 10
    assert np.isfinite(result["alpha"].iloc[0])
    assert np.isnan(result["omega"].iloc[0])


def test_reliability_of_two_items_has_no_omega() -> None:
    matrix = np.array([REFERENCE["q1"], REFERENCE["q2"]], dtype=float).T
    result = reliability(long_staff(matrix, ["q1", "q2"]), Scale("k", ["q1", "q2"]))
    assert np.isfinite(result["alpha"].iloc[0])
    assert np.isnan(result["omega"].iloc[0])


# --------------------------------------------------------------------------------------------
# Conventions: option errors, reproducible defaults, small bases
# --------------------------------------------------------------------------------------------


def _clustered_scores(size: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    centre = np.repeat(np.arange(size // 6), 6)
    return pd.DataFrame(
        {
            "x": rng.normal(size=size),
            "y": rng.normal(size=size),
            "jobcentre": centre,
            "strategy": np.where(centre % 2 == 0, "proactive", "reactive"),
        }
    )


def test_bootstraps_are_reproducible_by_default() -> None:
    scores = _clustered_scores()
    first = association(scores, "x", "y", cluster="jobcentre")
    pd.testing.assert_frame_equal(first, association(scores, "x", "y", cluster="jobcentre"))
    pd.testing.assert_frame_equal(
        first, association(scores, "x", "y", cluster="jobcentre", seed=2018, n_boot=1_999)
    )
    means = scale_means(scores, ["x", "y"], by="strategy", cluster="jobcentre")
    pd.testing.assert_frame_equal(
        means, scale_means(scores, ["x", "y"], by="strategy", cluster="jobcentre")
    )


def test_staff_option_errors_are_value_and_type_errors() -> None:
    scores = _clustered_scores()
    with pytest.raises(OptionError, match="method"):
        association(scores, "x", "y", method="kendall")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="n_boot"):
        association(scores, "x", "y", cluster="jobcentre", n_boot=0)
    with pytest.raises(ArgumentTypeError, match="seed"):
        association(scores, "x", "y", cluster="jobcentre", seed="1")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="level"):
        scale_means(scores, "x", level=1.5)
    with pytest.raises(ArgumentTypeError, match="numbers"):
        association(scores.assign(x="high"), "x", "y")
    with pytest.raises(MissingColumnsError):
        scale_means(scores, "x", by="region")
    with pytest.raises(ArgumentTypeError, match="Scale"):
        reliability(reference_staff(), "knowledge")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="min_answered"):
        Scale("k", ["a", "b"], min_answered=3)


def test_small_bases_warn_once_per_call() -> None:
    scores = _clustered_scores(size=48)  # 24 per strategy: below SMALL_BASE
    with pytest.warns(SmallSampleWarning) as caught:
        scale_means(scores, ["x", "y"], by="strategy")
    assert len(caught) == 1
    assert "4 of 4 estimates rest on fewer than 30 scores" in str(caught[0].message)
    with pytest.warns(SmallSampleWarning) as caught:
        association(scores, "x", "y", by="strategy")
    assert len(caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        association(_clustered_scores(size=60), "x", "y")
