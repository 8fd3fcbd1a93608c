"""Keyed pseudonyms: identifiers replaced by HMAC-SHA256 digests.

This module turns a column of identifiers into pseudonyms that are stable (the same value and key
give the same pseudonym, so tables can still be linked) and irreversible without the key
(:func:`pseudonymise`), and holds the rule for an acceptable key (:data:`MIN_KEY_BYTES`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import numpy as np
import pandas as pd

from jobhandicap.errors import ArgumentTypeError, DisclosureError, OptionError

__all__ = ["MIN_KEY_BYTES", "pseudonymise"]

#: Shortest HMAC key :func:`pseudonymise` accepts, in bytes (32 recommended, RFC 2104 § 3).
MIN_KEY_BYTES = 16
#: Characters in the unpadded base32 encoding of a SHA-256 digest (256 bits / 5 bits each).
_DIGEST_CHARACTERS = 52


def _key_bytes(key: object) -> bytes:
    """Return ``key`` as bytes, or raise if it is not bytes/str or is too short."""
    if isinstance(key, str):
        raw = key.encode("utf-8")
    elif isinstance(key, bytes | bytearray | memoryview):
        raw = bytes(key)
    else:
        raise DisclosureError(
            f"the pseudonymisation key must be bytes or str, got {type(key).__name__}; "
            "generate one with secrets.token_bytes(32) and keep it secret"
        )
    if len(raw) < MIN_KEY_BYTES:
        raise DisclosureError(
            f"the pseudonymisation key is {len(raw)} bytes long; give at least {MIN_KEY_BYTES} "
            "bytes (32 recommended, e.g. secrets.token_bytes(32)) — a short key can be guessed, "
            "and with it every pseudonym reversed"
        )
    return raw


def _as_text(value: Any) -> str:
    """Text that is hashed for one value: strings as they are, whole numbers without ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def pseudonymise(series: pd.Series, key: bytes | str, *, length: int = 16) -> pd.Series:
    r"""Replace identifiers by keyed pseudonyms (HMAC-SHA256 in base32).

    The same value and key always give the same pseudonym, so pseudonymised tables can still be
    linked to each other; without the key a pseudonym cannot be turned back into the value, nor
    can anyone check a guessed personal number against it.

    Parameters
    ----------
    series
        The identifiers (personal numbers, case numbers, names…), any dtype.
    key
        The secret key: bytes, or a str (encoded as UTF-8), of at least 16 bytes; 32 random
        bytes (``secrets.token_bytes(32)``) recommended. Keep it out of the output and use the
        same key for tables that must link.
    length
        How many characters of the 52-character base32 digest to keep, 8–52. The default 16
        (80 bits) makes a collision among 10 million distinct values about a
        4-in-100-million event.

    Returns
    -------
    pandas.Series
        ``string`` dtype, same index and name as ``series``; missing values stay missing.

    Raises
    ------
    DisclosureError
        When the key is not bytes or str or is shorter than 16 bytes.
    JobhandicapError
        When ``series`` is not a Series or ``length`` is outside 8–64.

    See Also
    --------
    find_personal_ids : Find the columns that need pseudonymising.

    Notes
    -----
    The pseudonym of value :math:`v` is the first ``length`` characters of the lower-case
    base32 encoding (RFC 4648 alphabet ``a``–``z``, ``2``–``7``, no padding) of
    :math:`\mathrm{HMAC}_K(v) = H\big((K \oplus \mathrm{opad}) \,\|\, H((K \oplus
    \mathrm{ipad}) \,\|\, v)\big)` with :math:`H` = SHA-256 [1]_, computed over the UTF-8
    text of the value: strings as they are (so ``"010190-1234"`` and ``"0101901234"`` give
    different pseudonyms — normalise first if sources differ), whole numbers without a decimal
    part (``1234.0`` and ``1234`` agree), categoricals by their category. Each distinct value is
    hashed once. A plain (unkeyed) hash would not do: there are only about 4 million valid
    personal numbers per year of birth, so every one can be hashed and looked up.

    The probability of any collision among :math:`m` distinct values is about
    :math:`m^2 / 2^{5\,\mathrm{length}+1}`.

    Base32 rather than hex is deliberate: its digits are 2–7 only, so a pseudonym can never
    contain a valid day-month pair (a month needs a leading 0 or 1) and is never mistaken for a
    personal number by :func:`find_personal_ids` — with hex, about one pseudonym in a thousand
    was.

    References
    ----------
    .. [1] Krawczyk, H., Bellare, M. & Canetti, R. (1997). *HMAC: Keyed-Hashing for Message
       Authentication*. RFC 2104. Test values: Nystrom, M. (2005). RFC 4231.

    Examples
    --------
    >>> import pandas as pd
    >>> ids = pd.Series(["010190-1234", None, "010190-1234"], name="person")
    >>> pseudonymise(ids, key="a secret key of 32 bytes or more")
    0    ooswijpzo6rxs3fh
    1                <NA>
    2    ooswijpzo6rxs3fh
    Name: person, dtype: string
    """
    if not isinstance(series, pd.Series):
        raise ArgumentTypeError(
            "pseudonymise needs one column as a pandas Series (e.g. frame['cpr']), got "
            f"{type(series).__name__}"
        )
    raw_key = _key_bytes(key)
    if isinstance(length, bool) or not isinstance(length, int | np.integer):
        raise ArgumentTypeError(f"length must be an integer from 8 to 52, got {length!r}")
    if not 8 <= int(length) <= _DIGEST_CHARACTERS:
        raise OptionError(
            f"length must be from 8 to {_DIGEST_CHARACTERS} base32 characters, got {length}"
        )
    size = int(length)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keyed = hmac.new(raw_key, digestmod=hashlib.sha256)  # key schedule computed once

    def digest(value: Any) -> str:
        mac = keyed.copy()
        mac.update(_as_text(value).encode("utf-8"))
        return base64.b32encode(mac.digest()).decode("ascii").rstrip("=").lower()[:size]

    digests = np.array(
        [digest(value) for value in np.asarray(uniques, dtype=object)] + [None], dtype=object
    )
    # Code -1 (missing) picks the trailing None.
    picked = digests[np.where(codes >= 0, codes, len(digests) - 1)]
    return pd.Series(
        pd.array(picked, dtype=pd.StringDtype()), index=series.index, name=series.name
    )
