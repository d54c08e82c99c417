"""A survey's figures, live (DOMAIN.md §6.4): every answer and the valid ones, the invalid ones
by reason, the satisfaction rate by the survey's formula with its 95% interval and how it was
computed, the sample size needed and whether it is reached, the breakdown by respondent group
and by channel, and per question the count of each option, the number statistics or the texts.

Everything is counted in the database, a fixed number of queries whatever the number of
answers: one grouped count of the responses (valid, reason, group, channel, paper), one of the
chosen options (question, group, channel, paper, the chosen labels as stored), one of the
number answers, one list of the texts, and the questions and channels themselves. Only valid
answers count for the rate, the breakdowns' rates and the per-question figures; the counts of
answers include the invalid ones.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min
from django.utils.translation import gettext as _

from jixiao.core.messages import render_message

from . import formulas
from .answering import survey_rules
from .models import Answer, InvalidReason, Question, QuestionKind, Response, Survey

#: Kinds whose answers are chosen labels (counted per option).
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.GROUP)


@dataclass
class Rate:
    """A satisfaction rate (a fraction 0–1) with its 95% interval, over `n` valid responses
    (the interval's n; `answers`: the counting answers pooled, the rate's denominator)."""

    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    n: int = 0
    answers: int = 0
    explanation: str = ""


@dataclass
class Part:
    """One line of a breakdown: a respondent group or a channel."""

    label: str
    answers: int = 0
    valid: int = 0
    rate: Rate | None = None


@dataclass
class OptionCount:
    label: str
    count: int
    share: Decimal | None  # of the valid answers to the question


@dataclass
class QuestionFigures:
    question: Question
    answered: int = 0  # valid answers that answer it
    options: list[OptionCount] = field(default_factory=list)
    number: dict | None = None  # n, mean, min, max
    texts: list[tuple[int, str]] = field(default_factory=list)  # (response id, text)

    @property
    def chart(self) -> dict | None:
        """The data of its chart (choices only): categories and counts."""
        if not self.options:
            return None
        return {
            "title": self.question.text,
            "categories": [o.label for o in self.options],
            "counts": [o.count for o in self.options],
        }


@dataclass
class Figures:
    survey: Survey
    answers: int  # every answer, invalid ones included
    valid: int
    invalid: list[tuple[str, str, int]]  # (reason, label, count), every reason listed
    rate: Rate
    sample_needed: int | None
    population: int | None
    reached: bool
    by_group: list[Part]
    by_channel: list[Part]
    questions: list[QuestionFigures]
    paper: int = 0
    sample_explanation: str = ""
    confidence: str = "95%"  # the rulebook's confidence level and margin, as people read them
    margin: str = "5%"

    @property
    def invalid_total(self) -> int:
        return self.answers - self.valid

    @property
    def charts(self) -> dict:
        """Each question's chart data by question id (for the page's JSON block)."""
        return {str(q.question.pk): q.chart for q in self.questions if q.chart}


def _share(count: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(count) / Decimal(total)).quantize(Decimal("0.0001"))


def rate_of(counts: Counter, responses: int, formula: str, rules: dict) -> Rate:
    """The rate of pooled scale counts (label → counting answers) by `formula`, with its 95%
    interval over `responses` valid responses, and how both were computed (`formulas`)."""
    labels = formulas.scale_labels(rules)
    result = formulas.satisfaction_rate(
        {label: counts.get(label, 0) for label in labels}, formula, rules
    )
    n = responses if result.rate is not None else 0
    sample = rules.get("sample", {})
    interval = formulas.confidence_interval(
        result.rate, n, sample.get("z", "1.96"), rules.get("places", "0.0001")
    )
    explanation = render_message(result.explanation)
    if result.rate is not None:
        explanation = f"{explanation} {render_message(interval.explanation)}"
    return Rate(
        value=result.rate,
        low=interval.low,
        high=interval.high,
        n=n,
        answers=result.valid,
        explanation=explanation,
    )


def sample_needed(survey: Survey, rules: dict) -> formulas.SampleSize:
    """The sample needed for the rulebook's margin and confidence (the population's when known)."""
    sample = rules.get("sample", {})
    return formulas.sample_size_needed(
        survey.population,
        sample.get("margin", "0.05"),
        sample.get("z", "1.96"),
        sample.get("p", "0.5"),
    )


def _channel_label(channel_id, paper: bool, names: dict) -> str:
    if paper:
        return _("纸质问卷")
    if channel_id is None:
        return _("直接链接")
    return names.get(channel_id, "")


def survey_figures(survey: Survey) -> Figures:
    """The survey's figures now, from the stored answers (see the module's docstring)."""
    rules = survey_rules(survey)
    questions = list(survey.questions.all())
    kinds = {q.pk: q.kind for q in questions}
    counting = {q.pk for q in questions if q.counts}
    names = dict(survey.channels.values_list("pk", "name"))

    # 1. responses: totals, reasons, groups, channels
    answers = valid = paper = 0
    reasons: Counter = Counter()
    groups: dict[str, Part] = {}
    channels: dict[str, Part] = {}
    rows = (
        Response.objects.filter(survey=survey)
        .values("valid", "invalid_reason", "group", "channel_id", "paper")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        n = row["n"]
        answers += n
        paper += n if row["paper"] else 0
        channel = _channel_label(row["channel_id"], row["paper"], names)
        group = groups.setdefault(row["group"], Part(row["group"] or _("未填类别")))
        chan = channels.setdefault(channel, Part(channel))
        for part in (group, chan):
            part.answers += n
        if row["valid"]:
            valid += n
            group.valid += n
            chan.valid += n
        else:
            reasons[row["invalid_reason"] or InvalidReason.MANUAL] += n

    # 2. chosen options of valid answers: per question, and the counting ones by group/channel
    options: dict[int, Counter] = defaultdict(Counter)
    answered: Counter = Counter()
    pooled: Counter = Counter()
    by_group: dict[str, Counter] = defaultdict(Counter)
    by_channel: dict[str, Counter] = defaultdict(Counter)
    chosen = (
        Answer.objects.filter(
            response__survey=survey,
            response__valid=True,
            question__kind__in=CHOICE_KINDS,
        )
        .values(
            "question_id", "choices", "response__group", "response__channel_id", "response__paper"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in chosen:
        labels = row["choices"] or []
        if isinstance(labels, str):
            labels = [labels]
        if not labels:
            continue
        n, qid = row["n"], row["question_id"]
        answered[qid] += n
        for label in labels:
            options[qid][str(label)] += n
        if qid in counting:
            channel = _channel_label(row["response__channel_id"], row["response__paper"], names)
            for label in labels:
                pooled[label] += n
                by_group[row["response__group"]][label] += n
                by_channel[channel][label] += n

    # 3. numbers
    numbers = {
        row["question_id"]: row
        for row in Answer.objects.filter(
            response__survey=survey, response__valid=True, number__isnull=False
        )
        .values("question_id")
        .annotate(n=Count("pk"), mean=Avg("number"), low=Min("number"), high=Max("number"))
        .order_by()
    }
    # 4. texts
    texts: dict[int, list] = defaultdict(list)
    for qid, response_id, text in (
        Answer.objects.filter(
            response__survey=survey, response__valid=True, question__kind=QuestionKind.TEXT
        )
        .exclude(text="")
        .order_by("response__submitted_at", "pk")
        .values_list("question_id", "response_id", "text")
    ):
        texts[qid].append((response_id, text))

    per_question = []
    for question in questions:
        figures = QuestionFigures(question=question, answered=answered.get(question.pk, 0))
        if kinds[question.pk] in CHOICE_KINDS:
            listed = list(question.options) or (
                formulas.scale_labels(rules) if question.kind == QuestionKind.SCALE else []
            )
            counted = options.get(question.pk, Counter())
            labels = listed + sorted(label for label in counted if label not in listed)
            total = figures.answered
            figures.options = [
                OptionCount(label, counted.get(label, 0), _share(counted.get(label, 0), total))
                for label in labels
            ]
        elif question.kind == QuestionKind.NUMBER:
            row = numbers.get(question.pk)
            figures.answered = row["n"] if row else 0
            figures.number = _number_stats(row)
        elif question.kind == QuestionKind.TEXT:
            figures.texts = texts.get(question.pk, [])
            figures.answered = len(figures.texts)
        per_question.append(figures)

    formula = survey.formula
    for key, part in groups.items():
        part.rate = rate_of(by_group.get(key, Counter()), part.valid, formula, rules)
    for key, part in channels.items():
        part.rate = rate_of(by_channel.get(key, Counter()), part.valid, formula, rules)
    sample = sample_needed(survey, rules)
    return Figures(
        survey=survey,
        answers=answers,
        valid=valid,
        invalid=[(r, str(label), reasons.get(r, 0)) for r, label in InvalidReason.choices],
        rate=rate_of(pooled, valid, formula, rules),
        sample_needed=sample.needed,
        sample_explanation=render_message(sample.explanation),
        confidence=_percent_text(rules.get("sample", {}).get("confidence", "0.95")),
        margin=_percent_text(rules.get("sample", {}).get("margin", "0.05")),
        population=survey.population,
        reached=valid >= sample.needed,
        by_group=sorted(groups.values(), key=lambda p: (-p.answers, p.label)),
        by_channel=sorted(channels.values(), key=lambda p: (-p.answers, p.label)),
        questions=per_question,
        paper=paper,
    )


def _percent_text(fraction) -> str:
    """0.95 → "95%", 0.025 → "2.5%"."""
    value = (Decimal(str(fraction)) * 100).normalize()
    return f"{value:f}%"


def _number_stats(row: dict | None) -> dict | None:
    if not row:
        return None
    mean = Decimal(str(row["mean"])).quantize(Decimal("0.01")) if row["mean"] is not None else None
    return {"n": row["n"], "mean": mean, "min": row["low"], "max": row["high"]}


# ── the figures of a list of surveys ─────────────────────────────────────────────────────────
@dataclass(frozen=True)
class ListFigures:
    """What a list row shows of a survey: every answer (invalid ones included), the valid ones,
    the satisfaction rate by the survey's formula (None without a valid counting answer) and
    the sample needed — the values `survey_figures` gives."""

    answers: int
    valid: int
    rate: Decimal | None
    sample_needed: int

    @classmethod
    def of(cls, figures: Figures) -> ListFigures:
        """The list row's part of a survey's full figures."""
        return cls(figures.answers, figures.valid, figures.rate.value, figures.sample_needed)


def list_figures(surveys) -> dict[int, ListFigures]:
    """The list figures of `surveys` (a page of them) by survey id, in a fixed number of
    queries whatever the number of surveys or answers: one grouped count of the responses by
    survey and validity, one of the valid answers to the counting questions by survey and the
    chosen labels (the same pool as `survey_figures`), and the rulebook of each region and year
    among them (`survey_rules`, read once per pair); the rate is then `formulas.
    satisfaction_rate` of each survey's pool. Their `region` is read: select it with them."""
    surveys = list(surveys)
    ids = [s.pk for s in surveys]
    if not ids:
        return {}
    answers: Counter = Counter()
    valid: Counter = Counter()
    for row in (
        Response.objects.filter(survey_id__in=ids)
        .values("survey_id", "valid")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        answers[row["survey_id"]] += row["n"]
        if row["valid"]:
            valid[row["survey_id"]] += row["n"]
    pooled: dict[int, Counter] = defaultdict(Counter)
    for row in (
        Answer.objects.filter(
            response__survey_id__in=ids,
            response__valid=True,
            question__counts=True,
            question__kind__in=CHOICE_KINDS,
        )
        .values("response__survey_id", "choices")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        labels = row["choices"] or []
        for label in [labels] if isinstance(labels, str) else labels:
            pooled[row["response__survey_id"]][label] += row["n"]
    rulebooks: dict[tuple[int, int], dict] = {}
    found = {}
    for survey in surveys:
        rules = rulebooks.get((survey.region_id, survey.year))
        if rules is None:
            rules = rulebooks[survey.region_id, survey.year] = survey_rules(survey)
        counts = pooled.get(survey.pk, Counter())
        scale = {label: counts.get(label, 0) for label in formulas.scale_labels(rules)}
        found[survey.pk] = ListFigures(
            answers=answers[survey.pk],
            valid=valid[survey.pk],
            rate=formulas.satisfaction_rate(scale, survey.formula, rules).rate,
            sample_needed=sample_needed(survey, rules).needed,
        )
    return found


class WithListFigures:
    """Surveys for a paginator (Django's `Paginator` or the API's `paginate`): counted like the
    queryset, and a slice of them is a list of surveys that carry their `figures`
    (`list_figures` of that slice, so a page's figures take a fixed number of queries)."""

    def __init__(self, rows):
        self.rows = rows

    @property
    def ordered(self) -> bool:
        return self.rows.ordered

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part):
        if not isinstance(part, slice):
            return self[part : part + 1][0]
        surveys = list(self.rows[part])
        figures = list_figures(surveys)
        for survey in surveys:
            survey.figures = figures[survey.pk]
        return surveys
