"""The report's section on multiple-response questions ("tick every target group that applies").

Private to :mod:`jobhandicap.report`. For each multiple-response set of the packaged survey
instrument that the survey holds (:func:`jobhandicap.reference.item_sets`), the section shows
the options ranked by the share of jobcentres ticking them, with the share's interval and the
rank's bootstrap interval, the distribution of the number of options ticked, and a summary
with Cochran's Q. The tick items are left out of the Likert tables of the survey section
(:func:`likert_items`).
"""

from __future__ import annotations

import pandas as pd

from jobhandicap import reference
from jobhandicap.frames._validate import tick_items
from jobhandicap.report._context import (
    Context,
    Section,
    SectionSkippedError,
    label_of,
    share_text,
    value_of,
)
from jobhandicap.report._tables import Published, Table
from jobhandicap.report._text import listing, p_text
from jobhandicap.survey import multiple_response

__all__ = ["likert_items", "multiple_response_section"]

#: How many of the options ticked most often the summary names.
_NAMED = 4


def likert_items(survey: pd.DataFrame) -> pd.DataFrame:
    """The survey without the rows of 0/1 tick items (the Likert tables' input)."""
    ticks = tick_items(survey)
    if not ticks:
        return survey
    return survey.loc[~survey["item"].isin(ticks).to_numpy(dtype=bool)].reset_index(drop=True)


def _sets(survey: pd.DataFrame) -> dict[str, list[str]]:
    """The packaged multiple-response sets the survey holds (at least two options of each)."""
    present = set(survey["item"].dropna().astype(str).unique().tolist())
    sets = {
        name: [item for item in items if item in present]
        for name, items in reference.item_sets().items()
    }
    return {name: items for name, items in sets.items() if len(items) >= 2}


def multiple_response_section(ctx: Context) -> Section:
    """Ranking, number ticked and Cochran's Q of each multiple-response set of the survey."""
    survey = ctx.frames["survey"]
    sets = _sets(survey)
    if not sets:
        raise SectionSkippedError(ctx.t("multiple_response_none"))
    section = Section(
        id="multiple_response",
        title=ctx.t("multiple_response"),
        method=ctx.t("multiple_response_method"),
    )
    section.paragraphs.append(ctx.t("multiple_response_lead"))
    for name, items in sets.items():
        title = ctx.t("multiple_response_ranking", question=label_of(name, ctx.lang, "set"))
        with ctx.attempt(section, title):
            result = multiple_response(
                survey, items, n_boot=ctx.options.n_boot, seed=ctx.options.seed
            )
            ranking = (
                result.options.rename(columns={"option": "item"})
                .sort_values(["wave", "rank", "item"], kind="stable")
                .reset_index(drop=True)
            )
            published = ctx.publish(
                section, Table(name=f"{name}_ranking", title=title, frame=ranking)
            )
            ctx.publish(
                section,
                Table(
                    name=f"{name}_ticked",
                    title=ctx.t("multiple_response_ticked"),
                    frame=result.ticked,
                ),
            )
            section.paragraphs.append(_summary(ctx, published, result.test))
    return section


def _summary(ctx: Context, ranking: Published, test: pd.DataFrame) -> str:
    """The latest wave's options ticked most often, and whether the shares differ."""
    table = ranking.table
    wave = int(table["wave"].max())
    rows = [i for i in range(len(table)) if int(table["wave"].iloc[i]) == wave][:_NAMED]
    named = [
        ctx.t(
            "multiple_response_option",
            option=label_of(table["item"].iloc[i], ctx.lang),
            share=share_text(value_of(ranking, "share", i), ctx.lang),
            low=int(table["rank_ci_low"].iloc[i]),
            high=int(table["rank_ci_high"].iloc[i]),
        )
        for i in rows
    ]
    last = test.loc[test["wave"] == wave].iloc[0]
    return ctx.t(
        "multiple_response_summary",
        wave=wave,
        n=int(last["n"]),
        options=listing(named, ctx.lang),
        statistic=f"{float(last['statistic']):.1f}",
        df=int(last["df"]),
        p=p_text(float(last["p_value"]), ctx.lang),
    )
