"""The survey's downloads: the raw answers (xlsx: one row per answer, answer times kept, no
address, typed text never a formula) and the results section (docx), both audited, and
`jixiao export surveys`."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from docx import Document

from jixiao.core.exports import EXPORTERS
from jixiao.core.models import AuditLog

from .test_results import SCRIPT, answer, fill, make_survey

pytestmark = pytest.mark.django_db

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-2+3", SCRIPT]


def _book(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_raw_answers_have_one_row_per_answer_and_no_address(world, client_for):
    survey = make_survey(world)
    fill(survey)
    response = client_for("performance").get(f"/surveys/{survey.pk}/results/answers.xlsx")
    assert response.status_code == 200
    ws = _book(response).active
    headers = [c.value for c in ws[2]]
    assert headers[:10] == [
        "序号",
        "提交时间",
        "作答用时（秒）",
        "渠道",
        "受访者类别",
        "方式",
        "录入人",
        "是否有效",
        "无效原因",
        "无效说明",
    ]
    assert headers[10:] == [f"{q.order}. {q.text}" for q in survey.questions.all()]
    assert not any("IP" in h or "地址" in h for h in headers)
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 12
    reasons = [r[8] for r in rows if r[7] == "无效"]
    assert sorted(reasons) == ["人工标记无效", "作答时间过短"]
    assert {r[5] for r in rows} == {"网上", "纸质"}
    assert all(r[1] is not None for r in rows)  # submitted time kept
    (entry,) = AuditLog.objects.filter(action="export", object_type="survey-answers")
    assert entry.after["rows"] == 12


def test_typed_text_is_never_a_formula_in_the_xlsx(world, client_for):
    survey = make_survey(world)
    for text in HOSTILE:
        answer(survey, group="居民", level="满意", text=text)
    response = client_for("performance").get(f"/surveys/{survey.pk}/results/answers.xlsx")
    ws = _book(response).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = [str(r[-1]) for r in ws.iter_rows(min_row=3, values_only=True)]
    for hostile in HOSTILE:
        assert any(t.endswith(hostile) for t in texts)
    assert SCRIPT in texts  # kept as the characters typed, not dropped


def test_results_section_docx_has_method_sample_rate_and_tables(world, client_for):
    survey = make_survey(world, population=60)
    fill(survey)
    response = client_for("performance").get(f"/surveys/{survey.pk}/results/section.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "公众满意度测评结果" in text
    assert "测评方法" in text and "样本情况" in text
    assert "有效问卷 10 份" in text
    assert "70.0%" in text and "95% 置信区间" in text
    assert "52" in text  # the sample needed for a population of 60
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "学生家长" in cells and "教师" in cells
    assert "很满意" in cells
    assert AuditLog.objects.filter(action="export", object_type="survey-results").exists()


def test_jixiao_export_surveys_lists_the_years_surveys_with_figures(world):
    survey = make_survey(world)
    fill(survey)
    from jixiao.core.scope import RegionReader

    reader = RegionReader(world.region.path)
    data = json.loads(EXPORTERS["surveys"](reader, world.region, 2022, "json"))
    (item,) = [i for i in data if i["id"] == survey.pk]
    assert (item["responses"], item["valid_responses"]) == (12, 10)
    assert item["satisfaction_rate"] == "0.7000"
    assert item["public_url"] == f"/survey/{survey.token}/"
    book = openpyxl.load_workbook(
        io.BytesIO(EXPORTERS["surveys"](reader, world.region, 2022, "xlsx"))
    )
    titles = [r[0] for r in book.active.iter_rows(min_row=3, values_only=True)]
    assert survey.title in titles


def test_jixiao_export_surveys_runs_from_the_command_line(world, tmp_path):
    """The app registers its exporter when it starts, so the CLI knows the kind."""
    from django.core.management import call_command

    survey = make_survey(world)
    fill(survey)
    out = tmp_path / "surveys.json"
    call_command(
        "export",
        *("surveys", "--region", world.region.code, "--year", "2022"),
        *("--format", "json", "-o", str(out)),
        stdout=io.StringIO(),
    )
    (item,) = [i for i in json.loads(out.read_text(encoding="utf-8")) if i["id"] == survey.pk]
    assert item["valid_responses"] == 10
