"""Render the docstrings' Sphinx roles and math directives in the mkdocs site.

The docstrings are numpydoc with Sphinx roles (``:func:`grant_rate```, ``:math:`\\hat p```,
``.. math::`` blocks): the scientific-Python standard, and readable in ``help()``. mkdocstrings
renders docstrings as Markdown, where those roles would show as raw text. This Griffe extension
(loaded through the mkdocstrings ``extensions:`` option in ``mkdocs.yml``) rewrites every
docstring of the loaded package once it is loaded, before mkdocstrings parses and renders it:

- ``:func:`name```, ``:class:``, ``:mod:``, ``:data:``, ``:attr:``, ``:meth:``, ``:exc:``,
  ``:obj:`` become cross-references. A short name is looked up where Python would find it: the
  documented object itself (for attributes and methods of a class), the module it lives in and
  that module's packages up to ``jobhandicap``. A name that resolves to an object of the
  package links to it (by its canonical path, which mkdocstrings registers wherever the object
  is rendered); anything else (``ValueError``, ``numpy.random.Generator``, a private helper
  that no page renders) is shown as inline code. The links are *optional* autorefs, so an
  object that no page renders is shown as code, never as a broken link. A leading ``~`` shows
  only the last part of the name, as in Sphinx.
- ``:math:`x``` becomes ``\\(x\\)`` and a ``.. math::`` block becomes ``\\[ … \\]``, which
  ``pymdownx.arithmatex`` (generic mode) wraps for KaTeX (``docs/javascripts/``).
- A reStructuredText simple table (columns under ``=====  =====`` borders) becomes a Markdown
  table; numpydoc citations (``.. [1] Author…`` in References, ``[1]_`` in the text) become a
  list of references and plain ``[1]``.

The source docstrings are not changed.
"""

from __future__ import annotations

import html
import re
import textwrap
from typing import Any

import griffe

_XREF = re.compile(
    r":(?:py:)?(?P<role>func|class|mod|data|attr|meth|exc|obj|const):`(?P<target>[^`]+)`"
)
_MATH = re.compile(r":math:`(?P<tex>[^`]+)`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")
_ROOT = "jobhandicap"
_BORDER = re.compile(r"^(?P<indent>[ \t]*)=+(?: +=+)+[ \t]*$")
_CITATION = re.compile(r"^(?P<indent>[ \t]*)\.\. \[(?P<label>[^\]]+)\][ \t]+", re.MULTILINE)
_CITED = re.compile(r"\[(?P<label>[0-9]+)\]_")


def _cells(line: str, starts: list[int]) -> list[str]:
    """The cells of one line of a simple table whose columns start at ``starts``."""
    bounds = [*starts[1:], max(len(line), starts[-1])]
    return [
        line[start:bound].strip().replace("|", "\\|")
        for start, bound in zip(starts, bounds, strict=True)
    ]


def _simple_tables(text: str) -> str:
    """Turn every reStructuredText simple table into a Markdown table."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        top = _BORDER.match(lines[i])
        if top is not None:
            borders = [j for j in range(i + 1, len(lines)) if _BORDER.match(lines[j])][:2]
            # A simple table: a top border, the header, a border, the rows, a bottom border,
            # with no blank line inside.
            if len(borders) == 2 and all(line.strip() for line in lines[i : borders[1]]):
                starts = [match.start() for match in re.finditer("=+", lines[i])]
                rows: list[list[str]] = []
                for line in lines[i + 1 : borders[1]]:
                    if _BORDER.match(line):
                        continue
                    cells = _cells(line, starts)
                    if rows and not cells[0]:  # a continuation: its first column is blank
                        rows[-1] = [
                            f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)
                        ]
                    else:
                        rows.append(cells)
                indent = top["indent"]
                if out and out[-1].strip():
                    out.append("")
                out.append(indent + "| " + " | ".join(rows[0]) + " |")
                out.append(indent + "|" + "|".join(" --- " for _ in rows[0]) + "|")
                out.extend(indent + "| " + " | ".join(row) + " |" for row in rows[1:])
                i = borders[1] + 1
                continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _citations(text: str) -> str:
    """numpydoc citations as a Markdown list, and their references in the text as plain text."""
    text = _CITATION.sub(lambda match: f"{match['indent']}- [{match['label']}] ", text)
    return _CITED.sub(lambda match: f"[{match['label']}]", text)


def _math_blocks(text: str) -> str:
    r"""Turn every ``.. math::`` directive into a ``\[ … \]`` display block."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        indent = match["indent"]
        body = [match["rest"]] if match["rest"].strip() else []
        i += 1
        block: list[str] = []
        while i < len(lines):
            line = lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= len(indent):
                break
            block.append(line)
            i += 1
        # Blank lines that close the directive belong to the text around it.
        trailing = 0
        while block and not block[-1].strip():
            block.pop()
            trailing += 1
        body.extend(line for line in textwrap.dedent("\n".join(block)).split("\n") if line.strip())
        if out and out[-1].strip():
            out.append("")
        out.append(indent + "\\[")
        out.extend(indent + line for line in body)
        out.append(indent + "\\]")
        out.extend([""] * max(trailing, 1))
    return "\n".join(out)


def _lookup(collection: griffe.ModulesCollection, path: str) -> str | None:
    """The canonical path of the package's object at ``path``, or None."""
    try:
        obj = collection[path]
        canonical = obj.final_target.path if obj.is_alias else obj.path
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    if canonical == _ROOT or canonical.startswith(_ROOT + "."):
        return str(canonical)
    return None


def _scopes(obj: griffe.Object) -> list[str]:
    """Where a short name in ``obj``'s docstring is looked up, innermost first."""
    scopes: list[str] = []
    current: griffe.Object | None = obj
    while current is not None:
        if not (current.is_function or current.is_attribute):
            scopes.append(current.path)
        current = current.parent
    return scopes


def _resolve(collection: griffe.ModulesCollection, obj: griffe.Object, name: str) -> str | None:
    name = name.removesuffix("()")
    candidates = [name] if name.startswith(_ROOT + ".") or name == _ROOT else []
    candidates += [f"{scope}.{name}" for scope in _scopes(obj)]
    for candidate in candidates:
        found = _lookup(collection, candidate)
        if found is not None:
            return found
    return None


def rewrite(text: str, obj: griffe.Object, collection: griffe.ModulesCollection) -> str:
    """The docstring ``text`` of ``obj`` with its roles and math in Markdown for the site."""

    def xref(match: re.Match[str]) -> str:
        target = match["target"].strip()
        shown = target
        if "<" in target and target.endswith(">"):  # :func:`title <path>`
            shown, _, target = target[:-1].partition("<")
            shown, target = shown.strip(), target.strip()
        elif target.startswith("~"):
            target = target[1:]
            shown = target.rsplit(".", 1)[-1]
        title = f"<code>{html.escape(shown)}</code>"
        identifier = _resolve(collection, obj, target.lstrip("."))
        if identifier is None:
            return title
        return f'<autoref identifier="{html.escape(identifier)}" optional>{title}</autoref>'

    text = _citations(_simple_tables(_math_blocks(text)))
    text = _MATH.sub(lambda match: f"\\({match['tex']}\\)", text)
    return _XREF.sub(xref, text)


def _objects(obj: griffe.Object) -> list[griffe.Object]:
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias:
            found.extend(_objects(member))  # type: ignore[arg-type]
    return found


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles and math directives of every docstring of a loaded package."""

    def on_package(
        self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any
    ) -> None:
        """Rewrite once the whole package is loaded, with its imports resolved."""
        loader.resolve_aliases(implicit=False, external=False)
        for obj in _objects(pkg):
            if obj.docstring is not None:
                obj.docstring.value = rewrite(obj.docstring.value, obj, loader.modules_collection)
