"""A rectification walked through every step by the personas (business office, the unit's
filer and leader), the dates each step stamps, and the refusals: a report without evidence,
a return without a reason, the wrong person, a duplicate source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jixiao.core.workflow import TransitionError
from jixiao.results.models import Rectification, RectificationStatus
from jixiao.results.rectifications import (
    default_issuer,
    rectification_create,
    rectification_open_notice,
    rectification_transition,
    rectification_update,
)
from jixiao.results.selectors import rectification_queue

from .rect_samples import alert_rectification, audit_finding, walk

pytestmark = pytest.mark.django_db
S = RectificationStatus


def test_an_alert_is_issued_by_the_units_business_office_an_audit_finding_by_performance(world):
    row = alert_rectification(world)
    assert row.status == S.DRAFT
    assert row.issuer == world.offices["BIZ1"]
    assert row.year == 2022 and row.number
    finding = audit_finding(world)
    audit_row = rectification_create(
        actor=world.performance,
        source="audit",
        unit=world.units["U1"],
        problem=finding.problem,
        required_action="按合同支付",
        result_date=finding.report_date,
        audit_finding=finding,
    )
    assert audit_row.issuer == world.offices["PERF"]
    assert (
        default_issuer(source="selfeval", unit=world.units["U2"], year=2022)
        == (world.offices["BIZ2"])
    )


def test_one_source_object_becomes_one_rectification(world):
    row = alert_rectification(world)
    with pytest.raises(ValidationError) as refused:
        rectification_create(
            actor=world.business,
            source="alert",
            unit=row.unit,
            problem="再来一次",
            required_action="无",
            result_date=date(2022, 7, 15),
            alert=row.alert,
        )
    assert "不能重复建立" in str(refused.value)
    assert Rectification.objects.filter(alert=row.alert).count() == 1


def test_create_refuses_a_unit_staff_member_and_a_missing_source(world):
    finding = audit_finding(world)
    with pytest.raises(PermissionDenied):
        rectification_create(
            actor=world.filer,
            source="audit",
            unit=world.units["U1"],
            problem="x",
            required_action="y",
            result_date=date(2022, 5, 10),
            audit_finding=finding,
        )
    with pytest.raises(ValidationError):
        rectification_create(
            actor=world.performance,
            source="audit",
            unit=world.units["U1"],
            problem="x",
            required_action="y",
            result_date=date(2022, 5, 10),
        )
    assert not Rectification.objects.exists()


def test_every_step_stamps_its_date_and_the_deadlines_run_from_receipt(world):
    today = timezone.localdate()
    row = walk(world, alert_rectification(world), "issue")
    assert row.status == S.ISSUED and row.issued_on == today
    row = walk(world, row, "receive")
    assert row.status == S.RECEIVED and row.received_on == today
    # 30 and 90 calendar days, moved forward at most over a weekend or a holiday run.
    assert today + timedelta(days=30) <= row.plan_due <= today + timedelta(days=40)
    assert today + timedelta(days=90) <= row.due <= today + timedelta(days=100)
    row = walk(world, row, "confirm_plan")
    assert row.status == S.IN_PROGRESS and row.planned_on == today
    assert row.attested_by == world.leader
    row = walk(world, row, "confirm_report")
    assert row.status == S.REPORTED and row.reported_on == today
    row = rectification_transition(
        actor=world.business, rectification=row, name="verify", comment="核验属实"
    )
    row.refresh_from_db()
    assert row.status == S.CLOSED and row.closed_on == today
    assert row.verified_by == world.business and row.verification_note == "核验属实"


def test_a_report_without_evidence_is_refused_and_nothing_changes(world):
    row = walk(world, alert_rectification(world), "confirm_plan")
    row = rectification_update(actor=world.filer, rectification=row, report="已整改")
    with pytest.raises(TransitionError) as refused:
        rectification_transition(actor=world.filer, rectification=row, name="submit_report")
    assert "佐证材料" in str(refused.value)
    row.refresh_from_db()
    assert row.status == S.IN_PROGRESS


def test_a_plan_without_text_is_refused(world):
    row = walk(world, alert_rectification(world), "receive")
    with pytest.raises(TransitionError) as refused:
        rectification_transition(actor=world.filer, rectification=row, name="submit_plan")
    assert "整改方案" in str(refused.value)


def test_the_issuer_returns_a_report_only_with_a_reason_and_it_goes_back_in_progress(world):
    row = walk(world, alert_rectification(world), "confirm_report")
    with pytest.raises(TransitionError):
        rectification_transition(actor=world.business, rectification=row, name="return")
    row = rectification_transition(
        actor=world.business, rectification=row, name="return", comment="佐证材料不足"
    )
    row.refresh_from_db()
    assert row.status == S.IN_PROGRESS
    assert row.return_reason == "佐证材料不足" and row.reported_on is None
    assert row.closed_on is None


def test_the_leader_sends_the_plan_and_the_report_back_to_the_filer(world):
    row = walk(world, alert_rectification(world), "submit_plan")
    row = rectification_transition(
        actor=world.leader, rectification=row, name="return_plan", comment="措施不具体"
    )
    assert row.status == S.RECEIVED
    row = walk(world, row, "submit_report")
    row = rectification_transition(
        actor=world.leader, rectification=row, name="return_report", comment="补充说明"
    )
    assert row.status == S.IN_PROGRESS


def test_the_leader_must_attest_and_the_filer_cannot_confirm(world):
    row = walk(world, alert_rectification(world), "submit_plan")
    with pytest.raises(TransitionError):
        rectification_transition(actor=world.leader, rectification=row, name="confirm_plan")
    with pytest.raises(TransitionError):
        rectification_transition(
            actor=world.filer, rectification=row, name="confirm_plan", attest=True
        )


def test_another_office_cannot_issue_or_verify(world):
    row = alert_rectification(world)
    with pytest.raises(TransitionError):
        rectification_transition(actor=world.performance, rectification=row, name="issue")
    assert Rectification.objects.get(pk=row.pk).status == S.DRAFT


def test_who_edits_what_in_each_state(world):
    row = alert_rectification(world)
    row = rectification_update(actor=world.business, rectification=row, problem="问题已改写")
    assert row.problem == "问题已改写"
    with pytest.raises(PermissionDenied):
        rectification_update(actor=world.filer, rectification=row, problem="单位不能改")
    row = walk(world, row, "receive")
    with pytest.raises(ValidationError):
        rectification_update(actor=world.filer, rectification=row, report="还不能写报告")
    with pytest.raises(PermissionDenied):
        rectification_update(actor=world.business, rectification=row, plan="股室不能写方案")


def test_the_units_first_view_marks_the_notice_received_and_the_offices_view_does_not(world):
    row = walk(world, alert_rectification(world), "issue")
    assert rectification_open_notice(world.business, row).status == S.ISSUED
    row = rectification_open_notice(world.leader, row)
    assert row.status == S.RECEIVED and row.received_on == timezone.localdate()


def test_the_queue_follows_the_buttons(world):
    row = alert_rectification(world)
    assert list(rectification_queue(world.business)) == [row]
    assert not rectification_queue(world.filer).exists()
    walk(world, row, "receive")
    assert list(rectification_queue(world.filer)) == [row]
    assert not rectification_queue(world.business).exists()
