"""Text that is safe in the files a spreadsheet program opens (private).

One rule for every writer of the library — the report's CSV files and workbook
(:mod:`jobhandicap.report._tables`) and :func:`jobhandicap.io.write_csv`:

- :func:`neutralise` prefixes text that a spreadsheet would read as a formula with ``'``;
  :func:`restore` undoes it, so a reader gets the text back exactly;
- :func:`csv_field` quotes a CSV field that holds a separator, a quote, a line break, any other
  control character or leading or trailing white space.

This module imports nothing from the library, so any module can use it.
"""

from __future__ import annotations

import re
from typing import Final

#: The characters that start a formula in Excel, LibreOffice and Google Sheets.
FORMULA_CHARS: Final = "=+-@"
#: White space, control characters (C0, DEL, C1) and the invisible format characters that a
#: spreadsheet may skip before it looks at the first character of a cell.
_SKIPPED: Final = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\ufeff]*")
#: A quote, a control or line-ending character anywhere, or white space at either end: such a
#: field is always quoted.
_NEEDS_QUOTES: Final = re.compile(r"[\"\x00-\x1f\x7f-\x9f\u2028\u2029]|^\s|\s$")
#: What a spreadsheet may take for a separator or a quote whatever the file's separator is
#: (Danish Excel splits on ``;``, English on ``,``): a text field holding one is quoted.
_TEXT_QUOTES: Final = re.compile(r"[,;']")


def is_formula_like(text: str) -> bool:
    r"""Whether a spreadsheet could read ``text`` as a formula.

    True when the first character is a control character (tab, carriage return, line feed, …),
    or when the first character after any white space and control or invisible format
    characters is ``=``, ``+``, ``-`` or ``@`` (``" =1+1"``, ``"\r=1+1"``, ``"\n@SUM(A1)"``).
    """
    if not text:
        return False
    first = text[0]
    if first < " " or "\x7f" <= first <= "\x9f":
        return True
    rest = text[_SKIPPED.match(text).end() :]  # type: ignore[union-attr]
    return rest[:1] in tuple(FORMULA_CHARS)


def _needs_prefix(text: str) -> bool:
    # Text that already starts with the prefix before formula-like text gets one more, so that
    # restore() can always tell a prefix it must remove from one that belongs to the text.
    while text.startswith("'"):
        text = text[1:]
        if is_formula_like(text):
            return True
    return is_formula_like(text)


def neutralise(text: str) -> str:
    r"""Prefix text that a spreadsheet would read as a formula with ``'``.

    Numbers are not text and are never passed here: ``-3`` stays the number ``-3``.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("aids"), neutralise("\r=1+1")
    ("'=HYPERLINK(1)", 'aids', "'\r=1+1")
    >>> neutralise(" -1"), neutralise("'=1"), neutralise("'s-Hertogenbosch")
    ("' -1", "''=1", "'s-Hertogenbosch")
    """
    return "'" + text if _needs_prefix(text) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: ``restore(neutralise(t)) == t`` for every text ``t``.

    Examples
    --------
    >>> restore("'=1+1"), restore("''=1"), restore("'s-Hertogenbosch")
    ('=1+1', "'=1", "'s-Hertogenbosch")
    """
    if text.startswith("'") and _needs_prefix(text[1:]):
        return text[1:]
    return text


def csv_field(text: str, sep: str = ",", *, number: bool = False) -> str:
    r"""Quote one CSV field when it holds anything but plain text (RFC 4180 quoting).

    A field is quoted when it holds the separator, a quote (``"``), a line break or any other
    control character, or starts or ends with white space, and a text field also when it holds
    ``,``, ``;`` or ``'`` (a spreadsheet may split on either separator); quotes inside are
    doubled. A formatted ``number`` (``120000,5`` in a ``;``-separated file) is quoted only for
    the separator. Quoting does not neutralise a formula: pass text through :func:`neutralise`
    first.

    Examples
    --------
    >>> print(csv_field("aids"), csv_field('a "b" c'), csv_field("a|b", "|"))
    aids "a ""b"" c" "a|b"
    >>> csv_field("a\rb")
    '"a\rb"'
    """
    if sep in text or _NEEDS_QUOTES.search(text) or (not number and _TEXT_QUOTES.search(text)):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields: list[str], sep: str = ",", end: str = "\n") -> str:
    """Join fields (each quoted by :func:`csv_field`) into one line of CSV.

    A line of one empty field is written ``""``, so that it is not read as a blank line.
    """
    if fields == [""]:
        return '""' + end
    return sep.join(csv_field(field, sep) for field in fields) + end
