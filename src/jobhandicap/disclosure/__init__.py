"""Privacy safeguards: personal-number detection, keyed pseudonyms and small-cell suppression.

Case data identify citizens, and published tables must not reveal them. This module holds the
three safeguards every output of the library passes through (privacy by default):

* :func:`find_personal_ids` and :func:`assert_no_personal_ids` look for Danish personal numbers
  (CPR numbers) anywhere in a frame — values of any column, the column headers and the index —
  and report *where* they are (column, number of rows, first row) without ever echoing one;
  :func:`hide_personal_ids` blanks the values that hold one, for text shown on a screen.
* :func:`pseudonymise` replaces identifiers by keyed HMAC-SHA256 pseudonyms: stable (the same
  input and key give the same pseudonym, so tables can still be linked) and irreversible without
  the key.
* :func:`suppress` blanks counts of persons below a threshold (primary suppression) and, where a
  table publishes totals, enough further cells that no blanked value can be recovered by
  subtraction (secondary suppression); :func:`render_suppressed` turns the result into text
  with a marker such as ``"<5"`` in the blanked cells.

Reports refuse tables that contain personal numbers unless they have been pseudonymised, and
suppress cells below 5 unless told ``suppress=False``.

References
----------
.. [1] CPR-kontoret (Økonomi- og Indenrigsministeriet). *Personnummeret i CPR* — the structure of
   the personal number (date of birth ``DDMMYY`` and a four-digit serial number; replacement
   numbers with 60 added to the day) and *Personnumre uden kontrolciffer* (numbers issued since
   1 October 2007 need not satisfy the modulus-11 check). https://cpr.dk
.. [2] Lov om Det Centrale Personregister (the CPR Act), and Databeskyttelsesloven § 11 on the
   processing of personal numbers.
.. [3] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E.,
   Spicer, K. & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Chichester: Wiley,
   chapters 4–5 (threshold rules, primary and secondary cell suppression).
.. [4] Krawczyk, H., Bellare, M. & Canetti, R. (1997). *HMAC: Keyed-Hashing for Message
   Authentication*. RFC 2104. https://www.rfc-editor.org/rfc/rfc2104
"""

from __future__ import annotations

from jobhandicap.disclosure._audit import audit, check, default_min_width
from jobhandicap.disclosure._identifiers import (
    assert_no_personal_ids,
    find_personal_ids,
    hide_personal_ids,
)
from jobhandicap.disclosure._pseudonyms import MIN_KEY_BYTES, pseudonymise
from jobhandicap.disclosure._release import SECONDARY_MARKER, Release, protect
from jobhandicap.disclosure._spec import Measure, TableSpec
from jobhandicap.disclosure._suppression import (
    DEFAULT_TOTAL_LABELS,
    SuppressedTable,
    render_suppressed,
    suppress,
)

__all__ = [
    "DEFAULT_TOTAL_LABELS",
    "MIN_KEY_BYTES",
    "SECONDARY_MARKER",
    "Measure",
    "Release",
    "SuppressedTable",
    "TableSpec",
    "assert_no_personal_ids",
    "audit",
    "check",
    "default_min_width",
    "find_personal_ids",
    "hide_personal_ids",
    "protect",
    "pseudonymise",
    "render_suppressed",
    "suppress",
]
