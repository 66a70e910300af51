"""One plot function per figure kind of report 000 and the rates across municipalities (the other reports':
programme_plots.py), and the helpers every plot shares: a `Prepared` (prepare.py) in, a matplotlib Figure out.

They draw exactly the prepared rows, label counts and amounts the Danish way (or English), start every count
and amount axis at zero, and show a count that publication masking hides as `<5` with no bar.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.transforms import blended_transform_factory

from evalkit.figures.prepare import Prepared
from evalkit.figures.text import Text
from evalkit.figures.theme import PALETTE, new_figure


@dataclass(frozen=True)
class Heading:
    """Title (the report's own wording), subtitle (municipality, period) and an optional note under the figure."""

    title: str
    subtitle: str = ""
    note: str = ""


def wrap(text: str, width: int = 78) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) if text else text


def finish(fig: plt.Figure, heading: Heading, prepared: Prepared, text: Text, notes: list[str] = ()) -> plt.Figure:
    fig.suptitle(wrap(heading.title, 70), x=0.01, ha="left", fontsize=12, fontweight="bold")
    lines = [n for n in (heading.note, *notes) if n]
    if prepared.masked:
        lines.append(text("masked_note"))
    lines.append(text("source"))
    footer = "\n".join(wrap(line, 110) for line in lines)
    fig.supxlabel(footer, x=0.01, ha="left", fontsize=7.5, color="#555555")
    return fig


def subtitle(ax: plt.Axes, heading: Heading) -> None:
    if heading.subtitle:
        ax.set_title(heading.subtitle, loc="left", fontsize=10, fontweight="normal", color="#444444", pad=10)


def count_axis(axis, text: Text) -> None:
    axis.set_major_locator(mticker.MaxNLocator(integer=True, nbins=6))
    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.number(v)))


def percent_axis(axis, text: Text) -> None:
    axis.set_major_locator(mticker.MultipleLocator(0.2))
    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.percent(v, 0)))


def legend_below(ax: plt.Axes, ncols: int) -> None:
    # under the x label: inside the axes it can cover bars, above them it collides with the title block
    ax.legend(loc="upper left", bbox_to_anchor=(0, 0), borderaxespad=5, ncols=ncols, fontsize=8)


def headroom(values, factor: float = 1.18) -> float:
    finite = [v for v in values if isinstance(v, (int, float)) and not math.isnan(v)]
    return max(finite + [4.0]) * factor  # a masked-only figure still gets room for its `<5` labels


def bar_labels(ax: plt.Axes, positions, values, masked, text: Text, horizontal: bool = False) -> None:
    """Each bar's count at its end; its mask (`<5`, `x`) at the axis where the bar is hidden."""
    for pos, value, hidden in zip(positions, values, masked, strict=True):
        label = text.count(value, hidden)
        end = 0.0 if hidden or math.isnan(value) else value
        if horizontal:
            ax.annotate(label, (end, pos), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8.5)
        else:
            ax.annotate(label, (pos, end), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8.5)


# --- report 000 appendix ---------------------------------------------------------------------------------------


def plot_counts(
    prepared: Prepared, column: str, text: Text, heading: Heading, xlabel: str = "", ylabel: str = ""
) -> plt.Figure:
    """Vertical bars, one per category (appendix table 1: § 82a/82b; table 2: age bands)."""
    frame = prepared.frame
    fig, ax = new_figure(4.2 if len(frame) > 2 else 3.8)
    x = np.arange(len(frame))
    ax.bar(x, frame[column].fillna(0), width=0.6, color=PALETTE["main"])
    bar_labels(ax, x, frame[column], frame["masked"], text)
    ax.set_xticks(x, frame["label"])
    ax.set_xlim(-0.6, len(frame) - 0.4)
    ax.set_ylim(0, headroom(frame[column]))
    count_axis(ax.yaxis, text)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    subtitle(ax, heading)
    return finish(fig, heading, prepared, text)


def mean_position(prepared: Prepared, mean_days: float) -> float | None:
    """Where the mean falls on the banded x axis: inside its band's bar, in proportion to its days."""
    if math.isnan(mean_days):
        return None
    for i, r in enumerate(prepared.frame.itertuples()):
        high = r.high_days if r.high_days is not None and not isnan(r.high_days) else None
        if high is None or mean_days <= high + 0.5:
            span = (high if high is not None else r.low_days + 182) - r.low_days + 1
            fraction = min(max((mean_days - r.low_days + 0.5) / span, 0.0), 1.0)
            return i - 0.4 + 0.8 * fraction
    return None


def isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def plot_course_length(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Appendix table 3: ended courses per length band, the mean marked as a line inside its band."""
    frame, meta = prepared.frame, prepared.meta
    fig, ax = new_figure(4.2)
    x = np.arange(len(frame))
    ax.bar(x, frame["courses"].fillna(0), width=0.8, color=PALETTE["main"])
    bar_labels(ax, x, frame["courses"], frame["masked"], text)
    top = headroom(frame["courses"], 1.3)
    ax.set_ylim(0, top)
    position = mean_position(prepared, meta["mean_days"])
    if position is not None:
        ax.axvline(position, color=PALETTE["marker"], linestyle="--", linewidth=1.5)
        ax.annotate(
            text("course_length.mean", days=text.number(meta["mean_days"], 1)),
            (position, top * 0.97),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=9,
            color=PALETTE["marker"],
            fontweight="bold",
        )
    ax.set_xticks(x, frame["label"])
    ax.set_xlim(-0.6, len(frame) - 0.4)
    count_axis(ax.yaxis, text)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(text("course_length.axis"))
    ax.set_ylabel(text("courses"))
    subtitle(ax, heading)
    summary = text(
        "course_length.summary",
        ended=text.count(meta["ended"], meta["ended_masked"]),
        mean=text.number(meta["mean_days"], 1) or text("no_value"),
        median=text.number(meta["median_days"], 0) or text("no_value"),
    )
    return finish(fig, heading, prepared, text, [summary])


def plot_services_before_after(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Appendix table 4: per paragraph, services started before/during and after the course, side by side."""
    frame = prepared.frame
    paragraphs = list(dict.fromkeys(frame["paragraph"]))
    labels = [frame.loc[frame.paragraph == p, "label"].iloc[0] for p in paragraphs]
    fig, ax = new_figure(1.6 + 0.55 * len(paragraphs))
    y = np.arange(len(paragraphs))
    colours = {"before_during": PALETTE["main"], "after": PALETTE["after"]}
    for offset, timing in ((-0.2, "before_during"), (0.2, "after")):
        part = frame[frame.timing == timing].set_index("paragraph").loc[paragraphs]
        ax.barh(
            y + offset,
            part["services"].fillna(0),
            height=0.38,
            color=colours[timing],
            label=part["timing_label"].iloc[0],
        )
        bar_labels(ax, y + offset, part["services"], part["masked"], text, horizontal=True)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, headroom(frame["services"], 1.15))
    count_axis(ax.xaxis, text)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(text("services"))
    legend_below(ax, ncols=2)
    subtitle(ax, heading)
    return finish(fig, heading, prepared, text, [text("services_before_after.note")])


def plot_housing_support(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Appendix table 5: one panel per delivered measure, months on a shared axis, the § 82 start marked."""
    frame, meta = prepared.frame, prepared.meta
    measures = meta["measures"]
    fig, axes = new_figure(1.4 + 2.0 * len(measures), nrows=len(measures), sharex=True, squeeze=False)
    axes = axes[:, 0]
    months = [np.datetime64(m) for m in frame["month"]]
    start = meta.get("section82_start")
    for ax, measure in zip(axes, measures, strict=True):
        colour = PALETTE["investment"] if measure == "citizens" else PALETTE["main"]
        ax.plot(months, frame[measure], color=colour, marker="o", markersize=2.5, linewidth=1.5)
        ax.set_ylim(0, headroom(frame[measure], 1.12))
        ax.yaxis.set_major_locator(mticker.MaxNLocator(nbins=5))
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.number(v)))
        ax.set_ylabel(wrap(text(f"housing_support.{measure}"), 22), fontsize=9)
        if measure == "citizens" and frame["citizens_masked"].any():
            hidden = [m for m, h in zip(months, frame["citizens_masked"], strict=True) if h]
            symbols = sorted({h for h in frame["citizens_masked"] if h}, key=str)
            ax.plot(
                hidden,
                [0] * len(hidden),
                linestyle="none",
                marker="x",
                color=PALETTE["marker"],
                label=" / ".join(text.count(math.nan, h) for h in symbols),
                clip_on=False,
            )
            ax.legend(loc="lower left")
        if start is not None:
            ax.axvline(np.datetime64(start), color=PALETTE["marker"], linestyle="--", linewidth=1.3)
    if start is not None:
        # The start can lie before the series (Hjørring: May 2017, series from 2018): the axis then reaches it.
        axes[0].annotate(
            text("housing_support.start", date=text.date(start)),
            (np.datetime64(start), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -2),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=8.5,
            color=PALETTE["marker"],
            fontweight="bold",
        )
    if len(months):
        first = min(months + ([np.datetime64(start)] if start is not None else []))
        axes[-1].set_xlim(first - np.timedelta64(20, "D"), max(months) + np.timedelta64(20, "D"))
    axes[-1].xaxis.set_major_locator(mdates.YearLocator())
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes[-1].xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    axes[-1].tick_params(axis="x", which="minor", length=3)
    subtitle(axes[0], heading)
    notes = [] if start is not None else [text("housing_support.no_start")]
    return finish(fig, heading, prepared, text, notes)


# --- across municipalities -------------------------------------------------------------------------------------


def plot_rate(prepared: Prepared, text: Text, heading: Heading, axis_label: str) -> plt.Figure:
    """A share per municipality with its 95 % Wilson interval, on the full 0-100 % scale; the total last."""
    frame = prepared.frame
    fig, ax = new_figure(1.7 + 0.5 * len(frame))
    y = np.arange(len(frame))
    total = (frame["kommunekode"] == "all").to_numpy()
    colours = [PALETTE["total"] if t else PALETTE["main"] for t in total]
    low = (frame["share"] - frame["ci_low"]).to_numpy()
    high = (frame["ci_high"] - frame["share"]).to_numpy()
    for i in range(len(frame)):
        ax.errorbar(
            frame["share"].iloc[i],
            y[i],
            xerr=[[low[i]], [high[i]]],
            fmt="o",
            color=colours[i],
            ecolor=colours[i],
            elinewidth=2,
            capsize=4,
            markersize=7,
        )
    labels_x = blended_transform_factory(ax.transAxes, ax.transData)
    for i, r in enumerate(frame.itertuples()):
        share = text.percent(r.share) if not isnan(r.share) else text("no_value")
        label = text(
            "rate.of",
            share=share,
            num=text.count(r.numerator, r.numerator_masked),
            den=text.count(r.denominator, r.denominator_masked),
        )
        ax.text(
            1.02, y[i], label, transform=labels_x, va="center", fontsize=9, fontweight="bold" if total[i] else "normal"
        )
    if total.any() and len(frame) > 1:
        ax.axhline(y[total][0] - 0.5, color="#B0B0B0", linewidth=0.8)
    ax.set_yticks(y, frame["label"])
    for tick, is_total in zip(ax.get_yticklabels(), total, strict=True):
        tick.set_fontweight("bold" if is_total else "normal")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_ylim(len(frame) - 0.5, -0.5)
    percent_axis(ax.xaxis, text)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(axis_label)
    subtitle(ax, heading)
    return finish(fig, heading, prepared, text)
