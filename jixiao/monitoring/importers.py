"""Payment data from the treasury (国库支付) and monitoring reports from files.

Payments come as the treasury system exports them: one row per project and month (or per
payment with its date; rows of the same month are added up), amounts in 万元 or, when the
header says 元, in yuan. The file is one transaction: an unknown project, a negative amount,
month 13 or the same project and month twice writes nothing. After a good file the alerts
of the affected projects are recomputed (DOMAIN.md §5).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import Payment, Project
from jixiao.core.imports import CellError, Column, Importer, Row, code, register_importer, year
from jixiao.core.imports import money as parse_money
from jixiao.core.tabular import Problem

YUAN_PER_WAN = Decimal(10000)
BATCH = 2000


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


@register_importer
class PaymentImporter(Importer):
    kind = "payments"
    title = gettext_lazy("支付数据")
    columns = (
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

    def check(self, rows: list[Row]) -> list[Problem]:
        problems: list[Problem] = []
        seen: dict[tuple, int] = {}
        projects = self._projects(rows)
        for row in rows:
            v = row.values
            when = v["date"]
            v["year"] = v["year"] or (when.year if when else None)
            v["month"] = v["month"] or (when.month if when else None)
            if v["year"] is None or v["month"] is None:
                problems.append(
                    row.problem("month", _("须填写“年度”和“月份”，或“支付日期”"), _("月份"))
                )
                continue
            if v["amount"] is None:
                problems.append(row.problem("amount", _("必填项为空"), _("支付金额")))
                continue
            project = projects.get((v["year"], v["code"]))
            if project is None:
                problems.append(
                    row.problem(
                        "code",
                        _("%(y)s 年度没有项目编码“%(c)s”") % {"y": v["year"], "c": v["code"]},
                        _("项目编码"),
                    )
                )
                continue
            v["project"] = project
            key = (project.pk, v["month"], when)
            if key in seen and when is None:
                problems.append(
                    row.problem(
                        "month",
                        _("同一项目同一月份重复（与第 %(r)s 行）") % {"r": seen[key]},
                        _("月份"),
                    )
                )
            seen.setdefault(key, row.number)
        return problems

    def _projects(self, rows: list[Row]) -> dict:
        codes = {r.values["code"] for r in rows}
        projects = Project.objects.filter(region=self.region).select_related("region", "unit")
        if len(codes) <= 1000:  # a long IN list costs more than the region's projects
            projects = projects.filter(code__in=codes)
        return {(p.year, p.code): p for p in projects if p.code in codes}

    def save(self, rows: list[Row]) -> tuple[int, int]:
        """Monthly totals written in bulk (a province-year is 480,000 rows), then the alerts
        of the projects recomputed once each."""
        scale = YUAN_PER_WAN if self.yuan else Decimal(1)
        totals: dict[tuple, Decimal] = defaultdict(Decimal)
        for row in rows:
            totals[(row.values["project"], row.values["month"])] += row.values["amount"] / scale
        projects = {p.pk: p for p, _m in totals}
        existing = {
            (p.project_id, p.month): p
            for p in Payment.objects.filter(
                project__region=self.region, project__year__in={p.year for p in projects.values()}
            )
            if p.project_id in projects
        }
        now = timezone.now()
        new, changed = [], []
        for (project, m), total in totals.items():
            payment = existing.get((project.pk, m))
            if payment is None:
                new.append((project, m, total))
            else:
                payment.amount, payment.updated_at = total, now
                changed.append(payment)
        for start in range(0, len(new), BATCH):  # model instances for one batch at a time
            Payment.objects.bulk_create(
                [Payment(project=p, month=m, amount=a) for p, m, a in new[start : start + BATCH]]
            )
        Payment.objects.bulk_update(changed, ["amount", "updated_at"], batch_size=BATCH)
        from .services import payments_changed

        payments_changed(projects.values(), today=timezone.localdate())
        return len(new), len(changed)


def detect_yuan(header_cells) -> bool:
    """True when the amount column's header says 元 and not 万元."""
    for cell in header_cells:
        text = str(cell or "")
        if "金额" in text and "元" in text and "万元" not in text:
            return True
    return False
