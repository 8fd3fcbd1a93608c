"""Reading distinct date texts that are all plain ten-character dates (private).

A case file holds a few thousand distinct dates in a million rows, nearly always all written in
one of the forms the readers accept: ``dd-mm-yyyy`` (or with ``.`` or ``/``) or ISO
``yyyy-mm-dd``. :func:`plain_dates` reads such texts with a few NumPy operations on their bytes.
When any text is not such a date it answers ``None``, and the caller reads the texts pattern by
pattern (``_parse._parse_date_texts``), which gives the same days and a message for every
text it cannot read (``tests/test_read_fast_paths.py`` checks that the two agree).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["excel_serial_day", "plain_dates", "serial_date_hint"]

#: Day 0 of Excel's 1900 date system as counted from 1 March 1900 on (serial 61).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: The serial Excel gives the fictitious 29 February 1900 (Lotus 1-2-3's leap-year bug).
EXCEL_FICTITIOUS_DAY = 60
#: Numbers for days before this year are not said to look like serial dates (2019 is a year).
_FIRST_HINTED_YEAR = 1950
#: The last day the readers accept, 2199-12-31, as an Excel serial.
_LAST_SERIAL = (dt.date(2199, 12, 31) - _EXCEL_EPOCH).days


def excel_serial_day(value: object) -> dt.date | None:
    """The day an Excel serial date number stands for (1900 date system), or ``None``.

    Serial 1 is 1900-01-01; Excel counts a 29 February 1900 that never was (serial 60), so
    from serial 61 (1900-03-01) on the days count from 1899-12-30. A fraction is the time of
    day and is dropped. ``None`` for what is no serial date: not a finite number (booleans
    included), below 1, the fictitious 60, or after 2199-12-31.

    Examples
    --------
    >>> excel_serial_day(44927)
    datetime.date(2023, 1, 1)
    >>> excel_serial_day(1), excel_serial_day(60), excel_serial_day(61)
    (datetime.date(1900, 1, 1), None, datetime.date(1900, 3, 1))
    """
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        return None
    number = float(value)
    if not math.isfinite(number) or number < 1 or number > _LAST_SERIAL + 1:
        return None
    days = math.floor(number)
    if days == EXCEL_FICTITIOUS_DAY or days > _LAST_SERIAL:
        return None
    if days < EXCEL_FICTITIOUS_DAY:
        days += 1  # before the fictitious day, the count starts one day later
    return _EXCEL_EPOCH + dt.timedelta(days=days)


def serial_date_hint(value: object) -> str | None:
    """What to say about a number (or digits) in a date column of a CSV file or a frame.

    ``None`` when the value does not look like an Excel serial date.

    Examples
    --------
    >>> print(serial_date_hint("44927"))
    looks like an Excel serial date (44927 = 2023-01-01); format the column as a date ...
    >>> serial_date_hint("2019") is None  # more likely a year: days before 1950 are not hinted
    True
    >>> serial_date_hint(60)
    "60 is Excel's serial for 29 February 1900, a day that never was"
    """
    number: object = value
    if isinstance(value, str):
        text = value.strip()
        if not text.replace(".", "", 1).replace(",", "", 1).isdigit() or len(text) > 12:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:  # pragma: no cover - digits with one mark always parse
            return None
    if isinstance(number, bool | np.bool_) or not isinstance(
        number, int | float | np.integer | np.floating
    ):
        return None
    if math.isfinite(float(number)) and math.floor(float(number)) == EXCEL_FICTITIOUS_DAY:
        return "60 is Excel's serial for 29 February 1900, a day that never was"
    day = excel_serial_day(number)
    if day is None or day.year < _FIRST_HINTED_YEAR:
        return None
    shown = f"{float(number):g}" if not float(number).is_integer() else str(int(float(number)))
    return (
        f"looks like an Excel serial date ({shown} = {day.isoformat()}); format the column as "
        "a date before exporting"
    )


#: Characters in a plain date.
_WIDTH = 10
_DASH = ord("-")
#: The separators of day-first dates (``dd-mm-yyyy``, ``dd.mm.yyyy``, ``dd/mm/yyyy``).
_DAY_FIRST_SEPARATORS = np.frombuffer(b"-./", dtype=np.uint8)
#: Positions of the digits in ISO and in day-first dates.
_ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]
_DAY_FIRST_DIGITS = [0, 1, 3, 4, 6, 7, 8, 9]


def plain_dates(
    texts: Sequence[object], first_year: int, last_year: int
) -> npt.NDArray[np.datetime64] | None:
    """Days of texts that are all plain ten-character dates, or ``None``.

    A text is read when it is exactly ``yyyy-mm-dd`` or ``dd-mm-yyyy`` (``-``, ``.`` or ``/``
    between the fields of the latter, the same twice), names a calendar date, and its year lies
    in ``first_year..last_year``. Forms may differ from text to text.

    Returns
    -------
    numpy.ndarray or None
        ``datetime64[D]`` days, one per text; ``None`` when any text is not such a date.

    Notes
    -----
    The texts, joined, are an ``(n, 10)`` byte matrix; each field is read from its digit
    columns (``year = 1000·d₀ + 100·d₁ + 10·d₂ + d₃`` for ISO dates) and a date is a calendar
    date when ``1 ≤ month ≤ 12`` and ``1 ≤ day ≤`` the days of that month (the difference of
    two ``datetime64[M]`` month starts counted in days).
    """
    if not all(isinstance(text, str) and len(text) == _WIDTH for text in texts):
        return None
    joined = "".join(texts)  # type: ignore[arg-type]
    if not joined.isascii():
        return None
    cells = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, _WIDTH)
    digits = cells.astype(np.int64) - ord("0")
    is_digit = (digits >= 0) & (digits <= 9)
    iso = (cells[:, 4] == _DASH) & (cells[:, 7] == _DASH) & is_digit[:, _ISO_DIGITS].all(axis=1)
    day_first = (
        (cells[:, 2] == cells[:, 5])
        & np.isin(cells[:, 2], _DAY_FIRST_SEPARATORS)
        & is_digit[:, _DAY_FIRST_DIGITS].all(axis=1)
    )
    if not np.all(iso | day_first):
        return None
    d = digits.T
    year = np.where(
        iso,
        1000 * d[0] + 100 * d[1] + 10 * d[2] + d[3],
        1000 * d[6] + 100 * d[7] + 10 * d[8] + d[9],
    )
    month = np.where(iso, 10 * d[5] + d[6], 10 * d[3] + d[4])
    day = np.where(iso, 10 * d[8] + d[9], 10 * d[0] + d[1])
    if not np.all((year >= first_year) & (year <= last_year) & (month >= 1) & (month <= 12)):
        return None
    month_start = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    first_day = month_start.astype("datetime64[D]")
    month_days = ((month_start + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    if not np.all((day >= 1) & (day <= month_days)):
        return None
    days: npt.NDArray[np.datetime64] = first_day + (day - 1).astype("timedelta64[D]")
    return days
