"""The library-wide defaults every indicator shares (docs/conventions.md lists them).

One place for them, so that two functions never disagree about a default a user did not set.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_LEVEL", "DEFAULT_N_BOOT", "DEFAULT_SEED", "SMALL_BASE"]

#: The seed of every random result unless the caller passes ``seed=``: results are reproducible
#: by default. 2018 is the year of the jobcentre survey the library reproduces; any fixed number
#: would do. ``seed=None`` asks for fresh entropy (a different result on every call).
DEFAULT_SEED: Final = 2018

#: Bootstrap resamples unless the caller passes ``n_boot=``. With 1,999 resamples the Monte Carlo
#: error of a 95 % percentile limit is about 0.5 percentage points of coverage (Davison &
#: Hinkley 1997, sec. 5.2.3), small beside the sampling error of the bases analysed here; and
#: ``(n_boot + 1) * 0.025`` is a whole number, so the limits are order statistics.
DEFAULT_N_BOOT: Final = 1_999

#: The confidence level of every interval unless the caller passes ``level=``.
DEFAULT_LEVEL: Final = 0.95

#: A base below this many units (respondents, cases, jobcentres, persons) gets a
#: :class:`~jobhandicap.errors.SmallSampleWarning`: the interval is still right, but the
#: estimate moves by several percentage points with one unit more or less (one of 30 is 3.3
#: points), so it should not be read on its own.
SMALL_BASE: Final = 30
