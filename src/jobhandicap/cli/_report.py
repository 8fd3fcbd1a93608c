"""The ``jobhandicap report`` subcommand (registered in :mod:`jobhandicap.cli`).

``jobhandicap report [--cases F] [--survey F] [--staff F] [--profiles F] [--population F]
[--outcomes F] [--people F] [--extracted DATE] [--wave YEAR] [--sheet SHEET] [--sep SEP]
[--decimal MARK] [--encoding ENC] [--format FMT] [--out DIR] [--force] [--lang en|da]
[--no-suppress] [--quiet]`` builds the report of :func:`jobhandicap.report.build_report` from
the files given, or from the bundled example data when no file is given. It prints one line per
step (what it read, computed and wrote) and ends with the path of the report page.

The reader options (``--wave`` … ``--format``, declared by :func:`add_reader_options`, which
``jobhandicap validate`` shares) go to the reader of every file given that takes them
(``read_options`` of :func:`~jobhandicap.report.build_report`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TextIO, TypedDict

import pandas as pd

from jobhandicap._personal_numbers import scrub_text
from jobhandicap.cli._options import add_mapping_options, mapping_options
from jobhandicap.datasets import load_example
from jobhandicap.errors import JobhandicapError
from jobhandicap.frames._cells import DATE_FORMATS, Problems, spreadsheet_rows
from jobhandicap.frames._parse import parse_column
from jobhandicap.frames._schema import SCHEMAS
from jobhandicap.report import build_report
from jobhandicap.report._input_check import check_file, check_title, shown_name
from jobhandicap.report._inputs import KINDS, check_read_options, table_kind

__all__ = [
    "READER_OPTIONS",
    "REPORT_COMMAND",
    "add_reader_options",
    "configure",
    "parse_date",
    "reader_options",
    "run",
]

#: The reader options of the command line, as the readers' keyword arguments.
READER_OPTIONS: Final = ("format", "sep", "decimal", "encoding", "sheet", "wave")

#: Separators that are hard to type in a shell, by what users type instead.
_SEPARATOR_NAMES: Final = {"\\t": "\t", "tab": "\t", "semicolon": ";", "comma": ","}


def parse_date(value: str) -> dt.date:
    """Read a date typed on the command line as the readers read a date cell.

    Accepted: ISO ``2021-01-31`` and day first ``31-01-2021``, ``31.01.2021``,
    ``31/01/2021`` (the forms of :data:`jobhandicap.frames._cells.DATE_FORMATS`).

    Raises
    ------
    argparse.ArgumentTypeError
        Naming the accepted forms.

    Examples
    --------
    >>> parse_date("31.01.2021"), parse_date(" 2021-01-31 ")
    (datetime.date(2021, 1, 31), datetime.date(2021, 1, 31))
    """
    spec = SCHEMAS["cases"]["applied"]
    problems = Problems(spreadsheet_rows(1), [spec.name])
    parsed = parse_column(pd.Series([value.strip()], dtype=object), spec, problems)
    if problems or parsed.missing.any():
        found = problems.frame()["message"] if problems else pd.Series(["no date given"])
        reason = str(found.iloc[0]).removeprefix("expected a date: ")
        why = "" if reason == DATE_FORMATS else f" ({reason})"
        raise argparse.ArgumentTypeError(
            scrub_text(
                f"not a date: {value!r}{why}; write it as {DATE_FORMATS}, e.g. 2021-01-31 "
                "or 31-01-2021"
            )
        )
    day = pd.Timestamp(parsed.data[0])
    return day.date()


def _separator(value: str) -> str:
    return _SEPARATOR_NAMES.get(value.strip().lower(), value)


def _sheet(value: str) -> str | int:
    text = value.strip()
    return int(text) if text.isdigit() else value


def add_reader_options(parser: argparse.ArgumentParser, *, wave_help: str) -> None:
    """Declare the reader options of ``validate`` and ``report`` on ``parser``.

    They are ``--format``, ``--sep``, ``--decimal``, ``--encoding``, ``--sheet`` and
    ``--wave``; :func:`reader_options` turns them into the readers' keyword arguments.
    """
    group = parser.add_argument_group("reading the files (default: detected)")
    group.add_argument(
        "--format", choices=("csv", "excel", "parquet"), help="file format (default: detected)"
    )
    group.add_argument(
        "--sep",
        type=_separator,
        metavar="SEP",
        help="CSV separator, e.g. ';' ',' or tab (default: detected)",
    )
    group.add_argument(
        "--decimal",
        choices=(",", "."),
        metavar="MARK",
        help="decimal mark , or . (default: detected per column)",
    )
    group.add_argument("--encoding", help="CSV encoding (default: UTF-8 or Windows-1252)")
    group.add_argument(
        "--sheet",
        type=_sheet,
        metavar="SHEET",
        help="Excel sheet: its name, or its number counted from 0 (default: the first)",
    )
    group.add_argument("--wave", type=int, metavar="YEAR", help=wave_help)


def reader_options(args: argparse.Namespace) -> dict[str, Any]:
    """The reader options given on the command line, as reader keyword arguments."""
    return {k: getattr(args, k) for k in READER_OPTIONS if getattr(args, k, None) is not None}


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
        shown = (
            f"the sampled {kind} survey (design-weighted; raked only when margins are given "
            "from Python)"
            if table_kind(kind) != kind
            else f"the {kind} table"
        )
        files.add_argument(f"--{kind}", type=Path, metavar="FILE", help=shown)
    parser.add_argument(
        "--extracted",
        type=parse_date,
        metavar="DATE",
        help=(
            "the date the case data were extracted (2021-01-31, 31-01-2021, 31.01.2021 or "
            "31/01/2021); needed when cases are open"
        ),
    )
    add_reader_options(
        parser, wave_help="survey year, for a survey file (--survey) without a wave column"
    )
    add_mapping_options(parser)
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
        "--lang",
        choices=("en", "da"),
        default="en",
        help=(
            "language of the report (default en); da also writes the CSV tables for a Danish "
            "spreadsheet: ';' between fields, decimal comma, Danish headers and labels"
        ),
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

    def say(line: str) -> None:
        if not args.quiet:
            print(scrub_text(line), file=out, flush=True)

    files = {kind: getattr(args, kind) for kind in KINDS if getattr(args, kind) is not None}
    options = reader_options(args)
    options.update({k: v for k, v in mapping_options(args).items() if v is not None})
    data: Any
    check_title(args.title, advice="cli")
    if files:
        missing = [shown_name(path) for path in files.values() if not Path(path).is_file()]
        if missing:
            raise JobhandicapError(f"input file(s) not found: {', '.join(missing)}")
        check_read_options(options, list(files))  # before any file is read
        # Before anything is validated (and could be echoed): headers and published columns.
        checked = {k: v for k, v in options.items() if k not in ("wave", "labels")}
        for kind, path in files.items():
            check_file(table_kind(kind), path, advice="cli", command="report", **checked)
        data = {**files, "extracted": args.extracted}
    else:
        if args.extracted is not None:
            raise JobhandicapError(
                "--extracted applies to a cases file (--cases); the example data have their own"
            )
        if options:
            shown = {"headers": "--header/--mapping", "labels": "--label/--mapping"}
            given = ", ".join(shown.get(k, f"--{k}") for k in options)
            raise JobhandicapError(
                f"{given} appl{'ies' if len(options) == 1 else 'y'} to input files "
                "(--cases, --survey, ...); the example data are used when no file is given"
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
        read_options=options or None,
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
