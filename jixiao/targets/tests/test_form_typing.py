"""The declaration form as a filer types into it the night before the deadline: text longer
than a grid column keeps is refused by row and column, not cut; a weight keeps what was typed
or is refused; a refused save gives back every box, the 中期目标 and the checkbox too."""

import re
from decimal import Decimal

from jixiao.targets.models import Target
from jixiao.testing import GOOD_ROWS

from .test_pages import grid_post


def test_a_name_longer_than_its_column_is_refused_by_row_not_cut(world, client_for, declare):
    target = declare()
    rows = [dict(r) for r in GOOD_ROWS]
    long_name = "改造老旧小区" + "数" * 200  # 206 characters; the column keeps 200
    rows[1]["name"] = long_name
    response = client_for("filer").post(f"/targets/{target.id}/edit/", grid_post(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行指标的三级指标内容过长（206 个字符，最多 200 个），请删减后再保存。" in page
    assert f"{long_name}</textarea>" in page  # all of it, to cut where the filer chooses
    stored = Target.objects.get(pk=target.pk).indicators.get(position=1)
    assert stored.name == "工程验收合格率"


def test_a_weight_with_more_places_than_kept_is_refused_not_rounded(world, client_for, declare):
    target = declare()
    rows = [dict(r) for r in GOOD_ROWS]
    rows[0]["weight"] = "9.999"
    response = client_for("filer").post(f"/targets/{target.id}/edit/", grid_post(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "第 1 行指标的分值最多 2 位小数。" in page and 'value="9.999"' in page
    assert Target.objects.get(pk=target.pk).indicators.get(position=0).weight is None


def test_a_weight_reads_as_typed_full_width_and_trailing_zeros(world, client_for, declare):
    target = declare()
    rows = [dict(r) for r in GOOD_ROWS]
    rows[0]["weight"], rows[1]["weight"] = "１２．５", " 10.500\t"
    response = client_for("filer").post(f"/targets/{target.id}/edit/", grid_post(rows))
    assert response.status_code == 302
    stored = Target.objects.get(pk=target.pk).indicators.order_by("position")
    assert [i.weight for i in stored[:2]] == [Decimal("12.5"), Decimal("10.5")]


def test_a_refused_save_gives_back_the_medium_term_goal_and_the_checkbox(
    world, client_for, declare
):
    target = declare()
    target.project.multi_year = True
    target.project.save(update_fields=["multi_year"])
    data = grid_post(GOOD_ROWS, amount_current="12,5", medium_term_goal="三年内完成全部改造")
    del data["serves_public"]  # unticked this time (the stored declaration has it ticked)
    response = client_for("filer").post(f"/targets/{target.id}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "三年内完成全部改造</textarea>" in page
    assert 'name="serves_public" >' in page or 'name="serves_public">' in page
    assert "checked" not in page.split('name="serves_public"')[1].split(">")[0]


def test_a_refusal_reads_in_english_without_chinese_words(world, client_for, declare):
    target = declare()
    rows = [dict(r) for r in GOOD_ROWS]
    rows[0]["weight"] = "9.999"
    rows[1]["name"] = "数" * 201
    client = client_for("filer")
    client.cookies["django_language"] = "en"
    page = client.post(f"/targets/{target.id}/edit/", grid_post(rows)).content.decode()
    errors = re.findall(r'<p class="error" role="alert">(.*?)</p>', page)
    assert errors, page[:500]
    assert not any(re.search(r"[\u4e00-\u9fff]", e.replace("数" * 201, "")) for e in errors)


def test_without_javascript_a_row_can_be_added_keeping_what_was_typed(world, client_for, declare):
    target = declare()
    client = client_for("filer")
    page = client.get(f"/targets/{target.id}/edit/").content.decode()
    assert page.count('name="ind-name"') == len(GOOD_ROWS)  # no blank row to fill
    assert '<noscript><button name="then" value="add-row">' in page
    data = grid_post(GOOD_ROWS, then="add-row", goal="改善居住环境（未保存）")
    response = client.post(f"/targets/{target.id}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="ind-name"') == len(GOOD_ROWS) + 1
    assert "改善居住环境（未保存）</textarea>" in page
    assert Target.objects.get(pk=target.pk).goal == "完成12个老旧小区改造，改善居住环境。"
    rows = [
        *GOOD_ROWS,
        {"category": "产出指标", "subcategory": "数量指标", "name": "新增", "value_text": "≥1个"},
    ]
    response = client.post(f"/targets/{target.id}/edit/", grid_post(rows))
    assert response.status_code == 302
    assert Target.objects.get(pk=target.pk).indicators.count() == len(GOOD_ROWS) + 1


def test_a_grid_row_offers_its_categorys_subcategories_and_keeps_one_the_catalogue_lacks():
    from jixiao.targets.templatetags.targets import subcategory_options

    catalogue = {"产出指标": ["数量指标", "质量指标"], "效益指标": ["社会效益指标"]}
    row = {"category": "产出指标", "subcategory": "质量指标"}
    assert subcategory_options(catalogue, row) == [("数量指标", False), ("质量指标", True)]
    odd = {"category": "产出指标", "subcategory": "地方自定二级指标"}
    assert subcategory_options(catalogue, odd)[-1] == ("地方自定二级指标", True)
    assert subcategory_options(catalogue, {}) == []


def test_the_edit_page_draws_each_rows_subcategory_choices_without_scripts(
    world, client_for, declare
):
    target = declare()
    page = client_for("filer").get(f"/targets/{target.id}/edit/").content.decode()
    first = page[page.index('name="ind-subcategory"') :]
    first = first[: first.index("</select>")]
    assert '<option value=""></option>' in first
    assert "<option selected>数量指标</option>" in first and "<option>质量指标</option>" in first
    assert "社会效益指标" not in first
