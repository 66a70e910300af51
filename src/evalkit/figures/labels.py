"""Names for the Snakemake report (workflow/rules/*.smk): which report, municipality and figure a file is.

Imported by the rule files while Snakemake builds the report, so it stays light (no matplotlib, no pandas).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from evalkit.config import load_municipalities
from evalkit.figures.text import Text

# <kind>[_<kommunekode>][_intern], as build.Spec.stem writes it
STEM = re.compile(r"^(?P<kind>[a-z_]+?)(?:_(?P<kommunekode>\d{3}))?(?P<internal>_intern)?$")


def _text(config: Mapping) -> Text:
    return Text(config.get("language", "da"))


SECTIONS = {
    "da": {
        "reproduction": "Reproduktion af rapporternes tal",
        "notebook": "Notesbog",
        "tables": "Figurtabeller (publikationskopi, <5 og x skjult)",
        "data_quality": "Datakvalitet pr. leverance",
    },
    "en": {
        "reproduction": "Reproduction of the reports' figures",
        "notebook": "Notebook",
        "tables": "Figure tables (publication copy, <5 and x hidden)",
        "data_quality": "Data quality per delivery",
    },
}


def report_section(config: Mapping, section: str) -> str:
    """A heading of the HTML report that is not a configured report: the tables and the reproduction come after
    the reports (numbered on from them), the notebook is a subsection of its report."""
    label = SECTIONS[_text(config).language][section]
    after = {"tables": 1, "reproduction": 2, "data_quality": 3}.get(section)
    return f"{len(config['reports']) + after}. {label}" if after else label


def report_label(config: Mapping, report_id: str) -> str:
    """The report's title from the config (its id if it has none), numbered in config order so the HTML report,
    which sorts its sections by name, keeps that order: '2. Din Indgang, Fredericia'."""
    for number, report in enumerate(config["reports"], start=1):
        if str(report["id"]) == report_id:
            return f"{number}. {report.get('title') or report_id}"
    return report_id


@cache
def _names(path: str) -> dict[str, str]:
    return load_municipalities(path).names


def parse_stem(stem: str) -> tuple[str, str | None, bool]:
    """'housing_support_860' -> ('housing_support', '860', False)."""
    match = STEM.match(stem)
    if not match:
        raise ValueError(f"not a figure name: {stem!r}")
    return match["kind"], match["kommunekode"], bool(match["internal"])


def municipality_label(config: Mapping, municipalities_csv: str, stem: str) -> str:
    """The figure's municipality ('Hjørring'), or 'Alle kommuner' for a figure over the whole report."""
    _, code, _ = parse_stem(stem)
    text = _text(config)
    if code is None:
        return text("all_municipalities")
    return _names(str(municipalities_csv)).get(code, f"{text('municipality')} {code}")


def figure_label(config: Mapping, municipalities_csv: str, stem: str) -> dict[str, str]:
    """The report's label columns for a figure: its title and municipality."""
    kind, _, internal = parse_stem(stem)
    text = _text(config)
    title = text(f"{kind}.title") + (f" ({text('internal')})" if internal else "")
    heading = "Figur" if text.language == "da" else "Figure"
    return {heading: title, text("municipality"): municipality_label(config, municipalities_csv, stem)}
