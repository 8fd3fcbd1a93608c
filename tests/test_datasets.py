"""Tests for jobhandicap.datasets: the simulator, the packaged example and published figures."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from jobhandicap import _packaged, reference
from jobhandicap.datasets import (
    EXAMPLE_SEED,
    REVERSED_STAFF_ITEMS,
    SAMPLED_SURVEYS,
    STAFF_ITEMS,
    SURVEY_ITEMS,
    ExampleData,
    load_example,
    published_figures,
    simulate,
    write_example,
)
from jobhandicap.datasets import _sampled as _sampled
from jobhandicap.datasets import _simulate as _simulate
from jobhandicap.datasets._generate import main
from jobhandicap.domain import CompensationScheme, Decision, KeyPersonModel, TargetGroup
from jobhandicap.errors import JobhandicapError

FRAMES = ("cases", "survey", "staff", "profiles", "population", "outcomes", "people")


def _categories(values: Any) -> pd.CategoricalDtype:
    return pd.CategoricalDtype([str(getattr(v, "value", v)) for v in values], ordered=False)


WG = _categories(["no difficulty", "some difficulty", "a lot of difficulty", "cannot do at all"])
# The canonical dtypes of contract.md, written out independently of the implementation.
CONTRACT: dict[str, dict[str, Any]] = {
    "cases": {
        "case_id": pd.StringDtype(),
        "municipality": np.dtype("int64"),
        "jobcentre": np.dtype("int64"),
        "scheme": _categories(CompensationScheme),
        "target_group": _categories(TargetGroup),
        "applied": np.dtype("datetime64[ns]"),
        "decided": np.dtype("datetime64[ns]"),
        "decision": _categories(Decision),
        "amount_dkk": np.dtype("float64"),
        "decision_detail": pd.CategoricalDtype(["partial", "lapsed"], ordered=False),
        "granted_from": np.dtype("datetime64[ns]"),
        "granted_to": np.dtype("datetime64[ns]"),
        "hours_per_week": np.dtype("float64"),
        "yearly_amount_dkk": np.dtype("float64"),
        "person": pd.StringDtype(),
    },
    "survey": {
        "respondent": pd.StringDtype(),
        "wave": np.dtype("int64"),
        "item": pd.StringDtype(),
        "answer": pd.Int64Dtype(),
    },
    "staff": {
        "respondent": pd.StringDtype(),
        "jobcentre": np.dtype("int64"),
        "item": pd.StringDtype(),
        "value": np.dtype("float64"),
    },
    "profiles": {
        "jobcentre": np.dtype("int64"),
        "political_focus": pd.Int64Dtype(),
        "management_priority": pd.Int64Dtype(),
        "employer_outreach": pd.Int64Dtype(),
        "external_collaboration": pd.Int64Dtype(),
        "written_strategy": pd.BooleanDtype(),
        "screening_at_intake": pd.BooleanDtype(),
        "key_person_model": _categories(KeyPersonModel),
        "staff_training": np.dtype("float64"),
        "target_groups_covered": pd.Int64Dtype(),
    },
    "population": {
        "municipality": np.dtype("int64"),
        "year": np.dtype("int64"),
        "population": np.dtype("int64"),
    },
    "outcomes": {
        "jobcentre": np.dtype("int64"),
        "year": np.dtype("int64"),
        "persons": np.dtype("int64"),
        "entered_job": np.dtype("int64"),
        "social_assistance_pct": np.dtype("float64"),
        "unemployment_pct": np.dtype("float64"),
    },
    "people": {
        "age": np.dtype("int64"),
        "sex": _categories(["female", "male"]),
        "employed": pd.BooleanDtype(),
        "gali": _categories(["not limited", "limited but not severely", "severely limited"]),
        "wg_seeing": WG,
        "wg_hearing": WG,
        "wg_walking": WG,
        "wg_cognition": WG,
        "wg_selfcare": WG,
        "wg_communication": WG,
        "weight": np.dtype("float64"),
    },
}


@pytest.fixture(scope="module")
def world() -> _simulate.World:
    return _simulate.simulate_world(EXAMPLE_SEED)


@pytest.fixture(scope="module")
def data() -> ExampleData:
    return simulate(seed=EXAMPLE_SEED)


@pytest.fixture(scope="module")
def other() -> ExampleData:
    return simulate(seed=1)


def _assert_same(left: ExampleData, right: ExampleData) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(
            getattr(left, name), getattr(right, name), check_exact=True, obj=name
        )
    assert left.extracted == right.extracted


def _wide_staff(staff: pd.DataFrame) -> pd.DataFrame:
    wide = staff.pivot(index="respondent", columns="item", values="value")
    reversed_items = list(REVERSED_STAFF_ITEMS)
    return wide.assign(**{item: 6.0 - wide[item] for item in reversed_items})


def _scale(wide: pd.DataFrame, prefix: str) -> pd.Series:
    return wide[[c for c in wide.columns if c.startswith(prefix)]].mean(axis=1)


def _survey_answers(survey: pd.DataFrame, item: str, wave: int) -> pd.Series:
    rows = survey[(survey["item"] == item) & (survey["wave"] == wave)]
    return rows.set_index("respondent")["answer"]


# --------------------------------------------------------------------------------------------
# Determinism and seeds


def test_same_seed_gives_equal_frames(data: ExampleData) -> None:
    _assert_same(simulate(seed=EXAMPLE_SEED), data)


def test_default_seed_is_the_example_seed() -> None:
    assert simulate.__defaults__ == (EXAMPLE_SEED,)


def test_different_seeds_differ(data: ExampleData, other: ExampleData) -> None:
    for name in ("cases", "survey", "staff", "profiles", "outcomes", "people", "population"):
        assert not getattr(data, name).equals(getattr(other, name)), name


def test_generator_seed_equals_integer_seed(other: ExampleData) -> None:
    _assert_same(simulate(np.random.default_rng(1)), other)


def test_the_world_spawns_eight_streams_and_the_sampled_surveys_the_ninth() -> None:
    # The packaged example files depend on this layout: a part added to the world draws from
    # a stream spawned from an existing part's stream, never from a new child of the seed.
    rng = np.random.default_rng(EXAMPLE_SEED)
    _simulate.simulate_world(rng)
    assert rng.bit_generator.seed_seq.n_children_spawned == 8  # type: ignore[attr-defined]
    expected = _sampled.simulate_sampled(np.random.default_rng(EXAMPLE_SEED).spawn(9)[8])
    data = load_example()
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(frame, getattr(data, name), check_exact=True, obj=name)


@pytest.mark.parametrize("seed", [-1, 1.5, "2018", True, None])
def test_bad_seed_is_refused(seed: Any) -> None:
    with pytest.raises(JobhandicapError, match="seed"):
        simulate(seed)


@settings(max_examples=3)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_invariants_hold_for_any_seed(seed: int) -> None:
    world = simulate(seed)
    cases = world.cases
    decided = cases["decided"].notna()
    assert (cases.loc[decided, "decided"] >= cases.loc[decided, "applied"]).all()
    assert (decided == cases["decision"].notna()).all()
    assert cases.loc[cases["decision"] != "granted", "amount_dkk"].isna().all()
    assert (world.outcomes["entered_job"] <= world.outcomes["persons"]).all()
    top2 = _survey_answers(world.survey, "political_focus", 2018).isin([4, 5]).sum()
    assert top2 == 35
    for name, columns in CONTRACT.items():
        assert getattr(world, name).dtypes.to_dict() == columns


# --------------------------------------------------------------------------------------------
# Canonical form and sizes


@pytest.mark.parametrize("name", FRAMES)
def test_frames_have_canonical_dtypes(data: ExampleData, name: str) -> None:
    frame = getattr(data, name)
    assert list(frame.columns) == list(CONTRACT[name])
    assert frame.dtypes.to_dict() == CONTRACT[name]
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame.index.start == 0
    assert frame.index.step == 1


def test_dates_are_at_midnight(data: ExampleData) -> None:
    for column in ("applied", "decided"):
        values = data.cases[column].dropna()
        assert (values == values.dt.normalize()).all()


def test_sizes(data: ExampleData) -> None:
    assert data.cases.shape[0] == 20_000
    assert 19_000 <= data.cases.shape[0] <= 21_000
    respondents = data.survey.groupby("wave")["respondent"].nunique().to_dict()
    assert respondents == {2017: 84, 2018: 82}
    staff = data.staff["respondent"].nunique()
    assert 1_400 <= staff <= 1_600
    assert data.staff.shape[0] == staff * len(STAFF_ITEMS)
    assert data.profiles.shape == (94, 10)
    assert data.population.shape == (98 * 4, 3)
    assert data.outcomes.shape == (94 * 4, 6)
    assert data.people.shape == (20_000, 11)
    assert data.extracted == dt.date(2021, 1, 31)


def test_repr_shows_shapes(data: ExampleData) -> None:
    text = repr(data)
    assert text.startswith("ExampleData(cases=20000×15, survey=5394×4, staff=")
    assert text.endswith(
        "people=20000×11, citizens=6000×10, employers=3600×10, extracted=2021-01-31)"
    )


def test_example_data_checks_its_fields(data: ExampleData) -> None:
    frames: dict[str, Any] = {
        **data.frames(),
        **data.sampled_surveys(),
        "citizen_margins": data.citizen_margins,
        "employer_margins": data.employer_margins,
    }
    with pytest.raises(JobhandicapError, match="cases must be a pandas DataFrame"):
        ExampleData(**{**frames, "cases": [1, 2]}, extracted=data.extracted)
    with pytest.raises(JobhandicapError, match=r"extracted must be a datetime\.date"):
        ExampleData(**frames, extracted="2021-01-31")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Content of each frame


def test_survey_items_and_answers(data: ExampleData) -> None:
    survey = data.survey
    ticks = survey["item"].isin(reference.item_sets()["schemes_used_for"])
    assert set(survey.loc[~ticks, "answer"].dropna().unique()) <= {1, 2, 3, 4, 5, 9}
    assert set(survey.loc[ticks, "answer"].dropna().unique()) == {0, 1}
    assert survey["answer"].isna().any()
    assert (survey["answer"] == 9).any()
    items_2017 = set(survey.loc[survey["wave"] == 2017, "item"])
    items_2018 = set(survey.loc[survey["wave"] == 2018, "item"])
    assert items_2018 == set(SURVEY_ITEMS)
    assert items_2017 == set(SURVEY_ITEMS) - {"new_strategy"}
    assert "target_group_flex_job_unemployment_benefit" in items_2018
    assert sum(item.startswith("target_group_") for item in items_2018) == 14
    # Every respondent answers (or skips) every item of its wave exactly once.
    counts = survey.groupby(["wave", "respondent"]).size().reset_index(name="items")
    assert counts.groupby("wave")["items"].unique().map(list).to_dict() == {2017: [32], 2018: [33]}


def test_survey_respondents_are_jobcentre_codes_and_mostly_paired(data: ExampleData) -> None:
    names = set(reference.jobcentres(on=dt.date(2018, 7, 1))["jobcentre"].astype(str))
    by_wave = data.survey.groupby("wave")["respondent"].unique()
    assert set(by_wave.loc[2017]) <= names
    assert set(by_wave.loc[2018]) <= names
    assert len(set(by_wave.loc[2017]) & set(by_wave.loc[2018])) >= 70


def test_survey_reproduces_published_counts(data: ExampleData) -> None:
    figures: list[dict[str, Any]] = published_figures().to_dict("records")  # type: ignore[assignment]
    codes = {
        "very_high": 5,
        "high": 4,
        "some": 3,
        "low": 2,
        "not_at_all": 1,
        "dont_know": 9,
    }
    checked = 0
    for row in figures:
        measure, year = str(row["measure"]), int(row["year"])
        item, _, box = measure.rpartition("_top2")
        if box == "" and item in SURVEY_ITEMS:
            answers = _survey_answers(data.survey, item, year)
            hits = int(answers.isin([4, 5]).sum())
        elif measure.startswith("scheme_focus_"):
            answers = _survey_answers(data.survey, "scheme_focus", year)
            hits = int((answers == codes[measure.removeprefix("scheme_focus_")]).sum())
        else:
            continue
        assert len(answers) == row["n"], measure
        assert hits == row["count"], measure
        assert round(hits / len(answers), 2) == pytest.approx(row["share"]), measure
        checked += 1
    assert checked == 10


def test_staff_ids_values_and_missing(data: ExampleData) -> None:
    staff = data.staff
    assert staff["respondent"].str.fullmatch(r"S\d{5}").all()
    per_respondent = staff.groupby("respondent").agg(
        jobcentres=("jobcentre", "nunique"), items=("item", "nunique")
    )
    assert (per_respondent["jobcentres"] == 1).all()
    assert (per_respondent["items"] == len(STAFF_ITEMS)).all()
    values = staff["value"].dropna()
    assert set(values.unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert 0.01 < staff["value"].isna().mean() < 0.06
    codes_2020 = set(reference.jobcentres(on=dt.date(2020, 7, 1))["jobcentre"])
    assert set(staff["jobcentre"]) <= codes_2020


def test_reversed_staff_items_run_against_their_scale(data: ExampleData) -> None:
    raw = data.staff.pivot(index="respondent", columns="item", values="value")
    knowledge = raw[["knowledge_1", "knowledge_2", "knowledge_3"]].mean(axis=1)
    belief = raw[["belief_1", "belief_2", "belief_3"]].mean(axis=1)
    assert raw["knowledge_5"].corr(knowledge) < -0.3
    assert raw["belief_4"].corr(belief) < -0.3


def test_cases_are_consistent(data: ExampleData) -> None:
    cases = data.cases
    assert cases["case_id"].is_unique
    assert cases["applied"].dt.year.between(2018, 2020).all()
    expected = reference.jobcentre_codes(
        cases["municipality"].to_numpy(), cases["applied"].to_numpy()
    )
    np.testing.assert_array_equal(cases["jobcentre"].to_numpy(), expected)
    extracted = pd.Timestamp(data.extracted)
    assert (cases["decided"].dropna() <= extracted).all()
    is_open = cases["decided"].isna()
    assert 50 <= is_open.sum() <= 1_000
    assert cases.loc[is_open, "decision"].isna().all()
    decisions = cases["decision"].value_counts()
    assert decisions["refused"] > 500
    assert decisions["withdrawn"] > 300
    granted = cases["decision"] == "granted"
    assert cases.loc[~granted, "amount_dkk"].isna().all()
    assert (cases.loc[granted, "amount_dkk"].dropna() > 0).all()
    assert cases.loc[granted, "amount_dkk"].isna().sum() > 0
    assert cases.loc[cases["scheme"] == "icebreaker scheme", "applied"].dt.year.min() == 2020


def test_aids_and_personal_assistance_dominate(data: ExampleData) -> None:
    shares = data.cases["scheme"].value_counts(normalize=True)
    assert shares["aids"] + shares["personal assistance"] > 0.8
    granted = data.cases[data.cases["decision"] == "granted"]
    per_year = granted.groupby([granted["applied"].dt.year, "scheme"], observed=True).size()
    ratio = per_year.xs("aids", level="scheme") / per_year.xs(
        "personal assistance", level="scheme"
    )
    # Grant statistics 2018: 14,900 aids / 4,700 personal assistance = 3.17.
    assert ratio.between(2.7, 3.7).all()


def test_profiles(data: ExampleData) -> None:
    profiles = data.profiles
    jobcentres_2018 = reference.jobcentres(on=dt.date(2018, 7, 1))["jobcentre"]
    assert sorted(profiles["jobcentre"]) == sorted(set(jobcentres_2018))
    assert profiles["staff_training"].dropna().between(0, 1).all()
    assert profiles["target_groups_covered"].dropna().between(0, 14).all()
    for column in ("political_focus", "management_priority", "employer_outreach"):
        assert profiles[column].dropna().between(1, 5).all()
    assert profiles.isna().any().any()
    assert set(profiles["key_person_model"].dropna()) == {m.value for m in KeyPersonModel}


def test_profiles_agree_with_the_2018_survey(data: ExampleData) -> None:
    names = reference.jobcentres(on=dt.date(2018, 7, 1)).drop_duplicates("jobcentre")
    code_of = {str(code): code for code in names["jobcentre"]}  # respondents are codes as text
    for item in ("political_focus", "management_priority"):
        answers = _survey_answers(data.survey, item, 2018)
        answers = answers[answers.between(1, 5)]
        profile = data.profiles.set_index("jobcentre")[item]
        pairs = pd.DataFrame(
            {"answer": answers.to_numpy(), "profile": profile.reindex(answers.index.map(code_of))}
        ).dropna()
        assert len(pairs) > 60
        assert (pairs["answer"] == pairs["profile"]).all(), item


def test_population_sizes(data: ExampleData) -> None:
    population = data.population
    municipalities = set(reference.municipalities()["code"])
    assert set(population["municipality"]) == municipalities
    assert set(population["year"]) == {2017, 2018, 2019, 2020}
    assert not population.duplicated(["municipality", "year"]).any()
    in_2018 = population[population["year"] == 2018].set_index("municipality")["population"]
    assert 400_000 < in_2018[101] < 500_000  # København
    assert 500 < in_2018[825] < 2_000  # Læsø
    assert in_2018.idxmax() == 101
    assert in_2018.nlargest(4).index.tolist() == [101, 751, 851, 461]
    assert 3_400_000 < in_2018.sum() < 4_200_000


def test_outcomes(data: ExampleData) -> None:
    outcomes = data.outcomes
    assert set(outcomes["year"]) == {2017, 2018, 2019, 2020}
    assert not outcomes.duplicated(["jobcentre", "year"]).any()
    assert (outcomes["persons"] > 0).all()
    assert (outcomes["entered_job"] >= 0).all()
    assert (outcomes["entered_job"] <= outcomes["persons"]).all()


def test_people_and_washington_group_agree_with_gali(data: ExampleData) -> None:
    people = data.people
    assert people["age"].between(16, 74).all()
    assert people["age"].min() == 16
    assert people["age"].max() == 74
    assert (people["weight"] > 0).all()
    assert set(people["sex"]) == {"female", "male"}
    levels = np.column_stack(
        [people[c].cat.codes.to_numpy() for c in people if str(c).startswith("wg_")]
    )
    worst = levels.max(axis=1)
    gali = people["gali"].cat.codes.to_numpy()
    assert (worst[gali == 0] <= 1).all()
    assert (worst[gali == 1] >= 1).all()
    assert (worst[gali == 1] <= 2).all()
    assert (worst[gali == 2] >= 2).all()
    assert (levels >= 0).all()


# --------------------------------------------------------------------------------------------
# The documented truths


def test_personal_assistance_share_of_expenditure(data: ExampleData) -> None:
    granted = data.cases[data.cases["decision"] == "granted"]
    spent = granted.groupby("scheme", observed=True)["amount_dkk"].sum()
    assert 0.85 <= spent["personal assistance"] / spent.sum() <= 0.93


def test_processing_time_falls_each_year(data: ExampleData) -> None:
    cases = data.cases
    days = (cases["decided"] - cases["applied"]).dt.days
    # Open cases have not been decided yet: count them as longer than any decided case.
    days = days.fillna(10_000).where(cases["decision"] != "withdrawn")
    medians = days.groupby(cases["applied"].dt.year).median()
    assert medians[2018] > medians[2019] > medians[2020]
    assert medians.to_numpy() == pytest.approx([45, 35, 28], rel=0.12)


def test_proactive_jobcentres_have_better_informed_staff(world: _simulate.World) -> None:
    wide = _wide_staff(world.frames["staff"])
    jobcentre = world.frames["staff"].drop_duplicates("respondent").set_index("respondent")
    latent = world.proactivity.reindex(jobcentre.loc[wide.index, "jobcentre"]).to_numpy()
    knowledge = _scale(wide, "knowledge_").to_numpy()
    ok = ~np.isnan(knowledge)
    assert knowledge[ok & (latent > 0)].mean() - knowledge[ok & (latent <= 0)].mean() > 0.3
    assert np.corrcoef(knowledge[ok], latent[ok])[0, 1] > 0.3


def test_more_knowledge_goes_with_more_belief(data: ExampleData) -> None:
    wide = _wide_staff(data.staff)
    assert _scale(wide, "knowledge_").corr(_scale(wide, "belief_")) > 0.3


def test_proactivity_drives_profiles(world: _simulate.World) -> None:
    profiles = world.frames["profiles"]
    latent = world.proactivity.reindex(profiles["jobcentre"]).to_numpy()
    for column in (
        "political_focus",
        "management_priority",
        "employer_outreach",
        "staff_training",
        "target_groups_covered",
    ):
        values = profiles[column].astype("float64").to_numpy()
        ok = ~np.isnan(values)
        assert np.corrcoef(values[ok], latent[ok])[0, 1] > 0.25, column
    written = profiles["written_strategy"].to_numpy(dtype="float64", na_value=np.nan)
    assert latent[written == 1].mean() > latent[written == 0].mean()
    team = (profiles["key_person_model"] == "specialised team").to_numpy()
    general = (profiles["key_person_model"] == "general specialisation").to_numpy()
    assert latent[team].mean() > latent[general].mean()


def test_proactive_jobcentres_have_higher_job_entry(world: _simulate.World) -> None:
    outcomes = world.frames["outcomes"]
    proactive = world.proactivity.reindex(outcomes["jobcentre"]).to_numpy() > 0
    totals = outcomes.groupby(proactive)[["entered_job", "persons"]].sum()
    rates = totals["entered_job"] / totals["persons"]
    assert rates[True] - rates[False] > 0.04


def test_framework_conditions_confound_job_entry_with_a_known_effect(
    world: _simulate.World,
) -> None:
    """Truth 10: the conditions go with low proactivity, and a model recovers their effects."""
    outcomes = world.frames["outcomes"]
    z = world.proactivity.reindex(outcomes["jobcentre"]).to_numpy()
    for column in ("social_assistance_pct", "unemployment_pct"):
        values = outcomes[column].to_numpy()
        assert np.corrcoef(z, values)[0, 1] < -0.35
        assert (values == np.round(values, 1)).all()
    rows = outcomes.assign(z=z, t=outcomes["year"] - 2017)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = jh.expected_outcomes(
            rows, ["social_assistance_pct", "unemployment_pct", "z", "t"], unit=None
        )
    coefficients = fit.coefficients.set_index("term")["coefficient"]
    # Simulated: -0.12, -0.15, 0.4 (and jobcentre effects with SD 0.15 on top).
    assert abs(coefficients["social_assistance_pct"] + 0.12) < 0.04
    assert abs(coefficients["unemployment_pct"] + 0.15) < 0.04
    assert abs(coefficients["z"] - 0.4) < 0.05


def test_employment_rates_by_gali(data: ExampleData) -> None:
    people = data.people[data.people["age"] <= 64]
    employed = people["employed"].astype("float64") * people["weight"]
    rates = (
        employed.groupby(people["gali"], observed=True).sum()
        / people.groupby("gali", observed=True)["weight"].sum()
    )
    # Danish national survey 2022 (ages 16–64): 85.9 / 76.3 / 36 %.
    assert rates["not limited"] == pytest.approx(0.859, abs=0.03)
    assert rates["limited but not severely"] == pytest.approx(0.763, abs=0.04)
    assert rates["severely limited"] == pytest.approx(0.36, abs=0.05)


# --------------------------------------------------------------------------------------------
# The packaged example


def test_load_example_equals_simulate_2018(data: ExampleData) -> None:
    _assert_same(load_example(), data)


def test_load_example_returns_copies(data: ExampleData) -> None:
    first = load_example()
    first.cases.loc[0, "amount_dkk"] = -1.0
    first.survey.loc[0, "answer"] = 1 if first.survey.loc[0, "answer"] != 1 else 2
    first.people["weight"] = 0.0
    _assert_same(load_example(), data)


@given(name=st.sampled_from(FRAMES), row=st.integers(min_value=0, max_value=90))
def test_mutating_a_loaded_frame_never_reaches_the_cache(name: str, row: int) -> None:
    frame = getattr(load_example(), name)
    column = frame.columns[0]
    before = getattr(load_example(), name).iloc[row, 0]
    frame.loc[row, column] = frame.loc[(row + 1) % len(frame), column]
    after = getattr(load_example(), name).iloc[row, 0]
    assert (before == after) or (pd.isna(before) and pd.isna(after))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example")
    assert main(["--write", str(folder), "--seed", str(EXAMPLE_SEED)]) == 0
    return folder


def test_write_example_command(written: Path) -> None:
    names = sorted(p.name for p in written.iterdir())
    surveys = [f"{name}.csv.gz" for name in SAMPLED_SURVEYS]
    assert names == sorted([f"{name}.csv.gz" for name in FRAMES] + surveys + ["metadata.json"])
    metadata = json.loads((written / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["seed"] == EXAMPLE_SEED
    assert metadata["extracted"] == "2021-01-31"
    assert metadata["rows"]["cases"] == 20_000
    assert json.loads(_packaged.read_text("example", "metadata.json")) == metadata


def test_write_example_is_reproducible(written: Path, tmp_path: Path) -> None:
    again = write_example(tmp_path, seed=EXAMPLE_SEED)
    assert [p.name for p in again][-1] == "metadata.json"
    for path in again:
        assert path.read_bytes() == (written / path.name).read_bytes(), path.name


def test_write_example_needs_an_integer_seed(tmp_path: Path) -> None:
    with pytest.raises(JobhandicapError, match="integer seed"):
        write_example(tmp_path, seed=np.random.default_rng(1))  # type: ignore[arg-type]
    with pytest.raises(JobhandicapError, match="seed"):
        write_example(tmp_path, seed=-3)
    assert not any(tmp_path.iterdir())


def test_main_without_write_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "--write" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# Published figures


def test_published_figures_schema() -> None:
    figures = published_figures()
    assert list(figures.columns) == [
        "measure",
        "year",
        "count",
        "share",
        "n",
        "population",
        "source",
        "definition",
    ]
    assert figures.dtypes.to_dict() == {
        "measure": pd.StringDtype(),
        "year": np.dtype("int64"),
        "count": pd.Int64Dtype(),
        "share": np.dtype("float64"),
        "n": pd.Int64Dtype(),
        "population": pd.Int64Dtype(),
        "source": pd.StringDtype(),
        "definition": pd.StringDtype(),
    }
    assert isinstance(figures.index, pd.RangeIndex)
    assert not figures.duplicated(["measure", "year"]).any()


def test_published_figures_values() -> None:
    figures = published_figures().set_index(["measure", "year"])

    def row(measure: str, year: int) -> pd.Series:
        return pd.Series(figures.loc[(measure, year)])

    assert row("political_focus_top2", 2017)[["count", "share", "n", "population"]].tolist() == [
        30, 0.36, 84, 94
    ]  # fmt: skip
    assert row("political_focus_top2", 2018)[["count", "share", "n", "population"]].tolist() == [
        35, 0.43, 82, 94
    ]  # fmt: skip
    assert row("new_strategy_top2", 2018)["share"] == 0.48
    assert row("expected_focus_top2", 2018)["share"] == 0.50
    scheme_focus = [
        row(f"scheme_focus_{box}", 2017)["share"]
        for box in ("very_high", "high", "some", "low", "not_at_all", "dont_know")
    ]
    assert scheme_focus == [0.20, 0.54, 0.21, 0.05, 0.0, 0.0]
    assert row("expenditure_share_personal_assistance", 2021)["share"] == 0.89
    assert row("grants_aids", 2018)["count"] == 14_900
    assert row("grants_personal_assistance", 2018)["count"] == 4_700
    assert row("grants_age_40_64_share_aids", 2018)["share"] == 0.63
    assert row("grants_age_40_64_share_personal_assistance", 2018)["share"] == 0.65
    rates = [
        row(f"employment_rate_{who}_disability", 2022)["share"] for who in ("major", "minor", "no")
    ]
    assert rates == [0.36, 0.763, 0.859]
    sources = set(figures["source"])
    assert {"STAR jobcentre survey 2017", "STAR jobcentre survey 2018"} <= sources
    assert "Mapping of municipal practice 2021" in sources
    assert "Grant statistics 2018" in sources


def test_published_survey_counts_match_their_shares() -> None:
    figures = published_figures()
    survey = figures[figures["source"].str.startswith("STAR")]
    implied = (survey["count"] / survey["n"]).astype("float64").round(2)
    np.testing.assert_allclose(implied.to_numpy(), survey["share"].to_numpy())
    scheme_focus = survey[survey["measure"].str.startswith("scheme_focus_")]
    assert scheme_focus["count"].sum() == 84


def test_published_figures_returns_a_fresh_frame() -> None:
    first = published_figures()
    first.loc[0, "share"] = 0.99
    assert published_figures().loc[0, "share"] == 0.36


# --------------------------------------------------------------------------------------------
# The rank quota behind the exact survey counts


@given(
    values=st.lists(
        st.floats(min_value=-5, max_value=5, allow_nan=False), min_size=1, max_size=40, unique=True
    ),
    data_draw=st.data(),
)
def test_quota_gives_exact_counts_in_rank_order(values: list[float], data_draw: Any) -> None:
    y = np.asarray(values)
    cuts_at = sorted(data_draw.draw(st.lists(st.integers(0, y.size), min_size=4, max_size=4)))
    counts = np.diff(np.asarray([0, *cuts_at, y.size]))
    categories, cuts = _simulate._quota(y, counts)
    assert [int((categories == k).sum()) for k in range(1, 6)] == counts.tolist()
    order = np.argsort(y)
    assert (np.diff(categories[order]) >= 0).all()
    placed = np.searchsorted(cuts, y, side="right") + 1
    np.testing.assert_array_equal(placed, categories)
