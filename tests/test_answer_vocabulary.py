"""One vocabulary for GALI and Washington Group answers; one membership rule for a year."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from jobhandicap import _labels, gap, reference
from jobhandicap.errors import OptionError, SchemaError
from jobhandicap.frames import SCHEMAS, validate_people
from jobhandicap.frames._schema import DANISH_LABELS


def _people(gali: list[object]) -> pd.DataFrame:
    n = len(gali)
    return pd.DataFrame(
        {
            "age": [40] * n,
            "sex": ["female"] * n,
            "employed": [True] * n,
            "gali": gali,
            "weight": [1.0] * n,
        }
    )


def _gap_levels(people: pd.DataFrame) -> list[int]:
    read = gap._reader(gap._GALI_LABELS)
    return [int(level) for level in gap._levels(people, "gali", read, "GALI levels")]


def test_levels_are_the_canonical_categories() -> None:
    people = SCHEMAS["people"]
    assert gap.GALI_LEVELS == reference.GALI_LEVELS == tuple(people["gali"].categories)
    assert gap.WG_LEVELS == reference.DIFFICULTY_LEVELS
    assert tuple(people["wg_seeing"].categories) == reference.DIFFICULTY_LEVELS
    # The writers' Danish labels are the vocabulary's Danish labels.
    for kind, levels in (("gali", gap.GALI_LEVELS), ("difficulty", gap.WG_LEVELS)):
        for value in levels:
            assert _labels.labels_of(kind, value, "da") == (DANISH_LABELS[value],)


@pytest.mark.parametrize("kind", ["gali", "difficulty"])
def test_validate_people_and_employment_gap_read_every_label_alike(kind: str) -> None:
    labels = reference.answer_labels(kind)
    levels = reference.GALI_LEVELS if kind == "gali" else reference.DIFFICULTY_LEVELS
    column = "gali" if kind == "gali" else "wg_walking"
    texts = list(labels)
    people = _people(["not limited"] * len(texts)).assign(**{column: texts})
    validated = validate_people(people)[column].astype(str).tolist()
    assert validated == [labels[t] for t in texts]
    read = gap._reader(gap._GALI_LABELS if kind == "gali" else gap._WG_LABELS)
    assert [levels[level] for level in gap._levels(people, column, read, kind)] == validated


def test_some_is_limited_but_not_severely_in_gali_and_some_difficulty_in_wg() -> None:
    people = _people(["some", "Some", "severe", "not limited"])
    assert validate_people(people)["gali"].astype(str).tolist() == [
        "limited but not severely",
        "limited but not severely",
        "severely limited",
        "not limited",
    ]
    assert _gap_levels(people) == [1, 1, 2, 0]
    wg = people.assign(wg_walking=["some"] * 4)
    assert set(validate_people(wg)["wg_walking"].astype(str)) == {"some difficulty"}


def test_none_is_not_a_gali_label() -> None:
    """Readers take "none" for an empty cell, so it cannot also mean "not limited"."""
    assert "none" not in reference.answer_labels("gali")
    assert validate_people(_people(["none", "not limited"]))["gali"].isna().tolist() == [
        True,
        False,
    ]
    with pytest.raises(SchemaError, match="none"):
        _gap_levels(_people(["none", "not limited"]))


def test_answer_labels_checks_its_kind() -> None:
    with pytest.raises(OptionError, match="kind"):
        reference.answer_labels("sex")


def test_membership_day_is_1_july_for_one_year_and_for_arrays() -> None:
    assert reference.membership_day(2018) == dt.date(2018, 7, 1)
    assert reference.membership_day(np.int64(2020)) == dt.date(2020, 7, 1)
    days = reference.membership_day(np.array([[2017, 2018], [2019, 2024]]))
    assert days.dtype == np.dtype("datetime64[D]")
    assert days.shape == (2, 2)
    assert days[1, 1] == np.datetime64("2024-07-01")
    assert reference.MEMBERSHIP_DAY == (7, 1)
