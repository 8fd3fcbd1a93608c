"""Design-based survey indicators: SurveyDesign, rake and design= of top_box,
likert_distribution and scale_means, against METHODS.md §4 (R ``survey``) and by properties."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _design_data import AGE, FPC, JC, LIKERT, SEX, STAFF, STRATUM, WEIGHT, Y
from _examples import examples
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
    SmallSampleWarning,
)

TOL = 1e-6
STRATIFIED = jh.SurveyDesign(weights="weight", strata="stratum", fpc="N")
MARGINS: dict[str, Any] = {
    "sex": {"F": 340, "M": 260},
    "agegrp": pd.Series([180, 270, 150], index=[1, 2, 3]),
}


def citizens() -> pd.DataFrame:
    """METHODS.md §4.1 as a long survey frame: item ``y`` (5 = yes, 1 = no) and ``likert``."""
    people = pd.DataFrame(
        {
            "respondent": [f"p{i:02d}" for i in range(40)],
            "wave": 2021,
            "stratum": STRATUM,
            "N": FPC,
            "weight": WEIGHT,
            "sex": SEX,
            "agegrp": AGE,
        }
    )
    yes = people.assign(item="y", answer=pd.array([5 if v else 1 for v in Y], dtype="Int64"))
    likert = people.assign(item="likert", answer=pd.array(LIKERT, dtype="Int64"))
    return pd.concat([yes, likert], ignore_index=True)


def quiet(function: object, *args: object, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return function(*args, **options)  # type: ignore[operator,no-any-return]


def test_top_box_with_a_stratified_design_matches_r_survey() -> None:
    result = jh.top_box(citizens(), design=STRATIFIED)
    row = result.loc[result["item"] == "y"].iloc[0]
    assert list(result.columns) == [
        "wave", "item", "n", "count", "share", "ci_low", "ci_high", "dont_know_share",
        "se", "deff", "n_eff", "method",
    ]  # fmt: skip
    assert (row["n"], row["count"]) == (40, 20)
    assert row["share"] == pytest.approx(0.546667, abs=TOL)
    assert row["se"] == pytest.approx(0.0813770, abs=TOL)
    # svyciprop(method="logit") with its default df = degf(design) = 38.
    assert row["ci_low"] == pytest.approx(0.382834, abs=TOL)
    assert row["ci_high"] == pytest.approx(0.700978, abs=TOL)
    assert row["deff"] == pytest.approx(1.04214, abs=1e-5)  # deff = "replace"
    assert row["n_eff"] == pytest.approx(40 / 1.04214491, abs=1e-4)
    assert row["method"] == "taylor, logit interval, t with 38 df"


def test_top_box_after_raking_has_the_greg_variance() -> None:
    survey = citizens()
    raked = jh.rake(survey, MARGINS, base="base_weight")
    assert raked.attrs["raking"]["converged"]
    design = jh.SurveyDesign(
        "weight", "stratum", fpc="N", base_weights="base_weight", calibration=("sex", "agegrp")
    )
    row = jh.top_box(raked, by="item", design=design).set_index("item").loc["y"]
    assert row["share"] == pytest.approx(0.548375, abs=TOL)
    assert row["se"] == pytest.approx(0.0804784, abs=TOL)
    fixed = jh.top_box(raked, by="item", design=STRATIFIED).set_index("item").loc["y"]
    assert fixed["se"] == pytest.approx(0.0819194, abs=TOL)
    # The method says which of the two variances the standard error is.
    assert row["method"] == "taylor, calibrated (GREG), logit interval, t with 38 df"
    assert fixed["method"] == "taylor, logit interval, t with 38 df"


def test_rake_reproduces_the_margins_once_per_respondent() -> None:
    survey = citizens()
    before = survey.copy()
    raked = jh.rake(survey, MARGINS, tol=1e-13, max_iter=200)
    pd.testing.assert_frame_equal(survey, before)
    people = raked.drop_duplicates("respondent")
    assert people.groupby("sex")["weight"].sum().to_dict() == pytest.approx({"F": 340, "M": 260})
    assert people.groupby("agegrp")["weight"].sum().tolist() == pytest.approx([180, 270, 150])
    cell = people[(people["stratum"] == 1) & (people["sex"] == "F") & (people["agegrp"] == 1)]
    assert cell["weight"].to_numpy() == pytest.approx(8.54788, abs=1e-5)
    report = raked.attrs["raking"]
    assert report["converged"]
    assert report["iterations"] >= 1
    assert report["max_error"] <= 1e-13 * 600


def test_likert_distribution_with_a_design() -> None:
    survey = citizens()
    result = jh.likert_distribution(survey[survey["item"] == "likert"], design=STRATIFIED)
    assert result["share"].sum() == pytest.approx(1.0)
    assert result["n"].unique().tolist() == [40]
    assert result["count"].tolist() == [LIKERT.count(a) for a in (1, 2, 3, 4, 5, 9)]
    assert list(result.columns)[-5:] == ["label", "se", "deff", "n_eff", "method"]
    weights = np.asarray(WEIGHT)
    codes = np.asarray(LIKERT)
    expected = [weights[codes == a].sum() / weights.sum() for a in (1, 2, 3, 4, 5, 9)]
    assert result["share"].tolist() == pytest.approx(expected)
    assert (result["ci_low"] <= result["share"]).all()


def test_scale_means_with_a_cluster_design_matches_r_survey() -> None:
    scores = pd.DataFrame(
        {"jobcentre": JC, "knowledge": np.asarray(STAFF, float), "w": 5.0, "M": 40}
    )
    design = jh.SurveyDesign(weights="w", clusters="jobcentre", fpc="M")
    row = quiet(jh.scale_means, scores, "knowledge", design=design).iloc[0]
    assert row["mean"] == pytest.approx(3.23810, abs=1e-5)
    assert row["se"] == pytest.approx(0.207719, abs=TOL)
    assert row["ci_low"] == pytest.approx(2.74692, abs=1e-5)  # t with degf = 7
    assert row["ci_high"] == pytest.approx(3.72927, abs=1e-5)
    assert row["deff"] == pytest.approx(1.56029, abs=1e-5)
    assert row["method"] == "taylor, t interval with 7 df"
    plain = quiet(jh.scale_means, scores, "knowledge").iloc[0]
    assert row["n"] == plain["n"]
    assert row["mean"] == pytest.approx(plain["mean"])


@st.composite
def sampled(draw: st.DrawFn) -> pd.DataFrame:
    """A small long survey of two items with weights and two strata."""
    size = draw(st.integers(4, 24))
    weights = draw(st.lists(st.floats(0.5, 10.0), min_size=size, max_size=size))
    answers = st.one_of(st.sampled_from([1, 2, 3, 4, 5, 9]), st.none())
    people = pd.DataFrame(
        {
            "respondent": [f"r{i}" for i in range(size)],
            "wave": 2021,
            "stratum": np.arange(size) % 2,
            "weight": weights,
        }
    )
    rows = [
        people.assign(
            item=item,
            answer=pd.array(draw(st.lists(answers, min_size=size, max_size=size)), dtype="Int64"),
        )
        for item in ("a", "b")
    ]
    return pd.concat(rows, ignore_index=True)


@settings(max_examples=examples(60))
@given(sampled(), st.floats(0.01, 1000.0), st.sampled_from(["include", "exclude"]))
def test_weights_scaled_by_a_constant_change_nothing(
    survey: pd.DataFrame, factor: float, dont_know: str
) -> None:
    design = jh.SurveyDesign(weights="weight", strata="stratum")
    result = quiet(jh.top_box, survey, design=design, dont_know=dont_know)
    scaled = quiet(
        jh.top_box, survey.assign(weight=survey["weight"] * factor), design=design,
        dont_know=dont_know,
    )  # fmt: skip
    pd.testing.assert_frame_equal(result, scaled, rtol=1e-7, atol=1e-9)


@settings(max_examples=examples(60))
@given(sampled(), st.sampled_from(["include", "exclude"]))
def test_an_unweighted_design_gives_the_unweighted_share(
    survey: pd.DataFrame, dont_know: str
) -> None:
    plain = quiet(jh.top_box, survey, dont_know=dont_know)
    design = jh.SurveyDesign(weights="weight")
    weighted = quiet(jh.top_box, survey.assign(weight=2.5), design=design, dont_know=dont_know)
    columns = ["wave", "item", "n", "count", "share", "dont_know_share"]
    pd.testing.assert_frame_equal(weighted[columns], plain[columns], check_dtype=False)
    plain_distribution = quiet(jh.likert_distribution, survey)
    distribution = quiet(jh.likert_distribution, survey.assign(weight=2.5), design=design)
    columns = ["wave", "item", "answer", "n", "count", "share", "label"]
    pd.testing.assert_frame_equal(
        distribution[columns], plain_distribution[columns], check_dtype=False
    )


@settings(max_examples=examples(60))
@given(sampled(), st.randoms(use_true_random=False))
def test_row_order_and_respondent_labels_change_nothing(
    survey: pd.DataFrame, random: object
) -> None:
    design = jh.SurveyDesign(weights="weight", strata="stratum")
    before = survey.copy()
    result = quiet(jh.top_box, survey, design=design)
    pd.testing.assert_frame_equal(survey, before)
    order = list(range(len(survey)))
    random.shuffle(order)  # type: ignore[attr-defined]
    relabelled = survey.iloc[order].assign(respondent="x" + survey["respondent"].iloc[order])
    other = quiet(jh.top_box, relabelled, design=design)
    pd.testing.assert_frame_equal(result, other, rtol=1e-9, atol=1e-12)
    within = (result["ci_low"] <= result["share"] + 1e-12) & (
        result["share"] <= result["ci_high"] + 1e-12
    )
    assert within[result["share"].notna()].all()


def test_design_columns_must_be_sound() -> None:
    survey = citizens()
    with pytest.raises(SchemaError, match="finite and greater than 0"):
        jh.top_box(survey.assign(weight=0.0), design=STRATIFIED)
    varying = survey.assign(weight=np.where(survey["item"] == "y", 8.0, 9.0))
    with pytest.raises(SchemaError, match="differs between rows of one respondent"):
        jh.top_box(varying, design=STRATIFIED)
    lonely = survey.assign(stratum=np.where(survey["respondent"] == "p00", 3, survey["stratum"]))
    with pytest.raises(SchemaError, match="stratum '3' in wave 2021 has a single respondent"):
        jh.top_box(lonely, design=jh.SurveyDesign(strata="stratum"))
    with pytest.raises(SchemaError, match="smaller than its sample"):
        jh.top_box(survey.assign(N=10), design=STRATIFIED)
    with pytest.raises(MissingColumnsError):
        jh.top_box(survey, design=jh.SurveyDesign(weights="w"))
    with pytest.raises(OptionError, match="population and design"):
        jh.top_box(survey, design=STRATIFIED, population=1000)
    with pytest.raises(ArgumentTypeError, match="SurveyDesign"):
        jh.top_box(survey, design="weight")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="go together"):
        jh.SurveyDesign(base_weights="base")
    with pytest.raises(ArgumentTypeError, match="column name"):
        jh.SurveyDesign(weights=3)  # type: ignore[arg-type]
    scores = pd.DataFrame({"jobcentre": JC, "knowledge": np.asarray(STAFF, float), "w": 1.0})
    with pytest.raises(OptionError, match="cluster and design"):
        jh.scale_means(scores, "knowledge", cluster="jobcentre", design=jh.SurveyDesign("w"))


def test_bad_margins_get_one_clear_error() -> None:
    survey = citizens()
    before = survey.copy()
    with pytest.raises(OptionError, match="totals differ"):
        jh.rake(survey, {"sex": {"F": 340, "M": 260}, "agegrp": {1: 1, 2: 2, 3: 3}})
    with pytest.raises(OptionError, match="no population total for level"):
        jh.rake(survey, {"sex": {"F": 600}})
    with pytest.raises(OptionError, match="empty cell"):
        jh.rake(survey, {"sex": {"F": 300, "M": 200, "X": 100}})
    with pytest.raises(MissingColumnsError):
        jh.rake(survey, {"region": {"north": 600}})
    with pytest.raises(ArgumentTypeError, match="margins must map"):
        jh.rake(survey, [("sex", {"F": 340})])  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(survey, before)


def test_rake_names_what_is_wrong_with_a_margin() -> None:
    survey = citizens()
    before = survey.copy()
    with pytest.raises(OptionError, match=r"margin 'sex': level 'X' has a population total"):
        jh.rake(survey, {"sex": {"F": 300, "M": 200, "X": 100}})
    with pytest.raises(OptionError, match="compared as they are"):
        jh.rake(survey.astype({"agegrp": str}), {"agegrp": {1: 180, 2: 270, 3: 150}})
    with pytest.raises(ArgumentTypeError, match="margin 'sex' must map each level"):
        jh.rake(survey, {"sex": 5})  # type: ignore[dict-item]
    with pytest.raises(OptionError, match="must be numbers"):
        jh.rake(survey, {"sex": {"F": "340", "M": "260"}})  # type: ignore[dict-item]
    with pytest.raises(OptionError, match="> 0"):
        jh.rake(survey, {"sex": {"F": 600, "M": 0}})
    pd.testing.assert_frame_equal(survey, before)


def test_rake_keeps_every_column_and_refuses_an_empty_frame() -> None:
    survey = citizens()
    for taken in ("sex", "weight", "respondent"):
        with pytest.raises(OptionError, match="already a column"):
            jh.rake(survey, MARGINS, base=taken)
    with pytest.raises(OptionError, match="not a column name"):
        jh.rake(survey, MARGINS, base=["b"])  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="no rows"):
        jh.rake(survey.iloc[:0], MARGINS)


def test_a_duplicate_answer_is_refused_not_counted_twice() -> None:
    survey = citizens()
    twice = pd.concat([survey, survey.iloc[[0]]], ignore_index=True)
    with pytest.raises(JobhandicapError, match="twice in wave 2021"):
        jh.top_box(twice, design=STRATIFIED)
    with pytest.raises(JobhandicapError, match="twice in wave 2021"):
        jh.likert_distribution(twice, design=STRATIFIED)
    scores = pd.DataFrame(
        {"respondent": ["a", "b", "b"], "knowledge": [1.0, 2.0, 3.0], "weight": 1.0}
    )
    with pytest.raises(JobhandicapError, match="two rows of scores"):
        jh.scale_means(scores, "knowledge", design=jh.SurveyDesign())


@st.composite
def scored(draw: st.DrawFn) -> pd.DataFrame:
    """One row per staff member: a score, a weight and a cluster (jobcentre)."""
    size = draw(st.integers(4, 30))
    return pd.DataFrame(
        {
            "knowledge": draw(st.lists(st.floats(1.0, 5.0), min_size=size, max_size=size)),
            "weight": draw(st.lists(st.floats(0.5, 10.0), min_size=size, max_size=size)),
            "jobcentre": np.arange(size) % draw(st.integers(2, 4)),
        }
    )


@settings(max_examples=examples(60))
@given(scored(), st.floats(0.01, 100.0), st.randoms(use_true_random=False))
def test_scale_means_with_a_design_by_properties(
    scores: pd.DataFrame, factor: float, random: object
) -> None:
    design = jh.SurveyDesign(weights="weight", clusters="jobcentre")
    before = scores.copy()
    result = quiet(jh.scale_means, scores, "knowledge", design=design)
    pd.testing.assert_frame_equal(scores, before)
    scaled = quiet(
        jh.scale_means, scores.assign(weight=scores["weight"] * factor), "knowledge",
        design=design,
    )  # fmt: skip
    pd.testing.assert_frame_equal(result, scaled, rtol=1e-7, atol=1e-9)
    order = list(range(len(scores)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = quiet(jh.scale_means, scores.iloc[order], "knowledge", design=design)
    pd.testing.assert_frame_equal(result, shuffled, rtol=1e-9, atol=1e-12)
    row = result.iloc[0]
    assert row["ci_low"] - 1e-9 <= row["mean"] <= row["ci_high"] + 1e-9


@settings(max_examples=examples(60))
@given(scored())
def test_an_unweighted_design_gives_the_plain_mean_and_t_interval(scores: pd.DataFrame) -> None:
    # Equal weights, no strata or clusters: the linearised variance is s²/n and the design's
    # degrees of freedom n - 1, so the interval is the plain t interval.
    plain = quiet(jh.scale_means, scores, "knowledge")
    design = quiet(
        jh.scale_means, scores.assign(weight=4.0), "knowledge", design=jh.SurveyDesign()
    )
    columns = ["scale", "n", "mean", "ci_low", "ci_high", "sd"]
    pd.testing.assert_frame_equal(design[columns], plain[columns], rtol=1e-7, atol=1e-9)


def test_rake_rakes_each_wave_on_its_own_and_reports_non_convergence() -> None:
    first = citizens()
    second = first.assign(wave=2022, weight=first["weight"] * 1.5)
    raked = jh.rake(pd.concat([first, second], ignore_index=True), MARGINS)
    people = raked.drop_duplicates(["wave", "respondent"])
    totals = people.groupby(["wave", "sex"])["weight"].sum()
    assert totals.tolist() == pytest.approx([340, 260, 340, 260])
    with pytest.warns(jh.DataQualityWarning, match="did not meet the margins"):
        stopped = jh.rake(first, MARGINS, max_iter=1, tol=1e-15)
    assert stopped.attrs["raking"] == {
        "iterations": 1,
        "max_error": pytest.approx(stopped.attrs["raking"]["max_error"]),
        "converged": False,
    }


def test_an_outcome_that_does_not_vary_has_no_design_effect() -> None:
    scores = pd.DataFrame(
        {
            "respondent": list("abcd"),
            "knowledge": [3.0] * 4,
            "weight": [1.0, 2.0, 1.0, 2.0],
            "stratum": ["x", "x", "y", "y"],
        }
    )
    row = quiet(jh.scale_means, scores, "knowledge", design=jh.SurveyDesign(strata="stratum"))
    assert row["se"].tolist() == [0.0]
    assert row[["deff", "n_eff"]].isna().all(axis=None)
