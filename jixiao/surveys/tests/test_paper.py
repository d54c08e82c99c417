"""Paper questionnaires: entered by hand one at a time or imported from the template workbook,
marked paper with who entered them, judged valid except for the time rule, never entered twice,
and a file with one bad cell refused at its sheet, row and column with nothing written."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.core.models import AuditLog
from jixiao.surveys.models import Response, SurveyStatus

from .test_results import make_survey

pytestmark = pytest.mark.django_db


def _questions(survey) -> dict:
    return {q.order: q for q in survey.questions.all()}


def _form(survey, number="P-001", **answers) -> dict:
    q = _questions(survey)
    data = {"number": number, "filled_on": "2022-05-20"}
    data[f"q{q[1].pk}"] = answers.get("group", "居民")
    if answers.get("level"):
        data[f"q{q[2].pk}"] = answers["level"]
    data[f"q{q[3].pk}"] = answers.get("sources", ["学校", "社区"])
    data[f"q{q[5].pk}"] = answers.get("text", "希望多开展活动")
    return data


def test_a_paper_questionnaire_entered_by_hand_is_marked_paper_with_who_entered_it(
    world, client_for
):
    survey = make_survey(world)
    client = client_for("performance")
    page = client.post(f"/surveys/{survey.pk}/paper/", _form(survey, level="满意"))
    assert page.status_code == 302
    (response,) = Response.objects.filter(survey=survey)
    assert response.paper and response.entered_by == world.performance
    assert response.seconds is None  # not timed, so never too fast
    assert (response.valid, response.group) == (True, "居民")
    assert response.submitted_at.date().isoformat() == "2022-05-20"
    chosen = {a.question.order: a.choices for a in response.answers.all()}
    assert chosen[2] == ["满意"] and chosen[3] == ["学校", "社区"]
    entry = AuditLog.objects.filter(object_id=str(survey.pk), actor=world.performance).last()
    assert entry.after == {"paper": ["P-001"]}


def test_a_paper_questionnaire_with_a_required_question_empty_is_kept_invalid(world, client_for):
    survey = make_survey(world)
    client_for("performance").post(f"/surveys/{survey.pk}/paper/", _form(survey, level=""))
    (response,) = Response.objects.filter(survey=survey)
    assert (response.valid, response.invalid_reason) == (False, "required")


def test_the_same_paper_number_is_not_entered_twice(world, client_for):
    survey = make_survey(world)
    client = client_for("performance")
    client.post(f"/surveys/{survey.pk}/paper/", _form(survey, level="满意"))
    again = client.post(f"/surveys/{survey.pk}/paper/", _form(survey, level="很满意"))
    assert again.status_code == 400
    assert "P-001" in again.content.decode() and "已经录入过" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_paper_entry_is_refused_on_a_closed_survey_and_404_for_another_unit(world, client_for):
    survey = make_survey(world, status=SurveyStatus.CLOSED)
    page = client_for("performance").post(
        f"/surveys/{survey.pk}/paper/", _form(survey, level="满意")
    )
    assert page.status_code == 302
    assert not Response.objects.filter(survey=survey).exists()
    assert client_for("other").get(f"/surveys/{survey.pk}/paper/import/").status_code == 404


def _template(client, survey):
    response = client.get(f"/surveys/{survey.pk}/paper/import/?template=1")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _upload(client, survey, book):
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("paper.xlsx", buffer.getvalue())
    return client.post(f"/surveys/{survey.pk}/paper/import/", {"file": upload})


def test_template_has_one_column_per_question(world, client_for):
    survey = make_survey(world)
    ws = _template(client_for("performance"), survey).active
    headers = [c.value for c in ws[2]]
    assert headers == ["问卷编号", "填写日期"] + [
        f"{q.order}. {q.text}" for q in survey.questions.all()
    ]


def test_import_of_a_filled_template_stores_every_questionnaire(world, client_for):
    survey = make_survey(world)
    client = client_for("performance")
    book = _template(client, survey)
    ws = book.active
    ws.append(["A1", "2022-05-20", "学生家长", "很满意", "学校、网络", 2, "希望<b>加强</b>宣传"])
    ws.append(["A2", None, "教师", "满意", None, None, None])
    ws.append(["A3", None, "教师", None, None, None, None])  # required scale left empty
    assert _upload(client, survey, book).status_code == 302
    stored = {r.respondent: r for r in Response.objects.filter(survey=survey)}
    assert set(stored) == {"paper:A1", "paper:A2", "paper:A3"}
    assert all(r.paper and r.entered_by == world.performance for r in stored.values())
    assert stored["paper:A3"].invalid_reason == "required"
    first = {a.question.order: a for a in stored["paper:A1"].answers.all()}
    assert first[3].choices == ["学校", "网络"]
    assert first[4].number == 2
    assert first[5].text == "希望<b>加强</b>宣传"


def test_import_with_a_bad_cell_is_refused_at_its_row_and_column_and_writes_nothing(
    world, client_for
):
    survey = make_survey(world)
    client = client_for("performance")
    book = _template(client, survey)
    ws = book.active
    ws.append(["B1", None, "教师", "满意", None, None, None])
    ws.append(["B2", None, "教师", "非常好", None, None, None])
    ws.append(["B3", None, "教师", "满意", None, "三个", None])
    page = _upload(client, survey, book)
    assert page.status_code == 400
    problems = page.context["problems"]
    located = {(p.sheet, p.row, p.column) for p in problems}
    assert located == {("纸质问卷", 4, "D"), ("纸质问卷", 5, "F")}
    assert "非常好" in page.content.decode()
    assert not Response.objects.filter(survey=survey).exists()


def test_import_refuses_numbers_already_entered_or_repeated_in_the_file(world, client_for):
    survey = make_survey(world)
    client = client_for("performance")
    client.post(f"/surveys/{survey.pk}/paper/", _form(survey, number="C1", level="满意"))
    book = _template(client, survey)
    ws = book.active
    ws.append(["C1", None, "教师", "满意", None, None, None])
    ws.append(["C2", None, "教师", "满意", None, None, None])
    ws.append(["C2", None, "教师", "满意", None, None, None])
    page = _upload(client, survey, book)
    assert page.status_code == 400
    rows = sorted((p.row, p.column) for p in page.context["problems"])
    assert rows == [(3, "A"), (5, "A")]
    assert Response.objects.filter(survey=survey).count() == 1
