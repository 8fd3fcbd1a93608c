"""Staff nested in jobcentres: the staff section's clustering tables.

Private to :mod:`jobhandicap.report`. Colleagues in one jobcentre answer alike, so the staff
are fewer independent answers than there are caseworkers. The staff section shows how alike
(the intraclass correlation and design effect of each scale, :func:`jobhandicap.icc`) and
compares the staff of each strategy type with those of reactive jobcentres with intervals that
take the clustering into account (:func:`jobhandicap.compare_groups` with
``cluster="jobcentre"``) — the study's "staff in proactive jobcentres know more".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jobhandicap.benchmark import compare_groups
from jobhandicap.disclosure import Measure, TableSpec
from jobhandicap.report._context import Context, Section, label_of, thousands, value_of
from jobhandicap.report._tables import Published, Table
from jobhandicap.report._text import number
from jobhandicap.staff import Scale, icc

#: Columns of the comparison computed from both groups' scores: hidden with the reference.
_FROM_BOTH = (
    "n_reference",
    "mean_reference",
    "difference",
    "ci_low",
    "ci_high",
    "boot_ci_low",
    "boot_ci_high",
    "hedges_g",
    "deff",
)


def staff_clustering(
    ctx: Context,
    section: Section,
    scores: pd.DataFrame,
    joined: pd.DataFrame | None,
    scales: Sequence[Scale],
) -> None:
    """Add the ICC table and, with strategy types, the clustered comparison to ``section``."""
    names = [s.name for s in scales]
    opts = ctx.options
    section.method = f"{section.method} {ctx.t('staff_clustering_method')}".strip()
    clustering: Published | None = None
    with ctx.attempt(section, ctx.t("staff_icc")):
        clustering = ctx.publish(
            section,
            Table(
                name="staff_icc",
                title=ctx.t("staff_icc"),
                frame=icc(scores, by="jobcentre", value=names).drop(columns="p_value"),
                spec=TableSpec(
                    universe="staff",
                    by=("scale",),
                    measures=(
                        Measure(
                            column="n",
                            units="scored",
                            derived=(
                                "icc",
                                "ci_low",
                                "ci_high",
                                "icc2",
                                "mean_cluster_size",
                                "k0",
                                "deff",
                                "n_effective",
                            ),
                        ),
                    ),
                ),
                html_columns=(
                    "scale",
                    "n",
                    "clusters",
                    "icc",
                    "ci_low",
                    "ci_high",
                    "deff",
                    "n_effective",
                ),
                decimals={"icc": 3, "ci_low": 3, "ci_high": 3, "deff": 2, "n_effective": 0},
            ),
        )
        _icc_text(ctx, section, clustering)
    if joined is None or not joined["strategy"].notna().any():
        return
    present = set(joined["strategy"].dropna().astype(object))
    if len(present) < 2:
        return
    reference = "reactive" if "reactive" in present else None
    with ctx.attempt(section, ctx.t("staff_strategy_difference")):
        parts = []
        for name in names:  # a loop over the two or three scales
            compared = compare_groups(
                joined,
                value=name,
                by="strategy",
                reference=reference,
                cluster="jobcentre",
                n_boot=opts.n_boot,
                seed=opts.seed,
            )
            compared.insert(0, "scale", pd.Series(name, index=compared.index, dtype="string"))
            parts.append(compared)
        frame = pd.concat(parts, ignore_index=True)
        # A difference reveals the reference's mean: hidden when the reference's count is.
        shown = ctx.shown_rows("staff_by_strategy", frame["reference"].astype(object), ("n",))
        hidden = ~np.asarray(shown, dtype=bool)
        published = ctx.publish(
            section,
            Table(
                name="staff_strategy_difference",
                title=ctx.t("staff_strategy_difference"),
                frame=frame,
                spec=TableSpec(
                    universe="staff",
                    by=("strategy", "scale"),
                    measures=(
                        Measure(
                            column="n",
                            units="scored",
                            derived=(
                                "difference",
                                "ci_low",
                                "ci_high",
                                "boot_ci_low",
                                "boot_ci_high",
                                "hedges_g",
                                "deff",
                            ),
                            describes=("mean",),
                        ),
                    ),
                ),
                withheld=dict.fromkeys(_FROM_BOTH, hidden),
                html_columns=(
                    "scale",
                    "strategy",
                    "reference",
                    "n",
                    "n_reference",
                    "difference",
                    "ci_low",
                    "ci_high",
                    "clusters",
                    "clusters_reference",
                    "deff",
                ),
                decimals={
                    "difference": 2,
                    "ci_low": 2,
                    "ci_high": 2,
                    "deff": 2,
                    "mean": 2,
                    "mean_reference": 2,
                },
            ),
        )
        _difference_text(ctx, section, published)


def _icc_text(ctx: Context, section: Section, published: Published) -> None:
    """One sentence on the first scale whose ICC is published."""
    table = published.table
    for row in range(len(table)):
        values = [value_of(published, c, row) for c in ("icc", "ci_low", "ci_high", "deff")]
        effective = value_of(published, "n_effective", row)
        n = value_of(published, "n", row)
        if any(v is None for v in values) or effective is None or n is None:
            continue
        rho, low, high, deff = (float(v) for v in values if v is not None)
        section.paragraphs.append(
            ctx.t(
                "staff_icc_summary",
                scale=label_of(table["scale"].iloc[row], ctx.lang, "scale"),
                icc=number(rho, 2, ctx.lang),
                ci=ctx.t("ci", low=number(low, 2, ctx.lang), high=number(high, 2, ctx.lang)),
                deff=number(deff, 1, ctx.lang),
                n=thousands(n, ctx.lang),
                n_effective=thousands(effective, ctx.lang),
            )
        )
        return


def _difference_text(ctx: Context, section: Section, published: Published) -> None:
    """Per scale, one sentence on the proactive jobcentres' staff against the reference."""
    table = published.table
    for row in range(len(table)):
        if str(table["strategy"].iloc[row]) != "proactive":
            continue
        difference = value_of(published, "difference", row)
        low = value_of(published, "ci_low", row)
        high = value_of(published, "ci_high", row)
        if difference is None or low is None or high is None:
            continue
        section.paragraphs.append(
            ctx.t(
                "staff_strategy_higher" if difference >= 0 else "staff_strategy_lower",
                scale=label_of(table["scale"].iloc[row], ctx.lang, "scale"),
                group=label_of("proactive", ctx.lang, "strategy"),
                reference=label_of(table["reference"].iloc[row], ctx.lang, "strategy"),
                difference=number(abs(difference), 2, ctx.lang),
                ci=ctx.t("ci", low=number(low, 2, ctx.lang), high=number(high, 2, ctx.lang)),
                clusters=int(table["clusters"].iloc[row] + table["clusters_reference"].iloc[row]),
            )
        )
