"""The unit assessment's pages, files, API and export, with scope (`other` answers 404)."""

from __future__ import annotations

import io
import json
from decimal import Decimal as D

import openpyxl
import pytest
from docx import Document

from jixiao.core.exports import EXPORTERS
from jixiao.core.models import AuditLog
from jixiao.results.assessment_service import assessments_compute
from jixiao.results.models import AssessmentAdjustment, Disclosure, UnitAssessment
from jixiao.shell.work import SESSION_REGION, SESSION_YEAR

from .assessment_world import EXPECTED_TOTAL, TODAY, YEAR, build

pytestmark = pytest.mark.django_db

LIST = "/unit-assessments/"


@pytest.fixture
def assessed(world):
    made = build(world)
    assessments_compute(actor=world.performance, region=world.region, year=YEAR, today=TODAY)
    made["u1"] = UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR)
    made["u2"] = UnitAssessment.objects.get(unit=world.units["U2"], year=YEAR)
    return made


@pytest.fixture
def working(client_for, world):
    def make(username):
        client = client_for(username)
        session = client.session
        session[SESSION_REGION] = world.region.pk
        session[SESSION_YEAR] = YEAR
        session.save()
        return client

    return make


def test_the_performance_office_computes_from_the_page(world, working):
    build(world)
    response = working("performance").post(f"{LIST}compute/")
    assert response.status_code == 302
    assert UnitAssessment.objects.filter(year=YEAR).count() == 2


def test_others_may_not_compute(world, working):
    build(world)
    working("budget").post(f"{LIST}compute/")
    assert not UnitAssessment.objects.exists()


def test_ranking_page_shows_every_unit_with_a_bar_chart_for_the_bureau(world, working, assessed):
    page = working("performance").get(LIST).content.decode()
    assert "甲区教育局" in page and "甲区城管局" in page
    assert "<svg" in page and "<rect" in page
    assert str(EXPECTED_TOTAL) in page
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]


def test_a_unit_sees_only_its_own_row_until_the_ranking_is_published(world, working, assessed):
    page = working("filer").get(LIST).content.decode()
    assert "甲区教育局" in page and "甲区城管局" not in page
    page = working("other").get(LIST).content.decode()
    assert "甲区城管局" in page and "甲区教育局" not in page


def test_a_published_ranking_lists_every_unit_but_opens_only_its_own(world, working, assessed):
    Disclosure.objects.create(
        region=world.region,
        year=YEAR,
        kind="unit_ranking",
        subject="2022年度部门考核排名",
        status="published",
    )
    client = working("other")
    page = client.get(LIST).content.decode()
    assert "甲区教育局" in page
    assert f"{LIST}{assessed['u1'].pk}/" not in page
    assert client.get(f"{LIST}{assessed['u1'].pk}/").status_code == 404


def test_unit_page_shows_each_part_its_explanation_and_its_records(world, working, assessed):
    page = working("filer").get(f"{LIST}{assessed['u1'].pk}/").content.decode()
    assert "应处置预警2个，按期处置1个" in page
    assert f"/alerts/{assessed['a2'].pk}/" in page
    assert f"/targets/{assessed['t1'].pk}/" in page


@pytest.mark.parametrize("suffix", ["", "adjust/", "report.docx"])
def test_another_units_assessment_answers_404(world, working, assessed, suffix):
    assert working("other").get(f"{LIST}{assessed['u1'].pk}/{suffix}").status_code == 404


def test_adjustment_form_adds_a_documented_adjustment_and_reranks(world, working, assessed):
    client = working("performance")
    response = client.post(
        f"{LIST}{assessed['u1'].pk}/adjust/",
        {"points": "2.5", "reason": "试点工作成效显著", "document_number": "甲财绩〔2023〕2号"},
    )
    assert response.status_code == 302
    assessed["u1"].refresh_from_db()
    assert assessed["u1"].score == EXPECTED_TOTAL + D("2.5")
    assert AssessmentAdjustment.objects.get().document_number == "甲财绩〔2023〕2号"


def test_adjustment_without_a_document_is_refused_at_its_field(world, working, assessed):
    client = working("performance")
    response = client.post(
        f"{LIST}{assessed['u1'].pk}/adjust/",
        {"points": "2", "reason": "理由", "document_number": ""},
    )
    assert response.status_code == 200
    assert "document_number" in response.context["form"].errors
    assert not AssessmentAdjustment.objects.exists()


def test_the_budget_office_may_not_adjust(world, working, assessed):
    assert working("budget").get(f"{LIST}{assessed['u1'].pk}/adjust/").status_code == 403


def test_ranking_xlsx_is_the_official_table_and_its_download_is_audited(world, working, assessed):
    before = AuditLog.objects.filter(action="export").count()
    response = working("performance").get(f"{LIST}?export=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "甲区2022年度部门预算绩效管理工作考核结果"
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["单位编码", "单位名称", "目标质量（25分）"]
    assert headers[-4:] == ["计算得分", "调整", "总分", "排名"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["U2"][-2:] == (100, 1)
    assert D(str(rows["U1"][2])) == D("18.13")
    assert D(str(rows["U1"][-2])) == EXPECTED_TOTAL
    assert AuditLog.objects.filter(action="export").count() == before + 1


def test_unit_report_docx_has_the_parts_explanations_score_and_rank(world, working, assessed):
    response = working("filer").get(f"{LIST}{assessed['u1'].pk}/report.docx")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "甲区教育局2022年度预算绩效管理工作考核情况" in text
    assert f"考核得分{EXPECTED_TOTAL}分" in text and "排名第2位（共2个单位）" in text
    assert "应处置预警2个，按期处置1个" in cells and "18.13" in cells


def test_api_lists_with_the_contract_fields_and_parts(world, client_for, assessed):
    answer = client_for("performance").get(f"/api/v1/unit-assessments?year={YEAR}").json()
    assert answer["count"] == 2
    first = answer["items"][0]
    assert (first["unit"]["code"], first["year"], first["score"], first["rank"]) == (
        "U2",
        YEAR,
        "100.00",
        1,
    )
    u1 = client_for("performance").get(f"/api/v1/unit-assessments/{assessed['u1'].pk}").json()
    assert u1["score"] == str(EXPECTED_TOTAL)
    monitoring = next(p for p in u1["parts"] if p["key"] == "monitoring")
    assert {"model": "monitoring.Alert", "id": assessed["a2"].pk, "ok": False}.items() <= next(
        r for r in monitoring["records"] if r["id"] == assessed["a2"].pk
    ).items()


def test_api_scope_other_sees_only_its_unit_and_404_for_another(world, client_for, assessed):
    client = client_for("other")
    answer = client.get("/api/v1/unit-assessments").json()
    assert [i["unit"]["code"] for i in answer["items"]] == ["U2"]
    assert client.get(f"/api/v1/unit-assessments/{assessed['u1'].pk}").status_code == 404


def test_export_command_writes_the_ranking_as_json(world, assessed):
    data = json.loads(EXPORTERS["unit-assessments"](world.budget, world.region, YEAR, "json"))
    assert [(i["unit"]["code"], i["rank"]) for i in data] == [("U2", 1), ("U1", 2)]


def test_the_unit_page_names_each_record_by_its_project_not_its_number(world, working, assessed):
    target, alert = assessed["t1"], assessed["a2"]
    page = working("filer").get(f"{LIST}{assessed['u1'].pk}/").content.decode()
    assert f"绩效目标：{target.year} {target.project.name} v{target.version}</a>" in page
    assert f"{alert.code} {alert.project.name}</a>" in page
    assert f"#{target.pk}</a>" not in page


def test_a_record_beyond_the_readers_scope_keeps_its_kind_and_number_only(world, assessed):
    from jixiao.results.views_assessment import _record_titles

    target = assessed["t1"]
    parts = [{"records": [{"model": "targets.Target", "id": target.pk, "url": "", "ok": True}]}]
    assert _record_titles(world.users["filer"], parts) == {
        ("targets.Target", target.pk): f"{target.year} {target.project.name} v{target.version}"
    }
    assert _record_titles(world.users["other"], parts) == {}


def test_a_key_evaluation_record_is_named_by_its_year_and_subject(world):
    from jixiao.evaluations.key.models import KeyStatus
    from jixiao.evaluations.tests.test_key_work import make_evaluation
    from jixiao.results.views_assessment import _record_titles

    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    parts = [{"records": [{"model": "evaluations.KeyEvaluation", "id": evaluation.pk}]}]
    assert _record_titles(world.users["performance"], parts) == {
        ("evaluations.KeyEvaluation", evaluation.pk): "2022 老旧小区改造项目重点评价"
    }
