"""Checking an agency's score table of a key evaluation (K01–K06, CONTRACT.md) and reading one
from Excel: each slip alone, the contract's output shape, and the refusals of a bad workbook
located at sheet, row and column. Every expected figure is worked out by hand here.
"""

import copy
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jixiao.evaluations.key.defaults  # noqa: F401  (registers "key_evaluation")
import jixiao.evaluations.rules  # noqa: F401  (registers "scoring": the grades)
from jixiao.core import rulebook
from jixiao.evaluations.key.score_file import read_score_table_xlsx
from jixiao.evaluations.key.score_table import check_score_table

RULES = rulebook.named().section("key_evaluation")
GRADES = rulebook.named().section("scoring")["grades"]


def row(level1, level3, weight, score, level2="二级"):
    return {"level1": level1, "level2": level2, "level3": level3, "weight": weight,
            "score": score}  # fmt: skip


#: 15 + 25 + 30 + 30 = 100; 产出 + 效益 = 60; 12 + 20 + 27 + 26.5 = 85.5 → 良.
CLEAN = {
    "subject": "城北消防站建设项目",
    "indicators": [
        row("决策", "立项依据充分性", "15", "12"),
        row("过程", "资金到位率", "25", "20"),
        row("产出", "实际完成率", "30", "27"),
        row("效益", "实施效益", "30", "26.5"),
    ],
    "total": "85.50",
    "grade": "良",
}


def changed(indicators=None, **top):
    table = copy.deepcopy(CLEAN)
    for index, values in (indicators or {}).items():
        table["indicators"][index].update(values)
    table.update(top)
    return table


#: Each slip alone, and the message it gives.
SLIPS = {
    # 20 + 25 + 30 + 30 = 105
    "K01": (changed({0: {"weight": "20"}}), "各指标分值合计105分，应为100分"),
    # 25 + 25 + 25 + 25: 产出 + 效益 = 50 < 60; scores 12 + 20 + 24 + 24 = 80 → 良
    "K02": (changed({0: {"weight": "25"}, 1: {"weight": "25"}, 2: {"weight": "25", "score": "24"},
                     3: {"weight": "25", "score": "24"}}, total="80"),
            "产出、效益指标分值合计50分，低于60分"),
    # 16 > 15, held at 15: 88.50; as written 16 + 20 + 27 + 26.5 = 89.5 (stated), both 良
    "K03": (changed({0: {"score": "16"}}, total="89.5"),
            "第1项指标“立项依据充分性”的得分16超出0至15分的范围"),
    "K04": (changed(total="86.50"), "填报的总分86.5与各项得分之和85.5相差1"),
    "K05": (changed(grade="优"), "填报的等级“优”与填报总分85.5对应的等级“良”不符"),
    # 投入 is not level 1: its 15 counts toward neither side; 产出 + 效益 is still 60
    "K06": (changed({0: {"level1": "投入"}}),
            "第1项指标“立项依据充分性”的一级指标“投入”不在指标体系（决策、过程、产出、效益）中，"
            "其分值不计入产出和效益合计"),
}  # fmt: skip


def check(table):
    return check_score_table(table, RULES, GRADES).to_data()


def test_a_clean_table_has_no_checks_and_the_contract_shape():
    result = check(CLEAN)
    assert result == {
        "total": "85.50",
        "grade": "良",
        "indicators": [{"score": s, "errors": []} for s in ("12.00", "20.00", "27.00", "26.50")],
        "checks": [],
    }


@pytest.mark.parametrize("code", sorted(SLIPS))
def test_each_slip_alone(code):
    table, message = SLIPS[code]
    assert check(table)["checks"] == [{"code": code, "message": message}]


def test_a_score_above_its_weight_is_held_at_the_weight_in_the_total():
    result = check(SLIPS["K03"][0])
    assert result["indicators"][0]["score"] == "15.00"
    assert result["total"] == "88.50" and result["grade"] == "良"


def test_a_negative_score_is_held_at_zero():
    # as written 12 + 20 + 27 − 2 = 57 (stated, 差); held: 12 + 20 + 27 + 0 = 59
    result = check(changed({3: {"score": "-2"}}, total="57", grade="差"))
    assert result["indicators"][3]["score"] == "0.00"
    assert result["total"] == "59.00" and result["grade"] == "差"
    assert [c["code"] for c in result["checks"]] == ["K03"]


def test_stated_total_within_a_hundredth_passes():
    assert check(changed(total="85.51"))["checks"] == []
    assert [c["code"] for c in check(changed(total="85.52"))["checks"]] == ["K04"]


def test_without_a_stated_total_or_grade_there_is_nothing_to_compare():
    table = changed()
    del table["total"], table["grade"]
    assert check(table)["checks"] == []


def test_a_grade_without_a_total_is_compared_with_the_sum_as_written():
    table = changed(grade="中")
    del table["total"]
    assert check(table)["checks"] == [
        {"code": "K05", "message": "填报的等级“中”与各项得分之和85.5对应的等级“良”不符"}
    ]


def test_a_stated_total_that_is_not_a_number_is_a_k04():
    checks = check(changed(total="八十五"))["checks"]
    assert checks == [{"code": "K04", "message":
                       "填报的总分“八十五”不是数值，无法与各项得分之和85.5核对"}]  # fmt: skip


def test_every_slip_is_reported_once_in_code_order():
    table = changed({0: {"level1": "投入", "score": "16"}, 1: {"score": "26"}}, total="99",
                    grade="优")  # fmt: skip
    codes = [c["code"] for c in check(table)["checks"]]
    # 16 + 26 + 27 + 26.5 = 95.5 ≠ 99 (K04); 99 is 优 (no K05); two scores above weight
    assert codes == ["K03", "K03", "K04", "K06"]


def test_text_in_a_score_is_an_error_on_that_indicator_and_the_rest_is_scored():
    result = check(changed({2: {"score": "二十七"}}))
    line = result["indicators"][2]
    assert line["score"] is None
    assert line["errors"] == [{"code": "bad_score", "message":
                               "第3项指标“实际完成率”的得分“二十七”不是数值，无法计分"}]  # fmt: skip
    assert result["total"] == "58.50" and result["grade"] is None
    # as written without the unreadable score: 12 + 20 + 26.5 = 58.5 ≠ 85.5
    assert [c["code"] for c in result["checks"]] == ["K04"]


def test_a_missing_weight_is_an_error_and_k01_says_so():
    result = check(changed({1: {"weight": None}}))
    assert result["indicators"][1]["score"] is None
    assert result["indicators"][1]["errors"][0]["code"] == "no_weight"
    k01 = next(c for c in result["checks"] if c["code"] == "K01")
    assert k01["message"] == "各指标分值合计75分（另有1项分值无法读取，未计入），应为100分"


def test_numbers_may_be_json_numbers_too():
    table = changed({0: {"weight": 15, "score": Decimal("12.005")}}, total=Decimal("85.505"))
    result = check(table)
    assert result["indicators"][0]["score"] == "12.01"  # half up
    assert result["checks"] == []


@pytest.mark.parametrize(
    ("data", "message"),
    [([], "评分表应为对象，实际为列表"), ({"indicators": []}, "评分表没有指标（indicators 应为非空列表）"),
     ({"indicators": [1]}, "第1项指标应为对象，实际为数字")],
)  # fmt: skip
def test_an_item_that_is_not_a_score_table_gets_errors_only(data, message):
    assert check(data) == {"errors": [{"code": "schema", "message": message}]}


def test_the_explanation_says_how_the_total_came_about():
    result = check_score_table(CLEAN, RULES, GRADES)
    assert result.explanation == "4项指标得分（各按0至分值计）合计85.50分，等级“良”"


def test_the_output_and_benefit_minimum_comes_from_the_rulebook():
    rules = copy.deepcopy(RULES)
    rules["framework"]["min_output_benefit"] = "70"
    checks = check_score_table(CLEAN, rules, GRADES).to_data()["checks"]
    assert checks == [{"code": "K02", "message": "产出、效益指标分值合计60分，低于70分"}]


def test_an_empty_level1_name_is_a_k06():
    checks = check(changed({1: {"level1": " "}}))["checks"]
    assert checks == [{"code": "K06", "message":
                       "第2项指标“资金到位率”未填一级指标，应为决策、过程、产出、效益之一"}]  # fmt: skip


@given(st.lists(st.integers(min_value=-500, max_value=3500), min_size=4, max_size=4))
def test_the_total_is_the_sum_of_the_scores_held_within_their_weights(hundredths):
    scores = [Decimal(h) / 100 for h in hundredths]
    table = changed({i: {"score": str(s)} for i, s in enumerate(scores)})
    del table["total"], table["grade"]
    weights = [Decimal(i["weight"]) for i in CLEAN["indicators"]]
    held = [min(max(s, Decimal(0)), w) for s, w in zip(scores, weights, strict=True)]
    result = check(table)
    assert Decimal(result["total"]) == sum(held)
    outside = sum(h != s for h, s in zip(held, scores, strict=True))
    assert [c["code"] for c in result["checks"]] == ["K03"] * outside


# --------------------------------------------------------------------------- Excel


def workbook(rows, merges=(), title="评分表") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for values in rows:
        sheet.append(values)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["一级指标", "二级指标", "三级指标", "分值（权重）", "得分"]
AGENCY_TABLE = [
    ["2020年城北消防站建设项目绩效评价评分表"],
    [],
    HEADER,
    ["决策", "项目立项", "立项依据充分性", 8, 7],
    [None, None, "立项程序规范性", 7, 6.5],
    ["过程", "资金管理", "资金到位率", 25, 24],
    ["产出", "产出数量", "实际完成率", 30, "27"],
    ["效益", "满意度", None, 30, 26],
    ["合计", None, None, 100, 90.5],
    ["评价等级", "优"],
]


def test_an_agency_workbook_is_read_with_merged_cells_filled():
    data = workbook(AGENCY_TABLE, merges=("A1:E1", "A4:A5", "B4:B5", "B8:C8"))
    table, problems = read_score_table_xlsx(data, "评分表.xlsx")
    assert problems == []
    assert table["subject"] == "2020年城北消防站建设项目绩效评价评分表"
    assert [(i["level1"], i["level2"], i["level3"]) for i in table["indicators"]] == [
        ("决策", "项目立项", "立项依据充分性"),
        ("决策", "项目立项", "立项程序规范性"),
        ("过程", "资金管理", "资金到位率"),
        ("产出", "产出数量", "实际完成率"),
        ("效益", "满意度", "满意度"),
    ]
    assert [(i["weight"], i["score"], i["row"]) for i in table["indicators"]] == [
        ("8", "7", 4), ("7", "6.5", 5), ("25", "24", 6), ("30", "27", 7), ("30", "26", 8)]  # fmt: skip
    assert (table["total"], table["grade"]) == ("90.5", "优")
    assert check(table) | {"indicators": None} == {
        "total": "90.50", "grade": "优", "indicators": None, "checks": []}  # fmt: skip


def test_a_workbook_from_a_path_and_a_file(tmp_path):
    path = tmp_path / "score.xlsx"
    path.write_bytes(workbook(AGENCY_TABLE))
    assert read_score_table_xlsx(path)[0]["total"] == "90.5"
    with path.open("rb") as handle:
        assert read_score_table_xlsx(handle)[0]["total"] == "90.5"


def test_a_grade_in_one_cell_and_a_header_in_row_1():
    rows = [HEADER, ["决策", "项目立项", "甲", 100, 95], ["总分：", None, None, None, 95],
            ["等级：优"]]  # fmt: skip
    table, problems = read_score_table_xlsx(workbook(rows), "t.xlsx")
    assert problems == [] and table["total"] == "95" and table["grade"] == "优"


def located(problems):
    return [(p.sheet, p.row, p.column, p.field) for p in problems]


def test_bad_rows_are_refused_with_sheet_row_and_column():
    rows = [
        HEADER,
        [None, "项目立项", "立项依据充分性", 15, 12],  # no level-1 name above or here
        ["过程", "资金管理", "资金到位率", 25, "二十"],  # text in a score
        ["产出", "产出数量", "实际完成率", 30, 31],  # above its weight
        ["效益", "项目效益", "实施效益", None, 26],  # no weight
    ]
    table, problems = read_score_table_xlsx(workbook(rows, title="东湖"), "t.xlsx")
    assert table is None
    assert located(problems) == [
        ("东湖", 2, "A", "一级指标"),
        ("东湖", 3, "E", "得分"),
        ("东湖", 4, "E", "得分"),
        ("东湖", 5, "D", "分值"),
    ]
    texts = [str(p) for p in problems]
    assert texts[0] == "工作表“东湖” 第 2 行 A 列 （一级指标）：缺少一级指标名称"
    assert texts[1].endswith("得分“二十”不是数值")
    assert texts[2].endswith("得分31超出0至分值30的范围")
    assert texts[3].endswith("未填分值")


def test_a_refused_row_still_names_the_level_of_the_merged_rows_below_it():
    rows = [HEADER, ["决策", "项目立项", "立项依据充分性", 15, "十二"],
            [None, None, "立项程序规范性", 10, 8]]  # fmt: skip
    table, problems = read_score_table_xlsx(workbook(rows, merges=("A2:A3", "B2:B3")), "t.xlsx")
    assert table is None and located(problems) == [("评分表", 2, "E", "得分")]


def test_a_sheet_without_the_header_is_refused():
    table, problems = read_score_table_xlsx(workbook([["项目", "得分"], ["甲", 1]]), "t.xlsx")
    assert table is None
    assert "前10行中没有找到表头（一级指标、二级指标、三级指标、分值、得分）" in str(problems[0])


def test_a_file_that_is_not_a_workbook_is_refused_by_the_safe_reader():
    table, problems = read_score_table_xlsx(b"PK\x03\x04 not really a zip", "t.xlsx")
    assert table is None and problems
    assert all("\u4e00" <= str(p)[0] <= "\u9fff" for p in problems)
