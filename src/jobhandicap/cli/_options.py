"""Command-line options shared by the subcommands that read files: the user's vocabulary.

``--header LOCAL=COLUMN`` (repeatable) maps a header of the file to a canonical column (or any
accepted header), ``--label COLUMN:LOCAL=VALUE`` (repeatable) maps a label of a column to a
canonical value (or any accepted label), and ``--mapping FILE`` reads both from a CSV file with
columns ``column,local,means`` (:func:`jobhandicap.io.read_mapping`). Entries on the command
line win over those of the file. :func:`mapping_options` gives the reader keyword arguments.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_mapping_options(parser)
>>> args = parser.parse_args(["--header", "Bevillingsdato=decided",
...                           "--label", "target_group:Ledig=a-dagpenge"])
>>> mapping_options(args)
{'headers': {'Bevillingsdato': 'decided'}, 'labels': {'target_group': {'Ledig': 'a-dagpenge'}}}
"""

from __future__ import annotations

import argparse
from typing import Any

from jobhandicap.io._mapping import read_mapping

__all__ = ["add_mapping_options", "mapping_options"]


def _header_entry(text: str) -> tuple[str, str]:
    local, sep, column = text.partition("=")
    if not sep or not local.strip() or not column.strip():
        raise argparse.ArgumentTypeError(
            f"expected LOCAL=COLUMN, e.g. --header 'Bevillingsdato=decided', got {text!r}"
        )
    return local.strip(), column.strip()


def _label_entry(text: str) -> tuple[str, str, str]:
    column, sep, rest = text.partition(":")
    local, sep2, value = rest.partition("=")
    if not (sep and sep2 and column.strip() and local.strip() and value.strip()):
        raise argparse.ArgumentTypeError(
            "expected COLUMN:LOCAL=VALUE, e.g. --label 'target_group:Ledig=a-dagpenge', "
            f"got {text!r}"
        )
    return column.strip(), local.strip(), value.strip()


def add_mapping_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--header``, ``--label`` and ``--mapping`` to a subcommand's parser."""
    group = parser.add_argument_group(
        "your own headers and labels",
        "map headers and labels the library does not know instead of editing the file",
    )
    group.add_argument(
        "--header",
        dest="mapping_headers",
        action="append",
        type=_header_entry,
        default=[],
        metavar="LOCAL=COLUMN",
        help="read the column headed LOCAL as COLUMN (a canonical column or accepted header); "
        "repeatable",
    )
    group.add_argument(
        "--label",
        dest="mapping_labels",
        action="append",
        type=_label_entry,
        default=[],
        metavar="COLUMN:LOCAL=VALUE",
        help="read the label LOCAL of COLUMN as VALUE (a canonical value or accepted label); "
        "repeatable",
    )
    group.add_argument(
        "--mapping",
        dest="mapping_file",
        metavar="FILE",
        help="a CSV file with columns column,local,means (column 'header' for headers, a "
        "canonical column for labels)",
    )


def mapping_options(args: argparse.Namespace) -> dict[str, Any]:
    """The reader keyword arguments ``{"headers": ..., "labels": ...}`` the options give.

    Raises
    ------
    SchemaError
        When the mapping file has problems (see :func:`jobhandicap.io.read_mapping`).
    """
    headers: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    path = getattr(args, "mapping_file", None)
    if path:
        headers, labels = read_mapping(path)
    for local, column in getattr(args, "mapping_headers", None) or []:
        headers[local] = column
    for column, local, value in getattr(args, "mapping_labels", None) or []:
        labels.setdefault(column, {})[local] = value
    return {"headers": headers or None, "labels": labels or None}
