"""Which projects enter a round (DOMAIN.md §5, issue 16 part 7): the funds "纳入年度预算绩效目标
管理", so a project of the round's scope enters only with an approved target in force. The others
are kept as the round's finding, each with its reason, listed on the round page and in the API
to those who see their unit."""

import re
from decimal import Decimal

import pytest

from jixiao.budgets.models import SPECIAL_FUND, Project, ProjectKind
from jixiao.core.models import ApiToken
from jixiao.monitoring.models import Report, RoundExclusion
from jixiao.monitoring.tests.test_round_open import open_round
from jixiao.targets.models import Target, TargetStatus
from jixiao.targets.services import target_adjust, target_transition

GOOD = {"overall": "优"}


def approve(world, target: Target) -> Target:
    """Drive a declared target of U1 through its review to approval (the real services)."""
    target = target_transition(actor=world.filer, target=target, name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    return target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)


def target_in(world, code: str, status: str) -> Target:
    project = world.projects[code]
    return Target.objects.create(
        region=world.region, year=2022, unit=project.unit, project=project, status=status
    )


def exclusion(monitoring_round, code: str) -> RoundExclusion:
    return RoundExclusion.objects.get(round=monitoring_round, project__code=code)


@pytest.mark.parametrize(
    "status, reason",
    [
        (None, "无绩效目标"),
        (TargetStatus.DRAFT, "绩效目标未批复（状态：草稿）"),
        (TargetStatus.RETURNED, "绩效目标未批复（状态：已退回）"),
        (TargetStatus.SUBMITTED, "绩效目标未批复（状态：业务股室初审中）"),
        (TargetStatus.REJECTED, "绩效目标未批复（状态：不予安排）"),
    ],
)
def test_a_project_without_an_approved_target_is_left_out_with_its_reason(world, status, reason):
    if status is not None:
        target_in(world, "P2", status)
    target_in(world, "P1", TargetStatus.APPROVED)
    monitoring_round = open_round(world)
    assert set(monitoring_round.reports.values_list("project__code", flat=True)) == {"P1"}
    assert set(monitoring_round.scope.values_list("project__code", flat=True)) == {"P1"}
    left = exclusion(monitoring_round, "P2")
    assert left.reason_text == reason
    assert (left.unit, left.year, left.region) == (world.units["U2"], 2022, world.region)
    assert left.target_status == (status or "")


def test_an_approved_target_in_adjustment_still_enters_with_its_approved_version(world, declare):
    approved = approve(world, declare("P1"))
    adjusting = target_adjust(actor=world.filer, target=approved)
    assert adjusting.status == TargetStatus.DRAFT and adjusting.version == 2
    monitoring_round = open_round(world)
    report = Report.objects.get(round=monitoring_round, project__code="P1")
    assert report.target_id == approved.pk  # the version in force, not the draft
    assert report.indicators.count() == approved.indicators.count() > 0
    assert not RoundExclusion.objects.filter(round=monitoring_round, project__code="P1").exists()


def test_a_project_added_by_hand_needs_an_approved_target_too(world):
    plain = Project.objects.create(
        region=world.region, year=2022, code="N1", name="非专项", unit=world.units["U1"]
    )
    open_round_ = open_round(world, extra_projects=[plain])
    assert exclusion(open_round_, "N1").reason == RoundExclusion.Reason.NO_TARGET
    assert not open_round_.reports.filter(project=plain).exists()


def test_the_round_job_counts_the_projects_left_out(world, client_for):
    from jixiao.core.models import Job

    target_in(world, "P1", TargetStatus.APPROVED)
    client = client_for("performance")
    client.post("/work-context/", {"region": world.region.id, "year": "2022"})
    form = {"code": "2022-07", "name": "1–7月监控", "period_end": "2022-07-31"}
    response = client.post("/monitoring/new/", {**form, "deadline": "2022-08-15"}, follow=True)
    job = Job.objects.get(kind="round_open")
    assert (job.result["reports"], job.result["left_out"]) == (1, 2)
    assert "2 个项目没有已批复的绩效目标" in response.content.decode()


# --- the round page and the API ------------------------------------------------------------


@pytest.fixture
def mixed_round(world):
    """P1 (unit U1) approved and in the round; P1A (U1A, a level-2 unit of U1) returned and P2
    (U2) with no target, both left out."""
    target_in(world, "P1", TargetStatus.APPROVED)
    target_in(world, "P1A", TargetStatus.RETURNED)
    return open_round(world)


def left_out_rows(html: str) -> list[str]:
    section = html.split('id="left-out"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr><td>([^<]+)</td>", section)


def test_the_round_page_lists_the_projects_left_out_with_their_reason(mixed_round, client_for):
    html = client_for("performance").get(f"/monitoring/{mixed_round.pk}/").content.decode()
    assert "未纳入本轮监控的项目" in html
    assert left_out_rows(html) == ["P1A", "P2"]  # by unit code: U1A, U2
    assert "绩效目标未批复（状态：已退回）" in html and "无绩效目标" in html
    assert re.search(r'<b><a href="#left-out">2</a></b><span>未纳入项目', html)


def test_the_left_out_list_is_paginated(world, client_for):
    special = ProjectKind.objects.get(code=SPECIAL_FUND)
    made = Project.objects.bulk_create(
        Project(
            region=world.region,
            year=2022,
            code=f"Z{n:03d}",
            name=f"未申报{n}",
            unit=world.units["U2"],
            full_current=Decimal(1),
        )
        for n in range(51)
    )
    Project.kinds.through.objects.bulk_create(
        Project.kinds.through(project_id=p.pk, projectkind_id=special.pk) for p in made
    )
    monitoring_round = open_round(world)  # P1, P1A, P2 and the 51: none has a target
    client = client_for("performance")
    first = client.get(f"/monitoring/{monitoring_round.pk}/").content.decode()
    second = client.get(f"/monitoring/{monitoring_round.pk}/?page=2").content.decode()
    assert len(left_out_rows(first)) == 50 and len(left_out_rows(second)) == 4
    assert "共 54 条" in first


def test_a_unit_sees_only_its_own_projects_left_out(mixed_round, client_for):
    html = client_for("filer").get(f"/monitoring/{mixed_round.pk}/").content.decode()
    assert left_out_rows(html) == ["P1A"]  # its level-2 unit's; not U2's P2


def test_a_user_of_another_unit_gets_404_on_the_round_and_its_left_out(
    world, mixed_round, client_for
):
    """U2 has no report in the round (P2 was left out): the round is not its to see."""
    assert client_for("other").get(f"/monitoring/{mixed_round.pk}/").status_code == 404
    _t, key = ApiToken.objects.issue(world.users["other"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = client_for("other")
    url = f"/api/v1/monitoring-rounds/{mixed_round.pk}"
    assert client.get(url, **auth).status_code == 404
    assert client.get(f"{url}/left-out", **auth).status_code == 404


def test_the_api_gives_the_count_and_the_list_of_projects_left_out(world, mixed_round, client):
    _t, key = ApiToken.objects.issue(world.budget)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = f"/api/v1/monitoring-rounds/{mixed_round.pk}"
    assert client.get(url, **auth).json()["left_out"] == 2
    body = client.get(f"{url}/left-out", **auth).json()
    assert {"count", "page", "page_size", "items"} <= set(body) and body["count"] == 2
    assert [(i["project"]["code"], i["reason"], i["target_status"]) for i in body["items"]] == [
        ("P1A", "not_approved", "returned"),
        ("P2", "no_target", None),
    ]
    assert body["items"][0]["reason_text"] == "绩效目标未批复（状态：已退回）"
    _t, key = ApiToken.objects.issue(world.filer)
    mine = client.get(f"{url}/left-out", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [i["project"]["code"] for i in mine["items"]] == ["P1A"]
