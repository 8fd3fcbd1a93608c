"""The reliability of a scale: Cronbach's α with Feldt's interval and McDonald's ω."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jobhandicap._defaults import DEFAULT_LEVEL
from jobhandicap._options import (
    check_level,
    warn_small_bases,
)
from jobhandicap.errors import (
    ArgumentTypeError,
    DataQualityWarning,
    JobhandicapError,
    OptionError,
)
from jobhandicap.stats import (
    mcdonald_omega_from_correlation,
)
from jobhandicap.stats._core import lazy_module

if TYPE_CHECKING:
    from scipy import stats as sps
else:
    sps = lazy_module("scipy.stats")
from jobhandicap.staff._moments import ROUNDING, Moments, reduce_cross_products
from jobhandicap.staff._scales import ItemMatrix, Scale


def reliability(
    staff: pd.DataFrame, scale: Scale, *, level: float = DEFAULT_LEVEL
) -> pd.DataFrame:
    r"""Internal consistency of one scale: Cronbach's α with Feldt's interval and McDonald's ω.

    Parameters
    ----------
    staff
        Canonical long staff frame.
    scale
        The scale; reversed items are recoded first.
    level
        Confidence level of α's interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``scale``, ``n`` (respondents answering every item: listwise deletion),
        ``alpha``, ``ci_low``, ``ci_high``, ``omega``, ``items``. ``omega`` is missing (NaN)
        for a scale of 2 items (a one-factor model needs 3), when there are no more complete
        respondents than items, or when an item is constant.

    Raises
    ------
    OptionError
        For a scale of fewer than 2 items, items the staff frame does not have, or a bad
        ``level``.
    ArgumentTypeError
        When ``scale`` is not a :class:`Scale`.
    JobhandicapError
        When the total score has (next to) no variance: α is undefined.

    Warns
    -----
    DataQualityWarning
        Naming an item that is constant (it adds nothing to the scale), or that loads
        negatively on the common factor after the declared reversals — usually a
        reverse-worded item missing from ``Scale(reversed=...)``.
    SmallSampleWarning
        When fewer than :data:`~jobhandicap._defaults.SMALL_BASE` respondents answered every
        item (α is NaN below 2).

    Notes
    -----
    Reduce, then infer: the scored items of the complete respondents are reduced to
    :math:`n`, the item sums and the sums of cross-products (:func:`reduce_cross_products`);
    the covariance matrix :math:`C` of the items follows, with :math:`n - 1` in the
    denominator. :math:`\alpha = \frac{k}{k-1}\bigl(1 - \operatorname{tr}C/\mathbf 1^\top C
    \mathbf 1\bigr)`, the sum of the item variances over the variance of the total; Feldt's
    interval treats :math:`(1-\alpha)/(1-\hat\alpha)` as :math:`F(n-1, (n-1)(k-1))`. ω is
    :math:`(\sum\lambda)^2/((\sum\lambda)^2 + \sum\psi)` from a one-factor model fitted by
    maximum likelihood to the correlation matrix of :math:`C`
    (:func:`jobhandicap.stats.mcdonald_omega_from_correlation`).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334. Feldt, L. S. (1965). *Psychometrika* 30, 357–370.
    McDonald, R. P. (1999). *Test theory: a unified treatment*. Erlbaum.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = {"q1": [4, 5, 3, 4, 2, 5, 4, 3, 4, 5], "q2": [4, 4, 3, 5, 2, 5, 3, 3, 4, 4],
    ...            "q3": [3, 5, 2, 4, 1, 4, 4, 2, 3, 5], "q4": [5, 4, 3, 4, 2, 5, 4, 3, 5, 4]}
    >>> staff = pd.DataFrame([{"respondent": f"s{r}", "jobcentre": 101, "item": q, "value": v}
    ...                       for q, values in answers.items() for r, v in enumerate(values)])
    >>> result = reliability(staff, Scale("k", list(answers)))  # warns: 10 respondents
    >>> result[["scale", "n", "alpha", "ci_low", "ci_high"]]
      scale   n     alpha    ci_low   ci_high
    0     k  10  0.920354  0.790463  0.977780
    """
    if not isinstance(scale, Scale):
        raise ArgumentTypeError(f"scale must be a Scale, got {type(scale).__name__}")
    level = check_level(level)
    items = list(scale.items)
    scored = pd.DataFrame(ItemMatrix(staff).scored(scale), columns=items)
    if len(items) < 2:
        raise OptionError(f"reliability needs a scale of 2 items or more; {scale.name!r}")
    moments = Moments.of(reduce_cross_products(scored, items), (), items)
    n, k = float(moments.n[0]), len(items)
    warn_small_bases([n], "respondents answering every item", labels=[scale.name])
    alpha = low = high = omega = float("nan")
    if n >= 2:
        cov = moments.deviations()[0] / (n - 1.0)
        variances = np.diag(cov)
        item_variance, total_variance = float(variances.sum()), float(cov.sum())
        if not total_variance > math.sqrt(np.finfo(np.float64).eps) * item_variance:
            raise JobhandicapError(
                f"the total score has (next to) zero variance over the {int(n)} complete rows "
                "(every respondent has the same total, or the items cancel out); alpha is "
                "undefined. It needs totals that vary: check for a reverse-worded item that "
                "was not reverse-coded"
            )
        squares = np.diag(moments.products[0])
        constant = np.flatnonzero(~(variances * (n - 1.0) > ROUNDING * squares))
        if constant.size:
            listed = ", ".join(repr(items[i]) for i in constant)
            warnings.warn(
                f"item{'s' if constant.size > 1 else ''} {listed} "
                f"{'is' if constant.size == 1 else 'are'} constant over the {int(n)} complete "
                "rows (every respondent gave the same answer): a constant item adds nothing to "
                "the scale but still counts among its k items, which shrinks alpha toward 0; "
                "check the item (a coding error, or a question nobody disagreed with) or leave "
                "it out",
                DataQualityWarning,
                stacklevel=2,
            )
        alpha = k / (k - 1) * (1.0 - item_variance / total_variance)
        a = 1.0 - level
        df1, df2 = n - 1.0, (n - 1.0) * (k - 1)
        low = 1.0 - (1.0 - alpha) * float(sps.f.ppf(1.0 - a / 2.0, df1, df2))
        high = 1.0 - (1.0 - alpha) * float(sps.f.ppf(a / 2.0, df1, df2))
        # ω needs 3 items or more, each varying (its correlations), and more respondents
        # than items.
        if k >= 3 and n > k and constant.size == 0:
            sd = np.sqrt(variances)
            corr = pd.DataFrame(cov / np.outer(sd, sd), index=items, columns=items)
            omega = mcdonald_omega_from_correlation(corr)
    return pd.DataFrame(
        {
            "scale": pd.array([scale.name], dtype="string"),
            "n": [int(n)],
            "alpha": [float(alpha)],
            "ci_low": [float(low)],
            "ci_high": [float(high)],
            "omega": [omega],
            "items": [k],
        }
    )
