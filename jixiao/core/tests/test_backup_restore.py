"""`jixiao backup` and `jixiao restore` after a crash, with real processes.

Each test works on its own database, a copy of the test database (the personas' world
included): a file beside the test on SQLite, a scratch database on PostgreSQL (when DATABASE_URL
names PostgreSQL). Processes are killed with SIGKILL, as a power cut or `kill -9` would.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from jixiao.core import backup

# django_db: the session sets up the test database only for tests that ask for it.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HOLDER = """
import time
import django
django.setup()
from django.contrib.auth.models import Group
from django.db import connection, transaction
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:  # keep the committed pages in the -wal file
        cursor.execute("PRAGMA wal_autocheckpoint=0")
Group.objects.filter(name="备份前").delete()
Group.objects.create(name="备份后")
with transaction.atomic():
    Group.objects.create(name="未提交")
    print("READY", flush=True)
    time.sleep(600)
"""


class Live:
    """A database of its own for one test: its URL, SQL on it, and `jixiao` run against it."""

    def __init__(self, url: str, cwd: Path, path: Path | None = None):
        self.url, self.cwd, self.path = url, cwd, path

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "JIXIAO_TEST_SQLITE"}
        env.update(DATABASE_URL=self.url, DJANGO_SETTINGS_MODULE="jixiao.settings")
        return env

    def jixiao(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "jixiao", *args],
            env=self.env(),
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def popen(self, args: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, *args],
            env=self.env(),
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def sql(self, query: str, params=()) -> list[tuple]:
        if self.path is not None:
            conn = sqlite3.connect(self.path)
            try:
                rows = conn.execute(query, params).fetchall()
                conn.commit()
                return rows
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as conn:
            cursor = conn.execute(query.replace("?", "%s"), params or None)
            return cursor.fetchall() if cursor.description else []

    def groups(self) -> set[str]:
        return {name for (name,) in self.sql("SELECT name FROM auth_group")}

    def counts(self) -> dict[str, int]:
        if self.path is not None:
            tables = self.sql("SELECT name FROM sqlite_master WHERE type='table'")
        else:
            tables = self.sql("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {t: self.sql(f'SELECT count(*) FROM "{t}"')[0][0] for (t,) in tables}


def _pg_url(settings: dict, name: str) -> str:
    return (
        f"postgresql://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or 'localhost'}"
        f":{settings['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def live(django_db_setup, django_db_blocker, tmp_path):
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "live.sqlite3"
        with django_db_blocker.unblock():
            source = sqlite3.connect(settings["NAME"])
            target = sqlite3.connect(path)
            source.backup(target)
            target.close()
            source.close()
        yield Live(f"sqlite:///{path}", tmp_path, path)
        return
    import psycopg

    scratch = f"{settings['NAME']}_restore_{os.getpid()}"
    admin_url = _pg_url(settings, settings["NAME"])
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    # The scratch database gets the test database's content through the commands under test.
    source = Live(admin_url, tmp_path)
    result = source.jixiao("backup", "-o", str(tmp_path / "seed.dump"))
    assert result.returncode == 0, result.stderr
    live = Live(_pg_url(settings, scratch), tmp_path)
    result = live.jixiao("restore", str(tmp_path / "seed.dump"))
    assert result.returncode == 0, result.stderr
    yield live
    _drop(admin_url, scratch)


def _drop(admin_url: str, name: str, attempts: int = 40) -> None:
    """Drop the scratch database, waiting out an autovacuum worker analysing the restored rows:
    it runs as the server's superuser, whose processes our role may not end (FORCE refuses)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for attempt in range(attempts):
            try:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except psycopg.errors.InsufficientPrivilege:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.5)


def _wait_for(process: subprocess.Popen, word: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if word in line:
            return
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"{word} not seen: {line} {process.stderr.read()}")


def _sigkill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL


def test_restore_after_sigkill_brings_back_the_backed_up_data(live, tmp_path):
    live.sql("INSERT INTO auth_group (name) VALUES (?)", ("备份前",))
    dump = tmp_path / "jixiao-backup.bak"
    result = live.jixiao("backup", "-o", str(dump))
    assert result.returncode == 0, result.stderr
    assert dump.is_file() and not Path(f"{dump}.partial").exists()

    # A process changes the data after the backup, then dies with a transaction open.
    holder = live.popen(["-c", HOLDER])
    _wait_for(holder, "READY")
    _sigkill(holder)
    if live.path is not None:
        # Look at copies: opening the database itself would checkpoint the WAL away.
        wal = Path(f"{live.path}-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the crash left committed pages there
        crashed, naive = tmp_path / "crashed", tmp_path / "naive"
        for folder in (crashed, naive):
            folder.mkdir()
            for suffix in ("", "-wal", "-shm"):
                shutil.copy(f"{live.path}{suffix}", folder / f"live.sqlite3{suffix}")
        # The audit's defect: a backup copied over the file is overridden by the leftover WAL.
        shutil.copy(dump, naive / "live.sqlite3")
        assert "备份后" in Live("", naive, naive / "live.sqlite3").groups()
        # Committed after the backup, the open transaction rolled back.
        assert Live("", crashed, crashed / "live.sqlite3").groups() == {"备份后"}
    else:
        assert live.groups() == {"备份后"}

    started = time.monotonic()
    result = live.jixiao("restore", str(dump))
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "已从" in result.stderr
    print(f"restore took {elapsed:.2f} s")

    assert live.groups() == {"备份前"}
    assert live.counts()["orgs_user"] > 0  # the personas came back too
    if live.path is not None:
        wal = Path(f"{live.path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        assert live.sql("PRAGMA integrity_check") == [("ok",)]
        assert live.sql("PRAGMA journal_mode") == [("wal",)]
    # The application reads the restored data.
    check = live.jixiao(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group;"
        "print(sorted(Group.objects.values_list('name', flat=True)))",
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip().splitlines()[-1] == "['备份前']"


def test_killed_import_leaves_nothing_partial(live, tmp_path):
    rows = 10000
    path = tmp_path / "units.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("年度", "单位编码", "单位名称", "单位级次", "上级单位编码", "归口股室"))
        for i in range(rows):
            writer.writerow((2022, f"K{i:05d}", f"测试单位{i}", "一级", "", "BIZ1"))
    before = live.counts()

    process = live.popen(["-m", "jixiao", "import", "units", str(path), "--region", "100101"])
    # Midway: the transaction has started writing (on SQLite its pages spill into the -wal file;
    # on PostgreSQL its session holds a transaction id, given at the first write).
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "the import finished before it could be killed; raise rows"
        assert time.monotonic() < deadline, "the import never started writing"
        if live.path is not None:
            wal = Path(f"{live.path}-wal")
            if wal.exists() and wal.stat().st_size > 1024 * 1024:
                break
        elif live.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )[0][0]:
            break
        time.sleep(0.05)
    _sigkill(process)

    after = live.counts()
    assert after == before
    assert not live.sql("SELECT code FROM orgs_unit WHERE code LIKE ?", ("K%",))
    if live.path is not None:
        assert live.sql("PRAGMA integrity_check") == [("ok",)]


def test_restore_refuses_while_another_process_holds_the_database(live, tmp_path):
    if live.path is None:
        pytest.skip("SQLite only: pg_restore --single-transaction waits for other sessions")
    dump = tmp_path / "backup.sqlite3"
    assert live.jixiao("backup", "-o", str(dump)).returncode == 0
    live.sql("INSERT INTO auth_group (name) VALUES (?)", ("备份后",))
    reader = live.popen(
        [
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]);"
            "c.execute('SELECT count(*) FROM auth_group').fetchall(); print('READY', flush=True);"
            "time.sleep(600)",
            str(live.path),
        ]
    )
    try:
        _wait_for(reader, "READY")
        result = live.jixiao("restore", str(dump))
    finally:
        reader.kill()
        reader.wait()
    assert result.returncode == 1
    assert "数据库正被其他进程使用" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert live.groups() == {"备份后"}  # untouched


def test_restore_refuses_a_file_that_is_not_a_jixiao_backup(tmp_path):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(backup.BackupError, match="不是有效的 SQLite 备份文件"):
        backup.check_sqlite_backup(garbage)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(backup.BackupError, match="不是 Jixiao 的数据库"):
        backup.check_sqlite_backup(other)


WRITER = """
import itertools
import django
django.setup()
from django.contrib.auth.models import Group
for i in itertools.count():
    Group.objects.create(name=f"写入{i}")
    if i == 20:
        print("READY", flush=True)
"""


def test_backup_while_a_process_keeps_writing_is_a_consistent_snapshot(live, tmp_path):
    writer = live.popen(["-c", WRITER])
    try:
        _wait_for(writer, "READY")
        dump = tmp_path / "busy.bak"
        result = live.jixiao("backup", "-o", str(dump))
    finally:
        _sigkill(writer)
    assert result.returncode == 0, result.stderr
    if live.path is None:
        return  # pg_dump's snapshot is PostgreSQL's own
    copy = Live("", tmp_path, dump)
    assert copy.sql("PRAGMA integrity_check") == [("ok",)]
    assert copy.sql("PRAGMA journal_mode") == [("delete",)]  # one file, no -wal beside it
    names = copy.groups()
    numbers = sorted(int(n[2:]) for n in names)
    assert numbers[:21] == list(range(21)) and numbers == list(range(len(numbers)))  # no gap


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_help_of_the_backup_commands_prints_instead_of_crashing(command):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "jixiao", command, "--help"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0 and "usage:" in result.stdout, result.stderr
