"""The workloads of the benchmark suite: each times jobhandicap against a peer on the same data.

Every workload function takes the :class:`Sizes` of the run and the number of timed
repetitions, builds its data (not timed), checks that jobhandicap and the peer give the same
answer, times both alternately after a warm-up (``_harness.alternate``) and returns a
``_harness.Result``. A peer that is not installed is skipped with a note; jobhandicap is then
still timed and judged against any absolute goal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import _data
import _harness
import _strategy_pandas
import bench_frames
import bench_import
import bench_read
import bench_survival
from _harness import Result
from jobhandicap.cases import processing_time
from jobhandicap.datasets import load_example
from jobhandicap.frames import to_frame
from jobhandicap.io import read_cases, write_csv
from jobhandicap.reference import jobcentre_codes, jobcentres, municipalities
from jobhandicap.report import build_report
from jobhandicap.stats import cronbach_alpha, wilson_interval
from jobhandicap.strategy import DEFAULT_SPEC, strategy_sensitivity
from jobhandicap.survey import top_box

NOT_INSTALLED = "peer not installed ({}); " + _harness.INSTALL_HINT


@dataclasses.dataclass(frozen=True)
class Sizes:
    """Problem sizes of one run (``FULL`` is what the issue asks for, ``QUICK`` a smoke run)."""

    records: int
    read_rows: int
    wilson: int
    survey_rows: int
    survey_groups: int
    km_cases: int
    km_peer_groups: int | None
    alpha_rows: int
    alpha_items: int
    draws: int
    pandas_draws: int
    usage: tuple[int, ...]
    memory_cases: int
    scaling: tuple[int, ...]
    import_runs: int
    jobcentre_rows: int
    report: bool


FULL = Sizes(
    records=1_000_000,
    read_rows=1_000_000,
    wilson=1_000_000,
    survey_rows=1_000_000,
    survey_groups=1_000,
    km_cases=1_000_000,
    km_peer_groups=None,
    alpha_rows=100_000,
    alpha_items=20,
    draws=10_000,
    pandas_draws=300,
    usage=(1_000_000, 10_000_000),
    memory_cases=10_000_000,
    scaling=(100_000, 1_000_000, 10_000_000),
    import_runs=7,
    jobcentre_rows=1_000_000,
    report=True,
)

QUICK = Sizes(
    records=10_000,
    read_rows=20_000,
    wilson=100_000,
    survey_rows=100_000,
    survey_groups=1_000,
    km_cases=50_000,
    km_peer_groups=10,
    alpha_rows=10_000,
    alpha_items=20,
    draws=1_000,
    pandas_draws=20,
    usage=(100_000,),
    memory_cases=100_000,
    scaling=(10_000, 100_000),
    import_runs=1,
    jobcentre_rows=100_000,
    report=False,  # a report takes seconds, each of 7 builds: not a smoke run
)


def _at_least(factor: float) -> Callable[[float, float | None], bool | None]:
    """Goal: jobhandicap at least ``factor`` times faster than the peer."""

    def judge(ours: float, theirs: float | None) -> bool | None:
        return None if theirs is None else theirs / ours >= factor

    return judge


def _same(flag: bool, detail: str = "") -> str:
    return ("identical" if flag else "DIFFERS") + (f" ({detail})" if detail else "")


# --------------------------------------------------------------------------------------------
# Issue 2: models <-> frames.


def _plain(column: pd.Series) -> list[Any]:
    """Cells as plain Python text (enum members by value), ``None`` where missing.

    The asdict frame holds enum members under pandas 2 and strings under pandas 3.
    """
    return [None if pd.isna(v) else str(getattr(v, "value", v)) for v in column.astype(object)]


def to_frame_vs_asdict(sizes: Sizes, repeat: int) -> Result:
    cases = bench_frames.make_cases(sizes.records)
    ours = to_frame(cases)
    naive = bench_frames.naive(cases)
    same = (
        all(
            _plain(ours[column]) == _plain(naive[column])
            for column in ("case_id", "scheme", "target_group", "decision")
        )
        and np.array_equal(ours["municipality"].to_numpy(), naive["municipality"].to_numpy())
        and ours["applied"].equals(pd.to_datetime(naive["applied"]).astype("datetime64[ns]"))
        and ours["decided"].equals(pd.to_datetime(naive["decided"]).astype("datetime64[ns]"))
        and np.array_equal(
            ours["amount_dkk"].to_numpy(),
            naive["amount_dkk"].to_numpy(dtype=np.float64),
            equal_nan=True,
        )
    )
    del ours, naive
    return _harness.timed_result(
        workload="to_frame of Case records",
        size=_harness.count_text(sizes.records),
        peer="pandas.DataFrame([attrs.asdict(c)])",
        ours=lambda: to_frame(cases),
        theirs=lambda: bench_frames.naive(cases),
        repeat=repeat,
        goal="≥ 5× faster",
        judge=_at_least(5.0),
        check=_same(same, "values of the 8 shared columns"),
        note="to_frame also derives the jobcentre column and builds categoricals; "
        "the asdict frame keeps enum objects and datetime.date cells",
    )


# --------------------------------------------------------------------------------------------
# Issue 2/3: read + validate.


def read_vs_read_csv(sizes: Sizes, repeat: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="jh-bench-") as tmp:
        path = Path(tmp) / "cases.csv"
        write_csv(bench_read.make_cases(sizes.read_rows), "cases", path)

        def bare() -> pd.DataFrame:
            return pd.read_csv(path, sep=";")

        ours, theirs = read_cases(path), bare()
        same = (
            len(ours) == len(theirs) == sizes.read_rows
            and ours["case_id"].astype(object).equals(theirs["sagsnr"].astype(object))
            and np.array_equal(ours["municipality"].to_numpy(), theirs["kommunekode"].to_numpy())
        )
        del ours, theirs
        megabytes = path.stat().st_size / 1e6
        return _harness.timed_result(
            workload="read_cases (read + validate) a Danish CSV",
            size=f"{_harness.count_text(sizes.read_rows)} rows, {megabytes:.0f} MB",
            peer="bare pandas.read_csv(sep=';')",
            ours=lambda: read_cases(path),
            theirs=bare,
            repeat=repeat,
            goal="≤ 2× the bare read (ratio ≥ 0.5×)",
            judge=_at_least(0.5),
            check=_same(same, "rows, case ids, municipality codes"),
            note="the bare read parses no dates, labels or decimal commas",
        )


# --------------------------------------------------------------------------------------------
# Issue 3/4: estimators.


def wilson_vs_statsmodels(sizes: Sizes, repeat: int) -> Result:
    count, base = _data.proportions(sizes.wilson)
    peer = "statsmodels proportion_confint(method='wilson')"
    theirs: Callable[[], Any] | None = None
    check = "—"
    if _harness.have("statsmodels"):
        from statsmodels.stats.proportion import proportion_confint

        def theirs() -> Any:
            return proportion_confint(count, base, alpha=0.05, method="wilson")

        mine = wilson_interval(count, base)
        low, high = theirs()
        worst = max(np.max(np.abs(mine.ci_low - low)), np.max(np.abs(mine.ci_high - high)))
        check = _same(bool(worst < 1e-12), f"largest difference {worst:.0e}")
    return _harness.timed_result(
        workload="Wilson intervals",
        size=_harness.count_text(sizes.wilson),
        peer=peer,
        ours=lambda: wilson_interval(count, base),
        theirs=theirs,
        repeat=repeat,
        goal="within 1.5× (ratio ≥ 0.67×)",
        judge=_at_least(1 / 1.5),
        check=check,
        note="" if theirs else NOT_INSTALLED.format("statsmodels"),
    )


def _top_box_pandas(survey: pd.DataFrame) -> pd.DataFrame:
    """top_box(boxes=2, dont_know='include') with a pandas group-by and statsmodels' Wilson."""
    from statsmodels.stats.proportion import proportion_confint

    answer = survey["answer"]
    scratch = pd.DataFrame(
        {
            "wave": survey["wave"],
            "item": survey["item"],
            "n": answer.notna(),
            "count": answer.isin([4, 5]),
        }
    )
    counts = scratch.groupby(["wave", "item"], sort=True).sum().reset_index()
    low, high = proportion_confint(counts["count"], counts["n"], alpha=0.05, method="wilson")
    return counts.assign(share=counts["count"] / counts["n"], ci_low=low, ci_high=high)


def top_box_workload(sizes: Sizes, repeat: int) -> Result:
    survey = _data.survey_frame(sizes.survey_rows, sizes.survey_groups)
    theirs: Callable[[], Any] | None = None
    check = "—"
    if _harness.have("statsmodels"):

        def theirs() -> Any:
            return _top_box_pandas(survey)

        mine, other = top_box(survey), theirs()
        same = (
            len(mine) == len(other) == sizes.survey_groups
            and np.array_equal(mine["n"].to_numpy(), other["n"].to_numpy())
            and np.array_equal(mine["count"].to_numpy(), other["count"].to_numpy())
            and np.allclose(mine["ci_low"], other["ci_low"], rtol=0, atol=1e-12)
            and np.allclose(mine["ci_high"], other["ci_high"], rtol=0, atol=1e-12)
        )
        check = _same(same, "n, count, interval")
    return _harness.timed_result(
        workload="top_box by (wave, item)",
        size=f"{_harness.count_text(sizes.survey_rows)} rows, {sizes.survey_groups:,} groups",
        peer="pandas group-by + statsmodels Wilson",
        ours=lambda: top_box(survey),
        theirs=theirs,
        repeat=repeat,
        goal="< 0.5 s",
        judge=lambda ours, _: ours < 0.5,
        check=check,
        note="" if theirs else NOT_INSTALLED.format("statsmodels"),
    )


def _lifelines_medians(cases: pd.DataFrame, extracted: str) -> pd.Series:
    """Median processing time per jobcentre with one lifelines KaplanMeierFitter per group."""
    from lifelines import KaplanMeierFitter

    cut = pd.Timestamp(extracted)
    kept = cases.loc[cases["decision"] != "withdrawn", ["jobcentre", "applied", "decided"]]
    observed = kept["decided"].notna() & (kept["decided"] <= cut)
    end = kept["decided"].where(observed, cut)
    frame = pd.DataFrame(
        {
            "jobcentre": kept["jobcentre"],
            "days": (end - kept["applied"]).dt.days,
            "observed": observed,
        }
    )
    medians = {}
    fitter = KaplanMeierFitter()
    for jobcentre, group in frame.groupby("jobcentre", sort=True):
        fitter.fit(group["days"], event_observed=group["observed"])
        medians[jobcentre] = fitter.median_survival_time_
    return pd.Series(medians, dtype=np.float64)


def processing_time_workload(sizes: Sizes, repeat: int) -> Result:
    cases = _data.canonical_cases(sizes.km_cases)
    extracted = _data.EXTRACTED
    peer = "lifelines KaplanMeierFitter per jobcentre"

    def ours() -> pd.DataFrame:
        return processing_time(cases, by="jobcentre", extracted=extracted)

    theirs: Callable[[], Any] | None = None
    check = "—"
    note = NOT_INSTALLED.format("lifelines")
    scale = 1.0
    if _harness.have("lifelines"):
        groups = np.unique(cases["jobcentre"].to_numpy())
        subset = cases
        note = (
            "lifelines times include computing durations and censoring with pandas; "
            "jobhandicap also gives quartiles and Brookmeyer–Crowley intervals"
        )
        if sizes.km_peer_groups is not None and sizes.km_peer_groups < len(groups):
            chosen = groups[: sizes.km_peer_groups]
            subset = cases.loc[cases["jobcentre"].isin(chosen)]
            scale = len(groups) / len(chosen)
            peer += f" (timed on {len(chosen)} of {len(groups)} jobcentres, × {scale:.2f})"
            note += "; the lifelines loop was timed on a subset of jobcentres and scaled"

        def theirs() -> Any:
            return _lifelines_medians(subset, extracted)

        other = theirs()
        mine = ours().set_index("jobcentre")["median_days"].loc[other.index]
        same = np.array_equal(mine.to_numpy(), other.to_numpy())
        check = _same(same, f"medians of {len(mine)} jobcentres")
    return _harness.timed_result(
        workload="processing_time by jobcentre (Kaplan–Meier)",
        size=_harness.count_text(sizes.km_cases) + " cases",
        peer=peer,
        ours=ours,
        theirs=theirs,
        repeat=repeat,
        goal="≥ 10× faster, same medians",
        judge=_at_least(10.0),
        check=check,
        note=note,
        scale=scale,
    )


def cronbach_workload(sizes: Sizes, repeat: int) -> Result:
    items = _data.item_matrix(sizes.alpha_rows, sizes.alpha_items)
    theirs: Callable[[], Any] | None = None
    check = "—"
    if _harness.have("pingouin"):
        import pingouin

        def theirs() -> Any:
            return pingouin.cronbach_alpha(data=items)

        mine = cronbach_alpha(items)
        alpha, interval = theirs()
        same = abs(mine.estimate - alpha) < 1e-10 and np.allclose(
            [mine.ci_low, mine.ci_high], interval, rtol=0, atol=5e-4 + 1e-12
        )
        check = _same(same, "α; interval to pingouin's 3 decimals")
    return _harness.timed_result(
        workload="Cronbach's α with Feldt interval",
        size=f"{_harness.count_text(sizes.alpha_rows)} × {sizes.alpha_items}",
        peer="pingouin.cronbach_alpha",
        ours=lambda: cronbach_alpha(items),
        theirs=theirs,
        repeat=repeat,
        goal="— (information)",
        judge=lambda ours, theirs: None,
        check=check,
        note="" if theirs else NOT_INSTALLED.format("pingouin"),
    )


# --------------------------------------------------------------------------------------------
# Issue 5: strategy sensitivity.


def strategy_workload(sizes: Sizes, repeat: int) -> Result:
    profiles = _data.profiles_frame(98)
    spec = DEFAULT_SPEC
    subset = sizes.pandas_draws
    summary, draws = strategy_sensitivity(profiles, spec, draws=subset, seed=7, return_draws=True)
    rebuilt = _strategy_pandas.rebuild(profiles, spec, draws)
    columns = list(rebuilt.columns)
    same = np.allclose(
        summary[columns].to_numpy(dtype=np.float64),
        rebuilt.to_numpy(dtype=np.float64),
        rtol=0,
        atol=1e-12,
        equal_nan=True,
    )
    scale = sizes.draws / subset
    return _harness.timed_result(
        workload=f"strategy_sensitivity, {len(spec.columns)} indicators",
        size=f"{_harness.count_text(sizes.draws)} draws × {len(profiles)} units",
        peer=f"pandas score rebuilt per draw (timed on {subset}, × {sizes.draws:,}/{subset})",
        ours=lambda: strategy_sensitivity(profiles, spec, draws=sizes.draws, seed=7),
        theirs=lambda: _strategy_pandas.rebuild(profiles, spec, draws),
        repeat=repeat,
        goal="< 0.25 s and ≥ 100× faster",
        judge=lambda ours, theirs: ours < 0.25 and (theirs is None or theirs / ours >= 100),
        check=_same(same, f"rank quantiles and class shares over the same {subset} draws"),
        note=f"the pandas rebuild was timed on {subset} draws and scaled linearly",
        scale=scale,
    )


# --------------------------------------------------------------------------------------------
# Issue 6: usage indicators.


def usage_workload(sizes: Sizes, repeat: int, n: int) -> Result:
    cases = _data.canonical_cases(n)
    people = _data.population()
    results = _data.usage_indicators(cases, people)
    # Sanity check against a plain pandas count (not timed: there is no peer library).
    granted = cases.loc[cases["decision"] == "granted"]
    expected = granted.groupby([granted["applied"].dt.year, "scheme"], observed=True).size()
    got = results["scheme_usage"].set_index(["year", "scheme"])["count"]
    same = np.array_equal(np.sort(expected.to_numpy()), np.sort(got.to_numpy()))
    return _harness.timed_result(
        workload="all usage indicators",
        size=_harness.count_text(n) + " cases",
        peer="— (no peer; absolute goal)",
        ours=lambda: _data.usage_indicators(cases, people),
        theirs=None,
        repeat=repeat,
        goal="< 1 s" if n <= 1_000_000 else "— (information)",
        judge=(lambda ours, _: ours < 1.0) if n <= 1_000_000 else (lambda ours, _: None),
        check=_same(same, "scheme_usage counts vs a pandas group-by"),
        note="scheme_usage, expenditure_shares, count_cases + rates_per_population, "
        "target_group_coverage",
    )


def import_workload(sizes: Sizes, repeat: int) -> Result:
    """Seconds ``import jobhandicap`` adds to ``import numpy, pandas`` (fresh processes)."""
    runs = sizes.import_runs  # fresh processes per command; each costs about a second
    load_before = _harness.load_average()
    times = bench_import.measure(runs)
    heavy = ", ".join(times.heavy_modules)
    return Result(
        workload="import jobhandicap",
        size="fresh process",
        peer="— (no peer; absolute goal)",
        ours=times.overhead,
        theirs=None,
        goal=f"≤ {bench_import.GOAL_SECONDS} s above numpy + pandas",
        met=times.overhead <= bench_import.GOAL_SECONDS,
        check=f"imports {heavy}" if heavy else "no scipy or matplotlib imported",
        note=f"best of {runs}: `{bench_import.BASELINE}` {times.baseline:.3f} s, "
        f"`{bench_import.WITH_LIBRARY}` {times.with_library:.3f} s; CPU time added "
        f"{times.overhead_cpu:.3f} s",
        repeat=runs,
        load=(load_before, _harness.load_average()),
        extra={
            "baseline": times.baseline,
            "with_library": times.with_library,
            "baseline_cpu": times.baseline_cpu,
            "with_library_cpu": times.with_library_cpu,
        },
    )


# --------------------------------------------------------------------------------------------
# Issue 14: what the tests used to time (timings are for benchmarks; tests check results).


def _jobcentres_by_merge(codes: np.ndarray[Any, Any], days: np.ndarray[Any, Any]) -> Any:
    """The jobcentre of each (municipality, day) by a pandas merge and a validity filter."""
    table = jobcentres()[["municipality", "jobcentre", "valid_from", "valid_to"]]
    rows = pd.DataFrame({"municipality": codes, "day": days, "row": np.arange(len(codes))})
    merged = rows.merge(table, on="municipality", how="inner")
    valid = (merged["valid_from"] <= merged["day"]) & (
        merged["valid_to"].isna() | (merged["day"] <= merged["valid_to"])
    )
    result = np.full(len(codes), -1, dtype=np.int64)
    result[merged.loc[valid, "row"].to_numpy()] = merged.loc[valid, "jobcentre"].to_numpy()
    return result


def jobcentre_codes_workload(sizes: Sizes, repeat: int) -> Result:
    n = sizes.jobcentre_rows
    rng = np.random.default_rng(7)
    codes = rng.choice(municipalities()["code"].to_numpy(dtype=np.int64), n)
    days = (np.datetime64("2005-01-01") + rng.integers(0, 7000, n)).astype("datetime64[ns]")
    same = np.array_equal(jobcentre_codes(codes, days), _jobcentres_by_merge(codes, days))
    return _harness.timed_result(
        workload="reference.jobcentre_codes",
        size=_harness.count_text(n) + " (municipality, day) pairs",
        peer="pandas merge on municipality + validity filter",
        ours=lambda: jobcentre_codes(codes, days),
        theirs=lambda: _jobcentres_by_merge(codes, days),
        repeat=repeat,
        goal="< 0.5 s" if n >= 1_000_000 else "— (information)",
        judge=(lambda ours, _: ours < 0.5) if n >= 1_000_000 else (lambda ours, _: None),
        check=_same(same, "every row's jobcentre, -1 outside the map"),
    )


def report_workload(sizes: Sizes, repeat: int) -> list[Result]:
    if not sizes.report:
        return []
    example = load_example()
    stamp = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = itertools.count()

        def ours() -> Any:  # a fresh folder each time: a report folder is written once
            return build_report(example, folder / f"r{next(runs)}", timestamp=stamp)

        result = ours()
        complete = result.path.is_file() and not result.skipped
        return [
            _harness.timed_result(
                workload="report.build_report (page, tables, workbook, figures)",
                size="the example data",
                peer="— (no peer; information)",
                ours=ours,
                theirs=None,
                repeat=repeat,
                goal="— (information)",
                judge=lambda ours, _: None,
                check=_same(complete, "every section built"),
                note="what `jobhandicap report` does after reading its inputs; full runs only",
            )
        ]


# --------------------------------------------------------------------------------------------
# Issue 16: the GLM behind expected_outcomes, beside statsmodels.

#: Units and covariates of the GLM workload: every jobcentre and municipality-sized unit, five
#: framework conditions (the same at both sizes: the model is small by nature).
GLM_UNITS = 98
GLM_COVARIATES = 5
#: Fits per timed call: one fit takes about a millisecond, too short to time alone.
GLM_FITS = 20


def _glm_data() -> tuple[Any, Any, Any]:
    """98 units with persons, five standardised conditions and job entries from a logit."""
    rng = np.random.default_rng(16)
    persons = rng.integers(50, 5_000, GLM_UNITS).astype(np.float64)
    design = rng.standard_normal((GLM_UNITS, GLM_COVARIATES))
    beta = np.array([-0.3, 0.2, -0.15, 0.1, 0.05])
    p = 1.0 / (1.0 + np.exp(-(-1.3 + design @ beta)))
    entered = rng.binomial(persons.astype(np.int64), p).astype(np.float64)
    return entered, persons, design


def glm_workload(sizes: Sizes, repeat: int) -> list[Result]:
    """fit_glm (binomial logit; Poisson log with offset) against statsmodels GLM."""
    from jobhandicap.stats import fit_glm

    entered, persons, design = _glm_data()
    offset = np.log(persons)
    fits: dict[str, tuple[Callable[[], Any], Callable[[], Any] | None]] = {}

    def ours_binomial() -> Any:
        return fit_glm(entered, design, total=persons)

    def ours_poisson() -> Any:
        return fit_glm(entered, design, family="poisson", offset=offset)

    theirs_binomial: Callable[[], Any] | None = None
    theirs_poisson: Callable[[], Any] | None = None
    checks = {"binomial": "—", "poisson": "—"}
    if _harness.have("statsmodels"):
        import statsmodels.api as sm

        exog = sm.add_constant(design)
        endog = np.column_stack([entered, persons - entered])

        def theirs_binomial() -> Any:
            return sm.GLM(endog, exog, family=sm.families.Binomial()).fit()

        def theirs_poisson() -> Any:
            return sm.GLM(entered, exog, family=sm.families.Poisson(), offset=offset).fit()

        for family, ours, theirs in (
            ("binomial", ours_binomial, theirs_binomial),
            ("poisson", ours_poisson, theirs_poisson),
        ):
            mine, peer = ours(), theirs()
            worst = max(
                float(np.max(np.abs(mine.coefficients - peer.params))),
                float(np.max(np.abs(mine.standard_errors - peer.bse))),
                abs(mine.deviance - peer.deviance),
            )
            checks[family] = _same(
                bool(worst < 1e-8), f"coefficients, SEs, deviance within {worst:.0e}"
            )
    fits = {
        "binomial": (ours_binomial, theirs_binomial),
        "poisson": (ours_poisson, theirs_poisson),
    }

    def repeated(fit: Callable[[], Any] | None) -> Callable[[], Any] | None:
        if fit is None:
            return None

        def run() -> Any:
            for _ in range(GLM_FITS):
                result = fit()
            return result

        return run

    results = []
    for family, (ours, theirs) in fits.items():
        peer = (
            "statsmodels GLM(Binomial()).fit()"
            if family == "binomial"
            else "statsmodels GLM(Poisson(), offset=log persons).fit()"
        )
        timed_ours = repeated(ours)
        assert timed_ours is not None
        results.append(
            _harness.timed_result(
                workload=f"GLM {family} ({GLM_FITS} fits)",
                size=f"{GLM_UNITS} units × {GLM_COVARIATES} covariates",
                peer=peer,
                ours=timed_ours,
                theirs=repeated(theirs),
                repeat=repeat,
                goal="within 1.5× (ratio ≥ 0.67×)",
                judge=_at_least(1 / 1.5),
                check=checks[family],
                note="" if theirs else NOT_INSTALLED.format("statsmodels"),
            )
        )
    return results


def registry() -> dict[str, Callable[[Sizes, int], Result | list[Result]]]:
    """The timed workloads by short name (the names ``--only`` accepts)."""

    def usage(s: Sizes, r: int) -> list[Result]:
        return [usage_workload(s, r, n) for n in s.usage]

    return {
        "frames": to_frame_vs_asdict,
        "read": read_vs_read_csv,
        "wilson": wilson_vs_statsmodels,
        "top_box": top_box_workload,
        "processing": processing_time_workload,
        "alpha": cronbach_workload,
        "strategy": strategy_workload,
        "usage": usage,
        "import": import_workload,
        "jobcentres": jobcentre_codes_workload,
        "report": report_workload,
        "survival": lambda s, r: bench_survival.workload(s.km_cases, r, s.km_peer_groups),
        "glm": glm_workload,
    }
