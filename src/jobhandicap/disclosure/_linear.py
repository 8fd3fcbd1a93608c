"""The linear structure of a release: atoms, quantities and the equations that link them.

Every published count or amount is a sum over *units* (cases, persons, staff respondents, or the
cells of a grid when no unit data are given). A :class:`Family` says, for one column of one
table, in which of its cells each unit falls. From all families of a release this module builds

* **atoms** — the classes of units that fall in exactly the same cells everywhere. An attacker
  can learn at most the atoms' totals, so they are the variables of every linear system below;
* **quantities** — the distinct sums the release shows: two cells (in one table or in two) that
  add up the same atoms of the same measure are one quantity and get one decision;
* **equations** — every quantity that is the exact sum of a family's cells
  (``parent = child_1 + … + child_k``), found by comparing atom sets, so that a margin
  published in one table is a total for the members shown in another.

The reduction to atoms is what keeps the optimisation and the audit small: they see one
variable per atom and one row per quantity, never the units.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from jobhandicap.errors import JobhandicapError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The measure of a family that counts units (weighted by the universe's weights).
COUNT = ""


@attrs.frozen(kw_only=True, eq=False)
class Universe:
    """The units behind a release's cells.

    Parameters
    ----------
    weights
        Units each row stands for (1 for unit-level data; a count for pre-aggregated rows).
    amounts
        Per amount measure: the sum of the amount over the row's units.
    largest
        Per amount measure: the largest and second-largest single contribution within the row
        (for the dominance rule), as a ``(n_rows, 2)`` array.
    known
        True when the rows are real units (their totals are known to the publisher); False for
        a grid of possible cells whose contents are unknown.
    """

    weights: FloatArray
    amounts: Mapping[str, FloatArray] = attrs.field(factory=dict)
    largest: Mapping[str, FloatArray] = attrs.field(factory=dict)
    known: bool = True

    @property
    def size(self) -> int:
        """Number of rows."""
        return int(self.weights.size)


@attrs.frozen(kw_only=True, eq=False)
class Family:
    """The cells of one column of one table, as sets of units.

    Parameters
    ----------
    table, column
        Where the cells are shown (``column`` is ``None`` for a quantity shown only through
        derived cells, such as the line total behind shares or the refusals behind a rate).
    universe
        The name of the universe the units belong to.
    measure
        :data:`COUNT` for counts of units, else the name of an amount measure.
    n_cells
        Number of cells.
    labels
        Per unit of the universe, the index of the family's cell it falls in, or ``-1``.
    shown
        ``(cell index, row position)`` of every table cell showing a cell of the family (a
        margin column shows one cell in several rows).
    derived
        ``(cell index, row position, column)`` of each derived cell (share, rate, interval,
        median …) that must be hidden when the cell is.
    describing
        Likewise for the cells describing the cell's units (medians, means), hidden only when
        the cell is a small count.
    """

    table: str
    column: str | None
    universe: str
    measure: str
    n_cells: int
    labels: IntArray
    shown: tuple[tuple[int, int], ...] = ()
    derived: tuple[tuple[int, int, str], ...] = ()
    describing: tuple[tuple[int, int, str], ...] = ()


@attrs.frozen(kw_only=True, eq=False)
class Structure:
    """Atoms, quantities and equations of a release.

    Attributes
    ----------
    cell_quantity
        Per family, per cell: the quantity it shows.
    quantity_group
        Per quantity: the index of its ``(universe, measure)`` group in :attr:`groups`.
    groups
        The ``(universe, measure)`` pairs.
    atoms
        Per group: a ``(quantity, atom)`` incidence as two aligned arrays (atom ids are local to
        the group).
    atom_values
        Per group: the atoms' true totals (NaN for a grid universe).
    n_atoms
        Per group: the number of atoms.
    size
        Per quantity: its number of atoms (0 for a cell no unit falls in).
    equations
        ``(equation, quantity, coefficient)`` triples; coefficient ``-1`` for the parent, ``+1``
        for its parts.
    n_equations
        Number of equations.
    contributors
        Per quantity: the units behind it (NaN for a grid universe).
    largest
        Per quantity of an amount: its largest and second-largest single contributions
        (zeros for counts and on a grid), as a ``(n_quantities, 2)`` array.
    """

    cell_quantity: tuple[IntArray, ...]
    quantity_group: IntArray
    groups: tuple[tuple[str, str], ...]
    atoms: tuple[tuple[IntArray, IntArray], ...]
    atom_values: tuple[FloatArray, ...]
    n_atoms: IntArray
    size: IntArray
    equations: tuple[IntArray, IntArray, IntArray]
    n_equations: int
    contributors: FloatArray
    largest: FloatArray

    @property
    def n_quantities(self) -> int:
        """Number of quantities."""
        return int(self.quantity_group.size)


def _combine(codes: IntArray, labels: IntArray) -> IntArray:
    """Refine a partition of units by one more labelling (dense codes, first seen first)."""
    shift = int(labels.max(initial=-1)) + 2
    pair = codes * shift + (labels + 1)
    _, dense = np.unique(pair, return_inverse=True)
    return np.asarray(dense, dtype=np.int64)


def _atoms_of(families: Sequence[Family], size: int) -> IntArray:
    """Atom id of every unit: units with the same cell in every family share an atom."""
    codes = np.zeros(size, dtype=np.int64)
    for family in families:
        codes = _combine(codes, family.labels)
    return codes


def build(
    families: Sequence[Family], universes: Mapping[str, Universe], *, seed: int = 0
) -> Structure:
    """Build atoms, quantities and equations from the families of a release.

    Quantities are identified by a hash of their atom set (a sum of random 64-bit keys per atom,
    plus the set's size), which is collision-free in practice; identical sets in one
    ``(universe, measure)`` group are one quantity.
    """
    group_of: dict[tuple[str, str], int] = {}
    for family in families:
        if family.universe not in universes:
            raise JobhandicapError(f"no universe named {family.universe!r}")
        group_of.setdefault((family.universe, family.measure), len(group_of))
    groups = tuple(group_of)
    rng = np.random.default_rng(seed)

    cell_quantity: list[IntArray] = [np.zeros(0, np.int64)] * len(families)
    quantity_group: list[IntArray] = []
    incidence: list[tuple[IntArray, IntArray]] = []
    atom_values: list[FloatArray] = []
    n_atoms: list[int] = []
    sizes: list[IntArray] = []
    contributors: list[FloatArray] = []
    largest: list[FloatArray] = []
    # Per group: the families (by index), and per family the quantity of each atom's cell.
    offset = 0
    per_group_families: list[list[int]] = []
    per_group_atom_q: list[list[IntArray]] = []
    atoms_cache: dict[str, IntArray] = {}
    for g, (universe_name, measure) in enumerate(groups):
        universe = universes[universe_name]
        members = [i for i, f in enumerate(families) if group_of[(f.universe, f.measure)] == g]
        per_group_families.append(members)
        # Atoms from the families of the whole universe (every measure), so that the atoms of
        # a count group and an amount group over the same units coincide.
        if universe_name not in atoms_cache:
            same_universe = [f for f in families if f.universe == universe_name]
            atoms_cache[universe_name] = _atoms_of(same_universe, universe.size)
        atom = atoms_cache[universe_name]
        count = int(atom.max(initial=-1)) + 1
        unit_values = universe.weights if measure == COUNT else universe.amounts[measure]
        if universe.known:
            values = np.bincount(atom, weights=unit_values, minlength=count).astype(np.float64)
        else:
            values = np.full(count, np.nan)
        atom_values.append(values)
        n_atoms.append(count)
        keys = rng.integers(1, 2**62, size=count, dtype=np.int64).astype(np.uint64)
        # Cells of every family in this group, as (cell, atom) pairs.
        cell_ids: list[IntArray] = []
        cell_atoms: list[IntArray] = []
        first_cell: list[int] = []
        n_cells_total = 0
        for i in members:
            family = families[i]
            inside = family.labels >= 0
            pairs = np.unique(family.labels[inside].astype(np.int64) * count + atom[inside])
            cell_ids.append(n_cells_total + pairs // count)
            cell_atoms.append(pairs % count)
            first_cell.append(n_cells_total)
            n_cells_total += family.n_cells
        cells = np.concatenate(cell_ids) if cell_ids else np.zeros(0, np.int64)
        atoms_of_cells = np.concatenate(cell_atoms) if cell_atoms else np.zeros(0, np.int64)
        size = np.bincount(cells, minlength=n_cells_total).astype(np.int64)
        digest = np.zeros(n_cells_total, dtype=np.uint64)
        np.add.at(digest, cells, keys[atoms_of_cells])
        signature = np.stack([digest.view(np.int64), size], axis=1)
        unique, quantity_of_cell = np.unique(signature, axis=0, return_inverse=True)
        quantity_of_cell = np.asarray(quantity_of_cell, dtype=np.int64).ravel()
        n_q = int(unique.shape[0])
        for k, i in enumerate(members):
            start = first_cell[k]
            cell_quantity[i] = offset + quantity_of_cell[start : start + families[i].n_cells]
        q_size = np.zeros(n_q, dtype=np.int64)
        q_size[quantity_of_cell] = size
        pairs_q = np.unique(quantity_of_cell[cells] * count + atoms_of_cells)
        incidence.append((offset + pairs_q // count, pairs_q % count))
        quantity_group.append(np.full(n_q, g, dtype=np.int64))
        sizes.append(q_size)
        q_local, a_local = pairs_q // count, pairs_q % count
        if universe.known:
            atom_units = np.bincount(atom, weights=universe.weights, minlength=count)
            contributors.append(
                np.bincount(q_local, weights=atom_units[a_local], minlength=n_q).astype(np.float64)
            )
        else:
            contributors.append(np.full(n_q, np.nan))
        if measure != COUNT and universe.known and measure in universe.largest:
            atom_top = _top_two(atom, universe.largest[measure], count)
            largest.append(_top_two(q_local, atom_top[a_local], n_q))
        else:
            largest.append(np.zeros((n_q, 2)))
        per_group_atom_q.append(
            _with_pairs(
                [_atom_quantity(cell_quantity[i], families[i], atom, count) for i in members],
                [families[i].table for i in members],
            )
        )
        offset += n_q

    size_all = np.concatenate(sizes) if sizes else np.zeros(0, np.int64)
    equations = _equations(incidence, per_group_atom_q, size_all)
    return Structure(
        cell_quantity=tuple(cell_quantity),
        quantity_group=np.concatenate(quantity_group) if quantity_group else np.zeros(0, np.int64),
        groups=groups,
        atoms=tuple(incidence),
        atom_values=tuple(atom_values),
        n_atoms=np.asarray(n_atoms, dtype=np.int64),
        size=size_all,
        equations=equations[:3],
        n_equations=equations[3],
        contributors=np.concatenate(contributors) if contributors else np.zeros(0),
        largest=np.concatenate(largest) if largest else np.zeros((0, 2)),
    )


def _top_two(group: IntArray, pairs: FloatArray, n_groups: int) -> FloatArray:
    """Per group, the two largest of the members' ``(largest, second)`` contributions."""
    values = pairs.reshape(-1)
    owner = np.repeat(group, pairs.shape[1])
    order = np.lexsort((-values, owner))
    owner, values = owner[order], values[order]
    start = np.r_[True, owner[1:] != owner[:-1]]
    rank = np.arange(owner.size) - np.maximum.accumulate(np.where(start, np.arange(owner.size), 0))
    out = np.zeros((n_groups, 2))
    keep = rank < 2
    out[owner[keep], rank[keep]] = values[keep]
    return out


def _atom_quantity(quantity: IntArray, family: Family, atom: IntArray, count: int) -> IntArray:
    """Per atom: the quantity of the family's cell that holds it, or -1."""
    out = np.full(count, -1, dtype=np.int64)
    inside = family.labels >= 0
    out[atom[inside]] = quantity[family.labels[inside]]
    return out


def _with_pairs(per_family: list[IntArray], tables: list[str]) -> list[IntArray]:
    """The families, and the unions of every two disjoint families of the same table.

    Two columns of one table can together partition a third (``n = granted + refused`` when
    the refusals stand behind a rate), so their union is searched for equations too.
    """
    out = list(per_family)
    for i, j in itertools.combinations(range(len(per_family)), 2):
        if tables[i] != tables[j]:
            continue
        first, second = per_family[i], per_family[j]
        if ((first >= 0) & (second >= 0)).any():
            continue
        out.append(np.where(first >= 0, first, second))
    return out


def _equations(
    incidence: Sequence[tuple[IntArray, IntArray]],
    atom_quantity: Sequence[Sequence[IntArray]],
    size: IntArray,
) -> tuple[IntArray, IntArray, IntArray, int]:
    """Every ``parent = sum of a family's cells`` relation, as equation triples.

    For a quantity ``P`` and a family ``F``: when every atom of ``P`` lies in some cell of
    ``F`` and the sizes of those cells add up to the size of ``P``, the cells partition ``P``
    (a family's cells are disjoint), so ``P`` is their sum.
    """
    found: set[tuple[int, tuple[int, ...]]] = set()
    parents: list[int] = []
    parts: list[tuple[int, ...]] = []
    for (quantity, atom), families in zip(incidence, atom_quantity, strict=True):
        if quantity.size == 0:
            continue
        n_q = int(size.size)
        for per_atom in families:
            child = per_atom[atom]
            uncovered = np.bincount(quantity[child < 0], minlength=n_q) > 0
            ok = child >= 0
            pair = np.unique(quantity[ok] * n_q + child[ok])
            parent, part = pair // n_q, pair % n_q
            covered = np.bincount(parent, weights=size[part], minlength=n_q)
            n_parts = np.bincount(parent, minlength=n_q)
            exact = ~uncovered & (covered == size) & (n_parts >= 2) & (size > 0)
            keep = exact[parent]
            parent, part = parent[keep], part[keep]
            if parent.size == 0:
                continue
            bounds = np.flatnonzero(np.diff(parent)) + 1
            for p, members in zip(parent[np.r_[0, bounds]], np.split(part, bounds), strict=True):
                key = (int(p), tuple(int(m) for m in members))
                if key not in found:
                    found.add(key)
                    parents.append(key[0])
                    parts.append(key[1])
    equation: list[int] = []
    quantity_ids: list[int] = []
    coefficient: list[int] = []
    for e, (p, chunk) in enumerate(zip(parents, parts, strict=True)):
        equation.extend([e] * (len(chunk) + 1))
        quantity_ids.extend([p, *chunk])
        coefficient.extend([-1, *([1] * len(chunk))])
    return (
        np.asarray(equation, dtype=np.int64),
        np.asarray(quantity_ids, dtype=np.int64),
        np.asarray(coefficient, dtype=np.int64),
        len(parents),
    )


def quantity_values(structure: Structure) -> FloatArray:
    """Each quantity's true total from its atoms (NaN for a grid universe)."""
    out = np.zeros(structure.n_quantities)
    for (quantity, atom), values in zip(structure.atoms, structure.atom_values, strict=True):
        out += np.bincount(quantity, weights=values[atom], minlength=structure.n_quantities)
    grid = np.array([np.isnan(v).any() for v in structure.atom_values], dtype=bool)
    if grid.any():
        out[np.isin(structure.quantity_group, np.flatnonzero(grid))] = np.nan
    return out
