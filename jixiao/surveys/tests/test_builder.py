"""The survey builder: who builds a survey for which subject (the performance office any of its
region, the agency its assigned key evaluations, a unit's filer its own self-evaluation or
whole-unit evaluation), the copy of a question set, the questions edited while a draft, the
counting question required to open, channels, one-time codes and their audited printable list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jixiao.core.models import AuditLog
from jixiao.evaluations.services import selfeval_create, selfeval_save, unit_evaluation_save
from jixiao.evaluations.tests.test_key_work import make_evaluation, make_user
from jixiao.evaluations.tests.test_selfeval_flow import GOOD, rows
from jixiao.surveys import services
from jixiao.surveys.models import (
    Answer,
    InvalidReason,
    QuestionKind,
    Response,
    SubjectKind,
    SurveyStatus,
)
from jixiao.surveys.question_sets import QUESTION_SETS
from jixiao.targets.services import target_transition

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def selfeval(world, declare):
    return make_selfeval(world, declare)


def make_selfeval(world, declare):
    """U1's self-evaluation of P1 (2022), from its approved target; 居民满意度 (≥90%, weight
    10) has the actual 92%."""
    target = declare()
    for actor, name, more in (
        (world.filer, "complete", {}),
        (world.leader, "submit", {"attest": True}),
        (world.business, "pass", {"grades": GOOD}),
        (world.budget, "approve", {"grades": GOOD}),
    ):
        target = target_transition(actor=actor, target=target, name=name, **more)
    created = selfeval_create(actor=world.filer, project=world.projects["P1"])
    return selfeval_save(
        actor=world.filer,
        selfeval=created,
        executed={"current": "100", "carryover": "20.5"},
        goal_achieved="完成12个小区改造。",
        rows=rows(),
    )


def unit_evaluation(world):
    return unit_evaluation_save(
        actor=world.filer, unit=world.units["U1"], year=2022, values={}, judgements={}
    )


def answer(survey, n: int, level: str, *, valid: bool = True):
    """One stored online answer giving `level` to every counting scale question."""
    response = Response.objects.create(
        survey=survey,
        respondent=f"r{survey.pk}-{n}",
        submitted_at=timezone.now(),
        seconds=120,
        valid=valid,
        invalid_reason="" if valid else InvalidReason.TOO_FAST,
    )
    for question in survey.questions.filter(kind=QuestionKind.SCALE, counts=True):
        Answer.objects.create(response=response, question=question, choices=[level])
    return response


def test_the_office_builds_for_every_kind_of_subject_in_its_region(world, selfeval):
    evaluation = make_evaluation(world)
    for subject, kind in (
        (selfeval, SubjectKind.SELFEVAL),
        (evaluation, SubjectKind.KEY_EVALUATION),
        (unit_evaluation(world), SubjectKind.UNIT_EVALUATION),
    ):
        survey = services.survey_create(actor=world.performance, subject=subject, kind="health")
        assert survey.subject_kind == kind
        assert survey.status == SurveyStatus.DRAFT
        assert survey.unit == subject.unit
        assert survey.formula == "rate"


def test_a_survey_copies_its_question_set_and_names_the_subject(world, selfeval):
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="education")
    expected = QUESTION_SETS["education"]["questions"]
    assert [q.text for q in survey.questions.all()] == [q["text"] for q in expected]
    assert [q.counts for q in survey.questions.all()] == [q["counts"] for q in expected]
    assert selfeval.project.name in survey.title
    scale = survey.questions.filter(kind=QuestionKind.SCALE).first()
    assert scale.options == ["很满意", "满意", "基本满意", "不满意", "很不满意"]
    # a self-evaluation of 2022 is done, and surveyed, in 2023
    assert survey.year == 2023


def test_the_agency_builds_only_for_its_assigned_key_evaluation(world, selfeval):
    evaluation = make_evaluation(world)
    survey = services.survey_create(actor=world.agency, subject=evaluation, kind="urban")
    assert survey.key_evaluation == evaluation
    stranger = make_user(world, "agency_elsewhere", ["agency"])
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=stranger, subject=evaluation, kind="urban")
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=world.agency, subject=selfeval, kind="urban")


def test_a_filer_builds_for_the_own_unit_only_and_never_for_a_key_evaluation(world, selfeval):
    services.survey_create(actor=world.filer, subject=unit_evaluation(world), kind="unit")
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=world.other, subject=selfeval, kind="unit")
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=world.filer, subject=make_evaluation(world), kind="unit")
    # the business office reads but does not build
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=world.business, subject=selfeval, kind="unit")


def test_an_unknown_question_set_is_refused(world, selfeval):
    with pytest.raises(ValidationError):
        services.survey_create(actor=world.filer, subject=selfeval, kind="nope")


def test_new_page_from_the_subject_builds_the_survey(world, selfeval):
    url = reverse("survey-new") + f"?subject_kind=selfeval&subject={selfeval.pk}"
    client = login(world.filer)
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("survey-new"),
        {"subject_kind": "selfeval", "subject": selfeval.pk, "question_set": "education"},
    )
    survey = selfeval.surveys.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("survey-detail", args=[survey.pk])


def test_new_page_answers_404_for_a_subject_out_of_scope(world, selfeval):
    evaluation = make_evaluation(world)
    stranger = make_user(world, "agency_elsewhere", ["agency"])
    for user, kind, pk in (
        (world.other, "selfeval", selfeval.pk),
        (stranger, "key_evaluation", evaluation.pk),
        (world.expert, "selfeval", selfeval.pk),
    ):
        url = reverse("survey-new") + f"?subject_kind={kind}&subject={pk}"
        assert login(user).get(url).status_code == 404, user
        response = login(user).post(
            reverse("survey-new"), {"subject_kind": kind, "subject": pk, "question_set": "unit"}
        )
        assert response.status_code == 404, user
    assert not evaluation.surveys.exists() and not selfeval.surveys.exists()


def test_opening_without_a_counting_scale_question_is_refused(world, selfeval):
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    survey.questions.filter(counts=True).update(counts=False)
    with pytest.raises(ValidationError, match="计入满意度"):
        services.survey_open(actor=world.filer, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
    response = login(world.filer).post(reverse("survey-open", args=[survey.pk]), follow=True)
    assert "计入满意度" in response.content.decode()
    question = survey.questions.filter(kind=QuestionKind.SCALE).first()
    services.question_save(
        actor=world.filer,
        survey=survey,
        question=question,
        kind=QuestionKind.SCALE,
        text=question.text,
        counts=True,
    )
    assert services.survey_open(actor=world.filer, survey=survey).status == SurveyStatus.OPEN


def test_questions_change_only_while_a_draft_and_only_scale_questions_count(world, selfeval):
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    with pytest.raises(ValidationError, match="量表"):
        services.question_save(
            actor=world.filer,
            survey=survey,
            question=None,
            kind=QuestionKind.SINGLE,
            text="您是否去过？",
            options=["是", "否"],
            counts=True,
        )
    client = login(world.filer)
    response = client.post(
        reverse("survey-question-new", args=[survey.pk]),
        {"kind": "single", "text": "您是否去过服务大厅？", "options": "是\n否", "required": "on"},
    )
    assert response.status_code == 302
    added = survey.questions.order_by("-order").first()
    assert (added.text, added.options) == ("您是否去过服务大厅？", ["是", "否"])
    client.post(reverse("survey-question-move", args=[survey.pk, added.pk]), {"direction": "up"})
    texts = list(survey.questions.values_list("text", flat=True))
    assert texts[-2] == "您是否去过服务大厅？"
    client.post(reverse("survey-question-remove", args=[survey.pk, added.pk]))
    assert not survey.questions.filter(pk=added.pk).exists()
    services.survey_open(actor=world.filer, survey=survey)
    with pytest.raises(ValidationError):
        services.question_remove(
            actor=world.filer, survey=survey, question=survey.questions.first()
        )


def test_edit_page_saves_the_facts(world, selfeval):
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    client = login(world.filer)
    question = survey.questions.first()
    assert question.text in client.get(reverse("survey-edit", args=[survey.pk])).content.decode()
    edit = client.get(reverse("survey-question-edit", args=[survey.pk, question.pk]))
    assert question.text in edit.content.decode()
    response = login(world.filer).post(
        reverse("survey-edit", args=[survey.pk]),
        {
            "title": "居民满意度调查",
            "intro": "请如实作答",
            "opens_at": "2023-03-01T08:00",
            "closes_at": "2023-03-31T18:00",
            "population": "1200",
            "target_sample": "292",
            "needs_code": "on",
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.population, survey.target_sample, survey.needs_code) == (
        "居民满意度调查",
        1200,
        292,
        True,
    )


def test_channels_and_one_time_codes(world, selfeval):
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    client = login(world.filer)
    client.post(reverse("survey-channel-add", args=[survey.pk]), {"name": "海报", "tag": "poster"})
    client.post(reverse("survey-channel-add", args=[survey.pk]), {"name": "再贴", "tag": "poster"})
    assert list(survey.channels.values_list("name", "tag")) == [("海报", "poster")]
    client.post(reverse("survey-codes-generate", args=[survey.pk]), {"count": "60"})
    codes = set(survey.codes.values_list("code", flat=True))
    assert len(codes) == 60 and all(len(c) == 8 for c in codes)
    before = AuditLog.objects.filter(action="export").count()
    page = client.get(reverse("survey-codes", args=[survey.pk]))
    assert page.status_code == 200
    assert all(c in page.content.decode() for c in codes)
    entry = AuditLog.objects.filter(action="export").order_by("-pk").first()
    assert AuditLog.objects.filter(action="export").count() == before + 1
    assert entry.after["kind"] == "survey-codes" and entry.after["rows"] == 60


def test_marking_an_answer_invalid_keeps_it_with_the_reason(world, selfeval):
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    services.survey_open(actor=world.filer, survey=survey)
    row = answer(survey, 1, "满意")
    with pytest.raises(ValidationError):
        services.response_mark_invalid(actor=world.filer, response=row, note=" ")
    response = login(world.filer).post(
        reverse("survey-response-invalid", args=[survey.pk, row.pk]), {"note": "同一户重复填写"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.valid, row.invalid_reason, row.invalid_note, row.marked_by) == (
        False,
        InvalidReason.MANUAL,
        "同一户重复填写",
        world.filer,
    )
    with pytest.raises(PermissionDenied):
        services.response_mark_invalid(actor=world.business, response=answer(survey, 2, "满意"),
                                       note="x")  # fmt: skip


def test_detail_page_shows_the_public_links_once_open(world, selfeval):
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    client = login(world.filer)
    assert (
        survey.public_url
        not in client.get(reverse("survey-detail", args=[survey.pk])).content.decode()
    )
    services.survey_open(actor=world.filer, survey=survey)
    page = client.get(reverse("survey-detail", args=[survey.pk])).content.decode()
    assert f'href="/survey/{survey.token}/"' in page
    assert reverse("survey-qr", args=[survey.token, "svg"]) in page
    assert reverse("survey-poster", args=[survey.token]) in page


def test_list_filters_by_status_and_subject_kind(world, selfeval):
    from jixiao.budgets.models import FiscalYear

    FiscalYear.objects.get_or_create(region=world.region, year=2023)
    open_one = services.survey_create(actor=world.performance, subject=selfeval, kind="unit")
    services.survey_open(actor=world.performance, survey=open_one)
    draft = services.survey_create(actor=world.performance, subject=unit_evaluation(world),
                                   kind="unit")  # fmt: skip
    client = login(world.performance)
    session = client.session
    session["work_year"] = 2023
    session.save()
    page = client.get(reverse("survey-list")).content.decode()
    assert open_one.title in page and draft.title in page
    page = client.get(reverse("survey-list"), {"status": "open"}).content.decode()
    assert open_one.title in page and draft.title not in page
    page = client.get(reverse("survey-list"), {"subject_kind": "unit_evaluation"}).content.decode()
    assert draft.title in page and open_one.title not in page


def test_closing_soon_and_short_samples_are_the_builders_todos(world, selfeval):
    from jixiao.core.navigation import todos_for

    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    services.survey_update(
        actor=world.filer,
        survey=survey,
        values={"closes_at": timezone.now() + dt.timedelta(days=2), "target_sample": 10},
    )
    services.survey_open(actor=world.filer, survey=survey)
    answer(survey, 1, "满意")
    titles = [t.title for t in todos_for(world.filer, world.region, 2023)]
    assert any(survey.title in t for t in titles)
    assert not any(survey.title in t.title for t in todos_for(world.other, world.region, 2023))


def test_the_project_page_lists_its_surveys_and_links_to_a_new_one(world, selfeval):
    url = reverse("project-detail", args=[selfeval.project_id])
    new = reverse("survey-new") + f"?subject_kind=selfeval&amp;subject={selfeval.pk}"
    assert new in login(world.filer).get(url).content.decode()
    survey = services.survey_create(actor=world.filer, subject=selfeval, kind="unit")
    page = login(world.auditor).get(url).content.decode()
    assert reverse("survey-detail", args=[survey.pk]) in page
    assert new not in page  # the auditor reads, it does not build


def test_the_subject_picker_offers_only_what_the_user_builds(world):
    evaluation = make_evaluation(world)
    stranger = make_user(world, "agency_elsewhere", ["agency"])
    other = make_evaluation(world, experts=0, agency_user=stranger)
    page = login(world.agency).get(reverse("survey-new")).content.decode()
    assert f'value="key_evaluation:{evaluation.pk}"' in page
    assert f'value="key_evaluation:{other.pk}"' not in page
    page = login(world.performance).get(reverse("survey-new")).content.decode()
    assert f'value="key_evaluation:{other.pk}"' in page
    response = login(world.agency).post(
        reverse("survey-new"), {"pick": f"key_evaluation:{evaluation.pk}", "question_set": "urban"}
    )
    assert response["Location"] == reverse("survey-detail", args=[evaluation.surveys.get().pk])
    # nothing to build for: no page
    assert login(world.auditor).get(reverse("survey-new")).status_code == 404
