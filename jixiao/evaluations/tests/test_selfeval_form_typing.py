"""The self-evaluation form as a filer types into it: a refused save keeps every line typed and
says which line is wrong; numbers read as written (no decimal comma taken for thousands)."""

from decimal import Decimal

import pytest

from jixiao.evaluations.models import SelfEvaluation

from .test_selfeval_flow import approved, filled  # noqa: F401 (fixtures)


def test_a_refused_save_keeps_every_line_and_names_the_wrong_one(
    world,
    client_for,
    filled,  # noqa: F811
):
    line = filled.indicators.get(position=1)
    data = {
        "position": ["0", "1"],
        "executed_current": "100",
        "goal_achieved": "改造完成十三个小区",
        "report": "项目总体完成较好，群众满意。",
        "actual-0": "13个",
        "deviation-0": "需求增加",
        "actual-1": "98%",
        "weight-1": "十",
        "explanation-1": "验收一次通过",
    }
    response = client_for("filer").post(f"/evaluations/{filled.id}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"第 2 行（{line.name}）的分值“十”不是数字。" in page
    assert (
        "改造完成十三个小区</textarea>" in page
        and "项目总体完成较好，群众满意。</textarea>" in page
    )
    assert 'value="13个"' in page and "需求增加</textarea>" in page
    assert 'value="98%"' in page and 'value="十"' in page and "验收一次通过</textarea>" in page
    stored = SelfEvaluation.objects.get(pk=filled.pk)
    assert stored.goal_achieved == "完成12个小区改造。"
    assert stored.indicators.get(position=0).actual == "12个"


def test_a_decimal_comma_in_an_amount_is_refused(world, client_for, filled):  # noqa: F811
    response = client_for("filer").post(
        f"/evaluations/{filled.id}/edit/", {"position": [], "executed_current": "99,5"}
    )
    assert response.status_code == 400 and "“99,5”不是数字。" in response.content.decode()
    assert SelfEvaluation.objects.get(pk=filled.pk).executed_current == Decimal("100")


@pytest.mark.parametrize(
    "executed, weight, read_executed, read_weight",
    [
        ("１，２００．５", "２０", "1200.5", "20"),  # full-width digits
        ("99.50000000", "20.000", "99.5", "20"),  # trailing zeros are no extra places
    ],
)
def test_typed_numbers_are_read_as_written(
    world,
    client_for,
    filled,  # noqa: F811
    executed,
    weight,
    read_executed,
    read_weight,
):
    response = client_for("filer").post(
        f"/evaluations/{filled.id}/edit/",
        {"position": ["0"], "executed_current": executed, "weight-0": weight},
    )
    assert response.status_code == 302
    stored = SelfEvaluation.objects.get(pk=filled.pk)
    assert stored.executed_current == Decimal(read_executed)
    assert stored.indicators.get(position=0).weight == Decimal(read_weight)


def test_the_page_says_why_a_missed_target_cannot_be_completed_yet(
    world,
    client_for,
    filled,  # noqa: F811
):
    client = client_for("filer")
    page = client.get(f"/evaluations/{filled.id}/").content.decode()
    assert "还不能" not in page and 'value="complete"' in page
    client.post(
        f"/evaluations/{filled.id}/edit/", {"position": ["0"], "actual-0": "9个", "weight-0": "20"}
    )
    page = client.get(f"/evaluations/{filled.id}/").content.decode()
    assert "还不能“填报完成”：" in page and "偏差原因" in page
    assert 'value="complete"' not in page


def test_a_word_for_a_judged_score_is_refused_naming_the_item_and_keeps_the_form(world, client_for):
    from jixiao.evaluations.models import UnitEvaluation

    url = f"/unit-evaluations/{world.units['U1'].id}/2022/"
    response = client_for("filer").post(
        url,
        {
            "value-在职人数": "105",
            "value-编制人数": "100",
            "band-目标设置": "达到要求",
            "score-目标设置": "四",
            "band-能力建设": "部分达到要求",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400  # a server error before
    assert "“目标设置”的得分“四”不是数字。" in page
    assert 'name="value-在职人数" size="10" value="105"' in page and 'value="四"' in page
    assert "<option selected>部分达到要求</option>" in page
    assert not UnitEvaluation.objects.filter(unit=world.units["U1"], year=2022).exists()


def test_the_page_names_the_rules_of_the_score_not_their_key(world, client_for, filled):  # noqa: F811
    page = client_for("filer").get(f"/evaluations/{filled.id}/").content.decode()
    assert "评分所用规则：国家默认（经典指标体系）" in page and "：national" not in page
