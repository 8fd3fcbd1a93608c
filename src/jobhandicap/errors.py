"""Exceptions and warnings raised by jobhandicap.

Every error the library raises on purpose derives from :class:`JobhandicapError`, so a caller can
catch the library's complaints about its input without catching programming errors. Errors about
the shape or content of a table (:class:`SchemaError` and its subclasses) carry a ``problems``
frame that lists *every* problem found — row, column, value and what would have been accepted —
not just the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from jobhandicap._personal_numbers import HIDDEN, scrub_text

__all__ = [
    "PROBLEM_COLUMNS",
    "ArgumentTypeError",
    "DataQualityWarning",
    "DisclosureError",
    "JobhandicapError",
    "MissingColumnsError",
    "OptionError",
    "SchemaError",
    "SmallSampleWarning",
    "UnknownLabelError",
    "problems_frame",
]

#: Columns of the ``problems`` frame carried by :class:`SchemaError`.
PROBLEM_COLUMNS = ("row", "column", "header", "value", "message")

#: How many problems a message spells out before it says "and N more".
_SHOWN_IN_MESSAGE = 10


class JobhandicapError(Exception):
    """Base class of every error jobhandicap raises about its input.

    Its text never holds a Danish personal number: every text argument, and ``str()`` of the
    error, has each personal number (in any spelling) replaced by ``<personal number hidden>``,
    so a value quoted in a message cannot leak into a terminal, a log or a page. Attributes
    such as :attr:`SchemaError.problems` keep the raw values for the analyst.

    Examples
    --------
    >>> str(JobhandicapError("unknown municipality '210190-2121'"))
    "unknown municipality '<personal number hidden>'"
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub_text(a) if isinstance(a, str) else a for a in args))

    def __str__(self) -> str:
        return scrub_text(super().__str__())


class OptionError(JobhandicapError, ValueError):
    """An option has a value the function does not accept (also a :class:`ValueError`).

    The message names the option, the value given and what would be accepted.

    Examples
    --------
    >>> err = OptionError("lang must be 'da' or 'en', got 'fr'")
    >>> isinstance(err, ValueError), isinstance(err, JobhandicapError)
    (True, True)
    """


class ArgumentTypeError(JobhandicapError, TypeError):
    """An argument has the wrong type (also a :class:`TypeError`).

    Examples
    --------
    >>> err = ArgumentTypeError("cases must be a pandas DataFrame, got list")
    >>> isinstance(err, TypeError), isinstance(err, JobhandicapError)
    (True, True)
    """


class SmallSampleWarning(UserWarning):
    """An estimate rests on a base too small to be trusted.

    Indicators warn once per call when a group's base is empty or below
    ``jobhandicap._defaults.SMALL_BASE`` (30); the estimate is still returned, with its
    (wide) interval. docs/conventions.md says which base each indicator counts.

    Like the errors, its text never holds a personal number.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub_text(a) if isinstance(a, str) else a for a in args))

    def __str__(self) -> str:
        return scrub_text(super().__str__())


class DataQualityWarning(UserWarning):
    """The data can be used, but something in them weakens or distorts an estimate.

    For example an item of a scale that every respondent answered alike (it adds nothing to
    the scale), or an item that loads negatively on the scale's common factor (usually a
    reverse-worded item that was not declared reversed). The warning names the item and what
    it means; the estimate is still returned. Unlike :class:`SmallSampleWarning` it is not
    about the size of the base. Like the errors, its text never holds a personal number.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("item 'q3' is constant", DataQualityWarning)
    >>> caught[0].category.__name__
    'DataQualityWarning'
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub_text(a) if isinstance(a, str) else a for a in args))

    def __str__(self) -> str:
        return scrub_text(super().__str__())


class DisclosureError(JobhandicapError):
    """Output would reveal a person: a personal identifier or an unsuppressed small cell."""


def problems_frame(rows: Iterable[Sequence[Any]] = ()) -> pd.DataFrame:
    """Build a ``problems`` frame from ``(row, column, value, message)`` tuples.

    Parameters
    ----------
    rows
        One tuple per problem: ``(row, column, value, message)``, or
        ``(row, column, header, value, message)`` when the column came from a file under a
        header of the user's own. ``row`` is the row as a spreadsheet shows it (the header is
        row 1, the first data row is row 2; ``None`` when the problem concerns the whole
        table), ``column`` the canonical column name (``None`` for a whole row), ``header``
        the column's header as written in the file (``None`` when the table came from no
        file), ``value`` the offending cell as written in the file (shown as
        text) and ``message`` what was wrong and what would be accepted.

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (nullable integer), ``column``, ``header``, ``value``, ``message``
        (strings).

    Examples
    --------
    >>> problems_frame([(3, "scheme", "Ordning", "hjælpemidlr", "unknown scheme")])
       row  column   header        value         message
    0    3  scheme  Ordning  hjælpemidlr  unknown scheme
    """
    records = []
    for record in rows:
        record = tuple(record)
        if len(record) == len(PROBLEM_COLUMNS) - 1:
            record = (record[0], record[1], None, record[2], record[3])
        if len(record) != len(PROBLEM_COLUMNS):
            raise ValueError(
                scrub_text(
                    "a problem is a (row, column, value, message) or (row, column, header, "
                    f"value, message) tuple, got {record!r}"
                )
            )
        records.append(record)
    columns = list(zip(*records, strict=True)) if records else [()] * len(PROBLEM_COLUMNS)
    return pd.DataFrame(
        {
            "row": pd.array(list(columns[0]), dtype="Int64"),
            "column": pd.array(
                [None if c is None else str(c) for c in columns[1]], dtype="string"
            ),
            "header": pd.array(
                [None if h is None else str(h) for h in columns[2]], dtype="string"
            ),
            "value": pd.array([_show(v) for v in columns[3]], dtype="string"),
            "message": pd.array([str(m) for m in columns[4]], dtype="string"),
        }
    )


def _show(value: Any) -> str | None:
    """Render an offending value as short text for a problems table."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return "<missing>"
    except (TypeError, ValueError):
        pass
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class SchemaError(JobhandicapError, ValueError):
    """A table (or a record) does not meet its schema.

    Parameters
    ----------
    message
        A one-line summary. When ``problems`` is given, the first problems are appended to it.
    problems
        A frame with columns ``row``, ``column``, ``header``, ``value``, ``message``: every
        problem found (see :func:`problems_frame`).
    accepted
        What a column accepts, by column name, when that is too long to repeat on every
        problem line (the 98 municipalities, the 14 target groups): said once, after the
        problems, as ``accepted target_group values: ...``.

    Attributes
    ----------
    problems : pandas.DataFrame
        Every problem found, one row each.
    accepted : dict
        The ``accepted`` texts by column name (empty when every message says it itself).

    Examples
    --------
    >>> error = SchemaError(
    ...     "the cases table does not meet its schema",
    ...     problems_frame([(2, "target_group", "Målgruppe", "flexjob2", "not a target group")]),
    ...     accepted={"target_group": "'flex-job', 'sickness benefit', ..."},
    ... )
    >>> print(error)
    the cases table does not meet its schema (1 problem):
      - row 2, column 'Målgruppe' (target_group), value flexjob2: not a target group
      accepted target_group values: 'flex-job', 'sickness benefit', ...
    """

    def __init__(
        self,
        message: str,
        problems: pd.DataFrame | None = None,
        accepted: Mapping[str, str] | None = None,
    ) -> None:
        self.problems = problems_frame() if problems is None else _complete(problems)
        self.summary = scrub_text(message)
        self.accepted = {str(k): scrub_text(str(v)) for k, v in (accepted or {}).items()}
        super().__init__(self._compose(message, self.problems, self.accepted))

    @staticmethod
    def _compose(message: str, problems: pd.DataFrame, accepted: Mapping[str, str]) -> str:
        """The message with the first problems; values and columns with personal numbers hidden.

        ``.problems`` keeps the raw values: only the text is cleaned.
        """
        if problems.empty and not accepted:
            return message
        count = len(problems)
        lines = [f"{message} ({count} problem{'s' if count != 1 else ''}):"]
        for row, column, header, value, text in (
            problems[list(PROBLEM_COLUMNS)].head(_SHOWN_IN_MESSAGE).itertuples(index=False)
        ):
            lines.append(f"  - {_where(row, column, header, value)}: {scrub_text(str(text))}")
        if count > _SHOWN_IN_MESSAGE:
            lines.append(f"  ... and {count - _SHOWN_IN_MESSAGE} more (see .problems)")
        lines.extend(f"  accepted {column} values: {text}" for column, text in accepted.items())
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.summary, self.problems, self.accepted))


def _where(row: Any, column: Any, header: Any = None, value: Any = None) -> str:
    """Where a problem is, as a message says it: ``row 3, column 'Ordning' (scheme), value x``.

    The column is named by the user's header when it differs from the canonical name, with
    the canonical name after it; a value holding a personal number is hidden.

    Examples
    --------
    >>> _where(3, "scheme", "Ordning", "hjælpemidlr")
    "row 3, column 'Ordning' (scheme), value hjælpemidlr"
    >>> _where(None, "scheme")
    'column scheme'
    """
    parts = []
    if not _missing(row):
        parts.append(f"row {row}")
    if not _missing(column):
        if _missing(header) or str(header) == str(column):
            parts.append(f"column {_hide(str(column))}")
        else:
            parts.append(f"column {_hide(repr(str(header)))} ({_hide(str(column))})")
    elif not _missing(header):
        parts.append(f"column {_hide(repr(str(header)))}")
    if not _missing(value):
        parts.append(f"value {_hide(str(value))}")
    return ", ".join(parts) or "table"


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _complete(problems: pd.DataFrame) -> pd.DataFrame:
    """A problems frame with every column of :data:`PROBLEM_COLUMNS` and a fresh index."""
    problems = problems.reset_index(drop=True)
    if "header" not in problems.columns:
        problems.insert(
            min(2, len(problems.columns)),
            "header",
            pd.Series([None] * len(problems), dtype="string"),
        )
    return problems


def _hide(text: str) -> str:
    """``text``, or the hidden form when it holds a personal number anywhere."""
    return text if scrub_text(text) == text else HIDDEN


class UnknownLabelError(SchemaError):
    """A label (scheme, target group, municipality, Likert answer, …) is not recognised.

    Parameters
    ----------
    label
        The label that was given.
    kind
        What it should have named, for example ``"compensation scheme"``.
    matches
        The closest accepted labels, best first.
    row, column
        Where the label stood, when it came from a table.
    """

    def __init__(
        self,
        label: object,
        kind: str,
        matches: Sequence[str] = (),
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.label = label
        self.kind = kind
        self.matches = tuple(matches)
        hint = f"; did you mean {', '.join(repr(m) for m in self.matches)}?" if matches else ""
        message = f"unknown {kind} {label!r}{hint}"
        super().__init__(message, problems_frame([(row, column, label, message)]))
        # The one-line message reads better than the generic problems listing.
        self.args = (scrub_text(message),)

    def __str__(self) -> str:
        return scrub_text(str(self.args[0]))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_unknown_label, (self.label, self.kind, self.matches))


def _rebuild_unknown_label(label: object, kind: str, matches: Sequence[str]) -> UnknownLabelError:
    return UnknownLabelError(label, kind, matches)


class MissingColumnsError(SchemaError, KeyError):
    """Required columns are missing from a table.

    Parameters
    ----------
    missing
        The required columns that are absent.
    available
        The columns the table does have.
    what
        What the table was meant to be, for example ``"cases"``.
    detail
        A sentence appended to the message (for a workbook: which sheet was read, and which
        other sheets there are).
    hints
        Per missing column, text shown after its name: the headers that would be accepted, a
        header of the file that looks like one of them.
    """

    def __init__(
        self,
        missing: Sequence[str],
        available: Sequence[object],
        what: str = "table",
        detail: str | None = None,
        *,
        hints: Mapping[str, str] | None = None,
    ) -> None:
        self.missing = tuple(missing)
        self.available = tuple(str(c) for c in available)
        self.what = what
        self.detail = detail
        self.hints = dict(hints or {})

        def named(column: str) -> str:
            hint = self.hints.get(column)
            return f"{column!r} ({hint})" if hint else repr(column)

        message = (
            f"the {what} table lacks required column(s) "
            f"{'; '.join(map(named, self.missing))}; "
            f"it has {', '.join(map(repr, self.available)) or 'no columns'}"
        )
        if detail:
            message = f"{message}. {detail}"
        problems = problems_frame(
            (None, column, None, f"required column {named(column)} is missing")
            for column in missing
        )
        SchemaError.__init__(self, message, problems)
        self.args = (scrub_text(message),)

    def __str__(self) -> str:
        # KeyError would otherwise quote the message.
        return scrub_text(str(self.args[0]))

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_missing_columns,
            (self.missing, self.available, self.what, self.detail, self.hints),
        )


def _rebuild_missing_columns(
    missing: Sequence[str],
    available: Sequence[str],
    what: str,
    detail: str | None,
    hints: Mapping[str, str],
) -> MissingColumnsError:
    return MissingColumnsError(missing, available, what, detail, hints=hints)
