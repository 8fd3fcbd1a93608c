"""Scheme usage and expenditure: cases, jobcentres and granted amounts per scheme and group."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap._engines import (
    AnyFrame,
    as_pandas,
    check_engine_columns,
    engine_frame,
)
from jobhandicap._grouping import (
    as_by,
    check_columns,
    group_keys,
    refuse_reserved,
    warn_left_out,
)
from jobhandicap._reduce import LeftOut, Reduction, grouped_reduction, grouped_sums
from jobhandicap.domain import Decision
from jobhandicap.errors import (
    ArgumentTypeError,
    OptionError,
    SmallSampleWarning,
)
from jobhandicap.usage._common import (
    amounts_dkk,
    cases_counted,
    describe_units,
    selected_cases,
)
from jobhandicap.usage._engine import engine_scheme_counts, engine_usage_reduction
from jobhandicap.usage._engine_spread import engine_spread_usage
from jobhandicap.usage._spells import chosen_counts, counting_rows, spread_amounts


def reduce_usage(
    cases: AnyFrame,
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
        with ``amounts``, and the ``by`` columns): pandas, or a Polars, PyArrow, DuckDB or
        PySpark frame, reduced in its engine (one grouped count; only the table is
        collected).
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
        missing value in a ``by`` column is left out, with a warning), sorted by the ``by``
        columns:

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

    Warns
    -----
    DataQualityWarning
        Once, when selected cases have no label in a ``by`` column, with their number.

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
    reduced = usage_reduction(cases, names, decision, amounts=amounts, function="reduce_usage")
    warn_left_out(reduced.left_out, cases_counted(decision))
    return reduced.table


def usage_reduction(
    cases: AnyFrame,
    names: list[str],
    decision: str | Decision | None,
    *,
    amounts: bool = False,
    function: str,
) -> Reduction:
    """:func:`reduce_usage` without the warning: its table and the selected cases left out.

    ``left_out.rows`` counts the selected cases with a missing label, in either engine.
    """
    engine = engine_frame(cases, function=function, what="cases")
    if engine is not None:
        return engine_usage_reduction(engine, names, decision, amounts=amounts)
    cases = as_pandas(cases, function=function, what="cases")
    check_columns(cases, ("amount_dkk",) if amounts else (), "cases")
    keys = group_keys(cases, names)
    mask = selected_cases(cases, decision)
    # The selection is a sum (a count of the selected rows), not a copy of the selected rows:
    # groups with no selected case are dropped from the small table afterwards.
    values: dict[str, npt.NDArray[Any]] = {"n": mask}
    if amounts:
        amount = amounts_dkk(cases)
        known = mask & ~np.isnan(amount)
        values |= {"amount_dkk": np.where(known, amount, 0.0), "n_with_amount": known}
    table, left_out = grouped_reduction(
        {name: keys[name] for name in names}, values, count="_rows", counted="n"
    )
    table = table.drop(columns="_rows").astype({"n": "int64"})
    if amounts:
        table = table.astype({"n_with_amount": "int64"})
    if names:
        table = table.loc[table["n"].to_numpy() > 0].reset_index(drop=True)
    return Reduction(table, left_out)


def cases_left_out(
    cases: pd.DataFrame, names: list[str], decision: object, left_out: LeftOut
) -> LeftOut:
    """The selected *cases* with a missing label, when the rows reduced were grant-years.

    A reduction of rows that repeat a case (a grant in force once per year, an amount spread
    over years) left out rows, not cases; this counts the cases themselves, from the labels of
    ``names`` (``year`` is derived and never missing). It runs only when something was left
    out.
    """
    if not left_out.rows:
        return left_out
    selected = selected_cases(cases, decision)
    absent = group_keys(cases, [name for name in names if name != "year"]).isna()
    missing = absent.to_numpy(dtype=bool) & selected[:, None]
    hit = missing.any(axis=1)
    found = np.asarray(missing.any(axis=0), dtype=bool)
    columns = tuple(name for name, hit_any in zip(absent.columns, found, strict=True) if hit_any)
    return LeftOut(int(hit.sum()), {}, columns)


# --------------------------------------------------------------------------------------------
# Scheme usage
# --------------------------------------------------------------------------------------------


#: The columns :func:`scheme_usage` makes: no ``by`` name.
USAGE_COLUMNS = ("n", "count", "share", "jobcentres", "counted")


def scheme_usage(
    cases: AnyFrame,
    *,
    by: str | Sequence[str] = ("year", "scheme"),
    decision: str | Decision | None = "granted",
    count: str | None = None,
) -> pd.DataFrame:
    r"""Number of cases and of distinct jobcentres per group, and each scheme's share.

    Parameters
    ----------
    cases
        Canonical cases frame (needs ``jobcentre``, ``decision`` unless every case is counted,
        and the grouping columns): pandas, or a Polars, PyArrow, DuckDB or PySpark frame,
        reduced in its engine (every ``count``: grants in force are summed per year there).
    by
        Grouping columns of the cases frame, or ``"year"`` (the application year).
    decision
        Which applications count: ``"granted"`` (default), ``"refused"``, ``"withdrawn"``,
        ``"decided"`` (granted or refused), or ``None`` / ``"all"`` (every application).
    count
        What a row counts per year: ``"applications"`` (the selected applications by
        application year), ``"new"`` (grants by the year their period starts: the flow) or
        ``"active"`` (grants in force in the year: the stock, see :func:`active_grants`).
        ``None`` (default) takes it per scheme from the data when ``by`` holds ``year``
        and ``scheme``, granted cases are counted and the frame has grant periods: a
        scheme at least half of whose grants with a period have an end date (personal
        assistance) is counted ``"active"``, any other scheme with periods (aids)
        ``"new"`` — with a ``DataQualityWarning`` when some of its periods have an end —;
        otherwise ``"applications"``. ``"new"`` and ``"active"`` need ``year`` in ``by``
        and ``decision="granted"``. A granted case of an ``"active"`` scheme without a
        usable period (none, or ending before it starts) counts once, in its application
        year, with a ``DataQualityWarning``.

    Returns
    -------
    pandas.DataFrame
        The grouping columns (groups without a selected case are not listed); ``n`` (the
        share's base: the selected cases of all groups that agree on the other grouping
        columns — with the default ``by=("year", "scheme")`` the year's cases; without
        ``scheme`` in ``by`` all selected cases), ``count`` (the group's selected cases),
        ``share`` (``count / n``: with the default each scheme's share of the year's cases),
        ``jobcentres`` (distinct jobcentres with a selected case in the group) and
        ``counted`` (what the row counts: ``"applications"``, ``"new"`` or ``"active"``).

    Raises
    ------
    JobhandicapError
        When a grouping column is unknown or ``decision`` names no decision.
    OptionError
        When ``by`` names one of the output's own columns (``n``, ``count``, ``share``,
        ``jobcentres``, ``counted``).
    MissingColumnsError
        When the cases frame lacks ``jobcentre`` or ``decision``.

    Warns
    -----
    DataQualityWarning
        With ``count=None``, when a scheme counted ``"new"`` has periods with an end date;
        when a granted case of a scheme counted ``"active"`` has no usable period. Once,
        when selected cases have no label in a ``by`` column or in ``jobcentre`` (which
        every row counts distinct), with their number (cases, not grant-years): they are
        left out.

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
       year               scheme  n  count  share  jobcentres       counted
    0  2019                 aids  4      3   0.75           2  applications
    1  2019  personal assistance  4      1   0.25           1  applications
    """
    names = as_by(by)
    refuse_reserved(names, USAGE_COLUMNS, "the result of scheme_usage")
    engine = engine_frame(cases, function="scheme_usage", what="cases")
    if engine is not None:
        counts, (per_jobcentre, left_out) = engine_scheme_counts(engine, names, decision, count)
    else:
        cases = as_pandas(cases, function="scheme_usage", what="cases")
        check_columns(cases, ("jobcentre",), "cases")
        counts = chosen_counts(cases, names, decision, count)
        rows = counting_rows(cases, names, decision, counts)
        inner = names if "jobcentre" in names else [*names, "jobcentre"]
        per_jobcentre, left_out = usage_reduction(rows, inner, decision, function="scheme_usage")
        if "active" in counts.values():  # the rows were grant-years: count the cases
            left_out = cases_left_out(cases, inner, decision, left_out)
    warn_left_out(left_out, cases_counted(decision))
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
    if "scheme" in names:
        what = [counts.get(str(v), "applications") for v in table["scheme"].tolist()]
    else:
        what = [next(iter(set(counts.values())), "applications")] * len(table)
    return pd.DataFrame(
        {
            **{name: table[name] for name in names},
            "n": total.astype(np.int64),
            "count": table["count"],
            "share": share,
            "jobcentres": table["jobcentres"],
            "counted": pd.Series(what, index=table.index, dtype="string"),
        }
    )


# --------------------------------------------------------------------------------------------
# Expenditure
# --------------------------------------------------------------------------------------------


#: The columns :func:`expenditure_shares` makes: no ``by`` name.
EXPENDITURE_COLUMNS = ("n", "amount_dkk", "share", "total_dkk", "n_with_amount")


def expenditure_shares(
    cases: AnyFrame, *, by: str | Sequence[str] = (), spread: bool = False
) -> pd.DataFrame:
    r"""Granted amount per scheme and its share of the group's total expenditure.

    Parameters
    ----------
    cases
        Canonical cases frame (needs ``scheme``, ``decision``, ``amount_dkk`` and the grouping
        columns). Only granted cases count. A pandas frame, or a Polars, PyArrow, DuckDB or
        PySpark frame, reduced in its engine (with ``spread`` too: one pass for the horizon
        and the years, then one grouped sum of every year's spending; only the sums are
        collected).
    by
        Grouping columns within which shares are computed (``()`` for the whole frame), for
        example ``"year"``, ``"jobcentre"`` or ``"target_group"``. ``scheme`` is always the
        innermost grouping and may not be given.
    spread
        Spread each grant's amount over the calendar years of its grant period (needs
        ``year`` in ``by``, which then means the year of the spending, and the period
        columns): a grant with ``yearly_amount_dkk`` costs that amount times the share of
        each year it is in force; a closed period without one costs ``amount_dkk`` pro rata
        by days over its years; any other grant (no period, or open-ended without a yearly
        amount, such as an aid bought once) costs its amount in its start year. Every grant
        runs to the same horizon, the data's last year (of the latest application, decision
        or period start; ``attrs["spread_to"]``): open-ended grants are in force to its end
        and the years of closed periods after it are not listed — so each year's shares
        cover every grant in force in it —; ``attrs["later_dkk"]`` holds the amount of
        closed periods falling after it. Default ``False``: every amount falls in the
        application year. ``n`` then counts the grants with spending in the group.

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
    OptionError
        When ``by`` names one of the output's own columns (``n``, ``amount_dkk``,
        ``share``, ``total_dkk``, ``n_with_amount``).
    MissingColumnsError
        When a required column is missing.

    Warns
    -----
    SmallSampleWarning
        When some group's total is zero (nothing with a known positive amount was granted):
        its shares are NaN, not a division by zero.
    DataQualityWarning
        Once, when granted cases have no label in a ``by`` column or in ``scheme``, with
        their number: they and their amounts are left out.

    Notes
    -----
    :math:`\text{share}_{g,s} = A_{g,s} / \sum_{s'} A_{g,s'}` with :math:`A_{g,s}` the sum of
    the known amounts granted under scheme :math:`s` in group :math:`g`. Missing amounts
    (NaN) are left out of the sums — they are not taken as zero and not imputed —, so compare
    ``n_with_amount`` with ``n`` to see how complete a sum is. The sums come from
    :func:`reduce_usage` (one row per group and scheme). Priority access costs
    nothing, so its amounts are missing and its sum is 0. As for :func:`scheme_usage`, the
    register is a census: no sampling interval is attached.

    With ``spread``, grant :math:`i` with period :math:`[s_i, e_i]` (:math:`e_i` the
    horizon's 31 December when open-ended) is in force
    :math:`d_{iy} = \max(0, \min(e_i, \text{31 Dec } y) - \max(s_i, \text{1 Jan } y) + 1)`
    days of year :math:`y` and spends :math:`a^{\text{year}}_i d_{iy} / D_y` there
    (:math:`D_y` the days of the year) with a yearly amount, and
    :math:`a_i d_{iy} / (e_i - s_i + 1)` for a closed period without one; :math:`n` counts the
    grants with :math:`d_{iy} > 0` (or spent once in :math:`y`). An engine computes these sums
    per group for every year in one pass, with the same terms, so its answer equals pandas' to
    rounding.

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
    refuse_reserved(names, EXPENDITURE_COLUMNS, "the result of expenditure_shares")
    if not isinstance(spread, bool):
        raise ArgumentTypeError(f"spread must be True or False, got {spread!r}")
    if spread and "year" not in names:
        raise OptionError(
            f"spread=True spreads amounts over calendar years: put 'year' in by (got {names})"
        )
    spread_to: tuple[int, float] | None = None
    engine = engine_frame(cases, function="expenditure_shares", what="cases")
    if engine is not None:
        check_engine_columns(engine, ("scheme", "decision", "amount_dkk"), "cases")
        if spread:
            table, last_year, later, left_out = engine_spread_usage(engine, names)
            spread_to = (last_year, later)
        else:
            table, left_out = engine_usage_reduction(
                engine, [*names, "scheme"], Decision.GRANTED, amounts=True
            )
    else:
        cases = as_pandas(cases, function="expenditure_shares", what="cases")
        check_columns(cases, ("scheme", "decision", "amount_dkk"), "cases")
        rows = cases
        if spread:
            rows, last_year, later = spread_amounts(cases, names)
            spread_to = (last_year, later)
        table, left_out = usage_reduction(
            rows, [*names, "scheme"], Decision.GRANTED, amounts=True, function="expenditure_shares"
        )
        if spread:  # the rows were grant-years: count the cases
            left_out = cases_left_out(cases, [*names, "scheme"], Decision.GRANTED, left_out)
    warn_left_out(left_out, cases_counted(Decision.GRANTED))
    amounts = table["amount_dkk"].astype("float64")
    if names:
        total = amounts.groupby([table[c] for c in names], observed=True).transform("sum")
    else:
        total = pd.Series(float(amounts.sum()), index=table.index)
    total_values = total.to_numpy(dtype=np.float64)
    empty = ~(total_values > 0)
    if empty.any():
        where = describe_units(table.loc[empty], names) if names else "the whole frame"
        warnings.warn(
            f"the total granted amount is zero (no known positive amount) in {where}; the "
            "shares there are NaN",
            SmallSampleWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(empty, np.nan, amounts.to_numpy() / total_values)
    result = pd.DataFrame(
        {
            **{c: table[c] for c in [*names, "scheme"]},
            "n": table["n"],
            "amount_dkk": amounts,
            "share": share,
            "total_dkk": total_values,
            "n_with_amount": table["n_with_amount"],
        }
    )
    if spread_to is not None:
        result.attrs["spread_to"], result.attrs["later_dkk"] = spread_to
    return result
