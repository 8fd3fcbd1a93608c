"""How many examples a costly property test draws: all of them under CI's profile, fewer locally.

The hypothesis profiles are in the repository's ``conftest.py``: ``ci`` (``CI`` set: 100
examples a test) and ``default`` (20). A test whose examples each build a report or solve
linear programmes names its CI count here and draws a third of it (at least 3) locally.
"""

from __future__ import annotations

from hypothesis import settings

#: The example count of the profile in force (a bare ``settings()`` inherits from it).
PROFILE_EXAMPLES = settings().max_examples
CI_EXAMPLES = 100


def examples(under_ci: int) -> int:
    """``under_ci`` under CI's profile; a third of it, at least 3, under the default profile."""
    if PROFILE_EXAMPLES >= CI_EXAMPLES:
        return under_ci
    return max(3, under_ci // 3)
