"""`precis db upgrade`, run as a user would, on a new SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.core.schema import head_revision

ROOT = Path(__file__).resolve().parents[1]


def test_cli_db_upgrade_creates_the_schema_at_head(tmp_path: Path) -> None:
    database = tmp_path / "new" / "precis.db"
    env = {**os.environ, "PRECIS_DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert head_revision() in result.stdout.decode()
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"report", "job", "extraction", "report_fts", "cache_entry"} <= tables
