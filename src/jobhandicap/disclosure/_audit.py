"""The attacker's verdict on a release, and the public audit.

For every hidden quantity the attacker's range comes from :mod:`~jobhandicap.disclosure._attack`;
this module decides when it is too narrow (:func:`audit_verdict`) and reports it (:func:`audit`,
:func:`check`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap.disclosure import _attack
from jobhandicap.disclosure._problem import (
    Problem,
    build,
    count_quantities,
    hidden_before_protection,
    hidden_virtual,
    infer_specs,
)
from jobhandicap.disclosure._spec import TableSpec
from jobhandicap.disclosure._suppression import DEFAULT_TOTAL_LABELS
from jobhandicap.errors import ArgumentTypeError, DisclosureError, OptionError

if TYPE_CHECKING:
    from jobhandicap.disclosure._release import Release

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def default_min_width(threshold: int) -> float:
    """Half the values a small count's marker allows (rounded up), and at least one.

    The marker ``<T`` says 1 to ``T - 1``: a range of width ``T - 2``. By default the attacker
    must be left with at least half of it, so a hidden count is never pinned to one value or
    to two neighbours when the threshold is 5 (``min_width = 2``: three possible values).
    """
    return float(max(1, -(-(threshold - 2) // 2)))


def check_options(
    threshold: object, dominance: object, min_width: object, amount_protection: object
) -> tuple[int, tuple[int, float], float, float]:
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise ArgumentTypeError(f"threshold must be a whole number of persons, got {threshold!r}")
    if threshold < 3:
        raise OptionError(
            f"threshold must be at least 3, got {threshold}: below that the small-count marker "
            "itself would tell the value"
        )
    if (
        not isinstance(dominance, tuple)
        or len(dominance) != 2
        or dominance[0] not in (1, 2)
        or not 0 < float(dominance[1]) <= 1
    ):
        raise OptionError(
            f"dominance must be (n, k) with n 1 or 2 and 0 < k <= 1, e.g. (2, 0.85); got "
            f"{dominance!r}"
        )
    width = default_min_width(int(threshold)) if min_width is None else float(str(min_width))
    if not 0 <= width <= threshold - 2:
        raise OptionError(
            f"min_width must be between 0 and threshold - 2 = {threshold - 2}, got {min_width!r}"
        )
    protection = float(str(amount_protection))
    if not 0 <= protection <= 1:
        raise OptionError(
            f"amount_protection must be a share from 0 to 1, got {amount_protection!r}"
        )
    return int(threshold), (int(dominance[0]), float(dominance[1])), width, protection


def attack_release(
    problem: Problem,
    published: BoolArray,
    small: BoolArray,
    threshold: int,
    targets: IntArray,
) -> tuple[FloatArray, FloatArray, list[IntArray]]:
    s = problem.structure
    is_count = count_quantities(s)
    lower = np.where(small & is_count, 1.0, 0.0)
    upper = np.where(small & is_count, float(threshold - 1), np.inf)
    return _attack.ranges(s, published & problem.known, problem.truth, lower, upper, targets)


def required_hidden(
    problem: Problem,
    small: BoolArray,
    threshold: int,
    targets: IntArray,
    min_width: float,
) -> FloatArray:
    """The width each target's range must keep: ``min_width``, or less where no pattern can.

    Small counts nested in a small total (three cells marked small in a line whose total is
    marked small too) are narrowed by their markers alone: each is at most the total's bound
    less the others' least value. Hiding more cannot widen that, so the requirement is the
    range the markers leave when nothing else is published.
    """
    nothing = np.zeros(problem.structure.n_quantities, dtype=bool)
    low, high, _ = attack_release(problem, nothing, small, threshold, targets)
    low_in = np.maximum(low, 1.0)
    high_in = np.minimum(high, float(threshold - 1))
    return np.asarray(np.minimum(float(min_width), np.maximum(high_in - low_in, 0.0)))


def audit_verdict(
    problem: Problem,
    low: FloatArray,
    high: FloatArray,
    targets: IntArray,
    threshold: int,
    required: FloatArray,
    amount_protection: float,
) -> tuple[BoolArray, list[str]]:
    """Which targets the attacker narrows too far, and why (never naming a value).

    ``required`` is, per target, the width (within the small range) its range must keep.
    """
    is_count = count_quantities(problem.structure)[targets]
    amount = problem.truth[targets]
    has_truth = problem.known[targets]
    sensitive = problem.sensitive[targets]
    low_in = np.maximum(low, 1.0)
    high_in = np.minimum(high, float(threshold - 1))
    tol = 1e-7
    with np.errstate(invalid="ignore"):
        narrow_count = (high_in - low_in) < required - tol
        told_small = (high < threshold - tol) & (high > tol)
        count_bad = np.where(has_truth, sensitive & narrow_count, told_small & narrow_count)
        width = high - low
        amount_bad = np.where(
            has_truth,
            sensitive & (width < amount_protection * np.abs(amount) - tol * np.abs(amount)),
            width <= tol * np.maximum(1.0, np.abs(low)),
        )
    bad = np.where(is_count, count_bad, amount_bad)
    reasons = []
    for count, b, w in zip(is_count, bad, high - low, strict=True):
        if not b:
            reasons.append("")
        elif w < tol:
            reasons.append("recovered exactly from the published cells")
        elif count:
            reasons.append(
                f"narrowed to fewer values than the {threshold - 1} a small count may take"
            )
        else:
            reasons.append("narrowed to within the required protection interval")
    return np.asarray(bad, dtype=bool), reasons


_AUDIT_COLUMNS = ("table", "row", "column", "marker", "low", "high", "sensitive", "safe", "reason")


def audit_problem(
    problem: Problem,
    *,
    published: BoolArray,
    small: BoolArray,
    threshold: int,
    min_width: float,
    amount_protection: float,
) -> pd.DataFrame:
    targets = np.flatnonzero(~published & (problem.structure.size > 0))
    low, high, _ = attack_release(problem, published, small, threshold, targets)
    required = required_hidden(problem, small, threshold, targets, min_width)
    bad, reasons = audit_verdict(
        problem, low, high, targets, threshold, required, amount_protection
    )
    has_truth = problem.known[targets]
    records: list[tuple[Any, ...]] = []
    position = {int(q): i for i, q in enumerate(targets)}
    seen: set[int] = set()
    for family, quantity in zip(problem.families, problem.structure.cell_quantity, strict=True):
        places = [(c, r, family.column) for c, r in family.shown] or [
            (c, r, f"({col})") for c, r, col in family.derived
        ]
        for cell, row, column in places:
            q = int(quantity[cell])
            if q not in position or q in seen:
                continue
            seen.add(q)
            i = position[q]
            records.append(
                (
                    family.table,
                    row,
                    column,
                    f"<{threshold}" if small[q] else "",
                    low[i],
                    high[i],
                    bool(problem.sensitive[q]) if has_truth[i] else None,
                    not bool(bad[i]),
                    reasons[i],
                )
            )
    frame = pd.DataFrame.from_records(records, columns=list(_AUDIT_COLUMNS))
    return frame.astype(
        {
            "table": pd.StringDtype(),
            "row": np.int64,
            "column": pd.StringDtype(),
            "marker": pd.StringDtype(),
            "low": np.float64,
            "high": np.float64,
            "sensitive": pd.BooleanDtype(),
            "safe": bool,
            "reason": pd.StringDtype(),
        }
    )


def audit(
    tables: Release | Mapping[str, pd.DataFrame],
    specs: Mapping[str, TableSpec] | None = None,
    *,
    counts: Sequence[str] = (),
    markers: Mapping[str, pd.DataFrame] | None = None,
    microdata: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    weights: str | Mapping[str, str] | None = None,
    threshold: int = 5,
    dominance: tuple[int, float] = (2, 0.85),
    min_width: float | None = None,
    amount_protection: float = 0.2,
    total_labels: Iterable[str] = DEFAULT_TOTAL_LABELS,
) -> pd.DataFrame:
    r"""Attack a release: the range of every hidden cell given everything published.

    Parameters
    ----------
    tables
        A :class:`Release` from :func:`protect`, or the published tables by name, with hidden
        cells missing.
    specs, counts, microdata, weights, threshold, dominance, min_width, amount_protection, \
total_labels
        As for :func:`protect` (ignored for a :class:`Release`).
    markers
        Per table, the text shown in each cell (as :attr:`Release.markers`): a missing cell
        marked ``"<5"`` tells the attacker it holds 1 to 4. Default: hidden cells tell nothing.

    Returns
    -------
    pandas.DataFrame
        One row per hidden quantity (where a table first shows it): ``table``, ``row``
        (position from 0), ``column``, ``marker``, ``low`` and ``high`` (the attacker's range),
        ``sensitive`` (from the unit data; missing without them), ``safe`` and ``reason``.

    Notes
    -----
    The attacker knows every published cell and total of every table, that counts and amounts
    are not negative, and what each marker says. The unknowns are the totals of the atoms (see
    :func:`protect`); the range of hidden quantity :math:`h` is
    :math:`[\min a_h^\top x, \max a_h^\top x]` subject to :math:`a_q^\top x = v_q` for every
    published :math:`q`, :math:`1 \le a_q^\top x \le T - 1` for every cell marked small, and
    :math:`x \ge 0`: two linear programmes per hidden quantity (HiGHS). A range is *too
    narrow* when, within :math:`[1, T-1]`, it spans fewer than ``min_width`` values for a
    sensitive count (with unit data), or for any hidden count the attacker can tell is small
    (without); for an amount, when it spans less than ``amount_protection`` of a sensitive
    amount (with unit data) or is pinned (without). The attacker of this audit works with real
    numbers; integer counts can only narrow a range further by rounding its ends.

    References
    ----------
    .. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, section 4.3
       (auditing a suppression pattern by linear programming).

    Examples
    --------
    A table suppressed on its own, with its margin published elsewhere:

    >>> import pandas as pd
    >>> shown = pd.DataFrame({"scheme": ["aids", "mentor", "total"], "n": [40, None, 43]})
    >>> result = audit({"t": shown}, {"t": TableSpec(measures=["n"], by=["scheme"])})
    >>> result[["table", "row", "column", "safe", "reason"]]
       table  row column   safe                                     reason
    0      t    1      n  False  recovered exactly from the published cells
    """
    if not isinstance(tables, Mapping):
        return tables.audit()
    threshold, dominance, width, protection = check_options(
        threshold, dominance, min_width, amount_protection
    )
    if specs is None:
        specs = infer_specs(tables, counts, microdata)
    problem = build(tables, specs, microdata, weights, total_labels, threshold, dominance)
    hidden = hidden_before_protection(problem) | ~problem.known
    hidden |= hidden_virtual(problem)
    small = _marked_small(problem, markers, threshold) & hidden
    return audit_problem(
        problem,
        published=~hidden,
        small=small,
        threshold=threshold,
        min_width=width,
        amount_protection=protection,
    )


def _marked_small(
    problem: Problem, markers: Mapping[str, pd.DataFrame] | None, threshold: int
) -> BoolArray:
    n = problem.structure.n_quantities
    out = np.zeros(n, dtype=bool)
    if not markers:
        return out
    for family, quantity in zip(problem.families, problem.structure.cell_quantity, strict=True):
        if family.column is None or family.table not in markers:
            continue
        marks = markers[family.table]
        if family.column not in marks.columns:
            continue
        text = marks[family.column].astype(object).to_numpy()
        for cell, row in family.shown:
            if str(text[row]).strip().startswith("<"):
                out[quantity[cell]] = True
    del threshold
    return out


def check(release: Release) -> pd.DataFrame:
    """Audit a release and raise :class:`DisclosureError` naming the first unsafe cell."""
    result = release.audit()
    unsafe = result[~result["safe"]]
    if len(unsafe):
        first = unsafe.iloc[0]
        raise DisclosureError(
            f"the release is not safe: in table {first['table']!r}, row {int(first['row']) + 2} "
            f"as a spreadsheet shows it, column {first['column']!r}, a hidden cell is "
            f"{first['reason']} ({len(unsafe)} unsafe cell(s) in all). Nothing was written"
        )
    return result
