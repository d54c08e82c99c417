"""The unit assessment computed from a small world with known facts (`assessment_world`)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.core.models import AuditLog
from jixiao.results.assessment_service import assessment_adjust, assessments_compute
from jixiao.results.models import UnitAssessment

from .assessment_world import EXPECTED, EXPECTED_TOTAL, TODAY, YEAR, add_units, build

pytestmark = pytest.mark.django_db


def compute(world, **kwargs):
    return assessments_compute(
        actor=world.performance, region=world.region, year=YEAR, today=TODAY, **kwargs
    )


@pytest.fixture
def made(world):
    return build(world)


def test_each_part_gives_the_points_worked_out_by_hand(world, made):
    assert compute(world) == 2  # U1 and U2: U1A is level 2, UB another region
    u1 = UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR)
    assert {p["key"]: D(p["points"]) for p in u1.parts} == EXPECTED
    assert u1.computed == EXPECTED_TOTAL
    assert u1.score == EXPECTED_TOTAL
    assert not UnitAssessment.objects.filter(unit=world.units["U1A"]).exists()
    assert not UnitAssessment.objects.filter(unit=world.units["UB"]).exists()


def test_a_unit_with_no_records_gets_full_points_and_ranks_first(world, made):
    compute(world)
    u2 = UnitAssessment.objects.get(unit=world.units["U2"], year=YEAR)
    assert u2.score == D("100.00")
    assert u2.rank == 1
    assert UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR).rank == 2


def _records(assessment, key):
    part = next(p for p in assessment.parts if p["key"] == key)
    return {(r["model"], r["id"], r["ok"]) for r in part["records"]}, part


def test_every_part_points_at_the_records_it_was_computed_from(world, made):
    compute(world)
    u1 = UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR)
    m = made
    assert _records(u1, "monitoring")[0] == {
        ("monitoring.Alert", m["a1"].pk, True),
        ("monitoring.Alert", m["a2"].pk, False),
    }
    assert _records(u1, "rectification")[0] == {
        ("results.Rectification", m["x1"].pk, True),
        ("results.Rectification", m["x2"].pk, False),
    }
    assert _records(u1, "results")[0] == {
        ("evaluations.SelfEvaluation", m["s1"].pk, True),
        ("evaluations.SelfEvaluation", m["s2"].pk, False),
        ("evaluations.UnitEvaluation", m["ue"].pk, True),
    }
    records, part = _records(u1, "target_quality")
    assert records == {("targets.Target", m["t1"].pk, False), ("targets.Target", m["t2"].pk, False)}
    assert "绩效目标2个" in part["explanation"] and "退回1次" in part["explanation"]
    urls = {r["id"]: r["url"] for r in part["records"]}
    assert urls[m["t1"].pk] == f"/targets/{m['t1'].pk}/"
    timely, _part = _records(u1, "timeliness")
    assert ("monitoring.Report", m["r2"].pk, False) in timely


def test_recompute_keeps_the_adjustments(world, made):
    compute(world)
    u1 = UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR)
    assessment_adjust(
        actor=world.performance,
        assessment=u1,
        points="-5.5",
        reason="未按要求报送绩效自评报告",
        document_number="甲财绩〔2023〕3号",
    )
    compute(world)
    u1.refresh_from_db()
    assert u1.adjustment == D("-5.50")
    assert u1.score == EXPECTED_TOTAL - D("5.50")


def test_adjustment_changes_the_score_reranks_and_is_audited(world, made):
    compute(world)
    u1 = UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR)
    before = AuditLog.objects.count()
    assessment_adjust(
        actor=world.performance,
        assessment=u1,
        points="40",
        reason="承担全市绩效管理试点",
        document_number="甲财绩〔2023〕5号",
    )
    u1.refresh_from_db()
    u2 = UnitAssessment.objects.get(unit=world.units["U2"], year=YEAR)
    assert u1.score == D("100.00")  # 65.63 + 40 held at 100
    assert (u1.rank, u2.rank) == (1, 1)  # a tie shares the rank
    assert AuditLog.objects.count() > before
    assert u1.adjustments.get().created_by == world.performance


@pytest.mark.parametrize(
    "points,reason,document,field",
    [
        ("2", "", "文号1", "reason"),
        ("2", "理由", "  ", "document_number"),
        ("abc", "理由", "文号1", "points"),
        ("0", "理由", "文号1", "points"),
    ],
)
def test_adjustment_without_reason_document_or_points_is_refused_and_writes_nothing(
    world, made, points, reason, document, field
):
    compute(world)
    u1 = UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR)
    with pytest.raises(ValidationError) as refused:
        assessment_adjust(
            actor=world.performance,
            assessment=u1,
            points=points,
            reason=reason,
            document_number=document,
        )
    assert field in refused.value.message_dict
    assert not u1.adjustments.exists()


@pytest.mark.parametrize("persona", ["budget", "business", "filer", "other_region"])
def test_only_the_performance_office_computes_and_adjusts(world, made, persona):
    with pytest.raises(PermissionDenied):
        assessments_compute(actor=world.users[persona], region=world.region, year=YEAR)
    compute(world)
    u1 = UnitAssessment.objects.get(unit=world.units["U1"], year=YEAR)
    with pytest.raises(PermissionDenied):
        assessment_adjust(
            actor=world.users[persona],
            assessment=u1,
            points="1",
            reason="理由",
            document_number="文号",
        )


def test_compute_runs_the_same_bounded_number_of_queries_for_2_and_6_units(
    world, made, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted() -> int:
        UnitAssessment.objects.all().delete()
        with django_assert_max_num_queries(25), CaptureQueriesContext(connection) as captured:
            assert compute(world) == UnitAssessment.objects.count()
        return len(captured.captured_queries)

    counted()  # once to fill the process's caches (content types)
    with_two = counted()
    add_units(world, 4)
    with_six = counted()
    assert UnitAssessment.objects.filter(year=YEAR).count() == 6
    assert with_six == with_two
