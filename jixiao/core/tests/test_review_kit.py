"""The review kit: queues agree with the buttons, the engine stamps attestation and returns.

For every persona, every document kind and every state (set directly), a document waits for a
persona exactly when some transition from its state is open to them by role, scope and the year
lock — the workflow's `available()` without its content conditions (missing indicators, lint
findings: the filer still has to fix those) and without undo steps (reopen, withdraw).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jixiao.budgets.models import FiscalYear
from jixiao.core.workflow import TransitionError, perform
from jixiao.testing import PERSONAS

UNITS = ("P1", "P1A", "P2")  # own unit, its level-2 unit, a unit of another office


def _per_unit(world, model, **fields):
    """One document of 2022 per unit of UNITS; a callable field is given the unit's project."""
    return [
        model.objects.create(
            region=world.region,
            year=2022,
            unit=world.projects[p].unit,
            **{k: v(world.projects[p]) if callable(v) else v for k, v in fields.items()},
        )
        for p in UNITS
    ]


def _targets(world):
    from jixiao.targets.models import Target

    return _per_unit(world, Target, project=lambda project: project)


def _reports(world):
    from jixiao.monitoring.models import Report, Round

    monitoring_round = Round.objects.create(
        region=world.region,
        year=2022,
        code="R1",
        name="一季度",
        period_end=dt.date(2022, 3, 31),
        deadline=dt.date(2022, 4, 15),
    )
    return _per_unit(world, Report, round=monitoring_round, project=lambda project: project)


def _selfevals(world):
    from jixiao.evaluations.models import SelfEvaluation

    return _per_unit(world, SelfEvaluation, project=lambda project: project)


def _unit_evaluations(world):
    from jixiao.evaluations.models import UnitEvaluation

    return _per_unit(world, UnitEvaluation)


KINDS = {
    "target": _targets,
    "report": _reports,
    "selfeval": _selfevals,
    "unit_evaluation": _unit_evaluations,
}


def _open_by_table(workflow, doc, user) -> bool:
    """Some to-do transition from the state is open by role, scope and lock."""
    if workflow.lock(doc):
        return False
    return any(
        doc.status in t.sources
        and t.allowed_for(user)
        and not any(c(doc, user) for c in t.conditions if hasattr(c, "q"))
        for t in workflow.transitions
        if not t.undo
    )


def _close_year(world, kind: str) -> None:
    # Evaluations of 2022 are done (and locked) in 2023.
    year = 2023 if kind in ("selfeval", "unit_evaluation") else 2022
    FiscalYear.objects.update_or_create(
        region=world.region, year=year, defaults={"status": FiscalYear.Status.CLOSED}
    )


@pytest.mark.parametrize("closed", [False, True], ids=["open year", "closed year"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_document_waits_for_a_persona_exactly_when_a_transition_is_open_to_them(
    world, kind, closed
):
    docs = KINDS[kind](world)
    workflow = type(docs[0]).review_workflow()
    if closed:
        _close_year(world, kind)
    model = type(docs[0])
    waiting_somewhere = 0
    for state in workflow.states:
        model.objects.filter(pk__in=[d.pk for d in docs]).update(status=state)
        for username in PERSONAS:
            user = world.users[username]
            user.__dict__.pop("_scope", None)
            visible = model.objects.visible_to(user)
            queued = set(visible.filter(workflow.waiting_q(user)).values_list("pk", flat=True))
            for doc in visible:
                expected = _open_by_table(workflow, doc, user)
                assert (doc.pk in queued) == expected, (username, state, doc.unit.code)
                if expected:
                    assert workflow.available(doc, user) or _has_content_problem(
                        workflow, doc, user
                    ), (username, state, doc.unit.code)
            waiting_somewhere += len(queued)
    assert (waiting_somewhere == 0) == closed


def _has_content_problem(workflow, doc, user) -> bool:
    return any(
        c(doc, user)
        for t in workflow.transitions
        if doc.status in t.sources and t.allowed_for(user)
        for c in t.conditions
        if not hasattr(c, "q")
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_closed_year_offers_no_buttons(world, kind):
    docs = KINDS[kind](world)
    workflow = type(docs[0]).review_workflow()
    _close_year(world, kind)
    for state in workflow.states:
        type(docs[0]).objects.filter(pk=docs[0].pk).update(status=state)
        docs[0].refresh_from_db()
        for username in PERSONAS:
            assert workflow.available(docs[0], world.users[username]) == []


def test_queues_list_what_waits_for_the_persona(world, declare):
    from jixiao.targets.selectors import review_queue
    from jixiao.targets.services import target_transition

    target = declare()
    queue = lambda who: list(review_queue(user=world.users[who], region=world.region, year=2022))  # noqa: E731
    assert queue("filer") == [target] and queue("leader") == []
    target_transition(actor=world.filer, target=target, name="complete")
    assert queue("filer") == [] and queue("leader") == [target]
    _close_year(world, "target")
    assert queue("leader") == []


def test_submitting_needs_attestation_which_the_engine_stamps(world):
    from jixiao.evaluations.models import UnitEvaluation

    evaluation = _unit_evaluations(world)[0]
    UnitEvaluation.objects.filter(pk=evaluation.pk).update(status="ready", total=90)
    evaluation.refresh_from_db()
    workflow = UnitEvaluation.review_workflow()
    with pytest.raises(TransitionError, match="提交前须确认所填数据真实、准确"):
        perform(obj=evaluation, name="submit", actor=world.leader, workflow=workflow)
    UnitEvaluation.objects.filter(pk=evaluation.pk).update(return_reason="旧理由")
    row = perform(obj=evaluation, name="submit", actor=world.leader, workflow=workflow, attest=True)
    row.refresh_from_db()
    assert row.status == "submitted" and row.attested_by == world.leader
    assert row.submitted_at is not None and row.return_reason == ""


def test_a_return_stores_its_reason_on_the_document(world):
    from jixiao.monitoring.models import Report

    report = _reports(world)[0]
    Report.objects.filter(pk=report.pk).update(status="first_passed")
    report.refresh_from_db()
    workflow = Report.review_workflow()
    row = perform(
        obj=report, name="return_final", actor=world.budget, workflow=workflow, comment=" 补充 "
    )
    row.refresh_from_db()
    assert (row.status, row.return_reason) == ("returned", "补充")


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_units_filer_may_edit_and_only_while_open(world, kind):
    doc = KINDS[kind](world)[0]
    assert doc.edit_refusal(world.filer) is None
    assert "填报人员" in doc.edit_refusal(world.leader)
    assert "填报人员" in doc.edit_refusal(world.other)
    type(doc).objects.filter(pk=doc.pk).update(status="submitted")
    doc.refresh_from_db()
    assert "不能修改" in doc.edit_refusal(world.filer)
    type(doc).objects.filter(pk=doc.pk).update(status="draft")
    doc.refresh_from_db()
    _close_year(world, kind)
    assert "已关闭" in doc.edit_refusal(world.filer)


def test_the_unit_evaluation_page_shows_its_review_history_and_actions(world, client_for):
    from jixiao.evaluations.models import UnitEvaluation

    evaluation = _unit_evaluations(world)[0]
    UnitEvaluation.objects.filter(pk=evaluation.pk).update(status="ready", total=90)
    url = f"/unit-evaluations/{evaluation.unit_id}/2022/"
    page = client_for("leader").get(url).content.decode()
    assert "确认并提交" in page and 'name="attest"' in page
    client_for("leader").post(
        f"/unit-evaluations/{evaluation.pk}/transition/", {"transition": "submit", "attest": "1"}
    )
    page = client_for("business").get(url).content.decode()
    assert "审核记录" in page and "确认并提交" in page and "待单位审核 → " in page
    assert "审核通过" in page  # the business office's button


EDIT_PAGES = {
    "target": "/targets/{}/edit/",
    "report": "/monitoring/reports/{}/edit/",
    "selfeval": "/evaluations/{}/edit/",
}


@pytest.mark.parametrize("kind", EDIT_PAGES)
def test_an_edit_page_opens_only_under_the_edit_rule(world, client_for, kind):
    doc = KINDS[kind](world)[0]
    url = EDIT_PAGES[kind].format(doc.pk)
    assert client_for("filer").get(url).status_code == 200
    _close_year(world, kind)
    response = client_for("filer").get(url, follow=True)
    assert response.redirect_chain and "已关闭" in response.content.decode()
