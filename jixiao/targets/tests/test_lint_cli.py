"""`jixiao lint FILE.json [--rulebook NAME] --json` (CONTRACT.md): no database needed, one object
in gives one result, a list gives a list in order, an item off the schema gets errors in its slot.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

JIXIAO = Path(sys.executable).parent / "jixiao"

# 南昌市东湖区 2022年老旧小区改造项目, as a unit would file it (项目支出绩效目标申报表).
DECLARATION = {
    "region": "360102",
    "year": 2022,
    "unit": {"code": "102001", "name": "南昌市东湖区住房和城乡建设局"},
    "project": {"code": "2022-ZX-017", "name": "2022年东湖区老旧小区改造项目",
                "kinds": ["专项资金", "政府采购"]},
    "amounts": {"total": "1800.00", "current": "1500.00", "carryover": 300, "other": None},
    "goal": "完成12个老旧小区改造，惠及居民3000户；实施屋面防水、外墙修缮、雨污分流、道路硬化，"
            "增设停车位和路灯，改善居民居住环境。",
    "serves_public": True,
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "改造老旧小区数量",
         "target": "≥12个"},
        {"category": "产出指标", "subcategory": "数量指标", "name": "惠及居民户数",
         "target": "≥3000户"},
        {"category": "产出指标", "subcategory": "质量指标", "name": "工程验收合格率",
         "target": "100%"},
        {"category": "产出指标", "subcategory": "时效指标", "name": "改造工程完工时间",
         "target": "12月底前完成"},
        {"category": "产出指标", "subcategory": "成本指标", "name": "户均改造成本",
         "target": {"op": "<=", "number": "6000", "unit": "元/户"}},
        {"category": "效益指标", "subcategory": "社会效益指标", "name": "居民居住环境改善情况",
         "target": "小区雨污分流、道路、照明设施全部达到验收标准"},
        {"category": "满意度指标", "subcategory": "服务对象满意度指标", "name": "小区居民满意度",
         "target": "≥90%"},
    ],
}  # fmt: skip

# The 2021 summary's problems: empty value, quantity and quality the same, no benefit.
SLOPPY = {
    "year": 2022,
    "project": {"name": "2022年东湖区背街小巷整治项目"},
    "amounts": {"total": 500, "current": 400, "carryover": 50},
    "goal": "",
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "整治背街小巷", "target": "/"},
        {"category": "产出指标", "subcategory": "质量指标", "name": "整治背街小巷",
         "target": "效果明显"},
    ],
}  # fmt: skip


def run_lint(tmp_path: Path, data, *args: str, raw: str | None = None):
    path = tmp_path / "targets.json"
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=False), "utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DEBUG"}}  # fmt: skip
    database = tmp_path / "nowhere" / "jixiao.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{database}"
    result = subprocess.run([str(JIXIAO), "lint", str(path), *args], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert not database.exists(), "lint must not touch the database"
    return result


def codes(result: dict) -> set[str]:
    return {f["code"] for f in result["findings"]}


def test_one_object_gives_one_result_without_a_database(tmp_path):
    result = run_lint(tmp_path, DECLARATION, "--json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["findings"] == []
    assert output["skipped"] == ["T13", "T15", "T17"]


def test_a_list_gives_a_list_in_the_same_order(tmp_path):
    result = run_lint(tmp_path, [SLOPPY, DECLARATION, SLOPPY], "--json")
    assert result.returncode == 0, result.stderr
    first, second, third = json.loads(result.stdout)
    assert first == third and second["findings"] == []
    assert {"T02", "T05", "T07", "T09", "T10", "T16"} <= codes(first)
    t02 = next(f for f in first["findings"] if f["code"] == "T02")
    assert (t02["indicator"], t02["blocking"]) == (0, True)
    assert "整治背街小巷" in t02["message"]
    assert set(t02) >= {"code", "blocking", "indicator", "message"}


def test_an_item_off_the_schema_gets_errors_in_its_slot(tmp_path):
    broken = {"project": {"name": "缺指标的项目"}, "amounts": {"total": "一千八百万"}}
    result = run_lint(tmp_path, [DECLARATION, broken, SLOPPY, "not a declaration"], "--json")
    assert result.returncode == 0, result.stderr
    good, bad, sloppy, text = json.loads(result.stdout)
    assert good["findings"] == [] and "T02" in codes(sloppy)
    assert set(bad) == {"errors"} and set(text) == {"errors"}
    messages = " ".join(e["message"] for e in bad["errors"])
    assert "indicators" in messages and "一千八百万" in messages
    assert all(e["code"] == "schema" for e in bad["errors"])


@pytest.mark.parametrize(
    "raw",
    ['{"indicators": [', "", "[1, 2,]", '{"indicators": NaN}'],
    ids=["truncated", "empty", "trailing_comma", "nan"],
)
def test_invalid_json_fails_with_a_chinese_line(tmp_path, raw):
    result = run_lint(tmp_path, None, "--json", raw=raw)
    assert result.returncode != 0
    assert result.stdout == ""
    reason = result.stderr.strip()
    assert len(reason.splitlines()) == 1 and "不是有效的 JSON" in reason


def test_missing_file_fails_with_a_chinese_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'none' / 'db.sqlite3'}"}
    result = subprocess.run([str(JIXIAO), "lint", str(tmp_path / "nope.json"), "--json"],
                            env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1 and "不存在" in result.stderr and result.stdout == ""


def test_rulebook_2021_moves_cost_to_first_level(tmp_path):
    classic = json.loads(run_lint(tmp_path, DECLARATION, "--json").stdout)
    central = json.loads(run_lint(tmp_path, DECLARATION, "--json", "--rulebook",
                                  "national-2021").stdout)  # fmt: skip
    assert "T06" not in codes(classic)
    [t06] = [f for f in central["findings"] if f["code"] == "T06"]
    assert "成本指标" in t06["message"] and not t06["blocking"]
    moved = json.loads(json.dumps(DECLARATION))
    moved["indicators"][4].update(category="成本指标", subcategory="经济成本指标")
    for rulebook in ("national", "national-2021"):
        output = json.loads(run_lint(tmp_path, moved, "--json", "--rulebook", rulebook).stdout)
        assert output["findings"] == [], rulebook


def test_unknown_rulebook_fails_with_a_chinese_line(tmp_path):
    result = run_lint(tmp_path, DECLARATION, "--json", "--rulebook", "provincial")
    assert result.returncode == 1 and "未知的规则库" in result.stderr and result.stdout == ""


def test_without_json_prints_a_readable_report(tmp_path):
    result = run_lint(tmp_path, [SLOPPY, {"indicators": 3}])
    assert result.returncode == 0, result.stderr
    assert "2022年东湖区背街小巷整治项目" in result.stdout
    assert "T02 [须修改]" in result.stdout and "格式错误" in result.stdout
    assert "未检查" in result.stdout


# ---------------------------------------------------------------------------- REGION:YEAR


@pytest.fixture
def declaration_file(tmp_path):
    path = tmp_path / "one.json"
    data = json.loads(json.dumps(DECLARATION))
    data["indicators"][0]["target"] = "≥12"  # T04, a warning by default
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_region_rulebook_is_read_from_the_database(world, declaration_file):
    from jixiao.core.rulebook import rulebook_save

    rulebook_save(region_code=world.region.code, year=2022, actor=world.users["performance"],
                  values={"lint": {"T04": {"blocking": True}}}, note="单位缺失须修改")  # fmt: skip
    out = StringIO()
    call_command("lint", str(declaration_file), "--json", "--rulebook",
                 f"{world.region.code}:2022", stdout=out)  # fmt: skip
    [t04] = json.loads(out.getvalue())["findings"]
    assert (t04["code"], t04["blocking"]) == ("T04", True)


def test_unknown_region_fails(world, declaration_file):
    with pytest.raises(CommandError, match="地区“999999”不存在"):
        call_command("lint", str(declaration_file), "--json", "--rulebook", "999999:2022")


# ------------------------------------------------------------------ --region R --year Y (T13/T15/T17)


def lint_in_database(tmp_path: Path, data, *args: str) -> dict:
    path = tmp_path / "filed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = StringIO()
    call_command("lint", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def as_filed(project: dict, unit: dict, extra: tuple = ()) -> dict:
    """A declaration file of the world's rows (jixiao.testing.GOOD_ROWS) and `extra` rows."""
    from jixiao.testing import GOOD_ROWS

    rows = [*GOOD_ROWS, *extra]
    return {
        "year": 2022, "unit": unit, "project": project,
        "amounts": {"total": "120.623456", "current": "100.123456", "carryover": "20.5"},
        "goal": "完成12个老旧小区改造，改善居住环境。", "serves_public": True,
        "indicators": [{"category": r["category"], "subcategory": r["subcategory"],
                        "name": r["name"], "target": r["value_text"]} for r in rows],
    }  # fmt: skip


TRAINED_ROW = {"category": "产出指标", "subcategory": "数量指标", "name": "培训教师人次",
               "value_text": "≥100人次"}  # fmt: skip
CHILD = as_filed({"code": "P1A", "name": "项目P1A"}, {"code": "U1A"}, (TRAINED_ROW,))


@pytest.fixture
def child_with_history(world, declare):
    """P1A is a level-2 project of P1 (which has a target); its 2021 self-evaluation recorded
    120 teachers trained."""
    from jixiao.targets.tests.test_lint_history import last_year_selfeval

    child = world.projects["P1A"]
    child.parent = world.projects["P1"]
    child.save(update_fields=["parent"])
    declare("P1")
    last_year_selfeval(world, [("培训教师人次", "≥100人次", "120人次")], code="P1A",
                       name="项目P1A", unit="U1A")  # fmt: skip
    return child


def test_region_and_year_run_t13_t15_and_t17_from_the_database(tmp_path, child_with_history):
    result = lint_in_database(tmp_path, CHILD, "--region", "100101", "--year", "2022")
    assert result["skipped"] == []
    [t13] = [f for f in result["findings"] if f["code"] == "T13"]
    assert t13["indicator"] == len(CHILD["indicators"]) - 1 and "120" in t13["message"]


def test_without_region_and_year_the_context_checks_are_skipped(tmp_path, child_with_history):
    result = lint_in_database(tmp_path, CHILD)
    assert result["skipped"] == ["T13", "T15", "T17"] and "T13" not in codes(result)


@pytest.mark.parametrize(
    ("region", "data"),
    [
        ("100102", CHILD),
        ("100101", as_filed({"code": "PB", "name": "项目PB"}, {"code": "UB"}, (TRAINED_ROW,))),
    ],
    ids=["our_project_linted_in_another_region", "another_regions_project_linted_in_ours"],
)
def test_a_project_of_another_region_is_not_matched(tmp_path, child_with_history, region, data):
    result = lint_in_database(tmp_path, data, "--region", region, "--year", "2022")
    assert result["skipped"] == ["T13", "T15", "T17"] and "T13" not in codes(result)


@pytest.mark.parametrize("office", ["100000", "100100"], ids=["province", "city"])
def test_a_province_or_city_file_finds_each_declaration_in_the_district_it_names(
    tmp_path, child_with_history, office
):
    result = lint_in_database(tmp_path, {**CHILD, "region": "100101"}, "--region", office,
                              "--year", "2022")  # fmt: skip
    assert result["skipped"] == []
    assert [f["indicator"] for f in result["findings"] if f["code"] == "T13"] == [
        len(CHILD["indicators"]) - 1
    ]


@pytest.mark.parametrize(
    ("office", "named"),
    [("100000", None), ("100102", "100101")],
    ids=["province_file_naming_no_district", "district_naming_a_district_outside_it"],
)
def test_a_declaration_is_not_looked_up_outside_the_region_given_or_the_district_it_names(
    tmp_path, child_with_history, office, named
):
    data = {**CHILD, "region": named} if named else CHILD
    result = lint_in_database(tmp_path, data, "--region", office, "--year", "2022")
    assert result["skipped"] == ["T13", "T15", "T17"] and "T13" not in codes(result)


def test_a_units_declarations_in_one_file_are_each_compared_with_the_others_not_themselves(
    tmp_path, world, declare
):
    """The file reads the unit's targets once for all its declarations; each still gets T15
    against the unit's other project and never against its own saved target."""
    from jixiao.budgets.models import Project

    p1 = world.projects["P1"]
    world.projects["P1X"] = Project.objects.create(region=p1.region, year=2022, code="P1X", name="项目P1X", unit=p1.unit,
                           full_current=Decimal("100"), full_carryover=Decimal("0"),
                           initial_current=Decimal("90"))  # fmt: skip
    declare("P1")
    declare("P1X")
    files = [
        as_filed({"code": code, "name": f"项目{code}"}, {"code": "U1"}) for code in ("P1", "P1X")
    ]
    results = lint_in_database(tmp_path, files, "--region", "100101", "--year", "2022")
    for result, other in zip(results, ("项目P1X", "项目P1"), strict=True):
        [t15] = [f for f in result["findings"] if f["code"] == "T15"]
        assert f"“{other}”" in t15["message"] and "T15" not in result["skipped"]
        own = "项目P1X" if other == "项目P1" else "项目P1"
        assert f"“{own}”" not in t15["message"]


def test_an_unknown_project_of_a_known_unit_gets_t15_only(tmp_path, world, declare):
    declare("P1")  # the unit's other project, with the same indicators
    data = as_filed({"name": "甲区新建项目"}, {"name": "甲区教育局"})
    result = lint_in_database(tmp_path, data, "--region", "100101", "--year", "2022")
    assert result["skipped"] == ["T13", "T17"]
    [t15] = [f for f in result["findings"] if f["code"] == "T15"]
    assert "项目P1" in t15["message"]


def linted_in_copies(tmp_path, data: dict, copies: tuple[int, ...]) -> tuple[list, list]:
    """The queries and the results of linting files of `copies` copies of `data` in 100101."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, results = [], []
    for n in copies:
        with CaptureQueriesContext(connection) as queries:
            results.append(lint_in_database(tmp_path, [data] * n, "--region", "100101",
                                            "--year", "2022"))  # fmt: skip
        counts.append(len(queries))
    return counts, results


def test_a_file_of_many_declarations_reads_the_region_in_as_many_queries_as_one(
    tmp_path, world, declare
):
    declare("P1")
    data = as_filed({"name": "甲区新建项目"}, {"name": "甲区教育局"})
    counts, results = linted_in_copies(tmp_path, data, (1, 20))
    assert counts[0] == counts[1]
    assert results[1] == results[0] * 20 and results[0][0]["skipped"] == ["T13", "T17"]


def test_found_projects_without_a_last_year_add_no_query_a_declaration(tmp_path, world, declare):
    """No project of 2021 in the region: T13 still runs (and finds nothing), T15 compares with
    the unit's other targets, and five declarations of the unit's projects read no more than
    one; the history is not asked project by project."""
    declare("P1")
    data = as_filed({"code": "P1", "name": "项目P1"}, {"code": "U1"})
    counts, results = linted_in_copies(tmp_path, data, (1, 5))
    assert counts[0] == counts[1]
    assert results[1] == results[0] * 5 and results[0][0]["skipped"] == ["T17"]


def test_a_project_with_a_last_year_still_reads_its_actuals_among_others_without(
    tmp_path, child_with_history
):
    # P2 (another unit's project) had no 2021 project: nothing of last year is read for it
    other = as_filed({"code": "P2", "name": "项目P2"}, {"code": "U2"}, (TRAINED_ROW,))
    results = lint_in_database(tmp_path, [other, CHILD], "--region", "100101", "--year", "2022")
    assert [r["skipped"] for r in results] == [["T17"], []]
    assert "T13" not in codes(results[0])
    [t13] = [f for f in results[1]["findings"] if f["code"] == "T13"]
    assert "120" in t13["message"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [(("--region", "100101"), "同时给出"), (("--year", "2022"), "同时给出"),
     (("--region", "999999", "--year", "2022"), "“999999”不存在")],
    ids=["region_alone", "year_alone", "unknown_region"],
)  # fmt: skip
def test_region_and_year_go_together_and_the_region_must_exist(tmp_path, world, args, reason):
    with pytest.raises(CommandError, match=reason):
        lint_in_database(tmp_path, CHILD, *args)


def test_without_a_database_a_missing_satisfaction_indicator_suggests_one_of_the_national_library(
    tmp_path,
):
    no_satisfaction = {**DECLARATION, "indicators": DECLARATION["indicators"][:-1]}
    result = run_lint(tmp_path, no_satisfaction, "--json")
    [t08] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "T08"]
    # the bundled library has residents' satisfaction with an old-estate renovation
    assert "可参考指标库中的" in t08["message"] and "满意度" in t08["message"].split("可参考")[1]
