"""Test personas, shared by every test (DESIGN.md, Tests).

A small world of two districts under one city: district A has three business offices' worth of
structure (a unit with a level-2 unit, and another unit under another office), district B is a
region the people of A must never see. `build_world()` is idempotent, so transactional tests
(browser tests, which flush the database) can rebuild it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

PASSWORD = "Persona#2022pw"

# username → (roles, unit code, office code, region code)
PERSONAS = {
    "filer": (["filer"], "U1", None, "100101"),
    "leader": (["leader"], "U1", None, "100101"),
    "child_filer": (["filer"], "U1A", None, "100101"),
    "business": (["business"], None, "BIZ1", "100101"),
    "budget": (["budget"], None, "BUD", "100101"),
    "performance": (["performance"], None, "PERF", "100101"),
    "expert": (["expert"], None, None, "100101"),
    "agency": (["agency"], None, None, "100101"),
    "auditor": (["auditor"], None, None, "100101"),
    "public": (["public"], None, None, None),
    "admin": (["admin"], None, None, "100101"),
    "other": (["filer"], "U2", None, "100101"),
    "other_region": (["budget"], None, "BUD-B", "100102"),
}


@dataclass
class World:
    province: object
    city: object
    region: object
    region_b: object
    offices: dict
    units: dict
    projects: dict
    users: dict

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    from jixiao.budgets.models import FiscalYear, Project, ProjectKind
    from jixiao.orgs.models import Office, Region, Unit, UnitYear, User

    province, _ = Region.objects.get_or_create(
        code="100000", defaults={"name": "测试省", "level": "province"}
    )
    city, _ = Region.objects.get_or_create(
        code="100100", defaults={"name": "测试市", "level": "city", "parent": province}
    )
    region, _ = Region.objects.get_or_create(
        code="100101", defaults={"name": "甲区", "level": "district", "parent": city}
    )
    region_b, _ = Region.objects.get_or_create(
        code="100102", defaults={"name": "乙区", "level": "district", "parent": city}
    )
    offices = {}
    for code, name, kind, reg in [
        ("BUD", "预算股", "budget", region),
        ("PERF", "绩效办", "performance", region),
        ("BIZ1", "社会事业股", "business", region),
        ("BIZ2", "经济建设股", "business", region),
        ("BUD-B", "预算股", "budget", region_b),
        ("BIZ-B", "业务股", "business", region_b),
    ]:
        offices[code], _ = Office.objects.get_or_create(
            region=reg, code=code, defaults={"name": name, "kind": kind}
        )
    units = {}
    for code, name, reg in [
        ("U1", "甲区教育局", region),
        ("U1A", "甲区教师进修学校", region),
        ("U2", "甲区城管局", region),
        ("UB", "乙区教育局", region_b),
    ]:
        units[code], _ = Unit.objects.get_or_create(region=reg, code=code, defaults={"name": name})
    structure = [
        ("U1", 1, None, "BIZ1"),
        ("U1A", 2, "U1", "BIZ1"),
        ("U2", 1, None, "BIZ2"),
        ("UB", 1, None, "BIZ-B"),
    ]
    for year in (2021, 2022):
        for code, level, parent, office in structure:
            UnitYear.objects.get_or_create(
                unit=units[code],
                year=year,
                defaults={
                    "name": units[code].name,
                    "level": level,
                    "parent": units.get(parent),
                    "office": offices[office],
                },
            )
        for reg in (region, region_b):
            FiscalYear.objects.get_or_create(region=reg, year=year)
    from jixiao.budgets.kinds import ensure_project_kinds

    if not ProjectKind.objects.exists():  # a transactional test flushed the migration's rows
        ensure_project_kinds(ProjectKind)
    special = ProjectKind.objects.get(code="special_fund")
    projects = {}
    for code, unit, reg in [
        ("P1", "U1", region),
        ("P1A", "U1A", region),
        ("P2", "U2", region),
        ("PB", "UB", region_b),
    ]:
        projects[code], created = Project.objects.get_or_create(
            region=reg,
            year=2022,
            code=code,
            defaults={
                "name": f"项目{code}",
                "unit": units[unit],
                "full_current": Decimal("100.123456"),
                "full_carryover": Decimal("20.5"),
                "initial_current": Decimal("90"),
            },
        )
        if created:
            projects[code].kinds.add(special)
    users = {}
    now = timezone.now()
    for username, (roles, unit, office, reg_code) in PERSONAS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=username,
                roles=roles,
                unit=units.get(unit),
                office=offices.get(office),
                region=Region.objects.filter(code=reg_code).first() if reg_code else None,
                password_changed_at=now,
            )
            user.set_password(PASSWORD)
            user.save()
        users[username] = user
    return World(province, city, region, region_b, offices, units, projects, users)


# A declaration that passes the lint (targets tests and every later stage use it).
GOOD_ROWS = [
    {
        "category": "产出指标",
        "subcategory": "数量指标",
        "name": "改造老旧小区数量",
        "value_text": "≥12个",
    },
    {
        "category": "产出指标",
        "subcategory": "质量指标",
        "name": "工程验收合格率",
        "value_text": "100%",
    },
    {
        "category": "产出指标",
        "subcategory": "时效指标",
        "name": "完工时间",
        "value_text": "2022年12月底前",
    },
    {
        "category": "产出指标",
        "subcategory": "成本指标",
        "name": "每个小区改造成本",
        "value_text": "≤10万元",
    },
    {
        "category": "效益指标",
        "subcategory": "社会效益指标",
        "name": "受益居民户数",
        "value_text": "≥1200户",
    },
    {
        "category": "满意度指标",
        "subcategory": "服务对象满意度指标",
        "name": "居民满意度",
        "value_text": "≥90%",
    },
]
AMOUNTS = {
    "total": Decimal("120.623456"),
    "current": Decimal("100.123456"),
    "carryover": Decimal("20.5"),
    "other": None,
}


def loaded_of(page: str) -> str:
    """The edit stamp a drawn form carries (`<input name="loaded">`, core/edit_stamp.py)."""
    (stamp,) = re.findall(r'name="loaded" value="([^"]+)"', page)
    return stamp


def colleague_first(monkeypatch, owner, name: str, colleague: Callable[[], object]) -> None:
    """Two saves drawn from one version, a colleague's a moment ahead of the view's: the next
    call of the service `owner.name` (as the view makes it, after its own read of the document)
    runs `colleague()`, a save through the real services, first. What two saves posted at the
    same instant come to, step by step on one connection (core/edit_stamp.py)."""
    real, calls = getattr(owner, name), []

    def behind(*args, **kwargs):
        if not calls:
            calls.append(name)
            colleague()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, behind)


def at_once(monkeypatch, owner, name: str, posts: Sequence[tuple]) -> list:
    """Send each of `posts` (client, url, data) from a thread of its own, with its own database
    connection; each waits, once its view has read the document and calls the service
    `owner.name`, until every other one has come as far: saves posted at the same instant.
    Returns their answers, in order."""
    real, barrier = getattr(owner, name), threading.Barrier(len(posts))
    answers: list = [None] * len(posts)

    def together(*args, **kwargs):
        barrier.wait(30)
        return real(*args, **kwargs)

    def run(index: int) -> None:
        from django.db import connections

        client, url, data = posts[index]
        try:
            answers[index] = client.post(url, data)
        finally:
            connections.close_all()

    monkeypatch.setattr(owner, name, together)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def one_saved(answers) -> int:
    """Of two forms saved at once from one version: the index of the one that was saved; the
    other was drawn again, told that the form had been changed since it was opened."""
    codes = [getattr(a, "status_code", None) for a in answers]
    assert sorted(codes, key=str) == [302, 400], codes
    assert "这张表在您打开之后已被修改" in answers[codes.index(400)].content.decode()
    return codes.index(302)


def listed_ids(client, url: str, detail: str) -> list[int]:
    """The ids of a list page's rows, top to bottom, by their links to `detail` ("/targets/"):
    what a sorted list (core/sorting.py) shows in which order."""
    response = client.get(url)
    assert response.status_code == 200, url
    return [
        int(i) for i in re.findall(f'href="{re.escape(detail)}(\\d+)/"', response.content.decode())
    ]


def page_queries(client, url: str) -> int:
    """How many queries the page at `url` answers in (200 asserted): a list's number must not
    grow with its rows, sorted or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


#: The actual values and weights of a self-evaluation of GOOD_ROWS, every target met.
SELFEVAL_ACTUALS = ["12个", "100%", "2022年11月完成", "9.5万元", "1300户", "92%"]
SELFEVAL_WEIGHTS = ["20", "10", "10", "10", "30", "10"]


def selfeval_submitted(world, project):
    """The self-evaluation of `project` (its target approved) filled with every target met,
    completed by the filer and submitted by the leader: waiting for the business office."""
    from jixiao.evaluations.services import selfeval_create, selfeval_save, selfeval_transition

    selfeval = selfeval_save(
        actor=world.filer,
        selfeval=selfeval_create(actor=world.filer, project=project),
        executed={"current": "100", "carryover": "20.5"},
        goal_achieved="完成12个小区改造。",
        rows=[
            {"position": i, "actual": a, "weight": w}
            for i, (a, w) in enumerate(zip(SELFEVAL_ACTUALS, SELFEVAL_WEIGHTS, strict=True))
        ],
    )
    selfeval = selfeval_transition(actor=world.filer, selfeval=selfeval, name="complete")
    return selfeval_transition(actor=world.leader, selfeval=selfeval, name="submit", attest=True)
