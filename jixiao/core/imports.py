"""The import framework: one file, one transaction, every problem located (DESIGN.md).

An importer declares its columns and two steps: `check(rows)` finds problems that need the
database or other rows (unknown codes, duplicates) and `save(rows)` writes. The runner reads
the file, finds the header row, parses every cell, runs `check`, and only when nothing at all
is wrong runs `save` inside one transaction with an audit batch. A file with one bad cell writes
nothing and returns every problem, each with its sheet, row, column and field.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import repeat

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import audit, locks
from .middleware import lone_surrogate_at
from .numbers import is_plain_number, typed_decimal
from .tabular import (
    InputRejected,
    Problem,
    ProblemLog,
    Sheet,
    column_letter,
    normalise_header,
    read_tables,
)

logger = logging.getLogger(__name__)


class CellError(ValueError):
    """A cell's value cannot be used; the message says why, in Chinese."""


# --- cell parsers ----------------------------------------------------------------------------


def _clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # codes typed as numbers in Excel: 101.0 → "101"
    return unicodedata.normalize("NFKC", str(value)).replace("\u200b", "").strip()


def text(value) -> str:
    """Free text as typed: no NFKC here, which would turn the full-width brackets and commas
    of official names (“东湖区城市管理局（区城管执法局）”) into ASCII ones."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = "" if value is None else str(value).replace("\u200b", "").replace("\u00a0", " ")
    result = result.strip()
    if result[:1] == "'" and result[1:2] in ("=", "+", "-", "@"):
        result = result[1:]  # the apostrophe our exports put before formula-like text
    return result


def text_max(max_length: int) -> Callable[[object], str]:
    """Text that fits its database column (PostgreSQL refuses longer; SQLite would not)."""

    def parse(value) -> str:
        result = text(value)
        if len(result) > max_length:
            raise CellError(too_long(result, max_length))
        return result

    return parse


def code(value) -> str:
    """A code (unit, project, office): no spaces inside, at most 64 characters."""
    result = _clean_text(value)
    if re.search(r"\s", result):
        raise CellError(_("编码中不能有空格：“%(v)s”") % {"v": result})
    if len(result) > 64:
        raise CellError(_("编码过长（最多 64 个字符）"))
    return result


MONEY_PLACES = 6


def money(value) -> Decimal | None:
    """An amount in 万元 with at most 6 decimals; never through a float's rounding errors.

    Excel stores numbers as binary floats, so a float cell is read through its shortest
    decimal form (207.4538 stays 207.4538) and rounded to 6 places to drop float noise from
    formulas; typed text with more than 6 decimals is an error rather than silently cut.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("应为金额数字"))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_("应为金额数字"))
        if abs(value) >= 1e12:  # before quantize, which fails on huge numbers
            raise CellError(_("金额过大：“%(v)s”万元") % {"v": value})
        return Decimal(repr(value)).quantize(Decimal(1).scaleb(-MONEY_PLACES), ROUND_HALF_UP)
    elif isinstance(value, Decimal):
        number = value
    else:
        raw = _clean_text(value)  # NFKC: a full-width comma is a comma here
        typed = re.sub(r"万元$", "", re.sub(r"\s", "", raw))
        try:
            number = typed_decimal(typed)  # "1,234.5" is 1234.5; "12,5" is refused
        except ValueError:
            if "," in typed and is_plain_number(typed.replace(",", "")):
                # "12,5" is a decimal comma, not 125 (a lost decimal no one sees until the rates)
                raise CellError(
                    _("“%(v)s”不是有效的金额数字（小数点请用“.”）") % {"v": raw}
                ) from None
            raise CellError(_("“%(v)s”不是有效的金额数字") % {"v": raw}) from None
        if number is None:  # a unit and no number ("万元")
            raise CellError(_("“%(v)s”不是有效的金额数字") % {"v": raw})
    if number.as_tuple().exponent < -MONEY_PLACES:
        raise CellError(_("金额最多保留 6 位小数：“%(v)s”") % {"v": value})
    if abs(number) >= Decimal("1e12"):
        raise CellError(_("金额过大：“%(v)s”万元") % {"v": value})
    return number


def non_negative_money(value) -> Decimal | None:
    number = money(value)
    if number is not None and number < 0:
        raise CellError(_("金额不能为负数：%(v)s") % {"v": number})
    return number


def year(value) -> int:
    raw = _clean_text(value).removesuffix("年")
    if not re.fullmatch(r"\d{4}", raw) or not 2000 <= int(raw) <= 2100:
        raise CellError(_("“%(v)s”不是有效的年度（如 2022）") % {"v": _clean_text(value)})
    return int(raw)


def choice(options: dict[str, object]) -> Callable[[object], object]:
    """A value from a closed list, matched on its normalised label."""

    def parse(value):
        raw = _clean_text(value)
        if raw in options:
            return options[raw]
        allowed = "、".join(options)
        raise CellError(_("“%(v)s”不在可选值中（%(a)s）") % {"v": raw, "a": allowed})

    return parse


# --- the framework ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    parse: Callable[[object], object] = text
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""

    def matches(self, header: str) -> bool:
        return header in {normalise_header(self.label), *map(normalise_header, self.aliases)}


@dataclass
class Row:
    """A parsed data row and where it came from, for later messages."""

    number: int
    values: dict
    sheet: str
    columns: dict[str, str] = field(default_factory=dict)  # key → Excel letter

    def problem(self, key: str, message: str, label: str = "") -> Problem:
        return Problem(
            message,
            sheet=self.sheet,
            row=self.number,
            column=self.columns.get(key, ""),
            field=label,
        )

    @contextmanager
    def located(self):
        """Turn a service's refusal while saving this row into a located import problem."""
        try:
            yield
        except ValidationError as exc:
            pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            raise InputRejected(
                [self.problem(key, "；".join(messages)) for key, messages in pairs]
            ) from None
        except PermissionDenied as exc:
            raise InputRejected([self.problem("", str(exc))]) from None


@dataclass
class UniqueInFile:
    """A key no two rows of one file may share (a code within a year, say). A repeat is a
    problem at `column` that names the row the key stood in first: `message` takes `%(r)s` for
    that row beside the parameters given to `check`."""

    column: str
    label: str
    message: str
    first: dict = field(default_factory=dict)

    def check(self, row: Row, key, **params) -> list[Problem]:
        if key not in self.first:
            self.first[key] = row.number
            return []
        message = self.message % {**params, "r": self.first[key]}
        return [row.problem(self.column, message, self.label)]


class StreamedRows:
    """The rows of an importer that reads its file while it checks and writes it, a chunk at
    a time, in `save` (a province's file is then never held whole): only counted as they are
    read, so that the batch and the result say how many there were."""

    def __init__(self):
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(())


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    batch_id: str = ""
    problems: list[Problem] = field(default_factory=list)
    counts: str = "rows"  # what `rows` counts: the importer's `counts`

    def summary(self) -> str:
        """The line a person reads after the import (page, job page, command line)."""
        return import_summary(self.rows, self.created, self.updated, counts=self.counts)


def import_summary(n: int, created: int, updated: int, *, counts: str = "rows") -> str:
    """ "导入成功：共 3 张表…" for an import of documents in their official form (one a
    worksheet or JSON object, however many rows it holds), "共 1200 行…" for a list."""
    values = {"n": n, "c": created, "u": updated}
    if counts == "tables":
        return (
            ngettext(
                "导入成功：共 %(n)s 张表，新增 %(c)s，更新 %(u)s。",
                "导入成功：共 %(n)s 张表，新增 %(c)s，更新 %(u)s。",
                n,
            )
            % values
        )
    return _("导入成功：共 %(n)s 行，新增 %(c)s，更新 %(u)s。") % values


class Importer:
    """Subclass per kind: set `kind`, `title`, `columns`; implement `check` and `save`."""

    kind = ""
    title = ""
    columns: Sequence[Column] = ()
    counts = "rows"  # what the result's `rows` counts ("tables" for documents)

    def __init__(self, *, actor, region=None):
        self.actor = actor
        self.region = region

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def check(self, rows: list[Row]) -> list[Problem]:
        return []

    def inspect(self, sheets: list[Sheet]) -> None:
        """Look at the raw sheets before rows are parsed (e.g. a unit written in a header)."""

    def parse(self, sheet: Sheet) -> tuple[list, list[Problem]]:
        """A sheet's data rows and the problems of their cells (`parse_sheet`); an importer of a
        large fixed layout may parse faster into rows of its own, which its `check` and `save`
        then take."""
        return parse_sheet(sheet, self.columns)

    def json_values(self, item: dict) -> dict:
        """Map one JSON object to column keys; override where the JSON nests values."""
        return item

    def save(self, rows: list[Row]) -> tuple[int, int]:
        raise NotImplementedError


def find_header(sheet: Sheet, columns: Sequence[Column]) -> tuple[int, dict[str, int]] | None:
    """Find the header row among the first rows (official templates put a title above it)."""
    required = [c for c in columns if c.required]
    for index, row in enumerate(sheet.rows[:10]):
        headers = [normalise_header(v) for v in row]
        found = {}
        for col in columns:
            for pos, header in enumerate(headers):
                if header and col.matches(header):
                    found.setdefault(col.key, pos)
        if required and all(c.key in found for c in required):
            return index, found
    return None


def parse_sheet(sheet: Sheet, columns: Sequence[Column]) -> tuple[list[Row], list[Problem]]:
    located = find_header(sheet, columns)
    if located is None:
        missing = "、".join(c.label for c in columns if c.required)
        return [], [
            Problem(
                _("找不到表头，这不是本类导入的模板。必需的列：%(cols)s") % {"cols": missing},
                sheet=sheet.name,
            )
        ]
    header_index, positions = located
    rows, problems = [], ProblemLog()
    letters = {k: column_letter(p) for k, p in positions.items()}
    for offset, raw in enumerate(
        sheet.rows[header_index + 1 :], start=header_index + 1 + sheet.first_row
    ):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        row = Row(number=offset, values={}, sheet=sheet.name, columns=letters)
        for col in columns:
            pos = positions.get(col.key)
            value = raw[pos] if pos is not None and pos < len(raw) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                if col.required:
                    problems.append(row.problem(col.key, _("必填项为空"), col.label))
                row.values[col.key] = None
                continue
            try:
                row.values[col.key] = col.parse(value)
            except CellError as exc:
                problems.append(row.problem(col.key, str(exc), col.label))
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(_("表头下没有任何数据行。"), sheet=sheet.name))
    return rows, problems


def run_import(importer: Importer, data: bytes, filename: str) -> ImportResult:
    """Import a whole file or nothing. Raises `InputRejected` with every problem found.

    An importer with a `read(data, filename)` method reads the file itself (a form laid out
    in blocks rather than columns) and returns its rows and problems; `check` and `save` and
    the one transaction stay the same."""
    reader = getattr(importer, "read", None)  # block layouts (targets) read the file themselves
    rows, problems = reader(data, filename) if reader else _read_rows(importer, data, filename)
    if problems:
        raise InputRejected(problems)
    return _save(importer, rows, data, filename)


def _read_rows(importer: Importer, data: bytes, filename: str) -> tuple[list[Row], list[Problem]]:
    """The column layout: find each sheet's header row and parse the rows under it."""
    if filename.lower().endswith(".json"):
        sheets = [sheet_from_json(data, importer)]
    else:
        sheets = read_tables(data, filename)
    importer.inspect(sheets)
    rows, problems, header_only, unmatched = [], ProblemLog(), [], []
    matched = False
    for sheet in sheets:
        sheet_rows, sheet_problems = importer.parse(sheet)
        if sheet_rows or not _is_header_problem(sheet_problems):
            matched = True
            rows += sheet_rows
            problems += sheet_problems
        elif find_header(sheet, importer.columns) is not None:
            header_only += sheet_problems
        else:
            unmatched += sheet_problems
    if not matched:  # say why: a template with no rows, or not this template at all
        raise InputRejected(header_only or unmatched or [Problem(_("文件中没有工作表。"))])
    return rows, problems


#: How long an import waits for another of the same kind and region before it is refused.
IMPORT_LOCK_WAIT = 30.0


def _save(importer: Importer, rows: list[Row], data: bytes, filename: str) -> ImportResult:
    """`check` and `save` in one transaction, under the lock of the kind and region: of two
    imports at once the second waits, then checks against what the first wrote. A clash no
    check foresaw (a unique key another writer took meanwhile) is refused like any problem."""
    region_code = getattr(importer.region, "code", "")
    try:
        with locks.held(f"import:{importer.kind}:{region_code}", wait=IMPORT_LOCK_WAIT):
            problems = importer.check(rows)
            if problems:
                raise InputRejected(problems)
            return _write(importer, rows, data, filename, region_code)
    except locks.Busy:
        message = _("另一项导入或定时任务正在处理同样的数据，请稍后再导入。未写入任何数据。")
    except IntegrityError as exc:  # the last line of defence: never a server error
        logger.warning("import %s refused on a database constraint: %s", importer.kind, exc)
        message = _(
            "写入时与数据库中的数据冲突（可能有另一项操作同时修改了同样的数据），"
            "未写入任何数据；请重新导入，仍然失败时请联系管理员。"
        )
    raise InputRejected([Problem(message)])


def _write(importer: Importer, rows: list[Row], data: bytes, filename: str, region_code: str):
    """The batch, the importer's `save` and the audit entry (in `_save`'s transaction)."""
    from .models import ImportBatch

    batch = ImportBatch.objects.create(
        kind=importer.kind,
        filename=filename[:255],
        rows=len(rows),
        actor=importer.actor,
        sha256=hashlib.sha256(data).hexdigest(),
        region_code=region_code,
    )
    with audit.audit_context(actor=importer.actor, source="import", batch=batch.id):
        created, updated = importer.save(rows)
        count = len(rows)  # known only now where the rows are read as they are saved
        audit.record(
            action="import",
            instance=batch,
            region_code=region_code,
            message=_("导入%(title)s：%(n)s 行，新增 %(c)s，更新 %(u)s")
            % {"title": importer.title, "n": count, "c": created, "u": updated},
        )
    batch.rows, batch.created, batch.updated = count, created, updated
    batch.save(update_fields=["rows", "created", "updated"])
    return ImportResult(
        rows=count,
        created=created,
        updated=updated,
        batch_id=str(batch.id),
        counts=importer.counts,
    )


def _is_header_problem(problems: list[Problem]) -> bool:
    return len(problems) == 1 and problems[0].row is None


# --- registry for the CLI and API: `jixiao import KIND FILE` ----------------------------------

IMPORTERS: dict[str, type[Importer]] = {}


def register_importer(cls: type[Importer]) -> type[Importer]:
    IMPORTERS[cls.kind] = cls
    return cls


def json_items(data: bytes, *, what: str) -> list:
    """The objects of an uploaded JSON file (one object or a list), numbers read as Decimal;
    `what` names the objects in the message ("申报表对象"). The file is measured before it is
    parsed (its size, its objects, values and nesting, within the settings' limits), and every
    refusal says in Chinese what is wrong and where."""
    from django.conf import settings

    if len(data) > settings.JIXIAO_IMPORT_MAX_BYTES:
        raise _rejected(
            _("文件过大，上限为 %(limit)s MB。")
            % {"limit": settings.JIXIAO_IMPORT_MAX_BYTES // 1048576}
        )
    if not data.strip():
        raise _rejected(_("文件是空的。"))
    text = _json_text(data)
    measured = data if text is None else text.encode("utf-8")
    _measure_json(measured)
    # the values a document was written from, or the bytes parsed
    items = data.values() if isinstance(data, JsonDocument) else _json_parsed(data, text)
    at = lone_surrogate_at(measured, parsed=items)
    if at is not None:
        raise _rejected(
            _(
                "JSON 中“%(at)s”含有无法存储的字符：单独的 UTF-16 代理项（如 \\ud800），请检查文件的编码。"
            )
            % {"at": at}
        )
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise _rejected(_("JSON 应为%(w)s或对象的列表。") % {"w": what})
    if len(items) > settings.JIXIAO_IMPORT_MAX_ROWS:
        raise _rejected(
            _("JSON 文件有 %(n)s 个%(w)s，超过 %(m)s 个的上限。")
            % {"n": len(items), "w": what, "m": settings.JIXIAO_IMPORT_MAX_ROWS}
        )
    return items


def _json_parsed(data: bytes, text: str | None):
    """The bytes parsed (`text`: their UTF-16 text, if they were that), numbers as Decimal;
    every failure said in Chinese."""
    import json

    from django.conf import settings

    try:
        return json.loads(
            data.decode("utf-8-sig") if text is None else text,
            parse_float=Decimal,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError as exc:
        raise _rejected(
            _("JSON 格式错误：第 %(l)s 行第 %(c)s 列%(why)s。")
            % {"l": exc.lineno, "c": exc.colno, "why": _json_reason(exc.msg)}
        ) from None
    except _JsonConstant as exc:
        raise _rejected(
            _("JSON 中不能有 %(v)s，金额和数值请写成数字或留空。") % {"v": exc.args[0]}
        ) from None
    except RecursionError:  # nesting hidden from `_measure_json` by brackets in strings
        raise _rejected(
            _("JSON 文件嵌套超过 %(m)s 层，不是本系统的导入格式。")
            % {"m": settings.JIXIAO_IMPORT_MAX_JSON_DEPTH}
        ) from None
    except ValueError:  # e.g. an integer of thousands of digits
        raise _rejected(_("JSON 中有无法读取的数值（数字过长）。")) from None


class JsonDocument(bytes):
    """The bytes of a JSON document that its caller made from values it holds (the payments
    push: its rows validated by their schema, then written for the import): `values()` gives
    those values as the document reads (`dump_python(mode="json")`), and `json_items` takes
    them instead of parsing the bytes again, after the same checks of the bytes; the import's
    record keeps the SHA-256 of the bytes. They are made when the importer reads the document,
    as a parse would be: with the collector paused, where its reader pauses it."""

    values: Callable[[], object]

    def __new__(cls, data: bytes, values: Callable[[], object]):
        document = super().__new__(cls, data)
        document.values = values
        return document


def _rejected(message: str) -> InputRejected:
    return InputRejected([Problem(message)])


def _json_text(data: bytes) -> str | None:
    """The text of a UTF-16 file (with its byte-order mark: Windows' "Unicode"); None for a
    UTF-8 one, which is checked here and decoded when parsed."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _rejected(
            _("JSON 文件应为 UTF-8 编码（第 %(n)s 个字节无法识别），请另存为 UTF-8 后再导入。")
            % {"n": exc.start + 1}
        ) from None
    return None


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def _measure_json(raw: bytes) -> None:
    """Count a file's objects and values and measure its nesting, before anything is built.
    The counts are of its brackets and commas, strings included, in C-speed passes that
    allocate nothing per value: an upper bound (a text would need hundreds of thousands of
    ASCII brackets or commas to be refused for them)."""
    from array import array
    from itertools import accumulate

    from django.conf import settings

    objects, lists = raw.count(b"{"), raw.count(b"[")
    if objects > settings.JIXIAO_IMPORT_MAX_JSON_OBJECTS:
        raise _rejected(
            _("JSON 文件含有约 %(n)s 个对象，超过 %(m)s 个的上限。")
            % {"n": objects, "m": settings.JIXIAO_IMPORT_MAX_JSON_OBJECTS}
        )
    values = raw.count(b",") + objects + lists + 1
    if values > settings.JIXIAO_IMPORT_MAX_JSON_VALUES:
        raise _rejected(
            _("JSON 文件含有约 %(n)s 个值，超过 %(m)s 个的上限。")
            % {"n": values, "m": settings.JIXIAO_IMPORT_MAX_JSON_VALUES}
        )
    steps = array("b", raw.translate(None, _NOT_BRACKETS).translate(_BRACKET_STEPS))
    if max(accumulate(steps), default=0) > settings.JIXIAO_IMPORT_MAX_JSON_DEPTH:
        raise _rejected(
            _("JSON 文件嵌套超过 %(m)s 层，不是本系统的导入格式。")
            % {"m": settings.JIXIAO_IMPORT_MAX_JSON_DEPTH}
        )


class _JsonConstant(ValueError):
    """NaN, Infinity or -Infinity: Python's json reads them, JSON has none."""


def _json_constant(name: str):
    raise _JsonConstant(name)


def _json_reason(message: str) -> str:
    """The json module's English reason, said in Chinese."""
    reasons = (
        ("Expecting value", _("应为一个值（数字、文字、对象或列表）")),
        ("Expecting ',' delimiter", _("缺少逗号")),
        ("Expecting ':' delimiter", _("缺少冒号")),
        ("Expecting property name", _("应为用双引号括起的键名")),
        ("Unterminated string", _("的文字缺少结尾的双引号")),
        ("Invalid control character", _("的文字中有不允许的控制字符（如未转义的换行）")),
        ("Invalid \\uXXXX escape", _("的文字中有错误的 \\u 转义")),
        ("Invalid \\escape", _("的文字中有错误的反斜杠转义")),
        ("Extra data", _("之后还有多余的内容")),
        ("Illegal trailing comma", _("有多余的逗号")),
    )
    return next((why for prefix, why in reasons if message.startswith(prefix)), _("格式不正确"))


def sheet_from_json(data: bytes, importer: Importer) -> Sheet:
    """A JSON list of objects (keys as the columns' keys) read as a sheet, so JSON imports get
    exactly the same checks and messages as xlsx ones; row numbers count objects from 1.
    An object with none of the columns' keys is named with the fields it lacks (as a sheet,
    it would be a blank row, skipped)."""
    items = json_items(data, what=_("对象"))
    if not all(map(isinstance, items, repeat(dict))):
        raise InputRejected([Problem(_("JSON 应为对象或对象的列表。"))])
    keys = [c.key for c in importer.columns]
    header = tuple(c.label for c in importer.columns)
    rows, problems = [header], ProblemLog()
    values, width = importer.json_values, len(keys)
    for number, item in enumerate(items, start=1):
        cells = tuple(map(values(item).get, keys))
        if cells.count(None) + cells.count("") == width:  # every cell null or "" (in C)
            problems.append(_no_fields(importer, number))
            continue
        # most cells are text, whole numbers or null, which stay as they are (in C)
        rows.append(cells if _PLAIN.issuperset(map(type, cells)) else tuple(map(_json_cell, cells)))
    if problems:
        raise InputRejected(problems)
    return Sheet(name="JSON", rows=rows, first_row=0)


def _no_fields(importer: Importer, number: int) -> Problem:
    required = "、".join(f"{c.key}（{c.label}）" for c in importer.columns if c.required)
    return Problem(
        _("对象中没有本类导入的任何字段，缺少必填字段：%(f)s") % {"f": required},
        sheet=JSON_SHEET,
        row=number,
    )


#: The types of JSON values a sheet's cell holds as they are (`_json_cell` leaves them).
_PLAIN = frozenset({str, int, type(None)})


def _json_cell(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value)  # JSON numbers: read through their decimal text, never float math
    return value


JSON_SHEET = "JSON"


def too_long(value: str, limit: int) -> str:
    return _("内容过长（%(n)s 个字符，最多 %(m)s 个）") % {"n": len(value), "m": limit}


def overlong(label: str, value: object, limit: int | None) -> str | None:
    """A form's refusal of text longer than its column keeps (`limit`, the model field's
    max_length; None: no limit), naming where (`label`: "第 2 行指标的三级指标"); None when it
    fits. The three fill-in forms cut such text to fit, and the filer never saw the end go."""
    text = str(value or "").strip()
    if limit is None or len(text) <= limit:
        return None
    return _("%(f)s%(p)s，请删减后再保存。") % {"f": label, "p": too_long(text, limit)}
