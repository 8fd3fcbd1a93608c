"""Tests for the packaged survey instruments and who uses them (``data/instruments.csv``)."""

from __future__ import annotations

import numpy as np
import pytest

import jobhandicap as jh
from jobhandicap import datasets, reference
from jobhandicap.errors import OptionError
from jobhandicap.report import DEFAULT_SCALES
from jobhandicap.report import _text as report_text


def test_instruments_frame() -> None:
    table = reference.instruments()
    assert list(table.columns) == [
        "instrument",
        "item",
        "scale",
        "reversed",
        "label_en",
        "label_da",
        "question_en",
        "question_da",
    ]
    assert table["reversed"].dtype == bool
    assert not table.duplicated(["item"]).any()
    assert set(table["instrument"]) == {"survey", "staff", "citizen", "employer"}
    for column in ("label_en", "label_da", "question_en", "question_da"):
        assert (table[column].str.len() > 0).all(), column
    assert table.loc[~table["instrument"].isin(["staff", "survey"]), "scale"].isna().all()
    # A survey item's scale names its multiple-response set (0/1 tick items), if any.
    survey = table.loc[table["instrument"] == "survey"]
    sets = survey["scale"].dropna()
    assert set(sets) == set(reference.item_sets())
    assert survey.loc[survey["scale"].isna(), "item"].str.startswith("schemes_used_for").sum() == 0
    assert table.loc[table["instrument"] == "staff", "scale"].notna().all()
    assert not table.loc[table["instrument"] == "survey", "reversed"].any()
    # A new frame every call.
    table.loc[0, "label_en"] = "changed"
    assert reference.instruments().loc[0, "label_en"] != "changed"


def test_instrument_choice_is_checked() -> None:
    with pytest.raises(OptionError, match="instrument"):
        reference.instruments("citizens")
    with pytest.raises(ValueError, match="lang"):
        reference.item_labels("de")


def test_item_lists_of_the_example_data_come_from_the_instruments() -> None:
    assert tuple(datasets.SURVEY_ITEMS) == reference.instrument_items("survey")
    assert tuple(datasets.STAFF_ITEMS) == reference.instrument_items("staff")
    staff = reference.instruments("staff")
    assert tuple(staff.loc[staff["reversed"], "item"]) == datasets.REVERSED_STAFF_ITEMS
    assert datasets.REVERSED_STAFF_ITEMS == ("knowledge_5", "belief_4")
    for item in datasets.REVERSED_STAFF_ITEMS:
        assert datasets.STAFF_ITEMS[item].endswith(" (reversed)")


def test_simulator_and_report_use_the_same_items() -> None:
    data = jh.load_example()
    survey_items = set(data.survey["item"].astype(str))
    staff_items = set(data.staff["item"].astype(str))
    assert survey_items == set(reference.instrument_items("survey"))
    assert staff_items == set(reference.instrument_items("staff"))
    # The report's item labels and default scales are the same instruments.
    assert tuple(report_text.survey_items()) == reference.instrument_items("survey")
    scales = {scale.name: (tuple(scale.items), tuple(scale.reversed)) for scale in DEFAULT_SCALES}
    assert scales == reference.scale_items()
    assert {item for items, _ in scales.values() for item in items} == staff_items


def test_report_labels_items_in_both_languages() -> None:
    labels = reference.instruments().set_index("item")
    for item in ("political_focus", "knowledge_5"):
        for lang in ("en", "da"):
            assert report_text.value_label("item", item, lang) == labels.loc[item, f"label_{lang}"]


def test_report_does_not_import_the_simulator() -> None:
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("jobhandicap")
    for simulator in ("jobhandicap.datasets._simulate", "jobhandicap.datasets._generate"):
        chain = graph.find_shortest_chains(
            importer="jobhandicap.report", imported=simulator, as_packages=True
        )
        assert chain == set(), chain


def test_default_scales_score_the_example_staff() -> None:
    staff = jh.load_example().staff
    scores = jh.staff.scale_scores(staff, DEFAULT_SCALES)
    assert list(scores.columns) == ["respondent", "jobcentre", "knowledge", "belief"]
    values = scores[["knowledge", "belief"]].to_numpy(dtype=float)
    answered = values[~np.isnan(values)]
    assert answered.size > 0.9 * values.size
    assert ((answered >= 1) & (answered <= 5)).all()
