"""One DuckDB session per ingest job: the staging tables, the quarantine and the ingest log, written as Parquet."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .. import contract, duck
from ..contract import INGEST_LOG, QUARANTINE, TABLES
from ..duck import sql_literal
from .checks import MACROS
from .pseudonym import hmac_pads


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def private_scratch(root: Path | None) -> Path:
    """A new folder only this user may enter (mode 0700) for a job's temporary files, which hold raw cells and so
    CPR numbers: under root, or the system's temporary folder. Folders under root of jobs that died first are
    removed."""
    if root is None:
        return Path(tempfile.mkdtemp(prefix=f"evalkit-job-{os.getpid()}-"))
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    for stale in root.glob("job-*"):
        pid = stale.name.split("-")[1]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"job-{os.getpid()}-", dir=root))


class Session:
    """One DuckDB session with a staging table per contract table, the quarantine and the ingest log, and a
    private folder (`scratch`) for its spill files and converting pipes, removed on close."""

    def __init__(
        self, key: bytes, resources: duck.Resources = duck.DEFAULT_RESOURCES, scratch_root: Path | None = None
    ):
        self.scratch = private_scratch(scratch_root)
        self.con = duck.connect(resources=resources, temp_directory=self.scratch / "duckdb")
        inner, outer = hmac_pads(key)
        self.pads = {"hmac_inner": inner, "hmac_outer": outer}
        self.con.execute(MACROS)
        # what each citizen id of the quarter hashes to; in memory only, like the raw cells it comes from
        self.con.execute("CREATE TEMP TABLE citizen_keys (value VARCHAR, key VARCHAR)")
        for table in TABLES.values():
            self.con.execute(contract.ddl(f"stage_{table.name}", contract.warehouse_columns(table)))
        self.con.execute(contract.ddl(QUARANTINE, contract.QUARANTINE_COLUMNS))
        self.con.execute(contract.ddl(INGEST_LOG, contract.INGEST_LOG_COLUMNS))

    def write_parquet(self, out_dir: Path) -> None:
        """Each staging table, the quarantine and the ingest log as `<name>.parquet` in out_dir."""
        out_dir.mkdir(parents=True, exist_ok=True)
        sources = {name: f"stage_{name}" for name in TABLES} | {QUARANTINE: QUARANTINE, INGEST_LOG: INGEST_LOG}
        for name, source in sources.items():
            target = out_dir / f"{name}.parquet"
            partial = out_dir / f".{name}.parquet.partial"
            self.con.execute(f"COPY {source} TO {sql_literal(str(partial))} (FORMAT parquet)")
            os.replace(partial, target)

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.scratch, ignore_errors=True)
