"""No blocking false alarm on "无" for an indicator that counts incidents (issue 15, part 4):
"无", "零", "杜绝", "不发生", "未发生" on 违法违规案件, 安全责任事故, 有效投诉 ... is the target
"= 0" (jixiao.indicators.incidents), so the lint finds no T02 on it and the self-evaluation
scores it as met when none happened; "无" on any other indicator is still missing (T02).

The value parser reads it, given the row's name, for every reader: the lint checks what the
declaration reader (`read_target`, as `declaration_from_data` and `jixiao lint` call it) read,
with the region's words or the national ones; the lint does not read values again."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

import jixiao.evaluations.rules  # noqa: F401  (registers "scoring")
from jixiao.core.rulebook import named, rulebook_save
from jixiao.evaluations.scoring import score
from jixiao.evaluations.selfeval_data import selfeval_from_data
from jixiao.indicators.values import Kind, Op
from jixiao.targets.declaration import IndicatorLine, read_target
from jixiao.targets.tests.test_lint import YEAR, declare, of, rows, run

NATIONAL = named()
INCIDENTS = NATIONAL.section("lint")["T02"]
QUALITY = ("产出指标", "质量指标")


def with_row(category, subcategory, name, value, incidents=None):
    """The good declaration with one more row, read by the declaration reader (by its name)."""
    read = read_target(value, name, category=category, subcategory=subcategory, year=YEAR,
                       incidents=incidents)  # fmt: skip
    return declare(rows(add=[IndicatorLine(category, subcategory, name, read, None)]))


@pytest.mark.parametrize(
    ("category", "subcategory", "name", "value"),
    [
        (*QUALITY, "违法违规案件", "无"),
        (*QUALITY, "安全责任事故", "无"),
        (*QUALITY, "重大安全事故", "不发生"),
        (*QUALITY, "有效投诉", "零"),
        (*QUALITY, "质量事故", "杜绝"),
        ("效益指标", "社会效益指标", "违纪违法问题", "未发生"),
        ("效益指标", "社会效益指标", "群众上访起数", "无"),
    ],
)
def test_none_on_an_incident_count_is_no_missing_value(category, subcategory, name, value):
    result = run(with_row(category, subcategory, name, value))
    assert of(result, "T02") == [] and of(result, "T03") == []
    assert not [f for f in result.findings if f.indicator == 9 and f.blocking]


def test_the_row_reads_as_equal_to_zero_and_says_why():
    declaration = with_row(*QUALITY, "火灾事故发生次数", "无")
    assert of(run(declaration), "T04") == []  # zero needs no unit
    value = declaration.indicators[9].value
    assert (value.kind, value.operator, value.number, value.unit) == (
        Kind.QUANTITATIVE, Op.EQ, Decimal(0), "次")  # fmt: skip
    assert value.original == "无"
    assert "读作“=0”" in str(value.explain())


@pytest.mark.parametrize(
    ("category", "subcategory", "name"),
    [
        ("产出指标", "数量指标", "培训人数"),  # a count that should happen
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
        (*QUALITY, "投诉办结率"),  # dealing with complaints
        (*QUALITY, "安全隐患排查次数"),  # looking for hazards
    ],
)
def test_none_on_any_other_indicator_is_still_a_blocking_missing_value(category, subcategory, name):
    [finding] = of(run(with_row(category, subcategory, name, "无")), "T02")
    assert finding.indicator == 9 and finding.blocking
    assert f"“{name}”" in finding.message


def test_a_placeholder_on_an_incident_count_is_still_missing():
    [finding] = of(run(with_row(*QUALITY, "安全责任事故", "/")), "T02")
    assert finding.indicator == 9


def test_a_declaration_read_with_the_incident_words_emptied_keeps_todays_reading():
    rules = NATIONAL.section("lint")
    rules["T02"]["incident_names"] = []
    declaration = with_row(*QUALITY, "安全责任事故", "无", incidents=rules["T02"])
    [finding] = of(run(declaration, lint_rules=rules), "T02")
    assert finding.indicator == 9 and finding.blocking


# ---------------------------------------------------------------------------- scoring


def scored(target, actual, name="安全责任事故", incidents=INCIDENTS):
    data = {"year": 2024, "budget": {"full_year": "100", "executed": "100"},
            "indicators": [{"category": "产出指标", "subcategory": "质量指标", "name": name,
                            "target": target, "actual": actual, "weight": 10}]}  # fmt: skip
    catalogue = NATIONAL.section("catalogue")
    parsed, errors = selfeval_from_data(data, catalogue=catalogue, incidents=incidents)
    assert errors == []
    return score(parsed, rules=NATIONAL.section("scoring"), catalogue=catalogue).indicators[0]


@pytest.mark.parametrize(
    ("target", "actual"),
    [("无", "0"), ("无", "无"), ("杜绝", "未发生"), ("=0起", "无"), ("不发生", "0起")],
)
def test_an_incident_count_with_none_happened_scores_full_points(target, actual):
    assert scored(target, actual).score == Decimal("10.00")


def test_an_incident_count_with_incidents_that_happened_scores_by_the_equal_zero_rule():
    expected = scored("=0", "2").score
    assert expected is not None and expected < Decimal(10)
    assert scored("无", "2").score == expected


def test_none_on_another_indicator_still_scores_null_in_the_self_evaluation():
    assert scored("无", "0", name="培训人数").score is None


def test_without_words_the_self_evaluation_reads_with_the_national_ones():
    assert scored("无", "无", incidents=None).score == Decimal("10.00")


def test_with_the_incident_words_emptied_the_self_evaluation_reads_none_as_missing():
    emptied = {**INCIDENTS, "incident_names": []}
    assert scored("无", "无", incidents=emptied).score is None


# ---------------------------------------------------------------------------- a region's words


@pytest.mark.django_db
def test_a_region_adds_an_incident_word_and_jixiao_score_reads_none_on_it_as_zero(world, tmp_path):
    table = {"year": 2022, "budget": {"full_year": "100", "executed": "100"},
             "indicators": [{"category": "产出指标", "subcategory": "质量指标",
                             "name": "计划外停电", "target": "无", "actual": "无",
                             "weight": 10}]}  # fmt: skip
    path = tmp_path / "selfeval.json"
    path.write_text(json.dumps(table, ensure_ascii=False), "utf-8")

    def score_cli(rulebook: str) -> dict:
        out = StringIO()
        call_command("score", str(path), "--json", "--rulebook", rulebook, stdout=out)
        return json.loads(out.getvalue())["indicators"][0]

    assert score_cli("national")["score"] is None  # 停电 is no incident word nationally
    rulebook_save(region_code=world.region.code, year=2022, actor=world.performance,
                  values={"lint": {"T02": {"incident_names+": ["停电"]}}},
                  note="停电次数为负面事项")  # fmt: skip
    assert score_cli(f"{world.region.code}:2022")["score"] == "10.00"


# ---------------------------------------------------------------------------- a stored target


@pytest.mark.django_db
def test_a_stored_target_is_read_with_its_regions_incident_words(world, declare):
    """The lint of a saved target (and the declaration page's live lint) reads its rows by name
    with the region's rulebook: a word the region adds makes "无" on it "= 0"."""
    from jixiao.targets import adapters
    from jixiao.testing import GOOD_ROWS

    extra = {"category": "产出指标", "subcategory": "质量指标", "name": "计划外停电",
             "value_text": "无"}  # fmt: skip
    target = declare(rows=[*GOOD_ROWS, extra])
    assert [f.indicator for f in adapters.lint_target(target).findings if f.code == "T02"] == [
        len(GOOD_ROWS)
    ]
    rulebook_save(region_code=world.region.code, year=2022, actor=world.performance,
                  values={"lint": {"T02": {"incident_names+": ["停电"]}}},
                  note="停电次数为负面事项")  # fmt: skip
    assert [f for f in adapters.lint_target(target).findings if f.code == "T02"] == []
    rows = adapters.parse_rows(target, [*GOOD_ROWS, extra])
    findings, _skipped = adapters.preview(target, goal="完成改造。", amounts={}, rows=rows,
                                          serves_public=True)  # fmt: skip
    assert [f for f in findings if f["code"] == "T02"] == []
