"""`jixiao export key-evaluations --region R --year Y --format xlsx|json -o FILE`: the work
year's key evaluations of the region, through the exporter registry, audited, and without the
experts' raw scores."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from jixiao.core.models import AuditLog
from jixiao.evaluations.key.models import (
    Agency,
    Expert,
    ExpertScore,
    KeyEvaluation,
    KeyStatus,
    PanelMember,
)
from jixiao.evaluations.key.services import evaluation_create

INDICATORS = [
    {"level1": "决策", "level2": "项目立项", "level3": "立项依据充分性", "weight": "15"},
    {"level1": "效益", "level2": "项目效益", "level3": "满意度", "weight": "85"},
]


def export(path, fmt="xlsx", region="100101", year="2022"):
    call_command(
        "export",
        "key-evaluations",
        "--region",
        region,
        "--year",
        year,
        "--format",
        fmt,
        "-o",
        str(path),
        stdout=io.StringIO(),
    )


@pytest.fixture
def evaluations(world):
    agency = Agency.objects.create(region=world.region, name="甲区绩效评价事务所", credit_code="A1")
    made = []
    for unit, project, special in (("U1", "P1", "政府债务"), ("U2", "P2", "")):
        evaluation = evaluation_create(
            indicators=INDICATORS,
            region=world.region,
            year=2022,
            subject=f"项目{project}重点评价",
            kind="project",
            special_kind=special,
            unit=world.units[unit],
            project=world.projects[project],
            agency=agency,
        )
        made.append(evaluation)
    KeyEvaluation.objects.filter(pk=made[0].pk).update(
        status=KeyStatus.ARCHIVED, score=Decimal("88.456"), grade="良", amount=Decimal("120.5")
    )
    expert = Expert.objects.create(region=world.region, name="张专家")
    member = PanelMember.objects.create(panel=made[0].panel, expert=expert)
    ExpertScore.objects.create(
        member=member, indicator=made[0].panel.indicators.first(), score=Decimal("13.25")
    )
    evaluation_create(  # another district's: not in the file
        indicators=INDICATORS,
        region=world.region_b,
        year=2022,
        subject="乙区项目重点评价",
        kind="project",
        unit=world.units["UB"],
    )
    return made


def test_the_xlsx_has_a_header_row_and_one_row_per_evaluation_of_the_region(
    world, tmp_path, evaluations
):
    path = tmp_path / "key.xlsx"
    export(path)
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "重点评价"
    assert "甲区 2022 年度重点评价" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:4] == ["评价年度", "评价对象", "项目编码", "项目名称"]
    rows = {
        r[2]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)
    }
    assert set(rows) == {"P1", "P2"}
    p1 = rows["P1"]
    assert p1["被评价单位"] == "甲区教育局"
    assert p1["评价类型"] == "项目"
    assert p1["特殊类别"] == "政府债务"
    assert p1["第三方机构"] == "甲区绩效评价事务所"
    assert p1["评审专家"] == "张专家"
    assert p1["状态"] == "已归档"
    assert p1["评价得分"] == pytest.approx(88.46, abs=0.005)
    assert p1["评价等级"] == "良"
    assert rows["P2"]["评价得分"] is None


def test_the_json_is_the_api_object_with_the_panel_results_and_no_raw_scores(
    world, tmp_path, evaluations
):
    path = tmp_path / "key.json"
    export(path, "json")
    items = {i["project"]["code"]: i for i in json.loads(path.read_text(encoding="utf-8"))}
    assert set(items) == {"P1", "P2"}
    p1 = items["P1"]
    assert p1["special_kind"] == "政府债务"
    assert p1["score"] == "88.46"
    assert p1["amount"] == "120.500000"
    assert p1["experts"] == [{"id": p1["experts"][0]["id"], "name": "张专家"}]
    assert [i["level3"] for i in p1["indicators"]] == ["立项依据充分性", "满意度"]
    assert "expert_scores" not in p1
    assert "13.25" not in path.read_text(encoding="utf-8")
    assert items["P2"]["special_kind"] is None


def test_the_export_is_audited_with_its_row_count(world, tmp_path, evaluations):
    export(tmp_path / "key.xlsx")
    (entry,) = AuditLog.objects.filter(action="export", object_type="key-evaluations")
    assert entry.region_code == "100101"
    assert "2 行" in entry.message


def test_another_year_exports_an_empty_list(world, tmp_path, evaluations):
    path = tmp_path / "key.json"
    export(path, "json", year="2021")
    assert json.loads(path.read_text(encoding="utf-8")) == []
