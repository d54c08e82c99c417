"""Starting the 自评表 of many projects at once on the test world: refusals listed per project,
scope (another unit's filer starts none of this unit's), the list page's "为全部可自评项目开始
自评" (404 for a unit outside the filer's, 403 for other roles, a background job past the
rulebook's row threshold), and `selfeval_create` still raising its one refusal."""

from __future__ import annotations

import pytest

from jixiao.budgets.models import Project
from jixiao.evaluations.models import SelfEvaluation
from jixiao.evaluations.services import selfeval_create, selfevals_start
from jixiao.targets.models import Target, TargetStatus

WORK_YEAR = 2023  # the work year in which the test world's projects of 2022 are evaluated


def approve_all(world, declare) -> None:
    """P1 and P1A (the filer's unit and its level-2 unit) and P2 (another unit) approved."""
    for code in ("P1", "P1A", "P2"):
        actor = world.users["other"] if code == "P2" else None
        target = declare(code, actor=actor)
        Target.objects.filter(pk=target.pk).update(status=TargetStatus.APPROVED)


def test_refusals_are_listed_per_project_and_the_others_start(world, declare):
    approve_all(world, declare)
    started = selfeval_create(actor=world.filer, project=world.projects["P1"])
    Target.objects.filter(project=world.projects["P1A"]).update(status=TargetStatus.RETURNED)
    p3 = Project.objects.create(
        region=world.region, year=2022, code="P3", name="项目P3", unit=world.units["U1"]
    )
    world.projects["P3"] = p3
    Target.objects.filter(pk=declare("P3").pk).update(status=TargetStatus.APPROVED)
    projects = [world.projects[c] for c in ("P1", "P1A", "P2")] + [p3]
    result = selfevals_start(actor=world.filer, projects=projects)
    assert [s.project.code for s in SelfEvaluation.objects.filter(pk__in=result.started)] == ["P3"]
    reasons = {r.project.code: r.message for r in result.refused}
    assert reasons == {
        "P1": "该项目已有自评。",
        "P1A": "项目没有已批复的绩效目标，无法自评。",
        "P2": "只有本单位的填报人员可以填写自评。",  # another unit's project
    }
    assert SelfEvaluation.objects.filter(project=world.projects["P1"]).get().pk == started.pk


def test_another_units_filer_starts_none_of_this_units(world, declare):
    Target.objects.filter(pk=declare("P1").pk).update(status=TargetStatus.APPROVED)
    result = selfevals_start(actor=world.users["other"], projects=[world.projects["P1"]])
    assert result.started == []
    assert [r.project.code for r in result.refused] == ["P1"]
    assert not SelfEvaluation.objects.exists()


@pytest.fixture
def evaluating(world):
    """The test world's pages in work year 2023, where its projects of 2022 are evaluated."""
    from jixiao.budgets.models import FiscalYear

    FiscalYear.objects.create(region=world.region, year=WORK_YEAR)
    return world


def test_the_list_page_starts_every_startable_project_of_the_filers_units(
    evaluating, world, declare, client_for
):
    approve_all(world, declare)
    filer = client_for("filer")
    page = filer.get("/evaluations/").content.decode()
    assert "为全部可自评项目开始自评" in page
    response = filer.post("/evaluations/start-all/", follow=True)
    assert "已开始 2 份项目自评。" in response.content.decode()
    assert sorted(SelfEvaluation.objects.values_list("project__code", flat=True)) == ["P1", "P1A"]
    assert "为全部可自评项目开始自评" not in filer.get("/evaluations/").content.decode()


def test_the_page_is_404_for_a_unit_outside_the_filers_and_403_for_other_roles(
    evaluating, world, declare, client_for
):
    Target.objects.filter(pk=declare("P1").pk).update(status=TargetStatus.APPROVED)
    other = client_for("other")
    unit = world.units["U1"].pk
    assert other.post("/evaluations/start-all/", {"unit": unit}).status_code == 404
    assert other.post("/evaluations/start-all/").status_code == 302  # its own: none here
    assert client_for("budget").post("/evaluations/start-all/").status_code == 403
    assert not SelfEvaluation.objects.exists()
    # the filer narrowing to one of their own units
    response = client_for("filer").post("/evaluations/start-all/", {"unit": unit})
    assert response.status_code == 302
    assert list(SelfEvaluation.objects.values_list("project__code", flat=True)) == ["P1"]


def test_past_the_row_threshold_the_start_is_a_background_job(
    evaluating, world, declare, client_for
):
    from jixiao.core.models import Job
    from jixiao.core.rulebook import rulebook_save

    for code in ("P1", "P1A"):
        Target.objects.filter(pk=declare(code).pk).update(status=TargetStatus.APPROVED)
    filer = client_for("filer")
    rulebook_save(
        region_code=world.region.code,
        year=WORK_YEAR,
        values={"jobs": {"threshold_rows": 1}},
        actor=None,
        note="测试：超过 1 行转为后台任务",
    )
    response = filer.post("/evaluations/start-all/")
    job = Job.objects.get(kind="selfevals_start")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.user == world.filer and job.result["started"] == 2, job.error
    assert sorted(SelfEvaluation.objects.values_list("project__code", flat=True)) == ["P1", "P1A"]
    assert "已开始 2 份项目自评。" in filer.get(f"/jobs/{job.pk}/").content.decode()


def test_selfeval_create_still_raises_its_refusal(world, declare):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        selfeval_create(actor=world.filer, project=world.projects["P1"])  # no target
    Target.objects.filter(pk=declare("P1").pk).update(status=TargetStatus.APPROVED)
    with pytest.raises(PermissionDenied):
        selfeval_create(actor=world.users["other"], project=world.projects["P1"])
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    assert selfeval.pk and selfeval.indicators.count() == 6
    assert list(selfeval.indicators.order_by("position").values_list("name", flat=True)) == list(
        selfeval.target.indicators.order_by("position").values_list("name", flat=True)
    )
    assert selfeval.rulebook and (selfeval.total is not None or selfeval.result.get("errors"))
