"""The reference samples of METHODS.md §4 (design-based survey estimates, R ``survey``)."""

from __future__ import annotations

# METHODS.md §4.1: a stratified sample of 40 with fpc.
STRATUM = [1] * 15 + [2] * 25
FPC = [120.0] * 15 + [480.0] * 25
WEIGHT = [8.0] * 15 + [19.2] * 25
# fmt: off
Y = [0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0,
     1, 1, 1, 1, 0, 0, 1, 0, 0, 1]
LIKERT = [2, 5, 4, 3, 2, 3, 2, 2, 3, 3, 3, 3, 2, 4, 2, 3, 5, 2, 4, 5, 4, 4, 4, 4, 2, 5, 5, 4, 2,
          4, 2, 5, 5, 5, 3, 3, 4, 3, 3, 5]
SEX = list("MFMFMFFMFFMMMFFMFFMMMMFFFMFFMFMFFFFFMMMF")
AGE = [3, 3, 2, 2, 3, 1, 2, 2, 2, 3, 2, 1, 2, 2, 3, 2, 2, 2, 1, 2, 2, 2, 1, 2, 1, 2, 2, 3, 1, 2,
       3, 1, 3, 3, 2, 2, 1, 1, 2, 1]
# METHODS.md §4.3: 8 of 40 jobcentres, all staff surveyed.
JC = [1] * 4 + [2] * 6 + [3] * 5 + [4] * 7 + [5] * 3 + [6] * 6 + [7] * 5 + [8] * 6
STAFF = [2, 3, 4, 1, 2, 1, 4, 3, 3, 2, 3, 3, 3, 2, 5, 3, 3, 2, 2, 3, 3, 3, 4, 4, 4, 2, 4, 4, 3,
         3, 4, 5, 3, 5, 3, 5, 4, 5, 5, 3, 2, 4]
# fmt: on
