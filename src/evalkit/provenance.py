"""A fingerprint of the code behind a rule, so that Snakemake reruns the rule when that code changes.

Snakemake reruns a job whose params changed; the shell command calling `evalkit ...` stays the same when evalkit
is updated, so without this an upgraded validation or query would leave stale outputs in place.
"""

from __future__ import annotations

import hashlib
from importlib import resources


def source_fingerprint(*modules: str) -> str:
    """SHA-256 (first 16 hex digits) over the source of the given evalkit modules, or package folders' files."""
    digest = hashlib.sha256()
    package = resources.files("evalkit")
    for name in modules:
        target = package.joinpath(*name.split("/"))
        files = sorted(target.iterdir(), key=lambda p: p.name) if target.is_dir() else [target]
        for path in files:
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
