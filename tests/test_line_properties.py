"""Property: over generated files with blank lines, multi-line cells, stray quotes, mixed line endings and
encodings, every physical line is accounted for, every quarantined line number is the line that holds the bad
value, and no CPR number from the input appears in any output."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalkit.ingest import ingest_quarter

HEADER = "course_id,citizen_id,offer,paragraph,start_date"
CPR = "0101901234"
EDITOR_LINES = re.compile(r"\r\n|\r|\n")

# (offer cell as written, whether the row is bad); {nl} is the line break written inside a quoted cell
OFFERS = st.sampled_from(
    [
        ("Fremdrift", False),
        ('"to{nl}linjer"', False),
        ('"sagt ""hej"", {nl}og gik"', False),
        ('Frem"drift', False),  # a quote inside a field is a character
        ("Ældrecafé § 85", False),
        (f"Samtale {CPR}", True),  # a CPR number in free text
    ]
)
ROW = st.one_of(
    st.tuples(st.just("row"), OFFERS, st.booleans()),  # the boolean: a bad paragraph code
    st.tuples(st.just("blank"), st.sampled_from(["", ",,,,", "  "]), st.just(False)),
)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(ROW, NEWLINES), max_size=12),
    header_newline=NEWLINES,
    encoding=st.sampled_from(["utf-8", "cp1252", "one cp1252 line"]),
)
def test_every_line_is_accounted_for_and_numbered_and_no_cpr_leaves(rows, header_newline, encoding):
    lines, loaded_at, quarantined_at = [(HEADER, header_newline)], {}, {}
    for index, ((kind, cell, bad_code), newline) in enumerate(rows):
        if kind == "blank":
            text = cell
        else:
            offer, bad_offer = cell
            text = f"c{index},K-{index},{offer.format(nl=newline)},{'82z' if bad_code else '82a'},2021-04-01"
            (quarantined_at if bad_offer or bad_code else loaded_at)[len(lines)] = f"c{index}"
        lines.append((text, newline))
    # line numbers as an editor counts them, in the text as written (a lone \r before an empty line's \n is \r\n)
    written, starts, data = "", [], b""
    for number, (text, newline) in enumerate(lines):
        starts.append(len(written))
        written += text + newline
        cp1252 = encoding == "cp1252" or (encoding == "one cp1252 line" and number == len(lines) // 2)
        data += (text + newline).encode("cp1252" if cp1252 else "utf-8")

    def line_of(number: int) -> int:
        return len(EDITOR_LINES.findall(written[: starts[number]])) + 1

    expected_loaded = {line_of(number): course for number, course in loaded_at.items()}
    expected_quarantined = {line_of(number) for number in quarantined_at}
    physical = len(EDITOR_LINES.findall(written))
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw"
        (raw / "2021Q3").mkdir(parents=True)
        (raw / "2021Q3" / "851_courses.csv").write_bytes(data)
        out = Path(folder) / "out" / "2021Q3"
        [outcome] = ingest_quarter(raw, "2021Q3", out, b"key")
        assert outcome.lines == physical and outcome.lines_accounted()
        loaded = dict(duckdb.execute(f"SELECT source_line, course_id FROM '{out}/courses.parquet'").fetchall())
        quarantined = {
            n for (n,) in duckdb.execute(f"SELECT DISTINCT source_line FROM '{out}/quarantine.parquet'").fetchall()
        }
        assert loaded == expected_loaded
        assert quarantined == expected_quarantined
        for path in out.iterdir():
            assert CPR not in (
                str(duckdb.execute(f"SELECT * FROM '{path}'").fetchall())
                if path.suffix == ".parquet"
                else path.read_text(encoding="utf-8")  # the key fingerprint beside the Parquet files
            ), path.name
