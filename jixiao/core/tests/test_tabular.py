"""Reading hostile files safely and writing formula-safe xlsx (jixiao.core.tabular).

Every file here is built in memory: openpyxl workbooks, CSV text encoded as the user's office
software would, and zip archives made with zipfile. No binary fixtures.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import sys
import zipfile

import openpyxl
import pytest

from jixiao.core import tabular
from jixiao.core.tabular import (
    InputRejected,
    Problem,
    column_letter,
    normalise_header,
    read_tables,
    safe_cell,
    write_sheet,
)


def xlsx_bytes(rows, title: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def message_of(exc_info) -> str:
    return "；".join(str(p) for p in exc_info.value.problems)


def forbid_openpyxl(monkeypatch):
    """Make any attempt to parse the workbook fail the test loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not be asked to parse this file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# --- what the file is --------------------------------------------------------------------------


def test_empty_file_is_refused_as_empty():
    with pytest.raises(InputRejected) as exc:
        read_tables(b"", "units.xlsx")
    assert "文件是空的" in message_of(exc)


def test_file_over_max_bytes_is_refused_before_parsing(settings, monkeypatch):
    settings.JIXIAO_IMPORT_MAX_BYTES = 4096
    data = xlsx_bytes([["年度", "单位编码"], *[[2022, f"U{i}"] for i in range(400)]])
    assert len(data) > 4096
    forbid_openpyxl(monkeypatch)
    with pytest.raises(InputRejected) as exc:
        read_tables(data, "units.xlsx")
    assert "文件过大" in message_of(exc)


def test_pdf_renamed_xlsx_is_refused_as_renamed_file():
    data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    with pytest.raises(InputRejected) as exc:
        read_tables(data, "单位.xlsx")
    text = message_of(exc)
    assert "不是有效的 Excel" in text and "单位.xlsx" in text


def test_plain_text_renamed_xlsx_is_refused_as_renamed_file():
    with pytest.raises(InputRejected) as exc:
        read_tables("年度,单位编码\n2022,U9\n".encode(), "units.xlsx")
    assert "改了扩展名" in message_of(exc)


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_old_xls_file_is_refused_with_save_as_xlsx_advice():
    with pytest.raises(InputRejected) as exc:
        read_tables(OLE_HEADER, "units.xls")
    assert "旧版 Excel（.xls）" in message_of(exc)


def test_old_xls_renamed_xlsx_is_still_named_as_old_excel():
    with pytest.raises(InputRejected) as exc:
        read_tables(OLE_HEADER, "units.xlsx")
    assert "旧版 Excel（.xls）" in message_of(exc)


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(InputRejected) as exc:
        read_tables(buffer.getvalue(), "units.xlsx")
    assert "不是 Excel 工作簿" in message_of(exc)


def test_truncated_zip_is_refused_as_damaged():
    data = xlsx_bytes([["年度"], [2022]])
    with pytest.raises(InputRejected) as exc:
        read_tables(data[: len(data) // 2], "units.xlsx")
    assert "损坏" in message_of(exc)


def test_unknown_file_type_is_refused():
    with pytest.raises(InputRejected) as exc:
        read_tables(b"<html></html>", "units.html")
    assert "不支持的文件类型" in message_of(exc)


# --- zip bombs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A workbook whose sheet1.xml inflates to 300 MB, deflated to about 300 KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b" " * (1 << 20)
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            for _ in range(300):
                entry.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_openpyxl_parses_it(zip_bomb, monkeypatch):
    assert len(zip_bomb) < 1024 * 1024  # small on disk ...
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist())
    assert declared >= 300 * 1024 * 1024  # ... hundreds of MB inflated
    forbid_openpyxl(monkeypatch)

    def no_inflating(*args, **kwargs):
        raise AssertionError("the archive's entries must not be inflated")

    # Quick because nothing is inflated: only the central directory is read.
    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    with pytest.raises(InputRejected) as exc:
        read_tables(zip_bomb, "units.xlsx")
    assert "解压后超过" in message_of(exc)


def test_zip_declaring_a_huge_entry_is_refused(monkeypatch):
    """Only the central directory's declared size is read; a lying small entry is refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    data = bytearray(buffer.getvalue())
    for match in re.finditer(rb"PK\x01\x02", bytes(data)):  # central directory entries
        struct.pack_into("<I", data, match.start() + 24, 900 * 1024 * 1024)
    forbid_openpyxl(monkeypatch)
    with pytest.raises(InputRejected) as exc:
        read_tables(bytes(data), "units.xlsx")
    assert "解压后超过" in message_of(exc)


# --- limits on rows ----------------------------------------------------------------------------


def test_xlsx_with_too_many_rows_is_refused(settings):
    settings.JIXIAO_IMPORT_MAX_ROWS = 5
    data = xlsx_bytes([["年度", "单位编码"], *[[2022, f"U{i}"] for i in range(10)]], "单位")
    with pytest.raises(InputRejected) as exc:
        read_tables(data, "units.xlsx")
    text = message_of(exc)
    assert "超过 5 行上限" in text and "单位" in text


def test_csv_with_too_many_rows_is_refused(settings):
    settings.JIXIAO_IMPORT_MAX_ROWS = 5
    data = "\n".join(["年度,单位编码", *[f"2022,U{i}" for i in range(10)]]).encode()
    with pytest.raises(InputRejected) as exc:
        read_tables(data, "units.csv")
    assert "超过 5 行上限" in message_of(exc)


def test_columns_beyond_the_limit_are_not_read(settings):
    settings.JIXIAO_IMPORT_MAX_COLUMNS = 3
    sheet = read_tables(",".join("abcdef").encode(), "wide.csv")[0]
    assert sheet.rows == [("a", "b", "c")]


# --- reading -----------------------------------------------------------------------------------


def test_xlsx_is_read_into_sheets_with_trailing_blank_rows_dropped():
    data = xlsx_bytes(
        [["年度", "单位名称"], [2022, "甲区教育局"], [None, None], [None, ""]], "单位"
    )
    sheets = read_tables(data, "units.xlsx")
    assert [s.name for s in sheets] == ["单位"]
    assert [row[:2] for row in sheets[0].rows] == [("年度", "单位名称"), (2022, "甲区教育局")]


def test_xlsx_with_a_wrong_dimension_record_still_reads_every_row():
    """Some writers declare <dimension ref="A1"/>; read-only openpyxl would stop at row 1."""
    data = xlsx_bytes([["年度", "单位编码"], *[[2022, f"U{i}"] for i in range(9)]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', content)
            target.writestr(info.filename, content)
    rows = read_tables(buffer.getvalue(), "units.xlsx")[0].rows
    assert len(rows) == 10
    assert rows[-1][:2] == (2022, "U8")


def test_gbk_csv_is_decoded_with_chinese_intact():
    data = "年度,单位名称\n2022,甲区教育局\n".encode("gbk")
    rows = read_tables(data, "units.csv")[0].rows
    assert rows == [("年度", "单位名称"), ("2022", "甲区教育局")]


def test_gb18030_only_characters_are_decoded():
    data = "单位名称\n䶮城街道\n".encode("gb18030")  # 䶮 is outside GBK
    assert read_tables(data, "units.csv")[0].rows[1] == ("䶮城街道",)


def test_utf8_csv_with_bom_has_no_bom_in_the_first_header():
    data = "年度,单位名称\n2022,甲区教育局\n".encode("utf-8-sig")
    rows = read_tables(data, "units.csv")[0].rows
    assert rows[0] == ("年度", "单位名称")


def test_tab_separated_text_is_read_as_columns():
    data = "年度\t单位名称\n2022\t甲区教育局\n".encode("gbk")
    assert read_tables(data, "units.txt")[0].rows[1] == ("2022", "甲区教育局")


def test_csv_with_an_unclosed_quote_is_refused_with_a_message():
    data = b'year,name\n2022,"' + b"x" * 200_000
    with pytest.raises(InputRejected) as exc:
        read_tables(data, "units.csv")
    assert "格式错误" in message_of(exc)


def test_binary_file_renamed_csv_is_refused():
    with pytest.raises(InputRejected) as exc:
        read_tables(b"abc\x00def\n", "units.csv")
    assert "空字符" in message_of(exc)


def test_csv_in_neither_utf8_nor_gbk_is_refused():
    with pytest.raises(InputRejected) as exc:
        read_tables(b"\x81\x20\xff\xfe\x80", "units.csv")
    assert "编码" in message_of(exc)


# --- small helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("单位编码（必填）*", "单位编码"),
        ("单位\n名称", "单位名称"),
        ("年初预算(万元)", "年初预算"),
        ("预算年度：", "预算年度"),
        ("ＡＢＣ", "ABC"),
        (None, ""),
    ],
)
def test_normalise_header_strips_notes_spaces_and_full_width_forms(raw, expected):
    assert normalise_header(raw) == expected


def test_column_letters_follow_excel():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_problem_text_names_sheet_row_column_and_field():
    problem = Problem("必填项为空", sheet="单位", row=7, column="C", field="单位名称")
    assert str(problem) == "工作表“单位” 第 7 行 C 列 （单位名称）：必填项为空"
    assert problem.as_dict()["text"] == str(problem)


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+86 123", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_puts_an_apostrophe_before_formula_like_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["甲区教育局", "a=b", -5, 12.5, None])
def test_safe_cell_leaves_other_values_alone(value):
    assert safe_cell(value) == value


def test_written_sheet_keeps_user_text_as_text_not_formula():
    book = openpyxl.Workbook()
    write_sheet(
        book.active,
        ["单位名称", "金额"],
        [['=HYPERLINK("http://x","点我")', 1]],
        title="导出",
        money_columns=[1],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    cell = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active["A3"]
    assert cell.value == '\'=HYPERLINK("http://x","点我")'
    assert cell.data_type == "s"


def test_without_calamine_read_tables_uses_read_only_openpyxl(monkeypatch):
    seen = {}
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails: not installed
    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    sheets = tabular.read_tables(xlsx_bytes([["a"], [1]]), "a.xlsx")
    assert seen["read_only"] is True and seen["data_only"] is True
    assert [row[:1] for row in sheets[0].rows] == [("a",), (1,)]


def test_calamine_reads_what_openpyxl_reads(monkeypatch):
    """The fast reader gives the same rows: from A1, None for blanks, whole numbers as int,
    dates as datetime, formulas as their cached values, chart-free sheets in order."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "单位"
    ws["C2"], ws["D2"], ws["E2"] = "甲区教育局", 2022, 207.4538
    ws["F2"], ws["G2"], ws["H2"] = dt.datetime(2022, 1, 3), True, "'=1+1"
    ws["C4"] = "=1+1"  # no cached value: openpyxl gives None
    ws.merge_cells("C5:E5")
    ws["C5"] = "合并"
    book.create_sheet("空表")
    book.create_sheet("隐藏").sheet_state = "hidden"
    book["隐藏"]["A1"] = -3.5
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    fast = read_tables(data, "a.xlsx")
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    slow = read_tables(data, "a.xlsx")

    def shape(sheets):  # openpyxl pads rows to the column limit; calamine to the used width
        return [
            (s.name, [tuple(row[:8]) + (None,) * (8 - len(row)) for row in s.rows]) for s in sheets
        ]

    assert shape(fast) == shape(slow)
    assert fast[0].rows[1][2:8] == (
        "甲区教育局",
        2022,
        207.4538,
        dt.datetime(2022, 1, 3),
        True,
        "'=1+1",
    )
