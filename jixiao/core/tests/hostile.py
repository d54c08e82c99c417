"""A corpus of hostile files, built by code (no committed binaries), for every import kind.

Each builder takes the importer class and returns (filename, bytes): row importers get their
own header labels above the hostile rows, so that a value attack reaches the cell parsers;
document importers (block layouts) get the same files and refuse them as not their form.

The corpus is sized for the limits of `LIMITS` (the tests lower the settings so that a
"flood" stays a few hundred kilobytes); `bench/hostile_files.py` builds it at full size.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from xml.sax.saxutils import escape

#: The settings the corpus is sized against (the test lowers the real ones to these).
LIMITS = {
    "JIXIAO_IMPORT_MAX_BYTES": 2 * 1024 * 1024,
    "JIXIAO_IMPORT_MAX_UNZIPPED_BYTES": 4 * 1024 * 1024,
    "JIXIAO_IMPORT_MAX_ROWS": 500,
    "JIXIAO_IMPORT_MAX_JSON_OBJECTS": 2_000,
    "JIXIAO_IMPORT_MAX_JSON_VALUES": 20_000,
    "JIXIAO_IMPORT_MAX_DENSE_CELLS": 100_000,
}

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_SHEET_ENTRY = '<sheet name="{name}" sheetId="1" r:id="rId1"/>'
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>{rows}</sheetData></worksheet>"
)
_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>{text}</t></si></sst>'
)

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_PARAMETER = '<!DOCTYPE foo [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd"> %ext;]>'


def headers(importer) -> list[str]:
    """A row importer's header labels; a document importer's made-up ones."""
    return [c.label for c in importer.columns] or ["项目编码", "项目名称", "金额"]


def cell(ref: str, value) -> str:
    if isinstance(value, str) and not value.startswith("="):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    if isinstance(value, str):  # a formula with no cached value, as a hostile writer leaves it
        return f'<c r="{ref}"><f>{escape(value[1:])}</f></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_rows(rows: list[list], first: int = 1) -> str:
    from jixiao.core.tabular import column_letter

    return "".join(
        f'<row r="{r}">'
        + "".join(cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row) if v is not None)
        + "</row>"
        for r, row in enumerate(rows, start=first)
    )


def xlsx(
    rows_xml: str = "",
    *,
    doctype: str = "",
    strings_doctype: str = "",
    workbook: str | None = None,
    extra: dict[str, bytes] | None = None,
    sheet_xml: bytes | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A workbook written part by part, so that any part can be made hostile."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr(
            "xl/workbook.xml",
            workbook
            if workbook is not None
            else _WORKBOOK.format(sheets=_SHEET_ENTRY.format(name="Sheet1")),
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            sheet_xml if sheet_xml is not None else _SHEET.format(doctype=doctype, rows=rows_xml),
        )
        archive.writestr("xl/sharedStrings.xml", _STRINGS.format(doctype=strings_doctype, text="x"))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def table(importer, *rows: list) -> str:
    """The importer's header row, then `rows`, as sheet XML."""
    return sheet_rows([headers(importer), *rows])


def hostile_row(importer, value) -> list:
    return [value] * len(headers(importer))


def _patch_entry(data: bytes, name: str, *, size: int | None = None, flags: int | None = None):
    """Rewrite an entry's declared uncompressed size or flags, in its local header and in the
    central directory (a "lying" archive)."""
    data = bytearray(data)
    encoded = name.encode()
    for signature, size_at, flags_at, name_at in (
        (b"PK\x03\x04", 22, 6, 30),
        (b"PK\x01\x02", 24, 8, 46),
    ):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            length = struct.unpack_from("<H", data, at + (26 if name_at == 30 else 28))[0]
            if bytes(data[at + name_at : at + name_at + length]) == encoded:
                if size is not None:
                    struct.pack_into("<I", data, at + size_at, size)
                if flags is not None:
                    struct.pack_into("<H", data, at + flags_at, flags)
            at += 4
    return bytes(data)


def _deep_json(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def _csv(importer, rows: list[list], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(importer))
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _json_rows(importer, value) -> list[dict]:
    keys = [c.key for c in importer.columns] or ["year", "project", "amounts"]
    return [dict.fromkeys(keys, value)]


Builder = Callable[[type], tuple[str, bytes]]
FILES: dict[str, Builder] = {}


def hostile(name: str):
    def register(builder: Builder) -> Builder:
        FILES[name] = builder
        return builder

    return register


# --- DTD and external entities ---------------------------------------------------------------

hostile("xlsx-billion-laughs")(
    lambda i: (
        "laughs.xlsx",
        xlsx(table(i, hostile_row(i, "&lol9;")).replace("&amp;", "&"), doctype=LAUGHS),
    )
)
hostile("xlsx-laughs-in-shared-strings")(
    lambda i: ("laughs.xlsx", xlsx(table(i), strings_doctype=LAUGHS))
)
hostile("xlsx-xxe-file")(
    lambda i: (
        "xxe.xlsx",
        xlsx(table(i, hostile_row(i, "&xxe;")).replace("&amp;", "&"), doctype=XXE),
    )
)
hostile("xlsx-xxe-parameter-entity")(lambda i: ("xxe.xlsx", xlsx(table(i), doctype=XXE_PARAMETER)))
hostile("xlsx-xxe-in-workbook")(
    lambda i: (
        "xxe.xlsx",
        xlsx(
            table(i),
            workbook=_WORKBOOK.replace("\n", "\n" + XXE).format(
                sheets=_SHEET_ENTRY.format(name="&xxe;")
            ),
        ),
    )
)
hostile("xlsx-dtd-in-content-types")(
    lambda i: (
        "dtd.xlsx",
        xlsx(
            table(i),
            extra={
                "docProps/custom.xml": ('<?xml version="1.0"?>' + LAUGHS + "<a>&lol9;</a>").encode()
            },
        ),
    )
)
hostile("xlsx-utf16-part-with-dtd")(
    lambda i: (
        "utf16.xlsx",
        xlsx(
            sheet_xml=codecs.BOM_UTF16_LE
            + _SHEET.format(doctype=LAUGHS, rows=table(i))
            .replace('encoding="UTF-8"', 'encoding="UTF-16"')
            .encode("utf-16-le")
        ),
    )
)

# --- archives that lie or inflate ------------------------------------------------------------


def _bomb(i) -> tuple[str, bytes]:
    size = LIMITS["JIXIAO_IMPORT_MAX_UNZIPPED_BYTES"] + 1024
    return "bomb.xlsx", xlsx(table(i), extra={"xl/media/image1.png": bytes(size)})


def _lying_small(i) -> tuple[str, bytes]:
    """The directory says 1 KB; the entry inflates to more than the whole limit."""
    size = LIMITS["JIXIAO_IMPORT_MAX_UNZIPPED_BYTES"] + 1024
    data = xlsx(table(i), extra={"xl/media/image1.png": bytes(size)})
    return "lying.xlsx", _patch_entry(data, "xl/media/image1.png", size=1024)


def _lying_sheet(i) -> tuple[str, bytes]:
    """The sheet says it is 100 bytes, and holds a flood of rows past them."""
    rows = [hostile_row(i, "x")] * (LIMITS["JIXIAO_IMPORT_MAX_ROWS"] * 4)
    data = xlsx(table(i, *rows))
    return "lying-sheet.xlsx", _patch_entry(data, "xl/worksheets/sheet1.xml", size=100)


def _lying_large(i) -> tuple[str, bytes]:
    data = xlsx(table(i, hostile_row(i, "x")))
    return "lying-large.xlsx", _patch_entry(data, "xl/worksheets/sheet1.xml", size=3_000_000)


hostile("zip-bomb")(_bomb)
hostile("zip-lying-small-size")(_lying_small)
hostile("zip-lying-sheet-size")(_lying_sheet)
hostile("zip-lying-large-size")(_lying_large)
hostile("zip-encrypted-flag")(
    lambda i: ("locked.xlsx", _patch_entry(xlsx(table(i)), "xl/worksheets/sheet1.xml", flags=1))
)
hostile("zip-bzip2")(lambda i: ("bzip2.xlsx", xlsx(table(i), compression=zipfile.ZIP_BZIP2)))
hostile("zip-truncated-half")(
    lambda i: ("half.xlsx", (d := xlsx(table(i, hostile_row(i, "x"))))[: len(d) // 2])
)
hostile("zip-truncated-end")(lambda i: ("end.xlsx", xlsx(table(i, hostile_row(i, "x")))[:-10]))
hostile("zip-header-only")(lambda i: ("header.xlsx", b"PK\x03\x04" + bytes(26)))
hostile("zip-without-workbook")(
    lambda i: (
        "docx.xlsx",
        _zip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": _CT.encode()}),
    )
)
hostile("zip-garbage-deflate")(
    lambda i: ("garbage.xlsx", _garbage_deflate(xlsx(table(i, hostile_row(i, "x")))))
)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _garbage_deflate(data: bytes) -> bytes:
    """The sheet's compressed bytes overwritten with noise: sizes right, stream broken."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    noise = bytes((n * 37 + 11) % 256 for n in range(info.compress_size))
    return data[:start] + noise + data[start + info.compress_size :]


# --- floods, sparse sheets, huge cells -------------------------------------------------------


def _rows_flood(i) -> tuple[str, bytes]:
    rows = [hostile_row(i, "行")] * (LIMITS["JIXIAO_IMPORT_MAX_ROWS"] + 10)
    return "rows.xlsx", xlsx(table(i, *rows))


def _far_apart(i) -> tuple[str, bytes]:
    """Two cells, A1 and XFD1048576: a dense reader would lay out 17 billion cells."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
    return "sparse.xlsx", xlsx(table(i) + far)


def _no_references(i) -> tuple[str, bytes]:
    """Cells without references: one wide row, then many short ones (a dense reader lays out
    width × height)."""
    wide = "<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 3000 + "</row>"
    rest = '<row><c t="inlineStr"><is><t>y</t></is></c></row>' * (
        LIMITS["JIXIAO_IMPORT_MAX_ROWS"] * 2
    )
    return "norefs.xlsx", xlsx(wide + rest)


def _columns_flood(i) -> tuple[str, bytes]:
    return "columns.xlsx", xlsx(sheet_rows([["列"] * 16384]))


hostile("xlsx-rows-flood")(_rows_flood)
hostile("xlsx-cells-far-apart")(_far_apart)
hostile("xlsx-cells-without-references")(_no_references)
hostile("xlsx-columns-flood")(_columns_flood)
hostile("xlsx-huge-cell")(lambda i: ("huge.xlsx", xlsx(table(i, hostile_row(i, "长" * 300_000)))))
hostile("xlsx-formulas")(
    lambda i: (
        "formulas.xlsx",
        xlsx(table(i, hostile_row(i, "=cmd|' /C calc'!A0"), hostile_row(i, "=1/0"))),
    )
)
hostile("xlsx-nan")(lambda i: ("nan.xlsx", xlsx(table(i, hostile_row(i, "NaN")))))
hostile("xlsx-1e308")(
    lambda i: ("big.xlsx", xlsx(table(i, hostile_row(i, 1e308), hostile_row(i, "1e308"))))
)
hostile("xlsx-minus-zero")(
    lambda i: ("zero.xlsx", xlsx(table(i, hostile_row(i, "-0"), hostile_row(i, -0.0))))
)
hostile("xlsx-empty-sheet")(lambda i: ("empty.xlsx", xlsx("")))
hostile("xlsx-no-sheets")(
    lambda i: ("nosheet.xlsx", xlsx(table(i), workbook=_WORKBOOK.format(sheets="")))
)
hostile("xlsx-malformed-xml")(
    lambda i: ("bad.xlsx", xlsx(sheet_xml=b"<worksheet><sheetData><row><c>"))
)

# --- JSON ------------------------------------------------------------------------------------

hostile("json-tiny-objects")(
    lambda i: (
        "objects.json",
        b"[" + b",".join([b'{"a":1}'] * (LIMITS["JIXIAO_IMPORT_MAX_JSON_OBJECTS"] * 2)) + b"]",
    )
)
hostile("json-numbers-flood")(
    lambda i: (
        "numbers.json",
        b"[" + b",".join([b"1.5"] * (LIMITS["JIXIAO_IMPORT_MAX_JSON_VALUES"] * 2)) + b"]",
    )
)
hostile("json-empty-lists-flood")(
    lambda i: (
        "lists.json",
        b"[" + b",".join([b"[]"] * (LIMITS["JIXIAO_IMPORT_MAX_JSON_VALUES"] * 2)) + b"]",
    )
)
hostile("json-deep-nesting")(lambda i: ("deep.json", _deep_json(10_000)))
hostile("json-deep-behind-strings")(
    lambda i: ("deep.json", b'["' + b"]" * 5000 + b'",' + b"[" * 3000 + b"]" * 3000 + b"]")
)
hostile("json-rows-flood")(
    lambda i: (
        "rows.json",
        json.dumps(_json_rows(i, "x") * (LIMITS["JIXIAO_IMPORT_MAX_ROWS"] + 1)).encode(),
    )
)
hostile("json-many-problems")(
    lambda i: ("problems.json", json.dumps(_json_rows(i, "") * 300).encode())
)
hostile("json-nan")(lambda i: ("nan.json", json.dumps(_json_rows(i, float("nan"))).encode()))
hostile("json-infinity")(lambda i: ("inf.json", json.dumps(_json_rows(i, float("-inf"))).encode()))
hostile("json-1e308")(lambda i: ("big.json", json.dumps(_json_rows(i, 1e308)).encode()))
hostile("json-minus-zero")(lambda i: ("zero.json", json.dumps(_json_rows(i, -0.0)).encode()))
hostile("json-huge-integer")(lambda i: ("int.json", b'[{"year": ' + b"9" * 5000 + b"}]"))
hostile("json-huge-string")(
    lambda i: (
        "string.json",
        json.dumps(_json_rows(i, "长" * 300_000), ensure_ascii=False).encode(),
    )
)
hostile("json-syntax-error")(lambda i: ("syntax.json", b'[{"year": 2022,\n  "code": }]'))
hostile("json-trailing-garbage")(lambda i: ("garbage.json", b'[{"year": 2022}] trailing'))
hostile("json-unterminated-string")(lambda i: ("string.json", b'[{"name": "' + b'\\"' * 50_000))
hostile("json-bad-escape")(lambda i: ("escape.json", b'[{"name": "\\x41"}]'))
hostile("json-control-character")(lambda i: ("control.json", b'[{"name": "a\nb"}]'))
hostile("json-gbk")(
    lambda i: ("gbk.json", json.dumps(_json_rows(i, "单位"), ensure_ascii=False).encode("gbk"))
)
hostile("json-utf16")(
    lambda i: ("utf16.json", json.dumps([{"名称": "单位"}], ensure_ascii=False).encode("utf-16"))
)
hostile("json-wrong-keys")(
    lambda i: (
        "keys.json",
        json.dumps([{"名称": "单位", "foo": 1}] * 3, ensure_ascii=False).encode("utf-8-sig"),
    )
)
hostile("json-scalar")(lambda i: ("scalar.json", b'"a string"'))
hostile("json-list-of-scalars")(lambda i: ("scalars.json", b"[1, 2, null, true]"))
hostile("json-empty-list")(lambda i: ("empty.json", b"[]"))
hostile("json-whitespace")(lambda i: ("blank.json", b" \n\t "))

# --- CSV and text ----------------------------------------------------------------------------

_BAD = ["NaN", "-0", "1e308", "=cmd|' /C calc'!A0"]
hostile("csv-gbk")(lambda i: ("gbk.csv", _csv(i, [_BAD], "gbk")))
hostile("csv-utf8-bom")(lambda i: ("bom.csv", _csv(i, [_BAD], "utf-8-sig")))
hostile("csv-utf16")(lambda i: ("utf16.csv", _csv(i, [_BAD], "utf-16")))
hostile("csv-mixed-encodings")(
    lambda i: ("mixed.csv", _csv(i, []) + "单位,名称\n".encode("gbk") + "单位\n".encode())
)
hostile("csv-nul-bytes")(lambda i: ("nul.csv", _csv(i, [["a\x00b"]])))
hostile("csv-unclosed-quote")(lambda i: ("quote.csv", _csv(i, []) + b'2022,"' + b"x" * 200_000))
hostile("csv-rows-flood")(
    lambda i: ("rows.csv", _csv(i, [hostile_row(i, "x")] * (LIMITS["JIXIAO_IMPORT_MAX_ROWS"] + 10)))
)
hostile("csv-columns-flood")(lambda i: ("columns.csv", ",".join(["列"] * 20_000).encode()))
hostile("csv-formulas")(
    lambda i: (
        "formulas.csv",
        _csv(i, [hostile_row(i, '=HYPERLINK("http://x")'), hostile_row(i, "@SUM(1)")]),
    )
)

# --- wrong extensions and other files --------------------------------------------------------

hostile("empty-xlsx")(lambda i: ("empty.xlsx", b""))
hostile("csv-named-xlsx")(lambda i: ("table.xlsx", _csv(i, [hostile_row(i, "x")])))
hostile("json-named-xlsx")(lambda i: ("data.xlsx", b'[{"a": 1}]'))
hostile("xls-ole")(lambda i: ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)))
hostile("png-named-xlsx")(lambda i: ("image.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64)))
hostile("elf-named-csv")(lambda i: ("program.csv", b"\x7fELF\x02\x01\x01" + bytes(64)))
hostile("xlsx-named-json")(lambda i: ("book.json", xlsx(table(i))))
hostile("unknown-extension")(lambda i: ("data.exe", b"MZ" + bytes(64)))
hostile("zip-compressed-deflate-noise")(
    lambda i: ("noise.xlsx", b"PK\x03\x04" + zlib.compress(bytes(range(256)) * 8))
)


def build(importer) -> dict[str, tuple[str, bytes]]:
    """Every hostile file of the corpus, made for `importer` (its header labels)."""
    return {name: builder(importer) for name, builder in FILES.items()}
