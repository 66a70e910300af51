"""One look for every figure: seaborn theme, palette, sizes, and how a figure is written (PNG at 200 dpi and SVG)."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are files; no display is needed or wanted in a pipeline job

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

DPI = 200
WIDTH = 7.5  # inches: fits an A4 text column at 200 dpi without rescaling the fonts

# seaborn's colour-blind palette, by role, so every figure uses a colour for the same kind of thing.
# Blue and green echo report 003's bars (blue: conversation and team meeting, green: conversation only).
PALETTE = {
    "main": "#0173B2",
    "second": "#029E73",
    "third": "#DE8F05",
    "fourth": "#CC78BC",
    "after": "#DE8F05",
    "negative": "#D55E00",
    "investment": "#949494",
    "total": "#404040",
    "marker": "#D55E00",
    "muted": "#9AA5B1",
    "text": "#222222",
}
SEQUENCE = [PALETTE[k] for k in ("main", "second", "third", "fourth")]


def apply_theme() -> None:
    """Set the shared theme. Called by every plot function, so a notebook gets the same look as the pipeline."""
    sns.set_theme(
        style="whitegrid",
        context="notebook",
        palette=SEQUENCE,
        font="DejaVu Sans",  # ships with matplotlib and has æ, ø, å and §
        rc={
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#B0B0B0",
            "grid.color": "#E6E6E6",
            "svg.hashsalt": "evalkit",  # stable SVG ids, so an unchanged figure gives an unchanged file
            "svg.fonttype": "path",
        },
    )


def new_figure(height: float, width: float = WIDTH, **subplots) -> tuple[plt.Figure, object]:
    apply_theme()
    return plt.subplots(figsize=(width, height), layout="constrained", **subplots)


def png_bytes(fig: plt.Figure, dpi: int = DPI) -> bytes:
    """The figure as a palette PNG: a figure of flat colours and anti-aliased text looks the same in 256 colours
    at a third of the size of a full-colour PNG, which keeps the HTML report and the notebooks light."""
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    compact = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        compact, format="png", optimize=True
    )
    return compact.getvalue()


def save_figure(fig: plt.Figure, stem: Path) -> list[Path]:
    """Write <stem>.png (200 dpi, palette colours) and <stem>.svg, without timestamps, and close the figure."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    png.write_bytes(png_bytes(fig))
    fig.savefig(svg, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return [png, svg]
