"""The key evaluations in the figures of a work year (DOMAIN.md §9, CONTRACT.md `key_evaluations`)
and in the annual summary: the projects chosen, the special kinds, the methods the records
show, the reports sent and the findings by 决策/过程/产出/效益, each traceable to the appendix.

Work year 2022 of 甲区, built by hand:
- E1 P1 (U1), 政府债务, archived: a site visit, an expert's score, its report sent to U1;
  findings 决策 ×2, 产出 ×1;
- E2 P2 (U2), in fieldwork: an expert's score; a finding 效益;
- E3 a policy without project, 政府性基金, notified: nothing recorded yet;
- not counted: a draft of P1A, U1's own department evaluation (commissioned by U1), one of 乙区,
  one of 2021.
So: 3 evaluations, 2 of special kinds, site visits 1, expert scoring 2, public survey 0 (no
survey here; a test adds some), 1 report sent, findings 决策 2 / 过程 0 / 产出 1 / 效益 1 (4 in all).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from jixiao.core.models import ApiToken
from jixiao.core.scope import RegionReader
from jixiao.evaluations.key.models import (
    Expert,
    ExpertScore,
    Finding,
    KeyEvaluation,
    KeyStatus,
    PanelMember,
    ReportDelivery,
    ReportVersion,
    SiteVisit,
)
from jixiao.evaluations.key.services import evaluation_create
from jixiao.reports.selectors import WorkYear
from jixiao.reports.stats import _key_evaluations, as_json, year_stats
from jixiao.reports.summary import summary_docx
from jixiao.surveys.models import SurveyStatus
from jixiao.surveys.tests.test_api import survey_of

TODAY = datetime.date(2023, 1, 10)
INDICATORS = [
    {"level1": "决策", "level2": "项目立项", "level3": "立项依据充分性", "weight": "15"},
    {"level1": "过程", "level2": "资金管理", "level3": "预算执行率", "weight": "25"},
    {"level1": "产出", "level2": "产出数量", "level3": "实际完成率", "weight": "30"},
    {"level1": "效益", "level2": "项目效益", "level3": "满意度", "weight": "30"},
]


def make(world, *, status, unit="U1", project=None, region=None, year=2022, **fields):
    evaluation = evaluation_create(
        indicators=INDICATORS,
        region=region or world.region,
        year=year,
        subject=fields.pop("subject", f"项目{project}重点评价"),
        kind=fields.pop("kind", "project"),
        unit=world.units[unit],
        project=world.projects[project] if project else None,
        **fields,
    )
    evaluation.status = status
    evaluation.save(update_fields=["status"])
    return evaluation


def score(evaluation, expert, value="12"):
    member = PanelMember.objects.create(panel=evaluation.panel, expert=expert)
    ExpertScore.objects.create(
        member=member, indicator=evaluation.panel.indicators.first(), score=Decimal(value)
    )


def findings(evaluation, *levels):
    for level in levels:
        Finding.objects.create(evaluation=evaluation, level1=level, problem=f"{level}方面的问题")


@pytest.fixture
def key_year(world):
    expert = Expert.objects.create(region=world.region, name="张专家")
    e1 = make(world, status=KeyStatus.ARCHIVED, project="P1", special_kind="政府债务")
    SiteVisit.objects.create(
        evaluation=e1,
        visited_on=datetime.date(2022, 6, 1),
        place="城北",
        people="评价组",
        checked="工程现场",
    )
    score(e1, expert)
    report = ReportVersion.objects.create(evaluation=e1, number=1, sections={})
    ReportDelivery.objects.create(report=report, unit=world.units["U1"])
    findings(e1, "决策", "决策", "产出")
    e2 = make(world, status=KeyStatus.FIELDWORK, unit="U2", project="P2")
    score(e2, expert, "10")
    findings(e2, "效益")
    make(
        world,
        status=KeyStatus.NOTIFIED,
        unit="U2",
        subject="城区公交补贴政策",
        kind="policy",
        special_kind="政府性基金",
    )
    # not counted
    findings(make(world, status=KeyStatus.DRAFT, project="P1A", unit="U1A"), "过程")
    department = make(
        world,
        status=KeyStatus.NOTIFIED,
        unit="U1A",
        subject="部门评价",
        commissioner=world.units["U1"],
    )
    findings(department, "过程")
    make(world, status=KeyStatus.ARCHIVED, unit="UB", project="PB", region=world.region_b)
    make(world, status=KeyStatus.ARCHIVED, project="P1", year=2021, special_kind="政府采购")
    return world


def figures(world, user=None, region=None):
    region = region or world.region
    return year_stats(user=user or RegionReader(region.path), region=region, year=2022, today=TODAY)


EXPECTED = {
    "count": 3,
    "projects": [
        {"code": "P1", "name": "项目P1"},
        {"code": "P2", "name": "项目P2"},
        {"code": None, "name": "城区公交补贴政策"},
    ],
    "special_kinds": [
        {"kind": "政府债务", "code": "P1", "name": "项目P1"},
        {"kind": "政府性基金", "code": None, "name": "城区公交补贴政策"},
    ],
    "methods": {"site_visits": 1, "expert_scoring": 2, "public_survey": 0},
    "reports_delivered": 1,
    "findings": {"决策": 2, "过程": 0, "产出": 1, "效益": 1},
}


# ── the figures ──────────────────────────────────────────────────────────────────────────────
def test_key_evaluations_of_the_year_notified_or_beyond_are_counted_without_department_ones(
    key_year,
):
    assert figures(key_year)["key_evaluations"] == EXPECTED


def test_the_special_kind_evaluations_are_the_same_rows_by_project_with_their_kinds(key_year):
    assert figures(key_year)["special_kind_evaluations"] == {
        "count": 2,
        "projects": [
            {"code": "P1", "name": "项目P1", "kinds": ["政府债务"]},
            {"code": None, "name": "城区公交补贴政策", "kinds": ["政府性基金"]},
        ],
    }


def test_the_key_figures_take_two_queries_however_many_evaluations(key_year):
    work = WorkYear(user=RegionReader(key_year.region.path), region=key_year.region, year=2022)
    assert work._region_ids  # read once per work year, for every section
    with CaptureQueriesContext(connection) as few:
        _key_evaluations(work)
    for _n in range(5):
        make(key_year, status=KeyStatus.FIELDWORK, project="P2", unit="U2")
    with CaptureQueriesContext(connection) as many:
        assert _key_evaluations(work)["count"] == 8
    assert len(few) == len(many) == 2


def test_a_unit_counts_only_its_own_key_evaluations(key_year):
    own = figures(key_year, user=key_year.filer)["key_evaluations"]  # U1 and its U1A
    assert own["count"] == 1
    assert own["projects"] == [{"code": "P1", "name": "项目P1"}]
    assert own["findings"] == {"决策": 2, "过程": 0, "产出": 1, "效益": 0}  # E1's only


def test_the_other_district_counts_its_own(key_year):
    other = figures(key_year, region=key_year.region_b)["key_evaluations"]
    assert other["count"] == 1 and other["special_kinds"] == []


def test_the_stats_api_answers_the_key_evaluations_in_the_contract_json(key_year, client):
    _t, key = ApiToken.objects.issue(key_year.performance)
    response = client.get(
        "/api/v1/stats?region=100101&year=2022", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["key_evaluations"] == EXPECTED
    assert body["special_kind_evaluations"]["count"] == 2
    assert as_json(figures(key_year))["key_evaluations"] == EXPECTED


# ── the summary ──────────────────────────────────────────────────────────────────────────────
def build(world, **extra) -> Document:
    data = summary_docx(
        user=RegionReader(world.region.path), region=world.region, year=2022, today=TODAY, **extra
    )
    return Document(io.BytesIO(data))


def body_text(doc) -> str:
    lines = []
    for paragraph in doc.paragraphs:
        if paragraph.text == "附件：数据明细":
            break
        lines.append(paragraph.text)
    return "\n".join(lines)


def test_section_one_names_the_projects_chosen_and_only_the_methods_used(key_year):
    text = body_text(build(key_year))
    assert (
        "同时委托第三方机构进行重点评价，选取了 3 个覆盖面广、影响力大、社会关注度高的项目进行"
        "事后评价：项目P1、项目P2、城区公交补贴政策。"
        "采用现场勘查、比对打分等方式对项目进行客观、综合的分析评价。"
        "对 1 个项目形成财政资金绩效综合评价报告，指出项目存在的问题，提出改进建议，"
        "并及时将报告反馈给项目实施单位及其主管预算部门。" in text
    )
    assert "公众测评" not in text  # no survey result exists


def test_no_method_is_claimed_before_any_record_shows_it(key_year):
    SiteVisit.objects.all().delete()
    ExpertScore.objects.all().delete()
    ReportDelivery.objects.all().delete()
    text = body_text(build(key_year))
    assert "进行事后评价：项目P1、项目P2、城区公交补贴政策。" in text
    assert "采用" not in text and "综合评价报告" not in text


def test_the_special_kinds_are_named_as_the_customer_names_them(key_year):
    text = body_text(build(key_year))
    assert (
        "2022 年选取了 2 个具有特色代表性的项目开展绩效评价，如项目P1（政府债务项目）、"
        "城区公交补贴政策（政府性基金项目）" in text
    )


def test_section_three_counts_the_key_findings_by_level_one_indicator(key_year):
    doc = build(key_year)
    text = body_text(doc)
    assert "重点评价发现的问题" in text
    assert (
        "2022 年 3 个项目的重点评价共发现问题 4 个，其中决策方面 2 个、过程方面 0 个、"
        "产出方面 1 个、效益方面 1 个。" in text
    )
    assert "未发现" not in text


def appendix_key_table(doc) -> tuple[list[str], list[list[str]]]:
    """The appendix's table of key evaluations: its header and its rows (cell texts)."""
    table = next(
        [[c.text for c in row.cells] for row in t.rows]
        for t in doc.tables
        if t.rows[0].cells[0].text == "项目编码" and "公众测评" in [c.text for c in t.rows[0].cells]
    )
    return table[0], table[1:]


def test_the_appendix_lists_the_key_evaluations_behind_every_figure(key_year):
    doc = build(key_year)
    texts = [p.text for p in doc.paragraphs]
    assert any(t.endswith("、重点评价项目（共 3 条）") for t in texts)
    header, rows = appendix_key_table(doc)
    assert [r[header.index("评价对象")] for r in rows] == [
        "项目P1重点评价",
        "项目P2重点评价",
        "城区公交补贴政策",
    ]
    assert [r[header.index("特殊类别")] for r in rows] == ["政府债务", "", "政府性基金"]
    assert [r[header.index("现场勘查")] for r in rows].count("是") == 1
    assert [r[header.index("比对打分")] for r in rows].count("是") == 2
    assert [r[header.index("公众测评")] for r in rows] == ["否", "否", "否"]
    assert [r[header.index("报告已送达")] for r in rows].count("是") == 1
    for level, n in EXPECTED["findings"].items():
        assert sum(int(r[header.index(f"{level}问题数")]) for r in rows) == n


def test_the_appendix_marks_public_surveys_where_an_opened_survey_has_a_valid_answer(key_year):
    """公众测评 in the appendix is what the summary's figure counts: E1's closed survey with valid
    answers says 是; E2's open survey with only an invalid answer and a draft survey of the
    policy with valid answers say 否 — so the column's 是 add up to `public_survey`."""
    counted = KeyEvaluation.objects.filter(year=2022, region=key_year.region)
    survey_of(counted.get(project__code="P1"), status=SurveyStatus.CLOSED, valid=2, invalid=1)
    survey_of(counted.get(project__code="P2"), status=SurveyStatus.OPEN, invalid=1)
    survey_of(counted.get(subject="城区公交补贴政策"), status=SurveyStatus.DRAFT, valid=2)
    header, rows = appendix_key_table(build(key_year))
    surveyed = {r[header.index("评价对象")]: r[header.index("公众测评")] for r in rows}
    assert surveyed == {"项目P1重点评价": "是", "项目P2重点评价": "否", "城区公交补贴政策": "否"}
    assert figures(key_year)["key_evaluations"]["methods"]["public_survey"] == 1
