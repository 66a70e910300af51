"""The HTML report's pages: tables, the reproduction and the data-quality reports as HTML a browser shows, and
the check that every result of a report opens in Chromium."""

from __future__ import annotations

import base64

import pytest

from evalkit.cli import main
from evalkit.publish.browser import EMBED_LIMIT, check_report, embedded_documents, find_chromium, frame_page

TABLE = """report,kommunekode,ended_citizens,later_visited,share,ci_low,ci_high
nordjylland_2021,851,1234,<5,,,
nordjylland_2021,all,38,34,0.8947368421052632,0.758694782771127,0.9582974265244648
"""


def test_a_publication_table_becomes_an_html_table_with_danish_headers_and_numbers(tmp_path):
    source = tmp_path / "referral_onward.csv"
    source.write_text(TABLE, encoding="utf-8")
    out = tmp_path / "pages" / "referral_onward.html"
    assert main(["page", "--page", str(source), str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<th>Borgere med afsluttet forløb</th>" in page and "<th>Senere visiteret</th>" in page
    assert '<td class="number">1.234</td>' in page and '<td class="number">89,5 %</td>' in page
    assert '<td class="text">&lt;5</td>' in page  # masked, not a number
    assert "<script" not in page


def test_a_markdown_report_becomes_html_with_its_tables_and_no_raw_markup(tmp_path):
    source = tmp_path / "2021Q3.md"
    source.write_text(
        "# Datakvalitet: leverancen 2021Q3\n\n| tabel | rækker |\n|---|---|\n| forløb | 12 |\n\n"
        "Fil <script>alert(1)</script>.csv\n",
        encoding="utf-8",
    )
    out = tmp_path / "2021Q3.html"
    assert main(["page", "--page", str(source), str(out), "--lang", "da"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<title>Datakvalitet: leverancen 2021Q3</title>" in page
    assert "<td>forløb</td>" in page and "<th>rækker</th>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_page_refuses_a_file_that_is_not_a_table_or_a_report(tmp_path, capsys):
    source = tmp_path / "notes.txt"
    source.write_text("x", encoding="utf-8")
    assert main(["page", "--page", str(source), str(tmp_path / "x.html")]) == 2
    assert "notes.txt" in capsys.readouterr().err


def fake_report(tmp_path, documents: dict[str, tuple[str, bytes]]):
    """A page that carries results as snakemake's report does: data:<mime>;charset=utf8;filename=...;base64,..."""
    uris = [
        f"data:{mime};charset=utf8;filename={name};base64,{base64.b64encode(data).decode()}"
        for name, (mime, data) in documents.items()
    ]
    report = tmp_path / "report.html"
    links = "".join(f'<li><a href="{uri}">x</a></li>' for uri in uris)
    text = "<p>" + "Figurer og tabeller. " * 60 + "</p>"
    report.write_text(f"<html><body><h1>Rapport</h1>{text}<ul>{links}</ul></body></html>", encoding="utf-8")
    return report


def test_embedded_documents_finds_each_result_with_its_name_type_and_size(tmp_path):
    report = fake_report(tmp_path, {"a.html": ("text/html", b"<p>hej</p>"), "b.csv": ("text/csv", b"x,y\n")})
    found = embedded_documents(report)
    assert [(d.name, d.mime, d.size) for d in found] == [("a.html", "text/html", 10), ("b.csv", "text/csv", 4)]
    assert found[0].content == b"<p>hej</p>"
    assert 'src="data:text/html' in frame_page(found[0])


@pytest.mark.skipif(find_chromium() is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_check_report_names_a_download_an_oversized_and_a_blank_result_and_passes_a_good_one(tmp_path):
    big = b"<html><body><h1>Notesbog</h1>" + b"<p>" + b"x" * (EMBED_LIMIT + 10) + b"</p></body></html>"
    report = fake_report(
        tmp_path,
        {
            "good.html": ("text/html", b"<html><body><h1>Tabel</h1><p>" + b"tekst " * 400 + b"</p></body></html>"),
            "table.csv": ("text/csv", b"a,b\n1,2\n"),
            "nordjylland_2021.html": ("text/html", big),
            "blank.html": ("text/html", b"<html><body></body></html>"),
        },
    )
    problems = check_report(report, tmp_path / "shots", find_chromium())
    assert len(problems) == 3, problems
    assert "table.csv" in problems[0] and "download" in problems[0]
    assert "nordjylland_2021.html" in problems[1] and "bytes" in problems[1]
    assert "blank.html" in problems[2] and "blank" in problems[2]
    assert (tmp_path / "shots" / "01_good.png").exists()


def test_a_business_case_table_says_its_codes_in_words_and_an_assumption_with_its_own_decimals(tmp_path):
    source = tmp_path / "business_case_sensitivity.csv"
    source.write_text(
        "report,kommunekode,scenario,parameter,assumption_value,range_low,range_high,npv_low_dkk,npv_high_dkk,"
        "shadow_visited,actually_visited\n"
        "r,all,base,discount,,0.01,0.065,1348.25,1175.0,106,26\n",
        encoding="utf-8",
    )
    out = tmp_path / "page.html"
    assert main(["page", "--page", str(source), str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<td class="text">I alt</td>' in page and '<td class="text">Grundscenarie</td>' in page
    assert '<td class="text">Diskonteringsrente</td>' in page
    assert '<td class="number">0,065</td>' in page and '<td class="number">1.348,25</td>' in page
