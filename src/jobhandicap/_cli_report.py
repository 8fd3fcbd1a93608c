"""The ``jobhandicap report`` subcommand (registered in :mod:`jobhandicap.cli`).

``jobhandicap report [--cases F] [--survey F] [--staff F] [--profiles F] [--population F]
[--outcomes F] [--people F] [--extracted DATE] [--out DIR] [--force] [--lang en|da]
[--no-suppress] [--quiet]`` builds the report of :func:`jobhandicap.report.build_report` from
the files given, or from the bundled example data when no file is given. It prints one line per
step (what it read, computed and wrote) and ends with the path of the report page.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TextIO, TypedDict

from jobhandicap._input_check import check_file, check_title, shown_name
from jobhandicap._personal_numbers import scrub_text
from jobhandicap._report_inputs import KINDS
from jobhandicap.errors import JobhandicapError

__all__ = ["REPORT_COMMAND", "configure", "run"]

#: The input files the command takes, one option each.


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            scrub_text(f"not a date: {value!r} (write it as YYYY-MM-DD, e.g. 2021-01-31)")
        ) from None


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``jobhandicap report``.

    Parameters
    ----------
    parser
        The subcommand's parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> configure(parser)
    >>> args = parser.parse_args(["--cases", "cases.csv", "--extracted", "2021-01-31"])
    >>> args.cases.name, args.extracted, args.out.name, args.force, args.lang, args.no_suppress
    ('cases.csv', datetime.date(2021, 1, 31), 'report', False, 'en', False)
    """
    files = parser.add_argument_group(
        "input files (CSV, Excel or Parquet; none: the bundled example data)"
    )
    for kind in KINDS:
        files.add_argument(f"--{kind}", type=Path, metavar="FILE", help=f"the {kind} table")
    parser.add_argument(
        "--extracted",
        type=_date,
        metavar="DATE",
        help="the date the case data were extracted (YYYY-MM-DD); needed when cases are open",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("report"),
        metavar="DIR",
        help=(
            "folder to write the report into (default: report): a new or empty folder, or the "
            "folder of an earlier report, whose files are replaced"
        ),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=(
            "write into a non-empty folder that holds no earlier report: files named like the "
            "report's are replaced, other files are left alone"
        ),
    )
    parser.add_argument(
        "--lang", choices=("en", "da"), default="en", help="language of the report (default en)"
    )
    parser.add_argument("--title", help="the report's title")
    parser.add_argument(
        "--no-suppress",
        action="store_true",
        help="do not suppress counts below 5 (internal use only: never publish such a report)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the report's path")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Build the report; print the steps (unless ``--quiet``) and the report's path.

    Parameters
    ----------
    args
        The parsed arguments (see :func:`configure`).
    out
        Where to print.

    Returns
    -------
    int
        0 when the report was written.

    Raises
    ------
    JobhandicapError
        For invalid or disclosive input (the command line prints the message and exits 1).
    """
    from jobhandicap.datasets import load_example
    from jobhandicap.report import build_report

    def say(line: str) -> None:
        if not args.quiet:
            print(scrub_text(line), file=out, flush=True)

    files = {kind: getattr(args, kind) for kind in KINDS if getattr(args, kind) is not None}
    data: Any
    check_title(args.title, advice="cli")
    if files:
        missing = [shown_name(path) for path in files.values() if not Path(path).is_file()]
        if missing:
            raise JobhandicapError(f"input file(s) not found: {', '.join(missing)}")
        # Before anything is validated (and could be echoed): headers and published columns.
        for kind, path in files.items():
            check_file(kind, path, advice="cli", command="report")
        data = {**files, "extracted": args.extracted}
    else:
        if args.extracted is not None:
            raise JobhandicapError(
                "--extracted applies to a cases file (--cases); the example data have their own"
            )
        data = load_example()
    result = build_report(
        data,
        args.out,
        force=args.force,
        suppress=not args.no_suppress,
        lang=args.lang,
        title=args.title,
        progress=say,
    )
    if result.skipped:
        say(f"not included: {', '.join(f'{name} ({why})' for name, why in result.skipped)}")
    print(shown_name(result.path), file=out)
    return 0


class _Spec(TypedDict):
    name: str
    help: str
    description: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO], int]


#: The arguments of :class:`jobhandicap.cli.Subcommand` for ``report``.
REPORT_COMMAND: Final[_Spec] = {
    "name": "report",
    "help": "build the HTML report and its tables from data files (or the example data)",
    "description": (
        "Run every analysis the given files allow and write OUT/index.html (one "
        "self-contained page), OUT/tables/*.csv and OUT/tables.xlsx. Without input files the "
        "bundled example data are used. OUT must be new, empty or the folder of an earlier "
        "report (whose files only are replaced), unless --force is given. All tables are "
        "protected together: counts of fewer than 5 persons or cases are hidden, with every "
        "cell that would give them away, and the release is audited before anything is "
        "written (--no-suppress turns this off). Inputs whose headers or published columns "
        "(respondents, items) hold Danish personal numbers are refused, and no message shows "
        "one."
    ),
    "configure": configure,
    "run": run,
}
