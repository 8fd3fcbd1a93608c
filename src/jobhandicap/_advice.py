"""How a message names an option: as a Python argument or as a command-line option (private).

A message that tells the user what to give ("pass ``encoding='cp1252'``", "give the survey year
as ``wave=2018``") names the option through :func:`option`. In Python it reads
``encoding='cp1252'``; while the ``jobhandicap`` command runs (inside :func:`command_line`) it
reads ``--encoding cp1252``, the option the user can type. This is the one mechanism for such
advice: the messages are written once, and the interface in use decides how the option is shown.

The interface is a :class:`contextvars.ContextVar`, so a command run in one thread does not
change the messages of library calls in another.

Examples
--------
>>> option("encoding", "cp1252")
"encoding='cp1252'"
>>> with command_line():
...     option("encoding", "cp1252"), option("sep", ";"), option("force", True)
('--encoding cp1252', "--sep ';'", '--force')
"""

from __future__ import annotations

import contextlib
import contextvars
import shlex
from collections.abc import Iterator
from typing import Final, Literal

__all__ = ["command_line", "flag", "in_command_line", "option"]

Interface = Literal["python", "cli"]

_INTERFACE: Final[contextvars.ContextVar[Interface]] = contextvars.ContextVar(
    "jobhandicap_interface", default="python"
)


class _NoValue:
    def __repr__(self) -> str:  # pragma: no cover - never shown
        return "<no value>"


_NO_VALUE: Final = _NoValue()


@contextlib.contextmanager
def command_line() -> Iterator[None]:
    """Name options as command-line options in the messages made inside this block."""
    token = _INTERFACE.set("cli")
    try:
        yield
    finally:
        _INTERFACE.reset(token)


def in_command_line() -> bool:
    """Whether messages are being made for the command line (inside :func:`command_line`)."""
    return _INTERFACE.get() == "cli"


def option(name: str, value: object = _NO_VALUE, *, python: str | None = None) -> str:
    """The option ``name`` (with an example ``value``) as the interface in use writes it.

    Parameters
    ----------
    name
        The Python argument's name; the command-line option is ``--name`` (``_`` as ``-``).
    value
        An example value, shown after the option (``True`` shows the bare flag on the command
        line). Without it: ``name=`` in Python, ``--name`` on the command line.
    python
        The text to show in Python instead of ``name=value`` (e.g. a whole call).

    Returns
    -------
    str
        ``name=value`` (``value`` as ``repr``) in Python; ``--name value`` (``value`` quoted
        for a shell where needed) on the command line.

    Examples
    --------
    >>> option("wave", 2018), option("decimal", ","), option("encoding")
    ('wave=2018', "decimal=','", 'encoding=')
    >>> option("wave", 2018, python="read_survey(path, wave=2018)")
    'read_survey(path, wave=2018)'
    >>> with command_line():
    ...     option("wave", 2018), option("decimal", ","), option("encoding")
    ('--wave 2018', '--decimal ,', '--encoding')
    """
    if _INTERFACE.get() == "cli":
        flag = "--" + name.replace("_", "-")
        if value is _NO_VALUE or value is True:
            return flag
        return f"{flag} {shlex.quote(str(value))}"
    if python is not None:
        return python
    if value is _NO_VALUE:
        return f"{name}="
    return f"{name}={value!r}"


def flag(name: str) -> str:
    """The option's bare name: ``name`` in Python, ``--name`` on the command line.

    Examples
    --------
    >>> flag("sep")
    'sep'
    >>> with command_line():
    ...     flag("sep")
    '--sep'
    """
    return "--" + name.replace("_", "-") if _INTERFACE.get() == "cli" else name
