"""Vectorised estimators, free of any domain knowledge.

Every function here accepts scalars or numpy arrays (broadcast against each other) and returns
plain numbers, arrays or :class:`Estimate` tuples. The domain modules (``survey``, ``cases``,
``benchmark``, …) reduce their frames to counts and sums and call these functions; users with
their own tables can call them directly.

Submodules: :mod:`~jobhandicap.stats.proportions` (shares and their differences),
:mod:`~jobhandicap.stats.scales` (reliability and correlation),
:mod:`~jobhandicap.stats.resampling` (bootstrap), :mod:`~jobhandicap.stats.survival`
(Kaplan–Meier), :mod:`~jobhandicap.stats.comparison` (funnel limits, shrinkage, group
differences), :mod:`~jobhandicap.stats.clustering` (intraclass correlation, design effect,
cluster-robust variance), :mod:`~jobhandicap.stats.contingency` (tests and association on
count tables), :mod:`~jobhandicap.stats.design` (design-based survey estimates, raking),
:mod:`~jobhandicap.stats.multiple` (multiple-response sets: Cochran's Q, McNemar, rank
intervals), :mod:`~jobhandicap.stats.survival_tests` (log-rank tests, restricted means),
:mod:`~jobhandicap.stats.competing` (competing risks: Aalen–Johansen cumulative incidence),
:mod:`~jobhandicap.stats.glm` (binomial and Poisson GLMs fitted with NumPy),
:mod:`~jobhandicap.stats.ratios` (observed/expected ratios: exact test, funnel limits).
"""

from jobhandicap.stats import (
    clustering,
    comparison,
    competing,
    contingency,
    design,
    glm,
    multiple,
    proportions,
    ratios,
    resampling,
    scales,
    survival,
    survival_tests,
)
from jobhandicap.stats._core import Estimate, z_value
from jobhandicap.stats.clustering import *  # noqa: F403
from jobhandicap.stats.comparison import *  # noqa: F403
from jobhandicap.stats.competing import *  # noqa: F403
from jobhandicap.stats.contingency import *  # noqa: F403
from jobhandicap.stats.design import *  # noqa: F403
from jobhandicap.stats.glm import *  # noqa: F403
from jobhandicap.stats.multiple import *  # noqa: F403
from jobhandicap.stats.proportions import *  # noqa: F403
from jobhandicap.stats.ratios import *  # noqa: F403
from jobhandicap.stats.resampling import *  # noqa: F403
from jobhandicap.stats.scales import *  # noqa: F403
from jobhandicap.stats.survival import *  # noqa: F403
from jobhandicap.stats.survival_tests import *  # noqa: F403

__all__ = [
    "Estimate",
    "z_value",
    *comparison.__all__,
    *contingency.__all__,
    *multiple.__all__,
    *proportions.__all__,
    *resampling.__all__,
    *scales.__all__,
    *survival.__all__,
    *clustering.__all__,
    *design.__all__,
    *survival_tests.__all__,
    *competing.__all__,
    *glm.__all__,
    *ratios.__all__,
]
