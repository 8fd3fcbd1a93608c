"""The staff reduction (counts, sums and cross-products per group) and the bootstrap helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from jobhandicap._grouping import as_by, check_columns
from jobhandicap._reduce import grouped_sums
from jobhandicap.errors import ArgumentTypeError, SchemaError
from jobhandicap.stats._core import FloatArray, lazy_module

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")


#: Relative size below which a sum of squared deviations computed from sums counts as zero:
#: it is what rounding leaves of a zero in :math:`\sum x^2 - (\sum x)^2/n`.
ROUNDING = 1e-12


def reduce_cross_products(
    frame: pd.DataFrame,
    columns: Sequence[str],
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Reduce rows of numbers to counts, sums and sums of cross-products per group.

    The reduction step of :func:`reliability` (over the scored items), :func:`association`
    and :func:`scale_means` (over scale scores, per group and per jobcentre for the cluster
    bootstrap): they infer from this table only.

    Parameters
    ----------
    frame
        One row per respondent, with the numeric ``columns`` and the ``by`` columns.
    columns
        The numeric columns (items or scores). A row counts only where every one of them is
        present (listwise deletion).
    by
        Grouping columns (a jobcentre, a strategy type); none for one group.

    Returns
    -------
    pandas.DataFrame
        One row per group and unordered pair of ``columns`` (a column paired with itself
        included), sorted by group and then in the order of ``columns``: the ``by`` columns,
        ``item_1`` and ``item_2`` (string: the pair's column names), ``n`` (int64: the
        group's rows with every column present, the same on all rows of a group), ``sum_1``
        and ``sum_2`` (:math:`\sum x_1`, :math:`\sum x_2`) and ``sum_product``
        (:math:`\sum x_1 x_2`; the sum of squares when ``item_1 == item_2``). Counts and
        sums only: the tables of parts that split the rows add up to the table of the whole
        (:func:`jobhandicap._reduce.combine` with keys ``by + ["item_1", "item_2"]``).

    Notes
    -----
    From the table of a group the covariance of columns :math:`i, j` is
    :math:`(\sum x_i x_j - \sum x_i \sum x_j / n)/(n - 1)`.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 2.0, None]})
    >>> reduce_cross_products(scores, ["x", "y"])
      item_1 item_2  n  sum_1  sum_2  sum_product
    0      x      x  2    3.0    3.0          5.0
    1      x      y  2    3.0    4.0          6.0
    2      y      y  2    4.0    4.0          8.0
    """
    names = list(columns)
    groups = as_by(by)
    check_columns(frame, [*names, *groups], "frame")
    values = numbers(frame, names)
    complete = np.flatnonzero(~np.isnan(values).any(axis=1))
    rows = values[complete]
    first, second = np.triu_indices(len(names))
    sums = {f"sum_{i}": rows[:, i] for i in range(len(names))}
    products = {
        f"product_{p}": rows[:, i] * rows[:, j]
        for p, (i, j) in enumerate(zip(first, second, strict=True))
    }
    wide = grouped_sums({name: frame[name].iloc[complete] for name in groups}, sums | products)
    pairs = len(first)
    repeated = np.repeat(np.arange(len(wide)), pairs)
    total = wide[list(sums)].to_numpy(dtype=np.float64)
    result = wide[groups].iloc[repeated].reset_index(drop=True)
    result["item_1"] = pd.array(
        np.tile(np.asarray(names, dtype=object)[first], len(wide)), dtype="string"
    )
    result["item_2"] = pd.array(
        np.tile(np.asarray(names, dtype=object)[second], len(wide)), dtype="string"
    )
    result["n"] = wide["n"].to_numpy(dtype=np.int64)[repeated]
    result["sum_1"] = total[:, first].reshape(-1)
    result["sum_2"] = total[:, second].reshape(-1)
    result["sum_product"] = wide[list(products)].to_numpy(dtype=np.float64).reshape(-1)
    return result


def numbers(frame: pd.DataFrame, columns: Sequence[str]) -> FloatArray:
    """The columns as a float matrix (NaN where missing); non-numbers and infinities refused."""
    try:
        values = frame[list(columns)].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        for column in columns:
            try:
                frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
            except (TypeError, ValueError) as exc:
                raise ArgumentTypeError(f"column {column!r} must hold numbers") from exc
        raise
    infinite = np.isinf(values)
    if infinite.any():
        row, k = (int(i) for i in np.argwhere(infinite)[0])
        raise SchemaError(
            f"column {columns[k]!r} holds {values[row, k]} in its row {row + 1} (counted from 1 "
            "in the frame's order); a score must be a finite number, or missing"
        )
    return values


@attrs.frozen
class Moments:
    """A table of :func:`reduce_cross_products` as arrays: one entry per group."""

    groups: pd.DataFrame  # the group keys, one row per group
    n: FloatArray  # (G,)
    sums: FloatArray  # (G, k)
    products: FloatArray  # (G, k, k), symmetric

    @classmethod
    def of(cls, table: pd.DataFrame, by: Sequence[str], columns: Sequence[str]) -> Moments:
        names = pd.Index(list(columns))
        first = names.get_indexer(pd.Index(table["item_1"].astype("object")))
        second = names.get_indexer(pd.Index(table["item_2"].astype("object")))
        if by:
            codes = table.groupby(list(by), sort=True, observed=True).ngroup().to_numpy()
        else:
            codes = np.zeros(len(table), dtype=np.int64)
        count = int(codes.max()) + 1 if len(codes) else 0
        starts = np.unique(codes, return_index=True)[1]
        groups = table[list(by)].iloc[starts].reset_index(drop=True)
        k = len(names)
        n = np.zeros(count)
        sums = np.zeros((count, k))
        products = np.zeros((count, k, k))
        n[codes] = table["n"].to_numpy(dtype=np.float64)
        sums[codes, first] = table["sum_1"].to_numpy(dtype=np.float64)
        sums[codes, second] = table["sum_2"].to_numpy(dtype=np.float64)
        product = table["sum_product"].to_numpy(dtype=np.float64)
        products[codes, first, second] = product
        products[codes, second, first] = product
        return cls(groups, n, sums, products)

    def deviations(self) -> FloatArray:
        """Sums of squares and cross-products of deviations from the group means, (G, k, k)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            centred: FloatArray = (
                self.products
                - (self.sums[:, :, np.newaxis] * self.sums[:, np.newaxis, :])
                / self.n[:, np.newaxis, np.newaxis]
            )
        return centred


def correlation_of_sums(sums: FloatArray) -> FloatArray:
    """Pearson r from rows of ``n, Σx, Σy, Σx², Σy², Σxy``; NaN where a column is constant."""
    n, sx, sy, sxx, syy, sxy = sums.T
    with np.errstate(invalid="ignore", divide="ignore"):
        dxx = sxx - sx * sx / n
        dyy = syy - sy * sy / n
        dxy = sxy - sx * sy / n
        flat = (dxx <= ROUNDING * sxx) | (dyy <= ROUNDING * syy)
        # |r| <= 1 exactly (Cauchy-Schwarz); sums of squares can round it past 1.
        r = np.clip(dxy / np.sqrt(dxx * dyy), -1.0, 1.0)
    return np.where(flat, np.nan, r)


def percentile_limits(
    replicates: FloatArray, level: float, notes: list[str], where: str
) -> tuple[float, float]:
    """The percentile interval of bootstrap replicates; undefined replicates are left out."""
    finite = np.isfinite(replicates)
    if not finite.all():
        notes.append(
            f"the statistic was undefined (NaN or infinite) on {int((~finite).sum())} of "
            f"{replicates.size} bootstrap resamples{where}; they are left out of the interval"
        )
        replicates = replicates[finite]
    if replicates.size == 0:
        return float("nan"), float("nan")
    a = 1.0 - level
    low, high = np.quantile(replicates, [a / 2.0, 1.0 - a / 2.0])
    return float(low), float(high)


def cluster_draws(clusters: int, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """How often each cluster is drawn in each resample: (n_boot, clusters)."""
    draws = rng.integers(0, clusters, size=(n_boot, clusters))
    flat = (np.arange(n_boot)[:, np.newaxis] * clusters + draws).reshape(-1)
    return (
        np.bincount(flat, minlength=n_boot * clusters).reshape(n_boot, clusters).astype(np.float64)
    )


def group_phrase(groups: Sequence[str], key: Sequence[object]) -> str:
    """`` for g=value, …`` naming a group in a message (NumPy scalars shown as plain values)."""
    named = ", ".join(
        f"{g}={v.item() if isinstance(v, np.generic) else v!r}"
        for g, v in zip(groups, key, strict=True)
    )
    return f" for {named}" if named else ""
