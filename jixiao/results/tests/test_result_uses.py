"""How each result was used (结果应用登记, `results.result_uses`): the service, the list page and
its form, the download, the figures, the summary's sentence and the project page's panel.

甲区's work year 2022 (the personas' work year). Its results, built by `results`:
- S1: the confirmed self-evaluation of U1's 2021 project Q1 (graded 差) — a result of 2022;
- S2: U2's confirmed self-evaluation of Q2 (2021) — a result of 2022, U2's (the `other` user's);
- S3: a draft self-evaluation of U1's Q3 (2021) — not a result;
- UE: the confirmed whole-unit evaluation of U1 for 2021 — a result of 2022;
- K1: the archived key evaluation of 2022 of U1's project Q1 — a result of 2022.
乙区 holds SB, a confirmed self-evaluation of UB, never counted for 甲区.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.budgets.models import FiscalYear, Project
from jixiao.core.models import AuditLog
from jixiao.core.scope import RegionReader
from jixiao.evaluations.key.services import evaluation_create
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation, UnitEvaluation
from jixiao.results.figures import results_figures
from jixiao.results.models import ResultUse
from jixiao.results.result_uses import result_use_save, results_of_year

pytestmark = pytest.mark.django_db


def selfeval(world, code, unit, *, region=None, status=EvaluationStatus.CONFIRMED, grade="差"):
    region = region or world.region
    project = Project.objects.create(
        region=region, year=2021, code=code, name=f"项目{code}", unit=world.units[unit],
        full_current=Decimal("50"),
    )  # fmt: skip
    return SelfEvaluation.objects.create(
        region=region, year=2021, unit=project.unit, project=project, status=status, grade=grade
    )


@pytest.fixture
def results(world):
    FiscalYear.objects.filter(year__gt=2022).delete()  # 2022 is the personas' work year
    s1 = selfeval(world, "Q1", "U1")
    key = evaluation_create(
        indicators=[], region=world.region, year=2022, subject="Q1 重点评价", kind="project",
        unit=world.units["U1"], project=s1.project,
    )  # fmt: skip
    key.status = "archived"
    key.grade = "良"
    key.save()
    return {
        "S1": s1,
        "S2": selfeval(world, "Q2", "U2"),
        "S3": selfeval(world, "Q3", "U1", status=EvaluationStatus.DRAFT),
        "SB": selfeval(world, "QB", "UB", region=world.region_b),
        "UE": UnitEvaluation.objects.create(
            region=world.region, year=2021, unit=world.units["U1"], status="confirmed", grade="良"
        ),
        "K1": key,
    }


def kinds_and_pks(rows):
    return sorted((r.kind, r.result.pk) for r in rows)


# ── the service ─────────────────────────────────────────────────────────────────────────────


def test_the_years_results_are_the_confirmed_evaluations_and_the_archived_key_ones(world, results):
    rows = results_of_year(RegionReader(world.region.path), world.region, 2022)
    expected = [
        ("key_evaluation", results["K1"].pk),
        ("selfeval", results["S1"].pk),
        ("selfeval", results["S2"].pk),
        ("unit_evaluation", results["UE"].pk),
    ]
    assert kinds_and_pks(rows) == sorted(expected)
    assert all(r.use is None for r in rows)
    # a unit's people see their own unit's results only
    assert kinds_and_pks(results_of_year(world.other, world.region, 2022)) == [
        ("selfeval", results["S2"].pk)
    ]


def test_saving_records_the_uses_once_per_result_and_is_audited(world, results):
    s1 = results["S1"]
    use = result_use_save(actor=world.performance, result=s1, fed_back=True, instruction=" 阅 ")
    again = result_use_save(actor=world.performance, result=s1, tied_to_budget=True)
    assert again.pk == use.pk
    assert ResultUse.objects.filter(selfeval=s1).count() == 1
    again.refresh_from_db()
    assert (again.fed_back, again.tied_to_budget, again.instruction) == (True, True, "阅")
    assert (again.year, again.unit, again.region) == (2022, world.units["U1"], world.region)
    assert again.updated_by == world.performance
    assert AuditLog.objects.filter(object_type="results.resultuse", object_id=str(use.pk)).exists()


def test_the_business_office_records_its_units_self_evaluations_only(world, results):
    result_use_save(actor=world.business, result=results["S1"], fed_back=True)
    with pytest.raises(PermissionDenied):
        result_use_save(actor=world.business, result=results["K1"], fed_back=True)
    for who in ("filer", "leader", "budget", "auditor", "other"):
        with pytest.raises(PermissionDenied):
            result_use_save(actor=world.users[who], result=results["S1"], fed_back=True)


def test_a_draft_or_a_wrong_value_is_refused_and_writes_nothing(world, results):
    with pytest.raises(ValidationError):
        result_use_save(actor=world.performance, result=results["S3"], fed_back=True)
    with pytest.raises(ValidationError):
        result_use_save(actor=world.performance, result=results["S1"], fed_back="yes")
    with pytest.raises(ValidationError):
        result_use_save(actor=world.performance, result=results["S1"], unknown=True)
    with pytest.raises(PermissionDenied):  # 乙区's result is out of 甲区's office's scope
        result_use_save(actor=world.performance, result=results["SB"], fed_back=True)
    assert not ResultUse.objects.exists()


# ── the figures and the summary ─────────────────────────────────────────────────────────────


def test_the_uses_figures_count_by_hand(world, results):
    perf = world.performance
    result_use_save(actor=perf, result=results["S1"], fed_back=True, tied_to_budget=True)
    result_use_save(
        actor=perf, result=results["K1"], fed_back=True, reported_to_government=True,
        reported_to_congress=True, instruction="请抓紧整改",
    )  # fmt: skip
    result_use_save(actor=perf, result=results["UE"], policy_adjusted=True)
    figures = results_figures(world.region, 2022, user=None)
    # 4 results (S1, S2, UE, K1); 3 recorded; fed back S1, K1; budget S1; policy UE;
    # government K1; 人大 K1; one instruction (K1)
    assert figures["uses"] == {
        "results": 4, "recorded": 3, "fed_back": 2, "tied_to_budget": 1, "policy_adjusted": 1,
        "reported_to_government": 1, "reported_to_congress": 1, "instructions": 1,
    }  # fmt: skip
    own = results_figures(world.region, 2022, user=world.other)["uses"]
    assert (own["results"], own["recorded"]) == (1, 0)  # S2 only


def summary_text(world) -> str:
    import datetime

    from docx import Document

    from jixiao.reports.summary import summary_docx

    data = summary_docx(
        user=RegionReader(world.region.path), region=world.region, year=2022,
        today=datetime.date(2022, 9, 1),
    )  # fmt: skip
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_the_summary_says_how_the_results_were_used_once_recorded(world, results):
    assert "反馈被评价单位" not in summary_text(world)
    for key in ("S1", "S2", "UE", "K1"):
        result_use_save(actor=world.performance, result=results[key], fed_back=True)
    result_use_save(
        actor=world.performance, result=results["K1"], tied_to_budget=True,
        reported_to_government=True,
    )  # fmt: skip
    text = summary_text(world)
    assert "评价结果已全部反馈被评价单位，与预算安排挂钩 1 项，报送本级政府 1 项。" in text


# ── the pages ───────────────────────────────────────────────────────────────────────────────


def test_the_list_shows_the_results_and_the_form_records_a_row(world, results, client_for):
    client = client_for("performance")
    page = client.get("/result-uses/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "项目Q1" in html and "Q1 重点评价" in html and "项目Q3" not in html
    key = results["K1"].pk
    response = client.post(
        f"/result-uses/key_evaluation/{key}/",
        {
            f"key_evaluation-{key}-fed_back": "on",
            f"key_evaluation-{key}-reported_to_congress": "on",
            f"key_evaluation-{key}-instruction": "同意",
            "back": "/result-uses/?missing=1",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/result-uses/?missing=1"
    use = ResultUse.objects.get(key_evaluation=results["K1"])
    assert (use.fed_back, use.reported_to_congress, use.tied_to_budget) == (True, True, False)
    assert use.instruction == "同意"
    missing = client.get("/result-uses/?missing=1").content.decode()
    assert ">Q1 重点评价</a>" not in missing and "项目Q1</a>" in missing
    only_keys = client.get("/result-uses/?kind=key_evaluation").content.decode()
    assert "项目Q1</a>" not in only_keys and ">Q1 重点评价</a>" in only_keys


def test_saving_is_refused_to_others_and_out_of_scope_is_404(world, results, client_for):
    s1 = results["S1"].pk
    data = {f"selfeval-{s1}-fed_back": "on"}
    assert client_for("filer").post(f"/result-uses/selfeval/{s1}/", data).status_code == 403
    assert client_for("auditor").post(f"/result-uses/selfeval/{s1}/", data).status_code == 403
    assert client_for("other").post(f"/result-uses/selfeval/{s1}/", data).status_code == 404
    assert client_for("other_region").post(f"/result-uses/selfeval/{s1}/", data).status_code == 404
    assert client_for("performance").post(f"/result-uses/nothing/{s1}/", data).status_code == 404
    assert not ResultUse.objects.exists()
    # the `other` user's list shows its own unit's result only
    html = client_for("other").get("/result-uses/").content.decode()
    assert "项目Q2" in html and "项目Q1" not in html


def test_the_download_lists_the_rows_and_is_audited(world, results, client_for):
    result_use_save(actor=world.performance, result=results["S1"], fed_back=True, note="已函告")
    response = client_for("performance").get("/result-uses/?export=xlsx&kind=selfeval")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    subjects = [row[3] for row in values]
    assert "Q1 项目Q1" in subjects and "Q2 项目Q2" in subjects
    q1 = next(row for row in values if row[3] == "Q1 项目Q1")
    assert q1[5] == "是" and q1[6] in ("", None) and q1[-1] == "已函告"
    assert AuditLog.objects.filter(action="export", object_type="result-uses").exists()
    other = client_for("other").get("/result-uses/?export=xlsx")
    subjects = [
        row[3]
        for row in openpyxl.load_workbook(io.BytesIO(other.content)).active.iter_rows(
            values_only=True
        )
    ]  # noqa: E501
    assert "Q1 项目Q1" not in subjects


def test_the_project_page_shows_its_results_and_their_use(world, results, client_for):
    result_use_save(
        actor=world.performance, result=results["K1"], reported_to_government=True,
        instruction="请财政局跟踪",
    )  # fmt: skip
    project = results["S1"].project
    html = client_for("filer").get(f"/projects/{project.pk}/").content.decode()
    assert "结果应用情况" in html
    assert "报送本级政府" in html and "请财政局跟踪" in html
    assert "尚未登记应用情况" in html  # S1 itself, not yet recorded
    assert client_for("other").get(f"/projects/{project.pk}/").status_code == 404
