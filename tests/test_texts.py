"""Tests for the bilingual texts of the report and the figures (``data/texts.csv``)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from jobhandicap import _packaged, _texts, plots
from jobhandicap.report import _text as report_text
from jobhandicap.strategy import DEFAULT_SPEC

SOURCE = Path(_texts.__file__).parent
#: A call of a text function with a literal key: text("key", …), ctx.text('key', …), _text(…),
#: figure_text(…).
CALL = re.compile(r"""\b(?:_|figure_)?text\(\s*(f?)(["'])(.+?)\2""")


def _code() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(SOURCE.rglob("*.py")))


def _fields(template: str) -> list[str]:
    """The replacement fields of a format string, in order (``""`` for a positional one)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def test_every_text_is_in_both_languages_with_the_same_fields() -> None:
    assert len(_texts.TEXTS) > 200
    for key, (english, danish) in _texts.TEXTS.items():
        assert english.strip(), key
        assert danish.strip(), key
        assert sorted(_fields(english)) == sorted(_fields(danish)), key


def test_table_is_utf8_and_keeps_danish_letters() -> None:
    raw = _packaged.data_file("texts.csv").read_bytes()
    decoded = raw.decode("utf-8")
    assert {"æ", "ø", "å"} <= set(decoded)
    assert _texts.text("title", "da") == "Indikatorer for beskæftigelse af personer med handicap"
    assert _texts.text("fig:funnel_title", "da") == "Tragtdiagram"


def test_every_key_the_code_uses_exists() -> None:
    literal, prefixes = set(), set()
    for match in CALL.finditer(_code()):
        if match.group(1):  # an f-string: its fixed start must begin some key
            prefixes.add(match.group(3).split("{", 1)[0])
        else:
            literal.add(match.group(3))
    assert {"title", "fig:limits", "col:scheme", "val:missing"} <= literal
    assert sorted(literal - set(_texts.TEXTS)) == []
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in _texts.TEXTS), prefix


def _is_used(key: str, code: str, instruments: str) -> bool:
    """Whether the code (or the instruments' data) names what ``key`` is the text of."""
    name = key.split(":")[-1]
    if f'"{name}"' in code or f"'{name}'" in code or f"{name}=" in code:
        return True
    if key.startswith("val:scale:"):  # scale names are data
        return f",{name}," in instruments
    if key in ("val:True", "val:False"):  # yes/no cells
        return True
    if re.fullmatch(r"val:group:(not )?top \d", key):  # top_box_difference's groups
        return '"top {boxes}"' in code and '"not top {boxes}"' in code
    # Columns named by a rule: a contribution per strategy indicator, limits per funnel level.
    contribution = re.fullmatch(r"col:contribution_(\w+)", key)
    if contribution:
        return contribution.group(1) in {i.column for i in DEFAULT_SPEC.indicators}
    return re.fullmatch(r"col:(flag|low|high)_(95|99_8)", key) is not None


def test_no_text_is_unused() -> None:
    code = _code()
    instruments = _packaged.read_text("instruments.csv")
    unused = [key for key in _texts.TEXTS if not _is_used(key, code, instruments)]
    assert unused == []


def test_text_fills_positional_and_named_fields() -> None:
    assert _texts.text("fig:outside", "en", "99.8%") == "Outside the 99.8% limits"
    assert _texts.text("ci", "da", low="1", high="2") == "95 %-KI 1 til 2"
    with pytest.raises(KeyError):
        _texts.text("no such key", "en")


def test_labels_by_prefix() -> None:
    danish = _texts.labels("col", "da")
    assert danish["target_group"] == "Målgruppe"
    assert set(_texts.labels("kind", "en")) == {
        "cases",
        "survey",
        "staff",
        "profiles",
        "population",
        "outcomes",
        "people",
        "citizens",
        "employers",
    }


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        _texts.TEXTS["title"] = ("a", "b")  # type: ignore[index]
    with pytest.raises(TypeError):
        plots.TEXTS["wave"] = ("a", "b")  # type: ignore[index]


def test_figures_and_tables_share_their_texts() -> None:
    """The public plots.TEXTS and the report read one table: one wording per concept."""
    assert report_text.TEXTS is _texts.TEXTS
    assert plots.TEXTS["wave"] == _texts.TEXTS["col:wave"]
    assert plots.TEXTS["limits"] == ("{} limits", "{}-grænser")
    # Columns the report's tables had no header for now have the figures' one.
    for column in ("target_group", "municipality", "region", "decision"):
        assert report_text.column_label(column, "da") == plots.TEXTS[column][1]
    assert report_text.column_label("nominal_rank", "en") == plots.TEXTS["nominal_rank"][0]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_values_are_labelled_alike_in_tables_and_figures(lang: _texts.Lang) -> None:
    from jobhandicap.plots import _common

    for column, value in (
        ("scheme", "aids"),
        ("strategy", "reactive"),
        ("group", "proactive"),
        ("region", "zealand"),
        ("item", "political_focus"),
        ("item", "belief_4"),
    ):
        assert report_text.value_label(column, value, lang) == _common.value_label(
            column, value, lang
        ), (column, value)
    assert _common.value_label("item", "my_item", lang) == "my item"
