"""The one loader of packaged data: the files under ``jobhandicap/data``.

Every fact the library ships as data — labels, header aliases, reference tables, the texts of
the report and the figures, the survey instruments, the example files — is read here, so that
there is one place that knows where the files live, how they are encoded (UTF-8, comma
separated, a header row) and what to say when an installation lacks one. CSV tables are parsed
with the standard library only (no pandas), once per process: the label tables behind the
enums are read while ``jobhandicap.domain`` is imported.

Examples
--------
>>> rows = read_csv_table("schemes.csv")
>>> rows[0]["scheme"]
'personal assistance'
>>> read_csv_table("nonexistent.csv")
Traceback (most recent call last):
...
FileNotFoundError: jobhandicap's packaged data file data/nonexistent.csv is missing: ...
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from typing import IO

__all__ = ["data_file", "open_binary", "read_csv_table", "read_text"]


def data_file(*parts: str) -> Traversable:
    """Return the packaged file ``data/<parts>`` (it need not exist; see :func:`read_text`)."""
    return resources.files("jobhandicap").joinpath("data", *parts)


def _missing(parts: tuple[str, ...]) -> FileNotFoundError:
    where = "/".join(("data", *parts))
    return FileNotFoundError(
        f"jobhandicap's packaged data file {where} is missing: the installation is incomplete "
        "(a wheel or source tree without the package data); reinstall jobhandicap"
    )


def read_text(*parts: str) -> str:
    """Return the text of the packaged file ``data/<parts>`` (UTF-8).

    Raises
    ------
    FileNotFoundError
        When the file is not in the installed package, saying so.
    """
    try:
        return data_file(*parts).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _missing(parts) from None


def open_binary(*parts: str) -> IO[bytes]:
    """Open the packaged file ``data/<parts>`` for reading bytes (the caller closes it).

    Raises
    ------
    FileNotFoundError
        When the file is not in the installed package, saying so.
    """
    try:
        return data_file(*parts).open("rb")
    except FileNotFoundError:
        raise _missing(parts) from None


@functools.cache
def read_csv_table(name: str) -> tuple[Mapping[str, str], ...]:
    """Return the rows of the packaged CSV table ``data/<name>``, read once and cached.

    Parameters
    ----------
    name
        The file name, e.g. ``"labels.csv"``.

    Returns
    -------
    tuple of mapping of str to str
        One mapping per row, from the header's column names to the cells as text (an empty
        cell is ``""``), in file order. Do not modify them: they are shared by every caller.

    Raises
    ------
    FileNotFoundError
        When the file is not in the installed package, saying so.
    ValueError
        When a row has more or fewer cells than the header (a broken data file).

    Notes
    -----
    The files are UTF-8 (Danish letters kept as they are), comma separated with ``"`` quoting,
    as :mod:`csv` writes them.

    Examples
    --------
    >>> [row["kind"] for row in read_csv_table("labels.csv")][:2]
    ['region', 'region']
    """
    reader = csv.DictReader(io.StringIO(read_text(name), newline=""), restkey="", restval=None)
    rows: list[Mapping[str, str]] = []
    for row in reader:
        if "" in row or None in row.values():
            raise ValueError(
                f"packaged data file data/{name}, line {reader.line_num}: the row has "
                f"{'more' if '' in row else 'fewer'} cells than the header"
            )
        rows.append(row)
    return tuple(rows)
