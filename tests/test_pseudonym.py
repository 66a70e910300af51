import hashlib
import hmac

import duckdb
import pytest

from evalkit.pseudonym import KeyError_, hmac_pads, hmac_sql, load_key


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"long key " * 20])
@pytest.mark.parametrize("message", ["0101901234", "K-abc", "æøå"])
def test_sql_hmac_equals_python_hmac(key, message):
    inner, outer = hmac_pads(key)
    got = duckdb.execute(
        f"SELECT {hmac_sql('$m')}", {"m": message, "hmac_inner": inner, "hmac_outer": outer}
    ).fetchone()[0]
    assert got == hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_environment_key_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("EVALKIT_PSEUDONYM_KEY", "from-env")
    assert load_key(tmp_path / "absent.key", project_root=tmp_path / "repo") == b"from-env"


def test_key_file_is_created_once_and_reused(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("EVALKIT_PSEUDONYM_KEY")
    key_file = tmp_path / "keys" / "pseudonym.key"
    first = load_key(key_file, project_root=tmp_path / "repo")
    assert "created a new pseudonymisation key" in capsys.readouterr().err
    assert load_key(key_file, project_root=tmp_path / "repo") == first
    assert len(first) == 64
    assert key_file.stat().st_mode & 0o077 == 0


def test_key_file_inside_the_project_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv("EVALKIT_PSEUDONYM_KEY")
    with pytest.raises(KeyError_, match="inside the project folder"):
        load_key(tmp_path / "repo" / "key", project_root=tmp_path / "repo")
