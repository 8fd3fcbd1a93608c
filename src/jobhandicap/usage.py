r"""Use of the compensation schemes: volume, expenditure, rates per population, target groups.

The register side of the 2021 mapping of municipal practice asks how much each scheme is used,
where the money goes (personal assistance is about 89 % of expenditure), how often jobcentres
grant schemes relative to their population, and for how many benefit target groups they bring
the schemes into play. Each function here answers one of those questions on the canonical cases
frame:

- :func:`scheme_usage` — cases and distinct jobcentres per group, and each scheme's share;
- :func:`expenditure_shares` — granted amounts per scheme and their shares of the total;
- :func:`count_cases` and :func:`rates_per_population` — cases per 10,000 residents aged 16–64
  per municipality or jobcentre, with the exact (Garwood) Poisson interval;
- :func:`target_group_coverage` — how many (and which) target groups a jobcentre granted a
  scheme to.

As everywhere in jobhandicap the cases are first reduced, in one pass, to a small table of
counts and sums per group (the part that must scale to national registers: the group keys are
integer-coded and counted with :func:`numpy.bincount`, a million cases in a few tens of
milliseconds), and the estimators then run on that small table.

The ``decision`` argument selects which applications count:

========================  =======================================================
``decision``              cases counted
========================  =======================================================
``"granted"`` (default)   granted applications
``"refused"``             refused applications
``"withdrawn"``           withdrawn applications
``"decided"``             granted or refused (decided on the merits)
``None`` or ``"all"``     every application, open ones included
========================  =======================================================

Single decisions are read with :meth:`jobhandicap.Decision.parse`, so Danish labels
(``"bevilget"``, ``"afslag"``) work too. Groups are formed by columns of the cases frame or by
``year``, the application year.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._grouping import as_by, check_columns, group_keys, rows_in
from jobhandicap._options import check_choice, check_level
from jobhandicap._reduce import grouped_sums
from jobhandicap.domain import Decision
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
    SmallSampleWarning,
    UnknownLabelError,
)
from jobhandicap.reference import MEMBERSHIP_DAY, membership_day
from jobhandicap.reference import jobcentres as _jobcentre_memberships
from jobhandicap.stats import poisson_interval

__all__ = [
    "MEMBERSHIP_DAY",
    "count_cases",
    "expenditure_shares",
    "rates_per_population",
    "scheme_usage",
    "target_group_coverage",
]


#: How many offending units an error message spells out.
_SHOWN = 5

_UNITS = ("jobcentre", "municipality")


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _wanted_decisions(decision: object) -> frozenset[str] | None:
    """Return the decision values a ``decision`` argument selects (``None``: every case)."""
    if decision is None:
        return None
    if isinstance(decision, str) and not isinstance(decision, Decision):
        keyword = " ".join(decision.lower().split())
        if keyword == "all":
            return None
        if keyword == "decided":
            return frozenset({Decision.GRANTED.value, Decision.REFUSED.value})
    try:
        return frozenset({Decision.parse(decision).value})
    except UnknownLabelError as exc:
        raise UnknownLabelError(
            decision,
            "decision (give 'granted', 'refused', 'withdrawn', 'decided' or 'all')",
            exc.matches,
        ) from None


def _selected(cases: pd.DataFrame, decision: object) -> npt.NDArray[np.bool_]:
    """Boolean mask of the cases that ``decision`` selects."""
    wanted = _wanted_decisions(decision)
    if wanted is None:
        return np.ones(len(cases), dtype=bool)
    check_columns(cases, ("decision",), "cases")
    return rows_in(cases["decision"], wanted)


def reduce_usage(
    cases: pd.DataFrame,
    by: str | Sequence[str] = (),
    *,
    decision: str | Decision | None = "granted",
    amounts: bool = False,
) -> pd.DataFrame:
    r"""Reduce cases to the selected cases (and their granted amounts) per group.

    The reduction step of every indicator of this module: the only step whose cost grows with
    the number of cases (one grouped count, :func:`jobhandicap._reduce.grouped_sums`). The
    indicators infer from its table alone — a distinct count (of jobcentres, of target
    groups) is a count of the table's rows.

    Parameters
    ----------
    cases
        Canonical cases frame (``decision`` unless every case is selected, ``amount_dkk``
        with ``amounts``, and the ``by`` columns).
    by
        Grouping columns of the cases frame, or ``"year"`` (the application year).
    decision
        Which applications count, as in :func:`scheme_usage` (default: granted ones).
    amounts
        Add the sums of the known amounts and the number of cases with a known amount.

    Returns
    -------
    pandas.DataFrame
        One row per combination of ``by`` values among the selected cases (a row with a
        missing value in a ``by`` column is left out), sorted by the ``by`` columns:

        ====================  ========================================================
        column                content
        ====================  ========================================================
        the ``by`` columns    the group (categorical columns keep their categories)
        ``n``                 selected cases (int64)
        ``amount_dkk``        with ``amounts``: sum of the known amounts (float64)
        ``n_with_amount``     with ``amounts``: selected cases with a known amount
        ====================  ========================================================

        Counts and sums only: tables of parts of the cases add up to the table of the whole
        (:func:`jobhandicap._reduce.combine` over the ``by`` columns).

    Raises
    ------
    MissingColumnsError
        When a needed or grouping column is missing.
    UnknownLabelError
        When ``decision`` names no decision.

    Notes
    -----
    For group :math:`g` with selected cases :math:`C_g`: :math:`n_g = |C_g|`,
    :math:`A_g = \sum_{i \in C_g,\, a_i \text{ known}} a_i` and
    :math:`k_g = \#\{i \in C_g : a_i \text{ known}\}`.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "scheme": ["aids", "aids", "personal assistance", "aids"],
    ...     "decision": ["granted", "granted", "granted", "refused"],
    ...     "amount_dkk": [10_000.0, float("nan"), 90_000.0, float("nan")]})
    >>> reduce_usage(cases, "scheme", amounts=True)
                    scheme  n  amount_dkk  n_with_amount
    0                 aids  2     10000.0              1
    1  personal assistance  1     90000.0              1
    """
    names = as_by(by)
    check_columns(cases, ("amount_dkk",) if amounts else (), "cases")
    keys = group_keys(cases, names)
    mask = _selected(cases, decision)
    # The selection is a sum (a count of the selected rows), not a copy of the selected rows:
    # groups with no selected case are dropped from the small table afterwards.
    values: dict[str, npt.NDArray[Any]] = {"n": mask}
    if amounts:
        amount = _amounts(cases)
        known = mask & ~np.isnan(amount)
        values |= {"amount_dkk": np.where(known, amount, 0.0), "n_with_amount": known}
    table = grouped_sums({name: keys[name] for name in names}, values, count="_rows")
    table = table.drop(columns="_rows").astype({"n": "int64"})
    if amounts:
        table = table.astype({"n_with_amount": "int64"})
    if names:
        table = table.loc[table["n"].to_numpy() > 0].reset_index(drop=True)
    return table


def _amounts(cases: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The ``amount_dkk`` column as float64 (NaN when unknown)."""
    try:
        amount: npt.NDArray[np.float64] = cases["amount_dkk"].to_numpy(
            dtype=np.float64, na_value=np.nan
        )
    except (TypeError, ValueError) as exc:
        raise JobhandicapError(
            "amount_dkk must hold numbers (amounts in DKK, NaN when unknown); validate the "
            "cases with jobhandicap.frames.validate_cases first"
        ) from exc
    return amount


def _describe_units(frame: pd.DataFrame, columns: list[str]) -> str:
    """List the first few rows of ``frame`` as ``col value, col value``; say how many more."""
    shown = [
        ", ".join(f"{c} {v}" for c, v in zip(columns, row, strict=True))
        for row in frame[columns].head(_SHOWN).itertuples(index=False)
    ]
    more = f" and {len(frame) - _SHOWN} more" if len(frame) > _SHOWN else ""
    return "; ".join(f"({s})" for s in shown) + more


def _midyear(years: pd.Series[Any]) -> pd.Series[Any]:
    """The membership day (:data:`MEMBERSHIP_DAY`) of each year, as datetime64[ns]."""
    days = membership_day(years.to_numpy(dtype=np.int64))
    return pd.Series(days.astype("datetime64[ns]"), index=years.index)


# --------------------------------------------------------------------------------------------
# Scheme usage
# --------------------------------------------------------------------------------------------


def scheme_usage(
    cases: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("year", "scheme"),
    decision: str | Decision | None = "granted",
) -> pd.DataFrame:
    r"""Number of cases and of distinct jobcentres per group, and each scheme's share.

    Parameters
    ----------
    cases
        Canonical cases frame (needs ``jobcentre``, ``decision`` unless every case is counted,
        and the grouping columns).
    by
        Grouping columns of the cases frame, or ``"year"`` (the application year).
    decision
        Which applications count: ``"granted"`` (default), ``"refused"``, ``"withdrawn"``,
        ``"decided"`` (granted or refused), or ``None`` / ``"all"`` (every application).

    Returns
    -------
    pandas.DataFrame
        The grouping columns (groups without a selected case are not listed); ``n`` (the
        share's base: the selected cases of all groups that agree on the other grouping
        columns — with the default ``by=("year", "scheme")`` the year's cases; without
        ``scheme`` in ``by`` all selected cases), ``count`` (the group's selected cases),
        ``share`` (``count / n``: with the default each scheme's share of the year's cases)
        and ``jobcentres`` (distinct jobcentres with a selected case in the group).

    Raises
    ------
    JobhandicapError
        When a grouping column is unknown or ``decision`` names no decision.
    MissingColumnsError
        When the cases frame lacks ``jobcentre`` or ``decision``.

    Notes
    -----
    With :math:`c_g` the selected cases in group :math:`g` (``count``) and :math:`G(g)` the
    groups sharing all grouping values of :math:`g` except the scheme,
    :math:`n_g = \sum_{h \in G(g)} c_h` and :math:`\text{share}_g = c_g / n_g`. The cases
    are first reduced per group and jobcentre (:func:`reduce_usage`). Register data are a
    census of the applications, so no sampling interval is attached; for uncertainty about a
    rate, relate counts to the population with :func:`rates_per_population`.

    References
    ----------
    Styrelsen for Arbejdsmarked og Rekruttering (STAR). Kortlægning af kommunernes praksis på
    handicapområdet (2021), delanalyse 3: jobcentrenes anvendelse af ordningerne.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "jobcentre": [101, 101, 147, 147, 147],
    ...     "scheme": ["aids", "aids", "aids", "personal assistance", "aids"],
    ...     "applied": pd.to_datetime(["2019-02-01"] * 5),
    ...     "decision": ["granted", "granted", "granted", "granted", "refused"]})
    >>> scheme_usage(cases).round(3)
       year               scheme  n  count  share  jobcentres
    0  2019                 aids  4      3   0.75           2
    1  2019  personal assistance  4      1   0.25           1
    """
    names = as_by(by)
    check_columns(cases, ("jobcentre",), "cases")
    inner = names if "jobcentre" in names else [*names, "jobcentre"]
    per_jobcentre = reduce_usage(cases, inner, decision=decision)
    # Inference on the reduced table: a jobcentre is a row of it.
    table = grouped_sums(
        {name: per_jobcentre[name] for name in names},
        {"count": per_jobcentre["n"].to_numpy()},
        count="jobcentres",
    )
    table = table.astype({"count": "int64", "jobcentres": "int64"})
    others = [name for name in names if name != "scheme"]
    counted = table["count"].to_numpy(dtype=np.float64)
    if others and "scheme" in names:
        total = (
            table["count"]
            .groupby([table[c] for c in others], observed=True)
            .transform("sum")
            .to_numpy(dtype=np.float64)
        )
    else:
        total = np.full(len(table), counted.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, counted / total, np.nan)
    return pd.DataFrame(
        {
            **{name: table[name] for name in names},
            "n": total.astype(np.int64),
            "count": table["count"],
            "share": share,
            "jobcentres": table["jobcentres"],
        }
    )


# --------------------------------------------------------------------------------------------
# Expenditure
# --------------------------------------------------------------------------------------------


def expenditure_shares(cases: pd.DataFrame, *, by: str | Sequence[str] = ()) -> pd.DataFrame:
    r"""Granted amount per scheme and its share of the group's total expenditure.

    Parameters
    ----------
    cases
        Canonical cases frame (needs ``scheme``, ``decision``, ``amount_dkk`` and the grouping
        columns). Only granted cases count.
    by
        Grouping columns within which shares are computed (``()`` for the whole frame), for
        example ``"year"``, ``"jobcentre"`` or ``"target_group"``. ``scheme`` is always the
        innermost grouping and may not be given.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``scheme`` (schemes granted at least once in the group);
        ``n`` (granted cases), ``amount_dkk`` (sum of the known granted amounts),
        ``share`` (of the group's total), ``total_dkk`` (the group's total) and
        ``n_with_amount`` (granted cases whose amount is known). Within each group with
        a positive total the shares sum to 1.

    Raises
    ------
    JobhandicapError
        When ``by`` contains ``scheme`` or names an unknown column.
    MissingColumnsError
        When a required column is missing.

    Warns
    -----
    SmallSampleWarning
        When some group's total is zero (nothing with a known positive amount was granted):
        its shares are NaN, not a division by zero.

    Notes
    -----
    :math:`\text{share}_{g,s} = A_{g,s} / \sum_{s'} A_{g,s'}` with :math:`A_{g,s}` the sum of
    the known amounts granted under scheme :math:`s` in group :math:`g`. Missing amounts
    (NaN) are left out of the sums — they are not taken as zero and not imputed —, so compare
    ``n_with_amount`` with ``n`` to see how complete a sum is. The sums come from
    :func:`reduce_usage` (one row per group and scheme). Priority access costs
    nothing, so its amounts are missing and its sum is 0. As for :func:`scheme_usage`, the
    register is a census: no sampling interval is attached.

    References
    ----------
    Styrelsen for Arbejdsmarked og Rekruttering (STAR). Kortlægning af kommunernes praksis på
    handicapområdet (2021): personal assistance is about 89 % of the expenditure.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "scheme": ["aids", "aids", "personal assistance", "aids"],
    ...     "decision": ["granted", "granted", "granted", "refused"],
    ...     "amount_dkk": [10_000.0, float("nan"), 90_000.0, float("nan")]})
    >>> expenditure_shares(cases).round(3)
                    scheme  n  amount_dkk  share  total_dkk  n_with_amount
    0                 aids  2     10000.0    0.1   100000.0              1
    1  personal assistance  1     90000.0    0.9   100000.0              1
    """
    names = as_by(by)
    if "scheme" in names:
        raise OptionError(
            "expenditure_shares always computes shares of schemes within groups; drop "
            f"'scheme' from by (got {names})"
        )
    check_columns(cases, ("scheme", "decision", "amount_dkk"), "cases")
    table = reduce_usage(cases, [*names, "scheme"], decision=Decision.GRANTED, amounts=True)
    amounts = table["amount_dkk"].astype("float64")
    if names:
        total = amounts.groupby([table[c] for c in names], observed=True).transform("sum")
    else:
        total = pd.Series(float(amounts.sum()), index=table.index)
    total_values = total.to_numpy(dtype=np.float64)
    empty = ~(total_values > 0)
    if empty.any():
        where = _describe_units(table.loc[empty], names) if names else "the whole frame"
        warnings.warn(
            f"the total granted amount is zero (no known positive amount) in {where}; the "
            "shares there are NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(empty, np.nan, amounts.to_numpy() / total_values)
    return pd.DataFrame(
        {
            **{c: table[c] for c in [*names, "scheme"]},
            "n": table["n"],
            "amount_dkk": amounts,
            "share": share,
            "total_dkk": total_values,
            "n_with_amount": table["n_with_amount"],
        }
    )


# --------------------------------------------------------------------------------------------
# Rates per population
# --------------------------------------------------------------------------------------------


def _unit_of(counts: pd.DataFrame, unit: str | None) -> str:
    """Return the unit column of a counts frame: ``jobcentre`` or ``municipality``."""
    if unit is not None:
        check_choice("unit", unit, _UNITS)
        check_columns(counts, (unit,), "counts")
        return unit
    present = [u for u in _UNITS if u in counts.columns]
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
            f"{what} has more than one row for {_describe_units(rows, columns)}; give one row "
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
        rows = frame.index[bad][:_SHOWN].tolist()
        raise JobhandicapError(
            f"the {column} column of the {what} must hold whole numbers of at least 0; row(s) "
            f"{rows} hold {values[bad][:_SHOWN].tolist()}"
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
                f"{_describe_units(found.loc[missing], ['municipality', 'year'])}; give the "
                "population (residents aged 16–64) of every municipality and year counted"
            )
        return found
    members = _jobcentre_memberships()[["jobcentre", "municipality", "valid_from", "valid_to"]]
    pairs = needed.merge(members, on="jobcentre", how="left")
    day = _midyear(pairs["year"])
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
            f"{_describe_units(served.loc[absent], ['jobcentre', 'year'])} on {dayno} "
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
            f"{_describe_units(found.loc[missing], ['jobcentre', 'year', 'municipality'])}; "
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
    cases: pd.DataFrame,
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
    check_choice("unit", unit, _UNITS)
    names = as_by(by)
    if unit in names or "year" in names:
        raise OptionError(
            f"the unit ({unit!r}) and 'year' are always grouping columns; drop them from by "
            f"(got {names})"
        )
    check_columns(cases, (unit,), "cases")
    counted = reduce_usage(cases, [unit, "year", *names], decision=decision).rename(
        columns={"n": "count"}
    )
    if not complete:
        return counted
    grid = _grid(group_keys(cases, [unit, "year", *names]), unit, names)
    table = grid.merge(counted, on=[unit, "year", *names], how="left")
    return table.assign(count=table["count"].fillna(0).astype("int64"))


def _grid(keys: pd.DataFrame, unit: str, names: list[str]) -> pd.DataFrame:
    """Every unit × year × observed ``by`` combination, dropping jobcentre-years not in force."""
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
        day = _midyear(pairs["year"])
        in_force = (pairs["valid_from"] <= day) & (
            pairs["valid_to"].isna() | (pairs["valid_to"] >= day)
        )
        served = pairs.loc[in_force.to_numpy(), ["jobcentre", "year"]].drop_duplicates()
        grid = pd.concat([grid.loc[~known], served]).sort_values(["jobcentre", "year"])
    if names:
        combos = keys[names].drop_duplicates().sort_values(names)
        grid = grid.merge(combos, how="cross")
    return grid.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Target-group coverage
# --------------------------------------------------------------------------------------------


def target_group_coverage(
    cases: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("jobcentre", "year"),
    decision: str | Decision | None = "granted",
    per_scheme: bool = True,
) -> pd.DataFrame:
    """How many, and which, benefit target groups each group brought the schemes into play for.

    Parameters
    ----------
    cases
        Canonical cases frame (needs ``target_group``, ``scheme`` when ``per_scheme``, and the
        grouping columns).
    by
        Grouping columns, or ``"year"`` (the application year).
    decision
        Which applications count, as in :func:`scheme_usage` (default: granted ones).
    per_scheme
        Count per scheme within each group (default). With ``False`` a target group counts
        when any scheme was granted to it — the organisational indicator
        ``target_groups_covered`` (0–14) of the profiles table.

    Returns
    -------
    pandas.DataFrame
        The grouping columns (and ``scheme``), ``n`` (selected cases), ``target_groups``
        (distinct target groups among them) and ``which`` (their values sorted alphabetically
        and joined with ``"; "``, a string).

    Raises
    ------
    JobhandicapError
        When ``by`` contains ``target_group`` or names an unknown column.
    MissingColumnsError
        When a required column is missing.

    Notes
    -----
    The cases are reduced once to the distinct (group, scheme, target group) combinations
    with their case counts (:func:`reduce_usage`); the counts and lists are taken from that
    small table. The survey of jobcentres asks for which target groups the schemes are
    brought into play; the case register answers the same question from the decisions
    actually made.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "jobcentre": [101, 101, 101, 147],
    ...     "scheme": ["aids"] * 4,
    ...     "target_group": ["flex-job", "employed", "flex-job", "employed"],
    ...     "decision": "granted"})
    >>> target_group_coverage(cases, by="jobcentre")
       jobcentre scheme  n  target_groups               which
    0        101   aids  3              2  employed; flex-job
    1        147   aids  1              1            employed
    """
    names = as_by(by)
    if "target_group" in names:
        raise OptionError(
            f"target_group_coverage counts target groups within groups; drop 'target_group' "
            f"from by (got {names})"
        )
    inner = [*names, "scheme"] if per_scheme and "scheme" not in names else names
    check_columns(cases, ("target_group",), "cases")
    distinct = reduce_usage(cases, [*inner, "target_group"], decision=decision)
    labels = distinct["target_group"].astype("string").to_numpy(dtype=object, na_value="")
    if not inner:
        values = sorted(labels.tolist())
        return pd.DataFrame(
            {
                "n": [int(distinct["n"].sum())],
                "target_groups": [len(values)],
                "which": pd.array(["; ".join(values)], dtype="string"),
            }
        )
    group = distinct.groupby(inner, observed=True, sort=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.diff(group, prepend=-1))
    return pd.DataFrame(
        {
            **{c: distinct[c].iloc[starts].reset_index(drop=True) for c in inner},
            "n": np.add.reduceat(distinct["n"].to_numpy(), starts).astype(np.int64),
            "target_groups": np.diff(np.append(starts, len(distinct))).astype(np.int64),
            "which": pd.array(_joined(labels, starts), dtype="string"),
        }
    )


def _joined(labels: npt.NDArray[Any], starts: npt.NDArray[np.intp]) -> list[str]:
    """Join each run of ``labels`` (runs begin at ``starts``) alphabetically with ``"; "``.

    With at most 62 distinct labels (there are 14 target groups) each run becomes a bit mask
    over the alphabetically ranked labels, combined with one ``bitwise_or.reduceat``; only the
    distinct masks are turned into text.
    """
    if labels.size == 0:
        return []
    vocabulary, rank = np.unique(labels, return_inverse=True)
    if vocabulary.size <= 62:
        masks = np.bitwise_or.reduceat(np.left_shift(1, rank.astype(np.int64)), starts)
        distinct, inverse = np.unique(masks, return_inverse=True)
        texts = [
            "; ".join(str(v) for i, v in enumerate(vocabulary) if int(mask) >> i & 1)
            for mask in distinct
        ]
        return [texts[i] for i in inverse.reshape(-1)]
    stops = np.append(starts[1:], labels.size)
    return ["; ".join(sorted(labels[a:b].tolist())) for a, b in zip(starts, stops, strict=True)]
