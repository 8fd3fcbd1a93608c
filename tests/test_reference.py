"""Tests of the packaged reference tables and lookups (jobhandicap.reference)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobhandicap import reference
from jobhandicap.domain import CompensationScheme, Municipality, Region, TargetGroup
from jobhandicap.errors import JobhandicapError, SchemaError, UnknownLabelError
from jobhandicap.reference import (
    jobcentre_codes,
    jobcentre_of,
    jobcentres,
    municipalities,
    municipality,
    municipality_codes,
    schemes,
    target_groups,
)

TABLE = municipalities()
CODES = TABLE["code"].tolist()
FIRST_DAY = dt.date(2007, 1, 1)
#: The last day the tests look up: fixed, so that no result depends on the day of the run.
LAST_DAY = dt.date(2026, 12, 31)

#: (code, text) for every name and explicit alias.
NAMED = [
    (int(code), str(text))
    for code, name, aliases in zip(TABLE["code"], TABLE["name"], TABLE["aliases"], strict=True)
    for text in (name, *aliases)
]


def is_string(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype) and series.dtype.na_value is pd.NA


# --------------------------------------------------------------------------------------------
# municipalities()
# --------------------------------------------------------------------------------------------


def test_municipalities_schema() -> None:
    table = municipalities()
    assert list(table.columns) == ["code", "name", "region", "iso_region", "aliases"]
    assert isinstance(table.index, pd.RangeIndex)
    assert table["code"].dtype == np.int64
    assert is_string(table["name"])
    assert is_string(table["iso_region"])
    assert isinstance(table["region"].dtype, pd.CategoricalDtype)
    assert list(table["region"].cat.categories) == [r.value for r in Region]
    assert not table["region"].cat.ordered
    assert all(isinstance(a, tuple) for a in table["aliases"])
    assert all(isinstance(x, str) for a in table["aliases"] for x in a)


def test_municipalities_reference_values() -> None:
    # docs/domain.md: 98 municipalities: Hovedstaden 29, Sjælland 17, Syddanmark 22,
    # Midtjylland 19, Nordjylland 11; codes 101 København … 860 Hjørring; 411 is not among them.
    table = municipalities()
    assert len(table) == 98
    assert table["code"].is_unique
    assert table["code"].is_monotonic_increasing
    assert table["region"].value_counts().to_dict() == {
        "capital region": 29,
        "southern denmark": 22,
        "central denmark": 19,
        "zealand": 17,
        "north denmark": 11,
    }
    first, last = table.iloc[0], table.iloc[-1]
    assert (first["code"], first["name"]) == (101, "København")
    assert (last["code"], last["name"]) == (860, "Hjørring")
    assert 411 not in set(table["code"])
    iso = [Region(r).iso_code for r in table["region"]]
    assert table["iso_region"].tolist() == iso
    aliases = table.set_index("code")["aliases"]
    assert "Århus" in aliases[751]
    assert "Nordfyn" in aliases[480]
    assert "Bornholms Regionskommune" in aliases[400]


def test_municipalities_returns_a_copy() -> None:
    table = municipalities()
    table.loc[0, "name"] = "changed"
    table["extra"] = 1
    again = municipalities()
    assert again.loc[0, "name"] == "København"
    assert "extra" not in again.columns


# --------------------------------------------------------------------------------------------
# municipality()
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_municipality_by_every_code_form(code: int) -> None:
    row = TABLE[TABLE["code"] == code].iloc[0]
    expected = Municipality(code=code, name=str(row["name"]), region=row["region"])
    forms = [code, np.int64(code), float(code), str(code), f"{code:04d}", f" {code} ", f"{code}.0"]
    for form in forms:
        assert municipality(form) == expected, form
    assert municipality(expected) == expected


@pytest.mark.parametrize(("code", "text"), NAMED)
def test_municipality_by_every_name_and_alias(code: int, text: str) -> None:
    assert municipality(text).code == code
    assert municipality(text.upper()).code == code
    if not text.lower().endswith("kommune"):
        assert municipality(f"{text} Kommune").code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Aarhus", 751),
        ("Århus", 751),
        ("Århus Kommune", 751),
        ("Høje-Taastrup", 169),
        ("Høje-Tåstrup", 169),
        ("Hoeje Taastrup", 169),
        ("Nordfyn", 480),
        ("Nordfyns Kommune", 480),
        ("Vesthimmerland", 820),
        ("Vesthimmerlands Kommune", 820),
        ("Københavns Kommune", 101),
        ("Koebenhavn", 101),
        ("Kobenhavn", 101),
        ("Frederiksberg Kommune", 147),
        ("Bornholms Regionskommune", 400),
        ("Bornholm", 400),
        ("Lyngby-Tårbæk", 173),
        ("Lyngby Taarbæk Kommune", 173),
        ("Brønderslev-Dronninglund", 810),
        ("Ærø", 492),
        ("Aeroe", 492),
        ("AERO", 492),
        ("Tarnby", 185),
    ],
)
def test_municipality_known_variants(text: str, code: int) -> None:
    assert municipality(text).code == code


@st.composite
def spelling_variants(draw: st.DrawFn) -> tuple[int, str]:
    """A name or alias with random case, separators and surrounding whitespace."""
    code, text = draw(st.sampled_from(NAMED))
    chars = [
        c.upper() if upper else c.lower()
        for c, upper in zip(text, draw(st.lists(st.booleans(), min_size=len(text))), strict=False)
    ]
    separators = st.sampled_from([" ", "-", "", "  ", " - ", "\t"])
    spelled = "".join(draw(separators) if c in " -" else c for c in chars)
    pad = st.sampled_from(["", " ", "  ", "\n"])
    return code, draw(pad) + spelled + draw(pad)


@given(spelling_variants())
def test_municipality_ignores_case_and_spacing(variant: tuple[int, str]) -> None:
    code, text = variant
    assert municipality(text).code == code


@pytest.mark.parametrize("key", [411, "411", "0411", 411.0, "Christiansø", "christianso"])
def test_christianso_is_not_a_municipality(key: object) -> None:
    with pytest.raises(UnknownLabelError, match="Christiansø, which is not a municipality"):
        municipality(key)
    assert municipality_codes([key]).isna().all()


def test_unknown_name_lists_close_matches() -> None:
    with pytest.raises(UnknownLabelError) as info:
        municipality("Ålbrog")
    assert info.value.matches == ("Aalborg",)
    assert isinstance(info.value, SchemaError)
    assert isinstance(info.value, ValueError)
    assert info.value.problems["value"].tolist() == ["Ålbrog"]


def test_unknown_code_lists_nearest_codes() -> None:
    with pytest.raises(UnknownLabelError, match="did you mean '101 \\(København\\)'"):
        municipality(102)


@pytest.mark.parametrize("key", [None, True, 101.5, "", "  ", "Atlantis", 0, -101, 10**9, []])
def test_municipality_rejects_non_municipalities(key: object) -> None:
    with pytest.raises(UnknownLabelError, match="unknown municipality"):
        municipality(key)


# --------------------------------------------------------------------------------------------
# municipality_codes()
# --------------------------------------------------------------------------------------------


def test_municipality_codes_reference_values() -> None:
    raw = pd.Series(
        ["0101", "Århus", 751.0, None, "Atlantis", 480, "Nordfyns Kommune", np.nan, 411, True],
        index=list("abcdefghij"),
        name="kommune",
    )
    result = municipality_codes(raw)
    assert result.dtype == "Int64"
    assert result.index.equals(raw.index)
    assert result.name == "kommune"
    assert result.tolist() == [101, 751, 751, pd.NA, pd.NA, 480, 480, pd.NA, pd.NA, pd.NA]


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([101, 411, 860, 0, -1], dtype="int64"),
        pd.Series([101, 411, 860, 0, 65535], dtype="uint16"),
        pd.Series([101, None, 860, 0, 411], dtype="Int64"),
        pd.Series([101.0, np.nan, 860.0, 0.5, 411.0]),
        pd.Series(["101", None, "0860", "x", "411"], dtype="string"),
        pd.Series(["København", "Hjørring", "Aarhus", "Hjørring"], dtype="category"),
        pd.Series([101, "Aarhus", 860.0, None], dtype=object),
    ],
)
def test_municipality_codes_agrees_with_municipality(values: pd.Series) -> None:
    before = values.copy()
    result = municipality_codes(values)
    assert result.dtype == "Int64"
    expected: list[object] = []
    for value in values:
        try:
            expected.append(municipality(value).code)
        except UnknownLabelError:
            expected.append(pd.NA)
    assert result.tolist() == expected
    pd.testing.assert_series_equal(values, before)


def test_municipality_codes_accepts_lists_and_arrays() -> None:
    assert municipality_codes(["0101", 147]).tolist() == [101, 147]
    result = municipality_codes(np.array([101, 147, 5]))
    assert result.tolist() == [101, 147, pd.NA]
    assert isinstance(result.index, pd.RangeIndex)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(CODES),
            st.sampled_from([text for _, text in NAMED]),
            st.integers(-5, 1000),
            st.none(),
        ),
        max_size=30,
    ),
    st.randoms(use_true_random=False),
)
def test_municipality_codes_is_elementwise(values: list[object], random: object) -> None:
    series = pd.Series(values, dtype=object)
    result = municipality_codes(series)
    order = list(range(len(values)))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = municipality_codes(series.iloc[order])
    pd.testing.assert_series_equal(shuffled, result.iloc[order])
    for value, code in zip(values, result, strict=True):
        if pd.isna(code):
            with pytest.raises(UnknownLabelError):
                municipality(value)
        else:
            assert municipality(value).code == code


# --------------------------------------------------------------------------------------------
# jobcentres()
# --------------------------------------------------------------------------------------------


def test_jobcentres_schema() -> None:
    table = jobcentres()
    assert list(table.columns) == [
        "jobcentre",
        "jobcentre_name",
        "municipality",
        "valid_from",
        "valid_to",
    ]
    assert isinstance(table.index, pd.RangeIndex)
    assert table["jobcentre"].dtype == np.int64
    assert table["municipality"].dtype == np.int64
    assert is_string(table["jobcentre_name"])
    assert table["valid_from"].dtype == "datetime64[ns]"
    assert table["valid_to"].dtype == "datetime64[ns]"
    assert (table["valid_from"] == table["valid_from"].dt.normalize()).all()
    on_day = jobcentres(on="2018-01-01")
    pd.testing.assert_series_equal(on_day.dtypes, table.dtypes)


def test_jobcentre_map_is_consistent() -> None:
    table = jobcentres()
    codes = set(CODES)
    assert set(table["municipality"]) == codes
    assert set(table["jobcentre"]) <= codes
    assert (table["valid_to"].isna() | (table["valid_to"] >= table["valid_from"])).all()
    # Each municipality is covered from 2007-01-01 without gaps or overlaps, and still is.
    for _, rows in table.sort_values("valid_from").groupby("municipality"):
        starts = rows["valid_from"].tolist()
        ends = rows["valid_to"].tolist()
        assert starts[0] == pd.Timestamp(FIRST_DAY)
        assert pd.isna(ends[-1])
        for end, start in zip(ends[:-1], starts[1:], strict=True):
            assert start - end == pd.Timedelta(days=1)
    # The rows of one composition agree on name and validity; the host is a member.
    for (host, _), rows in table.groupby(["jobcentre", "valid_from"]):
        assert rows["jobcentre_name"].nunique() == 1
        assert rows["valid_to"].nunique(dropna=False) == 1
        assert host in set(rows["municipality"])
        assert rows["municipality"].iloc[0] == host
        assert rows["jobcentre_name"].iloc[0].startswith("Jobcenter ")


@pytest.mark.parametrize(
    ("day", "count"),
    [
        ("2007-01-01", 93),
        ("2012-12-31", 93),
        ("2013-01-01", 94),
        ("2018-01-01", 94),
        ("2021-12-31", 94),
        ("2022-01-01", 95),
        (LAST_DAY, 95),
    ],
)
def test_number_of_jobcentres(day: object, count: int) -> None:
    # docs/domain.md: 94 jobcentres in 2018, 95 from 2022 (Ishøj), 93 before 2013 (Langeland).
    table = jobcentres(on=day)
    assert table["jobcentre"].nunique() == count
    assert sorted(table["municipality"]) == CODES


def test_jobcentres_before_2007_is_empty() -> None:
    assert jobcentres(on=dt.date(2006, 12, 31)).empty


@pytest.mark.parametrize("on", [None, "2018-01-01"])
def test_jobcentres_returns_a_copy(on: object) -> None:
    table = jobcentres(on=on)
    table.loc[0, "jobcentre"] = -1
    table["extra"] = 1
    again = jobcentres(on=on)
    assert again.loc[0, "jobcentre"] == 101
    assert "extra" not in again.columns


@pytest.mark.parametrize(
    "on",
    [
        "2018-01-01",
        dt.date(2018, 1, 1),
        dt.datetime(2018, 1, 1, 15, 30),
        pd.Timestamp("2018-01-01"),
        pd.Timestamp("2018-01-01 08:00", tz="Europe/Copenhagen"),
        np.datetime64("2018-01-01"),
    ],
)
def test_jobcentres_accepts_date_forms(on: object) -> None:
    pd.testing.assert_frame_equal(jobcentres(on=on), jobcentres(on="2018-01-01"))


@pytest.mark.parametrize("on", ["01-01-2018", "2018-13-01", 2018, pd.NaT, [2018]])
def test_jobcentres_rejects_non_dates(on: object) -> None:
    with pytest.raises(SchemaError, match="expected a date"):
        jobcentres(on=on)


# --------------------------------------------------------------------------------------------
# jobcentre_of() and jobcentre_codes()
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "day", "host", "members"),
    [
        ("Dragør", "2018-01-01", 185, (185, 155)),
        ("Fanø", "2018-01-01", 561, (561, 563)),
        ("Læsø", "2018-01-01", 813, (813, 825)),
        ("Ishøj", "2021-12-31", 187, (187, 183)),
        ("Ishøj", "2022-01-01", 183, (183,)),
        ("Vallensbæk", "2021-12-31", 187, (187, 183)),
        ("Vallensbæk", "2022-01-01", 187, (187,)),
        ("Langeland", "2012-12-31", 479, (479, 482)),
        ("Langeland", "2013-01-01", 482, (482,)),
        ("0101", "2007-01-01", 101, (101,)),
    ],
)
def test_jobcentre_of_reference_values(
    key: str, day: str, host: int, members: tuple[int, ...]
) -> None:
    centre = jobcentre_of(key, day)
    assert centre.code == host
    assert centre.municipalities == members
    assert centre.valid_on(dt.date.fromisoformat(day))


def test_jobcentre_of_names_and_validity() -> None:
    joint = jobcentre_of("Ishøj", "2021-06-01")
    assert joint.name == "Jobcenter Vallensbæk-Ishøj"
    assert (joint.valid_from, joint.valid_to) == (FIRST_DAY, dt.date(2021, 12, 31))
    own = jobcentre_of("Ishøj", "2022-06-01")
    assert own.name == "Jobcenter Ishøj"
    assert (own.valid_from, own.valid_to) == (dt.date(2022, 1, 1), None)
    assert jobcentre_of("Esbjerg", "2020-01-01").name == "Jobcenter Esbjerg-Fanø"


def test_jobcentre_of_every_municipality_every_year() -> None:
    years = range(FIRST_DAY.year, LAST_DAY.year + 1)
    codes = np.repeat(np.array(CODES, dtype=np.int64), len(years))
    days = np.tile(np.array([f"{y}-01-01" for y in years], dtype="datetime64[ns]"), len(CODES))
    vectorised = jobcentre_codes(codes, days)
    for code, day, expected in zip(codes, days, vectorised, strict=True):
        centre = jobcentre_of(int(code), pd.Timestamp(day))
        assert centre.code == expected
        assert int(code) in centre.municipalities
        assert centre.valid_on(pd.Timestamp(day).date())


@given(st.sampled_from(CODES), st.dates(min_value=FIRST_DAY, max_value=LAST_DAY))
def test_jobcentre_of_agrees_with_jobcentre_codes(code: int, day: dt.date) -> None:
    centre = jobcentre_of(code, day)
    assert int(code) in centre.municipalities
    assert centre.valid_on(day)
    assert jobcentre_codes(np.array([code]), np.array([day], dtype="datetime64[D]"))[0] == (
        centre.code
    )
    serving = jobcentres(on=day)
    assert serving.loc[serving["municipality"] == code, "jobcentre"].tolist() == [centre.code]


def test_jobcentre_of_before_2007_says_when_the_map_starts() -> None:
    with pytest.raises(SchemaError, match="jobcentres exist from 2007-01-01"):
        jobcentre_of("Ishøj", "2006-12-31")


def test_jobcentre_of_rejects_unknown_municipality_and_bad_date() -> None:
    with pytest.raises(UnknownLabelError, match="Christiansø"):
        jobcentre_of(411, "2018-01-01")
    with pytest.raises(SchemaError, match="expected a date"):
        jobcentre_of(101, "1/1/2018")


def test_jobcentre_codes_reference_values() -> None:
    codes = np.array([183, 183, 183, 155, 411, 0, -5, 10**7, 482, 482])
    days = np.array(
        [
            "2006-12-31",
            "2021-12-31T23:59",
            "2022-01-01",
            "2018-06-01",
            "2018-06-01",
            "2018-06-01",
            "2018-06-01",
            "2018-06-01",
            "2012-12-31",
            "NaT",
        ],
        dtype="datetime64[m]",
    )
    expected = [-1, 187, 183, 185, -1, -1, -1, -1, 479, -1]
    result = jobcentre_codes(codes, days)
    assert result.dtype == np.int64
    assert result.tolist() == expected
    for unit in ("ns", "us", "s", "D"):
        assert (
            jobcentre_codes(codes, days.astype(f"datetime64[{unit}]")).tolist()[1:]
            == (expected[1:])
        )


def test_jobcentre_codes_input_forms() -> None:
    dates = pd.Series(["2021-06-01", "2022-06-01", None, "2022-06-01"], dtype="datetime64[ns]")
    expected = [187, 183, -1, -1]
    forms: list[Iterable[object]] = [
        pd.Series([183, 183, 183, 411]),
        pd.Series([183, 183, 183, None], dtype="Int64"),
        pd.Series([183.0, 183.0, 183.0, np.nan]),
        pd.Series(["Ishøj", "0183", 183, "Atlantis"], dtype=object),
        pd.Series(["Ishøj", "Ishøj", "Ishøj", "Christiansø"], dtype="category"),
        [183, 183, 183, 411],
        ["Ishøj", 183, 183.0, 411],
    ]
    for municipalities_ in forms:
        assert jobcentre_codes(municipalities_, dates).tolist() == expected
    assert jobcentre_codes(np.array([183, 183]), ["2021-06-01", "2022-06-01"]).tolist() == [
        187,
        183,
    ]
    assert jobcentre_codes([155, 183], dt.date(2018, 1, 1)).tolist() == [185, 187]
    aware = dates.dt.tz_localize("Europe/Copenhagen")
    assert jobcentre_codes(forms[0], aware).tolist() == expected


def test_jobcentre_codes_rejects_bad_input() -> None:
    with pytest.raises(JobhandicapError, match="same length"):
        jobcentre_codes([101, 147], np.array(["2018-01-01"] * 3, dtype="datetime64[D]"))
    with pytest.raises(JobhandicapError, match="dates must be dates"):
        jobcentre_codes([101], np.array([17532]))
    with pytest.raises(JobhandicapError, match="dates must be dates"):
        jobcentre_codes([101], ["1/1/2018"])


@given(
    st.lists(
        st.tuples(
            st.sampled_from([*CODES, 411, 0]),
            st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2030, 12, 31)),
        ),
        min_size=1,
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_jobcentre_codes_row_order_and_inputs_untouched(
    pairs: list[tuple[int, dt.date]], random: object
) -> None:
    codes = np.array([c for c, _ in pairs], dtype=np.int64)
    days = np.array([d for _, d in pairs], dtype="datetime64[ns]")
    codes_before, days_before = codes.copy(), days.copy()
    result = jobcentre_codes(codes, days)
    np.testing.assert_array_equal(codes, codes_before)
    np.testing.assert_array_equal(days, days_before)
    order = np.arange(len(pairs))
    random.shuffle(order)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(jobcentre_codes(codes[order], days[order]), result[order])
    for (code, day), host in zip(pairs, result, strict=True):
        if code in (411, 0) or day < FIRST_DAY:
            assert host == -1
        else:
            assert host == jobcentre_of(code, day).code


def test_jobcentre_codes_agrees_with_the_table_row_by_row() -> None:
    """Every row against the jobcentres table; the timing is benchmarks/run.py's "jobcentres"."""
    rng = np.random.default_rng(7)
    n = 20_000
    codes = rng.choice(np.array(CODES), n)
    days = (np.datetime64("2005-01-01") + rng.integers(0, 7000, n)).astype("datetime64[ns]")
    result = jobcentre_codes(codes, days)
    table = jobcentres()
    rows = pd.DataFrame({"municipality": codes, "day": days, "row": np.arange(n)})
    merged = rows.merge(table, on="municipality")
    valid = (merged["valid_from"] <= merged["day"]) & (
        merged["valid_to"].isna() | (merged["day"] <= merged["valid_to"])
    )
    assert merged.loc[valid, "row"].is_unique  # at most one jobcentre per municipality and day
    expected = np.full(n, -1, dtype=np.int64)
    expected[merged.loc[valid, "row"].to_numpy()] = merged.loc[valid, "jobcentre"].to_numpy()
    np.testing.assert_array_equal(result, expected)
    assert (result[days < np.datetime64("2007-01-01")] == -1).all()


# --------------------------------------------------------------------------------------------
# schemes() and target_groups()
# --------------------------------------------------------------------------------------------


def test_schemes_catalogue() -> None:
    table = schemes()
    assert list(table.columns) == [
        "scheme",
        "danish",
        "english",
        "legal_basis",
        "eligible",
        "pays_for",
    ]
    assert isinstance(table.index, pd.RangeIndex)
    assert isinstance(table["scheme"].dtype, pd.CategoricalDtype)
    assert list(table["scheme"].cat.categories) == [s.value for s in CompensationScheme]
    assert table["scheme"].tolist() == [s.value for s in CompensationScheme]
    for column in table.columns[1:]:
        assert is_string(table[column])
        assert (table[column].str.len() > 0).all()
    assert table["danish"].tolist() == [s.label_da for s in CompensationScheme]
    assert table["english"].tolist() == [s.label_en for s in CompensationScheme]
    # The legal bases of the schemes (the schemes' table in docs/domain.md).
    basis = dict(zip(table["scheme"], table["legal_basis"], strict=True))
    assert basis["personal assistance"] == "LKHE ch. 3"
    assert basis["personal assistance in education"] == "LKHE ch. 4"
    assert basis["special expenses"] == "LKHE § 15g"
    assert basis["mentor support"] == "LAB"
    assert table.loc[1, "danish"] == "personlig assistance under uddannelse"


def test_target_groups_catalogue() -> None:
    table = target_groups()
    assert list(table.columns) == ["target_group", "danish", "english", "description"]
    assert len(table) == 14
    assert list(table["target_group"].cat.categories) == [g.value for g in TargetGroup]
    assert table["target_group"].tolist() == [g.value for g in TargetGroup]
    for column in table.columns[1:]:
        assert is_string(table[column])
        assert (table[column].str.len() > 0).all()
    assert table["danish"].tolist() == [g.label_da for g in TargetGroup]
    assert (table.loc[4, "danish"], table.loc[4, "english"]) == (
        "sygedagpenge",
        "sickness benefit",
    )


@pytest.mark.parametrize("catalogue", [schemes, target_groups])
def test_catalogues_return_copies(catalogue: Callable[[], pd.DataFrame]) -> None:
    table = catalogue()
    table.loc[0, "danish"] = "changed"
    again = catalogue()
    assert again.loc[0, "danish"] != "changed"


# --------------------------------------------------------------------------------------------
# Packaged data
# --------------------------------------------------------------------------------------------


def test_alias_file_names_known_municipalities_without_clashes() -> None:
    aliases = reference._read("municipality_aliases.csv")
    assert list(aliases.columns) == ["code", "alias", "note"]
    for code, alias in zip(aliases["code"].astype(int), aliases["alias"], strict=True):
        assert code in CODES
        assert municipality(alias).code == code
    # Building the index raises on a key that names two municipalities.
    index = reference._name_index()
    assert set(index.values()) == set(CODES)
