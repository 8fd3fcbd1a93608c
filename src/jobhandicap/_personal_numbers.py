"""The spellings of a Danish personal number, and a scrubber for text shown to a person.

Private and free of dependencies beyond the standard library, so that :mod:`jobhandicap.errors`
can hide personal numbers in every message and :mod:`jobhandicap.disclosure` can search frames
with the same patterns.

A personal number is ``DDMMYY-NNNN``. It is found whatever its spelling:

- with or without a separator between the date and the serial number: a hyphen or any other
  dash (en dash, em dash, non-breaking hyphen, minus sign, …), a dot or a slash, with up to
  three spaces on either side of it, or up to three spaces alone (any Unicode space, a tab or
  a line break):
  ``010190-1234``, ``010190 1234``, ``010190 - 1234``, ``010190/1234``;
- with the date itself written with separators, the same one twice: ``01.01.90-1234``,
  ``01-01-90-1234``, ``01 01 90 1234``, ``01/01/90 1234``. A date with a four-digit year
  (``01.01.1990``), an ISO date, an amount (``1.234.567``) or a phone number is not one; a
  two-digit-year date followed by a four-digit number (``01.02.20 1234``) is indistinguishable
  from one and counts as one;
- in ASCII digits or in any other Unicode decimal digits (fullwidth ``０１０１９０``, Arabic-Indic,
  …), and with invisible format characters (zero-width space, soft hyphen) inside;
- with its leading zero lost (``0101901234`` read as a number and shown as ``101901234``).

Text with other characters than ASCII is first brought to ASCII digits and separators by
:func:`aligned`, character by character and keeping track of where each character came from,
so the patterns (plain ASCII, without look-arounds for the frame search, which may run on
pyarrow's RE2) apply unchanged and a match can be cut out of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = [
    "HIDDEN",
    "LOST_ZERO_CELL",
    "LOST_ZERO_TEXT",
    "NON_ASCII",
    "TEN_DIGITS",
    "aligned",
    "normalise",
    "scrub_text",
]

#: What replaces a personal number (or a value holding one) in text shown to a person.
HIDDEN: Final = "<personal number hidden>"

_MONTH = "(?:0[1-9]|1[0-2])"
_DAY = "(?:0[1-9]|[12][0-9]|3[01])"
_DAY_OR_REPLACEMENT = "(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])"
#: ASCII white space (a non-ASCII space is normalised to ``" "`` by :func:`aligned`).
_SPACE = r"[ \t\n\r\f\v]"
#: The separators allowed between ``DDMMYY`` and ``NNNN`` once text is normalised: a dash, dot
#: or slash with up to three spaces (tabs, line breaks) on either side, or up to three spaces.
_SEPARATOR = "(?:" + _SPACE + "{0,3}|" + _SPACE + "{0,3}[-./]" + _SPACE + "{0,3})"
#: The separators allowed inside the date, the same one twice (``DD.MM.YY``, ``DD-MM-YY``).
_DATE_SEPARATORS = ("-", "[.]", _SPACE, "/")


def _body(day: str, date_separators: tuple[str, ...], separator: str) -> str:
    """``DDMMYY`` or ``DD?MM?YY`` with one separator ``?`` repeated, then ``[sep]NNNN``.

    Alternatives rather than a back-reference, so that RE2 (pyarrow) runs the pattern too.
    """
    dates = [day + _MONTH + "[0-9]{2}"] + [
        day + between + _MONTH + between + "[0-9]{2}" for between in date_separators
    ]
    return "(?:" + "|".join(dates) + ")" + separator + "[0-9]{4}"


#: Ten digits ``DDMMYY[sep]NNNN`` — the date also as ``DD.MM.YY``, ``DD-MM-YY``, ``DD MM YY``
#: or ``DD/MM/YY`` — not part of a longer run of digits, by ``replacement``
#: (whether days 61–91 of replacement numbers count). No look-arounds (RE2).
TEN_DIGITS: Final = {
    replacement: "(?:^|[^0-9])" + _body(day, _DATE_SEPARATORS, _SEPARATOR) + "(?:[^0-9]|$)"
    for replacement, day in ((False, _DAY), (True, _DAY_OR_REPLACEMENT))
}
_LOST_ZERO_BODY = "[1-9]" + _MONTH + "[0-9]{6}"
#: Nine digits that read as ``0DMMYYNNNN``, standing alone anywhere in a text.
LOST_ZERO_TEXT: Final = "(?:^|[^0-9])" + _LOST_ZERO_BODY + "(?:[^0-9]|$)"
#: A whole cell that is such a number written as text (``111190111``, ``111190111.0``).
LOST_ZERO_CELL: Final = r"^\s*" + _LOST_ZERO_BODY + r"(?:[.,]0*)?\s*$"
#: Text that needs :func:`normalise` before the patterns apply.
NON_ASCII: Final = "[^\x00-\x7f]"

#: In messages a separator may also be the escape ``repr`` writes for an invisible character
#: (``'210190\\u200b2121'``, ``'210190\\t2121'``).
_ESCAPE = r"\\(?:[tnrfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"
_ESCAPED_SPACE = "(?:" + _SPACE + "|" + _ESCAPE + ")"
_ESCAPED_SEPARATOR = (
    "(?:" + _ESCAPED_SPACE + "{0,3}|" + _ESCAPED_SPACE + "{0,3}[-./]" + _ESCAPED_SPACE + "{0,3})"
)
_SCRUB = re.compile(
    "(?<![0-9])(?:"
    + _body(_DAY_OR_REPLACEMENT, (*_DATE_SEPARATORS, _ESCAPE), _ESCAPED_SEPARATOR)
    + "|"
    + _LOST_ZERO_BODY
    + ")(?![0-9])"
)
#: Dashes that may stand between the date and the serial number (NFKC leaves them alone).
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d")


def _ascii_of(char: str) -> str | None:
    """The ASCII digit or separator a character stands for; ``""`` to drop it; else ``None``."""
    if char.isdecimal():  # Unicode category Nd: fullwidth, Arabic-Indic, Devanagari, ...
        return str(unicodedata.decimal(char))
    if char in _DASHES:
        return "-"
    if char.isspace():
        return " "
    if unicodedata.category(char) == "Cf":  # zero-width space, soft hyphen, BOM, ...
        return ""
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded in "0123456789-. /":
        return folded
    return None


def aligned(text: str) -> tuple[str, list[int]]:
    """Bring digits and separators to ASCII; return the text and each character's origin.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    tuple
        The normalised text, and for each of its characters the position in ``text`` it came
        from (invisible format characters are dropped, everything else keeps its place).

    Examples
    --------
    >>> aligned("０１\u200b2–3")
    ('012-3', [0, 1, 3, 4, 5])
    """
    if text.isascii():
        return text, list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        shown = char if char.isascii() else _ascii_of(char)
        if shown is None:
            shown = char
        if shown:
            chars.append(shown)
            origin.append(position)
    return "".join(chars), origin


def normalise(text: str) -> str:
    """Bring the digits and separators of ``text`` to ASCII (see :func:`aligned`).

    Examples
    --------
    >>> normalise("２１０１９０\u20132121")
    '210190-2121'
    """
    return aligned(text)[0]


def scrub_text(text: str) -> str:
    """Replace every personal number in ``text``, whatever its spelling, by :data:`HIDDEN`.

    For messages, warnings and terminal lines: ten digits ``DDMMYY[sep]NNNN`` (replacement
    numbers included) and nine digits that read as one with the leading zero put back, in any
    Unicode digits, with any dash, space or dot as separator. Hiding too much costs little in a
    message.

    Parameters
    ----------
    text
        The text to clean.

    Returns
    -------
    str
        ``text`` with every match replaced.

    Examples
    --------
    >>> scrub_text("row 3: unknown scheme '210190-2121'; value 111190111.0")
    "row 3: unknown scheme '<personal number hidden>'; value <personal number hidden>.0"
    """
    if text.isascii():
        return _SCRUB.sub(HIDDEN, text)
    normalised, origin = aligned(text)
    pieces: list[str] = []
    done = 0
    for match in _SCRUB.finditer(normalised):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        pieces.extend((text[done:start], HIDDEN))
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)
