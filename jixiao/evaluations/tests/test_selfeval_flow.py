"""Self-evaluations in the database: prefilled from the target, scored by the rules, reviewed
with adjustments kept apart, spot-checked; pages and scope (DOMAIN.md §6.1, §6.2)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.budgets.models import Payment
from jixiao.core.workflow import TransitionError
from jixiao.evaluations.models import SelfEvaluation
from jixiao.evaluations.services import (
    review_adjust,
    selfeval_create,
    selfeval_save,
    selfeval_transition,
    spot_check,
)
from jixiao.targets.services import target_transition

GOOD = {"overall": "优"}
WEIGHTS = ["20", "10", "10", "10", "30", "10"]
ACTUALS = ["12个", "100%", "2022年11月完成", "9.5万元", "1300户", "92%"]


@pytest.fixture
def approved(world, declare):
    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    return target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)


def rows(actuals=ACTUALS, extra=None):
    extra = extra or {}
    return [
        {"position": i, "actual": a, "weight": w, **extra.get(i, {})}
        for i, (a, w) in enumerate(zip(actuals, WEIGHTS, strict=True))
    ]


@pytest.fixture
def filled(world, approved):
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    return selfeval_save(
        actor=world.filer,
        selfeval=selfeval,
        executed={"current": "100", "carryover": "20.5"},
        goal_achieved="完成12个小区改造。",
        rows=rows(),
    )


def test_a_save_of_six_lines_takes_the_queries_of_a_save_of_one_and_stores_every_line(
    world, approved
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])

    def save(lines):
        with CaptureQueriesContext(connection) as queries:
            selfeval_save(actor=world.filer, selfeval=selfeval, executed={}, rows=lines)
        return len(queries)

    one = save(rows()[:1])
    assert save(rows()) == one
    stored = selfeval.indicators.order_by("position")
    assert [line.actual for line in stored] == ACTUALS
    assert [str(line.weight) for line in stored] == [f"{w}.00" for w in WEIGHTS]


def test_selfeval_starts_from_the_approved_target_and_payments(world, approved):
    Payment.objects.create(project=world.projects["P1"], month=12, amount=Decimal("115.5"))
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    assert [i.name for i in selfeval.indicators.all()][:1] == ["改造老旧小区数量"]
    assert selfeval.executed_current == Decimal("115.5") and selfeval.execution_from_payments


def test_project_without_approved_target_cannot_be_self_evaluated(world, declare):
    declare()
    with pytest.raises(ValidationError, match="没有已批复"):
        selfeval_create(actor=world.filer, project=world.projects["P1"])


def test_scores_follow_the_rules_with_explanations(world, filled):
    selfeval = SelfEvaluation.objects.get(pk=filled.pk)
    # execution 10 × 120.5 / 120.623456 = 9.99; indicators all met: 90
    assert selfeval.result["execution"]["score"] == "9.99"
    assert selfeval.total == Decimal("99.99") and selfeval.grade == "优" and selfeval.complete
    first = selfeval.indicators.get(position=0)
    assert first.score == Decimal("20.00") and "12" in first.score_explanation


def test_missed_target_is_scored_in_proportion(world, filled):
    selfeval = selfeval_save(
        actor=world.filer, selfeval=filled, executed={}, rows=rows(actuals=["9个", *ACTUALS[1:]])
    )
    line = selfeval.indicators.get(position=0)
    assert line.score == Decimal("15.00")  # 20 × 9 / 12


def test_unit_self_score_that_breaks_the_rules_is_flagged(world, filled):
    selfeval = selfeval_save(
        actor=world.filer,
        selfeval=filled,
        executed={},
        rows=rows(actuals=["9个", *ACTUALS[1:]], extra={0: {"self_score": "20"}}),
    )
    line = selfeval.indicators.get(position=0)
    assert line.self_score == Decimal("20") and line.score == Decimal("15.00")
    assert any("self_score" in p["code"] for p in line.problems)


def test_reviewer_adjustment_is_kept_apart_and_needs_a_reason(world, filled):
    selfeval = selfeval_transition(actor=world.filer, selfeval=filled, name="complete")
    selfeval = selfeval_transition(
        actor=world.leader, selfeval=selfeval, name="submit", attest=True
    )
    with pytest.raises(ValidationError, match="理由"):
        review_adjust(
            actor=world.business, selfeval=selfeval, position=5, score_value=Decimal("8"), reason=""
        )
    review_adjust(
        actor=world.business,
        selfeval=selfeval,
        position=5,
        score_value=Decimal("8"),
        reason="满意度调查样本不足",
    )
    selfeval = SelfEvaluation.objects.get(pk=selfeval.pk)
    line = selfeval.indicators.get(position=5)
    assert line.score == Decimal("10.00") and line.reviewed_score == Decimal("8")
    assert selfeval.total == Decimal("99.99") and selfeval.reviewed_total == Decimal("97.99")
    with pytest.raises(ValidationError):
        review_adjust(
            actor=world.business,
            selfeval=selfeval,
            position=5,
            score_value=Decimal("11"),
            reason="超过分值",
        )


def test_filer_cannot_adjust_and_other_office_cannot_see(world, filled):
    selfeval = selfeval_transition(actor=world.filer, selfeval=filled, name="complete")
    selfeval = selfeval_transition(
        actor=world.leader, selfeval=selfeval, name="submit", attest=True
    )
    with pytest.raises(PermissionDenied):
        review_adjust(
            actor=world.filer, selfeval=selfeval, position=0, score_value=Decimal("1"), reason="x"
        )


def test_spot_check_is_recorded_beside_the_other_scores(world, filled):
    spot_check(
        actor=world.performance,
        selfeval=filled,
        total=Decimal("95.5"),
        note="抽查发现满意度调查问卷不足",
    )
    selfeval = SelfEvaluation.objects.get(pk=filled.pk)
    assert selfeval.spot_check_total == Decimal("95.5") and selfeval.total == Decimal("99.99")
    with pytest.raises(PermissionDenied):
        spot_check(actor=world.budget, selfeval=filled, total=Decimal("90"), note="x")


def test_missing_deviation_for_a_missed_target_blocks_submission(world, filled):
    selfeval_save(
        actor=world.filer, selfeval=filled, executed={}, rows=rows(actuals=["9个", *ACTUALS[1:]])
    )
    with pytest.raises(TransitionError, match="偏差原因"):
        selfeval_transition(actor=world.filer, selfeval=filled, name="complete")


def test_pages_and_scope(world, client_for, filled):
    client = client_for("filer")
    assert "99.99" in client.get(f"/evaluations/{filled.id}/").content.decode()
    assert client.get(f"/evaluations/{filled.id}/edit/").status_code == 200
    preview = client.post(
        f"/evaluations/{filled.id}/preview/",
        {
            "position": ["0"],
            "actual-0": "6个",
            "weight-0": "20",
            "executed_current": "100",
            "executed_carryover": "20.5",
        },
    ).content.decode()
    assert "10.00" in preview  # 20 × 6/12, before saving
    assert SelfEvaluation.objects.get(pk=filled.pk).indicators.get(position=0).actual == "12个"
    other = client_for("other")
    for url in (f"/evaluations/{filled.id}/", f"/evaluations/{filled.id}/edit/"):
        assert other.get(url).status_code == 404
    for url in (
        f"/evaluations/{filled.id}/preview/",
        f"/evaluations/{filled.id}/transition/",
        f"/evaluations/{filled.id}/adjust/",
    ):
        assert other.post(url, {"position": "0"}).status_code in (403, 404)
    assert "项目P1" not in other.get("/evaluations/").content.decode()


def test_unit_evaluation_scores_rule_rows(world, client_for):
    client = client_for("filer")
    url = f"/unit-evaluations/{world.units['U1'].id}/2022/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"value-在职人数": "105", "value-编制人数": "100", "band-目标设置": "达到要求"}
    )
    assert response.status_code == 302
    from jixiao.evaluations.models import UnitEvaluation

    evaluation = UnitEvaluation.objects.get(unit=world.units["U1"], year=2022)
    items = {i["indicator"]: i for i in evaluation.result["items"]}
    assert Decimal(items["在职人员控制率"]["score"]) < Decimal("3")  # 105% > 100%: deducted
    assert client_for("other").get(url).status_code == 404


def test_api_selfevals_list_detail_actions_and_scope(world, client, filled):
    from jixiao.core.models import ApiToken

    def call(user, method, url, body=None):
        _t, key = ApiToken.objects.issue(world.users[user])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if method == "get":
            return client.get(url, **headers)
        return client.post(url, body or {}, content_type="application/json", **headers)

    listing = call("filer", "get", "/api/v1/selfevals?year=2022").json()
    assert listing["count"] == 1 and listing["items"][0]["total"] == "99.99"
    detail = call("filer", "get", f"/api/v1/selfevals/{filled.id}").json()
    assert detail["score"]["indicators"][0]["score"] == "20.00"
    assert detail["table"]["indicators"][0]["actual"] == "12个"
    assert (
        call(
            "leader", "post", f"/api/v1/selfevals/{filled.id}/submit", {"attest": True}
        ).status_code
        == 409
    )  # not completed by the filer yet
    selfeval_transition(actor=world.filer, selfeval=filled, name="complete")
    ok = call("leader", "post", f"/api/v1/selfevals/{filled.id}/submit", {"attest": True})
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    assert call("other", "get", f"/api/v1/selfevals/{filled.id}").status_code == 404
    assert call("other", "get", "/api/v1/selfevals").json()["count"] == 0
    assert call("other", "post", f"/api/v1/selfevals/{filled.id}/approve").status_code == 404


def test_supporting_files_on_a_self_evaluation_follow_its_state_and_scope(
    world, client_for, filled
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.core.models import Attachment

    url = f"/files/upload/evaluations.selfevaluation/{filled.id}/"
    back = f"/evaluations/{filled.id}/"
    client = client_for("filer")
    client.post(
        url,
        {
            "file": SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 x"),
            "kind": "acceptance",
            "back": back,
        },
    )
    assert Attachment.objects.filter(object_id=filled.id).count() == 1
    assert "验收报告.pdf" in client.get(back).content.decode()
    assert (
        client_for("other")
        .post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
        .status_code
        == 404
    )
    selfeval_transition(actor=world.filer, selfeval=filled, name="complete")
    client.post(url, {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 y"), "back": back})
    assert Attachment.objects.filter(object_id=filled.id).count() == 1  # locked once completed
    assert client.post("/files/upload/orgs.user/1/", {}).status_code == 404


def test_a_selfeval_without_indicator_lines_says_why_it_scores_only_the_execution(
    world, client_for, approved
):
    """A target approved without indicators (an older year's, imported) leaves its
    self-evaluation nothing to score but the execution rate: the pages say so instead of
    showing an empty table."""
    notice = "批复的绩效目标没有绩效指标：本表只按预算执行率计分"
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    client = client_for("filer")
    urls = (f"/evaluations/{selfeval.id}/", f"/evaluations/{selfeval.id}/edit/")

    def pages():
        answers = [client.get(url) for url in urls]
        assert [a.status_code for a in answers] == [200, 200]
        return [a.content.decode() for a in answers]

    assert not any(notice in page for page in pages())
    selfeval.indicators.all().delete()
    assert all(notice in page for page in pages())


def _in_review(world, filled):
    selfeval = selfeval_transition(actor=world.filer, selfeval=filled, name="complete")
    return selfeval_transition(actor=world.leader, selfeval=selfeval, name="submit", attest=True)


def test_a_refused_adjustment_says_which_indicator_and_gives_back_what_was_typed(
    world, filled, client_for
):
    selfeval = _in_review(world, filled)
    name = selfeval.indicators.get(position=5).name
    client = client_for("business")
    response = client.post(
        f"/evaluations/{selfeval.id}/adjust/",
        {"position": "5", "score": "1e1", "reason": "满意度调查样本不足，按样本比例扣分"},
        follow=True,
    )
    page = response.content.decode()
    assert f"指标“{name}”的审核调整" in page and "“1e1”不是数字" in page
    # given back in the form of that row alone
    start = page.index('name="position" value="5"')
    row = page[start : page.index("</form>", start)]
    assert 'value="1e1" aria-invalid="true"' in row
    assert 'value="满意度调查样本不足，按样本比例扣分"' in row
    assert page.count('value="1e1"') == 1 and page.count("满意度调查样本不足") == 1
    assert selfeval.indicators.get(position=5).reviewed_score is None
    again = client.get(f"/evaluations/{selfeval.id}/").content.decode()
    assert 'value="1e1"' not in again and "满意度调查样本不足" not in again


def test_a_refused_spot_check_gives_back_the_score_and_note(world, filled, client_for):
    client = client_for("performance")
    page = client.post(
        f"/evaluations/{filled.id}/spot-check/",
        {"total": "120", "note": "抽查发现满意度调查问卷不足"},
        follow=True,
    ).content.decode()
    assert "0 到 100" in page
    assert 'value="120"' in page and 'value="抽查发现满意度调查问卷不足"' in page
    assert SelfEvaluation.objects.get(pk=filled.pk).spot_check_total is None


def test_a_refused_step_keeps_its_comment_on_the_page_that_also_reads_the_adjustments(
    world, filled, client_for
):
    """The page reads what a refused form typed for its adjustments too; the 办理 card still
    gets the comment of its own refused step (the submission without the attestation)."""
    selfeval = selfeval_transition(actor=world.filer, selfeval=filled, name="complete")
    client = client_for("leader")
    page = client.post(
        f"/evaluations/{selfeval.id}/transition/",
        {"transition": "submit", "comment": "请审核，附件已补齐"},
        follow=True,
    ).content.decode()
    assert ">请审核，附件已补齐</textarea>" in page
    assert SelfEvaluation.objects.get(pk=selfeval.pk).status == selfeval.status
