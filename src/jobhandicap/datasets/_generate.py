"""The maintainers' side of the example data: simulate a world and write the files.

:func:`simulate` runs the simulator (:mod:`._simulate`); :func:`write_example` and
``python -m jobhandicap.datasets --write`` write the packaged files that
:func:`~jobhandicap.datasets.load_example` reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np

from jobhandicap.datasets import _simulate
from jobhandicap.datasets._example import EXAMPLE_SEED, ExampleData
from jobhandicap.datasets._sampled import CITIZEN_MARGINS, EMPLOYER_MARGINS, simulate_sampled
from jobhandicap.errors import JobhandicapError

__all__ = ["main", "simulate", "write_example"]

_METADATA: Final = "metadata.json"


def _check_seed(seed: object) -> int | np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    raise JobhandicapError(
        f"seed={seed!r}: expected a non-negative whole number or a numpy.random.Generator"
    )


def simulate(seed: int | np.random.Generator = EXAMPLE_SEED) -> ExampleData:
    r"""Simulate a realistic world of Danish jobcentres' disability work, 2017–2020.

    The world and its documented truths (what later analyses should find) are described in the
    module documentation of :mod:`jobhandicap.datasets` and on the *Example data* docs page.

    Parameters
    ----------
    seed
        A non-negative integer or a :class:`numpy.random.Generator`; the same integer always
        gives the same world (on every platform, for a given numpy version). A generator is
        advanced. ``simulate(seed=2018)`` is the packaged example of :func:`load_example`.

    Returns
    -------
    ExampleData
        Canonical frames ``cases``, ``survey``, ``staff``, ``profiles``, ``population``,
        ``outcomes``, ``people``, the sampled surveys ``citizens`` and ``employers`` with their
        population margins, and the extraction date of the case data.

    Raises
    ------
    JobhandicapError
        When ``seed`` is neither a non-negative integer nor a generator.

    Notes
    -----
    Generation is vectorised numpy on independent child streams of
    ``numpy.random.default_rng(seed)``, one per table. Each jobcentre :math:`j` has a latent
    proactivity :math:`z_j \sim N(0, 1)`. A survey item's latent answer is
    :math:`y_{jw} = a z_j + \sqrt{1 - a^2}\,(0.7 u_j + \sqrt{0.51}\, e_{jw})` with loading
    :math:`a` between 0.4 and 0.75; answers are the ranks of :math:`y` cut into the published
    (or assumed) category counts. Staff knowledge is :math:`0.5 z_j + u_j + e_i`, belief
    :math:`0.45\,\text{knowledge} + v_j + e'_i`; item answers are
    :math:`\operatorname{round}(3 \pm 0.9 \cdot \text{factor} + \delta + 0.7 \varepsilon)`
    clipped to 1–5. Processing days are log-normal around the yearly medians 45, 35, 28;
    job entry is binomial with :math:`\operatorname{logit} p = \operatorname{logit}(0.2)
    + 0.4 z_j + 0.04 (t - 2017) + w_j`. Takes well under a second.

    References
    ----------
    .. [1] Styrelsen for Arbejdsmarked og Rekruttering (STAR), jobcentre surveys on the
       disability area, 2017 and 2018 waves.
    .. [2] Kortlægning af kommunernes praksis på handicapområdet (mapping of municipal
       practice), 2021.

    Examples
    --------
    >>> from jobhandicap.datasets import simulate
    >>> world = simulate(seed=7)
    >>> world.cases.shape, world.profiles.shape, world.people.shape
    ((20000, 15), (94, 10), (20000, 11))
    >>> world.cases["scheme"].value_counts().head(2).to_dict()
    {'aids': ..., 'personal assistance': ...}
    """
    rng = np.random.default_rng(_check_seed(seed))
    world = _simulate.simulate_world(rng)
    # The sampled surveys draw from a stream of their own, spawned after the world's.
    surveys = simulate_sampled(rng.spawn(1)[0])
    return ExampleData(
        **world.frames,
        **surveys,
        citizen_margins=CITIZEN_MARGINS,
        employer_margins=EMPLOYER_MARGINS,
        extracted=world.extracted,
    )


def write_example(directory: str | Path, *, seed: int = EXAMPLE_SEED) -> list[Path]:
    """Write the example files (``simulate(seed)``) to ``directory``, for maintainers.

    Writes ``<frame>.csv.gz`` for every frame and ``metadata.json``. Output is byte-for-byte
    reproducible (the gzip header carries no time stamp).

    Parameters
    ----------
    directory
        Where to write; created if missing. The packaged copy lives in
        ``src/jobhandicap/data/example``.
    seed
        The seed to simulate with.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    JobhandicapError
        When ``seed`` is invalid.

    Notes
    -----
    Dates are written as ISO dates, missing values as empty fields, floats with their shortest
    round-trip representation, so :func:`load_example` restores the frames exactly.

    References
    ----------
    .. [1] See :func:`simulate`.

    Examples
    --------
    >>> import tempfile
    >>> from jobhandicap.datasets import write_example
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in write_example(folder)]
    ['cases.csv.gz', 'survey.csv.gz', 'staff.csv.gz', 'profiles.csv.gz', 'population.csv.gz',
     'outcomes.csv.gz', 'people.csv.gz', 'citizens.csv.gz', 'employers.csv.gz', 'metadata.json']
    """
    checked = _check_seed(seed)
    if not isinstance(checked, int):
        raise JobhandicapError("write_example needs an integer seed, to record it")
    data = simulate(checked)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    frames = {**data.frames(), **data.sampled_surveys()}
    for name, frame in frames.items():
        path = folder / f"{name}.csv.gz"
        frame.to_csv(
            path,
            index=False,
            date_format="%Y-%m-%d",
            lineterminator="\n",
            encoding="utf-8",
            compression={"method": "gzip", "mtime": 0, "compresslevel": 6},
        )
        written.append(path)
    metadata = {
        "description": "Synthetic example data of jobhandicap: jobhandicap.datasets.simulate",
        "seed": checked,
        "extracted": data.extracted.isoformat(),
        "rows": {name: int(frame.shape[0]) for name, frame in frames.items()},
    }
    path = folder / _METADATA
    path.write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written


# --------------------------------------------------------------------------------------------
# Maintainer command: python -m jobhandicap.datasets --write [DIRECTORY]


def _package_folder() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "example"


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the packaged example files (maintainers): ``--write [DIRECTORY]``."""
    parser = argparse.ArgumentParser(
        prog="python -m jobhandicap.datasets",
        description="Regenerate the packaged example data from simulate(seed).",
    )
    parser.add_argument(
        "--write",
        nargs="?",
        const=str(_package_folder()),
        metavar="DIRECTORY",
        help="write the example files (default: the package's data/example folder)",
    )
    parser.add_argument("--seed", type=int, default=EXAMPLE_SEED)
    args = parser.parse_args(argv)
    if args.write is None:
        parser.print_help()
        return 2
    written = write_example(args.write, seed=args.seed)
    sys.stdout.write("".join(f"{path}\n" for path in written))
    return 0
