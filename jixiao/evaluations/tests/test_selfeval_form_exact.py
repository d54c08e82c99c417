"""The self-evaluation form keeps what the filer meant: a figure with more places than its
column keeps is refused (it was rounded unseen), and text longer than a column is refused by
line (it was cut unseen); the page gives back what was typed."""

from decimal import Decimal

from jixiao.evaluations.models import SelfEvaluation

from .test_selfeval_flow import approved, filled  # noqa: F401 (fixtures)


def test_a_score_with_three_places_is_refused_naming_the_line(world, client_for, filled):  # noqa: F811
    line = filled.indicators.get(position=1)
    response = client_for("filer").post(
        f"/evaluations/{filled.id}/edit/",
        {"position": ["0", "1"], "weight-1": "9.999", "actual-0": "13个"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"第 2 行（{line.name}）的分值最多 2 位小数。" in page
    assert 'value="9.999"' in page and 'value="13个"' in page
    assert SelfEvaluation.objects.get(pk=filled.pk).indicators.get(position=1).weight == line.weight


def test_an_amount_with_seven_places_is_refused_not_rounded(world, client_for, filled):  # noqa: F811
    response = client_for("filer").post(
        f"/evaluations/{filled.id}/edit/", {"position": [], "executed_current": "1.1234567"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "执行数·当年财政拨款最多 6 位小数。" in page and 'value="1.1234567"' in page
    assert SelfEvaluation.objects.get(pk=filled.pk).executed_current == Decimal("100")


def test_an_actual_longer_than_its_column_is_refused_not_cut(world, client_for, filled):  # noqa: F811
    line = filled.indicators.get(position=0)
    actual = "完成" * 101  # 202 characters; the column keeps 200
    response = client_for("filer").post(
        f"/evaluations/{filled.id}/edit/",
        {"position": ["0"], "actual-0": actual, "report": "项目总体完成较好。"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"第 1 行（{line.name}）的实际完成值内容过长（202 个字符，最多 200 个）" in page
    assert f'value="{actual}"' in page and "项目总体完成较好。</textarea>" in page
    assert SelfEvaluation.objects.get(pk=filled.pk).indicators.get(position=0).actual == "12个"


def test_a_score_out_of_range_names_the_line_and_the_column(world, client_for, filled):  # noqa: F811
    line = filled.indicators.get(position=1)
    response = client_for("filer").post(
        f"/evaluations/{filled.id}/edit/", {"position": ["0", "1"], "self_score-1": "150"}
    )
    assert response.status_code == 400
    assert f"第 2 行（{line.name}）的单位自评得分“150”须在 0 到 100 之间。" in (
        response.content.decode()
    )


def test_a_reviewers_score_reads_as_typed_and_nan_is_told_not_a_server_error(
    world,
    client_for,
    filled,  # noqa: F811
):
    from jixiao.evaluations.services import selfeval_transition

    selfeval = selfeval_transition(actor=world.filer, selfeval=filled, name="complete")
    selfeval_transition(actor=world.leader, selfeval=selfeval, name="submit", attest=True)
    client = client_for("business")
    url = f"/evaluations/{filled.id}/adjust/"
    for typed, told in (
        ("NaN", "“NaN”不是数字。"),
        ("1e1", "“1e1”不是数字。"),
        ("7.999", "审核调整后得分最多 2 位小数。"),
    ):
        response = client.post(url, {"position": "5", "score": typed, "reason": "样本不足"})
        assert response.status_code == 302, typed
        assert told in client.get(f"/evaluations/{filled.id}/").content.decode(), typed
    assert (
        SelfEvaluation.objects.get(pk=filled.pk).indicators.get(position=5).reviewed_score is None
    )
    client.post(url, {"position": "5", "score": "７．５", "reason": "样本不足"})
    line = SelfEvaluation.objects.get(pk=filled.pk).indicators.get(position=5)
    assert line.reviewed_score == Decimal("7.5")
