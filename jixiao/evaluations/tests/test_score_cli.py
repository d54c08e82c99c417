"""`jixiao score FILE.json [--rulebook NAME] --json` (CONTRACT.md): no database needed, one object
in gives one result, a list gives a list in order, an item off the schema gets errors in its slot,
exit 0 for any valid JSON, standard output only JSON.
"""

import copy
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .samples import REAL_EXECUTION, REAL_SCORES, REAL_TABLE, REAL_TOTAL

JIXIAO = Path(sys.executable).parent / "jixiao"

# A table with problems that leave some figures uncomputable: a unit mismatch, a free-text
# qualitative actual without a band, a missing weight, weights that do not add up.
ROUGH = {
    "year": 2020,
    "project": {"name": "2020年东湖区社区居家养老服务补助"},
    "budget": {"full_year": 86, "executed": "79.12"},
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "服务老人人次",
         "target": "≥12000人次", "actual": "11500人", "weight": 20},
        {"category": "产出指标", "subcategory": "质量指标", "name": "服务质量",
         "target": "优良", "actual": "服务规范，群众认可", "weight": 20},
        {"category": "效益指标", "subcategory": "社会效益指标", "name": "老人生活质量提升",
         "target": "有效提升", "actual": "达成年度指标", "weight": None},
        {"category": "满意度指标", "subcategory": "服务对象满意度指标", "name": "老人满意度",
         "target": "≥90%", "actual": "95%", "weight": 10},
    ],
}  # fmt: skip

CONTRACT_KEYS = {"execution", "indicators", "total", "grade", "errors", "warnings"}


def run_score(tmp_path: Path, data, *args: str, raw: str | None = None):
    path = tmp_path / "selfevals.json"
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=False), "utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DEBUG"}}  # fmt: skip
    database = tmp_path / "nowhere" / "jixiao.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{database}"
    result = subprocess.run([str(JIXIAO), "score", str(path), *args], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert not database.exists(), "score must not touch the database"
    return result


def test_one_object_gives_one_result_in_the_contract_shape(tmp_path):
    result = run_score(tmp_path, REAL_TABLE, "--json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert CONTRACT_KEYS <= set(output)
    assert {"rate", "score", "explanation"} <= set(output["execution"])
    assert (output["execution"]["rate"], output["execution"]["score"]) == REAL_EXECUTION
    assert len(output["indicators"]) == len(REAL_TABLE["indicators"])
    for entry, given in zip(output["indicators"], REAL_TABLE["indicators"], strict=True):
        assert {"name", "score", "explanation", "errors"} <= set(entry)
        assert entry["name"] == given["name"] and entry["errors"] == []
    assert [i["score"] for i in output["indicators"]] == REAL_SCORES
    assert (output["total"], output["grade"], output["errors"]) == (REAL_TOTAL, "优", [])
    assert all(set(w) >= {"code", "message"} for w in output["warnings"])


def test_decimals_are_strings_with_fixed_places(tmp_path):
    output = json.loads(run_score(tmp_path, REAL_TABLE, "--json").stdout)
    assert isinstance(output["total"], str) and len(output["execution"]["rate"].split(".")[1]) == 4
    assert all(len(i["score"].split(".")[1]) == 2 for i in output["indicators"])


def test_a_list_with_an_invalid_item_in_the_middle(tmp_path):
    broken = {"project": {"name": "缺指标的项目"}, "budget": {"full_year": [1]}}
    items = [REAL_TABLE, broken, ROUGH, "not a table"]
    result = run_score(tmp_path, items, "--json")
    assert result.returncode == 0, result.stderr
    good, bad, rough, text = json.loads(result.stdout)
    assert good["total"] == REAL_TOTAL
    assert set(bad) == {"errors"} and set(text) == {"errors"}
    messages = " ".join(e["message"] for e in bad["errors"])
    assert "indicators" in messages and "全年预算数" in messages
    assert all(e["code"] == "schema" for e in bad["errors"])
    assert CONTRACT_KEYS <= set(rough)


def test_problems_leave_the_rest_scored(tmp_path):
    output = json.loads(run_score(tmp_path, ROUGH, "--json").stdout)
    mismatch, quality, no_weight, satisfaction = output["indicators"]
    assert len(output["indicators"]) == len(ROUGH["indicators"])
    assert mismatch["score"] is None and mismatch["errors"][0]["code"] == "unit_mismatch"
    assert quality["score"] is None and quality["errors"][0]["code"] == "band_required"
    assert no_weight["score"] is None and no_weight["errors"] == []
    assert satisfaction["score"] == "10.00"
    assert output["execution"]["score"] == "9.20"
    assert output["total"] == "19.20" and output["grade"] is None
    assert {e["indicator"] for e in output["errors"]} == {0, 1}
    warning_codes = {w["code"] for w in output["warnings"]}
    assert {"no_weight", "weights_invalid", "incomplete"} <= warning_codes


@pytest.mark.parametrize(
    "raw",
    ['{"indicators": [', "", "[1, 2,]", '{"indicators": NaN}'],
    ids=["truncated", "empty", "trailing_comma", "nan"],
)
def test_invalid_json_fails_with_a_chinese_line(tmp_path, raw):
    result = run_score(tmp_path, None, "--json", raw=raw)
    assert result.returncode == 1
    assert result.stdout == ""
    reason = result.stderr.strip()
    assert len(reason.splitlines()) == 1 and "不是有效的 JSON" in reason


def test_unknown_rulebook_fails_with_a_chinese_line(tmp_path):
    result = run_score(tmp_path, REAL_TABLE, "--json", "--rulebook", "provincial")
    assert result.returncode == 1 and "未知的规则库" in result.stderr and result.stdout == ""


def test_rulebook_2021_reads_cost_as_first_level(tmp_path):
    moved = copy.deepcopy(REAL_TABLE)
    moved["indicators"][5].update(category="成本指标", subcategory="经济成本指标")
    output = json.loads(run_score(tmp_path, moved, "--json", "--rulebook",
                                  "national-2021").stdout)  # fmt: skip
    assert output["total"] == REAL_TOTAL
    assert output["indicators"][5]["category"] == "成本指标"
    assert "weights_invalid" not in {w["code"] for w in output["warnings"]}


def test_without_json_prints_a_readable_table(tmp_path):
    result = run_score(tmp_path, [REAL_TABLE, {"indicators": 3}])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2020年东湖区生活垃圾清运及分类处理项目" in out
    assert "序号 | 一级指标 | 三级指标 | 分值 | 得分" in out
    assert "总分：94.50　等级：优" in out and "（与规则不符）" in out
    assert "格式错误" in out


# ---------------------------------------------------------------------------- REGION:YEAR


@pytest.fixture
def table_file(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(REAL_TABLE, ensure_ascii=False), "utf-8")
    return path


def test_region_rulebook_is_read_from_the_database(world, table_file):
    from jixiao.core.rulebook import rulebook_save

    rulebook_save(region_code=world.region.code, year=2021, actor=world.users["performance"],
                  values={"scoring": {"quantitative": {"less_rule": "ratio"}}},
                  note="成本指标按 t/a 计分")  # fmt: skip
    out = StringIO()
    call_command("score", str(table_file), "--json", "--rulebook",
                 f"{world.region.code}:2021", stdout=out)  # fmt: skip
    output = json.loads(out.getvalue())
    assert output["indicators"][5]["score"] == "9.75"  # 10 × 140/143.6 = 9.749...
    assert "10 × 140/143.6" in output["indicators"][5]["explanation"]


def test_unknown_region_fails(world, table_file):
    with pytest.raises(CommandError, match="地区“999999”不存在"):
        call_command("score", str(table_file), "--json", "--rulebook", "999999:2021")
