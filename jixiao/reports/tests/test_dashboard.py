"""The dashboards: the bureau's figures and charts on hand-built data, the list behind
each chart and its xlsx export, a unit's own dashboard, scope, and a query count that does not
grow with the number of units.

Work year 2022 of 甲区 (100101), the personas' default work year. Every expected value is worked
out by hand in the comments. 乙区 (100102) holds one record of each kind that must never show.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.budgets.models import FiscalYear, Project
from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.orgs.models import Unit, UnitYear
from jixiao.reports.models import PolicyDocument
from jixiao.targets.models import Target

FULL = Decimal("120.623456")  # each persona project: 100.123456 + 20.5


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + " 10:00"))


def _target(project, *, status, findings=()):
    return Target.objects.create(
        region=project.region,
        year=2022,
        unit=project.unit,
        project=project,
        status=status,
        findings=[{"code": c, "blocking": True, "indicator": None, "message": c} for c in findings],
        # as every writer of findings keeps their codes beside them (`Target.finding_codes`)
        finding_codes="".join(f"{c};" for c in findings),
    )


def _project_2021(unit, code, amount):
    return Project.objects.create(
        region=unit.region, year=2021, code=code, name=f"项目{code}", unit=unit, full_current=amount
    )


def _round(region, code="2022-07"):
    return Round.objects.create(
        region=region,
        year=2022,
        code=code,
        name=f"{code}监控",
        period_end=datetime.date(2022, 7, 31),
        deadline=datetime.date(2022, 8, 10),
    )


def _report(rnd, project, **fields):
    return Report.objects.create(
        round=rnd, project=project, region=project.region, unit=project.unit, year=2022, **fields
    )


def _alert(rnd, project, code="M01", level="red", **fields):
    return Alert.objects.create(
        region=project.region,
        year=2022,
        unit=project.unit,
        project=project,
        round=rnd,
        code=code,
        level=level,
        message=f"{code} {project.name}",
        due_date=datetime.date(2022, 8, 20),
        **fields,
    )


@pytest.fixture
def year_2022(world):
    """甲区's work year 2022 by hand: U1 (the `filer`'s unit) and U2 (the `other` persona's)."""
    FiscalYear.objects.filter(year__gt=2022).delete()  # 2022 is the work year of every persona
    p1, p2, pb = world.projects["P1"], world.projects["P2"], world.projects["PB"]
    _target(p1, status="approved", findings=["T02"])  # U1: approved, with lint finding T02
    _target(p2, status="submitted")  # U2: submitted, clean
    _target(pb, status="approved", findings=["T02"])  # 乙区

    rnd = _round(world.region)
    _report(
        rnd, p1, status="approved", executed=Decimal("60"), submitted_at=at("2022-08-05")
    )  # in on time
    _report(rnd, p2, status="draft")  # never came in: missing after 10 August
    _alert(rnd, p1)  # M01 red, open past 20 August: overdue
    rnd_b = _round(world.region_b)
    _report(rnd_b, pb, status="approved", executed=Decimal("1"), submitted_at=at("2022-08-01"))
    _alert(rnd_b, pb)

    q1 = _project_2021(world.units["U1"], "Q1", Decimal("50.005"))
    q2 = _project_2021(world.units["U2"], "Q2", Decimal("30"))
    qb = _project_2021(world.units["UB"], "QB", Decimal("99"))
    SelfEvaluation.objects.create(
        region=world.region,
        year=2021,
        unit=q1.unit,
        project=q1,
        status="confirmed",
        total=Decimal("88.00"),
        grade="良",
    )
    SelfEvaluation.objects.create(
        region=world.region,
        year=2021,
        unit=q2.unit,
        project=q2,
        status="submitted",
        total=Decimal("55.00"),
        grade="差",
    )
    SelfEvaluation.objects.create(
        region=world.region_b,
        year=2021,
        unit=qb.unit,
        project=qb,
        status="confirmed",
        total=Decimal("95.00"),
        grade="优",
    )
    UnitEvaluation.objects.create(
        region=world.region,
        year=2021,
        unit=world.units["U1"],
        status="confirmed",
        grade="良",
        total=Decimal("85.00"),
    )
    UnitEvaluation.objects.create(
        region=world.region,
        year=2021,
        unit=world.units["U2"],
        status="confirmed",
        grade="优",
        total=Decimal("90.00"),
    )
    PolicyDocument.objects.create(
        region=world.region,
        number="甲财绩〔2022〕1号",
        title="甲区预算绩效管理办法",
        issuer="甲区财政局",
        issued_on=datetime.date(2022, 3, 1),
    )
    PolicyDocument.objects.create(
        region=world.region_b,
        number="乙财绩〔2022〕1号",
        title="乙区办法",
        issuer="乙区财政局",
        issued_on=datetime.date(2022, 3, 1),
    )
    return world


def charts_of(response) -> dict:
    match = re.search(
        r'<script id="dashboard-charts" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def series(chart: dict, name_part: str = "") -> dict:
    """category → point of the first series whose name contains `name_part`."""
    found = next(s for s in chart["series"] if name_part in s["name"])
    return dict(zip(chart["categories"], found["data"], strict=True))


def sheet_rows(response) -> list[tuple]:
    """The data rows of an export (row 1: title, row 2: headers)."""
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(min_row=3, values_only=True))


# ── the bureau's dashboard ────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("persona", ["performance", "budget"])
def test_dashboard_headline_figures_from_hand_built_records(year_2022, client_for, persona):
    response = client_for(persona).get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 / 2" in page  # U1 and U2, both first-level, both declared
    assert "覆盖率 100.00%" in page
    # Monitored: P1 and P2, 2 × 120.623456 = 241.246912 → 241.25.
    assert "241.25" in page
    # Self-evaluated in 2022, of 2021: Q1 50.005 + Q2 30 = 80.005 → 80.01 (half up).
    assert "2021 年度项目自评资金（万元）" in page and "80.01" in page
    assert "甲财绩" not in page  # the registry's count links to the list, not the titles
    facts = re.findall(r'<a class="fact" href="([^"]+)"><b>([^<]+)</b><span>([^<]+)</span>', page)
    figures = {label: (value, url) for url, value, label in facts}
    assert figures["申报绩效目标的项目"] == ("2", "/dashboard/records/targets/?key=declared")
    assert figures["已批复绩效目标的项目"] == ("1", "/dashboard/records/targets/?key=approved")
    assert figures["2021 年度部门整体支出评价"] == ("2", "/dashboard/records/unit-evaluations/")
    assert figures["现行制度文件"] == ("1", "/dashboard/records/policies/")
    assert "生成年度工作总结（Word）" in page and "/dashboard/summary.docx" in page
    assert "/api/v1/stats?region=100101&amp;year=2022" in page


def test_dashboard_charts_count_and_link_each_element(year_2022, client_for):
    charts = charts_of(client_for("performance").get("/dashboard/"))
    red = series(charts["alerts"], "红色")
    assert red["M01"] == {"value": 1, "url": "/dashboard/records/alerts/?key=M01"}
    assert series(charts["alerts"], "黄色")["M01"]["value"] == 0
    grades = series(charts["grades"], "项目自评")
    assert (grades["良"]["value"], grades["差"]["value"], grades["优"]["value"]) == (1, 1, 0)
    assert grades["差"]["url"] == "/dashboard/records/selfevals/?key=%E5%B7%AE"  # key=差
    unit_grades = series(charts["grades"], "部门整体")
    assert (unit_grades["优"]["value"], unit_grades["良"]["value"]) == (1, 1)
    lint = series(charts["lint"])
    assert list(lint) == ["T02 指标值未填列"]  # only codes found; PB's T02 is 乙区's
    assert lint["T02 指标值未填列"] == {"value": 1, "url": "/dashboard/records/lint/?key=T02"}
    targets = series(charts["targets"])
    assert {k: v["value"] for k, v in targets.items()} == {"业务股室初审中": 1, "已批复": 1}
    reports = series(charts["reports"])
    assert {k: v["value"] for k, v in reports.items()} == {"按时报送": 1, "逾期未报": 1}
    assert reports["逾期未报"]["url"] == "/dashboard/records/reports/?key=missing"


def test_dashboard_execution_per_unit_against_time_progress(year_2022, client_for):
    chart = charts_of(client_for("performance").get("/dashboard/"))["execution"]
    # U2 reported nothing (0 of 120.623456), U1 60 of 120.623456 = 49.74%; laggards first.
    assert chart["full_names"] == ["甲区城管局", "甲区教育局"]
    assert chart["categories"] == ["城管局", "教育局"]  # the axis drops the region's name
    rates = chart["series"][0]["data"]
    assert [p["value"] for p in rates] == ["0.00", "49.74"]
    assert rates[1]["url"] == "/dashboard/records/execution/?key=U1"
    # 31 July is day 212 of 365: 58.08%.
    assert chart["series"][1]["data"] == ["58.08", "58.08"]
    assert "时间进度 58.08%" in chart["series"][1]["name"]


def test_a_citys_dashboard_shows_execution_per_district(year_2022, client):
    from jixiao.orgs.models import User

    city_budget = User.objects.create(
        username="city_budget", full_name="市预算处", roles=["budget"], region=year_2022.city
    )
    client.force_login(city_budget)
    response = client.get("/dashboard/")
    chart = charts_of(response)["execution"]
    # 乙区: PB 1 of 120.623456 = 0.83%; 甲区: 60 of 241.246912 = 24.87%; laggards first.
    assert chart["full_names"] == ["乙区", "甲区"]
    assert [p["value"] for p in chart["series"][0]["data"]] == ["0.83", "24.87"]
    assert chart["series"][0]["data"][1]["url"] == "/dashboard/records/execution/?key=100101"
    page = response.content.decode()
    assert "各下级区划" in page and "按下级区划" in page
    rows = client.get("/dashboard/records/execution/", {"key": "100101", "format": "xlsx"})
    assert [r[0] for r in sheet_rows(rows)] == ["P1", "P2"]


def test_dashboard_lists_units_behind(year_2022, client_for):
    page = client_for("performance").get("/dashboard/").content.decode()
    section = page[page.index("进度落后的单位") :]
    # U1: an overdue alert; U2: a missing report. Both are behind, 2 in all.
    assert "共 2 个" in section
    assert "甲区教育局" in section and "甲区城管局" in section
    assert "/dashboard/records/behind/" in section
    assert "/dashboard/records/on-time/" in section


def test_units_behind_count_a_report_late_from_the_first_moment_after_its_deadline_day(
    year_2022, client_for
):
    rnd = Round.objects.get(region=year_2022.region)  # deadline 10 August
    unit = year_2022.units["U1"]
    for code, moment in (
        ("PL1", "2022-08-10 23:59"),  # the deadline day's last minute: on time
        ("PL2", "2022-08-11 00:00"),  # the next day from its first moment: late
        ("PL3", "2022-08-19 09:00"),
    ):
        project = Project.objects.create(
            region=year_2022.region, year=2022, code=code, name=code, unit=unit
        )
        submitted = timezone.make_aware(datetime.datetime.fromisoformat(moment))
        _report(rnd, project, status="submitted", submitted_at=submitted)
    client = client_for("performance")
    rows = sheet_rows(client.get("/dashboard/records/behind/", {"format": "xlsx"}))
    by_code = {r[0]: r[2:] for r in rows}
    # pending targets, reports missing, reports late, alerts overdue, self-evaluations pending
    assert by_code["U1"] == (0, 0, 2, 1, 0)
    assert by_code["U2"] == (0, 1, 0, 0, 0)
    page = client.get("/dashboard/").content.decode()
    assert "共 2 个" in page[page.index("进度落后的单位") :]


def test_the_units_behind_list_queries_do_not_grow_with_the_number_of_units(year_2022, client_for):
    rnd = Round.objects.get(region=year_2022.region)
    client = client_for("performance")
    url = "/dashboard/records/behind/"
    client.get(url)  # the session's first request stores its time (the idle timeout)
    _add_units(year_2022, rnd, range(0, 3))
    with_3 = _queries(client, url)
    _add_units(year_2022, rnd, range(3, 30))
    with_30 = _queries(client, url)
    assert with_30 == with_3, f"{with_3} queries with 3 more units, {with_30} with 30"


def test_the_dashboard_counts_the_reports_by_unit_once_for_its_figures_and_the_units_behind(
    year_2022, client_for
):
    client = client_for("performance")
    client.get("/dashboard/")  # the session's first request stores its time (the idle timeout)
    with CaptureQueriesContext(connection) as captured:  # in a test's transaction: uncached
        page = client.get("/dashboard/").content.decode()
    by_unit = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "monitoring_report"' in q["sql"]
        and 'AS "packed"' in q["sql"]  # submitted, late and missing in one sum
        and "GROUP BY" in q["sql"]
    ]
    assert len(by_unit) == 1
    assert "共 2 个" in page[page.index("进度落后的单位") :]


def test_on_time_list_gives_each_units_rate_and_exports_it(year_2022, client_for):
    client = client_for("performance")
    page = client.get("/dashboard/records/on-time/").content.decode()
    assert "按单位的按时报送率" in page
    rows = sheet_rows(client.get("/dashboard/records/on-time/", {"format": "xlsx"}))
    by_code = {r[0]: r for r in rows}
    # U2's only report is missing after the deadline: 0 of 1 on time.
    assert by_code["U2"][6] == 1 and by_code["U2"][7] == "0.00%"
    assert "UB" not in by_code


def test_unit_people_get_their_own_dashboard_not_the_bureaus(year_2022, client_for):
    for persona in ("filer", "leader"):
        client = client_for(persona)
        assert client.get("/dashboard/").status_code == 403
        assert client.post("/dashboard/summary.docx").status_code == 403
        assert client.get("/dashboard/unit/").status_code == 200
    for persona in ("performance", "budget", "expert"):
        assert client_for(persona).get("/dashboard/unit/").status_code == 403
    assert client_for("expert").get("/dashboard/").status_code == 403


def test_unit_dashboard_compares_the_unit_with_the_region_by_aggregates_only(year_2022, client_for):
    page = client_for("filer").get("/dashboard/unit/").content.decode()
    standing = page[page.index("本单位在全区的情况") :]
    rows = {
        re.sub(r"<[^>]+>", "", m[0]).strip(): [re.sub(r"<[^>]+>", "", c).strip() for c in m[1:]]
        for m in re.findall(
            r"<tr><th>([^<]*)</th>\s*<td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>", standing, re.S
        )
    }
    # Reports: U1 1 of 1 on time; the region (P1 on time, P2 missing): 1 / 2.
    assert rows["运行监控报告按时报送率"] == ["100.00%", "50.00%"]
    # Targets: U1 approved 1 of 1; the region 1 of 2.
    assert rows["2022 年度项目绩效目标批复率"] == ["100.00%", "50.00%"]
    assert rows["逾期未处置预警"] == ["1", "1"]
    # Self-evaluation scores: U1 88.00; the region (88 + 55) / 2 = 71.50.
    assert rows["2021 年度项目自评平均得分"] == ["88.00", "71.50"]
    # Whole-unit evaluation: U1 85.00, the region's average (85 + 90) / 2 = 87.50; rank 2 of 2.
    assert rows["2021 年度部门整体支出绩效评价得分"] == ["85.00", "87.50"]
    assert "在全区 2 个一级预算单位中排第 2 名" in standing
    # Nothing of U2 itself: neither its name nor its score.
    assert "甲区城管局" not in page and "项目P2" not in page and "项目Q2" not in page
    assert "90.00" not in page and "55.00" not in page


def test_a_level_2_unit_is_not_ranked_and_sees_nothing_of_its_parents_evaluation(
    year_2022, client_for
):
    UnitYear.objects.get_or_create(
        unit=year_2022.units["U1A"],
        year=2021,
        defaults={
            "name": "甲区教师进修学校",
            "level": 2,
            "parent": year_2022.units["U1"],
            "office": year_2022.offices["BIZ1"],
        },
    )
    page = client_for("child_filer").get("/dashboard/unit/").content.decode()
    assert "不是一级预算单位，不参与排名" in page
    assert "85.00" not in page  # U1's own score
    assert "87.50" in page  # the region's average is an aggregate


def test_unit_dashboard_lists_its_to_dos(year_2022, client_for):
    from jixiao.core.navigation import todos_for

    todos = todos_for(year_2022.filer, year_2022.region, 2022)
    page = client_for("filer").get("/dashboard/unit/").content.decode()
    assert todos, "the hand-built year should give the filer something to do"
    for todo in todos:
        assert str(todo.title) in page


def test_the_summary_button_downloads_the_word_summary(year_2022, client_for):
    pytest.importorskip(
        "jixiao.reports.summary", reason="jixiao.reports.summary (summary_docx) is not written yet"
    )
    client = client_for("performance")
    assert client.get("/dashboard/summary.docx").status_code == 405  # the button posts
    started = client.post("/dashboard/summary.docx")
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    job_page = client.get(started["Location"]).content.decode()
    assert "已完成" in job_page and "/result" in job_page
    response = client.get(started["Location"] + "result")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert unquote(response["Content-Disposition"]) == (
        "attachment; filename*=UTF-8''甲区2022年度预算绩效管理工作总结.docx"
    )
    assert response.content[:2] == b"PK"  # a zip, as every .docx


# ── the lists behind the figures ──────────────────────────────────────────────────────────────
LISTS = [
    # (topic, key, the codes of the rows expected, in order; the page's title)
    ("alerts", "M01", ["P1"], "预警：M01"),
    ("selfevals", "差", ["Q2"], "绩效自评项目：差"),
    ("selfevals", "", ["Q1", "Q2"], "绩效自评项目"),
    ("lint", "T02", ["P1"], "绩效目标质量问题：指标值未填列"),
    ("targets", "declared", ["P1", "P2"], "绩效目标：已申报项目"),
    ("targets", "approved", ["P1"], "绩效目标：已批复项目"),
    ("reports", "on_time", ["P1"], "运行监控报告：按时报送"),
    ("reports", "missing", ["P2"], "运行监控报告：逾期未报"),
    ("execution", "U1", ["P1"], "最近一次运行监控执行情况：甲区教育局"),
    ("selfeval-status", "confirmed", ["Q1"], "绩效自评进度：已确认"),
    ("units", "covered", ["U1", "U2"], "一级预算单位：已覆盖"),
    ("unit-evaluations", "优", ["U2"], "部门整体支出绩效评价：优"),
    ("policies", "", ["甲财绩〔2022〕1号"], "制度文件"),
    ("behind", "", ["U1", "U2"], "进度落后的单位"),
    ("monitored", "", ["P1", "P2"], "运行监控项目"),
]


def _first_cells(topic: str, rows: list[tuple]) -> list:
    # alerts: column 2 is the project code; the others start with their code.
    return [r[2] if topic == "alerts" else r[0] for r in rows]


@pytest.mark.parametrize(
    ("topic", "key", "codes", "title"), LISTS, ids=[f"{t}-{k or 'all'}" for t, k, _c, _t in LISTS]
)
def test_each_list_holds_exactly_the_hand_built_rows_and_exports_them(
    year_2022, client_for, topic, key, codes, title
):
    client = client_for("performance")
    query = {"key": key} if key else {}
    page = client.get(f"/dashboard/records/{topic}/", query)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"<h1>{title} <small>共 {len(codes)} 条" in text
    export = client.get(f"/dashboard/records/{topic}/", {**query, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(export)
    assert _first_cells(topic, rows) == codes
    for code in codes:
        assert code in text
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.active["A1"].value.startswith(f"甲区 2022 年度 {title}")


def test_money_is_exported_as_numbers(year_2022, client_for):
    export = client_for("performance").get("/dashboard/records/selfevals/", {"format": "xlsx"})
    rows = sheet_rows(export)
    funds = {r[0]: r[3] for r in rows}
    assert all(isinstance(v, int | float) for v in funds.values())  # numbers, not text
    assert {k: Decimal(str(v)) for k, v in funds.items()} == {
        "Q1": Decimal("50.005"),
        "Q2": Decimal(30),
    }


def test_an_unknown_topic_is_404_and_an_unknown_key_says_so(year_2022, client_for):
    client = client_for("performance")
    assert client.get("/dashboard/records/nothing/").status_code == 404
    response = client.get("/dashboard/records/alerts/", {"key": "M99"})
    assert response.status_code == 404
    assert "没有“M99”这一分类" in response.content.decode()
    assert client.get("/dashboard/records/policies/", {"key": "x"}).status_code == 404


def test_the_list_pages_link_to_each_record(year_2022, client_for):
    alert = Alert.objects.get(project__code="P1")
    text = (
        client_for("performance").get("/dashboard/records/alerts/", {"key": "M01"}).content.decode()
    )
    assert f'href="/alerts/{alert.pk}/"' in text


# ── scope ─────────────────────────────────────────────────────────────────────────────────────
ALL_LISTS = [(t, k) for t, k, _c, _t in LISTS] + [
    ("alerts", "overdue"),
    ("alerts", "red"),
    ("targets", "approved"),
    ("lint", "T02"),
    ("selfevals", "良"),
    ("unit-evaluations", ""),
    ("year-end-rush", ""),
    ("special-kinds", ""),
    ("reports", ""),
    ("execution", ""),
    ("selfeval-status", ""),
    ("units", ""),
]


def test_another_units_people_never_see_the_units_rows(year_2022, client_for):
    """The `other` persona (U2) opens every list: none holds a row of U1 (P1, Q1, the filer's
    unit); its own rows are there."""
    client = client_for("other")
    seen_own = False
    for topic, key in ALL_LISTS:
        response = client.get(f"/dashboard/records/{topic}/", {"key": key} if key else {})
        if response.status_code == 404:  # a key only the bureau's lists have (U1's unit)
            assert (topic, key) == ("execution", "U1")
            continue
        text = response.content.decode()
        assert "项目P1" not in text and "项目Q1" not in text, (topic, key)
        assert "甲区教育局" not in text, (topic, key)
        export = client.get(
            f"/dashboard/records/{topic}/", {**({"key": key} if key else {}), "format": "xlsx"}
        )
        cells = {c for row in sheet_rows(export) for c in row}
        assert not cells & {"P1", "Q1", "U1", "项目P1", "项目Q1", "甲区教育局"}, (topic, key)
        seen_own = seen_own or "项目P2" in text
    assert seen_own


def test_a_user_of_another_region_sees_nothing_of_region_a(year_2022, client_for):
    client = client_for("other_region")
    charts = charts_of(client.get("/dashboard/"))
    assert series(charts["alerts"], "红色")["M01"]["value"] == 1  # PB's, 乙区's own
    assert [p["url"] for p in charts["execution"]["series"][0]["data"]] == [
        "/dashboard/records/execution/?key=UB"
    ]
    for topic, key in ALL_LISTS:
        response = client.get(f"/dashboard/records/{topic}/", {"key": key} if key else {})
        text = response.content.decode()
        for marker in (
            "项目P1",
            "项目P2",
            "项目Q1",
            "项目Q2",
            "甲区教育局",
            "甲区城管局",
            "甲财绩",
        ):
            assert marker not in text, (topic, key, marker)


def test_a_business_office_sees_only_its_units(year_2022, client_for):
    # BIZ1 has U1 (and U1A); U2 belongs to BIZ2.
    client = client_for("business")
    text = client.get("/dashboard/records/targets/", {"key": "declared"}).content.decode()
    assert "项目P1" in text and "项目P2" not in text


# ── cost ──────────────────────────────────────────────────────────────────────────────────────
def _add_units(world, rnd: Round, numbers: range) -> None:
    """More first-level units of 甲区, each with a declared project (with a lint finding), a
    late report, an alert, a self-evaluation of 2021 and a whole-unit evaluation."""
    region = world.region
    for i in numbers:
        unit = Unit.objects.create(region=region, code=f"X{i:02d}", name=f"甲区测试局{i:02d}")
        for year in (2021, 2022):
            UnitYear.objects.create(
                unit=unit, year=year, name=unit.name, level=1, office=world.offices["BIZ2"]
            )
        project = Project.objects.create(
            region=region,
            year=2022,
            code=f"PX{i:02d}",
            name=f"测试项目{i:02d}",
            unit=unit,
            full_current=Decimal(10),
        )
        _target(project, status="submitted", findings=["T05"])
        _report(rnd, project, status="approved", executed=Decimal(i), submitted_at=at("2022-08-12"))
        _alert(rnd, project, code="M02", level="yellow")
        old = _project_2021(unit, f"QX{i:02d}", Decimal(5))
        SelfEvaluation.objects.create(
            region=region,
            year=2021,
            unit=unit,
            project=old,
            status="submitted",
            total=Decimal(80),
            grade="良",
        )
        UnitEvaluation.objects.create(
            region=region, year=2021, unit=unit, status="confirmed", grade="良", total=Decimal(80)
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("url", "persona"),
    [("/dashboard/", "performance"), ("/dashboard/", "business"), ("/dashboard/unit/", "filer")],
)
def test_dashboard_queries_do_not_grow_with_the_number_of_units(
    year_2022, client_for, url, persona
):
    rnd = Round.objects.get(region=year_2022.region)
    client = client_for(persona)
    # The session's first request stores its time (the idle timeout), the next ones do not:
    # counted from the second on, both counts are of the same kind of request.
    client.get(url)
    _add_units(year_2022, rnd, range(0, 3))
    with_3 = _queries(client, url)
    _add_units(year_2022, rnd, range(3, 30))
    with_30 = _queries(client, url)
    assert with_30 == with_3, f"{with_3} queries with 3 more units, {with_30} with 30"


def test_in_english_the_grades_keep_their_official_word_with_a_gloss(year_2022, client_for):
    chinese = charts_of(client_for("performance").get("/dashboard/"))["grades"]["categories"]
    assert chinese == ["优", "良", "中", "差"]

    office = client_for("performance")
    office.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = charts_of(office.get("/dashboard/"))
    assert english["grades"]["categories"] == [
        "优 (excellent)",
        "良 (good)",
        "中 (fair)",
        "差 (poor)",
    ]
    # the link still filters by the stored word
    good = series(english["grades"])["良 (good)"]
    assert good["url"] == "/dashboard/records/selfevals/?key=%E8%89%AF"
    listing = office.get(good["url"]).content.decode()
    assert "良 (good)" in listing

    filer = client_for("filer")
    filer.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = filer.get("/dashboard/unit/").content.decode()
    assert "<tr><th>差 (poor)</th>" in page
