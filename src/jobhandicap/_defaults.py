"""Library-wide defaults of the random parts of jobhandicap, shared by every layer.

Every function whose result depends on random draws takes ``seed=`` (an integer, a
:class:`numpy.random.Generator`, or ``None`` for fresh entropy, which is not reproducible) and
defaults it to :data:`DEFAULT_SEED`, so that the same call gives the same answer every time.
Bootstraps default ``n_boot=`` to :data:`DEFAULT_N_BOOT`.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_N_BOOT", "DEFAULT_SEED"]

#: The default ``seed`` of every randomised result: the year of the jobcentre survey the
#: library's example data reproduces. Any fixed value would do; one value everywhere lets a
#: reader rerun a published figure without looking up which seed each function used.
DEFAULT_SEED: Final = 2018

#: The default number of bootstrap resamples. Efron and Tibshirani (1993) advise on the order
#: of 1,000 or more for interval limits; with 1,999 the Monte Carlo error of a 95 % limit is
#: small next to the sampling error of the tens of jobcentres these indicators compare, and
#: B + 1 = 2,000 puts the 2.5 % and 97.5 % limits on whole order statistics under the
#: (B + 1)·α rule. Raise it for a published figure whose limits move between seeds.
DEFAULT_N_BOOT: Final = 1_999
