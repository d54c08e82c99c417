"""The rectification notice (整改通知书) of one unit and one work year, as a Word document in
the official layout (`evaluations.key.docx_writer.OfficialDocx`, as the 评价通知书 is): the
heading, its number, the unit addressed, a table of the unit's rectification items of the year
(problem, required action, plan deadline, completion deadline, status), what the unit is to do,
the signature block and the date.

The items are those the reader may see and that have been issued (a draft is not yet sent to
the unit); a unit with none has no notice (`notice_refusal`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.evaluations.key.docx_writer import OfficialDocx

from .models import Rectification, RectificationStatus


def notice_items(user, unit, year: int):
    """The unit's issued rectifications of the work year that `user` may see, in order."""
    return (
        Rectification.objects.visible_to(user)
        .filter(unit=unit, year=year)
        .exclude(status=RectificationStatus.DRAFT)
        .select_related("issuer", "project")
        .order_by("issued_on", "number", "pk")
    )


def notice_refusal(items) -> str | None:
    if not items:
        return _("该单位本年度没有已下达的整改事项，没有整改通知书。")
    return None


def notice_number(unit, year: int) -> str:
    """The notice's document number: one notice per unit and work year."""
    return _("绩整通〔%(year)s〕%(code)s号") % {"year": year, "code": unit.code}


def notice_docx(unit, year: int, items, *, today: dt.date | None = None) -> bytes:
    """整改通知书 of `unit` for the work `year`, listing `items` (see `notice_items`)."""
    items = list(items)
    doc = OfficialDocx()
    doc.title(_("整改通知书"))
    doc.para(notice_number(unit, year), indent=False, right=True)
    doc.para(_("%(unit)s：") % {"unit": unit.name}, indent=False)
    doc.para(
        _(
            "根据%(year)s年度预算绩效管理工作中发现的问题，现将需要你单位整改的%(n)s项事项通知如下，"
            "请认真组织整改。"
        )
        % {"year": year, "n": len(items)}
    )
    doc.heading(_("一、整改事项"))
    doc.table(
        [
            _("序号"),
            _("存在问题"),
            _("整改要求"),
            _("方案期限"),
            _("整改期限"),
            _("状态"),
        ],
        [
            (
                n,
                item.problem,
                item.required_action,
                _day(item.plan_due),
                _day(item.due),
                item.get_status_display(),
            )
            for n, item in enumerate(items, start=1)
        ],
    )
    doc.heading(_("二、整改要求"))
    doc.para(
        _(
            "请你单位在方案期限前报送整改方案，在整改期限前完成整改并报送整改完成情况及佐证材料。"
            "期限自你单位接收之日起计算，遇法定节假日顺延至下一个工作日；逾期未完成的，"
            "将向单位负责人和归口业务股室督办，并计入部门预算绩效管理工作考核。"
        )
    )
    issuers = sorted({item.issuer.name for item in items if item.issuer_id})
    day = max((item.issued_on for item in items if item.issued_on), default=None)
    doc.para("", indent=False)
    doc.para(_("%(region)s财政局") % {"region": unit.region.name}, indent=False, right=True)
    if issuers:
        doc.para("（" + "、".join(issuers) + "）", indent=False, right=True)
    doc.para(_day(day or today or timezone.localdate()), indent=False, right=True)
    return doc.to_bytes()


def notice_name(unit, year: int) -> str:
    return _("%(unit)s%(year)s年度整改通知书.docx") % {"unit": unit.name, "year": year}


def _day(day: dt.date | None) -> str:
    if day is None:
        return "—"
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}
