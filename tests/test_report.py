"""The whole handover on the demo data: every configured figure and notebook is made by the workflow, and
`snakemake --report` builds one HTML report holding them, the key tables and the reproduction report.

Runs the real workflow (snakemake --configfile into a temporary folder, the rules calling `evalkit figures` and
`evalkit notebook`), so it takes a minute.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from test_notebooks import ROOT, demo_config, snakemake

from evalkit.config import load_municipalities
from evalkit.figures import build
from evalkit.figures.text import Text


@pytest.fixture(scope="module")
def handover(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("handover")
    config = demo_config(tmp)
    run = snakemake(config, "figures", "notebooks", str(tmp / "results" / "reproduction.md"))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = tmp / "results" / "report.html"
    run = snakemake(
        config, "figures", "notebooks", str(tmp / "results" / "reproduction.md"), extra=("--report", str(report))
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return tmp, yaml.safe_load(config.read_text(encoding="utf-8")), report


def test_every_planned_figure_of_every_report_is_drawn_and_nothing_else(handover):
    tmp, config, _ = handover
    results = tmp / "results"
    tables = build.load_tables(results / "staging" / "publish")  # what this run drew its figures from
    municipalities = load_municipalities(ROOT / "config" / "municipalities.csv")
    for entry in config["reports"]:
        context = build.Context(entry, tables, municipalities, Text(config.get("language", "da")))
        planned = {spec.stem for spec, _ in build.plan(context)}
        folder = results / "figures" / entry["id"]
        assert {p.stem for p in folder.glob("*.png")} == planned == {p.stem for p in folder.glob("*.svg")}
        assert set(pd.read_csv(folder / build.MANIFEST).figure) == planned


def test_the_demo_data_gives_each_report_its_own_figures(handover):
    tmp, _, _ = handover
    figures = tmp / "results" / "figures"
    expected = {
        "nordjylland_2021": {
            "paragraph_counts_851",
            "age_860",
            "course_length_787",
            "services_before_after_813",
            "housing_support_860",
            "housing_support_813",
            "referral_onward",
            "completion",
        },
        "din_indgang_2017": {"contacts_607", "shadow_savings_607"},
        "brug_for_alle_2013": {"funnel", "funnel_by_municipality"},
    }
    for report, stems in expected.items():
        assert stems <= {p.stem for p in (figures / report).glob("*.png")}, report
    # Thisted delivered no § 85 series (report 000 has only its heading): no empty figure for it
    assert not (figures / "nordjylland_2021" / "housing_support_787.png").exists()


def test_every_configured_notebook_is_executed(handover):
    tmp, config, _ = handover
    for entry in config["reports"]:
        if (ROOT / "notebooks" / f"{entry['id']}.py").exists():
            assert (tmp / "results" / "notebooks" / f"{entry['id']}.html").stat().st_size > 10_000


def test_the_html_report_gathers_figures_notebooks_tables_and_the_reproduction(handover):
    _, _, report = handover
    # the report embeds its data as JSON, so non-ASCII letters appear escaped (ø as \\u00f8)
    page = report.read_text(encoding="utf-8").encode().decode("unicode_escape", errors="ignore")
    for expected in (
        "funnel_by_municipality.png",
        "housing_support_860.png",
        "shadow_savings_607.png",
        "nordjylland_2021.html",
        "referral_onward.csv",
        "reproduction.md",
        "Din Indgang, Fredericia",
        "Reproduktion af rapporternes tal",
        "Kommunernes gennemførelsesprocent",
    ):
        assert expected in page, expected
