"""The code fingerprints that make Snakemake rerun a stage whose code changed."""

import pytest

from evalkit import provenance
from evalkit.provenance import source_fingerprint


def test_fingerprint_is_stable_and_depends_on_the_code():
    assert source_fingerprint("ingest") == source_fingerprint("ingest")
    assert source_fingerprint("ingest") != source_fingerprint("warehouse")
    assert source_fingerprint("ingest", "warehouse") != source_fingerprint("ingest")


def test_a_changed_file_changes_the_fingerprint(tmp_path, monkeypatch):
    package = tmp_path / "evalkit"
    (package / "sql").mkdir(parents=True)
    (package / "sql" / "a.sql").write_text("SELECT 1")
    monkeypatch.setattr(provenance.resources, "files", lambda name: package)
    before = source_fingerprint("sql")
    (package / "sql" / "a.sql").write_text("SELECT 2")
    assert source_fingerprint("sql") != before
    (package / "sql" / "b.sql").write_text("SELECT 3")  # a new file in a folder counts too
    assert source_fingerprint("sql") != before


def test_a_module_that_does_not_exist_is_an_error():
    """A stage listing a renamed module would otherwise never rerun when its code changes."""
    with pytest.raises(FileNotFoundError, match="ingest.py"):
        source_fingerprint("ingest.py")
