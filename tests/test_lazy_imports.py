"""``import jobhandicap`` leaves scipy and matplotlib to the first call that needs them.

Checked on ``sys.modules`` in a fresh interpreter, not by the clock: the import time itself is
measured in ``benchmarks/bench_import.py`` (see docs/performance.md).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import jobhandicap
from jobhandicap.stats._core import lazy_module

#: The directory holding the jobhandicap package this test session imports.
SOURCE = str(Path(jobhandicap.__file__).resolve().parent.parent)

PROBE = """
import json, sys

def heavy():
    return sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "matplotlib"})

import jobhandicap as jh
after_import = heavy()
z = jh.stats.z_value(0.95)
after_call = heavy()
print(json.dumps({"file": jh.__file__, "after_import": after_import, "z": z,
                  "after_call": after_call}))
"""


def _run_fresh(code: str) -> dict[str, object]:
    path = os.pathsep.join([SOURCE, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    facts: dict[str, object] = json.loads(result.stdout)
    return facts


def test_import_jobhandicap_loads_neither_scipy_nor_matplotlib() -> None:
    facts = _run_fresh(PROBE)
    assert Path(str(facts["file"])).resolve() == Path(jobhandicap.__file__).resolve()
    assert facts["after_import"] == []
    # The first estimate that needs a quantile loads scipy, and gets the right answer.
    assert facts["after_call"] == ["scipy"]
    assert math.isclose(float(str(facts["z"])), 1.959963984540054, rel_tol=1e-12)


def test_lazy_module_defers_the_import_until_an_attribute_is_read() -> None:
    code = (
        "import json, sys\n"
        "from jobhandicap.stats._core import lazy_module\n"
        "colorsys = lazy_module('colorsys')\n"
        "before = 'colorsys' in sys.modules\n"
        "hsv = colorsys.rgb_to_hsv(1.0, 0.0, 0.0)\n"
        "print(json.dumps({'before': before, 'after': 'colorsys' in sys.modules, "
        "'hsv': hsv}))\n"
    )
    assert _run_fresh(code) == {"before": False, "after": True, "hsv": [0.0, 1.0, 1.0]}


def test_lazy_module_reads_through_to_the_module() -> None:
    special = lazy_module("scipy.special")
    from scipy import special as real

    assert special.ndtr is real.ndtr
    assert special.__name__ == "scipy.special"
