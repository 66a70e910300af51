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
from evalkit.publish.browser import EMBED_LIMIT, check_report, embedded_documents, find_chromium


@pytest.fixture(scope="module")
def handover(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("handover")
    config = demo_config(tmp)
    run = snakemake(config, "all")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = tmp / "results" / "report.html"
    run = snakemake(config, "all", extra=("--report", str(report)))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return tmp, yaml.safe_load(config.read_text(encoding="utf-8")), report


def test_every_planned_figure_of_every_report_is_drawn_and_nothing_else(handover):
    tmp, config, _ = handover
    results = tmp / "results"
    tables = build.load_tables(results / "publish")
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
        "referral_onward.html",
        "reproduction.html",
        "2021Q3.html",
        "Din Indgang, Fredericia",
        "Reproduktion af rapporternes tal",
        "Kommunernes gennemførelsesprocent",
    ):
        assert expected in page, expected


def test_every_result_in_the_report_is_shown_in_the_browser_and_small_enough_to_open(handover):
    _, _, report = handover
    documents = embedded_documents(report)
    names = {d.name for d in documents}
    assert {"nordjylland_2021.html", "referral_onward.html", "reproduction.html", "2021Q3.html"} <= names
    # Chromium shows no data: URL over 2 MB, and offers a .csv or .md as a download
    assert not [(d.name, d.size) for d in documents if d.size > EMBED_LIMIT]
    assert {d.mime for d in documents} <= {"image/png", "image/svg+xml", "text/html"}
    assert not {name for name in names if name.endswith((".csv", ".md"))}
    # the whole page was 11 MB; what is left beyond the results is snakemake's own code
    assert report.stat().st_size < 9_000_000


@pytest.mark.skipif(find_chromium() is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_report_and_every_notebook_and_page_in_it_render_in_headless_chromium(handover):
    tmp, _, report = handover
    screenshots = tmp / "results" / "report_screenshots"
    assert check_report(report, screenshots, find_chromium()) == []
    shots = {p.name for p in screenshots.glob("*.png")}
    assert "report.png" in shots
    assert any(name.endswith("_nordjylland_2021.png") for name in shots)
    assert any(name.endswith("_reproduction.png") for name in shots)
