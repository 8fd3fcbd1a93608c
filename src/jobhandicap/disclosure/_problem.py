"""A release as a linear problem: its tables, units, quantities, values and sensitive cells.

:func:`build` reads the tables with their :class:`~jobhandicap.disclosure.TableSpec`, reduces
the unit data (or builds the grid of key combinations when there are none), turns every measure
column into families of cells over the units (:mod:`~jobhandicap.disclosure._linear`), checks the
tables against the units and against each other, and marks the sensitive quantities.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.disclosure import _linear
from jobhandicap.disclosure._linear import COUNT, Family, Structure, Universe
from jobhandicap.disclosure._spec import DEFAULT_UNIVERSE, Error, Measure, TableSpec, as_tuple
from jobhandicap.disclosure._suppression import DEFAULT_TOTAL_LABELS
from jobhandicap.errors import ArgumentTypeError, MissingColumnsError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Largest grid of key combinations built when no unit data are given.
_GRID_LIMIT = 2_000_000


@attrs.frozen(kw_only=True, eq=False)
class Problem:
    """A release's tables, specifications, structure and cell positions."""

    tables: Mapping[str, pd.DataFrame]
    specs: Mapping[str, TableSpec]
    families: tuple[Family, ...]
    universes: Mapping[str, Universe]
    structure: Structure
    truth: FloatArray
    known: BoolArray
    sensitive: BoolArray


def _canonical(values: pd.Series) -> npt.NDArray[np.object_]:
    """Key values as comparable text: whole numbers without decimals, missing as None."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    texts: list[str] = []
    for value in uniques.tolist():
        if isinstance(value, bool | np.bool_):
            texts.append(str(bool(value)))
        elif isinstance(value, int | np.integer) or (
            isinstance(value, float | np.floating) and float(value).is_integer()
        ):
            texts.append(str(int(value)))
        elif hasattr(value, "isoformat"):
            texts.append(value.isoformat())
        else:
            texts.append(str(value))
    table = np.array([*texts, None], dtype=object)
    return np.asarray(table[np.where(codes < 0, len(texts), codes)], dtype=object)


def _is_total(keys: npt.NDArray[np.object_], labels: frozenset[str]) -> BoolArray:
    """Flag key values that read as a total label (stripped, case-folded)."""
    text = pd.Series(keys, dtype=pd.StringDtype()).str.strip().str.casefold()
    return np.asarray(text.isin(list(labels)).to_numpy(dtype=bool, na_value=False), dtype=bool)


def _check_spec(name: str, table: pd.DataFrame, spec: TableSpec) -> None:
    named = [*spec.by]
    for measure in spec.measures:
        if measure.column is not None:
            named.append(measure.column)
        named.extend(measure.derived)
        named.extend(measure.describes)
        missing_over = [d for d in measure.over if d not in spec.by]
        if missing_over:
            raise Error(
                f"table {name!r}: measure {measure.column!r} sums over {missing_over}, which "
                f"are not key columns of the table (by={list(spec.by)})"
            )
    missing = [c for c in dict.fromkeys(named) if c not in table.columns]
    if missing:
        raise MissingColumnsError(missing, list(table.columns), f"release table {name!r}")
    if not spec.measures:
        raise Error(f"table {name!r}: give at least one measure (a count or amount column)")


def _reduce_units(
    frame: pd.DataFrame,
    dims: Sequence[str],
    flags: Sequence[str],
    amounts: Sequence[str],
    weights: str | None,
) -> tuple[pd.DataFrame, Universe]:
    """Reduce unit data to distinct combinations of the keys and flags that the release uses.

    Each combination keeps its number of units, its amount totals and, per amount, its two
    largest single contributions (for the dominance rule).
    """
    columns = list(dict.fromkeys([*dims, *flags]))
    missing = [c for c in [*columns, *amounts, *as_tuple(weights)] if c not in frame.columns]
    if missing:
        raise MissingColumnsError(missing, list(frame.columns), "unit data (microdata)")
    keys = pd.DataFrame({c: _canonical(frame[c]) for c in dims})
    for flag in flags:
        keys[f"\0{flag}"] = _flag(frame[flag], flag)
    if len(keys.columns):
        codes = keys.groupby(list(keys.columns), dropna=False, sort=True).ngroup()
        group = np.asarray(codes.to_numpy(), dtype=np.int64)
    else:
        group = np.zeros(len(frame), dtype=np.int64)
    n_groups = int(group.max(initial=-1)) + 1
    if weights is None:
        unit_weight: FloatArray = np.ones(len(frame))
    else:
        unit_weight = pd.to_numeric(frame[weights], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        if not np.isfinite(unit_weight).all() or (unit_weight < 0).any():
            raise Error(f"unit data: weights column {weights!r} must hold counts of zero or more")
    sums = np.bincount(group, weights=unit_weight, minlength=n_groups).astype(np.float64)
    amount_sums: dict[str, FloatArray] = {}
    largest: dict[str, FloatArray] = {}
    for amount in amounts:
        values = pd.to_numeric(frame[amount], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        values = np.where(np.isfinite(values), values, 0.0)
        if (values < 0).any():
            raise Error(f"unit data: amounts in {amount!r} must be zero or more")
        amount_sums[amount] = np.bincount(group, weights=values, minlength=n_groups).astype(
            np.float64
        )
        order = np.lexsort((-values, group))
        g, v = group[order], values[order]
        first = np.r_[True, g[1:] != g[:-1]]
        top = np.zeros((n_groups, 2))
        top[g[first], 0] = v[first]
        second = np.r_[False, ~first[1:]] & np.r_[False, first[:-1]]
        top[g[second], 1] = v[second]
        largest[amount] = top
    representative = np.zeros(n_groups, dtype=np.int64)
    representative[group[::-1]] = np.arange(len(frame))[::-1]
    reduced = keys.iloc[representative].reset_index(drop=True)
    return reduced, Universe(weights=sums, amounts=amount_sums, largest=largest, known=True)


def _flag(series: pd.Series, name: str) -> BoolArray:
    if pd.api.types.is_bool_dtype(series.dtype):
        return np.asarray(series.to_numpy(dtype=bool, na_value=False), dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=0.0)
        return np.asarray(values != 0, dtype=bool)
    raise Error(f"unit data: column {name!r} (named in units=) must be true/false or 0/1")


def _grid(
    tables: Mapping[str, pd.DataFrame],
    specs: Mapping[str, TableSpec],
    universe: str,
    dims: Sequence[str],
    categories: Sequence[str],
    labels: frozenset[str],
) -> tuple[pd.DataFrame, Universe]:
    """The cells no table shows, as a grid universe: every combination the tables allow.

    Each table lists every value of its keys (a table by region and jobcentre lists the
    jobcentres of each region), so a combination is a cell of the grid only when every table
    lists its values: the grid is the join of the key combinations each table lists, pattern
    by pattern of total rows, crossed with the unit categories.
    """
    listed: list[pd.DataFrame] = []
    for name, spec in specs.items():
        if spec.universe != universe:
            continue
        own = labels | {str(t).strip().casefold() for t in spec.totals}
        keys = pd.DataFrame({d: _canonical(tables[name][d]) for d in spec.by}, dtype=object)
        totals = (
            np.stack([_is_total(keys[d].to_numpy(), own) for d in spec.by], axis=1)
            if (spec.by)
            else np.zeros((len(keys), 0), dtype=bool)
        )
        fixed = {d: _canonical(pd.Series([v], dtype=object))[0] for d, v in spec.fixed.items()}
        for pattern in np.unique(totals, axis=0) if len(keys) else []:
            rows = (totals == pattern).all(axis=1)
            exact = [d for d, total in zip(spec.by, pattern, strict=True) if not total]
            combos = keys.loc[rows, exact].drop_duplicates().assign(**fixed)
            if len(combos.columns):
                listed.append(combos.reset_index(drop=True))
    grid = pd.DataFrame(index=pd.RangeIndex(1))
    for combos in sorted(listed, key=lambda f: -len(f.columns)):
        shared = [c for c in combos.columns if c in grid.columns]
        grid = (
            grid.merge(combos, on=shared, how="inner")
            if shared
            else grid.merge(combos, how="cross")
        )
        if len(grid) * max(1, len(categories)) > _GRID_LIMIT:
            raise Error(
                f"the tables' key columns span more than {_GRID_LIMIT:,} combinations, more "
                "than can be protected without unit data; pass the unit data with microdata= "
                "so that only combinations that occur are considered"
            )
    for d in dims:
        if d not in grid.columns:
            grid[d] = None
    grid = grid[list(dims)] if dims else pd.DataFrame(index=grid.index)
    if categories:
        grid = grid.merge(pd.DataFrame({"\0category": list(categories)}), how="cross")
    grid = grid.reset_index(drop=True).astype(object)
    return grid, Universe(weights=np.ones(len(grid)), known=False)


def _universe_needs(
    specs: Mapping[str, TableSpec], name: str
) -> tuple[list[str], list[str], list[str]]:
    """The key, flag and amount columns the tables of universe ``name`` need of its units."""
    dims: list[str] = []
    flags: list[str] = []
    amounts: list[str] = []
    for spec in specs.values():
        if spec.universe != name:
            continue
        dims.extend([*spec.by, *spec.fixed])
        for measure in spec.measures:
            if measure.units is not None:
                flags.append(measure.units)
            if measure.amount is not None:
                amounts.append(measure.amount)
    return list(dict.fromkeys(dims)), list(dict.fromkeys(flags)), list(dict.fromkeys(amounts))


def _families_of(
    name: str,
    table: pd.DataFrame,
    spec: TableSpec,
    units: pd.DataFrame,
    grid: bool,
    labels: frozenset[str],
) -> list[Family]:
    """The families of one table: per measure and per pattern of total keys."""
    families: list[Family] = []
    n_units = len(units)
    base = np.ones(n_units, dtype=bool)
    for dim, value in spec.fixed.items():
        wanted = _canonical(pd.Series([value], dtype=object))[0]
        base &= units[dim].to_numpy(dtype=object) == wanted
    keys = {d: _canonical(table[d]) for d in spec.by}
    labels = labels | {str(t).strip().casefold() for t in spec.totals}
    totals = {d: _is_total(keys[d], labels) for d in spec.by}
    for d in spec.by:
        missing = np.flatnonzero(pd.isna(pd.Series(keys[d], dtype=object)).to_numpy())
        if missing.size:
            raise Error(
                f"table {name!r}: key column {d!r} is empty in row {int(missing[0])} (from 0); "
                "every row needs a value (or a total label such as 'total') in its keys"
            )
    for measure in spec.measures:
        chosen = base.copy()
        if measure.units is not None:
            if grid:
                chosen &= units["\0category"].to_numpy(dtype=object) == measure.units
            else:
                chosen &= units[f"\0{measure.units}"].to_numpy(dtype=bool)
        dims = [d for d in spec.by if d not in measure.over]
        if dims:
            pattern = np.stack([totals[d] for d in dims], axis=1)
            patterns, pattern_of_row = np.unique(pattern, axis=0, return_inverse=True)
            pattern_of_row = np.asarray(pattern_of_row).ravel()
        else:
            patterns = np.zeros((1, 0), dtype=bool)
            pattern_of_row = np.zeros(len(table), dtype=np.int64)
        for p, wildcard in enumerate(patterns):
            rows = np.flatnonzero(pattern_of_row == p)
            if rows.size == 0:
                continue
            exact = [d for d, w in zip(dims, wildcard, strict=True) if not w]
            if exact:
                row_keys = pd.DataFrame({d: keys[d][rows] for d in exact}, dtype=object)
                cell_of_row = np.asarray(
                    row_keys.groupby(exact, sort=False, dropna=False).ngroup().to_numpy(),
                    dtype=np.int64,
                )
                n_cells = int(cell_of_row.max(initial=-1)) + 1
                first = np.unique(cell_of_row, return_index=True)[1]
                cells = row_keys.iloc[first].assign(__cell=np.arange(n_cells, dtype=np.int64))
                unit_keys = units.loc[chosen, exact].astype(object)
                matched = unit_keys.merge(cells, on=exact, how="left")["__cell"]
                label = np.full(n_units, -1, dtype=np.int64)
                label[chosen] = matched.fillna(-1).to_numpy(dtype=np.int64)
            else:
                cell_of_row = np.zeros(rows.size, dtype=np.int64)
                n_cells = 1
                label = np.where(chosen, 0, -1).astype(np.int64)
            if measure.column is not None and measure.over == () and _duplicates(cell_of_row):
                raise Error(
                    f"table {name!r}: rows with the same keys {exact} appear twice; give each "
                    "row unique key values (or name the columns that tell them apart in by=)"
                )
            shown = tuple(zip(cell_of_row.tolist(), rows.tolist(), strict=True))
            if measure.column is None:
                shown = ()
            pairs = list(zip(cell_of_row.tolist(), rows.tolist(), strict=True))
            derived = tuple((c, r, column) for c, r in pairs for column in measure.derived)
            describing = tuple((c, r, column) for c, r in pairs for column in measure.describes)
            families.append(
                Family(
                    table=name,
                    column=measure.column,
                    universe=spec.universe,
                    measure=COUNT if measure.amount is None else measure.amount,
                    n_cells=n_cells,
                    labels=label,
                    shown=shown,
                    derived=derived,
                    describing=describing,
                )
            )
    return families


def _duplicates(cell_of_row: IntArray) -> bool:
    return bool(np.unique(cell_of_row).size < cell_of_row.size)


def build(
    tables: Mapping[str, pd.DataFrame],
    specs: Mapping[str, TableSpec],
    microdata: pd.DataFrame | Mapping[str, pd.DataFrame] | None,
    weights: str | Mapping[str, str] | None,
    total_labels: Iterable[str],
    threshold: int,
    dominance: tuple[int, float],
) -> Problem:
    if not isinstance(tables, Mapping) or not all(
        isinstance(t, pd.DataFrame) for t in tables.values()
    ):
        raise ArgumentTypeError("tables must be a mapping of names to pandas DataFrames")
    if set(specs) != set(tables):
        raise Error(
            f"give one TableSpec per table: tables {sorted(tables)}, specs {sorted(specs)}"
        )
    labels = frozenset(str(t).strip().casefold() for t in total_labels)
    clean = {name: table.reset_index(drop=True) for name, table in tables.items()}
    for name, table in clean.items():
        if not isinstance(specs[name], TableSpec):
            raise ArgumentTypeError(f"the spec of table {name!r} must be a TableSpec")
        _check_spec(name, table, specs[name])
    if isinstance(microdata, pd.DataFrame):
        unit_frames: Mapping[str, pd.DataFrame] = {DEFAULT_UNIVERSE: microdata}
    else:
        unit_frames = dict(microdata or {})
    universes: dict[str, Universe] = {}
    families: list[Family] = []
    for universe_name in dict.fromkeys(spec.universe for spec in specs.values()):
        dims, flags, amounts = _universe_needs(specs, universe_name)
        if universe_name in unit_frames:
            weight = weights.get(universe_name) if isinstance(weights, Mapping) else weights
            units, universe = _reduce_units(
                unit_frames[universe_name], dims, flags, amounts, weight
            )
            grid = False
        else:
            units, universe = _grid(clean, specs, universe_name, dims, flags, labels)
            grid = True
        universes[universe_name] = universe
        for name, spec in specs.items():
            if spec.universe == universe_name:
                families.extend(_families_of(name, clean[name], spec, units, grid, labels))
    structure = _linear.build(families, universes)
    values, known = _values(clean, families, structure)
    sensitive = _sensitive(structure, values, threshold, dominance)
    return Problem(
        tables=clean,
        specs=dict(specs),
        families=tuple(families),
        universes=universes,
        structure=structure,
        truth=values,
        known=known,
        sensitive=sensitive,
    )


def _values(
    tables: Mapping[str, pd.DataFrame], families: Sequence[Family], structure: Structure
) -> tuple[FloatArray, BoolArray]:
    """Each quantity's value, checked against the tables; and whether it is known."""
    truth = _linear.quantity_values(structure)
    n = structure.n_quantities
    shown_value = np.full(n, np.nan)
    for family, quantity in zip(families, structure.cell_quantity, strict=True):
        if family.column is None or not family.shown:
            continue
        cells, rows = np.asarray(family.shown, dtype=np.int64).T
        column = tables[family.table][family.column]
        if not pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(
            column.dtype
        ):
            raise Error(
                f"table {family.table!r}: column {family.column!r} must hold numbers (counts or "
                "amounts)"
            )
        table_values = column.to_numpy(dtype=np.float64, na_value=np.nan)[rows]
        q = quantity[cells]
        expected = truth[q]
        with np.errstate(invalid="ignore"):
            wrong = (
                np.isfinite(table_values)
                & np.isfinite(expected)
                & (np.abs(table_values - expected) > 1e-6 * np.maximum(1.0, np.abs(expected)))
            )
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise Error(
                f"table {family.table!r}, row {int(rows[i])} (from 0), column "
                f"{family.column!r}: the table shows {table_values[i]:g} but the units its keys "
                f"name add up to {expected[i]:g}; the table and its specification (keys, units, "
                "fixed values) or the unit data disagree"
            )
        clash = np.isfinite(table_values) & np.isfinite(shown_value[q])
        clash &= np.abs(shown_value[q] - table_values) > 1e-9 * np.maximum(1.0, table_values)
        if clash.any():
            i = int(np.flatnonzero(clash)[0])
            raise Error(
                f"table {family.table!r}, row {int(rows[i])} (from 0), column "
                f"{family.column!r} shows {table_values[i]:g}, but another table shows the same "
                f"quantity (same keys and units) as {shown_value[q[i]]:g}"
            )
        fill = np.isfinite(table_values) & np.isnan(shown_value[q])
        shown_value[q[fill]] = table_values[fill]
    values = np.where(np.isfinite(truth), truth, shown_value)
    # A quantity never shown (a total behind shares, refusals behind a rate) follows from an
    # equation whose other members are all known.
    equation, quantity, coefficient = structure.equations
    for _ in range(8):
        unknown = ~np.isfinite(values)
        if not unknown.any() or equation.size == 0:
            break
        missing = np.bincount(equation, weights=unknown[quantity].astype(float))
        signed = np.where(unknown[quantity], 0.0, coefficient * values[quantity])
        rest = np.bincount(equation, weights=np.nan_to_num(signed, nan=0.0))
        single = (missing[equation] == 1) & unknown[quantity]
        if not single.any():
            break
        # coefficient * value + rest = 0 for the one unknown member.
        values[quantity[single]] = -rest[equation[single]] / coefficient[single]
    empty = structure.size == 0
    values[empty & ~np.isfinite(values)] = 0.0
    return values, np.isfinite(values)


def _sensitive(
    structure: Structure, values: FloatArray, threshold: int, dominance: tuple[int, float]
) -> BoolArray:
    """Small counts (1 to threshold - 1), and amounts with few or dominant contributors.

    An amount is sensitive when fewer than ``threshold`` units contribute to it (the
    frequency rule for magnitudes) or when its ``n`` largest contributions exceed ``k`` of it
    (the (n, k) dominance rule), ``dominance = (n, k)``.
    """
    is_count = np.array([m == COUNT for _, m in structure.groups], dtype=bool)[
        structure.quantity_group
    ]
    n_top, share = dominance
    leaders = structure.largest[:, 0] + (structure.largest[:, 1] if n_top >= 2 else 0.0)
    with np.errstate(invalid="ignore"):
        small = is_count & (values >= 1 - 1e-9) & (values < threshold - 1e-9)
        positive_amount = ~is_count & (values > 0)
        dominated = positive_amount & (leaders > share * values + 1e-9)
        few = positive_amount & (structure.contributors < threshold)
    return np.asarray(small | dominated | few, dtype=bool)


# --------------------------------------------------------------------------------------------
# Inferring specifications
# --------------------------------------------------------------------------------------------


def infer_specs(
    tables: Mapping[str, pd.DataFrame],
    counts: Sequence[str],
    microdata: pd.DataFrame | Mapping[str, pd.DataFrame] | None,
) -> dict[str, TableSpec]:
    """One spec per table: the named count columns, other float columns derived from them."""
    if not counts:
        raise Error(
            "say which columns count persons: pass specs={name: TableSpec(...)} or counts=[...]"
        )
    unit_columns: set[str] = set()
    if isinstance(microdata, pd.DataFrame):
        unit_columns = {str(c) for c in microdata.columns}
    specs: dict[str, TableSpec] = {}
    for name, table in tables.items():
        present = [c for c in counts if c in table.columns]
        if not present:
            raise MissingColumnsError(list(counts), list(table.columns), f"release table {name!r}")
        derived = [
            str(c)
            for c in table.columns
            if c not in present and pd.api.types.is_float_dtype(table[c].dtype)
        ]
        by = [
            str(c)
            for c in table.columns
            if c not in present and not pd.api.types.is_float_dtype(table[c].dtype)
        ]
        labels = frozenset(str(t).strip().casefold() for t in DEFAULT_TOTAL_LABELS)
        measures = []
        for column in present:
            if microdata is None:
                units = None if column.strip().casefold() in labels else column
            else:
                units = column if column in unit_columns else None
            measures.append(Measure(column=column, units=units, derived=derived))
        specs[name] = TableSpec(measures=measures, by=by)
    return specs


def count_quantities(structure: Structure) -> BoolArray:
    flags = np.array([m == COUNT for _, m in structure.groups], dtype=bool)
    return np.asarray(flags[structure.quantity_group], dtype=bool)


def hidden_before_protection(problem: Problem) -> BoolArray:
    """Quantities that every table showing them leaves empty (hidden before protection)."""
    n = problem.structure.n_quantities
    shown = np.zeros(n)
    empty = np.zeros(n)
    for family, quantity in zip(problem.families, problem.structure.cell_quantity, strict=True):
        if family.column is None or not family.shown:
            continue
        cells, rows = np.asarray(family.shown, dtype=np.int64).T
        missing = problem.tables[family.table][family.column].isna().to_numpy()[rows]
        shown += np.bincount(quantity[cells], minlength=n)
        empty += np.bincount(quantity[cells], weights=missing.astype(float), minlength=n)
    return np.asarray((shown > 0) & (empty == shown), dtype=bool)


def hidden_virtual(problem: Problem) -> BoolArray:
    """Quantities shown only through derived cells, all of which are missing."""
    n = problem.structure.n_quantities
    shown = np.zeros(n)
    derived_total = np.zeros(n)
    derived_missing = np.zeros(n)
    for family, quantity in zip(problem.families, problem.structure.cell_quantity, strict=True):
        if family.shown:
            shown += np.bincount(
                quantity[np.asarray(family.shown, dtype=np.int64)[:, 0]], minlength=n
            )
        for cell, row, column in family.derived:
            q = quantity[cell]
            derived_total[q] += 1
            derived_missing[q] += bool(pd.isna(problem.tables[family.table][column].iloc[row]))
    return np.asarray((shown == 0) & (derived_total > 0) & (derived_missing == derived_total))
