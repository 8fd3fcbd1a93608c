"""Tests for jobhandicap.strategy: the proactive-strategy composite score."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
)
from jobhandicap.strategy import (
    DEFAULT_SPEC,
    STRATEGY_TYPES,
    Indicator,
    StrategySpec,
    normalise,
    score_strategies,
    strategy_sensitivity,
)
from jobhandicap.strategy._sensitivity import _rank_quantiles

# ---------------------------------------------------------------------------------------------
# METHODS.md reference data

X_REF = [[0.2, 10, 3], [0.5, 30, 2], [0.9, 20, 1], [0.4, 50, 4], [0.7, 40, 5]]
MINMAX_REF: list[list[float]] = [
    [0, 0, 50],
    [42.8571, 50, 75],
    [100, 25, 100],
    [28.5714, 100, 25],
    [71.4286, 75, 0],
]
ARITHMETIC_REF = [16.6667, 55.9524, 75.0, 51.1905, 48.8095]
RANKS_REF = [5, 2, 1, 3, 4]
GEOMETRIC_REF = [3.6963, 54.8518, 63.6198, 42.2485, 17.5403]
ZSCORE_REF = [-0.8411, 0.1615, 0.655, 0.0381, -0.0134]
TOL = 1e-4  # METHODS.md gives these values to four decimals


def reference_frame() -> pd.DataFrame:
    frame = pd.DataFrame(X_REF, columns=["a", "b", "c"])
    return frame.assign(jobcentre=[101, 147, 751, 461, 851])


def reference_spec(**options: Any) -> StrategySpec:
    indicators = [Indicator("a"), Indicator("b"), Indicator("c", direction=-1)]
    return StrategySpec(indicators, **options)


def profiles_frame() -> pd.DataFrame:
    """A small canonical profiles frame (dtypes as in DESIGN.md)."""
    models = ["specialised team", "spread specialisation", "general specialisation"]
    return pd.DataFrame(
        {
            "jobcentre": [101, 147, 751, 461],
            "political_focus": pd.array([5, 3, 1, pd.NA], dtype="Int64"),
            "management_priority": pd.array([5, 3, 1, 2], dtype="Int64"),
            "employer_outreach": pd.array([4, 3, 1, 2], dtype="Int64"),
            "external_collaboration": pd.array([5, 2, 1, 3], dtype="Int64"),
            "written_strategy": pd.array([True, False, False, pd.NA], dtype="boolean"),
            "screening_at_intake": pd.array([True, True, False, False], dtype="boolean"),
            "key_person_model": pd.Categorical(
                ["specialised team", "spread specialisation", "general specialisation", None],
                categories=models,
            ),
            "staff_training": [0.9, 0.5, 0.0, 0.25],
            "target_groups_covered": pd.array([14, 7, 0, pd.NA], dtype="Int64"),
        }
    )


# ---------------------------------------------------------------------------------------------
# Reference values


def test_minmax_normalisation_matches_methods() -> None:
    result = normalise(reference_frame(), reference_spec(normalisation="minmax"))
    assert list(result.columns) == ["a", "b", "c"]
    np.testing.assert_allclose(result.to_numpy(), MINMAX_REF, atol=TOL)


def test_arithmetic_minmax_scores_and_ranks_match_methods() -> None:
    result = score_strategies(reference_frame(), reference_spec(normalisation="minmax"))
    np.testing.assert_allclose(result["score"], ARITHMETIC_REF, atol=TOL)
    assert result["rank"].tolist() == RANKS_REF
    assert result["strategy"].tolist() == [
        "reactive",
        "diffuse",
        "proactive",
        "diffuse",
        "diffuse",
    ]


def test_geometric_minmax_scores_match_methods() -> None:
    spec = reference_spec(normalisation="minmax", aggregation="geometric")
    result = score_strategies(reference_frame(), spec)
    np.testing.assert_allclose(result["score"], GEOMETRIC_REF, atol=TOL)
    assert result["rank"].tolist() == RANKS_REF


def test_zscore_arithmetic_scores_match_methods() -> None:
    result = score_strategies(reference_frame(), reference_spec(normalisation="zscore"))
    np.testing.assert_allclose(result["score"], ZSCORE_REF, atol=TOL)
    assert result["rank"].tolist() == RANKS_REF
    # z-scores are not on the 0-100 scale: documented as unclassified
    assert result["strategy"].isna().all()


def test_sensitivity_without_noise_reproduces_reference_ranks() -> None:
    spec = reference_spec(normalisation="minmax")
    result, draws = strategy_sensitivity(
        reference_frame(),
        spec,
        draws=50,
        weight_noise=0.0,
        normalisations=("minmax",),
        aggregations=("arithmetic",),
        seed=3,
        return_draws=True,
    )
    assert result["nominal_rank"].tolist() == RANKS_REF
    for column in ["median_rank", "rank_q05", "rank_q95"]:
        assert result[column].tolist() == [float(r) for r in RANKS_REF]
    assert result["p_proactive"].tolist() == [0, 0, 1, 0, 0]
    assert result["p_diffuse"].tolist() == [0, 1, 0, 1, 1]
    assert result["p_reactive"].tolist() == [1, 0, 0, 0, 0]
    assert (draws["mean_abs_rank_shift"] == 0).all()
    assert (draws[["weight_a", "weight_b", "weight_c"]] == 1.0).all(axis=None)


# ---------------------------------------------------------------------------------------------
# Normalisation details


def test_goalposts_are_clipped_and_reflected() -> None:
    frame = pd.DataFrame({"x": [0, 1, 2, 5, 7], "y": [1, 2, 3, 4, 5]})
    spec = StrategySpec(
        [Indicator("x", goalposts=(1, 5)), Indicator("y", goalposts=(1, 5), direction=-1)]
    )
    result = normalise(frame, spec)
    assert result["x"].tolist() == [0.0, 0.0, 25.0, 100.0, 100.0]
    assert result["y"].tolist() == [100.0, 75.0, 50.0, 25.0, 0.0]


def test_goalposts_without_goalposts_use_observed_range() -> None:
    frame = pd.DataFrame({"x": [2.0, 4.0, 3.0, np.nan]})
    result = normalise(frame, StrategySpec([Indicator("x", direction=-1)]))
    assert result["x"].tolist()[:3] == [100.0, 0.0, 50.0]
    assert math.isnan(result["x"].iloc[3])


def test_rank_normalisation_averages_ties_and_skips_missing() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 2.0, 3.0, np.nan], "y": [5, 4, 3, 2, 1]})
    spec = StrategySpec([Indicator("x"), Indicator("y", direction=-1)], normalisation="rank")
    result = normalise(frame, spec)
    np.testing.assert_allclose(result["x"].iloc[:4], [0.0, 50.0, 50.0, 100.0])
    assert math.isnan(result["x"].iloc[4])
    np.testing.assert_allclose(result["y"], [0.0, 25.0, 50.0, 75.0, 100.0])


def test_zscore_normalisation_uses_sample_sd() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    result = normalise(frame, StrategySpec(["x"], normalisation="zscore"))
    np.testing.assert_allclose(result["x"], [-1.0, 0.0, 1.0], atol=1e-12)


def test_normalise_keeps_index_and_ignores_other_columns() -> None:
    frame = reference_frame().set_index("jobcentre").assign(extra="text")
    result = normalise(frame, reference_spec(normalisation="minmax"))
    assert result.index.tolist() == [101, 147, 751, 461, 851]


# ---------------------------------------------------------------------------------------------
# Scoring details


def test_missing_values_rescale_weights_and_low_coverage_gets_no_score() -> None:
    frame = pd.DataFrame(
        {
            "jobcentre": [1, 2, 3],
            "a": [5.0, 1.0, np.nan],
            "b": [np.nan, 3.0, np.nan],
            "c": [1.0, 5.0, 5.0],
        }
    )
    spec = StrategySpec(
        [
            Indicator("a", goalposts=(1, 5), weight=2),
            Indicator("b", goalposts=(1, 5)),
            Indicator("c", goalposts=(1, 5)),
        ],
        min_coverage=0.5,
    )
    result = score_strategies(frame, spec)
    # unit 1 has a (weight 2) and c (weight 1): (2*100 + 1*0)/3
    assert result["score"].iloc[0] == pytest.approx(200 / 3, abs=1e-9)
    assert result["score"].iloc[1] == pytest.approx((0 + 50 + 100) / 4, abs=1e-9)
    np.testing.assert_allclose(result["coverage"], [0.75, 1.0, 0.25])
    assert math.isnan(result["score"].iloc[2])
    assert result["rank"].isna().tolist() == [False, False, True]
    assert result["strategy"].isna().tolist() == [False, False, True]
    assert result.filter(like="contribution_").iloc[2].isna().all()
    assert math.isnan(result["contribution_b"].iloc[0])
    assert result["rank"].dtype == "Int64"


def test_thresholds_classify_at_the_boundaries() -> None:
    frame = pd.DataFrame({"jobcentre": [1, 2, 3, 4], "x": [60.0, 40.0, 39.99, 100.0]})
    result = score_strategies(frame, StrategySpec([Indicator("x", goalposts=(0, 100))]))
    assert result["strategy"].tolist() == ["proactive", "diffuse", "reactive", "proactive"]
    assert list(result["strategy"].cat.categories) == list(STRATEGY_TYPES)
    assert list(STRATEGY_TYPES) == ["proactive", "diffuse", "reactive"]


def test_ties_share_the_best_rank() -> None:
    frame = pd.DataFrame({"u": ["x", "y", "z", "w"], "a": [1, 5, 1, 3], "b": [5, 1, 5, 3]})
    spec = StrategySpec([Indicator("a", goalposts=(1, 5)), Indicator("b", goalposts=(1, 5))])
    result = score_strategies(frame, spec, unit="u")
    assert result["rank"].tolist() == [1, 1, 1, 1]
    frame = frame.assign(b=[5, 3, 5, 1])
    result = score_strategies(frame, spec, unit="u")
    assert result["rank"].tolist() == [2, 1, 2, 4]


def test_contributions_sum_to_the_score() -> None:
    for aggregation in ["arithmetic", "geometric"]:
        spec = reference_spec(normalisation="minmax", aggregation=aggregation)
        result = score_strategies(reference_frame(), spec)
        total = result.filter(like="contribution_").sum(axis=1)
        np.testing.assert_allclose(total, result["score"], rtol=1e-12)


def test_geometric_contributions_are_log_shares() -> None:
    frame = pd.DataFrame({"jobcentre": [1, 2], "a": [1, 5], "b": [1, 3]})
    spec = StrategySpec(
        [Indicator("a", goalposts=(1, 5)), Indicator("b", goalposts=(1, 5))],
        aggregation="geometric",
    )
    result = score_strategies(frame, spec)
    # unit 1: every value at its minimum, score 1, contributions the weight shares
    assert result["score"].iloc[0] == pytest.approx(1.0)
    assert result[["contribution_a", "contribution_b"]].iloc[0].tolist() == [0.5, 0.5]
    # unit 2: g = (100, 50.5); contribution_a = S * 0.5 log 100 / log S
    score = math.sqrt(100 * 50.5)
    assert result["score"].iloc[1] == pytest.approx(score)
    expected = score * 0.5 * math.log(100) / math.log(score)
    assert result["contribution_a"].iloc[1] == pytest.approx(expected)


def test_default_spec_scores_canonical_profiles() -> None:
    assert DEFAULT_SPEC.columns == (
        "political_focus",
        "management_priority",
        "employer_outreach",
        "external_collaboration",
        "written_strategy",
        "screening_at_intake",
        "key_person_model",
        "staff_training",
        "target_groups_covered",
    )
    assert DEFAULT_SPEC.normalisation == "goalposts"
    assert DEFAULT_SPEC.aggregation == "arithmetic"
    key = DEFAULT_SPEC.indicators[6]
    assert key.value_map == {
        "specialised team": 1.0,
        "spread specialisation": 0.5,
        "general specialisation": 0.0,
    }
    result = score_strategies(profiles_frame())
    # unit 147: 50, 50, 50, 25, 0, 100, 50, 50, 50 -> mean 425/9
    assert result["score"].iloc[1] == pytest.approx(425 / 9)
    assert result["score"].iloc[0] == pytest.approx(
        (100 + 100 + 75 + 100 + 100 + 100 + 100 + 90 + 100) / 9
    )
    assert result["score"].iloc[2] == 0.0
    # unit 461 lacks 4 of 9 indicators: coverage 5/9 < 0.65
    assert result["coverage"].iloc[3] == pytest.approx(5 / 9)
    assert math.isnan(result["score"].iloc[3])
    assert result["strategy"].tolist()[:3] == ["proactive", "diffuse", "reactive"]
    assert list(result.columns[:5]) == ["jobcentre", "score", "rank", "strategy", "coverage"]
    assert list(result.columns[5:]) == [f"contribution_{c}" for c in DEFAULT_SPEC.columns]


def test_plain_dtypes_are_accepted() -> None:
    canonical = profiles_frame()
    plain = canonical.assign(
        political_focus=canonical["political_focus"].astype("float64"),
        written_strategy=pd.Series([True, False, False, None], dtype=object),
        screening_at_intake=[True, True, False, False],
        key_person_model=pd.Series(
            ["Specialised team ", "spread specialisation", "general specialisation", None],
            dtype=object,
        ),
        target_groups_covered=pd.Series(["14", 7, 0, None], dtype=object),
    )
    pd.testing.assert_frame_equal(score_strategies(plain), score_strategies(canonical))


def test_numeric_categories_and_mixed_objects_are_read_as_numbers() -> None:
    frame = pd.DataFrame(
        {
            "u": [1, 2, 3],
            "a": pd.Categorical([1, 5, None]),
            "b": pd.Series([1.5, None, "2"], dtype=object),
        }
    )
    spec = StrategySpec(["a", "b"], min_coverage=0.5)
    result = score_strategies(frame, spec, unit="u")
    assert result["contribution_a"].tolist()[:2] == [0.0, 100.0]
    assert result["score"].tolist() == [0.0, 100.0, 100.0]
    assert result["rank"].tolist() == [3, 1, 1]


def test_unit_may_be_any_column() -> None:
    frame = reference_frame().assign(name=["a", "b", "c", "d", "e"]).drop(columns="jobcentre")
    result = score_strategies(frame, reference_spec(normalisation="minmax"), unit="name")
    assert result["name"].tolist() == ["a", "b", "c", "d", "e"]
    assert result.index.tolist() == [0, 1, 2, 3, 4]


def test_profiles_with_custom_index_give_a_fresh_index() -> None:
    frame = reference_frame().set_axis([10, 20, 30, 40, 50])
    result = score_strategies(frame, reference_spec(normalisation="minmax"))
    assert result.index.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(result["score"], ARITHMETIC_REF, atol=TOL)


# ---------------------------------------------------------------------------------------------
# Specifications


def test_spec_json_round_trip_and_layout() -> None:
    text = DEFAULT_SPEC.to_json()
    data = json.loads(text)
    assert data["normalisation"] == "goalposts"
    assert data["indicators"][6]["values"]["spread specialisation"] == 0.5
    assert StrategySpec.from_json(text) == DEFAULT_SPEC
    assert StrategySpec.from_dict(DEFAULT_SPEC.to_dict()) == DEFAULT_SPEC
    assert hash(StrategySpec.from_json(text)) == hash(DEFAULT_SPEC)


def test_spec_accepts_column_names_and_defaults() -> None:
    spec = StrategySpec(["a", Indicator("b", weight=3)])
    assert spec.columns == ("a", "b")
    assert spec.weights == (1.0, 3.0)
    assert spec.min_coverage == 0.65
    assert spec.thresholds == (40.0, 60.0)


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Indicator("a", weight=0), "weight"),
        (lambda: Indicator("a", weight=-1), "weight"),
        (lambda: Indicator("a", weight=float("nan")), "weight"),
        (lambda: Indicator("a", direction=0), "direction"),
        (lambda: Indicator("a", direction=True), "direction"),
        (lambda: Indicator("a", goalposts=(5, 1)), "goalposts"),
        (lambda: Indicator("a", goalposts=(1, 1)), "goalposts"),
        (lambda: Indicator("a", goalposts=(1, 2, 3)), "goalposts"),
        (lambda: Indicator("a", values={}), "values"),
        (lambda: Indicator("a", values={"x": "high"}), "values"),
        (lambda: Indicator("a", values={"X": 1, "x ": 2}), "twice"),
        (lambda: Indicator(""), "column"),
        (lambda: Indicator("a", label=3), "label"),  # type: ignore[arg-type]
        (lambda: StrategySpec([]), "at least one"),
        (lambda: StrategySpec(["a", "a"]), "repeated"),
        (lambda: StrategySpec(["a"], normalisation="robust"), "normalisation"),  # type: ignore[arg-type]
        (lambda: StrategySpec(["a"], aggregation="harmonic"), "aggregation"),  # type: ignore[arg-type]
        (lambda: StrategySpec(["a"], normalisation="zscore", aggregation="geometric"), "z-score"),
        (lambda: StrategySpec(["a"], min_coverage=0), "min_coverage"),
        (lambda: StrategySpec(["a"], min_coverage=1.5), "min_coverage"),
        (lambda: StrategySpec(["a"], thresholds=(60, 40)), "thresholds"),
        (lambda: StrategySpec(["a"], thresholds=(-1, 40)), "thresholds"),
        (lambda: StrategySpec(["a"], thresholds=(40, 101)), "thresholds"),
        (lambda: StrategySpec([3]), "Indicator"),
        (lambda: StrategySpec.from_json("{"), "JSON"),
        (
            lambda: StrategySpec.from_json('{"indicators": [{"column": "a", "wieght": 2}]}'),
            "wieght",
        ),
        (lambda: StrategySpec.from_json('{"indicators": []}'), "at least one"),
        (lambda: StrategySpec.from_json('{"indicator": []}'), "indicator"),
        (lambda: StrategySpec.from_json("[1, 2]"), "mapping"),
    ],
)
def test_invalid_specs_raise_clear_errors(build: Any, fragment: str) -> None:
    with pytest.raises(JobhandicapError, match=fragment):
        build()


# ---------------------------------------------------------------------------------------------
# Bad input


def test_missing_spec_column_is_named() -> None:
    with pytest.raises(MissingColumnsError, match="'d'") as info:
        score_strategies(reference_frame(), StrategySpec(["a", "d"]))
    assert info.value.missing == ("d",)
    with pytest.raises(MissingColumnsError, match="'jobcentre'"):
        score_strategies(reference_frame().drop(columns="jobcentre"), StrategySpec(["a"]))


@pytest.mark.parametrize("normalisation", ["minmax", "zscore"])
def test_constant_indicator_cannot_be_minmax_or_z_normalised(normalisation: str) -> None:
    frame = reference_frame().assign(b=2.0)
    with pytest.raises(JobhandicapError, match=r"indicator 'b'.*constant.*value is 2"):
        score_strategies(frame, reference_spec(normalisation=normalisation))
    # goalposts (fixed) and rank cope with a constant indicator
    spec = StrategySpec([Indicator("b", goalposts=(0, 4)), "a"], normalisation="goalposts")
    assert score_strategies(frame, spec)["contribution_b"].eq(25.0).all()


def test_constant_indicator_without_goalposts_is_refused_under_goalposts() -> None:
    frame = reference_frame().assign(b=2.0)
    with pytest.raises(JobhandicapError, match="has no goalposts"):
        score_strategies(frame, StrategySpec(["a", "b"]))


def test_geometric_zscore_is_explained() -> None:
    with pytest.raises(JobhandicapError, match="negative") as info:
        reference_spec(normalisation="zscore", aggregation="geometric")
    assert "geometric" in str(info.value)


def test_bad_unit_values_are_listed() -> None:
    frame = reference_frame().assign(jobcentre=[101.0, np.nan, 101.0, 461.0, 851.0])
    with pytest.raises(SchemaError) as info:
        score_strategies(frame, reference_spec())
    problems = info.value.problems
    assert problems["row"].tolist() == [1, 0, 2]
    assert set(problems["column"]) == {"jobcentre"}
    assert "more than one row" in str(info.value)


def test_infinite_and_unreadable_values_are_listed() -> None:
    frame = reference_frame().assign(
        a=[0.2, np.inf, 0.9, 0.4, 0.7], b=pd.Series([10, "many", 20, 50, 40], dtype=object)
    )
    with pytest.raises(SchemaError) as info:
        score_strategies(frame, reference_spec())
    problems = info.value.problems
    assert problems[["row", "column"]].astype(str).to_numpy().tolist() == [
        ["1", "a"],
        ["1", "b"],
    ]
    assert "infinite" in str(info.value)
    assert "many" in str(info.value)


def test_unknown_category_and_unmapped_labels() -> None:
    frame = profiles_frame().assign(
        key_person_model=pd.Series(
            ["specialised team", "team of one", None, "spread specialisation"], dtype=object
        )
    )
    with pytest.raises(SchemaError, match="team of one") as info:
        score_strategies(frame)
    assert info.value.problems["row"].tolist() == [1]
    spec = StrategySpec(["staff_training", "key_person_model"])
    with pytest.raises(SchemaError, match="values mapping"):
        score_strategies(profiles_frame(), spec)


def test_fewer_than_two_units() -> None:
    with pytest.raises(JobhandicapError, match="at least two"):
        score_strategies(reference_frame().head(1), reference_spec())
    with pytest.raises(JobhandicapError, match="at least two"):
        strategy_sensitivity(reference_frame().head(1), reference_spec(), draws=5)


def test_non_frame_and_non_spec_arguments() -> None:
    with pytest.raises(JobhandicapError, match="DataFrame"):
        score_strategies(X_REF, reference_spec())  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="StrategySpec"):
        score_strategies(reference_frame(), {"indicators": ["a"]})  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="unit column may not be called"):
        score_strategies(
            reference_frame().rename(columns={"jobcentre": "score"}),
            reference_spec(),
            unit="score",
        )


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"draws": 0}, "draws"),
        ({"draws": 2.5}, "draws"),
        ({"weight_noise": 1.0}, "weight_noise"),
        ({"weight_noise": -0.1}, "weight_noise"),
        ({"normalisations": ("robust",)}, "normalisation"),
        ({"normalisations": ()}, "at least one"),
        ({"normalisations": ("rank", "rank")}, "twice"),
        ({"aggregations": ("harmonic",)}, "aggregation"),
        ({"normalisations": ("zscore",), "aggregations": ("geometric",)}, "z-score"),
        ({"seed": "abc"}, "seed"),
        ({"seed": -1}, "seed"),
    ],
)
def test_invalid_sensitivity_options(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(JobhandicapError, match=fragment):
        strategy_sensitivity(reference_frame(), reference_spec(), **options)


def test_drop_indicator_needs_two_indicators() -> None:
    with pytest.raises(JobhandicapError, match="at least two indicators"):
        strategy_sensitivity(reference_frame(), StrategySpec(["a"]), drop_indicator=True)


# ---------------------------------------------------------------------------------------------
# Sensitivity analysis


def test_sensitivity_layout_and_draw_frame() -> None:
    result, draws = strategy_sensitivity(
        reference_frame(), reference_spec(), draws=200, seed=1, return_draws=True
    )
    assert list(result.columns) == [
        "jobcentre",
        "nominal_rank",
        "median_rank",
        "rank_q05",
        "rank_q95",
        "p_proactive",
        "p_diffuse",
        "p_reactive",
    ]
    assert result["nominal_rank"].dtype == "Int64"
    assert list(draws.columns) == [
        "draw",
        "normalisation",
        "aggregation",
        "weight_a",
        "weight_b",
        "weight_c",
        "dropped",
        "mean_abs_rank_shift",
    ]
    assert draws["draw"].tolist() == list(range(200))
    assert set(draws["normalisation"]) == {"goalposts", "minmax", "rank"}
    assert set(draws["aggregation"]) == {"arithmetic", "geometric"}
    assert draws["dropped"].isna().all()
    weights = draws[["weight_a", "weight_b", "weight_c"]].to_numpy()
    assert weights.min() >= 0.75
    assert weights.max() <= 1.25
    assert (result["rank_q05"] <= result["median_rank"]).all()
    assert (result["median_rank"] <= result["rank_q95"]).all()
    np.testing.assert_allclose(result.filter(like="p_").sum(axis=1), 1.0)


def test_sensitivity_draws_can_be_reproduced_with_score_strategies() -> None:
    frame = reference_frame().assign(a=[0.2, np.nan, 0.9, 0.4, 0.7])
    spec = reference_spec()
    _, draws = strategy_sensitivity(
        frame,
        spec,
        draws=40,
        normalisations=("goalposts", "minmax", "rank", "zscore"),
        drop_indicator=True,
        seed=11,
        return_draws=True,
    )
    assert draws["dropped"].notna().any()
    assert draws["dropped"].isna().any()
    assert draws.loc[draws["normalisation"] == "zscore", "aggregation"].eq("arithmetic").all()
    nominal = score_strategies(frame, spec)["rank"].to_numpy(dtype=float, na_value=np.nan)
    for row in draws.to_dict(orient="records"):
        dropped = None if pd.isna(row["dropped"]) else row["dropped"]
        indicators = [
            Indicator(ind.column, weight=row[f"weight_{ind.column}"], direction=ind.direction)
            for ind in spec.indicators
            if ind.column != dropped
        ]
        again = StrategySpec(
            indicators,
            normalisation=row["normalisation"],
            aggregation=row["aggregation"],
            min_coverage=spec.min_coverage,
            thresholds=spec.thresholds,
        )
        ranks = score_strategies(frame, again)["rank"].to_numpy(dtype=float, na_value=np.nan)
        shift = np.nanmean(np.abs(ranks - nominal))
        assert row["mean_abs_rank_shift"] == pytest.approx(shift)
        if dropped is None:
            assert all(row[f"weight_{c}"] > 0 for c in spec.columns)
        else:
            assert row[f"weight_{dropped}"] == 0.0


def test_sensitivity_shares_exclude_zscore_draws() -> None:
    result = strategy_sensitivity(
        reference_frame(), reference_spec(), draws=30, normalisations=("zscore",), seed=2
    )
    assert result[["p_proactive", "p_diffuse", "p_reactive"]].isna().all(axis=None)
    assert result["median_rank"].notna().all()
    mixed = strategy_sensitivity(
        reference_frame(),
        reference_spec(),
        draws=60,
        normalisations=("zscore", "goalposts"),
        seed=2,
    )
    np.testing.assert_allclose(mixed.filter(like="p_").sum(axis=1), 1.0)


def test_sensitivity_shares_sum_below_one_when_units_go_unscored() -> None:
    frame = pd.DataFrame({"jobcentre": [1, 2, 3], "a": [1.0, 3.0, 5.0], "b": [1.0, np.nan, 5.0]})
    spec = StrategySpec(
        [Indicator("a", goalposts=(1, 5)), Indicator("b", goalposts=(1, 5))], min_coverage=0.5
    )
    result = strategy_sensitivity(frame, spec, draws=400, seed=4)
    totals = result.filter(like="p_").sum(axis=1).to_numpy()
    # unit 2 covers a share w_a / (w_a + w_b) of the weight: below 0.5 in about half the draws
    assert totals[0] == pytest.approx(1.0)
    assert 0.2 < totals[1] < 0.8
    assert result["nominal_rank"].tolist() == [3, 2, 1]


def test_sensitivity_accepts_a_generator_seed() -> None:
    first = strategy_sensitivity(
        reference_frame(), reference_spec(), draws=100, seed=np.random.default_rng(5)
    )
    second = strategy_sensitivity(reference_frame(), reference_spec(), draws=100, seed=5)
    pd.testing.assert_frame_equal(first, second)


def test_sensitivity_on_a_national_table() -> None:
    """98 units and every default indicator; the timing is benchmarks/run.py's "strategy"."""
    rng = np.random.default_rng(0)
    n = 98
    columns: dict[str, Any] = {"jobcentre": np.arange(n)}
    for name in DEFAULT_SPEC.columns[:4]:
        columns[name] = pd.array(rng.integers(1, 6, n), dtype="Int64")
    columns["written_strategy"] = pd.array(rng.random(n) < 0.5, dtype="boolean")
    columns["screening_at_intake"] = pd.array(rng.random(n) < 0.5, dtype="boolean")
    columns["key_person_model"] = rng.choice(
        ["specialised team", "spread specialisation", "general specialisation"], n
    )
    columns["staff_training"] = rng.random(n)
    columns["target_groups_covered"] = pd.array(rng.integers(0, 15, n), dtype="Int64")
    frame = pd.DataFrame(columns)
    result = strategy_sensitivity(frame, draws=2_000, seed=0)
    assert len(result) == n
    assert result["jobcentre"].tolist() == list(range(n))
    ranks = result[["rank_q05", "rank_q95"]].to_numpy()
    assert ((ranks >= 1) & (ranks <= n)).all()
    assert (result["rank_q05"] <= result["rank_q95"]).all()
    np.testing.assert_allclose(result.filter(like="p_").sum(axis=1), 1.0)
    pd.testing.assert_frame_equal(strategy_sensitivity(frame, draws=2_000, seed=0), result)


# ---------------------------------------------------------------------------------------------
# Properties

NORMALISATION_CELLS: list[tuple[Any, Any]] = [
    ("goalposts", "arithmetic"),
    ("goalposts", "geometric"),
    ("minmax", "arithmetic"),
    ("minmax", "geometric"),
    ("rank", "arithmetic"),
    ("rank", "geometric"),
    ("zscore", "arithmetic"),
]


@st.composite
def scored_tables(
    draw: st.DrawFn, *, with_missing: bool = True
) -> tuple[pd.DataFrame, StrategySpec]:
    """A frame of 3-7 units and 1-4 Likert-like indicators, and a spec over it."""
    n = draw(st.integers(3, 7))
    k = draw(st.integers(1, 4))
    cells = draw(st.sampled_from(NORMALISATION_CELLS))
    columns: dict[str, Any] = {"jobcentre": np.arange(100, 100 + n)}
    indicators = []
    for j in range(k):
        values = draw(st.lists(st.integers(1, 5), min_size=n - 2, max_size=n - 2))
        # rows 0 and 1 hold 1 and 5: never constant, never empty
        column: list[float] = [1.0, 5.0, *map(float, values)]
        if with_missing:
            holes = draw(st.lists(st.booleans(), min_size=n - 2, max_size=n - 2))
            column = column[:2] + [
                np.nan if h else v for h, v in zip(holes, column[2:], strict=True)
            ]
        columns[f"x{j}"] = column
        indicators.append(
            Indicator(
                f"x{j}",
                weight=draw(st.floats(0.1, 10)),
                direction=draw(st.sampled_from([1, -1])),
                goalposts=draw(st.sampled_from([(1.0, 5.0), (0.0, 6.0), None])),
            )
        )
    spec = StrategySpec(
        indicators,
        normalisation=cells[0],
        aggregation=cells[1],
        min_coverage=draw(st.sampled_from([0.3, 0.65, 1.0])),
    )
    return pd.DataFrame(columns), spec


@given(scored_tables(with_missing=False), st.data())
def test_score_is_monotone_in_each_indicator(
    table: tuple[pd.DataFrame, StrategySpec], data: st.DataObject
) -> None:
    frame, spec = table
    unit = data.draw(st.integers(0, len(frame) - 1))
    j = data.draw(st.integers(0, len(spec.indicators) - 1))
    column = spec.columns[j]
    step = data.draw(st.sampled_from([0.5, 1.0, 3.0]))
    raised = frame.assign(**{column: frame[column] + step * (frame.index == unit)})
    before = score_strategies(frame, spec)["score"].iloc[unit]
    after = score_strategies(raised, spec)["score"].iloc[unit]
    if spec.indicators[j].direction == 1:
        assert after >= before - 1e-9
    else:
        assert after <= before + 1e-9


@given(scored_tables(), st.floats(0.01, 100))
def test_scaling_all_weights_changes_nothing(
    table: tuple[pd.DataFrame, StrategySpec], factor: float
) -> None:
    frame, spec = table
    scaled = StrategySpec(
        [
            Indicator(
                i.column, weight=i.weight * factor, direction=i.direction, goalposts=i.goalposts
            )
            for i in spec.indicators
        ],
        normalisation=spec.normalisation,
        aggregation=spec.aggregation,
        min_coverage=spec.min_coverage,
    )
    first = score_strategies(frame, spec)
    second = score_strategies(frame, scaled)
    pd.testing.assert_frame_equal(first, second, rtol=1e-9, atol=1e-9)


@given(scored_tables(), st.randoms(use_true_random=False))
def test_permuting_units_permutes_results(
    table: tuple[pd.DataFrame, StrategySpec], random: Any
) -> None:
    frame, spec = table
    order = list(range(len(frame)))
    random.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    expected = score_strategies(frame, spec).iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(score_strategies(shuffled, spec), expected, atol=1e-9)


@given(scored_tables())
def test_scores_and_normalised_values_are_bounded(
    table: tuple[pd.DataFrame, StrategySpec],
) -> None:
    frame, spec = table
    result = score_strategies(frame, spec)
    if spec.normalisation == "zscore":
        return
    values = normalise(frame, spec).to_numpy()
    assert np.nanmin(values) >= 0.0
    assert np.nanmax(values) <= 100.0
    low = 1.0 if spec.aggregation == "geometric" else 0.0
    scores = result["score"].dropna()
    assert (scores >= low - 1e-9).all()
    assert (scores <= 100.0 + 1e-9).all()
    coverage = result["coverage"]
    assert result["score"].isna().equals(coverage < spec.min_coverage - 1e-12)


@given(scored_tables())
def test_geometric_mean_never_exceeds_arithmetic(
    table: tuple[pd.DataFrame, StrategySpec],
) -> None:
    frame, spec = table
    if spec.normalisation == "zscore":
        return
    arithmetic = score_strategies(
        frame,
        StrategySpec(spec.indicators, normalisation=spec.normalisation, aggregation="arithmetic"),
    )["score"]
    geometric = score_strategies(
        frame,
        StrategySpec(spec.indicators, normalisation=spec.normalisation, aggregation="geometric"),
    )["score"]
    # the arithmetic mean of the same [1, 100] values is 1 + 0.99 * the arithmetic score
    assert geometric.isna().equals(arithmetic.isna())
    scored = geometric.notna()
    assert (geometric[scored] <= 1 + 0.99 * arithmetic[scored] + 1e-9).all()


@given(scored_tables(), st.integers(0, 2**32 - 1))
def test_zero_noise_draws_reproduce_nominal_ranks(
    table: tuple[pd.DataFrame, StrategySpec], seed: int
) -> None:
    frame, spec = table
    result, draws = strategy_sensitivity(
        frame,
        spec,
        draws=20,
        weight_noise=0.0,
        normalisations=(spec.normalisation,),
        aggregations=(spec.aggregation,),
        seed=seed,
        return_draws=True,
    )
    nominal = score_strategies(frame, spec)
    pd.testing.assert_series_equal(result["nominal_rank"], nominal["rank"], check_names=False)
    scored = nominal["rank"].notna().to_numpy()
    ranks = nominal["rank"].to_numpy(dtype=float, na_value=np.nan)
    for column in ["median_rank", "rank_q05", "rank_q95"]:
        np.testing.assert_array_equal(result[column].to_numpy()[scored], ranks[scored])
    assert (draws["mean_abs_rank_shift"].dropna() == 0).all()
    if spec.normalisation != "zscore":
        classes = nominal["strategy"]
        for name in STRATEGY_TYPES:
            expected = (classes == name).astype(float).to_numpy()
            np.testing.assert_array_equal(result[f"p_{name}"].to_numpy(), expected)


@given(scored_tables(), st.integers(0, 2**32 - 1), st.booleans())
def test_same_seed_same_result_and_inputs_unmodified(
    table: tuple[pd.DataFrame, StrategySpec], seed: int, drop: bool
) -> None:
    frame, spec = table
    if drop and len(spec.indicators) < 2:
        drop = False
    before = frame.copy(deep=True)
    options: dict[str, Any] = {
        "draws": 30,
        "seed": seed,
        "drop_indicator": drop,
        "return_draws": True,
        "normalisations": ("goalposts", "rank", "zscore"),
    }
    first = strategy_sensitivity(frame, spec, **options)
    second = strategy_sensitivity(frame, spec, **options)
    score_strategies(frame, spec)
    normalise(frame, spec)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    pd.testing.assert_frame_equal(frame, before)


indicator_strategy = st.builds(
    Indicator,
    st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != ""),
    weight=st.floats(1e-6, 1e6, allow_nan=False),
    direction=st.sampled_from([1, -1]),
    goalposts=st.one_of(
        st.none(),
        st.tuples(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6)).map(lambda t: (t[0], t[0] + t[1])),
    ),
    label=st.one_of(st.none(), st.text(max_size=20)),
    values=st.one_of(
        st.none(),
        st.dictionaries(
            st.sampled_from(["team", "spread", "general", "Ærø", "other"]),
            st.floats(-10, 10),
            min_size=1,
        ),
    ),
)


@given(
    st.lists(indicator_strategy, min_size=1, max_size=5, unique_by=lambda i: i.column),
    st.sampled_from(NORMALISATION_CELLS),
    st.floats(0.01, 1.0),
    st.tuples(st.floats(0, 100), st.floats(0, 100)).map(lambda t: tuple(sorted(t))),
)
def test_spec_survives_a_json_round_trip(
    indicators: list[Indicator],
    cells: tuple[str, str],
    coverage: float,
    thresholds: tuple[float, float],
) -> None:
    spec = StrategySpec(
        indicators,
        normalisation=cells[0],  # type: ignore[arg-type]
        aggregation=cells[1],  # type: ignore[arg-type]
        min_coverage=coverage,
        thresholds=thresholds,
    )
    assert StrategySpec.from_json(spec.to_json()) == spec
    assert StrategySpec.from_json(spec.to_json(indent=None)) == spec
    assert StrategySpec.from_dict(spec.to_dict()) == spec


@given(
    st.integers(1, 6).flatmap(
        lambda n: st.lists(
            st.lists(st.one_of(st.none(), st.integers(1, n)), min_size=n, max_size=n),
            min_size=1,
            max_size=40,
        )
    )
)
def test_rank_quantiles_from_histograms_match_numpy(rows: list[list[int | None]]) -> None:
    ranks = np.array([[np.nan if r is None else r for r in row] for row in rows], dtype=float)
    n = ranks.shape[1]
    counts = np.zeros((n, n), dtype=np.int64)
    for unit in range(n):
        observed = ranks[:, unit][~np.isnan(ranks[:, unit])].astype(int)
        counts[unit] = np.bincount(observed - 1, minlength=n)
    probabilities = (0.05, 0.5, 0.95)
    result = _rank_quantiles(counts, probabilities)
    for unit in range(n):
        observed = ranks[:, unit][~np.isnan(ranks[:, unit])]
        if len(observed) == 0:
            assert np.isnan(result[:, unit]).all()
        else:
            expected = np.quantile(observed, probabilities)
            np.testing.assert_allclose(result[:, unit], expected, rtol=0, atol=1e-12)


def test_scoring_in_blocks_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import jobhandicap.strategy._sensitivity as module

    frame = reference_frame().assign(a=[0.2, np.nan, 0.9, 0.4, 0.7])
    options: dict[str, Any] = {"draws": 101, "seed": 8, "drop_indicator": True}
    whole = strategy_sensitivity(frame, reference_spec(), return_draws=True, **options)
    monkeypatch.setattr(module, "BLOCK_CELLS", 30)  # three draws per block
    blocks = strategy_sensitivity(frame, reference_spec(), return_draws=True, **options)
    pd.testing.assert_frame_equal(whole[0], blocks[0])
    pd.testing.assert_frame_equal(whole[1], blocks[1])


def test_sensitivity_is_reproducible_by_default() -> None:
    first = strategy_sensitivity(reference_frame(), reference_spec(), draws=200)
    second = strategy_sensitivity(reference_frame(), reference_spec(), draws=200)
    pd.testing.assert_frame_equal(first, second)


def test_strategy_option_and_type_errors_are_value_and_type_errors() -> None:
    frame, spec = reference_frame(), reference_spec()
    with pytest.raises(OptionError, match="draws"):
        strategy_sensitivity(frame, spec, draws=0)
    with pytest.raises(OptionError, match="normalisation"):
        strategy_sensitivity(frame, spec, draws=10, normalisations=("log",))
    with pytest.raises(ArgumentTypeError, match="seed"):
        strategy_sensitivity(frame, spec, draws=10, seed="1")  # type: ignore[call-overload]
    with pytest.raises(ArgumentTypeError, match="spec"):
        score_strategies(frame, "default")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="DataFrame"):
        score_strategies(frame.to_dict(), spec)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="unit"):
        score_strategies(frame, spec, unit=1)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="may not be called"):
        score_strategies(frame.rename(columns={"jobcentre": "score"}), spec, unit="score")
    with pytest.raises(MissingColumnsError):
        score_strategies(frame, spec, unit="municipality")
