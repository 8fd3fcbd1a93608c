"""The documentation site: Sphinx roles become links, formulas are wrapped for KaTeX.

The docstrings keep their numpydoc roles (``:func:``, ``:math:``, ``.. math::``), simple
tables and citations; the Griffe extension ``docs/_ext/sphinx_roles.py`` rewrites them when the
site is built. The fast tests check the rewriting on the package as Griffe loads it; the slow
one builds the whole site (``mkdocs build --strict``) and reads the API pages' HTML.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_ROLE = re.compile(r":(func|class|mod|data|attr|meth|math):`|\.\. math::")
RAW_RST = re.compile(r"^\s*={3,} +={3,}|^\s*\.\. \[\d+\]|\[\d+\]_", re.MULTILINE)

griffe = pytest.importorskip("griffe")


@pytest.fixture(scope="module")
def roles() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sphinx_roles", ROOT / "docs" / "_ext" / "sphinx_roles.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def loaded() -> Any:
    loader = griffe.GriffeLoader(search_paths=[str(ROOT / "src")])
    package = loader.load("jobhandicap")
    loader.resolve_aliases(implicit=False, external=False)
    return package, loader.modules_collection


def defined_at(collection: Any, path: str) -> str:
    """The path where the object importable as ``path`` is defined."""
    obj = collection[path]
    return str(obj.final_target.path if obj.is_alias else obj.path)


def test_short_names_link_to_the_canonical_object(roles: ModuleType, loaded: Any) -> None:
    package, collection = loaded
    where = package["survey"]
    text = roles.rewrite(":func:`top_box` raises :class:`MissingColumnsError`.", where, collection)
    top_box = defined_at(collection, "jobhandicap.survey.top_box")
    assert f'<autoref identifier="{top_box}" optional>' in text
    assert '<autoref identifier="jobhandicap.errors.MissingColumnsError" optional>' in text
    assert "<code>top_box</code>" in text
    assert ":func:" not in text
    assert ":class:" not in text


def test_tilde_shows_the_last_part_and_dotted_names_resolve(
    roles: ModuleType, loaded: Any
) -> None:
    package, collection = loaded
    text = roles.rewrite(":class:`~jobhandicap.errors.SchemaError`", package, collection)
    assert text == (
        '<autoref identifier="jobhandicap.errors.SchemaError" optional>'
        "<code>SchemaError</code></autoref>"
    )
    # A name re-exported at the top level links to where it is defined.
    text = roles.rewrite(":func:`jobhandicap.read_cases`", package, collection)
    defined = defined_at(collection, "jobhandicap.read_cases")
    assert defined != "jobhandicap.read_cases"
    assert f'identifier="{defined}"' in text


def test_names_outside_the_package_are_inline_code(roles: ModuleType, loaded: Any) -> None:
    package, collection = loaded
    text = roles.rewrite(
        ":class:`ValueError` and :class:`~numpy.random.Generator` and :func:`no_such_name`",
        package["cases"],
        collection,
    )
    assert (
        text == "<code>ValueError</code> and <code>Generator</code> and <code>no_such_name</code>"
    )


def test_math_roles_and_blocks_become_arithmatex_delimiters(
    roles: ModuleType, loaded: Any
) -> None:
    package, collection = loaded
    docstring = (
        "The estimate\n"
        "\n"
        ".. math::\n"
        "\n"
        "    \\hat p = \\frac{x}{n},\n"
        "    \\qquad x \\le n\n"
        "\n"
        "with :math:`n` the base.\n"
    )
    text = roles.rewrite(docstring, package, collection)
    assert text == (
        "The estimate\n"
        "\n"
        "\\[\n"
        "\\hat p = \\frac{x}{n},\n"
        "\\qquad x \\le n\n"
        "\\]\n"
        "\n"
        "with \\(n\\) the base.\n"
    )


def test_simple_tables_and_citations_become_markdown(roles: ModuleType, loaded: Any) -> None:
    package, collection = loaded
    docstring = (
        "Options:\n"
        "\n"
        "=========  ==============\n"
        "value      meaning\n"
        "=========  ==============\n"
        "``a``      the first, with\n"
        "           a second line\n"
        "``b``      the other [1]_\n"
        "=========  ==============\n"
        "\n"
        "References\n"
        "----------\n"
        ".. [1] A. Author (2000). A title,\n"
        "   continued.\n"
    )
    assert roles.rewrite(docstring, package, collection) == (
        "Options:\n"
        "\n"
        "| value | meaning |\n"
        "| --- | --- |\n"
        "| ``a`` | the first, with a second line |\n"
        "| ``b`` | the other [1] |\n"
        "\n"
        "References\n"
        "----------\n"
        "- [1] A. Author (2000). A title,\n"
        "   continued.\n"
    )


def test_every_docstring_of_the_package_is_rewritten_without_roles(
    roles: ModuleType, loaded: Any
) -> None:
    package, collection = loaded
    for obj in roles._objects(package):
        if obj.docstring is not None:
            text = roles.rewrite(obj.docstring.value, obj, collection)
            assert RAW_ROLE.search(text) is None, obj.path
            assert RAW_RST.search(text) is None, obj.path


def _built_site(tmp_path: Path) -> Path:
    """The site ``mkdocs build --strict`` makes; CI's own build when it names it.

    ``.ci/run`` builds the site strictly in the step before the tests and passes its folder in
    ``JOBHANDICAP_DOCS_SITE``, so that the same build is not run twice; anywhere else the test
    builds it.
    """
    built = os.environ.get("JOBHANDICAP_DOCS_SITE")
    if built:
        return Path(built)
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return site


@pytest.mark.slow
def test_the_site_builds_strictly_with_rendered_api_pages(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    site = _built_site(tmp_path)

    pages = sorted((site / "reference").rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        match = RAW_ROLE.search(html) or RAW_RST.search(html)
        assert match is None, f"{page.relative_to(site)}: raw {match.group(0)}"

    survival = (site / "reference" / "stats" / "survival" / "index.html").read_text("utf-8")
    assert '<div class="arithmatex">\\[' in survival
    assert '<span class="arithmatex">\\(' in survival
    assert 'class="autorefs autorefs-internal"' in survival  # roles became links
    # The formula renderer ships with the site: no network needed to read it.
    assert (site / "javascripts" / "katex" / "katex.min.js").is_file()
    assert "javascripts/katex/katex.min.js" in survival
