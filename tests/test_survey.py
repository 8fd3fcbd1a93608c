"""Tests of the jobcentre-survey indicators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples
from jobhandicap._defaults import SMALL_BASE
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.survey import likert_distribution, response_rate, top_box, wave_change

CODES = [1, 2, 3, 4, 5, 9]


def make_survey(
    answers: Sequence[int | None],
    *,
    wave: int = 2018,
    item: str = "focus",
    respondents: list[str] | None = None,
) -> pd.DataFrame:
    names = respondents or [f"jc{i:03d}" for i in range(len(answers))]
    return pd.DataFrame(
        {
            "respondent": pd.array(names, dtype="string"),
            "wave": np.full(len(answers), wave, dtype=np.int64),
            "item": pd.array([item] * len(answers), dtype="string"),
            "answer": pd.array(answers, dtype="Int64"),
        }
    )


def paired_survey(a: int, b: int, c: int, d: int, item: str = "focus") -> pd.DataFrame:
    """Two waves in which a respondents say yes twice, b yes later only, c yes earlier only."""
    earlier = [5] * a + [2] * b + [4] * c + [1] * d
    later = [4] * a + [5] * b + [3] * c + [2] * d
    names = [f"jc{i:03d}" for i in range(a + b + c + d)]
    return pd.concat(
        [
            make_survey(earlier, wave=2017, item=item, respondents=names),
            make_survey(later, wave=2018, item=item, respondents=names),
        ],
        ignore_index=True,
    )


surveys = st.lists(st.sampled_from([*CODES, None]), min_size=1, max_size=60).map(make_survey)


# ------------------------------------------------------------------------------ reference values


def test_dont_know_base_reference_values() -> None:
    survey = make_survey([5, 4, 4, 3, 2, 1, 5, 4, 9, 9, 3, 4])
    included = top_box(survey).iloc[0]
    assert included["n"] == 12
    assert included["count"] == 6
    assert included["share"] == pytest.approx(0.5, abs=1e-12)
    assert included["dont_know_share"] == pytest.approx(2 / 12)
    excluded = top_box(survey, dont_know="exclude").iloc[0]
    assert excluded["n"] == 10
    assert excluded["share"] == pytest.approx(0.6, abs=1e-12)


def test_published_2018_share_with_population_reference_values() -> None:
    # 35 of 82 responding jobcentres out of 94 rate political focus high or very high.
    survey = make_survey([5] * 15 + [4] * 20 + [3] * 30 + [2] * 17)
    plain = top_box(survey).iloc[0]
    assert plain["share"] == pytest.approx(35 / 82)
    assert (plain["ci_low"], plain["ci_high"]) == pytest.approx((0.325419, 0.534788), abs=1e-6)
    finite = top_box(survey, population=94).iloc[0]
    assert (finite["ci_low"], finite["ci_high"]) == pytest.approx((0.388927, 0.465611), abs=1e-6)
    assert (finite["bound_low"], finite["bound_high"]) == pytest.approx((0.372340, 0.5), abs=1e-6)
    assert finite["population"] == 94
    assert finite["response_rate"] == pytest.approx(82 / 94)


def test_population_jobcentres_counts_the_jobcentres_of_the_wave_year() -> None:
    survey = make_survey([5] * 15 + [4] * 20 + [3] * 47)
    result = top_box(survey, population="jobcentres").iloc[0]
    assert result["population"] == 94
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((0.388927, 0.465611), abs=1e-6)


def test_population_as_mapping_and_frame_agree() -> None:
    survey = make_survey([5] * 15 + [4] * 20 + [3] * 47)
    by_mapping = top_box(survey, population={2018: 94})
    by_frame = top_box(survey, population=pd.DataFrame({"wave": [2018], "population": [94]}))
    pd.testing.assert_frame_equal(by_mapping, by_frame)


def test_paired_wave_change_reference_values() -> None:
    change = wave_change(paired_survey(25, 9, 4, 42), item="focus").iloc[0]
    assert change["method"] == "paired"
    assert change["n_paired"] == 80
    assert change["difference"] == pytest.approx(0.0625, abs=1e-9)
    assert (change["ci_low"], change["ci_high"]) == pytest.approx((-0.027540, 0.150623), abs=1e-6)
    assert change["p_value"] == pytest.approx(0.266846, abs=1e-6)
    assert change["earlier_share"] == pytest.approx(29 / 80)
    assert change["later_share"] == pytest.approx(34 / 80)


def test_independent_wave_change_reference_values() -> None:
    # Newcombe's example 56/70 − 48/80 with no respondent in both waves.
    later = make_survey([5] * 56 + [1] * 14, wave=2018, respondents=[f"b{i}" for i in range(70)])
    earlier = make_survey([5] * 48 + [1] * 32, wave=2017, respondents=[f"a{i}" for i in range(80)])
    change = wave_change(pd.concat([earlier, later], ignore_index=True), item="focus").iloc[0]
    assert change["method"] == "independent"
    assert np.isnan(change["p_value"])
    assert (change["ci_low"], change["ci_high"]) == pytest.approx((0.052431, 0.333873), abs=1e-6)
    assert change["independent_ci_low"] == change["ci_low"]


def test_likert_distribution_counts_every_answer() -> None:
    survey = make_survey([5, 4, 4, 3, 2, 1, 5, 4, 9, 9, 3, 4, None])
    dist = likert_distribution(survey)
    assert dist["answer"].tolist() == CODES
    assert dist["count"].tolist() == [1, 1, 2, 4, 2, 2]
    assert (dist["n"] == 12).all()
    assert dist["share"].sum() == pytest.approx(1.0)
    assert dist.loc[dist["answer"] == 9, "label"].item() == "don't know"


def test_likert_distribution_drops_groups_that_do_not_exist() -> None:
    survey = pd.concat(
        [make_survey([4, 5], item="a", wave=2017), make_survey([1], item="b", wave=2018)],
        ignore_index=True,
    )
    dist = likert_distribution(survey)
    assert set(map(tuple, dist[["wave", "item"]].drop_duplicates().to_numpy())) == {
        (2017, "a"),
        (2018, "b"),
    }


def test_response_rate_with_jobcentres() -> None:
    survey = pd.concat(
        [
            make_survey([4] * 84, wave=2017),
            make_survey([4] * 82, wave=2018),
            make_survey([4] * 82, wave=2018, item="other"),
        ],
        ignore_index=True,
    )
    rates = response_rate(survey, "jobcentres")
    assert rates["count"].tolist() == [84, 82]
    assert rates["n"].tolist() == [94, 94]
    assert rates["response_rate"].iloc[1] == pytest.approx(82 / 94)


# ------------------------------------------------------------------------------ properties


@given(surveys, st.sampled_from(["include", "exclude"]))
def test_top_box_interval_contains_share_within_unit_interval(
    survey: pd.DataFrame, dont_know: str
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        row = top_box(survey, dont_know=dont_know).iloc[0]  # type: ignore[arg-type]
    if row["n"] == 0:
        assert np.isnan(row["share"])
    else:
        assert 0 <= row["ci_low"] <= row["share"] <= row["ci_high"] <= 1


@given(surveys, st.randoms(use_true_random=False))
@settings(max_examples=examples(30))
def test_indicators_are_invariant_to_row_order_and_leave_input_alone(
    survey: pd.DataFrame, random: object
) -> None:
    import warnings

    original = survey.copy(deep=True)
    shuffled = survey.sample(frac=1.0, random_state=np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        pd.testing.assert_frame_equal(top_box(survey), top_box(shuffled))
        pd.testing.assert_frame_equal(likert_distribution(survey), likert_distribution(shuffled))
        top_box(survey, population=len(survey) + 5)
    pd.testing.assert_frame_equal(survey, original)


@given(surveys)
def test_more_boxes_never_lower_the_share(survey: pd.DataFrame) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        counts = [top_box(survey, boxes=b)["count"].iloc[0] for b in (1, 2, 3, 4)]
    assert counts == sorted(counts)


@given(surveys, st.integers(0, 40))
def test_finite_population_interval_inside_the_plain_one_and_bounds_cover_share(
    survey: pd.DataFrame, extra: int
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        plain = top_box(survey).iloc[0]
        size = max(1, int(survey["answer"].notna().sum()) + extra)
        finite = top_box(survey, population=size).iloc[0]
    if plain["n"] > 0:
        assert plain["ci_low"] - 1e-12 <= finite["ci_low"] <= finite["share"]
        assert finite["share"] <= finite["ci_high"] <= plain["ci_high"] + 1e-12
        assert finite["bound_low"] <= finite["share"] <= finite["bound_high"] + 1e-12


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
@settings(max_examples=examples(30))
def test_swapping_waves_negates_the_paired_change(a: int, b: int, c: int, d: int) -> None:
    survey = paired_survey(a, b, c, d)
    if a + b + c + d == 0:
        return
    forward = wave_change(survey, item="focus", waves=(2017, 2018)).iloc[0]
    backward = wave_change(survey, item="focus", waves=(2018, 2017)).iloc[0]
    assert backward["difference"] == pytest.approx(-forward["difference"])
    assert backward["ci_low"] == pytest.approx(-forward["ci_high"])
    assert backward["ci_high"] == pytest.approx(-forward["ci_low"])
    assert forward["ci_low"] <= forward["difference"] <= forward["ci_high"]


# ------------------------------------------------------------------------------ bad input


def test_missing_columns_are_named() -> None:
    with pytest.raises(MissingColumnsError, match="answer"):
        top_box(make_survey([4]).drop(columns="answer"))
    with pytest.raises(MissingColumnsError, match="region"):
        top_box(make_survey([4]), by=("region",))


def test_unknown_items_and_waves_are_named() -> None:
    survey = paired_survey(1, 1, 1, 1)
    with pytest.raises(JobhandicapError, match="unknown item"):
        wave_change(survey, item="nonsense")
    with pytest.raises(JobhandicapError, match="unknown wave"):
        wave_change(survey, item="focus", waves=(2016, 2018))
    with pytest.raises(JobhandicapError, match="two waves"):
        wave_change(make_survey([4]), item="focus")


def test_bad_options_are_rejected() -> None:
    survey = make_survey([4, 5])
    with pytest.raises(JobhandicapError, match="boxes"):
        top_box(survey, boxes=0)
    with pytest.raises(JobhandicapError, match="dont_know"):
        top_box(survey, dont_know="maybe")  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="more respondents"):
        top_box(survey, population=1)
    with pytest.raises(JobhandicapError, match="population"):
        top_box(survey, population={2017: 90})
    with pytest.raises(JobhandicapError, match="DataFrame"):
        top_box([1, 2])  # type: ignore[arg-type]


def test_duplicate_answers_are_refused_by_wave_change() -> None:
    survey = paired_survey(2, 0, 0, 0)
    doubled = pd.concat([survey, survey.iloc[[0]]], ignore_index=True)
    with pytest.raises(JobhandicapError, match="twice"):
        wave_change(doubled, item="focus")


def test_empty_base_warns_and_gives_nan() -> None:
    with pytest.warns(SmallSampleWarning):
        result = top_box(make_survey([None, None]))
    assert result["n"].iloc[0] == 0
    assert np.isnan(result["share"].iloc[0])


def test_finite_population_interval_keeps_zero_share_at_zero() -> None:
    # Regression: floating error once put the lower limit at 2.8e-17, above the share of 0.
    row = top_box(make_survey([1, 1, 1]), population=4).iloc[0]
    assert row["ci_low"] == 0.0 == row["share"]


# ------------------------------------------------------------------------------ conventions


def test_bad_option_values_are_value_errors_and_wrong_types_type_errors() -> None:
    survey = make_survey([4, 5, 3])
    assert issubclass(OptionError, ValueError)
    assert issubclass(ArgumentTypeError, TypeError)
    bad_values: list[dict[str, Any]] = [
        {"boxes": 5},
        {"boxes": 0},
        {"dont_know": "drop"},
        {"level": 95},
    ]
    for options in bad_values:
        with pytest.raises(OptionError):
            top_box(survey, **options)
    wrong_types: list[dict[str, Any]] = [{"boxes": 2.0}, {"dont_know": 1}, {"level": "0.95"}]
    for options in wrong_types:
        with pytest.raises(ArgumentTypeError):
            top_box(survey, **options)
    with pytest.raises(OptionError, match="lang"):
        likert_distribution(survey, lang="fr")
    with pytest.raises(ArgumentTypeError, match="item"):
        wave_change(survey, item=3)  # type: ignore[arg-type]
    with pytest.raises(MissingColumnsError, match="region"):
        likert_distribution(survey, by="region")
    with pytest.raises(OptionError, match="answer"):
        top_box(survey, by="answer")


def test_small_bases_warn_once_below_the_documented_threshold() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        top_box(make_survey([4] * SMALL_BASE))
        likert_distribution(make_survey([4] * SMALL_BASE))
    small = pd.concat(
        [make_survey([4] * (SMALL_BASE - 1), item=item) for item in ("a", "b", "c", "d")],
        ignore_index=True,
    )
    with pytest.warns(SmallSampleWarning) as caught:
        top_box(small)
    assert len(caught) == 1
    assert "4 of 4 estimates rest on fewer than 30 respondents" in str(caught[0].message)
    assert "item=a: 29" in str(caught[0].message)


def test_likert_distribution_labels_in_danish() -> None:
    distribution = likert_distribution(make_survey([5] * 40), lang="da")
    assert distribution.columns.tolist()[-1] == "label"
    english = likert_distribution(make_survey([5] * 40))
    assert (distribution["label"] != english["label"]).all()
    pd.testing.assert_frame_equal(
        distribution.drop(columns="label"), english.drop(columns="label")
    )
