"""Tests of the example data's sampled surveys of citizens and employers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap import reference
from jobhandicap.datasets import SAMPLED_SURVEYS, ExampleData, _sampled, load_example, simulate
from jobhandicap.domain import Region
from jobhandicap.frames import SAMPLED_SURVEY_SCHEMA

MARGINS = {"citizens": ("sex", "age_group"), "employers": ("industry", "size_band")}


@pytest.fixture(scope="module")
def data() -> ExampleData:
    return load_example()


def _respondents(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates(["respondent", "wave"]).reset_index(drop=True)


def _margins(data: ExampleData, name: str) -> dict[str, dict[str, float]]:
    margins = data.citizen_margins if name == "citizens" else data.employer_margins
    return {m: dict(levels) for m, levels in margins.items()}


def _top_two(frame: pd.DataFrame, item: str, weighted: bool) -> float:
    rows = frame[(frame["item"] == item) & frame["answer"].notna() & (frame["answer"] != 9)]
    top = (rows["answer"] >= 4).to_numpy(dtype=float)
    weights = rows["weight"].to_numpy() if weighted else np.ones(len(rows))
    return float((top * weights).sum() / weights.sum())


def test_shapes_and_columns(data: ExampleData) -> None:
    assert data.citizens.shape == (2000 * 3, 10)
    assert data.employers.shape == (1200 * 3, 10)
    for name in SAMPLED_SURVEYS:
        frame = getattr(data, name)
        assert list(frame.columns) == [*SAMPLED_SURVEY_SCHEMA.names, *MARGINS[name]]
        assert isinstance(frame.index, pd.RangeIndex)
        for column, dtype in SAMPLED_SURVEY_SCHEMA.dtypes.items():
            assert frame[column].dtype == dtype, (name, column)
        for column in MARGINS[name]:
            assert frame[column].dtype == "string"
        assert frame["cluster"].isna().all()
        assert (frame["wave"] == 2021).all()


def test_frames_are_valid_sampled_surveys(data: ExampleData) -> None:
    for name in SAMPLED_SURVEYS:
        frame = getattr(data, name)
        pd.testing.assert_frame_equal(jh.validate_sampled_survey(frame), frame, obj=name)


def test_items_come_from_the_instruments(data: ExampleData) -> None:
    assert tuple(data.citizens["item"].unique()) == reference.instrument_items("citizen")
    assert tuple(data.employers["item"].unique()) == reference.instrument_items("employer")
    table = reference.instruments()
    for instrument in ("citizen", "employer"):
        rows = table[table["instrument"] == instrument]
        assert len(rows) == 3
        assert rows["question_da"].str.len().gt(20).all()
        assert rows["question_en"].str.len().gt(20).all()


def test_strata_and_sample_sizes(data: ExampleData) -> None:
    citizens = _respondents(data.citizens)
    assert citizens["stratum"].value_counts().to_dict() == dict.fromkeys(
        (str(r.value) for r in Region), 400
    )
    employers = _respondents(data.employers)
    assert employers["stratum"].value_counts().to_dict() == dict.fromkeys(
        ("1-9", "10-49", "50-249", "250+"), 300
    )
    assert (employers["stratum"] == employers["size_band"]).all()


def test_weights_are_population_over_sample(data: ExampleData) -> None:
    for name in SAMPLED_SURVEYS:
        people = _respondents(getattr(data, name))
        n = people.groupby("stratum")["respondent"].transform("size")
        expected = people["population"].to_numpy(dtype=float) / n.to_numpy()
        np.testing.assert_allclose(people["weight"].to_numpy(), expected, rtol=1e-12)
        sums = people.groupby("stratum")["weight"].sum()
        sizes = people.groupby("stratum")["population"].first().astype(float)
        pd.testing.assert_series_equal(sums, sizes, check_names=False, rtol=1e-12)


def test_margins_total_the_population(data: ExampleData) -> None:
    for name in SAMPLED_SURVEYS:
        people = _respondents(getattr(data, name))
        total = people["weight"].sum()
        margins = _margins(data, name)
        assert set(margins) == set(MARGINS[name])
        for margin, levels in margins.items():
            assert sum(levels.values()) == pytest.approx(total, rel=1e-12), (name, margin)
            assert set(levels) == set(people[margin]), (name, margin)
            assert all(v > 0 for v in levels.values())
    # The stratification margin of the employers is the strata's populations.
    employers = _respondents(data.employers)
    sizes = employers.groupby("stratum")["population"].first()
    assert {k: float(v) for k, v in sizes.items()} == dict(data.employer_margins["size_band"])


def test_margins_are_read_only(data: ExampleData) -> None:
    with pytest.raises(TypeError):
        data.citizen_margins["sex"]["female"] = 1.0  # type: ignore[index]


def test_weighting_matters(data: ExampleData) -> None:
    employers = data.employers
    naive = _top_two(employers, "employer_knows_schemes", weighted=False)
    weighted = _top_two(employers, "employer_knows_schemes", weighted=True)
    assert naive - weighted > 0.15
    citizens = data.citizens
    differences = [
        _top_two(citizens, item, weighted=True) - _top_two(citizens, item, weighted=False)
        for item in reference.instrument_items("citizen")
    ]
    assert max(abs(d) for d in differences) > 0.02
    # The sample holds too many older citizens for their share of the population.
    sample = _respondents(citizens)["age_group"].value_counts(normalize=True)
    population = pd.Series(dict(data.citizen_margins["age_group"]))
    population = population / population.sum()
    assert sample["50-64"] > population["50-64"] + 0.05
    assert sample["16-29"] < population["16-29"] - 0.05


def test_answers_include_dont_know_and_no_answer(data: ExampleData) -> None:
    for name in SAMPLED_SURVEYS:
        answers = getattr(data, name)["answer"]
        assert 0.03 < (answers == 9).mean() < 0.09
        assert 0.005 < answers.isna().mean() < 0.04
        assert set(answers.dropna().unique()) == {1, 2, 3, 4, 5, 9}


def test_load_example_equals_simulate(data: ExampleData) -> None:
    world = simulate(seed=2018)
    for name in SAMPLED_SURVEYS:
        pd.testing.assert_frame_equal(getattr(world, name), getattr(data, name), check_exact=True)
    assert world.citizen_margins == data.citizen_margins
    assert world.employer_margins == data.employer_margins


def test_load_example_returns_copies(data: ExampleData) -> None:
    data.citizens.loc[0, "weight"] = -1.0
    assert float(load_example().citizens["weight"].iloc[0]) > 0


@settings(max_examples=examples(6), deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_same_seed_same_surveys_and_they_validate(seed: int) -> None:
    first = _sampled.simulate_sampled(np.random.default_rng(seed))
    second = _sampled.simulate_sampled(np.random.default_rng(seed))
    for name in SAMPLED_SURVEYS:
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True)
        jh.validate_sampled_survey(first[name])
    other = _sampled.simulate_sampled(np.random.default_rng(seed + 1))
    assert not first["citizens"]["answer"].equals(other["citizens"]["answer"])


def test_the_jobcentre_world_does_not_depend_on_the_sampled_surveys() -> None:
    world = simulate(seed=5)
    again = simulate(seed=np.random.default_rng(5))
    for name, frame in {**world.frames(), **world.sampled_surveys()}.items():
        pd.testing.assert_frame_equal(frame, getattr(again, name), obj=name)


def test_example_data_refuses_bad_margins(data: ExampleData) -> None:
    fields: dict[str, Any] = {
        **data.frames(),
        **data.sampled_surveys(),
        "employer_margins": data.employer_margins,
        "extracted": data.extracted,
    }
    with pytest.raises(jh.JobhandicapError, match="citizen_margins must map"):
        ExampleData(**fields, citizen_margins={"sex": 3})  # type: ignore[dict-item]
