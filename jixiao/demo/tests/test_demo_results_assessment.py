"""The demo's unit assessment on a district with its units (the other stages' records left out,
so every part has nothing to judge): the 67 first-level units of 2021 computed and ranked, the
education bureau's documented adjustment, and a second run that keeps it once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    from jixiao.core.audit import audit_context
    from jixiao.demo import build
    from jixiao.demo.results_assessment import build_assessment

    with django_db_blocker.unblock():
        with transaction.atomic(), audit_context(source="cli"):
            demo = build.Demo(password="Demo#Pass2022")
            for _label, step in build.STEPS[:4]:  # regions, units, people, projects
                step(demo)
            build_assessment(demo)
            build_assessment(demo)  # a second run keeps the one adjustment
            yield demo
            transaction.set_rollback(True)


def test_every_first_level_unit_of_2021_is_assessed_and_ranked(built):
    from jixiao.results.models import UnitAssessment

    rows = UnitAssessment.objects.filter(region=built.region, year=2021)
    assert rows.count() == 67
    assert not rows.filter(rank__isnull=True).exists()


def test_the_education_bureau_has_one_documented_adjustment(built):
    from jixiao.demo import district as d
    from jixiao.results.models import AssessmentAdjustment, UnitAssessment

    assessment = UnitAssessment.objects.get(unit=built.units[d.PERSONA_UNIT], year=2021)
    adjustment = AssessmentAdjustment.objects.get(assessment__region=built.region)
    assert adjustment.assessment == assessment
    assert adjustment.points == Decimal("2.00")
    assert adjustment.reason and adjustment.document_number == "东财绩〔2022〕3号"
    assert assessment.adjustment == Decimal("2.00")
    assert assessment.score == min(assessment.computed + Decimal(2), Decimal(100))
    assert adjustment.created_by == built.users["perf"]
