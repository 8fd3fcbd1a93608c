"""Tests of jobhandicap.plots: figures of the indicators (optional extra ``plot``)."""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _examples import examples

matplotlib = pytest.importorskip("matplotlib")
plt = pytest.importorskip("matplotlib.pyplot")

from matplotlib.figure import Figure  # noqa: E402

from jobhandicap import plots  # noqa: E402
from jobhandicap.errors import JobhandicapError, MissingColumnsError  # noqa: E402
from jobhandicap.plots import (  # noqa: E402
    expenditure_plot,
    figure_to_png_base64,
    figure_to_svg,
    funnel_plot,
    likert_bars,
    strategy_plot,
    survival_plot,
    top_box_plot,
)
from jobhandicap.stats import funnel_limits, kaplan_meier  # noqa: E402
from jobhandicap.survey import likert_distribution, top_box  # noqa: E402

CODES = [1, 2, 3, 4, 5, 9]
# METHODS.md: answers [5,4,4,3,2,1,5,4,DK,DK,3,4].
METHODS_ANSWERS = [5, 4, 4, 3, 2, 1, 5, 4, 9, 9, 3, 4]
# METHODS.md: Kaplan–Meier reference.
KM_T = [5, 8, 8, 12, 15, 20, 21, 30, 35, 40, 45, 60]
KM_D = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]
KM_S = {5: 0.916667, 8: 0.833333, 12: 0.740741, 15: 0.648148, 21: 0.540123, 30: 0.432099}


# ---------------------------------------------------------------------------------------------
# Input frames


def methods_survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent": pd.array([f"jc{i}" for i in range(12)], dtype="string"),
            "wave": np.full(12, 2018, dtype=np.int64),
            "item": pd.array(["focus"] * 12, dtype="string"),
            "answer": pd.array(METHODS_ANSWERS, dtype="Int64"),
        }
    )


def distribution(shares: dict[tuple[int, str], list[float]]) -> pd.DataFrame:
    """A likert_distribution-like frame from {(wave, item): six shares for 1-5, 9}."""
    rows = [
        (wave, item, code, share)
        for (wave, item), values in shares.items()
        for code, share in zip(CODES, values, strict=True)
    ]
    waves, items, codes, values = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "wave": np.array(waves, dtype=np.int64),
            "item": pd.array(items, dtype="string"),
            "answer": np.array(codes, dtype=np.int64),
            "n": np.full(len(rows), 10, dtype=np.int64),
            "share": np.array(values, dtype=np.float64),
        }
    )


def small_distribution() -> pd.DataFrame:
    return distribution(
        {
            (2017, "a_item"): [0.1, 0.2, 0.3, 0.2, 0.1, 0.1],
            (2018, "a_item"): [0.0, 0.1, 0.3, 0.3, 0.2, 0.1],
            (2017, "b_item"): [0.2, 0.2, 0.2, 0.2, 0.2, 0.0],
            (2018, "b_item"): [0.1, 0.1, 0.1, 0.3, 0.3, 0.1],
        }
    )


def small_top_box() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "wave": np.array([2017, 2017, 2018, 2018], dtype=np.int64),
            "item": pd.array(["a", "b", "a", "b"], dtype="string"),
            "n": np.array([10, 10, 12, 12], dtype=np.int64),
            "share": [0.4, 0.6, 0.5, 0.75],
            "ci_low": [0.2, 0.3, 0.25, 0.5],
            "ci_high": [0.6, 0.8, 0.75, 0.9],
        }
    )


def small_survival() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": np.array([2019, 2019, 2020, 2020], dtype=np.int64),
            "time": [10.0, 30.0, 5.0, 20.0],
            "at_risk": np.array([2, 1, 2, 1], dtype=np.int64),
            "events": np.array([1, 1, 1, 1], dtype=np.int64),
            "censored": np.zeros(4, dtype=np.int64),
            "survival": [0.5, 0.0, 0.5, 0.0],
            "ci_low": [0.1, 0.0, 0.1, 0.0],
            "ci_high": [0.9, 0.0, 0.9, 0.0],
        }
    )


def small_shares(grouped: bool = False) -> pd.DataFrame:
    schemes = ["personal assistance", "aids", "mentor support"]
    if not grouped:
        return pd.DataFrame(
            {
                "scheme": pd.Categorical(schemes),
                "cases": np.array([1, 5, 2], dtype=np.int64),
                "amount_dkk": [89_000.0, 10_000.0, 1_000.0],
                "share": [0.89, 0.10, 0.01],
                "total_dkk": 100_000.0,
            }
        )
    return pd.DataFrame(
        {
            "year": np.array([2019, 2019, 2019, 2020, 2020], dtype=np.int64),
            "scheme": schemes + schemes[:2],
            "share": [0.89, 0.10, 0.01, 0.9, 0.1],
        }
    )


def small_funnel() -> pd.DataFrame:
    n = np.array([10, 10, 50, 200, 200], dtype=np.int64)
    low95, high95 = funnel_limits(0.6, n, level=0.95)
    low998, high998 = funnel_limits(0.6, n, level=0.998)
    count = np.array([9, 6, 30, 100, 150], dtype=np.int64)
    return pd.DataFrame(
        {
            "jobcentre": np.array([101, 147, 151, 153, 157], dtype=np.int64),
            "n": n,
            "count": count,
            "rate": count / n,
            "target": 0.6,
            "low_95": low95,
            "high_95": high95,
            "low_998": low998,
            "high_998": high998,
        }
    )


def small_scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "jobcentre": np.array([101, 147, 751, 860], dtype=np.int64),
            "score": [50.0, 25.0, 100.0, np.nan],
            "rank": pd.array([2, 3, 1, None], dtype="Int64"),
            "strategy": pd.Categorical(
                ["diffuse", "reactive", "proactive", None],
                categories=["proactive", "diffuse", "reactive"],
            ),
            "coverage": [1.0, 1.0, 0.5, 0.1],
        }
    )


def small_sensitivity() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "jobcentre": np.array([751, 101, 147, 860], dtype=np.int64),
            "nominal_rank": pd.array([1, 2, 3, None], dtype="Int64"),
            "median_rank": [1.0, 2.0, 3.0, np.nan],
            "rank_q05": [1.0, 1.0, 2.0, np.nan],
            "rank_q95": [2.0, 3.0, 3.0, np.nan],
            "p_proactive": [0.9, 0.2, 0.0, 0.0],
            "p_diffuse": [0.1, 0.7, 0.3, 0.0],
            "p_reactive": [0.0, 0.1, 0.7, 0.0],
        }
    )


def axes_of(fig: Figure) -> list[Any]:
    """The axes of a figure, untyped (matplotlib's stubs type artists too narrowly here)."""
    return list(fig.axes)


def ticklabels(ax: Any, axis: str = "y") -> list[str]:
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


def bar_widths(ax: Any) -> dict[str, float]:
    """Width of each horizontal bar by the tick label of its row (one bar per row)."""
    labels = ticklabels(ax)
    ticks = list(ax.get_yticks())
    widths = {}
    for patch in ax.patches:
        centre = patch.get_y() + patch.get_height() / 2
        row = int(np.argmin([abs(centre - t) for t in ticks]))
        widths[labels[row]] = float(patch.get_width())
    return widths


def suptitle(fig: Figure) -> str:
    return fig.get_suptitle()


ALL_CALLS: dict[str, Callable[[str], Figure]] = {
    "likert": lambda lang: likert_bars(small_distribution(), lang=lang),  # type: ignore[arg-type]
    "top_box": lambda lang: top_box_plot(small_top_box(), lang=lang),  # type: ignore[arg-type]
    "survival": lambda lang: survival_plot(small_survival(), lang=lang),  # type: ignore[arg-type]
    "expenditure": lambda lang: expenditure_plot(small_shares(True), lang=lang),  # type: ignore[arg-type]
    "funnel": lambda lang: funnel_plot(small_funnel(), lang=lang),  # type: ignore[arg-type]
    "strategy": lambda lang: strategy_plot(
        small_scores(),
        small_sensitivity(),
        lang=lang,  # type: ignore[arg-type]
    ),
}


# ---------------------------------------------------------------------------------------------
# Likert bars


def test_likert_bars_reference_geometry() -> None:
    """METHODS.md answers: 1/12, 1/12, 2/12, 4/12, 2/12 and 2/12 don't know."""
    dist = likert_distribution(methods_survey())
    fig = likert_bars(dist)
    assert isinstance(fig, Figure)
    assert len(axes_of(fig)) == 2
    main, side = axes_of(fig)
    assert len(main.patches) == 5
    assert len(side.patches) == 1
    left = [p.get_x() for p in main.patches]
    width = [p.get_width() for p in main.patches]
    expected_width = [100 / 12, 100 / 12, 200 / 12, 400 / 12, 200 / 12]
    np.testing.assert_allclose(width, expected_width, atol=1e-6)
    # "to some degree" straddles zero; the bar runs from -25 % to +58.33 %.
    np.testing.assert_allclose(left[2], -100 / 12, atol=1e-6)
    np.testing.assert_allclose(left[0], -25.0, atol=1e-6)
    np.testing.assert_allclose(left[4] + width[4], 700 / 12, atol=1e-6)
    np.testing.assert_allclose(side.patches[0].get_width(), 200 / 12, atol=1e-6)


def test_likert_bars_rows_grouped_by_item_then_wave() -> None:
    fig = likert_bars(small_distribution())
    main, side = axes_of(fig)
    assert len(main.patches) == 4 * 5
    assert len(side.patches) == 4
    assert ticklabels(main) == ["a item (2017)", "a item (2018)", "b item (2017)", "b item (2018)"]
    # A gap separates the two items.
    ticks = main.get_yticks()
    assert ticks[2] - ticks[1] > ticks[1] - ticks[0]
    # The first row is at the top.
    bottom, top = main.get_ylim()
    assert top < bottom


def test_likert_bars_item_filter_and_labels() -> None:
    fig = likert_bars(
        small_distribution(), item="b_item", item_labels={"b_item": "Employer outreach"}
    )
    main = axes_of(fig)[0]
    assert len(main.patches) == 10
    assert ticklabels(main) == ["2017", "2018"]
    assert suptitle(fig) == "Distribution of answers: Employer outreach"
    with pytest.raises(JobhandicapError, match="not in the Likert distribution"):
        likert_bars(small_distribution(), item="c_item")


def test_likert_bars_danish() -> None:
    fig = likert_bars(small_distribution(), lang="da")
    assert suptitle(fig) == "Fordeling af svarene"
    assert axes_of(fig)[1].get_title() == "Ved ikke"
    assert axes_of(fig)[0].get_xlabel() == "Andel af svarene (%)"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [
        "slet ikke",
        "i mindre grad",
        "i nogen grad",
        "i høj grad",
        "i meget høj grad",
    ]
    english = likert_bars(small_distribution())
    assert english.legends[0].get_texts()[0].get_text() == "not at all"


def test_likert_bars_accepts_labels_as_answers() -> None:
    dist = small_distribution()
    labelled = dist.assign(
        answer=dist["answer"].map({1: "slet ikke", 2: "2", 3: 3, 4: 4, 5: 5, 9: "ved ikke"})
    )
    a = [p.get_width() for p in axes_of(likert_bars(dist))[0].patches]
    b = [p.get_width() for p in axes_of(likert_bars(labelled))[0].patches]
    assert a == b


def test_likert_bars_bad_input() -> None:
    with pytest.raises(MissingColumnsError, match="share"):
        likert_bars(small_distribution().drop(columns="share"))
    with pytest.raises(MissingColumnsError, match="item"):
        likert_bars(small_distribution().drop(columns="item"), item="a_item")
    with pytest.raises(JobhandicapError, match="more than one row"):
        likert_bars(pd.concat([small_distribution()] * 2, ignore_index=True))
    with pytest.raises(JobhandicapError, match="Likert answer"):
        likert_bars(small_distribution().assign(answer=7))
    with pytest.raises(JobhandicapError, match="no rows"):
        likert_bars(small_distribution().iloc[:0])
    with pytest.raises(JobhandicapError, match="DataFrame"):
        likert_bars([1, 2, 3])  # type: ignore[arg-type]


share_vectors = st.lists(st.floats(0, 1), min_size=6, max_size=6).filter(lambda v: sum(v) > 0)


@given(
    shares=st.lists(share_vectors, min_size=1, max_size=4),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=examples(30))
def test_likert_bars_properties(shares: list[list[float]], seed: int) -> None:
    """Row order does not matter, the input is untouched, each row sums to its shares."""
    normalised = [[s / sum(v) for s in v] for v in shares]
    keys = [(2015 + i // 2, f"item{i % 2}") for i in range(len(normalised))]
    dist = distribution(dict(zip(keys, normalised, strict=True)))
    copy = dist.copy(deep=True)
    shuffled = dist.sample(frac=1.0, random_state=seed)
    fig = likert_bars(dist)
    pd.testing.assert_frame_equal(dist, copy)
    geometry = [(p.get_x(), p.get_y(), p.get_width()) for p in axes_of(fig)[0].patches]
    again = [
        (p.get_x(), p.get_y(), p.get_width()) for p in axes_of(likert_bars(shuffled))[0].patches
    ]
    np.testing.assert_allclose(geometry, again, atol=1e-12)
    rows = len(normalised)
    widths = np.array([p.get_width() for p in axes_of(fig)[0].patches]).reshape(5, rows)
    dont_know = np.array([p.get_width() for p in axes_of(fig)[1].patches])
    np.testing.assert_allclose(widths.sum(axis=0) + dont_know, 100.0, atol=1e-9)
    # The neutral segment is centred on zero.
    neutral = axes_of(fig)[0].patches[2 * rows : 3 * rows]
    for patch in neutral:
        assert patch.get_x() + patch.get_width() / 2 == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# Top-box plot


def test_top_box_plot_reference_interval() -> None:
    """METHODS.md: 6/10 substantive answers -> Wilson (0.312674, 0.831820)."""
    fig = top_box_plot(top_box(methods_survey(), dont_know="exclude"))
    assert len(axes_of(fig)) == 1
    ax = axes_of(fig)[0]
    assert len(ax.containers) == 1
    data_line, _, bars = ax.containers[0].lines
    np.testing.assert_allclose(data_line.get_xdata(), [60.0], atol=1e-6)
    segment = bars[0].get_segments()[0]
    np.testing.assert_allclose(segment[:, 0], [31.2674, 83.1820], atol=1e-4)
    assert ticklabels(ax) == ["focus"]


def test_top_box_plot_dodges_waves() -> None:
    fig = top_box_plot(small_top_box())
    ax = axes_of(fig)[0]
    assert len(ax.containers) == 2
    first = ax.containers[0].lines[0]
    second = ax.containers[1].lines[0]
    np.testing.assert_allclose(first.get_xdata(), [40.0, 60.0])
    np.testing.assert_allclose(second.get_xdata(), [50.0, 75.0])
    assert np.all(np.asarray(first.get_ydata()) < np.asarray(second.get_ydata()))
    assert ticklabels(ax) == ["a", "b"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["2017", "2018"]
    assert fig.legends[0].get_title().get_text() == "Wave"


def test_top_box_plot_danish_and_no_wave() -> None:
    fig = top_box_plot(small_top_box().query("wave == 2017").drop(columns="wave"), lang="da")
    assert len(axes_of(fig)[0].containers) == 1
    assert not fig.legends
    assert axes_of(fig)[0].get_xlabel() == "Andel (%)"
    assert suptitle(fig) == "Andel der svarer i høj eller meget høj grad"
    assert top_box_plot(small_top_box(), title="").texts == []
    assert suptitle(top_box_plot(small_top_box(), title="")) == ""


def test_top_box_plot_bad_input() -> None:
    with pytest.raises(MissingColumnsError, match="ci_high"):
        top_box_plot(small_top_box().drop(columns="ci_high"))
    with pytest.raises(JobhandicapError, match="must hold numbers"):
        top_box_plot(small_top_box().assign(share=["x", "y", "z", "w"]))


@given(
    share=st.lists(st.floats(0, 1), min_size=1, max_size=6),
    seed=st.integers(0, 2**16),
)
def test_top_box_plot_properties(share: list[float], seed: int) -> None:
    frame = pd.DataFrame(
        {
            "wave": np.array([2017 + i % 2 for i in range(len(share))], dtype=np.int64),
            "item": [f"q{i // 2}" for i in range(len(share))],
            "share": share,
            "ci_low": [s / 2 for s in share],
            "ci_high": [(1 + s) / 2 for s in share],
        }
    )
    copy = frame.copy(deep=True)
    fig = top_box_plot(frame.sample(frac=1.0, random_state=seed))
    pd.testing.assert_frame_equal(frame, copy)
    points = np.concatenate([c.lines[0].get_xdata() for c in axes_of(fig)[0].containers])
    np.testing.assert_allclose(np.sort(points), np.sort(np.array(share) * 100))
    for container in axes_of(fig)[0].containers:
        for segment in container.lines[2][0].get_segments():
            assert segment[0, 0] <= segment[1, 0]


# ---------------------------------------------------------------------------------------------
# Survival plot


def test_survival_plot_reference_curve() -> None:
    """METHODS.md Kaplan–Meier: the step curve passes through the reference values."""
    table = kaplan_meier(KM_T, KM_D)
    fig = survival_plot(table)
    ax = axes_of(fig)[0]
    assert len(ax.lines) == 2  # the curve and the 50 % line
    assert len(ax.collections) == 1  # the band
    curve = ax.lines[0]
    x = np.asarray(curve.get_xdata())
    y = np.asarray(curve.get_ydata())
    assert (x[0], y[0]) == (0.0, 1.0)
    assert curve.get_drawstyle() == "steps-post"
    for t, s in KM_S.items():
        assert y[np.flatnonzero(x == t)[0]] == pytest.approx(s, abs=1e-6)
    # The band at t = 30: (0.141010, 0.698076).
    band = ax.collections[0].get_paths()[0].vertices
    at30 = band[band[:, 0] == 30.0][:, 1]
    assert np.isclose(at30, 0.141010, atol=1e-6).any()
    assert np.isclose(at30, 0.698076, atol=1e-6).any()
    assert not ax.get_legend()


def test_survival_plot_groups_and_danish() -> None:
    fig = survival_plot(small_survival(), lang="da")
    ax = axes_of(fig)[0]
    assert len(ax.lines) == 3
    assert len(ax.collections) == 2
    assert ax.get_xlabel() == "Dage fra ansøgning"
    assert ax.get_ylabel() == "Andel ikke afgjort"
    assert suptitle(fig) == "Sager endnu ikke afgjort"
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["2019", "2020"]
    assert legend.get_title().get_text() == "År"
    english = survival_plot(small_survival(), by="year")
    assert axes_of(english)[0].get_xlabel() == "Days from application"
    assert axes_of(english)[0].get_ylabel() == "Share not yet decided"


def test_survival_plot_scheme_labels_translated() -> None:
    table = (
        small_survival().drop(columns="year").assign(scheme=["aids"] * 2 + ["mentor support"] * 2)
    )
    fig = survival_plot(table, by="scheme", lang="da")
    assert [t.get_text() for t in axes_of(fig)[0].get_legend().get_texts()] == [
        "hjælpemidler",
        "mentorstøtte",
    ]


def test_survival_plot_without_band_and_axis_end() -> None:
    table = small_survival().drop(columns=["ci_low", "ci_high"])
    fig = survival_plot(table, by="year", max_days=25)
    assert len(axes_of(fig)[0].collections) == 0
    assert axes_of(fig)[0].get_xlim() == (0.0, 25.0)
    # By default the axis ends where the last curve reaches 2 % (day 30), plus 5 %.
    assert axes_of(survival_plot(table))[0].get_xlim()[1] == pytest.approx(31.5)
    with pytest.raises(JobhandicapError, match="max_days"):
        survival_plot(table, max_days=0)


def test_survival_plot_bad_input() -> None:
    with pytest.raises(MissingColumnsError, match="survival"):
        survival_plot(small_survival().drop(columns="survival"))
    with pytest.raises(MissingColumnsError, match="scheme"):
        survival_plot(small_survival(), by="scheme")


@given(seed=st.integers(0, 2**16), events=st.lists(st.integers(0, 3), min_size=1, max_size=8))
@settings(max_examples=examples(30))
def test_survival_plot_row_order_invariant(seed: int, events: list[int]) -> None:
    durations = np.arange(1, len(events) + 1, dtype=np.float64) * 3
    table = kaplan_meier(
        np.repeat(durations, 2),
        np.repeat(np.array(events) > 0, 2),
        groups=np.tile([1, 2], len(events)),
    )
    copy = table.copy(deep=True)
    a = survival_plot(table)
    b = survival_plot(table.sample(frac=1.0, random_state=seed))
    pd.testing.assert_frame_equal(table, copy)
    for line_a, line_b in zip(axes_of(a)[0].lines, axes_of(b)[0].lines, strict=True):
        np.testing.assert_array_equal(line_a.get_xydata(), line_b.get_xydata())
    for line in axes_of(a)[0].lines[:-1]:
        assert np.all(np.diff(np.asarray(line.get_ydata())) <= 1e-12)


# ---------------------------------------------------------------------------------------------
# Expenditure plot


def test_expenditure_plot_reference() -> None:
    """The STAR mapping: personal assistance is about 89 % of the expenditure."""
    fig = expenditure_plot(small_shares())
    ax = axes_of(fig)[0]
    assert len(ax.patches) == 3
    assert bar_widths(ax) == pytest.approx(
        {"personal assistance": 89.0, "aids": 10.0, "mentor support": 1.0}
    )
    assert [t.get_text() for t in ax.texts] == ["89.0%", "10.0%", "1.0%"]
    # Scheme order follows the categorical's categories (alphabetical here).
    assert ticklabels(ax) == ["aids", "mentor support", "personal assistance"]


def test_expenditure_plot_groups_and_danish() -> None:
    fig = expenditure_plot(small_shares(grouped=True), lang="da")
    ax = axes_of(fig)[0]
    assert len(ax.patches) == 5
    assert ticklabels(ax) == ["hjælpemidler", "mentorstøtte", "personlig assistance"]
    assert ax.get_ylabel() == "Ordning"
    assert suptitle(fig) == "Udgifter fordelt på ordning"
    assert "89,0 %" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2019", "2020"]


def test_expenditure_plot_nan_shares_draw_nothing() -> None:
    shares = small_shares().assign(share=np.nan)
    fig = expenditure_plot(shares)
    assert [p.get_width() for p in axes_of(fig)[0].patches] == [0.0, 0.0, 0.0]
    assert [t.get_text() for t in axes_of(fig)[0].texts] == ["", "", ""]


def test_expenditure_plot_bad_input() -> None:
    with pytest.raises(MissingColumnsError, match="scheme"):
        expenditure_plot(small_shares().drop(columns="scheme"))


@given(
    shares=st.lists(st.floats(0, 1), min_size=1, max_size=7, unique=True),
    seed=st.integers(0, 2**16),
)
def test_expenditure_plot_properties(shares: list[float], seed: int) -> None:
    names = [
        "personal assistance",
        "aids",
        "special expenses",
        "priority access",
        "mentor support",
        "icebreaker scheme",
        "personal assistance in education",
    ]
    frame = pd.DataFrame({"scheme": names[: len(shares)], "share": shares})
    copy = frame.copy(deep=True)
    fig = expenditure_plot(frame.sample(frac=1.0, random_state=seed))
    pd.testing.assert_frame_equal(frame, copy)
    ax = axes_of(fig)[0]
    assert bar_widths(ax) == pytest.approx(
        {n: s * 100 for n, s in zip(names, shares, strict=False)}
    )


# ---------------------------------------------------------------------------------------------
# Funnel plot


def test_funnel_plot_reference_limits() -> None:
    """METHODS.md: p0 = 0.6, n = 10 -> 95 % [0.229918, 0.852982], 99.8 % [0.056912, 0.983462]."""
    fig = funnel_plot(small_funnel())
    ax = axes_of(fig)[0]
    assert len(ax.lines) == 5  # two pairs of limits and the target
    low95, high95, low998, high998, target = ax.lines
    assert low95.get_ydata()[0] == pytest.approx(22.9918, abs=1e-4)
    assert high95.get_ydata()[0] == pytest.approx(85.2982, abs=1e-4)
    assert low998.get_ydata()[0] == pytest.approx(5.6912, abs=1e-4)
    assert high998.get_ydata()[0] == pytest.approx(98.3462, abs=1e-4)
    # n = 200 -> 95 % [0.529118, 0.664856]; limits are drawn sorted by n.
    assert list(low95.get_xdata()) == [10, 10, 50, 200, 200]
    assert low95.get_ydata()[-1] == pytest.approx(52.9118, abs=1e-4)
    assert high95.get_ydata()[-1] == pytest.approx(66.4856, abs=1e-4)
    np.testing.assert_allclose(target.get_ydata(), [60.0, 60.0])
    # 9/10 and 100/200 are outside the 95 % limits only; 150/200 is outside both.
    colours = [c.get_label() for c in ax.collections]
    assert colours == ["Within the limits", "Outside the 95% limits", "Outside the 99.8% limits"]
    counts = [len(c.get_offsets()) for c in ax.collections]
    assert counts == [2, 2, 1]
    # Only the units outside the most limits are labelled.
    assert [t.get_text() for t in ax.texts] == ["157"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["95% limits", "99.8% limits", "Target"]


def test_funnel_plot_danish_options_and_pooled_target() -> None:
    frame = small_funnel().drop(columns=["target", "low_998", "high_998"])
    fig = funnel_plot(frame, lang="da", unit_labels={101: "København"}, max_labels=1)
    ax = axes_of(fig)[0]
    assert len(ax.lines) == 3
    assert ax.get_xlabel() == "Antal (n)"
    assert ax.get_ylabel() == "Andel (%)"
    assert suptitle(fig) == "Tragtdiagram"
    pooled = frame["count"].sum() / frame["n"].sum()
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [pooled * 100] * 2)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "95 %-grænser"
    assert "Uden for 95 %-grænserne" in legend
    assert len(ax.texts) == 1
    unlabelled = funnel_plot(frame, label_flagged=False)
    assert len(axes_of(unlabelled)[0].texts) == 0
    named = funnel_plot(frame, unit_labels={101: "København", 157: "Gladsaxe"})
    assert "København" in [t.get_text() for t in axes_of(named)[0].texts]


def test_funnel_plot_limit_columns_and_target_option() -> None:
    frame = small_funnel().rename(columns={"low_95": "lo", "high_95": "hi"})
    fig = funnel_plot(frame, limit_columns={"95 %": ("lo", "hi")}, target=0.5)
    ax = axes_of(fig)[0]
    assert len(ax.lines) == 3
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [50.0, 50.0])
    with pytest.raises(MissingColumnsError, match="nope"):
        funnel_plot(frame, limit_columns={"95 %": ("lo", "nope")})
    with pytest.raises(JobhandicapError, match="pair"):
        funnel_plot(frame, limit_columns={"95 %": "lo"})  # type: ignore[dict-item]
    with pytest.raises(JobhandicapError, match="target"):
        funnel_plot(frame, limit_columns={"95 %": ("lo", "hi")}, target=1.5)


def test_funnel_plot_bad_input() -> None:
    with pytest.raises(MissingColumnsError, match="low_95"):
        funnel_plot(small_funnel().drop(columns=["low_95", "low_998"]))
    with pytest.raises(MissingColumnsError, match="share"):
        funnel_plot(small_funnel().drop(columns="rate"))
    with pytest.raises(MissingColumnsError, match="unit"):
        funnel_plot(small_funnel(), unit="unit")
    with pytest.raises(JobhandicapError, match="max_labels"):
        funnel_plot(small_funnel(), max_labels=-1)


@given(
    counts=st.lists(st.integers(0, 40), min_size=2, max_size=12),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=examples(30))
def test_funnel_plot_flags_match_limits(counts: list[int], seed: int) -> None:
    n = np.full(len(counts), 40)
    low, high = funnel_limits(0.5, n, level=0.95)
    rate = np.array(counts) / n
    frame = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(len(n))],
            "n": n,
            "rate": rate,
            "low_95": low,
            "high_95": high,
        }
    )
    copy = frame.copy(deep=True)
    fig = funnel_plot(frame.sample(frac=1.0, random_state=seed), max_labels=100)
    pd.testing.assert_frame_equal(frame, copy)
    outside = int(((rate < low) | (rate > high)).sum())
    ax = axes_of(fig)[0]
    flagged = sum(len(c.get_offsets()) for c in ax.collections if c.get_label().startswith("Out"))
    assert flagged == outside
    assert len(ax.texts) == outside


# ---------------------------------------------------------------------------------------------
# Strategy plot


def test_strategy_plot_order_colours_and_bands() -> None:
    """score_strategies' docstring example: 751 (100) > 101 (50) > 147 (25); 860 unscored."""
    fig = strategy_plot(small_scores(), small_sensitivity())
    assert len(axes_of(fig)) == 2
    left, right = axes_of(fig)
    assert ticklabels(left) == ["751", "101", "147"]
    assert "1 not scored" in left.get_xlabel()
    assert [c.get_label() for c in left.collections] == ["proactive", "diffuse", "reactive"]
    offsets = np.vstack([c.get_offsets() for c in left.collections])
    np.testing.assert_allclose(offsets, [[100.0, 0.0], [50.0, 1.0], [25.0, 2.0]])
    band = right.collections[0].get_segments()
    np.testing.assert_allclose([s[:, 0] for s in band], [[1, 2], [1, 3], [2, 3]])
    medians, nominal = right.collections[1], right.collections[2]
    np.testing.assert_allclose(np.asarray(medians.get_offsets())[:, 0], [1, 2, 3])
    np.testing.assert_allclose(np.asarray(nominal.get_offsets())[:, 0], [1, 2, 3])
    colours = [matplotlib.colors.to_hex(c) for c in right.collections[0].get_colors()]
    assert colours == [
        plots.STRATEGY_COLOURS[s].lower() for s in ("proactive", "diffuse", "reactive")
    ]


def test_strategy_plot_without_sensitivity_danish_many_units() -> None:
    units = np.arange(100, 194)
    scores = pd.DataFrame(
        {
            "jobcentre": units,
            "score": np.linspace(95, 5, 94),
            "strategy": ["proactive"] * 30 + ["diffuse"] * 34 + ["reactive"] * 30,
        }
    )
    fig = strategy_plot(scores, lang="da", unit_labels={100: "København"})
    assert len(axes_of(fig)) == 1
    ax = axes_of(fig)[0]
    assert ticklabels(ax)[0] == "København"
    assert len(ticklabels(ax)) == 94
    assert fig.get_figheight() > 12  # tall enough for 94 readable rows
    assert ax.get_ylabel() == "Jobcenter"
    assert suptitle(fig) == "Score for proaktiv strategi"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["proaktiv", "diffus", "reaktiv"]


def test_strategy_plot_without_strategy_column() -> None:
    scores = small_scores().drop(columns="strategy")
    fig = strategy_plot(scores, unit="jobcentre")
    assert [c.get_label() for c in axes_of(fig)[0].collections] == ["missing"]
    assert not fig.legends


def test_strategy_plot_bad_input() -> None:
    with pytest.raises(MissingColumnsError, match="score"):
        strategy_plot(small_scores().drop(columns="score"))
    with pytest.raises(MissingColumnsError, match="rank_q95"):
        strategy_plot(small_scores(), small_sensitivity().drop(columns="rank_q95"))
    with pytest.raises(JobhandicapError, match="more than one row"):
        strategy_plot(small_scores(), pd.concat([small_sensitivity()] * 2, ignore_index=True))
    with pytest.raises(JobhandicapError, match="no unit has a score"):
        strategy_plot(small_scores().assign(score=np.nan))


@given(scores=st.lists(st.floats(0, 100), min_size=2, max_size=20), seed=st.integers(0, 2**16))
def test_strategy_plot_orders_by_score(scores: list[float], seed: int) -> None:
    frame = pd.DataFrame({"jobcentre": np.arange(len(scores)), "score": scores})
    copy = frame.copy(deep=True)
    fig = strategy_plot(frame.sample(frac=1.0, random_state=seed))
    pd.testing.assert_frame_equal(frame, copy)
    offsets = np.asarray(axes_of(fig)[0].collections[0].get_offsets())
    ordered = offsets[np.argsort(offsets[:, 1])]
    assert np.all(np.diff(ordered[:, 0]) <= 0)


# ---------------------------------------------------------------------------------------------
# Across functions: rendering, global state, languages, inputs


def test_figure_to_svg_is_deterministic_and_clean() -> None:
    first = figure_to_svg(funnel_plot(small_funnel()))
    second = figure_to_svg(funnel_plot(small_funnel()))
    assert first == second
    fig = likert_bars(small_distribution(), lang="da")
    assert figure_to_svg(fig) == figure_to_svg(fig)
    assert first.startswith("<?xml")
    assert "<dc:date>" not in first
    assert "Matplotlib v" not in first
    assert re.search(r"\d{4}-\d{2}-\d{2}T", first) is None
    assert re.search(r"(/home/|/tmp/|/work/|/usr/|[A-Z]:\\\\)", first) is None
    assert "slet ikke" in figure_to_svg(fig)  # text is kept as text


def test_figure_to_svg_leaves_rcparams() -> None:
    salt = matplotlib.rcParams["svg.hashsalt"]
    figure_to_svg(top_box_plot(small_top_box()))
    assert matplotlib.rcParams["svg.hashsalt"] == salt


def test_figure_to_png_base64() -> None:
    fig = expenditure_plot(small_shares())
    encoded = figure_to_png_base64(fig, dpi=40)
    assert base64.b64decode(encoded)[:8] == b"\x89PNG\r\n\x1a\n"
    assert encoded == figure_to_png_base64(fig, dpi=40)
    assert b"Matplotlib" not in base64.b64decode(encoded)
    with pytest.raises(JobhandicapError, match="dpi"):
        figure_to_png_base64(fig, dpi=0)


@pytest.mark.parametrize("name", sorted(ALL_CALLS))
def test_no_global_state(name: str) -> None:
    plt.close("all")
    before = dict(matplotlib.rcParams)
    for lang in ("en", "da"):
        fig = ALL_CALLS[name](lang)
        assert isinstance(fig, Figure)
        figure_to_svg(fig)
    assert plt.get_fignums() == []
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("name", sorted(ALL_CALLS))
def test_language_switches_texts(name: str) -> None:
    def texts(fig: Figure) -> list[str]:
        return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]

    english, danish = texts(ALL_CALLS[name]("en")), texts(ALL_CALLS[name]("da"))
    assert english != danish
    with pytest.raises(JobhandicapError, match="lang"):
        ALL_CALLS[name]("de")


def test_inputs_unmodified() -> None:
    frames = {
        "likert": small_distribution(),
        "top_box": small_top_box(),
        "survival": small_survival(),
        "expenditure": small_shares(True),
        "funnel": small_funnel(),
        "scores": small_scores(),
        "sensitivity": small_sensitivity(),
    }
    copies = {k: v.copy(deep=True) for k, v in frames.items()}
    likert_bars(frames["likert"], item="a_item")
    top_box_plot(frames["top_box"])
    survival_plot(frames["survival"], by="year")
    expenditure_plot(frames["expenditure"])
    funnel_plot(frames["funnel"])
    strategy_plot(frames["scores"], frames["sensitivity"])
    for key, frame in frames.items():
        pd.testing.assert_frame_equal(frame, copies[key])


def test_missing_matplotlib_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r'pip install "jobhandicap\[plot\]"'):
        top_box_plot(small_top_box())


def test_texts_table_complete() -> None:
    for key, (english, danish) in plots.TEXTS.items():
        assert english, key
        assert danish, key
        assert english.count("{}") == danish.count("{}"), key


def test_figures_and_report_tables_name_things_alike() -> None:
    """A column the report's tables and its figures both name has one wording per language."""
    from jobhandicap.report import _text as _report_text

    shared = [key for key in plots.TEXTS if f"col:{key}" in _report_text.TEXTS]
    assert {"jobcentre", "strategy", "median_rank", "scheme"} <= set(shared)
    for key in shared:
        table = _report_text.TEXTS[f"col:{key}"]
        for figure_text, table_text in zip(plots.TEXTS[key], table, strict=True):
            # A figure may qualify the word ("Nominal rank", "Rank (1 = most proactive)").
            assert table_text.lower() in figure_text.lower(), (key, figure_text, table_text)
