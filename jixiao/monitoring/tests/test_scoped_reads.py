"""A monitoring report read by its id within the user's scope by SQL compiled once a process
for each shape of scope (core/scope_read.py, issue 16, part 5): its pages, its save, its review
steps and the step's locked read answer exactly as the ORM's `visible_to(user)`, the third-party
agency's key-monitoring rule included, and another unit's user gets 404 on every path."""

import pytest
from django.http import Http404

from jixiao.core import scope_read, workflow
from jixiao.monitoring import selectors
from jixiao.monitoring.models import Report, ReportStatus, RoundProject
from jixiao.monitoring.views import _report_to_move
from jixiao.monitoring.workflow import REPORT_WORKFLOW

from .test_pages_api import monitoring_round, report_of  # noqa: F401 (a fixture)


@pytest.fixture
def reports(world, monitoring_round):  # noqa: F811
    """The round's reports, P1's chosen for the round's agency's key monitoring."""
    monitoring_round.agency = world.agency
    monitoring_round.save()
    RoundProject.objects.filter(round=monitoring_round, project__code="P1").update(
        key_monitoring=True
    )
    return list(Report.objects.filter(round=monitoring_round).order_by("pk"))


def _orm_answer(user, pk):
    found = Report.objects.visible_to(user).filter(pk=pk).first()
    return found.pk if found else None


def test_every_persona_reads_exactly_the_reports_the_orm_scope_gives(world, reports):
    read = scope_read.ScopedRow(
        lambda: Report.objects.select_related("round", "project", "unit", "region")
    )
    seen = set()
    for user in world.users.values():
        for report in reports:
            found = read.get(user, report.pk)
            assert (found.pk if found else None) == _orm_answer(user, report.pk), user.username
            if found:
                seen.add((user.username, report.project.code))
    # the agency sees the key-monitored report and no other
    assert ("agency", "P1") in seen and ("agency", "P2") not in seen
    assert {"filer", "business", "budget", "performance"} <= {name for name, _c in seen}
    assert scope_read._ORM not in read._compiled.values()


def test_the_read_report_equals_the_orms_with_its_joins(world, reports, django_assert_num_queries):
    report = report_of(reports[0].round)
    with django_assert_num_queries(2):  # the row with its joins, then the indicators
        read = selectors.report_get(user=world.filer, pk=report.pk)
        positions = [i.position for i in read.indicators.all()]
        joined = (read.round.code, read.project.code, read.unit.code, read.region.path)
    orm = Report.objects.select_related("round", "project", "unit", "region").get(pk=report.pk)
    fields = [f.attname for f in Report._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert joined == (orm.round.code, orm.project.code, orm.unit.code, orm.region.path)
    assert positions == sorted(i.position for i in orm.indicators.all())


def test_another_units_filer_gets_404_on_every_read_of_a_report(world, reports, client_for):
    report = report_of(reports[0].round)
    with pytest.raises(Http404):
        selectors.report_get(user=world.other, pk=report.pk)
    with pytest.raises(Http404):
        _report_to_move(user=world.other, pk=report.pk)
    with pytest.raises(Http404):  # the step's own locked read
        workflow.perform(obj=report, name="complete", actor=world.other, workflow=REPORT_WORKFLOW)
    client = client_for("other")
    for url in (f"/monitoring/reports/{report.pk}/", f"/monitoring/reports/{report.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/monitoring/reports/{report.pk}/edit/", {"executed": "1"}),
        (f"/monitoring/reports/{report.pk}/transition/", {"transition": "complete"}),
        (f"/monitoring/reports/{report.pk}/findings/", {"findings": "意见"}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    assert client_for("filer").get(f"/monitoring/reports/{report.pk}/").status_code == 200


def test_the_agency_reads_only_its_key_monitored_report_on_the_page(world, reports, client_for):
    client = client_for("agency")
    by_code = {r.project.code: r for r in reports}
    assert client.get(f"/monitoring/reports/{by_code['P1'].pk}/").status_code == 200
    assert client.get(f"/monitoring/reports/{by_code['P2'].pk}/").status_code == 404
    findings = client.post(
        f"/monitoring/reports/{by_code['P2'].pk}/findings/", {"findings": "意见"}
    )
    assert findings.status_code == 404
    assert Report.objects.get(pk=by_code["P2"].pk).agency_findings == ""
