"""Tests of the disability employment gap."""

from __future__ import annotations

import warnings

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
    SmallSampleWarning,
)
from jobhandicap.gap import GALI_LEVELS, WG_COLUMNS, WG_LEVELS, employment_gap
from jobhandicap.stats import newcombe_difference, wilson_interval

COLUMNS = [
    "n_disabled",
    "n_not_disabled",
    "gap_pp",
    "ci_low",
    "ci_high",
    "rate_disabled",
    "rate_not_disabled",
    "relative_rate",
    "n_eff_disabled",
    "n_eff_not_disabled",
    "n_missing",
    "definition",
    "age_band",
]


def newcombe_people(age: int = 40) -> pd.DataFrame:
    """56 of 70 not limited and 48 of 80 limited people employed (Newcombe's example)."""
    gali = ["not limited"] * 70 + ["limited but not severely"] * 40 + ["severely limited"] * 40
    employed = [True] * 56 + [False] * 14 + ([True] * 24 + [False] * 16) * 2
    return pd.DataFrame(
        {
            "age": np.full(150, age, dtype=np.int64),
            "sex": pd.Categorical(["female", "male"] * 75, categories=["female", "male"]),
            "employed": pd.array(employed, dtype="boolean"),
            "gali": pd.Categorical(gali, categories=list(GALI_LEVELS)),
            "weight": np.full(150, 1.0),
        }
    )


people_strategy = st.lists(
    st.tuples(
        st.integers(16, 74),
        st.sampled_from(GALI_LEVELS),
        st.booleans(),
        st.floats(0.1, 50.0, allow_nan=False),
        st.sampled_from(["female", "male"]),
    ),
    min_size=2,
    max_size=80,
)


def frame_of(rows: list[tuple[int, str, bool, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": np.asarray([r[0] for r in rows], dtype=np.int64),
            "gali": pd.Categorical([r[1] for r in rows], categories=list(GALI_LEVELS)),
            "employed": pd.array([r[2] for r in rows], dtype="boolean"),
            "weight": np.asarray([r[3] for r in rows], dtype=np.float64),
            "sex": pd.Categorical([r[4] for r in rows], categories=["female", "male"]),
        }
    )


def quiet_gap(people: pd.DataFrame, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        return employment_gap(people, **options)  # type: ignore[arg-type]


def test_unweighted_gap_reproduces_newcombes_example() -> None:
    table = employment_gap(newcombe_people())
    assert list(table.columns) == COLUMNS
    row = table.iloc[0]
    assert row["n_disabled"] == 80
    assert row["n_not_disabled"] == 70
    assert row["rate_disabled"] == pytest.approx(0.6, abs=1e-12)
    assert row["rate_not_disabled"] == pytest.approx(0.8, abs=1e-12)
    assert row["gap_pp"] == pytest.approx(20.0, abs=1e-9)
    assert row["ci_low"] == pytest.approx(5.2431, abs=1e-4)
    assert row["ci_high"] == pytest.approx(33.3873, abs=1e-4)
    assert row["ci_low"] == pytest.approx(100 * 0.052431, abs=1e-4)
    assert row["relative_rate"] == pytest.approx(0.75)
    assert row["n_eff_disabled"] == 80.0
    assert row["n_missing"] == 0
    assert row["definition"] == "eurostat"
    assert row["age_band"] == "20-64"


def test_split_severity_reports_some_and_severe_separately() -> None:
    people = newcombe_people()
    people = people.assign(
        employed=pd.array(
            [True] * 56 + [False] * 14 + [True] * 30 + [False] * 10 + [True] * 18 + [False] * 22,
            dtype="boolean",
        )
    )
    table = employment_gap(people, split_severity=True)
    assert table["severity"].astype(str).tolist() == ["some or severe", "some", "severe"]
    assert table["n_disabled"].tolist() == [80, 40, 40]
    assert table["rate_disabled"].tolist() == pytest.approx([0.6, 0.75, 0.45])
    assert table["gap_pp"].tolist() == pytest.approx([20.0, 5.0, 35.0])
    some = newcombe_difference(56, 70, 30, 40)
    assert table["ci_low"].iloc[1] == pytest.approx(100 * some.ci_low)
    assert table["ci_high"].iloc[1] == pytest.approx(100 * some.ci_high)
    with pytest.raises(JobhandicapError, match="eurostat"):
        employment_gap(people.assign(d=True), disabled="d", definition="uk", split_severity=True)


def test_weighted_rates_and_interval_use_kish_effective_sizes() -> None:
    people = newcombe_people()
    weights = np.tile([1.0, 2.0, 3.0], 50)
    people = people.assign(weight=weights)
    row = employment_gap(people, weights="weight").iloc[0]
    disabled = people["gali"] != "not limited"
    for mask, suffix in ((disabled, "disabled"), (~disabled, "not_disabled")):
        w = weights[mask.to_numpy()]
        e = people.loc[mask, "employed"].to_numpy(dtype=float)
        rate = float(np.sum(w * e) / np.sum(w))
        n_eff = float(np.sum(w) ** 2 / np.sum(w**2))
        assert row[f"rate_{suffix}"] == pytest.approx(rate)
        assert row[f"n_eff_{suffix}"] == pytest.approx(n_eff)
    expected = newcombe_difference(
        row["rate_not_disabled"] * row["n_eff_not_disabled"],
        row["n_eff_not_disabled"],
        row["rate_disabled"] * row["n_eff_disabled"],
        row["n_eff_disabled"],
        fractional=True,
    )
    assert row["gap_pp"] == pytest.approx(100 * expected.estimate)
    assert row["ci_low"] == pytest.approx(100 * expected.ci_low)
    assert row["ci_high"] == pytest.approx(100 * expected.ci_high)
    wilson = wilson_interval(
        row["rate_disabled"] * row["n_eff_disabled"], row["n_eff_disabled"], fractional=True
    )
    assert wilson.ci_low < row["rate_disabled"] < wilson.ci_high


def test_equal_weights_give_the_unweighted_result() -> None:
    people = newcombe_people().assign(weight=7.5)
    weighted = employment_gap(people, weights="weight")
    unweighted = employment_gap(people)
    pd.testing.assert_frame_equal(weighted, unweighted, check_exact=False, rtol=1e-10)


def test_washington_group_cut_off_is_a_lot_of_difficulty() -> None:
    answers: dict[str, list[str | None]] = {c: ["no difficulty"] * 4 for c in WG_COLUMNS}
    answers["wg_walking"] = ["some difficulty", "a lot of difficulty", "no difficulty", "no"]
    answers["wg_hearing"] = ["some difficulty", "no difficulty", "cannot do at all", None]
    people = pd.DataFrame(
        {"age": 30, "employed": [True, False, False, True], **answers},
    )
    row = employment_gap(people, definition="washington").iloc[0]
    # "some difficulty" (in two domains) is not disabled; "a lot" or "cannot do at all" is.
    assert row["n_disabled"] == 2
    assert row["n_not_disabled"] == 1
    assert row["n_missing"] == 1  # one domain missing, none at "a lot": unknown
    assert row["rate_disabled"] == 0.0
    assert row["rate_not_disabled"] == 1.0
    coded = people.assign(**{c: [1, 1, 1, 1] for c in WG_COLUMNS}).assign(wg_seeing=[3, 4, 2, 8])
    coded_row = employment_gap(coded, definition="washington").iloc[0]
    assert (coded_row["n_disabled"], coded_row["n_not_disabled"]) == (2, 1)
    assert coded_row["n_missing"] == 1
    assert coded_row["definition"] == "washington"
    assert coded_row["age_band"] == "20-64"


def test_uk_definition_reads_yes_no_and_uses_ages_16_to_64() -> None:
    people = pd.DataFrame(
        {
            "age": [17, 17, 30, 30, 70],
            "disabled": ["yes", "no", "Ja", "nej", "yes"],
            "employed": [1, 1, 0, 1, 0],
        }
    )
    row = employment_gap(people, disabled="disabled", definition="uk").iloc[0]
    assert (row["n_disabled"], row["n_not_disabled"]) == (2, 2)
    assert row["age_band"] == "16-64"
    assert row["gap_pp"] == pytest.approx(50.0)
    narrow = employment_gap(people, disabled="disabled", definition="uk", age=(18, 64))
    assert narrow["n_disabled"].iloc[0] == 1
    assert narrow["age_band"].iloc[0] == "18-64"
    everyone = employment_gap(
        people.assign(disabled=people["disabled"].str.lower().isin(["yes", "ja"])),
        disabled="disabled",
        definition="uk",
        age="all",
    )
    assert everyone["n_disabled"].iloc[0] == 3
    assert everyone["age_band"].iloc[0] == "all"
    with pytest.raises(JobhandicapError, match="disabled="):
        employment_gap(people, definition="uk")


def test_gali_accepts_label_variants_and_rejects_unknown_ones() -> None:
    people = pd.DataFrame(
        {
            "age": 40,
            "gali": ["Not limited", "Limited, but not severely", "ALVORLIGT BEGRÆNSET", None],
            "employed": [True, True, False, True],
        }
    )
    row = employment_gap(people).iloc[0]
    assert (row["n_disabled"], row["n_not_disabled"], row["n_missing"]) == (2, 1, 1)
    bad = people.assign(gali=["not limited", "quite limited", "very", "very"])
    with pytest.raises(SchemaError, match="not understood") as caught:
        employment_gap(bad)
    assert caught.value.problems["value"].tolist() == ["quite limited", "very"]
    assert caught.value.problems["row"].tolist() == [1, 2]
    with pytest.raises(SchemaError, match="employed"):
        employment_gap(people.assign(employed=["yes", "maybe", "no", "no"]))


def test_invalid_arguments_raise_clear_errors() -> None:
    people = newcombe_people()
    with pytest.raises(MissingColumnsError, match="gali"):
        employment_gap(people.drop(columns="gali"))
    with pytest.raises(MissingColumnsError, match="weights"):
        employment_gap(people, weights="weights")
    with pytest.raises(JobhandicapError, match="positive"):
        employment_gap(people.assign(weight=np.r_[0.0, np.ones(149)]), weights="weight")
    with pytest.raises(JobhandicapError, match="positive"):
        employment_gap(people.assign(weight=np.r_[np.nan, np.ones(149)]), weights="weight")
    with pytest.raises(OptionError, match="definition"):
        employment_gap(people, definition="oecd")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="age"):
        employment_gap(people, age=(64, 20))
    with pytest.raises(ArgumentTypeError, match="age"):
        employment_gap(people, age=40)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="weights"):
        employment_gap(people, weights=1.0)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="level"):
        employment_gap(people, level=95)
    with pytest.raises(OptionError, match="split_severity"):
        employment_gap(people, definition="uk", disabled="gali", split_severity=True)
    with pytest.raises(JobhandicapError, match="missing"):
        employment_gap(people.assign(age=np.r_[np.nan, np.full(149, 40.0)]))
    with pytest.raises(OptionError, match="washington"):
        employment_gap(people, disabled=["gali", "gali"])


def test_the_old_weight_argument_still_works_with_a_deprecation_warning() -> None:
    people = newcombe_people().assign(weight=np.linspace(0.5, 2.0, 150))
    with pytest.warns(DeprecationWarning, match=r"weight=\.\.\.\) is deprecated"):
        old = employment_gap(people, weight="weight")  # type: ignore[call-arg]
    pd.testing.assert_frame_equal(old, employment_gap(people, weights="weight"))
    with pytest.raises(ArgumentTypeError, match="both"):
        employment_gap(people, weight="weight", weights="weight")  # type: ignore[call-arg]


def test_small_bases_warn_once_per_call() -> None:
    few = newcombe_people().iloc[50:100]  # 20 not limited, 30 limited
    with pytest.warns(SmallSampleWarning, match="fewer than 30 persons") as caught:
        employment_gap(few)
    assert len([w for w in caught if w.category is SmallSampleWarning]) == 1
    with pytest.warns(SmallSampleWarning) as caught:
        employment_gap(few, split_severity=True)
    assert len([w for w in caught if w.category is SmallSampleWarning]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        employment_gap(newcombe_people())


def test_empty_group_gives_nan_and_a_warning() -> None:
    people = newcombe_people()
    people = people.assign(
        region=pd.Categorical(["north"] * 100 + ["south"] * 50, categories=["north", "south"])
    )
    with pytest.warns(SmallSampleWarning, match="region south"):
        table = employment_gap(people, by="region")
    south = table.iloc[1]
    assert south["n_not_disabled"] == 0
    assert np.isnan(south["rate_not_disabled"])
    assert np.isnan(south["gap_pp"])
    assert np.isnan(south["ci_low"])
    north = table.iloc[0]
    assert north["n_not_disabled"] == 70
    assert not np.isnan(north["gap_pp"])
    with pytest.warns(SmallSampleWarning, match="whole sample"):
        nobody = employment_gap(people, age=(80, 90))
    assert nobody["n_disabled"].tolist() == [0]
    assert np.isnan(nobody["gap_pp"].iloc[0])
    with pytest.warns(SmallSampleWarning, match="age band 80-90"):
        grouped = employment_gap(people, age=(80, 90), by="region")
    assert grouped.empty
    assert list(grouped.columns)[:2] == ["region", "n_disabled"]


def test_groups_by_sex() -> None:
    table = employment_gap(newcombe_people(), by="sex")
    assert table["sex"].astype(str).tolist() == ["female", "male"]
    assert table["n_disabled"].sum() == 80
    assert table["n_not_disabled"].sum() == 70


@given(people_strategy, st.floats(0.01, 1000.0), st.integers(0, 99))
def test_gap_is_invariant_to_weight_scale_and_row_order(
    rows: list[tuple[int, str, bool, float, str]], scale: float, seed: int
) -> None:
    people = frame_of(rows)
    before = people.copy(deep=True)
    table = quiet_gap(people, weights="weight", age="all", by="sex")
    pd.testing.assert_frame_equal(people, before)
    scaled = quiet_gap(
        people.assign(weight=people["weight"] * scale), weights="weight", age="all", by="sex"
    )
    pd.testing.assert_frame_equal(table, scaled, check_exact=False, rtol=1e-7, atol=1e-9)
    order = np.random.default_rng(seed).permutation(len(people))
    shuffled = quiet_gap(people.iloc[order], weights="weight", age="all", by="sex")
    pd.testing.assert_frame_equal(table, shuffled, check_exact=False, rtol=1e-7, atol=1e-9)


@given(people_strategy)
def test_rates_lie_in_the_unit_interval_and_the_gap_in_its_interval(
    rows: list[tuple[int, str, bool, float, str]],
) -> None:
    table = quiet_gap(frame_of(rows), weights="weight", split_severity=True, age=(16, 74))
    for column in ("rate_disabled", "rate_not_disabled"):
        values = table[column].dropna()
        assert ((values >= 0) & (values <= 1)).all()
    valid = table["gap_pp"].notna()
    assert (table.loc[valid, "ci_low"] <= table.loc[valid, "gap_pp"] + 1e-9).all()
    assert (table.loc[valid, "gap_pp"] <= table.loc[valid, "ci_high"] + 1e-9).all()
    assert (table.loc[valid, "ci_low"] >= -100).all()
    assert (table.loc[valid, "ci_high"] <= 100).all()
    assert (table["n_eff_disabled"] <= table["n_disabled"] + 1e-9).all()
    assert table["n_disabled"].iloc[0] == table["n_disabled"].iloc[1:].sum()


@given(st.integers(1, 60), st.integers(1, 60), st.data())
def test_unweighted_gap_equals_newcombe_on_the_counts(
    n1: int, n2: int, data: st.DataObject
) -> None:
    x1 = data.draw(st.integers(0, n1))
    x2 = data.draw(st.integers(0, n2))
    people = pd.DataFrame(
        {
            "age": 30,
            "gali": ["not limited"] * n1 + ["severely limited"] * n2,
            "employed": [True] * x1 + [False] * (n1 - x1) + [True] * x2 + [False] * (n2 - x2),
        }
    )
    row = employment_gap(people).iloc[0]
    expected = newcombe_difference(x1, n1, x2, n2)
    assert row["gap_pp"] == pytest.approx(100 * expected.estimate, abs=1e-9)
    assert row["ci_low"] == pytest.approx(100 * expected.ci_low, abs=1e-9)
    assert row["ci_high"] == pytest.approx(100 * expected.ci_high, abs=1e-9)


def test_canonical_categorical_washington_columns() -> None:
    levels = list(WG_LEVELS)
    domains = {
        c: pd.Categorical([levels[0], levels[1], levels[2], levels[3]], categories=levels)
        for c in WG_COLUMNS
    }
    people = pd.DataFrame({"age": [25, 35, 45, 55], "employed": [True, True, False, True]})
    row = employment_gap(people.assign(**domains), definition="washington").iloc[0]
    assert (row["n_disabled"], row["n_not_disabled"]) == (2, 2)
    assert row["rate_disabled"] == pytest.approx(0.5)
    assert row["gap_pp"] == pytest.approx(50.0)
