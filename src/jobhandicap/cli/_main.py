"""The ``jobhandicap`` command: its parser, subcommands and error printing."""

from __future__ import annotations

import argparse
import importlib.metadata
import shlex
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO, cast

import attrs
import pandas as pd

from jobhandicap import datasets, io
from jobhandicap._advice import command_line
from jobhandicap._personal_numbers import scrub_text
from jobhandicap.cli._options import add_mapping_options, mapping_options
from jobhandicap.cli._report import REPORT_COMMAND, add_reader_options
from jobhandicap.datasets import SAMPLED_SURVEYS
from jobhandicap.disclosure import hide_personal_ids
from jobhandicap.errors import DataQualityWarning, JobhandicapError, SchemaError
from jobhandicap.io._headers import KINDS
from jobhandicap.io._mapping import HEADERS_ATTR, IGNORED_HEADERS_WARNING, describe_report
from jobhandicap.report._input_check import check_file, shown_name
from jobhandicap.report._inputs import KINDS as REPORT_KINDS

__all__ = ["SUBCOMMANDS", "Subcommand", "build_parser", "main"]


@attrs.frozen(kw_only=True)
class Subcommand:
    """One subcommand of the ``jobhandicap`` command.

    Parameters
    ----------
    name
        The word on the command line.
    help
        One line for ``jobhandicap --help``.
    configure
        Declares the subcommand's arguments on its parser.
    run
        Does the work; takes the parsed arguments and standard output, returns the exit status.
    description
        Longer text for ``jobhandicap NAME --help`` (default ``help``).
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO], int]
    description: str = ""


def _version() -> str:
    try:
        return importlib.metadata.version("jobhandicap")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


# --------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------


def _configure_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind", choices=KINDS, metavar="KIND", help=f"what the file holds: {', '.join(KINDS)}"
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="CSV, Excel (.xlsx) or Parquet")
    add_reader_options(parser, wave_help="survey year, for a survey file without a wave column")
    add_mapping_options(parser)


def _run_validate(args: argparse.Namespace, out: TextIO) -> int:

    options: dict[str, Any] = {
        "format": args.format,
        "sep": args.sep,
        "decimal": args.decimal,
        "encoding": args.encoding,
    }
    if args.sheet is not None:
        options["sheet"] = args.sheet
    if args.kind == "survey":
        options["wave"] = args.wave
    elif args.wave is not None:
        raise JobhandicapError("--wave only applies to survey files")
    reader: Callable[..., pd.DataFrame] = getattr(io, f"read_{args.kind}")
    # Before validation can echo anything: what a report would publish must be free of
    # personal numbers (headers, free-text columns); every other cell is hidden when shown.
    vocabulary = mapping_options(args)
    check_file(
        args.kind,
        args.file,
        advice="cli",
        command="validate",
        headers=vocabulary["headers"],
        **_check_options(options),
    )
    name = shown_name(args.file)
    try:
        with warnings.catch_warnings():
            # The ignored headers are printed below, with the rest of the header report.
            warnings.filterwarnings("ignore", IGNORED_HEADERS_WARNING, DataQualityWarning)
            frame = reader(args.file, **options, **vocabulary)
    except SchemaError as err:
        problems = err.problems
        if problems.empty:
            raise
        print(f"{name}: {err.summary}; {len(problems)} problem(s):", file=out)
        shown, hidden = _without_personal_ids(problems)
        print(_problem_table(shown), file=out)
        for column, accepted in err.accepted.items():
            print(f"accepted {column} values: {accepted}", file=out)
        if hidden:
            print(
                f"{hidden} cell(s) of this list held what looks like a personal number (CPR) "
                "and are not shown; find them by their row and column in the file.",
                file=out,
            )
        return 1
    print(f"{name}: {len(frame)} valid {args.kind} rows", file=out)
    for line in describe_report(args.kind, frame.attrs.get(HEADERS_ATTR, {})):
        print(f"{name}: {line}", file=out)
    return 0


def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    """The reader options :func:`jobhandicap.report._input_check.check_file` takes."""
    return {
        k: options[k] for k in ("format", "sep", "decimal", "encoding", "sheet") if k in options
    }


def _without_personal_ids(problems: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The problems with every value and message that holds a personal number hidden.

    A personal number typed into the wrong column would otherwise be echoed to the terminal
    (and to whatever log keeps it).
    """
    shown = problems.copy()
    hidden = 0
    for column in ("column", "header", "value", "message"):
        if column in shown.columns:
            shown[column], count = hide_personal_ids(shown[column])
            hidden += count
    return shown, hidden


def _problem_table(problems: pd.DataFrame) -> str:
    """The problems as a left-aligned text table (row, column, value, then the message)."""
    cells = problems.astype(object).where(problems.notna(), "").astype(str)
    header = list(problems.columns)
    widths = [max([len(h), *cells[h].str.len()]) for h in header[:-1]]
    lines = []
    for row in [header, *cells.itertuples(index=False, name=None)]:
        lines.append(
            "  ".join(str(v).ljust(w) for v, w in zip(row[:-1], widths, strict=True))
            + "  "
            + str(row[-1])
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# example
# --------------------------------------------------------------------------------------------


def _configure_example(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, required=True, help="directory to write into (created if needed)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")


def _run_example(args: argparse.Namespace, out: TextIO) -> int:

    targets = {
        kind: args.out / f"{kind}.csv" for kind in REPORT_KINDS if kind not in SAMPLED_SURVEYS
    }
    # The sampled surveys: two tables of one kind, each under its own name.
    surveys = {name: args.out / f"{name}.csv" for name in SAMPLED_SURVEYS}
    existing = [str(path) for path in [*targets.values(), *surveys.values()] if path.exists()]
    if existing and not args.force:
        raise JobhandicapError(
            f"not overwriting existing file(s) {', '.join(existing)}; pass --force to replace them"
        )
    data = datasets.load_example()
    args.out.mkdir(parents=True, exist_ok=True)
    for kind, path in targets.items():
        io.write_csv(getattr(data, kind), kind, path)
    for name, path in surveys.items():
        io.write_csv(getattr(data, name), "sampled_survey", path)
    written = [*targets.values(), *surveys.values()]
    print(
        f"wrote {len(written)} files to {args.out}: {', '.join(p.name for p in written)}",
        file=out,
    )
    # The case data were extracted on a known day, which a report of them needs.
    print(
        f"the case data were extracted on {data.extracted.isoformat()}; a report of these files:",
        file=out,
    )
    files = " ".join(
        f"--{kind} {shlex.quote(str(path))}" for kind, path in {**targets, **surveys}.items()
    )
    print(
        f"  jobhandicap report {files} --extracted {data.extracted.isoformat()}",
        file=out,
    )
    return 0


#: The subcommands, in the order ``--help`` lists them.
SUBCOMMANDS: list[Subcommand] = [
    Subcommand(
        name="validate",
        help="read and validate a data file",
        description=(
            "Read FILE as a table of KIND, print its number of valid rows, or list every "
            "problem (row, column, value, message) and exit with status 1."
        ),
        configure=_configure_validate,
        run=_run_validate,
    ),
    Subcommand(
        name="example",
        help="write the bundled example data as Danish CSV files",
        description=(
            "Write cases.csv, survey.csv, staff.csv, profiles.csv, population.csv, "
            "outcomes.csv, people.csv and the sampled surveys citizens.csv and employers.csv "
            "(Danish headers and labels, ';' separated, decimal "
            "commas) into the directory given by --out."
        ),
        configure=_configure_example,
        run=_run_example,
    ),
    Subcommand(**REPORT_COMMAND),
]


def build_parser(subcommands: Sequence[Subcommand] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser of the ``jobhandicap`` command.

    Parameters
    ----------
    subcommands
        The subcommands to offer; default :data:`SUBCOMMANDS`.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each subcommand's parser sets ``run`` to its :class:`Subcommand`.

    Examples
    --------
    >>> build_parser().parse_args(["validate", "cases", "cases.csv"]).kind
    'cases'
    """
    parser = _Parser(
        prog="jobhandicap",
        description="Disability-employment indicators: read, validate and report data.",
    )
    parser.add_argument("--version", action="version", version=f"jobhandicap {_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    commands.required = True
    for command in SUBCOMMANDS if subcommands is None else subcommands:
        sub = commands.add_parser(
            command.name, help=command.help, description=command.description or command.help
        )
        command.configure(sub)
        sub.set_defaults(subcommand=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``jobhandicap`` command and return its exit status.

    Parameters
    ----------
    argv
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when the input is invalid or something fails, 2 for a wrong command
        line.

    Examples
    --------
    >>> main(["validate", "cases", "no-such-file.csv"])
    1
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        return exit_.code if isinstance(exit_.code, int) else 2
    command: Subcommand = args.subcommand
    try:
        # Advice in messages names command-line options (--wave), not Python arguments;
        # warnings are one line each, like the errors, not Python's file:line form.
        with command_line(), warnings.catch_warnings():
            warnings.showwarning = _warning_printer(command.name)
            return command.run(args, cast(TextIO, _Scrubbed(sys.stdout)))
    except KeyboardInterrupt:
        print("jobhandicap: interrupted", file=sys.stderr)
        return 130
    except (JobhandicapError, OSError) as err:
        if args.debug:
            print(scrub_text(traceback.format_exc()), file=sys.stderr, end="")
        print(scrub_text(f"jobhandicap {command.name}: error: {_describe(err)}"), file=sys.stderr)
        return 1
    except Exception as err:
        if args.debug:
            print(scrub_text(traceback.format_exc()), file=sys.stderr, end="")
        print(
            scrub_text(
                f"jobhandicap {command.name}: unexpected error ({type(err).__name__}: {err}); "
                "run with --debug for the traceback and please report it"
            ),
            file=sys.stderr,
        )
        return 1


def _warning_printer(name: str) -> Callable[..., None]:
    """A ``warnings.showwarning`` printing ``jobhandicap NAME: warning: …`` (scrubbed)."""

    def show(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
        print(scrub_text(f"jobhandicap {name}: warning: {message}"), file=sys.stderr)

    return show


class _Scrubbed:
    """Standard output with every personal number in what is written hidden (belt and braces).

    Each ``print`` writes its line in one piece, so a number is never split between writes.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(scrub_text(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors never echo a personal number."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {scrub_text(message)}\n")


def _describe(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        where = f": {err.filename}" if err.filename else ""
        return f"{err.strerror}{where}"
    return str(err)
