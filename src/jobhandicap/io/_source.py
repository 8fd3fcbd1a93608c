"""Input files: what the readers accept, the format of a file, and its first bytes."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Literal, TypeAlias

import attrs

from jobhandicap import frames
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
    SchemaError,
)
from jobhandicap.io._headers import (
    danish_header,
)

__all__ = [
    "MAX_HEADER_BYTES",
    "SAMPLE_BYTES",
    "FileFormat",
    "Input",
    "Language",
    "MissingFileError",
    "Names",
    "Planner",
    "Source",
    "Target",
    "empty_file_error",
    "format_of",
    "no_names",
    "open_source",
]


#: What the readers accept: a path, or a file opened in text or binary mode.
Source: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"
#: What the writers accept: a path, or a file opened in text (CSV only) or binary mode.
Target: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"
FileFormat: TypeAlias = Literal["csv", "excel", "xlsx", "parquet"]
Language: TypeAlias = Literal["da", "en"]

_SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_FORMAT_NAMES = {"csv": "csv", "excel": "excel", "xlsx": "excel", "parquet": "parquet"}


#: How much of a file the separator and decimal detection look at.
SAMPLE_BYTES = 64 * 1024
#: The longest header row the readers look for (the sample grows to hold it).
MAX_HEADER_BYTES = 16 * 1024 * 1024


class MissingFileError(JobhandicapError, FileNotFoundError):
    """An input file that does not exist (also a :class:`FileNotFoundError`)."""


@attrs.frozen
class Input:
    """An input file: its first bytes (or characters) and how to get all of it."""

    head: bytes | str
    #: The whole content of a file object (``None`` for a path, which is read when needed).
    content: bytes | str | None
    path: Path | None
    name: str | None
    #: Whether ``head`` is all there is.
    complete: bool

    def data(self) -> bytes | str:
        """The whole content."""
        if self.content is not None:
            return self.content
        if self.path is None:  # pragma: no cover - one of them is always set
            raise JobhandicapError("no input")
        return self.path.read_bytes()

    def longer(self, size: int) -> Input:
        """The same input with its first ``size`` bytes (or characters) as the head."""
        if self.content is not None:
            head = self.content[:size]
            return attrs.evolve(self, head=head, complete=len(self.content) <= size)
        if self.path is None:  # pragma: no cover - one of them is always set
            raise JobhandicapError("no input")
        with self.path.open("rb") as handle:
            data = handle.read(size + 1)
        return attrs.evolve(self, head=data[:size], complete=len(data) <= size)

    def handle(self) -> Any:
        """Something pandas.read_csv reads: the path, or a fresh buffer over the content."""
        if self.content is None:
            return self.path
        if isinstance(self.content, str):
            return io.StringIO(self.content)
        return io.BytesIO(self.content)


def open_source(source: Source) -> Input:
    """Open ``source``: a path is only sampled here, a file object is read to its end."""
    size = SAMPLE_BYTES
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            with path.open("rb") as handle:
                head = handle.read(size + 1)
        except FileNotFoundError:
            raise MissingFileError(
                f"No such file or directory: {os.fspath(path)} (check the path; a relative "
                f"path starts from the working directory {os.getcwd()})"
            ) from None
        except OSError as err:
            raise JobhandicapError(
                f"cannot open {os.fspath(path)!r}: {err.strerror or err}; give the path of a "
                "readable CSV, Excel or Parquet file"
            ) from None
        return Input(head[:size], None, path, path.name, len(head) <= size)
    read = getattr(source, "read", None)
    if read is None:
        raise ArgumentTypeError(
            f"expected a path or an open file, got {type(source).__name__}; "
            "pass the file's path or an object with a read() method"
        )
    content = read()
    if isinstance(content, str):
        content = content.removeprefix("\ufeff")
    elif not isinstance(content, bytes):
        raise ArgumentTypeError(
            f"the file object's read() returned {type(content).__name__}, not text or bytes"
        )
    name = getattr(source, "name", None)
    return Input(
        content[:size],
        content,
        None,
        name if isinstance(name, str) else None,
        len(content) <= size,
    )


def format_of(source: Input, explicit: str | None) -> str:
    if explicit is not None:
        try:
            return _FORMAT_NAMES[explicit.lower()]
        except KeyError:
            raise OptionError(
                f"unknown format {explicit!r}; expected one of 'csv', 'excel' (or 'xlsx'), "
                "'parquet'"
            ) from None
    suffix = Path(source.name).suffix.lower() if source.name else ""
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix == ".xls":
        raise JobhandicapError(
            "old-style .xls workbooks are not supported; save the sheet as .xlsx or CSV"
        )
    if isinstance(source.head, bytes):
        if source.head.startswith(b"PK\x03\x04"):
            return "excel"
        if source.head.startswith(b"PAR1"):
            return "parquet"
    return "csv"


def empty_file_error(what: str) -> SchemaError:
    headers = ", ".join(danish_header(what, c) for c in frames.SCHEMAS[what].required)
    return SchemaError(
        f"the {what} file is empty: expected a header row naming the columns "
        f"({headers}, in Danish or English) and one row per record"
    )


#: Given the header, return the columns to read: position -> kind of value (frames' ColumnSpec).
Planner: TypeAlias = Callable[[tuple[str, ...]], dict[int, str]]


#: The canonical column read from a file column (by position), if known.
Names: TypeAlias = Callable[[int], "str | None"]


def no_names(position: int) -> str | None:
    return None
