"""The whole handover on the demo data: every configured figure and notebook is made by the workflow, and
`snakemake --report` builds one HTML report holding them, the key tables and the reproduction report.

Runs the real workflow (snakemake --configfile into a temporary folder, the rules calling `evalkit figures` and
`evalkit notebook`), so it takes a minute.
"""

from __future__ import annotations

import re

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
        "din_indgang_2017": {
            "contacts_607",
            "shadow_savings_607",
            "business_case_cumulative_607",
            "business_case_tornado_607",
            "business_case_distribution_607",
        },
        "brug_for_alle_2013": {"funnel", "funnel_by_municipality"},
    }
    for report, stems in expected.items():
        assert stems <= {p.stem for p in (figures / report).glob("*.png")}, report
    # Thisted delivered no § 85 series (report 000 has only its heading): no empty figure for it
    assert not (figures / "nordjylland_2021" / "housing_support_787.png").exists()
    # only din_indgang_2017 has a business_case block; one municipality, so no figure of the report's total
    assert not [p for p in figures.glob("*/business_case_*.png") if p.parent.name != "din_indgang_2017"]
    assert not (figures / "din_indgang_2017" / "business_case_tornado.png").exists()


def _report_text(report):
    """The report page with its JSON escapes undone: it embeds its data as JSON, so ø appears as \\u00f8."""
    text = report.read_text(encoding="utf-8")
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_every_configured_notebook_is_executed(handover):
    tmp, config, _ = handover
    for entry in config["reports"]:
        if (ROOT / "notebooks" / f"{entry['id']}.py").exists():
            assert (tmp / "results" / "notebooks" / f"{entry['id']}.html").stat().st_size > 10_000


def test_the_html_report_gathers_figures_notebooks_tables_and_the_reproduction(handover):
    _, _, report = handover
    page = _report_text(report)
    for expected in (
        "funnel_by_municipality.png",
        "housing_support_860.png",
        "shadow_savings_607.png",
        "business_case_cumulative_607.png",
        "business_case_summary.html",
        "business_case.html",
        "nordjylland_2021.html",
        "referral_onward.html",
        "reproduction.html",
        "2021Q3.html",
        "Din Indgang, Fredericia",
        "Reproduktion af rapporternes tal",
        "Kommunernes gennemførelsesprocent",
        "Business case: akkumuleret nettoresultat",
    ):
        assert expected in page, expected


# --- publication safety: what may leave the evaluators' hands shows no value the audit masked ------------------


def _csv(path):
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _masked_cells(publish):
    """(family, row key, column) -> symbol, for every masked cell of the publication copies."""
    from evalkit.tables.registry import FAMILIES, PUBLISHED

    found = {}
    for family in PUBLISHED:
        header, rows = _csv(publish / f"{family}.csv")
        keys = ["report", "kommunekode", *(k for k, _ in FAMILIES[family].keys)]
        for row in rows:
            record = dict(zip(header, row, strict=True))
            for column, value in record.items():
                if value in ("<5", "x"):
                    found[(family, tuple(record[k] for k in keys), column)] = value
    return found


def test_the_publication_audit_passes_and_lists_every_masked_cell(handover):
    tmp, _, _ = handover
    publish = tmp / "results" / "publish"
    header, rows = _csv(publish / "audit.csv")
    assert header == ["table", "row", "column", "lower", "upper"]
    audited = {(table, row, column): (lower, upper) for table, row, column, lower, upper in rows}
    masked = _masked_cells(publish)
    assert masked and "x" in masked.values()  # the demo's small municipalities need secondary suppression
    assert len(audited) == len(masked)
    for (family, key, column), symbol in masked.items():
        lower, upper = audited[(family, ", ".join(key), column)]
        if symbol == "<5":
            assert (lower, upper) == ("1", "4"), (family, key, column)
    summary = (publish / "README.md").read_text(encoding="utf-8")
    assert f"{sum(s == '<5' for s in masked.values())}" in summary and "audit.csv" in summary


def test_masking_counts_1_to_4_alone_would_give_counts_back_on_the_demo(handover):
    import numpy as np

    from evalkit.publish.audit import PRIMARY, SHOWN, audit
    from evalkit.publish.problem import build_problem, read_tables

    tmp, _, _ = handover
    problem = build_problem(read_tables(tmp / "results" / "tables"))
    naive = np.where(problem.primary, PRIMARY, SHOWN).astype(object)
    exact = [r for r in audit(problem, naive) if r.lower == r.upper]
    assert exact  # the `all` row minus the other municipalities, bands against `ended`, ...


def test_nothing_that_leaves_the_evaluators_hands_shows_a_value_the_audit_masked(handover):
    import openpyxl
    from html_tables import tables_in

    from evalkit.publish.excel import applicable_rows
    from evalkit.tables.registry import FAMILIES, PUBLISHED, header_label, sheet_title

    tmp, config, report = handover
    results = tmp / "results"
    masked = _masked_cells(results / "publish")
    # the reviewer notebooks (embedded in report.html): every family table they display is the publication copy
    shown = 0
    for page in (results / "notebooks").glob("*.html"):
        for table in tables_in(page.read_text(encoding="utf-8")):
            for family in PUBLISHED:
                header = FAMILIES[family].header
                if table[0][1:] != header:
                    continue
                keys = ["report", "kommunekode", *(k for k, _ in FAMILIES[family].keys)]
                for line in table[1:]:
                    record = dict(zip(header, line[1:], strict=True))
                    key = tuple(record[k] for k in keys)
                    for column in header:
                        if (family, key, column) in masked:
                            shown += 1
                            assert record[column] == masked[(family, key, column)], (page.name, family, key, column)
    assert shown > 0  # the check looked at masked cells
    # the workbook: every sheet is its publication copy, the symbols explained beside it
    workbook = openpyxl.load_workbook(results / "tables.xlsx")
    language = config.get("language", "da")
    for family in PUBLISHED:
        sheet = workbook[sheet_title(family, language)[:31]]
        header = [header_label(c, language) for c in FAMILIES[family].header]
        assert [c.value for c in sheet[1]][: len(header)] == header
        assert "x" in str(sheet.cell(row=1, column=len(header) + 2).value)
        published_header, rows = _csv(results / "publish" / f"{family}.csv")
        rows = applicable_rows(FAMILIES[family], published_header, rows)  # the sheet leaves out other reports
        for excel_row, row in zip(sheet.iter_rows(min_row=2, max_col=len(header), values_only=True), rows, strict=True):
            for cell, value in zip(excel_row, row, strict=True):
                if value in ("<5", "x"):
                    assert cell == value
    # the HTML report has the audit's summary
    page = _report_text(report)
    assert "audit.rst" not in page and "Diskretion" in page


def test_every_result_in_the_report_is_shown_in_the_browser_and_small_enough_to_open(handover):
    _, _, report = handover
    documents = embedded_documents(report)
    names = {d.name for d in documents}
    assert {"nordjylland_2021.html", "referral_onward.html", "reproduction.html", "2021Q3.html"} <= names
    # Chromium shows no data: URL over 2 MB, and offers a .csv or .md as a download
    assert not [(d.name, d.size) for d in documents if d.size > EMBED_LIMIT]
    assert {d.mime for d in documents} <= {"image/png", "image/svg+xml", "text/html"}
    assert not {name for name in names if name.endswith((".csv", ".md"))}
    # the whole page was 11 MB with fewer results; beyond the results (now with the business case's figures and
    # tables) what is left is snakemake's own code
    assert report.stat().st_size < 10_000_000


@pytest.mark.skipif(find_chromium() is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_report_and_every_notebook_and_page_in_it_render_in_headless_chromium(handover):
    tmp, _, report = handover
    screenshots = tmp / "results" / "report_screenshots"
    assert check_report(report, screenshots, find_chromium()) == []
    shots = {p.name for p in screenshots.glob("*.png")}
    assert "report.png" in shots
    assert any(name.endswith("_nordjylland_2021.png") for name in shots)
    assert any(name.endswith("_reproduction.png") for name in shots)
