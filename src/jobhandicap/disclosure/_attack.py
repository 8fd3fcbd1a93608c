r"""The attacker: the range of every hidden quantity given everything a release publishes.

For one ``(universe, measure)`` group of a :class:`~jobhandicap.disclosure._linear.Structure`
the unknowns are the atoms' totals :math:`x \ge 0`. Every published quantity :math:`q` says
:math:`a_q^\top x = v_q`; every hidden count marked as a small count says
:math:`1 \le a_q^\top x \le T - 1`. The range of a hidden quantity :math:`h` is

.. math:: \Big[\min_x a_h^\top x,\; \max_x a_h^\top x\Big]

over that polyhedron: two linear programmes, solved with HiGHS (:func:`scipy.optimize.linprog`)
on the connected block of atoms the quantity touches only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from jobhandicap.disclosure._linear import Structure
from jobhandicap.errors import JobhandicapError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def ranges(
    structure: Structure,
    published: BoolArray,
    values: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    targets: IntArray,
) -> tuple[FloatArray, FloatArray, list[IntArray]]:
    """Return the attacker's lowest and highest value of each target quantity.

    Also returns, per target, the published quantities whose equations bind its range (a
    non-zero dual value in either programme): hiding one of them is what can widen it.

    Parameters
    ----------
    structure
        The release's atoms and quantities.
    published
        Per quantity: its value is published.
    values
        Per quantity: the published value (read where ``published``).
    lower, upper
        Per quantity: bounds the attacker knows for a hidden quantity (from its marker);
        ``0`` and ``inf`` when the marker says nothing.
    targets
        The quantities whose range is wanted.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    low = np.zeros(targets.size)
    high = np.full(targets.size, np.inf)
    binding: list[IntArray] = [np.zeros(0, np.int64)] * targets.size
    for g, (quantity, atom) in enumerate(structure.atoms):
        in_group = structure.quantity_group[targets] == g
        if not in_group.any():
            continue
        n_atoms = int(structure.n_atoms[g])
        ids = np.unique(quantity)
        local = np.searchsorted(ids, quantity)
        matrix = sparse.csr_matrix(
            (np.ones(quantity.size), (local, atom)), shape=(ids.size, n_atoms)
        )
        known = published[ids]
        bounded = ~known & ((lower[ids] > 0) | np.isfinite(upper[ids]))
        rows = np.flatnonzero(known | bounded)
        constraint = matrix[rows]
        # Blocks of atoms linked by a constraint; each target needs only its own blocks.
        blocks: Any = [[None, constraint], [constraint.T, None]]
        graph: Any = sparse.bmat(blocks).tocsr()
        _, component = connected_components(graph, directed=False)
        row_block = component[: rows.size]
        atom_block = component[rows.size :]
        for position in np.flatnonzero(in_group):
            target = int(targets[position])
            t_row = matrix[int(np.searchsorted(ids, target))]
            t_atoms = t_row.indices
            if t_atoms.size == 0:
                low[position] = high[position] = 0.0
                continue
            if not np.isin(atom_block[t_atoms], row_block).any():
                continue  # no constraint touches it: [0, inf)
            blocks = np.unique(atom_block[t_atoms])
            use_atoms = np.flatnonzero(np.isin(atom_block, blocks))
            use_rows = np.flatnonzero(np.isin(row_block, blocks))
            low[position], high[position], binding[position] = _solve(
                constraint[use_rows][:, use_atoms],
                t_row[:, use_atoms],
                rows[use_rows],
                ids,
                known,
                values,
                lower,
                upper,
            )
    return low, high, binding


def _solve(
    block: Any,
    objective: Any,
    rows: IntArray,
    ids: IntArray,
    known: BoolArray,
    values: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
) -> tuple[float, float, IntArray]:
    """Minimise and maximise the objective over one block of constraints.

    Returns the minimum, the maximum and the published quantities whose equations bind them.
    """
    from scipy import sparse
    from scipy.optimize import linprog

    a = sparse.csr_matrix(block)
    c = np.asarray(sparse.csr_matrix(objective).todense()).ravel()
    quantity = ids[rows]
    equal = known[rows]
    a_eq = a[np.flatnonzero(equal)] if equal.any() else None
    b_eq = values[quantity[equal]] if equal.any() else None
    upper_rows = np.flatnonzero(~equal & np.isfinite(upper[quantity]))
    lower_rows = np.flatnonzero(~equal & (lower[quantity] > 0))
    parts = []
    rhs: list[FloatArray] = []
    if upper_rows.size:
        parts.append(a[upper_rows])
        rhs.append(upper[quantity[upper_rows]])
    if lower_rows.size:
        parts.append(-a[lower_rows])
        rhs.append(-lower[quantity[lower_rows]])
    a_ub = sparse.vstack(parts).tocsr() if parts else None
    b_ub = np.concatenate(rhs) if rhs else None
    out: list[float] = []
    binds: list[IntArray] = []
    equal_quantities = quantity[equal]
    for sign in (1.0, -1.0):
        result: Any = linprog(  # type: ignore[call-overload]
            sign * c,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 3:  # unbounded: only the maximum can be
            out.append(np.inf if sign < 0 else 0.0)
        elif result.status == 0:
            out.append(sign * float(result.fun or 0.0))
            if a_eq is not None and result.eqlin is not None:
                duals = np.asarray(result.eqlin.marginals, dtype=np.float64)
                binds.append(equal_quantities[np.abs(duals) > 1e-9])
        else:
            raise JobhandicapError(
                "the published values are inconsistent (no counts satisfy every published "
                f"total): the linear programme of the audit reports {result.message!r}. Check "
                "that the tables come from the same data"
            )
    found = np.unique(np.concatenate(binds)) if binds else np.zeros(0, np.int64)
    return out[0], out[1], found.astype(np.int64)
