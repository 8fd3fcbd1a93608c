"""Reading, checking and recording the inputs of a report (private to :mod:`jobhandicap.report`).

:func:`read_inputs` turns an :class:`~jobhandicap.datasets.ExampleData` or a mapping of kind to
frame or file path into validated canonical frames, refusing any whose headers or published
columns hold a Danish personal number (:mod:`jobhandicap.report._input_check`); :func:`provenance`
builds the closing section that records them with the options.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import inspect
import os
import platform
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import attrs
import pandas as pd

from jobhandicap import frames, io
from jobhandicap._advice import flag, in_command_line, option
from jobhandicap.datasets._example import ExampleData
from jobhandicap.errors import JobhandicapError, SchemaError
from jobhandicap.frames._schema import SCHEMAS
from jobhandicap.report._context import Options, Section
from jobhandicap.report._input_check import check_file, check_frame, shown_name
from jobhandicap.report._tables import MARKER, SECONDARY, THRESHOLD, Published
from jobhandicap.report._text import Lang, text
from jobhandicap.staff import Scale

#: The sampled surveys a report reads: two inputs of table kind ``sampled_survey``.
SAMPLED: Final[tuple[str, ...]] = ("citizens", "employers")
#: The input that gives the known population margins of each sampled survey
#: (``{column: {level: total}}``, as :func:`jobhandicap.rake` takes them).
MARGINS: Final[Mapping[str, str]] = {
    "citizens": "citizen_margins",
    "employers": "employer_margins",
}

#: The kinds of input table a report reads, in report order (that of the schemas, then the
#: sampled surveys of citizens and employers).
KINDS: Final[tuple[str, ...]] = (
    *(kind for kind in SCHEMAS if kind != "sampled_survey"),
    *SAMPLED,
)


def table_kind(kind: str) -> str:
    """The table kind of an input (its schema and reader).

    ``sampled_survey`` for a survey of citizens or employers, else the input's own kind.
    """
    return "sampled_survey" if kind in SAMPLED else kind


_READERS: Final[Mapping[str, str]] = {kind: f"read_{table_kind(kind)}" for kind in KINDS}


@attrs.frozen(kw_only=True)
class Input:
    kind: str
    frame: pd.DataFrame
    source: str
    sha256: str


def _sha256_of_frame(frame: pd.DataFrame) -> str:
    data = frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise JobhandicapError(
        f"extracted must be a date (datetime.date or 'YYYY-MM-DD'), got {value!r}"
    )


class _OptionError(JobhandicapError, ValueError):
    """A bad ``read_options`` argument of :func:`jobhandicap.report.build_report`."""


def reader_keywords(kind: str) -> frozenset[str]:
    """The keyword arguments ``io.read_<kind>`` takes (besides the source)."""
    parameters = inspect.signature(getattr(io, _READERS[kind])).parameters.values()
    return frozenset(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)


#: The reader options the raw search for personal numbers (``check_file``) takes as well.
_CHECK_OPTIONS: Final = ("format", "sep", "decimal", "encoding", "sheet", "headers")


def check_read_options(read_options: object, file_kinds: Sequence[str]) -> dict[str, Any]:
    """Check the reader options for the given file inputs; return them as a dict.

    Every key must be a keyword of some reader (``io.read_<kind>``) and of at least one of the
    readers of the file inputs given, and there must be a file input at all.
    """
    if read_options is None:
        return {}
    if not isinstance(read_options, Mapping):
        raise _OptionError(
            "read_options must be a mapping of reader keyword to value, e.g. "
            f"{{'sep': ';', 'wave': 2018}}, got {type(read_options).__name__}"
        )
    options = dict(read_options)
    if not options:
        return options
    known = sorted(set().union(*(reader_keywords(kind) for kind in KINDS)))
    unknown = [key for key in options if key not in known]
    if unknown:
        shown = ", ".join(repr(k) if not isinstance(k, str) else flag(k) for k in unknown)
        raise _OptionError(
            f"unknown reader option(s) {shown}; the readers take "
            f"{', '.join(flag(k) for k in known)}"
        )
    given = ", ".join(flag(k) for k in options)
    if not file_kinds:
        raise _OptionError(
            f"reader options ({given}) apply to input files, and no input is a file path"
        )
    for key in options:
        takers = [kind for kind in file_kinds if key in reader_keywords(kind)]
        if not takers:
            wanted = [kind for kind in KINDS if key in reader_keywords(kind)]
            raise _OptionError(
                f"{flag(key)} applies to {' and '.join(wanted)} files only, and no such file "
                "is given"
            )
    return options


def _read(
    kind: str, source: str | os.PathLike[str], read_options: Mapping[str, Any]
) -> tuple[pd.DataFrame, str, str]:
    """Read an input file; return the frame, the file's name as shown and its SHA-256.

    The raw file is searched for personal numbers first (headers and published columns), so
    validation never gets to echo one; a name holding one is shown hidden. Of
    ``read_options``, the reader gets those it takes.
    """
    path = Path(source)
    accepted = reader_keywords(kind)
    options = {k: v for k, v in read_options.items() if k in accepted}
    check_file(
        table_kind(kind),
        path,
        advice="cli" if in_command_line() else "python",
        **{k: v for k, v in options.items() if k in _CHECK_OPTIONS},
    )
    name = shown_name(path.name)
    reader: Callable[..., pd.DataFrame] = getattr(io, _READERS[kind])
    try:
        frame = reader(path, **options)
    except SchemaError as err:
        raise SchemaError(
            f"{kind} file {name}: {err.summary}", err.problems, err.accepted
        ) from None
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return frame, name, digest


def _validate(kind: str, frame: pd.DataFrame, what: str) -> pd.DataFrame:

    try:
        return frames.validate_kind(frame, table_kind(kind))
    except SchemaError as err:
        raise SchemaError(f"{what}: {err.summary}", err.problems, err.accepted) from None


def read_inputs(
    data: ExampleData | Mapping[str, Any],
    lang: Lang,
    progress: Callable[[str], None],
    read_options: Mapping[str, Any] | None = None,
) -> tuple[list[Input], dt.date | None]:
    """Read, check (personal numbers first) and validate the inputs.

    ``read_options`` are passed to the reader of every file input (those each reader takes).
    """
    raw: list[tuple[str, pd.DataFrame, str, str | None]] = []
    file_kinds = (
        [
            kind
            for kind in KINDS
            if isinstance(data.get(kind), str | os.PathLike)
            and not isinstance(data.get(kind), pd.DataFrame)
        ]
        if isinstance(data, Mapping)
        else []
    )
    options = (
        check_read_options(read_options, file_kinds)
        if isinstance(data, ExampleData | Mapping)
        else {}
    )
    if isinstance(data, ExampleData):
        progress("using the bundled example data (jobhandicap.datasets.load_example)")
        for kind, frame in {**data.frames(), **data.sampled_surveys()}.items():
            raw.append((kind, frame, text("example_data", lang), None))
        extracted: dt.date | None = data.extracted
    elif isinstance(data, Mapping):
        unknown = [str(k) for k in data if k not in (*KINDS, *MARGINS.values(), "extracted")]
        if unknown:
            raise JobhandicapError(
                f"unknown input(s) {unknown}; give any of {list(KINDS)} (a DataFrame or a file "
                "path each), 'extracted' (the extraction date of the cases) and "
                f"{' and '.join(repr(m) for m in MARGINS.values())} (the known population "
                "margins of a sampled survey, {column: {level: total}})"
            )
        extracted = _as_date(data.get("extracted"))
        for kind in KINDS:
            value = data.get(kind)
            if value is None:
                continue
            if isinstance(value, pd.DataFrame):
                raw.append((kind, value, text("frame_given", lang), None))
            elif isinstance(value, str | os.PathLike):
                read, name, file_hash = _read(kind, value, options)
                progress(f"read {kind} from {name}: {len(read)} rows")
                raw.append((kind, read, name, file_hash))
            else:
                raise JobhandicapError(
                    f"input {kind!r} must be a pandas DataFrame or a file path, got "
                    f"{type(value).__name__}"
                )
    else:
        raise JobhandicapError(
            "data must be an ExampleData (jobhandicap.load_example()) or a mapping of input "
            f"kind to DataFrame or file path, got {type(data).__name__}"
        )
    inputs: list[Input] = []
    for kind, frame, source, digest in raw:
        if digest is None:  # a frame: a file was checked raw when it was read
            check_frame(table_kind(kind), frame, advice="python")
        checked = _validate(kind, frame, f"{kind} input")
        # The canonical published columns once more (numbers validation turned into text).
        check_frame(table_kind(kind), checked, advice="python")
        if digest is None:
            progress(f"checked {kind}: {len(checked)} rows")
        inputs.append(
            Input(
                kind=kind,
                frame=checked,
                source=source,
                sha256=digest if digest is not None else _sha256_of_frame(checked),
            )
        )
    return inputs, extracted


def read_margins(
    data: ExampleData | Mapping[str, Any],
) -> dict[str, Mapping[str, Mapping[str, float]]]:
    """The known population margins of each sampled survey given, by survey input kind.

    From the example data, their ``citizen_margins`` and ``employer_margins``; from a mapping,
    its ``"citizen_margins"`` and ``"employer_margins"`` entries (each only with its survey).
    Their levels and totals are checked by :func:`jobhandicap.rake` when the section rakes.
    """
    if isinstance(data, ExampleData):
        return {"citizens": data.citizen_margins, "employers": data.employer_margins}
    margins: dict[str, Mapping[str, Mapping[str, float]]] = {}
    for kind, key in MARGINS.items():
        value = data.get(key)
        if value is None:
            continue
        if data.get(kind) is None:
            raise JobhandicapError(
                f"{key!r} are the margins of the {kind} survey, and no {kind!r} input is given"
            )
        if not isinstance(value, Mapping) or not all(
            isinstance(column, str) and isinstance(totals, Mapping)
            for column, totals in value.items()
        ):
            raise JobhandicapError(
                f"{key!r} must be a mapping of margin column to {{level: population total}}, "
                "e.g. {'sex': {'female': 386062, 'male': 313939}}, got "
                f"{type(value).__name__}"
            )
        margins[kind] = value
    return margins


def check_open_cases(frames: Mapping[str, pd.DataFrame], extracted: dt.date | None) -> None:
    """Refuse open cases without an extraction date: their processing time needs one."""
    cases = frames.get("cases")
    if cases is None or extracted is not None:
        return
    still_open = int(cases["decided"].isna().sum())
    if still_open:
        give = option(
            "extracted",
            "YYYY-MM-DD",
            python="extracted= in build_report (--extracted YYYY-MM-DD on the command line)",
        )
        raise JobhandicapError(
            f"{still_open} case(s) are still open (no decision date): give the date the data "
            "were extracted, so that their processing time is censored there: "
            f"{give}"
        )


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _text_table(
    name: str, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Published:
    table = pd.DataFrame(
        {
            c: pd.array([str(r[i]) for r in rows], dtype=pd.StringDtype())
            for i, c in enumerate(columns)
        }
    )
    return Published(
        name=name,
        title=title,
        table=table,
        markers=pd.DataFrame("", index=table.index, columns=table.columns, dtype="string"),
        counts=(),
        html_columns=tuple(columns),
        decimals={},
    )


def _scale_text(scales: Sequence[Scale]) -> str:
    parts = []
    for scale in scales:
        reversed_items = f"; reversed {', '.join(scale.reversed)}" if scale.reversed else ""
        parts.append(f"{scale.name}: {', '.join(scale.items)}{reversed_items}")
    return " | ".join(parts)


def provenance(
    inputs: Sequence[Input],
    extracted: dt.date | None,
    options: Options,
    title: str,
    plots: ModuleType | None,
    workbook: bool,
    margins: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
) -> Section:
    """Build the closing section: software versions, inputs (source, SHA-256, rows), options.

    ``margins`` are the sampled surveys' known population margins (their columns are listed).
    """
    lang = options.lang
    section = Section(id="provenance", title=text("provenance", lang))
    section.paragraphs.append(text("provenance_lead", lang))
    software = [
        ("jobhandicap", _version("jobhandicap")),
        ("Python", platform.python_version()),
        ("numpy", _version("numpy")),
        ("pandas", pd.__version__),
        ("scipy", _version("scipy")),
        ("matplotlib", _version("matplotlib") if plots is not None else "—"),
        ("openpyxl", _version("openpyxl") if workbook else "—"),
    ]
    section.tables.append(
        _text_table("software", text("software", lang), ("package", "version"), software)
    )
    rows = [(i.kind, i.source, i.sha256, len(i.frame)) for i in inputs]
    section.tables.append(
        _text_table("inputs", text("inputs", lang), ("kind", "source", "sha256", "rows"), rows)
    )
    settings = [
        ("title", title),
        ("lang", lang),
        (
            "suppress",
            f"{options.suppress} (threshold {THRESHOLD}, markers {MARKER!r} and {SECONDARY!r})",
        ),
        ("extracted", "—" if extracted is None else extracted.isoformat()),
        ("scales", _scale_text(options.scales)),
        ("survey_items", "—" if options.survey_items is None else ", ".join(options.survey_items)),
        ("outcome_year", "—" if options.outcome_year is None else str(options.outcome_year)),
        ("seed", str(options.seed)),
        (
            "n_boot",
            f"{options.n_boot} (staff association, staff by strategy, outcomes by strategy)",
        ),
        ("draws", f"{options.draws} (strategy sensitivity)"),
        ("strategy spec", "jobhandicap.strategy.DEFAULT_SPEC"),
        (
            "margins",
            " | ".join(
                f"{kind}: {', '.join(columns)}" for kind, columns in (margins or {}).items()
            )
            or "—",
        ),
    ]
    section.tables.append(
        _text_table("options", text("options", lang), ("option", "value"), settings)
    )
    section.notes.append(text("sha_note", lang))
    return section
