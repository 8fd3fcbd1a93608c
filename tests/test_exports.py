"""Hand-made real-world exports (tests/data/exports): read right, or refused naming the user's
own headers and cells."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import io as jio
from jobhandicap.errors import SchemaError

EXPORTS = Path(__file__).parent / "data" / "exports"


def _quiet_read(reader: object, name: str, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jh.DataQualityWarning)
        return reader(EXPORTS / name, **options)  # type: ignore[operator,no-any-return]


@pytest.mark.parametrize("name", ["sager_cp1252.csv", "sager_med_forside.xlsx"])
def test_case_system_export_is_read_right(name: str) -> None:
    cases = _quiet_read(jio.read_cases, name)
    assert cases["case_id"].tolist() == [f"2023-000{i}" for i in range(1, 9)]
    # Københavns Kommune / København, Århus / Aarhus Kommune, Høje-Tåstrup / Høje-Taastrup
    # Kommune, Fanø (served by Esbjerg), Bornholms Regionskommune.
    assert cases["municipality"].tolist() == [101, 101, 751, 751, 169, 169, 563, 400]
    assert cases["jobcentre"].tolist() == [101, 101, 751, 751, 169, 169, 561, 400]
    assert cases["decision"].astype(object).where(cases["decision"].notna(), None).tolist() == [
        "granted",
        None,  # Under behandling
        "refused",
        "granted",  # Delvis bevilget
        "withdrawn",  # Bortfaldet
        None,  # Verserende
        None,  # Afventer
        "granted",
    ]
    detail = cases["decision_detail"].astype(object).where(cases["decision_detail"].notna(), "")
    assert detail.tolist() == ["", "", "", "partial", "lapsed", "", "", ""]
    open_cases = [False, True, False, False, False, True, True, False]
    assert cases["decided"].isna().tolist() == open_cases
    amounts = cases["amount_dkk"].to_numpy(dtype=float)
    np.testing.assert_array_equal(
        np.isnan(amounts), [False, True, True, False, True, True, True, False]
    )  # 0,00 on the refusal is no amount
    assert amounts[[0, 3, 7]].tolist() == [125000.0, 10500.5, 2345.75]
    assert cases.loc[1, "target_group"] == "employed"  # Selvstændig
    assert cases.loc[4, "scheme"] == "mentor support"


def test_case_export_reports_its_ignored_columns_and_the_sheet_it_read() -> None:
    with pytest.warns(jh.DataQualityWarning, match=r"'Sagsbehandler', 'Noter'"):
        cases = jio.read_cases(EXPORTS / "sager_cp1252.csv")
    report = cases.attrs["jobhandicap_headers"]
    assert report["read_as"]["Beløb (kr.)"] == "amount_dkk"
    assert report["read_as"]["Ydelse"] == "scheme"
    assert report["ignored"] == ["Sagsbehandler", "Noter"]
    with pytest.warns(jh.DataQualityWarning, match=r"'Forside'.*read sheet 'Sager'"):
        jio.read_cases(EXPORTS / "sager_med_forside.xlsx")


def test_ambiguous_target_group_is_refused_with_the_users_header_and_cell() -> None:
    with pytest.raises(SchemaError) as caught:
        _quiet_read(jio.read_cases, "sager_ledig.csv")
    problems = caught.value.problems
    assert len(problems) == 1
    row = problems.iloc[0]
    assert (row["row"], row["column"], row["header"], row["value"]) == (
        3,
        "target_group",
        "Målgruppe",
        "Ledig",
    )
    for choice in ("a-dagpenge", "ledighedsydelse", "kontanthjælp"):
        assert choice in row["message"]
    mapped = _quiet_read(
        jio.read_cases, "sager_ledig.csv", labels={"target_group": {"Ledig": "a-dagpenge"}}
    )
    assert mapped.loc[1, "target_group"] == "insured unemployment benefit"


def test_amounts_in_thousands_of_kroner_are_refused() -> None:
    with pytest.raises(SchemaError, match=r"1\.000 kr\..*kroner"):
        _quiet_read(jio.read_cases, "sager_tusind_kr.csv")


def test_headers_typed_without_danish_letters_are_read_and_said() -> None:
    cases = _quiet_read(jio.read_cases, "sager_uden_aeoeaa.csv")
    assert cases["target_group"].tolist() == ["flex-job", "employed", "sickness benefit"]
    said = cases.attrs["jobhandicap_headers"]["transliterated"]
    assert said["Maalgruppe"] == "målgruppe"
    assert said["Beloeb"] == "beløb"


@pytest.mark.parametrize("name", ["survey_bred.csv", "survey_bred.xlsx"])
def test_wide_survey_respondents_pair_across_spellings(name: str) -> None:
    survey = _quiet_read(jio.read_survey, name)
    assert sorted(survey["respondent"].unique()) == ["101", "169", "561", "751"]
    assert sorted(survey["wave"].unique()) == [2018, 2021]
    with warnings.catch_warnings():
        warnings.simplefilter("error", jh.DataQualityWarning)
        change = jh.wave_change(survey, item="Politisk fokus")
    assert change.loc[0, "method"] == "paired"
    assert change.loc[0, "n_paired"] == 4
