"""Raw CSV handling for the readers: encoding, separator and decimal-mark detection.

Only the first :data:`SAMPLE_BYTES` bytes are inspected for the separator and the decimal mark;
the encoding is checked on the whole file (a strict UTF-8 decode is fast).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._advice import flag, option
from jobhandicap.errors import (
    JobhandicapError,
    SchemaError,
    problems_frame,
)
from jobhandicap.frames import _arrow
from jobhandicap.io._source import (
    MAX_HEADER_BYTES,
    SAMPLE_BYTES,
    Input,
    Names,
    Planner,
    empty_file_error,
)

__all__ = [
    "MAX_HEADER_BYTES",
    "SAMPLE_BYTES",
    "ColumnDecimal",
    "Dialect",
    "column_decimal",
    "decode_error",
    "decode_sample",
    "default_decimal",
    "detect_dialect",
    "line_of",
    "mixed_encoding_error",
    "parse_numbers",
    "parser_error",
    "read_csv_table",
    "refuse_joined_cells",
]

#: Records used to choose the separator (header included); the decimal mark uses them all.
_SEPARATOR_RECORDS = 50
#: Candidate separators, in order of preference when equally plausible.
_SEPARATORS = (";", "\t", ",")

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
#: A Latin-1 letter as UTF-8 writes it (æ, ø, å, é are two bytes, the first 0xC3): text
#: containing one is UTF-8, not Windows-1252, where the pair would read ``Ã¦``.
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")

# A number written with a decimal comma and optional full-stop thousands groups, and the
# English counterpart. Plain integers match both.
_COMMA_NUMBER = re.compile(r"^[-+]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?$")
_POINT_NUMBER = re.compile(r"^[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
# Evidence in the sample: a comma decimal, or a point decimal that is not a thousands group.
_COMMA_DECIMAL = re.compile(r"^[-+]?\d+(?:\.\d{3})*,\d+$")
_POINT_DECIMAL = re.compile(r"^[-+]?\d+\.\d+$")
_THOUSANDS_GROUPS = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+$")
_SEP_HINT = re.compile(r"^sep=(.)\s*$")


def decode_sample(head: bytes, encoding: str | None, *, final: bool) -> tuple[str, str]:
    """Decode the first bytes of a file; return the text and the encoding.

    ``final`` says whether ``head`` is the whole file (else a character cut off at its end is
    not an error).

    Without ``encoding``: UTF-16 when the file starts with its byte-order mark, UTF-8 when the
    sample is valid UTF-8 (a byte-order mark is dropped), else Windows-1252. The readers fall
    back to Windows-1252 when invalid UTF-8 only turns up after the sample.

    Raises
    ------
    JobhandicapError
        When the sample is valid in none of them, or ``encoding`` is unknown or does not fit.
    """
    if encoding is None:
        if head.startswith(_UTF16_BOMS):
            candidates: tuple[str, ...] = ("utf-16",)
        else:
            utf16 = _utf16_without_bom(head)
            if utf16 is not None:
                raise JobhandicapError(
                    "the file looks like UTF-16 text without a byte-order mark (every other "
                    f"byte of line 1 is zero); pass {option('encoding', utf16)}, or save it as "
                    "UTF-8"
                )
            candidates = ("utf-8", "cp1252")
    else:
        candidates = (encoding,)
        if head.startswith(_UTF8_BOM) and _is_single_byte(encoding):
            head = head[len(_UTF8_BOM) :]  # a UTF-8 mark before text in another encoding
    for candidate in candidates[:-1]:
        try:
            return _decode(head, candidate, final), candidate
        except UnicodeDecodeError as err:
            if candidate == "utf-8":
                mixed = mixed_encoding_error(head, err.start)
                if mixed is not None:
                    raise mixed from None
            continue
    try:
        return _decode(head, candidates[-1], final), candidates[-1]
    except UnicodeDecodeError as err:
        raise decode_error(err, encoding) from None


def _is_single_byte(encoding: str) -> bool:
    """Whether ``encoding`` is a one-byte-per-character encoding such as cp1252 or latin-1."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return not name.startswith(("utf", "utf_")) and name not in {"utf-8-sig"}


def _utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the first line is UTF-16 text without its mark."""
    first = head[: min(len(head), 2048)]
    half = len(first) // 2
    if half < 2 or b"\x00" not in first:
        return None
    even, odd = first[0 : 2 * half : 2].count(0), first[1 : 2 * half : 2].count(0)
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def line_of(data: bytes, position: int) -> int:
    """The line (1-based) of the file that byte ``position`` is on."""
    lines = data.count(b"\n", 0, position)
    if not lines and b"\n" not in data:  # old Mac line ends
        lines = data.count(b"\r", 0, position)
    return lines + 1


def mixed_encoding_error(data: bytes, position: int) -> JobhandicapError | None:
    """The error for a file that is not all in one encoding, or ``None`` if it may be cp1252.

    ``position`` is the first byte that is not UTF-8. A file that starts with a UTF-8
    byte-order mark, or that also holds valid UTF-8 letters (``æ`` as two bytes), mixes
    encodings: reading it as Windows-1252 would garble every correct line.
    """
    byte = data[position : position + 1]
    line = line_of(data, position)
    if data.startswith(_UTF8_BOM):
        return JobhandicapError(
            f"encoding problem: the file starts with a UTF-8 byte-order mark, but line {line} "
            f"is not UTF-8 (byte {byte!r}); it was probably saved as Windows-1252 (cp1252) "
            f"with a UTF-8 mark. Save it again as UTF-8, or pass {option('encoding', 'cp1252')}"
        )
    letter = _UTF8_LETTER.search(data)
    if letter is None:
        return None
    return JobhandicapError(
        f"encoding problem: the file mixes encodings: line {line_of(data, letter.start())} "
        f"is UTF-8 but line {line} is not (byte {byte!r}, probably Windows-1252, cp1252). "
        "Save the whole file in one encoding (UTF-8), or pass "
        f"{option('encoding', 'cp1252')} (or another encoding) to choose one"
    )


def _decode(head: bytes, encoding: str, final: bool) -> str:
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise JobhandicapError(f"unknown encoding {encoding!r}") from None
    try:
        return decoder.decode(head, final=final).removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise
    except UnicodeError as err:  # e.g. "UTF-16 stream does not start with BOM"
        raise JobhandicapError(
            f"the file is not valid {encoding} text ({err}); leave out {option('encoding')} to "
            "detect "
            "UTF-8, UTF-16 with a byte-order mark or Windows-1252"
        ) from None


def decode_error(err: UnicodeDecodeError, encoding: str | None) -> JobhandicapError:
    """A readable error for a file that cannot be decoded."""
    byte = err.object[err.start : err.start + 1]
    if encoding is None:
        return JobhandicapError(
            f"cannot decode the file: it is neither UTF-8 nor Windows-1252 (cp1252) text "
            f"(byte {byte!r} cannot be decoded); is it a spreadsheet or a binary file? "
            f"Pass {option('format')} or {option('encoding')} if you know them"
        )
    return JobhandicapError(
        f"the file is not valid {encoding} text (byte {byte!r} cannot be decoded); leave out "
        f"{option('encoding')} to detect UTF-8 or Windows-1252"
    )


@attrs.frozen
class Dialect:
    """How a CSV file is written."""

    sep: str
    decimal: str
    header: tuple[str, ...]
    #: Lines before the header (1 when the file starts with Excel's ``sep=`` hint).
    skip: int


def _sample_records(text: str, sep: str, truncated: bool, limit: int | None) -> list[list[str]]:
    """Parse the sample (quotes respected); a record cut off at its end is left out."""
    # newline="": lines end in LF, CR LF or a lone CR (old Mac files) as the csv module reads.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"')
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if limit is not None and len(records) > limit:
                return records[:limit]
    except csv.Error:
        pass
    if truncated and len(records) > 1:
        records.pop()
    return records


def _choose_separator(text: str, truncated: bool) -> str:
    best: tuple[int, int, int] | None = None
    chosen = ","
    for rank, sep in enumerate(_SEPARATORS):
        records = _sample_records(text, sep, truncated, _SEPARATOR_RECORDS)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        body = [r for r in records[1:] if r]
        consistent = sum(len(r) == width for r in body)
        score = (int(consistent == len(body)), width, -rank)
        if best is None or score > best:
            best, chosen = score, sep
    return chosen


def _choose_decimal(records: Sequence[Sequence[str]], sep: str) -> str:
    if sep == ",":
        return "."
    comma = point = 0
    for record in records:
        for field in record:
            value = field.strip()
            if _COMMA_DECIMAL.match(value):
                comma += 1
            elif _POINT_DECIMAL.match(value) and not _THOUSANDS_GROUPS.match(value):
                point += 1
    return "." if point > comma else ","


def detect_dialect(
    sample: str, *, truncated: bool, sep: str | None = None, decimal: str | None = None
) -> Dialect:
    """Detect the separator, decimal mark and header of a CSV file from its first bytes.

    The separator is the candidate (``;``, tab, ``,``) that splits the header into the most
    fields while splitting every sampled line into as many; quotes are respected.
    """
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1 or sep in '"\r\n'):
        raise JobhandicapError(
            f"{flag('sep')} must be one character such as ';', ',' or a tab ('\\t'), got {sep!r}"
        )
    skip = 0
    first_line, _, rest = sample.partition("\n")
    hint = _SEP_HINT.match(first_line.strip('"'))
    if hint is not None:  # Excel's "sep=;" first line
        skip, sample, sep = 1, rest, sep or hint.group(1)
    if sep is None:
        sep = _choose_separator(sample, truncated)
    records = _sample_records(sample, sep, truncated, None)
    header = tuple(records[0]) if records else ()
    if decimal is None:
        decimal = _choose_decimal(records[1:], sep)
    elif decimal not in {",", "."}:
        raise JobhandicapError(f"decimal must be ',' or '.', got {decimal!r}")
    return Dialect(sep=sep, decimal=decimal, header=header, skip=skip)


def parse_numbers(values: pd.Series, decimal: str) -> pd.Series:
    """Convert number-like text (thousands groups, the given decimal mark) to floats.

    Cells that are not text (numbers from a spreadsheet, missing values) and text that is not
    such a number are kept as they are, so that validation can report them. The text is parsed
    once per distinct value.
    """
    pattern = _COMMA_NUMBER if decimal == "," else _POINT_NUMBER
    thousands = "." if decimal == "," else ","
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    unique_values = np.asarray(uniques, dtype=object)
    is_text = np.fromiter(
        (isinstance(u, str) for u in unique_values), dtype=bool, count=len(unique_values)
    )
    if not is_text.any():
        return values
    texts = pd.Series(unique_values[is_text], dtype="string").str.strip()
    matched = texts.str.fullmatch(pattern.pattern).to_numpy(dtype=bool, na_value=False)
    if not matched.any():
        return values
    plain = texts[matched].str.replace(thousands, "", regex=False)
    plain = plain.str.replace(decimal, ".", regex=False)
    numbers = np.full(len(unique_values), np.nan)
    converted = np.zeros(len(unique_values), dtype=bool)
    where = np.flatnonzero(is_text)[matched]
    numbers[where] = pd.to_numeric(plain).to_numpy(dtype=np.float64)
    converted[where] = True
    present = codes >= 0
    safe = np.where(present, codes, 0)
    rows = present & converted[safe]
    if np.array_equal(rows, present):
        return pd.Series(np.where(present, numbers[safe], np.nan), index=values.index)
    return values.astype(object).mask(rows, pd.Series(numbers[safe], index=values.index))


# The decimal mark of a column, from its cells (see column_decimal). A cell such as "125.000" or
# "1,234" (one group of three digits after a first group of one to three) is ambiguous.
_AMBIGUOUS = re.compile(r"[-+]?[1-9][0-9]{0,2}[.,][0-9]{3}")
_SAYS_COMMA = re.compile(
    r"[-+]?(?:[0-9]+,[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+|[0-9]{1,3}(?:\.[0-9]{3}){2,})"
)
_SAYS_POINT = re.compile(
    r"[-+]?(?:[0-9]+\.[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+|[0-9]{1,3}(?:,[0-9]{3}){2,})"
)


def default_decimal(sep: str) -> str:
    """The decimal mark of a column without evidence: ``.`` with ``,`` separators, else ``,``."""
    return "." if sep == "," else ","


@attrs.frozen
class ColumnDecimal:
    """The decimal mark of one column and the cells that contradict it."""

    decimal: str
    #: Rows (positions) whose cell shows the other mark.
    conflicts: npt.NDArray[np.intp]
    #: How many cells show a decimal comma and a decimal point.
    comma: int
    point: int


def column_decimal(values: pd.Series, default: str) -> ColumnDecimal:
    """Decide the decimal mark of one column of number-like text from unambiguous cells.

    A cell such as ``1.234,5``, ``0,5`` or ``1.234.567`` says decimal comma; ``1,234.5``,
    ``0.5`` or ``1,234,567`` says decimal point; ``125.000`` or ``1,234`` alone says nothing.
    The column takes the mark its cells say; when they say both, the majority (``default`` on a
    tie) and the other cells are conflicts. Without evidence the column takes ``default``.
    """
    none = np.zeros(0, dtype=np.intp)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    unique_values = np.asarray(uniques, dtype=object)
    is_text = np.fromiter(
        (isinstance(u, str) for u in unique_values), dtype=bool, count=len(unique_values)
    )
    if not is_text.any():
        return ColumnDecimal(default, none, 0, 0)
    texts = pd.Series(unique_values[is_text], dtype=object).str.strip()
    ambiguous = texts.str.fullmatch(_AMBIGUOUS.pattern).to_numpy(dtype=bool)
    comma = np.zeros(len(unique_values), dtype=bool)
    point = np.zeros(len(unique_values), dtype=bool)
    comma[is_text] = texts.str.fullmatch(_SAYS_COMMA.pattern).to_numpy(dtype=bool) & ~ambiguous
    point[is_text] = texts.str.fullmatch(_SAYS_POINT.pattern).to_numpy(dtype=bool) & ~ambiguous
    counts = np.bincount(codes[codes >= 0], minlength=len(unique_values))
    n_comma, n_point = int(counts[comma].sum()), int(counts[point].sum())
    if n_comma and n_point:
        decimal = default if n_comma == n_point else "," if n_comma > n_point else "."
        wrong = point if decimal == "," else comma
        conflicts = np.flatnonzero((codes >= 0) & wrong[np.where(codes >= 0, codes, 0)])
        return ColumnDecimal(decimal, conflicts, n_comma, n_point)
    decimal = "," if n_comma else "." if n_point else default
    return ColumnDecimal(decimal, none, n_comma, n_point)


def parser_error(err: Exception, first_row: int) -> SchemaError:
    """Turn a pandas parser error into a readable :class:`SchemaError`."""
    text = str(err).strip().removeprefix("Error tokenizing data. C error: ")
    return SchemaError(
        f"cannot read the CSV file: {text}",
        problems_frame([(None, None, None, f"{text} (the first data row is row {first_row})")]),
    )


#: Kinds of column whose cells are identifiers or labels: never a line break (nor, for labels,
#: the separator) in them, unless a stray quote joined cells or rows.
_LABEL_KINDS = frozenset({"category", "municipality", "likert"})


def _maybe_thousands(values: pd.Series, name: str | None) -> bool:
    """Whether an amount column parsed as numbers may hold thousands read as decimals.

    ``125.000`` in a comma-separated file parses as 125; amounts below 1 000 are read again
    as text so that :func:`_thousands_as_decimals` can look at how they were written.
    """
    if not (name or "").endswith("_dkk") or not pd.api.types.is_float_dtype(values.dtype):
        return False
    magnitude = np.abs(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return bool(((magnitude > 0) & (magnitude < 1000)).any())


def read_csv_table(
    source: Input,
    plan_for: Planner,
    what: str,
    *,
    sep: str | None,
    decimal: str | None,
    encoding: str | None,
    names: Names,
) -> tuple[pd.DataFrame, dict[int, str], Dialect, Callable[[], pd.DataFrame]]:
    read_encoding: str | None
    size = SAMPLE_BYTES
    while True:
        if isinstance(source.head, str):
            sample, read_encoding = source.head, None
        else:
            sample, read_encoding = decode_sample(source.head, encoding, final=source.complete)
        # A header row longer than the sample (a wide survey): sample more, up to the cap.
        if source.complete or "\n" in sample or "\r" in sample:
            break
        if size >= MAX_HEADER_BYTES:
            raise JobhandicapError(
                f"the first line of the file is longer than {MAX_HEADER_BYTES:,} bytes "
                "without a line end; is it a CSV file?"
            )
        size *= 4
        source = source.longer(size)
    truncated = not source.complete
    if not truncated and not sample.strip():
        raise empty_file_error(what)
    dialect = detect_dialect(sample, truncated=truncated, sep=sep, decimal=decimal)
    plan = plan_for(dialect.header)
    first_row = dialect.skip + 2
    # The options both reads below share: the dialect, and text kept as text.
    common: dict[str, Any] = {
        "sep": dialect.sep,
        "header": None,
        "skiprows": dialect.skip + 1,
        "names": list(range(len(dialect.header))),
        # Without decimal=, numbers with the separator's usual mark are parsed here; columns
        # with the other mark stay text and get a decimal mark of their own (_tidy).
        "decimal": decimal or default_decimal(dialect.sep),
        "keep_default_na": False,
        "na_values": [""],
        "skip_blank_lines": False,
        "quotechar": '"',
        "engine": "c",
    }

    def read(positions: list[int], dtype: str | None, encoding: str | None) -> pd.DataFrame:
        try:
            # Selecting columns means a row with more fields than the header is no error.
            selected: pd.DataFrame = pd.read_csv(
                source.handle(), usecols=positions, dtype=dtype, encoding=encoding, **common
            )
            return selected
        except UnicodeDecodeError:
            raise
        except (pd.errors.ParserError, ValueError) as err:
            raise parser_error(err, first_row) from None

    def read_all(encoding: str | None) -> pd.DataFrame:
        """Every column, without ``usecols``: pandas 3 converts selected columns slowly.

        A file that has rows with more fields than the header fails here (or, when its first
        data row does, would lose data), so it is read again with the columns selected.
        """
        try:
            with warnings.catch_warnings():
                # index_col=False: extra fields in the first row never become the index; the
                # warning about them is the signal to read the file the careful way.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame: pd.DataFrame = pd.read_csv(
                    source.handle(), index_col=False, encoding=encoding, **common
                )
        except UnicodeDecodeError:
            raise
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            return read(positions, None, encoding)
        return frame[positions] if len(positions) < len(frame.columns) else frame

    positions = sorted(plan)
    # Reading unplanned columns costs less than selecting columns, unless there are many.
    first_read = (
        read_all
        if len(dialect.header) <= 2 * len(positions)
        else lambda encoding: read(positions, None, encoding)
    )
    try:
        # pandas infers the types: fast, and numbers are parsed natively.
        frame = first_read(read_encoding)
    except UnicodeDecodeError as err:
        if encoding is not None or read_encoding != "utf-8":
            raise decode_error(err, encoding) from None
        # The sample was valid UTF-8, a later line is not: Windows-1252 throughout, unless the
        # file also holds UTF-8 letters (then it mixes encodings; say where).
        whole = source.data()
        if isinstance(whole, bytes):
            try:
                whole.decode("utf-8")
            except UnicodeDecodeError as found:
                mixed = mixed_encoding_error(whole, found.start)
                if mixed is not None:
                    raise mixed from None
        read_encoding = "cp1252"
        try:
            frame = first_read(read_encoding)
        except UnicodeDecodeError as second:
            raise decode_error(second, None) from None
    # Text read as numbers ("0042" as 42): read those columns again as text.
    retext = [
        p
        for p in positions
        if (plan[p] == "text" and not pd.api.types.is_string_dtype(frame[p].dtype))
        or (decimal is None and _maybe_thousands(frame[p], names(p)))
    ]
    if retext:
        again = read(retext, "str", read_encoding)
        frame = pd.concat([frame.drop(columns=retext), again], axis=1)[positions]
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))

    def texts() -> pd.DataFrame:
        """The planned columns as the file writes them: read again only to show problems."""
        text = read(positions, "str", read_encoding)
        text.index = pd.RangeIndex(first_row, first_row + len(text))
        return text

    return frame, plan, dialect, texts


def refuse_joined_cells(
    frame: pd.DataFrame, plan: Mapping[int, str], dialect: Dialect, names: Names
) -> None:
    """Refuse ID and label cells holding a line break (labels: also the separator).

    Such a cell is what a stray quote makes: the CSV parser reads on to the next quote, and the
    rows in between become one cell.
    """
    problems: list[tuple[Any, Any, Any, Any, str]] = []
    for position, kind in sorted(plan.items()):
        if kind != "text" and kind not in _LABEL_KINDS:
            continue
        values = frame[position]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        marks = "\r\n" + (dialect.sep if kind in _LABEL_KINDS else "")
        if _arrow.holds_ascii(values.array, marks) is False:
            continue  # Arrow text: one pass over its bytes says no cell needs a look
        pattern = "[" + re.escape(marks) + "]"
        text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("string")
        bad = np.flatnonzero(
            text.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)
        )
        header = dialect.header[position]
        for k in bad.tolist():
            cell = str(text.iloc[k])
            what = "a line break" if ("\n" in cell or "\r" in cell) else "the separator"
            problems.append(
                (
                    int(frame.index[k]),
                    names(position) or header,
                    header,
                    cell,
                    f"the {'identifier' if kind == 'text' else 'label'} holds {what}: a stray "
                    'quote (") probably joined the following cells or rows into this one; check '
                    "the quotes in this row of the file",
                )
            )
    if problems:
        raise SchemaError(
            f"{len(problems)} cell(s) hold a line break or separator they cannot hold "
            "(a stray quote in the file?)",
            problems_frame(problems),
        )
