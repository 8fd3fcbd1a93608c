"""The figures published by the studies the example data reproduces."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

__all__ = ["published_figures"]


_SURVEY_2017: Final = "STAR jobcentre survey 2017"
_SURVEY_2018: Final = "STAR jobcentre survey 2018"
_MAPPING: Final = "Mapping of municipal practice 2021"
_GRANTS: Final = "Grant statistics 2018"
_NATIONAL: Final = "Danish national survey 2022 (ages 16–64)"
_JOBCENTRES: Final = 94

# measure, year, count, share, n, population, source
_FIGURES: Final[tuple[tuple[str, int, int | None, float, int | None, int | None, str], ...]] = (
    ("political_focus_top2", 2017, 30, 0.36, 84, _JOBCENTRES, _SURVEY_2017),
    ("political_focus_top2", 2018, 35, 0.43, 82, _JOBCENTRES, _SURVEY_2018),
    ("new_strategy_top2", 2018, 39, 0.48, 82, _JOBCENTRES, _SURVEY_2018),
    ("expected_focus_top2", 2018, 41, 0.50, 82, _JOBCENTRES, _SURVEY_2018),
    ("scheme_focus_very_high", 2017, 17, 0.20, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_high", 2017, 45, 0.54, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_some", 2017, 18, 0.21, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_low", 2017, 4, 0.05, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_not_at_all", 2017, 0, 0.0, 84, _JOBCENTRES, _SURVEY_2017),
    ("scheme_focus_dont_know", 2017, 0, 0.0, 84, _JOBCENTRES, _SURVEY_2017),
    ("expenditure_share_personal_assistance", 2021, None, 0.89, None, None, _MAPPING),
    ("grants_aids", 2018, 14_900, float("nan"), None, None, _GRANTS),
    ("grants_personal_assistance", 2018, 4_700, float("nan"), None, None, _GRANTS),
    ("grants_age_40_64_share_aids", 2018, None, 0.63, 14_900, None, _GRANTS),
    ("grants_age_40_64_share_personal_assistance", 2018, None, 0.65, 4_700, None, _GRANTS),
    ("employment_rate_major_disability", 2022, None, 0.36, None, None, _NATIONAL),
    ("employment_rate_minor_disability", 2022, None, 0.763, None, None, _NATIONAL),
    ("employment_rate_no_disability", 2022, None, 0.859, None, None, _NATIONAL),
)


#: How the grant statistics count grants: personal assistance as grants active (in force) in
#: the year, aids as grants starting in the year (aids have no end date). The values are those
#: of ``scheme_usage(..., count=...)`` and its ``counted`` column.
_DEFINITIONS: Final[dict[str, str]] = {
    "grants_aids": "new",
    "grants_personal_assistance": "active",
    "grants_age_40_64_share_aids": "new",
    "grants_age_40_64_share_personal_assistance": "active",
}


def published_figures() -> pd.DataFrame:
    r"""Return the figures published by the studies the library reproduces, as a tidy frame.

    Returns
    -------
    pandas.DataFrame
        One row per figure, columns

        - ``measure`` (string): what is measured, e.g. ``political_focus_top2`` (share of
          jobcentres answering high or very high; survey measures are named after the items
          of :data:`SURVEY_ITEMS`);
        - ``year`` (int64): survey wave or statistics year; for the 2021 mapping of municipal
          practice, its publication year;
        - ``count`` (Int64): the count, where published or exactly implied by a share of a small
          base (``round(share × n)`` for the survey figures); ``<NA>`` otherwise;
        - ``share`` (float64): the published share (as published, e.g. 0.36 for 36 %); NaN for
          counts;
        - ``n`` (Int64): the base of the share (respondents, grants), where known;
        - ``population`` (Int64): the size of the surveyed population (94 jobcentres), for
          finite-population intervals and nonresponse bounds;
        - ``source`` (string): the study;
        - ``definition`` (string): how a count of grants counts them — ``"active"`` (grants in
          force some day of the year: personal assistance) or ``"new"`` (grants starting in
          the year: aids, which have no end date), as :func:`jobhandicap.active_grants` and
          ``scheme_usage(count=...)`` count them; ``<NA>`` for other figures.

    Notes
    -----
    The survey shares are of all respondents, "don't know" included in the base
    (:math:`\hat p = \text{count} / n`). The grant statistics' counts are rounded national
    totals ("about 14,900"). The Danish national survey figures (self-rated disability) are not
    comparable with the GALI-based Eurostat indicator.

    References
    ----------
    .. [1] STAR jobcentre surveys on the disability area, 2017 and 2018.
    .. [2] Mapping of municipal practice on the disability area, 2021.
    .. [3] Municipal grant statistics for the compensation schemes, 2018.

    Examples
    --------
    >>> from jobhandicap.datasets import published_figures
    >>> figures = published_figures()
    >>> figures.loc[figures["measure"] == "political_focus_top2", ["year", "count", "n"]]
       year  count   n
    0  2017     30  84
    1  2018     35  82
    >>> grants = figures["measure"].isin(["grants_aids", "grants_personal_assistance"])
    >>> figures.loc[grants, ["measure", "count", "definition"]]
                           measure  count definition
    11                 grants_aids  14900        new
    12  grants_personal_assistance   4700     active
    """
    columns = list(zip(*_FIGURES, strict=True))
    return pd.DataFrame(
        {
            "measure": pd.array(columns[0], dtype="string"),
            "year": np.asarray(columns[1], dtype=np.int64),
            "count": pd.array(columns[2], dtype="Int64"),
            "share": np.asarray(columns[3], dtype=np.float64),
            "n": pd.array(columns[4], dtype="Int64"),
            "population": pd.array(columns[5], dtype="Int64"),
            "source": pd.array(columns[6], dtype="string"),
            "definition": pd.array([_DEFINITIONS.get(m) for m in columns[0]], dtype="string"),
        }
    )
