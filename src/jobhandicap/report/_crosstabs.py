"""The report's cross-tabulation of two jobcentre-survey items (private to the report).

The 2018 survey report found that "especially jobcentres with a high level of local political
focus have focused on bringing the compensation schemes into play across all their target
groups". This part of the survey section shows the cross-tabulation behind such a finding —
local political focus by the jobcentre's focus on the schemes, in the last wave that asked
both — with the tests of association and the difference in the top-2 share between the
jobcentres with high political focus and the rest. The survey counts jobcentres, not persons,
so its tables pass the release protection without suppression (as the other survey tables).
"""

from __future__ import annotations

from typing import Final

from jobhandicap.report._context import (
    Context,
    Section,
    label_of,
    points_text,
    share_text,
    value_of,
)
from jobhandicap.report._tables import Table
from jobhandicap.report._text import number, p_text
from jobhandicap.survey import crosstab, item_association, top_box_difference

#: The rows (the splitting item) and the columns of the cross-tabulation.
ROWS: Final = "political_focus"
COLUMNS: Final = "scheme_focus"
#: The report tables of this part, in the order they are published.
TABLE_NAMES: Final = ("survey_crosstab", "survey_association", "survey_top_box_difference")


def crosstab_part(ctx: Context, section: Section) -> None:
    """Add the cross-tabulation, its tests and the top-2 difference to the survey section.

    Nothing is added when the survey lacks one of the two items or no wave asked both.
    """
    survey = ctx.frames["survey"]
    asked = survey.loc[survey["item"].isin([ROWS, COLUMNS]), ["wave", "item"]].dropna()
    both = asked.drop_duplicates().groupby("wave")["item"].nunique()
    waves = sorted(int(w) for w in both.index[both.to_numpy() == 2])
    if not waves:
        return
    wave = waves[-1]
    lang = ctx.lang
    rows, columns = label_of(ROWS, lang), label_of(COLUMNS, lang)
    section.paragraphs.append(ctx.t("crosstab_lead", rows=rows, columns=columns, wave=wave))
    title = ctx.t("survey_crosstab", rows=rows, columns=columns, wave=wave)
    with ctx.attempt(section, title):
        table = crosstab(survey, ROWS, COLUMNS, wave=wave, lang=lang)
        ctx.publish(
            section,
            Table(
                name="survey_crosstab",
                title=title,
                frame=table,
                html_columns=(
                    "row_label",
                    "column_label",
                    "n",
                    "count",
                    "share",
                    "ci_low",
                    "ci_high",
                ),
            ),
        )
    title = ctx.t("survey_association", wave=wave)
    with ctx.attempt(section, title):
        association = item_association(survey, ROWS, COLUMNS, wave=wave, seed=ctx.options.seed)
        published = ctx.publish(
            section,
            Table(
                name="survey_association",
                title=title,
                frame=association,
                html_columns=(
                    "n",
                    "tau_b",
                    "ci_low",
                    "ci_high",
                    "p_value",
                    "gamma",
                    "chi2",
                    "df",
                    "chi2_p",
                    "exact_p",
                    "exact_method",
                    "mantel_p",
                ),
                decimals={"chi2_p": 4, "exact_p": 4, "exact_se": 4, "mantel_p": 4, "g2_p": 4},
            ),
        )
        tau = value_of(published, "tau_b", 0)
        low, high = value_of(published, "ci_low", 0), value_of(published, "ci_high", 0)
        p = value_of(published, "p_value", 0)
        if tau is not None and low is not None and high is not None and p is not None:
            ci = ctx.t("ci", low=number(low, 2, lang), high=number(high, 2, lang))
            section.paragraphs.append(
                ctx.t(
                    "crosstab_summary",
                    n=int(published.table["n"].iloc[0]),
                    tau=number(tau, 2, lang),
                    ci=ci,
                    p=p_text(p, lang),
                )
            )
    title = ctx.t("survey_top_box_difference", wave=wave)
    with ctx.attempt(section, title):
        difference = top_box_difference(survey, COLUMNS, ROWS, wave=wave)
        published = ctx.publish(
            section,
            Table(
                name="survey_top_box_difference",
                title=title,
                frame=difference,
                html_columns=(
                    "group",
                    "n",
                    "count",
                    "share",
                    "reference",
                    "n_reference",
                    "count_reference",
                    "share_reference",
                    "difference",
                    "ci_low",
                    "ci_high",
                    "p_value",
                ),
            ),
        )
        low, high = value_of(published, "ci_low", 0), value_of(published, "ci_high", 0)
        ci = ctx.t("ci", low=points_text(low, lang), high=points_text(high, lang))
        section.paragraphs.append(
            ctx.t(
                "crosstab_difference",
                rows=rows,
                columns=columns,
                share=share_text(value_of(published, "share", 0), lang),
                reference=share_text(value_of(published, "share_reference", 0), lang),
                difference=points_text(value_of(published, "difference", 0), lang),
                ci=ci,
            )
        )
