"""bench/run.py, the runner of `./dev bench`: with --json only well-formed JSON figures on
stdout (CONTRACT.md, Benchmarks), ratio = value ÷ baseline, the reserved names only for what they
are reserved for, every option passed to every script. Fake bench scripts in a temporary folder
stand in for the real ones (which take minutes)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "bench" / "run.py"
sys.path.insert(0, str(ROOT / "bench"))

import run as runner  # noqa: E402  (bench/run.py: bench/ is not a package)


def fake(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.py").write_text(
        "import json, sys\n"
        "def fig(name, value, unit, baseline=None, ratio=None, goal=None):\n"
        "    print(json.dumps(dict(name=name, value=value, unit=unit, baseline=baseline,\n"
        "                          ratio=ratio, goal=goal)), flush=True)\n" + textwrap.dedent(body),
        encoding="utf-8",
    )


def bench(folder: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(RUNNER), "--dir", str(folder), *options],
        capture_output=True,
        text=True,
        timeout=120,
    )


def figures(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_json_mode_prints_only_figures_and_sends_the_rest_to_stderr(tmp_path):
    fake(
        tmp_path,
        "alpha",
        """
        print("a readable heading")
        print("progress", file=sys.stderr)
        fig("alpha_seconds", 3.0, "s", 1.5, 99, 5)
        print("  and a table row")
        """,
    )
    done = bench(tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    rows = figures(done.stdout)  # every stdout line parses as JSON
    assert [list(row) for row in rows] == [["name", "value", "unit", "baseline", "ratio", "goal"]]
    assert "a readable heading" in done.stderr and "and a table row" in done.stderr
    assert "progress" in done.stderr


def test_ratio_is_value_over_baseline_whatever_the_script_said(tmp_path):
    fake(
        tmp_path,
        "alpha",
        """
        fig("with_baseline", 6.0, "s", 4.0, 1.0)
        fig("without_baseline", 7, "queries", None, 3.0)
        fig("zero_baseline", 2.0, "s", 0, 5.0)
        """,
    )
    rows = {row["name"]: row for row in figures(bench(tmp_path, "--json").stdout)}
    assert rows["with_baseline"]["ratio"] == 1.5
    assert rows["without_baseline"]["ratio"] is None
    assert rows["zero_baseline"]["ratio"] is None


def test_every_option_reaches_every_script(tmp_path):
    for name in ("alpha", "beta"):
        fake(
            tmp_path,
            name,
            f"""
            fig("{name}_args", len(sys.argv) - 1, "options")
            print(" ".join(sys.argv[1:]), file=sys.stderr)
            """,
        )
    done = bench(tmp_path, "--json", "--scale", "small", "--keep")
    rows = {row["name"]: row["value"] for row in figures(done.stdout)}
    assert rows == {"alpha_args": 4, "beta_args": 4}
    assert done.stderr.count("--json --keep --scale small") >= 2


def test_malformed_figures_are_refused_and_fail_the_run(tmp_path):
    fake(
        tmp_path,
        "alpha",
        """
        print('{"name": "broken", "value": 1')
        print(json.dumps({"name": "short", "value": 1}))
        fig("text_value", "fast", "s")
        fig("fine", 1.0, "s")
        """,
    )
    done = bench(tmp_path, "--json")
    assert [row["name"] for row in figures(done.stdout)] == ["fine"]
    assert done.returncode == 1
    assert "not JSON" in done.stderr and "keys must be" in done.stderr
    assert "text_value: value must be a finite number" in done.stderr


@pytest.mark.parametrize(
    "item, refused",
    [
        ({"name": "targets_import", "value": 2.5, "unit": "×", "baseline": None}, True),
        ({"name": "targets_import", "value": 12.0, "unit": "s", "baseline": 4.0}, False),
        ({"name": "rescoring", "value": 3.0, "unit": "s", "baseline": 0}, True),
        ({"name": "load_p95_ms", "value": 0.4, "unit": "s", "baseline": None}, True),
        ({"name": "load_p95_ms", "value": 420.0, "unit": "ms", "baseline": None}, False),
        ({"name": "load_errors", "value": -1, "unit": "errors", "baseline": None}, True),
        ({"name": "load_errors", "value": 0, "unit": "errors", "baseline": None}, False),
        ({"name": "my_own_figure", "value": 0.4, "unit": "s", "baseline": None}, False),
    ],
)
def test_reserved_names_mean_only_what_the_contract_says(item, refused):
    figure, why = runner.check({**item, "ratio": None, "goal": None})
    assert (figure is None) == refused, why


def test_a_name_given_twice_is_refused(tmp_path):
    fake(tmp_path, "alpha", 'fig("load_errors", 0, "errors")\n')
    fake(tmp_path, "beta", 'fig("load_errors", 3, "errors")\n')
    done = bench(tmp_path, "--json")
    assert figures(done.stdout) == [
        {"name": "load_errors", "value": 0, "unit": "errors", "baseline": None, "ratio": None}
        | {"goal": None}
    ]
    assert "already given by alpha" in done.stderr and done.returncode == 1


def test_a_failing_script_fails_the_run_but_the_others_still_report(tmp_path):
    fake(tmp_path, "alpha", "raise SystemExit(3)\n")
    fake(tmp_path, "beta", 'fig("beta_seconds", 1.0, "s")\n')
    done = bench(tmp_path, "--json")
    assert [row["name"] for row in figures(done.stdout)] == ["beta_seconds"]
    assert "alpha: exit status 3" in done.stderr and done.returncode == 1


def test_a_script_over_its_budget_is_stopped(tmp_path):
    fake(
        tmp_path,
        "slow",
        """
        import time
        fig("slow_started", 1.0, "s")
        time.sleep(60)
        fig("slow_done", 1.0, "s")
        """,
    )
    done = bench(tmp_path, "--json", "--budget", "2")
    assert [row["name"] for row in figures(done.stdout)] == ["slow_started"]
    assert "stopped after its budget of 2 s" in done.stderr and done.returncode == 1


def test_without_json_the_output_passes_through(tmp_path):
    fake(tmp_path, "alpha", 'print("a readable report")\n')
    done = bench(tmp_path, "--only", "alpha")
    assert done.stdout == "a readable report\n" and done.returncode == 0


def test_the_runner_leaves_out_itself_and_the_locust_file():
    names = {path.stem for path in runner.scripts(runner.BENCH, set(), set())}
    assert "run" not in names and "locustfile" not in names
    assert "reports" in names


def test_scripts_after_the_total_is_spent_are_not_started(tmp_path):
    fake(tmp_path, "alpha", 'import time\nfig("alpha_seconds", 1.0, "s")\ntime.sleep(3)\n')
    fake(tmp_path, "beta", 'fig("beta_seconds", 1.0, "s")\n')
    done = bench(tmp_path, "--json", "--total", "2")
    assert [row["name"] for row in figures(done.stdout)] == ["alpha_seconds"]
    assert "beta: not run, the total of 2 s is spent" in done.stderr and done.returncode == 1


def test_the_scripts_of_the_reserved_figures_run_first(tmp_path):
    for name in ("aardvark", "load", "targets_import", "zebra"):
        fake(tmp_path, name, f'fig("{name}_seconds", 1.0, "s")\n')
    names = [row["name"] for row in figures(bench(tmp_path, "--json").stdout)]
    assert names == [
        "targets_import_seconds",
        "load_seconds",
        "aardvark_seconds",
        "zebra_seconds",
    ]


def test_every_script_of_a_run_shares_one_cache_folder_removed_at_the_end(tmp_path):
    for name in ("alpha", "beta"):
        fake(tmp_path, name, 'import os\nprint(os.environ["JIXIAO_BENCH_CACHE"])\n')
    done = bench(tmp_path)
    first, second = done.stdout.split()
    assert first == second and Path(first).name.startswith("jixiao-bench-cache-")
    assert not Path(first).exists()


def _sqlite_with(path: Path, value: int) -> None:
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (v INTEGER)")
        db.execute("INSERT INTO t VALUES (?)", [value])
    db.close()


def test_a_kept_database_is_copied_only_into_a_new_file_of_the_scripts_own_folder(
    tmp_path, monkeypatch
):
    import sqlite3

    import prepared

    cache, own = tmp_path / "cache", tmp_path / "own"
    cache.mkdir(), own.mkdir()
    _sqlite_with(cache / "migrated.sqlite3", 42)
    monkeypatch.setenv("JIXIAO_BENCH_CACHE", str(cache))
    env = {"DATABASE_URL": f"sqlite:///{own / 'bench.sqlite3'}", "PWD": str(own)}
    assert prepared.kept_copy(["migrate", "--noinput"], env) == (
        own / "bench.sqlite3",
        cache / "migrated.sqlite3",
    )
    assert prepared.kept_copy(["generate", "--regions", "1"], env) is None  # not kept
    elsewhere = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'theirs.sqlite3'}"}
    assert prepared.kept_copy(["migrate", "--noinput"], elsewhere) is None
    postgres = {**env, "DATABASE_URL": "postgres://u:p@localhost/db"}
    assert prepared.kept_copy(["migrate", "--noinput"], postgres) is None

    assert prepared.copy_kept("migrated", own / "bench.sqlite3")
    with sqlite3.connect(own / "bench.sqlite3") as db:
        assert db.execute("SELECT v FROM t").fetchall() == [(42,)]
    db.close()
    assert not prepared.copy_kept("migrated", own / "bench.sqlite3")  # exists: left as it is
    assert prepared.kept_copy(["migrate", "--noinput"], env) is None
    assert not prepared.copy_kept("demo", own / "other.sqlite3")  # nothing kept by that name


def test_an_empty_database_file_counts_as_new_for_the_kept_migration(tmp_path, monkeypatch):
    import prepared

    cache, own = tmp_path / "cache", tmp_path / "own"
    cache.mkdir(), own.mkdir()
    monkeypatch.setenv("JIXIAO_BENCH_CACHE", str(cache))
    env = {"DATABASE_URL": f"sqlite:///{own / 'bench.sqlite3'}", "PWD": str(own)}
    (own / "bench.sqlite3").touch()  # opened before the set-up (evaluations.py's score file)
    assert prepared.kept_copy(["migrate", "--noinput"], env) is not None
    _sqlite_with(own / "bench.sqlite3", 1)
    assert prepared.kept_copy(["migrate", "--noinput"], env) is None  # holds something


def test_the_small_run_leaves_out_the_fuzzing_unless_asked_for_it_by_name(tmp_path):
    for name in ("fuzz_api", "zebra"):
        fake(tmp_path, name, f'fig("{name}_calls", 1.0, "count")\n')
    done = bench(tmp_path, "--json", "--scale", "small")
    assert [row["name"] for row in figures(done.stdout)] == ["zebra_calls"]
    assert "fuzz_api.py: left out at --scale small" in done.stderr and done.returncode == 0
    asked = bench(tmp_path, "--json", "--scale", "small", "--only", "fuzz_api")
    assert [row["name"] for row in figures(asked.stdout)] == ["fuzz_api_calls"]
    everything = bench(tmp_path, "--json")  # the province scale leaves nothing out
    assert [row["name"] for row in figures(everything.stdout)] == ["fuzz_api_calls", "zebra_calls"]


def test_the_fuzzing_figures_are_read_from_the_tests_report():
    from collections import Counter

    import fuzz_api

    from jixiao.api.tests.fuzzing import Run

    run = Run(calls=Counter({"GET /api/v1/units": 300}), seconds=12.0)
    run.server_errors.append("GET /api/v1/units as filer: 500")
    run.violations.update({"a": "x", "b": "y"})
    assert fuzz_api.figures(run.report()) == [
        ("api_fuzz_5xx", 1.0, "count", 0),
        ("api_fuzz_violations", 2.0, "count", 0),
        ("api_fuzz_calls_per_s", 25.0, "calls/s", None),
    ]
