"""Importing an agency's score table on the evaluation page (key-score-import): a bad file is
refused with its sheet, row and column and nothing is written; a good one shows the recomputed
total, the grade and each K check once, and is kept as the agency's stated table (an attachment
of kind report, with the check in the audit log) without touching the experts' scores."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.core.models import Attachment, AuditLog
from jixiao.evaluations.key.models import PanelIndicator

from .test_key_report import build_evaluation

HEADER = ["一级指标", "二级指标", "三级指标", "分值", "得分"]
GOOD = [
    ["决策", "项目立项", "立项依据充分性", 15, 12],
    ["过程", "资金管理", "预算执行率", 25, 25],
    ["产出", "产出数量", "实际完成率", 30, 28.5],
    ["效益", "满意度", "满意度", 30, 27],
]


@pytest.fixture
def evaluation(world):
    return build_evaluation(world)


def workbook(rows, *, total=None, grade=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "评分表"
    sheet.append(["教师培训专项绩效评价评分表"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if total is not None:
        sheet.append(["合计", None, None, 100, total])
    if grade is not None:
        sheet.append(["等级", grade])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, evaluation, name: str, data: bytes):
    url = f"/key-evaluations/{evaluation.pk}/score-table/"
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def _nothing_written(evaluation, before_audit: int) -> None:
    assert not Attachment.objects.filter(object_id=evaluation.pk, kind="report").exists()
    assert AuditLog.objects.filter(message__contains="第三方机构评分表").count() == before_audit


@pytest.mark.parametrize(
    "rows, row, column",
    [
        ([GOOD[0], ["过程", "资金管理", "预算执行率", 25, "良好"], *GOOD[2:]], 4, "E"),
        ([GOOD[0], GOOD[1], ["产出", "产出数量", "实际完成率", 30, 35], GOOD[3]], 5, "E"),
    ],
    ids=["text-in-a-score", "score-above-weight"],
)
def test_a_bad_workbook_is_refused_at_its_row_and_column_and_nothing_is_written(
    world, evaluation, client_for, rows, row, column
):
    response = upload(client_for("agency"), evaluation, "评分表.xlsx", workbook(rows))
    assert response.status_code == 400
    problems = [str(p) for p in response.context["problems"]]
    assert any(f"第 {row} 行" in p and f"{column} 列" in p for p in problems), problems
    assert all("评分表" in p for p in problems)  # the sheet is named
    _nothing_written(evaluation, 0)


def test_a_workbook_missing_a_level_is_refused_at_its_row(world, evaluation, client_for):
    # the merged level cells carry down: a level is missing only on the first row
    rows = [[None, "项目立项", "立项依据充分性", 15, 12], *GOOD[1:]]
    response = upload(client_for("agency"), evaluation, "评分表.xlsx", workbook(rows))
    assert response.status_code == 400
    problems = [str(p) for p in response.context["problems"]]
    assert any("第 3 行" in p and "A 列" in p for p in problems), problems
    _nothing_written(evaluation, 0)


def test_a_bad_json_table_is_refused_at_its_indicator_and_nothing_is_written(
    world, evaluation, client_for
):
    table = {
        "subject": "教师培训专项",
        "indicators": [
            {
                "level1": "决策",
                "level2": "",
                "level3": "立项依据充分性",
                "weight": "15",
                "score": "12",
            },
            {"level1": "过程", "level2": "", "level3": "预算执行率", "weight": "25", "score": "好"},
            {"level1": "", "level2": "", "level3": "实际完成率", "weight": "30", "score": "31"},
            {"level1": "效益", "level2": "", "level3": "满意度", "weight": "30", "score": "27"},
        ],
    }
    data = json.dumps(table, ensure_ascii=False).encode()
    response = upload(client_for("agency"), evaluation, "table.json", data)
    assert response.status_code == 400
    problems = [str(p) for p in response.context["problems"]]
    assert any("第 2 行" in p and "好" in p for p in problems), problems
    assert any("第 3 行" in p and "level1" in p for p in problems), problems
    assert any("第 3 行" in p and "31" in p for p in problems), problems
    _nothing_written(evaluation, 0)


def test_a_good_table_shows_total_grade_and_each_check_once_and_is_kept(
    world, evaluation, client_for
):
    before = {i.pk: (i.computed, i.agreed) for i in PanelIndicator.objects.all()}
    data = workbook(GOOD, total=90, grade="良")  # the scores sum to 92.5: K04 and K05
    response = upload(client_for("agency"), evaluation, "评分表.xlsx", data)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.total == Decimal("92.50") and result.grade == "优"
    codes = [c.code for c in result.checks]
    assert codes == ["K04", "K05"]
    page = response.content.decode()
    assert page.count("<b>K04</b>") == 1 and "92.50" in page
    kept = Attachment.objects.get(object_id=evaluation.pk, kind="report")
    assert kept.name == "评分表.xlsx" and "K04、K05" in kept.description
    entry = AuditLog.objects.get(message=kept.description)
    assert [c["code"] for c in entry.after["check"]["checks"]] == ["K04", "K05"]
    assert {i.pk: (i.computed, i.agreed) for i in PanelIndicator.objects.all()} == before


def test_a_good_json_table_is_kept_as_a_workbook(world, evaluation, client_for):
    table = {
        "subject": "教师培训专项",
        "indicators": [dict(zip(["level1", "level2", "level3", "weight", "score"],
                                [str(v) for v in row], strict=True)) for row in GOOD],
        "total": "92.50",
        "grade": "优",
    }  # fmt: skip
    data = json.dumps(table, ensure_ascii=False).encode()
    response = upload(client_for("performance"), evaluation, "table.json", data)
    assert response.status_code == 200 and response.context["result"].checks == ()
    kept = Attachment.objects.get(object_id=evaluation.pk, kind="report")
    assert kept.name == "table.xlsx" and "未发现问题" in kept.description


def test_the_unit_and_the_expert_may_not_import(world, evaluation, client_for):
    data = workbook(GOOD)
    for who in ("filer", "expert"):
        response = upload(client_for(who), evaluation, "评分表.xlsx", data)
        assert response.status_code == 302
    _nothing_written(evaluation, 0)
    assert upload(client_for("other"), evaluation, "评分表.xlsx", data).status_code == 404
