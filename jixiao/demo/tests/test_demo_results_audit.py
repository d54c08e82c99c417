"""The demo's audit findings: three from the district audit office's 2021 report, each with its
rectification walked to closed in 2021, on time, dated in 2021 (not the build day)."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(db, settings, tmp_path):
    """The district up to its projects (the first four steps), then the audit findings."""
    from jixiao.core.audit import audit_context
    from jixiao.demo import build
    from jixiao.demo.results_audit import build_audit

    settings.MEDIA_ROOT = str(tmp_path)
    demo = build.Demo(password="Demo#Pass2022")
    with audit_context(source="cli"):
        for _label, step in build.STEPS[:4]:
            step(demo)
        return build_audit(demo)


def test_three_2021_findings_each_closed_on_time_in_2021(built):
    from jixiao.results.models import AuditFinding

    assert len(built) == 3
    assert {row.unit.code for row in built} == {"113", "120", "124"}
    for row in built:
        assert (row.year, row.source, row.status) == (2021, "audit", "closed")
        assert row.issued_on < row.received_on <= row.planned_on <= row.plan_due
        assert row.reported_on < row.closed_on <= row.due <= dt.date(2021, 12, 31)
        assert row.project is not None and row.project.year == 2021
    findings = AuditFinding.objects.filter(region__code="360102")
    assert {f.report_number for f in findings} == {"东审报〔2021〕9号"}
    assert {f.created_at.year for f in findings} == {2021}
