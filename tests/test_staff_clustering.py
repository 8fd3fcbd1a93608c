"""Staff nested in jobcentres: jh.icc and the clustered comparison of compare_groups."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap.errors import (
    ArgumentTypeError,
    MissingColumnsError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.report import DEFAULT_SCALES

# METHODS.md §4.3: 42 staff in 8 jobcentres.
SIZES = [4, 6, 5, 7, 3, 6, 5, 6]
LIKERT = [2, 3, 4, 1, 2, 1, 4, 3, 3, 2, 3, 3, 3, 2, 5, 3, 3, 2, 2, 3, 3]
LIKERT += [3, 4, 4, 4, 2, 4, 4, 3, 3, 4, 5, 3, 5, 3, 5, 4, 5, 5, 3, 2, 4]
CODES = [101, 147, 151, 153, 155, 157, 159, 161]


def reference_scores() -> pd.DataFrame:
    jobcentre = np.repeat(CODES, SIZES)
    return pd.DataFrame(
        {
            "respondent": [f"s{i:02d}" for i in range(42)],
            "jobcentre": jobcentre,
            "knowledge": np.asarray(LIKERT, dtype=np.float64),
            "belief": np.asarray(LIKERT[::-1], dtype=np.float64),
        }
    )


def quiet_icc(scores: pd.DataFrame, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return jh.icc(scores, **options)  # type: ignore[arg-type]


# -- jh.icc ------------------------------------------------------------------------------------


def test_icc_reproduces_methods_4_3() -> None:
    result = quiet_icc(reference_scores(), value="knowledge")
    row = result.iloc[0]
    assert list(result.columns) == [
        "scale",
        "n",
        "clusters",
        "icc",
        "ci_low",
        "ci_high",
        "icc2",
        "p_value",
        "mean_cluster_size",
        "k0",
        "deff",
        "n_effective",
        "method",
    ]
    assert (row["scale"], row["n"], row["clusters"]) == ("knowledge", 42, 8)
    assert row["icc"] == pytest.approx(0.216542, abs=5e-7)
    assert row["icc2"] == pytest.approx(0.590205, abs=5e-7)
    assert row["k0"] == pytest.approx(5.21088, abs=5e-6)
    assert row["mean_cluster_size"] == 5.25
    assert row["deff"] == pytest.approx(1 + (232 / 42 - 1) * row["icc"], rel=1e-12)
    assert row["n_effective"] == pytest.approx(42 / row["deff"], rel=1e-12)
    assert "k0" in row["method"]


def test_icc_takes_every_numeric_score_by_default_in_column_order() -> None:
    result = quiet_icc(reference_scores())
    assert result["scale"].tolist() == ["knowledge", "belief"]
    assert result["n"].tolist() == [42, 42]


def test_icc_on_the_example_data() -> None:
    data = jh.load_example()
    scores = jh.scale_scores(data.staff, DEFAULT_SCALES)
    result = jh.icc(scores)
    assert result["scale"].tolist() == [s.name for s in DEFAULT_SCALES]
    assert (result["clusters"] > 50).all()
    assert ((result["icc"] > 0) & (result["icc"] < 1)).all()
    assert (result["deff"] > 1).all()


def test_missing_scores_are_left_out_per_scale() -> None:
    scores = reference_scores()
    knowledge = scores["knowledge"].to_numpy().copy()
    knowledge[:4] = np.nan  # the first jobcentre's four staff
    result = quiet_icc(scores.assign(knowledge=knowledge))
    assert result["n"].tolist() == [38, 42]
    assert result["clusters"].tolist() == [7, 8]
    alone = quiet_icc(scores.iloc[4:], value="knowledge")
    assert result["icc"].iloc[0] == pytest.approx(alone["icc"].iloc[0], rel=1e-12)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda s: s.assign(jobcentre=101), "at least 2 clusters"),
        (lambda s: s.assign(jobcentre=np.arange(42)), "no cluster has 2 scores"),
        (lambda s: s.assign(knowledge=3.0), "every score is the same"),
    ],
)
def test_undefined_icc_is_nan_with_one_warning(change: object, why: str) -> None:
    scores = change(reference_scores())  # type: ignore[operator]
    with pytest.warns(SmallSampleWarning, match=why):
        result = jh.icc(scores, value="knowledge")
    row = result.iloc[0]
    assert row["n"] == 42
    assert all(math.isnan(row[c]) for c in ("icc", "ci_low", "ci_high", "deff", "n_effective"))


def test_icc_bad_input() -> None:
    scores = reference_scores()
    with pytest.raises(MissingColumnsError, match="no_such_column"):
        jh.icc(scores, by="no_such_column")
    with pytest.raises(MissingColumnsError, match="no_such_column"):
        jh.icc(scores, value="no_such_column")
    with pytest.raises(ArgumentTypeError, match="respondent"):
        jh.icc(scores, value="respondent")
    with pytest.raises(ArgumentTypeError, match="one cluster column"):
        jh.icc(scores, by=["jobcentre"])  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="level"):
        jh.icc(scores, level=95)
    with pytest.raises(OptionError, match="value="):
        jh.icc(scores[["respondent", "jobcentre"]])
    jobcentre = scores["jobcentre"].astype("Int64").copy()
    jobcentre.iloc[3] = None
    with pytest.raises(OptionError, match="needs a cluster"):
        jh.icc(scores.assign(jobcentre=jobcentre))


@settings(max_examples=examples(30), deadline=None)
@given(st.randoms(use_true_random=False), st.permutations(CODES))
def test_icc_ignores_row_order_and_cluster_labels_and_leaves_its_input(
    random: object, labels: list[int]
) -> None:
    scores = reference_scores()
    before = scores.copy(deep=True)
    expected = quiet_icc(scores)
    pd.testing.assert_frame_equal(scores, before)
    order = np.random.default_rng(labels[0]).permutation(len(scores))
    relabel = dict(zip(CODES, labels, strict=True))
    changed = scores.iloc[order].assign(jobcentre=lambda f: f["jobcentre"].map(relabel))
    pd.testing.assert_frame_equal(quiet_icc(changed), expected, rtol=1e-10)


# -- compare_groups(cluster=) ------------------------------------------------------------------


def strategy_scores() -> pd.DataFrame:
    scores = reference_scores()
    kinds = dict(zip(CODES, ["proactive"] * 4 + ["reactive"] * 4, strict=True))
    return scores.assign(strategy=scores["jobcentre"].map(kinds))


def compare(frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return jh.compare_groups(
            frame, value="knowledge", by="strategy", reference="reactive", **options
        )


def test_clustered_comparison_is_the_cluster_robust_difference() -> None:
    frame = strategy_scores()
    result = compare(frame, cluster="jobcentre")
    plain = compare(frame)
    first = np.repeat(np.arange(8), SIZES) < 4
    y = np.asarray(LIKERT, dtype=np.float64)
    cluster = np.repeat(np.arange(8), SIZES)
    parts = [[np.bincount(cluster, rows * y**p) for p in (0, 1, 2)] for rows in (first, ~first)]
    robust = jh.stats.cluster_robust_difference(*parts[0], *parts[1])
    row = result.iloc[0]
    assert row["difference"] == pytest.approx(robust.estimate)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((robust.ci_low, robust.ci_high))
    assert row["deff"] == pytest.approx(robust.deff)
    assert (row["clusters"], row["clusters_reference"]) == (4, 4)
    assert row["method"].startswith("cluster robust")
    assert row["boot_ci_low"] < row["difference"] < row["boot_ci_high"]
    # What clustering does not change.
    same = ["strategy", "reference", "n", "n_reference", "difference", "hedges_g", "mean"]
    pd.testing.assert_frame_equal(result[same], plain[same])
    assert list(result.columns) == [
        *plain.columns,
        "clusters",
        "clusters_reference",
        "deff",
        "method",
    ]


def test_without_cluster_nothing_changes() -> None:
    frame = strategy_scores()
    result = compare(frame)
    assert "method" not in result.columns
    assert "deff" not in result.columns


def test_clusters_crossing_the_groups_are_resampled_together() -> None:
    frame = strategy_scores().assign(strategy=lambda f: np.where(np.arange(42) % 2, "a", "b"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        result = jh.compare_groups(frame, value="knowledge", by="strategy", cluster="jobcentre")
    row = result.iloc[0]
    assert (row["clusters"], row["clusters_reference"]) == (8, 8)
    assert row["boot_ci_low"] < row["difference"] < row["boot_ci_high"]
    assert row["ci_low"] < row["difference"] < row["ci_high"]


def test_clustered_comparison_is_reproducible_and_ignores_row_order() -> None:
    frame = strategy_scores()
    before = frame.copy(deep=True)
    result = compare(frame, cluster="jobcentre", n_boot=199)
    pd.testing.assert_frame_equal(frame, before)
    shuffled = frame.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(compare(shuffled, cluster="jobcentre", n_boot=199), result)


def test_clustered_comparison_bad_input() -> None:
    frame = strategy_scores()
    with pytest.raises(MissingColumnsError, match="no_such_column"):
        compare(frame, cluster="no_such_column")
    with pytest.raises(OptionError, match="bca"):
        compare(frame, cluster="jobcentre", method="bca")
    with pytest.raises(ArgumentTypeError, match="cluster"):
        compare(frame, cluster=["jobcentre"])
    jobcentre = frame["jobcentre"].astype("Int64").copy()
    jobcentre.iloc[0] = None
    with pytest.raises(OptionError, match="every row needs a cluster"):
        compare(frame.assign(jobcentre=jobcentre), cluster="jobcentre")


def test_a_group_in_one_cluster_has_no_interval() -> None:
    frame = strategy_scores()
    frame = frame.assign(strategy=np.where(frame["jobcentre"] == 101, "proactive", "reactive"))
    with pytest.warns(SmallSampleWarning, match="fewer than two clusters"):  # and few units
        result = jh.compare_groups(
            frame, value="knowledge", by="strategy", reference="reactive", cluster="jobcentre"
        )
    assert math.isnan(result["ci_low"].iloc[0])
    assert math.isnan(result["boot_ci_low"].iloc[0])
    assert result["clusters"].iloc[0] == 1


@settings(max_examples=examples(30), deadline=None)
@given(st.permutations(CODES), st.lists(st.integers(1, 5), min_size=42, max_size=42))
def test_clustered_interval_ignores_cluster_labels(labels: list[int], answers: list[int]) -> None:
    frame = strategy_scores().assign(knowledge=np.asarray(answers, dtype=np.float64))
    relabel = dict(zip(CODES, labels, strict=True))
    renamed = frame.assign(jobcentre=frame["jobcentre"].map(relabel))
    columns = ["difference", "ci_low", "ci_high", "deff", "clusters", "clusters_reference"]
    pd.testing.assert_frame_equal(
        compare(renamed, cluster="jobcentre", n_boot=9)[columns],
        compare(frame, cluster="jobcentre", n_boot=9)[columns],
        rtol=1e-10,
    )
    result = compare(frame, cluster="jobcentre", n_boot=9).iloc[0]
    if np.isfinite(result["ci_low"]):
        assert result["ci_low"] <= result["difference"] <= result["ci_high"]


def test_categorical_clusters_with_unused_categories() -> None:
    scores = reference_scores()
    categories = pd.CategoricalDtype([*CODES, 999])
    as_category = scores.assign(jobcentre=scores["jobcentre"].astype(categories))
    pd.testing.assert_frame_equal(quiet_icc(as_category), quiet_icc(scores))
    frame = strategy_scores()
    categorical = frame.assign(jobcentre=frame["jobcentre"].astype(categories))
    pd.testing.assert_frame_equal(
        compare(categorical, cluster="jobcentre"), compare(frame, cluster="jobcentre")
    )


def test_cluster_columns_may_share_a_name_with_the_output() -> None:
    scores = reference_scores()
    renamed = quiet_icc(scores.rename(columns={"jobcentre": "scale"}), by="scale")
    pd.testing.assert_frame_equal(renamed, quiet_icc(scores))
    frame = strategy_scores().rename(columns={"jobcentre": "group"})
    result = compare(frame, cluster="group")
    assert result["clusters"].tolist() == [4]


def test_a_negative_icc_that_takes_the_design_effect_to_zero_has_no_effective_n() -> None:
    # Colleagues as unlike as can be: 1 and 5 in every jobcentre, ICC(1) = -1, deff = 0.
    scores = pd.DataFrame({"jobcentre": [1, 1, 2, 2, 3, 3], "knowledge": [1.0, 5.0] * 3})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = jh.icc(scores).iloc[0]
    assert row["icc"] == pytest.approx(-1.0)
    assert row["deff"] == pytest.approx(0.0)
    assert np.isnan(row["n_effective"])


def test_an_infinite_score_is_refused_by_name() -> None:
    scores = pd.DataFrame({"jobcentre": [1, 1, 2, 2], "knowledge": [1.0, np.inf, 2.0, 3.0]})
    with pytest.raises(jh.SchemaError, match=r"column 'knowledge' holds inf in its row 2"):
        jh.icc(scores)
    with pytest.raises(jh.SchemaError, match="finite number"):
        jh.scale_means(scores.assign(weight=1.0), "knowledge", design=jh.SurveyDesign())
