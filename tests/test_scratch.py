"""Temporary files of an ingest (DuckDB's spill files, the converting pipes) live in a private folder beside the
processed folder, and are gone after the job, and after a crashed job on the next run."""

from __future__ import annotations

import os
import stat

from conftest import TEST_KEY, write_drop

from evalkit.ingest import dialect, ingest_quarter
from evalkit.ingest.session import Session


def test_spill_files_and_pipes_go_to_a_private_folder_that_is_removed_after_the_job(tmp_path, monkeypatch):
    made, settings = [], []
    mkfifo = os.mkfifo

    def recording_mkfifo(path, mode=0o600):
        made.append((path, stat.S_IMODE(os.stat(os.path.dirname(os.path.dirname(path))).st_mode)))
        mkfifo(path, mode)

    monkeypatch.setattr(dialect.os, "mkfifo", recording_mkfifo)
    close = Session.close

    def recording_close(self):
        settings.append(self.con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
        close(self)

    monkeypatch.setattr(Session, "close", recording_close)
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "851_courses.csv",
        "course_id;cpr;paragraf;startdato\nc1;Sø;82a;2021-04-01\n",
        encoding="cp1252",
    )
    out = tmp_path / "processed" / "quarters" / "2021Q3"
    ingest_quarter(tmp_path / "raw", "2021Q3", out, TEST_KEY.encode())
    scratch = tmp_path / "processed" / ".tmp"
    [(pipe, mode)] = made
    assert pipe.startswith(str(scratch)) and mode == 0o700
    [spill] = settings
    assert spill.startswith(str(scratch))
    assert list(scratch.iterdir()) == []


def test_what_a_crashed_job_left_is_removed_by_the_next(tmp_path):
    scratch = tmp_path / "processed" / ".tmp"
    stale = scratch / "job-999999999-abc"  # no process has this id
    stale.mkdir(parents=True)
    (stale / "converted-0.csv").write_text("0101901234")
    write_drop(
        tmp_path / "raw", "2021Q3", "851_courses.csv", "course_id;cpr;paragraf;startdato\nc1;K-1;82a;2021-04-01\n"
    )
    ingest_quarter(tmp_path / "raw", "2021Q3", tmp_path / "processed" / "quarters" / "2021Q3", TEST_KEY.encode())
    assert list(scratch.iterdir()) == []
