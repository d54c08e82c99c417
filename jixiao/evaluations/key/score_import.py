"""The agency's stated score table (第三方机构评分表) of a key evaluation: an .xlsx or .json
upload checked against the evaluation's rules (`score_table.check_score_table`) and kept as an
attachment of kind report beside the evaluation, with the check in the audit log
(`score_table_import`), and the tables kept so far (`score_tables`). The experts' scores are
never touched.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import audit
from jixiao.core.imports import json_items
from jixiao.core.tabular import InputRejected, Problem

from .report import report_write_refusal, score_table_headers
from .score_table import check_score_table
from .work import grades_of

SCORE_TABLE_NOTE = gettext_lazy("第三方机构评分表")


def _json_table(data: bytes) -> dict:
    """The one score table of a JSON upload, refused (InputRejected) when it cannot be read."""
    items = json_items(data, what=_("评分表对象"))
    if len(items) != 1 or not isinstance(items[0], dict):
        raise InputRejected([Problem(_("JSON 应为一个评分表对象。"))])
    return items[0]


def _json_refusals(table: dict, rules: dict, grades) -> list[Problem]:
    """What makes a JSON table unusable, each at its indicator and field: a missing level, a
    weight or score that is not a number, a score outside 0..its weight."""
    problems = []
    items = table.get("indicators")
    if not isinstance(items, list) or not items:
        return [Problem(_("评分表没有指标（indicators）。"))]
    result = check_score_table(table, rules, grades)
    for index, item in enumerate(items):
        where = {"sheet": "indicators", "row": index + 1}
        if not isinstance(item, dict):
            problems.append(Problem(_("第 %(n)s 项不是指标对象。") % {"n": index + 1}, **where))
            continue
        for key, label in (("level1", _("一级指标")), ("level3", _("三级指标"))):
            if not str(item.get(key) or "").strip():
                problems.append(Problem(_("缺少%(l)s。") % {"l": label}, column=key, **where))
        if index < len(result.indicators):
            for error in result.indicators[index].errors:
                problems.append(Problem(error["message"], column=error["code"], **where))
    for check in result.checks:
        if check.code == "K03":
            index = check.indicator
            problems.append(Problem(str(check.message), "indicators", index + 1, "score"))
    return problems


def score_table_import(*, actor, evaluation, name: str, data: bytes):
    """Check an agency's score table (.xlsx or .json) and keep it against the evaluation as
    the agency's stated table: an Attachment of kind report (the workbook; a JSON table is
    kept as the same workbook) whose description carries the recomputed total, grade and
    checks, with the full check result in the audit log. The experts' scores are untouched.
    A file with a missing level, text in a score or a score above its weight is refused
    (InputRejected, each problem at its sheet, row and column) and nothing is written."""
    from jixiao.core.attachments import attachment_add

    from .score_file import read_score_table_xlsx
    from .work import rules_of

    refusal = report_write_refusal(evaluation, actor)
    if refusal and evaluation.edit_refusal(actor):
        raise PermissionDenied(refusal)
    rules, grades = rules_of(evaluation), grades_of(evaluation)
    lower = name.lower()
    if lower.endswith(".xlsx"):
        table, problems = read_score_table_xlsx(data, name)
        if problems:
            raise InputRejected(problems)
        workbook = data
    elif lower.endswith(".json"):
        table = _json_table(data)
        problems = _json_refusals(table, rules, grades)
        if problems:
            raise InputRejected(problems)
        workbook, name = _table_workbook(table), name[:-5] + ".xlsx"
    else:
        raise InputRejected([Problem(_("请上传 .xlsx 或 .json 格式的评分表。"))])
    result = check_score_table(table, rules, grades)
    summary = _("%(note)s：重算合计 %(total)s 分，等级 %(grade)s；%(checks)s") % {
        "note": SCORE_TABLE_NOTE,
        "total": f"{result.total:f}",
        "grade": result.grade or "—",
        "checks": "、".join(c.code for c in result.checks) or _("未发现问题"),
    }
    with transaction.atomic():
        attachment = attachment_add(
            obj=evaluation,
            name=name,
            data=workbook,
            actor=actor,
            kind="report",
            description=summary,
            can_change=True,
        )
        audit.record(
            action="action",
            instance=evaluation,
            actor=actor,
            after={"score_table": attachment.pk, "check": result.to_data()},
            message=summary,
        )
    return result, attachment


def _table_workbook(table: dict) -> bytes:
    import openpyxl

    from jixiao.core.exports import workbook_bytes

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("评分表")
    sheet.append([str(table.get("subject") or "")])
    sheet.append(score_table_headers())
    for item in table["indicators"]:
        sheet.append([str(item.get(k) or "") for k in ("level1", "level2", "level3")]
                     + [str(item.get("weight")), str(item.get("score"))])  # fmt: skip
    if table.get("total") is not None:
        sheet.append([_("合计"), "", "", "", str(table["total"])])
    if table.get("grade"):
        sheet.append([_("等级"), str(table["grade"])])
    return workbook_bytes(book)


def score_tables(evaluation):
    """The agency's stated score tables kept against the evaluation, newest first."""
    from jixiao.core.attachments import attachments_of

    return (
        attachments_of(evaluation)
        .filter(kind="report", description__startswith=str(SCORE_TABLE_NOTE))
        .order_by("-created_at")
    )
