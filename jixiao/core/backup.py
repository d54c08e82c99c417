"""Backing up and restoring the database (`jixiao backup`, `jixiao restore`; docs/deploy.md).

SQLite runs in WAL mode, so the database is the main file *and* its `-wal` file: after a crash
(`kill -9`, a power cut) committed changes may still sit in the `-wal` file, and copying a backup
over the main file alone lets that leftover WAL be replayed on top of the restored pages. So:

- the backup goes through SQLite's online backup API (a consistent snapshot while the server
  runs), is written as a single self-contained file (rollback journal, no `-wal`), is checked
  with `integrity_check` and only then renamed into place;
- the restore checks the backup file, then opens the live database (which recovers a leftover
  WAL), takes it out of WAL mode — which needs the only connection, so a running server is
  refused — copies the backup in through the backup API in one transaction, checks
  `integrity_check`, and puts the database back in WAL mode. No `-wal` file survives it.

PostgreSQL goes through `pg_dump -Fc` and `pg_restore --clean --if-exists --single-transaction`,
with the connection taken from DATABASE_URL (the password passed in the environment, never on the
command line).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .progress import progress

STEP_PAGES = 1024
SIDE_FILES = ("-wal", "-shm", "-journal")

IN_USE = gettext_lazy("数据库正被其他进程使用：请先停止 jixiao serve 和 jixiao worker，再恢复。")

Progress = Callable[[int, int], None]  # (pages done, pages in all)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line for the user."""


def database() -> dict:
    return settings.DATABASES["default"]


def is_sqlite() -> bool:
    return database()["ENGINE"].endswith("sqlite3")


def is_postgresql() -> bool:
    return "postgresql" in database()["ENGINE"]


def backup(output: Path, progress: Progress | None = None) -> None:
    connections.close_all()
    if is_sqlite():
        sqlite_backup(Path(database()["NAME"]), output, progress)
    elif is_postgresql():
        pg_dump(output)
    else:
        raise BackupError(_("不支持备份此类数据库：%(engine)s") % {"engine": database()["ENGINE"]})


def restore(source: Path, progress: Progress | None = None) -> None:
    if not source.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": source})
    connections.close_all()
    if is_sqlite():
        sqlite_restore(source, Path(database()["NAME"]), progress)
    elif is_postgresql():
        pg_restore(source)
    else:
        raise BackupError(_("不支持恢复此类数据库：%(engine)s") % {"engine": database()["ENGINE"]})


# --- SQLite --------------------------------------------------------------------------------------


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=20)
    return sqlite3.connect(path, timeout=20, isolation_level=None)


def _integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows[:5])


def _copy(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    progress: Progress | None,
    *,
    pages: int = STEP_PAGES,
):
    """Copy every page. The target's write lock is held from the first step to the last, so
    readers of the target see the old pages or the new ones, never a mixture."""

    def step(status, remaining, total):
        if progress is not None:
            progress(total - remaining, total)

    source.backup(target, pages=pages, progress=step)


def sqlite_backup(live: Path, output: Path, progress: Progress | None = None) -> None:
    if not live.is_file():
        raise BackupError(_("找不到数据库文件：%(path)s") % {"path": live})
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    for suffix in ("", *SIDE_FILES):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    source = _connect(live)
    try:
        target = _connect(partial)
        try:
            # One step: a snapshot read in WAL mode blocks no writer, and a step-by-step copy
            # would start again after every write the server makes in between.
            _copy(source, target, progress, pages=-1)
            # One self-contained file: no WAL beside the backup to lose or to replay.
            target.execute("PRAGMA journal_mode=DELETE")
            result = _integrity(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(_("备份失败：%(error)s") % {"error": exc}) from exc
    finally:
        source.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(_("备份文件校验未通过：%(result)s") % {"result": result})
    os.replace(partial, output)


def check_sqlite_backup(source: Path) -> None:
    """The file is an intact SQLite database that holds a Jixiao schema."""
    try:
        conn = _connect(source, read_only=True)
        try:
            result = _integrity(conn)
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(_("不是有效的 SQLite 备份文件：%(error)s") % {"error": exc}) from exc
    if result != "ok":
        raise BackupError(_("备份文件已损坏：%(result)s") % {"result": result})
    if "django_migrations" not in tables:
        raise BackupError(_("备份文件不是 Jixiao 的数据库。"))


def sqlite_restore(source: Path, live: Path, progress: Progress | None = None) -> None:
    check_sqlite_backup(source)
    live = live.resolve()
    if not live.exists():
        # Side files without their database belong to nothing: replayed onto the restored file
        # they would corrupt it.
        for suffix in SIDE_FILES:
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        live.parent.mkdir(parents=True, exist_ok=True)
    backup_conn = _connect(source, read_only=True)
    conn = _connect(live)
    try:
        # Opening the live file recovers whatever a crashed process left in its WAL; leaving WAL
        # mode checkpoints it and deletes the -wal file. That needs the only connection to the
        # database, so a running server (or worker) makes the restore stop here, untouched.
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if mode.lower() != "delete":
            raise BackupError(IN_USE)
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        _copy(backup_conn, conn, progress)
        result = _integrity(conn)
        if result != "ok":
            raise BackupError(_("恢复后的数据库校验未通过：%(result)s") % {"result": result})
        conn.execute("PRAGMA locking_mode=NORMAL")
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise BackupError(IN_USE) from exc
        raise BackupError(_("恢复失败：%(error)s") % {"error": exc}) from exc
    finally:
        conn.close()
        backup_conn.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


def _pg_env() -> dict:
    db = database()
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[key] = str(value)
    return env


def _pg_run(program: str, args: list[str]) -> None:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            _("找不到 %(program)s：请安装与服务器版本一致的 PostgreSQL 客户端。")
            % {"program": program}
        )
    result = subprocess.run(
        [path, *args], env=_pg_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(
            _("%(program)s 失败：%(error)s")
            % {"program": program, "error": lines[-1] if lines else result.returncode}
        )


def pg_dump(output: Path) -> None:
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:
        _pg_run("pg_dump", ["--format=custom", "--file", str(partial)])
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, output)


def pg_restore(source: Path) -> None:
    # --single-transaction: the database keeps its old content unless everything restores.
    _pg_run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            database()["NAME"],
            str(source),
        ],
    )


@contextmanager
def page_bar(desc: str, options: dict):
    """A progress bar over the pages copied, on a terminal only and silent with --quiet."""
    bar = progress([], desc=desc, quiet=bool(options.get("quiet")))
    bar.unit = pgettext("database pages", "页")

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()
