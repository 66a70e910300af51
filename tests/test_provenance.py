"""The code fingerprints that make Snakemake rerun a stage whose code changed."""

from evalkit.provenance import source_fingerprint


def test_fingerprint_is_stable_and_depends_on_the_code():
    assert source_fingerprint("ingest.py") == source_fingerprint("ingest.py")
    assert source_fingerprint("ingest.py") != source_fingerprint("warehouse.py")
    assert source_fingerprint("ingest.py", "warehouse.py") != source_fingerprint("ingest.py")


def test_a_package_folder_counts_every_file_in_it():
    assert source_fingerprint("sql") != source_fingerprint("sql/base.sql")
