"""The national 一体化 data elements: our schema objects as exchange documents and back."""

from __future__ import annotations

import pytest

from jixiao.indicators.data_elements import (
    ExchangeError,
    declarations_from_national,
    declarations_to_national,
    is_national,
    join_value,
    selfevals_from_national,
    selfevals_to_national,
    split_value,
)

PROJECT = {
    "region": "360102",
    "year": 2022,
    "unit": {"code": "101001", "name": "区教育局"},
    "project": {"code": "P01", "name": "校舍维修", "kinds": ["公共服务"], "parent_code": None},
    "amounts": {"total": "120.50", "current": "100.00", "carryover": "20.50", "other": None},
    "goal": "完成12所学校校舍维修。",
    "medium_term_goal": "三年完成全部校舍维修。",
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "维修学校数", "target": "≥12所",
         "unit": "所", "weight": "20.00"},
        {"category": "产出指标", "subcategory": "成本指标", "name": "生均维修成本",
         "target": "≤800元/人"},
        {"category": "效益指标", "subcategory": "社会效益指标", "name": "办学条件",
         "target": "明显改善"},
        {"category": "产出指标", "subcategory": "时效指标", "name": "完工时间",
         "target": "2022年12月底前"},
    ],
}  # fmt: skip
UNIT = {
    "region": "360102",
    "year": 2022,
    "unit": {"code": "101001"},
    "goal": "履行教育管理职责。",
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "督导学校数", "target": "30所"}
    ],
}


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("≥12所", None, ("12", "≥", "所")),
        ("≤800元/人", None, ("800", "≤", "元/人")),
        ("100%", None, ("100", "≥", "%")),  # a bare number reads as ≥ (DOMAIN.md §4.2)
        ("12", "个", ("12", "≥", "个")),  # the unit from its own column
        ("明显改善", None, ("明显改善", "定性", "")),
        ("2022年12月底前", None, ("2022年12月底前", "", "")),
    ],
)
def test_a_value_splits_into_kpi_val_computesign_and_meterunit(text, unit, expected):
    got = split_value(text, category="产出指标", subcategory="数量指标", year=2022, unit=unit)
    assert (got["kpi_val"], got["computesign"], got["meterunit"]) == expected


def test_the_three_fields_join_into_the_value_people_write():
    assert join_value({"kpi_val": "95", "computesign": "≥", "meterunit": "%"}) == "≥95%"
    assert join_value({"kpi_val": "明显改善", "computesign": "定性", "meterunit": ""}) == "明显改善"
    assert join_value({"kpi_val": "2022年12月底前", "computesign": ""}) == "2022年12月底前"


def test_a_project_declaration_goes_into_the_pm_tables_with_the_standard_keys():
    document = declarations_to_national([PROJECT])
    assert set(document) == {"PM_PERF_GOAL_INFO", "PM_PERF_INDICATOR"}
    goal = document["PM_PERF_GOAL_INFO"][0]
    assert (goal["fiscal_year"], goal["mof_div_code"], goal["agency_code"], goal["pro_code"]) == (
        2022, "360102", "101001", "P01"
    )  # fmt: skip
    assert goal["kpi_target"] == "完成12所学校校舍维修。"
    assert goal["zqgoal"] == "三年完成全部校舍维修。"
    assert goal["amounts"]["total"] == "120.50"  # ours, in 万元, beside the standard's fields
    first = document["PM_PERF_INDICATOR"][0]
    assert first["lv1_perf_ind_name"] == "产出指标"
    assert first["lv2_perf_ind_name"] == "数量指标"
    assert first["lv3_perf_ind_name"] == "维修学校数"
    assert (first["kpi_val"], first["computesign"], first["meterunit"]) == ("12", "≥", "所")
    assert first["pro_code"] == "P01" and first["weight"] == "20.00"


def test_a_whole_unit_declaration_goes_into_the_bgt_tables_without_a_project():
    document = declarations_to_national([UNIT])
    assert set(document) == {"BGT_PERF_GOAL_INFO", "BGT_PERF_INDICATOR"}
    assert "pro_code" not in document["BGT_PERF_GOAL_INFO"][0]


def test_declarations_come_back_with_the_same_readings():
    back = declarations_from_national(declarations_to_national([PROJECT, UNIT]))
    assert [b.get("project", {}).get("code") for b in back] == ["P01", None]
    project = back[0]
    assert project["goal"] == PROJECT["goal"]
    assert project["medium_term_goal"] == PROJECT["medium_term_goal"]
    assert project["amounts"] == PROJECT["amounts"]
    assert project["unit"] == {"code": "101001", "name": "区教育局"}
    assert [i["target"] for i in project["indicators"]] == [
        "≥12所", "≤800元/人", "明显改善", "2022年12月底前"
    ]  # fmt: skip
    assert back[1]["indicators"][0]["target"] == "≥30所"  # "30所" read as ≥ (§4.2)


def test_a_round_trip_of_a_document_changes_nothing():
    document = declarations_to_national([PROJECT, UNIT])
    assert declarations_to_national(declarations_from_national(document)) == document


def test_an_indicator_row_without_its_goal_row_is_named_by_table_and_row():
    document = declarations_to_national([PROJECT])
    document["PM_PERF_INDICATOR"][2]["pro_code"] = "P99"
    del document["PM_PERF_INDICATOR"][3]["fiscal_year"]
    with pytest.raises(ExchangeError) as exc:
        declarations_from_national(document)
    paths = [path for path, _message in exc.value.problems]
    assert paths == ["PM_PERF_INDICATOR[2]", "PM_PERF_INDICATOR[3].fiscal_year"]
    assert "PM_PERF_GOAL_INFO" in exc.value.problems[0][1]


@pytest.mark.parametrize("year", ["二〇二二", "22", 1999, None, True])
def test_a_bad_fiscal_year_is_refused(year):
    document = declarations_to_national([PROJECT])
    document["PM_PERF_GOAL_INFO"][0]["fiscal_year"] = year
    with pytest.raises(ExchangeError):
        declarations_from_national(document)


def test_two_goal_rows_of_one_project_are_refused():
    document = declarations_to_national([PROJECT, PROJECT])
    with pytest.raises(ExchangeError) as exc:
        declarations_from_national(document)
    assert exc.value.problems[0][0] == "PM_PERF_GOAL_INFO[1]"


def test_only_a_document_of_the_tables_counts_as_national():
    tables = ("PM_PERF_GOAL_INFO", "PM_PERF_INDICATOR")
    assert is_national({"PM_PERF_INDICATOR": []}, tables)
    assert not is_national([PROJECT], tables)
    assert not is_national(PROJECT, tables)


SELFEVAL = {
    "region": "360102",
    "year": 2021,
    "unit": {"code": "101001", "name": "区教育局"},
    "project": {"code": "P01", "name": "校舍维修"},
    "budget": {
        "initial": "100.00", "full_year": "120.00", "executed": "118.00", "self_score": "9.83",
        "sources": [{"source": "当年财政拨款", "initial": "100.00", "full_year": "120.00",
                     "executed": "118.00"}],
    },
    "goal": {"expected": "完成12所学校维修。", "achieved": "完成12所。"},
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "维修学校数", "target": "≥12所",
         "actual": "12所", "weight": "20", "self_score": "20", "deviation": None},
        {"category": "效益指标", "subcategory": "社会效益指标", "name": "办学条件",
         "target": "明显改善", "actual": "明显改善", "band": "达成年度指标", "weight": "30"},
    ],
    "self_total": "98.50",
}  # fmt: skip


def test_a_self_evaluation_fills_the_four_self_evaluation_tables():
    document = selfevals_to_national([SELFEVAL])
    assert document["PM_PERF_SELF_EVAL"][0]["total_eval_value"] == "98.50"
    assert document["PM_SELF_EVAL_GOAL"][0]["goal_comp"] == "完成12所。"
    total = document["PM_PERF_SELF_BGT"][0]
    assert (total["source"], total["reply_amt"], total["cur_amt"], total["year_exe_amt"]) == (
        "合计", "100.00", "120.00", "118.00"
    )  # fmt: skip
    assert total["exe_score"] == "9.83"
    line = document["PM_SELF_EVAL_INDICATOR"][0]
    assert (line["kpi_val"], line["computesign"], line["ind_comp"]) == ("12", "≥", "12所")
    assert (line["ind_weight"], line["eval_score"]) == ("20", "20")


def test_a_self_evaluation_comes_back_as_it_went():
    back = selfevals_from_national(selfevals_to_national([SELFEVAL]))
    assert len(back) == 1
    item = back[0]
    assert item["budget"] == SELFEVAL["budget"]
    assert item["goal"] == SELFEVAL["goal"]
    assert item["self_total"] == "98.50"
    assert [i["actual"] for i in item["indicators"]] == ["12所", "明显改善"]
    assert item["indicators"][1]["band"] == "达成年度指标"
    assert selfevals_to_national(back) == selfevals_to_national([SELFEVAL])
