"""Demo ex-ante assessments (事前绩效评估, DOMAIN.md §7), by the registry's experts
(`key_registry`).

- Work year 2021: one ex-ante assessment of a new 2021 project (done in the autumn of 2020,
  before its budget request), scored by three experts and concluded 调整后支持.
- Budget year 2022's assessments, done in the autumn of 2021: every 2022 project the budget gate
  would otherwise refuse (new and at or above the line) asked for by its unit, scored by three
  experts of the registry drawn by lot (seeded) and concluded by `perf` (mostly 予以支持, a few
  调整后支持), so `budget` may arrange them.
- Work year 2022 (live): an ex-ante assessment of a new project (or policy) of the `unit`
  persona's unit, submitted by `leader`, waiting for `perf`.

Everything goes through the stage's services (`exante`, `scoring_service`) and workflow with the
right persona; the dates of the concluded ones are put back afterwards (the services stamp the
build day).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from jixiao.budgets.models import Project
from jixiao.core.models import TransitionLog
from jixiao.evaluations.key import exante, scoring_service
from jixiao.evaluations.key.gate import ex_ante_need
from jixiao.evaluations.key.models import Conclusion, ExAnteAssessment, PanelMember
from jixiao.evaluations.key.plan import key_rules
from jixiao.evaluations.key.services import exante_transition

from . import district as d
from .key_registry import Registry, declaration, redate_attachments
from .targets import _unit_staff

CENT = Decimal("0.01")


# --------------------------------------------------------------------------- ex-ante


TEXTS = {
    "necessity": "项目符合区“十四五”规划和部门职责，服务对象需求迫切，现有投入不能满足需要。",
    "plan": "分两期实施：第一期完成主体内容，第二期完成配套设施并组织验收；实行项目负责制。",
    "funding": "区级财政预算安排，不足部分积极争取上级专项资金，不举借债务。",
}


def _new_project(demo, year: int, rules, unit=None):
    """The largest project of the year that needs an ex-ante assessment by the gate's rule and
    is new by name too (its unit had none of that name the year before); in `unit` if given,
    else outside the `unit` persona's unit."""
    before = set(
        Project.objects.filter(region=demo.region, year=year - 1).values_list("unit_id", "name")
    )
    projects = Project.objects.filter(region=demo.region, year=year, parent__isnull=True)
    if unit is not None:
        projects = projects.filter(unit=unit)
    else:
        projects = projects.exclude(unit=demo.units[d.PERSONA_UNIT])
    for project in projects.with_totals().order_by("-full_sum").select_related("unit", "region"):
        if (project.unit_id, project.name) not in before and ex_ante_need(project, year, rules):
            return project
    return None


def _exante_panel(demo, reg: Registry, assessment, keys) -> None:
    for key in keys:
        expert = reg.experts[key]
        exante.exante_expert_assign(
            actor=demo.users["perf"],
            assessment=assessment,
            expert=expert,
            declaration_file=declaration(expert),
        )


EX_ANTE_SHEETS = {
    # the five dimensions (20 points each) as each expert scored them: about 70, 调整后支持
    "expert": ["16", "13", "14", "12", "15"],
    "huang": ["17", "12", "15", "13", "15"],
    "luo": ["16", "12", "14", "12", "16"],
}


def build_exante(demo, reg: Registry) -> None:
    """2021's assessment of a new project of 500 万元 or more (done in the autumn of 2020,
    before its budget request), concluded 调整后支持."""
    perf = demo.users["perf"]
    rules = key_rules(demo.region, 2021)
    project = _new_project(demo, 2021, rules)
    filer, leader = _unit_staff(demo, project.unit)
    assessment = exante.exante_create(
        actor=filer, region=demo.region, year=2021, project=project, **TEXTS
    )
    assessment = exante_transition(actor=leader, assessment=assessment, name="submit", attest=True)
    _exante_panel(demo, reg, assessment, EX_ANTE_SHEETS)
    assessment = exante_transition(actor=perf, assessment=assessment, name="accept")
    indicators = list(assessment.panel.indicators.all())
    for key, scores in EX_ANTE_SHEETS.items():
        values = {
            i.pk: (score, "测算依据不够充分，需调整" if Decimal(score) < i.weight else "")
            for i, score in zip(indicators, scores, strict=True)
        }
        scoring_service.scores_save(
            actor=reg.experts[key].user, panel=assessment.panel, values=values, submit=True
        )
    assessment = exante.exante_act(
        actor=perf,
        assessment=assessment,
        name="conclude",
        conclusion=Conclusion.ADJUST,
        comment="投入规模偏大、分期实施方案和绩效目标不够细化，压减规模、细化方案后予以支持。",
    )
    _redate_exante(assessment, timezone.make_aware(dt.datetime(2020, 11, 20, 15)))


def _redate_exante(assessment, concluded: dt.datetime) -> None:
    ExAnteAssessment.objects.filter(pk=assessment.pk).update(
        concluded_on=concluded.date(),
        submitted_at=concluded - dt.timedelta(days=30),
        updated_at=concluded,
    )
    members = PanelMember.objects.filter(panel=assessment.panel)
    members.update(
        assigned_at=concluded - dt.timedelta(days=25), submitted_at=concluded - dt.timedelta(days=7)
    )
    for member in members:
        redate_attachments(member, concluded - dt.timedelta(days=25))
    kind = ContentType.objects.get_for_model(ExAnteAssessment)
    steps = TransitionLog.objects.filter(content_type=kind, object_id=assessment.pk)
    for row, days in zip(steps.order_by("pk"), (30, 25, 0), strict=True):
        row.created_at = concluded - dt.timedelta(days=days)
        row.save(update_fields=["created_at"])


def build_live_exante(demo) -> None:
    """2022: `unit`'s new project (or, without one, a new policy), submitted by `leader`."""
    persona = demo.units[d.PERSONA_UNIT]
    project = _new_project(demo, d.LIVE_YEAR, key_rules(demo.region, d.LIVE_YEAR), persona)
    fields = {"project": project} if project else {
        "subject": "东湖区中小学课后延时服务补助政策",
        "unit": persona,
        "amount": Decimal("620.00"),
    }  # fmt: skip
    assessment = exante.exante_create(
        actor=demo.users["unit"], region=demo.region, year=d.LIVE_YEAR, **fields, **TEXTS
    )
    exante_transition(actor=demo.users["leader"], assessment=assessment, name="submit", attest=True)


# --------------------------------------------------------------------------- 2022's gate


DIMENSION_REASONS = [
    # below-full reasons, by dimension in the rulebook's order
    "立项依据和需求调研材料不够充分",
    "成本测算依据不够细化，部分单价偏高",
    "绩效目标量化不足，与预算规模的匹配度一般",
    "实施进度安排偏紧，风险应对措施不够具体",
    "上级补助资金尚未落实，筹资渠道需进一步明确",
]
# Each expert's share of every dimension's weight: 80% or more gives 予以支持 (total ≥ 80),
# 65%–75% gives 调整后支持 (60 ≤ total < 80) by the rulebook's bands.
SHARES = {
    Conclusion.SUPPORT: ("0.80", "0.85", "0.90", "0.95"),
    Conclusion.ADJUST: ("0.65", "0.70", "0.75"),
}
OPINIONS = {
    Conclusion.SUPPORT: "项目立项必要，投入规模基本合理，实施方案可行，同意纳入 2022 年预算申报。",
    Conclusion.ADJUST: "项目立项必要，但投入测算偏高、绩效目标不够细化：压减规模、细化目标后予以支持。",
}


def _gate_projects(demo, year: int):
    """The year's projects the budget gate would refuse for want of a supporting ex-ante
    assessment (the demo's project codes carry the year, so all of them count as new)."""
    rules = key_rules(demo.region, year)
    projects = Project.objects.filter(region=demo.region, year=year).select_related("region")
    return [p for p in projects.order_by("code") if ex_ante_need(p, year, rules)]


def _staff_exante(demo, rng, reg: Registry, assessment) -> None:
    """Three available experts of the registry, drawn by lot; one the conflict check refuses
    (an expert employed by the unit) is passed over for the next."""
    pool = [e for e in reg.experts.values() if e.available]
    rng.shuffle(pool)
    assigned = 0
    for expert in pool:
        try:
            exante.exante_expert_assign(
                actor=demo.users["perf"],
                assessment=assessment,
                expert=expert,
                declaration_file=declaration(expert),
            )
        except ValidationError:
            continue
        assigned += 1
        if assigned == 3:
            return
    raise RuntimeError(f"not enough experts for {assessment}")


def _exante_scores(rng, indicators, conclusion: str) -> dict:
    values = {}
    for indicator, reason in zip(indicators, DIMENSION_REASONS, strict=True):
        share = Decimal(rng.choice(SHARES[conclusion]))
        score = (indicator.weight * share).quantize(CENT, ROUND_HALF_UP)
        values[indicator.pk] = (str(score), reason if score < indicator.weight else "")
    return values


def build_gate_exante(demo, reg: Registry) -> list[ExAnteAssessment]:
    """Every 2022 project that needs an ex-ante assessment got one in the autumn of 2021, before
    its budget request: asked by its unit, scored by three experts, concluded by `perf` (mostly
    予以支持, every sixth 调整后支持), so the budget gate lets `budget` arrange them all."""
    rng = random.Random(2022_11)
    perf = demo.users["perf"]
    done = []
    for index, project in enumerate(_gate_projects(demo, d.LIVE_YEAR)):
        conclusion = Conclusion.ADJUST if index % 6 == 2 else Conclusion.SUPPORT
        filer, leader = _unit_staff(demo, project.unit)
        assessment = exante.exante_create(
            actor=filer, region=demo.region, year=d.LIVE_YEAR, project=project, **TEXTS
        )
        exante_transition(actor=leader, assessment=assessment, name="submit", attest=True)
        _staff_exante(demo, rng, reg, assessment)
        assessment = exante_transition(actor=perf, assessment=assessment, name="accept")
        indicators = list(assessment.panel.indicators.all())
        for member in assessment.panel.members.select_related("expert__user"):
            scoring_service.scores_save(
                actor=member.expert.user,
                panel=assessment.panel,
                values=_exante_scores(rng, indicators, conclusion),
                submit=True,
            )
        assessment = exante.exante_act(
            actor=perf,
            assessment=assessment,
            name="conclude",
            conclusion=conclusion,
            comment=OPINIONS[conclusion],
        )
        concluded = dt.datetime(2021, 11, 10, 15) + dt.timedelta(days=2 * index)
        _redate_exante(assessment, timezone.make_aware(concluded))
        done.append(assessment)
    return done
