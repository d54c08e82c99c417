"""A Word document in the customary layout of official documents (GB/T 9704), over python-docx.

A4, margins 3.7/3.5/2.8/2.6 cm; the title in a large 宋体 bold (the 小标宋 of the standard is not
installed everywhere); body 仿宋 三号 (16 pt) with a two-character first-line indent and lines of
exactly 28 pt; level-1 headings in 黑体, level-2 in 楷体 bold; page numbers "— 1 —" in 宋体 四号
at the foot. The East Asian font is written on every style and every run (`w:rFonts
w:eastAsia`): python-docx sets only the Latin ones, and the template's theme fonts would win
otherwise. The common Windows names are used; LibreOffice maps them through fontconfig.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

LATIN = "Times New Roman"
FANGSONG, HEITI, KAITI, SONGTI = "仿宋", "黑体", "楷体", "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
CAPTION_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(12)  # 小四: the tables inside the text
SMALL_SIZE = Pt(9)  # 小五: wide data tables
LINE = Pt(28)
INDENT_CHARS = 2
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
A4 = (Cm(21), Cm(29.7))
#: Text that reads as a figure (not a code such as "117"): right-aligned in tables.
_FIGURE = re.compile(r"^-?\d+\.\d+$|^-?\d+(\.\d+)?%$")


def set_fonts(element, east_asia: str, latin: str = LATIN) -> None:
    """Explicit fonts on the rPr of a run, a style or the document defaults; theme fonts are
    removed, since Word prefers them to the explicit names."""
    rpr = (
        element.get_or_add_rPr()
        if hasattr(element, "get_or_add_rPr")
        else element.find(qn("w:rPr"))
    )
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        rfonts.set(qn(f"w:{attr}"), name)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def is_figure(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | Decimal | float):
        return True
    return bool(_FIGURE.match(str(value)))


def display_width(text: str) -> int:
    """Columns a text takes: a CJK character counts two, anything else one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


class OfficialDocument:
    """The paragraph kinds of an official document: title, headings, body, tables, pictures."""

    def __init__(self):
        self.doc = Document()
        self._styles()
        self._page(self.doc.sections[0])
        self._page_number(self.doc.sections[0].footer.paragraphs[0])
        self.tables = 0
        self.figures = 0

    # ── set-up ───────────────────────────────────────────────────────────────────────────────
    def _styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
        set_fonts(defaults, FANGSONG)
        lang = defaults.find(qn("w:rPr")).find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        for name, font, size, bold in (
            ("Normal", FANGSONG, BODY_SIZE, False),
            ("Heading 1", HEITI, BODY_SIZE, False),
            ("Heading 2", KAITI, BODY_SIZE, True),
            ("Title", SONGTI, TITLE_SIZE, True),
            ("Caption", HEITI, CAPTION_SIZE, False),
        ):
            style = styles[name]
            set_fonts(style.element, font)
            style.font.size, style.font.bold, style.font.italic = size, bold, False
            style.font.color.rgb = RGBColor(0, 0, 0)
            fmt = style.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
            ppr = style.element.get_or_add_pPr()
            for border in ppr.findall(qn("w:pBdr")):
                ppr.remove(border)
        styles["Normal"].paragraph_format.widow_control = True
        styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styles["Title"].paragraph_format.line_spacing = Pt(36)
        styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for name in ("Heading 1", "Heading 2"):  # GB/T 9704: headings indented like the text
            indent(styles[name].paragraph_format, styles[name].element)

    @staticmethod
    def _page(section, *, landscape: bool = False) -> None:
        width, height = A4
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
        section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
        section.footer_distance = Cm(2.5)

    def _page_number(self, paragraph) -> None:
        """ "— 1 —" centred (GB/T 9704 页码); later sections link to this footer."""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        self.run(paragraph, "— ", SONGTI, CAPTION_SIZE)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        number = self.run(paragraph, "1", SONGTI, CAPTION_SIZE)._element
        number.getparent().remove(number)
        field.append(number)
        paragraph._p.append(field)
        self.run(paragraph, " —", SONGTI, CAPTION_SIZE)

    @property
    def text_width(self) -> int:
        section = self.doc.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    # ── paragraphs ───────────────────────────────────────────────────────────────────────────
    @staticmethod
    def run(
        paragraph,
        text: str,
        east_asia: str = FANGSONG,
        size=None,
        *,
        bold=None,
        highlight: bool = False,
    ):
        run = paragraph.add_run(text)
        set_fonts(run._element, east_asia)
        if size is not None:
            run.font.size = size
        if bold is not None:
            run.font.bold = bold
        if highlight:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def title(self, *lines: str) -> None:
        """The title, centred, one line per argument, then an empty line."""
        paragraph = self.doc.add_paragraph(style="Title")
        paragraph.paragraph_format.keep_with_next = True
        for number, line in enumerate(lines):
            run = self.run(paragraph, line, SONGTI, TITLE_SIZE, bold=True)
            if number < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
        self.blank()

    def heading(self, text: str, level: int = 1) -> None:
        paragraph = self.doc.add_paragraph(style=f"Heading {level}")
        paragraph.paragraph_format.keep_with_next = True
        self.run(paragraph, text, HEITI if level == 1 else KAITI, BODY_SIZE, bold=level == 2)

    def para(
        self,
        text: str,
        *,
        first_indent: bool = True,
        align=None,
        highlight: bool = False,
        font: str = FANGSONG,
        right_chars: int = 0,
        keep_with_next: bool = False,
    ):
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        if first_indent:
            indent(fmt, paragraph._p)
        else:
            fmt.first_line_indent = Pt(0)
        if align is not None:
            paragraph.alignment = align
        if right_chars:
            fmt.right_indent = Pt(16 * right_chars)
        fmt.keep_with_next = keep_with_next or None
        self.run(paragraph, text, font, BODY_SIZE, highlight=highlight)
        return paragraph

    def blank(self, *, keep_with_next: bool = False) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = keep_with_next or None

    def page_break(self) -> None:
        self.run(self.doc.add_paragraph(), "").add_break(WD_BREAK.PAGE)

    def landscape_section(self) -> None:
        """A new page in landscape for wide tables (the footer stays linked: same numbers)."""
        self._page(self.doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)

    # ── tables and pictures ──────────────────────────────────────────────────────────────────
    def caption(self, text: str) -> None:
        paragraph = self.doc.add_paragraph(style="Caption")
        paragraph.paragraph_format.keep_with_next = True
        self.run(paragraph, text, HEITI, CAPTION_SIZE)

    def numbered_caption(self, text: str) -> None:
        self.tables += 1
        self.caption(_("表%(n)s %(caption)s") % {"n": self.tables, "caption": text})

    def table(
        self, headers: Sequence, rows: Iterable[Sequence], *, size=TABLE_SIZE, font: str = FANGSONG
    ) -> None:
        """A bordered table, its header row shaded and repeated on every page, columns as wide
        as their content needs (measured on the first rows), figures right-aligned."""
        headers = [str(h) for h in headers]
        rows = [[(cell_text(v), is_figure(v)) for v in r] for r in rows]
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = self._widths(headers, rows)
        for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
            column.w = width
        self._row(table.rows[0], [(h, False) for h in headers], widths, font, size, header=True)
        if rows:
            # One row built by python-docx, then copied: thousands of rows stay fast.
            prototype = table.add_row()
            self._row(prototype, [("x", False)] * len(headers), widths, font, size)
            prototype = prototype._tr
            table._tbl.remove(prototype)
            for cells in rows:
                table._tbl.append(_filled(prototype, cells))
        self.doc.add_paragraph()  # a table must not run into the next paragraph

    def _widths(self, headers: list[str], rows: list[list[tuple[str, bool]]]) -> list[Emu]:
        sample = rows[:200]
        need = []
        for i, header in enumerate(headers):
            longest = max([display_width(r[i][0]) for r in sample] or [0])
            need.append(max(min(longest, 40), min(display_width(header), 12), 4))
        total = sum(need)
        return [Emu(int(self.text_width * n / total)) for n in need]

    def _row(
        self,
        row,
        cells: Sequence[tuple[str, bool]],
        widths,
        font: str,
        size,
        *,
        header: bool = False,
    ) -> None:
        if header:
            trpr = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            trpr.append(repeat)
        for cell, (value, figure), width in zip(row.cells, cells, widths, strict=True):
            cell.width = width
            if header:
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:fill"), "D9D9D9")
                cell._tc.get_or_add_tcPr().append(shade)
            paragraph = cell.paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif figure:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self.run(paragraph, value, HEITI if header else font, size)

    def picture(self, png: bytes, caption: str, *, width_cm: float = 15) -> None:
        self.figures += 1
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule, fmt.first_line_indent = WD_LINE_SPACING.SINGLE, Pt(0)
        fmt.keep_with_next = True
        self.run(paragraph, "").add_picture(io.BytesIO(png), width=Cm(width_cm))
        self.caption(_("图%(n)s %(caption)s") % {"n": self.figures, "caption": caption})
        self.blank()

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _filled(prototype, cells: Sequence[tuple[str, bool]]):
    row = copy.deepcopy(prototype)
    for tc, (text, figure) in zip(row.iter(qn("w:tc")), cells, strict=True):
        paragraph = tc.find(qn("w:p"))
        node = paragraph.find(qn("w:r")).find(qn("w:t"))
        node.text = text
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if figure:
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), "right")
            paragraph.get_or_add_pPr().append(jc)
    return row


def indent(fmt, element) -> None:
    """First line indented by two characters: `firstLineChars` for Word, points for readers
    that ignore it."""
    fmt.first_line_indent = Pt(16 * INDENT_CHARS)
    ind = element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(100 * INDENT_CHARS))
