"""The reproduction's outputs: results/reproduction.csv, the readable results/reproduction.md and the message
naming every figure that does not match."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from evalkit.config import Municipalities
from evalkit.console import text
from evalkit.contract import ALL
from evalkit.reproduce.compare import OUTPUT_COLUMNS, Outcome, format_value

# What a published figure's kommunekode names besides a municipality (see AGGREGATES).
AGGREGATE_LABELS = {
    ALL: "all",
    "min": "lowest municipality",
    "max": "highest municipality",
    "count": "number of municipalities",
}


# Output
# ---------------------------------------------------------------------------------------------------------


def write_csv(path: Path, outcomes: Sequence[Outcome]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for o in outcomes:
            r = o.row
            writer.writerow(
                [
                    r["report"],
                    r["location"],
                    r["line"],
                    r["report_id"],
                    r["kommunekode"],
                    r["family"],
                    r["metric"],
                    r["figure"],
                    r["value"],
                    format_value(o.computed, r),
                    r["unit"],
                    r["rounding"],
                    o.verdict,
                    o.detail,
                ]
            )


UNIT_LABELS = {"percent": " %", "dkk": " kr.", "days": " days", "hours": " hours"}
ROUNDING_LABELS = {"below": "under ", "above": "over "}


def _shown(value: float | str | None, row: dict[str, str], published: bool) -> str:
    if value is None:
        return "—"
    text = row["value"] if published else format_value(value, row)
    if not isinstance(value, str) and row["unit"] != "date":
        number = float(text)
        text = (
            f"{number:,.0f}"
            if number.is_integer() and row["unit"] != "percent"
            else (f"{number:,.2f}" if not published else text)
        )
    prefix = ROUNDING_LABELS.get(row["rounding"], "") if published else ""
    return f"{prefix}{text}{UNIT_LABELS.get(row['unit'], '')}"


VERDICT_LABELS = {"pass": "pass", "fail": "**FAIL**", "known_deviation": "known deviation"}


def write_markdown(
    path: Path,
    outcomes: Sequence[Outcome],
    published_path: Path,
    tables_dir: Path,
    municipalities: Municipalities | None = None,
) -> None:
    names = (municipalities.names if municipalities else {}) | AGGREGATE_LABELS
    counts = {v: sum(o.verdict == v for o in outcomes) for v in ("pass", "known_deviation", "fail")}
    lines = [
        "# Reproduction of the source reports' published figures",
        "",
        f"Published figures: `{published_path}` (transcribed from the reports in `shared/seeds/`). "
        f"Computed: the figure tables in `{tables_dir}/`. Each figure is compared within the rounding the "
        "report used (see `data/reference/README.md`).",
        "",
        f"**{len(outcomes)} figures: {counts['pass']} pass, {counts['known_deviation']} known deviations, "
        f"{counts['fail']} fail.**",
    ]
    for report in dict.fromkeys(o.row["report"] for o in outcomes):
        rows = [o for o in outcomes if o.row["report"] == report]
        lines += [
            "",
            f"## {report} (config report `{rows[0].row['report_id']}`)",
            "",
            "| figure | municipality | source (section / table, line) | published | computed | verdict |",
            "|---|---|---|---|---|---|",
        ]
        for o in rows:
            r = o.row
            source = f"{r['location']}, l. {r['line']}"
            if r["basis"] != "printed":
                source += f" — {r['basis']}"
            verdict = VERDICT_LABELS[o.verdict] + (f": {o.detail}" if o.detail else "")
            cells = [
                f"{r['figure']} — „{r['quote']}“",
                names.get(r["kommunekode"], r["kommunekode"]),
                source,
                _shown(r["value"], r, True),
                _shown(o.computed, r, False),
                verdict,
            ]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


FAILURE_TEXT = {
    "en": {
        "heading": "{n} published figure(s) not reproduced:",
        "figure": "  {report} {location} (l. {line}), {report_id} {kommunekode}, {family}.{metric} — {figure}: {why}",
        "switch_off": "The figure tables differ from the source reports' published figures. If the data or the "
        "reports were changed on purpose (data without published figures, other periods), switch this check off: "
        "`published_figures: ''` in the config, or `snakemake --config published_figures=`.",
    },
    "da": {
        "heading": "{n} offentliggjorte tal blev ikke genskabt:",
        "figure": "  {report} {location} (linje {line}), {report_id} {kommunekode}, {family}.{metric} — {figure}: "
        "{why}",
        "switch_off": "Figurtabellerne afviger fra de tal, kilderapporterne har offentliggjort. Er data eller "
        "rapporterne ændret med vilje (data uden offentliggjorte tal, andre perioder), så slå kontrollen fra: "
        "`published_figures: ''` i konfigurationen eller `snakemake --config published_figures=`.",
    },
}


def failure_message(outcomes: Sequence[Outcome], language: str = "en") -> str:
    """Every figure not reproduced, and how to switch the check off, in the language."""
    failed = [o for o in outcomes if o.verdict == "fail"]
    lines = [text(FAILURE_TEXT, "heading", language, n=len(failed))]
    for o in failed:
        why = o.problem.message(language) if o.problem else o.detail
        lines.append(text(FAILURE_TEXT, "figure", language, **o.row, why=why))
    lines.append(text(FAILURE_TEXT, "switch_off", language))
    return "\n".join(lines)
