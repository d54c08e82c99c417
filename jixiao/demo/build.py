"""Build the demo district through the same services users go through (CONTRACT.md, demo).

Deterministic: the same seed gives the same district. Every figure that the 2021 work summary
reports (DOMAIN.md §9) is hit exactly; amounts are drawn at random around it and the last
project of a set takes the remainder. Later stages add a step to `STEPS`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from jixiao.budgets.models import FiscalYear, Project, ProjectKind
from jixiao.budgets.services import fiscal_year_set_status, project_save
from jixiao.orgs.models import Office, Region, Role, Unit, UnitSuccession, UnitYear, User
from jixiao.orgs.services import unit_year_save

from . import district as d
from .evaluations import build_evaluations
from .key_evaluations import build_key_evaluations
from .monitoring import build_monitoring
from .policies import build_policies
from .results_assessment import build_assessment
from .results_audit import build_audit
from .results_disclosure import build_disclosure
from .results_funds import build_funds
from .results_linkage import build_linkage
from .results_rectifications import build_rectifications
from .results_uses import build_uses
from .surveys import build_surveys
from .targets import build_targets

CENT = Decimal("0.01")


@dataclass
class Demo:
    """What the steps share: the district, its people and a seeded random source."""

    password: str
    rng: random.Random = field(default_factory=lambda: random.Random(2021))
    region: Region | None = None
    offices: dict[str, Office] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    kinds: dict[str, ProjectKind] = field(default_factory=dict)


PERSONAS = [
    # username, full name, roles, unit code, office code
    ("admin", "系统管理员", [Role.ADMIN], None, None),
    ("budget", "王预算（预算股）", [Role.BUDGET], None, "YSG"),
    ("perf", "李绩效（绩效办）", [Role.PERFORMANCE], None, "JXB"),
    ("office", "张审核（社会事业股）", [Role.BUSINESS], None, "SHSY"),
    ("unit", "刘填报（教育体育局）", [Role.FILER], d.PERSONA_UNIT, None),
    ("leader", "陈局长（教育体育局）", [Role.LEADER], d.PERSONA_UNIT, None),
    ("other", "赵填报（城管执法局）", [Role.FILER], d.OTHER_UNIT, None),
    ("expert", "周专家", [Role.EXPERT], None, None),
    ("agency", "江西某会计师事务所", [Role.AGENCY], None, None),
    ("auditor", "孙审计", [Role.AUDITOR], None, None),
]


def build_regions(demo: Demo) -> None:
    province, _ = Region.objects.get_or_create(
        code=d.PROVINCE[0], defaults={"name": d.PROVINCE[1], "level": Region.Level.PROVINCE}
    )
    city, _ = Region.objects.get_or_create(
        code=d.CITY[0], defaults={"name": d.CITY[1], "level": Region.Level.CITY, "parent": province}
    )
    demo.region, _ = Region.objects.get_or_create(
        code=d.DISTRICT[0],
        defaults={"name": d.DISTRICT[1], "level": Region.Level.DISTRICT, "parent": city},
    )
    for code, name, kind in d.OFFICES:
        demo.offices[code], _ = Office.objects.get_or_create(
            region=demo.region, code=code, defaults={"name": name, "kind": kind}
        )
    for year in d.YEARS:
        FiscalYear.objects.get_or_create(region=demo.region, year=year)


def build_people(demo: Demo) -> None:
    now = timezone.now()
    for username, name, roles, unit_code, office_code in PERSONAS:
        user, _ = User.objects.get_or_create(username=username)
        user.full_name, user.roles, user.region = name, list(roles), demo.region
        user.unit = demo.units.get(unit_code) if unit_code else None
        user.office = demo.offices.get(office_code) if office_code else None
        user.is_staff = username == "admin"
        user.set_password(demo.password)
        user.password_changed_at = now
        user.save()
        demo.users[username] = user


def build_units(demo: Demo) -> None:
    actor = _bureau_actor(demo)
    merged, (new_code, new_name, _sector, new_office) = d.MERGE_2022
    for year in d.YEARS:
        for code, name, _sector, office, children in d.UNITS:
            if year == d.LIVE_YEAR and code in merged:
                continue
            if year == d.LIVE_YEAR and code == d.MOVE_2022[0]:
                office = d.MOVE_2022[1]
            _unit_year(demo, actor, year, code, name, 1, None, office)
            for child_code, child_name in children:
                _unit_year(demo, actor, year, child_code, child_name, 2, code, office)
    _unit_year(demo, actor, d.LIVE_YEAR, new_code, new_name, 1, None, new_office)
    for old in merged:
        UnitSuccession.objects.get_or_create(
            predecessor=demo.units[old],
            successor=demo.units[new_code],
            year=d.LIVE_YEAR,
            defaults={"kind": UnitSuccession.Kind.MERGE, "note": "2022 年机构改革"},
        )


def _bureau_actor(demo: Demo) -> User:
    """The budget office's account, created first so that services have a real actor."""
    user, _ = User.objects.update_or_create(
        username="budget",
        defaults={
            "roles": [Role.BUDGET],
            "region": demo.region,
            "office": demo.offices["YSG"],
            "unit": None,
        },
    )
    return user


def _unit_year(demo, actor, year, code, name, level, parent_code, office_code) -> None:
    row = unit_year_save(
        actor=actor,
        region=demo.region,
        code=code,
        year=year,
        name=name,
        level=level,
        parent=demo.units.get(parent_code),
        office=demo.offices[office_code],
    )
    demo.units[code] = row.unit


# --- projects ------------------------------------------------------------------------------

RARE_KINDS = [
    "政府投资基金",
    "政府采购",
    "政府和社会资本合作",
    "政府债务",
    "政府性基金",
    "国有资本经营",
    "社会保险基金",
]


@dataclass
class PlannedProject:
    unit: str
    name: str
    kinds: list[str]
    full: Decimal = Decimal(0)
    parent_name: str | None = None


def _split(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Share `total` by weights in amounts of 2 or 4 decimals; the last takes the remainder."""
    scale = sum(weights)
    parts = []
    for i, w in enumerate(weights[:-1]):
        places = Decimal("0.0001") if i % 5 == 0 else CENT  # real tables carry 207.4538 too
        parts.append((total * Decimal(w / scale)).quantize(places, ROUND_HALF_UP))
    parts.append(total - sum(parts))
    assert parts[-1] > 0, "weights too skewed to keep the remainder positive"
    return parts


def _names_for(demo: Demo, unit_code: str, count: int, used: set[str]) -> list[str]:
    sector = next((u[2] for u in d.UNITS if u[0] == unit_code), None)
    if sector is None:  # a level-2 unit: its parent's sector
        sector = next(u[2] for u in d.UNITS if any(c[0] == unit_code for c in u[4]))
    pool = list(d.PROJECT_NAMES[sector])
    demo.rng.shuffle(pool)
    short = _short_name(unit_code) if sector == "street" else ""
    names = []
    for i in range(count):
        base = pool[i % len(pool)]
        name = f"{short}{base}"
        while name in used:
            name += "（续）"
        used.add(name)
        names.append(name)
    return names


def _short_name(unit_code: str) -> str:
    name = next(u[1] for u in d.UNITS if u[0] == unit_code)
    return name.replace("南昌市东湖区", "").replace("街道办事处", "街道").replace("人民政府", "")


def plan_year(demo: Demo, year: int, count: int) -> list[PlannedProject]:
    """`count` projects spread over the year's units; every kind occurs; the persona unit has a
    level-1 project with two level-2 projects under it."""
    rng = demo.rng
    codes = [u[0] for u in d.UNITS if not (year == d.LIVE_YEAR and u[0] in d.MERGE_2022[0])]
    if year == d.LIVE_YEAR:
        codes.append(d.MERGE_2022[1][0])
    children = [c[0] for u in d.UNITS for c in u[4]]
    per_unit = {c: 2 for c in codes} | {c: 1 for c in children}
    per_unit[d.PERSONA_UNIT] = 3
    while sum(per_unit.values()) < count:
        per_unit[rng.choice(codes)] += 1
    while sum(per_unit.values()) > count:
        victim = rng.choice([c for c, n in per_unit.items() if n > 1 and c != d.PERSONA_UNIT])
        per_unit[victim] -= 1
    planned = []
    for code, n in per_unit.items():
        lookup = code if code in {u[0] for u in d.UNITS} or code in children else d.MERGE_2022[0][0]
        for name in _names_for(demo, lookup, n, set()):
            kinds = ["专项资金"] if rng.random() < 0.62 else ["一般项目"]
            planned.append(PlannedProject(code, name, kinds))
    for kind, project in zip(RARE_KINDS, rng.sample(planned, len(RARE_KINDS)), strict=True):
        project.kinds = [kind] if kind != "政府采购" else [*project.kinds, kind]
    persona = [p for p in planned if p.unit == d.PERSONA_UNIT]
    parent = PlannedProject(d.PERSONA_UNIT, f"{year}年教育事业发展专项", ["专项资金"])
    for child in persona[:2]:
        child.parent_name = parent.name
        child.kinds = ["专项资金"]
    planned[planned.index(persona[2])] = parent
    return planned


def _amount_weights(rng: random.Random, n: int) -> list[float]:
    return [rng.lognormvariate(0, 0.9) + 0.15 for _ in range(n)]


def build_projects(demo: Demo) -> None:
    demo.kinds = {k.label: k for k in ProjectKind.objects.all()}
    actor = demo.users.get("budget") or _bureau_actor(demo)
    plan_2020 = plan_year(demo, 2020, d.SELFEVAL_PROJECTS_2020 - len(d.SPECIAL_PROJECTS_2020))
    special = [PlannedProject(u, n, k, amount) for u, n, k, amount in d.SPECIAL_PROJECTS_2020]
    rest = d.SELFEVAL_FUNDS_2020 - sum(p.full for p in special)
    for p, amount in zip(
        plan_2020, _split(rest, _amount_weights(demo.rng, len(plan_2020))), strict=True
    ):
        p.full = amount
    _save_year(demo, actor, 2020, plan_2020 + special, carryover_share=0.0)

    plan_2021 = plan_year(demo, 2021, 190)
    special_funds = [p for p in plan_2021 if "专项资金" in p.kinds]
    for p, amount in zip(
        special_funds,
        _split(d.MONITORED_FUNDS_2021, _amount_weights(demo.rng, len(special_funds))),
        strict=True,
    ):
        p.full = amount
    _fill_random(demo, [p for p in plan_2021 if "专项资金" not in p.kinds])
    _save_year(demo, actor, 2021, plan_2021, carryover_share=0.35)

    plan_2022 = plan_year(demo, 2022, 194)
    _fill_random(demo, plan_2022)
    _save_year(demo, actor, 2022, plan_2022, carryover_share=0.3)


def _fill_random(demo: Demo, projects: list[PlannedProject]) -> None:
    for p in projects:
        p.full = Decimal(str(round(demo.rng.lognormvariate(5.2, 0.9), 2)))


def _sources(rng: random.Random, full: Decimal, carryover_share: float) -> dict[str, Decimal]:
    """Split a full-year amount into the three sources exactly, and derive the initial budget."""
    carry = other = Decimal(0)
    if rng.random() < carryover_share:
        carry = (full * Decimal(str(round(rng.uniform(0.05, 0.4), 2)))).quantize(CENT)
    if rng.random() < 0.15:
        other = (full * Decimal(str(round(rng.uniform(0.02, 0.15), 2)))).quantize(CENT)
    current = full - carry - other
    initial = (current * Decimal(str(round(rng.uniform(0.85, 1.0), 2)))).quantize(CENT)
    return {
        "initial_current": initial,
        "initial_carryover": Decimal(0),
        "initial_other": other,
        "full_current": current,
        "full_carryover": carry,
        "full_other": other,
    }


def _save_year(demo, actor, year, planned: list[PlannedProject], *, carryover_share) -> None:
    counters: dict[str, int] = {}
    saved: dict[str, Project] = {}
    for p in sorted(planned, key=lambda p: p.parent_name is not None):
        counters[p.unit] = counters.get(p.unit, 0) + 1
        project = project_save(
            actor=actor,
            project=None,
            region=demo.region,
            year=year,
            code=f"{year}-{p.unit}-{counters[p.unit]:02d}",
            name=p.name,
            unit=demo.units[p.unit],
            kinds=[demo.kinds[k] for k in p.kinds],
            parent=saved.get(p.parent_name) if p.parent_name else None,
            amounts=_sources(demo.rng, p.full, carryover_share),
            multi_year="建设" in p.name,
            serves_public=True,
            description=f"{year}年度{p.name}。",
        )
        saved[p.name] = project


def close_past_years(demo: Demo) -> None:
    """2020 and 2021 are done (CONTRACT.md: the work year 2021 is complete)."""
    for year in d.YEARS:
        if year < d.LIVE_YEAR:
            fiscal_year_set_status(
                actor=demo.users["budget"],
                region=demo.region,
                year=year,
                close=True,
                reason="年度工作结束",
            )


# Each stage appends its step before `close_past_years`.
STEPS: list[tuple[str, Callable[[Demo], None]]] = [
    ("区划与股室", build_regions),
    ("预算单位", build_units),
    ("用户", build_people),
    ("项目", build_projects),
    ("绩效目标", build_targets),
    ("运行监控", build_monitoring),
    ("绩效评价", build_evaluations),
    ("重点评价与事前评估", build_key_evaluations),
    ("公众测评", build_surveys),
    ("制度文件", build_policies),
    # Using the results: the rectifications first (fund actions and the linkage read them), the
    # unit assessment after everything it scores, the disclosures last (the ranking among them).
    ("整改", build_rectifications),
    ("审计发现", build_audit),
    ("资金调整收回盘活", build_funds),
    ("预算挂钩", build_linkage),
    ("结果应用登记", build_uses),
    ("部门绩效管理考核", build_assessment),
    ("信息公开", build_disclosure),
    ("关闭以前年度", close_past_years),
]


def run_steps(demo: Demo, steps) -> None:
    """Run the build's `steps` (pairs of label and step) in order, for a build inside one
    transaction (as the tests' fixtures run it). On PostgreSQL the project's tables are analysed
    after each step: where they were analysed while empty (autovacuum after an earlier test
    emptied them), the planner takes every table for empty and the build's later queries scan
    instead of looking up; measured, a build to the self-evaluations took 330 s instead of 45 s."""
    for _label, step in steps:
        step(demo)
        if connection.vendor == "postgresql":
            tables = connection.introspection.django_table_names(only_existing=True)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))


def demo_exists() -> bool:
    return UnitYear.objects.filter(unit__region__code=d.DISTRICT[0]).exists()


def demo_of_built(password: str = "Jixiao@2022") -> Demo:
    """The `Demo` of a district already built (for a step run on its own, as a later stage's
    builder is while it is written, or from a shell)."""
    region = Region.objects.get(code=d.DISTRICT[0])
    return Demo(
        password=password,
        region=region,
        offices={o.code: o for o in Office.objects.filter(region=region)},
        users={u.username: u for u in User.objects.filter(username__in=[p[0] for p in PERSONAS])},
        units={u.code: u for u in Unit.objects.filter(region=region)},
        kinds={k.label: k for k in ProjectKind.objects.all()},
    )
