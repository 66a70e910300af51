"""The figures of report 001 (contacts, shadow-visitation savings) and report 003 (the funnel): a `Prepared`
(prepare.py) in, a matplotlib Figure out, drawn like every other figure (plots.py)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.transforms import blended_transform_factory

from evalkit.contract import MASK, SECONDARY_MASK
from evalkit.figures.plots import (
    Heading,
    count_axis,
    finish,
    headroom,
    isnan,
    legend_below,
    percent_axis,
    subtitle,
    wrap,
)
from evalkit.figures.prepare import Prepared
from evalkit.figures.text import Text
from evalkit.figures.theme import PALETTE, new_figure

# --- report 001 ------------------------------------------------------------------------------------------------


def plot_contacts(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Report 001 figure 5.1: the share of contacts from citizens, relatives and partners."""
    frame, meta = prepared.frame, prepared.meta
    fig, ax = new_figure(3.2)
    y = np.arange(len(frame))
    ax.barh(y, frame["share"].fillna(0), height=0.6, color=[PALETTE["main"], PALETTE["second"], PALETTE["third"]])
    for i, r in enumerate(frame.itertuples()):
        share = text.percent(r.share) if not isnan(r.share) else ""
        label = f"{share} ({text.count(r.contacts, r.masked)})".strip()
        ax.annotate(
            label,
            (0 if isnan(r.share) else r.share, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(y, frame["label"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    percent_axis(ax.xaxis, text)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(text("contacts.axis"))
    subtitle(ax, heading)
    summary = text("contacts.summary", n=text.count(meta["contacts"], meta["contacts_masked"]))
    return finish(fig, heading, prepared, text, [summary])


def plot_shadow_savings(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Report 001 section 5.1: waterfall shadow cost -> actual cost -> annual gain; the investment on the same
    kroner scale beside it, so the two can be compared by eye."""
    frame, meta = prepared.frame, prepared.meta
    investment = meta.get("investment_dkk", math.nan)
    has_investment = not isnan(investment) and investment > 0
    fig, axes = new_figure(
        4.6,
        ncols=2 if has_investment else 1,
        sharey=True,
        squeeze=False,
        gridspec_kw={"width_ratios": [2.6, 1] if has_investment else [1]},
    )
    ax = axes[0, 0]
    colours = {"shadow": PALETTE["main"], "actual": PALETTE["negative"], "gain": PALETTE["second"]}
    x = np.arange(len(frame))
    for i, r in enumerate(frame.itertuples()):
        if isnan(r.start) or isnan(r.end):
            ax.annotate(text("no_value"), (i, 0), xytext=(0, 3), textcoords="offset points", ha="center")
            continue
        bottom, height = min(r.start, r.end), abs(r.end - r.start)
        ax.bar(i, height, bottom=bottom, width=0.6, color=colours[r.step])
        amount = text.dkk(r.value)
        if r.step == "actual":
            amount = "−" + text.dkk(-r.value) if r.value < 0 else amount
        ax.annotate(
            amount,
            (i, max(r.start, r.end)),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            fontweight="bold",
        )
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
    subtitle(ax, heading)
    if has_investment:
        side = axes[0, 1]
        side.bar(0, investment, width=0.6, color=PALETTE["investment"])
        side.annotate(
            text.dkk(investment),
            (0, investment),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            fontweight="bold",
        )
        side.set_xticks(
            [0], [text("investment.title") + ":\n" + text("investment.bar", hours=text.number(meta["staff_hours"]))]
        )
        side.set_xlim(-0.6, 0.6)
        # the same kroner scale, but a one-off sum over the period, not a sum per year: its own labelled axis
        side.tick_params(axis="y", labelleft=True)
        side.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.number(v)))
        side.set_ylabel(wrap(text("investment.axis"), 24), fontsize=9)
        side.grid(axis="x", visible=False)
        side.axhline(0, color="#888888", linewidth=0.8)
    notes = [text("shadow_savings.base", n=text.count(meta["ended_citizens"], meta["ended_citizens_masked"]))]
    return finish(fig, heading, prepared, text, notes)


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
        if i > 0 and not isnan(r.share_of_first):
            lines.append(text("funnel.of_first", share=text.percent(r.share_of_first, 0), first=first_label))
        if i > 1 and not isnan(r.share_of_previous):
            lines.append(text("funnel.of_previous", share=text.percent(r.share_of_previous, 0)))
        height = 0 if r.masked or isnan(r.citizens) else r.citizens
        ax.annotate(
            lines[0],
            (i, height),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=10,
            fontweight="bold",
        )
        if len(lines) > 1 and height > 0:
            ax.annotate(
                "\n".join(wrap(line, 18) for line in lines[1:]),
                (i, height),
                xytext=(0, -6),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                color="white",
            )
    ax.set_xticks(x, [wrap(label, 16) for label in frame["label"]])
    ax.set_ylim(0, headroom(frame["citizens"], 1.12))
    count_axis(ax.yaxis, text)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(text("citizens"))
    subtitle(ax, heading)
    return finish(fig, heading, prepared, text)


STEP_COLOURS = {2: PALETTE["second"], 3: PALETTE["main"], 4: PALETTE["fourth"], 5: PALETTE["third"]}


# Rows per panel of the national figure: 96 municipalities in two side-by-side panels of 48 fit an A4 page.
ROWS_PER_PANEL = 50


def plot_funnel_by_municipality(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Report 003 bilagsfigur 1: per municipality, stacked shares of the gross target group by furthest step
    reached. The furthest steps start at 0 (blue: conversation and team meeting), conversation only (green) is
    last, so the blue edge is the completion rate ("gennemførelsesprocent"), by which the rows are sorted, and
    the whole bar is the share with an initial conversation. Many municipalities go into panels side by side, so
    the figure fits an A4 page; a municipality whose shares are hidden says "skjult", not "<5" in the column of
    percentages."""
    frame = prepared.frame
    wide = frame.pivot(index="kommunekode", columns="step_order", values="share")
    labels = frame.drop_duplicates("kommunekode").set_index("kommunekode")["label"]
    # the row's mask: `x` where any of its counts is `x` (the stronger claim), else `<5`
    masked = frame.groupby("kommunekode")["masked"].agg(
        lambda m: SECONDARY_MASK if SECONDARY_MASK in set(m) else (MASK if any(m) else "")
    )
    completion = completion_share(wide)
    order = completion.fillna(-1).sort_values(ascending=False, kind="stable").index
    wide, masked, labels, completion = (x.loc[order] for x in (wide, masked, labels, completion))
    steps = frame.drop_duplicates("step_order").sort_values("step_order", ascending=False)
    panels = max(1, math.ceil(len(wide) / ROWS_PER_PANEL))
    rows = math.ceil(len(wide) / panels)
    fig, axes = new_figure(2.4 + 0.15 * rows, ncols=panels, squeeze=False)
    for number, ax in enumerate(axes[0]):
        part = slice(number * rows, (number + 1) * rows)
        _funnel_panel(ax, wide.iloc[part], masked.iloc[part], labels.iloc[part], completion.iloc[part], steps, text)
        # every panel on the same row scale (the last one's spare rows empty), a row on top for the column header
        ax.set_ylim(rows - 0.5, -1.5)
    legend_below(axes[0, 0], ncols=1)
    subtitle(axes[0, 0], heading)
    notes = [text("funnel.hidden_note")] if masked.any() else []
    return finish(fig, heading, prepared, text, notes)


def _funnel_panel(ax, wide, masked, labels, completion, steps, text: Text) -> None:
    y = np.arange(len(wide))
    left = np.zeros(len(wide))
    for order_, label in zip(steps["step_order"], steps["step_label"], strict=True):
        values = wide[order_].fillna(0).to_numpy()
        ax.barh(
            y,
            values,
            left=left,
            height=0.75,
            color=STEP_COLOURS.get(order_, PALETTE["muted"]),
            label=text("funnel.reached", step=label),
        )
        left += values
    column = blended_transform_factory(ax.transAxes, ax.transData)
    # the column's header in the empty top row: below the subtitle, and the percent axis is at the bottom only
    ax.text(1.03, -0.6, text("funnel.completion"), transform=column, fontsize=6.5, fontweight="bold", va="bottom")
    for i, (share, hidden) in enumerate(zip(completion, masked, strict=True)):
        label = text("funnel.hidden") if hidden else text.percent(share, 0)
        ax.text(1.03, i, label, transform=column, va="center", fontsize=6.5, style="italic" if hidden else "normal")
    ax.set_yticks(y, list(labels), fontsize=6.5)
    ax.set_xlim(0, 1)
    percent_axis(ax.xaxis, text)
    ax.xaxis.set_major_locator(mticker.MultipleLocator(0.25))
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(text("funnel.axis"), fontsize=8)


def completion_share(wide: pd.DataFrame) -> pd.Series:
    """Per municipality, the share of the first step that reached the third step in order (report 003's
    gennemførelsesprocent: conversation and team meeting); with two steps, the second step's share."""
    deeper = [c for c in wide.columns if c >= 3] or list(wide.columns)
    return wide[deeper].sum(axis=1, min_count=1)
