"""The key behind citizen keys, and HMAC-SHA-256 expressed in DuckDB SQL.

The key comes from EVALKIT_PSEUDONYM_KEY or from a key file outside the repository, created on first use. Each
ingested quarter records the key's fingerprint (an HMAC of a fixed text, from which the key cannot be had), so
quarters pseudonymised with different keys are never mixed in one warehouse. The
HMAC is computed inside DuckDB (two nested sha256 calls over the padded key, RFC 2104) so millions of CPR numbers
are hashed at column speed without a Python loop; tests check it against Python's hmac module.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
import tempfile
from pathlib import Path

from evalkit import console

ENV_VAR = "EVALKIT_PSEUDONYM_KEY"
_BLOCK = 64  # SHA-256 block size in bytes
MIN_KEY_BYTES = 32  # a shorter key could be guessed, and every citizen key with it
# Written beside an ingested quarter's Parquet files: the fingerprint of the key its citizen keys were made with.
KEY_FINGERPRINT_FILE = "pseudonym_key.fingerprint"
_FINGERPRINT_TEXT = b"evalkit pseudonym key fingerprint"


TEXT = {
    "en": {
        "no_key": "no pseudonymisation key: set {env} or pseudonym_key_file in the config",
        "inside_project": "the pseudonymisation key file {path} lies inside the project folder {root}; it must live "
        "outside the repository so it is never committed or shipped with results",
        "empty": "the pseudonymisation key file {path} is empty",
        "short": "the pseudonymisation key from {source} is {length} bytes long; at least {minimum} are needed. Use a "
        "key of {minimum} or more random characters, or remove the key file to have one made",
        "other_key": "quarters {quarters} were pseudonymised with another key than the current one (fingerprint "
        "{key}; each quarter's is in its {file}), so their citizens would not join the others'. Run the pipeline "
        "(snakemake), which ingests them again with the current key, or put back the key file they were made with",
        "key_file": "the key file {path}",
        "created": "evalkit: created a new pseudonymisation key at {path}. Back this file up: citizen keys only match "
        "across quarters made with the same key, and a lost key means ingesting every quarter again (or set {env}).",
    },
    "da": {
        "no_key": "ingen pseudonymiseringsnøgle: sæt {env} eller pseudonym_key_file i konfigurationen",
        "inside_project": "nøglefilen {path} til pseudonymiseringen ligger i projektmappen {root}; den skal ligge uden "
        "for repositoriet, så den aldrig kommer med i et commit eller i resultaterne",
        "empty": "nøglefilen {path} til pseudonymiseringen er tom",
        "short": "pseudonymiseringsnøglen fra {source} er {length} bytes lang; der kræves mindst {minimum}. Brug en "
        "nøgle på {minimum} eller flere tilfældige tegn, eller fjern nøglefilen, så der laves en ny",
        "other_key": "kvartalerne {quarters} er pseudonymiseret med en anden nøgle end den nuværende (fingeraftryk "
        "{key}; hvert kvartals står i dets {file}), så deres borgere ikke kan kobles med de andres. Kør pipelinen "
        "(snakemake), som indlæser dem igen med den nuværende nøgle, eller læg den nøglefil tilbage, de blev lavet "
        "med",
        "key_file": "nøglefilen {path}",
        "created": "evalkit: der er lavet en ny pseudonymiseringsnøgle i {path}. Tag en sikkerhedskopi af filen: "
        "borgernøgler passer kun sammen på tværs af kvartaler lavet med samme nøgle, og en mistet nøgle betyder, at "
        "hvert kvartal skal indlæses igen (eller sæt {env}).",
    },
}


class KeyError_(console.Failure):
    """The pseudonymisation key cannot be had (bad location, unreadable file, too short) or quarters were made with
    another key."""

    TEXT = TEXT

    def message(self, language: str = "en") -> str:
        # a key's source: the environment variable, or a key file (named in the language)
        source = self.params.get("source")
        shown = {"source": console.text(TEXT, "key_file", language, path=source)} if isinstance(source, Path) else {}
        return console.text(TEXT, self.code, language, **(self.params | shown))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def load_key(key_file: str | os.PathLike | None, project_root: Path | None = None, language: str = "en") -> bytes:
    """The key bytes: the environment variable wins; otherwise the key file, created with 32 random bytes if absent
    (said on the console in the language)."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return _long_enough(from_env.encode("utf-8"), ENV_VAR)
    if not key_file:
        raise KeyError_("no_key", env=ENV_VAR)
    path = Path(key_file).expanduser().resolve()
    root = (project_root or Path.cwd()).resolve()
    if _inside(path, root):
        raise KeyError_("inside_project", path=path, root=root)
    if not path.exists():
        _create_key_file(path, language)
    key = path.read_text(encoding="utf-8").strip().encode("utf-8")
    if not key:
        raise KeyError_("empty", path=path)
    return _long_enough(key, path)


def _long_enough(key: bytes, source: str | Path) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise KeyError_("short", source=source, length=len(key), minimum=MIN_KEY_BYTES)
    return key


def key_fingerprint(key: bytes) -> str:
    """What identifies a key without revealing it: the first 16 hex digits of the key's HMAC of a fixed text."""
    return hmac.new(key, _FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:16]


def write_fingerprint(out_dir: Path, key: bytes) -> None:
    (out_dir / KEY_FINGERPRINT_FILE).write_text(key_fingerprint(key) + "\n", encoding="utf-8")


def recorded_fingerprint(quarter_dir: Path) -> str | None:
    """The fingerprint of the key an ingested quarter was made with; None where it has none."""
    path = quarter_dir / KEY_FINGERPRINT_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def _create_key_file(path: Path, language: str = "en") -> None:
    """Write a fresh random key to path, atomically: Snakemake runs ingest jobs side by side, and every one of them
    must end up with the same key, complete, whichever of them creates it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".pseudonym-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        os.link(partial, path)  # fails if another job got there first; then its key is the key
    except FileExistsError:
        return
    finally:
        os.unlink(partial)
    print(console.text(TEXT, "created", language, path=path, env=ENV_VAR), file=sys.stderr)


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(inner, outer) padded keys of RFC 2104 for SHA-256."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sql(text_expr: str) -> str:
    """SQL for the lower-case hex HMAC-SHA-256 of a VARCHAR expression; binds $hmac_inner and $hmac_outer."""
    return f"sha256($hmac_outer || unhex(sha256($hmac_inner || encode({text_expr}))))"
