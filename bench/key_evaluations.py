"""Benchmark of the key evaluations: the expert-score aggregation and the report's Word
document for a province-year of key evaluations, each against a bare baseline in the same run.

    .venv/bin/python bench/key_evaluations.py [--scale small|province] [--json] [--keep]
    ./dev bench --json --scale small          (runs every bench script with the same options)

Scale: `province` (the default) is 700 key evaluations, 7 in each of 100 generated districts
(the demo district has 7 in its work year; 100 districts make the province); `small` is 70, in
10 districts. `--evaluations N` overrides the count (7 a district). Uses a fresh SQLite file in a
temporary folder unless DATABASE_URL is set; then it replaces the synthetic province 990000 in
that database, key evaluations and all. Options it does not know are ignored (`./dev bench`
passes every bench the same ones). Progress goes to stderr.

1. Setup (reported, not a figure): `jixiao migrate`, `jixiao generate --regions D --units 12
   --projects 20 --indicators 0 --years 1 --last-year 2021` (the projects of 2021, evaluated in
   the work year 2022); then, with bulk_create, per district 2 agencies and 15 experts, and 7
   KeyEvaluations in the fieldwork on projects of 2021, one in five of a special kind. Each
   panel has the rulebook's default framework (`key.framework.default_framework`: 17 common
   indicators, 19–20 with a special kind's set), 3–7 experts who have all submitted, and every
   raw ExpertScore (0..weight in half points, a reason below full, now and then one expert far
   off so the spread is flagged); 1–2 site visits and 2–4 findings each, for the report.
2. Aggregation: `scoring_service.panel_compute(panel)` — what runs when the last expert
   submits: each indicator's mean or trimmed mean, spread flag and explanation stored, then
   the evaluation's score and grade — for every panel, each in its own transaction as in
   `scores_save`. Time, queries, peak Python memory (tracemalloc, in a second run: it slows
   Python down). Baseline: reading every raw score row of those panels into Python and summing
   them (`values_list("score")`); the single SQL `Sum` is printed beside it. Also a batched
   path written here (not in the product): the rulebook once per region and year, a chunk of
   panels' indicators and raw scores in two queries, the results written by one executemany
   UPDATE a table (`core.bulkupdate.update_many`: Django's bulk_update is slower than
   the service itself here); its results must equal the service's (the bench exits non-zero
   otherwise). The service reads the rulebook once a panel (`rules_for` copies the whole
   national rulebook), the panel's indicators and raw scores in two queries, writes them in
   one executemany UPDATE and the owner's total from the same indicators.
3. Report: `report.report_generate` for every evaluation (time and queries, reported), then
   `report.report_docx(version)` for every version: time per document and in all, queries,
   size, peak memory (a second run over the first 70 documents only, as tracemalloc slows it
   down several times: each document is dropped once written, so the peak does not grow with
   the count). Baseline: python-docx writing a document in the default styles with the same
   paragraphs (the same text, so the same length) and a table of the same size with the same
   cells; checked to have as many paragraphs and characters. `OfficialDocx` sets its fonts,
   sizes and spacing once a document on the styles; its paragraphs only name their style.

On 2 shared cores the province scale takes about 7 minutes, the small one about 2.5 (migrating
the fresh database included).

Figures (`--json`: one object a line, {"name","value","unit","baseline","ratio","goal"}; the
goal is the most the ratio may be, or the value when there is no baseline):

- `key_aggregation` s, ratio to reading the raw rows: goal 50. Recomputing a panel is a few
  dozen Decimal operations and one write per indicator; reading its raw rows is the floor.
- `key_aggregation_queries` per panel: goal 12, whatever the number of indicators (reading
  the panel, its owner, rules and scores, one write for all its indicators, one for the owner).
- `key_aggregation_peak_mb`: goal 50 MB for the province (nothing should be kept per panel).
- `key_aggregation_batched` s, ratio to the same baseline: no goal (bench only, for comparison).
- `key_report_generate_ms` per evaluation: goal 500 ms.
- `key_report_docx_ms` per document, ratio to the plain docx: goal 3 (the official layout's styles
  are set up once a document).
- `key_report_docx_total` s for all; `key_report_docx_peak_mb`: goal 50 MB;
  `key_report_docx_kb` mean size, ratio to the plain docx's size: goal 1.5.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import prepared

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022  # the work year: key evaluations of the projects of 2021
PROVINCE = "990000"
PROVINCE_USER = f"gen-{PROVINCE}-budget"
PER_DISTRICT = 7
SCALES = {"small": 70, "province": 700}
CHUNK = 100  # panels per chunk in the batched path
TRACED_DOCS = 70  # documents in the run traced for peak memory
HALF = Decimal("0.5")
OUT = {"json": False}


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def say(text: str) -> None:
    """A readable line: stdout, or stderr when stdout carries the JSON."""
    print(text, file=sys.stderr if OUT["json"] else sys.stdout, flush=True)


def figure(name, value, unit, baseline=None, goal=None) -> dict:
    ratio = value / baseline if baseline else None
    item = {
        "name": name,
        "value": round(value, 4),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 4),
        "ratio": None if ratio is None else round(ratio, 2),
        "goal": goal,
    }
    if OUT["json"]:
        print(json.dumps(item, ensure_ascii=False), flush=True)
    return item


def _env(workdir: Path) -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PWD": str(workdir),
        "ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_SETTINGS_MODULE": "jixiao.settings",
    }


def _run(args: list[str], env: dict) -> float:
    """`jixiao ARGS` in the script's folder; a run of ./dev bench migrates once (prepared.py)."""
    return prepared.jixiao(args, env)


class Queries:
    """Counts the statements run while installed with `connection.execute_wrapper`."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def measured(fn) -> tuple[float, int, object]:
    """Run `fn()` once: seconds, queries, its result."""
    from django.db import connection

    counter = Queries()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    return elapsed, counter.n, result


def peak_mb(fn) -> float:
    """Peak Python memory of a second run of `fn()`, traced by tracemalloc."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1048576
    finally:
        tracemalloc.stop()


# --- 1. setup ---------------------------------------------------------------------------------


def clear(prefix: str) -> int:
    """Remove the key evaluations an earlier run left in the synthetic province (they protect
    its projects and units from `generate --replace`)."""
    from django.db import transaction

    from jixiao.evaluations.models import Agency, Expert, KeyEvaluation, ScoringPanel

    evaluations = KeyEvaluation.objects.filter(region__path__startswith=prefix)
    count = evaluations.count()
    if not count and not Expert.objects.filter(region__path__startswith=prefix).exists():
        return 0
    with transaction.atomic():
        panels = list(evaluations.values_list("panel_id", flat=True))
        for evaluation in evaluations:  # reports, findings, visits cascade
            evaluation.reports.all().delete()
        evaluations.delete()
        ScoringPanel.objects.filter(id__in=panels).delete()
        Expert.objects.filter(region__path__startswith=prefix).delete()
        Agency.objects.filter(region__path__startswith=prefix).delete()
    return count


def _scores(rng: random.Random, weight: Decimal, experts: int) -> list[Decimal]:
    """The experts' raw scores of one indicator: around a common view of it in half points;
    now and then one far off, so some spreads are flagged."""
    view = rng.choice([1.0, 1.0, 0.95, 0.9, 0.85, 0.75, 0.6])
    scores = []
    for _n in range(experts):
        share = min(1.0, max(0.0, view + rng.uniform(-0.04, 0.04)))
        if rng.random() < 1 / 60:
            share = max(0.0, share - rng.uniform(0.25, 0.5))
        scores.append(min(weight, (weight * Decimal(share) / HALF).quantize(Decimal(1)) * HALF))
    return scores


REASONS = [
    "绩效目标细化量化不够，部分指标无法考核。",
    "资金到位不及时，影响项目进度。",
    "部分支出依据不充分，会计核算不够规范。",
    "项目管理制度执行不到位，验收资料不完整。",
    "产出数量未全部完成，部分任务顺延。",
    "满意度调查样本偏少，代表性不足。",
]
PROBLEMS = [
    ("决策", "绩效目标设置不够明确，部分指标缺少量化标准", "《项目绩效目标申报表》"),
    ("过程", "资金拨付滞后，年末集中支出", "国库集中支付记录"),
    ("过程", "政府采购程序不规范，个别合同未按期签订", "采购合同及验收单"),
    ("产出", "部分建设内容未按期完工", "现场勘查记录"),
    ("效益", "长效管护机制尚未建立", "访谈记录"),
]


def build(prefix: str, count: int) -> dict:
    """Agencies, experts, key evaluations with their panels, raw scores, site visits and
    findings, by bulk_create; returns what was made."""
    from django.db import transaction
    from django.utils import timezone

    from jixiao.budgets.models import Project
    from jixiao.core import rulebook
    from jixiao.evaluations.key.framework import default_framework
    from jixiao.evaluations.models import (
        Agency,
        Expert,
        ExpertScore,
        Finding,
        KeyEvaluation,
        PanelIndicator,
        PanelMember,
        ScoringPanel,
        SiteVisit,
    )
    from jixiao.orgs.models import Region

    rng = random.Random(12)
    rules = rulebook.named().section("key_evaluation")
    kinds = list(rules["special_kinds"])
    frameworks = {None: default_framework(rules)} | {k: default_framework(rules, k) for k in kinds}
    districts = list(
        Region.objects.filter(path__startswith=prefix, level="district").order_by("code")
    )
    now = timezone.now()
    made = defaultdict(int)
    with transaction.atomic():
        agencies = Agency.objects.bulk_create(
            [
                Agency(region=d, name=f"{d.name}评价机构{i}", credit_code=f"91{d.code}{i:010d}")
                for d in districts
                for i in (1, 2)
            ]
        )
        experts = Expert.objects.bulk_create(
            [
                Expert(
                    region=d,
                    name=f"专家{d.code}-{i:02d}",
                    title="高级会计师",
                    employer=f"{d.name}某高校",
                    fields_of_expertise="财务管理",
                )
                for d in districts
                for i in range(1, 16)
            ]  # fmt: skip
        )
        agencies_of, experts_of = defaultdict(list), defaultdict(list)
        for agency in agencies:
            agencies_of[agency.region_id].append(agency)
        for expert in experts:
            experts_of[expert.region_id].append(expert)
        plans = []  # (district, project, special kind)
        for district in districts:
            if len(plans) >= count:
                break
            projects = list(
                Project.objects.filter(region=district, year=YEAR - 1).select_related("unit")
            )
            for project in rng.sample(
                projects, min(PER_DISTRICT, len(projects), count - len(plans))
            ):
                plans.append((district, project, rng.choice(kinds) if rng.random() < 0.2 else None))
        panels = ScoringPanel.objects.bulk_create([ScoringPanel() for _p in plans])
        evaluations = KeyEvaluation.objects.bulk_create(
            [
                KeyEvaluation(
                    region=district,
                    year=YEAR,
                    subject=f"{project.name}（{project.unit.name}）",
                    kind="special_fund" if special else "project",
                    special_kind=special or "",
                    project=project,
                    unit=project.unit,
                    agency=rng.choice(agencies_of[district.id]),
                    panel=panel,
                    status="fieldwork",
                    amount=project.full_total,
                    selection_score=Decimal(rng.randint(60, 95)),
                    work_plan="按照评价工作方案开展资料核查、现场勘查和比对打分。",
                    notified_on=date(YEAR, 4, 1),
                    unit_response="对报告初稿无异议。\n已着手整改存在的问题。"
                    if rng.random() < 0.5
                    else "",
                )
                for (district, project, special), panel in zip(plans, panels, strict=True)
            ],
            batch_size=500,
        )
        indicators, members = [], []
        for (district, _project, special), panel in zip(plans, panels, strict=True):
            indicators += [
                PanelIndicator(panel=panel, order=n, level1=s.level1, level2=s.level2,
                               level3=s.level3, weight=s.weight, standard=s.standard,
                               rule=s.rule or "")
                for n, s in enumerate(frameworks[special])
            ]  # fmt: skip
            members += [
                PanelMember(panel=panel, expert=e, submitted_at=now)
                for e in rng.sample(experts_of[district.id], rng.randint(3, 7))
            ]
        indicators = PanelIndicator.objects.bulk_create(indicators, batch_size=2000)
        members = PanelMember.objects.bulk_create(members, batch_size=2000)
        members_of, indicators_of = defaultdict(list), defaultdict(list)
        for member in members:
            members_of[member.panel_id].append(member)
        for indicator in indicators:
            indicators_of[indicator.panel_id].append(indicator)
        rows = []
        for panel in panels:
            for indicator in indicators_of[panel.id]:
                on_panel = members_of[panel.id]
                for member, score in zip(
                    on_panel, _scores(rng, indicator.weight, len(on_panel)), strict=True
                ):
                    reason = rng.choice(REASONS) if score < indicator.weight else ""
                    rows.append(
                        ExpertScore(member=member, indicator=indicator, score=score, reason=reason)
                    )
            if len(rows) > 20_000:
                made["scores"] += len(ExpertScore.objects.bulk_create(rows, batch_size=2000))
                rows = []
        made["scores"] += len(ExpertScore.objects.bulk_create(rows, batch_size=2000))
        visits, findings = [], []
        for evaluation in evaluations:
            for n in range(rng.randint(1, 2)):
                visits.append(
                    SiteVisit(
                        evaluation=evaluation,
                        visited_on=date(YEAR, 5, 10) + timedelta(days=7 * n),
                        place=f"{evaluation.subject}实施现场{n + 1}",
                        people="评价机构项目组3人、被评价单位财务负责人",
                        checked="建设内容完成情况、资产登记和管护情况、资金支付凭证。",
                        findings="部分设施未按期验收，管护台账不完整。" if n else "",
                    )
                )
            by_level = defaultdict(list)
            for indicator in indicators_of[evaluation.panel_id]:
                by_level[indicator.level1].append(indicator)
            for order, (level1, problem, evidence) in enumerate(
                rng.sample(PROBLEMS, rng.randint(2, 4))
            ):
                findings.append(
                    Finding(
                        evaluation=evaluation,
                        level1=level1,
                        indicator=rng.choice(by_level[level1]),
                        problem=problem,
                        evidence=evidence,
                        recommendation=f"针对“{problem}”，建议主管部门督促整改，完善制度。",
                        order=order,
                    )
                )
        SiteVisit.objects.bulk_create(visits, batch_size=2000)
        Finding.objects.bulk_create(findings, batch_size=2000)
    made |= {
        "districts": len({d.id for d, _p, _s in plans}),
        "evaluations": len(evaluations),
        "special": sum(1 for _d, _p, s in plans if s),
        "indicators": len(indicators),
        "members": len(members),
        "visits": len(visits),
        "findings": len(findings),
    }
    return made


# --- 2. aggregation ---------------------------------------------------------------------------


def panel_ids(prefix: str) -> list[int]:
    from jixiao.evaluations.models import KeyEvaluation

    return list(
        KeyEvaluation.objects.filter(region__path__startswith=prefix, year=YEAR)
        .order_by("id")
        .values_list("panel_id", flat=True)
    )


def service(ids: list[int]) -> int:
    """panel_compute for every panel, each in its own transaction (as `scores_save` runs it)."""
    from django.db import transaction

    from jixiao.evaluations.key.scoring_service import panel_compute
    from jixiao.evaluations.models import ScoringPanel

    done = 0
    for pk in ids:
        with transaction.atomic():
            panel_compute(ScoringPanel.objects.get(pk=pk))
        done += 1
    return done


def read_rows(ids: list[int]) -> Decimal:
    """The baseline: every raw score row of the panels read into Python and summed."""
    from jixiao.evaluations.models import ExpertScore

    total = Decimal(0)
    for score in ExpertScore.objects.filter(indicator__panel_id__in=ids).values_list(
        "score", flat=True
    ):
        total += score
    return total


def sql_sum(ids: list[int]) -> Decimal:
    from django.db.models import Sum

    from jixiao.evaluations.models import ExpertScore

    return ExpertScore.objects.filter(indicator__panel_id__in=ids).aggregate(s=Sum("score"))["s"]


def batched(ids: list[int]) -> dict:
    """The same results a chunk of panels at a time: the rulebook once per region and year,
    indicators and raw scores in two queries, written by executemany UPDATEs; one transaction a
    chunk.
    Returns {indicator id: (computed, spread, flagged, explanation)} and the owners' totals."""
    from django.db import transaction

    from jixiao.core.bulkupdate import update_many
    from jixiao.evaluations.key.panel import aggregate, panel_total
    from jixiao.evaluations.key.work import grades_of, rules_of
    from jixiao.evaluations.models import ExpertScore, KeyEvaluation, PanelIndicator

    rules: dict = {}
    results, totals = {}, {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        owners = list(KeyEvaluation.objects.filter(panel_id__in=chunk).select_related("region"))
        indicators = list(PanelIndicator.objects.filter(panel_id__in=chunk))
        raw = defaultdict(list)
        for indicator_id, score in (
            ExpertScore.objects.filter(indicator__panel_id__in=chunk)
            .order_by("id")
            .values_list("indicator_id", "score")
        ):
            raw[indicator_id].append(score)
        of_panel = defaultdict(list)
        for indicator in indicators:
            of_panel[indicator.panel_id].append(indicator)
        for owner in owners:
            key = (owner.region.path, owner.year)
            if key not in rules:
                rules[key] = (rules_of(owner), grades_of(owner))
            section, grades = rules[key]
            mine = of_panel[owner.panel_id]
            for indicator in mine:
                result = aggregate(raw[indicator.id], indicator.weight, section)
                indicator.computed, indicator.spread = result.score, result.spread
                indicator.flagged, indicator.explanation = result.flagged, str(result.explanation)
                results[indicator.id] = _result(indicator)
            total = panel_total([i.score for i in mine], grades)
            owner.score = total.total if total.complete else None
            owner.grade = total.grade or ""
            totals[owner.id] = (owner.score, owner.grade)
        with transaction.atomic():
            update_many(
                PanelIndicator, indicators, ["computed", "spread", "flagged", "explanation"]
            )
            update_many(KeyEvaluation, owners, ["score", "grade"])
    return {"indicators": results, "totals": totals}


def _result(indicator) -> tuple:
    return (indicator.computed, indicator.spread, indicator.flagged, indicator.explanation)


def stored(ids: list[int]) -> dict:
    """What the service stored, in the shape `batched` returns."""
    from jixiao.evaluations.models import KeyEvaluation, PanelIndicator

    return {
        "indicators": {i.id: _result(i) for i in PanelIndicator.objects.filter(panel_id__in=ids)},
        "totals": {
            pk: (score, grade)
            for pk, score, grade in KeyEvaluation.objects.filter(panel_id__in=ids).values_list(
                "id", "score", "grade"
            )
        },
    }


def aggregation(ids: list[int], scores: int, indicators: int) -> list[str]:
    """Returns the differences between the service's and the batched path's results."""
    n = len(ids)
    progress(f"aggregation: panel_compute over {n} panels …")
    seconds, queries, _done = measured(lambda: service(ids))
    progress("aggregation: baselines, peak memory, batched path …")
    base_seconds, base_queries, total = measured(lambda: read_rows(ids))
    sql_seconds, _q, sql_total = measured(lambda: sql_sum(ids))
    assert total == sql_total, (total, sql_total)
    peak = peak_mb(lambda: service(ids))
    base_peak = peak_mb(lambda: read_rows(ids))
    reference = stored(ids)
    b_seconds, b_queries, results = measured(lambda: batched(ids))
    differ = []
    if results != reference:
        differ.append("batched aggregation differs from panel_compute")
    flagged = sum(1 for r in reference["indicators"].values() if r[2])
    grades = defaultdict(int)
    for _score, grade in reference["totals"].values():
        grades[grade or "—"] += 1
    say(
        f"aggregation, {n} panels, {indicators:,} indicators, {scores:,} raw scores "
        f"({flagged} indicators flagged; grades {dict(grades)}):"
    )
    say(
        f"  panel_compute per panel: {seconds:.2f} s = {seconds / n * 1000:.1f} ms and "
        f"{queries / n:.1f} queries a panel ({queries:,} in all, {indicators / n:.1f} indicators "
        f"a panel); peak memory {peak:.1f} MB"
    )
    say(
        f"  baseline, the raw rows read and summed (values_list): {base_seconds * 1000:.0f} ms, "
        f"{base_queries} queries, peak {base_peak:.1f} MB; sum {total}; "
        f"SQL Sum alone {sql_seconds * 1000:.1f} ms → panel_compute is "
        f"{seconds / base_seconds:.0f}x reading the rows, {seconds / sql_seconds:.0f}x the SQL Sum"
    )
    say(
        f"  batched (bench only: rulebook once per region-year, chunks of {CHUNK} panels, "
        f"executemany UPDATE): {b_seconds:.2f} s, {b_queries} queries; {seconds / b_seconds:.1f}x "
        f"faster than per panel; {b_seconds / base_seconds:.1f}x reading the rows; "
        + ("same results" if not differ else "RESULTS DIFFER")
    )
    figure("key_aggregation", seconds, "s", base_seconds, 50)
    figure("key_aggregation_queries", queries / n, "queries/panel", None, 12)
    figure("key_aggregation_peak_mb", peak, "MB", None, 50)
    figure("key_aggregation_batched", b_seconds, "s", base_seconds, None)
    return differ


# --- 3. report --------------------------------------------------------------------------------


def generate_reports(prefix: str) -> list[int]:
    from jixiao.evaluations.key.report import report_generate
    from jixiao.evaluations.models import KeyEvaluation
    from jixiao.orgs.models import User

    actor = User.objects.get(username=PROVINCE_USER)
    evaluations = KeyEvaluation.objects.filter(region__path__startswith=prefix, year=YEAR)
    return [
        report_generate(actor=actor, evaluation=e).id
        for e in evaluations.select_related(
            "region", "unit", "project", "agency", "panel"
        ).order_by("id")
    ]


def versions(ids: list[int]) -> list:
    from jixiao.evaluations.models import ReportVersion

    return list(
        ReportVersion.objects.filter(id__in=ids)
        .select_related("evaluation", "evaluation__agency")
        .order_by("id")
    )


def plain_blocks(version) -> list:
    """The paragraphs and the table of `report_docx(version)`, in order: ("p", text) or
    ("t", rows of cell texts)."""
    from django.utils import timezone

    from jixiao.evaluations.key.report import OUTLINE, score_table_headers

    content = version.sections
    blocks = [("p", content["title"]), ("p", "")]
    for key, heading in OUTLINE:
        blocks.append(("p", str(heading)))
        for line in content["parts"].get(key, "").splitlines():
            if line.strip():
                blocks.append(("p", line.strip()))
        if key == "conclusion" and content.get("table"):
            rows = [
                [r["level1"], r["level2"], r["level3"], r["weight"], r.get("score") or "—"]
                for r in content["table"]
            ]
            weight = sum(Decimal(r["weight"]) for r in content["table"])
            rows.append(["合计", "", "", f"{weight:.2f}", f"{content['total']} {content['grade']}"])
            blocks += [("t", [score_table_headers(), *rows]), ("p", "")]
    if version.evaluation.agency_id:
        blocks.append(("p", version.evaluation.agency.name))
    blocks.append(("p", timezone.localtime(version.created_at).strftime("%Y年%m月%d日")))
    return blocks


def plain_docx(blocks: list) -> bytes:
    """The baseline: python-docx in its default styles, the same paragraphs and table."""
    from docx import Document

    doc = Document()
    for kind, value in blocks:
        if kind == "p":
            doc.add_paragraph(value)
        else:
            table = doc.add_table(rows=len(value), cols=len(value[0]))
            for row, texts in zip(table.rows, value, strict=True):
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.text = str(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _shape(data: bytes) -> tuple[int, int, int]:
    """Paragraphs, characters and table cells of a Word document."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c for t in doc.tables for r in t.rows for c in r.cells]
    chars = sum(len(p.text) for p in doc.paragraphs) + sum(len(c.text) for c in cells)
    return len(doc.paragraphs), chars, len(cells)


def reports(prefix: str) -> list[str]:
    from jixiao.evaluations.key.report import report_docx

    progress("report: report_generate for every evaluation …")
    g_seconds, g_queries, ids = measured(lambda: generate_reports(prefix))
    n = len(ids)
    loaded = versions(ids)
    blocks = [plain_blocks(v) for v in loaded]
    progress(f"report: report_docx for {n} versions …")

    def official(count: int = n):
        return [len(report_docx(v)) for v in loaded[:count]]

    def plain(count: int = n):
        return [len(plain_docx(b)) for b in blocks[:count]]

    seconds, queries, sizes = measured(official)
    b_seconds, _bq, b_sizes = measured(plain)
    traced = min(n, TRACED_DOCS)
    progress(f"report: peak memory over {traced} documents …")
    peak, b_peak = peak_mb(lambda: official(traced)), peak_mb(lambda: plain(traced))
    differ = []
    first_official, first_plain = _shape(report_docx(loaded[0])), _shape(plain_docx(blocks[0]))
    if first_official != first_plain:
        differ.append(f"plain docx shape {first_plain} differs from the report's {first_official}")
    size, b_size = sum(sizes) / n / 1024, sum(b_sizes) / n / 1024
    paragraphs, chars, cells = first_official
    say(
        f"report, {n} evaluations (the first: {paragraphs} paragraphs, {chars:,} characters, "
        f"a table of {cells} cells):"
    )
    say(
        f"  report_generate (sections from the data, a new version, audited): {g_seconds:.2f} s "
        f"= {g_seconds / n * 1000:.1f} ms and {g_queries / n:.1f} queries an evaluation"
    )
    say(
        f"  report_docx: {seconds:.2f} s = {seconds / n * 1000:.1f} ms a document, "
        f"{queries} queries in all, peak memory {peak:.1f} MB (over {traced}), "
        f"{size:.1f} KB a document"
    )
    say(
        f"  baseline, python-docx default styles with the same paragraphs and table: "
        f"{b_seconds:.2f} s = {b_seconds / n * 1000:.1f} ms a document, peak {b_peak:.1f} MB, "
        f"{b_size:.1f} KB → report_docx is {seconds / b_seconds:.2f}x, "
        f"{size / b_size:.2f}x the size"
    )
    figure("key_report_generate_ms", g_seconds / n * 1000, "ms/evaluation", None, 500)
    figure("key_report_docx_ms", seconds / n * 1000, "ms/document", b_seconds / n * 1000, 3)
    figure("key_report_docx_total", seconds, "s", b_seconds, 3)
    figure("key_report_docx_peak_mb", peak, "MB", None, 50)
    figure("key_report_docx_kb", size, "KB", b_size, 1.5)
    return differ


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--evaluations", type=int, help="key evaluations (overrides --scale)")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench's options
    OUT["json"] = args.json
    count = args.evaluations or SCALES[args.scale]
    districts = -(-count // PER_DISTRICT)
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-key-"))
    env = _env(workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    progress(
        f"bench/key_evaluations.py: {count} key evaluations in {districts} districts; database "
        f"{env['DATABASE_URL'].split('@')[-1]}; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    import django

    django.setup()
    prefix = f"{PROVINCE}/"
    started = time.perf_counter()
    migrate = _run(["migrate", "--noinput"], env)
    removed = clear(prefix)
    generate = _run(
        ["generate", "--regions", str(districts), "--units", "12", "--projects", "20",
         "--indicators", "0", "--years", "1", "--last-year", str(YEAR - 1),
         "--province", PROVINCE, "--replace", "--quiet"],
        env,
    )  # fmt: skip
    built = time.perf_counter()
    made = build(prefix, count)
    building = time.perf_counter() - built
    say(
        f"setup ({time.perf_counter() - started:.1f} s): migrate {migrate:.1f} s"
        + (f", {removed} key evaluations of an earlier run removed" if removed else "")
        + f"; jixiao generate --regions {districts} {generate:.1f} s; bulk_create {building:.1f} s:"
        f" {made['evaluations']} key evaluations ({made['special']} of a special kind) in "
        f"{made['districts']} districts, {made['indicators']:,} panel indicators, "
        f"{made['members']:,} experts on panels, {made['scores']:,} raw scores, "
        f"{made['visits']:,} site visits, {made['findings']:,} findings"
    )
    ids = panel_ids(prefix)
    differ = aggregation(ids, made["scores"], made["indicators"])
    differ += reports(prefix)
    progress(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    if differ:
        raise SystemExit("; ".join(differ))


if __name__ == "__main__":
    main()
