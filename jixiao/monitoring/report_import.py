"""Import of monitoring reports (绩效监控表): `jixiao import monitoring FILE`.

The file is the official form in xlsx (one report per worksheet, excel.py) or a JSON list of
schemas/monitoring objects. Each report is found by its round — the `round` code (监控批次), else
the open round of the year whose period end is `as_of` (监控截止日期) — and its project's code in
the importer's region, and is filled through `services.report_save`, which checks the filer's
scope and the report's state and recomputes the alerts. One transaction: a file with one
unknown round or project, one report not editable, one bad likelihood or cause label or one bad
amount writes nothing, and every problem says where it is.

What the file leaves out keeps its stored value: an amount whose label (or JSON key) is
missing, the execution note, an indicator column. The indicators are those of the approved
target, matched by their 三级指标 name (in order, for names used twice); the file fills in what
was reported and cannot add or remove indicators. The money of the budget (年初预算, 全年预算)
and 执行率 are the project's and are not read. An execution taken from the treasury's payment
data cannot be changed by a file (a different figure is an error).

Who may import (DOMAIN.md §3, §5): filling a report is the unit filer's right, and
`report_save` only accepts the filer of the report's unit. So:

* a filer (`--user` on the CLI, or the page import) imports the reports of their own unit and
  its level-2 units; a report of any other unit is reported as a project they cannot fill;
* the budget or performance office (the CLI's default account, or `--user`) may import the
  region's reports on the units' behalf (代录, as `jixiao import targets` does): each report is
  saved as its unit's filer account — an active filer of the unit, else of its level-1 unit —
  and a unit without one is an error. The audit records the importing account; the reports
  stay drafts, so the unit's leader still attests and submits them.

The page import (`MonitoringReportImporter.for_page`) is for filers only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import Project
from jixiao.core.document_imports import DocumentImporter, json_form, json_problem, plain
from jixiao.core.imports import CellError, Row, non_negative_money, register_importer, too_long
from jixiao.core.tabular import Problem
from jixiao.orgs import filing
from jixiao.orgs.review import EDITABLE

from .excel import READ_AMOUNTS, REPORTED_KEYS, TEXT_LIMITS, MonitoringForm, read_form
from .models import Report, ReportIndicator, Round
from .report_data import CAUSES, LIKELIHOODS, MonitoringReport, _actual_text, report_from_data
from .workflow import REPORT_WORKFLOW

AMOUNT_LABELS = {
    "executed": "执行数",
    "expected_full_year": "全年预计执行数",
    "contract_amount": "合同或进度应付金额",
    "initial": "年初预算",
    "full_year": "全年预算（调整后）",
}
_CAUSE_SPLIT = re.compile(r"[、,，;；/\s]+")


@register_importer
class MonitoringReportImporter(DocumentImporter):
    """Reports in the form's block layout (one per worksheet) or as schemas/monitoring JSON."""

    kind = "monitoring"
    title = gettext_lazy("绩效监控表")
    noun = gettext_lazy("监控表")
    form_title = gettext_lazy("绩效监控表")
    filing = filing
    read_form = staticmethod(read_form)
    from_data = staticmethod(report_from_data)

    def identified(self, form: MonitoringForm) -> bool:
        return bool(form.project_code)  # nothing to match it by

    def form_from_item(
        self, parsed: MonitoringReport, item: dict, number: int
    ) -> tuple[MonitoringForm, list[Problem]]:
        """A schemas/monitoring object as a form; what it leaves out is not `present`."""

        problem, problems = partial(json_problem, number), []
        fields = {"title": "", "project_code": "project.code", "round": "round", "as_of": "as_of",
                  "region": "region", "execution_note": "execution_note",
                  **{k: f"budget.{k}" for k in READ_AMOUNTS}}  # fmt: skip
        form = json_form(MonitoringForm, number, fields)
        form.project_code = (parsed.project_code or "").strip()
        if not form.project_code:
            problems.append(problem("project.code", _("须有项目编码（project.code）")))
        form.project_name = parsed.project or ""
        form.round_code = (item.get("round") or "").strip()
        form.period_end = parsed.period_end
        form.year = parsed.year or form.period_end.year
        form.region_code = (parsed.region or "").strip().split(" ")[0]
        budget = item["budget"]
        for key in READ_AMOUNTS:
            if key not in budget:
                continue
            form.present.add(key)
            try:
                form.amounts[key] = non_negative_money(budget[key])
            except CellError as exc:
                problems.append(problem(f"budget.{key}", f"{AMOUNT_LABELS[key]}：{exc}"))
        if "execution_note" in item:
            note = item["execution_note"]
            if note is not None and not isinstance(note, str):
                problems.append(problem("execution_note", _("应为文字或 null")))
            form.present.add("execution_note")
            form.execution_note = note.strip() if isinstance(note, str) else ""
        for row in item.get("indicators") or []:
            form.indicators.append(_line_of_object(row))
            form.indicator_rows.append(number)
        return form, problems

    # --- checking ----------------------------------------------------------------------------

    def match(self, forms: list[MonitoringForm]) -> tuple[list[MonitoringForm], list[Problem]]:
        problems = self._match_rounds(forms)
        rounded = [f for f in forms if f.round is not None]
        problems += self._match_reports(rounded)
        found = [f for f in rounded if f.report is not None]
        problems += self.assign_filers(found, lambda f: f.report, "project_code")
        return [f for f in found if f.filer is not None], problems

    def _match_rounds(self, forms: list[MonitoringForm]) -> list[Problem]:
        rounds = list(Round.objects.filter(region__in={self.region_of(f).pk for f in forms}))
        problems = []
        for form in forms:
            region = self.region_of(form)
            if form.round_code:
                found = [
                    r
                    for r in rounds
                    if r.region_id == region.pk
                    and r.code == form.round_code
                    and (form.year is None or r.year == form.year)
                ]
                if not found:
                    problems.append(
                        form.where(
                            "round",
                            _("%(r)s没有监控批次“%(c)s”")
                            % {"r": region.name, "c": form.round_code},
                            _("监控批次"),
                        )
                    )
                    continue
                if len(found) > 1:
                    problems.append(
                        form.where(
                            "round",
                            _("批次编号“%(c)s”在多个年度都有，请填写监控截止日期")
                            % {"c": form.round_code},
                            _("监控批次"),
                        )
                    )
                    continue
                if form.period_end and form.period_end != found[0].period_end:
                    problems.append(
                        form.where(
                            "as_of",
                            _("监控截止日期 %(d)s 与监控批次“%(c)s”的截止日期 %(e)s 不一致")
                            % {
                                "d": form.period_end,
                                "c": form.round_code,
                                "e": found[0].period_end,
                            },
                            _("监控截止日期"),
                        )
                    )
                    continue
                chosen = found[0]
            elif form.period_end:
                found = [
                    r
                    for r in rounds
                    if r.region_id == region.pk
                    and r.period_end == form.period_end
                    and r.status == Round.Status.OPEN
                ]
                if len(found) != 1:
                    message = (
                        _("%(r)s没有监控截止日期为 %(d)s 的进行中的监控批次")
                        if not found
                        else _("有多个监控截止日期为 %(d)s 的监控批次，请填写批次编号")
                    )
                    problems.append(
                        form.where(
                            "as_of",
                            message % {"r": region.name, "d": form.period_end},
                            _("监控截止日期"),
                        )
                    )
                    continue
                chosen = found[0]
            else:
                problems.append(
                    form.where(
                        "round", _("请填写监控批次（批次编号）或监控截止日期"), _("监控批次")
                    )
                )
                continue
            if chosen.status != Round.Status.OPEN:
                problems.append(
                    form.where(
                        "round",
                        _("监控批次“%(c)s”已结束，不能再导入") % {"c": chosen.code},
                        _("监控批次"),
                    )
                )
                continue
            form.round = chosen
        return problems

    def _match_reports(self, forms: list[MonitoringForm]) -> list[Problem]:
        """Each form's report in its round, within the actor's scope, editable, once per file."""
        reports = {
            (r.round_id, r.project.code): r
            for r in (
                Report.objects.filter(
                    round__in={f.round.pk for f in forms},
                    project__code__in={f.project_code for f in forms},
                )
                .select_related("round", "project", "unit", "region")
                .prefetch_related(
                    Prefetch("indicators", queryset=ReportIndicator.objects.order_by("position"))
                )
            )
        }
        known = {
            (region, year, code): (unit, path)
            for region, year, code, unit, path in Project.objects.filter(
                region__in={f.round.region_id for f in forms},
                year__in={f.round.year for f in forms},
                code__in={f.project_code for f in forms},
            ).values_list("region_id", "year", "code", "unit_id", "region__path")
        }
        problems = []
        for form in forms:
            report = reports.get((form.round.pk, form.project_code))
            unit, path = (
                (report.unit_id, report.region.path)
                if report
                else known.get(
                    (form.round.region_id, form.round.year, form.project_code), (None, "")
                )
            )
            if unit is None or not self.may_file(unit, path):
                problems.append(
                    form.where(
                        "project_code",
                        _("%(y)s 年度%(r)s没有您可填报的项目编码“%(c)s”")
                        % {
                            "y": form.round.year,
                            "r": form.round.region.name,
                            "c": form.project_code,
                        },
                        _("项目编码"),
                    )
                )
                continue
            if report is None:
                problems.append(
                    form.where(
                        "project_code",
                        _("项目“%(c)s”不在监控批次“%(b)s”的监控范围内")
                        % {"c": form.project_code, "b": form.round.code},
                        _("项目编码"),
                    )
                )
                continue
            if report.status not in EDITABLE:
                problems.append(
                    form.where(
                        "project_code",
                        _(
                            "该项目的监控报告处于“%(s)s”状态，不能通过导入修改（只能修改草稿或已退回的报告）"
                        )
                        % {"s": REPORT_WORKFLOW.label(report.status)},
                        _("项目编码"),
                    )
                )
                continue
            duplicate = self.once_per_file(form, "project_code", report.pk, _("项目同一批次"))
            if duplicate:
                problems.append(duplicate)
                continue
            form.report = report
        return problems

    def check_form(self, form: MonitoringForm) -> list[Problem]:
        """Labels, lengths, the execution from payments, and the indicators' rows."""
        problems = []
        report = form.report
        if (
            "executed" in form.present
            and report.execution_from_payments
            and form.amounts.get("executed") is not None
            and form.amounts["executed"] != report.executed
        ):
            problems.append(
                form.where(
                    "executed",
                    _("执行数取自国库支付数据（%(v)s 万元），不能通过导入修改")
                    % {"v": plain(report.executed)},
                    _("执行数"),
                )
            )
        limit = TEXT_LIMITS["execution_note"]
        if "execution_note" in form.present and len(form.execution_note) > limit:
            problems.append(form.where("execution_note", too_long(form.execution_note, limit)))
        stored = [(r.position, r.name) for r in report.indicators.all()]
        if form.indicators and not stored:
            problems.append(
                form.at_indicator(
                    0,
                    "name",
                    _("该项目的监控表没有绩效指标（尚无批复的绩效目标），不能导入指标完成情况"),
                )
            )
            return problems
        matched, line_problems = self.match_lines(form, stored)
        problems += line_problems
        for index, line in matched:
            problems += _check_line(form, index, line)
        return problems

    # --- saving ------------------------------------------------------------------------------

    def save(self, rows: list[Row]) -> tuple[int, int]:
        from .services import report_save

        for row in rows:
            form = row.values["form"]
            report = form.report
            given = form.present
            indicators = [
                {"position": position, **{k: line[k] for k in REPORTED_KEYS if k in line}}
                for position, line in zip(form.positions, form.indicators, strict=True)
            ]
            with row.located():
                report_save(
                    actor=form.filer,
                    report=report,
                    executed=form.amounts.get("executed")
                    if "executed" in given
                    else report.executed,
                    expected_full_year=form.amounts.get("expected_full_year")
                    if "expected_full_year" in given
                    else report.expected_full_year,
                    contract_amount=form.amounts.get("contract_amount"),
                    execution_note=form.execution_note
                    if "execution_note" in given
                    else report.execution_note,
                    indicators=indicators,
                )
        return 0, len(rows)


def _check_line(form: MonitoringForm, index: int, line: dict) -> list[Problem]:
    """A line's likelihood and cause as the verbatim labels of DOMAIN.md §5, its lengths."""
    problems = []
    if "likelihood" in line:
        value = unicodedata.normalize("NFKC", line["likelihood"] or "").strip()
        if value and value not in LIKELIHOODS:
            problems.append(
                form.at_indicator(
                    index,
                    "likelihood",
                    _("完成目标可能性“%(v)s”应为 %(a)s 之一")
                    % {"v": value, "a": "、".join(LIKELIHOODS)},
                )
            )
        line["likelihood"] = value
    if "cause" in line:
        raw = line["cause"]
        causes = (
            raw
            if isinstance(raw, list)
            else [
                c for c in _CAUSE_SPLIT.split(unicodedata.normalize("NFKC", raw or "").strip()) if c
            ]
        )
        wrong = [c for c in causes if c not in CAUSES]
        if wrong:
            problems.append(
                form.at_indicator(
                    index,
                    "cause",
                    _("偏差原因“%(v)s”应为 %(a)s 之一") % {"v": wrong[0], "a": "、".join(CAUSES)},
                )
            )
        elif len(set(causes)) > 1:
            problems.append(
                form.at_indicator(
                    index,
                    "cause",
                    _("每条指标只能选一个偏差原因（填了“%(v)s”）；其他原因请写在原因说明中")
                    % {"v": "、".join(causes)},
                )
            )
        line["cause"] = causes[0] if causes and not wrong else ""
    for key in ("progress", "expected", "explanation", "measures"):
        if key in line and len(line[key] or "") > TEXT_LIMITS[key]:
            problems.append(form.at_indicator(index, key, too_long(line[key], TEXT_LIMITS[key])))
    return problems


def _line_of_object(row: dict) -> dict:
    line = {"category": row["category"], "subcategory": row["subcategory"], "name": row["name"]}
    for key in ("progress", "expected"):
        if key in row:
            line[key] = "" if row[key] is None else _actual_text(row[key]).strip()
    for key in ("likelihood", "explanation", "measures"):
        if key in row:
            line[key] = (row[key] or "").strip()
    if "cause" in row:
        cause = row["cause"]
        line["cause"] = cause if isinstance(cause, list) else ([] if cause is None else [cause])
    return line
