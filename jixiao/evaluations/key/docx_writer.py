"""The small Word writer of the key-evaluation package (`OfficialDocx`): the house's official
layout (A4, GB/T 9704 margins, 仿宋 body, 黑体/楷体 headings) for the evaluation report
(`report.report_docx`), the ex-ante assessment's report (`exante.exante_report_docx`) and the
notification letter (`letters`). `jixiao.reports.officedoc` has the same look but the stages may
not import `reports` (imports flow one way).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor

#: A line of report text that opens with （一）, （二） … is a level-2 heading.
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")


class OfficialDocx:
    """A Word document in the official layout: A4, margins 3.7/3.5/2.8/2.6 cm, title 宋体 22 pt
    bold, headings 黑体 (level 1) and 楷体 (level 2 bold, level 3), body 仿宋 16 pt with a
    two-character indent and lines of exactly 28 pt, bordered tables in 仿宋 12 pt with the
    header row in 黑体.

    The look is defined once a document on its styles (Normal, Title, Heading 1–3, the table
    cells' "Table Text" and "Table Heading", the "Table Grid" table style), each looked up
    once; a paragraph only names its style and its runs carry no formatting. East Asian fonts
    are set on every style, since Word would otherwise take the theme's."""

    BODY, TITLE, CELL = 16, 22, 12
    #: Paragraph style → (East Asian font, size in pt, bold).
    LOOK = {
        "Normal": ("仿宋", BODY, False),
        "Title": ("宋体", TITLE, True),
        "Heading 1": ("黑体", BODY, False),
        "Heading 2": ("楷体", BODY, True),
        "Heading 3": ("楷体", BODY, False),
        "Table Text": ("仿宋", CELL, False),
        "Table Heading": ("黑体", CELL, False),
    }
    ADDED = ("Table Text", "Table Heading")  # not in python-docx's template

    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        styles = self.doc.styles
        self.styles = {}
        for name, (font, size, bold) in self.LOOK.items():
            if name in self.ADDED:
                style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = self.styles["Normal"]
            else:
                style = styles[name]
            self._look(style, font, size, bold)
            self.styles[name] = style
        self.grid = styles["Table Grid"]
        self._spacing(self.styles["Normal"].paragraph_format, indent=True, line=Pt(28))
        for level in (1, 2, 3):
            fmt = self.styles[f"Heading {level}"].paragraph_format
            self._spacing(fmt, indent=True, line=Pt(28))
            fmt.keep_with_next = True
        title = self.styles["Title"]
        self._spacing(title.paragraph_format, indent=False, line=1.15, after=Pt(10))
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for name in self.ADDED:
            self._spacing(self.styles[name].paragraph_format, indent=False, line=1.0)

    @staticmethod
    def _font(element, east_asia: str) -> None:
        rpr = element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for key in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn("w:" + key), None)
        fonts.set(qn("w:eastAsia"), east_asia)
        fonts.set(qn("w:ascii"), "Times New Roman")
        fonts.set(qn("w:hAnsi"), "Times New Roman")

    def _look(self, style, font: str, size: int, bold: bool) -> None:
        """The style's characters: the fonts, size and weight, upright and black; without the
        template's border, letter spacing and kerning (its Title has them)."""
        self._font(style.element, font)
        style.font.size, style.font.bold, style.font.italic = Pt(size), bold, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        for parent, tag in (
            (style.element.pPr, "w:pBdr"),
            (style.element.rPr, "w:spacing"),
            (style.element.rPr, "w:kern"),
        ):
            found = None if parent is None else parent.find(qn(tag))
            if found is not None:
                parent.remove(found)

    def _spacing(self, fmt, *, indent: bool, line, after=None) -> None:
        """A style's lines: `line` exactly when a length, else a multiple; no space before,
        `after` (none by default) after; the first line indented two characters or not."""
        fmt.space_before, fmt.space_after = Pt(0), after if after is not None else Pt(0)
        if isinstance(line, Length):
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
        fmt.first_line_indent = Pt(self.BODY * 2 if indent else 0)

    def _styled(self, text: str, style: str):
        """A paragraph of the style (a name in LOOK). Its id goes straight into the XML:
        python-docx's `paragraph.style = …` searches all the styles for the default one on
        every call."""
        paragraph = self.doc.add_paragraph(text)
        paragraph._p.style = self.styles[style].style_id
        return paragraph

    def title(self, text: str) -> None:
        self._styled(text, "Title")
        self.doc.add_paragraph()

    def heading(self, text: str, level: int = 1) -> None:
        """A heading of level 1, 2 or 3 (deeper levels look like level 3)."""
        self._styled(text, f"Heading {min(max(level, 1), 3)}")

    def para(self, text: str, *, indent: bool = True, right: bool = False) -> None:
        paragraph = self.doc.add_paragraph(text)  # Normal: the body's look
        if not indent:
            paragraph.paragraph_format.first_line_indent = Pt(0)
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def text(self, text: str) -> None:
        """Paragraphs, one a line; a line opening with （一） etc. is a level-2 heading."""
        for line in (text or "").splitlines():
            line = line.strip()
            if not line:
                continue
            if SUBHEADING.match(line):
                self.heading(line, 2)
            else:
                self.para(line)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
        rows = list(rows)
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(headers))
        table.style = self.grid
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        heading, body = self.styles["Table Heading"].style_id, self.styles["Table Text"].style_id
        for n, (row, values) in enumerate(zip(table.rows, [headers, *rows], strict=True)):
            for cell, value in zip(row.cells, values, strict=True):
                paragraph = cell.paragraphs[0]
                paragraph._p.style = body if n else heading  # see _styled
                paragraph.add_run("" if value is None else str(value))
        self.doc.add_paragraph()

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
