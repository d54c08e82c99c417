"""The import framework (jixiao.core.imports): cell parsers, header finding, located problems,
one transaction per file, JSON read as a sheet."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.core import audit
from jixiao.core.imports import (
    CellError,
    Column,
    Importer,
    JsonDocument,
    Row,
    choice,
    code,
    money,
    non_negative_money,
    parse_sheet,
    run_import,
    sheet_from_json,
    text,
    text_max,
    year,
)
from jixiao.core.models import AuditLog, ImportBatch
from jixiao.core.tabular import InputRejected, Sheet
from jixiao.orgs.models import Office


def xlsx_bytes(rows, title: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("207.4538", Decimal("207.4538")),
        ("1,234.5", Decimal("1234.5")),
        ("1，234.5 万元", Decimal("1234.5")),
        (" 12.000001 ", Decimal("12.000001")),
        ("１２３．４５", Decimal("123.45")),  # full-width digits and point
        ("\u00a012.5\u00a0", Decimal("12.5")),  # non-breaking spaces around
        ("1\u00a0234.5", Decimal("1234.5")),  # non-breaking space as a thousands separator
        (".5", Decimal("0.5")),
        (7, Decimal("7")),
        (Decimal("3.141593"), Decimal("3.141593")),
    ],
)
def test_money_reads_text_and_numbers_exactly(raw, expected):
    assert money(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        (207.4538, "207.453800"),
        (0.1 + 0.2, "0.300000"),  # 0.30000000000000004 in binary
        (64286.41, "64286.410000"),
        (100.123456, "100.123456"),
    ],
)
def test_money_reads_excel_floats_through_their_decimal_form(raw, expected):
    assert str(money(raw)) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_money_empty_is_none(raw):
    assert money(raw) is None


def test_money_with_a_letter_inside_quotes_the_text():
    with pytest.raises(CellError) as exc:
        money("12,3a4")
    assert "“12,3a4”不是有效的金额数字" in str(exc.value)


def test_money_typed_as_text_with_more_than_six_decimals_is_refused_not_cut():
    with pytest.raises(CellError) as exc:
        money("1.1234567")
    assert "最多保留 6 位小数" in str(exc.value)


@pytest.mark.parametrize(
    "raw", [1e25, 10**13, 1e13, "10000000000000", float("nan"), float("inf"), True]
)
def test_money_out_of_range_or_not_a_number_is_a_cell_error(raw):
    with pytest.raises(CellError):
        money(raw)


def test_negative_amount_is_refused_by_non_negative_money():
    with pytest.raises(CellError) as exc:
        non_negative_money("-5.5")
    assert "不能为负数" in str(exc.value)
    assert non_negative_money("0") == Decimal("0")


# --- other parsers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (2022, 2022),
        (2022.0, 2022),
        ("2022", 2022),
        ("2022年", 2022),
        ("２０２２", 2022),
        ("\u00a02022 ", 2022),
    ],
)
def test_year_accepts_the_ways_people_type_it(raw, expected):
    assert year(raw) == expected


@pytest.mark.parametrize("raw", ["22", "1999", "2101", "二〇二二", "2022-01"])
def test_year_refuses_what_is_not_a_budget_year(raw):
    with pytest.raises(CellError) as exc:
        year(raw)
    assert "不是有效的年度" in str(exc.value)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (101.0, "101"),  # typed as a number in Excel
        (101, "101"),
        (360102001001001.0, "360102001001001"),
        ("Ｕ１０１", "U101"),  # full-width
        ("\u00a0U101\u00a0", "U101"),
        ("U101\u200b", "U101"),
    ],
)
def test_code_is_cleaned_of_excel_number_and_typing_artefacts(raw, expected):
    assert code(raw) == expected


def test_code_with_a_space_inside_is_refused():
    with pytest.raises(CellError) as exc:
        code("U\u00a0101")
    assert "编码中不能有空格" in str(exc.value)


def test_code_longer_than_64_is_refused():
    with pytest.raises(CellError):
        code("X" * 65)


def test_text_drops_the_apostrophe_exports_put_before_formula_like_text():
    assert text("'=SUM(A1)") == "=SUM(A1)"
    assert text("'-一般说明") == "-一般说明"
    assert text("'引号开头") == "'引号开头"


def test_text_keeps_full_width_punctuation_of_official_names():
    name = "东湖区城市管理局（区城管执法局），１号"
    assert text(f"\u00a0{name}\u200b ") == name


def test_text_max_refuses_text_longer_than_the_column():
    assert text_max(3)("甲乙丙") == "甲乙丙"
    with pytest.raises(CellError) as exc:
        text_max(3)("甲乙丙丁")
    assert "最多 3 个" in str(exc.value)


def test_choice_lists_the_allowed_values():
    parse = choice({"是": True, "否": False})
    assert parse(" 是 ") is True
    with pytest.raises(CellError) as exc:
        parse("对")
    assert "是、否" in str(exc.value)


# --- header finding and located problems --------------------------------------------------------

COLUMNS = (
    Column("code", "编码", code, required=True),
    Column("name", "名称", text, required=True, aliases=("股室名称",)),
    Column("amount", "金额", money),
)


def test_header_is_found_below_a_title_and_rows_are_numbered_as_excel_shows():
    sheet = Sheet(
        "股室",
        [
            ("股室导入表",),
            (),
            ("编码（必填）", "股室名称*", "金额(万元)"),
            ("A1", "甲", "1.5"),
            (None, None, None),
            ("A2", "乙", None),
        ],
    )
    rows, problems = parse_sheet(sheet, COLUMNS)
    assert problems == []
    assert [(r.number, r.values["code"]) for r in rows] == [(4, "A1"), (6, "A2")]
    assert rows[0].values["amount"] == Decimal("1.5")
    assert rows[0].columns == {"code": "A", "name": "B", "amount": "C"}


def test_header_columns_may_come_in_any_order():
    sheet = Sheet("S", [("金额", "名称", "编码"), ("2", "甲", "A1")])
    rows, problems = parse_sheet(sheet, COLUMNS)
    assert not problems and rows[0].values == {"code": "A1", "name": "甲", "amount": Decimal("2")}
    assert rows[0].columns["code"] == "C"


def test_bad_cell_problem_names_sheet_row_column_and_field():
    sheet = Sheet("股室", [("编码", "名称", "金额"), ("A1", "甲", "12,3a4")])
    _rows, problems = parse_sheet(sheet, COLUMNS)
    assert len(problems) == 1
    assert str(problems[0]) == "工作表“股室” 第 2 行 C 列 （金额）：“12,3a4”不是有效的金额数字"


def test_required_empty_cell_is_located():
    sheet = Sheet("股室", [("编码", "名称"), ("A1", "  ")])
    _rows, problems = parse_sheet(sheet, COLUMNS)
    assert (problems[0].row, problems[0].column, problems[0].field) == (2, "B", "名称")
    assert "必填项为空" in problems[0].message


def test_sheet_without_the_header_says_which_columns_are_needed():
    sheet = Sheet("其他", [("项目编码", "项目名称"), ("P1", "甲")])
    rows, problems = parse_sheet(sheet, COLUMNS)
    assert rows == []
    assert "找不到表头" in problems[0].message and "编码、名称" in problems[0].message
    assert problems[0].sheet == "其他"


def test_sheet_with_only_a_header_says_there_are_no_data_rows():
    _rows, problems = parse_sheet(Sheet("股室", [("编码", "名称")]), COLUMNS)
    assert "没有任何数据行" in problems[0].message


# --- run_import: one transaction, batch, audit ----------------------------------------------------


class OfficeImporter(Importer):
    """A stand-in importer writing business offices; name "拒绝" is refused by the 'service'."""

    kind = "offices-test"
    title = "股室"
    columns = COLUMNS

    def check(self, rows):
        return [
            r.problem("code", "编码已被占用", "编码") for r in rows if r.values["code"] == "BUD"
        ]

    def save(self, rows):
        for row in rows:
            with row.located():
                if row.values["name"] == "拒绝":
                    raise ValidationError({"name": ["名称不可用。"]})
                if row.values["name"] == "无权":
                    raise PermissionDenied("您没有权限。")
                Office.objects.create(
                    region=self.region,
                    code=row.values["code"],
                    name=row.values["name"],
                    kind="business",
                )
        return len(rows), 0


def counts():
    return (Office.objects.count(), ImportBatch.objects.count(), AuditLog.objects.count())


@pytest.fixture
def importer(world):
    return OfficeImporter(actor=world.users["budget"], region=world.region)


def test_run_import_writes_rows_batch_and_audit_in_one_batch(importer, world):
    data = xlsx_bytes([("编码", "名称"), ("N1", "新股一"), ("N2", "新股二")], "股室")
    result = run_import(importer, data, "offices.xlsx")
    assert (result.rows, result.created, result.updated) == (2, 2, 0)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.kind, batch.rows, batch.created, batch.region_code) == (
        "offices-test",
        2,
        2,
        world.region.code,
    )
    assert batch.actor == world.users["budget"] and len(batch.sha256) == 64
    entry = AuditLog.objects.get(action="import", object_id=str(batch.pk))
    assert entry.batch == batch.pk and entry.source == "import"
    assert "新增 2" in entry.message


def test_service_refusal_during_save_is_located_and_rolls_back_earlier_rows(importer):
    data = xlsx_bytes([("编码", "名称"), ("N1", "新股一"), ("N2", "拒绝")], "股室")
    before = counts()
    with pytest.raises(InputRejected) as exc:
        run_import(importer, data, "offices.xlsx")
    problem = exc.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("股室", 3, "B")
    assert problem.message == "名称不可用。"
    assert counts() == before  # N1 was saved before N2 failed, and is gone


def test_permission_refusal_during_save_is_located_and_nothing_written(importer):
    data = xlsx_bytes([("编码", "名称"), ("N1", "无权")], "股室")
    before = counts()
    with pytest.raises(InputRejected) as exc:
        run_import(importer, data, "offices.xlsx")
    assert exc.value.problems[0].row == 2 and "没有权限" in str(exc.value.problems[0])
    assert counts() == before


def test_check_problems_stop_the_import_before_save(importer):
    before = counts()
    with pytest.raises(InputRejected) as exc:
        run_import(importer, xlsx_bytes([("编码", "名称"), ("BUD", "甲")]), "o.xlsx")
    assert "编码已被占用" in str(exc.value)
    assert counts() == before


def test_every_bad_cell_is_reported_at_once(importer):
    data = xlsx_bytes([("编码", "名称", "金额"), ("N1", "", "x"), ("N 2", "乙", "1")])
    with pytest.raises(InputRejected) as exc:
        run_import(importer, data, "o.xlsx")
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "B"), (2, "C"), (3, "A")]


def test_instruction_sheets_without_the_header_are_skipped(importer):
    book = openpyxl.Workbook()
    book.active.title = "填表说明"
    book.active.append(["请按模板填写"])
    data_sheet = book.create_sheet("股室")
    data_sheet.append(["编码", "名称"])
    data_sheet.append(["N1", "新股一"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert run_import(importer, buffer.getvalue(), "o.xlsx").rows == 1


def test_file_with_no_matching_sheet_is_refused_as_wrong_template(importer):
    before = counts()
    with pytest.raises(InputRejected) as exc:
        run_import(
            importer, xlsx_bytes([("项目编码", "项目名称"), ("P1", "甲")], "项目"), "projects.xlsx"
        )
    assert "找不到表头" in str(exc.value) and "项目" in str(exc.value)
    assert counts() == before


def test_audit_records_made_by_save_share_the_import_batch(importer, world):
    class AuditingImporter(OfficeImporter):
        def save(self, rows):
            audit.record(action="action", message="保存中")
            return super().save(rows)

    result = run_import(
        AuditingImporter(actor=world.users["budget"], region=world.region),
        xlsx_bytes([("编码", "名称"), ("N1", "新股一")]),
        "o.xlsx",
    )
    entries = AuditLog.objects.filter(batch=result.batch_id)
    assert {e.action for e in entries} >= {"action", "import"}
    assert {e.actor_name for e in entries} == {"budget"}


def test_row_located_turns_a_plain_validation_error_into_a_row_problem():
    row = Row(number=9, values={}, sheet="S", columns={"name": "B"})
    with pytest.raises(InputRejected) as exc, row.located():
        raise ValidationError("年度已关闭。")
    assert (exc.value.problems[0].row, exc.value.problems[0].message) == (9, "年度已关闭。")


# --- JSON read as a sheet -------------------------------------------------------------------------


def test_json_objects_become_rows_counted_from_one(importer):
    data = json.dumps([{"code": "N1", "name": "甲"}, {"code": "N2", "amount": 1.5}]).encode()
    sheet = sheet_from_json(data, importer)
    rows, problems = parse_sheet(sheet, COLUMNS)
    assert rows[0].number == 1
    assert [(p.row, p.field) for p in problems] == [(2, "名称")]


def test_json_number_is_read_through_its_decimal_text(importer):
    sheet = sheet_from_json(b'[{"code": "N1", "name": "x", "amount": 207.4538}]', importer)
    rows, _problems = parse_sheet(sheet, COLUMNS)
    assert rows[0].values["amount"] == Decimal("207.4538")


def test_json_cells_keep_text_and_whole_numbers_and_convert_the_rest(importer):
    data = json.dumps(
        [
            {"code": "N1", "name": "甲", "amount": 12},
            {"code": "N2", "name": ["甲", "乙"], "amount": 1.5},
            {"code": True, "name": None, "amount": ""},
        ]
    ).encode()
    sheet = sheet_from_json(data, importer)
    assert sheet.rows[1:] == [
        ("N1", "甲", 12),
        ("N2", "甲、乙", Decimal("1.5")),  # JSON numbers are read as decimals
        ("是", None, ""),
    ]


def test_a_json_object_without_any_column_is_named_with_its_row(importer):
    data = json.dumps([{"code": "N1", "name": "甲"}, {"other": 1, "code": "", "name": None}])
    with pytest.raises(InputRejected) as exc:
        sheet_from_json(data.encode(), importer)
    assert [p.row for p in exc.value.problems] == [2]
    assert "缺少必填字段" in exc.value.problems[0].message


def test_a_json_document_with_its_values_reads_as_its_bytes_do(importer):
    """The payments push hands the importer its document with the values it was written from
    (`JsonDocument`): the same sheet, the same refusals, as the bytes parsed."""
    items = [
        {"code": "N1", "name": "甲", "amount": 12},
        {"code": "N2", "name": ["甲", "乙"], "amount": Decimal("1.5")},
        {"code": True, "name": None, "amount": ""},
    ]
    data = json.dumps(items, default=str).replace('"1.5"', "1.5").encode()
    assert sheet_from_json(JsonDocument(data, lambda: items), importer) == sheet_from_json(
        data, importer
    )
    blank = [*items, {"other": 1, "code": "", "name": None}]
    data = json.dumps(blank, default=float).encode()
    with pytest.raises(InputRejected) as exc:
        sheet_from_json(JsonDocument(data, lambda: blank), importer)
    assert [p.row for p in exc.value.problems] == [4]


def test_a_json_document_with_its_values_is_measured_as_its_bytes_are(importer, settings):
    items = [{"code": f"N{i}", "name": "甲"} for i in range(3)]
    data = json.dumps(items).encode()
    settings.JIXIAO_IMPORT_MAX_ROWS = 2
    with pytest.raises(InputRejected) as exc:
        sheet_from_json(JsonDocument(data, lambda: items), importer)
    assert "超过 2 个的上限" in str(exc.value)
    settings.JIXIAO_IMPORT_MAX_JSON_OBJECTS = 2
    with pytest.raises(InputRejected) as exc:
        sheet_from_json(JsonDocument(data, lambda: items), importer)
    assert "约 3 个对象" in str(exc.value)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"{not json", "JSON 格式错误"),
        (b"\xff\xfe", "JSON 格式错误"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON 文件嵌套超过 32 层"),  # would blow the stack
        (b'"a string"', "JSON 应为对象或对象的列表"),
        (b"[1, 2]", "JSON 应为对象或对象的列表"),
        # half of a UTF-16 pair alone is no character: no database stores it (it answered 500)
        (b'[{"code": "N1", "name": "\\ud800"}]', "JSON 中\u201c[0].name\u201d含有无法存储的字符"),
        (b'[{"code": "N1", "\\udc00": "x"}]', "\u201c[0].'\\udc00'\u201d含有无法存储的字符"),
    ],
)
def test_bad_json_is_refused_with_a_message(importer, data, message):
    before = counts()
    with pytest.raises(InputRejected) as exc:
        run_import(importer, data, "offices.json")
    assert message in str(exc.value)
    assert counts() == before


def test_a_surrogate_pair_in_json_is_one_character_and_is_read(importer):
    sheet = sheet_from_json(b'[{"code": "N1", "name": "\\ud83d\\udc4d"}]', importer)
    assert sheet.rows[1:] == [("N1", "\U0001f44d", None)]


def test_json_over_the_size_limit_is_refused(importer, settings):
    settings.JIXIAO_IMPORT_MAX_BYTES = 100
    with pytest.raises(InputRejected) as exc:
        sheet_from_json(json.dumps([{"code": "N1", "name": "甲" * 100}]).encode(), importer)
    assert "文件过大" in str(exc.value)


@pytest.mark.parametrize("raw", ["12,5", "1,23", "1,2345.6", "１２，５"])
def test_money_refuses_a_decimal_comma_rather_than_reading_it_as_thousands(raw):
    with pytest.raises(CellError) as exc:
        money(raw)
    assert "小数点请用“.”" in str(exc.value)
