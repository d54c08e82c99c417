"""The official layout of the key-evaluation Word documents (`docx_writer.OfficialDocx`) lives on
the document's styles: A4, body 仿宋 16 pt with lines of exactly 28 pt and a two-character
indent, headings 黑体 / 楷体 bold, the title 宋体 22 pt bold and centred, table cells 仿宋 12 pt
with a 黑体 header row; paragraphs name their style and their runs carry no formatting."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from jixiao.evaluations.key.docx_writer import OfficialDocx


def _document():
    doc = OfficialDocx()
    doc.title("某项目绩效评价报告")
    doc.heading("一、基本情况")
    doc.text("（一）项目概况\n项目于2021年实施。")
    doc.table(["一级指标", "得分"], [("决策", "12.00")])
    doc.para("某评价机构", indent=False, right=True)
    return Document(io.BytesIO(doc.to_bytes()))


def _east_asia(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_body_headings_and_title_take_their_look_from_the_styles():
    doc = _document()
    by_text = {p.text: p for p in doc.paragraphs}
    normal = doc.styles["Normal"]
    assert _east_asia(normal) == "仿宋" and normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28)
    assert normal.paragraph_format.first_line_indent == Pt(32)
    assert by_text["项目于2021年实施。"].style.name == "Normal"
    heading1, heading2 = by_text["一、基本情况"].style, by_text["（一）项目概况"].style
    assert (heading1.name, _east_asia(heading1), heading1.font.bold) == ("Heading 1", "黑体", False)
    assert (heading2.name, _east_asia(heading2), heading2.font.bold) == ("Heading 2", "楷体", True)
    assert heading1.paragraph_format.line_spacing == Pt(28)
    title = by_text["某项目绩效评价报告"].style
    assert (_east_asia(title), title.font.size, title.font.bold) == ("宋体", Pt(22), True)
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    signature = by_text["某评价机构"]
    assert signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert signature.paragraph_format.first_line_indent == Pt(0)
    runs = [r for p in doc.paragraphs for r in p.runs]
    assert runs and all(r._element.rPr is None for r in runs)


def test_table_cells_are_12_pt_with_a_heiti_header_row_in_a_bordered_table():
    doc = _document()
    table = doc.tables[0]
    assert table.style.name == "Table Grid"
    header, row = (r.cells[0].paragraphs[0] for r in table.rows)
    assert (header.text, _east_asia(header.style), header.style.font.size) == (
        "一级指标",
        "黑体",
        Pt(12),
    )
    assert (row.text, _east_asia(row.style), row.style.font.size) == ("决策", "仿宋", Pt(12))
    assert row.style.paragraph_format.first_line_indent == Pt(0)
