"""One protection for a whole release.

A *release* is every table one report or one export publishes. :func:`protect` decides, for the
release as a whole, which cells to hide: a quantity shown in several tables gets one decision,
every margin published anywhere is a total for the tables whose cells it sums, and the further
(secondary) cells are chosen over the whole release by a mixed-integer programme
(:mod:`~jobhandicap.disclosure._optimise`) refined by the attacker's linear programmes
(:mod:`~jobhandicap.disclosure._attack`) until none of them narrows a small count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.disclosure import _optimise
from jobhandicap.disclosure._audit import (
    attack_release,
    audit_problem,
    audit_verdict,
    check_options,
    required_hidden,
)
from jobhandicap.disclosure._problem import (
    Problem,
    build,
    count_quantities,
    hidden_before_protection,
    infer_specs,
)
from jobhandicap.disclosure._spec import TableSpec
from jobhandicap.disclosure._suppression import DEFAULT_TOTAL_LABELS, blank
from jobhandicap.errors import DisclosureError

__all__ = ["SECONDARY_MARKER", "Release", "protect"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Marker of cells hidden to protect another cell, or derived from a hidden one.
SECONDARY_MARKER = "x"
#: Rounds of the audit-and-cut loop before protection gives up.
_MAX_ROUNDS = 100


@attrs.frozen(kw_only=True, eq=False)
class Release:
    """A protected release: the tables with hidden cells missing, and their markers.

    Attributes
    ----------
    tables
        Each table with hidden cells missing (integer columns become nullable ``Int64``).
    markers
        Per table, a frame of the same shape: ``""`` for a shown cell, the small-count marker
        (``"<5"``) for a hidden small count, :data:`SECONDARY_MARKER` (``"x"``) for a cell
        hidden to protect another or derived from a hidden one.
    threshold
        Counts from 1 to ``threshold - 1`` were hidden.
    status
        The optimiser's status and the number of audit rounds.
    """

    tables: Mapping[str, pd.DataFrame]
    markers: Mapping[str, pd.DataFrame]
    threshold: int
    status: str
    _problem: Problem
    _hidden: BoolArray
    _options: Mapping[str, Any]

    @property
    def small_marker(self) -> str:
        """The marker of a hidden small count."""
        return f"<{self.threshold}"

    def render(self, name: str, *, na_rep: str = "") -> pd.DataFrame:
        """Return table ``name`` as text, with its marker in every hidden cell.

        Examples
        --------
        >>> import pandas as pd
        >>> grants = pd.DataFrame({"scheme": ["aids", "mentor", "total"], "n": [40, 3, 43]})
        >>> release = protect({"grants": grants}, {"grants": TableSpec(measures=["n"],
        ...                                                         by=["scheme"])})
        >>> release.render("grants")
           scheme   n
        0    aids   x
        1  mentor  <5
        2   total  43
        """
        table = self.tables[name]
        markers = self.markers[name]
        text = table.astype(object).where(table.notna(), na_rep).astype(str)
        return text.mask(markers != "", markers).astype(pd.StringDtype())

    @property
    def hidden_share(self) -> float:
        """Share of the tables' count and amount cells that are hidden."""
        shown = hidden = 0
        for name, spec in self._problem.specs.items():
            columns = [m.column for m in spec.measures if m.column is not None]
            marks = self.markers[name][columns].to_numpy()
            hidden += int((marks != "").sum())
            shown += int(marks.size)
        return hidden / shown if shown else 0.0

    def audit(self) -> pd.DataFrame:
        """Attack this release (see :func:`audit`)."""
        return audit_problem(
            self._problem,
            published=~self._hidden,
            small=self._problem.sensitive & self._hidden,
            **self._options,
        )


def _cell_cost(problem: Problem) -> FloatArray:
    """Per quantity: the published cells (own and derived) that hiding it blanks."""
    n = problem.structure.n_quantities
    cells = np.zeros(n)
    for family, quantity in zip(problem.families, problem.structure.cell_quantity, strict=True):
        if family.shown:
            shown = np.asarray(family.shown, dtype=np.int64)[:, 0]
            cells += np.bincount(quantity[shown], minlength=n)
        if family.derived:
            derived = np.asarray([d[0] for d in family.derived], dtype=np.int64)
            cells += np.bincount(quantity[derived], minlength=n)
    return cells


def _cut(problem: Problem, hidden: BoolArray, allowed: BoolArray, target: int) -> IntArray:
    """Quantities of which at least one more must be hidden to widen ``target``'s range.

    Published quantities sharing an equation with ``target`` or with a hidden quantity that
    shares one with it; failing those, published quantities overlapping its atoms.
    """
    equation, quantity, _ = problem.structure.equations
    open_ = ~hidden & allowed
    if equation.size:
        first = np.unique(equation[quantity == target])
        near = np.unique(quantity[np.isin(equation, first)])
        second = np.unique(equation[np.isin(quantity, near[hidden[near]])])
        members = np.unique(quantity[np.isin(equation, second)])
        candidates = members[open_[members]]
        if candidates.size:
            return candidates.astype(np.int64)
    g = problem.structure.quantity_group[target]
    q, a = problem.structure.atoms[g]
    atoms = a[q == target]
    overlapping = np.unique(q[np.isin(a, atoms)])
    return np.asarray(overlapping[open_[overlapping]], dtype=np.int64)


def _locate(problem: Problem, quantity: int) -> str:
    """Where a quantity is shown, for a message: table, spreadsheet-like row and column."""
    for family, cells in zip(problem.families, problem.structure.cell_quantity, strict=True):
        positions = [(c, r) for c, r in family.shown if cells[c] == quantity]
        if positions:
            row = positions[0][1]
            return (
                f"table {family.table!r}, row {row + 2} as a spreadsheet shows it, column "
                f"{family.column!r}"
            )
        derived = [(c, r, col) for c, r, col in family.derived if cells[c] == quantity]
        if derived:
            _, row, column = derived[0]
            return (
                f"table {family.table!r}, row {row + 2} as a spreadsheet shows it: the total "
                f"behind column {column!r}"
            )
    return "a quantity no table shows"


def protect(
    tables: Mapping[str, pd.DataFrame],
    specs: Mapping[str, TableSpec] | None = None,
    *,
    counts: Sequence[str] = (),
    microdata: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    weights: str | Mapping[str, str] | None = None,
    threshold: int = 5,
    dominance: tuple[int, float] = (2, 0.85),
    min_width: float | None = None,
    amount_protection: float = 0.2,
    total_labels: Iterable[str] = DEFAULT_TOTAL_LABELS,
    time_limit: float = 60.0,
) -> Release:
    r"""Protect every table of a release at once: one decision per quantity, audited.

    Parameters
    ----------
    tables
        The release: every table to be published, by name. Not modified.
    specs
        Per table, its :class:`TableSpec` (keys and measures). Default: inferred from
        ``counts`` — the named count columns, every float column derived from them, every other
        column a key.
    counts
        Count columns, when ``specs`` is not given.
    microdata
        Unit data behind the tables (a frame, or frames by universe name), with the key
        columns, the ``units`` flag columns and the amount columns the specs name. With it,
        only combinations that occur are considered, every table is checked against it, and
        amounts get the dominance rule. Without it, cells are sums over the grid of every
        combination of the tables' key values.
    weights
        Column of ``microdata`` with the number of units each row stands for (default 1); a
        mapping of universe name to column when the unit data of several universes differ.
    threshold
        Counts from 1 to ``threshold - 1`` are small (default 5; 3 is Statistics Denmark's rule
        for research data). At least 3.
    dominance
        ``(n, k)``: an amount is sensitive when its ``n`` largest contributions exceed the share
        ``k`` of it (default ``(2, 0.85)``), or when fewer than ``threshold`` units contribute.
    min_width
        The least width of an attacker's range for a hidden small count, within the
        ``[1, threshold - 1]`` its marker allows. Default :func:`default_min_width`: half that
        range, rounded up (2 for the threshold 5, so at least three values stay possible;
        1 for the threshold 3). ``threshold - 2`` asks that the release tell nothing beyond
        the marker; nested small counts (a small total of small parts) can make that
        impossible.
    amount_protection
        The width of an attacker's range for a sensitive amount, as a share of the amount
        (default 0.2).
    total_labels
        Key values that mark a total row.
    time_limit
        Seconds the optimiser may spend per round.

    Returns
    -------
    Release
        ``.tables`` with hidden cells missing, ``.markers`` (``"<5"`` for small counts, ``"x"``
        for cells hidden to protect them or derived from a hidden one), ``.render(name)``,
        ``.audit()`` and ``.hidden_share``.

    Raises
    ------
    DisclosureError
        When no pattern protects every small count (a published total equal to one small
        cell, say).
    SchemaError
        When a table or the unit data lack a named column, or a table disagrees with the unit
        data or with another table.
    JobhandicapError
        For a bad option (also a ``ValueError``).

    See Also
    --------
    audit : The attacker's view of a release.
    suppress : One table on its own.

    Notes
    -----
    *Model.* Every count or amount cell is a sum over units. Units that fall in the same cells
    of every table form an *atom*; cells adding up the same atoms are one *quantity*, hidden
    or shown everywhere together. Whenever a family of cells (one column of one table) adds
    up exactly to a quantity, that is an equation: a total in one table is the total of the
    cells of another.

    *Choice of cells.* With :math:`y_q \in \{0, 1\}` for hiding quantity :math:`q`, the
    programme minimises the number of published cells blanked (own and derived cells, plus a
    tie-break by value that keeps the pattern small and avoids hidden zeros),

    .. math:: \min \sum_q w_q y_q \ \text{ s.t. } \ y_q = 1 \text{ if } q \text{ is
              sensitive}, \quad \sum_{k \in e \setminus q} y_k \ge y_q
              \ \ \forall e,\ q \in e,

    the line rule over every equation of the release [1]_, solved exactly by HiGHS. The attacker
    of :func:`audit` then computes the range of every hidden sensitive quantity by linear
    programming; where it is too narrow, a cut :math:`\sum_{k \in C} y_k \ge 1` over the shown
    quantities that share an equation with it (or its atoms) is added and the programme solved
    again, until the audit passes — in the spirit of Fischetti and Salazar's exact method [2]_,
    whose capacity constraints come from the same attacker problems. The pattern is optimal for
    the constraints generated; it is not proven optimal for the attacker's full problem.

    *Sensitive cells.* Counts from 1 to ``threshold - 1``; amounts whose contributors are
    fewer than ``threshold`` or whose ``n`` largest contributions exceed ``k`` of the amount.
    A sensitive count is protected when the attacker's range, given the marker, spans at
    least ``min_width``; a sensitive amount when its range spans ``amount_protection`` of it.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, chapters 4–5
       (threshold and dominance rules, secondary suppression, linked tables, audit).
    .. [2] Fischetti, M. & Salazar, J.-J. (2001). Solving the cell suppression problem on
       tabular data with linear constraints. *Management Science* 47(7), 1008–1027.

    Examples
    --------
    Grants by scheme in one table, and the same grants by jobcentre in another, with the
    national total published in both:

    >>> import pandas as pd
    >>> by_scheme = pd.DataFrame({"scheme": ["aids", "mentor", "total"], "n": [40, 3, 43]})
    >>> by_unit = pd.DataFrame({"jobcentre": ["A", "B", "total"], "n": [30, 13, 43]})
    >>> release = protect(
    ...     {"by_scheme": by_scheme, "by_unit": by_unit},
    ...     {
    ...         "by_scheme": TableSpec(measures=["n"], by=["scheme"]),
    ...         "by_unit": TableSpec(measures=["n"], by=["jobcentre"]),
    ...     },
    ... )
    >>> release.render("by_scheme")
       scheme   n
    0    aids   x
    1  mentor  <5
    2   total  43
    >>> bool(release.audit()["safe"].all())
    True
    """
    threshold, dominance, width, protection = check_options(
        threshold, dominance, min_width, amount_protection
    )
    if specs is None:
        specs = infer_specs(tables, counts, microdata)
    problem = build(tables, specs, microdata, weights, total_labels, threshold, dominance)
    s = problem.structure
    n = s.n_quantities
    premissing = hidden_before_protection(problem)
    forced = problem.sensitive | premissing | ~problem.known
    allowed = s.size > 0
    cost = _optimise.weights(_cell_cost(problem), problem.truth)
    cuts: list[IntArray] = []
    targets = np.flatnonzero(problem.sensitive)
    options = {
        "threshold": threshold,
        "min_width": width,
        "amount_protection": protection,
    }
    status = ""
    required = required_hidden(problem, problem.sensitive, threshold, targets, width)
    for round_ in range(1, _MAX_ROUNDS + 1):
        hidden, status = _optimise.choose(
            n, s.equations, cost, forced, allowed, cuts, time_limit=time_limit
        )
        small = problem.sensitive & hidden
        low, high, binding = attack_release(problem, ~hidden, small, threshold, targets)
        bad, _ = audit_verdict(problem, low, high, targets, threshold, required, protection)
        if not bad.any():
            status = f"{status}; audit passed after {round_} round(s)"
            break
        for position in np.flatnonzero(bad):
            target = int(targets[position])
            cut = binding[position][~hidden[binding[position]] & allowed[binding[position]]]
            if cut.size == 0:
                cut = _cut(problem, hidden, allowed, target)
            if cut.size == 0:
                raise DisclosureError(
                    f"cannot protect a small count in {_locate(problem, int(target))}: the "
                    "published cells pin it and nothing left to hide would change that. Publish "
                    "fewer totals, or merge small groups"
                )
            cuts.append(cut)
    else:
        raise DisclosureError(
            f"no protection found within {_MAX_ROUNDS} rounds of audit and optimisation; "
            "publish fewer linked tables or merge small groups"
        )
    return _release(problem, hidden, premissing, threshold, status, options)


def _release(
    problem: Problem,
    hidden: BoolArray,
    premissing: BoolArray,
    threshold: int,
    status: str,
    options: Mapping[str, Any],
) -> Release:
    small_marker = f"<{threshold}"
    is_count = count_quantities(problem.structure)
    markers: dict[str, npt.NDArray[np.object_]] = {
        name: np.full(table.shape, "", dtype=object) for name, table in problem.tables.items()
    }
    positions = {
        name: {c: i for i, c in enumerate(table.columns)} for name, table in problem.tables.items()
    }
    ours = hidden & ~premissing
    for family, quantity in zip(problem.families, problem.structure.cell_quantity, strict=True):
        grid = markers[family.table]
        where = positions[family.table]
        for cell, row in family.shown:
            q = quantity[cell]
            if ours[q] and family.column is not None:
                small = problem.sensitive[q] and is_count[q]
                grid[row, where[family.column]] = small_marker if small else SECONDARY_MARKER
        for cell, row, column in family.derived:
            if hidden[quantity[cell]] and grid[row, where[column]] == "":
                grid[row, where[column]] = SECONDARY_MARKER
        for cell, row, column in family.describing:
            q = quantity[cell]
            if hidden[q] and problem.sensitive[q] and grid[row, where[column]] == "":
                grid[row, where[column]] = SECONDARY_MARKER
    tables: dict[str, pd.DataFrame] = {}
    frames: dict[str, pd.DataFrame] = {}
    for name, table in problem.tables.items():
        mark = pd.DataFrame(markers[name], index=table.index, columns=table.columns)
        frames[name] = mark.astype(pd.StringDtype())
        out = table.copy()
        for column in table.columns:
            hide = (mark[column] != "").to_numpy(dtype=bool)
            if hide.any():
                out[column] = blank(table[column], hide)
        tables[name] = out
    return Release(
        tables=tables,
        markers=frames,
        threshold=threshold,
        status=status,
        problem=problem,
        hidden=hidden,
        options=options,
    )
