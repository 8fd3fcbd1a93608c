r"""Secondary suppression over a whole release, as a mixed-integer linear programme.

One binary variable :math:`y_q` per quantity says whether it is hidden. The programme

.. math::

    \min \sum_q w_q\, y_q \quad\text{subject to}\quad
    y_q = 1 \text{ for every sensitive } q, \qquad
    \sum_{k \in e,\, k \ne q} y_k \ge y_q \text{ for every equation } e
    \text{ and every } q \in e,

together with covering cuts :math:`\sum_{k \in C} y_k \ge 1` that the audit adds when the
attacker's linear programme still narrows a sensitive quantity, is solved with HiGHS
(:func:`scipy.optimize.milp`). The equation constraints are the classical *line rule* over every
total the release publishes, in any of its tables: no equation may hold exactly one hidden
quantity. The weight :math:`w_q` is the number of published cells the quantity would blank
(its own cells in every table and the cells derived from it), plus a tie-break below one cell
that prefers small positive values and avoids zeros (a hidden zero protects little).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from jobhandicap.errors import DisclosureError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def weights(cells: FloatArray, values: FloatArray) -> FloatArray:
    """Cost of hiding each quantity: cells blanked, plus a tie-break by value (zeros last)."""
    finite = np.where(np.isfinite(values), np.abs(values), 0.0)
    scale = float(finite.max(initial=0.0)) or 1.0
    tie = np.where(finite > 0, 0.5 * finite / scale, 0.5)
    return np.asarray(cells + 0.1 + tie, dtype=np.float64)


def choose(
    n_quantities: int,
    equations: tuple[IntArray, IntArray, IntArray],
    cost: FloatArray,
    forced: BoolArray,
    allowed: BoolArray,
    cuts: Sequence[IntArray],
    *,
    time_limit: float,
) -> tuple[BoolArray, str]:
    """Solve the suppression programme; return the hidden quantities and the solver status.

    Parameters
    ----------
    n_quantities
        Number of quantities.
    equations
        ``(equation, quantity, coefficient)`` triples.
    cost
        Per quantity, the weight of hiding it.
    forced
        Quantities that must be hidden (sensitive ones).
    allowed
        Quantities that may be hidden (an empty quantity protects nothing).
    cuts
        Sets of quantities of which at least one must be hidden.
    time_limit
        Seconds the solver may take; past it, the best pattern found is used.
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    equation, quantity, _ = equations
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    data: list[FloatArray] = []
    n_rows = 0
    n_lines = 0
    if equation.size:
        order = np.lexsort((quantity, equation))
        equation, quantity = equation[order], quantity[order]
        bounds = np.flatnonzero(np.diff(equation)) + 1
        starts = np.r_[0, bounds]
        sizes = np.diff(np.r_[starts, equation.size])
        # One row per (equation, member): all other members minus this one.
        member_row = np.arange(equation.size, dtype=np.int64)
        eq_of_row = np.repeat(np.arange(starts.size), sizes)
        # Pair every row with every member of its equation.
        reps = sizes[eq_of_row]
        left = np.repeat(member_row, reps)
        within = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
        right = np.repeat(starts[eq_of_row], reps) + within
        coef = np.where(left == right, -1.0, 1.0)
        rows.append(left)
        cols.append(quantity[right])
        data.append(coef)
        n_rows = n_lines = int(member_row.size)
    for cut in cuts:
        rows.append(np.full(cut.size, n_rows, dtype=np.int64))
        cols.append(cut.astype(np.int64))
        data.append(np.ones(cut.size))
        n_rows += 1
    lower = forced.astype(np.float64)
    upper = np.where(allowed | forced, 1.0, 0.0)
    constraints = []
    if n_rows:
        matrix = sparse.csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n_rows, n_quantities),
        )
        # Line rows: (others hidden) - (this one hidden) >= 0; cut rows: at least one hidden.
        floor = np.r_[np.zeros(n_lines), np.ones(n_rows - n_lines)]
        constraints.append(LinearConstraint(matrix, lb=floor, ub=np.inf))
    result = milp(
        cost,
        constraints=constraints,
        integrality=np.ones(n_quantities, dtype=np.int64),
        bounds=Bounds(lower, upper),
        options={"time_limit": float(time_limit), "disp": False},
    )
    if result.x is None:
        raise DisclosureError(
            "no suppression pattern protects every small count: a sensitive count is the only "
            "unknown of a published total and nothing else can be hidden with it (a total "
            "equal to one small cell, say). Publish fewer totals, or merge small groups"
        )
    hidden = np.asarray(result.x > 0.5, dtype=bool)
    status = "optimal" if result.status == 0 else "time limit (best pattern found)"
    return hidden, status
