"""The ``jobhandicap`` command (also ``python -m jobhandicap``).

Subcommands:

``jobhandicap validate KIND FILE``
    Read and validate a file; print its number of canonical rows, or the table of problems
    (exit status 1).
``jobhandicap example --out DIR``
    Write the bundled example data as the Danish CSV files a user receives.

Errors are printed as one readable message on standard error with exit status 1 (2 for a
wrong command line); ``--debug`` shows the traceback as well.

Adding a subcommand: write a function that takes the parsed arguments and returns the exit
status, and a function that declares its arguments, and add one :class:`Subcommand` to
:data:`SUBCOMMANDS`.

Examples
--------
>>> main(["--version"])  # doctest: +ELLIPSIS
jobhandicap ...
0
"""

from __future__ import annotations

from jobhandicap.cli._main import (
    SUBCOMMANDS,
    Subcommand,
    build_parser,
    main,
)

__all__ = [
    "SUBCOMMANDS",
    "Subcommand",
    "build_parser",
    "main",
]
