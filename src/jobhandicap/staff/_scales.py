"""Scales of the staff survey: their specification and the respondents' scale scores."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from jobhandicap._grouping import check_columns
from jobhandicap.errors import (
    ArgumentTypeError,
    JobhandicapError,
    OptionError,
)
from jobhandicap.stats._core import FloatArray, lazy_module

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")


def to_items(value: Sequence[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class Scale:
    """A multi-item scale of a staff survey.

    Parameters
    ----------
    name
        Name of the score column, e.g. ``"knowledge"``.
    items
        Item ids that make the scale.
    reversed
        Items worded in the opposite direction; scored ``minimum + maximum - x``.
    minimum, maximum
        The answer range, 1–5 by default.
    min_answered
        How many items a respondent must answer to get a score; by default at least half of
        them (rounded up).

    Examples
    --------
    >>> Scale("belief", ["belief_1", "belief_2", "belief_3"], reversed=["belief_3"])
    Scale(name='belief', items=('belief_1', 'belief_2', 'belief_3'), reversed=('belief_3',), \
minimum=1.0, maximum=5.0, min_answered=2)
    """

    name: str
    items: tuple[str, ...] = attrs.field(converter=to_items)
    reversed: tuple[str, ...] = attrs.field(default=(), converter=to_items, kw_only=True)
    minimum: float = attrs.field(default=1.0, converter=float, kw_only=True)
    maximum: float = attrs.field(default=5.0, converter=float, kw_only=True)
    min_answered: int = attrs.field(kw_only=True)

    @min_answered.default
    def _half_of_items(self) -> int:
        return max(1, math.ceil(len(self.items) / 2))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ArgumentTypeError(f"a scale needs a non-empty name, got {self.name!r}")
        if not self.items:
            raise OptionError(f"scale {self.name!r} needs at least one item")
        if len(set(self.items)) != len(self.items):
            raise OptionError(f"scale {self.name!r} lists an item twice: {self.items}")
        stray = [i for i in self.reversed if i not in self.items]
        if stray:
            raise OptionError(
                f"scale {self.name!r}: reversed item(s) {stray} are not among its items"
            )
        if not self.minimum < self.maximum:
            raise OptionError(
                f"scale {self.name!r}: minimum {self.minimum} must be below maximum {self.maximum}"
            )
        if not 1 <= self.min_answered <= len(self.items):
            raise OptionError(
                f"scale {self.name!r}: min_answered must be from 1 to {len(self.items)}, "
                f"got {self.min_answered}"
            )


class ItemMatrix:
    """The long staff frame reduced to a respondents × items matrix (NaN = not answered)."""

    def __init__(self, staff: pd.DataFrame) -> None:
        check_columns(staff, ["respondent", "jobcentre", "item", "value"], "staff")
        respondent_codes, respondents = pd.factorize(staff["respondent"], sort=True)
        item_codes, items = pd.factorize(staff["item"], sort=True)
        if (respondent_codes < 0).any() or (item_codes < 0).any():
            raise JobhandicapError("staff has rows without a respondent or an item")
        flat = respondent_codes.astype(np.int64) * len(items) + item_codes
        if len(np.unique(flat)) != len(flat):
            first = int(np.flatnonzero(pd.Series(flat).duplicated().to_numpy())[0])
            raise JobhandicapError(
                f"respondent {staff['respondent'].iloc[first]!r} answered item "
                f"{staff['item'].iloc[first]!r} twice (row {staff.index[first]}); "
                "a staff frame has one answer per respondent and item"
            )
        values = staff["value"].to_numpy(dtype=np.float64, na_value=np.nan)
        matrix = np.full((len(respondents), len(items)), np.nan)
        matrix[respondent_codes, item_codes] = values
        jobcentre = pd.Series(staff["jobcentre"].to_numpy(), index=respondent_codes)
        per_respondent = jobcentre.groupby(level=0).nunique()
        if (per_respondent > 1).any():
            who = respondents[int(per_respondent.index[per_respondent.to_numpy() > 1][0])]
            raise JobhandicapError(f"respondent {who!r} is recorded in two jobcentres")
        self.respondents = respondents
        self.jobcentres = jobcentre.groupby(level=0).first().sort_index().to_numpy()
        self.items = [str(i) for i in items]
        self.matrix = matrix

    def scored(self, scale: Scale) -> FloatArray:
        """Return the scale's item columns with reversed items recoded."""
        unknown = [i for i in scale.items if i not in self.items]
        if unknown:
            raise OptionError(
                f"scale {scale.name!r} names item(s) {unknown} that the staff frame does not "
                f"have; it has {self.items}"
            )
        columns = self.matrix[:, [self.items.index(i) for i in scale.items]]
        answered = columns[~np.isnan(columns)]
        outside = (answered < scale.minimum) | (answered > scale.maximum)
        if outside.any():
            raise JobhandicapError(
                f"scale {scale.name!r} runs from {scale.minimum:g} to {scale.maximum:g} but an "
                f"answer is {answered[outside][0]:g}"
            )
        flip = np.array([i in scale.reversed for i in scale.items])
        return np.where(flip, scale.minimum + scale.maximum - columns, columns)


def as_scales(scales: Scale | Sequence[Scale]) -> list[Scale]:
    listed = [scales] if isinstance(scales, Scale) else list(scales)
    if not all(isinstance(s, Scale) for s in listed):
        raise ArgumentTypeError("scales must be a Scale or a non-empty sequence of Scale")
    if not listed:
        raise OptionError("scales must be a Scale or a non-empty sequence of Scale")
    names = [s.name for s in listed]
    if len(set(names)) != len(names):
        raise OptionError(f"two scales share a name: {names}")
    return listed


def scale_scores(staff: pd.DataFrame, scales: Scale | Sequence[Scale]) -> pd.DataFrame:
    r"""Score every respondent on every scale.

    Parameters
    ----------
    staff
        Canonical long staff frame.
    scales
        One :class:`Scale` or several.

    Returns
    -------
    pandas.DataFrame
        One row per respondent (sorted): ``respondent``, ``jobcentre`` and one column per scale
        (NaN when fewer than ``min_answered`` items are answered).

    Notes
    -----
    A score is a per-respondent quantity (with its own minimum of answered items), so this
    function works on rows, not on a reduced table; its result is the input of
    :func:`association` and :func:`scale_means`, which reduce it.

    Score :math:`= \frac{1}{m}\sum_{j \in \text{answered}} x'_j` with
    :math:`x'_j = \text{minimum} + \text{maximum} - x_j` for reversed items, when
    :math:`m \ge` ``min_answered``.

    Examples
    --------
    >>> import pandas as pd
    >>> staff = pd.DataFrame({"respondent": ["s1", "s1", "s2", "s2"], "jobcentre": 101,
    ...                       "item": ["k1", "k2", "k1", "k2"], "value": [4.0, 2.0, 5.0, None]})
    >>> scale_scores(staff, Scale("knowledge", ["k1", "k2"], reversed=["k2"]))
      respondent  jobcentre  knowledge
    0         s1        101        4.0
    1         s2        101        5.0
    """
    listed = as_scales(scales)
    matrix = ItemMatrix(staff)
    result = pd.DataFrame(
        {
            "respondent": pd.array(np.asarray(matrix.respondents, dtype=object), dtype="string"),
            "jobcentre": matrix.jobcentres.astype(np.int64),
        }
    )
    for scale in listed:
        columns = matrix.scored(scale)
        answered = (~np.isnan(columns)).sum(axis=1)
        total = np.where(np.isnan(columns), 0.0, columns).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = total / answered
        result[scale.name] = np.where(answered >= scale.min_answered, score, np.nan)
    return result
