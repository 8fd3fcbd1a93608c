"""Small-cell suppression of published tables and their rendering as text.

This module validates a table and its roles (count, grouping and linked columns, totals),
blanks counts of persons below a threshold (primary suppression), turns every published total
into a linear equation and hands those to :mod:`~jobhandicap.disclosure._secondary` for the
further cells that keep the blanked values from being recovered, then blanks the linked columns
with their counts (:func:`suppress`, returning a :class:`SuppressedTable`);
:func:`render_suppressed` shows the result as text with a marker in every blanked cell.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.disclosure._secondary import (
    across_pairs,
    line_pairs,
    secondary_suppression,
    unprotectable,
)
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    MissingColumnsError,
    OptionError,
    SchemaError,
    problems_frame,
)

__all__ = ["DEFAULT_TOTAL_LABELS", "SuppressedTable", "render_suppressed", "suppress"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Labels that mark a total row (in a label column or the index) or a total count column;
#: compared after stripping blanks and ignoring case.
DEFAULT_TOTAL_LABELS: tuple[str, ...] = (
    "total",
    "totals",
    "total i alt",
    "i alt",
    "ialt",
    "alle",
    "all",
    "samlet",
    "sum",
    "hele landet",
)


@attrs.frozen(eq=False)
class SuppressedTable:
    """A table after small-cell suppression, with the mask of what was blanked.

    Attributes
    ----------
    table : pandas.DataFrame
        The input with suppressed values missing: integer count columns become nullable
        ``Int64``, float columns hold NaN; every other column is unchanged.
    mask : pandas.DataFrame
        Boolean, same index and columns as ``table``: True where this call blanked a value
        (primary, secondary or linked).
    primary : pandas.DataFrame
        Boolean, same shape: True for the cells below the threshold (primary suppression).
        For the publisher's audit only — never show which cells were primary.
    threshold : int
        The threshold used.
    marker : str
        The text :meth:`render` puts in suppressed cells.
    """

    table: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame
    threshold: int
    marker: str

    @property
    def n_suppressed(self) -> int:
        """Number of cells blanked (count and linked cells)."""
        return int(self.mask.to_numpy(dtype=bool).sum())

    def render(self, *, na_rep: str = "", decimals: int | None = None) -> pd.DataFrame:
        """Return the table as text with :attr:`marker` in every suppressed cell.

        Parameters
        ----------
        na_rep, decimals
            As for :func:`render_suppressed`.

        Returns
        -------
        pandas.DataFrame
            ``string`` columns, same index and columns as :attr:`table`.

        Examples
        --------
        >>> import pandas as pd
        >>> suppress(pd.DataFrame({"n": [3, 12]}), count_columns="n").render()
            n
        0  <5
        1  12
        """
        return render_suppressed(
            self.table, self.mask, self.marker, na_rep=na_rep, decimals=decimals
        )


def _listify(value: Any, columns: pd.Index | None = None) -> list[Hashable]:
    """Return a single label or a list-like of labels as a list.

    A tuple is one label when it names a column of ``columns`` (MultiIndex columns), else a
    list of labels.
    """
    if value is None:
        return []
    if isinstance(value, str) or not pd.api.types.is_list_like(value):
        return [value]
    if isinstance(value, tuple) and columns is not None and value in columns:
        return [value]
    return list(value)


def _label_flags(series: pd.Series, labels: frozenset[str]) -> BoolArray:
    """Flag values whose text, stripped and case-folded, is one of ``labels``."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = _label_flags(pd.Series(series.dtype.categories), labels)
        codes = np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)
        if categories.size == 0:
            return np.zeros(len(series), dtype=bool)
        return np.asarray(np.where(codes >= 0, categories[np.maximum(codes, 0)], False))
    text = series.astype(pd.StringDtype()).str.strip().str.casefold()
    return np.asarray(text.isin(list(labels)).to_numpy(dtype=bool, na_value=False), dtype=bool)


def _count_values(table: pd.DataFrame, columns: list[Hashable]) -> FloatArray:
    """Return counts as a rows × columns float matrix (NaN if missing); raise on bad ones."""
    problems: list[tuple[int | None, Any, Any, str]] = []
    blocks: list[FloatArray] = []
    for column in columns:
        series = table[column]
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            problems.append(
                (None, column, str(dtype), "a count column must hold numbers (counts of persons)")
            )
            blocks.append(np.full(len(table), np.nan))
            continue
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.flatnonzero(np.isinf(values) | (values < 0))
        problems.extend(
            (int(row), column, values[row], "a count must be zero or positive") for row in bad
        )
        blocks.append(values)
    if problems:
        raise SchemaError("cannot suppress: bad count column(s)", problems_frame(problems))
    if not blocks:
        return np.zeros((len(table), 0))
    return np.column_stack(blocks)


def blank(series: pd.Series, where: BoolArray) -> pd.Series:
    """Return ``series`` with ``where`` made missing, keeping it numeric.

    Integers become nullable Int64, booleans boolean, categoricals objects (so that a blank
    needs no category); nothing changes where nothing is blanked.
    """
    dtype = series.dtype
    if not where.any():
        return series
    if pd.api.types.is_bool_dtype(dtype):
        series = series.astype(pd.BooleanDtype())
    elif pd.api.types.is_integer_dtype(dtype):
        series = series.astype(pd.Int64Dtype())
    elif isinstance(dtype, pd.CategoricalDtype):
        series = series.astype(object)
    return series.mask(pd.Series(where, index=series.index))


def suppress(
    table: pd.DataFrame,
    *,
    count_columns: Hashable | Sequence[Hashable],
    by: Sequence[Hashable] | None = None,
    threshold: int = 5,
    secondary: bool = True,
    totals: Iterable[Hashable] = (),
    total_labels: Iterable[str] = DEFAULT_TOTAL_LABELS,
    linked_columns: Mapping[Hashable, Sequence[Hashable]] | None = None,
    suppress_zero: bool = False,
    marker: str | None = None,
) -> SuppressedTable:
    r"""Blank small counts of persons, and whatever would let them be recovered from totals.

    *Primary suppression* blanks every count with :math:`1 \le x <` ``threshold``. *Secondary
    suppression* then blanks further cells wherever a published total would let a blanked
    value be recovered by subtraction. Shares, rates and intervals computed from a blanked
    count are blanked with it.

    Two layouts are understood, and may be combined:

    * **wide** (``by=None``): rows × count columns. A row whose index label or label (text or
      categorical) column reads ``"total"``, ``"i alt"``, … is the total row; a count column so
      named is the total column.
    * **long** (``by=[...]``): grouping columns and count column(s). For each grouping column,
      rows that agree on the *other* grouping columns form a line, and the row where that column
      reads ``"total"`` (or another total label) is the line's total. Two grouping columns with
      totals in both give the familiar table with margins; nested totals (subtotals per region
      and a grand total) work too.

    Parameters
    ----------
    table
        The table to publish. Not modified.
    count_columns
        The column(s) of counts of persons or cases (including a total column, if any).
    by
        Grouping columns of a long table; ``None`` for a wide table.
    threshold
        Counts from 1 to ``threshold - 1`` are suppressed (default 5: counts 1–4).
    secondary
        Apply secondary suppression (default True). Turn off only for tables whose totals are
        never published.
    totals
        Totals that are published *outside* the table and must be protected against too:
        ``"row"`` (each row's sum across the count columns), ``"column"`` (each count column's
        sum over the rows; wide layout), or a grouping column of ``by`` (the sum over that
        column within each line). Totals inside the table are found by their labels.
    total_labels
        Labels that mark total rows and columns, compared after stripping blanks and ignoring
        case; default :data:`DEFAULT_TOTAL_LABELS`.
    linked_columns
        For each count column, the columns computed from it (``share``, ``rate``, ``ci_low``,
        ``ci_high``…), blanked in the rows where that count is blanked. Default (``None``): every
        float column that is neither a count nor a grouping column is linked to all count
        columns (blanked where any count of the row is). ``{}`` links nothing.
    suppress_zero
        Also suppress zero counts. Off by default: "no one" is usually not disclosive, but it
        is when a zero reveals something about everyone else in a line (all of a jobcentre's
        applicants were refused, say).
    marker
        Text :meth:`SuppressedTable.render` shows in suppressed cells; default ``"<5"`` (from
        the threshold: ``f"<{threshold}"``).

    Returns
    -------
    SuppressedTable
        ``.table`` (suppressed values missing; integer counts as nullable ``Int64``), ``.mask``
        (True where a value was blanked), ``.primary`` and ``.render()``.

    Raises
    ------
    MissingColumnsError
        When a named column is not in the table.
    SchemaError
        When a count column is not numeric or holds a negative count.
    DisclosureError
        When a suppressed cell cannot be protected (a total declared in ``totals`` equals a
        single cell).
    JobhandicapError
        For other bad arguments (threshold below 1, overlapping roles, several total rows in a
        wide table, an unknown entry in ``totals``).

    See Also
    --------
    render_suppressed : The table as text with a marker in suppressed cells.

    Notes
    -----
    Every published total gives a linear equation: its members sum to it. A line whose
    equation has exactly one unknown (suppressed or missing) cell gives that cell away, so the
    secondary rule [1]_ is: *in every line with a published total, if exactly one cell is
    suppressed, also suppress the smallest other cell of that line* — the total itself counts as
    a cell, and positive cells are preferred to zeros. Each pass applies the rule to all lines
    at once and is repeated until no line has exactly one unknown (a few passes). Lines with no
    published total need no secondary suppression.

    One-unknown lines are not the only attack: combining several lines can still pin down a
    cell (two suppressed 2 × 2 rectangles joined by a single suppressed cell give that cell
    away although every line holds two or more). So the function finally checks the whole
    system — a suppressed cell :math:`x_j` is recoverable iff every solution of
    :math:`A_U x_U = b` agrees on it, i.e. iff column :math:`j` vanishes in every null-space
    vector of the published-lines matrix :math:`A_U` restricted to the unknown cells — and
    suppresses a further cell in a line of any recoverable one, repeating until none is left.
    Last, a clean-up pass offers each secondary cell back, largest first, and publishes it
    again if the table stays protected without it (skipped above 500 secondary cells). The
    result protects every cell against exact recovery; it is not guaranteed to be the
    smallest such pattern (finding that is NP-hard; tools such as τ-ARGUS solve it with
    linear programming).

    Cells that are already missing in the input count as unknown (so an already suppressed
    table passes unchanged), but are not marked in ``.mask``. Fill structural zeros with 0
    before suppressing, or they will be protected like secret values. Totals are not checked
    against the sums of their members.

    The marker is the same for primary and secondary cells: a reader (or attacker) must not be
    able to tell which cell was small. Read it as "suppressed", not as "less than 5".

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, sections 4.2
       (sensitivity rules, threshold rule) and 4.3/5 (secondary cell suppression, frequency
       tables).

    Examples
    --------
    >>> import pandas as pd
    >>> grants = pd.DataFrame(
    ...     {"2017": [40, 3, 9, 52], "2018": [12, 20, 2, 34], "total": [52, 23, 11, 86]},
    ...     index=pd.Index(["aids", "assistance", "mentor", "total"], name="scheme"),
    ... )
    >>> result = suppress(grants, count_columns=["2017", "2018", "total"])
    >>> result.table
                2017  2018  total
    scheme
    aids          40    12     52
    assistance  <NA>  <NA>     23
    mentor      <NA>  <NA>     11
    total         52    34     86
    >>> result.render()
                2017 2018 total
    scheme
    aids          40   12    52
    assistance    <5   <5    23
    mentor        <5   <5    11
    total         52   34    86
    """
    if not isinstance(table, pd.DataFrame):
        raise ArgumentTypeError(f"suppress needs a pandas DataFrame, got {type(table).__name__}")
    if not table.columns.is_unique:
        duplicated = sorted({str(c) for c in table.columns[table.columns.duplicated()]})
        raise JobhandicapError(
            f"the table has duplicate column names {duplicated}; give every column a unique name"
        )
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise ArgumentTypeError(f"threshold must be a whole number of persons, got {threshold!r}")
    if threshold < 1:
        raise OptionError(f"threshold must be at least 1, got {threshold}")
    counts = _listify(count_columns, table.columns)
    groups = _listify(by, table.columns)
    if not counts:
        raise OptionError("count_columns must name at least one column of counts")
    if linked_columns is None:
        roles = set(counts) | set(groups)
        auto = [
            c
            for c in table.columns
            if c not in roles and pd.api.types.is_float_dtype(table[c].dtype)
        ]
        links: dict[Hashable, list[Hashable]] = {c: list(auto) for c in counts}
    else:
        links = {c: _listify(v, table.columns) for c, v in linked_columns.items()}
    linked = list(dict.fromkeys(c for cols in links.values() for c in cols))
    named = [*counts, *groups, *links.keys(), *linked]
    missing = [str(c) for c in dict.fromkeys(named) if c not in table.columns]
    if missing:
        raise MissingColumnsError(missing, list(table.columns), "table to suppress")
    overlap = (set(counts) & set(groups)) | (set(linked) & (set(counts) | set(groups)))
    if overlap:
        raise OptionError(
            f"column(s) {sorted(map(str, overlap))} cannot be both a count and a grouping or "
            "linked column"
        )
    not_counts = [c for c in links if c not in counts]
    if not_counts:
        raise OptionError(
            f"linked_columns keys {sorted(map(str, not_counts))} are not count columns; the "
            f"count columns are {[str(c) for c in counts]}"
        )
    labels = frozenset(str(t).strip().casefold() for t in total_labels)
    declared = _listify(totals)
    accepted = {"row", *groups} if groups else {"row", "column"}
    unknown_totals = [t for t in declared if t not in accepted]
    if unknown_totals:
        raise OptionError(
            f"unknown entries in totals: {unknown_totals}; accepted are "
            f"{sorted(map(str, accepted))}"
        )

    values = _count_values(table, counts)
    n_rows, n_count = values.shape
    flat = values.ravel()
    finite = np.isfinite(flat)
    small = flat < threshold
    positive = flat > 0 if not suppress_zero else flat >= 0
    primary = finite & small & positive

    count_names = pd.Series([str(c) for c in counts], dtype=pd.StringDtype())
    total_columns = np.flatnonzero(_label_flags(count_names, labels))
    if total_columns.size > 1:
        raise JobhandicapError(
            f"{total_columns.size} count columns are named as totals "
            f"({[str(counts[i]) for i in total_columns]}); keep one total column per table"
        )

    equation_parts: list[IntArray] = []
    cell_parts: list[IntArray] = []
    coef_parts: list[IntArray] = []
    n_equations = 0

    def add(parts: tuple[IntArray, IntArray, IntArray, int]) -> None:
        nonlocal n_equations
        equation_parts.append(parts[0])
        cell_parts.append(parts[1])
        coef_parts.append(parts[2])
        n_equations += parts[3]

    if groups:
        for group in groups:
            is_total = _label_flags(table[group], labels)
            others = [g for g in groups if g != group]
            if others:
                grouped = table[others].groupby(others, dropna=False, observed=True, sort=False)
                key: IntArray = np.asarray(grouped.ngroup().to_numpy(), dtype=np.int64)
            else:
                key = np.zeros(n_rows, dtype=np.int64)
            add(line_pairs(is_total, key, group in declared, n_count, n_equations))
    else:
        is_total = np.zeros(n_rows, dtype=bool)
        index = table.index
        if not isinstance(index, pd.RangeIndex):
            for level in range(index.nlevels):
                is_total |= _label_flags(pd.Series(index.get_level_values(level)), labels)
        for label in table.columns:
            if label in counts or label in linked:
                continue
            dtype = table[label].dtype
            if (
                isinstance(dtype, pd.CategoricalDtype)
                or pd.api.types.is_object_dtype(dtype)
                or pd.api.types.is_string_dtype(dtype)
            ):
                is_total |= _label_flags(table[label], labels)
        if is_total.sum() > 1:
            raise JobhandicapError(
                f"{int(is_total.sum())} rows are marked as totals (at row positions "
                f"{np.flatnonzero(is_total)[:10].tolist()}); when a table has subtotals, say "
                "which columns group the rows with by=[...] (long layout)"
            )
        add(
            line_pairs(
                is_total, np.zeros(n_rows, np.int64), "column" in declared, n_count, n_equations
            )
        )
    if total_columns.size == 1:
        add(across_pairs(n_rows, n_count, int(total_columns[0]), n_equations))
    elif "row" in declared:
        add(across_pairs(n_rows, n_count, None, n_equations))

    unknown = primary | ~finite
    if secondary and n_equations:
        equation = np.concatenate(equation_parts)
        cell = np.concatenate(cell_parts)
        coef = np.concatenate(coef_parts)

        def describe(bad_cell: int) -> str:
            return unprotectable(bad_cell, n_count, counts)

        unknown = secondary_suppression(equation, cell, coef, n_equations, flat, unknown, describe)
    suppressed = (unknown & finite).reshape(n_rows, n_count)
    primary_grid = primary.reshape(n_rows, n_count)

    positions: dict[Hashable, int] = {c: i for i, c in enumerate(table.columns)}
    mask: BoolArray = np.zeros((n_rows, table.shape[1]), dtype=bool)
    first: BoolArray = np.zeros((n_rows, table.shape[1]), dtype=bool)
    for j, count in enumerate(counts):
        mask[:, positions[count]] = suppressed[:, j]
        first[:, positions[count]] = primary_grid[:, j]
    for count, targets in links.items():
        blanked = suppressed[:, counts.index(count)]
        for target in targets:
            mask[:, positions[target]] |= blanked

    out = table.copy()
    for target in [*counts, *linked]:
        column = table[target]
        if pd.api.types.is_bool_dtype(column.dtype):
            column = column.astype(pd.BooleanDtype())
        elif pd.api.types.is_integer_dtype(column.dtype):
            column = column.astype(pd.Int64Dtype())  # the documented dtype, blank or not
        out[target] = blank(column, mask[:, positions[target]])
    return SuppressedTable(
        table=out,
        mask=pd.DataFrame(mask, index=table.index, columns=table.columns),
        primary=pd.DataFrame(first, index=table.index, columns=table.columns),
        threshold=int(threshold),
        marker=f"<{int(threshold)}" if marker is None else str(marker),
    )


def render_suppressed(
    table: pd.DataFrame,
    mask: pd.DataFrame,
    marker: str = "<5",
    *,
    na_rep: str = "",
    decimals: int | None = None,
) -> pd.DataFrame:
    """Render a suppressed table as text, with ``marker`` in every suppressed cell.

    Parameters
    ----------
    table
        A table, usually :attr:`SuppressedTable.table`.
    mask
        Boolean frame with the same index as ``table`` and some or all of its columns; True
        marks a suppressed cell (usually :attr:`SuppressedTable.mask`).
    marker
        Text for suppressed cells. The same for primary and secondary cells, so that no one can
        tell which was small.
    na_rep
        Text for values that were missing to begin with.
    decimals
        Round float columns to this many decimals first (``None``: as they are).

    Returns
    -------
    pandas.DataFrame
        Same index and columns as ``table``, every column of dtype ``string``.

    Raises
    ------
    JobhandicapError
        When ``mask`` does not fit ``table`` or is not boolean.

    See Also
    --------
    suppress : Computes the table and the mask.

    Notes
    -----
    Cell :math:`(i, j)` shows ``marker`` if ``mask[i, j]``, else the value's text
    (``na_rep`` if missing). Statistical offices mark suppressed cells with a uniform symbol
    [1]_.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, chapter 4.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"n": pd.array([None, 12], dtype="Int64"), "share": [None, 0.4]})
    >>> mask = pd.DataFrame({"n": [True, False], "share": [True, False]})
    >>> render_suppressed(table, mask, marker="x")
        n share
    0   x     x
    1  12   0.4
    """
    if not isinstance(table, pd.DataFrame) or not isinstance(mask, pd.DataFrame):
        raise ArgumentTypeError("render_suppressed needs a table and a mask, both DataFrames")
    if not mask.index.equals(table.index):
        raise JobhandicapError(
            "the mask's index differs from the table's; pass the mask that suppress() returned "
            "with this table"
        )
    extra = [str(c) for c in mask.columns if c not in table.columns]
    if extra:
        raise JobhandicapError(f"the mask has columns the table lacks: {extra}")
    not_bool = [str(c) for c in mask.columns if not pd.api.types.is_bool_dtype(mask[c].dtype)]
    if not_bool:
        raise JobhandicapError(f"mask columns {not_bool} are not boolean")
    pieces: dict[int, pd.Series] = {}
    for position, column in enumerate(table.columns):
        series = table.iloc[:, position]
        if decimals is not None and pd.api.types.is_float_dtype(series.dtype):
            series = series.round(decimals)
        text = series.astype(pd.StringDtype()).fillna(na_rep)
        if column in mask.columns:
            where = mask[column].to_numpy(dtype=bool, na_value=False)
            text = text.mask(pd.Series(where, index=text.index), marker)
        pieces[position] = text
    out = pd.DataFrame(pieces, index=table.index)
    out.columns = table.columns
    return out
