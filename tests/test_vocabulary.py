"""The vocabulary of real exports: headers, labels, units, transliteration, the user's mapping.

Issue #13: a case export of a compensation-scheme case system (``;``, Danish) with headers and
labels the library did not know. Every test reads a few rows only.
"""

from __future__ import annotations

import csv
import io
import pickle
import re
import warnings
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

import jobhandicap as jh
from jobhandicap import io as jio
from jobhandicap.cli import build_parser, main
from jobhandicap.cli._options import add_mapping_options, mapping_options
from jobhandicap.errors import (
    DataQualityWarning,
    MissingColumnsError,
    SchemaError,
)

EXPORT = """\
Sagsnr;Kommunenavn;Ydelse;Målgruppe;Modtaget;Afgjort;Status;Beløb (kr.)
A1;København;Personlig assistance;Ledig;01-02-2023;15-03-2023;Bevilget;125.000,00
A2;København;Hjælpemidler;Selvstændig;01-02-2023;;Under behandling;
A3;Aarhus;Hjælpemidler;Sygedagpenge;01-02-2023;10-02-2023;Afslag;0,00
A4;Aarhus;Hjælpemidler;Sygedagpenge;01-02-2023;10-02-2023;Delvis bevilget;10.000,00
A5;Aarhus;Hjælpemidler;Sygedagpenge;01-02-2023;10-02-2023;Bortfaldet;
"""
LEDIG = {"target_group": {"Ledig": "insured unemployment benefit"}}
DOCS = Path(__file__).resolve().parents[1] / "docs" / "input-formats.md"


def _read(text: str, **options: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        return jio.read_cases(io.StringIO(text), **options)  # type: ignore[arg-type]


def _check_export(cases: pd.DataFrame) -> None:
    rows = cases.set_index("case_id")
    assert rows.loc["A1", "municipality"] == 101
    assert rows.loc["A1", "scheme"] == "personal assistance"
    assert rows.loc["A1", "target_group"] == "insured unemployment benefit"
    assert rows.loc["A1", "decision"] == "granted"
    assert rows.loc["A1", "amount_dkk"] == 125_000.0
    assert pd.isna(cast(Any, rows.loc["A2", "decision"]))
    assert pd.isna(cast(Any, rows.loc["A2", "decided"]))
    assert rows.loc["A2", "target_group"] == "employed"
    assert rows.loc["A3", "decision"] == "refused"
    assert np.isnan(float(cast(Any, rows.loc["A3", "amount_dkk"])))
    assert rows.loc["A4", "decision"] == "granted"
    assert rows.loc["A4", "decision_detail"] == "partial"
    assert rows.loc["A4", "amount_dkk"] == 10_000.0
    assert rows.loc["A5", "decision"] == "withdrawn"
    assert rows.loc["A5", "decision_detail"] == "lapsed"
    assert rows["decision_detail"].isna().tolist() == [True, True, True, False, False]
    assert rows.loc["A4", "applied"] == pd.Timestamp("2023-02-01")
    assert rows.loc["A1", "decided"] == pd.Timestamp("2023-03-15")


# --------------------------------------------------------------------------------------------
# The export of the issue
# --------------------------------------------------------------------------------------------


def test_export_refuses_the_ambiguous_target_group_naming_the_choices() -> None:
    with pytest.raises(SchemaError) as caught:
        _read(EXPORT)
    problems = caught.value.problems
    assert len(problems) == 1
    row = problems.iloc[0]
    assert (row["row"], row["column"], row["value"]) == (2, "target_group", "Ledig")
    for choice in ("a-dagpenge", "ledighedsydelse", "kontanthjælp", "labels="):
        assert choice in row["message"]


def test_export_reads_with_the_target_group_mapped() -> None:
    _check_export(_read(EXPORT, labels=LEDIG))


def test_export_as_a_workbook() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    lines = list(csv.reader(io.StringIO(EXPORT), delimiter=";"))
    sheet.append(lines[0])
    for line in lines[1:]:
        amount = line[-1].replace(".", "").replace(",", ".")
        sheet.append([*line[:-1], float(amount) if amount else None])
    buffer = io.BytesIO()
    book.save(buffer)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        cases = jio.read_cases(io.BytesIO(buffer.getvalue()), labels=LEDIG)
    _check_export(cases)


def test_export_header_report() -> None:
    cases = _read(EXPORT, labels=LEDIG)
    report = cases.attrs["jobhandicap_headers"]
    assert report["read_as"] == {
        "Sagsnr": "case_id",
        "Kommunenavn": "municipality",
        "Ydelse": "scheme",
        "Målgruppe": "target_group",
        "Modtaget": "applied",
        "Afgjort": "decided",
        "Status": "decision",
        "Beløb (kr.)": "amount_dkk",
    }
    assert report["ignored"] == []
    assert report["absent"] == {}


def test_ansoegt_is_the_application_date() -> None:
    cases = _read(EXPORT.replace("Modtaget", "Ansøgt"), labels=LEDIG)
    assert cases.attrs["jobhandicap_headers"]["read_as"]["Ansøgt"] == "applied"


def test_decision_detail_round_trips_through_the_writers() -> None:
    cases = _read(EXPORT, labels=LEDIG)
    buffer = io.StringIO()
    jio.write_csv(cases, "cases", buffer)
    assert "afgørelsesdetalje" in buffer.getvalue().splitlines()[0]
    assert "delvis bevilget" in buffer.getvalue()
    back = _read(buffer.getvalue())
    pd.testing.assert_frame_equal(back, cases)
    english = io.StringIO()
    jio.write_csv(cases, "cases", english, language="en")
    pd.testing.assert_frame_equal(_read(english.getvalue()), cases)


def test_writer_leaves_out_an_empty_decision_detail() -> None:
    cases = _read(EXPORT, labels=LEDIG).iloc[:3]
    buffer = io.StringIO()
    jio.write_csv(cases, "cases", buffer)
    assert "afgørelsesdetalje" not in buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------

HEAD = "sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato;afgørelsesdato;afgørelse;beløb\n"


@pytest.mark.parametrize(
    "status", ["Under behandling", "Verserende", "Afventer", "Afventer afgørelse", "Ikke afgjort"]
)
def test_open_statuses_are_open_cases(status: str) -> None:
    cases = _read(HEAD + f"X1;101;aids;fleksjob;01-02-2023;;{status};\n")
    assert pd.isna(cases["decision"].iloc[0])


def test_open_status_with_a_decision_date_is_a_problem() -> None:
    text = (
        HEAD
        + "X1;101;aids;fleksjob;01-02-2023;;Åben;\n"
        + "X2;101;aids;fleksjob;01-02-2023;03-02-2023;Verserende;\n"
    )
    with pytest.raises(SchemaError) as caught:
        _read(text)
    problems = caught.value.problems
    assert problems[["row", "column", "value"]].values.tolist() == [[3, "decision", "Verserende"]]
    assert "open" in problems["message"].iloc[0]
    assert "2023-02-03" in problems["message"].iloc[0]


@pytest.mark.parametrize("decision", ["Afslag", "Bortfaldet", ""])
def test_zero_amount_of_a_case_not_granted_is_no_amount(decision: str) -> None:
    decided = "03-02-2023" if decision else ""
    for zero in ("0", "0,00"):
        cases = _read(HEAD + f"X1;101;aids;fleksjob;01-02-2023;{decided};{decision};{zero}\n")
        assert np.isnan(cases["amount_dkk"].iloc[0])


def test_nonzero_amount_of_a_refused_case_stays_a_problem() -> None:
    with pytest.raises(SchemaError) as caught:
        _read(HEAD + "X1;101;aids;fleksjob;01-02-2023;03-02-2023;Afslag;0,50\n")
    assert caught.value.problems["column"].tolist() == ["amount_dkk"]


def test_zero_amount_of_a_granted_case_stays_zero() -> None:
    cases = _read(HEAD + "X1;101;aids;fleksjob;01-02-2023;03-02-2023;Bevilget;0\n")
    assert cases["amount_dkk"].iloc[0] == 0.0


@pytest.mark.parametrize("label", ["Selvstændig", "Selvstændig erhvervsdrivende"])
def test_self_employed_are_employed(label: str) -> None:
    cases = _read(HEAD + f"X1;101;aids;{label};01-02-2023;;;\n")
    assert cases["target_group"].iloc[0] == "employed"


def test_decision_detail_contradicting_the_decision_is_a_problem() -> None:
    text = (
        "sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato;afgørelsesdato;afgørelse;"
        "afgørelsesdetalje\nX1;101;aids;fleksjob;01-02-2023;03-02-2023;Afslag;delvis bevilget\n"
    )
    with pytest.raises(SchemaError) as caught:
        _read(text)
    problems = caught.value.problems
    assert problems[["row", "column"]].values.tolist() == [[2, "decision_detail"]]
    assert "granted" in problems["message"].iloc[0]


def test_scheme_column_holding_target_groups_says_so() -> None:
    text = EXPORT.replace("Personlig assistance", "Sygedagpenge")
    with pytest.raises(SchemaError) as caught:
        _read(text, labels=LEDIG)
    message = str(caught.value.problems.set_index("column").loc["scheme", "message"])
    assert "is a target group" in message
    assert "target_group" in message


def test_case_model_keeps_the_detail() -> None:
    case = jh.Case(
        case_id="X",
        municipality=101,
        scheme="aids",
        target_group="fleksjob",
        applied="2023-02-01",
        decided="2023-02-03",
        decision="Delvis bevilget",
        decision_detail="delvis bevilget",
    )
    assert case.decision is jh.Decision.GRANTED
    assert case.decision_detail == "partial"
    frame = jh.to_frame([case])
    assert frame["decision_detail"].iloc[0] == "partial"
    assert jh.from_frame(frame, jh.Case) == [case]
    with pytest.raises(SchemaError):
        jh.Case(
            case_id="X",
            municipality=101,
            scheme="aids",
            target_group="fleksjob",
            applied="2023-02-01",
            decided="2023-02-03",
            decision="refused",
            decision_detail="partial",
        )


# --------------------------------------------------------------------------------------------
# Headers: units, transliteration, missing columns
# --------------------------------------------------------------------------------------------

ROW = "X1;101;aids;fleksjob;01-02-2023;03-02-2023;bevilget;1.234,50\n"


def _with_amount_header(header: str) -> str:
    return HEAD.replace("beløb", header) + ROW


@pytest.mark.parametrize("header", ["Beløb (kr.)", "Beløb (kr)", "Beløb (DKK)", "Beløb, kr."])
def test_amount_headers_in_kroner_are_read(header: str) -> None:
    cases = _read(_with_amount_header(header))
    assert cases["amount_dkk"].iloc[0] == 1234.5


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Beløb (1.000 kr.)", "1.000 kr."),
        ("Beløb (t.kr.)", "t.kr."),
        ("Beløb (mio. kr.)", "mio. kr."),
        ("Beløb (EUR)", "EUR"),
        ("Amount, EUR", "EUR"),
    ],
)
def test_amount_headers_in_another_unit_are_refused(header: str, unit: str) -> None:
    with pytest.raises(SchemaError) as caught:
        _read(_with_amount_header(header))
    problems = caught.value.problems
    assert problems[["row", "column", "value"]].values.tolist() == [[1, header, header]]
    message = problems["message"].iloc[0]
    assert repr(unit) in message
    assert "kroner" in message
    assert "Beløb (kr.)" in message


def test_an_amount_header_the_user_maps_whole_is_theirs_to_vouch_for() -> None:
    header = "Beløb (kroner i alt)"
    with pytest.raises(SchemaError, match=r"headers=\{'Beløb \(kroner i alt\)': 'amount_dkk'\}"):
        _read(_with_amount_header(header))
    cases = _read(_with_amount_header(header), headers={header: "amount_dkk"})
    assert cases["amount_dkk"].iloc[0] == 1234.5
    # Mapping only the word before the unit does not vouch for the unit.
    with pytest.raises(SchemaError, match=r"1\.000 kr\."):
        _read(_with_amount_header("Beløb (1.000 kr.)"), headers={"Beløb": "amount_dkk"})


def test_headers_typed_without_danish_letters() -> None:
    text = (
        "sagsnr;kommunekode;ordning;maalgruppe;ansoegningsdato;afgoerelsesdato;afgoerelse;"
        "beloeb\n" + ROW
    )
    cases = _read(text)
    assert cases["amount_dkk"].iloc[0] == 1234.5
    assert cases["decision"].iloc[0] == "granted"
    report = cases.attrs["jobhandicap_headers"]
    assert report["transliterated"] == {
        "maalgruppe": "målgruppe",
        "ansoegningsdato": "ansøgningsdato",
        "afgoerelsesdato": "afgørelsesdato",
        "afgoerelse": "afgørelse",
        "beloeb": "beløb",
    }


def test_near_misses_are_suggested_not_read() -> None:
    text = HEAD.replace("målgruppe", "malgruppe").replace("ansøgningsdato", "ansogningsdato")
    with pytest.raises(MissingColumnsError) as caught:
        _read(text + ROW)
    error = caught.value
    assert set(error.missing) == {"target_group", "applied"}
    message = str(error)
    assert "did you mean 'målgruppe' for 'malgruppe'" in message
    assert "did you mean 'ansøgningsdato' for 'ansogningsdato'" in message


def test_missing_columns_name_their_danish_headers_all_at_once() -> None:
    text = "Sagsnr;Målgruppe;Afgjort\nX1;fleksjob;03-02-2023\n"
    with pytest.raises(MissingColumnsError) as caught:
        _read(text)
    error = caught.value
    assert error.missing == ("municipality", "scheme", "applied")
    message = str(error)
    assert re.search(r"'applied' \(accepted headers: ansøgningsdato, ansøgt, modtaget", message)
    assert "kommunenavn" in message
    assert "ydelse" in message
    assert pickle.loads(pickle.dumps(error)).hints == error.hints


def test_ignored_headers_and_absent_columns_are_reported() -> None:
    text = (
        "Sagsnr;Kommune;Ordning;Målgruppe;Ansøgt;Sagsbehandler\n"
        "X1;101;aids;fleksjob;01-02-2023;Anna\n"
    )
    with pytest.warns(DataQualityWarning, match="'Sagsbehandler'") as caught:
        cases = jio.read_cases(io.StringIO(text))
    assert len(caught) == 1
    assert "Anna" not in str(caught[0].message)
    report = cases.attrs["jobhandicap_headers"]
    assert report["ignored"] == ["Sagsbehandler"]
    assert report["absent"]["amount_dkk"] == "expenditure cannot be computed"
    assert set(report["absent"]) == {"decided", "decision", "amount_dkk"}


def test_wide_survey_reports_no_item_as_ignored() -> None:
    text = (
        "Jobcenter;År;Politisk fokus;Nye strategier\nJobcenter Aarhus;2018;I høj grad;Ved ikke\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        survey = jio.read_survey(io.StringIO(text), items={"politisk fokus": "political_focus"})
    assert survey.attrs["jobhandicap_headers"]["ignored"] == ["Nye strategier"]


# --------------------------------------------------------------------------------------------
# The user's mapping
# --------------------------------------------------------------------------------------------


def test_user_header_wins_over_the_packaged_alias() -> None:
    text = "Sagsnr;Kommune;Ordning;Ydelse;Ansøgt\nX1;101;hjælpemidler;Sygedagpenge;01-02-2023\n"
    cases = _read(text, headers={"YDELSE": "målgruppe"})
    assert cases["target_group"].iloc[0] == "sickness benefit"
    assert cases.attrs["jobhandicap_headers"]["mapped"] == {"Ydelse": "target_group"}


def test_user_header_to_an_unknown_column_is_refused() -> None:
    with pytest.raises(SchemaError) as caught:
        _read(EXPORT, headers={"Ydelse": "ordnig"}, labels=LEDIG)
    message = str(caught.value)
    assert "'ordnig'" in message
    assert "target_group" in message
    assert "did you mean" in message


def test_user_header_to_a_column_of_another_kind_is_skipped() -> None:
    _check_export(_read(EXPORT, headers={"Spørgsmålstekst": "item"}, labels=LEDIG))


def test_user_labels_win_and_match_like_packaged_ones() -> None:
    text = HEAD + "X1;101;aids;Bevilget;01-02-2023;;;\n"
    # A packaged decision label used as a target group: the user's mapping decides.
    cases = _read(text, labels={"target_group": {" bevil-get ": "fleksjob"}})
    assert cases["target_group"].iloc[0] == "flex-job"


def test_user_label_can_name_an_open_status() -> None:
    text = HEAD + "X1;101;aids;fleksjob;01-02-2023;;I gang;\n"
    cases = _read(text, labels={"decision": {"i gang": "under behandling"}})
    assert pd.isna(cases["decision"].iloc[0])


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"target_group": {"Ledig": "unemployed"}}, "a-dagpenge"),
        ({"målgruppe": {"Ledig": "a-dagpenge"}}, "target_group"),
        ({"applied": {"i går": "2023-01-01"}}, "scheme"),
    ],
)
def test_bad_label_mappings_list_what_is_accepted(
    labels: dict[str, dict[str, str]], expected: str
) -> None:
    with pytest.raises(SchemaError) as caught:
        _read(EXPORT, labels=labels)
    assert expected in str(caught.value)


def test_mapping_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        _read(EXPORT, headers=["Ydelse"])
    with pytest.raises(TypeError):
        _read(EXPORT, labels={"target_group": "a-dagpenge"})


def test_read_mapping(tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    path.write_bytes(
        "column,local,means\r\nheader,Bevillingsdato,afgørelsesdato\r\n"
        "target_group,Ledig,a-dagpenge\r\n,,\r\ntarget_group,Selvstændig,beskæftiget\r\n".encode(
            "cp1252"
        )
    )
    headers, labels = jio.read_mapping(path)
    assert headers == {"Bevillingsdato": "afgørelsesdato"}
    assert labels == {"target_group": {"Ledig": "a-dagpenge", "Selvstændig": "beskæftiget"}}
    _check_export(_read(EXPORT, headers=headers, labels=labels))


def test_read_mapping_problems_name_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    path.write_text(
        "column;local;means\nheader;Ydelse;ordning\nmålgruppe;Ledig;a-dagpenge\n"
        "header;Ydelse;målgruppe\nheader;;scheme\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError) as caught:
        jio.read_mapping(path)
    assert caught.value.problems["row"].tolist() == [3, 4, 5]
    path.write_text("kolumne;local\nheader;x\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="'column', 'means'"):
        jio.read_mapping(path)


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_cli_mapping_options(tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    path.write_text("column,local,means\nheader,Note,jobcenter\nscheme,PA,aids\n", "utf-8")
    import argparse

    parser = argparse.ArgumentParser()
    add_mapping_options(parser)
    args = parser.parse_args(
        [
            "--mapping",
            str(path),
            "--label",
            "scheme:PA=personlig assistance",
            "--label",
            "target_group:Ledig=a-dagpenge",
            "--header",
            "X=sagsnr",
        ]
    )
    assert mapping_options(args) == {
        "headers": {"Note": "jobcenter", "X": "sagsnr"},
        "labels": {
            "scheme": {"PA": "personlig assistance"},
            "target_group": {"Ledig": "a-dagpenge"},
        },
    }
    assert mapping_options(parser.parse_args([])) == {"headers": None, "labels": None}
    with pytest.raises(SystemExit):
        parser.parse_args(["--label", "target_group=Ledig"])


def test_cli_validate_with_a_label_and_the_header_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sager.csv"
    path.write_text(
        EXPORT.replace("Beløb (kr.)", "Sagsbehandler")
        .replace("125.000,00", "Anna")
        .replace("Målgruppe", "maalgruppe"),
        encoding="utf-8",
    )
    assert main(["validate", "cases", str(path)]) == 1
    assert "ledighedsydelse" in capsys.readouterr().out
    status = main(["validate", "cases", str(path), "--label", "target_group:Ledig=a-dagpenge"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "5 valid cases rows" in out
    assert "'Sagsbehandler'" in out
    assert "Anna" not in out
    assert "read header 'maalgruppe' as 'målgruppe'" in out
    assert "expenditure cannot be computed" in out


def test_cli_validate_has_the_mapping_options() -> None:
    args = build_parser().parse_args(
        ["validate", "cases", "x.csv", "--header", "Ydelse=målgruppe"]
    )
    assert mapping_options(args)["headers"] == {"Ydelse": "målgruppe"}


# --------------------------------------------------------------------------------------------
# The documentation lists the vocabulary
# --------------------------------------------------------------------------------------------


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("jobhandicap").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_docs_list_every_header_and_label() -> None:
    docs = " ".join(DOCS.read_text("utf-8").split())
    for row in _data_rows("header_aliases.csv"):
        assert row["header"] in docs, row
    listed = {"scheme", "target_group", "decision", "decision_detail", "open_status", "likert"}
    for row in _data_rows("labels.csv"):
        if row["kind"] in listed:
            assert row["label"] in docs, row
    for row in _data_rows("ambiguous_labels.csv"):
        assert row["label"] in docs.lower(), row


def test_cli_validate_checks_a_mapped_column_for_personal_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("Navn;Politisk fokus\n010203-1234;I høj grad\n", encoding="utf-8")
    status = main(
        ["validate", "survey", str(path), "--wave", "2018", "--header", "Navn=respondent"]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert "010203-1234" not in captured.out + captured.err
    assert "Navn" in captured.err


def test_mappings_that_differ_only_in_case_are_refused_not_last_wins() -> None:
    with pytest.raises(SchemaError, match="mapped to both"):
        _read(EXPORT, headers={"Mgrp": "decision", "MGRP": "target_group"})
    labels = {"target_group": {"Ledig": "a-dagpenge", "ledig": "social assistance"}}
    with pytest.raises(SchemaError, match="mapped to both"):
        _read(EXPORT, labels=labels)
