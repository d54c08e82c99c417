"""Writes of the statistics stage (DESIGN.md: services change state, inside one transaction,
re-checking the actor's right; saves of audited models are logged by `core.audit`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit
from jixiao.orgs.models import Region, User

from .models import PolicyDocument, policy_editable_by

# ── policy documents (制度文件) ────────────────────────────────────────────────────────────────

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Brackets clerks type around the year of a 文号 instead of the official 六角括号 〔〕:
# half-width [] (), full-width ［］（）, 【】, ﹝﹞ (the small look-alike some input methods give),
# 〖〗 and braces.
_OPENING = "[(（［【〔﹝〖{｛"
_CLOSING = "])）］】〕﹞〗}｝"
_YEAR = re.compile(f"[{re.escape(_OPENING)}]([0-9]{{4}})[{re.escape(_CLOSING)}]")
_SERIAL = re.compile("〔([0-9]{4})〕0*([0-9]+)号?$")


def normalize_number(text: str) -> str:
    """A 文号 in its official spelling (GB/T 9704-2012: the year in 〔〕, the serial without
    leading zeros, then 号): "东财绩 [２０２０] 01" → "东财绩〔2020〕1号". Anything else is kept
    as typed, so an unusual number is registered rather than refused."""
    text = "".join((text or "").split()).translate(_FULL_WIDTH_DIGITS)  # split(): \u3000 too
    text = _YEAR.sub(r"〔\1〕", text)
    match = _SERIAL.search(text)
    if match:
        text = f"{text[: match.start()]}〔{match[1]}〕{int(match[2])}号"
    return text


def _clean_title(text: str) -> str:
    """A title without the 《》 that surround it when quoted in running text."""
    text = (text or "").strip()
    if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
        text = text[1:-1].strip()
    return text


def _as_date(value):
    """A date from a form (already a date) or from JSON/an import (ISO text); unreadable text
    is kept as it is, for the check to name it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value.strip()
    return value or None


def _fmt(day: dt.date) -> str:
    return day.isoformat()


def _duplicate(region: Region, number: str, document: PolicyDocument | None):
    """The region's other document with the same 文号, compared in the official spelling, so
    a row stored before normalisation (an import, old data) still counts."""
    others = PolicyDocument.objects.filter(region=region)
    if document is not None:
        others = others.exclude(pk=document.pk)
    return next((d for d in others if normalize_number(d.number) == number), None)


def _check_policy(
    region, document, *, number, typed_number, title, issued_on, issuer, today
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = _("文号不能为空，请按发文填写，如 东财绩〔2020〕1号。")
    elif len(number) > PolicyDocument._meta.get_field("number").max_length:
        errors["number"] = _("文号过长（最多 60 个字）。")
    elif (twin := _duplicate(region, number, document)) is not None:
        errors["number"] = _(
            "文号“%(n)s”已登记：《%(t)s》（%(d)s 印发），同一区划的文号不能重复。"
        ) % {"n": number, "t": twin.title, "d": _fmt(twin.issued_on)}
        if typed_number != number:
            errors["number"] += _("（您输入的“%(typed)s”按规范写法即“%(n)s”。）") % {
                "typed": typed_number,
                "n": number,
            }
    if not title:
        errors["title"] = _("标题不能为空，请填写文件全称（不含书名号）。")
    elif len(title) > PolicyDocument._meta.get_field("title").max_length:
        errors["title"] = _("标题过长（最多 300 个字）。")
    if not issuer:
        errors["issuer"] = _("发文机关不能为空，如 东湖区财政局。")
    elif len(issuer) > PolicyDocument._meta.get_field("issuer").max_length:
        errors["issuer"] = _("发文机关过长（最多 100 个字）。")
    if issued_on is None:
        errors["issued_on"] = _("请填写印发日期。")
    elif not isinstance(issued_on, dt.date):
        errors["issued_on"] = _("印发日期“%(d)s”不是有效日期，请按 2020-04-20 填写。") % {
            "d": issued_on
        }
    elif issued_on > today:
        errors["issued_on"] = _("印发日期 %(d)s 晚于今天（%(t)s），不能登记尚未印发的文件。") % {
            "d": _fmt(issued_on),
            "t": _fmt(today),
        }
    else:
        match = _SERIAL.search(number or "")
        if match and int(match[1]) != issued_on.year and "number" not in errors:
            errors["issued_on"] = _(
                "印发日期 %(d)s 与文号中的年份 %(y)s 不一致：文号的年份是印发的年份，"
                "请核对文号或日期。"
            ) % {"d": _fmt(issued_on), "y": match[1]}
        elif document is not None and document.repealed_on and issued_on > document.repealed_on:
            errors["issued_on"] = _("印发日期 %(d)s 不能晚于该文件的废止日期 %(r)s。") % {
                "d": _fmt(issued_on),
                "r": _fmt(document.repealed_on),
            }
    return errors


@transaction.atomic
def policy_document_save(
    *,
    actor: User,
    region: Region,
    data: Mapping,
    document: PolicyDocument | None = None,
    today: dt.date | None = None,
) -> PolicyDocument:
    """Register a document or correct its entry. `data`: number, title, issued_on (a date),
    issuer, note. The 文号 is stored in its official spelling and is unique in the region."""
    if document is not None:
        document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
        if document.region_id != region.id:
            raise PermissionDenied(_("该制度文件不属于当前区划。"))
    if not policy_editable_by(actor, region):
        raise PermissionDenied(_("只有本区划的绩效办可以登记和修改制度文件。"))
    # One registry write at a time per region, so two clerks cannot register one 文号 twice.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    typed = str(data.get("number") or "").strip()
    fields = {
        "number": normalize_number(typed),
        "title": _clean_title(data.get("title")),
        "issued_on": _as_date(data.get("issued_on")),
        "issuer": str(data.get("issuer") or "").strip(),
        "note": str(data.get("note") or "").strip(),
    }
    errors = _check_policy(
        region,
        document,
        typed_number=typed,
        today=today or timezone.localdate(),
        **{k: v for k, v in fields.items() if k != "note"},
    )
    if errors:
        raise ValidationError(errors)
    document = document or PolicyDocument(region=region, created_by=actor)
    for name, value in fields.items():
        setattr(document, name, value)
    document.save()
    return document


@transaction.atomic
def policy_document_repeal(
    *,
    actor: User,
    document: PolicyDocument,
    repealed_on: dt.date | None,
    note: str = "",
    today: dt.date | None = None,
) -> PolicyDocument:
    """Record that a document no longer applies from `repealed_on` (废止); `note` says by what
    (e.g. the document that replaces it). The entry stays in the registry."""
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if not policy_editable_by(actor, document.region):
        raise PermissionDenied(_("只有本区划的绩效办可以废止制度文件。"))
    today = today or timezone.localdate()
    if document.repealed_on is not None:
        raise ValidationError(
            {"repealed_on": _("该文件已于 %(d)s 废止。") % {"d": _fmt(document.repealed_on)}}
        )
    if repealed_on is None:
        raise ValidationError({"repealed_on": _("请填写废止日期。")})
    if repealed_on < document.issued_on:
        raise ValidationError(
            {
                "repealed_on": _("废止日期 %(r)s 早于印发日期 %(d)s：文件不能在印发之前废止。")
                % {"r": _fmt(repealed_on), "d": _fmt(document.issued_on)}
            }
        )
    if repealed_on > today:
        raise ValidationError(
            {
                "repealed_on": _("废止日期 %(r)s 晚于今天（%(t)s）：请在废止生效后登记。")
                % {"r": _fmt(repealed_on), "t": _fmt(today)}
            }
        )
    note = (note or "").strip()
    if len(note) > PolicyDocument._meta.get_field("repeal_note").max_length:
        raise ValidationError({"repeal_note": _("废止说明过长（最多 300 个字）。")})
    document.repealed_on, document.repeal_note = repealed_on, note
    document.save()  # the audit log keeps the date and the note (an audited model's save)
    return document


@transaction.atomic
def policy_document_reinstate(
    *, actor: User, document: PolicyDocument, reason: str
) -> PolicyDocument:
    """Undo a repeal recorded by mistake (撤销废止); the reason goes to the audit log."""
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if not policy_editable_by(actor, document.region):
        raise PermissionDenied(_("只有本区划的绩效办可以撤销废止。"))
    if document.repealed_on is None:
        raise ValidationError(_("该文件现行有效，无需撤销废止。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销废止的原因（如 废止登记有误）。")})
    was = document.repealed_on
    document.repealed_on, document.repeal_note = None, ""
    document.save()
    audit.record(
        action="action",
        instance=document,
        actor=actor,
        message=_("撤销废止（原废止日期 %(r)s）：%(n)s") % {"r": _fmt(was), "n": reason[:400]},
    )
    return document
