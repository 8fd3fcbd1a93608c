"""The survey sections of the report: the jobcentre survey and the staff survey."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jobhandicap.disclosure import Measure, TableSpec
from jobhandicap.errors import DisclosureError, JobhandicapError
from jobhandicap.report._clustering import staff_clustering
from jobhandicap.report._context import (
    Context,
    Section,
    SectionSkippedError,
    capitalised,
    first_lines,
    label_of,
    points_text,
    share_text,
    value_of,
)
from jobhandicap.report._multiple import likert_items
from jobhandicap.report._tables import Published, Table
from jobhandicap.report._text import listing, number, survey_items
from jobhandicap.report._units import staff_units
from jobhandicap.staff import Scale, association, reliability, scale_means, scale_scores
from jobhandicap.survey import likert_distribution, top_box, wave_change

#: The survey figures and the wave change show at most this many items.
_MAX_FIGURE_ITEMS = 8


# --------------------------------------------------------------------------------------------
# Jobcentre survey
# --------------------------------------------------------------------------------------------


def _main_items(
    survey: pd.DataFrame, waves: Sequence[int], chosen: Sequence[str] | None
) -> list[str]:
    """The items of the figures and the wave change: chosen, or those asked in every wave."""
    present = survey.loc[survey["wave"].isin(waves), ["wave", "item"]].drop_duplicates()
    counts = present.groupby("item", observed=True)["wave"].nunique()
    if chosen is not None:
        return [str(i) for i in chosen if i in counts.index]
    known = {item: k for k, item in enumerate(survey_items())}
    common = sorted(
        (str(i) for i in counts.index[counts.to_numpy() == len(waves)]),
        key=lambda item: (known.get(item, len(known)), item),
    )
    main = [i for i in common if not i.startswith("target_group_")] or common
    return main[:_MAX_FIGURE_ITEMS]


def survey_section(ctx: Context) -> Section:
    """Top box, wave change and answer distribution of the jobcentre survey."""
    # The 0/1 tick items of multiple-response sets have their own section (_multiple).
    survey = likert_items(ctx.frames["survey"])
    section = Section(id="survey", title=ctx.t("survey"), method=ctx.t("survey_method"))
    section.paragraphs.append(ctx.t("survey_lead"))
    waves = sorted(int(w) for w in survey["wave"].dropna().unique())
    last = waves[-2:]
    main = _main_items(survey, last, ctx.options.survey_items)
    top: pd.DataFrame | None = None
    with ctx.attempt(section, ctx.t("survey_top_box")):
        try:
            top = top_box(survey, population="jobcentres")
        except DisclosureError:
            raise
        except JobhandicapError as err:
            section.note(ctx.t("survey_no_population", reason=first_lines(err)))
            top = top_box(survey)
        ctx.publish(
            section, Table(name="survey_top_box", title=ctx.t("survey_top_box"), frame=top)
        )
    if len(waves) < 2:
        section.note(ctx.t("survey_one_wave"))
    elif main:
        earlier, later = last
        title = ctx.t("survey_wave_change", earlier=earlier, later=later)
        with ctx.attempt(section, title):
            change = wave_change(survey, item=main, waves=(earlier, later))
            published = ctx.publish(
                section,
                Table(
                    name="survey_wave_change",
                    title=title,
                    frame=change,
                    html_columns=(
                        "item",
                        "n_earlier",
                        "n_later",
                        "earlier_share",
                        "later_share",
                        "difference",
                        "ci_low",
                        "ci_high",
                        "method",
                        "n_paired",
                        "p_value",
                    ),
                ),
            )
            section.paragraphs.append(_survey_summary(ctx, published, earlier, later))
    if main:
        subset = survey[survey["item"].isin(main) & survey["wave"].isin(last)]
        with ctx.attempt(section, ctx.t("survey_distribution")):
            dist = likert_distribution(subset)
            ctx.publish(
                section,
                Table(
                    name="survey_distribution",
                    title=ctx.t("survey_distribution"),
                    frame=dist,
                ),
            )
            labels = {item: label_of(item, ctx.lang) for item in main}
            ctx.figure(
                section,
                ctx.t("survey_fig_likert"),
                lambda plots: plots.likert_bars(dist, lang=ctx.lang, item_labels=labels, title=""),
            )
        if top is not None:
            shown = top[top["item"].isin(main) & top["wave"].isin(last)]
            ctx.figure(
                section,
                ctx.t("survey_fig_top_box"),
                lambda plots: plots.top_box_plot(
                    shown, lang=ctx.lang, item_labels=labels, title=""
                ),
            )
    return section


def _survey_summary(ctx: Context, change: Published, earlier: int, later: int) -> str:
    row = 0
    lang = ctx.lang
    low, high = value_of(change, "ci_low", row), value_of(change, "ci_high", row)
    ci = ctx.t("ci", low=points_text(low, lang), high=points_text(high, lang))
    return ctx.t(
        "survey_change",
        item=capitalised(label_of(change.table["item"].iloc[row], lang)),
        later=later,
        earlier=earlier,
        later_share=share_text(value_of(change, "later_share", row), lang),
        earlier_share=share_text(value_of(change, "earlier_share", row), lang),
        n=int(change.table["n_paired"].iloc[row]),
        difference=points_text(value_of(change, "difference", row), lang),
        ci=ci,
    )


# --------------------------------------------------------------------------------------------
# Staff survey
# --------------------------------------------------------------------------------------------


def staff_usable(staff: pd.DataFrame, scales: Sequence[Scale]) -> tuple[list[Scale], list[Scale]]:
    """Split the scales into those whose items are all in the data and the rest."""
    items = {str(i) for i in staff["item"].dropna().unique()}
    usable = [s for s in scales if set(s.items) <= items]
    return usable, [s for s in scales if not set(s.items) <= items]


def staff_section(ctx: Context) -> Section:
    """Scale reliability, association and means by strategy type."""
    staff = ctx.frames["staff"]
    opts = ctx.options
    section = Section(
        id="staff",
        title=ctx.t("staff"),
        method=ctx.t("staff_method", n_boot=opts.n_boot, seed=opts.seed),
    )
    usable, absent = staff_usable(staff, opts.scales)
    if not usable:
        scales = ", ".join(s.name for s in opts.scales)
        raise SectionSkippedError(ctx.t("staff_no_items", scales=scales))
    names = [label_of(s.name, ctx.lang, "scale") for s in usable]
    section.paragraphs.append(ctx.t("staff_lead", scales=listing(names, ctx.lang)))
    items = {str(i) for i in staff["item"].dropna().unique()}
    for scale in absent:
        missing = ", ".join(i for i in scale.items if i not in items)
        section.note(ctx.t("staff_scale_left_out", scale=scale.name, items=missing))
    scores: pd.DataFrame | None = None
    with ctx.attempt(section, ctx.t("staff_scores")):
        scores = scale_scores(staff, usable)
    pair = (usable[0].name, usable[1].name) if len(usable) >= 2 else None
    ctx.add_units(
        "staff",
        staff_units(
            staff, usable, scores, ctx.strategies() if "profiles" in ctx.frames else None, pair
        ),
    )
    with ctx.attempt(section, ctx.t("staff_scales")):
        table = pd.concat([reliability(staff, s) for s in usable], ignore_index=True)
        ctx.publish(
            section,
            Table(
                name="staff_scales",
                title=ctx.t("staff_scales"),
                frame=table,
                spec=TableSpec(
                    universe="staff",
                    by=("scale",),
                    measures=(
                        Measure(
                            column="n",
                            units="complete",
                            derived=("alpha", "ci_low", "ci_high", "omega"),
                        ),
                    ),
                ),
            ),
        )
    if scores is None:  # the note says why; nothing below can be computed
        return section
    if len(usable) >= 2:
        x, y = usable[0].name, usable[1].name
        title = ctx.t(
            "staff_association",
            x=label_of(x, ctx.lang, "scale"),
            y=label_of(y, ctx.lang, "scale"),
        )
        with ctx.attempt(section, title):
            result = association(
                scores, x, y, cluster="jobcentre", n_boot=opts.n_boot, seed=opts.seed
            )
            result.insert(0, "y", pd.Series(y, index=result.index, dtype=pd.StringDtype()))
            result.insert(0, "x", pd.Series(x, index=result.index, dtype=pd.StringDtype()))
            published = ctx.publish(
                section,
                Table(
                    name="staff_association",
                    title=title,
                    frame=result,
                    spec=TableSpec(
                        universe="staff",
                        fixed={"scale": x},
                        measures=(
                            Measure(column="n", units="both", derived=("r", "ci_low", "ci_high")),
                        ),
                    ),
                ),
            )
            r = value_of(published, "r", 0)
            if r is not None:
                ci = ctx.t(
                    "ci",
                    low=number(float(published.table["ci_low"].iloc[0]), 2, ctx.lang),
                    high=number(float(published.table["ci_high"].iloc[0]), 2, ctx.lang),
                )
                section.paragraphs.append(
                    ctx.t(
                        "staff_summary",
                        x=capitalised(label_of(x, ctx.lang, "scale")),
                        y=label_of(y, ctx.lang, "scale"),
                        r=number(r, 2, ctx.lang),
                        ci=ci,
                        clusters=published.table["clusters"].iloc[0],
                    )
                )
    strategies = ctx.strategies() if "profiles" in ctx.frames else None
    joined = None
    if strategies is not None:
        joined = scores.merge(strategies[["jobcentre", "strategy"]], on="jobcentre", how="left")
    if joined is None or not joined["strategy"].notna().any():
        section.note(ctx.t("staff_no_strategy"))
    else:
        with ctx.attempt(section, ctx.t("staff_by_strategy")):
            means = scale_means(
                joined,
                [s.name for s in usable],
                by="strategy",
                cluster="jobcentre",
                n_boot=opts.n_boot,
                seed=opts.seed,
            )
            ctx.publish(
                section,
                Table(
                    name="staff_by_strategy",
                    title=ctx.t("staff_by_strategy"),
                    frame=means,
                    spec=TableSpec(
                        universe="staff",
                        by=("strategy", "scale"),
                        measures=(
                            Measure(
                                column="n",
                                units="scored",
                                # With the mean and sd shown, an interval's width gives n.
                                derived=("ci_low", "ci_high"),
                                describes=("mean", "sd"),
                            ),
                        ),
                    ),
                    decimals={"mean": 2, "ci_low": 2, "ci_high": 2, "sd": 2},
                ),
            )
    staff_clustering(ctx, section, scores, joined, usable)
    return section
