"""Benchmark of hostile uploads: time and peak memory of `run_import` for each
hostile file of jixiao/core/tests/hostile.py, built at the real limits (not the tests' lowered
ones), into every import kind, plus the audit's own case (an 18 MB JSON of 2.3 million tiny
objects, which took 42 s and 1.5 GB) and a valid 200,000-row payments workbook for scale.

    .venv/bin/python bench/hostile_files.py [--files NAME,...] [--kinds units,...]
                                            [--tracemalloc] [--timeout 300]

Uses a fresh SQLite file in a temporary folder (migrated, with the test world) unless
DATABASE_URL is set. Each import runs in its own forked process, bounded (address space 3 GB,
`--timeout` seconds), after its file is read from disk; the figures are that process's:

- seconds: wall time of `run_import`;
- peak MB: the resident set's high-water mark during the import (VmHWM, reset just before it
  through /proc/self/clear_refs, so it is the import's peak including the Django process it
  runs in), and the resident set before it;
- reader MB: the peak of the second process a large targets file is read ahead in
  (`core.readahead`, ru_maxrss of the children waited for during the import; its pages shared
  with the importing process since the fork count in both), "-" where none was forked;
- py MB (with --tracemalloc, which slows Python allocations): tracemalloc's peak, the Python
  objects only (calamine's and zlib's buffers are not Python objects);
- outcome: "refused" and the first problem, or what was written.

The issue's bound is a worker under 300 MB on any upload: cases over it are marked "!!".
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import prepared  # this folder is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BOUND_MB = 300

# The corpus's files worth measuring at full size: every kind of attack, large where size is
# the attack. The others (syntax errors, wrong extensions) are bytes long.
FILES = [
    "xlsx-billion-laughs",
    "xlsx-xxe-file",
    "zip-bomb",
    "zip-lying-small-size",
    "zip-lying-sheet-size",
    "xlsx-rows-flood",
    "xlsx-cells-far-apart",
    "xlsx-cells-without-references",
    "xlsx-columns-flood",
    "xlsx-huge-cell",
    "json-tiny-objects",
    "json-numbers-flood",
    "json-empty-lists-flood",
    "json-deep-nesting",
    "json-rows-flood",
    "json-huge-string",
    "csv-rows-flood",
    "csv-columns-flood",
    "audit-2.3m-json-objects",
    "bad-cell-in-every-row-xlsx",
    "bad-cell-in-every-row-json",
]
#: `--scale small`: one attack of each family, into one import.
SMALL = ["xlsx-billion-laughs", "zip-bomb", "json-tiny-objects", "csv-rows-flood"]


def _setup_django(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()


def _extra_files(importer, limits: dict) -> dict:
    """Cases beyond the test corpus: the audit's file, and floods of bad rows (problem cap)."""
    from jixiao.core.tests import hostile

    rows = limits["JIXIAO_IMPORT_MAX_ROWS"] - 1
    return {
        "audit-2.3m-json-objects": lambda: (
            "objects.json",
            b"[" + b",".join([b'{"a":1}'] * 2_300_000) + b"]",
        ),
        "bad-cell-in-every-row-xlsx": lambda: (
            "rows.xlsx",
            hostile.xlsx(hostile.table(importer, *[hostile.hostile_row(importer, "坏")] * rows)),
        ),
        "bad-cell-in-every-row-json": lambda: (
            "rows.json",
            __import__("json")
            .dumps(hostile._json_rows(importer, "坏") * min(rows, 60_000), ensure_ascii=False)
            .encode(),
        ),
    }


def _build(kind: str, names: list[str], folder: Path) -> None:
    """Write each file for `kind` at the real limits, in folder/kind/name/."""
    from django.conf import settings

    from jixiao.core.imports import IMPORTERS
    from jixiao.core.tests import hostile

    limits = {name: getattr(settings, name) for name in hostile.LIMITS}
    hostile.LIMITS.update(limits)  # the builders size the floods by these
    importer = IMPORTERS[kind]
    extra = _extra_files(importer, limits)
    for name in names:
        builder = extra.get(name) or (lambda n=name: hostile.FILES[n](importer))
        filename, data = builder()
        path = folder / kind / name / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _built(folder: Path) -> Path:
    return next(folder.iterdir())


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child(kind: str, path: str, trace: bool, out) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # never the machine's memory
    from django.db import connections

    from jixiao.core.imports import IMPORTERS, run_import
    from jixiao.core.tabular import InputRejected
    from jixiao.orgs.models import Region, User

    connections.close_all()
    actor = User.objects.get(username="budget")
    region = Region.objects.get(code=os.environ["BENCH_REGION"])
    data = Path(path).read_bytes()
    importer = IMPORTERS[kind](actor=actor, region=region)
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark starts here
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    before = _status("VmRSS")
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        result = run_import(importer, data, Path(path).name)
        outcome = f"written: {result.rows} rows"
    except InputRejected as exc:
        outcome = f"refused ({exc.total}): {exc.problems[0]}"
    except MemoryError:
        outcome = "MemoryError"
    seconds = time.perf_counter() - start
    py_peak = tracemalloc.get_traced_memory()[1] / 1048576 if trace else None
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # none started before
    reader_peak = reader / 1024 if reader != children else None
    out.send((seconds, before, _status("VmHWM"), reader_peak, py_peak, outcome))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", help="default: all; at --scale small " + ",".join(SMALL))
    parser.add_argument("--kinds", help="default: every import; at --scale small payments")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--scale", choices=("small", "province"), default="province")
    args, _unused = parser.parse_known_args()  # ./dev bench passes every script its options
    small = args.scale == "small"
    args.files = args.files or ",".join(SMALL if small else FILES)
    args.kinds = args.kinds if args.kinds is not None else ("payments" if small else "")
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-hostile-"))
    fresh = "DATABASE_URL" not in os.environ
    if fresh:  # a run of ./dev bench migrated once already: its copy (prepared.py)
        prepared.copy_kept("migrated", workdir / "bench.sqlite3")
    _setup_django(workdir)
    from django.core.management import call_command
    from django.db import connections

    from jixiao.core.imports import IMPORTERS
    from jixiao.testing import build_world

    if fresh:
        call_command("migrate", verbosity=0)
    world = build_world()
    os.environ["BENCH_REGION"] = world.region.code
    connections.close_all()
    kinds = [k for k in args.kinds.split(",") if k] or sorted(IMPORTERS)
    names = [n for n in args.files.split(",") if n]
    print(f"limits: {_limits()}")
    print(f"{'file':34} {'kind':11} {'size MB':>8} {'seconds':>8} {'RSS MB':>7} "
          f"{'peak MB':>8} {'reader MB':>9} {'py MB':>6}  outcome")  # fmt: skip
    worst = worst_reader = (0.0, "")
    context = multiprocessing.get_context("fork")
    for kind in kinds:
        # Built in a child, so that the parent each import forks from stays the size of a
        # Django worker (a child's resident set counts the parent's pages it shares).
        builder = context.Process(target=_build, args=(kind, names, workdir / "files"))
        builder.start()
        builder.join()
        paths = {name: _built(workdir / "files" / kind / name) for name in names}
        for name, path in paths.items():
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(kind, str(path), args.tracemalloc, send))
            process.start()
            send.close()
            figures = receive.recv() if receive.poll(args.timeout) else None
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
            size = path.stat().st_size / 1048576
            if figures is None:
                print(f"{name:34} {kind:11} {size:8.2f}  !! no answer (exit {process.exitcode})")
                continue
            seconds, before, peak, reader, py_peak, outcome = figures
            flag = "!!" if peak > BOUND_MB else "  "
            py = f"{py_peak:6.1f}" if py_peak is not None else "     -"
            read = f"{reader:9.0f}" if reader is not None else "        -"
            print(f"{name:34} {kind:11} {size:8.2f} {seconds:8.2f} {before:7.0f} {peak:8.0f}"
                  f" {read} {py} {flag}{outcome[:90]}")  # fmt: skip
            if reader is not None:
                worst_reader = max(worst_reader, (reader, f"{name} into {kind}"))
            worst = max(worst, (peak, f"{name} into {kind}"))
    print(f"worst peak: {worst[0]:.0f} MB ({worst[1]}); bound {BOUND_MB} MB")
    if worst_reader[1]:
        print(f"worst peak of a reading process: {worst_reader[0]:.0f} MB ({worst_reader[1]})")


def _limits() -> str:
    from django.conf import settings

    from jixiao.core.tests import hostile

    return ", ".join(
        f"{n.removeprefix('JIXIAO_IMPORT_')}={getattr(settings, n)}" for n in hostile.LIMITS
    )


if __name__ == "__main__":
    main()
