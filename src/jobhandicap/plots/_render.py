"""Rendering figures reproducibly (SVG, PNG) and placing text labels so they do not overlap."""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jobhandicap.errors import JobhandicapError
from jobhandicap.plots._common import INSTALL_HINT

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

__all__ = ["figure_to_png_base64", "figure_to_svg", "label_box", "separate_labels"]

# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


#: Held while a figure is rendered: ``rc_context`` changes the process-global ``rcParams`` for
#: the call, and matplotlib's renderers share caches, so two threads never render at once.
_RENDERING = threading.RLock()


def figure_to_svg(fig: Figure) -> str:
    """Render a figure as SVG text, byte-identical on every run.

    Parameters
    ----------
    fig
        The figure.

    Returns
    -------
    str
        The SVG document.

    Notes
    -----
    The ids matplotlib writes (clip paths, markers) are hashes salted with ``svg.hashsalt``,
    which is set to ``"jobhandicap"`` for the call (through :func:`matplotlib.rc_context`, so
    the caller's ``rcParams`` are untouched); the date and the matplotlib version are left out
    of the metadata. Rendering holds a lock of this module, so figures rendered from several
    threads at once are the same bytes as rendered one by one. Text is written as ``<text>``
    elements (``svg.fonttype = "none"``), so the file is small, searchable and does not embed
    glyphs; the viewer supplies the font.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.subplots().plot([0, 1], [0, 1])
    >>> figure_to_svg(fig) == figure_to_svg(fig)
    True
    >>> figure_to_svg(fig).startswith("<?xml")
    True
    """
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(INSTALL_HINT) from exc
    buffer = io.StringIO()
    with (
        _RENDERING,
        matplotlib.rc_context({"svg.hashsalt": "jobhandicap", "svg.fonttype": "none"}),
    ):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def figure_to_png_base64(fig: Figure, *, dpi: float = 150) -> str:
    """Render a figure as a base64-encoded PNG, for a ``data:image/png;base64,`` URI.

    Parameters
    ----------
    fig
        The figure.
    dpi
        Resolution in dots per inch.

    Returns
    -------
    str
        The PNG file, base64-encoded (ASCII).

    Notes
    -----
    The ``Software`` entry (the matplotlib version) is left out of the PNG metadata, so the
    same figure gives the same bytes on every run with the same fonts.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> png = figure_to_png_base64(fig, dpi=50)
    >>> png[:8], png == figure_to_png_base64(fig, dpi=50)
    ('iVBORw0K', True)
    """
    if not isinstance(dpi, int | float) or not dpi > 0:
        raise JobhandicapError(f"dpi must be a positive number, got {dpi!r}")
    buffer = io.BytesIO()
    with _RENDERING:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def separate_labels(fig: Figure, labels: Sequence[Annotation], gap: float = 1.0) -> None:
    """Move text labels up, in points, until no two of them overlap (deterministic stacking).

    The figure is drawn once (Agg) to measure the labels' boxes as the renderer lays them
    out. Labels are taken from the lowest to the highest (then left to right); each one that
    overlaps a label already placed is raised above the highest box it overlaps, plus ``gap``
    points, and measured again. The labels' anchors (the points they name) do not move; a
    label drawn with ``arrowprops`` keeps its line to its point. Only the text's box counts
    (:func:`label_box`), not the line.

    Parameters
    ----------
    fig
        The figure holding the labels (its layout finished: title, legend and axis labels
        set).
    labels
        Annotations with offsets in points (``textcoords="offset points"``).
    gap
        Space left between two stacked labels, in points.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> ax = fig.subplots()
    >>> texts = [ax.annotate(t, (0.5, 0.5), xytext=(4, 3), textcoords="offset points")
    ...          for t in ("first", "second")]
    >>> separate_labels(fig, texts)
    >>> tuple(texts[0].xyann), bool(texts[1].xyann[1] > 3)
    ((4, 3), True)
    """
    if len(labels) < 2:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    per_pixel = 72.0 / float(fig.dpi)
    boxes = [label_box(label, renderer) for label in labels]
    order = sorted(range(len(labels)), key=lambda k: (boxes[k].y0, boxes[k].x0, k))
    placed: list[Any] = []
    for k in order:
        label = labels[k]
        box = boxes[k]
        for _ in range(len(labels) + 1):
            clash = [other for other in placed if box.overlaps(other)]
            if not clash:
                break
            rise = max(other.y1 for other in clash) - box.y0
            x, y = label.xyann
            label.xyann = (x, y + rise * per_pixel + gap)
            box = label_box(label, renderer)
        placed.append(box)


def label_box(label: Annotation, renderer: Any) -> Any:
    """The box of a label's text in display units (without its line to the point).

    ``renderer`` is the renderer of a drawn canvas (``FigureCanvasAgg(fig).get_renderer()``).
    """
    from matplotlib.text import Text

    label.update_positions(renderer)
    return Text.get_window_extent(label, renderer)
