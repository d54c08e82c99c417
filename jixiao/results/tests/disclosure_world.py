"""The publishable items of work year 2022 in the test world, for the disclosure tests: approved
targets of 2022 (U1, its level-2 unit U1A, and U2), confirmed self-evaluations of 2021 projects,
an archived key evaluation with its report, and a unit assessment."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import Client

from jixiao.shell.work import SESSION_YEAR

YEAR = 2022


def client_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    session = client.session
    session[SESSION_YEAR] = YEAR
    session.save()
    return client


def _project(world, unit: str, code: str, year: int):
    from jixiao.budgets.models import Project

    return Project.objects.create(
        region=world.region,
        year=year,
        code=code,
        name=f"公开测试项目{code}",
        unit=world.units[unit],
        full_current=Decimal("120.50"),
        initial_current=Decimal("100"),
    )


def approved_target(
    world, unit: str, code: str, *, goal: str = "完成年度任务。", status="approved"
):
    from jixiao.targets.models import Indicator, Target

    project = _project(world, unit, code, YEAR)
    target = Target.objects.create(
        region=world.region,
        year=YEAR,
        unit=project.unit,
        project=project,
        status=status,
        goal=goal,
        amount_total=Decimal("120.50"),
    )
    for position, (name, value) in enumerate((("改造数量", "12"), ("验收合格率", "95"))):
        Indicator.objects.create(
            target=target,
            position=position,
            category="产出指标",
            subcategory="数量指标" if position == 0 else "质量指标",
            name=name,
            operator="≥",
            value_text=value,
            unit="个" if position == 0 else "%",
            weight=Decimal("25.00"),
        )
    return target


def confirmed_selfeval(world, unit: str, code: str, *, status="confirmed"):
    from jixiao.evaluations.models import SelfEvaluation

    project = _project(world, unit, code, YEAR - 1)
    return SelfEvaluation.objects.create(
        region=world.region,
        year=YEAR - 1,
        unit=project.unit,
        project=project,
        status=status,
        self_total=Decimal("92.00"),
        total=Decimal("90.50"),
        reviewed_total=Decimal("88.00"),
        reviewed_grade="良",
        grade="优",
        executed_current=Decimal("110.25"),
    )


def archived_key_evaluation(world, *, archived_on=datetime.date(2022, 11, 20)):
    from jixiao.evaluations.key.models import KeyKind, KeyStatus, ReportVersion
    from jixiao.evaluations.key.services import evaluation_create

    project = _project(world, "U1", "K1", YEAR - 1)
    evaluation = evaluation_create(
        indicators=[],
        region=world.region,
        year=YEAR,
        subject="甲区学前教育补助资金",
        kind=KeyKind.PROJECT,
        project=project,
        unit=project.unit,
    )
    type(evaluation).objects.filter(pk=evaluation.pk).update(
        status=KeyStatus.ARCHIVED, archived_on=archived_on, score=Decimal("86.50"), grade="良"
    )
    ReportVersion.objects.create(
        evaluation=evaluation,
        number=2,
        sections={
            "title": "甲区学前教育补助资金绩效评价报告",
            "parts": {
                "basics": "项目基本情况。",
                "conclusion": "综合评价得分 86.50 分，等级为良。",
            },
            "table": [
                {
                    "level1": "决策",
                    "level2": "项目立项",
                    "level3": "立项依据充分性",
                    "weight": "10",
                    "score": "9",
                },
                {
                    "level1": "产出",
                    "level2": "产出数量",
                    "level3": "补助人数",
                    "weight": "20",
                    "score": "18",
                },
            ],  # fmt: skip
            "total": "86.50",
            "grade": "良",
        },
    )
    evaluation.refresh_from_db()
    return evaluation


def assessment(world, unit: str, rank: int, score: str):
    from jixiao.results.models import UnitAssessment

    return UnitAssessment.objects.create(
        region=world.region,
        year=YEAR,
        unit=world.units[unit],
        computed=Decimal(score),
        score=Decimal(score),
        rank=rank,
    )


def items(world) -> dict:
    """Every kind of item: targets of U1 (two, one of them U1A's) and U2, a self-evaluation of
    U1, one not yet confirmed, an archived key evaluation and the ranking."""
    return {
        "targets": [
            approved_target(world, "U1", "T1"),
            approved_target(world, "U1A", "T2"),
            approved_target(world, "U2", "T3"),
            approved_target(world, "U2", "T4", status="submitted"),
        ],
        "selfevals": [
            confirmed_selfeval(world, "U1", "S1"),
            confirmed_selfeval(world, "U2", "S2", status="submitted"),
        ],
        "key": archived_key_evaluation(world),
        "assessments": [assessment(world, "U1", 1, "91.50"), assessment(world, "U2", 2, "80.00")],
    }
