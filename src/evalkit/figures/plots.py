"""One plot function per figure kind: a `Prepared` (data.py) in, a matplotlib Figure out.

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
import pandas as pd
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


def _wrap(text: str, width: int = 78) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) if text else text


def _finish(fig: plt.Figure, heading: Heading, prepared: Prepared, text: Text, notes: list[str] = ()) -> plt.Figure:
    fig.suptitle(_wrap(heading.title, 70), x=0.01, ha="left", fontsize=12, fontweight="bold")
    lines = [n for n in (heading.note, *notes) if n]
    if prepared.masked:
        lines.append(text("masked_note"))
    lines.append(text("source"))
    footer = "\n".join(_wrap(line, 110) for line in lines)
    fig.supxlabel(footer, x=0.01, ha="left", fontsize=7.5, color="#555555")
    return fig


def _subtitle(ax: plt.Axes, heading: Heading) -> None:
    if heading.subtitle:
        ax.set_title(heading.subtitle, loc="left", fontsize=10, fontweight="normal", color="#444444", pad=10)


def _count_axis(axis, text: Text) -> None:
    axis.set_major_locator(mticker.MaxNLocator(integer=True, nbins=6))
    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.number(v)))


def _percent_axis(axis, text: Text) -> None:
    axis.set_major_locator(mticker.MultipleLocator(0.2))
    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.percent(v, 0)))


def _legend_below(ax: plt.Axes, ncols: int) -> None:
    # under the x label: inside the axes it can cover bars, above them it collides with the title block
    ax.legend(loc="upper left", bbox_to_anchor=(0, 0), borderaxespad=5, ncols=ncols, fontsize=8)


def _headroom(values, factor: float = 1.18) -> float:
    finite = [v for v in values if isinstance(v, (int, float)) and not math.isnan(v)]
    return max(finite + [4.0]) * factor  # a masked-only figure still gets room for its `<5` labels


def _bar_labels(ax: plt.Axes, positions, values, masked, text: Text, horizontal: bool = False) -> None:
    """Each bar's count at its end; `<5` at the axis where the bar is hidden."""
    for pos, value, hidden in zip(positions, values, masked, strict=True):
        label = text.count(value, hidden)
        end = 0.0 if hidden or math.isnan(value) else value
        if horizontal:
            ax.annotate(label, (end, pos), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8.5)
        else:
            ax.annotate(label, (pos, end), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8.5)


# --- report 000 appendix ---------------------------------------------------------------------------------------


def plot_counts(prepared: Prepared, column: str, text: Text, heading: Heading, xlabel: str = "",
                ylabel: str = "") -> plt.Figure:
    """Vertical bars, one per category (appendix table 1: § 82a/82b; table 2: age bands)."""
    frame = prepared.frame
    fig, ax = new_figure(4.2 if len(frame) > 2 else 3.8)
    x = np.arange(len(frame))
    ax.bar(x, frame[column].fillna(0), width=0.6, color=PALETTE["main"])
    _bar_labels(ax, x, frame[column], frame["masked"], text)
    ax.set_xticks(x, frame["label"])
    ax.set_xlim(-0.6, len(frame) - 0.4)
    ax.set_ylim(0, _headroom(frame[column]))
    _count_axis(ax.yaxis, text)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _subtitle(ax, heading)
    return _finish(fig, heading, prepared, text)


def mean_position(prepared: Prepared, mean_days: float) -> float | None:
    """Where the mean falls on the banded x axis: inside its band's bar, in proportion to its days."""
    if math.isnan(mean_days):
        return None
    for i, r in enumerate(prepared.frame.itertuples()):
        high = r.high_days if r.high_days is not None and not _isnan(r.high_days) else None
        if high is None or mean_days <= high + 0.5:
            span = (high if high is not None else r.low_days + 182) - r.low_days + 1
            fraction = min(max((mean_days - r.low_days + 0.5) / span, 0.0), 1.0)
            return i - 0.4 + 0.8 * fraction
    return None


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def plot_course_length(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Appendix table 3: ended courses per length band, the mean marked as a line inside its band."""
    frame, meta = prepared.frame, prepared.meta
    fig, ax = new_figure(4.2)
    x = np.arange(len(frame))
    ax.bar(x, frame["courses"].fillna(0), width=0.8, color=PALETTE["main"])
    _bar_labels(ax, x, frame["courses"], frame["masked"], text)
    top = _headroom(frame["courses"], 1.3)
    ax.set_ylim(0, top)
    position = mean_position(prepared, meta["mean_days"])
    if position is not None:
        ax.axvline(position, color=PALETTE["marker"], linestyle="--", linewidth=1.5)
        ax.annotate(text("course_length.mean", days=text.number(meta["mean_days"], 1)), (position, top * 0.97),
                    xytext=(4, 0), textcoords="offset points", ha="left", va="top", fontsize=9,
                    color=PALETTE["marker"], fontweight="bold")
    ax.set_xticks(x, frame["label"])
    ax.set_xlim(-0.6, len(frame) - 0.4)
    _count_axis(ax.yaxis, text)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(text("course_length.axis"))
    ax.set_ylabel(text("courses"))
    _subtitle(ax, heading)
    summary = text("course_length.summary", ended=text.count(meta["ended"], meta["ended_masked"]),
                   mean=text.number(meta["mean_days"], 1) or text("no_value"),
                   median=text.number(meta["median_days"], 0) or text("no_value"))
    return _finish(fig, heading, prepared, text, [summary])


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
        ax.barh(y + offset, part["services"].fillna(0), height=0.38, color=colours[timing],
                label=part["timing_label"].iloc[0])
        _bar_labels(ax, y + offset, part["services"], part["masked"], text, horizontal=True)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, _headroom(frame["services"], 1.15))
    _count_axis(ax.xaxis, text)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(text("services"))
    _legend_below(ax, ncols=2)
    _subtitle(ax, heading)
    return _finish(fig, heading, prepared, text, [text("services_before_after.note")])


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
        ax.set_ylim(0, _headroom(frame[measure], 1.12))
        ax.yaxis.set_major_locator(mticker.MaxNLocator(nbins=5))
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.number(v)))
        ax.set_ylabel(_wrap(text(f"housing_support.{measure}"), 22), fontsize=9)
        if measure == "citizens" and frame["citizens_masked"].any():
            hidden = [m for m, h in zip(months, frame["citizens_masked"], strict=True) if h]
            ax.plot(hidden, [0] * len(hidden), linestyle="none", marker="x", color=PALETTE["marker"],
                    label="<5", clip_on=False)
            ax.legend(loc="lower left")
        if start is not None:
            ax.axvline(np.datetime64(start), color=PALETTE["marker"], linestyle="--", linewidth=1.3)
    if start is not None:
        # The start can lie before the series (Hjørring: May 2017, series from 2018): the axis then reaches it.
        axes[0].annotate(text("housing_support.start", date=text.date(start)), (np.datetime64(start), 1.0),
                         xycoords=("data", "axes fraction"), xytext=(4, -2), textcoords="offset points",
                         ha="left", va="top", fontsize=8.5, color=PALETTE["marker"], fontweight="bold")
    if len(months):
        first = min(months + ([np.datetime64(start)] if start is not None else []))
        axes[-1].set_xlim(first - np.timedelta64(20, "D"), max(months) + np.timedelta64(20, "D"))
    axes[-1].xaxis.set_major_locator(mdates.YearLocator())
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes[-1].xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    axes[-1].tick_params(axis="x", which="minor", length=3)
    _subtitle(axes[0], heading)
    notes = [] if start is not None else [text("housing_support.no_start")]
    return _finish(fig, heading, prepared, text, notes)


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
        ax.errorbar(frame["share"].iloc[i], y[i], xerr=[[low[i]], [high[i]]], fmt="o", color=colours[i],
                    ecolor=colours[i], elinewidth=2, capsize=4, markersize=7)
    labels_x = blended_transform_factory(ax.transAxes, ax.transData)
    for i, r in enumerate(frame.itertuples()):
        share = text.percent(r.share) if not _isnan(r.share) else text("no_value")
        label = text("rate.of", share=share, num=text.count(r.numerator, r.numerator_masked),
                     den=text.count(r.denominator, r.denominator_masked))
        ax.text(1.02, y[i], label, transform=labels_x, va="center", fontsize=9,
                fontweight="bold" if total[i] else "normal")
    if total.any() and len(frame) > 1:
        ax.axhline(y[total][0] - 0.5, color="#B0B0B0", linewidth=0.8)
    ax.set_yticks(y, frame["label"])
    for tick, is_total in zip(ax.get_yticklabels(), total, strict=True):
        tick.set_fontweight("bold" if is_total else "normal")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_ylim(len(frame) - 0.5, -0.5)
    _percent_axis(ax.xaxis, text)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(axis_label)
    _subtitle(ax, heading)
    return _finish(fig, heading, prepared, text)


# --- report 001 ------------------------------------------------------------------------------------------------


def plot_contacts(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Report 001 figure 5.1: the share of contacts from citizens, relatives and partners."""
    frame, meta = prepared.frame, prepared.meta
    fig, ax = new_figure(3.2)
    y = np.arange(len(frame))
    ax.barh(y, frame["share"].fillna(0), height=0.6, color=[PALETTE["main"], PALETTE["second"], PALETTE["third"]])
    for i, r in enumerate(frame.itertuples()):
        share = text.percent(r.share) if not _isnan(r.share) else ""
        label = f"{share} ({text.count(r.contacts, r.masked)})".strip()
        ax.annotate(label, (0 if _isnan(r.share) else r.share, i), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=9)
    ax.set_yticks(y, frame["label"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis, text)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(text("contacts.axis"))
    _subtitle(ax, heading)
    summary = text("contacts.summary", n=text.count(meta["contacts"], meta["contacts_masked"]))
    return _finish(fig, heading, prepared, text, [summary])


def plot_shadow_savings(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Report 001 section 5.1: waterfall shadow cost -> actual cost -> annual gain; the investment on the same
    kroner scale beside it, so the two can be compared by eye."""
    frame, meta = prepared.frame, prepared.meta
    investment = meta.get("investment_dkk", math.nan)
    has_investment = not _isnan(investment) and investment > 0
    fig, axes = new_figure(4.6, ncols=2 if has_investment else 1, sharey=True, squeeze=False,
                           gridspec_kw={"width_ratios": [3, 1] if has_investment else [1]})
    ax = axes[0, 0]
    colours = {"shadow": PALETTE["main"], "actual": PALETTE["negative"], "gain": PALETTE["second"]}
    x = np.arange(len(frame))
    for i, r in enumerate(frame.itertuples()):
        if _isnan(r.start) or _isnan(r.end):
            ax.annotate(text("no_value"), (i, 0), xytext=(0, 3), textcoords="offset points", ha="center")
            continue
        bottom, height = min(r.start, r.end), abs(r.end - r.start)
        ax.bar(i, height, bottom=bottom, width=0.6, color=colours[r.step])
        amount = text.dkk(r.value)
        if r.step == "actual":
            amount = "−" + text.dkk(-r.value) if r.value < 0 else amount
        ax.annotate(amount, (i, max(r.start, r.end)), xytext=(0, 3), textcoords="offset points", ha="center",
                    fontsize=9, fontweight="bold")
        if i + 1 < len(frame) and r.step != "actual":
            ax.plot([i + 0.3, i + 0.7], [r.end, r.end], color="#888888", linewidth=0.8, linestyle=":")
    # the dotted connector from the actual cost's foot to the gain's top
    actual = frame[frame.step == "actual"].iloc[0]
    ax.plot([1.3, 1.7], [actual.end, actual.end], color="#888888", linewidth=0.8, linestyle=":")
    ax.axhline(0, color="#888888", linewidth=0.8)
    ax.set_xticks(x, frame["label"])
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.number(v)))
    ax.set_ylabel(text("shadow_savings.axis"))
    top = np.nanmax([frame["start"].max(), frame["end"].max(), investment if has_investment else 0])
    ax.set_ylim(min(0, np.nanmin(frame["end"])) * 1.15, top * 1.15)
    _subtitle(ax, heading)
    if has_investment:
        side = axes[0, 1]
        side.bar(0, investment, width=0.6, color=PALETTE["investment"])
        side.annotate(text.dkk(investment), (0, investment), xytext=(0, 3), textcoords="offset points",
                      ha="center", fontsize=9, fontweight="bold")
        side.set_xticks([0], [text("investment.title") + ":\n"
                              + text("investment.bar", hours=text.number(meta["staff_hours"]))])
        side.set_xlim(-0.6, 0.6)
        side.grid(axis="x", visible=False)
        side.axhline(0, color="#888888", linewidth=0.8)
    notes = [text("shadow_savings.base", n=text.count(meta["ended_citizens"], meta["ended_citizens_masked"]))]
    return _finish(fig, heading, prepared, text, notes)


# --- report 003 ------------------------------------------------------------------------------------------------


def plot_funnel(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Report 003 table 3-1: citizens at each step, with the share of the first step and of the previous one."""
    frame = prepared.frame
    fig, ax = new_figure(4.6)
    x = np.arange(len(frame))
    colours = [PALETTE["muted"]] + [PALETTE["main"]] * (len(frame) - 1)
    ax.bar(x, frame["citizens"].fillna(0), width=0.65, color=colours)
    first_label = frame["label"].iloc[0].lower() if text.language == "da" else frame["label"].iloc[0]
    for i, r in enumerate(frame.itertuples()):
        lines = [text.count(r.citizens, r.masked)]
        if i > 0 and not _isnan(r.share_of_first):
            lines.append(text("funnel.of_first", share=text.percent(r.share_of_first, 0), first=first_label))
        if i > 1 and not _isnan(r.share_of_previous):
            lines.append(text("funnel.of_previous", share=text.percent(r.share_of_previous, 0)))
        height = 0 if r.masked or _isnan(r.citizens) else r.citizens
        ax.annotate(lines[0], (i, height), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=10,
                    fontweight="bold")
        if len(lines) > 1 and height > 0:
            ax.annotate("\n".join(_wrap(line, 18) for line in lines[1:]), (i, height), xytext=(0, -6),
                        textcoords="offset points", ha="center", va="top", fontsize=8, color="white")
    ax.set_xticks(x, [_wrap(label, 16) for label in frame["label"]])
    ax.set_ylim(0, _headroom(frame["citizens"], 1.12))
    _count_axis(ax.yaxis, text)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(text("citizens"))
    _subtitle(ax, heading)
    return _finish(fig, heading, prepared, text)


STEP_COLOURS = {2: PALETTE["second"], 3: PALETTE["main"], 4: PALETTE["fourth"], 5: PALETTE["third"]}


def plot_funnel_by_municipality(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Report 003 bilagsfigur 1: per municipality, stacked shares of the gross target group by furthest step
    reached. The furthest steps start at 0 (blue: conversation and team meeting), conversation only (green) is
    last, so the blue edge is the completion rate ("gennemførelsesprocent"), by which the rows are sorted, and
    the whole bar is the share with an initial conversation."""
    frame = prepared.frame
    wide = frame.pivot(index="kommunekode", columns="step_order", values="share")
    labels = frame.drop_duplicates("kommunekode").set_index("kommunekode")["label"]
    masked = frame.groupby("kommunekode")["masked"].any()
    completion = completion_share(wide)
    order = completion.fillna(-1).sort_values(ascending=False, kind="stable").index
    wide, masked, labels, completion = (x.loc[order] for x in (wide, masked, labels, completion))
    steps = frame.drop_duplicates("step_order").sort_values("step_order", ascending=False)
    fig, ax = new_figure(2.2 + 0.16 * len(wide))
    y = np.arange(len(wide))
    left = np.zeros(len(wide))
    for order_, label in zip(steps["step_order"], steps["step_label"], strict=True):
        values = wide[order_].fillna(0).to_numpy()
        ax.barh(y, values, left=left, height=0.75, color=STEP_COLOURS.get(order_, PALETTE["muted"]),
                label=text("funnel.reached", step=label))
        left += values
    column = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.02, -1.0, text("funnel.completion"), transform=column, fontsize=7, fontweight="bold",
            va="bottom")
    for i, (share, hidden) in enumerate(zip(completion, masked, strict=True)):
        label = "<5" if hidden else text.percent(share, 0)
        ax.text(1.02, i, label, transform=column, va="center", fontsize=6.5)
    ax.set_yticks(y, list(labels), fontsize=6.5)
    ax.set_ylim(len(wide) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis, text)
    ax.xaxis.set_tick_params(labeltop=True)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(text("funnel.axis"))
    _legend_below(ax, ncols=1)
    _subtitle(ax, heading)
    return _finish(fig, heading, prepared, text)


def completion_share(wide: pd.DataFrame) -> pd.Series:
    """Per municipality, the share of the first step that reached the third step in order (report 003's
    gennemførelsesprocent: conversation and team meeting); with two steps, the second step's share."""
    deeper = [c for c in wide.columns if c >= 3] or list(wide.columns)
    return wide[deeper].sum(axis=1, min_count=1)
