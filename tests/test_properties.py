"""Properties of the staff estimators, best_practice and the readers, over generated inputs.

Bounds (a correlation and its interval in [-1, 1], α ≤ 1, intervals around their estimate),
invariance to row order, symmetries and monotonicity where they hold, and inputs never changed.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _examples import examples
from jobhandicap import io as jio
from jobhandicap.benchmark import best_practice
from jobhandicap.datasets import load_example
from jobhandicap.errors import DataQualityWarning, SmallSampleWarning
from jobhandicap.staff import Scale, association, reliability, scale_means
from jobhandicap.testing import case_frames, profile_frames, staff_frames, survey_frames

Method = Literal["pearson", "spearman"]


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal frames, up to sums taken in another order (tight enough for any real change)."""
    pd.testing.assert_frame_equal(got, expected, rtol=1e-9, atol=1e-12)


def _permuted(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def _quiet(function: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Run ``function`` with the small-sample and data-quality warnings of odd draws silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        return function()


# --------------------------------------------------------------------------------------------
# staff.association
# --------------------------------------------------------------------------------------------


@st.composite
def score_pairs(draw: st.DrawFn, min_size: int = 2, max_size: int = 40) -> pd.DataFrame:
    """Scores of respondents on two scales (1–5, in quarters), some missing, in 1–4 clusters."""
    n = draw(st.integers(min_size, max_size))
    value = st.one_of(st.integers(4, 20).map(lambda q: q / 4), st.just(np.nan))
    return pd.DataFrame(
        {
            "x": draw(st.lists(value, min_size=n, max_size=n)),
            "y": draw(st.lists(value, min_size=n, max_size=n)),
            "jobcentre": draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)),
        }
    )


METHODS = st.sampled_from(["pearson", "spearman"])


@given(score_pairs(), METHODS, st.booleans())
def test_association_bounds(scores: pd.DataFrame, method: Method, clustered: bool) -> None:
    cluster = "jobcentre" if clustered else None
    result = _quiet(
        lambda: association(scores, "x", "y", method=method, cluster=cluster, n_boot=99, seed=3)
    )
    row = result.iloc[0]
    assert row["n"] == int(scores[["x", "y"]].notna().all(axis=1).sum())
    if np.isnan(row["r"]):
        return
    assert -1.0 <= row["r"] <= 1.0
    if not np.isnan(row["ci_low"]):
        assert -1.0 <= row["ci_low"] <= row["ci_high"] <= 1.0
        if not clustered:  # Fisher's interval is built around r; a percentile one need not be
            assert row["ci_low"] <= row["r"] + 1e-12
            assert row["r"] <= row["ci_high"] + 1e-12


@given(score_pairs(), METHODS, st.integers(0, 2**16))
def test_association_ignores_row_order_and_keeps_its_input(
    scores: pd.DataFrame, method: Method, seed: int
) -> None:
    before = scores.copy(deep=True)
    result = _quiet(lambda: association(scores, "x", "y", method=method))
    pd.testing.assert_frame_equal(scores, before)
    shuffled = _quiet(lambda: association(_permuted(scores, seed), "x", "y", method=method))
    _same(shuffled, result)


@given(score_pairs(), METHODS)
def test_association_is_symmetric(scores: pd.DataFrame, method: Method) -> None:
    forward = _quiet(lambda: association(scores, "x", "y", method=method))
    backward = _quiet(lambda: association(scores, "y", "x", method=method))
    _same(forward, backward)


@given(
    score_pairs(),
    st.floats(0.1, 10.0),
    st.floats(-5.0, 5.0),
    st.sampled_from(["pearson", "spearman"]),
)
@settings(max_examples=examples(30))
def test_association_under_rescaling(
    scores: pd.DataFrame, factor: float, shift: float, method: Method
) -> None:
    """An increasing linear change of x keeps r; reversing x negates r and its interval."""
    plain = _quiet(lambda: association(scores, "x", "y", method=method))
    rescaled = scores.assign(x=factor * scores["x"] + shift)
    same = _quiet(lambda: association(rescaled, "x", "y", method=method))
    pd.testing.assert_frame_equal(same, plain, rtol=1e-7, atol=1e-9)
    mirrored = _quiet(
        lambda: association(scores.assign(x=6 - scores["x"]), "x", "y", method=method)
    )
    np.testing.assert_allclose(mirrored["r"], -plain["r"], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(mirrored["ci_low"], -plain["ci_high"], rtol=1e-7, atol=1e-9)


@given(score_pairs(min_size=3))
def test_spearman_ignores_any_increasing_transformation(scores: pd.DataFrame) -> None:
    plain = _quiet(lambda: association(scores, "x", "y", method="spearman"))
    bent = _quiet(
        lambda: association(scores.assign(x=np.exp(scores["x"])), "x", "y", method="spearman")
    )
    _same(bent, plain)


# --------------------------------------------------------------------------------------------
# staff.scale_means
# --------------------------------------------------------------------------------------------


@st.composite
def grouped_scores(draw: st.DrawFn) -> pd.DataFrame:
    """Scores on two scales for respondents in 1–3 groups and 1–5 jobcentres."""
    n = draw(st.integers(1, 40))
    value = st.one_of(st.integers(4, 20).map(lambda q: q / 4), st.just(np.nan))
    return pd.DataFrame(
        {
            "group": draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n)),
            "jobcentre": draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)),
            "knowledge": draw(st.lists(value, min_size=n, max_size=n)),
            "belief": draw(st.lists(value, min_size=n, max_size=n)),
        }
    )


@given(grouped_scores(), st.booleans())
@settings(max_examples=examples(30))
def test_scale_means_bounds(scores: pd.DataFrame, clustered: bool) -> None:
    cluster = "jobcentre" if clustered else None
    result = _quiet(
        lambda: scale_means(
            scores, ["knowledge", "belief"], by="group", cluster=cluster, n_boot=99, seed=1
        )
    )
    columns = ("n", "mean", "ci_low", "ci_high", "sd")
    numbers = result[list(columns)].to_numpy(dtype=np.float64)
    for (group, scale), (n, mean, low, high, sd) in zip(
        result[["group", "scale"]].itertuples(index=False, name=None), numbers, strict=True
    ):
        values = scores.loc[scores["group"] == group, str(scale)].dropna().to_numpy(np.float64)
        assert n == len(values)
        assert values.min() - 1e-12 <= mean <= values.max() + 1e-12
        assert np.isnan(sd) or sd >= 0
        if np.isnan(low):
            continue
        assert low <= high
        if clustered:
            # A percentile interval of resampled means lies within the range of the values.
            assert values.min() - 1e-9 <= low
            assert high <= values.max() + 1e-9
        else:  # the t interval is centred on the mean
            assert low <= mean <= high


@given(grouped_scores(), st.integers(0, 2**16))
def test_scale_means_ignore_row_order_and_keep_their_input(
    scores: pd.DataFrame, seed: int
) -> None:
    before = scores.copy(deep=True)
    result = _quiet(lambda: scale_means(scores, ["knowledge", "belief"], by="group"))
    pd.testing.assert_frame_equal(scores, before)
    shuffled = _quiet(
        lambda: scale_means(_permuted(scores, seed), ["knowledge", "belief"], by="group")
    )
    _same(shuffled, result)


@given(grouped_scores(), st.floats(-3.0, 3.0))
def test_scale_means_shift_with_the_scores(scores: pd.DataFrame, shift: float) -> None:
    """Adding a constant to every score moves mean and interval by it and keeps the spread."""
    plain = _quiet(lambda: scale_means(scores, "knowledge", by="group"))
    moved = _quiet(
        lambda: scale_means(
            scores.assign(knowledge=scores["knowledge"] + shift), "knowledge", by="group"
        )
    )
    for column in ("mean", "ci_low", "ci_high"):
        np.testing.assert_allclose(moved[column], plain[column] + shift, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(moved["sd"], plain["sd"], rtol=1e-7, atol=1e-9)


# --------------------------------------------------------------------------------------------
# staff.reliability
# --------------------------------------------------------------------------------------------

ANSWERS = hnp.arrays(
    np.float64,
    st.tuples(st.integers(2, 30), st.integers(2, 5)),
    elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan]),
)


def _long(matrix: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    n, k = matrix.shape
    items = [f"i{j}" for j in range(k)]
    staff = pd.DataFrame(
        {
            "respondent": pd.array([f"S{r:03d}" for r in range(n) for _ in range(k)], "string"),
            "jobcentre": np.full(n * k, 101, dtype=np.int64),
            "item": pd.array(items * n, dtype="string"),
            "value": matrix.reshape(-1),
        }
    )
    return staff, items


def _reliability_answers(matrix: np.ndarray) -> bool:
    """Whether reliability answers rather than refuses.

    It refuses when the complete rows' totals do not vary (α undefined) and, for ω, when the
    items' correlation matrix is singular (items that are copies or combinations of others).
    The second refusal contradicts its documented NaN for an undefined ω: reported in issue 14.
    """
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    if len(complete) >= 2 and not float(np.ptp(complete.sum(axis=1))) > 0:
        return False
    n, k = complete.shape
    if k >= 3 and n > k and bool((np.ptp(complete, axis=0) > 0).all()):
        return bool(np.linalg.eigvalsh(np.corrcoef(complete.T))[0] > 1e-12)
    return True


@given(ANSWERS, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_reliability_bounds(matrix: np.ndarray, level: float) -> None:
    assume(_reliability_answers(matrix))
    staff, items = _long(matrix)
    result = _quiet(lambda: reliability(staff, Scale("s", items), level=level)).iloc[0]
    assert result["n"] == int((~np.isnan(matrix)).all(axis=1).sum())
    assert result["items"] == len(items)
    if not np.isnan(result["alpha"]):
        assert result["alpha"] <= 1.0 + 1e-12
    if not np.isnan(result["ci_low"]):
        assert result["ci_low"] <= result["alpha"] <= result["ci_high"] <= 1.0 + 1e-12
    if not np.isnan(result["omega"]):
        assert 0.0 - 1e-9 <= result["omega"] <= 1.0 + 1e-9


@given(ANSWERS, st.integers(0, 2**16))
def test_reliability_ignores_row_order_and_keeps_its_input(matrix: np.ndarray, seed: int) -> None:
    assume(_reliability_answers(matrix))
    staff, items = _long(matrix)
    before = staff.copy(deep=True)
    scale = Scale("s", items)
    result = _quiet(lambda: reliability(staff, scale))
    pd.testing.assert_frame_equal(staff, before)
    shuffled = _quiet(lambda: reliability(_permuted(staff, seed), scale))
    pd.testing.assert_frame_equal(shuffled, result, rtol=1e-7, atol=1e-9)


@given(ANSWERS)
def test_reliability_of_a_declared_reversal_is_the_plain_reliability(matrix: np.ndarray) -> None:
    """An item answered the other way round and declared reversed gives the same α."""
    assume(_reliability_answers(matrix))
    staff, items = _long(matrix)
    turned = staff.assign(
        value=np.where(staff["item"] == items[-1], 6 - staff["value"], staff["value"])
    )
    plain = _quiet(lambda: reliability(staff, Scale("s", items)))
    declared = _quiet(lambda: reliability(turned, Scale("s", items, reversed=[items[-1]])))
    pd.testing.assert_frame_equal(declared, plain, rtol=1e-7, atol=1e-9)


@given(ANSWERS, st.sampled_from([0.8, 0.95]), st.sampled_from([0.9, 0.99]))
def test_reliability_interval_widens_with_the_level(
    matrix: np.ndarray, lower: float, higher: float
) -> None:
    assume(_reliability_answers(matrix))
    staff, items = _long(matrix)
    narrow = _quiet(lambda: reliability(staff, Scale("s", items), level=lower)).iloc[0]
    wide = _quiet(lambda: reliability(staff, Scale("s", items), level=higher)).iloc[0]
    if np.isnan(narrow["ci_low"]) or lower >= higher:
        return
    assert wide["ci_low"] <= narrow["ci_low"] + 1e-12
    assert narrow["ci_high"] <= wide["ci_high"] + 1e-12


# --------------------------------------------------------------------------------------------
# benchmark.best_practice
# --------------------------------------------------------------------------------------------

EXAMPLE = load_example()
CENTRES = sorted(int(c) for c in EXAMPLE.profiles["jobcentre"])


@st.composite
def outcome_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Job entries of 2–30 of the example's jobcentres, one or two rows (years) each."""
    centres = draw(st.lists(st.sampled_from(CENTRES), min_size=2, max_size=30, unique=True))
    rows = []
    for centre in centres:
        for year in draw(st.sampled_from([(2019,), (2020,), (2019, 2020)])):
            persons = draw(st.integers(1, 600))
            share = draw(st.floats(0.0, 1.0))
            rows.append((centre, year, persons, int(share * persons)))
    frame = pd.DataFrame(rows, columns=["jobcentre", "year", "persons", "entered_job"])
    return frame.astype({"jobcentre": np.int64, "year": np.int64})


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(outcome_tables(), st.booleans())
def test_best_practice_bounds(outcomes: pd.DataFrame, overdispersion: bool) -> None:
    result = _quiet(
        lambda: best_practice(outcomes, EXAMPLE.profiles, overdispersion=overdispersion)
    )
    assert result["jobcentre"].tolist() == sorted(set(outcomes["jobcentre"]))
    totals = outcomes.groupby("jobcentre")[["persons", "entered_job"]].sum()
    assert result["n"].tolist() == totals["persons"].tolist()
    assert result["count"].tolist() == totals["entered_job"].tolist()
    rate, low, high = result["share"], result["ci_low"], result["ci_high"]
    assert ((low >= 0) & (low <= rate + 1e-12) & (rate <= high + 1e-12) & (high <= 1)).all()
    # The shrunk rate lies between the raw rate and the pooled target.
    target = result.attrs["target"]
    lower, upper = np.minimum(rate, target), np.maximum(rate, target)
    assert ((result["shrunk"] >= lower - 1e-9) & (result["shrunk"] <= upper + 1e-9)).all()
    assert ((result["weight"] >= 0) & (result["weight"] <= 1)).all()
    # A positive deviant's shrunk rate and therefore its raw rate exceed the upper limit.
    limit = result[next(c for c in result.columns if c.startswith("high_"))]
    deviants = result["positive_deviant"].to_numpy(dtype=bool)
    assert (result["shrunk"][deviants] > limit[deviants]).all()
    assert (rate[deviants] > limit[deviants]).all()


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(outcome_tables(), st.integers(0, 2**16))
def test_best_practice_ignores_row_order_and_keeps_its_inputs(
    outcomes: pd.DataFrame, seed: int
) -> None:
    before, profiles_before = outcomes.copy(deep=True), EXAMPLE.profiles.copy(deep=True)
    result = _quiet(lambda: best_practice(outcomes, EXAMPLE.profiles))
    pd.testing.assert_frame_equal(outcomes, before)
    pd.testing.assert_frame_equal(EXAMPLE.profiles, profiles_before)
    shuffled = _quiet(
        lambda: best_practice(_permuted(outcomes, seed), _permuted(EXAMPLE.profiles, seed + 1))
    )
    _same(shuffled, result)


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(outcome_tables(), st.sampled_from([0.8, 0.9]), st.sampled_from([0.95, 0.998]))
def test_best_practice_higher_level_is_stricter(
    outcomes: pd.DataFrame, lower: float, higher: float
) -> None:
    """A higher level raises the funnel limit: every deviant at it is one at a lower level."""
    loose = _quiet(lambda: best_practice(outcomes, EXAMPLE.profiles, level=lower))
    strict = _quiet(lambda: best_practice(outcomes, EXAMPLE.profiles, level=higher))
    assert not (strict["positive_deviant"] & ~loose["positive_deviant"]).any()


# --------------------------------------------------------------------------------------------
# The readers: files written by jobhandicap.io read back
# --------------------------------------------------------------------------------------------

FRAMES = {
    "cases": case_frames(min_size=1, max_size=15),
    "survey": survey_frames(min_size=1, max_size=15),
    "staff": staff_frames(min_size=1, max_size=15),
    "profiles": profile_frames(min_size=1, max_size=10),
}
READERS: dict[str, Callable[..., pd.DataFrame]] = {
    kind: getattr(jio, f"read_{kind}") for kind in FRAMES
}
LANGUAGES = st.sampled_from(["da", "en"])


def _csv(frame: pd.DataFrame, kind: str, language: str) -> bytes:
    buffer = io.BytesIO()
    jio.write_csv(frame, kind, buffer, language=language)  # type: ignore[arg-type]
    return buffer.getvalue()


@pytest.mark.parametrize("kind", list(FRAMES))
@settings(max_examples=10)
@given(data=st.data())
def test_readers_follow_the_files_row_order(kind: str, data: st.DataObject) -> None:
    """Reading a file with its rows permuted gives the frame with its rows permuted."""
    frame = data.draw(FRAMES[kind], label="frame")
    language = data.draw(LANGUAGES, label="language")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    read = READERS[kind](io.BytesIO(_csv(frame, kind, language)))
    pd.testing.assert_frame_equal(read, frame)
    permuted = _permuted(frame, seed)
    got = READERS[kind](io.BytesIO(_csv(permuted, kind, language)))
    pd.testing.assert_frame_equal(got, _permuted(read, seed))


@pytest.mark.parametrize("kind", list(FRAMES))
@settings(max_examples=10)
@given(data=st.data())
def test_readers_ignore_the_order_of_columns(kind: str, data: st.DataObject) -> None:
    frame = data.draw(FRAMES[kind], label="frame")
    language = data.draw(LANGUAGES, label="language")
    text = pd.read_csv(io.BytesIO(_csv(frame, kind, language)), sep=None, engine="python",
                       dtype=str, keep_default_na=False, encoding="utf-8-sig")  # fmt: skip
    order = data.draw(st.permutations(list(text.columns)), label="columns")
    moved = io.BytesIO()
    text[order].to_csv(moved, sep=";", index=False, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(READERS[kind](io.BytesIO(moved.getvalue())), frame)


@pytest.mark.parametrize("kind", list(FRAMES))
@settings(max_examples=5, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_readers_leave_the_file_alone(
    kind: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Reading a CSV or Excel file in Danish or English gives the frame; the file is unchanged."""
    frame = data.draw(FRAMES[kind], label="frame")
    language = data.draw(LANGUAGES, label="language")
    excel = data.draw(st.booleans(), label="excel")
    folder: Path = tmp_path_factory.mktemp("read")
    if excel:
        pytest.importorskip("openpyxl")
        path = folder / f"{kind}.xlsx"
        jio.write_excel(frame, kind, path, language=language)  # type: ignore[arg-type]
    else:
        path = folder / f"{kind}.csv"
        jio.write_csv(frame, kind, path, language=language)  # type: ignore[arg-type]
    written, stamp = path.read_bytes(), path.stat().st_mtime_ns
    pd.testing.assert_frame_equal(READERS[kind](path), frame)
    assert path.read_bytes() == written
    assert path.stat().st_mtime_ns == stamp
