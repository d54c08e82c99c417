"""Finding the sources of a work year: red alerts suspended at their deadline, confirmed
self-evaluations and whole-unit evaluations graded 中/差 (the reviewed grade counts first),
each made a draft once, only by the office that issues it; and a disposed red alert sent to
rectification by the office."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation, UnitEvaluation
from jixiao.monitoring.models import Alert
from jixiao.results.models import Rectification
from jixiao.results.rect_sources import alert_to_rectification, sources_find

from .rect_samples import red_alert

pytestmark = pytest.mark.django_db


def selfeval(world, project, grade, reviewed=""):
    p = world.projects[project]
    return SelfEvaluation.objects.create(
        region=p.region,
        year=2021,
        unit=p.unit,
        project=p,
        status=EvaluationStatus.CONFIRMED,
        total="65",
        grade=grade,
        reviewed_grade=reviewed,
    )


def test_the_business_office_finds_its_units_alerts_and_low_self_evaluations_once(world):
    suspended = red_alert(world, "P1")
    red_alert(world, "P1A", code="M04").__class__.objects.filter(code="M04").update(
        status=Alert.Status.DISPOSED
    )
    low = selfeval(world, "P1", "中")
    selfeval(world, "P1A", "中", reviewed="良")  # the reviewed grade counts: no rectification
    red_alert(world, "P2")  # U2 belongs to another business office
    made = sources_find(region=world.region, year=2022, actor=world.business)
    assert {(r.source, r.alert_id or r.selfeval_id) for r in made} == {
        ("alert", suspended.pk),
        ("selfeval", low.pk),
    }
    assert all(r.status == "draft" and r.issuer == world.offices["BIZ1"] for r in made)
    assert "中" in next(r for r in made if r.source == "selfeval").problem
    assert sources_find(region=world.region, year=2022, actor=world.business) == []


def test_the_performance_office_finds_low_whole_unit_evaluations(world):
    evaluation = UnitEvaluation.objects.create(
        region=world.region,
        year=2021,
        unit=world.units["U2"],
        status=EvaluationStatus.CONFIRMED,
        total="55",
        grade="差",
    )
    red_alert(world, "P1")
    made = sources_find(region=world.region, year=2022, actor=world.performance)
    assert [(r.source, r.unit_evaluation_id) for r in made] == [("unit_evaluation", evaluation.pk)]
    assert made[0].issuer == world.offices["PERF"]


def test_unit_staff_cannot_look_for_sources(world):
    with pytest.raises(PermissionDenied):
        sources_find(region=world.region, year=2022, actor=world.filer)


def test_a_disposed_red_alert_is_sent_to_rectification_once(world):
    alert = red_alert(world, "P1")
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.DISPOSED)
    alert.refresh_from_db()
    row = alert_to_rectification(world.business, alert, "处置理由不充分", "重新论证项目")
    assert row.source == "alert" and row.alert == alert and row.project == alert.project
    with pytest.raises(ValidationError):
        alert_to_rectification(world.business, alert, "再次", "再次")
    assert Rectification.objects.filter(alert=alert).count() == 1


def test_an_open_or_yellow_alert_is_not_sent(world):
    alert = red_alert(world, "P1")
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.OPEN)
    alert.refresh_from_db()
    with pytest.raises(ValidationError):
        alert_to_rectification(world.business, alert, "x", "y")
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.DISPOSED, level="yellow")
    alert.refresh_from_db()
    with pytest.raises(ValidationError):
        alert_to_rectification(world.business, alert, "x", "y")
    assert not Rectification.objects.exists()


def test_the_performance_office_finds_the_findings_of_archived_key_evaluations(world):
    from jixiao.evaluations.key.models import Finding, KeyEvaluation, KeyStatus
    from jixiao.evaluations.key.services import evaluation_create

    indicators = [{"level1": "决策", "level2": "项目立项", "level3": "立项依据", "weight": "100"}]
    archived, fieldwork = (
        evaluation_create(
            indicators=indicators,
            region=world.region,
            year=2022,
            subject=subject,
            kind="project",
            unit=world.units["U1"],
            project=world.projects["P1"],
        )
        for subject in ("项目P1重点评价", "仍在评价中")
    )
    KeyEvaluation.objects.filter(pk=archived.pk).update(
        status=KeyStatus.ARCHIVED, archived_on=date(2022, 7, 5)
    )
    KeyEvaluation.objects.filter(pk=fieldwork.pk).update(status=KeyStatus.FIELDWORK)
    found = Finding.objects.create(
        evaluation=archived, level1="决策", problem="立项论证不充分", recommendation="补充论证"
    )
    Finding.objects.create(evaluation=fieldwork, level1="决策", problem="尚未定稿")
    assert sources_find(region=world.region, year=2022, actor=world.business) == []
    made = sources_find(region=world.region, year=2022, actor=world.performance)
    assert [(r.source, r.finding_id, r.year) for r in made] == [("key_evaluation", found.pk, 2022)]
    assert made[0].problem == "立项论证不充分" and made[0].required_action == "补充论证"
    assert made[0].result_date == date(2022, 7, 5) and made[0].project == world.projects["P1"]


def test_a_key_findings_status_follows_its_rectification(world):
    from jixiao.evaluations.key.models import Finding, KeyEvaluation, KeyStatus
    from jixiao.evaluations.key.services import evaluation_create
    from jixiao.results.rectifications import rectification_transition

    indicators = [{"level1": "决策", "level2": "项目立项", "level3": "立项依据", "weight": "100"}]
    evaluation = evaluation_create(
        indicators=indicators,
        region=world.region,
        year=2022,
        subject="项目P1重点评价",
        kind="project",
        unit=world.units["U1"],
        project=world.projects["P1"],
    )
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(
        status=KeyStatus.ARCHIVED, archived_on=date(2022, 7, 5)
    )
    finding = Finding.objects.create(evaluation=evaluation, level1="决策", problem="论证不充分")
    (row,) = sources_find(region=world.region, year=2022, actor=world.performance)
    rectification_transition(actor=world.performance, rectification=row, name="issue")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RECTIFYING
