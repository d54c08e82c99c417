"""The official-form toolkit (core.officeform) over the three forms it reads and writes: the
declaration (申报表), the monitoring report (监控表) and the self-evaluation (自评表).

For every form: what is written reads back as the same document; a form whose rows moved and
whose labels are worded otherwise still reads; a notes line ends the indicator table; another
stage's form is refused with a message saying so; a bad cell is located."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.core.exports import workbook_bytes
from jixiao.core.tabular import Sheet, read_tables
from jixiao.evaluations import excel as selfeval_excel
from jixiao.monitoring import excel as monitoring_excel
from jixiao.targets import excel as targets_excel

# Text no label, note, title or formula can be made of: what a unit types in a form's cells.
WORDS = st.text(alphabet="甲乙丙丁戊己庚辛壬癸山水木火土金石竹0123456789", min_size=1, max_size=12)
LONG = st.lists(WORDS, min_size=1, max_size=3).map("\n".join)
CODES = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=16).filter(
    lambda code: not code.startswith("-")
)
REGIONS = st.from_regex(r"[1-6]\d{5}", fullmatch=True)
MONEY = st.decimals(min_value=0, max_value=10**7, places=6, allow_nan=False)
AMOUNT = st.one_of(st.none(), MONEY)
SCORE = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
YEARS = st.integers(min_value=2000, max_value=2099)


def lines(**columns) -> st.SearchStrategy[list[dict]]:
    """Indicator lines under a few 一级 and 二级 indicators, every line named."""
    line = st.fixed_dictionaries(
        {"category": st.sampled_from(["产出指标", "效益指标"]), "name": WORDS, **columns}
    )
    return st.lists(line, min_size=1, max_size=6).map(
        lambda found: [
            {**item, "subcategory": f"{item['category'][:2]}{i // 2}"}
            for i, item in enumerate(sorted(found, key=lambda x: x["category"]))
        ]
    )


declarations = st.builds(
    lambda year, region, is_unit, code, name, unit, amounts, goals, serves, rows: (
        targets_excel.DeclarationForm(
            year=year,
            region_code=region,
            region_name="甲区",
            is_unit=is_unit,
            project_code="" if is_unit else code,
            project_name="" if is_unit else name,
            unit_code=code if is_unit else "",
            unit_name=unit,
            amounts=dict(zip(("total", "current", "carryover", "other"), amounts, strict=True)),
            goal=goals[0],
            medium_term_goal=goals[1],
            serves_public=serves,
            indicators=rows,
        )
    ),
    YEARS,
    REGIONS,
    st.booleans(),
    CODES,
    WORDS,
    WORDS,
    st.tuples(AMOUNT, AMOUNT, AMOUNT, AMOUNT),
    st.tuples(LONG, st.one_of(st.just(""), LONG)),
    st.booleans(),
    lines(
        value_text=WORDS,
        unit=st.sampled_from(["", "个", "%", "万元"]),
        weight=st.one_of(
            st.none(), st.decimals(min_value=0, max_value=999, places=2, allow_nan=False)
        ),
        basis=st.sampled_from(["", "计划标准", "行业标准"]),
        explanation=st.one_of(st.just(""), WORDS),
        source=st.one_of(st.just(""), WORDS),
    ),
)

reports = st.builds(
    lambda period_end, round_code, region, code, names, amounts, note, rows: (
        monitoring_excel.MonitoringForm(
            year=period_end.year,
            period_end=period_end,
            round_code=round_code,
            region_code=region,
            project_code=code,
            project_name=names[0],
            supervisor=names[1],
            unit_name=names[2],
            amounts=dict(zip(monitoring_excel.READ_AMOUNTS, amounts, strict=True)),
            execution_note=note,
            indicators=rows,
        )
    ),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    CODES,
    REGIONS,
    CODES,
    st.tuples(WORDS, WORDS, WORDS),
    st.tuples(*[AMOUNT] * len(monitoring_excel.READ_AMOUNTS)),
    st.one_of(st.just(""), LONG),
    lines(
        target=WORDS,
        **{
            key: st.one_of(st.just(""), WORDS)
            for key in ("progress", "expected", "likelihood", "cause", "explanation", "measures")
        },
    ),
)

selfevals = st.builds(
    lambda year, region, code, names, executed, own, achieved, rows, total: (
        selfeval_excel.SelfEvalForm(
            year=year,
            region_code=region,
            project_code=code,
            project_name=names[0],
            supervisor=names[1],
            unit_name=names[2],
            money={
                key: {"executed": amount}
                for key, amount in zip(
                    ("total", "current", "carryover", "other"), executed, strict=True
                )
            },
            self_execution_score=own,
            goal_achieved=achieved,
            indicators=rows,
            self_total=total,
        )
    ),
    YEARS,
    REGIONS,
    CODES,
    st.tuples(WORDS, WORDS, WORDS),
    st.tuples(AMOUNT, AMOUNT, AMOUNT, AMOUNT),
    SCORE,
    st.one_of(st.just(""), LONG),
    lines(
        target=WORDS,
        actual=st.one_of(st.just(""), WORDS),
        weight=SCORE,
        deviation=st.one_of(st.just(""), WORDS),
        band=st.sampled_from(["", "完全达成"]),
        entered_score=SCORE,
        explanation=st.one_of(st.just(""), WORDS),
        self_score=SCORE,
    ),
    SCORE,
)


def _money(amount):
    return None if amount is None else Decimal(amount).normalize()


def _line(line: dict) -> dict:
    return {k: _money(v) if isinstance(v, Decimal) else v for k, v in line.items()}


def declaration(form) -> tuple:
    return (
        form.year,
        form.is_unit,
        form.region_code,
        form.project_code,
        form.project_name,
        form.unit_code,
        form.unit_name,
        {k: _money(v) for k, v in form.amounts.items()},
        form.goal,
        form.medium_term_goal,
        form.serves_public,
        [_line(line) for line in form.indicators],
    )


def report(form) -> tuple:
    return (
        form.year,
        form.period_end,
        form.round_code,
        form.region_code,
        form.project_code,
        form.project_name,
        form.supervisor,
        form.unit_name,
        {k: _money(v) for k, v in form.amounts.items()},
        form.execution_note,
        form.indicators,
    )


def selfeval(form) -> tuple:
    return (
        form.year,
        form.region_code,
        form.project_code,
        form.project_name,
        form.supervisor,
        form.unit_name,
        {k: _money(v["executed"]) for k, v in form.money.items()},
        _money(form.self_execution_score),
        form.goal_achieved,
        [_line(line) for line in form.indicators],
        _money(form.self_total),
    )


TWO_LINES = [
    {"category": "产出指标", "subcategory": "数量指标", "name": name, "target": "≥12个"}
    for name in ("甲", "乙")
]


def sample_declaration():
    return targets_excel.DeclarationForm(
        year=2022,
        region_code="100101",
        project_code="P1",
        project_name="项目甲",
        unit_name="甲单位",
        amounts={"total": Decimal("120.5"), "current": Decimal("100"), "carryover": None}
        | {"other": Decimal("20.5")},
        goal="完成改造。",
        indicators=[
            {"value_text": line["target"], **{k: v for k, v in line.items() if k != "target"}}
            for line in TWO_LINES
        ],
    )


def sample_report():
    return monitoring_excel.MonitoringForm(
        year=2022,
        period_end=dt.date(2022, 7, 31),
        round_code="2022-07",
        region_code="100101",
        project_code="P1",
        project_name="项目甲",
        supervisor="甲局",
        unit_name="甲单位",
        amounts=dict.fromkeys(monitoring_excel.READ_AMOUNTS)
        | {"full_year": Decimal("120.5"), "executed": Decimal("70.25")},
        indicators=[{**line, "progress": "6个"} for line in TWO_LINES],
    )


def sample_selfeval():
    return selfeval_excel.SelfEvalForm(
        year=2022,
        region_code="100101",
        project_code="P1",
        project_name="项目甲",
        supervisor="甲局",
        unit_name="甲单位",
        money={key: {"executed": None} for key in ("current", "carryover", "other")}
        | {"total": {"executed": Decimal("120.5")}},
        self_execution_score=Decimal("9.5"),
        goal_achieved="完成9个",
        indicators=[{**line, "actual": "9个", "self_score": Decimal("15")} for line in TWO_LINES],
        self_total=Decimal("90"),
    )


@dataclass(frozen=True)
class Case:
    name: str
    module: object
    forms: st.SearchStrategy
    sample: Callable  # one document with two lines under one 一级指标
    document: Callable
    code_label: str  # a label, and the alias a unit's own form may use instead
    alias: str
    bad_label: str  # a label over a value the unit got wrong
    title: str

    def read(self, sheet: Sheet):
        return self.module.read_form(sheet)

    def sheet(self, form) -> Sheet:
        data = workbook_bytes(self.module.forms_workbook([form]))
        return read_tables(data, "form.xlsx")[0]


CASES = [
    Case(
        "targets",
        targets_excel,
        declarations,
        sample_declaration,
        declaration,
        "项目编码",
        "项目代码",
        "资金总额",
        "绩效目标申报表",
    ),
    Case(
        "monitoring",
        monitoring_excel,
        reports,
        sample_report,
        report,
        "项目编码",
        "项目编号",
        "全年预计执行数",
        "项目支出绩效运行监控表",
    ),
    Case(
        "selfeval",
        selfeval_excel,
        selfevals,
        sample_selfeval,
        selfeval,
        "实际完成情况",
        "目标实际完成情况",
        "单位自评得分",
        "项目支出绩效自评表",
    ),
]
BY_NAME = {case.name: case for case in CASES}
each_form = pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])


def find(rows: list[tuple], text: str) -> tuple[int, int]:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value == text:
                return r, c
    raise AssertionError(text)


def replace(rows: list[tuple], r: int, c: int, value) -> None:
    row = list(rows[r]) + [None] * max(0, c + 1 - len(rows[r]))
    row[c] = value
    rows[r] = tuple(row)


# --- write → read -------------------------------------------------------------------------


@each_form
@given(data=st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_what_is_written_reads_back_as_the_same_document(case, data):
    form = data.draw(case.forms)
    read, problems = case.read(case.sheet(form))
    assert problems == []
    assert case.document(read) == case.document(form)


# --- the contract every form keeps ------------------------------------------------------------


@each_form
def test_moved_rows_columns_and_reworded_labels_are_still_read(case):
    sheet = case.sheet(case.sample())
    rows = [(None, "附件1"), (), *sheet.rows]  # two rows above the form
    rows = [(None, *row) for row in rows]  # a column before it
    r, c = find(rows, case.code_label)
    replace(rows, r, c, f"{case.alias}（必填）")
    moved = rows.pop(find(rows, "主管部门")[0])  # the 主管部门 | 实施单位 row, under the block
    rows.insert(find(rows, "一级指标")[0], moved)
    read, problems = case.read(Sheet(sheet.name, rows))
    assert problems == []
    assert read.unit_name == "甲单位"
    assert case.document(read) == case.document(case.read(sheet)[0])


@each_form
def test_a_notes_line_ends_the_indicator_table(case):
    sheet = case.sheet(case.sample())
    rows = list(sheet.rows)
    r, _c = find(rows, "一级指标")
    rows.insert(r + 2, ("注：以下一行不是指标。",))
    read, problems = case.read(Sheet(sheet.name, rows))
    assert problems == []
    assert [line["name"] for line in read.indicators] == ["甲"]


@pytest.mark.parametrize(
    "reader, other", [(a.name, b.name) for a in CASES for b in CASES if a is not b]
)
def test_another_stages_form_is_refused_by_its_title(reader, other):
    case, other_case = BY_NAME[reader], BY_NAME[other]
    sheet = other_case.sheet(other_case.sample())
    read, problems = case.read(sheet)
    assert read is None and len(problems) == 1
    message = problems[0].message
    assert other_case.title in message and f"不是{case.title}" in message
    assert problems[0].sheet == sheet.name


@each_form
def test_a_bad_cell_is_located_at_its_sheet_row_and_column(case):
    rows = list(case.sheet(case.sample()).rows)
    r, c = find(rows, case.bad_label)
    replace(rows, r + 1, c, "十二点五")  # the value under the label
    read, problems = case.read(Sheet("表一", rows))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("表一", r + 2, chr(65 + c))]
    assert "十二点五" in problems[0].message


CELL_VALUES = st.one_of(
    st.none(),
    st.text(alphabet=" \u3000\u00a0\u200b'=+-@甲乙A1", max_size=6),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELL_VALUES, max_size=12))
def test_a_columns_texts_are_each_cells_text(values):
    """The column-at-a-time reading of the indicator table gives every cell the text the
    one-cell reading gives it: blanks, apostrophes before formulas, odd spaces, numbers, dates."""
    from jixiao.core import officeform

    assert officeform.column_texts(values) == [officeform.cell_text(v) for v in values]


def test_rows_of_blank_cells_and_notes_behind_blanks_are_read_as_before():
    """A row of spaces only is skipped, a note that starts after blank cells still ends the
    table, and a row with only 一级/二级 filled in is not an indicator."""
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    rows = [
        ("（2022年度）项目支出绩效目标申报表",),
        ("项目名称", "甲", "项目编码", "P-1"),
        tuple(header),
        ("产出指标", "数量指标", "培训人数", "≥50人"),
        (" ", "\u3000", None, "  "),
        (None, "质量指标"),
        ("产出指标", "质量指标", "合格率", "100%"),
        (None, " ", "注：本表由项目单位填写"),
        ("  注：以下不是指标",),
        ("效益指标", "社会效益指标", "不应读到", "1"),
    ]
    form, problems = targets_excel.read_form(Sheet(name="P-1", rows=rows))
    assert problems == []
    assert [(i["category"], i["subcategory"], i["name"]) for i in form.indicators] == [
        ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "质量指标", "合格率"),
        ("产出指标", "质量指标", "注：本表由项目单位填写"),
    ]
    assert form.indicator_rows == [4, 7, 8]
