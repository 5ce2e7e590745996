"""Charts for the bulletins, as PNG pictures to embed in a document.

Drawn with matplotlib's Agg renderer through its object-oriented API (no pyplot, so no
global figure state and no GUI backend), in Noto Sans CJK SC, the sans face that
scripts/ensure-documents.sh installs for the documents' tables. Where that face is missing
the chart is still drawn, in matplotlib's default face (Chinese glyphs then show as boxes),
and a warning says so. The same rows always give the same bytes: the PNG carries no
software version or time."""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

CHINESE_FAMILY = "Noto Sans CJK SC"
# The file name Debian's fonts-noto-cjk gives that family (NotoSansCJK-Regular.ttc, -Bold.ttc).
CHINESE_FILE_STEM = "NotoSansCJK"
WIDTH_MM = 160
MIN_HEIGHT_MM = 90
# Each bar takes this much height, so that 32 jurisdictions keep legible names; with the
# title and margins a chart of up to 16 bars stays at MIN_HEIGHT_MM.
BAR_PITCH_MM = 4.6
FRAME_MM = 16
# Fewer rows are spread over this many slots, centred, so that their bars stay as thick as
# in a long ranking instead of filling the chart.
MIN_SLOTS = 8
DPI = 150
BAR_COLOR = "#2f5597"
LABEL_PT = 8
TITLE_PT = 10
MM_PER_INCH = 25.4


@functools.cache
def chart_family() -> str:
    """The font family of the charts: CHINESE_FAMILY when matplotlib finds it, else its
    default sans-serif family, with a warning logged once.

    matplotlib keeps its list of system fonts in a cache written on first use; a font
    installed after that (scripts/ensure-documents.sh runs before the suite, but anything
    may have used matplotlib earlier on the machine) is missing from it, so the system's
    CJK font files are added once before giving up."""
    if not _chinese_font_found():
        for path in font_manager.findSystemFonts():
            if CHINESE_FILE_STEM in Path(path).name:
                font_manager.fontManager.addfont(path)
    if not _chinese_font_found():
        logger.warning(
            "The font %s is missing: charts are drawn without Chinese glyphs. "
            "Install it with scripts/ensure-documents.sh.",
            CHINESE_FAMILY,
        )
        return "sans-serif"
    return CHINESE_FAMILY


def _chinese_font_found() -> bool:
    try:
        font_manager.findfont(
            font_manager.FontProperties(family=CHINESE_FAMILY), fallback_to_default=False
        )
    except ValueError:
        return False
    return True


def ranking_chart(
    title: str,
    rows: Sequence[tuple[str, float | None]],
    *,
    value_text: Callable[[float], str] = "{:,g}".format,
) -> bytes:
    """A horizontal bar chart of ``rows`` (name, value) in the given order, the first at
    the top, each bar labelled with ``value_text(value)`` ("—" and no bar for ``None``), as
    PNG bytes: WIDTH_MM wide at DPI, MIN_HEIGHT_MM high or more for many rows."""
    family = chart_family()
    values = [0.0 if value is None else float(value) for _, value in rows]
    height_mm = max(MIN_HEIGHT_MM, FRAME_MM + BAR_PITCH_MM * len(rows))
    figure = Figure(
        figsize=(WIDTH_MM / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=DPI, layout="constrained"
    )
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(rows))
    bars = axes.barh(positions, values, height=0.65, color=BAR_COLOR)
    axes.set_yticks(positions, labels=[name for name, _ in rows])
    axes.tick_params(axis="y", length=0, labelsize=LABEL_PT, labelfontfamily=family)
    spare = (max(len(rows), MIN_SLOTS) - len(rows)) / 2
    axes.set_ylim(len(rows) - 0.5 + spare, -0.5 - spare)  # the first row at the top
    labels = ["—" if value is None else value_text(value) for _, value in rows]
    axes.bar_label(bars, labels=labels, padding=2, fontsize=LABEL_PT - 0.5, fontfamily=family)
    axes.set_title(title, fontsize=TITLE_PT, fontfamily=family)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    low, high = min([0.0, *values]), max([0.0, *values])
    axes.set_xlim(low * 1.15, high * 1.15 or 1.0)  # room for the labels past the bars
    output = io.BytesIO()
    figure.savefig(output, format="png", dpi=DPI, metadata={"Software": None})
    return output.getvalue()
