"""Tests of the sampled-survey table kind: schema, validation, readers, writers and the CLI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobhandicap as jh
from _examples import examples
from jobhandicap import cli, frames
from jobhandicap.errors import MissingColumnsError, SchemaError
from jobhandicap.io._headers import KINDS

PERSONAL_NUMBER = "010190-1234"


def _raw(**changes: Any) -> pd.DataFrame:
    """Three respondents of a stratified sample, two items each (six rows)."""
    table: dict[str, Any] = {
        "respondent": ["P1", "P1", "P2", "P2", "P3", "P3"],
        "wave": [2021] * 6,
        "item": ["q1", "q2"] * 3,
        "answer": [4, "Ved ikke", "I høj grad", None, 1, 5],
        "weight": [250.0, 250.0, 250.0, 250.0, 100.0, 100.0],
        "stratum": ["north", "north", "north", "north", "south", "south"],
        "population": [500, 500, 500, 500, 100, 100],
        "sex": ["female", "female", "male", "male", "female", "female"],
    }
    table.update(changes)
    return pd.DataFrame(table)


def _problems(raw: pd.DataFrame) -> pd.DataFrame:
    with pytest.raises(SchemaError) as caught:
        jh.validate_sampled_survey(raw)
    return caught.value.problems


def _at(problems: pd.DataFrame, row: int, column: str) -> list[str]:
    hit = problems[(problems["row"] == row) & (problems["column"] == column)]
    return [str(m) for m in hit["message"]]


# --------------------------------------------------------------------------------------------
# Schema and validation


def test_kind_is_known_everywhere() -> None:
    assert "sampled_survey" in frames.SCHEMAS
    assert "sampled_survey" in KINDS
    empty = jh.empty_frame("sampled_survey")
    assert list(empty.columns) == [
        "respondent",
        "wave",
        "item",
        "answer",
        "weight",
        "stratum",
        "cluster",
        "population",
    ]
    assert frames.SAMPLED_SURVEY_SCHEMA.required == (
        "respondent",
        "wave",
        "item",
        "answer",
        "weight",
    )
    assert frames.SAMPLED_SURVEY_SCHEMA.key == ("respondent", "wave", "item")


def test_validate_gives_the_canonical_frame_and_keeps_margin_columns() -> None:
    raw = _raw(age_group=pd.Categorical(["16-29"] * 4 + ["50-64"] * 2))
    before = raw.copy(deep=True)
    frame = jh.validate_sampled_survey(raw)
    pd.testing.assert_frame_equal(raw, before)  # input not mutated
    assert list(frame.columns) == [*frames.SAMPLED_SURVEY_SCHEMA.names, "sex", "age_group"]
    assert frame["answer"].tolist() == [4, 9, 4, pd.NA, 1, 5]
    assert frame["weight"].dtype == np.float64
    assert frame["population"].dtype == "Int64"
    assert frame["stratum"].dtype == "string"
    assert frame["cluster"].isna().all()
    # Margin columns as they are: same values, same dtype, not the input's memory.
    assert frame["sex"].tolist() == raw["sex"].tolist()
    assert frame["age_group"].dtype == raw["age_group"].dtype
    assert isinstance(frame.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(jh.validate_kind(raw, "sampled_survey"), frame)


def test_validate_without_strata_clusters_or_populations() -> None:
    raw = _raw().drop(columns=["stratum", "population"])
    frame = jh.validate_sampled_survey(raw)
    assert frame["stratum"].isna().all()
    assert frame["population"].isna().all()


def test_the_validated_frame_is_owned() -> None:
    raw = _raw(sex=np.array(["f", "f", "m", "m", "f", "f"], dtype=object))
    frame = jh.validate_sampled_survey(raw)
    frame.loc[0, "sex"] = "x"
    assert raw.loc[0, "sex"] == "f"


def test_missing_required_column() -> None:
    with pytest.raises(MissingColumnsError, match="weight"):
        jh.validate_sampled_survey(_raw().drop(columns="weight"))


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        (0, "greater than 0"),
        (-2.5, "greater than 0"),
        (np.nan, "missing"),
        (np.inf, "finite"),
        ("1,5", "expected a number"),
        ("abc", "expected a number"),
    ],
)
def test_bad_weights_are_refused(weight: Any, message: str) -> None:
    weights: list[Any] = [250.0, 250.0, 250.0, 250.0, weight, weight]
    problems = _problems(_raw(weight=weights))
    assert set(problems["row"]) == {6, 7}
    assert set(problems["column"]) == {"weight"}
    assert all(message in m for m in problems["message"])


def test_design_variables_vary_within_a_respondent() -> None:
    raw = _raw(
        weight=[250.0, 251.0, 250.0, 250.0, 100.0, 100.0],
        stratum=["north", "north", "north", "south", "south", "south"],
        sex=["female", "male", "male", "male", "female", "female"],
    )
    problems = _problems(raw)
    assert _at(problems, 3, "weight") == [
        "weight differs from the respondent's first row in this wave (row 2): a respondent's "
        "design and margin variables are the same on each of their rows in a wave"
    ]
    assert _at(problems, 3, "sex")
    assert "row 4" in _at(problems, 5, "stratum")[0]
    # Row 5 now counts to stratum south, whose population is another number.
    assert set(zip(problems["row"], problems["column"], strict=True)) == {
        (3, "weight"),
        (3, "sex"),
        (5, "stratum"),
        (6, "population"),
        (7, "population"),
    }


def test_a_respondent_may_change_between_waves() -> None:
    raw = _raw(
        wave=[2021, 2022, 2021, 2021, 2021, 2021],
        weight=[250.0, 300.0, 250.0, 250.0, 100.0, 100.0],
        item=["q1", "q1", "q1", "q2", "q1", "q2"],
    )
    assert len(jh.validate_sampled_survey(raw)) == 6


def test_strata_clusters_and_populations_for_all_or_none() -> None:
    raw = _raw(
        stratum=["north", "north", None, None, "south", "south"],
        cluster=["a", "a", "b", "b", None, None],
        population=[500, 500, 500, 500, None, None],
    )
    problems = _problems(raw)
    assert set(zip(problems["row"], problems["column"], strict=True)) == {
        (4, "stratum"),
        (5, "stratum"),
        (6, "cluster"),
        (7, "cluster"),
        (6, "population"),
        (7, "population"),
    }


def test_population_is_one_number_per_stratum_and_covers_its_sample() -> None:
    problems = _problems(_raw(population=[500, 500, 400, 400, 100, 100]))
    assert _at(problems, 4, "population")[0].startswith(
        "the stratum's population differs from row 2"
    )
    problems = _problems(_raw(population=[1, 1, 1, 1, 100, 100]))
    assert _at(problems, 2, "population") == [
        "the stratum's population (1) is smaller than the 2 respondents sampled from it in "
        "wave 2021: the population is the number of units the stratum's sample was drawn from"
    ]
    assert len(problems) == 1
    # Without strata the population is that of the whole sample (one stratum per wave).
    raw = _raw(population=[2] * 6).drop(columns="stratum")
    assert "smaller than the 3 respondents" in _at(_problems(raw), 2, "population")[0]
    assert len(jh.validate_sampled_survey(raw.assign(population=3))) == 6


def test_population_must_be_whole_and_positive() -> None:
    problems = _problems(_raw(population=[500, 500, 500, 500, 0, 0]))
    assert set(problems["row"]) == {6, 7}
    problems = _problems(_raw(population=[500.5] * 4 + [100, 100]))
    assert set(problems["column"]) == {"population"}


def test_repeated_rows_and_bad_answers() -> None:
    problems = _problems(
        _raw(item=["q1", "q1", "q1", "q2", "q1", "q2"], answer=[1, 2, 3, 4, 6, 1])
    )
    assert set(zip(problems["row"], problems["column"], strict=True)) == {
        (2, "respondent"),
        (3, "respondent"),
        (6, "answer"),
    }


def test_problems_name_rows_as_a_spreadsheet_shows_them() -> None:
    raw = _raw(weight=[250.0] * 5 + [0.0]).set_axis([10, 11, 12, 13, 14, 15])
    problems = _problems(raw)
    # The weight of 0 is refused once: not also as differing from the respondent's first row.
    assert problems["row"].tolist() == [7]
    assert problems["column"].tolist() == ["weight"]


def test_personal_numbers_never_appear_in_messages() -> None:
    raw = _raw(
        respondent=[PERSONAL_NUMBER] * 2 + ["P2", "P2", "P3", "P3"],
        weight=[250.0, 1.0, 250.0, 250.0, 100.0, 100.0],
        sex=[PERSONAL_NUMBER, "0101901234", "male", "male", "female", "female"],
        stratum=["north", "north", "north", "north", PERSONAL_NUMBER, PERSONAL_NUMBER],
    )
    with pytest.raises(SchemaError) as caught:
        jh.validate_sampled_survey(raw)
    text = str(caught.value)
    assert "1234" not in text
    assert "weight differs" in text
    for message in caught.value.problems["message"]:
        assert "1234" not in str(message)


def test_formula_characters_are_data() -> None:
    formula = "=cmd|'/c calc'!A0"
    raw = _raw(respondent=[formula] * 2 + ["P2", "P2", "+P3", "+P3"], sex=["@x"] * 6)
    frame = jh.validate_sampled_survey(raw)
    assert frame["respondent"].tolist()[0] == formula
    assert frame["sex"].tolist() == ["@x"] * 6


def test_from_a_canonical_frame_validation_is_the_identity() -> None:
    frame = jh.validate_sampled_survey(_raw())
    pd.testing.assert_frame_equal(jh.validate_sampled_survey(frame), frame)


# --------------------------------------------------------------------------------------------
# Properties


@given(order=st.permutations(range(6)))
@settings(max_examples=examples(30))
def test_row_order_only_reorders(order: list[int]) -> None:
    raw = _raw()
    expected = jh.validate_sampled_survey(raw).iloc[order].reset_index(drop=True)
    got = jh.validate_sampled_survey(raw.iloc[order])
    pd.testing.assert_frame_equal(got, expected)


@given(names=st.lists(st.text(min_size=1, max_size=8), min_size=3, max_size=3, unique=True))
def test_relabelling_respondents_changes_only_their_names(names: list[str]) -> None:
    if any(not n.strip() or n.strip().casefold() in {"na", "nan", "none", "null"} for n in names):
        return  # blank names are missing respondents
    rename = dict(zip(["P1", "P2", "P3"], names, strict=True))
    raw = _raw()
    relabelled = raw.assign(respondent=raw["respondent"].map(rename))
    got = jh.validate_sampled_survey(relabelled)
    expected = jh.validate_sampled_survey(raw)
    pd.testing.assert_frame_equal(
        got.drop(columns="respondent"), expected.drop(columns="respondent")
    )
    assert got["respondent"].tolist() == [rename[r] for r in expected["respondent"]]


@given(
    weights=st.lists(
        st.floats(min_value=1e-6, max_value=1e9, allow_nan=False), min_size=3, max_size=3
    ),
    position=st.integers(min_value=0, max_value=5),
)
def test_one_changed_weight_is_one_problem(weights: list[float], position: int) -> None:
    per_row = np.repeat(weights, 2)
    frame = jh.validate_sampled_survey(_raw(weight=per_row, stratum=["a"] * 6, population=3))
    assert frame["weight"].tolist() == per_row.tolist()
    changed = per_row.copy()
    changed[position] = -1.0
    problems = _problems(_raw(weight=changed, stratum=["a"] * 6, population=3))
    assert problems["row"].tolist() == [position + 2]


# --------------------------------------------------------------------------------------------
# Readers and writers

DANISH_FILE = (
    "respondent;år;spørgsmål;svar;vægt;strata;klynge;populationsstørrelse;køn;aldersgruppe;"
    "Uddannelse\n"
    "P1;2021;kender_ordninger;I høj grad;1,5;Nord;K1;3;kvinde;16-29;=cmd\n"
    "P1;2021;tilfreds;Ved ikke;1,5;Nord;K1;3;kvinde;16-29;=cmd\n"
    "P2;2021;kender_ordninger;2;1,5;Nord;K2;3;mand;50-64;\n"
)


def test_read_danish_csv() -> None:
    frame = jh.read_sampled_survey(io.StringIO(DANISH_FILE))
    assert list(frame.columns) == [
        *frames.SAMPLED_SURVEY_SCHEMA.names,
        "sex",
        "age_group",
        "Uddannelse",
    ]
    assert frame["weight"].tolist() == [1.5, 1.5, 1.5]
    assert frame["answer"].tolist() == [4, 9, 2]
    assert frame["cluster"].tolist() == ["K1", "K1", "K2"]
    assert frame["population"].tolist() == [3, 3, 3]
    assert frame["sex"].tolist() == ["kvinde", "kvinde", "mand"]
    assert frame["Uddannelse"].tolist() == ["=cmd", "=cmd", pd.NA]
    assert frame["sex"].dtype == "string"
    report = frame.attrs["jobhandicap_headers"]
    assert report["ignored"] == []
    assert report["read_as"]["aldersgruppe"] == "age_group"


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("stratum", "stratum"),
        ("Strata", "stratum"),
        ("populationsstorrelse", "population"),
        ("population", "population"),
        ("branche", "industry"),
        ("virksomhedsstørrelse", "size_band"),
        ("vægtning", "weight"),
    ],
)
def test_header_synonyms(header: str, column: str) -> None:
    text = (
        f"respondent;år;spørgsmål;svar;vaegt;{header}\n"
        "E1;2021;kender_ordninger;4;2;10\n"
        "E2;2021;kender_ordninger;4;2;10\n"
    )
    text = text.replace("vaegt;vægtning", "vægtning;stratum")
    frame = jh.read_sampled_survey(io.StringIO(text))
    assert column in frame.columns


def test_reader_names_the_file_rows_and_headers() -> None:
    text = DANISH_FILE.replace("P1;2021;tilfreds;Ved ikke;1,5", "P1;2021;tilfreds;Ved ikke;2,5")
    text = text.replace("P2;2021;kender_ordninger;2;1,5", "P2;2021;kender_ordninger;2;0")
    with pytest.raises(SchemaError) as caught:
        jh.read_sampled_survey(io.StringIO(text))
    problems = caught.value.problems
    assert set(zip(problems["row"], problems["header"], strict=True)) == {
        (3, "vægt"),
        (4, "vægt"),
    }


def test_reader_refuses_repeated_margin_headers() -> None:
    text = "respondent;år;spørgsmål;svar;vægt;x;x\nP1;2021;q;4;1;a;b\n"
    with pytest.raises(SchemaError, match="duplicate columns"):
        jh.read_sampled_survey(io.StringIO(text))


def test_reader_missing_weight_names_the_danish_header() -> None:
    text = "respondent;år;spørgsmål;svar\nP1;2021;q;4\n"
    with pytest.raises(MissingColumnsError, match="vægt"):
        jh.read_sampled_survey(io.StringIO(text))


@pytest.mark.parametrize("language", ["da", "en"])
def test_csv_round_trip(language: str) -> None:
    frame = jh.validate_sampled_survey(_raw(cluster=["a", "a", "b", "b", "c", "c"]))
    frame = frame.assign(sex=frame["sex"].astype("string"))
    buffer = io.StringIO()
    jh.write_csv(frame, "sampled_survey", buffer, language=language)  # type: ignore[arg-type]
    if language == "da":
        assert (
            buffer.getvalue()
            .splitlines()[0]
            .endswith("vægt;stratum;klynge;populationsstørrelse;køn")
        )
    got = jh.read_sampled_survey(io.StringIO(buffer.getvalue()))
    pd.testing.assert_frame_equal(got, frame, check_exact=True)


def test_excel_and_parquet_round_trip() -> None:
    pytest.importorskip("openpyxl")
    pytest.importorskip("pyarrow")
    frame = jh.load_example().employers.head(60)
    buffer = io.BytesIO()
    jh.write_excel(frame, "sampled_survey", buffer)
    got = jh.read_sampled_survey(io.BytesIO(buffer.getvalue()))
    pd.testing.assert_frame_equal(got, frame)
    parquet = io.BytesIO()
    frame.to_parquet(parquet, index=False)
    got = jh.read_sampled_survey(io.BytesIO(parquet.getvalue()), format="parquet")
    pd.testing.assert_frame_equal(got, frame)


def test_accepted_headers_list_the_kind() -> None:
    table = jh.io.accepted_headers("sampled_survey")
    danish = dict(zip(table["column"], table["danish"], strict=True))
    assert danish["weight"] == "vægt"
    assert danish["cluster"] == "klynge"
    assert danish["population"] == "populationsstørrelse"
    assert danish["sex"] == "køn"
    assert danish["age_group"] == "aldersgruppe"
    assert danish["industry"] == "branche"
    assert danish["size_band"] == "virksomhedsstørrelse"


# --------------------------------------------------------------------------------------------
# Command line


def test_cli_validates_a_sampled_survey(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "borgere.csv"
    path.write_text(DANISH_FILE, encoding="utf-8-sig")
    assert cli.main(["validate", "sampled_survey", str(path)]) == 0
    assert "3 valid sampled_survey rows" in capsys.readouterr().out
    path.write_text(DANISH_FILE.replace("1,5;Nord;K2", "-1;Nord;K2"), encoding="utf-8-sig")
    assert cli.main(["validate", "sampled_survey", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s)" in out
    assert "greater than 0" in out
