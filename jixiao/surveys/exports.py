"""Surveys out: the raw answers of one survey (xlsx, one row per answer), its results section
for the evaluation report (docx), and `jixiao export surveys --region R --year Y --format
xlsx|json -o FILE` (the year's surveys with their figures).

The raw answers keep the answer times (submitted, seconds) but no address: only the salted hash
is stored and even that stays out of the file. Every cell a respondent typed is written as text
(`core.tabular.safe_cell` through `write_sheet`), so `=cmd|...` or `@SUM(...)` is never a
formula in the workbook.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core.exports import decimal_text, json_bytes, register_exporter, workbook_bytes
from jixiao.core.tabular import write_sheet
from jixiao.evaluations.key.docx_writer import OfficialDocx

from .models import InvalidReason, QuestionKind, Response, Survey, SurveyStatus
from .results import Figures, Rate, survey_figures


def percent(value: Decimal | None) -> str:
    """A fraction as a percentage with one decimal ("93.2%"); "—" for none."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'))}%"


def rate_text(rate: Rate, confidence: str) -> str:
    """ "93.2%（95% 置信区间 91.0%–95.4%，n = 412）" or "—"."""
    if rate is None or rate.value is None:
        return "—"
    return _("%(rate)s（%(c)s 置信区间 %(low)s–%(high)s，n = %(n)s）") % {
        "c": confidence,
        "rate": percent(rate.value),
        "low": percent(rate.low),
        "high": percent(rate.high),
        "n": rate.n,
    }


# --- raw answers -----------------------------------------------------------------------------


def _answer_cell(answer, kind: str):
    if answer is None:
        return ""
    if kind == QuestionKind.NUMBER:
        return answer.number
    if kind == QuestionKind.TEXT:
        return answer.text
    return "；".join(str(c) for c in answer.choices or [])


def answer_rows(survey: Survey):
    """The raw answers: the questions, then one row per answer in the order they came."""
    questions = list(survey.questions.all())
    reasons = dict(InvalidReason.choices)
    responses = (
        Response.objects.filter(survey=survey)
        .select_related("channel", "entered_by")
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )
    rows = []
    for response in responses:
        by_question = {a.question_id: a for a in response.answers.all()}
        submitted = timezone.localtime(response.submitted_at).replace(tzinfo=None)
        entered_by = response.entered_by
        rows.append(
            [
                response.pk,
                submitted,
                response.seconds,
                response.channel.name if response.channel_id else "",
                response.group,
                _("纸质") if response.paper else _("网上"),
                (entered_by.full_name or entered_by.username) if entered_by else "",
                _("有效") if response.valid else _("无效"),
                str(reasons.get(response.invalid_reason, "")) if not response.valid else "",
                response.invalid_note,
                *(_answer_cell(by_question.get(q.pk), q.kind) for q in questions),
            ]
        )
    return questions, rows


def answers_workbook(survey: Survey):
    questions, rows = answer_rows(survey)
    headers = [
        _("序号"),
        _("提交时间"),
        _("作答用时（秒）"),
        _("渠道"),
        _("受访者类别"),
        _("方式"),
        _("录入人"),
        _("是否有效"),
        _("无效原因"),
        _("无效说明"),
        *(f"{n}. {q.text}" for n, q in enumerate(questions, start=1)),
    ]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("原始答卷")
    widths = [8, 20, 10, 14, 14, 8, 12, 8, 18, 20, *([24] * len(questions))]
    write_sheet(ws, headers, rows, title=survey.title, widths=widths)
    for cells in ws.iter_rows(min_row=3, min_col=2, max_col=2):
        for cell in cells:
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return book, len(rows)


# --- the results section (docx) --------------------------------------------------------------


def _period(survey: Survey) -> str:
    def day(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else "—"

    return _("%(start)s 至 %(end)s") % {"start": day(survey.opens_at), "end": day(survey.closes_at)}


def results_docx(figures: Figures) -> bytes:
    """The results section of the evaluation report: method, sample, rate with its interval,
    each question's results and the breakdowns by group and by channel."""
    survey = figures.survey
    doc = OfficialDocx()
    doc.title(_("公众满意度测评结果"))
    doc.heading(_("一、测评方法"))
    channels = "、".join(p.label for p in figures.by_channel) or "—"
    doc.para(
        _(
            "本次测评以问卷“%(title)s”开展，通过链接和二维码向服务对象公开发放，"
            "无需登录即可作答，每位受访者限答一次；纸质问卷由工作人员录入。"
            "测评时间：%(period)s。答卷来源渠道：%(channels)s。"
        )
        % {"title": survey.title, "period": _period(survey), "channels": channels}
    )
    doc.para(
        _(
            "作答时间过短、量表题全部选择同一选项、必答题未答的答卷按规则判为无效，"
            "并可经人工复核标记无效；无效答卷均保留原因，不计入满意度。"
        )
    )
    doc.para(figures.rate.explanation)
    doc.heading(_("二、样本情况"))
    invalid = "，".join(f"{label} {n} 份" for _reason, label, n in figures.invalid if n) or "—"
    population = _("总体规模 %(p)s，") % {"p": figures.population} if figures.population else ""
    doc.para(
        _(
            "共收回答卷 %(answers)s 份（其中纸质问卷 %(paper)s 份），有效问卷 %(valid)s 份，"
            "无效 %(bad)s 份（%(invalid)s）。%(population)s按 %(c)s 置信水平、±%(m)s 误差所需样本量为 "
            "%(needed)s 份，%(reached)s。"
        )
        % {
            "answers": figures.answers,
            "paper": figures.paper,
            "valid": figures.valid,
            "bad": figures.answers - figures.valid,
            "invalid": invalid,
            "population": population,
            "needed": figures.sample_needed,
            "c": figures.confidence,
            "m": figures.margin,
            "reached": _("已达到") if figures.reached else _("尚未达到"),
        }
    )
    doc.heading(_("三、满意度"))
    doc.para(_("满意度：%(rate)s。") % {"rate": rate_text(figures.rate, figures.confidence)})
    doc.heading(_("四、各题结果"))
    rows = []
    for n, q in enumerate(figures.questions, start=1):
        if q.options:
            for option in q.options:
                rows.append(
                    [f"{n}. {q.question.text}", option.label, option.count, percent(option.share)]
                )
        elif q.number:
            stats = _("平均 %(mean)s，最小 %(min)s，最大 %(max)s") % q.number
            rows.append([f"{n}. {q.question.text}", stats, q.number["n"], ""])
        elif q.question.kind == QuestionKind.TEXT:
            rows.append([f"{n}. {q.question.text}", _("文字意见"), len(q.texts), ""])
    doc.table([_("题目"), _("选项"), _("人数"), _("占比")], rows)
    for heading, parts in (
        (_("五、按受访者类别"), figures.by_group),
        (_("六、按答卷渠道"), figures.by_channel),
    ):
        doc.heading(heading)
        doc.table(
            [_("类别"), _("答卷"), _("有效"), _("满意度")],
            [
                [p.label, p.answers, p.valid, percent(p.rate.value if p.rate else None)]
                for p in parts
            ],
        )
    return doc.to_bytes()


# --- jixiao export surveys -------------------------------------------------------------------


def survey_rows(*, user, region, year):
    """The surveys of the work year the reader sees."""
    return (
        Survey.objects.visible_to(user)
        .in_work(region, year)
        .select_related("unit", "region")
        .order_by("pk")
    )


def survey_data(figures: Figures) -> dict:
    survey = figures.survey
    return {
        "id": survey.pk,
        "title": survey.title,
        "unit": survey.unit.code,
        "subject_kind": survey.subject_kind,
        "status": survey.status,
        "public_url": survey.public_url,
        "responses": figures.answers,
        "valid_responses": figures.valid,
        "satisfaction_rate": decimal_text(figures.rate.value),
        "interval": [decimal_text(figures.rate.low), decimal_text(figures.rate.high)],
        "sample_needed": figures.sample_needed,
        "groups": [
            {
                "group": p.label,
                "responses": p.answers,
                "valid_responses": p.valid,
                "satisfaction_rate": decimal_text(p.rate.value if p.rate else None),
            }
            for p in figures.by_group
        ],
    }


@register_exporter("surveys", rows=survey_rows)
def export_surveys(reader, region, year, fmt: str) -> bytes:
    """`jixiao export surveys --region R --year Y --format xlsx|json -o FILE`."""
    all_figures = [survey_figures(s) for s in survey_rows(user=reader, region=region, year=year)]
    if fmt == "json":
        return json_bytes([survey_data(f) for f in all_figures])
    statuses = dict(SurveyStatus.choices)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("公众测评")
    write_sheet(
        ws,
        [
            _("问卷"),
            _("单位"),
            _("状态"),
            _("答卷"),
            _("有效问卷"),
            _("满意度"),
            _("置信区间"),
            _("所需样本量"),
            _("是否达到"),
        ],
        (
            [
                f.survey.title,
                f.survey.unit.name,
                str(statuses.get(f.survey.status, f.survey.status)),
                f.answers,
                f.valid,
                percent(f.rate.value),
                f"{percent(f.rate.low)}–{percent(f.rate.high)}" if f.rate.value is not None else "",
                f.sample_needed,
                _("是") if f.reached else _("否"),
            ]
            for f in all_figures
        ),
        title=_("%(region)s %(year)s 年度公众测评") % {"region": region.name, "year": year},
        widths=[36, 24, 10, 8, 10, 10, 18, 12, 10],
    )
    return workbook_bytes(book)
