"""The code fingerprints that make Snakemake rerun a stage whose code changed."""

import shutil
from types import SimpleNamespace

import pytest

from evalkit import provenance
from evalkit.provenance import source_fingerprint


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A stand-in for the installed evalkit package, so a test can change its code; `package.root` may be moved."""
    package = SimpleNamespace(root=tmp_path / "evalkit")
    (package.root / "sql").mkdir(parents=True)
    (package.root / "stage.py").write_text("LIMIT = 5\n")
    (package.root / "other.py").write_text("LIMIT = 5\n")
    (package.root / "sql" / "base.sql").write_text("SELECT 1\n")
    monkeypatch.setattr(provenance, "resources", SimpleNamespace(files=lambda name: package.root))
    return package


def test_fingerprint_changes_with_a_module_content_and_name(package):
    stage = package.root / "stage.py"
    before = source_fingerprint("stage.py")
    stage.write_text("LIMIT = 6\n")  # same size, other code
    assert source_fingerprint("stage.py") != before
    stage.write_text("LIMIT = 5\n")
    assert source_fingerprint("stage.py") == before
    # The same bytes under another name are another module.
    assert source_fingerprint("other.py") != before
    assert source_fingerprint("stage.py", "other.py") != before


def test_fingerprint_is_the_same_in_another_checkout(package, tmp_path):
    before = source_fingerprint("stage.py", "sql")
    package.root = tmp_path / "elsewhere" / "evalkit"
    shutil.copytree(tmp_path / "evalkit", package.root)  # another path and other modification times, same code
    assert source_fingerprint("stage.py", "sql") == before


def test_a_package_folder_counts_every_file_in_it(package):
    before = source_fingerprint("sql")
    (package.root / "sql" / "base.sql").write_text("SELECT 2\n")
    changed = source_fingerprint("sql")
    (package.root / "sql" / "extra.sql").write_text("SELECT 1\n")
    assert len({before, changed, source_fingerprint("sql")}) == 3


def test_the_installed_modules_have_distinct_fingerprints():
    assert source_fingerprint("ingest") != source_fingerprint("warehouse")
    assert source_fingerprint("tables/sql") != source_fingerprint("tables/sql/base.sql")


def test_a_module_that_does_not_exist_is_an_error(package):
    """A stage listing a renamed module would otherwise never rerun when its code changes."""
    with pytest.raises(FileNotFoundError, match="renamed.py"):
        source_fingerprint("renamed.py")
