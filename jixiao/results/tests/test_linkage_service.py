"""Budget linkage on a small world: generating proposals from the results in the database, the
budget office's decisions, the budget gate, and who may see and do what (pages and API)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Payment, Project
from jixiao.core.models import AuditLog
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation
from jixiao.results.gate import linkage_gate_check
from jixiao.results.linkage_service import (
    candidates,
    proposal_decide,
    proposals_generate,
)
from jixiao.results.models import (
    LinkageProposal,
    LinkageStatus,
    Rectification,
    RectificationSource,
    RectificationStatus,
)

pytestmark = pytest.mark.django_db


def project(world, code, unit, year, name, amount="100", multi_year=False):
    return Project.objects.create(
        region=world.region,
        year=year,
        code=code,
        name=name,
        unit=world.units[unit],
        full_current=D(amount),
        multi_year=multi_year,
    )


def graded(world, p, grade, status=EvaluationStatus.CONFIRMED, reviewed="", spot=None):
    return SelfEvaluation.objects.create(
        region=world.region,
        year=p.year,
        unit=p.unit,
        project=p,
        status=status,
        grade=grade,
        reviewed_grade=reviewed,
        spot_check_total=spot,
    )


def paid(p, share="0.96"):
    """Twelve equal monthly payments adding up to `share` of the full-year budget."""
    month = (p.full_total * D(share) / 12).quantize(D("0.000001"))
    Payment.objects.bulk_create(Payment(project=p, month=m, amount=month) for m in range(1, 13))


@pytest.fixture
def lines(world):
    """2021 projects with their results and their 2022 counterparts:
    - L1 (U1) graded 优, comes back with the same code: +10%;
    - 老年食堂补助 (U2) graded 差 by the rules, comes back under a new code and the same name: −30%;
    - L3 (U1) graded 良 with an open rectification: kept;
    - L4 (U1) without grade, multi-year, not filed again yet: no_grade row (keep);
    - L5 (U2) graded 差, one-off: no proposal."""
    out = {}
    out["l1"] = project(world, "L1", "U1", 2021, "学前教育资助", "200")
    graded(world, out["l1"], "优")
    paid(out["l1"])
    project(world, "L1", "U1", 2022, "学前教育资助", "200")
    out["l2"] = project(world, "2021-L2", "U2", 2021, "老年食堂补助", "100")
    graded(world, out["l2"], "优", reviewed="良", spot=D("55"))  # the spot check's 差 counts
    paid(out["l2"])
    project(world, "2022-L2", "U2", 2022, "老年食堂补助", "100")
    out["l3"] = project(world, "L3", "U1", 2021, "校舍维修", "50")
    graded(world, out["l3"], "良")
    paid(out["l3"])
    project(world, "L3", "U1", 2022, "校舍维修", "50")
    Rectification.objects.create(
        region=world.region,
        year=2022,
        unit=world.units["U1"],
        project=out["l3"],
        status=RectificationStatus.IN_PROGRESS,
        source=RectificationSource.SELFEVAL,
        issuer=world.offices["BIZ1"],
        problem="绩效目标未完成",
        required_action="补齐",
        result_date="2022-03-01",
    )
    out["l4"] = project(world, "L4", "U1", 2021, "教育信息化", "80", multi_year=True)
    out["l5"] = project(world, "L5", "U2", 2021, "城区道路修缮工程", "60")
    graded(world, out["l5"], "差")
    return out


def test_generation_proposes_each_continuing_project_by_the_table(world, lines):
    counts = proposals_generate(actor=world.budget, region=world.region, year=2022)
    assert counts == {"created": 4, "updated": 0, "unchanged": 0, "kept": 0}
    got = {
        p.project.code: (p.rule, p.grade, p.grade_source, p.proposed_amount, p.unit.code)
        for p in LinkageProposal.objects.filter(year=2022)
    }
    assert got == {
        "L1": ("grow", "优", "rules", D("220.00"), "U1"),
        "2021-L2": ("cut", "差", "spot_check", D("70.00"), "U2"),
        "L3": ("keep", "良", "rules", D("50.00"), "U1"),
        "L4": ("keep", "", "", D("80.00"), "U1"),
    }
    l3 = LinkageProposal.objects.get(project__code="L3")
    assert l3.open_rectifications == 1
    assert "有1项整改未完成" in l3.reason
    assert l3.execution_rate == D("0.9600")


def test_a_draft_self_evaluation_does_not_count_and_the_earlier_year_does(world):
    old = project(world, "2020-M", "U1", 2020, "营养餐", "100")
    graded(world, old, "中")
    last = project(world, "2021-M", "U1", 2021, "营养餐", "100")
    graded(world, last, "优", status=EvaluationStatus.DRAFT)
    project(world, "2022-M", "U1", 2022, "营养餐", "100")
    proposals_generate(actor=world.budget, region=world.region, year=2022)
    p = LinkageProposal.objects.get(project=last)
    assert (p.grade, p.rule) == ("中", "keep")


def test_generation_reads_in_a_fixed_number_of_queries(world, lines):
    with CaptureQueriesContext(connection) as few:
        candidates(region=world.region, year=2022)
    for i in range(10):
        p = project(world, f"X{i}", "U2", 2021, f"新增项目{i}", "10")
        graded(world, p, "良")
        paid(p)
        project(world, f"X{i}", "U2", 2022, f"新增项目{i}", "10")
    with CaptureQueriesContext(connection) as many:
        assert len(candidates(region=world.region, year=2022)) == 15
    assert len(many) == len(few)


def test_regenerating_updates_undecided_and_never_touches_decided(world, lines):
    proposals_generate(actor=world.budget, region=world.region, year=2022)
    l1 = LinkageProposal.objects.get(project=lines["l1"])
    proposal_decide(actor=world.budget, proposal=l1, accept=True)
    SelfEvaluation.objects.filter(project=lines["l1"]).update(grade="差")
    SelfEvaluation.objects.filter(project=lines["l3"]).update(grade="差")
    counts = proposals_generate(actor=world.budget, region=world.region, year=2022)
    assert counts == {"created": 0, "updated": 1, "unchanged": 2, "kept": 1}
    l1.refresh_from_db()
    assert (l1.grade, l1.proposed_amount, l1.decided_amount) == ("优", D("220.00"), D("220.00"))
    assert LinkageProposal.objects.get(project=lines["l3"]).rule == "cut"


def _proposal(world, lines, key="l2"):
    proposals_generate(actor=world.budget, region=world.region, year=2022)
    return LinkageProposal.objects.get(project=lines[key])


def test_accept_keeps_the_proposed_amount_and_no_difference(world, lines):
    p = proposal_decide(actor=world.budget, proposal=_proposal(world, lines), accept=True)
    assert (p.status, p.decided_amount, p.difference) == ("accepted", D("70.00"), D("0"))
    assert p.decided_by == world.budget and p.decided_at is not None


def test_override_keeps_the_amount_the_difference_and_the_reason(world, lines):
    p = proposal_decide(
        actor=world.budget,
        proposal=_proposal(world, lines),
        accept=False,
        amount=D("85.50"),
        reason="整改已完成，适当少减",
    )
    p.refresh_from_db()
    assert (p.status, p.decided_amount, p.difference) == ("overridden", D("85.50"), D("15.50"))
    assert p.decision_reason == "整改已完成，适当少减"
    entry = AuditLog.objects.filter(object_id=str(p.pk), message="预算挂钩决定").get()
    assert entry.after["difference"] == "15.50"


def test_cancel_sets_zero_and_is_kept_as_cancelled(world, lines):
    p = proposal_decide(
        actor=world.budget,
        proposal=_proposal(world, lines),
        accept=False,
        cancel=True,
        reason="连续两年评价为差",
    )
    assert (p.cancelled, p.decided_amount, p.status) == (True, D("0.00"), "overridden")


@pytest.mark.parametrize("kwargs", [{"amount": D("80")}, {"cancel": True}])
def test_override_or_cancel_without_a_reason_is_refused_and_writes_nothing(world, lines, kwargs):
    p = _proposal(world, lines)
    with pytest.raises(ValidationError, match="须填写理由"):
        proposal_decide(actor=world.budget, proposal=p, accept=False, reason="  ", **kwargs)
    p.refresh_from_db()
    assert (p.status, p.decided_amount) == (LinkageStatus.PROPOSED, None)


@pytest.mark.parametrize("who", ["performance", "business", "filer", "admin"])
def test_only_the_budget_office_decides(world, lines, who):
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=world.users[who], proposal=_proposal(world, lines), accept=True)


def test_the_budget_office_of_another_region_cannot_decide(world, lines):
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=world.other_region, proposal=_proposal(world, lines), accept=True)


# --------------------------------------------------------------------------- the gate


def _arrange(world, p, monkeypatch):
    from jixiao.targets import services

    monkeypatch.setattr(services, "approved_target", lambda _p: object())
    return services.project_arrange(actor=world.budget, project=p)


def test_the_targets_gate_refuses_a_cancelled_project_with_the_reason(world, lines, monkeypatch):
    proposal_decide(
        actor=world.budget,
        proposal=_proposal(world, lines),
        accept=False,
        cancel=True,
        reason="连续两年评价为差",
    )
    next_year = Project.objects.get(code="2022-L2")
    with pytest.raises(ValidationError, match="连续两年评价为差"):
        _arrange(world, next_year, monkeypatch)
    next_year.refresh_from_db()
    assert not next_year.arranged


def test_the_gate_lets_an_accepted_cut_through(world, lines, monkeypatch):
    proposal_decide(actor=world.budget, proposal=_proposal(world, lines), accept=True)
    assert _arrange(world, Project.objects.get(code="2022-L2"), monkeypatch).arranged


def test_a_new_project_like_a_one_off_project_graded_poor_is_refused(world, lines, monkeypatch):
    alike = project(world, "N1", "U2", 2022, "城区道路修缮二期工程", "60")
    reason = linkage_gate_check(alike, 2022)
    assert "城区道路修缮工程" in reason and "差" in reason
    with pytest.raises(ValidationError, match="相似"):
        _arrange(world, alike, monkeypatch)
    # another unit's, an unlike name, and a one-off graded 良 pass
    assert (
        linkage_gate_check(project(world, "N2", "U1", 2022, "城区道路修缮二期工程"), 2022) is None
    )
    assert linkage_gate_check(project(world, "N3", "U2", 2022, "社区养老服务"), 2022) is None
    SelfEvaluation.objects.filter(project=lines["l5"]).update(grade="良")
    assert linkage_gate_check(alike, 2022) is None


# --------------------------------------------------------------------------- pages and API


def test_pages_show_the_proposals_to_the_offices_and_a_unit_its_own(world, lines, client_for):
    proposals_generate(actor=world.budget, region=world.region, year=2022)
    l1 = LinkageProposal.objects.get(project=lines["l1"])
    l2 = LinkageProposal.objects.get(project=lines["l2"])
    page = client_for("budget").get("/linkage/?year=2022")
    assert page.status_code == 200
    assert "学前教育资助" in page.text and "老年食堂补助" in page.text
    own = client_for("filer").get("/linkage/?year=2022")
    assert "学前教育资助" in own.text and "老年食堂补助" not in own.text
    assert client_for("filer").get(f"/linkage/{l1.pk}/").status_code == 200
    assert client_for("filer").get(f"/linkage/{l2.pk}/").status_code == 404
    assert client_for("other").get(f"/linkage/{l1.pk}/").status_code == 404
    assert client_for("other_region").get(f"/linkage/{l1.pk}/").status_code == 404
    assert client_for("other").get(f"/linkage/{l1.pk}/?export=xlsx").status_code == 404


def test_the_decision_form_records_an_override_and_refuses_others(world, lines, client_for):
    p = _proposal(world, lines)
    url = f"/linkage/{p.pk}/"
    data = {"decision": "override", "amount": "90", "reason": ""}
    client_for("budget").post(url, data)
    p.refresh_from_db()
    assert p.status == LinkageStatus.PROPOSED  # no reason: refused
    client_for("budget").post(url, data | {"reason": "项目已整改"})
    p.refresh_from_db()
    assert (p.status, p.decided_amount) == ("overridden", D("90.00"))
    assert client_for("performance").post(url, data).status_code == 403
    other_unit = LinkageProposal.objects.get(project=lines["l1"])
    assert client_for("other").post(f"/linkage/{other_unit.pk}/", data).status_code == 404


def test_the_decision_form_sent_as_it_comes_accepts_the_proposal(world, lines, client_for):
    """The amount box is filled with the proposal (two decimals), so accepting needs no typing."""
    p = _proposal(world, lines)
    form = client_for("budget").get(f"/linkage/{p.pk}/").context["form"]
    data = {"decision": "accept", "amount": str(form["amount"].value()), "reason": ""}
    client_for("budget").post(f"/linkage/{p.pk}/", data)
    p.refresh_from_db()
    assert (p.status, p.decided_amount) == ("accepted", p.proposed_amount)


def test_the_list_exports_xlsx_audited(world, lines, client_for):
    proposals_generate(actor=world.budget, region=world.region, year=2022)
    answer = client_for("budget").get("/linkage/?year=2022&export=xlsx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditLog.objects.filter(action="export", object_type="linkage-proposals").exists()


def test_the_simulator_shows_the_edited_effect_and_adopt_saves_the_rulebook(
    world, lines, client_for
):
    from jixiao.results.rules import rules_in_force

    # in force: L1 220 + L2 70 + L3 50 + L4 80 = 420; with 优 +20%: 440
    page = client_for("budget").get(
        "/linkage/simulator/",
        {"year": 2022, "pct_0": "20", "pct_1": "5", "pct_2": "0", "pct_3": "-30", "pct_none": "0"},
    )
    assert page.status_code == 200
    assert "420.00" in page.text and "440.00" in page.text and "甲区教育局" in page.text
    for who in ("filer", "business"):
        assert client_for(who).get("/linkage/simulator/?year=2022").status_code == 403
    elsewhere = client_for("other_region").get("/linkage/simulator/?year=2022")
    assert elsewhere.status_code == 200 and "甲区教育局" not in elsewhere.text
    data = {"pct_0": "20", "pct_1": "5", "pct_2": "0", "pct_3": "-40", "pct_none": "0"}
    assert (
        client_for("business").post("/linkage/simulator/adopt/?year=2022", data).status_code == 403
    )
    client_for("performance").post("/linkage/simulator/adopt/?year=2022", data)
    section = rules_in_force(world.region, 2022, "linkage")
    assert section["table"]["优"]["percent"] == "20"
    assert section["table"]["差"] == {"rule": "cut", "percent": "-40"}
    assert AuditLog.objects.filter(object_type="core.rulebook").exists()


def _api(world, who):
    from django.test import Client

    from jixiao.core.models import ApiToken

    _t, key = ApiToken.objects.issue(world.users[who])
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_api_lists_with_contract_fields_and_scope(world, lines):
    proposals_generate(actor=world.budget, region=world.region, year=2022)
    body = _api(world, "budget").get("/api/v1/linkage-proposals?year=2022&unit=U2").json()
    assert body["count"] == 1
    item = body["items"][0]
    for key in ("project", "grade", "current_amount", "proposed_amount", "decided_amount"):
        assert key in item
    assert (item["grade"], item["proposed_amount"], item["status"]) == ("差", "70.00", "proposed")
    assert item["reason"].startswith("评价等级“差”（抽查复核）")
    mine = _api(world, "filer").get("/api/v1/linkage-proposals?year=2022").json()
    assert {i["project"]["code"] for i in mine["items"]} == {"L1", "L3", "L4"}
    l2 = LinkageProposal.objects.get(project=lines["l2"])
    assert _api(world, "other").get(f"/api/v1/linkage-proposals/{l2.pk}").status_code == 200
    l1 = LinkageProposal.objects.get(project=lines["l1"])
    assert _api(world, "other").get(f"/api/v1/linkage-proposals/{l1.pk}").status_code == 404


def test_api_decide(world, lines):
    p = _proposal(world, lines)
    url = f"/api/v1/linkage-proposals/{p.pk}/decide"
    budget = _api(world, "budget")
    refused = budget.post(url, {"accept": False, "cancel": True}, content_type="application/json")
    assert refused.status_code == 422
    assert (
        _api(world, "performance")
        .post(url, {"accept": True}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        _api(world, "filer")
        .post(url, {"accept": True}, content_type="application/json")
        .status_code
        == 404
    )
    done = budget.post(
        url,
        {"accept": False, "amount": "75.00", "reason": "适当少减"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert (done.json()["decided_amount"], done.json()["difference"]) == ("75.00", "5.00")


def test_the_export_command_writes_the_proposals(world, lines, tmp_path):
    import json

    from django.core.management import call_command

    proposals_generate(actor=world.budget, region=world.region, year=2022)
    out = tmp_path / "p.json"
    call_command(
        "export", "linkage-proposals", "--region", "100101", "--year", "2022",
        "--format", "json", "-o", str(out), "--quiet",
    )  # fmt: skip
    items = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(i["project"]["code"] for i in items) == ["2021-L2", "L1", "L3", "L4"]
    xlsx = tmp_path / "p.xlsx"
    call_command(
        "export", "linkage-proposals", "--region", "100101", "--year", "2022",
        "--format", "xlsx", "-o", str(xlsx), "--quiet",
    )  # fmt: skip
    assert xlsx.read_bytes()[:2] == b"PK"


def test_the_budget_office_has_a_to_do_for_undecided_proposals(world, lines):
    from jixiao.results.navigation import _linkage_todos

    assert _linkage_todos(world.budget, world.region, 2021) == []
    proposals_generate(actor=world.budget, region=world.region, year=2022)
    (todo,) = _linkage_todos(world.budget, world.region, 2021)
    assert todo.title == "预算挂钩：4条建议待决定"
    assert todo.url == "/linkage/?year=2022&status=proposed"
    assert _linkage_todos(world.performance, world.region, 2021) == []


def test_the_steps_are_stored_with_their_codes_and_read_in_english(world, lines):
    from django.utils import translation

    from jixiao.core.messages import localized

    proposals_generate(actor=world.budget, region=world.region, year=2022)
    step = LinkageProposal.objects.get(project=lines["l2"]).explanation[-1]
    assert step["text"] == "建议安排 = 本年预算100.00万元 × (100% -30%) = 70.00万元"
    with translation.override("en"):
        assert localized(step, "text") == (
            "Proposed = this year's budget 100.00 × (100% -30%) = 70.00 (10k yuan)"
        )


def test_amounts_keep_their_places_beyond_cents(world):
    from jixiao.results.linkage_selectors import money_text

    assert money_text(D("70.000000")) == "70.00"
    assert money_text(D("120.623456")) == "120.623456"
    assert money_text(None) is None
