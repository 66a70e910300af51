"""The business case's figures (contract section 7): a `Prepared` (business_case_prepare.py) in, a matplotlib
Figure out, one panel per scenario, drawn like every other figure (plots.py)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.transforms import blended_transform_factory

from evalkit.contract import ALL
from evalkit.figures.plots import Heading, finish, legend_below, wrap
from evalkit.figures.prepare import Prepared
from evalkit.figures.text import Text
from evalkit.figures.theme import PALETTE, new_figure

PAYER_COLOURS = {"kommune": PALETTE["main"], "region": PALETTE["second"], "stat": PALETTE["third"]}


def kroner_axis(axis, text: Text) -> None:
    axis.set_major_locator(mticker.MaxNLocator(nbins=6))
    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.number(v)))


def _panel_title(ax: plt.Axes, panel: dict, heading: Heading, first: bool, extra: str = "") -> None:
    """The scenario (and what it assumes) above its panel; above the first, the figure's subtitle too (the
    municipality and period), which the other figures give their one panel."""
    lines = [heading.subtitle, ""] if first and heading.subtitle else []
    lines.append(panel["label"] + (f" · {extra}" if extra else ""))
    if panel.get("assumptions"):
        lines.append(wrap(panel["assumptions"], 110))
    ax.set_title("\n".join(lines), loc="left", fontsize=9, fontweight="normal", color="#333333")


def plot_cumulative(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Per scenario: each payer's cumulative net per year as stacked bars (gains above 0, the investment below),
    the total as a line, and the payback where the line reaches 0."""
    frame, panels = prepared.frame, prepared.meta["panels"]
    fig, axes = new_figure(1.6 + 2.9 * len(panels), nrows=len(panels), sharex=True, sharey=True, squeeze=False)
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        mine = frame[frame["scenario"] == panel["scenario"]]
        years = sorted(set(mine["year"]))
        above, below = np.zeros(len(years)), np.zeros(len(years))
        for payer in prepared.meta["payers"]:
            part = mine[mine["payer"] == payer].set_index("year").reindex(years)
            values = part["cumulative_net_dkk"].fillna(0).to_numpy()
            bottom = np.where(values >= 0, above, below)
            ax.bar(years, values, bottom=bottom, width=0.7, color=PAYER_COLOURS[payer], label=text.code("payer", payer))
            above += np.where(values >= 0, values, 0)
            below += np.where(values < 0, values, 0)
        total = mine[mine["payer"] == ALL].sort_values("year")
        ax.plot(
            total["year"], total["cumulative_net_dkk"], color=PALETTE["total"], marker="o", markersize=3.5,
            linewidth=1.4, label=text("business_case.total"),
        )  # fmt: skip
        ax.axhline(0, color="#888888", linewidth=0.8)
        months = panel["payback_months"]
        if not math.isnan(months):
            label = text("business_case.payback", months=text.number(months, 1))
            ax.plot(
                [months / 12], [0], linestyle="none", marker="D", color=PALETTE["marker"], markersize=7, zorder=5,
                label=text("business_case.payback_mark"),
            )  # fmt: skip
        else:
            label = text("business_case.no_payback", years=text.number(max(years)))
        _panel_title(ax, panel, heading, ax is axes[0, 0], label)
        kroner_axis(ax.yaxis, text)
        ax.set_xticks(years)
        ax.grid(axis="x", visible=False)
        ax.set_ylabel(wrap(text("business_case.cumulative_axis"), 28), fontsize=9)
    axes[-1, 0].set_xlabel(text("business_case.year_axis"))
    legend_below(axes[-1, 0], ncols=5)
    return finish(fig, heading, prepared, text, [text("business_case.cumulative_note")])


def plot_tornado(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Per scenario: for each assumption a bar from the scenario's NPV to the NPV at each end of its range (widest
    first), the scenario's NPV and 0 marked, and the contract's switching values in a column on the right."""
    frame, panels = prepared.frame, prepared.meta["panels"]
    fig, axes = new_figure(1.8 + 2.6 * len(panels), nrows=len(panels), sharex=True, squeeze=False)
    ends = frame[["npv_low_dkk", "npv_high_dkk"]].to_numpy()
    span = (min(0.0, np.nanmin(ends)), max(0.0, np.nanmax(ends)))
    margin = (span[1] - span[0]) * 0.18 or 1.0
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        mine = frame[frame["scenario"] == panel["scenario"]].reset_index(drop=True)
        y = np.arange(len(mine))
        npv = panel["npv_dkk"]
        for end, colour, name in (("low", PALETTE["main"], "low_end"), ("high", PALETTE["third"], "high_end")):
            values = mine[f"npv_{end}_dkk"].to_numpy()
            ax.barh(y, values - npv, left=npv, height=0.6, color=colour, label=text(f"business_case.{name}"))
            for i, value in enumerate(values):
                ax.annotate(
                    mine.at[i, f"{end}_label"], (value, i), xytext=(4 if value >= npv else -4, 0),
                    textcoords="offset points", ha="left" if value >= npv else "right", va="center", fontsize=8,
                )  # fmt: skip
        ax.axvline(npv, color=PALETTE["total"], linewidth=1.2)
        ax.axvline(0, color=PALETTE["marker"], linewidth=1.1, linestyle="--")
        column = blended_transform_factory(ax.transAxes, ax.transData)
        ax.text(1.02, -0.9, text("business_case.switching"), transform=column, fontsize=8, fontweight="bold")
        for i, r in mine.iterrows():
            ax.text(1.02, i, r["switching_label"] or text("no_value"), transform=column, va="center", fontsize=8.5)
            crosses = min(r["npv_low_dkk"], r["npv_high_dkk"]) <= 0 <= max(r["npv_low_dkk"], r["npv_high_dkk"])
            if r["switching_label"] and crosses:
                ax.plot([0], [i], marker="D", color=PALETTE["marker"], markersize=6, zorder=5)
        ax.set_yticks(
            y,
            [f"{r.label}\n{text('business_case.own_value', value=r.value_label)}" for r in mine.itertuples()],
            fontsize=8.5,
        )
        ax.set_ylim(len(mine) - 0.5, -1.2)
        ax.set_xlim(span[0] - margin, span[1] + margin)
        kroner_axis(ax.xaxis, text)
        ax.grid(axis="y", visible=False)
        _panel_title(ax, panel, heading, ax is axes[0, 0], text("business_case.npv", value=text.dkk(npv)))
    axes[-1, 0].set_xlabel(text("business_case.npv_axis"))
    legend_below(axes[-1, 0], ncols=2)
    return finish(fig, heading, prepared, text, [text("business_case.tornado_note")])


def plot_distribution(prepared: Prepared, text: Text, heading: Heading) -> plt.Figure:
    """Per scenario: the resampled NPVs as bars between consecutive percentiles (each 2.5 % of the resamples),
    the 95 % interval shaded, the NPV and 0 marked."""
    frame, panels = prepared.frame, prepared.meta["panels"]
    # each scenario on its own kroner scale: a cautious scenario's narrow distribution would vanish on the base's
    fig, axes = new_figure(1.6 + 2.5 * len(panels), nrows=len(panels), squeeze=False)
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        mine = frame[frame["scenario"] == panel["scenario"]]
        ax.bar(
            mine["left"], mine["density"], width=mine["right"] - mine["left"], align="edge", color=PALETTE["main"],
            linewidth=0,
        )  # fmt: skip
        if not (math.isnan(panel["ci_low"]) or math.isnan(panel["ci_high"])):
            ax.axvspan(panel["ci_low"], panel["ci_high"], color=PALETTE["muted"], alpha=0.25, linewidth=0)
            interval = text("business_case.interval", low=text.dkk(panel["ci_low"]), high=text.dkk(panel["ci_high"]))
        else:
            interval = ""
        ax.axvline(panel["npv_dkk"], color=PALETTE["total"], linewidth=1.4)
        ax.axvline(0, color=PALETTE["marker"], linewidth=1.1, linestyle="--")
        low, high = min(0.0, panel["smallest"]), max(0.0, panel["largest"])
        margin = (high - low) * 0.05 or 1.0
        ax.set_xlim(low - margin, high + margin)
        ax.set_ylim(0, (mine["density"].max() if not mine.empty else 1) * 1.15)
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: text.percent(v, 0)))
        ax.set_ylabel(wrap(text("business_case.density"), 26), fontsize=8.5)
        kroner_axis(ax.xaxis, text)
        ax.grid(axis="x", visible=False)
        ax.set_xlabel(text("business_case.npv_axis"), fontsize=9)
        npv = text("business_case.npv", value=text.dkk(panel["npv_dkk"]))
        _panel_title(ax, panel, heading, ax is axes[0, 0], " · ".join(part for part in (npv, interval) if part))
    counts = {p["resamples"] for p in panels}
    note = (
        text("business_case.distribution_note", n=text.number(counts.pop()))
        if len(counts) == 1 and None not in counts
        else text("business_case.distribution_note_plain")
    )
    return finish(fig, heading, prepared, text, [note])
