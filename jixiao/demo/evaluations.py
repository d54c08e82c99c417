"""Demo evaluations: the 183 self-evaluations of 2020 projects done in 2021
(reviewed and confirmed; 64,286.41 万元), with a realistic spread of grades, deviations and a
few self-scores that break the rules; the 67 whole-unit evaluations of 2020; and in the live
year 2022 the self-evaluations of 2021 projects in every state, the `unit` persona with one to
fill. Everything goes through the real services and workflow; dates are put back afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import nullcontext
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from jixiao.budgets.models import Project
from jixiao.core.models import TransitionLog
from jixiao.core.rulebook import named
from jixiao.core.workflow import TransitionError
from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
from jixiao.evaluations.services import (
    review_adjust,
    selfeval_create,
    selfeval_save,
    selfeval_transition,
    spot_check,
    unit_evaluation_rules,
    unit_evaluation_save,
    unit_evaluation_transition,
)
from jixiao.indicators.values import Kind, parse_target_value
from jixiao.orgs.models import UnitYear

from . import clock
from . import district as d
from .targets import _reviewer, _unit_staff

CENT = Decimal("0.01")


def _scorable(line) -> bool:
    value = parse_target_value(
        line.target_text, category=line.category, subcategory=line.subcategory
    )
    return value.kind not in (Kind.MISSING, Kind.UNREADABLE)


def weights(lines) -> list[Decimal]:
    """Spread each category's points (DOMAIN.md §6.2) over its indicators; without a
    satisfaction indicator its 10 points go to outputs. An indicator whose approved target
    had no readable value (the 2021 summary's problem) carries no points: it is noted in the
    deviation column, as units did."""
    lines = [line if _scorable(line) else None for line in lines]
    rules = named().section("scoring")  # the demo district keeps the national rules
    totals = {category: Decimal(points) for category, points in rules["totals"].items()}
    satisfaction = rules["satisfaction_category"]
    if not any(line and line.category == satisfaction for line in lines):
        totals[rules["no_satisfaction_to"]] += totals.pop(satisfaction)
    result = []
    for category, total in totals.items():
        members = [i for i, line in enumerate(lines) if line and line.category == category]
        if not members:
            continue
        each = (total / len(members)).quantize(CENT, ROUND_HALF_UP)
        shares = [each] * len(members)
        shares[-1] = total - each * (len(members) - 1)
        result += list(zip(members, shares, strict=True))
    by_index = dict(result)
    return [by_index.get(i, Decimal(0)) for i in range(len(lines))]


def actual_for(line, year: int, rng: random.Random) -> dict:
    """An actual value as a unit would write it: mostly met, sometimes short, now and then
    late, qualitative ones by band."""
    value = parse_target_value(
        line.target_text, category=line.category, subcategory=line.subcategory, year=year
    )
    roll = rng.random()
    if value.kind == Kind.QUANTITATIVE and value.number is not None:
        factor = Decimal(
            str(
                rng.choice([1, 1, 1.02, 1.05, 0.97, 0.9, 0.8])
                if roll < 0.9
                else rng.choice([0.6, 1.4])
            )
        )
        ceiling = value.operator in ("<=", "<")
        if ceiling:
            factor = Decimal(2) - factor if factor < 1 else Decimal(1)
        number = (value.number * factor).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if value.unit == "%" and number > 100:
            number = Decimal(100)
        missed = number > value.number if ceiling else number < value.number
        return {
            "actual": f"{number.normalize():f}{value.unit or ''}",
            "deviation": "受疫情影响部分工作延后，下年度加强调度。" if missed else "",
            "explanation": "需求增加，超额完成。" if factor >= Decimal("1.3") else "",
        }
    if value.kind == Kind.DEADLINE and value.deadline:
        late = roll > 0.85
        day = (
            value.deadline + dt.timedelta(days=25)
            if late
            else value.deadline - dt.timedelta(days=15)
        )
        return {
            "actual": f"{day.year}年{day.month}月{day.day}日",
            "deviation": "设备采购流程延长，完工时间推迟。" if late else "",
        }
    if roll < 0.85:
        return {"actual": "达成年度指标", "band": "达成年度指标"}
    return {
        "actual": "部分达成年度指标并具有一定效果",
        "band": "部分达成年度指标并具有一定效果",
        "entered_score": None,
        "deviation": "部分工作尚在推进中。",
    }


def _fill(demo, rng, project: Project, *, self_scores: bool) -> SelfEvaluation:
    filer, _leader = _unit_staff(demo, project.unit)
    selfeval = selfeval_create(actor=filer, project=project)
    lines = list(selfeval.indicators.order_by("position"))
    rows = []
    for line, weight in zip(lines, weights(lines), strict=True):
        if not weight:
            rows.append(
                {
                    "position": line.position,
                    "weight": "0",
                    "actual": "",
                    "deviation": "年初目标值未填写，本指标不计分。",
                }
            )
            continue
        row = {
            "position": line.position,
            "weight": str(weight),
            **actual_for(line, project.year, rng),
        }
        if "band" in row and row["band"].startswith("部分"):
            row["entered_score"] = str((weight * Decimal("0.7")).quantize(CENT))
        if self_scores:
            row["self_score"] = str(weight)  # the unit gives itself full points everywhere
        rows.append(row)
    executed = {}
    if not selfeval.execution_from_payments:
        executed = {
            "current": str((project.full_total * Decimal(str(rng.uniform(0.85, 1)))).quantize(CENT))
        }
    return selfeval_save(
        actor=filer,
        selfeval=selfeval,
        executed=executed,
        goal_achieved="项目按计划实施，年度目标基本完成。",
        report="本项目全年预算执行情况良好，主要绩效指标基本达成；"
        "存在的问题是部分指标设置偏低。下一步将科学设置目标值，"
        "加强过程监控。",
        rows=rows,
    )


#: The live self-evaluations' days before the build day (`clock.Steps`), as the declarations'.
STARTED_DAYS = (18, 36)
STEP_DAYS = {"complete": (0, 2), "submit": (0, 2), "review": (1, 5), "confirm": (1, 5)}


def _review(demo, selfeval: SelfEvaluation, to: str, days=None) -> SelfEvaluation:
    """`selfeval` completed, submitted and reviewed up to `to`; with `days` (`clock.Steps`)
    each step on its own day, else now."""
    filer, leader = _unit_staff(demo, selfeval.unit)

    def step(name: str, actor, **kwargs) -> SelfEvaluation:
        day = "review" if name in ("return_first", "pass") else name
        with clock.on(days.at(day)) if days else nullcontext():
            return selfeval_transition(actor=actor, selfeval=selfeval, name=name, **kwargs)

    selfeval = step("complete", filer)
    if to == "ready":
        return selfeval
    selfeval = step("submit", leader, attest=True)
    if to == "submitted":
        return selfeval
    reviewer = _reviewer(demo, selfeval.unit, selfeval.year)
    if to == "returned":
        return step("return_first", reviewer, comment="实际完成值缺少佐证材料，请补充验收报告。")
    selfeval = step("pass", reviewer)
    if to == "first_passed":
        return selfeval
    return step("confirm", demo.users["budget"])


def build_selfevals_2020(demo) -> None:
    rng = random.Random(2021_05)
    done = timezone.make_aware(dt.datetime(2021, 5, 20, 10))
    projects = (
        Project.objects.filter(region=demo.region, year=2020)
        .select_related("unit", "region")
        .order_by("code")
    )
    for index, project in enumerate(projects):
        selfeval = _fill(demo, rng, project, self_scores=rng.random() < 0.08)
        if selfeval.result.get("errors"):
            continue  # an indicator that needs a person's score: left for review (realistic)
        try:
            selfeval = _review(demo, selfeval, "submitted")
        except TransitionError:  # a table the rules cannot score yet stays with the unit
            continue
        if index % 9 == 0 and selfeval.indicators.exists():
            last = selfeval.indicators.order_by("-position").first()
            if last.weight:
                review_adjust(
                    actor=_reviewer(demo, selfeval.unit, 2020),
                    selfeval=selfeval,
                    position=last.position,
                    score_value=(last.weight * Decimal("0.8")).quantize(CENT),
                    reason="满意度调查样本量不足，酌情扣分。",
                )
        selfeval = _review_rest(demo, selfeval)
        if index % 15 == 0:
            spot_check(
                actor=demo.users["perf"],
                selfeval=selfeval,
                total=(selfeval.total or Decimal(0)) - Decimal("1.5"),
                note="抽查复核：佐证材料基本齐全，个别指标完成值依据不足。",
            )
    SelfEvaluation.objects.filter(region=demo.region, year=2020).update(submitted_at=done)
    TransitionLog.objects.filter(content_type__model="selfevaluation").update(created_at=done)


def _review_rest(demo, selfeval):
    reviewer = _reviewer(demo, selfeval.unit, selfeval.year)
    selfeval = selfeval_transition(actor=reviewer, selfeval=selfeval, name="pass")
    return selfeval_transition(actor=demo.users["budget"], selfeval=selfeval, name="confirm")


def framework_values(rules, rng: random.Random) -> dict:
    """Figures for each rule row of the framework, near its threshold (some just beyond)."""
    values = {}
    for row in rules["rows"]:
        inputs, full_if = row.get("inputs", []), row.get("full_if", "")
        if not inputs:
            continue
        threshold = Decimal(full_if.strip("≥≤%") or "0")
        upward = full_if.startswith("≥")
        drift = Decimal(rng.choice([0, 0, 0, 1, 2, 4])) * (-1 if upward else 1)
        if row["formula"] == "rate":
            values[inputs[0]] = f"{min(threshold + drift, Decimal(100))}%"
        elif row["formula"] == "change":
            values[inputs[1]] = "20"
            values[inputs[0]] = str((Decimal(20) * (1 + (threshold + drift) / 100)).quantize(CENT))
        else:
            values[inputs[1]] = "100"
            values[inputs[0]] = str(
                max(
                    min(threshold + drift, Decimal(100)) if upward else threshold + drift,
                    Decimal(0),
                )
            )
    return values


def build_unit_evaluations_2020(demo) -> None:
    rng = random.Random(2021_06)
    rules, _label = unit_evaluation_rules(demo.region, 2020)
    for unit_year in UnitYear.objects.filter(
        unit__region=demo.region, year=2020, level=1
    ).select_related("unit"):
        filer, leader = _unit_staff(demo, unit_year.unit)
        values = framework_values(rules, rng)
        judgements = {
            row["indicator"]: {
                "band": rng.choice(["达到要求"] * 5 + ["部分达到要求"]),
                "score": None,
            }
            for row in rules["rows"]
            if "formula" not in row
        }
        for name, judgement in judgements.items():
            if judgement["band"] == "部分达到要求":
                weight = next(Decimal(r["weight"]) for r in rules["rows"] if r["indicator"] == name)
                judgement["score"] = str((weight * Decimal("0.7")).quantize(CENT))
        evaluation = unit_evaluation_save(
            actor=filer, unit=unit_year.unit, year=2020, values=values, judgements=judgements
        )
        for actor, name, kwargs in [
            (filer, "complete", {}),
            (leader, "submit", {"attest": True}),
            (_reviewer(demo, unit_year.unit, 2020), "pass", {}),
            (demo.users["budget"], "confirm", {}),
        ]:
            evaluation = unit_evaluation_transition(
                actor=actor, evaluation=evaluation, name=name, **kwargs
            )
    UnitEvaluation.objects.filter(region=demo.region, year=2020).update(
        submitted_at=timezone.make_aware(dt.datetime(2021, 6, 15, 10))
    )


def build_live_selfevals(demo) -> None:
    """2022: the self-evaluations of 2021 projects in every state; `unit` has one to fill."""
    rng = random.Random(2022_05)
    projects = list(
        Project.objects.filter(region=demo.region, year=2021)
        .select_related("unit", "region")
        .order_by("code")
    )
    persona = [p for p in projects if p.unit.code == d.PERSONA_UNIT]
    if persona:
        _fill(demo, rng, persona[0], self_scores=False)  # a draft for `unit`
    states = ["confirmed", "first_passed", "submitted", "returned", "ready", "draft"]
    others = [p for p in projects if p.unit.code != d.PERSONA_UNIT]
    for index, project in enumerate(others[:60]):
        days = clock.Steps(f"selfeval-{project.code}", STARTED_DAYS, STEP_DAYS)
        with clock.on(days.at()):
            selfeval = _fill(demo, rng, project, self_scores=False)
        state = states[index % len(states)]
        if state == "draft" or selfeval.result.get("errors"):
            continue
        try:
            _review(demo, selfeval, state, days)
        except TransitionError:  # a table the rules cannot score yet stays with the unit
            continue


def build_evaluations(demo) -> None:
    build_selfevals_2020(demo)
    build_unit_evaluations_2020(demo)
    build_live_selfevals(demo)
