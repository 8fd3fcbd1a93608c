"""Survey respondents named by jobcentre or municipality pair across waves (issue 13)."""

from __future__ import annotations

import io
import warnings

import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import io as jio
from jobhandicap.frames import validate_survey
from jobhandicap.survey import wave_change


def _survey(respondents: list[str], waves: list[int], answers: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {"respondent": respondents, "wave": waves, "item": "focus", "answer": answers}
    )


def test_spellings_of_one_jobcentre_become_its_code() -> None:
    raw = _survey(
        ["Jobcenter Høje-Taastrup", "Høje-Tåstrup Kommune", "0169", "169", "hoeje taastrup"],
        [2016, 2017, 2018, 2019, 2020],
        [1, 2, 3, 4, 5],
    )
    before = raw.copy(deep=True)
    got = validate_survey(raw)
    assert got["respondent"].tolist() == ["169"] * 5
    assert isinstance(got["respondent"].dtype, pd.StringDtype)
    pd.testing.assert_frame_equal(raw, before)  # the input is not changed


def test_members_map_to_the_host_jobcentre_of_the_waves_year() -> None:
    raw = _survey(
        ["Fanø", "Jobcenter Esbjerg-Fanø", "Ishøj", "Ishøj", "Jobcenter Læsø", "Langeland"],
        [2018, 2019, 2021, 2022, 2018, 2012],
        [1, 2, 3, 4, 5, 1],
    )
    assert validate_survey(raw)["respondent"].tolist() == [
        "561",
        "561",
        "187",
        "183",
        "813",
        "479",
    ]


def test_other_respondent_ids_stay_as_written() -> None:
    ids = ["R17", "S00012", "1", "101"]  # "101" alone would be København's code
    raw = _survey(ids, [2018] * 4, [1, 2, 3, 4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # serial numbers are no reason to warn
        assert validate_survey(raw)["respondent"].tolist() == ids


def test_a_mix_is_kept_as_written_with_a_warning_naming_the_others() -> None:
    raw = _survey(["Jobcenter Aarhus", "Vejle", "Jobcenter Odensee"], [2018] * 3, [1, 2, 3])
    with pytest.warns(jh.DataQualityWarning, match=r"2 survey respondent.*'Jobcenter Odensee'"):
        got = validate_survey(raw)
    assert got["respondent"].tolist() == raw["respondent"].tolist()


def test_two_spellings_answering_one_item_in_a_wave_are_refused_by_row() -> None:
    text = (
        "jobcenter;år;spørgsmål;svar\n"
        "Jobcenter Aarhus;2018;focus;I høj grad\n"
        "Jobcenter Vejle;2018;focus;Slet ikke\n"
        "Århus Kommune;2018;focus;Ved ikke\n"
    )
    with pytest.raises(jh.SchemaError, match="names one jobcentre twice") as caught:
        jio.read_survey(io.StringIO(text))
    problems = caught.value.problems
    assert problems[["row", "column", "value"]].values.tolist() == [
        [2, "respondent", "Jobcenter Aarhus"],
        [4, "respondent", "Århus Kommune"],
    ]
    assert "jobcentre 751" in problems["message"].iloc[0]


def test_read_survey_pairs_a_jobcentre_written_two_ways() -> None:
    text = (
        "jobcenter;år;spørgsmål;svar\n"
        "Jobcenter Høje-Taastrup;2017;focus;I høj grad\n"
        "Jobcenter Vejle;2017;focus;Slet ikke\n"
        "Høje-Tåstrup Kommune;2018;focus;Slet ikke\n"
        "0630;2018;focus;I meget høj grad\n"
    )
    survey = jio.read_survey(io.StringIO(text))
    with warnings.catch_warnings():
        warnings.simplefilter("error", jh.DataQualityWarning)
        change = wave_change(survey, item="focus")
    assert change.loc[0, "method"] == "paired"
    assert change.loc[0, "n_paired"] == 2


def test_wave_change_warns_how_many_respondents_it_paired() -> None:
    columns = list(wave_change(_survey(["a", "a"], [2017, 2018], [4, 5]), item="focus").columns)
    # Normal attrition (2 of 3 pair) is silent; 1 of 3 is a sign of names written differently.
    most = _survey(["a", "b", "c", "a", "b", "d"], [2017] * 3 + [2018] * 3, [4, 1, 5, 5, 5, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", jh.DataQualityWarning)
        change = wave_change(most, item="focus")
    assert change.loc[0, "n_paired"] == 2
    few = _survey(["a", "b", "c", "a", "e", "d"], [2017] * 3 + [2018] * 3, [4, 1, 5, 5, 5, 1])
    with pytest.warns(
        jh.DataQualityWarning,
        match=r"'focus': 1 respondent\(s\) paired of 3 in 2017 and 3 in 2018",
    ):
        change = wave_change(few, item="focus")
    assert list(change.columns) == columns
    # The old behaviour was the bug of issue 15: the one pair alone gave the difference (method
    # "paired"); every respondent of each wave now counts.
    assert change.loc[0, "method"] == "partially overlapping"
    assert change.loc[0, "n_paired"] == 1
    assert (change.loc[0, "n_earlier_only"], change.loc[0, "n_later_only"]) == (2, 2)
    row = change.iloc[0]
    assert row["difference"] == row["later_share"] - row["earlier_share"]
    none = _survey(["a", "b", "c", "d"], [2017, 2017, 2018, 2018], [4, 1, 5, 5])
    with pytest.warns(
        jh.DataQualityWarning, match=r"could not pair any.*0 respondent\(s\) paired"
    ):
        change = wave_change(none, item="focus")
    assert change.loc[0, "method"] == "independent"
    row = change.iloc[0]
    assert float(row["difference"]) == float(row["independent_difference"])


def test_wave_change_refuses_items_of_the_wrong_type() -> None:
    survey = _survey(["a", "b", "a", "b"], [2017, 2017, 2018, 2018], [4, 1, 1, 1])
    with pytest.raises(jh.JobhandicapError, match="item must be"):
        wave_change(survey, item=None)  # type: ignore[arg-type]


def test_read_survey_items_must_be_a_mapping() -> None:
    wide = "Jobcenter;Politisk fokus\nJobcenter Aarhus;I høj grad\n"
    with pytest.raises(jh.JobhandicapError, match="items must map"):
        jio.read_survey(io.StringIO(wide), wave=2018, items=["Politisk fokus"])  # type: ignore[arg-type]
