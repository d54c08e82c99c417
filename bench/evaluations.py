"""Benchmark of the evaluation stage: `jixiao score` on 10,000 tables,
re-scoring every self-evaluation of a province-year in the database, and the self-evaluation
pages' queries.

    .venv/bin/python bench/evaluations.py [--scale small|province] [--json] [--tables N]
                                          [--regions N] [--sample 2000] [--skip-setup] [--keep]

Scale: `province` (the default) is 10,000 tables and 100 generated districts (40,000
self-evaluations); `small` is 2,000 tables and 10 districts (`--tables` and `--regions`
override). With `--json` the figures are JSON lines on stdout ({"name","value","unit",
"baseline","ratio","goal"}) and everything else goes to stderr:

- `rescoring`: seconds of the app's batched re-score of the province-year when every row's
  result changes (all rewritten), against only reading the same scored rows as models in the
  same run (goal 2.5); `rescoring_cpu` the same in CPU seconds of the process;
- `rescoring_unchanged`: a re-score right after one (nothing changed, nothing written), against
  the same read;
- `rescoring_per_table_ms`: `services.rescore` per table (no goal, for reading).

Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set (`--skip-setup` then
takes that database as it is, with `jixiao demo` and `generate` already run). Steps and figures:

1. `jixiao score FILE --json` on N synthetic tables shaped like the published 自评表 of
   jixiao/evaluations/tests/samples.py (REAL_TABLE): 6–15 indicators of every kind (≥, ≤, =100%,
   deadlines met and late, qualitative bands with entered scores, over-achievement), weights
   spread over outputs 50 / benefits 30 / satisfaction 10 (or 60 / 30 without satisfaction), a
   money block by source, the unit's own scores. End to end in a subprocess → tables per second;
   against json.load(parse_float=Decimal) of the same file, and against the in-process loop of
   read (selfeval_from_data) + score + to_data that the command runs.
2. `jixiao demo`, `jixiao generate --regions N` (400 projects of 2022 per district, each with a
   target of 15 indicators — but no self-evaluations), then one SelfEvaluation per generated
   project with its 15 indicator rows (weights, actual values, deviations), by bulk_create.
3. Re-scoring them: only reading the rows; `services.rescore` per table (time and queries, on
   `--sample` tables unless 0 = all); the app's batched path `rescoring.selfevals_rescore` (one
   rulebook per region and year, rows read and written a chunk at a time) on all, checked
   against the per-table result. Then, alternating, three reads of the scored rows and two
   batched runs, each after every stored score was made stale (`stale`: all rows rewritten,
   the worst case); the fastest run of each counts, in wall and in CPU time. The first batched
   run (values new to the scoring's caches) and a read before any scoring (empty results,
   cheaper to read) are printed beside, not counted.
4. Pages (time, queries): the list, queue and detail pages for the demo district's budget office
   and for the province user over all generated self-evaluations (work year 2023, which the bench
   opens for the generated districts).

Step 1 prints no JSON figure: with `--json --scale small` (the small run of `./dev bench`) it is
left out unless `--tables` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import prepared

# The helpers every bench shares (run as a script, this folder is on sys.path).
from key_evaluations import OUT
from key_evaluations import figure as shared_figure

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022
PROVINCE = "990000"
PROVINCE_USER = f"gen-{PROVINCE}-budget"
CHUNK = 1000
# (tables, districts, tables re-scored one at a time); the small scale skips `jixiao demo` and
# the demo district's pages, to fit the runner's budget
SCALES = {"small": (1_000, 5, 200), "province": (10_000, 100, 2000)}


def _env(workdir: Path) -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PWD": str(workdir),
        "ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_SETTINGS_MODULE": "jixiao.settings",
    }


_run = prepared.jixiao  # a run of ./dev bench migrates once (prepared.py)


@contextmanager
def counted():
    """Count the queries run inside (lighter than CaptureQueriesContext for 100,000s)."""
    from django.db import connection

    box = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        box["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield box


def figure(name, value, unit, baseline=None, goal=None) -> None:
    """One figure as a JSON line on the real standard output with `--json` (every other line
    then goes to stderr), in the shape every bench prints."""
    with contextlib.redirect_stdout(sys.__stdout__):
        shared_figure(name, value, unit, baseline=baseline, goal=goal)


def spread(points: int, count: int) -> list[int]:
    """`points` over `count` indicators in whole points, as units do (10 over 3: 4, 3, 3)."""
    base, extra = divmod(points, count)
    return [base + (i < extra) for i in range(count)]


# --- 1. synthetic published tables ------------------------------------------------------------

# (subcategory, name, kind, unit, low, high) — kind: ge (≥n unit), le (≤n unit), pct (≥n%),
# full (100%), deadline, qual (a qualitative target).
OUTPUTS = [
    ("数量指标", "生活垃圾清运量", "ge", "万吨", 3, 20),
    ("数量指标", "垃圾分类示范小区数量", "ge", "个", 5, 40),
    ("数量指标", "培训人次", "ge", "人次", 200, 3000),
    ("数量指标", "新建（改造）公共厕所数量", "ge", "座", 5, 30),
    ("质量指标", "工程验收合格率", "full", "%", 100, 100),
    ("质量指标", "生活垃圾无害化处理率", "full", "%", 100, 100),
    ("质量指标", "设备完好率", "pct", "%", 90, 98),
    ("时效指标", "垃圾清运及时率", "pct", "%", 90, 98),
    ("时效指标", "项目完工时间", "deadline", "", 0, 0),
    ("成本指标", "每吨垃圾清运成本", "le", "元/吨", 100, 200),
    ("成本指标", "单座公厕建设造价", "le", "万元", 20, 60),
]
BENEFITS = [
    ("社会效益指标", "城区环境卫生状况", "qual", "明显改善", 0, 0),
    ("社会效益指标", "受益居民户数", "ge", "户", 300, 5000),
    ("生态效益指标", "生活垃圾回收利用率", "pct", "%", 30, 40),
    ("经济效益指标", "带动就业人数", "ge", "人", 10, 200),
    ("可持续影响指标", "垃圾分类长效管理机制", "qual", "建立健全", 0, 0),
]
SATISFACTION = [
    ("服务对象满意度指标", "居民满意度", "pct", "%", 85, 95),
    ("服务对象满意度指标", "服务对象满意度", "pct", "%", 80, 95),
]
PARTLY = "部分达成年度指标并具有一定效果"


def _number(value: float, places: int) -> str:
    return f"{value:.{places}f}".rstrip("0").rstrip(".") if places else str(round(value))


def indicator(rng: random.Random, category: str, spec: tuple, weight: int, year: int) -> dict:
    """One row with a target, an actual value and, where needed, a band, a score, a deviation
    cause or an over-achievement explanation; the unit's own score."""
    subcategory, name, kind, unit, low, high = spec
    row = {"category": category, "subcategory": subcategory, "name": name, "weight": weight}
    luck = rng.random()  # < 0.15 missed, > 0.92 far beyond the target
    if kind == "ge":
        places = 1 if unit == "万吨" else 0
        target = rng.randint(low, high)
        ratio = (
            rng.uniform(0.6, 0.99)
            if luck < 0.15
            else rng.uniform(1.3, 1.8)
            if luck > 0.92
            else rng.uniform(1.0, 1.25)
        )
        actual = _number(target * ratio, places)
        row |= {
            "target": f"≥{target}{unit}",
            "actual": actual if rng.random() < 0.1 else f"{actual}{unit}",
        }  # unit left off
        if luck > 0.92:
            row["explanation"] = "年初目标按上年完成数测算，实际需求增长较快。"
    elif kind == "le":
        target = rng.randint(low, high)
        ratio = rng.uniform(1.01, 1.3) if luck < 0.15 else rng.uniform(0.8, 1.0)
        row |= {"target": f"≤{target}{unit}", "actual": _number(target * ratio, 1)}
    elif kind == "pct":
        target = rng.randint(low, high)
        actual = rng.uniform(target - 8, target) if luck < 0.15 else rng.uniform(target, 100)
        row |= {"target": f"≥{target}%", "actual": f"{actual:.1f}%"}
    elif kind == "full":
        row |= {"target": "100%", "actual": "98.5%" if luck < 0.1 else "100%"}
    elif kind == "deadline":
        month = rng.choice([6, 9, 10, 11, 12])
        row["target"] = f"{month}月底前完成" if rng.random() < 0.5 else f"{year}年{month}月底前"
        row["actual"] = (
            f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"
            if luck < 0.15 and month == 12
            else f"{year}年{month + 1 if luck < 0.15 else month}月{rng.randint(1, 28)}日"
        )
    else:  # qualitative
        row["target"] = unit
        if luck < 0.25:
            row |= {
                "actual": "已出台管理办法，部分措施尚未落实",
                "band": PARTLY,
                "score": _number(weight * rng.uniform(0.6, 0.79), 1),
            }
        elif luck < 0.4:
            row |= {
                "actual": "目标全面完成",
                "band": "达成年度指标",
                "score": _number(weight * rng.uniform(0.8, 1.0), 1),
            }
        else:
            row["actual"] = "达成年度指标"
    if luck < 0.15 and rng.random() < 0.8:
        row["deviation"] = "受疫情影响，部分工作延后；下一年度加强统筹调度，按月跟踪进度。"
    row["self_score"] = weight if rng.random() < 0.85 else max(weight - rng.randint(1, 2), 0)
    return row


def table(rng: random.Random, number: int) -> dict:
    year = rng.choice([2019, 2020, 2021, 2022])
    with_satisfaction = rng.random() < 0.9
    groups = [
        ("产出指标", OUTPUTS, 50 if with_satisfaction else 60, rng.randint(4, 8)),
        ("效益指标", BENEFITS, 30, rng.randint(1, 4)),
    ]
    if with_satisfaction:
        groups.append(("满意度指标", SATISFACTION, 10, rng.randint(1, 2)))
    rows = []
    for category, pool, points, count in groups:
        specs = rng.sample(pool, count)
        rows += [
            indicator(rng, category, spec, weight, year)
            for spec, weight in zip(specs, spread(points, count), strict=True)
        ]
    full = Decimal(str(round(rng.lognormvariate(5.0, 1.2), 4))) + Decimal("1")
    carry = (full * Decimal("0.1")).quantize(Decimal("0.0001")) if rng.random() < 0.3 else 0
    executed = (full * Decimal(str(round(rng.uniform(0.7, 1.0), 4)))).quantize(Decimal("0.0001"))
    executed_carry = min(Decimal(carry), executed)
    return {
        "region": "360102", "year": year,
        "unit": {"code": f"{100 + number % 67:06d}", "name": f"东湖区某局{number % 67 + 1}"},
        "project": {"code": f"{year}-ZX-{number:05d}", "name": f"{year}年东湖区项目{number}"},
        "budget": {
            "initial": str((full * Decimal("0.9")).quantize(Decimal("0.0001"))),
            "full_year": str(full), "executed": str(executed),
            "sources": [
                {"source": "当年财政拨款", "initial": str((full * Decimal("0.9")).quantize(
                    Decimal("0.0001"))), "full_year": str(full - carry),
                 "executed": str(executed - executed_carry)},
                {"source": "上年结转资金", "initial": "0", "full_year": str(carry),
                 "executed": str(executed_carry)},
                {"source": "其他资金", "initial": None, "full_year": None, "executed": None}],
            "self_score": "10" if rng.random() < 0.5 else None,
        },
        "goal": {"expected": "完成年度建设任务，城区环境卫生明显改善。",
                 "achieved": "基本完成年度建设任务。"},
        "indicators": rows,
        "self_total": f"{rng.uniform(85, 100):.2f}" if rng.random() < 0.7 else None,
        "self_grade": "优" if rng.random() < 0.7 else None,
    }  # fmt: skip


def score_file(workdir: Path, env: dict, count: int) -> None:
    from jixiao.core import rulebook
    from jixiao.evaluations.management.commands.score import _score_one
    from jixiao.evaluations.scoring import scoring_params

    rng = random.Random(5)
    tables = [table(rng, n) for n in range(count)]
    path = workdir / "selfevals.json"
    path.write_text(json.dumps(tables, ensure_ascii=False), "utf-8")
    empty = workdir / "empty.json"
    empty.write_text("[]", "utf-8")
    indicators = sum(len(t["indicators"]) for t in tables)
    print(
        f"score file: {count:,} tables, {indicators:,} indicators, "
        f"{path.stat().st_size / 1048576:.1f} MB"
    )
    cli_env = {**env, "DATABASE_URL": f"sqlite:///{workdir / 'nowhere' / 'none.sqlite3'}"}

    def cli(file: Path) -> float:
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "jixiao", "score", str(file), "--json"],
            env=cli_env,
            cwd=workdir,
            capture_output=True,
            check=True,
        )
        elapsed = time.perf_counter() - started
        results = json.loads(out.stdout)
        assert len(results) == (count if file == path else 0)
        return elapsed, results

    startup = statistics.median(cli(empty)[0] for _ in range(3))
    runs = [cli(path) for _ in range(3)]
    end_to_end, results = statistics.median(r[0] for r in runs), runs[0][1]
    refused = sum("indicators" not in r for r in results)
    grades = Counter(r.get("grade") or "不完整" for r in results)
    assert not (workdir / "nowhere" / "none.sqlite3").exists(), "score touched a database"

    def parse():
        started = time.perf_counter()
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle, parse_float=Decimal)
        return time.perf_counter() - started, data

    parsing = statistics.median(parse()[0] for _ in range(3))
    data = parse()[1]
    rules = rulebook.named()
    params, catalogue = scoring_params(rules.section("scoring")), rules.section("catalogue")
    loops = []
    for _ in range(3):
        started = time.perf_counter()
        scored = [_score_one(item, params, catalogue) for item in data]
        loops.append(time.perf_counter() - started)
    loop = statistics.median(loops)
    started = time.perf_counter()
    json.dumps(scored, ensure_ascii=False, indent=2)
    dumping = time.perf_counter() - started
    assert scored == results, "in-process scores differ from the command's"
    print(f"  grades {dict(grades)}; refused by the schema: {refused}")
    print(
        f"  jixiao score --json end to end: {end_to_end:.2f} s = {count / end_to_end:,.0f} "
        f"tables/s (process start with an empty list {startup:.2f} s)"
    )
    print(
        f"  json.load(parse_float=Decimal) alone: {parsing * 1000:.0f} ms; end to end / parse "
        f"{end_to_end / parsing:.0f}x"
    )
    print(
        f"  in-process read+score+to_data loop: {loop:.2f} s = {count / loop:,.0f} tables/s, "
        f"{loop / count * 1e6:.0f} µs/table; loop / parse {loop / parsing:.0f}x; "
        f"end to end / loop {end_to_end / loop:.2f}x (json.dumps of the results "
        f"{dumping:.2f} s)"
    )


# --- 2. self-evaluations of a generated province-year -----------------------------------------


def actual_for(rng: random.Random, value_text: str) -> tuple[str, str]:
    """An actual value for a generated target value (generate's GRID) and, when it misses,
    a deviation cause."""
    import re

    missed = rng.random() < 0.15
    number = re.search(r"\d+(\.\d+)?", value_text)
    deviation = "部分任务顺延至下一年度，已制定整改计划。" if missed and rng.random() < 0.8 else ""
    if "月底前" in value_text:
        day = rng.randint(1, 28)
        return (f"{YEAR + 1}年1月{day}日" if missed else f"{YEAR}年12月{day}日"), deviation
    target = Decimal(number.group()) if number else Decimal(1)
    unit = value_text[number.end() :] if number else ""
    if value_text.startswith("≤"):
        ratio = rng.uniform(1.01, 1.3) if missed else rng.uniform(0.8, 1.0)
    elif unit == "%":
        return f"{rng.uniform(80, 94.9) if missed else rng.uniform(95, 100):.1f}%", deviation
    else:
        ratio = rng.uniform(0.6, 0.99) if missed else rng.uniform(1.0, 1.25)
    return f"{float(target) * ratio:.0f}{unit}", deviation


def create_selfevals(prefix: str) -> int:
    """One SelfEvaluation per generated project of YEAR, with its target's 15 indicators."""
    from django.db import transaction

    from jixiao.budgets.models import Project
    from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation
    from jixiao.targets.models import Indicator, Target

    SelfEvalIndicator.objects.filter(selfeval__region__path__startswith=prefix).delete()
    SelfEvaluation.objects.filter(region__path__startswith=prefix).delete()
    rng = random.Random(7)
    statuses = (
        ["draft"] * 2 + ["ready", "submitted", "submitted", "first_passed"] + ["confirmed"] * 4
    )
    ids = list(
        Project.objects.filter(region__path__startswith=prefix, year=YEAR).values_list(
            "id", flat=True
        )
    )
    started = time.perf_counter()
    created = lines = 0
    for start in range(0, len(ids), CHUNK * 2):
        chunk = ids[start : start + CHUNK * 2]
        projects = Project.objects.filter(id__in=chunk)
        targets = {t.project_id: t for t in Target.objects.filter(project_id__in=chunk)}
        grid = defaultdict(list)
        for row in Indicator.objects.filter(target__project_id__in=chunk).order_by(
            "target_id", "position"
        ):
            grid[row.target_id].append(row)
        with transaction.atomic():
            selfevals = SelfEvaluation.objects.bulk_create(
                [
                    SelfEvaluation(
                        region_id=p.region_id,
                        year=p.year,
                        unit_id=p.unit_id,
                        project=p,
                        target=targets[p.id],
                        status=rng.choice(statuses),
                        executed_current=(
                            p.full_current * Decimal(str(round(rng.uniform(0.75, 1), 4)))
                        ).quantize(Decimal("0.01")),
                        executed_carryover=p.full_carryover,
                        goal_achieved="基本完成年度目标。",
                    )
                    for p in projects
                ]
            )
            rows = []
            for selfeval in selfevals:
                grid_rows = grid[selfeval.target.id]
                weights = _weights([r.category for r in grid_rows])
                for row, weight in zip(grid_rows, weights, strict=True):
                    actual, deviation = actual_for(rng, row.value_text)
                    rows.append(
                        SelfEvalIndicator(
                            selfeval=selfeval,
                            position=row.position,
                            category=row.category,
                            subcategory=row.subcategory,
                            name=row.name,
                            target_text=row.value_text,
                            weight=weight,
                            actual=actual,
                            deviation=deviation,
                        )
                    )
            SelfEvalIndicator.objects.bulk_create(rows, batch_size=5000)
        created += len(selfevals)
        lines += len(rows)
    elapsed = time.perf_counter() - started
    print(
        f"self-evaluations for the bench (bulk_create): {created:,} with {lines:,} indicator "
        f"rows in {elapsed:.1f} s"
    )
    return created


def _weights(categories: list[str]) -> list[int]:
    """Outputs 50 / benefits 30 / satisfaction 10 spread over a target's rows (outputs 60
    without a satisfaction row)."""
    points = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    if "满意度指标" not in categories:
        points["产出指标"] = 60
    counts = Counter(categories)
    shares = {c: iter(spread(points[c], n)) for c, n in counts.items()}
    return [next(shares[c]) for c in categories]


def id_chunks(prefix: str, limit: int = 0):
    from jixiao.evaluations.models import SelfEvaluation

    ids = list(
        SelfEvaluation.objects.filter(region__path__startswith=prefix, year=YEAR)
        .order_by("id")
        .values_list("id", flat=True)
    )
    ids = ids[:limit] if limit else ids
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def load(chunk: list[int]):
    """A chunk of self-evaluations with what scoring reads, and their lines by self-evaluation."""
    from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation

    selfevals = list(
        SelfEvaluation.objects.filter(id__in=chunk).select_related(
            "project", "unit", "region", "target"
        )
    )
    lines = defaultdict(list)
    for line in SelfEvalIndicator.objects.filter(selfeval_id__in=chunk).order_by(
        "selfeval_id", "position"
    ):
        lines[line.selfeval_id].append(line)
    return selfevals, lines


def read_only(prefix: str, limit: int = 0) -> tuple[float, int, int, float]:
    """Only reading the rows as models, a chunk at a time: (seconds, queries, rows, CPU s)."""
    count = 0
    with counted() as queries:
        started, cpu = time.perf_counter(), time.process_time()
        for chunk in id_chunks(prefix, limit):
            selfevals, _lines = load(chunk)
            count += len(selfevals)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, queries["n"], count, cpu


def per_table(prefix: str, limit: int) -> tuple[float, int, int, dict]:
    """services.rescore for each table, given rows loaded with their related objects (as a
    caller that knows to select_related would)."""
    from jixiao.evaluations.models import SelfEvaluation
    from jixiao.evaluations.services import rescore

    count, totals = 0, {}
    with counted() as queries:
        started = time.perf_counter()
        for chunk in id_chunks(prefix, limit):
            for selfeval in SelfEvaluation.objects.filter(id__in=chunk).select_related(
                "project", "unit", "region", "target"
            ):
                totals[selfeval.id] = rescore(selfeval).total
                count += 1
        elapsed = time.perf_counter() - started
    return elapsed, queries["n"], count, totals


def batched(prefix: str) -> tuple[float, int, int, dict, float]:
    """The app's batched path (`rescoring.selfevals_rescore`, what `jixiao rescore` runs) over
    the whole province-year: one rulebook per region lineage and year, the rows read and written
    a chunk at a time (only those whose result changed). (seconds, queries, rows, totals, CPU s)."""
    from jixiao.evaluations.models import SelfEvaluation
    from jixiao.evaluations.rescoring import selfevals_rescore
    from jixiao.orgs.models import Region

    region = Region.objects.get(path=prefix)
    with counted() as queries:
        started, cpu = time.perf_counter(), time.process_time()
        count = selfevals_rescore(actor=None, region=region, year=YEAR)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    totals = dict(
        SelfEvaluation.objects.filter(region__path__startswith=prefix, year=YEAR).values_list(
            "id", "total"
        )
    )
    return elapsed, queries["n"], count, totals, cpu


def stale(prefix: str) -> None:
    """Every stored score made to differ from what scoring gives, as a rulebook change that
    moves every score would: the next re-score rewrites every row (the worst case). The
    stored results and explanations keep their size, so reading them costs the same."""
    from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation

    selfevals = SelfEvaluation.objects.filter(region__path__startswith=prefix, year=YEAR)
    SelfEvalIndicator.objects.filter(selfeval__in=selfevals).update(score=None)
    selfevals.update(total=None)


def read_raw(prefix: str) -> float:
    """The floor: the same two SELECTs per chunk as `load`, fetched without making models."""
    from django.db import connection

    from jixiao.evaluations.models import SelfEvalIndicator, SelfEvaluation

    started = time.perf_counter()
    for chunk in id_chunks(prefix):
        for qs in (
            SelfEvaluation.objects.filter(id__in=chunk).select_related(
                "project", "unit", "region", "target"
            ),
            SelfEvalIndicator.objects.filter(selfeval_id__in=chunk).order_by(
                "selfeval_id", "position"
            ),
        ):
            sql, params = qs.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
    return time.perf_counter() - started


def rescoring(prefix: str, sample: int) -> None:
    """Per table on `sample` tables (0 = all), then the batched path on all (the first run,
    whose values are new to the scoring's caches, checked against the per-table totals). Then,
    alternating, reading the scored rows three times and re-scoring them twice after `stale`
    (every row rewritten); the fastest of each counts. Last, a re-score after no change."""
    from jixiao.evaluations.models import SelfEvaluation

    total = SelfEvaluation.objects.filter(region__path__startswith=prefix, year=YEAR).count()
    print(f"re-scoring {total:,} self-evaluations of the province-year {YEAR}:")
    limit = sample if 0 < sample < total else 0
    unscored = read_only(prefix)  # for reading only: the rows before any scoring
    elapsed, queries, count, reference = per_table(prefix, limit)
    first = batched(prefix)
    assert all(first[3][k] == v for k, v in reference.items()), "batched totals differ"
    reads, runs = [read_only(prefix)], []
    for _ in range(2):
        stale(prefix)
        runs.append(batched(prefix))
        reads.append(read_only(prefix))
    assert all(run[3] == first[3] for run in runs), "a re-score changed the totals"
    unchanged = batched(prefix)
    base, base_cpu = min(r[0] for r in reads), min(r[3] for r in reads)
    b_elapsed, b_cpu = min(r[0] for r in runs), min(r[4] for r in runs)
    b_queries, b_count = runs[0][1], runs[0][2]
    sub_base = read_only(prefix, count)[0] if limit else base
    floor = read_raw(prefix)
    print(
        f"  only reading them (chunks of {CHUNK}: selfevals with project/unit/region/target, "
        f"then their lines, as models): {base:.2f} s, {base_cpu:.2f} s CPU, {reads[0][1]} "
        f"queries; the same SQL fetched without making models {floor:.2f} s; the rows before "
        f"any scoring (empty results) {unscored[0]:.2f} s, {unscored[3]:.2f} s CPU"
    )
    shown = f"{count:,} tables (a sample)" if limit else f"all {count:,} tables"
    projected = elapsed / count * total
    print(
        f"  services.rescore per table, {shown}: {elapsed:.1f} s = {elapsed / count * 1000:.1f} "
        f"ms and {queries / count:.1f} queries per table"
        + (f" → {projected:.0f} s for all" if limit else "")
        + f"; {elapsed / sub_base:.0f}x reading them"
    )
    print(
        f"  batched (the app's rescoring.selfevals_rescore, as `jixiao rescore`), all "
        f"{b_count:,} tables, every row rewritten: {b_elapsed:.2f} s, {b_cpu:.2f} s CPU = "
        f"{b_count / b_elapsed:,.0f} tables/s, {b_queries} queries; "
        f"{elapsed / count * b_count / b_elapsed:.1f}x faster than per table; "
        f"{b_elapsed / base:.2f}x reading them ({b_cpu / base_cpu:.2f}x in CPU); same totals "
        f"as per table"
    )
    print(
        f"  the first batched run (values new to the caches): {first[0]:.2f} s, {first[4]:.2f} s "
        f"CPU = {first[0] / base:.2f}x ({first[4] / base_cpu:.2f}x CPU); after no change "
        f"(nothing written): {unchanged[0]:.2f} s, {unchanged[4]:.2f} s CPU = "
        f"{unchanged[0] / base:.2f}x ({unchanged[4] / base_cpu:.2f}x CPU)"
    )
    print(f"  reads (s, CPU s): {[(round(r[0], 2), round(r[3], 2)) for r in reads]}")
    figure("rescoring", b_elapsed, "s", baseline=base, goal=2.5)
    figure("rescoring_cpu", b_cpu, "s", baseline=base_cpu)
    figure("rescoring_unchanged", unchanged[0], "s", baseline=base)
    figure("rescoring_per_table_ms", elapsed / count * 1000, "ms")
    grades = Counter(g or "不完整" for g in _grades(prefix))
    print(f"  grades: {dict(grades)}")


def _grades(prefix: str):
    from jixiao.evaluations.models import SelfEvaluation

    return SelfEvaluation.objects.filter(region__path__startswith=prefix).values_list(
        "grade", flat=True
    )


# --- 4. pages ---------------------------------------------------------------------------------


def page(username: str, region_code: str, year: int, url: str, repeat: int = 5):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.orgs.models import Region, User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.post(
        "/work-context/", {"region": Region.objects.get(code=region_code).id, "year": str(year)}
    )
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        queries = len(ctx)
    return statistics.median(times), queries, response.content.decode()


def pages(prefix: str, demo: bool = True) -> None:
    from jixiao.budgets.models import FiscalYear
    from jixiao.evaluations.models import SelfEvaluation
    from jixiao.orgs.models import Region

    # self-evaluations of YEAR are done in YEAR + 1: open that year for the generated districts
    districts = Region.objects.filter(path__startswith=prefix, level="district")
    FiscalYear.objects.bulk_create(
        [FiscalYear(region=d, year=YEAR + 1) for d in districts], ignore_conflicts=True
    )
    generated = SelfEvaluation.objects.filter(region__path__startswith=prefix).first()
    cases = [
        (
            f"province {PROVINCE} ({districts.count()} districts), {YEAR} projects",
            PROVINCE_USER,
            PROVINCE,
            YEAR + 1,
            [
                ("list", "/evaluations/"),
                ("queue", "/evaluations/queue/"),
                ("list filtered 优", "/evaluations/?grade=%E4%BC%98"),
                ("list flagged self_score", "/evaluations/?flagged=self_score"),
                (
                    f"detail ({generated.indicators.count()} indicators)",
                    f"/evaluations/{generated.id}/",
                ),
            ],
        ),
    ]
    if demo:
        cases[:0] = demo_cases()
    for label, user, region, year, urls in cases:
        for name, url in urls:
            seconds, queries, html = page(user, region, year, url)
            assert "共 0 条" not in html or "queue" in url or "flagged" in url, (label, url)
            print(f"page {name}, {label}: {seconds * 1000:.0f} ms, {queries} queries")


def demo_cases() -> list:
    """The demo district's pages for its budget office and its unit persona."""
    from jixiao.evaluations.models import SelfEvaluation

    shown = SelfEvaluation.objects.filter(region__code="360102", year=2021).order_by("id")
    demo_one = max(shown[:50], key=lambda s: s.indicators.count())
    return [
        (
            "demo district 360102, budget office, 2021 projects",
            "budget",
            "360102",
            2022,
            [
                ("list", "/evaluations/"),
                ("queue", "/evaluations/queue/"),
                (
                    f"detail ({demo_one.indicators.count()} indicators)",
                    f"/evaluations/{demo_one.id}/",
                ),
                ("list page 3", "/evaluations/?page=3"),
            ],
        ),
        (
            "demo district, unit persona",
            "unit",
            "360102",
            2022,
            [("list", "/evaluations/"), ("queue", "/evaluations/queue/")],
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--tables", type=int, help="tables for `jixiao score` (overrides --scale)")
    parser.add_argument("--regions", type=int, help="districts (overrides --scale)")
    parser.add_argument("--sample", type=int, help="tables for the per-table path (0 = all)")
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="use DATABASE_URL as it is (demo and generate already run)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench the same options
    # the score file prints no figure: a small --json run (./dev bench's) leaves it out unless
    # --tables asks for it, so that the small bench fits its ten minutes
    scored_file = args.tables is not None or not (args.json and args.scale == "small")
    args.tables = args.tables or SCALES[args.scale][0]
    args.regions = args.regions or SCALES[args.scale][1]
    args.sample = SCALES[args.scale][2] if args.sample is None else args.sample
    demo = args.scale == "province"
    OUT["json"] = args.json
    if args.json:
        sys.stdout = sys.stderr  # the readable lines; `figure` writes to the real stdout
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-evaluations-"))
    env = _env(workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
    if scored_file:
        score_file(workdir, env, args.tables)
    else:
        print("score file: left out (no figure; --tables N runs it)")
    from django.db import connections

    # the score file's rulebook read opened the still empty database: closed, so that the
    # migrated copy that replaces the file (prepared.py) is the one read next
    connections.close_all()
    if not args.skip_setup:
        if demo:
            print(f"jixiao demo: {_run(['demo', '--reset', '--quiet'], env):.1f} s")
        else:
            migrated = _run(["migrate", "--noinput"], env)
            print(f"jixiao migrate: {migrated:.1f} s{prepared.note('migrate')}")
        seconds = _run(
            [
                "generate",
                "--regions",
                str(args.regions),
                "--province",
                PROVINCE,
                "--replace",
                "--quiet",
            ],
            env,
        )
        print(f"jixiao generate --regions {args.regions}: {seconds:.1f} s")
    prefix = f"{PROVINCE}/"
    create_selfevals(prefix)
    rescoring(prefix, args.sample)
    pages(prefix, demo=demo or args.skip_setup)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
