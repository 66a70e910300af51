"""Fingerprints that tell whether a stage's inputs or code changed.

Snakemake reruns a job whose params changed; the shell command calling `evalkit ...` stays the same when evalkit
is updated, so without a fingerprint of the code an upgraded validation or query would leave stale outputs in
place. A fingerprint of a folder's files stands in for listing every file (see workflow/rules/ingest.smk) and
tells the warehouse whether a quarter was ingested again (evalkit.warehouse.build).
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path


def source_fingerprint(*modules: str) -> str:
    """SHA-256 (first 16 hex digits) over the source of the given evalkit modules, or package folders' files."""
    digest = hashlib.sha256()
    package = resources.files("evalkit")
    for name in modules:
        target = package.joinpath(*name.split("/"))
        if not (target.is_dir() or target.is_file()):  # a renamed module must not leave a stage without trigger
            raise FileNotFoundError(f"evalkit has no module or folder {name!r} to fingerprint")
        files = sorted(target.iterdir(), key=lambda p: p.name) if target.is_dir() else [target]
        for path in files:
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def files_fingerprint(folder: Path) -> str:
    """SHA-256 over the name, size and modification time of every file in a folder: changes when a file is added,
    removed, renamed or rewritten."""
    digest = hashlib.sha256()
    # os.scandir: one system call per file instead of three (Snakemake asks for every delivery folder's on each start)
    with os.scandir(folder) as entries:
        files = sorted((entry for entry in entries if entry.is_file()), key=lambda entry: entry.name)
    for entry in files:
        stat = entry.stat()
        digest.update(f"{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
