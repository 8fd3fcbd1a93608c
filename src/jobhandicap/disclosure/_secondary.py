"""Secondary suppression: totals as linear equations, and the cells that keep blanks secret.

Every published total says that its members sum to it. This module builds those equations (one
per line of a table, as ``(equation, cell, coefficient)`` triples), and chooses the further
cells to suppress so that no blanked value can be recovered: first by the line rule (a line
with exactly one unknown cell gets its smallest other cell suppressed too), then by checking the
whole system for cells that the published values still determine (a null-space test per
connected block of unknowns), and last by a clean-up pass that publishes again any secondary
cell the protection does not need.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.errors import DisclosureError

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def line_pairs(
    is_total: BoolArray, key: IntArray, declared: bool, n_count: int, start: int
) -> tuple[IntArray, IntArray, IntArray, int]:
    """Equations of one row dimension: each total row equals the sum of its line's members.

    Lines are the rows sharing ``key``; a line's members are its non-total rows. Each total row
    gives one equation per count column (members +1, total -1). With ``declared``, a line with
    no total row still gets an equation of its members (its total is published elsewhere).
    Returns ``(equation, cell, coefficient, number of equation ids used)``; a cell is
    ``row * n_count + column``.
    """
    rows = np.arange(is_total.size, dtype=np.int64)
    members = pd.DataFrame({"key": key[~is_total], "row": rows[~is_total]})
    total_rows = rows[is_total]
    totals = pd.DataFrame(
        {"key": key[is_total], "line": np.arange(total_rows.size, dtype=np.int64)}
    )
    joined = totals.merge(members, on="key", how="inner")
    line_m = joined["line"].to_numpy(dtype=np.int64)
    row_m = joined["row"].to_numpy(dtype=np.int64)
    line_t = np.unique(line_m)  # total rows that have members
    row_t = total_rows[line_t]
    n_lines = int(total_rows.size)
    line_parts = [line_m, line_t]
    row_parts = [row_m, row_t]
    coef_parts = [np.ones(line_m.size, np.int64), -np.ones(line_t.size, np.int64)]
    if declared:
        orphan = ~np.isin(members["key"].to_numpy(), key[is_total])
        orphan_keys = members["key"].to_numpy()[orphan]
        _, line_d = np.unique(orphan_keys, return_inverse=True)
        line_parts.append(n_lines + line_d.astype(np.int64))
        row_parts.append(members["row"].to_numpy(dtype=np.int64)[orphan])
        coef_parts.append(np.ones(orphan_keys.size, np.int64))
        n_lines += int(np.unique(orphan_keys).size)
    line = np.concatenate(line_parts)
    row = np.concatenate(row_parts)
    coef = np.concatenate(coef_parts)
    column = np.tile(np.arange(n_count, dtype=np.int64), line.size)
    equation = start + np.repeat(line, n_count) * n_count + column
    cell = np.repeat(row, n_count) * n_count + column
    return equation, cell, np.repeat(coef, n_count), n_lines * n_count


def across_pairs(
    n_rows: int, n_count: int, total_column: int | None, start: int
) -> tuple[IntArray, IntArray, IntArray, int]:
    """Equations across the count columns of each row: members sum to the total column.

    With ``total_column=None`` the row sums are published elsewhere (all columns are members).
    """
    columns = np.arange(n_count, dtype=np.int64)
    member_columns = columns if total_column is None else columns[columns != total_column]
    if member_columns.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, 0
    rows = np.arange(n_rows, dtype=np.int64)
    equation = [start + np.repeat(rows, member_columns.size)]
    cell = [(rows[:, None] * n_count + member_columns[None, :]).ravel()]
    coef = [np.ones(n_rows * member_columns.size, np.int64)]
    if total_column is not None:
        equation.append(start + rows)
        cell.append(rows * n_count + total_column)
        coef.append(-np.ones(n_rows, np.int64))
    return np.concatenate(equation), np.concatenate(cell), np.concatenate(coef), n_rows


def _smallest(
    groups: IntArray, cells: IntArray, values: FloatArray, reach: IntArray | None = None
) -> tuple[IntArray, IntArray]:
    """Per group, the candidate cell with the smallest value (positive values first).

    Returns the groups and their chosen cells. Zeros come last because a zero as the
    complementary cell gives weak protection (a known structural zero gives none). With
    ``reach`` (per candidate: how many lines at risk it would protect), a cell protecting
    more lines wins before a smaller one, so lines at risk in the same pass share a complement
    instead of each taking its own.
    """
    v = values[cells]
    by_reach = np.zeros(cells.size, np.int64) if reach is None else -reach
    order = np.lexsort((cells, v, by_reach, v == 0, groups))
    g, c = groups[order], cells[order]
    first = np.ones(g.size, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    return g[first], c[first]


def unprotectable(cell: int, n_count: int, columns: list[Hashable]) -> str:
    """Explain why a suppressed cell cannot be protected (by position, never by value)."""
    row, column = divmod(int(cell), n_count)
    return (
        f"cannot protect the suppressed cell at row position {row}, "
        f"column {columns[column]!r}: a published total determines it and no other cell of "
        "its line is left to suppress. Do not declare that total published (totals=...), or "
        "drop the total from the table"
    )


def _line_rule(
    equation: IntArray,
    cell: IntArray,
    n_equations: int,
    values: FloatArray,
    unknown: BoolArray,
    describe: Any,
) -> BoolArray:
    """Suppress, pass after pass, the smallest other cell of every line with one unknown."""
    unknown = unknown.copy()
    while True:
        in_pair = unknown[cell]
        n_unknown = np.bincount(equation, weights=in_pair, minlength=n_equations)
        single = n_unknown == 1
        if not single.any():
            return unknown
        candidate = single[equation] & ~in_pair
        reach = np.bincount(cell[candidate], minlength=unknown.size)
        groups, chosen = _smallest(
            equation[candidate], cell[candidate], values, reach[cell[candidate]]
        )
        stuck = single.copy()
        stuck[groups] = False
        if stuck.any():
            bad = np.flatnonzero(stuck[equation] & in_pair)
            raise DisclosureError(describe(cell[bad[0]]))
        unknown[chosen] = True


def _components(eq_local: IntArray, cell_local: IntArray, n_eq: int) -> IntArray:
    """Label each cell with its connected block (cells linked through shared equations).

    Minimum-label propagation over the cell–equation graph, vectorised per pass; the number of
    passes is the diameter of the largest block.
    """
    label = np.arange(int(cell_local.max(initial=-1)) + 1, dtype=np.int64)
    while True:
        per_equation = np.full(n_eq, label.size, dtype=np.int64)
        np.minimum.at(per_equation, eq_local, label[cell_local])
        new = label.copy()
        np.minimum.at(new, cell_local, per_equation[eq_local])
        if np.array_equal(new, label):
            return label
        label = new


def determined_cells(
    equation: IntArray, cell: IntArray, coef: IntArray, unknown: BoolArray
) -> IntArray:
    """Unknown cells whose value the published cells and totals determine exactly.

    The published table fixes :math:`A_U x_U = b` for the unknown cells :math:`x_U`; a cell
    is determined iff it is zero in every null-space vector of :math:`A_U`, i.e. iff the unit
    vector :math:`e_j` lies in the row space of :math:`A_U` (its projection there, from the
    singular value decomposition, has norm one). Solved per connected block of unknowns, so
    the matrices stay small.
    """
    keep = unknown[cell]
    if not keep.any():
        return np.zeros(0, np.int64)
    eq_ids, eq_local = np.unique(equation[keep], return_inverse=True)
    cell_ids, cell_local = np.unique(cell[keep], return_inverse=True)
    coefs = coef[keep].astype(np.float64)
    n_eq = eq_ids.size
    component = _components(eq_local, cell_local, n_eq)
    pair_component = component[cell_local]
    order = np.argsort(pair_component, kind="stable")
    bounds = np.flatnonzero(np.diff(pair_component[order])) + 1
    found: list[IntArray] = []
    for block in np.split(order, bounds):
        rows, local_eq = np.unique(eq_local[block], return_inverse=True)
        cols, local_cell = np.unique(cell_local[block], return_inverse=True)
        matrix = np.zeros((rows.size, cols.size))
        matrix[local_eq, local_cell] = coefs[block]
        _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        tolerance = max(matrix.shape) * np.finfo(np.float64).eps * singular.max(initial=0.0)
        rank = int((singular > tolerance).sum())
        # e_j lies in the row space iff its projection onto the row space has norm one.
        in_row_space = np.einsum("ij,ij->j", vt[:rank], vt[:rank])
        found.append(cell_ids[cols[in_row_space > 1.0 - 1e-9]])
    return np.concatenate(found).astype(np.int64)


#: Above this many secondary cells the clean-up pass (one system check per cell) is skipped.
_CLEANUP_LIMIT = 500


def _protected(
    equation: IntArray, cell: IntArray, coef: IntArray, n_equations: int, unknown: BoolArray
) -> bool:
    """Tell whether no line has exactly one unknown and no unknown cell is determined."""
    n_unknown = np.bincount(equation, weights=unknown[cell], minlength=n_equations)
    if (n_unknown == 1).any():
        return False
    return determined_cells(equation, cell, coef, unknown).size == 0


def secondary_suppression(
    equation: IntArray,
    cell: IntArray,
    coef: IntArray,
    n_equations: int,
    values: FloatArray,
    unknown: BoolArray,
    describe: Any,
) -> BoolArray:
    """Secondary suppression: the line rule, complements for cells still determined, clean-up.

    The clean-up pass offers every secondary cell back, largest first, and publishes it again
    when the table stays protected without it (the passes above, choosing for many lines at
    once, can take more complements than needed).
    """
    fixed = unknown.copy()  # primary and missing cells are never published again
    while True:
        unknown = _line_rule(equation, cell, n_equations, values, unknown, describe)
        determined = determined_cells(equation, cell, coef, unknown)
        if determined.size == 0:
            break
        # Candidates: published cells sharing a line with a determined cell.
        pairs = pd.DataFrame({"equation": equation, "cell": cell})
        hit = pairs[np.isin(cell, determined)].rename(columns={"cell": "target"})
        open_cells = pairs[~unknown[cell]]
        joined = hit.merge(open_cells, on="equation", how="inner")
        targets, chosen = _smallest(
            joined["target"].to_numpy(dtype=np.int64),
            joined["cell"].to_numpy(dtype=np.int64),
            values,
        )
        stuck = np.setdiff1d(determined, targets)
        if stuck.size:
            raise DisclosureError(describe(stuck[0]))
        unknown = unknown.copy()
        unknown[chosen] = True
    extra = np.flatnonzero(unknown & ~fixed)
    if extra.size <= _CLEANUP_LIMIT:
        for candidate in extra[np.lexsort((-extra, -values[extra]))]:
            trial = unknown.copy()
            trial[candidate] = False
            if _protected(equation, cell, coef, n_equations, trial):
                unknown = trial
    return unknown
