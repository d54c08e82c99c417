"""The rule modules' messages (lint findings, score explanations, alerts) carry a code and
parameters: the pages show them in the reader's language, Chinese stays the default word for
word, old rows without a code show their stored text, and the CLI stays Chinese in any locale."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from jixiao.core import rulebook
from jixiao.core.messages import localized, render_message
from jixiao.core.rule_messages import MESSAGES, Join, Message, message_data, render
from jixiao.evaluations.scoring import score
from jixiao.evaluations.selfeval_data import selfeval_from_data
from jixiao.evaluations.tests.test_selfeval_flow import approved, filled  # noqa: F401 (fixtures)
from jixiao.monitoring.models import Alert
from jixiao.monitoring.services import report_save
from jixiao.monitoring.tests.test_pages_api import monitoring_round, report_of  # noqa: F401
from jixiao.targets.models import Target
from jixiao.testing import GOOD_ROWS

T02_ZH = (
    "第1条指标“改造老旧小区数量”只填了占位符“/”：请填写目标值，如“≥50个”“≥95%”或“12月底前完成”。"
)
T02_EN = (
    "Indicator 1 “改造老旧小区数量” has only the placeholder “/”: fill in a target value, "
    "such as “≥50个”, “≥95%” or “12月底前完成”."
)


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


# --- the message itself -------------------------------------------------------------------------


def test_a_message_is_its_chinese_text_and_renders_again_from_its_data():
    message = Message("lint.T02", label=Message("lint.label", n=1, name="改造老旧小区数量"),
                      shown=Message("lint.T02.placeholder", written="/"))  # fmt: skip
    assert message == T02_ZH
    data = json.loads(json.dumps(message_data(message)))
    assert data["code"] == "lint.T02" and data["params"]["shown"]["params"] == {"written": "/"}
    assert render(data) == T02_ZH
    with translation.override("en"):
        assert render_message(data, "stored") == T02_EN
    with translation.override("zh-hans"):
        assert render_message(data, "stored") == T02_ZH


def test_joins_use_the_languages_separator():
    joined = Join(["甲", "乙"], "clauses")
    assert joined == "甲；乙"
    with translation.override("en"):
        assert render_message(message_data(joined)) == "甲; 乙"


def test_rows_without_a_code_show_their_stored_text():
    with translation.override("en"):
        assert localized({"message": "旧的提示"}, "message") == "旧的提示"
        unknown = {"message": "旧的提示", "message_i18n": {"code": "lint.gone", "params": {}}}
        assert localized(unknown, "message") == "旧的提示"


def test_every_template_with_chinese_words_has_english():
    def chinese(text):
        return any("\u4e00" <= c <= "\u9fff" for c in text)

    with translation.override("en"):
        missing = [c for c, t in MESSAGES.items() if chinese(t) and translation.gettext(t) == t]
    assert not missing


# --- scores -------------------------------------------------------------------------------------


def test_score_explanation_in_english_and_chinese_as_today():
    national = rulebook.named("national")
    data = {"year": 2021, "budget": {"full_year": "100", "executed": "92"},
            "indicators": [{"category": "产出指标", "subcategory": "数量指标", "name": "培训人次",
                            "target": "≥100人次", "actual": "87", "weight": "10"}]}  # fmt: skip
    sheet, errors = selfeval_from_data(data, catalogue=national.section("catalogue"))
    assert errors == []
    result = score(
        sheet, rules=national.section("scoring"), catalogue=national.section("catalogue")
    )
    line = result.indicators[0]
    assert line.explanation == "≥100人次, 实际87: 10 × 87/100 = 8.70"
    with translation.override("en"):
        assert render_message(line.explanation) == "≥100人次, actual 87: 10 × 87/100 = 8.70"
        stored = result.to_data(i18n=True)
        assert localized(stored["indicators"][0], "explanation").startswith("≥100人次, actual 87")
    assert "explanation_i18n" not in result.to_data()["indicators"][0]  # the CLI's JSON as before


@pytest.mark.django_db
def test_selfeval_page_explains_scores_in_the_readers_language(client_for, filled):  # noqa: F811
    line = filled.indicators.get(position=0)
    assert "得满分 20.00" in line.score_explanation
    chinese = client_for("filer").get(f"/evaluations/{filled.id}/").content.decode()
    assert line.score_explanation in chinese
    page = english(client_for("filer")).get(f"/evaluations/{filled.id}/").content.decode()
    assert "full marks 20.00" in page and "得满分" not in page


# --- lint findings ------------------------------------------------------------------------------


@pytest.fixture
def placeholder_target(world, declare):
    rows = [dict(row) for row in GOOD_ROWS]
    rows[0]["value_text"] = "/"
    return declare(rows=rows)


def test_target_page_shows_the_t02_finding_in_english(client_for, placeholder_target):
    target = Target.objects.get(pk=placeholder_target.pk)
    t02 = next(f for f in target.findings if f["code"] == "T02")
    assert t02["message"] == T02_ZH and t02["message_i18n"]["code"] == "lint.T02"
    page = english(client_for("filer")).get(f"/targets/{target.id}/").content.decode()
    assert T02_EN in page and "只填了占位符" not in page


def test_target_page_in_chinese_shows_todays_wording(client_for, placeholder_target):
    page = client_for("filer").get(f"/targets/{placeholder_target.id}/").content.decode()
    assert T02_ZH in page


def test_old_findings_without_a_code_show_as_stored(client_for, placeholder_target):
    Target.objects.filter(pk=placeholder_target.pk).update(
        findings=[{"code": "T02", "blocking": True, "indicator": 0, "message": "旧的T02提示"}]
    )
    page = english(client_for("filer")).get(f"/targets/{placeholder_target.id}/").content.decode()
    assert "旧的T02提示" in page


# --- alerts -------------------------------------------------------------------------------------


def test_alert_in_english_and_chinese_as_today(world, client_for, monitoring_round):  # noqa: F811
    report = report_of(monitoring_round)
    report_save(actor=world.filer, report=report, executed=Decimal("30"), expected_full_year=None)
    alert = Alert.objects.get(code="M01", report=report)
    assert alert.message.startswith("预算执行进度滞后：截至2022年7月31日执行率 ")
    assert alert.texts_i18n["message"]["code"] == "alert.M01"
    chinese = client_for("filer").get(f"/alerts/{alert.id}/").content.decode()
    assert alert.message in chinese and alert.explanation in chinese
    page = english(client_for("filer")).get(f"/alerts/{alert.id}/").content.decode()
    assert "Budget execution lags: as of 2022-7-31" in page and "time progress" in page
    assert "预算执行进度滞后" not in page


# --- the CLI ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_prints_chinese_in_an_english_locale(tmp_path):
    declaration = {
        "year": 2022,
        "goal": "完成改造。",
        "amounts": {"total": "120", "current": "120"},
        "indicators": [{"category": "产出指标", "subcategory": "数量指标",
                        "name": "改造老旧小区数量", "target": "/"}],
    }  # fmt: skip
    path = tmp_path / "target.json"
    path.write_text(json.dumps(declaration, ensure_ascii=False), "utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", LANGUAGE="en",
               DATABASE_URL=f"sqlite:///{tmp_path / 'none' / 'db.sqlite3'}")  # fmt: skip
    jixiao = Path(sys.executable).parent / "jixiao"
    result = subprocess.run([str(jixiao), "lint", str(path), "--json"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    t02 = next(f for f in findings if f["code"] == "T02")
    assert t02["message"] == T02_ZH
    assert set(t02) == {"code", "blocking", "indicator", "message", "explanation"}
    assert t02["explanation"] == "T02：指标值为空或只有占位符（/、-、—）。"
