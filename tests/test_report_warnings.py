"""Notes of the report: warnings of an analysis become fixed notes, never their own text; a
table that cannot be computed says why instead of publishing zeros."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from jobhandicap.errors import DataQualityWarning, SmallSampleWarning
from jobhandicap.report._context import Section, _Attempt
from jobhandicap.report._text import text

TIMESTAMP = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


class _Ctx:
    lang = "en"

    def t(self, key: str, **fields: object) -> str:
        return text(key, "en", **fields)

    def progress(self, message: str) -> None:
        pass


@pytest.mark.parametrize(
    ("category", "key"),
    [(SmallSampleWarning, "warning_small_sample"), (DataQualityWarning, "warning_data_quality")],
)
def test_library_warning_becomes_a_fixed_note(category: type[Warning], key: str) -> None:
    section = Section(id="s", title="S")
    with _Attempt(_Ctx(), section, "a table"):  # type: ignore[arg-type]
        warnings.warn("only 3 of 4 respondents in Samsø paired", category, stacklevel=1)
        warnings.warn("only 2 of 4 respondents in Læsø paired", category, stacklevel=1)
    assert section.notes == [text(key, "en")]
    assert not any("Samsø" in note or "3" in note for note in section.notes)


def test_other_warnings_leave_no_note() -> None:
    section = Section(id="s", title="S")
    with _Attempt(_Ctx(), section, "a table"):  # type: ignore[arg-type]
        warnings.warn("divide by zero", RuntimeWarning, stacklevel=1)
    assert section.notes == []


@pytest.mark.slow
def test_cases_without_amounts_publish_no_expenditure_but_say_why(tmp_path: Path) -> None:
    import jobhandicap as jh

    path = tmp_path / "sager.csv"
    # The amount under a header the readers do not know: read as no amount column.
    path.write_text(
        "Sagsnr;Kommune;Ordning;Målgruppe;Ansøgningsdato;Afgørelsesdato;Afgørelse;"
        "Bevilget beløb i kr\n"
        + "".join(
            f"A{i};København;Hjælpemidler;Fleksjob;01-02-2023;15-03-2023;Bevilget;1.000,00\n"
            for i in range(12)
        ),
        encoding="utf-8",
    )
    with pytest.warns(jh.DataQualityWarning, match="Bevilget beløb i kr"):
        result = jh.build_report(
            {"cases": path, "extracted": "2023-03-31"}, tmp_path / "rep", timestamp=TIMESTAMP
        )
    tables = {p.name for p in (tmp_path / "rep" / "tables").iterdir()}
    assert "expenditure_shares.csv" not in tables
    assert "scheme_usage.csv" in tables
    page = (tmp_path / "rep" / "index.html").read_text("utf-8")
    assert "no granted application has an amount" in page
    assert result.path.name == "index.html"
