"""Vectorised readers of raw cells (private; used by :mod:`jobhandicap.frames`).

Each reader takes one raw column (any dtype: numbers, text, dates, categoricals, mixed objects)
and its :class:`~jobhandicap.frames._schema.ColumnSpec` and returns a
:class:`~jobhandicap.frames._cells.Parsed` column: the values in a working dtype, a ``missing``
mask and an ``invalid`` mask, with one message per invalid cell recorded in a
:class:`~jobhandicap.frames._cells.Problems` collector. Text, dates and labels are parsed on the
column's *unique* values (``pandas.factorize``) and mapped back by their codes, so the Python work
grows with the number of distinct values, not of rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import _labels, reference
from jobhandicap.domain import Likert
from jobhandicap.errors import UnknownLabelError
from jobhandicap.frames import _vocabulary
from jobhandicap.frames._arrow import blank_texts, spelling_positions
from jobhandicap.frames._cells import (
    DATE_FORMATS,
    DATE_PATTERNS,
    DATE_RANGE,
    FALSE_WORDS,
    FIRST_DAY,
    FIRST_YEAR,
    INT64_LIMIT,
    LAST_DAY,
    LAST_YEAR,
    MISSING_WORDS,
    STRING,
    TRUE_WORDS,
    Parsed,
    Problems,
    by_code,
    check_range,
    expand,
    factorize,
    int_array,
    is_text_missing,
    read_numbers,
    report,
    unique_messages,
)
from jobhandicap.frames._dates import plain_dates, serial_date_hint
from jobhandicap.frames._schema import ColumnSpec

__all__ = ["absent_column", "parse_column"]


# --------------------------------------------------------------------------------------------
# Readers by kind
# --------------------------------------------------------------------------------------------


def _parse_text(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    dtype = raw.dtype
    n = len(raw)
    if isinstance(dtype, pd.StringDtype) or (
        pd.api.types.is_object_dtype(dtype)
        and pd.api.types.infer_dtype(raw.to_numpy(), skipna=True) in ("string", "empty")
    ):
        text = raw.astype(STRING)
        found = blank_texts(text.array)  # Arrow text, straight from Arrow
        if found is None:
            blank = ((text == "") | text.str.isspace()).to_numpy(dtype=bool, na_value=False)
            missing = text.isna().to_numpy(bool) | blank
        else:
            missing, blank = found
        values = text.array if not blank.any() else text.mask(blank).array
        return Parsed(values, missing, np.zeros(n, dtype=bool))
    codes, uniques = factorize(raw)
    texts: list[str | None] = []
    bad: list[bool] = []
    for u in uniques.tolist():
        if isinstance(u, str):
            texts.append(None if not u.strip() else u)
            bad.append(False)
        elif isinstance(u, int | np.integer) and not isinstance(u, bool | np.bool_):
            texts.append(str(int(u)))
            bad.append(False)
        elif isinstance(u, float | np.floating) and np.isfinite(u):
            texts.append(str(int(u)) if float(u).is_integer() else str(float(u)))
            bad.append(False)
        else:
            texts.append(None)
            bad.append(True)
    unique_values = pd.array(texts, dtype=STRING)
    unique_invalid = np.asarray(bad, dtype=bool)
    unique_missing = np.asarray([t is None for t in texts], dtype=bool) & ~unique_invalid
    missing, invalid = expand(codes, unique_missing, unique_invalid)
    report(problems, raw, spec, invalid, "expected text")
    values = unique_values.take(np.where(missing | invalid, -1, codes), allow_fill=True)
    return Parsed(values, missing, invalid)


def _parse_integer(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    values, missing, invalid = read_numbers(raw, spec, problems, "a whole number")
    if values.dtype.kind == "f":
        present = ~missing & ~invalid
        fraction = present & ((np.mod(values, 1) != 0) | (np.abs(values) >= INT64_LIMIT))
        report(problems, raw, spec, fraction, "expected a whole number")
        invalid = invalid | fraction
    outside = check_range(values, ~missing & ~invalid, raw, spec, problems, "a whole number")
    invalid = invalid | outside
    return Parsed(int_array(values, missing | invalid), missing, invalid)


def _parse_number(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    values, missing, invalid = read_numbers(raw, spec, problems, "a number")
    if values.dtype.kind != "f":
        # Nullable integers (Int64, int64[pyarrow]) come with 0 in their missing cells.
        values = np.where(missing, np.nan, values.astype(np.float64))
    outside = check_range(values, ~missing & ~invalid, raw, spec, problems, "a number")
    invalid = invalid | outside
    if not invalid.any():
        # A fresh array of the column's own (read_numbers may return a view of the input).
        return Parsed(values if values.flags.owndata else values.copy(), missing, invalid)
    return Parsed(np.where(invalid, np.nan, values), missing, invalid)


def _parse_boolean(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    n = len(raw)
    if pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype("boolean").array
        return Parsed(values, np.asarray(values.isna(), dtype=bool), np.zeros(n, dtype=bool))
    codes, uniques = factorize(raw)
    flags: list[bool | None] = []
    for u in uniques.tolist():
        is_number = isinstance(u, int | float | np.integer | np.floating)
        if isinstance(u, bool | np.bool_) or (is_number and u in (0, 1)):
            flags.append(bool(u))
        elif isinstance(u, str) and _labels.label_key(u) in TRUE_WORDS:
            flags.append(True)
        elif isinstance(u, str) and _labels.label_key(u) in FALSE_WORDS:
            flags.append(False)
        else:
            flags.append(None)
    blank = np.asarray([isinstance(u, str) and is_text_missing(u) for u in uniques], dtype=bool)
    bad = np.asarray([f is None for f in flags], dtype=bool) & ~blank
    missing, invalid = expand(codes, blank, bad)
    report(problems, raw, spec, invalid, "expected yes or no (ja/nej, true/false, 1/0)")
    unique_values = pd.array(flags, dtype="boolean")
    return Parsed(
        unique_values.take(np.where(missing | invalid, -1, codes), allow_fill=True),
        missing,
        invalid,
    )


def _days(series: pd.Series) -> npt.NDArray[np.datetime64]:
    """Floor a datetime64 column to datetime64[D] (local wall time; NaT stays NaT)."""
    if getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    return np.asarray(series.to_numpy(), dtype="datetime64[D]")


def _day_of(value: dt.date | np.datetime64) -> np.datetime64:
    """The day of one date-like object (time of day and time zone dropped)."""
    day = pd.Timestamp(value) if isinstance(value, np.datetime64) else value
    if isinstance(day, dt.datetime):  # also pandas.Timestamp: its local (wall) date
        day = day.date()
    return np.datetime64(day.isoformat(), "D")


#: What a date column accepts, said on every line that holds no date.
_EXPECTED_DATE = f"expected a date: {DATE_FORMATS}"


def _not_a_date(value: object) -> str:
    """The message for a cell that is no date: with a hint when it looks like a serial date.

    Excel serial dates are converted only in Excel files, where the cell is a number; a
    number in a CSV file or a frame may be anything, so it is refused with the hint.
    """
    hint = serial_date_hint(value)
    return _EXPECTED_DATE if hint is None else f"{hint} ({_EXPECTED_DATE})"


def _parse_date_texts(texts: pd.Series) -> tuple[npt.NDArray[np.datetime64], list[str | None]]:
    """Parse stripped date texts: days (NaT where not read) and a message per unread text."""
    n = len(texts)
    days = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    messages: list[str | None] = [_not_a_date(t) for t in texts.tolist()]
    matched = np.zeros(n, dtype=bool)
    for pattern, fmt in DATE_PATTERNS:
        if matched.all():
            break
        left = np.flatnonzero(~matched)
        hit = np.zeros(n, dtype=bool)
        hit[left] = texts.iloc[left].str.fullmatch(pattern).to_numpy(dtype=bool, na_value=False)
        if not hit.any():
            continue
        matched |= hit
        found = texts[hit]
        # The year is checked on the text: far years cannot be held as datetime64[ns].
        year = found.str.slice(0, 4) if fmt == "ISO8601" else found.str.slice(-4)
        plausible = year.astype(int).between(FIRST_YEAR, LAST_YEAR).to_numpy(bool)
        parsed = pd.to_datetime(found[plausible], format=fmt, errors="coerce")
        read = np.full(len(found), np.datetime64("NaT"), dtype="datetime64[D]")
        read[plausible] = np.asarray(parsed.to_numpy(), dtype="datetime64[D]")
        days[hit] = read
        for i, ok, day in zip(
            np.flatnonzero(hit).tolist(), plausible.tolist(), read.tolist(), strict=True
        ):
            messages[i] = DATE_RANGE if not ok else "not a calendar date" if day is None else None
    return days, messages


def _parse_date(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    n = len(raw)
    nat = np.datetime64("NaT")
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        days = _days(raw)
        missing = np.isnat(days)
        invalid = ~missing & ((days < FIRST_DAY) | (days > LAST_DAY))
        report(problems, raw, spec, invalid, DATE_RANGE)
    elif pd.api.types.is_numeric_dtype(raw.dtype) and not isinstance(
        raw.dtype, pd.CategoricalDtype
    ):
        missing = raw.isna().to_numpy(bool)
        invalid = ~missing
        report(
            problems,
            raw,
            spec,
            invalid,
            lambda positions: [_not_a_date(v) for v in raw.iloc[positions].tolist()],
        )
        days = np.full(n, nat, dtype="datetime64[D]")
    else:
        codes, uniques = factorize(raw)
        plain = plain_dates(uniques.tolist(), FIRST_YEAR, LAST_YEAR)
        if plain is not None:  # the usual case: every distinct cell a plain date
            # Gathered in the canonical unit, which spares converting the column later.
            days_ns = by_code(plain.astype("datetime64[ns]"), codes, nat)
            return Parsed(days_ns, codes < 0, np.zeros(n, dtype=bool))
        m = len(uniques)
        unique_days = np.full(m, nat, dtype="datetime64[D]")
        blank = np.zeros(m, dtype=bool)
        messages: list[str | None] = [None] * m
        is_text = np.fromiter((isinstance(u, str) for u in uniques), dtype=bool, count=m)
        if is_text.any():
            texts = pd.Series(uniques[is_text], dtype=object).str.strip()
            # A column's missing labels (an open-ended period's "løbende") read as missing.
            blank_words = MISSING_WORDS | {label.casefold() for label in spec.missing_labels}
            text_blank = texts.str.casefold().isin(blank_words).to_numpy(bool)
            text_days, text_messages = _parse_date_texts(texts)
            unique_days[is_text] = text_days
            blank[is_text] = text_blank
            for i, empty, message in zip(
                np.flatnonzero(is_text).tolist(), text_blank.tolist(), text_messages, strict=True
            ):
                messages[i] = None if empty else message
        for i in np.flatnonzero(~is_text).tolist():
            u = uniques[i]
            if isinstance(u, dt.date | np.datetime64) and not pd.isna(u):
                day = _day_of(u)
                if FIRST_DAY <= day <= LAST_DAY:
                    unique_days[i] = day
                else:
                    messages[i] = DATE_RANGE
            else:
                messages[i] = _not_a_date(u)
        bad = np.asarray([msg is not None for msg in messages], dtype=bool)
        missing, invalid = expand(codes, blank, bad)
        report(problems, raw, spec, invalid, unique_messages(codes, messages))
        return Parsed(
            by_code(np.where(blank | bad, nat, unique_days), codes, nat), missing, invalid
        )
    return Parsed(np.where(missing | invalid, nat, days), missing, invalid)


#: What a problem line says instead of repeating a long list of accepted values.
LISTED_BELOW = "accepted values listed below"


def _hint(matches: Sequence[str]) -> str:
    """``; did you mean 'a', 'b'?`` for close matches (nothing when there are none)."""
    shown = list(dict.fromkeys(matches))
    return f"; did you mean {', '.join(repr(m) for m in shown)}?" if shown else ""


#: Lists of accepted labels up to this long are said on each problem line; longer ones once.
SHORT_LIST = 5


def accepted_categories(spec: ColumnSpec) -> str:
    """What a category column accepts: each value with its Danish label, when it has one.

    ``'sickness benefit' (sygedagpenge), 'flex-job' (fleksjob), …``
    """
    if spec.enum is None:
        return ", ".join(repr(c) for c in spec.categories)
    shown = []
    for category in spec.categories:
        danish = _labels.labels_of(spec.name, category, "da")
        shown.append(f"{category!r} ({danish[0]})" if danish else repr(category))
    return f"{', '.join(shown)} or another label listed in docs/input-formats.md"


def _listed_once(spec: ColumnSpec) -> str | None:
    """What a category column accepts, when the list is long enough to be said once per table."""
    return accepted_categories(spec) if len(spec.categories) > SHORT_LIST else None


def _not_a(spec: ColumnSpec, kind: str, matches: Sequence[str], known: str = "") -> str:
    """What a problem line says about an unknown label.

    ``not a target group (accepted values listed below); did you mean …?``, or for a short
    list the list itself. ``known`` is further advice (``"; …"``: an ambiguous label, a label
    of another column).
    """
    said = f"{_hint(matches)}{known}"
    if _listed_once(spec) is not None:
        return f"not a {kind} ({LISTED_BELOW}){said}"
    stop = "" if said.endswith(("?", ".")) else "."
    return f"not a {kind}{said}{stop} Accepted: {accepted_categories(spec)}"


def _label_of_category(spec: ColumnSpec, value: object) -> tuple[int, str | None]:
    """Category code of one raw label (or -1) and the message when unknown.

    The message is short ("not a target group", a close match if there is one); a long list
    of accepted values is said once per table (:func:`_listed_once`).
    """
    if spec.enum is not None:
        try:
            member = spec.enum.parse(value)  # type: ignore[attr-defined]
        except UnknownLabelError as error:
            known = _vocabulary.misplaced_label(spec.name, value)
            return -1, _not_a(spec, error.kind, error.matches, known)
        return spec.categories.index(str(member.value)), None
    index = spec.label_index
    matches: list[str] = []
    if isinstance(value, str):
        found = index.get(_labels.label_key(value))
        if found is not None:
            return spec.categories.index(found), None
        close = difflib.get_close_matches(_labels.label_key(value), list(index), n=3)
        matches = [index[key] for key in close]
    return -1, _not_a(spec, spec.name.replace("_", " "), matches)


#: Spellings read without factorising, by category column: see :func:`_spellings`.
_SPELLINGS: dict[tuple[Any, ...], tuple[tuple[str, ...], npt.NDArray[np.int64]]] = {}


def _spellings(spec: ColumnSpec) -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    """The usual exact spellings of a category column's labels, and their category codes.

    Every value, Danish and English label and alias as written in ``labels.csv``, also in
    lower case, upper case and with a capital first letter: what exports hold. Each is kept
    only if :func:`_label_of_category` reads it (so the fast path reads nothing it would not).
    """
    key = (spec.name, spec.enum, spec.categories, tuple(spec.aliases.items()))
    found = _SPELLINGS.get(key)
    if found is None:
        if spec.enum is not None:
            texts = [
                text
                for member, labels in spec.enum.labels().items()  # type: ignore[attr-defined]
                for text in (str(member.value), *labels)
            ]
        else:
            texts = [*spec.categories, *spec.aliases]
        variants = dict.fromkeys(
            variant
            for text in texts
            for variant in (text, text.lower(), text.upper(), text.capitalize())
        )
        spellings, codes = [], []
        for variant in variants:
            code, message = _label_of_category(spec, variant)
            if message is None and not is_text_missing(variant):
                spellings.append(variant)
                codes.append(code)
        found = _SPELLINGS[key] = (tuple(spellings), np.asarray(codes, dtype=np.int64))
    return found


def _parse_category(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    dtype = spec.dtype
    n = len(raw)
    if (
        isinstance(raw.dtype, pd.CategoricalDtype)
        and raw.dtype == dtype
        and list(raw.dtype.categories) == list(spec.categories)
    ):
        values = pd.Categorical(raw)
        missing = np.asarray(values.codes < 0)
        return Parsed(values, missing, np.zeros(n, dtype=bool))
    # Gather the codes in the small integer type the categorical keeps (no conversion after).
    small: type[np.signedinteger[Any]] = (
        np.int8 if len(spec.categories) < np.iinfo(np.int8).max else np.int64
    )
    spellings, spelling_codes = _spellings(spec)
    positions = spelling_positions(raw.array, spellings)
    if positions is not None:
        # Arrow text: the usual spellings are looked up directly; only other cells are read
        # below, one distinct value at a time.
        table = np.append(spelling_codes, [-1, -1]).astype(small)  # missing, spelled otherwise
        row_codes = table[positions]
        missing = positions == len(spellings)
        others = np.flatnonzero(positions > len(spellings))
        if not len(others):
            values = pd.Categorical.from_codes(row_codes, dtype=dtype, validate=False)
            return Parsed(values, missing, np.zeros(n, dtype=bool))
        rest: pd.Series = raw.iloc[others]
    else:
        row_codes, missing, others, rest = (
            np.full(n, -1, dtype=small),
            np.zeros(n, bool),
            None,
            raw,
        )
    codes, uniques = factorize(rest)
    m = len(uniques)
    unique_codes = np.full(m, -1, dtype=np.int64)
    blank = np.zeros(m, dtype=bool)
    messages: list[str | None] = [None] * m
    open_keys = {_labels.label_key(label) for label in spec.missing_labels}
    for i, u in enumerate(uniques.tolist()):
        if isinstance(u, str) and (is_text_missing(u) or _labels.label_key(u) in open_keys):
            blank[i] = True
            continue
        unique_codes[i], messages[i] = _label_of_category(spec, u)
    bad = np.asarray([msg is not None for msg in messages], dtype=bool)
    rest_missing, rest_invalid = expand(codes, blank, bad)
    rest_codes = by_code(np.where(blank | bad, -1, unique_codes).astype(small), codes, -1)
    if others is None:
        row_codes, missing, invalid, row_of = rest_codes, rest_missing, rest_invalid, codes
    else:
        row_codes[others] = rest_codes
        missing[others] = rest_missing
        invalid = np.zeros(n, dtype=bool)
        invalid[others] = rest_invalid
        row_of = np.full(n, -1, dtype=np.intp)
        row_of[others] = codes
    report(
        problems,
        raw,
        spec,
        invalid,
        unique_messages(row_of, messages),
        _listed_once(spec),
    )
    return Parsed(
        pd.Categorical.from_codes(row_codes, dtype=dtype, validate=False), missing, invalid
    )


def _parse_municipality(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:

    if isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "iu":
        # Integer codes, the usual case: checked against the code table directly.
        known = reference.municipality_codes(raw).to_numpy(dtype=np.int64, na_value=-1)
        if not (known < 0).any():
            none = np.zeros(len(raw), dtype=bool)
            return Parsed(pd.arrays.IntegerArray(known, none), none, none.copy())
    codes, uniques = factorize(raw)
    m = len(uniques)
    keys: list[object] = []
    blank = np.zeros(m, dtype=bool)
    wrong = np.zeros(m, dtype=bool)
    for i, u in enumerate(uniques.tolist()):
        if isinstance(u, str):
            blank[i] = is_text_missing(u)
            keys.append(u.strip())
        elif isinstance(u, bool | np.bool_):
            wrong[i] = True
            keys.append(None)
        elif isinstance(u, int | np.integer) or (
            isinstance(u, float | np.floating) and float(u).is_integer()
        ):
            keys.append(int(u))
        else:
            wrong[i] = True
            keys.append(None)
    found = reference.municipality_codes(pd.Series(keys, dtype=object))
    unique_codes = found.to_numpy(dtype=np.int64, na_value=-1)
    messages: list[str | None] = [None] * m
    for i in np.flatnonzero((unique_codes < 0) & ~blank).tolist():
        messages[i] = _unknown_municipality(keys[i], wrong[i])
    bad = np.asarray([msg is not None for msg in messages], dtype=bool)
    missing, invalid = expand(codes, blank, bad)
    report(
        problems, raw, spec, invalid, unique_messages(codes, messages), accepted_municipalities()
    )
    row_codes = by_code(np.where(blank | bad, 0, unique_codes), codes, 0)
    return Parsed(pd.arrays.IntegerArray(row_codes, missing | invalid), missing, invalid)


def _unknown_municipality(key: object, wrong_type: bool) -> str:

    matches: Sequence[str] = ()
    why = ""
    if not wrong_type:
        try:
            reference.municipality(key)
        except UnknownLabelError as error:
            # Close spellings help with names; a number "close" to another says nothing.
            matches = error.matches if isinstance(key, str) and not key.isdigit() else ()
            text = str(error)
            if not error.matches and ": " in text:  # e.g. 411 is Christiansø
                why = ": " + text.split(": ", 1)[1]
    return f"not a Danish municipality{why} ({LISTED_BELOW}){_hint(matches)}"


def accepted_municipalities() -> str:
    """What a municipality (or jobcentre) column accepts, said once for the whole table."""
    table = reference.municipalities()
    listed = ", ".join(
        f"{code} {name}" for code, name in zip(table["code"], table["name"], strict=True)
    )
    return (
        f"one of the {len(table)} Danish municipality codes (zero-padded such as '0101' "
        f"accepted) or a municipality name: {listed}"
    )


def _parse_likert(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    allowed = set(spec.codes)
    if spec.dont_know_missing:
        accepted = (
            "expected a score 1-5 or a label such as 'i høj grad' "
            "(don't know and empty cells are read as missing)"
        )
    elif 0 in allowed:
        accepted = (
            "answer outside the scale: expected 1-5, 9 (don't know), a label such as "
            "'i høj grad', 0 or 1 for a tick item (not ticked, ticked), or an empty cell"
        )
    else:
        accepted = (
            "answer outside the scale: expected 1-5, 9 (don't know), a label such as "
            "'i høj grad', or an empty cell"
        )
    codes, uniques = factorize(raw)
    m = len(uniques)
    unique_codes = np.zeros(m, dtype=np.int64)
    blank = np.zeros(m, dtype=bool)
    bad = np.zeros(m, dtype=bool)
    for i, u in enumerate(uniques.tolist()):
        if isinstance(u, str) and is_text_missing(u):
            blank[i] = True
            continue
        if 0 in allowed and _is_zero(u):
            unique_codes[i] = 0  # not ticked: a tick item's answer (checked across columns)
            continue
        try:
            answer = int(Likert.parse(u.strip() if isinstance(u, str) else _plain_number(u)))
        except UnknownLabelError:
            bad[i] = True
            continue
        if spec.dont_know_missing and answer == int(Likert.DONT_KNOW):
            blank[i] = True
        elif answer in allowed:
            unique_codes[i] = answer
        else:
            bad[i] = True
    missing, invalid = expand(codes, blank, bad)
    report(problems, raw, spec, invalid, accepted)
    row_codes = (
        unique_codes[np.where(codes >= 0, codes, 0)] if m else np.zeros(len(raw), dtype=np.int64)
    )
    return Parsed(int_array(row_codes, missing | invalid), missing, invalid)


def _is_zero(value: object) -> bool:
    """Whether a raw cell is the number 0 ("0", 0, 0.0; not False, not "0.5")."""
    if isinstance(value, str):
        return value.strip() in ("0", "0.0", "0,0")
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | float | np.integer | np.floating):
        return bool(value == 0)
    return False


def _plain_number(value: object) -> object:
    """NumPy scalars as Python numbers (``Likert.parse`` accepts int and float)."""
    if isinstance(value, np.integer | np.floating):
        return value.item()
    return value


_READERS: dict[str, Callable[[pd.Series, ColumnSpec, Problems], Parsed]] = {
    "text": _parse_text,
    "integer": _parse_integer,
    "number": _parse_number,
    "boolean": _parse_boolean,
    "date": _parse_date,
    "category": _parse_category,
    "municipality": _parse_municipality,
    "likert": _parse_likert,
}


def parse_column(raw: pd.Series, spec: ColumnSpec, problems: Problems) -> Parsed:
    """Read one raw column by its spec, recording unreadable cells and missing required ones."""
    parsed = _READERS[spec.kind](raw, spec, problems)
    if not spec.nullable:
        report(problems, raw, spec, parsed.missing, f"missing value: {spec.name} is required")
    return parsed


def absent_column(spec: ColumnSpec, n: int) -> Parsed:
    """An optional column the input does not have: all missing."""
    none = np.ones(n, dtype=bool)
    if spec.kind == "date":
        values: Any = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    elif spec.kind == "number":
        values = np.full(n, np.nan)
    elif spec.kind == "category":
        values = pd.Categorical.from_codes(np.full(n, -1), dtype=spec.dtype)
    elif spec.kind == "boolean":
        values = pd.array([None] * n, dtype="boolean")
    elif spec.kind == "text":
        values = pd.array([None] * n, dtype=STRING)
    else:
        values = int_array(np.zeros(n, dtype=np.int64), none)
    return Parsed(values, none, np.zeros(n, dtype=bool))
