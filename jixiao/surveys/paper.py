"""Paper questionnaires (纸质问卷): many respondents (the elderly, villages) answer on paper, and
the survey's builders enter them by hand, one form per questionnaire, or import a workbook with
one row per questionnaire and one column per question. Either way each answer is stored like an
online one, marked paper with who entered it, and judged by the validity rules except the time
rule (paper is not timed): a required question left empty or straight-lining makes it invalid,
with its reason, never refused.

Each paper questionnaire has its number (问卷编号, written on the paper): it is the response's
respondent key (`paper:<number>`), so the same questionnaire is never entered twice. The import
is one transaction (`core.imports.run_import`): one bad cell refuses the whole file, with its
sheet, row and column, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core import audit
from jixiao.core.imports import CellError, Column, Importer, Row, UniqueInFile, text
from jixiao.core.tabular import Problem
from jixiao.core.views import import_page, xlsx_response

from . import answering, services, validity
from .models import Answer, Question, QuestionKind, Response, Survey, SurveyStatus
from .results import survey_rules

PREFIX = "paper:"
NUMBER_CHARS = 50
SPLIT = re.compile(r"[;；,，、/\n]+")
NUMBER_LIMIT = Decimal("1e10")


# --- the service ------------------------------------------------------------------------------


def paper_refusal(survey: Survey, user) -> str | None:
    """Why `user` may not enter paper questionnaires of `survey` now; None: they may."""
    if not services.may_build(survey, user):
        return _(
            "只有问卷的管理者（绩效办、承担评价的第三方机构或本单位填报人员）可以录入纸质问卷。"
        )
    if survey.status != SurveyStatus.OPEN:
        return _("问卷处于“%(s)s”状态，只有进行中的问卷可以录入纸质问卷。") % {
            "s": survey.get_status_display()
        }
    return None


def respondent_key(number: str) -> str:
    return f"{PREFIX}{number}"


def taken_numbers(survey: Survey, numbers) -> set[str]:
    """Which of the questionnaire numbers are already entered in the survey."""
    keys = [respondent_key(n) for n in numbers]
    found = Response.objects.filter(survey=survey, respondent__in=keys).values_list(
        "respondent", flat=True
    )
    return {key.removeprefix(PREFIX) for key in found}


def paper_save(*, actor, survey: Survey, entries: list[tuple[str, dt.datetime, dict]]) -> int:
    """Store paper questionnaires: `entries` are (number, when filled in, answers by question
    id as `answering.clean_answers` gives them). Refused (nothing written) if the actor may not
    enter them, or a number is already entered. Returns how many were stored."""
    if refusal := paper_refusal(survey, actor):
        raise PermissionDenied(refusal)
    taken = taken_numbers(survey, [number for number, _when, _answers in entries])
    if taken:
        raise ValidationError(
            _("问卷编号 %(n)s 已经录入过，不能重复录入。") % {"n": "、".join(sorted(taken))}
        )
    rules = survey_rules(survey)
    questions = list(survey.questions.all())
    by_id = {q.pk: q for q in questions}
    responses = []
    for number, when, answers in entries:
        facts = validity.response_facts(questions, answers, None)  # paper is not timed
        judged = validity.validity(facts, rules)
        responses.append(
            Response(
                survey=survey,
                respondent=respondent_key(number),
                group=answering._group(questions, answers),  # as online
                submitted_at=when,
                paper=True,
                entered_by=actor,
                valid=judged.valid,
                invalid_reason=judged.reason,
            )
        )
    with transaction.atomic():
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(
            answering._answer_row(response, by_id[pk], value)
            for response, (_n, _w, answers) in zip(responses, entries, strict=True)
            for pk, value in answers.items()
        )
        audit.record(
            action="update",
            instance=survey,
            actor=actor,
            after={"paper": [number for number, _when, _answers in entries]},
            message=_("录入纸质问卷 %(n)s 份") % {"n": len(responses)},
        )
    return len(responses)


# --- one questionnaire by hand ----------------------------------------------------------------


def _paper_page(request, pk: int):
    """The survey (404 outside the user's scope), its results page, and the redirect there
    when the user may not enter paper questionnaires now (the refusal told), else None."""
    survey = Survey.objects.get_visible_or_404(request.user, pk=pk)
    results_url = reverse("survey-results", args=[survey.pk])
    if refusal := paper_refusal(survey, request.user):
        messages.error(request, refusal)
        return survey, results_url, redirect(results_url)
    return survey, results_url, None


def _items(questions, rules, data, errors) -> list[dict]:
    items = []
    for question in questions:
        name = answering.field_name(question)
        chosen = data.getlist(name) if hasattr(data, "getlist") else []
        items.append(
            {
                "question": question,
                "name": name,
                "options": answering.options_of(question, rules)
                if question.kind != QuestionKind.NUMBER and question.kind != QuestionKind.TEXT
                else [],
                "multiple": question.kind == QuestionKind.MULTIPLE,
                "chosen": chosen,
                "value": chosen[0] if chosen else "",
                "error": errors.get(name, ""),
            }
        )
    return items


def _filled_on(raw: str) -> dt.datetime | None:
    """The date written on the questionnaire (noon that day, local time), None if not a date."""
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@login_required
def survey_paper(request, pk: int):
    """Enter one paper questionnaire: its number, the date on it and its answers."""
    survey, results_url, refused = _paper_page(request, pk)
    if refused:
        return refused
    rules = survey_rules(survey)
    questions = list(survey.questions.all())
    errors: dict[str, str] = {}
    data = request.POST if request.method == "POST" else {}
    number = str(data.get("number", "")).strip()
    filled = str(data.get("filled_on", "")).strip()
    if request.method == "POST":
        answers, errors = answering.clean_answers(questions, request.POST, rules)
        when = _filled_on(filled) if filled else timezone.now()
        if not number:
            errors["number"] = _("请填写纸质问卷上的编号。")
        elif len(number) > NUMBER_CHARS:
            errors["number"] = _("问卷编号最多 %(n)s 个字符。") % {"n": NUMBER_CHARS}
        if when is None:
            errors["filled_on"] = _("填写日期应为日期，例如 2022-05-20。")
        if not errors:
            try:
                paper_save(actor=request.user, survey=survey, entries=[(number, when, answers)])
            except (ValidationError, PermissionDenied) as exc:
                errors["number"] = "；".join(getattr(exc, "messages", [str(exc)]))
            else:
                messages.success(
                    request, _("已录入纸质问卷 %(n)s，可以继续录入下一份。") % {"n": number}
                )
                return redirect(reverse("survey-paper", args=[survey.pk]))
    return render(
        request,
        "surveys/results_paper.html",
        {
            "survey": survey,
            "items": _items(questions, rules, data, errors),
            "errors": errors,
            "number": number,
            "filled_on": filled,
            "text_chars": rules["text_chars"],
            "results_url": results_url,
        },
        status=400 if errors else 200,
    )


# --- a workbook of questionnaires -------------------------------------------------------------


def _choice_parser(question: Question, offered: list[str]):
    many = question.kind == QuestionKind.MULTIPLE

    def parse(value) -> list[str]:
        raw = text(value)
        chosen = [v.strip() for v in SPLIT.split(raw) if v.strip()] if many else [raw]
        if len(chosen) > 1 and not many:
            raise CellError(_("本题只能选一项"))
        unknown = [v for v in chosen if v not in offered]
        if unknown:
            raise CellError(
                _("“%(v)s”不是本题的选项（可选：%(a)s）")
                % {"v": "、".join(unknown), "a": "、".join(offered)}
            )
        return [option for option in offered if option in chosen]

    return parse


def _number(value) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("应为数字"))
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(text(value))
    except InvalidOperation:
        raise CellError(_("“%(v)s”不是数字") % {"v": text(value)}) from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise CellError(_("“%(v)s”不是有效的数字") % {"v": text(value)})
    return number.quantize(Decimal("0.0001"))


def _text_parser(limit: int):
    def parse(value) -> str:
        result = answering.plain_text(text(value), 10**6)
        if len(result) > limit:
            raise CellError(_("文字过长（最多 %(n)s 个字）") % {"n": limit})
        return result

    return parse


def _number_key(value) -> str:
    result = text(value)
    if len(result) > NUMBER_CHARS:
        raise CellError(_("问卷编号最多 %(n)s 个字符") % {"n": NUMBER_CHARS})
    return result


def _date(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))
    when = _filled_on(text(value))
    if when is None:
        raise CellError(_("“%(v)s”不是日期（例如 2022-05-20）") % {"v": text(value)})
    return when


def question_header(number: int, question: Question) -> str:
    return f"{number}. {question.text}"


class PaperImporter(Importer):
    """The paper questionnaires of one survey: one row per questionnaire."""

    kind = "survey-paper"
    title = gettext_lazy("纸质问卷")

    def __init__(self, *, actor, survey: Survey):
        super().__init__(actor=actor, region=survey.region)
        self.survey = survey
        self.rules = survey_rules(survey)
        self.questions = list(survey.questions.all())
        self.columns = [
            Column("number", _("问卷编号"), _number_key, required=True),
            Column("filled_on", _("填写日期"), _date),
            *(self._column(n, q) for n, q in enumerate(self.questions, start=1)),
        ]

    def _column(self, number: int, question: Question) -> Column:
        if question.kind == QuestionKind.NUMBER:
            parse = _number
        elif question.kind == QuestionKind.TEXT:
            parse = _text_parser(int(self.rules["text_chars"]))
        else:
            parse = _choice_parser(question, answering.options_of(question, self.rules))
        return Column(f"q{question.pk}", question_header(number, question), parse)

    def inspect(self, sheets: list) -> None:
        """The template's guide sheet lists the columns: it is not read as questionnaires."""
        sheets[:] = [sheet for sheet in sheets if sheet.name != guide_name()] or sheets

    def check(self, rows: list[Row]) -> list:
        if refusal := paper_refusal(self.survey, self.actor):
            return [Problem(refusal)]
        label = _("问卷编号")
        once = UniqueInFile("number", label, _("问卷编号与第 %(r)s 行重复"))
        problems = []
        for row in rows:
            problems += once.check(row, row.values["number"])
        taken = taken_numbers(self.survey, [row.values["number"] for row in rows])
        problems += [
            row.problem("number", _("问卷编号 %(n)s 已经录入过") % {"n": n}, label)
            for row in rows
            if (n := row.values["number"]) in taken
        ]
        return problems

    def save(self, rows: list[Row]) -> tuple[int, int]:
        now = timezone.now()
        entries = []
        for row in rows:
            answers = {
                q.pk: value
                for q in self.questions
                if not validity.is_empty(value := row.values.get(f"q{q.pk}"))
            }
            entries.append((row.values["number"], row.values["filled_on"] or now, answers))
        return paper_save(actor=self.actor, survey=self.survey, entries=entries), 0


def guide_name() -> str:
    return _("填写说明")


def paper_template(survey: Survey, rules: dict):
    """The workbook to fill in: the questionnaires' sheet (number, date, one column per
    question) and a sheet that says what each column takes."""
    import openpyxl

    from jixiao.core.tabular import write_sheet

    questions = list(survey.questions.all())
    headers = [_("问卷编号"), _("填写日期")]
    headers += [question_header(n, q) for n, q in enumerate(questions, start=1)]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("纸质问卷")
    write_sheet(ws, headers, [], title=survey.title, widths=[12, 12, *([22] * len(questions))])
    guide = book.create_sheet(guide_name())
    rows = [
        [_("问卷编号"), _("必填；纸质问卷上的编号，同一问卷的编号不能重复。")],
        [_("填写日期"), _("可不填；问卷上的填写日期，例如 2022-05-20。")],
    ]
    for n, q in enumerate(questions, start=1):
        if q.kind == QuestionKind.NUMBER:
            how = _("填一个数字")
        elif q.kind == QuestionKind.TEXT:
            how = _("文字，最多 %(n)s 个字") % {"n": rules["text_chars"]}
        else:
            how = _("填选项文字：%(a)s") % {"a": "、".join(answering.options_of(q, rules))}
            if q.kind == QuestionKind.MULTIPLE:
                how += _("（可多选，用“、”分隔）")
        if q.required:
            how += _("；必答题，未答的问卷记为无效")
        rows.append([question_header(n, q), how])
    write_sheet(guide, [_("列"), _("填写要求")], rows, widths=[40, 80])
    return book


@login_required
def survey_paper_import(request, pk: int):
    """Import paper questionnaires from a workbook (`?template=1`: the workbook to fill in)."""
    survey, results_url, refused = _paper_page(request, pk)
    if refused:
        return refused
    if request.GET.get("template"):
        book = paper_template(survey, survey_rules(survey))
        name = _("%(title)s-纸质问卷导入模板.xlsx") % {"title": survey.title}
        return xlsx_response(request, book, name, kind="survey-paper-template", rows=0)
    return import_page(
        request,
        importer=PaperImporter(actor=request.user, survey=survey),
        template_url=request.path + "?template=1",
        back_url=results_url,
    )
