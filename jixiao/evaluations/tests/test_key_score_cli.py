"""`jixiao score --kind key FILE.json --json` (CONTRACT.md): an agency's score table checked with
no database; K01–K06 each alone, a clean table, a list in order, text in a score, bad JSON.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_key_score_table import CLEAN, SLIPS, changed

JIXIAO = Path(sys.executable).parent / "jixiao"


def run_key(tmp_path: Path, data, *args: str, raw: str | None = None):
    path = tmp_path / "score-table.json"
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=False), "utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL"}}  # fmt: skip
    database = tmp_path / "nowhere" / "jixiao.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{database}"
    result = subprocess.run([str(JIXIAO), "score", "--kind", "key", str(path), *args], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert not database.exists(), "score --kind key must not touch the database"
    return result


def output(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_clean_table_gives_the_contract_shape_and_no_checks(tmp_path):
    result = output(run_key(tmp_path, CLEAN, "--json"))
    assert result == {
        "total": "85.50",
        "grade": "良",
        "indicators": [{"score": s, "errors": []} for s in ("12.00", "20.00", "27.00", "26.50")],
        "checks": [],
    }


def test_each_slip_alone_and_a_list_keeps_its_order(tmp_path):
    codes = ["K06", "K01", "K05", "K02", "K04", "K03"]
    result = output(run_key(tmp_path, [SLIPS[c][0] for c in codes] + [CLEAN], "--json"))
    assert isinstance(result, list) and len(result) == 7
    for code, item in zip(codes, result[:6], strict=True):
        assert item["checks"] == [{"code": code, "message": SLIPS[code][1]}]
    assert result[6]["checks"] == []
    # K03: 16 held at 15 → 15 + 20 + 27 + 26.5
    assert result[codes.index("K03")]["total"] == "88.50"


def test_text_in_a_score_is_an_error_on_that_indicator(tmp_path):
    result = output(run_key(tmp_path, changed({1: {"score": "二十分"}}, total=None), "--json"))
    line = result["indicators"][1]
    assert line["score"] is None and [e["code"] for e in line["errors"]] == ["bad_score"]
    assert "第2项指标“资金到位率”的得分“二十分”不是数值" in line["errors"][0]["message"]
    assert [i["score"] for i in result["indicators"]] == ["12.00", None, "27.00", "26.50"]
    assert result["total"] == "65.50" and result["grade"] is None


def test_an_item_that_is_not_a_table_gets_errors_in_its_slot(tmp_path):
    result = output(run_key(tmp_path, [CLEAN, "评分表", CLEAN], "--json"))
    assert result[1] == {"errors": [{"code": "schema", "message": "评分表应为对象，实际为文字"}]}
    assert result[0] == result[2] and result[0]["grade"] == "良"


@pytest.mark.parametrize("raw", ['{"indicators": [', "", '{"total": NaN}'])
def test_invalid_json_fails_with_one_chinese_line(tmp_path, raw):
    result = run_key(tmp_path, None, "--json", raw=raw)
    assert result.returncode != 0 and result.stdout == ""
    reason = result.stderr.strip()
    assert len(reason.splitlines()) == 1 and "不是有效的 JSON" in reason


def test_without_json_prints_a_readable_report(tmp_path):
    result = run_key(tmp_path, SLIPS["K04"][0])
    assert result.returncode == 0, result.stderr
    assert "城北消防站建设项目" in result.stdout
    assert "K04：填报的总分86.5与各项得分之和85.5相差1" in result.stdout
