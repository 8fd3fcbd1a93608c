"""Warnings raised by an analysis of the report become fixed notes, never their own text."""

from __future__ import annotations

import warnings

import pytest

from jobhandicap._report_context import Section, _Attempt
from jobhandicap._report_text import text
from jobhandicap.errors import DataQualityWarning, SmallSampleWarning


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
