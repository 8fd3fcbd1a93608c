"""Grants as spells: the grant period on model and frame, active_grants, counts, spread."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap.domain import Case
from jobhandicap.errors import ArgumentTypeError, MissingColumnsError, OptionError, SchemaError

CPR = "0101011234"


def raw_cases(**columns: Any) -> pd.DataFrame:
    """Four granted cases: a three-year personal assistance grant, an open-ended one, two aids."""
    base: dict[str, Any] = {
        "case_id": ["1", "2", "3", "4"],
        "municipality": [101, 101, 147, 147],
        "scheme": ["personal assistance", "personal assistance", "aids", "aids"],
        "target_group": ["flex-job"] * 4,
        "applied": ["2017-01-10", "2018-02-01", "2018-03-01", "2019-05-01"],
        "decided": ["2017-02-01", "2018-03-01", "2018-04-01", "2019-06-01"],
        "decision": ["granted"] * 4,
        "amount_dkk": [300_000.0, 100_000.0, 5_000.0, 7_000.0],
        "granted_from": ["2017-03-01", "2018-04-01", "2018-04-01", "2019-06-01"],
        "granted_to": ["2020-02-28", "", "", ""],
        "yearly_amount_dkk": [None, 50_000.0, None, None],
    }
    base.update(columns)
    return pd.DataFrame(base)


def example_cases() -> pd.DataFrame:
    return jh.validate_cases(raw_cases())


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def case(**fields: Any) -> Case:
    values: dict[str, Any] = {
        "case_id": "A-1",
        "municipality": 101,
        "scheme": "personlig assistance",
        "target_group": "fleksjob",
        "applied": dt.date(2019, 1, 3),
        "decided": dt.date(2019, 2, 1),
        "decision": "bevilget",
    }
    values.update(fields)
    return Case(**values)


def test_case_carries_a_grant_period() -> None:
    record = case(
        granted_from=dt.date(2019, 3, 1),
        granted_to="2021-02-28",
        hours_per_week=12.5,
        yearly_amount_dkk=90_000,
        person="P-17",
    )
    assert record.granted_to == dt.date(2021, 2, 28)
    assert record.yearly_amount_dkk == 90_000.0
    assert case(granted_from=dt.date(2019, 3, 1)).granted_to is None


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        ({"granted_from": dt.date(2019, 3, 1), "granted_to": dt.date(2019, 2, 1)}, "granted_to"),
        ({"granted_from": dt.date(2019, 1, 1)}, "granted_from"),
        ({"granted_from": dt.date(2019, 3, 1), "decision": "afslag"}, "granted_from"),
        ({"hours_per_week": 10.0}, "hours_per_week"),
        ({"yearly_amount_dkk": 10.0}, "yearly_amount_dkk"),
        ({"granted_to": dt.date(2019, 3, 1)}, "granted_to"),
        ({"granted_from": dt.date(2019, 3, 1), "hours_per_week": 40.0}, "hours_per_week"),
    ],
)
def test_case_refuses_a_bad_period(fields: dict[str, Any], column: str) -> None:
    with pytest.raises(SchemaError) as raised:
        case(**fields)
    assert raised.value.problems["column"].tolist() == [column]


def test_case_never_shows_the_person_key() -> None:
    with pytest.raises(SchemaError) as raised:
        case(person=" ")
    assert CPR not in str(raised.value)
    record = case(person=CPR)
    assert record.person == CPR


def test_models_and_frames_round_trip_with_periods() -> None:
    records = [
        case(granted_from=dt.date(2019, 3, 1), hours_per_week=10.0, person="P1"),
        case(case_id="A-2", granted_from=dt.date(2019, 3, 1), granted_to=dt.date(2020, 1, 1)),
        case(case_id="A-3", decision="afslag"),
    ]
    frame = jh.to_frame(records)
    assert frame["granted_to"].isna().tolist() == [True, False, True]
    assert jh.from_frame(frame, Case) == records


# --------------------------------------------------------------------------------------------
# Reading and validation
# --------------------------------------------------------------------------------------------

DANISH = """Sagsnr;Kommune;Ordning;Målgruppe;Ansøgningsdato;Afgørelsesdato;Afgørelse;Beløb;\
Bevilget fra;Bevilget til;Timer pr. uge;Årligt beløb;Personnøgle
1;0101;Personlig assistance;Fleksjob;10-01-2017;01-02-2017;Bevilget;300.000,00;01-03-2017;\
28-02-2020;10,5;;a
2;0101;Personlig assistance;Fleksjob;01-02-2018;01-03-2018;Bevilget;;01-04-2018;Løbende;\
;50.000,00;b
3;0147;Hjælpemidler;Fleksjob;01-03-2018;01-04-2018;Bevilget;5.000,00;01-04-2018;;;;c
"""


def test_danish_headers_dates_as_text_and_open_ended_words() -> None:
    cases = jh.read_cases(io.StringIO(DANISH))
    assert cases["granted_from"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-03-01",
        "2018-04-01",
        "2018-04-01",
    ]
    assert cases["granted_to"].isna().tolist() == [False, True, True]
    assert cases["hours_per_week"].iloc[0] == 10.5
    assert cases["yearly_amount_dkk"].iloc[1] == 50_000.0
    assert str(cases["person"].dtype) == "string"


def test_english_headers_are_read() -> None:
    text = raw_cases().rename(
        columns={
            "granted_from": "Grant start",
            "granted_to": "Grant end",
            "yearly_amount_dkk": "Yearly amount",
        }
    )
    cases = jh.read_cases(io.StringIO(text.to_csv(index=False)), format="csv")
    assert cases["granted_to"].notna().sum() == 1


def test_validation_lists_every_period_problem_by_spreadsheet_row() -> None:
    raw = raw_cases(
        granted_to=["2016-01-01", "", "", "løbende"],
        decision=["granted", "granted", "refused", "granted"],
        granted_from=["2017-03-01", "2018-04-01", "2018-04-01", "2019-01-01"],
        hours_per_week=[None, None, None, 50.0],
        amount_dkk=[300_000.0, 100_000.0, None, 7_000.0],
    )
    with pytest.raises(SchemaError) as raised:
        jh.validate_cases(raw)
    problems = raised.value.problems
    found = set(zip(problems["row"].tolist(), problems["column"].tolist(), strict=True))
    assert found == {
        (2, "granted_to"),  # ends before it starts
        (4, "granted_from"),  # a refused case with a period
        (5, "granted_from"),  # starts before the application
        (5, "hours_per_week"),  # above 37
    }


def test_amounts_and_hours_without_a_period_are_refused() -> None:
    raw = raw_cases(
        granted_from=["2017-03-01", "", "2018-04-01", "2019-06-01"],
        granted_to=["2020-02-28", "", "", ""],
    )
    with pytest.raises(SchemaError) as raised:
        jh.validate_cases(raw)
    assert raised.value.problems[["row", "column"]].values.tolist() == [[3, "yearly_amount_dkk"]]


def test_overlapping_periods_of_one_person_and_scheme_are_named_by_row_not_key() -> None:
    raw = raw_cases(person=[CPR, CPR, CPR, "other"])
    with pytest.raises(SchemaError) as raised:
        jh.validate_cases(raw)
    problems = raised.value.problems
    assert problems["row"].tolist() == [3]  # case 2 starts while case 1 runs
    assert "overlaps" in str(problems["message"].iloc[0])
    assert CPR not in str(raised.value)
    assert CPR not in problems.to_string()
    # Other persons, or no person column at all: nothing to compare.
    jh.validate_cases(raw_cases(person=["a", "b", "c", "d"]))
    jh.validate_cases(raw_cases())


def test_back_to_back_periods_do_not_overlap() -> None:
    raw = raw_cases(
        person=["p", "p", "q", "r"],
        granted_to=["2018-03-31", "", "", ""],
    )
    assert len(jh.validate_cases(raw)) == 4


def test_validation_does_not_modify_its_input() -> None:
    raw = raw_cases(person=["a", "b", "c", "d"])
    before = raw.copy(deep=True)
    jh.validate_cases(raw)
    pd.testing.assert_frame_equal(raw, before)


# --------------------------------------------------------------------------------------------
# active_grants: hand-computed reference cases
# --------------------------------------------------------------------------------------------


def test_a_three_year_grant_is_active_in_three_years_and_new_in_one() -> None:
    cases = jh.validate_cases(raw_cases().iloc[:1])
    table = jh.active_grants(cases, years=range(2016, 2022), by=())
    assert table["year"].tolist() == [2016, 2017, 2018, 2019, 2020, 2021]
    assert table["active"].tolist() == [0, 1, 1, 1, 1, 0]  # 1 Mar 2017 to 28 Feb 2020
    assert table["new"].tolist() == [0, 1, 0, 0, 0, 0]
    assert table["ended"].tolist() == [0, 0, 0, 0, 1, 0]


def test_active_grants_reference_table() -> None:
    table = jh.active_grants(example_cases())
    assert table.attrs["open_ended_to"] == 2019
    assert table.attrs["without_period"] == 0
    pa = table[table["scheme"] == "personal assistance"]
    aids = table[table["scheme"] == "aids"]
    assert pa["active"].tolist() == [1, 2, 2]
    assert pa["new"].tolist() == [1, 1, 0]
    assert pa["open_ended"].tolist() == [0, 1, 1]
    assert aids["active"].tolist() == [0, 1, 2]
    assert aids["new"].tolist() == [0, 1, 1]
    assert list(table.columns) == ["scheme", "year", "active", "new", "ended", "open_ended"]


def test_open_ended_grants_run_to_the_years_given() -> None:
    table = jh.active_grants(example_cases(), years=[2019, 2021], by=())
    assert table["year"].tolist() == [2019, 2020, 2021]
    assert table.attrs["open_ended_to"] == 2021
    # 2020: the closed grant (to Feb 2020) and the three open-ended ones.
    assert table["active"].tolist() == [4, 4, 3]


def test_active_grants_refuses_bad_options() -> None:
    cases = example_cases()
    with pytest.raises(OptionError):
        jh.active_grants(cases, by="year")
    with pytest.raises(ArgumentTypeError):
        jh.active_grants(cases, years="2018")  # type: ignore[arg-type]
    with pytest.raises(MissingColumnsError):
        jh.active_grants(cases.drop(columns="granted_from"))
    with pytest.raises(MissingColumnsError):
        jh.active_grants(cases, by="region")


# --------------------------------------------------------------------------------------------
# scheme_usage(count=...) and expenditure_shares(spread=True)
# --------------------------------------------------------------------------------------------


def test_scheme_usage_counts_personal_assistance_active_and_aids_new() -> None:
    table = jh.scheme_usage(example_cases())
    counted = dict(zip(table["scheme"].astype(str), table["counted"], strict=False))
    assert counted == {"personal assistance": "active", "aids": "new"}
    year_2019 = table[table["year"] == 2019].set_index("scheme")
    assert year_2019.loc["personal assistance", "count"] == 2
    assert year_2019.loc["aids", "count"] == 1
    assert year_2019["n"].tolist() == [3, 3]


def test_scheme_usage_count_options() -> None:
    cases = example_cases()
    applications = jh.scheme_usage(cases, count="applications")
    assert set(applications["counted"]) == {"applications"}
    assert applications["count"].sum() == 4
    active = jh.scheme_usage(cases, count="active")
    assert active.loc[active["year"] == 2019, "count"].sum() == 4
    with pytest.raises(OptionError):
        jh.scheme_usage(cases, count="stock")
    with pytest.raises(OptionError):
        jh.scheme_usage(cases, by="scheme", count="active")
    with pytest.raises(OptionError):
        jh.scheme_usage(cases, count="new", decision="all")


def test_spread_expenditure_sums_to_the_total_of_closed_periods() -> None:
    cases = example_cases()
    spread = jh.expenditure_shares(cases, by="year", spread=True)
    pa = spread[spread["scheme"] == "personal assistance"].set_index("year")["amount_dkk"]
    # 300,000 over 1 Mar 2017 - 28 Feb 2020 (1,095 days) plus 50,000 a year from 1 Apr 2018;
    # every grant runs to the data's last year, 2019: the 59 days of 2020 are not listed.
    days = {2017: 306, 2018: 365, 2019: 365}
    closed = {y: 300_000 * d / 1095 for y, d in days.items()}
    yearly = {2018: 50_000 * 275 / 365, 2019: 50_000.0}
    assert pa.index.tolist() == [2017, 2018, 2019]
    for year, value in zip(pa.index.tolist(), pa.tolist(), strict=True):
        assert value == pytest.approx(closed[int(year)] + yearly.get(int(year), 0.0))
    assert spread.attrs["spread_to"] == 2019
    assert spread.attrs["later_dkk"] == pytest.approx(300_000 * 59 / 1095)
    aids = spread[spread["scheme"] == "aids"].set_index("year")["amount_dkk"]
    assert aids.to_dict() == {2018: 5_000.0, 2019: 7_000.0}
    with pytest.raises(OptionError):
        jh.expenditure_shares(cases, spread=True)
    with pytest.raises(ArgumentTypeError):
        jh.expenditure_shares(cases, by="year", spread="yes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

FIRST = dt.date(2015, 1, 1)


@st.composite
def spell_frames(draw: st.DrawFn, *, min_days: int = 0) -> pd.DataFrame:
    """Granted cases with periods (some open-ended), amounts and schemes."""
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        applied = FIRST + dt.timedelta(days=draw(st.integers(0, 5 * 365)))
        start = applied + dt.timedelta(days=draw(st.integers(0, 60)))
        length = draw(st.none() | st.integers(min_days, 4 * 365))
        rows.append(
            {
                "case_id": f"C{i}",
                "municipality": draw(st.sampled_from([101, 147, 751])),
                "scheme": draw(st.sampled_from(["aids", "personal assistance"])),
                "target_group": "flex-job",
                "applied": applied,
                "decided": start,
                "decision": "granted",
                "amount_dkk": float(draw(st.integers(0, 10**6))),
                "granted_from": start,
                "granted_to": None if length is None else start + dt.timedelta(days=length),
            }
        )
    return jh.validate_cases(pd.DataFrame(rows))


@given(cases=spell_frames(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=examples(30), deadline=None)
def test_active_grants_ignore_row_order_and_leave_the_input_alone(
    cases: pd.DataFrame, seed: int
) -> None:
    before = cases.copy(deep=True)
    table = jh.active_grants(cases)
    pd.testing.assert_frame_equal(cases, before)
    order = np.random.default_rng(seed).permutation(len(cases))
    again = jh.active_grants(cases.iloc[order].reset_index(drop=True))
    pd.testing.assert_frame_equal(table, again)
    assert (table[["active", "new", "ended", "open_ended"]] >= 0).all().all()
    assert (table["open_ended"] <= table["active"]).all()
    # Every grant is new once (all start within the years counted).
    assert table["new"].sum() == len(cases)


@given(cases=spell_frames(min_days=366))
@settings(max_examples=examples(30), deadline=None)
def test_stock_is_at_least_the_flow_when_every_grant_lasts_a_year(cases: pd.DataFrame) -> None:
    table = jh.active_grants(cases)
    assert (table["active"] >= table["new"]).all()


@given(cases=spell_frames())
@settings(max_examples=examples(30), deadline=None)
def test_active_grants_match_a_grant_by_grant_count(cases: pd.DataFrame) -> None:
    table = jh.active_grants(cases, by=())
    last = int(table.attrs["open_ended_to"])
    start = cases["granted_from"].dt.year.to_numpy()
    end = cases["granted_to"].dt.year.fillna(last).to_numpy()
    for year, active in zip(table["year"], table["active"], strict=True):
        assert active == int(((start <= year) & (end >= year)).sum())


@pytest.mark.filterwarnings("ignore::jobhandicap.errors.SmallSampleWarning")
@given(cases=spell_frames(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=examples(30), deadline=None)
def test_spread_expenditure_keeps_the_total(cases: pd.DataFrame, seed: int) -> None:
    # Open-ended grants without a yearly amount are booked once: every amount is kept, in
    # the years listed or after the horizon (the data's last year).
    spread = jh.expenditure_shares(cases, by="year", spread=True)
    listed = spread["amount_dkk"].sum() + spread.attrs["later_dkk"]
    assert listed == pytest.approx(cases["amount_dkk"].sum(), rel=1e-9)
    assert spread["year"].max() <= spread.attrs["spread_to"]
    order = np.random.default_rng(seed).permutation(len(cases))
    again = jh.expenditure_shares(cases.iloc[order].reset_index(drop=True), by="year", spread=True)
    pd.testing.assert_frame_equal(spread, again, rtol=1e-9)


@given(cases=spell_frames(), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=examples(30), deadline=None)
def test_scheme_usage_by_count_ignores_row_order(cases: pd.DataFrame, seed: int) -> None:
    before = cases.copy(deep=True)
    table = jh.scheme_usage(cases)
    pd.testing.assert_frame_equal(cases, before)
    order = np.random.default_rng(seed).permutation(len(cases))
    again = jh.scheme_usage(cases.iloc[order].reset_index(drop=True))
    pd.testing.assert_frame_equal(table, again)
    assert (table["count"] <= table["n"]).all()


# --------------------------------------------------------------------------------------------
# Example data and published figures
# --------------------------------------------------------------------------------------------

#: SHA-256 of the packaged cases file's columns before grant periods were added (CSV text):
#: the periods draw from a stream of their own, so every earlier column keeps its values.
EARLIER_COLUMNS_SHA256 = "536cc1620a6213433d7ae79e17e2327397ff502fcf23865f37d8ebb7ba254337"
EARLIER_COLUMNS = [
    "case_id",
    "municipality",
    "jobcentre",
    "scheme",
    "target_group",
    "applied",
    "decided",
    "decision",
    "amount_dkk",
]


def test_example_grant_periods_leave_every_earlier_column_as_it_was() -> None:
    with resources.as_file(
        resources.files("jobhandicap") / "data" / "example" / "cases.csv.gz"
    ) as path:
        packaged = pd.read_csv(path, dtype=str, keep_default_na=False)
    text = packaged[EARLIER_COLUMNS].to_csv(index=False).encode()
    assert hashlib.sha256(text).hexdigest() == EARLIER_COLUMNS_SHA256


def test_example_data_has_grant_periods_by_scheme() -> None:
    cases = jh.load_example().cases
    jh.validate_cases(cases)
    granted = cases["decision"] == "granted"
    assert cases.loc[granted, "granted_from"].notna().all()
    assert cases.loc[~granted, "granted_from"].isna().all()
    aids = granted & (cases["scheme"] == "aids")
    assert cases.loc[aids, "granted_to"].isna().all()
    assert (cases.loc[aids, "granted_from"] == cases.loc[aids, "decided"]).all()
    assistance = granted & (cases["scheme"] == "personal assistance")
    closed = cases.loc[assistance, "granted_to"].notna()
    assert 0.75 < closed.mean() < 0.95  # about 15 % open-ended
    hours = cases.loc[assistance, "hours_per_week"]
    assert hours.between(3, 20).all()
    counted = jh.scheme_usage(cases).drop_duplicates("scheme").set_index("scheme")["counted"]
    assert counted["personal assistance"] == "active"
    assert counted["aids"] == "new"


def test_published_grant_counts_carry_their_definition() -> None:
    figures = jh.published_figures().set_index("measure")
    assert figures.loc["grants_personal_assistance", "definition"] == "active"
    assert figures.loc["grants_aids", "definition"] == "new"
    assert figures.loc["grants_aids", "count"] == 14_900
    others = ~figures.index.str.startswith("grants_")
    assert figures.loc[others, "definition"].isna().all()


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def test_report_shows_grants_in_force_and_new_grants(tmp_path: Path) -> None:
    example = jh.load_example()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jh.build_report({"cases": example.cases, "extracted": example.extracted}, tmp_path)
    table = pd.read_csv(tmp_path / "tables" / "active_grants.csv")
    assert list(table.columns) == ["year", "scheme", "active", "new"]
    assert table["year"].unique().tolist() == [2018, 2019, 2020]  # whole years only
    expected = jh.active_grants(example.cases, years=[2018, 2019, 2020])
    for scheme in ("personal assistance", "aids"):
        shown = table[table["scheme"] == scheme]
        counted = expected[expected["scheme"] == scheme]
        assert shown["active"].tolist() == counted["active"].tolist()
        assert shown["new"].tolist() == counted["new"].tolist()
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Active grants are the grants in force" in page


def test_report_without_periods_says_so(tmp_path: Path) -> None:
    example = jh.load_example()
    periods = ["granted_from", "granted_to", "hours_per_week", "yearly_amount_dkk"]
    cases = example.cases.drop(columns=periods)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = jh.build_report({"cases": cases, "extracted": example.extracted}, tmp_path)
    assert not (tmp_path / "tables" / "active_grants.csv").exists()
    assert "usage" in result.sections
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "have no grant periods" in page


def test_a_person_column_without_periods_is_fine() -> None:
    raw = raw_cases(person=["a", "a", "b", "b"]).drop(
        columns=["granted_from", "granted_to", "yearly_amount_dkk"]
    )
    assert jh.validate_cases(raw)["granted_from"].isna().all()


@given(cases=spell_frames())
@settings(max_examples=examples(30), deadline=None)
def test_active_grants_do_not_depend_on_the_labels_of_groups(cases: pd.DataFrame) -> None:
    relabel = {101: 9101, 147: 9147, 751: 9751}
    plain = jh.active_grants(cases, by="jobcentre")
    renamed = jh.active_grants(
        cases.assign(jobcentre=cases["jobcentre"].map(relabel)), by="jobcentre"
    )
    expected = plain.assign(jobcentre=plain["jobcentre"].map(relabel))
    pd.testing.assert_frame_equal(renamed, expected)


def test_active_grants_refuse_periods_that_are_not_dates() -> None:
    cases = example_cases().assign(granted_from=["2017-03-01"] * 4)
    with pytest.raises(jh.errors.JobhandicapError, match="validate the cases"):
        jh.active_grants(cases)


# --------------------------------------------------------------------------------------------
# Review fixes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["new", "started", "ended", "open_ended", "active", "stopped", "open_started"]
)
def test_active_grants_refuse_a_group_named_like_a_count(name: str) -> None:
    cases = example_cases()
    with pytest.raises(OptionError, match=rf"'{name}'.*named like columns of the result"):
        jh.active_grants(cases.assign(**{name: cases["scheme"]}), by=name)


@pytest.mark.parametrize("name", ["n", "count", "share", "jobcentres", "counted"])
def test_scheme_usage_refuses_a_group_named_like_its_output(name: str) -> None:
    cases = example_cases()
    with pytest.raises(OptionError, match=rf"'{name}'"):
        jh.scheme_usage(cases.assign(**{name: cases["target_group"]}), by=("year", name))


@pytest.mark.parametrize("name", ["n", "amount_dkk", "share", "total_dkk", "n_with_amount"])
def test_expenditure_shares_refuses_a_group_named_like_its_output(name: str) -> None:
    cases = example_cases()
    frame = cases.drop(columns="amount_dkk") if name == "amount_dkk" else cases
    with pytest.raises(OptionError, match=rf"'{name}'"):
        jh.expenditure_shares(frame.assign(**{name: cases["target_group"]}), by=name)


def test_a_period_ending_before_it_starts_is_counted_and_warned_of() -> None:
    # Not validated: the second grant ends before it starts (validate_cases would refuse it).
    cases = pd.DataFrame(
        {
            "scheme": ["personal assistance"] * 3,
            "applied": pd.to_datetime(["2018-01-10", "2018-02-01", "2018-02-01"]),
            "decision": ["granted", "granted", "refused"],
            "granted_from": pd.to_datetime(["2018-02-01", "2018-03-01", "2018-03-01"]),
            "granted_to": pd.to_datetime(["2019-01-31", "2017-01-01", "2017-01-01"]),
        }
    )
    with pytest.warns(jh.DataQualityWarning, match="1 granted case"):
        table = jh.active_grants(cases, years=[2018, 2019])
    assert table.attrs["invalid_period"] == 1
    assert table.attrs["without_period"] == 0
    assert table["active"].tolist() == [1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert jh.active_grants(example_cases()).attrs["invalid_period"] == 0


def test_spread_expenditure_runs_every_grant_to_the_same_horizon() -> None:
    # Open-ended personal assistance at 1,000 a year and mentor support closed to 2020:
    # the data end in 2018, so 2019 and 2020 are not listed with mentor support alone.
    cases = pd.DataFrame(
        {
            "jobcentre": [101, 101],
            "scheme": ["personal assistance", "mentor support"],
            "applied": pd.to_datetime(["2018-01-10", "2018-01-10"]),
            "decision": ["granted"] * 2,
            "amount_dkk": [1000.0, 300.0],
            "yearly_amount_dkk": [1000.0, float("nan")],
            "granted_from": pd.to_datetime(["2018-01-01", "2018-01-01"]),
            "granted_to": pd.to_datetime(["NaT", "2020-12-31"]),
        }
    )
    spread = jh.expenditure_shares(cases, by="year", spread=True)
    assert spread["year"].tolist() == [2018, 2018]
    mentor = 300.0 * 365 / 1096
    assert spread["amount_dkk"].tolist() == pytest.approx([mentor, 1000.0])
    assert spread.attrs["later_dkk"] == pytest.approx(300.0 - mentor)
    assert spread["share"].sum() == pytest.approx(1.0)


def aids_bought(stray_end: bool) -> pd.DataFrame:
    """1,000 open-ended aids from 2018 and one from 2020, with an end date if ``stray_end``."""
    n = 1001
    return pd.DataFrame(
        {
            "jobcentre": [101] * n,
            "scheme": ["aids"] * n,
            "applied": pd.to_datetime(["2018-03-01"] * 1000 + ["2020-03-01"]),
            "decision": ["granted"] * n,
            "granted_from": pd.to_datetime(["2018-04-01"] * 1000 + ["2020-04-01"]),
            "granted_to": pd.to_datetime(["NaT"] * 1000 + ["2020-12-31" if stray_end else "NaT"]),
        }
    )


def test_one_stray_end_date_does_not_flip_a_scheme_to_active() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clean = jh.scheme_usage(aids_bought(stray_end=False))
    with pytest.warns(jh.DataQualityWarning, match=r"aids \(1 of 1001 periods\)"):
        stray = jh.scheme_usage(aids_bought(stray_end=True))
    pd.testing.assert_frame_equal(clean, stray)
    assert stray["year"].tolist() == [2018, 2020]
    assert stray["count"].tolist() == [1000, 1]
    assert set(stray["counted"]) == {"new"}


def test_a_scheme_mostly_with_end_dates_is_counted_active() -> None:
    cases = aids_bought(stray_end=True).iloc[998:].reset_index(drop=True)
    cases["granted_to"] = pd.to_datetime(["2018-12-31", "2019-06-30", "NaT"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = jh.scheme_usage(cases)
    assert set(table["counted"]) == {"active"}
    assert table["count"].tolist() == [2, 1, 1]  # 2018, 2019; 2020: the open-ended one


def test_grants_without_a_period_in_an_active_scheme_count_in_their_application_year() -> None:
    cases = pd.DataFrame(
        {
            "jobcentre": [101] * 3,
            "scheme": ["personal assistance"] * 3,
            "applied": pd.to_datetime(["2019-01-01"] * 3),
            "decision": ["granted"] * 3,
            "granted_from": pd.to_datetime(["2019-02-01", "NaT", "NaT"]),
            "granted_to": pd.to_datetime(["2020-01-31", "NaT", "NaT"]),
        }
    )
    with pytest.warns(jh.DataQualityWarning, match="2 granted case"):
        table = jh.scheme_usage(cases)
    assert table["year"].tolist() == [2019]
    assert table["count"].tolist() == [3]
    assert table["counted"].tolist() == ["active"]
