"""Detection of Danish personal numbers (CPR numbers) anywhere in a frame.

This module finds personal numbers in the values of every column (text by a regular
expression, numbers by arithmetic on their digits), in the column headers and in the index, and
reports where they are — column, number of rows, first row — without ever echoing one:
:func:`find_personal_ids` returns the findings as a frame, :func:`assert_no_personal_ids` raises
a :class:`~jobhandicap.errors.DisclosureError` that says how to pseudonymise.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import _personal_numbers as _pn
from jobhandicap.disclosure._pseudonyms import MIN_KEY_BYTES
from jobhandicap.errors import ArgumentTypeError, DisclosureError

__all__ = ["assert_no_personal_ids", "find_personal_ids", "hide_personal_ids"]

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

_FOUND_COLUMNS = ("column", "position", "location", "rows_with_ids", "first_row")
_NUMERIC_OBJECT_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "decimal"})
_MIXED_OBJECT_KINDS = frozenset({"mixed", "mixed-integer"})


class _WrongTypeError(ArgumentTypeError):
    """An argument of the wrong type (a list where a Series is needed)."""


def _contains(text: pd.Series, pattern: str) -> BoolArray:
    found = text.str.contains(pattern, regex=True, na=False)
    return np.asarray(found.to_numpy(dtype=bool, na_value=False), dtype=bool)


def _ascii_hits(text: pd.Series, replacement: bool, lost_zero: str) -> BoolArray:
    """Flag strings of ASCII digits and separators that hold a personal number."""
    found = _contains(text, _pn.TEN_DIGITS[replacement])
    if lost_zero == "cell":
        found |= _contains(text, _pn.LOST_ZERO_CELL)
    elif lost_zero == "text":
        found |= _contains(text, _pn.LOST_ZERO_TEXT)
    return found


def _text_hits(text: pd.Series, replacement: bool, lost_zero: str = "cell") -> BoolArray:
    """Flag strings that contain a personal number, in any spelling.

    One regular expression over the column; only the distinct values with characters other
    than ASCII (fullwidth digits, an en dash, …) are normalised one by one and searched again.
    ``lost_zero`` says where nine digits that lost a leading zero count: ``"cell"`` when they
    are the whole cell (a number written as text), ``"text"`` anywhere.
    """
    text = text.astype(pd.StringDtype())
    found = _ascii_hits(text, replacement, lost_zero)
    other = _contains(text, _pn.NON_ASCII)
    if other.any():
        values = text[other]
        distinct = pd.unique(values.to_numpy(dtype=object))
        normalised = pd.Series([_pn.normalise(str(v)) for v in distinct], dtype=pd.StringDtype())
        hits = _ascii_hits(normalised, replacement, lost_zero)
        positions = pd.Index(distinct).get_indexer(values.to_numpy(dtype=object))
        found[other] |= hits[positions]
    return found


def _number_hits(values: FloatArray, replacement: bool) -> BoolArray:
    """Flag whole numbers of 9-10 digits that read as ``DDMMYYNNNN`` once zero-padded."""
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (values >= 1e8) & (values < 1e10)
        whole &= np.floor(np.where(whole, values, 0.0)) == np.where(whole, values, 0.0)
    as_int = np.where(whole, values, 0.0).astype(np.int64)
    day = as_int // 10**8
    month = (as_int // 10**6) % 100
    good_day = (day >= 1) & (day <= 31)
    if replacement:
        good_day |= (day >= 61) & (day <= 91)
    return np.asarray(whole & good_day & (month >= 1) & (month <= 12), dtype=bool)


def personal_id_hits(series: pd.Series, replacement: bool, lost_zero: str = "cell") -> BoolArray:
    """Flag the values of one column (any dtype) that hold a personal number."""
    dtype = series.dtype
    n = len(series)
    if isinstance(dtype, pd.CategoricalDtype):
        categories = personal_id_hits(pd.Series(dtype.categories), replacement, lost_zero)
        if not categories.any():
            return np.zeros(n, dtype=bool)
        codes = np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)
        return np.asarray(np.where(codes >= 0, categories[np.maximum(codes, 0)], False))
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        return np.zeros(n, dtype=bool)
    if pd.api.types.is_object_dtype(dtype):
        return _object_hits(series, replacement, lost_zero)
    if pd.api.types.is_string_dtype(dtype):
        return _text_hits(series, replacement, lost_zero)
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return _number_hits(values, replacement)
    # Dates, durations, periods, intervals: their text is never ten bare digits.
    return np.zeros(n, dtype=bool)


def _object_hits(series: pd.Series, replacement: bool, lost_zero: str) -> BoolArray:
    """Flag values of an object column: strings by pattern, numbers by value, others by text."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind == "empty":
        return np.zeros(len(series), dtype=bool)
    found = _text_hits(series.astype(pd.StringDtype()), replacement, lost_zero)
    if kind == "string":
        return found
    if kind in _NUMERIC_OBJECT_KINDS:
        numbers = series
    elif kind in _MIXED_OBJECT_KINDS:
        is_text = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        numbers = series.where(~is_text)
    else:
        return found
    try:
        values = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype=np.float64)
    except (TypeError, ValueError):  # pragma: no cover - exotic objects
        return found
    return found | _number_hits(values, replacement)


def _scan(
    frame: pd.DataFrame, exclude: Iterable[Hashable], replacement: bool
) -> list[tuple[str, Hashable, str, int, int, int | None]]:
    """Find personal numbers; one ``(location, label, display, position, rows, first)`` each."""
    found: list[tuple[str, Hashable, str, int, int, int | None]] = []
    excluded = set()
    for label in exclude:
        try:
            excluded.add(label)
        except TypeError:
            continue
    labels = list(frame.columns)
    header_hits = personal_id_hits(pd.Series(labels, dtype=object), replacement)

    if not isinstance(frame.index, pd.RangeIndex):
        index_names = list(frame.index.names)
        name_hits = personal_id_hits(pd.Series(index_names, dtype=object), replacement)
        for level, name in enumerate(index_names):
            flags = personal_id_hits(pd.Series(frame.index.get_level_values(level)), replacement)
            if flags.any() or name_hits[level]:
                shown = (
                    f"<index level {level}>"
                    if name is None or name_hits[level]
                    else f"<index {name!s}>"
                )
                count = int(flags.sum())
                first = int(np.argmax(flags)) if count else None
                found.append(("index", name, shown, level, count, first))

    for position, label in enumerate(labels):
        if header_hits[position]:
            found.append(("header", label, f"<column {position}>", position, 0, None))
        try:
            skip = label in excluded
        except TypeError:
            skip = False
        if skip:
            continue
        flags = personal_id_hits(frame.iloc[:, position], replacement)
        count = int(flags.sum())
        if count:
            shown = f"<column {position}>" if header_hits[position] else str(label)
            found.append(("values", label, shown, position, count, int(np.argmax(flags))))
    return found


#: What :func:`hide_personal_ids` puts in place of a value holding a personal number.
HIDDEN = _pn.HIDDEN


def hide_personal_ids(values: pd.Series, *, replacement: bool = True) -> tuple[pd.Series, int]:
    """Replace every value that holds a personal number by :data:`HIDDEN`; count them.

    For text shown to a person rather than published — such as a list of problems with the
    cells that caused them — where one cell at a time must be withheld. The search of
    :func:`find_personal_ids` (text anywhere in the value, numbers by value), and also nine
    digits in a text that read as a personal number with its leading zero put back: a number
    column that held ``0101901234`` shows it as ``101901234``. Hiding too much costs little
    here, unlike in a published table.

    Returns
    -------
    tuple
        A new Series of objects (the argument is not modified) and how many values were hidden.

    Examples
    --------
    >>> shown, hidden = hide_personal_ids(
    ...     pd.Series(["Aarhus", "born 0101901234", 42, "code 101901234", 101901234])
    ... )
    >>> shown.tolist(), hidden
    (['Aarhus', '<personal number hidden>', 42, '<personal number hidden>',
      '<personal number hidden>'], 3)
    """
    if not isinstance(values, pd.Series):
        raise _WrongTypeError(
            f"hide_personal_ids needs a pandas Series, got {type(values).__name__}; wrap a list "
            "or an array as pd.Series(values)"
        )
    hits = personal_id_hits(values, replacement, lost_zero="text")
    shown = values.astype(object).copy()
    shown[hits] = HIDDEN
    return shown, int(hits.sum())


def find_personal_ids(
    frame: pd.DataFrame | pd.Series,
    *,
    exclude: Iterable[Hashable] = (),
    replacement: bool = True,
) -> pd.DataFrame:
    """Find Danish personal numbers (CPR numbers) anywhere in a frame, without showing them.

    Every column is searched, whatever its dtype: text (``string``, ``str`` and ``object``
    columns, and the categories of categoricals) for a number written ``DDMMYY-NNNN``,
    ``DDMMYYNNNN``, or with a dot, a slash or any dash (en dash, em dash, non-breaking hyphen,
    minus sign) between the parts, with up to three spaces, tabs or line breaks around it (or
    up to three alone: ``010190 - 1234``, ``010190/1234``), in ASCII or any other Unicode
    decimal digits (fullwidth
    ``０１０１９０-１２３４``), anywhere in the text; a cell that is nine digits alone (a number
    written as text after it lost its leading zero); numbers (integer and whole float columns,
    numbers in object columns) for a value of 9–10 digits that reads as ``DDMMYYNNNN`` once
    zero-padded — a personal number stored as a number loses its leading zero. The column
    headers and, unless it is a plain ``RangeIndex``, the index are searched too.

    Parameters
    ----------
    frame
        The table to search (a Series is searched as a one-column frame).
    exclude
        Columns whose *values* are not searched, for example an amount column whose 9–10 digit
        totals in kroner happen to read as a date (see Notes). Labels not in the frame are
        ignored; headers are always searched.
    replacement
        Also flag replacement numbers (*erstatningspersonnumre*), whose day has 60 added
        (61–91). On by default.

    Returns
    -------
    pandas.DataFrame
        One row per place where personal numbers were found, in column order (index levels
        first): ``column`` (the column's name — or ``"<column 3>"`` when the header itself is a
        personal number, ``"<index …>"`` for the index), ``position`` (column position or index
        level), ``location`` (``"values"``, ``"header"`` or ``"index"``), ``rows_with_ids``
        (how many rows hold one) and ``first_row`` (0-based position of the first such row).
        Empty when nothing was found. Nothing in it contains the numbers found.

    Raises
    ------
    JobhandicapError
        When ``frame`` is not a pandas DataFrame or Series.

    See Also
    --------
    assert_no_personal_ids : Raise instead of returning the findings.
    pseudonymise : Replace identifiers by keyed pseudonyms.

    Notes
    -----
    A personal number is ``DDMMYY-SSSS``: the date of birth and a four-digit serial number,
    written with or without the hyphen (or another dash, a space or a dot). Text is first
    brought to ASCII: every Unicode decimal digit (category Nd) becomes its ASCII digit, every
    dash a hyphen, every space a space, and invisible format characters (zero-width space,
    soft hyphen) are dropped. A candidate counts when it is a run of exactly ten
    digits (not part of a longer run) with day 01–31 and month 01–12 — or day 61–91 for
    replacement numbers. The modulus-11 check digit is *not* required, since numbers issued
    since 1 October 2007 need not satisfy it [1]_; nor is the day checked against the month
    (31 February is flagged), so the test errs towards finding. ISO dates (``2019-01-03``),
    8-digit phone numbers and amounts below 100 million are never flagged. Nine digits that
    read as ``0DMMYYNNNN`` (a personal number that lost its leading zero) are flagged as a
    number, and as text when they are the whole cell (``"111190111"``, ``"111190111.0"``), not
    inside a longer text. Six digits, a dot and four digits count, so a decimal number such as
    ``"120190.1234"`` written as text is flagged.

    False positives are possible for whole numbers of 9–10 digits, for example an expenditure
    of 412 345 678 kr (``0412345678`` reads as 4 December 1934): pass such columns in
    ``exclude`` after checking them.

    The search is vectorised per column: one regular expression over a text column (over the
    categories only, then mapped to rows, for a categorical), integer arithmetic over a numeric
    column. Only distinct values holding characters other than ASCII are normalised one by
    one.

    References
    ----------
    .. [1] CPR-kontoret. *Personnummeret i CPR* and *Personnumre uden kontrolciffer*
       (2007). https://cpr.dk

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame(
    ...     {
    ...         "person": ["010190-1234", "0202901234", None],
    ...         "note": ["called 030390-1234", "", "ok"],
    ...         "phone": [12345678, 23456789, 34567890],
    ...         "applied": ["2019-01-03", "2019-02-11", "2019-03-05"],
    ...     }
    ... )
    >>> find_personal_ids(frame)
       column  position location  rows_with_ids  first_row
    0  person         0   values              2          0
    1    note         1   values              1          0
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise _WrongTypeError(
            f"find_personal_ids needs a pandas DataFrame or Series, got {type(frame).__name__}"
        )
    found = _scan(frame, exclude, bool(replacement))
    return pd.DataFrame(
        {
            "column": pd.array([f[2] for f in found], dtype=pd.StringDtype()),
            "position": np.array([f[3] for f in found], dtype=np.int64),
            "location": pd.array([f[0] for f in found], dtype=pd.StringDtype()),
            "rows_with_ids": np.array([f[4] for f in found], dtype=np.int64),
            "first_row": pd.array([f[5] for f in found], dtype=pd.Int64Dtype()),
        },
        columns=list(_FOUND_COLUMNS),
    )


def assert_no_personal_ids(
    frame: pd.DataFrame | pd.Series,
    *,
    what: str = "table",
    exclude: Iterable[Hashable] = (),
    replacement: bool = True,
) -> None:
    """Raise :class:`~jobhandicap.errors.DisclosureError` if a frame holds personal numbers.

    The message names every column (and says whether the header or the index is at fault), how
    many rows, the first row, and how to pseudonymise — never the numbers themselves.

    Parameters
    ----------
    frame
        The table about to be published or written.
    what
        What the table is, for the message (``"cases table"``, ``"report table 3"``).
    exclude, replacement
        As for :func:`find_personal_ids`.

    Returns
    -------
    None
        When no personal number was found.

    Raises
    ------
    DisclosureError
        When a personal number was found.
    JobhandicapError
        When ``frame`` is not a pandas DataFrame or Series.

    See Also
    --------
    find_personal_ids : The search itself, returning a frame of findings.

    Notes
    -----
    The test is that of :func:`find_personal_ids`: ten digits ``DDMMYY[-]NNNN`` with a valid
    day (01–31, or 61–91 for replacement numbers) and month, no modulus-11 check [1]_.

    References
    ----------
    .. [1] CPR-kontoret. *Personnummeret i CPR*. https://cpr.dk

    Examples
    --------
    >>> import pandas as pd
    >>> assert_no_personal_ids(pd.DataFrame({"n": [12, 40]}))
    >>> assert_no_personal_ids(pd.DataFrame({"cpr": ["010190-1234"]}), what="cases table")
    Traceback (most recent call last):
    ...
    jobhandicap.errors.DisclosureError: the cases table contains Danish personal numbers (CPR)
    in column 'cpr' (1 row, the first at position 0 from 0)...jh.pseudonymise(frame['cpr'], key).
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise _WrongTypeError(
            f"assert_no_personal_ids needs a pandas DataFrame or Series, got "
            f"{type(frame).__name__}"
        )
    found = _scan(frame, exclude, bool(replacement))
    if not found:
        return
    places: list[str] = []
    fixes: list[str] = []
    pseudonyms: list[str] = []
    for location, label, shown, position, rows, first in found:
        row_text = f"{rows} row{'s' if rows != 1 else ''}, the first at position {first} from 0"
        if location == "header":
            places.append(f"the header of column {position}")
            fixes.append(f"Rename column {position}.")
        elif location == "index":
            places.append(f"the index ({shown.strip('<>')}; {row_text})")
            fixes.append(
                "Move the index into a column (frame.reset_index()), then drop or pseudonymise it."
            )
        else:
            name = repr(label) if shown == str(label) else f"frame.columns[{position}]"
            places.append(f"column {shown!r} ({row_text})")
            pseudonyms.append(f"frame[{name}] = jh.pseudonymise(frame[{name}], key)")
    message = (
        f"the {what} contains Danish personal numbers (CPR) in {'; '.join(places)}. "
        "Personal numbers must never appear in output."
    )
    if pseudonyms:
        message += (
            " Drop the column(s), or replace the numbers by keyed pseudonyms with a secret key "
            f"of at least {MIN_KEY_BYTES} bytes that stays out of the output: "
            f"{'; '.join(pseudonyms)}."
        )
    message += "".join(f" {fix}" for fix in dict.fromkeys(fixes))
    raise DisclosureError(message)
