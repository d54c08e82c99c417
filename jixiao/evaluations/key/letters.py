"""The notification letter (评价通知书) of a key evaluation, as a Word document in the official
layout: to the evaluated unit, it says what is evaluated, by whom, when, what to prepare and whom
to contact. It can be downloaded once the unit has been notified."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .docx_writer import OfficialDocx
from .models import KeyEvaluation, KeyStatus
from .plan import key_rules

#: The documents a unit prepares for any key evaluation (the agency adds its own requests).
PREPARE = (
    gettext_lazy("项目立项依据、批复文件及实施方案"),
    gettext_lazy("项目绩效目标申报表及批复"),
    gettext_lazy("预算批复、资金拨付及支出明细账"),
    gettext_lazy("政府采购、合同及验收资料"),
    gettext_lazy("项目管理制度及执行记录"),
    gettext_lazy("项目产出和效益的佐证材料"),
)


def notice_refusal(evaluation: KeyEvaluation) -> str | None:
    if evaluation.status == KeyStatus.DRAFT:
        return _("评价尚未下达通知，暂不能下载评价通知书。")
    return None


def notice_docx(evaluation: KeyEvaluation) -> bytes:
    """评价通知书 of the evaluation (see `notice_refusal` for when it exists)."""
    doc = OfficialDocx()
    office = evaluation.commissioner.name if evaluation.commissioner_id else _("绩效办")
    doc.title(_("关于开展%(subject)s绩效评价的通知") % {"subject": evaluation.subject})
    doc.para(_("%(unit)s：") % {"unit": evaluation.unit.name}, indent=False)
    start = evaluation.notified_on or timezone.localdate()
    doc.para(
        _(
            "根据预算绩效管理工作安排，经研究，决定对你单位%(subject)s（%(year)s年度）开展重点绩效评价。"
            "现将有关事项通知如下。"
        )
        % {"subject": evaluation.subject, "year": evaluation.year - 1}
    )
    doc.heading(_("一、评价对象和内容"))
    doc.para(
        _("评价对象为%(subject)s，评价内容包括项目决策、过程、产出和效益四个方面。")
        % {"subject": evaluation.subject}
    )
    doc.heading(_("二、评价机构"))
    if evaluation.agency_id:
        doc.para(
            _("本次评价委托%(agency)s实施，评价机构将组织专家开展现场勘查和比对打分。")
            % {"agency": evaluation.agency.name}
        )
    else:
        doc.para(_("评价机构另行通知。"))
    doc.heading(_("三、时间安排"))
    notice = key_rules(evaluation.region, evaluation.year)["notice"]
    end = start + dt.timedelta(days=notice["days"])
    doc.para(
        _("评价工作自%(start)s起开展，原则上于%(end)s前完成，具体时间以评价工作方案为准。")
        % {"start": _day(start), "end": _day(end)}
    )
    doc.heading(_("四、需准备的资料"))
    for number, item in enumerate(PREPARE, start=1):
        doc.para(f"{number}. {item}")
    doc.para(
        _("请于接到通知后%(n)s个工作日内将上述资料报送评价机构，并对资料的真实性、完整性负责。")
        % {"n": notice["documents_within_workdays"]}
    )
    doc.heading(_("五、联系方式"))
    agency = evaluation.agency
    if agency is not None and (agency.contact or agency.phone):
        doc.para(
            _("评价机构联系人：%(name)s，电话：%(phone)s。")
            % {"name": agency.contact or "—", "phone": agency.phone or "—"}
        )
    doc.para(_("%(office)s联系人：（请填写），电话：（请填写）。") % {"office": office})
    doc.para("", indent=False)
    doc.para(office, indent=False, right=True)
    doc.para(_day(start), indent=False, right=True)
    return doc.to_bytes()


def _day(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def notice_name(evaluation: KeyEvaluation) -> str:
    return _("%(subject)s评价通知书.docx") % {"subject": evaluation.subject}
