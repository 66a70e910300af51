"""Files delivered again byte for byte: found at every workflow start, from a digest cache once files are known."""

from __future__ import annotations

import json
import os

import pytest

from evalkit.ingest import delivery
from evalkit.ingest.delivery import repeated_files

COURSES = "course_id,citizen_id,paragraph,start_date\nc1,K-1,82a,2021-04-01\n"


@pytest.fixture
def raw(tmp_path):
    for quarter in ("2021Q2", "2021Q3"):
        (tmp_path / "raw" / quarter).mkdir(parents=True)
        (tmp_path / "raw" / quarter / "851_courses.csv").write_text(COURSES)
    return tmp_path / "raw"


def files(repeats):
    return [(r.file, r.earlier) for r in repeats]


def test_a_known_file_is_not_read_again_at_the_next_start(raw, tmp_path, monkeypatch):
    cache = tmp_path / "processed" / ".raw_digests.json"
    first = repeated_files(raw, ["2021Q2", "2021Q3"], cache=cache)
    assert files(first) == [("2021Q3/851_courses.csv", "2021Q2/851_courses.csv")]
    assert set(json.loads(cache.read_text())) == {"2021Q2/851_courses.csv", "2021Q3/851_courses.csv"}

    def no_reading(path):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(delivery, "_digest", no_reading)
    assert files(repeated_files(raw, ["2021Q2", "2021Q3"], cache=cache)) == files(first)


def test_a_changed_file_is_read_again(raw, tmp_path):
    cache = tmp_path / ".raw_digests.json"
    repeated_files(raw, ["2021Q2", "2021Q3"], cache=cache)
    newer = raw / "2021Q3" / "851_courses.csv"
    newer.write_text(COURSES.replace("c1", "c2"))  # the same size, another content, a new modification time
    stat = newer.stat()
    os.utime(newer, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert repeated_files(raw, ["2021Q2", "2021Q3"], cache=cache) == []


def test_a_name_not_of_the_contracts_form_stays_out_of_the_cache(raw, tmp_path):
    for quarter in ("2021Q2", "2021Q3"):
        (raw / quarter / "0101901234.csv").write_text(COURSES)
    cache = tmp_path / ".raw_digests.json"
    repeats = repeated_files(raw, ["2021Q2", "2021Q3"], cache=cache)
    assert ("2021Q3/0101901234.csv", "2021Q2/0101901234.csv") in files(repeats)
    assert "0101901234" not in cache.read_text()
