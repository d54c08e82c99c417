"""`jixiao alerts FILE.json [--rulebook NAME] --json [--today DATE]` (CONTRACT.md): no database
needed, one object in gives one result, a list gives a list in order, an item off the schema
gets errors in its slot, invalid JSON fails with one Chinese line.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

JIXIAO = Path(sys.executable).parent / "jixiao"

# 南昌市东湖区 2021年老旧小区改造项目 at the end of June, reported five days late.
REPORT = {
    "region": "360102",
    "year": 2021,
    "as_of": "2021-06-30",
    "deadline": "2021-07-15",
    "submitted": "2021-07-20",
    "unit": {"code": "102001", "name": "南昌市东湖区住房和城乡建设局"},
    "project": {"code": "2021-ZX-017", "name": "2021年东湖区老旧小区改造项目",
                "kinds": ["专项资金"]},
    "budget": {"initial": "1800.00", "full_year": "1000.00", "executed": "300.00",
               "expected_full_year": "1000.00", "contract_amount": "250.00"},
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "改造老旧小区数量",
         "target": "≥12个", "progress": "6个", "expected": "12个", "likelihood": "确定能"},
        {"category": "满意度指标", "subcategory": "服务对象满意度指标", "name": "居民满意度",
         "target": "≥90%", "likelihood": "完全不可能", "cause": "其他",
         "explanation": "施工扰民投诉较多", "measures": "错峰施工"},
    ],
}  # fmt: skip

# A report that is on track: no alerts at all.
ON_TRACK = {
    "as_of": "2021-06-30",
    "deadline": "2021-07-15",
    "submitted": "2021-07-10",
    "project": {"name": "2021年东湖区背街小巷整治项目"},
    "budget": {"full_year": 500, "executed": 260},
}


def run_alerts(tmp_path: Path, data, *args: str, raw: str | None = None):
    path = tmp_path / "monitoring.json"
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=False), "utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DEBUG"}}  # fmt: skip
    database = tmp_path / "nowhere" / "jixiao.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{database}"
    result = subprocess.run([str(JIXIAO), "alerts", str(path), *args], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert not database.exists(), "alerts must not touch the database"
    return result


def codes(result: dict) -> list[tuple[str, str, int | None]]:
    return [(a["code"], a["level"], a["indicator"]) for a in result["alerts"]]


def test_one_object_gives_one_result_without_a_database(tmp_path):
    result = run_alerts(tmp_path, REPORT, "--json", "--today", "2021-08-01")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert codes(output) == [
        ("M01", "yellow", None),
        ("M02", "red", None),
        ("M04", "red", 1),
        ("M06", "red", None),
        ("M07", "yellow", None),
    ]
    m01 = output["alerts"][0]
    assert set(m01) >= {"code", "level", "message", "indicator"}
    assert "181/365" in m01["explanation"] and "30.00%" in m01["message"]
    assert output["time_progress"] == "0.4959" and output["execution_rate"] == "0.3000"
    [warning] = output["warnings"]  # 满意度 has no progress so far: M03 not judged on it
    assert (warning["code"], warning["indicator"]) == ("no_progress", 1)


def test_a_list_with_an_invalid_item_keeps_its_slot(tmp_path):
    broken = {"as_of": "2021-06-31", "budget": {"full_year": "一千"}}
    result = run_alerts(tmp_path, [ON_TRACK, broken, REPORT, "not a report"], "--json",
                        "--today", "2021-08-01")  # fmt: skip
    assert result.returncode == 0, result.stderr
    good, bad, late, text = json.loads(result.stdout)
    assert good["alerts"] == [] and len(late["alerts"]) == 5
    assert set(bad) == {"errors"} and set(text) == {"errors"}
    messages = " ".join(e["message"] for e in bad["errors"])
    assert "2021-06-31" in messages and "一千" in messages
    assert all(e["code"] == "schema" for e in bad["errors"])


def test_today_decides_an_unsubmitted_report(tmp_path):
    missing = {**ON_TRACK, "submitted": None}
    on_time = json.loads(run_alerts(tmp_path, missing, "--json", "--today", "2021-07-15").stdout)
    late = json.loads(run_alerts(tmp_path, missing, "--json", "--today", "2021-07-16").stdout)
    assert on_time["alerts"] == [] and codes(late) == [("M07", "yellow", None)]


@pytest.mark.parametrize(
    "raw",
    ['{"as_of": "2021-06-30", "budget": {', "", "[1, 2,]", '{"budget": NaN}'],
    ids=["truncated", "empty", "trailing_comma", "nan"],
)
def test_invalid_json_fails_with_a_chinese_line(tmp_path, raw):
    result = run_alerts(tmp_path, None, "--json", raw=raw)
    assert result.returncode != 0
    assert result.stdout == ""
    reason = result.stderr.strip()
    assert len(reason.splitlines()) == 1 and "不是有效的 JSON" in reason


@pytest.mark.parametrize(
    "args, text",
    [(("--today", "2021-13-01"), "检查日"), (("--rulebook", "provincial"), "未知的规则库")],
)
def test_bad_options_fail_with_a_chinese_line(tmp_path, args, text):
    result = run_alerts(tmp_path, REPORT, "--json", *args)
    assert result.returncode == 1 and text in result.stderr and result.stdout == ""


def test_rulebook_national_2021_works_without_a_database(tmp_path):
    result = run_alerts(tmp_path, ON_TRACK, "--json", "--rulebook", "national-2021",
                        "--today", "2021-08-01")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["alerts"] == []


def test_without_json_prints_a_readable_report(tmp_path):
    result = run_alerts(tmp_path, [REPORT, {"budget": 3}], "--today", "2021-08-01")
    assert result.returncode == 0, result.stderr
    assert "2021年东湖区老旧小区改造项目" in result.stdout
    assert "M02 [红色]" in result.stdout and "格式错误" in result.stdout


# ---------------------------------------------------------------------------- REGION:YEAR


def test_region_rulebook_is_read_from_the_database(world, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from jixiao.core.rulebook import rulebook_save

    path = tmp_path / "on_track.json"
    path.write_text(json.dumps(ON_TRACK, ensure_ascii=False), "utf-8")
    rulebook_save(region_code=world.region.code, year=2021, actor=world.users["performance"],
                  values={"monitoring": {"time_progress": "months", "M02": {"checkpoints": [
                      {"month": 6, "floor": "0.60"}]}}}, note="按月序时进度")  # fmt: skip
    out = StringIO()
    call_command("alerts", str(path), "--json", "--today", "2021-08-01", "--rulebook",
                 f"{world.region.code}:2021", stdout=out)  # fmt: skip
    output = json.loads(out.getvalue())
    assert output["time_progress"] == "0.5000"
    assert codes(output) == [("M02", "red", None)]  # 52% is below the region's 60% in June
