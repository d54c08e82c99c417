"""Demo targets: history for 2020 and 2021, the live year 2022 in every state.

2020 and 2021 were declared before Jixiao existed, so their approved targets come in as a
history import: every project and every first-level unit has one, and about a quarter carry
the problems the 2021 summary found (DOMAIN.md §1) — the lint finds them, as it would have.
2022 goes through the real services and workflow, with the personas and one filer and leader
per unit, so that queues, returns and to-dos are genuine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from jixiao.budgets.models import Project
from jixiao.core.bulkupdate import update_many
from jixiao.core.models import TransitionLog
from jixiao.core.rulebook import named
from jixiao.indicators.models import IndicatorTemplate
from jixiao.orgs.models import Role, Unit, UnitYear, User
from jixiao.targets import adapters
from jixiao.targets.lint import lint
from jixiao.targets.models import Indicator, Target, TargetStatus
from jixiao.targets.services import target_create, target_save, target_transition

from . import clock
from . import district as d

LIBRARY_SECTORS = {
    "party": "通用",
    "admin": "通用",
    "justice": "政法",
    "education": "教育",
    "civil": "民政",
    "social": "人力资源社会保障",
    "urban": "城市管理",
    "agriculture": "农业农村",
    "economy": "科技",
    "culture": "文化旅游",
    "health": "卫生健康",
    "safety": "应急管理",
    "market": "市场监管",
    "mass": "通用",
    "street": "城市管理",
}

# Used when the library is empty (it is loaded by a migration): the classic minimum.
FALLBACK = [
    ("产出指标", "数量指标", "完成工作任务数", "≥10项"),
    ("产出指标", "质量指标", "任务验收合格率", "100%"),
    ("产出指标", "时效指标", "任务完成时间", "12月底前完成"),
    ("产出指标", "成本指标", "单位任务成本", "≤5万元"),
    ("效益指标", "社会效益指标", "服务覆盖人数", "≥1000人"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
]

UNIT_TARGET_ROWS = [
    ("产出指标", "数量指标", "年度重点工作任务完成数", "≥{n}项"),
    ("产出指标", "质量指标", "重点工作任务完成率", "≥95%"),
    ("产出指标", "时效指标", "重点工作按时完成率", "≥95%"),
    ("产出指标", "成本指标", "“三公”经费支出", "≤{cost}万元"),
    ("效益指标", "社会效益指标", "服务群众人次", "≥{people}人次"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
]


def _library(sector: str) -> list[tuple[str, str, str, str]]:
    rows = list(
        IndicatorTemplate.objects.filter(
            sector=sector, region__isnull=True, active=True
        ).values_list("category", "subcategory", "name", "value_hint")
    )
    return rows or FALLBACK


def _sector_of(unit_code: str) -> str:
    for code, _name, sector, _office, children in d.UNITS:
        if code == unit_code or any(c[0] == unit_code for c in children):
            return sector
    return "economy"


def indicator_rows(rng: random.Random, project: Project) -> list[dict]:
    """One indicator per subcategory the library offers for the unit's sector, plus extras."""
    pool = _library(LIBRARY_SECTORS[_sector_of(project.unit.code)])
    by_sub: dict[str, list] = {}
    for row in pool:
        by_sub.setdefault(row[1], []).append(row)
    chosen = [rng.choice(rows) for rows in by_sub.values()]
    extras = [r for r in pool if r not in chosen]
    chosen += rng.sample(extras, min(len(extras), rng.randint(1, 4)))
    order = ["数量指标", "质量指标", "时效指标", "成本指标"]
    chosen.sort(key=lambda r: (r[0] != "产出指标", r[0], order.index(r[1]) if r[1] in order else 9))
    return [{"category": c, "subcategory": s, "name": n, "value_text": v} for c, s, n, v in chosen]


def unit_rows(rng: random.Random) -> list[dict]:
    values = {
        "n": rng.randint(8, 30),
        "cost": rng.randint(3, 40),
        "people": rng.randint(5, 90) * 100,
    }
    return [
        {"category": c, "subcategory": s, "name": n, "value_text": v.format(**values)}
        for c, s, n, v in UNIT_TARGET_ROWS
    ]


def with_problems(rng: random.Random, rows: list[dict]) -> list[dict]:
    """The 2021 summary's problems (DOMAIN.md §1), one or two at a time."""
    rows = [dict(r) for r in rows]
    problem = rng.choice(
        [
            "empty",
            "identical",
            "vague",
            "no_satisfaction",
            "no_quality",
            "placeholder",
            "no_breakdown",
        ]
    )
    outputs = [r for r in rows if r["category"] == "产出指标"]
    if problem == "empty" and rows:
        rng.choice(rows)["value_text"] = ""
    elif problem == "placeholder" and rows:
        rng.choice(rows)["value_text"] = rng.choice(["/", "—", "-"])
    elif problem == "identical" and len(outputs) >= 2:
        for r in outputs[1:]:
            r["name"], r["value_text"] = outputs[0]["name"], outputs[0]["value_text"]
    elif problem == "vague" and rows:
        rng.choice(rows)["value_text"] = rng.choice(
            ["效果明显", "进一步提升", "达成预期指标", "有所提高"]
        )
    elif problem == "no_satisfaction":
        rows = [r for r in rows if r["category"] != "满意度指标"]
    elif problem == "no_quality":
        rows = [r for r in rows if r["subcategory"] != "质量指标"]
    elif problem == "no_breakdown":
        rows = []
    return rows


def goal_for(subject: str, year: int) -> str:
    return f"{year}年，按计划完成{subject}各项任务，提高资金使用效益和公共服务水平。"


# --- history: 2020 and 2021 -------------------------------------------------------------------


def build_history(demo) -> None:
    rng = random.Random(2020)
    rules = named()
    lint_rules, catalogue = rules.section("lint"), rules.section("catalogue")
    for year in (2020, 2021):
        approved_on = timezone.make_aware(dt.datetime(year - 1, 12, 15, 10))
        targets, grids = [], []
        projects = Project.objects.filter(region=demo.region, year=year).select_related("unit")
        for project in projects.order_by("code"):
            rows = indicator_rows(rng, project)
            if rng.random() < 0.25:
                rows = with_problems(rng, rows)
            targets.append(_history_target(demo, project.unit, year, project, approved_on))
            grids.append((rows, goal_for(project.name, year) if rng.random() > 0.03 else ""))
        for unit_year in UnitYear.objects.filter(unit__region=demo.region, year=year, level=1):
            rows = unit_rows(rng)
            if rng.random() < 0.15:
                rows = with_problems(rng, rows)
            targets.append(_history_target(demo, unit_year.unit, year, None, approved_on))
            grids.append((rows, goal_for(unit_year.name + "部门整体支出", year)))
        _save_history(demo, targets, grids, lint_rules, catalogue, approved_on)
        Project.objects.filter(region=demo.region, year=year).update(
            arranged=True, arranged_at=approved_on
        )


def _history_target(demo, unit: Unit, year: int, project: Project | None, when) -> Target:
    amounts = {}
    if project is not None:
        amounts = {
            "amount_current": project.initial_current,
            "amount_carryover": project.initial_carryover,
            "amount_other": project.initial_other,
            "amount_total": project.initial_total,
        }
    return Target(
        region=demo.region,
        year=year,
        unit=unit,
        project=project,
        status=TargetStatus.APPROVED,
        submitted_at=when - dt.timedelta(days=20),
        approved_at=when,
        attested_at=when - dt.timedelta(days=20),
        grades={"final": {"overall": "良"}},
        **amounts,
    )


def _save_history(demo, targets, grids, lint_rules, catalogue, when) -> None:
    for target, (_rows, goal) in zip(targets, grids, strict=True):
        target.goal = goal
    Target.objects.bulk_create(targets, batch_size=500)
    indicators = []
    for target, (rows, _goal) in zip(targets, grids, strict=True):
        parsed = adapters.parse_rows(target, rows)
        indicators += [Indicator(target=target, position=i, **row) for i, row in enumerate(parsed)]
        declaration = adapters.declaration_of(
            target, [Indicator(target=target, position=i, **row) for i, row in enumerate(parsed)]
        )
        result = lint(declaration, rules=lint_rules, catalogue=catalogue)
        target.findings = [adapters.finding_dict(f) for f in result.findings]
        target.blocking_count = sum(1 for f in result.findings if f.blocking)
        target.warning_count = len(result.findings) - target.blocking_count
        target.finding_codes = Target.codes_of(target.findings)
    Indicator.objects.bulk_create(indicators, batch_size=2000)
    update_many(Target, targets, ["findings", "finding_codes", "blocking_count", "warning_count"])
    _history_logs(demo, targets, when)


def _history_logs(demo, targets, when) -> None:
    content_type = ContentType.objects.get_for_model(Target)
    reviewers = {
        "submit": demo.users["leader"],
        "pass": demo.users["office"],
        "approve": demo.users["budget"],
    }
    steps = [
        ("complete", "draft", "ready", 25),
        ("submit", "ready", "submitted", 20),
        ("pass", "submitted", "first_passed", 10),
        ("approve", "first_passed", "approved", 0),
    ]
    logs = []
    for target in targets:
        for name, source, goal, days in steps:
            logs.append(
                TransitionLog(
                    content_type=content_type,
                    object_id=target.pk,
                    transition=name,
                    source=source,
                    target=goal,
                    actor=reviewers.get(name),
                    created_at=when - dt.timedelta(days=days),
                    comment="历史数据导入" if name == "complete" else "",
                )
            )
    TransitionLog.objects.bulk_create(logs, batch_size=2000)
    # auto_now_add ignores the value given; put the historical dates back.
    for name, _s, _t, days in steps:
        TransitionLog.objects.filter(
            content_type=content_type, transition=name, object_id__in=[t.pk for t in targets]
        ).update(created_at=when - dt.timedelta(days=days))


# --- the live year 2022 ----------------------------------------------------------------------

GRADES = {
    "overall": "良",
    "completeness": "良",
    "relevance": "优",
    "appropriateness": "良",
    "feasibility": "良",
}


def _unit_staff(demo, unit: Unit) -> tuple[User, User]:
    """The unit's filer and leader: the personas for their unit, plain accounts elsewhere."""
    if unit.code == d.PERSONA_UNIT:
        return demo.users["unit"], demo.users["leader"]
    if unit.code == d.OTHER_UNIT:
        filer = demo.users["other"]
    else:
        filer = _account(demo, f"u{unit.code}", [Role.FILER], unit)
    return filer, _account(demo, f"u{unit.code}-leader", [Role.LEADER], unit)


# Common surnames and given names, for the demo's staff accounts: a history reads "王海燕 提交"
# as in a real bureau, not "u137 提交".
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN_NAMES = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 "
    "秀英 桂英 晓东 建华 海燕 志强 红梅 文静 国庆 丽华 建军 春燕 晓燕 立新 玉兰 俊杰 雪梅 志刚"
).split()


def staff_name(username: str) -> str:
    """A full name for a demo staff account, fixed by its login (a hash, so the demo's random
    draws, and with them its figures, do not move)."""
    digest = int.from_bytes(hashlib.sha1(username.encode()).digest()[:8], "big")
    surname = SURNAMES[digest % len(SURNAMES)]
    return surname + GIVEN_NAMES[(digest // len(SURNAMES)) % len(GIVEN_NAMES)]


def _account(demo, username: str, roles, unit=None, office=None) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "roles": list(roles),
            "region": demo.region,
            "unit": unit,
            "office": office,
            "full_name": staff_name(username),
            "password_changed_at": timezone.now(),
        },
    )
    if created:
        user.set_unusable_password()  # demo logins are the personas; these only act
        user.save(update_fields=["password"])
    return user


def _reviewer(demo, unit: Unit, year: int = d.LIVE_YEAR) -> User:
    office = UnitYear.objects.get(unit=unit, year=year).office
    if office.code == "SHSY":
        return demo.users["office"]
    return _account(demo, f"office-{office.code.lower()}", [Role.BUSINESS], office=office)


# The share of 2022 projects that reached each state (the rest have no target yet).
LIVE_STATES = [
    (TargetStatus.APPROVED, 0.30),
    (TargetStatus.FIRST_PASSED, 0.15),
    (TargetStatus.SUBMITTED, 0.15),
    (TargetStatus.READY, 0.08),
    (TargetStatus.RETURNED, 0.08),
    (TargetStatus.DRAFT, 0.12),
    (TargetStatus.PARENT_REVIEW, 0.0),
]


def build_live_year(demo) -> None:
    rng = random.Random(2022)
    projects = list(
        Project.objects.filter(region=demo.region, year=d.LIVE_YEAR)
        .select_related("unit", "parent")
        .order_by("code")
    )
    persona = [p for p in projects if p.unit.code == d.PERSONA_UNIT]
    _persona_targets(demo, rng, persona)
    _level2_under_review(demo, rng, projects)
    others = [
        p
        for p in projects
        if p.unit.code != d.PERSONA_UNIT and not Target.objects.filter(project=p).exists()
    ]
    cursor = 0
    for state, share in LIVE_STATES:
        count = round(len(others) * share)
        for project in others[cursor : cursor + count]:
            _drive(demo, rng, project, state)
        cursor += count
    for unit_year in UnitYear.objects.filter(
        unit__region=demo.region, year=d.LIVE_YEAR, level=1
    ).select_related("unit")[:40]:
        _drive(
            demo,
            rng,
            None,
            rng.choice([TargetStatus.APPROVED, TargetStatus.SUBMITTED, TargetStatus.DRAFT]),
            unit=unit_year.unit,
        )


def _persona_targets(demo, rng, projects: list[Project]) -> None:
    """`unit` has a draft with findings, a returned target to fix, and approved ones."""
    level1 = [p for p in projects if p.parent_id is None]
    states = [
        TargetStatus.DRAFT,
        TargetStatus.RETURNED,
        TargetStatus.APPROVED,
        TargetStatus.SUBMITTED,
    ]
    for project, state in zip(level1, states, strict=False):
        _drive(demo, rng, project, state, problems=state == TargetStatus.DRAFT)


def _level2_under_review(demo, rng, projects) -> None:
    """A level-2 unit's target waits for its level-1 unit (主管部门)."""
    child = next(
        (
            p
            for p in projects
            if p.unit.code == "113001" and not Target.objects.filter(project=p).exists()
        ),
        None,
    )
    if child is not None:
        _drive(demo, rng, child, TargetStatus.PARENT_REVIEW)


#: The live declarations' days before the build day (`clock.Steps`): the filer starts between
#: the two, each later step (completed, submitted, forwarded, reviewed, approved) a few days
#: later; the steps add up to at most 19 days, so the last is still a day before the build.
STARTED_DAYS = (22, 45)
STEP_DAYS = {
    "complete": (0, 2),
    "submit": (0, 3),
    "forward": (1, 3),
    "review": (1, 6),
    "approve": (1, 5),
}


def _drive(demo, rng, project, state, *, problems=False, unit=None) -> Target:
    """Declare and move one target to `state` through the real services, each step on its own
    day before the build day (`clock`)."""
    unit = project.unit if project else unit
    days = clock.Steps(project.code if project else f"unit-{unit.code}", STARTED_DAYS, STEP_DAYS)
    with clock.on(days.at()):
        target = _declare(demo, rng, project, unit, problems)
    if state == TargetStatus.DRAFT or target.blocking_count:
        return target
    return _review(demo, target, unit, state, days)


def _declare(demo, rng, project, unit, problems) -> Target:
    """A filer's declaration, saved with its grid (and its findings)."""
    filer, _leader = _unit_staff(demo, unit)
    target = target_create(actor=filer, year=d.LIVE_YEAR, unit=unit, project=project)
    rows = indicator_rows(rng, project) if project else unit_rows(rng)
    if problems:
        rows = with_problems(random.Random(3), rows) + [
            {
                "category": "产出指标",
                "subcategory": "数量指标",
                "name": "培训人次",
                "value_text": "/",
            }
        ]
    subject = project.name if project else unit.name + "部门整体支出"
    amounts = {
        "total": target.amount_total,
        "current": target.amount_current,
        "carryover": target.amount_carryover,
        "other": target.amount_other,
    }
    return target_save(
        actor=filer,
        target=target,
        goal=goal_for(subject, d.LIVE_YEAR),
        amounts=amounts,
        serves_public=True,
        indicators=rows,
    )


def _review(demo, target, unit, state, days: clock.Steps) -> Target:
    """The declaration completed, submitted and reviewed up to `state`, a step a day or so."""
    filer, leader = _unit_staff(demo, unit)
    parent_unit = UnitYear.objects.get(unit=unit, year=d.LIVE_YEAR).parent

    def step(name: str, actor, day: str, **kwargs) -> Target:
        with clock.on(days.at(day)):
            return target_transition(actor=actor, target=target, name=name, **kwargs)

    target = step("complete", filer, "complete")
    if state == TargetStatus.READY:
        return target
    if parent_unit is not None:
        _filer, parent_leader = _unit_staff(demo, parent_unit)
        target = step("submit_to_parent", leader, "submit", attest=True)
        if state == TargetStatus.PARENT_REVIEW:
            return target
        target = step("forward", parent_leader, "forward")
    else:
        target = step("submit", leader, "submit", attest=True)
    reviewer = _reviewer(demo, unit)
    if state == TargetStatus.RETURNED:
        return step(
            "return_first",
            reviewer,
            "review",
            comment="效益指标过于笼统，请量化受益人数并补充指标值确定依据。",
            grades={"overall": "中"},
        )
    if state == TargetStatus.SUBMITTED:
        return target
    target = step("pass", reviewer, "review", grades=GRADES)
    if state == TargetStatus.FIRST_PASSED:
        return target
    return step("approve", demo.users["budget"], "approve", grades=GRADES)


def build_targets(demo) -> None:
    build_history(demo)
    build_live_year(demo)
