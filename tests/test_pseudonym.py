import hashlib
import hmac

import duckdb
import pytest

from evalkit.ingest.pseudonym import KeyError_, hmac_pads, hmac_sql, key_fingerprint, load_key


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"long key " * 20])
@pytest.mark.parametrize("message", ["0101901234", "K-abc", "æøå"])
def test_sql_hmac_equals_python_hmac(key, message):
    inner, outer = hmac_pads(key)
    got = duckdb.execute(
        f"SELECT {hmac_sql('$m')}", {"m": message, "hmac_inner": inner, "hmac_outer": outer}
    ).fetchone()[0]
    assert got == hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_environment_key_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("EVALKIT_PSEUDONYM_KEY", "from-env-" + "x" * 32)
    assert load_key(tmp_path / "absent.key", project_root=tmp_path / "repo") == b"from-env-" + b"x" * 32


@pytest.mark.parametrize("where", ["environment", "file"])
def test_a_key_shorter_than_32_bytes_is_refused(monkeypatch, tmp_path, where):
    key_file = tmp_path / "keys" / "pseudonym.key"
    if where == "environment":
        monkeypatch.setenv("EVALKIT_PSEUDONYM_KEY", "x" * 31)
    else:
        monkeypatch.delenv("EVALKIT_PSEUDONYM_KEY")
        key_file.parent.mkdir()
        key_file.write_text("x" * 31 + "\n")
    with pytest.raises(KeyError_, match="31 bytes long; at least 32 are needed"):
        load_key(key_file, project_root=tmp_path / "repo")
    monkeypatch.setenv("EVALKIT_PSEUDONYM_KEY", "x" * 32)
    assert load_key(key_file, project_root=tmp_path / "repo") == b"x" * 32


def test_the_fingerprint_identifies_a_key_without_showing_it():
    first, second = key_fingerprint(b"a" * 32), key_fingerprint(b"b" * 32)
    assert first != second and first == key_fingerprint(b"a" * 32) and len(first) == 16
    assert "a" * 8 not in first


def test_key_file_is_created_once_and_reused(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("EVALKIT_PSEUDONYM_KEY")
    key_file = tmp_path / "keys" / "pseudonym.key"
    first = load_key(key_file, project_root=tmp_path / "repo")
    err = capsys.readouterr().err
    assert "created a new pseudonymisation key" in err and "Back this file up" in err and str(key_file) in err
    assert load_key(key_file, project_root=tmp_path / "repo") == first
    assert len(first) == 64
    assert key_file.stat().st_mode & 0o077 == 0


def test_key_file_inside_the_project_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv("EVALKIT_PSEUDONYM_KEY")
    with pytest.raises(KeyError_, match="inside the project folder"):
        load_key(tmp_path / "repo" / "key", project_root=tmp_path / "repo")


def test_jobs_creating_the_key_at_the_same_time_all_get_the_same_complete_key(tmp_path):
    # Snakemake starts ingest jobs side by side; on a new machine each finds no key file.
    import subprocess
    import sys

    key_file = tmp_path / "keys" / "pseudonym.key"
    code = (
        "import os, sys; os.environ.pop('EVALKIT_PSEUDONYM_KEY', None); from pathlib import Path; "
        "from evalkit.ingest.pseudonym import load_key; "
        f"sys.stdout.write(load_key({str(key_file)!r}, project_root=Path({str(tmp_path / 'repo')!r})).decode())"
    )
    jobs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(8)
    ]
    results = [job.communicate() for job in jobs]
    assert all(job.returncode == 0 for job in jobs), [err for _, err in results]
    keys = {out for out, _ in results}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert sum(b"created a new pseudonymisation key" in err for _, err in results) == 1
    assert [p.name for p in key_file.parent.iterdir()] == ["pseudonym.key"]
