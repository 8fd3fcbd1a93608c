"""Rates per population: cases per unit and year over residents aged 16–64, exact intervals."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._engines import AnyFrame, as_pandas, engine_frame
from jobhandicap._grouping import as_by, check_columns, group_keys, warn_left_out
from jobhandicap._options import check_choice, check_level
from jobhandicap.domain import Decision
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
)
from jobhandicap.reference import MEMBERSHIP_DAY
from jobhandicap.reference import jobcentres as _jobcentre_memberships
from jobhandicap.stats import poisson_interval
from jobhandicap.usage._common import SHOWN, UNITS, cases_counted, describe_units, midyear
from jobhandicap.usage._engine import engine_unit_counts
from jobhandicap.usage._schemes import usage_reduction

# --------------------------------------------------------------------------------------------
# Rates per population
# --------------------------------------------------------------------------------------------


def _unit_of(counts: pd.DataFrame, unit: str | None) -> str:
    """Return the unit column of a counts frame: ``jobcentre`` or ``municipality``."""
    if unit is not None:
        check_choice("unit", unit, UNITS)
        check_columns(counts, (unit,), "counts")
        return unit
    present = [u for u in UNITS if u in counts.columns]
    if len(present) == 1:
        return present[0]
    if not present:
        check_columns(counts, ("jobcentre",), "counts")
    raise OptionError(
        "counts has both a 'jobcentre' and a 'municipality' column; say which is the unit with "
        "unit='jobcentre' or unit='municipality' (or drop the other column)"
    )


def _check_unique(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    duplicated = frame.duplicated(subset=columns, keep=False)
    if duplicated.any():
        rows = frame.loc[duplicated].drop_duplicates(subset=columns)
        raise JobhandicapError(
            f"{what} has more than one row for {describe_units(rows, columns)}; give one row "
            f"per {', '.join(columns)}"
        )


def _check_whole(frame: pd.DataFrame, column: str, what: str) -> npt.NDArray[np.float64]:
    """Return a column as float64, requiring whole numbers of at least 0; name bad rows."""
    try:
        values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise JobhandicapError(
            f"the {column} column of the {what} must hold whole numbers, got values of type "
            f"{frame[column].dtype}"
        ) from None
    with np.errstate(invalid="ignore"):
        bad = ~(values >= 0) | ~np.isfinite(values) | (np.trunc(values) != values)
    if bad.any():
        rows = frame.index[bad][:SHOWN].tolist()
        raise JobhandicapError(
            f"the {column} column of the {what} must hold whole numbers of at least 0; row(s) "
            f"{rows} hold {values[bad][:SHOWN].tolist()}"
        )
    return values


def _unit_population(needed: pd.DataFrame, population: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Population per (unit, year) of ``needed``; jobcentres sum their members' population."""
    table = population[["municipality", "year", "population"]]
    if unit == "municipality":
        found = needed.merge(table, on=["municipality", "year"], how="left")
        missing = found["population"].isna()
        if missing.any():
            raise JobhandicapError(
                "the population table has no row for "
                f"{describe_units(found.loc[missing], ['municipality', 'year'])}; give the "
                "population (residents aged 16–64) of every municipality and year counted"
            )
        return found
    members = _jobcentre_memberships()[["jobcentre", "municipality", "valid_from", "valid_to"]]
    pairs = needed.merge(members, on="jobcentre", how="left")
    day = midyear(pairs["year"])
    in_force = (pairs["valid_from"] <= day) & (
        pairs["valid_to"].isna() | (pairs["valid_to"] >= day)
    )
    pairs = pairs.loc[in_force.to_numpy()]
    served = needed.merge(
        pairs[["jobcentre", "year"]].drop_duplicates(),
        on=["jobcentre", "year"],
        how="left",
        indicator=True,
    )
    absent = served["_merge"] == "left_only"
    if absent.any():
        month, dayno = MEMBERSHIP_DAY
        raise JobhandicapError(
            "no municipality belonged to "
            f"{describe_units(served.loc[absent], ['jobcentre', 'year'])} on {dayno} "
            f"{pd.Timestamp(2000, month, 1):%B} of the year (see jobhandicap.reference."
            "jobcentres()); a jobcentre is identified by its host municipality's code"
        )
    found = pairs[["jobcentre", "year", "municipality"]].merge(
        table, on=["municipality", "year"], how="left"
    )
    missing = found["population"].isna()
    if missing.any():
        raise JobhandicapError(
            "the population table has no row for member municipalities "
            f"{describe_units(found.loc[missing], ['jobcentre', 'year', 'municipality'])}; "
            "a jobcentre's population is the sum over the municipalities it served that year"
        )
    summed = found.groupby(["jobcentre", "year"], sort=False)["population"].sum().reset_index()
    return needed.merge(summed, on=["jobcentre", "year"], how="left")


def rate_column(per: float) -> str:
    """The name of the rate column of :func:`rates_per_population` for ``per`` residents.

    Examples
    --------
    >>> rate_column(10_000), rate_column(1000), rate_column(2.5)
    ('rate_per_10000', 'rate_per_1000', 'rate_per_2_5')
    """
    per = float(per)
    return "rate_per_" + (str(int(per)) if per.is_integer() else f"{per:g}".replace(".", "_"))


def _check_per(per: object) -> float:
    if isinstance(per, bool) or not isinstance(per, numbers.Real):
        raise ArgumentTypeError(f"per must be a number of residents, got {per!r}")
    if not (np.isfinite(float(per)) and float(per) > 0):
        raise OptionError(f"per must be a positive number of residents, got {per!r}")
    return float(per)


def rates_per_population(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    *,
    per: float = 10_000,
    level: float = DEFAULT_LEVEL,
    unit: str | None = None,
) -> pd.DataFrame:
    r"""Counts per ``per`` residents with the exact (Garwood) Poisson interval.

    Parameters
    ----------
    counts
        A frame with a unit column — ``municipality`` or ``jobcentre`` (a host municipality's
        code) —, ``year`` and ``count`` (whole numbers at least 0), one row per unit and year;
        any further columns (``scheme``, say) are kept as grouping columns, each row related
        to its unit's population that year. :func:`count_cases` builds it from cases.
    population
        Canonical population frame: ``municipality``, ``year``, ``population`` (residents aged
        16–64), one row per municipality and year.
    per
        Rate per this many residents (10,000 by default).
    level
        Confidence level.
    unit
        ``"jobcentre"`` or ``"municipality"``; found from the columns when not given.

    Returns
    -------
    pandas.DataFrame
        The unit column, ``year``, any further grouping columns of ``counts``, ``count``,
        ``population``, the rate ``rate_per_10000`` (named for ``per``: ``rate_per_1000``
        with ``per=1000``; see :func:`rate_column`), ``ci_low``, ``ci_high`` (per ``per``
        residents), sorted by
        unit, year and the further columns.

    Raises
    ------
    JobhandicapError
        When a municipality–year, or a member municipality of a jobcentre in a year, is
        missing from the population (the message names them); when a jobcentre served no
        municipality that year; when counts are not whole numbers at least 0; when a unit–year
        appears twice.
    MissingColumnsError
        When a required column is missing.

    Warns
    -----
    SmallSampleWarning
        When some population is zero (the rate is NaN there).

    Notes
    -----
    For a count :math:`x` and population :math:`P` the rate is :math:`x/P \cdot \text{per}`
    with the exact Poisson limits for the mean,
    :math:`[\chi^2_{\alpha/2}(2x)/2,\; \chi^2_{1-\alpha/2}(2x+2)/2]` (lower limit 0 when
    :math:`x = 0`), divided by :math:`P` and multiplied by ``per``.

    A jobcentre's population is the sum of the populations of the municipalities it served on
    **1 July** of the year (:data:`MEMBERSHIP_DAY`), from
    :func:`jobhandicap.reference.jobcentres`: mid-year, the composition in force for most of
    the year. The known changes take effect on 1 January — Ishøj leaves the joint jobcentre
    of Vallensbæk (187) on 1 January 2022 — so 1 January would give the same result for them:
    jobcentre 187 counts Vallensbæk and Ishøj until 2021 and Vallensbæk alone from 2022, and
    jobcentre 183 (Ishøj) exists from 2022. The cases frame's ``jobcentre`` is the one serving
    the municipality on the application date, which agrees with this except in a year of a
    change that is not on 1 January.

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28,
    437–442.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"jobcentre": [187, 187], "year": [2021, 2022],
    ...                        "count": [12, 5]})
    >>> population = pd.DataFrame({"municipality": [187, 183, 187, 183],
    ...                            "year": [2021, 2021, 2022, 2022],
    ...                            "population": [10_000, 14_000, 10_100, 14_100]})
    >>> rates_per_population(counts, population).round(2)
       jobcentre  year  count  population  rate_per_10000  ci_low  ci_high
    0        187  2021     12       24000            5.00    2.58     8.73
    1        187  2022      5       10100            4.95    1.61    11.55
    """
    level = check_level(level)
    per = _check_per(per)
    name = _unit_of(counts, unit)
    check_columns(counts, (name, "year", "count"), "counts")
    check_columns(population, ("municipality", "year", "population"), "population")
    extras = [c for c in counts.columns if c not in (name, "year", "count")]
    _check_unique(counts, [name, "year", *extras], "counts")
    _check_unique(population, ["municipality", "year"], "population")
    count = _check_whole(counts, "count", "counts")
    _check_whole(population, "population", "population")
    try:
        units = counts[[name, "year"]].astype("int64")
        population = population.astype({"municipality": "int64", "year": "int64"})
    except (TypeError, ValueError) as exc:
        raise JobhandicapError(
            f"the {name} and year columns of the counts and population must be integer codes "
            f"and years: {exc}"
        ) from None
    needed = units.drop_duplicates().reset_index(drop=True)
    exposure = _unit_population(needed, population, name)
    joined = units.merge(exposure, on=[name, "year"], how="left")
    residents = joined["population"].to_numpy(dtype=np.float64)
    estimate = poisson_interval(count, exposure=residents, per=per, level=level)
    result = pd.DataFrame(
        {
            name: units[name].to_numpy(),
            "year": units["year"].to_numpy(),
            **{c: counts[c].reset_index(drop=True) for c in extras},
            "count": count.astype(np.int64),
            "population": residents.astype(np.int64),
            rate_column(per): np.asarray(estimate.estimate, dtype=np.float64),
            "ci_low": np.asarray(estimate.ci_low, dtype=np.float64),
            "ci_high": np.asarray(estimate.ci_high, dtype=np.float64),
        }
    )
    return result.sort_values([name, "year", *extras], kind="stable").reset_index(drop=True)


def count_cases(
    cases: AnyFrame,
    *,
    unit: str = "jobcentre",
    decision: str | Decision | None = "granted",
    by: str | Sequence[str] = (),
    complete: bool = True,
) -> pd.DataFrame:
    """Count cases per unit and application year: the ``counts`` of :func:`rates_per_population`.

    Parameters
    ----------
    cases
        Canonical cases frame.
    unit
        ``"jobcentre"`` (default) or ``"municipality"`` (the citizen's home municipality).
    decision
        Which applications count, as in :func:`scheme_usage` (default: granted ones).
    by
        Further grouping columns (for example ``"scheme"``).
    complete
        Add rows with ``count`` 0 for unit–years without a selected case (see Notes). With
        ``False`` only unit–years with at least one selected case are listed.

    Returns
    -------
    pandas.DataFrame
        The unit column, ``year`` (application year), the ``by`` columns and ``count``
        (int64), sorted.

    Raises
    ------
    JobhandicapError
        When ``unit`` is not a unit column or a grouping column is unknown.

    Warns
    -----
    DataQualityWarning
        Once, when selected cases have no label in the unit or a ``by`` column, with their
        number: they are left out (and their missing unit gets no row).

    Notes
    -----
    With ``complete=True`` the rows are every combination of: a unit that appears anywhere in
    the cases frame (any decision — a jobcentre in a case review that granted nothing still
    counts 0, a municipality outside the data does not appear); an application year from the
    first to the last in the frame; and a combination of ``by`` values that occurs in the
    frame. A jobcentre known to :func:`jobhandicap.reference.jobcentres` is listed only for the
    years in which it served some municipality on 1 July (:data:`MEMBERSHIP_DAY`), so that
    Ishøj (183), its own jobcentre from 2022, gets no zero row for 2021.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "jobcentre": [101, 101, 147],
    ...     "applied": pd.to_datetime(["2019-02-01", "2020-03-01", "2019-05-01"]),
    ...     "decision": ["granted", "granted", "refused"]})
    >>> count_cases(cases)
       jobcentre  year  count
    0        101  2019      1
    1        101  2020      1
    2        147  2019      0
    3        147  2020      0
    """
    check_choice("unit", unit, UNITS)
    names = as_by(by)
    if unit in names or "year" in names:
        raise OptionError(
            f"the unit ({unit!r}) and 'year' are always grouping columns; drop them from by "
            f"(got {names})"
        )
    engine = engine_frame(cases, function="count_cases", what="cases")
    if engine is not None:
        keys, counted, left_out = engine_unit_counts(engine, [unit, "year", *names], decision)
        warn_left_out(left_out, cases_counted(decision))
        if not complete:
            return counted
        table = _grid(keys, unit, names).merge(counted, on=[unit, "year", *names], how="left")
        return table.assign(count=table["count"].fillna(0).astype("int64"))
    cases = as_pandas(cases, function="count_cases", what="cases")
    check_columns(cases, (unit,), "cases")
    reduced, left_out = usage_reduction(
        cases, [unit, "year", *names], decision, function="count_cases"
    )
    warn_left_out(left_out, cases_counted(decision))
    counted = reduced.rename(columns={"n": "count"})
    if not complete:
        return counted
    grid = _grid(group_keys(cases, [unit, "year", *names]), unit, names)
    table = grid.merge(counted, on=[unit, "year", *names], how="left")
    return table.assign(count=table["count"].fillna(0).astype("int64"))


def _grid(keys: pd.DataFrame, unit: str, names: list[str]) -> pd.DataFrame:
    """Every unit × year × observed ``by`` combination, dropping jobcentre-years not in force.

    A key combination with a missing label is no unit or group (the counts leave it out too).
    """
    keys = keys.dropna()
    if keys.empty:
        return keys.iloc[:0][[unit, "year", *names]]
    units = pd.DataFrame({unit: np.sort(keys[unit].unique())})
    first, last = int(keys["year"].min()), int(keys["year"].max())
    years = pd.DataFrame({"year": np.arange(first, last + 1, dtype=np.int64)})
    grid = units.merge(years, how="cross")
    if unit == "jobcentre":
        members = _jobcentre_memberships()[["jobcentre", "valid_from", "valid_to"]]
        known = grid["jobcentre"].isin(members["jobcentre"])
        pairs = grid.loc[known].merge(members, on="jobcentre")
        day = midyear(pairs["year"])
        in_force = (pairs["valid_from"] <= day) & (
            pairs["valid_to"].isna() | (pairs["valid_to"] >= day)
        )
        served = pairs.loc[in_force.to_numpy(), ["jobcentre", "year"]].drop_duplicates()
        grid = pd.concat([grid.loc[~known], served]).sort_values(["jobcentre", "year"])
    if names:
        combos = keys[names].drop_duplicates().sort_values(names)
        grid = grid.merge(combos, how="cross")
    return grid.reset_index(drop=True)
