"""Shared plumbing of the estimators: the :class:`Estimate` tuple and argument checks.

Checks here are deliberately cheap (a handful of vectorised comparisons): the estimators run on
millions of inputs and the checks must not dominate the arithmetic. :func:`offending_entries` names
the first offending entries of an argument for the error messages.

scipy is loaded on first use, through :func:`lazy_module`: importing ``scipy.stats`` costs
more than half a second, which ``import jobhandicap`` should not pay up front.
"""

from __future__ import annotations

import importlib
from collections.abc import Hashable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from jobhandicap import _options
from jobhandicap.errors import JobhandicapError

__all__ = [
    "Estimate",
    "FloatArray",
    "Labels",
    "Scalar",
    "as_float_array",
    "check_level",
    "factorize_groups",
    "lazy_module",
    "z_value",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]

#: One number, Python's or numpy's. The estimators return floats when every array argument is
#: a scalar (or a 0-d array) and float64 arrays otherwise; their overloads say so to type
#: checkers, with this type for the scalar case and :data:`numpy.typing.ArrayLike` for the
#: array case. (A 0-d array is typed as the array case but returns floats.)
Scalar: TypeAlias = float | np.integer[Any] | np.floating[Any]

#: Labels of groups or clusters, one per observation: any array-like or sequence of hashable
#: labels (strings, codes, ``None`` for a missing label).
Labels: TypeAlias = npt.ArrayLike | Sequence[Hashable]

#: The type of the fields of an :class:`Estimate`: ``float`` or a float64 array.
ValueT = TypeVar("ValueT", float, FloatArray)


class _LazyModule(ModuleType):
    """A stand-in for a module that imports it when one of its attributes is first read."""

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__name__)
        # Later reads find the attribute on the stand-in itself and skip this method.
        self.__dict__[attribute] = value = getattr(module, attribute)
        return value


def lazy_module(name: str) -> ModuleType:
    """Return a stand-in for module ``name`` that imports it on first attribute access.

    Used as ``if TYPE_CHECKING: from scipy import stats as _sps`` / ``else: _sps =
    lazy_module("scipy.stats")``, so that type checkers see the real module while
    ``import jobhandicap`` does not import scipy. Nothing is imported until an attribute is
    read; after that the attribute is cached on the stand-in.

    Examples
    --------
    >>> special = lazy_module("scipy.special")
    >>> float(special.ndtr(0.0))
    0.5
    """
    return _LazyModule(name)


if TYPE_CHECKING:
    from scipy import stats as _sps
else:
    _sps = lazy_module("scipy.stats")


class Estimate(NamedTuple, Generic[ValueT]):
    """A point estimate with its confidence interval.

    Each field is a float for scalar input (``Estimate[float]``) and a float64 array for array
    input (``Estimate[FloatArray]``).
    """

    estimate: ValueT
    ci_low: ValueT
    ci_high: ValueT


def check_level(level: float) -> float:
    """Return ``level`` if it is a confidence level strictly between 0 and 1, else raise.

    The library's one check of ``level=`` (:func:`jobhandicap._options.check_level`): an
    :class:`~jobhandicap.errors.OptionError` (a ``ValueError``) for a value outside (0, 1),
    an :class:`~jobhandicap.errors.ArgumentTypeError` (a ``TypeError``) for a non-number.

    Examples
    --------
    >>> check_level(0.95)
    0.95
    """
    return _options.check_level(level)


def z_value(level: float) -> float:
    r"""Two-sided standard-normal quantile for a confidence level.

    Notes
    -----
    :math:`z = \Phi^{-1}(1 - (1 - \text{level})/2)`; 1.959964 for 95 %.

    Examples
    --------
    >>> round(z_value(0.95), 6)
    1.959964
    """
    return float(_sps.norm.ppf(0.5 + check_level(level) / 2.0))


def as_float_array(values: npt.ArrayLike, name: str) -> FloatArray:
    """Convert ``values`` to a float64 array, naming the argument when that fails.

    Examples
    --------
    >>> as_float_array([1, 2], "count")
    array([1., 2.])
    """
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise JobhandicapError(
            f"{name} must be numbers (a scalar or an array of numbers), got {values!r}"
        ) from exc


def offending_entries(values: npt.ArrayLike, bad: npt.NDArray[np.bool_], *, shown: int = 3) -> str:
    """Describe the first offending entries of a 1-D array: ``"-1.0 at position 3, ..."``."""
    positions = np.flatnonzero(bad)
    items = ", ".join(
        f"{np.asarray(values)[i]!r} at position {i}" for i in positions[:shown].tolist()
    )
    more = f" (and {positions.size - shown} more)" if positions.size > shown else ""
    return items + more


def _dense_rank(values: npt.NDArray[np.int64], size: int) -> npt.NDArray[np.int64]:
    """Replace non-negative integers by their rank among the distinct values (0, 1, …)."""
    if values.size == 0:
        return values
    top = int(values.max())
    if top <= 4 * size + 1_000_000:
        present = np.bincount(values, minlength=top + 1) > 0
        ranks: npt.NDArray[np.int64] = (np.cumsum(present) - 1).astype(np.int64)
        return ranks[values]
    return pd.factorize(values, sort=True)[0].astype(np.int64)


def _sorted_codes(column: pd.Series) -> tuple[npt.NDArray[np.int64], int]:
    """Codes of one grouping column, in sorted order, and an upper bound of their count.

    Categoricals use their category codes (category order), plain integer columns their
    offset from the minimum — both without hashing; anything else is factorised.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy().astype(np.int64), len(column.cat.categories)
    if column.dtype.kind in "iu" and len(column):
        values = np.asarray(column, dtype=np.int64)
        low = int(values.min())
        span = int(values.max()) - low + 1
        if span <= 4 * len(values) + 1_000_000:
            return values - low, span
    codes, uniques = pd.factorize(column, sort=True)
    return codes.astype(np.int64), len(uniques)


def factorize_groups(keys: pd.DataFrame) -> tuple[npt.NDArray[np.int64], pd.DataFrame]:
    """Number each row's group 0, 1, … in sorted group order; return the codes and the groups.

    One hash pass per grouping column (``pandas.factorize``) replaces a full group-by, so that
    reductions can be done with :func:`numpy.bincount` on the codes. Groups are sorted as a
    sorted ``groupby`` would sort them: lexicographically over the columns, categoricals by
    their category order.

    Parameters
    ----------
    keys
        The grouping columns, one row per case, without missing labels.

    Returns
    -------
    codes : numpy.ndarray
        The group of each row, ``0 … G - 1``.
    groups : pandas.DataFrame
        One row per group, in code order, with the columns (and dtypes) of ``keys``.

    Examples
    --------
    >>> import pandas as pd
    >>> codes, groups = factorize_groups(pd.DataFrame({"g": ["b", "a", "b"], "y": [1, 1, 2]}))
    >>> codes.tolist()
    [1, 0, 2]
    >>> groups
       g  y
    0  a  1
    1  b  1
    2  b  2
    """
    size = len(keys)
    combined = np.zeros(size, dtype=np.int64)
    for position, name in enumerate(keys.columns):
        codes, count = _sorted_codes(keys[name])
        # Mixed radix keeps the lexicographic order; re-ranking keeps the numbers small.
        combined = _dense_rank(codes if position == 0 else combined * count + codes, size)
    count = int(combined.max()) + 1 if size else 0
    # One row of each group stands for it (every row of a group has the same labels).
    representative = np.empty(count, dtype=np.int64)
    representative[combined] = np.arange(size, dtype=np.int64)
    return combined, keys.iloc[representative].reset_index(drop=True)


def count_column(frame: pd.DataFrame, column: str) -> npt.NDArray[np.int64]:
    """A column of non-negative whole counts as int64, or an error naming the bad entries."""
    values = as_float_array(frame[column].to_numpy(dtype=np.float64, na_value=np.nan), column)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        raise JobhandicapError(
            f"column {column!r} must hold non-negative whole counts; got "
            f"{offending_entries(values, bad)}"
        )
    return values.astype(np.int64)


def segments(
    codes: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Segment of each row and the start/end (exclusive) rows of each run of sorted codes."""
    if codes.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    is_start = np.ones(codes.size, dtype=np.bool_)
    is_start[1:] = codes[1:] != codes[:-1]
    starts = np.flatnonzero(is_start).astype(np.int64)
    ends = np.append(starts[1:], codes.size).astype(np.int64)
    return (np.cumsum(is_start) - 1).astype(np.int64), starts, ends


def segment_cumsum(
    values: FloatArray, segment: npt.NDArray[np.int64], starts: npt.NDArray[np.int64]
) -> FloatArray:
    """Cumulative sum of ``values`` restarting at every segment start."""
    total = np.cumsum(values)
    result: FloatArray = total - (total - values)[starts][segment]
    return result


def scalar_or_array(values: FloatArray) -> Any:
    """A Python float for a 0-d result, the array itself otherwise."""
    return float(values) if values.ndim == 0 else values
