"""Set-up that a run of `./dev bench` pays once: the migrated SQLite database and the demo's.

Most bench scripts start from a fresh SQLite file in a temporary folder of their own, migrated
(`jixiao migrate`, the national indicator library seeded by a data migration) and some with the
demo built on it (`jixiao demo --reset`). That is set-up, not what any figure measures, yet a
migration costs seconds of CPU and the demo tens, once a script. bench/run.py names a folder of
its own for the run in JIXIAO_BENCH_CACHE: the first script that migrates (or builds the demo)
keeps a copy of its new database there, and the later scripts copy it instead of running the
command again. One run runs one tree of code, so the copy is the database the command would have
made.

Without JIXIAO_BENCH_CACHE (a script run by itself), or on a database the script did not create
(DATABASE_URL given, PostgreSQL), or a database file that already holds something, the command
runs as before. Every script that migrates a SQLite file of its own goes through `jixiao` here.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

#: The commands whose result a run keeps, by their exact arguments, and the name it is kept under.
KEPT = {("migrate", "--noinput"): "migrated", ("demo", "--reset", "--quiet"): "demo"}
#: Said by the scripts' readable lines when a database was copied rather than made.
COPIED: dict[str, str] = {}


def fresh_sqlite(env: dict) -> Path | None:
    """The SQLite file the script is about to create in its own folder, or None."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    # an empty file is new too: a script may have opened its database before migrating it
    # (evaluations.py's score file, read before the set-up)
    if path.parent != Path(env["PWD"]) or (path.exists() and path.stat().st_size):
        return None
    return path


def kept_copy(args: list[str] | tuple[str, ...], env: dict) -> tuple[Path, Path] | None:
    """(the script's new database, the run's copy of it) when this command's result is kept."""
    cache, name = os.environ.get("JIXIAO_BENCH_CACHE"), KEPT.get(tuple(args))
    target = fresh_sqlite(env)
    if not cache or not name or target is None:
        return None
    return target, Path(cache) / f"{name}.sqlite3"


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the source may be in WAL mode); written
    under a temporary name and renamed, so a script stopped meanwhile leaves no half copy."""
    partial = target.with_name(target.name + ".partial")
    src, dst = sqlite3.connect(source), sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    partial.replace(target)


def copy_kept(name: str, target: Path) -> bool:
    """Copy the run's kept database NAME to TARGET, a new file; False when there is none."""
    cache = os.environ.get("JIXIAO_BENCH_CACHE")
    kept = Path(cache) / f"{name}.sqlite3" if cache else None
    if kept is None or not kept.exists() or target.exists():
        return False
    copy_database(kept, target)
    return True


def jixiao(args: list[str], env: dict) -> float:
    """Run `jixiao ARGS` in the script's folder, or copy its kept result; the wall time."""
    started = time.perf_counter()
    kept = kept_copy(args, env)
    if kept and kept[1].exists():
        copy_database(kept[1], kept[0])
        COPIED[args[0]] = "copied from this run's first one"
        return time.perf_counter() - started
    if kept and args[0] == "demo":
        # the demo migrates first: through the run's migrated database, kept for the next script
        jixiao(["migrate", "--noinput"], env)
    subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=env["PWD"],
    )
    if kept:
        copy_database(kept[0], kept[1])
    return time.perf_counter() - started


def note(command: str) -> str:
    """' (copied …)' after a set-up time that was a copy, else nothing."""
    return f" ({COPIED[command]})" if command in COPIED else ""
