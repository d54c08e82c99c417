"""Payment data from the treasury (国库支付) and monitoring reports from files.

Payments come as the treasury system exports them: one row per project and month (or per
payment with its date; rows of the same month are added up), amounts in 万元 or, when the
header says 元, in yuan. The file is one transaction: an unknown project, a negative amount,
month 13 or the same project and month twice writes nothing. After a good file the alerts
of the affected projects are recomputed (DOMAIN.md §5).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from array import array
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import repeat
from operator import add, is_, itemgetter, mul, truediv

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import Project
from jixiao.core import audit, readahead
from jixiao.core.collector import collector_paused
from jixiao.core.imports import (
    MONEY_PLACES,
    CellError,
    Column,
    Importer,
    _read_rows,
    code,
    find_header,
    parse_sheet,
    register_importer,
    year,
)
from jixiao.core.imports import money as parse_money
from jixiao.core.tabular import (
    InputRejected,
    Problem,
    ProblemLog,
    Sheet,
    _decode,
    column_letter,
    is_archive,
)
from jixiao.orgs.models import Region

from .payments import MonthlyTotals

YUAN_PER_WAN = Decimal(10000)
MONEY_STEP = Decimal(1).scaleb(-MONEY_PLACES)


def month(value) -> int:
    text = re.sub(r"\s", "", str(value)).removesuffix("月")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 12:
        raise CellError(_("“%(v)s”不是 1–12 的月份") % {"v": value})
    return int(text)


def pay_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = re.sub(r"\s", "", str(value))
    found = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?", text)
    if not found:
        raise CellError(_("“%(v)s”不是日期（如 2021-03-15）") % {"v": value})
    y, m, d = int(found[1]), int(found[2]), int(found[3] or 1)
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise CellError(_("“%(v)s”不是有效日期") % {"v": value}) from None


def amount(value) -> Decimal | None:
    number = parse_money(value)
    if number is not None and number < 0:
        raise CellError(_("支付金额不能为负数：%(v)s") % {"v": number})
    return number


#: The part of a large CSV that the importing process reads itself, the rest read by another
#: at the same time (`PaymentImporter._read_halves`): a little less than half, as it then
#: parses the other's distinct cells and makes every line (docs/performance.md, "Payment
#: files", fourteenth pass).
FIRST_SHARE = 0.45

REGION_ALIASES = ("财政区划代码", "行政区划代码", "区划编码", "财政区划", "mof_div_code")
#: Where each value sits in a parsed line (`PaymentImporter.parse`).
NUMBER, PLACE, REGION, CODE, YEAR, MONTH, DATE, AMOUNT = range(8)
#: An amount as the treasury writes it: digits with up to 6 decimals (anything else goes
#: through `amount`, which says what is wrong).
PLAIN_AMOUNT = re.compile(r"\d{1,12}(?:\.\d{1,6})?")


@register_importer
class PaymentImporter(Importer):
    """Payments of the importing region, or of several: a 区划代码 column (the national data
    element mof_div_code) names each row's region, where its project code is looked up (codes
    are unique per region and year). Every region named must be in the user's scope and under
    the importing region; otherwise the file is refused, row by row, and nothing is written.

    A province-year is 480,000 rows: `parse` reads each line into a plain tuple (no `Row`),
    parsing each distinct code, year, month and date once; `check` looks the regions and
    projects up in two queries and sums the months; `save` writes them and recomputes the
    alerts in bulk (`payments`), with one audit entry for the whole file. A file that changes
    many projects (`alerts_ahead`) has their alerts judged and planned in a second process
    while this one writes the payments."""

    kind = "payments"
    title = gettext_lazy("支付数据")
    columns = (
        Column("region", "区划代码", code, aliases=REGION_ALIASES),
        Column("code", "项目编码", code, required=True, aliases=("项目代码", "预算项目编码")),
        Column("year", "年度", year, aliases=("预算年度",)),
        Column("month", "月份", month, aliases=("支付月份",)),
        Column("date", "支付日期", pay_date, aliases=("日期", "支付时间")),
        Column(
            "amount",
            "支付金额（万元）",
            amount,
            aliases=("支付金额", "金额", "实际支付金额", "支付金额（元）", "金额（元）"),
        ),
    )

    yuan = False

    def inspect(self, sheets) -> None:
        """The treasury writes yuan in some exports; the amount column's header says so."""
        self.yuan = any(detect_yuan(row) for sheet in sheets for row in sheet.rows[:10])

    def read(self, data: bytes, filename: str) -> tuple[Sequence[tuple], list[Problem]]:
        """The column layout (`core.imports`), read with the collector paused as the parse is:
        a province file is millions of cells that its reader makes objects of (at each
        collection meanwhile, the young ones walked again: 0.1–0.2 s of CPU for an xlsx)."""
        with collector_paused():
            halves = self._read_halves(data, filename)
            return halves if halves is not None else _read_rows(self, data, filename)

    def _read_halves(self, data: bytes, filename: str) -> tuple[Sequence[tuple], list] | None:
        """A large CSV (`core.readahead.wanted`) read and parsed in two halves: the second by
        a forked process (`_encoded_half`: its rows cut into columns, each column's distinct
        cells and where each row's is), the first here meanwhile, then each column's distinct
        cells of both halves parsed once (`_parse_whole`). The same lines (and columns kept
        for `check`) as `_read_rows` and `parse`, a province's file in about half the time;
        the lines made only when asked for one by one (`_Lines`). None where the halves would
        not give them for certain (a quoted line break at the
        cut, rows of other widths, a blank or bad cell, a limit passed: `_read_rows` then
        reads the whole file and says what is wrong)."""
        lower = filename.lower()
        if (
            not lower.endswith((".csv", ".txt"))
            or len(data) > settings.JIXIAO_IMPORT_MAX_BYTES
            or is_archive(data)
            or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls (refused)
            or not readahead.wanted(len(data))
        ):
            return None
        try:
            text = _decode(data)
        except InputRejected:
            return None
        cut = _cut(text, FIRST_SHARE)
        if cut is None or "\x00" in text:
            return None
        sample = text[:4096]  # the delimiter as `read_tables` finds it
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        # a generator: the child opens at once, and reads its half while this one reads its own
        half = (_encoded_half(text[cut:], delimiter) for _ in (1,))
        rest = readahead.read_ahead(lambda: half, repeat(1))
        try:
            first = _csv_rows(text[:cut], delimiter)
            most_rows, most_columns = (
                settings.JIXIAO_IMPORT_MAX_ROWS,
                settings.JIXIAO_IMPORT_MAX_COLUMNS,
            )
            if first is None or max(map(len, first)) > most_columns:
                return None
            sheet = Sheet(name=filename, rows=first)  # lists: only the columns are kept
            located = find_header(sheet, self.columns)
            if located is None:
                return None
            self.inspect([sheet])
            header, positions = located

            def second():
                encoded = next(iter(rest))
                return None if encoded is None or len(first) + encoded[0] > most_rows else encoded

            place = (sheet.name, {key: column_letter(pos) for key, pos in positions.items()})
            start = header + 1 + sheet.first_row
            lines = self._parse_whole(sheet.rows[header + 1 :], positions, place, start, second)
        finally:
            close = getattr(rest, "close", None)
            if close is not None:
                close()
        return None if lines is None else (lines, [])

    def parse(self, sheet: Sheet) -> tuple[list[tuple], list[Problem]]:
        """Each data line as (number, (sheet, letters), region, code, year, month, date,
        amount), with the same checks and messages as `parse_sheet`."""
        with collector_paused():  # hundreds of thousands of tuples and no cycle among them
            return self._parse(sheet)

    def _parse(self, sheet: Sheet) -> tuple[list[tuple], list[Problem]]:
        located = find_header(sheet, self.columns)
        if located is None:
            return parse_sheet(sheet, self.columns)  # which says what is missing
        header, positions = located
        letters = {key: column_letter(pos) for key, pos in positions.items()}
        place = (sheet.name, letters)
        start = header + 1 + sheet.first_row
        lines = self._parse_whole(sheet.rows[header + 1 :], positions, place, start)
        if lines is not None:
            return lines, []
        # the columns present (a required one always is) as (slot, position, column, memo of
        # parsed values, none for the amount, which rarely repeats); absent ones stay None
        present = [
            (slot, positions[c.key], c, {} if c.key != "amount" else None)
            for slot, c in enumerate(self.columns)
            if c.key in positions
        ]
        absent = [None] * len(self.columns)
        code_at = positions["code"]
        lines, problems = [], ProblemLog()
        for number, raw in enumerate(sheet.rows[header + 1 :], start=start):
            width = len(raw)
            if _blank(raw[code_at] if code_at < width else None) and all(map(_blank, raw)):
                continue
            values = absent.copy()
            for slot, pos, column, memo in present:
                value = raw[pos] if pos < width else None
                if value is None or (value.__class__ is str and not value.strip()):
                    if column.required:
                        problems.append(_problem((number, place), column, _("必填项为空")))
                    continue
                try:
                    if memo is None:
                        values[slot] = _amount(value)
                    elif value.__class__ is str or value.__class__ is int:
                        parsed = memo.get(value)
                        if parsed is None:
                            parsed = memo[value] = _parsed(column.parse, value)
                        values[slot] = parsed.result()
                    else:
                        values[slot] = column.parse(value)
                except CellError as exc:
                    problems.append(_problem((number, place), column, str(exc)))
            lines.append((number, place, *values))
        if not lines and not problems:
            problems.append(Problem(_("表头下没有任何数据行。"), sheet=sheet.name))
        return lines, problems

    def _parse_whole(self, data, positions, place, start, rest=None) -> list[tuple] | None:
        """The lines of a sheet whose every row is whole and every cell reads, a column at a
        time: each distinct value of a column parsed once, and the amounts, when all are plain
        text, checked by one match and made a Decimal each. None when a row is short or blank,
        a cell is blank where its column requires a value or does not read: the loop of
        `_parse`, line by line, then says where. `rest()`: the rows after `data`, as another
        process gives them (`_encoded_half`: their number and each column's distinct cells and
        indices, or None), asked for once those of `data` are parsed; the distinct cells that
        `data` did not hold are parsed then, each value shared as in one sheet."""
        widest = max(positions.values())
        if not data or min(map(len, data)) <= widest:
            return None
        columns, parsed = [], {}  # parsed: each column's distinct values, for `rest`
        for column in self.columns:
            if column.key not in positions:
                columns.append(None)
                continue
            cells = list(map(itemgetter(positions[column.key]), data))  # in C, not a loop
            kept = parsed[column.key] = {} if rest is not None else None
            if column.key == "amount":
                values = _amounts(cells, kept)
            else:
                values = _column(column, cells, kept)
            if values is None:
                return None
            columns.append(values)
        count = len(data)
        if rest is not None:  # the rows that follow, parsed once this process has its own
            more = rest()
            if more is None or len(more[1]) <= widest:
                return None
            count += more[0]
            for column, values in zip(self.columns, columns, strict=True):
                if values is not None:
                    then = _then(column, parsed[column.key], more[1][positions[column.key]])
                    if then is None:
                        return None
                    values += then
        columns = [[None] * count if values is None else values for values in columns]
        numbers = range(start, start + count)
        columns = [numbers, [place] * count, *columns]
        # read in parts, the lines are made only if asked for one by one (`_Lines`)
        lines = _Lines(columns) if rest is not None else list(zip(*columns, strict=True))
        # kept for `check`, which reads the file a column at a time: 480,000 lines need not
        # be cut back into the columns they were made of (a sixth of a second)
        self._parsed = (lines, columns)
        return lines

    def check(self, rows: list[tuple]) -> list[Problem]:
        """Every line's region (in scope), project and month; the months summed per project."""
        with collector_paused():
            return self._check(rows)

    def _check(self, rows: list[tuple]) -> list[Problem]:
        problems = ProblemLog()
        # the file's columns (each a sequence of every line's value), for the checks that
        # read a column whole: a province-year's 480,000 lines are not looped over in Python
        columns = self._columns(rows)
        regions = self._regions(rows, columns, problems)
        projects = self._projects(columns, regions)
        scale = YUAN_PER_WAN if self.yuan else None
        home = self.region.pk if self.region else None
        if not problems:
            totals = _whole_totals(columns, regions, home, projects, scale)
            if totals is not None:
                self._totals = totals
                return problems
        seen: dict[tuple, int] = {}
        totals: dict[tuple, Decimal] = defaultdict(Decimal)
        find = projects.get
        for line in rows:
            number, _place, region, code_, year_, month_, when, money = line
            if region is None:
                region = home
            elif region in regions:
                region = regions[region]
            else:
                continue  # its region is refused above
            if when is not None:  # a dated row: its month (and year) from the date when not given
                year_ = year_ or when.year
                month_ = month_ or when.month
            if year_ is None or month_ is None:
                problems.append(
                    _problem(line, self.column("month"), _("须填写“年度”和“月份”，或“支付日期”"))
                )
                continue
            if money is None:
                problems.append(_problem(line, self.column("amount"), _("必填项为空")))
                continue
            project = find((region, year_, code_))
            if project is None:
                message = _("%(y)s 年度没有项目编码“%(c)s”") % {"y": year_, "c": code_}
                if line[REGION] is not None:
                    message = _("区划“%(r)s”%(y)s 年度没有项目编码“%(c)s”") % {
                        "r": line[REGION],
                        "y": year_,
                        "c": code_,
                    }
                problems.append(_problem(line, self.column("code"), message))
                continue
            key = (project, month_, when)
            if key not in seen:
                seen[key] = number
            elif when is None:
                message = _("同一项目同一月份重复（与第 %(r)s 行）") % {"r": seen[key]}
                problems.append(_problem(line, self.column("month"), message))
            totals[(project, month_)] += money / scale if scale else money
        self._totals = MonthlyTotals.of(totals)
        return problems

    _parsed: tuple[list, list] | None = None

    def _columns(self, rows: list[tuple]) -> list:
        """The columns of `rows`: those `parse` made them of, when they are the very lines of
        its last sheet read whole, else cut from the lines."""
        parsed, self._parsed = self._parsed, None
        if parsed is not None and (
            rows is parsed[0] or (len(parsed[0]) == len(rows) and all(map(is_, rows, parsed[0])))
        ):
            return parsed[1]
        return list(zip(*rows, strict=True)) if rows else [()] * (AMOUNT + 1)

    def _regions(self, rows: list[tuple], columns: list, problems: ProblemLog) -> dict[str, int]:
        """The regions the 区划代码 column names (code → id) that this user may import into:
        known, in the user's scope and under the importing region. Each line naming another is
        a problem that says why."""
        codes = set(columns[REGION]) - {None}
        self._region_codes = {self.region.pk: self.region.code} if self.region else {}
        if not codes:
            return {}
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        visible = set(
            Region.objects.visible_to(self.actor)
            .filter(code__in=codes)
            .values_list("code", flat=True)
        )
        within = self.region.path if self.region else ""
        allowed, refused = {}, {}
        for code_ in codes:
            region = found.get(code_)
            if region is None:
                refused[code_] = _("没有区划代码“%(c)s”") % {"c": code_}
            elif code_ not in visible:
                refused[code_] = _("区划“%(c)s %(n)s”不在您的权限范围内，不能导入其支付数据") % {
                    "c": code_,
                    "n": region.name,
                }
            elif not region.path.startswith(within):
                refused[code_] = _("区划“%(c)s %(n)s”不在本次导入的区划“%(w)s”之内") % {
                    "c": code_,
                    "n": region.name,
                    "w": self.region.name,
                }
            else:
                allowed[code_] = region.pk
                self._region_codes[region.pk] = code_
        column = self.column("region")
        if refused:
            for line in rows:
                if line[REGION] in refused:
                    problems.append(_problem(line, column, refused[line[REGION]]))
        return allowed

    def _projects(self, columns: list, regions: dict[str, int]) -> dict[tuple, int]:
        """(region id, year, code) → project id, for the codes of the file, in one query."""
        codes = set(columns[CODE])
        years = set(columns[YEAR]) | {when.year for when in set(columns[DATE]) - {None}}
        region_ids = set(regions.values())
        if None in set(columns[REGION]) and self.region:
            region_ids.add(self.region.pk)
        projects = Project.objects.filter(region_id__in=region_ids, year__in=years - {None})
        if len(codes) <= 1000:  # a long IN list costs more than the regions' projects
            projects = projects.filter(code__in=codes)
        found, self._labels = {}, {}
        for pk, region, year_, code_ in projects.values_list("pk", "region_id", "year", "code"):
            if code_ in codes:
                found[(region, year_, code_)] = pk
                self._labels[pk] = (code_, self._region_codes.get(region, ""))
        return found

    def save(self, rows: list[tuple]) -> tuple[int, int]:
        """The monthly totals written in bulk, the alerts of the projects recomputed in bulk,
        and every change in one audit entry."""
        with collector_paused():  # the collector would walk every row's objects again and again
            return self._save(rows)

    def _save(self, rows: list[tuple]) -> tuple[int, int]:
        from jixiao.budgets.services import refresh_payment_totals

        from .payments import payments_changed, plan_payments, store_payments

        planned = plan_payments(self._totals, labels=self._labels)
        changed = planned.changed_ids  # projects whose months changed
        entry = audit.BatchWriter(region_code=self.region.code if self.region else "")

        def write_payments(between) -> None:
            store_payments(planned, between)
            refresh_payment_totals(changed)
            # the payments' audit rows, before the alerts' plans that have not come yet
            entry.add(planned.changes)

        # the payments are written while a second process plans the alerts, on a large file
        alerts = payments_changed(
            changed,
            today=timezone.localdate(),
            paid=planned.paid,
            meanwhile=write_payments,
            ahead=alerts_ahead(len(changed)),
            entry=entry,  # the alerts' changes, after the payments'
        )
        entry.finish(
            _("导入支付数据：%(n)s 行，%(p)s 个项目的支付数据有变化，预警变化 %(a)s 条")
            % {"n": len(rows), "p": len(planned.changes), "a": len(alerts)}
        )
        return planned.created, planned.updated


def alerts_ahead(projects: int) -> bool:
    """Whether the alerts of `projects` changed projects are planned in a second process
    (`payments_changed`'s `ahead`) while this one writes the payments: from the setting
    `JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS` (8,000 by default, docs/deploy.md: 20 districts
    gained 15% of wall time on a quiet machine and lost up to 6% with the other core busy, for
    a tenth more CPU; smaller files gained less; docs/performance.md, "Payment files", twelfth
    pass; None: never), where a process may be forked (`core.readahead.allowed`: not in a
    threaded web worker, nor on one core)."""
    least = settings.JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS
    return least is not None and projects >= least and readahead.allowed()


def _whole_totals(
    columns: list, regions: dict, home, projects: dict, scale
) -> MonthlyTotals | None:
    """The monthly totals {(project id, month): amount} of a file whose every line is good
    and undated: its region allowed, its year, month and amount given, its project found, and
    no project and month twice. Worked out a column at a time (each step a `map` or `zip` in
    C), as `_check`'s loop would add them up; None for any other file, which that loop then
    checks line by line and says where."""
    if any(columns[DATE]) or None in columns[YEAR] or None in columns[MONTH]:
        return None
    # not `None in`: comparing a Decimal with None asks whether None is a numbers.Rational,
    # an ABC's check for each of 480,000 amounts
    if type(None) in set(map(type, columns[AMOUNT])):
        return None
    ids = dict(regions)
    ids[None] = home  # a line without 区划代码 belongs to the importing region
    try:
        region_ids = list(map(ids.__getitem__, columns[REGION]))
    except KeyError:  # a region refused (and said so) by `_regions`
        return None
    found = list(map(projects.get, zip(region_ids, columns[YEAR], columns[CODE], strict=True)))
    if None in found:
        return None
    # each project and month as one int (a month is 1–12), not a tuple: a province's 480,000
    # keys made and hashed were a third of this step
    if len(set(map(add, map(mul, found, repeat(16)), columns[MONTH]))) != len(found):
        return None  # a project and month twice
    amounts = columns[AMOUNT]
    if scale:
        amounts = list(map(truediv, amounts, repeat(scale)))
    return MonthlyTotals(found, columns[MONTH], amounts)


class _Lines(Sequence):
    """The lines of a file read in parts (`PaymentImporter._read_halves`), made from its
    columns only when asked for one by one: `check` reads a good file's columns, and only
    its loop (a file with a problem) and the lines' count look at them; a province's 480,000
    were a tenth of a second, made and let go."""

    __slots__ = ("columns",)

    def __init__(self, columns: list):
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns[0])

    def __iter__(self):
        return zip(*self.columns, strict=True)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(zip(*(column[index] for column in self.columns), strict=True))
        return tuple(column[index] for column in self.columns)


def _blank(value) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def _problem(line: list | tuple, column: Column, message: str) -> Problem:
    sheet, letters = line[PLACE]
    return Problem(
        message,
        sheet=sheet,
        row=line[NUMBER],
        column=letters.get(column.key, ""),
        field=column.label,
    )


class _parsed:
    """A cell's parsed value, or the error it raised, kept for the next cell of the same value."""

    __slots__ = ("value", "error")

    def __init__(self, parse, value):
        self.value, self.error = None, None
        try:
            self.value = parse(value)
        except CellError as exc:
            self.error = exc

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value


def _amount(value) -> Decimal | None:
    """`amount` of a cell, straight to a Decimal for what a treasury file holds: a plain
    amount as text, or a number (an xlsx float through its shortest decimal form, rounded to
    the 6 places kept, as `money` reads it); anything else goes through `amount`."""
    kind = value.__class__
    if kind is str:
        if PLAIN_AMOUNT.fullmatch(value):
            return Decimal(value)
    elif kind is float:
        if 0 <= value < 1e12:  # not negative, huge, inf or nan, which `amount` explains
            return Decimal(repr(value)).quantize(MONEY_STEP, ROUND_HALF_UP)
    elif kind is int and 0 <= value < 10**12:
        return Decimal(value)
    return amount(value)


#: Cell values that equal no value of another of these kinds (unlike floats and bools, which
#: equal ints), so that one dict can hold a column's distinct values.
_KEYED = {str, int, dt.date, dt.datetime, type(None)}


def _column(column: Column, cells: list, parsed: dict | None = None) -> list | None:
    """`column.parse` of each cell, each distinct value parsed once, a blank cell None; None
    when a value does not read, a required one is blank or a value is of another kind.
    `parsed`: filled with each distinct value's parsed one (for the cells that follow,
    `_then`)."""
    if not set(map(type, cells)) <= _KEYED:
        return None
    parsed = {} if parsed is None else parsed
    if not _parse_distinct(column, set(cells), parsed):
        return None
    return list(map(parsed.__getitem__, cells))


def _parse_distinct(column: Column, values, parsed: dict) -> bool:
    """Each of `values` parsed by `column` into `parsed`; False when one does not read or a
    required one is blank."""
    for value in values:
        if value is None or (value.__class__ is str and not value.strip()):
            if column.required:
                return False
            parsed[value] = None
            continue
        try:
            parsed[value] = column.parse(value)
        except CellError:
            return False
    return True


def _amounts(cells: list, parsed: dict | None = None) -> list | None:
    """`_amount` of each cell: when every one is a plain amount as text (a treasury CSV), one
    match over them all and a Decimal each; None when one does not read. `parsed`, as
    `_column` fills it: only for text (else None)."""
    kinds = set(map(type, cells))
    if kinds == {str}:
        # each distinct text matched once (a province's 480,000 amounts hold about 15,000)
        # and made a Decimal, shared by the lines that give it (the writing of the payments
        # rounds and shows each amount object once)
        read = {} if parsed is None else parsed
        if _read_amounts(set(cells), read):
            return list(map(read.__getitem__, cells))
    elif kinds <= {float, int} and 0 <= min(cells) and max(cells) < 10**12 and _no_nan(cells):
        # an xlsx column of numbers (a whole one read as an int): each float through its
        # shortest decimal form, rounded to the places kept, as `_amount` reads it, once per
        # distinct number (a province's 480,000 amounts hold about 15,000); no float here is
        # a whole number (the reader made those ints), so none shares its key with an int
        step, half_up = MONEY_STEP, ROUND_HALF_UP
        read = {
            v: Decimal(repr(v)).quantize(step, half_up) if v.__class__ is float else Decimal(v)
            for v in set(cells)
        }
        return list(map(read.__getitem__, cells)) if parsed is None else None
    if parsed is not None:  # not all plain amounts as text: each read on its own, not kept
        return None
    try:
        return list(map(_amount, cells))
    except CellError:
        return None


def _read_amounts(texts, read: dict) -> bool:
    """Each of `texts` (plain amounts) made a Decimal into `read`; False when one is not."""
    if not all(map(PLAIN_AMOUNT.fullmatch, texts)):
        return False
    read.update({text: Decimal(text) for text in texts})
    return True


def _then(column: Column, parsed: dict, more: tuple) -> list | None:
    """The values of the cells that follow a column's first ones (`more`: their distinct texts
    and each one's index among them, `_encoded_half`), those not in `parsed` (the first
    ones', filled by `_column` or `_amounts`) parsed into it; None when one does not read."""
    distinct, indices = more
    new = [text for text in distinct if text not in parsed]
    if column.key == "amount":
        if not _read_amounts(new, parsed):
            return None
    elif not _parse_distinct(column, new, parsed):
        return None
    return list(map(list(map(parsed.__getitem__, distinct)).__getitem__, array("I", indices)))


def _cut(text: str, share: float) -> int | None:
    """Where a CSV's text splits into two parts of whole lines: just after the first line
    break past `share` of it, outside quotes (an even number of quotes before it: a quoted
    field may hold a line break); None when there is none."""
    cut = text.find("\n", int(len(text) * share)) + 1
    if cut == 0 or cut == len(text) or text.count('"', 0, cut) % 2:
        return None
    return cut


def _csv_rows(text: str, delimiter: str) -> list[list] | None:
    """The rows of a CSV's text, as `read_tables` reads them (lists); None when it does not
    read (`read_tables` says where)."""
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return None


def _encoded_half(text: str, delimiter: str) -> tuple[int, list] | None:
    """In the reading process (`PaymentImporter._read_halves`): the rows of the second half
    of a CSV's text, as their number and each column's distinct cells (text) with each row's
    index among them (bytes of an `array`, which pickle as one string): a province's 240,000
    rows, about 20,000 distinct project codes and 10,000 amounts. None when the rows do not
    all have the same width or do not read."""
    rows = _csv_rows(text, delimiter)
    if rows is None or len(set(map(len, rows))) > 1:
        return None
    columns = []
    for cells in zip(*rows, strict=True):  # a column at a time, in C
        distinct = list(dict.fromkeys(cells))
        index = dict(zip(distinct, range(len(distinct)), strict=True))
        columns.append((distinct, array("I", map(index.__getitem__, cells)).tobytes()))
    return len(rows), columns


def _no_nan(cells: list) -> bool:
    """No float of `cells` is nan (which no comparison orders)."""
    return all(v == v for v in cells)


def detect_yuan(header_cells) -> bool:
    """True when the amount column's header says 元 and not 万元."""
    for cell in header_cells:
        text = str(cell or "")
        if "金额" in text and "元" in text and "万元" not in text:
            return True
    return False
