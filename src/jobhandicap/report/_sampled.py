"""The sampled-survey sections of the report: the citizens' and the employers' perspective.

Private to :mod:`jobhandicap.report`. Each sampled survey (input ``citizens`` or
``employers``, table kind ``sampled_survey``) gets a table of the top-2 share per wave and
item: the unweighted share beside the design-based one (weighted, raked to the known
population margins when they are given, with the logit interval, the design effect and the
effective sample size of :func:`jobhandicap.top_box` with ``design=``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from jobhandicap.disclosure import Measure, TableSpec
from jobhandicap.errors import DisclosureError, JobhandicapError
from jobhandicap.report._context import (
    Context,
    Section,
    capitalised,
    first_lines,
    label_of,
    share_text,
    value_of,
)
from jobhandicap.report._tables import Published, Table
from jobhandicap.report._text import listing
from jobhandicap.survey import SurveyDesign, rake, top_box

#: The column that keeps the design weights when the weights are raked.
_BASE: Final = "design_weight"
#: The lead paragraph of each section.
_LEADS: Final = {"citizens": "citizens_lead", "employers": "employers_lead"}
#: The table's keys: a sampled survey may hold several waves, each its own sample.
_BY: Final = ("wave", "item")
#: Columns computed from a cell's respondents: hidden with it.
_SHARES: Final = ("unweighted_share", "design_share", "share", "ci_low", "ci_high")
_HTML: Final = (
    "wave",
    "item",
    "n",
    "count",
    "unweighted_share",
    "design_share",
    "share",
    "ci_low",
    "ci_high",
    "deff",
    "n_eff",
)


def _present(frame: pd.DataFrame, column: str) -> bool:
    """Whether the optional design column is given (the validator allows all or none)."""
    return column in frame.columns and bool(frame[column].notna().all())


def _design(frame: pd.DataFrame, calibration: tuple[str, ...]) -> SurveyDesign:
    """The design of the sampled survey: its weights, and strata, clusters and FPC if given."""
    return SurveyDesign(
        weights="weight",
        strata="stratum" if _present(frame, "stratum") else None,
        clusters="cluster" if _present(frame, "cluster") else None,
        fpc="population" if _present(frame, "population") else None,
        base_weights=_BASE if calibration else None,
        calibration=calibration,
    )


def _design_text(ctx: Context, frame: pd.DataFrame) -> str:
    parts = [
        ctx.t(key)
        for column, key in (
            ("stratum", "design_strata"),
            ("cluster", "design_clusters"),
            ("population", "design_fpc"),
        )
        if _present(frame, column)
    ]
    return listing(parts, ctx.lang) if parts else ctx.t("design_none")


def sampled_units(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent, wave and item, with what the table counts.

    ``answered``: any answer, "don't know" included (the base ``n``); ``top``: 4 or 5 (the
    ``count``); ``other`` and ``dont_know``: the rest of the base, and "don't know" among it,
    which the shares reveal without showing them.
    """
    codes = frame["answer"].to_numpy(dtype=np.float64, na_value=np.nan)
    answered = ~np.isnan(codes)
    top = (codes >= 4) & (codes <= 5)
    return pd.DataFrame(
        {
            "wave": frame["wave"].to_numpy(),
            "item": frame["item"].astype(object).to_numpy(),
            "answered": answered,
            "top": top,
            "other": answered & ~top,
            "dont_know": codes == 9,
        }
    )


def _spec(kind: str, columns: pd.Index) -> TableSpec:
    shares = tuple(c for c in _SHARES if c in columns)
    return TableSpec(
        universe=kind,
        by=_BY,
        measures=(
            Measure(column="n", units="answered", derived=(*shares, "se", "deff", "n_eff")),
            Measure(column="count", units="top", derived=shares),
            Measure(column=None, units="other", derived=shares),
            Measure(column=None, units="dont_know", derived=("dont_know_share",)),
        ),
    )


def _shares(
    ctx: Context, section: Section, kind: str, frame: pd.DataFrame
) -> tuple[pd.DataFrame, bool]:
    """The table: unweighted, design-weighted and (with margins) raked top-2 shares.

    Returns the table and whether the weights were raked.
    """
    by = list(_BY)
    unweighted = top_box(frame, by=by)[[*by, "share"]].rename(
        columns={"share": "unweighted_share"}
    )
    design = top_box(frame, by=by, design=_design(frame, ()))
    margins: Mapping[str, Mapping[str, float]] | None = ctx.margins.get(kind)
    raked = False
    result = design
    if margins:
        try:
            calibrated = rake(frame, margins, base=_BASE)
            result = top_box(calibrated, by=by, design=_design(frame, tuple(margins)))
            raked = True
        except DisclosureError:
            raise
        except JobhandicapError as err:
            section.note(ctx.t("sampled_no_raking", reason=first_lines(err)))
    table = result.merge(unweighted, on=by, how="left", validate="one_to_one")
    columns = [*by, "n", "count", "unweighted_share"]
    if raked:
        table = table.merge(
            design[[*by, "share"]].rename(columns={"share": "design_share"}),
            on=by,
            how="left",
            validate="one_to_one",
        )
        columns.append("design_share")
    columns += ["share", "ci_low", "ci_high", "dont_know_share", "se", "deff", "n_eff", "method"]
    return table[columns], raked


def _summary(ctx: Context, published: Published) -> str | None:
    """The item whose share weighting changes most, with both shares and the interval."""
    table = published.table
    change = (table["share"] - table["unweighted_share"]).abs().astype("Float64")
    shown = ~published.mask[["share", "unweighted_share", "ci_low", "ci_high"]].any(axis=1)
    change = change.where(shown.to_numpy(dtype=bool))
    if not change.notna().any():
        return None
    row = int(np.nanargmax(change.to_numpy(dtype=np.float64, na_value=np.nan)))
    low, high = value_of(published, "ci_low", row), value_of(published, "ci_high", row)
    ci = ctx.t("ci", low=share_text(low, ctx.lang), high=share_text(high, ctx.lang))
    return ctx.t(
        "sampled_summary",
        item=capitalised(label_of(table["item"].iloc[row], ctx.lang)),
        wave=table["wave"].iloc[row],
        unweighted=share_text(value_of(published, "unweighted_share", row), ctx.lang),
        share=share_text(value_of(published, "share", row), ctx.lang),
        ci=ci,
    )


def _section(ctx: Context, kind: str) -> Section:
    frame = ctx.frames[kind]
    margins = ctx.margins.get(kind)
    section = Section(id=kind, title=ctx.t(kind))
    section.paragraphs.append(ctx.t(_LEADS[kind]))
    ctx.add_units(kind, sampled_units(frame))
    title = ctx.t("sampled_top_box")
    raked = False
    with ctx.attempt(section, title):
        table, raked = _shares(ctx, section, kind, frame)
        published = ctx.publish(
            section,
            Table(
                name=f"{kind}_top_box",
                title=title,
                frame=table,
                spec=_spec(kind, table.columns),
                html_columns=_HTML,
                decimals={"deff": 2, "n_eff": 0},
            ),
        )
        summary = _summary(ctx, published)
        if summary is not None:
            section.paragraphs.append(summary)
    if raked and margins:
        names = [str(column).replace("_", " ") for column in margins]
        weighting = ctx.t("sampled_raked", margins=listing(names, ctx.lang))
    elif margins:
        weighting = ctx.t("sampled_design_only")
    else:
        weighting = ctx.t("sampled_no_margins")
    section.method = ctx.t(
        "sampled_method",
        weighting=weighting,
        design=_design_text(ctx, frame),
    )
    return section


def citizens_section(ctx: Context) -> Section:
    """The citizens' perspective: top-2 shares of the sampled citizen survey."""
    return _section(ctx, "citizens")


def employers_section(ctx: Context) -> Section:
    """The employers' perspective: top-2 shares of the sampled employer survey."""
    return _section(ctx, "employers")
