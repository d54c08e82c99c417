""" "无" on an indicator that counts incidents reads as "= 0" at every reader (issue 15): the
value parser does it given the row's name (jixiao.indicators.values), and each reader passes
the name, so none of them keeps a special case of its own. One test a reader: the declaration
reader (what `jixiao lint` and the API lint), the self-evaluation reader (what `jixiao score`
and the scoring services read), a monitoring report, the target form's rows (imports and the
API store them). Last year's actuals (T13) are tested in targets/tests/test_lint_history and
the corpus reader in tests/test_corpus."""

from decimal import Decimal
from types import SimpleNamespace

from jixiao.core.rulebook import named
from jixiao.indicators.values import Kind, Op

NATIONAL = named()
WORDS = NATIONAL.section("lint")["T02"]
EMPTIED = {**WORDS, "incident_names": []}
ROW = {"category": "产出指标", "subcategory": "质量指标", "name": "安全责任事故次数"}


def _zero(value, unit="次") -> bool:
    return (value.kind, value.operator, value.number, value.unit, value.original) == (
        Kind.QUANTITATIVE, Op.EQ, Decimal(0), unit, "无")  # fmt: skip


def _declaration(incidents=None):
    from jixiao.targets.declaration import declaration_from_data

    data = {"year": 2024, "goal": "完成年度任务", "indicators": [{**ROW, "target": "无"}]}
    declaration, errors = declaration_from_data(
        data, catalogue=NATIONAL.section("catalogue"), incidents=incidents
    )
    assert errors == []
    return declaration.indicators[0].value


def test_the_declaration_reader_reads_none_on_an_incident_count_as_zero():
    assert _zero(_declaration()) and _zero(_declaration(WORDS))


def test_the_declaration_reader_with_a_regions_emptied_words_reads_none_as_missing():
    assert _declaration(EMPTIED).kind == Kind.MISSING


def test_the_self_evaluation_reader_reads_target_and_actual_by_name():
    from jixiao.evaluations.selfeval_data import selfeval_from_data

    data = {"year": 2024, "budget": {"full_year": "10", "executed": "10"},
            "indicators": [{**ROW, "target": "无", "actual": "无", "weight": 10}]}  # fmt: skip
    sheet, errors = selfeval_from_data(data, catalogue=NATIONAL.section("catalogue"))
    assert errors == []
    line = sheet.indicators[0]
    assert _zero(line.target)
    assert line.actual.ok and line.actual.number == Decimal(0) and line.actual.original == "无"


def test_a_monitoring_report_reads_target_and_progress_by_name():
    from jixiao.monitoring.report_data import indicator_report

    report = indicator_report(ROW["category"], ROW["subcategory"], ROW["name"], "无",
                              progress="未发生", expected="无", year=2024)  # fmt: skip
    assert _zero(report.target)
    assert report.progress.ok and report.progress.number == Decimal(0)
    assert report.expected.ok and report.expected.number == Decimal(0)


def test_a_monitoring_report_of_another_indicator_keeps_none_missing():
    from jixiao.monitoring.report_data import indicator_report

    report = indicator_report("产出指标", "数量指标", "培训人数", "无", progress="无", year=2024)
    assert report.target.kind == Kind.MISSING and report.progress.kind == Kind.MISSING


def test_the_target_forms_rows_store_none_on_an_incident_count_as_equal_to_zero():
    from jixiao.targets.adapters import parse_rows

    [row] = parse_rows(SimpleNamespace(year=2024), [{**ROW, "value_text": "无"}])
    assert (row["operator"], row["number"], row["value_text"]) == (Op.EQ, Decimal(0), "无")
    [other] = parse_rows(SimpleNamespace(year=2024), [{**ROW, "name": "培训人数",
                                                       "value_text": "无"}])  # fmt: skip
    assert (other["operator"], other["number"]) == ("", None)
