"""Checks of the options every indicator shares, and the deprecation of renamed arguments.

One helper per convention of docs/conventions.md, so that the same mistake gets the same error
class and the same message in every function:

- :func:`check_choice` — an option that takes one of a few values (``lang``, ``dont_know``, …);
- :func:`check_level` — a confidence level strictly between 0 and 1;
- :func:`check_count` — a whole number of at least some minimum (``n_boot``, ``draws``);
- :func:`generator` — ``seed=`` as an int, a :class:`numpy.random.Generator` or ``None``;
- :func:`warn_small_bases` — one :class:`~jobhandicap.errors.SmallSampleWarning` per call;
- :func:`renamed` — keeps an old argument name working with a :class:`DeprecationWarning`.

A bad value raises :class:`~jobhandicap.errors.OptionError` (a ``ValueError``); a value of the
wrong type :class:`~jobhandicap.errors.ArgumentTypeError` (a ``TypeError``).
"""

from __future__ import annotations

import functools
import numbers
import warnings
from collections.abc import Callable, Collection, Sequence
from typing import ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from jobhandicap._defaults import SMALL_BASE
from jobhandicap.errors import ArgumentTypeError, OptionError, SmallSampleWarning

__all__ = [
    "Seed",
    "check_choice",
    "check_count",
    "check_level",
    "generator",
    "renamed",
    "warn_small_bases",
]

#: What ``seed=`` accepts everywhere.
Seed = int | np.random.Generator | None

_P = ParamSpec("_P")
_R = TypeVar("_R")


def check_choice(name: str, value: object, allowed: Collection[str]) -> str:
    """Return ``value`` if it is one of ``allowed``; raise :class:`OptionError` otherwise.

    Examples
    --------
    >>> check_choice("lang", "da", ("en", "da"))
    'da'
    >>> check_choice("lang", "fr", ("en", "da"))
    Traceback (most recent call last):
    ...
    jobhandicap.errors.OptionError: lang must be one of 'en', 'da'; got 'fr'
    """
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"{name} must be a string, one of {_listed(allowed)}; got {type(value).__name__}"
        )
    if value not in allowed:
        raise OptionError(f"{name} must be one of {_listed(allowed)}; got {value!r}")
    return value


def check_level(level: object, name: str = "level") -> float:
    """Return a confidence level as a float strictly between 0 and 1.

    Examples
    --------
    >>> check_level(0.9)
    0.9
    >>> check_level(95)
    Traceback (most recent call last):
    ...
    jobhandicap.errors.OptionError: level must lie strictly between 0 and 1 (0.95 for 95 %); got 95
    """
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise ArgumentTypeError(f"{name} must be a number between 0 and 1, got {level!r}")
    value = float(level)
    if not 0.0 < value < 1.0:
        raise OptionError(
            f"{name} must lie strictly between 0 and 1 (0.95 for 95 %); got {level!r}"
        )
    return value


def check_count(value: object, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is a whole number of at least ``minimum``.

    Examples
    --------
    >>> check_count(999, "n_boot", minimum=1)
    999
    >>> check_count(0, "n_boot", minimum=1)
    Traceback (most recent call last):
    ...
    jobhandicap.errors.OptionError: n_boot must be a whole number of at least 1; got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name} must be a whole number, got {value!r}")
    if int(value) < minimum:
        raise OptionError(f"{name} must be a whole number of at least {minimum}; got {value!r}")
    return int(value)


def generator(seed: object, name: str = "seed") -> np.random.Generator:
    """The random generator for ``seed=``: an int, a Generator (used as is) or ``None``.

    ``None`` draws fresh entropy from the operating system, so the result differs on every
    call; every function's default is :data:`~jobhandicap._defaults.DEFAULT_SEED` instead.

    Examples
    --------
    >>> float(generator(1).random()) == float(generator(1).random())
    True
    >>> generator("1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jobhandicap.errors.ArgumentTypeError: seed must be an int, a numpy.random.Generator or ...
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ArgumentTypeError(
            f"{name} must be an int, a numpy.random.Generator or None; got {type(seed).__name__}"
        )
    if int(seed) < 0:
        raise OptionError(f"{name} must not be negative; got {seed!r}")
    return np.random.default_rng(int(seed))


def warn_small_bases(
    bases: npt.ArrayLike,
    what: str,
    *,
    labels: Sequence[str] | None = None,
    minimum: int = SMALL_BASE,
    stacklevel: int = 3,
) -> None:
    """Warn once if any base is below ``minimum``, saying how many and which (a few).

    Parameters
    ----------
    bases
        The base (``n``) of each estimate.
    what
        What the base counts, plural ("respondents", "cases").
    labels
        A label per estimate (its group), to name up to three of the small ones.
    minimum
        The documented threshold (:data:`~jobhandicap._defaults.SMALL_BASE`).
    stacklevel
        As for :func:`warnings.warn`; the default points at the indicator's caller when this
        is called from the indicator's body.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_small_bases([82, 12, 0], "respondents", labels=["all", "north", "south"])
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    2 of 3 estimates rest on fewer than 30 respondents (north: 12, south: 0); their ...
    """
    n = np.asarray(bases, dtype=np.float64).reshape(-1)
    small = np.flatnonzero(n < minimum)
    if small.size == 0:
        return
    named = ""
    if labels is not None:
        shown = ", ".join(f"{labels[i]}: {int(n[i])}" for i in small[:3])
        more = f", and {small.size - 3} more" if small.size > 3 else ""
        named = f" ({shown}{more})"
    warnings.warn(
        f"{small.size} of {n.size} estimates rest on fewer than {minimum} {what}{named}; "
        "their intervals are wide and one "
        f"{what.removesuffix('s')} more or less moves them visibly",
        SmallSampleWarning,
        stacklevel=stacklevel,
    )


def renamed(**old_to_new: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Keep old keyword names working for one minor version, with a ``DeprecationWarning``.

    Examples
    --------
    >>> import warnings
    >>> @renamed(group="by")
    ... def count(frame, *, by=None):
    ...     return by
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     count(None, group="scheme")
    'scheme'
    >>> print(caught[0].message)
    count(group=...) is deprecated and will be removed in jobhandicap 0.3; use by=... instead
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            for old, new in old_to_new.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise ArgumentTypeError(
                        f"{function.__name__}() got both {old}= (deprecated) and {new}=; "
                        f"pass only {new}="
                    )
                warnings.warn(
                    f"{function.__name__}({old}=...) is deprecated and will be removed in "
                    f"jobhandicap 0.3; use {new}=... instead",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper

    return decorate


def _listed(allowed: Collection[str]) -> str:
    return ", ".join(repr(a) for a in allowed)
