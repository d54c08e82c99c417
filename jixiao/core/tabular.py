"""Reading xlsx and CSV files safely, and writing xlsx (DESIGN.md, Import and export).

A file from outside is hostile until read: its size is checked before anything is parsed, an
xlsx is checked for what it would inflate to before openpyxl opens it (a "zip bomb" of a few
kilobytes can unpack to gigabytes), CSV is read as UTF-8 or GBK/GB18030 (what Chinese office
software writes), and every problem is a message in Chinese that says where and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as a user would look for it."""

    message: str
    sheet: str = ""
    row: int | None = None  # 1-based, as Excel shows it
    column: str = ""  # Excel letter, e.g. "C"
    field: str = ""  # the column's header, e.g. "单位编码"

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("工作表“%(s)s”") % {"s": self.sheet})
        if self.row:
            where.append(_("第 %(r)s 行") % {"r": self.row})
        if self.column:
            where.append(_("%(c)s 列") % {"c": self.column})
        if self.field:
            where.append(_("（%(f)s）") % {"f": self.field})
        prefix = " ".join(where)
        return f"{prefix}：{self.message}" if prefix else self.message

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "text": str(self),
        }


class ProblemLog(list):
    """A file's problems: the first `JIXIAO_IMPORT_MAX_PROBLEMS` kept, the others only counted
    (`more`), so that a bad cell in each of 200,000 rows does not hold 200,000 messages."""

    def __init__(self, problems: Iterable[Problem] = ()):
        super().__init__()
        self.more = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        if len(self) < settings.JIXIAO_IMPORT_MAX_PROBLEMS:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        self.more += getattr(problems, "more", 0)
        for problem in problems:
            self.append(problem)

    def __iadd__(self, problems: Iterable[Problem]) -> ProblemLog:
        self.extend(problems)
        return self


class InputRejected(Exception):
    """The input cannot be used; nothing was written. Carries the problems found: at most
    `JIXIAO_IMPORT_MAX_PROBLEMS`, then one that counts the rest; `total` counts them all."""

    def __init__(self, problems: Iterable[Problem]):
        kept = ProblemLog(problems)
        self.total = len(kept) + kept.more
        self.problems = list(kept)
        if kept.more:
            self.problems.append(Problem(_("另有 %(n)s 个问题未列出。") % {"n": kept.more}))
        super().__init__("；".join(str(p) for p in self.problems[:5]))

    def __reduce__(self):
        """Pickled whole (its problems as they are, and `total`), for a file read in a second
        process (`core.readahead`): `Exception` would pickle only its message, and the
        problems made again from it would lose their places."""
        return _rejected_again, (type(self), self.problems, self.total, self.args)


def _rejected_again(cls, problems: list[Problem], total: int, args: tuple) -> InputRejected:
    rejected = cls.__new__(cls)
    Exception.__init__(rejected, *args)
    rejected.problems, rejected.total = problems, total
    return rejected


@dataclass
class Sheet:
    name: str
    rows: list[tuple]
    first_row: int = 1  # the number users know rows[0] by (Excel: 1; JSON's made-up header: 0)


def column_letter(index: int) -> str:
    """0-based column index → Excel letter (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _reject(message: str) -> InputRejected:
    return InputRejected([Problem(message)])


def read_tables(data: bytes, filename: str, *, lazy: bool = False, rest=None) -> list[Sheet]:
    """Read an uploaded xlsx or CSV into sheets of raw rows, within the configured limits.
    `lazy`: an iterator of the sheets instead, which an xlsx read by calamine fills one sheet
    at a time (a province's declarations, one per sheet, are then never all in memory); the
    archive's checks still come first, before anything is returned. `rest`: another process
    checks the second half of an xlsx archive's entries meanwhile (`check_second_half`); this
    one checks the first, then `rest()` gives the other's verdict (or raises)."""
    if not data:
        raise _reject(_("文件是空的。"))
    if len(data) > settings.JIXIAO_IMPORT_MAX_BYTES:
        raise _reject(
            _("文件过大（%(size)s MB），上限为 %(limit)s MB。")
            % {
                "size": round(len(data) / 1048576, 1),
                "limit": settings.JIXIAO_IMPORT_MAX_BYTES // 1048576,
            }
        )
    lower = filename.lower()
    if is_archive(data):
        return _read_xlsx(data, lazy=lazy, rest=rest)
    # An old .xls renamed .xlsx gets the message that tells the user what to do.
    if lower.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _reject(_("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 后再导入。"))
    if lower.endswith((".xlsx", ".xlsm")):
        raise _reject(
            _(
                "文件“%(name)s”不是有效的 Excel（.xlsx）文件，可能是改了扩展名的其他文件。"
                "请在 Excel 中“另存为”xlsx 后再导入。"
            )
            % {"name": filename}
        )
    if lower.endswith((".csv", ".txt")):
        return [Sheet(name=filename, rows=_read_csv(data))]
    raise _reject(_("不支持的文件类型“%(name)s”，请上传 .xlsx 或 .csv 文件。") % {"name": filename})


# A workbook holds a few entries per worksheet; a declaration workbook has one sheet per
# project, and a province's file (10,000 targets) has over 10,000.
MAX_ZIP_ENTRIES = 50_000
_CHUNK = 1 << 20
# A cell's start tag (any namespace prefix), and one that gives its reference ("B12").
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REF = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']"
)
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ODD_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:c[\s/>]|c[\t\r\n])")
_COLUMNS = {column_letter(i).encode(): i + 1 for i in range(26 + 26**2 + 26**3)}  # A … ZZZ
# What follows "<c" in a tag the general count sees: a cell ("<c ", "<c>", "<c/") or an odd one
# ("<c" and a tab or line break); after anything else ("<col", "<cfRule") it is not a cell.
_CELL_TAG_ENDS = frozenset((b" ", b">", b"/", b"\t", b"\r", b"\n"))
# How much a piece of XML may surprise the quick count before the general one counts it: times
# its largest reference rises past the last cell's, and tags it must look at one by one.
_MOST_RISES = 32
_MOST_TAGS = 4096
# `_beyond`'s patterns, by bound, and the bytes that asked for a bound not compiled yet.
_COMPILE_AFTER = 64 * 1024
_MOST_PATTERNS = 512
_PATTERNS: dict[tuple[bytes, bytes], re.Pattern] = {}
_ASKED: dict[tuple[bytes, bytes], int] = {}
# Times the quick searches for "<!" and ":c" may find a "!" or ":" that is not one.
_MOST_MARKS = 64
# A worksheet's dimension (`_named_wider`): where it is looked for, and the cells of its last
# column looked at before it is left unused.
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})[0-9]{1,7}"')
_DIMENSION_WITHIN = 4096
_MOST_LOOKS = 8


def _corrupt() -> InputRejected:
    return _reject(_("文件已损坏，无法作为 Excel（.xlsx）文件读取。"))


def _too_big(limit: int) -> InputRejected:
    return _reject(
        _("文件解压后超过 %(limit)s MB，已拒绝（可能是恶意构造的文件）。")
        % {"limit": limit // 1048576}
    )


def is_archive(data: bytes) -> bool:
    """Whether `read_tables` reads the data as an xlsx archive (given its size is allowed)."""
    return data[:4] == b"PK\x03\x04"


def check_second_half(data: bytes) -> bool:
    """`_check_zip` of the second half of the archive's entries (its directory checked whole):
    what a process reading ahead (`core.readahead`) leaves to its parent, which checks it while
    the child checks the first half (`read_tables(rest=...)`)."""
    return _check_zip(data, 1, 2)


def _check_zip(data: bytes, part: int = 0, parts: int = 1) -> bool:
    """Refuse an archive that is not a workbook, would inflate past the limit (by what its
    directory says, and by what its entries really inflate to: a directory can lie), holds a
    DTD (entity expansion, external entities) or an encoding other than UTF-8. True when every
    worksheet is small enough to be laid out densely in memory (what calamine does). With
    `parts`, only the `part`th of the entries (in order) are inflated and checked; the parts'
    refusals, the first part's first, are the whole check's (the inflated total needs no sum
    across parts: no entry inflates past what the directory says, whose sum is checked)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:  # BadZipFile, but also struct and value errors of a truncated directory
        raise _corrupt() from None
    limit = settings.JIXIAO_IMPORT_MAX_UNZIPPED_BYTES
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > limit:
        raise _too_big(limit)
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise _reject(_("文件不是 Excel 工作簿（缺少 workbook），请上传 .xlsx 文件。"))
    dense, total = True, 0
    dense_limit = settings.JIXIAO_IMPORT_MAX_DENSE_CELLS
    for info in infos[len(infos) * part // parts : len(infos) * (part + 1) // parts]:
        if info.flag_bits & 0x1:
            raise _reject(_("文件已加密（设置了打开密码），请取消密码后再导入。"))
        sheet = info.filename.startswith("xl/worksheets/")
        first = info.filename.endswith((".xml", ".rels", ".vml"))  # XML: UTF-8 only
        referenced, max_row, max_column = True, 0, 0
        # Once a sheet is known to be too sparse for calamine, its cells need no more counting
        # (the size and DTD checks go on): a province's payment file is, a third of the way in.
        counting = sheet
        tail = b""
        for chunk in _inflate(data, info):
            total += len(chunk)
            if total > limit:
                raise _too_big(limit)
            if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]):
                raise _reject(
                    _("文件中含有非 UTF-8 编码的部件，无法读取，请在 Excel 中另存为后再导入。")
                )
            first = first and not chunk
            window = tail + chunk
            if _declares_dtd(window):
                raise _reject(
                    _("文件中含有 DTD 或实体声明（可能是恶意构造的文件），出于安全原因已拒绝。")
                )
            if counting:  # counted on whole tags: a tag never spans the cut after a ">"
                cut = window.rfind(b">") + 1 or max(len(window) - 64, 0)
                whole, tail = window[:cut], window[cut:]
                every, rows, columns = _cell_stats(whole)
                referenced = referenced and every
                max_row, max_column = max(max_row, rows), max(max_column, columns)
                counting = not _too_sparse(referenced, max_row, max_column, dense_limit)
            else:
                tail = window[-16:]
        if sheet and _too_sparse(referenced, max_row, max_column, dense_limit):
            dense = False
    return dense


def _too_sparse(referenced: bool, max_row: int, max_column: int, limit: int) -> bool:
    """Calamine lays a sheet out from A1 to its last cell: cells without a reference, or two
    far apart, would ask it for gigabytes."""
    return not referenced or max_row * max_column > limit


def _declares_dtd(xml: bytes) -> bool:
    """Whether the XML holds "<!DOCTYPE" or "<!ENTITY". Found by its "!", which memchr finds
    at several times the speed of a search for either word, and which XML rarely holds."""
    at, marks = xml.find(b"!"), 0
    while at >= 0:
        if at and xml[at - 1] == 0x3C and xml.startswith((b"DOCTYPE", b"ENTITY"), at + 1):
            return True
        marks += 1
        if marks == _MOST_MARKS:  # a text of many "!": searched for the words instead
            return b"<!DOCTYPE" in xml or b"<!ENTITY" in xml
        at = xml.find(b"!", at + 1)
    return False


def _holds_colon_c(xml: bytes) -> bool:
    """Whether the XML holds ":c", which a cell with a namespace prefix ("<x:c ") starts with;
    found by its ":" as `_declares_dtd` finds its "!" (a worksheet holds a few, in its URLs
    and the ranges of its merged cells): twice the speed of the search for ":c"."""
    at, marks = xml.find(b":"), 0
    while at >= 0:
        if xml.startswith(b"c", at + 1):
            return True
        marks += 1
        if marks == _MOST_MARKS:
            return b":c" in xml
        at = xml.find(b":", at + 1)
    return False


def _cell_stats(xml: bytes) -> tuple[bool, int, int]:
    """Whether every cell of a piece of worksheet XML gives its reference, and the largest row
    and column referenced. What Excel and every library write, `<c r="B12"` and its cells in
    order, by one search: the last cell's reference is taken as the largest, and the search
    looks only for a "<c" that is not a cell referenced within it (`_beyond`); a tag that is
    not a cell ("<col") is passed over, a cell further out raises the largest and the search
    goes on from there. Anything else (a prefix, odd spacing, a cell without a reference or
    with it out of first place, a piece that surprises the search too often) is counted by
    `_cell_stats_general`, which decides the same on the pieces the search counts."""
    last = xml.rfind(b'<c r="')
    ref = _PLAIN_REF.match(xml, last) if last >= 0 else None
    if ref is None or _holds_colon_c(xml):
        return _cell_stats_general(xml)
    letters, rows, columns = ref[1], int(ref[2]), _COLUMNS[ref[1]]
    wider = _named_wider(xml, columns)
    if wider is not None:  # the bound starts at the sheet's widest column, not the last cell's
        letters, columns = wider
    at, tags = 0, 0
    for _rise in range(_MOST_RISES):
        beyond = _beyond(letters, b"%d" % rows, len(xml))
        if beyond is None:
            break
        for found in beyond.finditer(xml, at):
            tags += 1
            if tags > _MOST_TAGS:
                return _cell_stats_general(xml)
            start = found.start()
            if xml[start + 2 : start + 3] not in _CELL_TAG_ENDS:
                continue  # "<col", "<cfRule": not a cell
            ref = _PLAIN_REF.match(xml, start)
            if ref is None:  # "<c>", "<c t=… r=…", "<c\t": the general count's
                return _cell_stats_general(xml)
            row, column = int(ref[2]), _COLUMNS[ref[1]]
            if row > rows or column > columns:
                if column > columns:
                    letters, columns = ref[1], column
                rows, at = max(rows, row), ref.end()
                break
        else:
            return True, rows, columns
    return _cell_stats_general(xml)


def _named_wider(xml: bytes, columns: int) -> tuple[bytes, int] | None:
    """The last column of the piece's `<dimension ref="A1:I25"/>` (written before the cells)
    when it is wider than `columns` and a cell of the piece is in it: a form whose last row is
    narrower than its widest (a declaration's signature, in A) raised `_cell_stats`' bound
    once per wider column, a search each. The dimension is only a hint, used when a cell
    bears it out: the bound is then the largest column referenced, as the rises found it."""
    at = xml.find(b"<dimension ", 0, _DIMENSION_WITHIN)
    named = _DIMENSION.match(xml, at) if at >= 0 else None
    if named is None or _COLUMNS[named[1]] <= columns:
        return None
    letters, head = named[1], b'<c r="' + named[1]
    cell = xml.find(head)
    for _look in range(_MOST_LOOKS):
        if cell < 0:
            return None
        ref = _PLAIN_REF.match(xml, cell)
        if ref is not None and ref[1] == letters:
            return letters, _COLUMNS[letters]
        cell = xml.find(head, cell + 1)  # "<c r="IA3"": another column
    return None


def _cell_stats_general(xml: bytes) -> tuple[bool, int, int]:
    """`_cell_stats` counted in full: the cells, those with a reference, the largest row and
    column referenced. Counted in C: `<c r="B12"` by counting, anything else (prefixes, odd
    spacing, references out of first place) by the general expressions."""
    cells = xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/")
    if _ODD_CELL.search(xml) is None and cells == xml.count(b'<c r="'):
        found = _PLAIN_REF.findall(xml)
    else:
        cells, found = len(_CELL.findall(xml)), _CELL_REF.findall(xml)
    rows = max(map(int, map(itemgetter(1), found)), default=0)
    columns = max(map(_COLUMNS.__getitem__, map(itemgetter(0), found)), default=0)
    return len(found) == cells, rows, columns


def _at_most(text: str, low: str, high: str) -> str:
    """A pattern of the strings of [low-high] no greater than `text` read as a number in that
    alphabet (digits, or column letters): fewer symbols, or as many and none greater at the
    first place they differ. Digits with leading zeros are longer and so never matched: the
    caller reads what the pattern leaves out."""
    size, ways = len(text), []
    if size > 1:
        ways.append(f"[{low}-{high}]{{1,{size - 1}}}")
    for place, symbol in enumerate(text):
        if symbol > low:
            rest = f"[{low}-{high}]{{{size - place - 1}}}" if place < size - 1 else ""
            ways.append(f"{text[:place]}[{low}-{chr(ord(symbol) - 1)}]{rest}")
    ways.append(text)
    return "(?:" + "|".join(ways) + ")"


def _beyond(letters: bytes, digits: bytes, size: int) -> re.Pattern | None:
    """A "<c" that is not a cell referenced within column `letters` and row `digits`: another
    tag, a cell written otherwise, or one further out. None until pieces of `_COMPILE_AFTER`
    bytes in all have asked for the bound: compiling costs what counting 16 KB does, so a
    file of many small sheets with bounds of their own is counted as before, while a sheet's
    pieces, or a workbook's sheets of the same shape, share their few patterns."""
    key = letters, digits
    pattern = _PATTERNS.get(key)
    if pattern is None:
        asked = _ASKED.get(key, 0) + size
        if asked < _COMPILE_AFTER:
            if len(_ASKED) >= _MOST_PATTERNS * 8:
                _ASKED.clear()
            _ASKED[key] = asked
            return None
        if len(_PATTERNS) >= _MOST_PATTERNS:
            _PATTERNS.clear()
        within = _at_most(letters.decode(), "A", "Z") + _at_most(digits.decode(), "0", "9")
        pattern = _PATTERNS[key] = re.compile(f'<c(?! r="{within}")'.encode())
    return pattern


def _inflate(data: bytes, info: zipfile.ZipInfo):
    """An entry's bytes, in chunks, inflated from the archive itself: never more than its
    directory declares, and all of what it declares."""
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04":
        raise _corrupt()
    name_length, extra_length = (
        int.from_bytes(data[offset + 26 : offset + 28], "little"),
        int.from_bytes(data[offset + 28 : offset + 30], "little"),
    )
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise _corrupt()
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _corrupt()
        for at in range(0, len(raw), _CHUNK):
            yield bytes(raw[at : at + _CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _reject(_("文件使用了不支持的压缩方式，请在 Excel 中另存为 .xlsx 后再导入。"))
    inflater = zlib.decompressobj(-15)
    size = 0
    try:
        for at in range(0, len(raw), _CHUNK):
            piece = raw[at : at + _CHUNK]
            while piece:
                chunk = inflater.decompress(piece, _CHUNK)
                size += len(chunk)
                if size > info.file_size:
                    raise _corrupt()
                yield chunk
                piece = inflater.unconsumed_tail
    except zlib.error:
        raise _corrupt() from None
    if size != info.file_size or not inflater.eof:
        raise _corrupt()


def _read_xlsx(data: bytes, lazy: bool = False, rest=None) -> list[Sheet]:
    """The sheets' cell values: python-calamine (Rust) when installed, openpyxl's read-only
    mode otherwise, or when calamine cannot read a file that openpyxl might, or would lay out
    a sheet too large. Both run only after `_check_zip` has refused what the archive would
    inflate to, and any DTD."""
    if rest is None:
        dense = _check_zip(data)
    else:  # the second half is checked by another process meanwhile: its verdict after ours
        dense = _check_zip(data, 0, 2)
        dense = rest() and dense
    try:
        import python_calamine
    except ImportError:  # an optional speed-up: openpyxl reads everything it reads
        return _read_xlsx_openpyxl(data)
    if not dense:
        return _read_xlsx_openpyxl(data)
    sheets = _calamine_or_openpyxl(python_calamine, data)
    return sheets if lazy else list(sheets)


def _calamine_or_openpyxl(calamine, data: bytes) -> Iterator[Sheet]:
    """The sheets as calamine reads them, one at a time; where calamine fails (it refuses some
    files openpyxl repairs), openpyxl's reading of the sheets not given yet, or why it fails."""
    given = 0
    try:
        for sheet in _read_xlsx_calamine(calamine, data):
            yield sheet
            given += 1
    except InputRejected:
        raise
    except Exception:
        yield from _read_xlsx_openpyxl(data)[given:]


def _read_xlsx_calamine(calamine, data: bytes) -> Iterator[Sheet]:
    """Read with calamine, giving what openpyxl (read-only, data_only) gives: rows from A1,
    None for empty cells, whole numbers as int, dates as datetime, formulas' cached values."""
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    max_rows, max_cols = settings.JIXIAO_IMPORT_MAX_ROWS, settings.JIXIAO_IMPORT_MAX_COLUMNS
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets: openpyxl's `worksheets` leaves them out too
            ws = book.get_sheet_by_name(meta.name)
            if ws.start is None:  # an empty sheet
                yield Sheet(name=meta.name, rows=[])
                continue
            (top, left), (bottom, _right) = ws.start, ws.end
            if bottom + 1 > max_rows:
                raise _reject(
                    _("工作表“%(s)s”超过 %(n)s 行上限。") % {"s": meta.name, "n": max_rows}
                )
            # Row by row from the sheet's own range (to_python would copy it whole first),
            # its first column padded back to A. Equal values are shared with the row above
            # only in a long sheet, where they save memory (a declaration's sheet is short).
            # A short sheet's rows are converted alone (`above` stays None: while it also
            # held the row above, every sheet shared values after its first row).
            pad, rows = [""] * left, []
            shared = bottom - top >= _SHARED_FROM
            above = () if shared else None
            for row in ws.iter_rows():
                if pad:
                    row = pad + row
                if len(row) > max_cols:
                    del row[max_cols:]
                if shared:
                    above = _calamine_row(row, above)
                    rows.append(above)
                else:
                    rows.append(_calamine_row(row, None))
            if len(rows) == bottom - top + 1 and top:  # a range that starts below row 1
                rows[:0] = [()] * top
            del ws
            yield Sheet(name=meta.name, rows=_trim(rows))
    finally:
        book.close()


def _calamine_row(row: list, above: tuple | None) -> tuple:
    """A row of calamine's cells (converted in place) as openpyxl gives it, without its
    trailing empty cells; with `above` (the row above), equal values shared with it."""
    for i, value in enumerate(row):
        if type(value) is str:  # most cells: a text, or "" for an empty cell
            if not value:
                row[i] = None
        else:
            row[i] = _calamine_value(value)
    if above is None:
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        del row[end:]
        return tuple(row)
    return _compact(row, above)


def _calamine_value(value):
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


#: Rows from which a sheet's equal values are shared with the row above (`_compact`).
_SHARED_FROM = 200


def _compact(row: list, above: tuple) -> tuple:
    """A row without its trailing empty cells, and a value equal to the one above it shared
    with it: a sheet of 200,000 rows of the same few values holds them once, not per cell."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    del row[end:]
    for i in range(min(end, len(above))):
        value = row[i]
        if value is not None and value == above[i] and type(value) is type(above[i]):
            row[i] = above[i]
    return tuple(row)


def _read_xlsx_openpyxl(data: bytes) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken files, named in English
        raise _reject(_("无法读取 Excel 文件：文件已损坏或不是有效的 .xlsx 工作簿。")) from None
    sheets = []
    max_rows, max_cols = settings.JIXIAO_IMPORT_MAX_ROWS, settings.JIXIAO_IMPORT_MAX_COLUMNS
    title = ""
    try:
        for ws in book.worksheets:
            title = ws.title
            # Read-only mode trusts the file's <dimension>, which some writers get wrong
            # (e.g. "A1"): rows past it would be dropped without a word.
            ws.reset_dimensions()
            rows, above = [], ()
            for row in ws.iter_rows(values_only=True, max_col=max_cols):
                if len(rows) >= max_rows:
                    raise _reject(
                        _("工作表“%(s)s”超过 %(n)s 行上限。") % {"s": ws.title, "n": max_rows}
                    )
                above = _compact(list(row), above)  # rows come padded to max_col
                rows.append(above)
            sheets.append(Sheet(name=ws.title, rows=_trim(rows)))
    except InputRejected:
        raise
    except Exception:  # a broken or hostile part past the workbook (XML, zip, values)
        raise _reject(_("无法读取工作表“%(s)s”：内容已损坏或格式不正确。") % {"s": title}) from None
    finally:
        book.close()
    return sheets


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _reject(_("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。"))


def _read_csv(data: bytes) -> list[tuple]:
    text = _decode(data)
    if "\x00" in text:
        raise _reject(_("CSV 文件含有非法的空字符，可能不是文本文件。"))
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # the limits read once: a settings lookup a row was a tenth of a province file's read
    most_rows, most_columns = settings.JIXIAO_IMPORT_MAX_ROWS, settings.JIXIAO_IMPORT_MAX_COLUMNS
    try:
        # the rows made tuples in C, not a Python loop (a third of the read of 480,000 rows),
        # and one past the limit, to tell a file that exceeds it
        rows = list(map(tuple, islice(reader, most_rows + 1)))
    except csv.Error:  # e.g. an unclosed quote swallowing the rest of the file
        raise _reject(
            _("CSV 文件第 %(r)s 行格式错误（可能有未闭合的引号），无法读取。")
            % {"r": reader.line_num}
        ) from None
    if len(rows) > most_rows:
        raise _reject(_("文件超过 %(n)s 行上限。") % {"n": most_rows})
    if rows and max(map(len, rows)) > most_columns:
        rows = [row[:most_columns] for row in rows]
    return _trim(rows)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(rows: list[tuple]) -> list[tuple]:
    """Drop trailing empty rows (Excel often keeps thousands of formatted blank rows)."""
    end = len(rows)
    while end and all(_blank(v) for v in rows[end - 1]):
        end -= 1
    return rows[:end]


_NOTE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


def normalise_header(text) -> str:
    """'单位编码（必填）*' → '单位编码'; full-width forms, spaces and line breaks removed."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _NOTE.sub("", text)
    return re.sub(r"[\s*＊:：]", "", text)


# --- writing ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text from users never becomes a formula in an export (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_sheet(
    ws,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "",
    widths: Sequence[int] | None = None,
    money_columns: Iterable[int] = (),
) -> None:
    """Write a titled table: bold header, frozen panes, money as numbers with 6 decimals."""
    from openpyxl.styles import Alignment, Font

    start = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        start = 2
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=start, column=col, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    money = set(money_columns)
    for r, row in enumerate(rows, start=start + 1):
        for c, value in enumerate(row):
            cell = ws.cell(row=r, column=c + 1, value=safe_cell(value))
            if c in money:
                cell.number_format = "#,##0.00####"
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    for i, width in enumerate(widths or [16] * len(headers)):
        ws.column_dimensions[column_letter(i)].width = width
