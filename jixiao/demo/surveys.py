"""Demo public surveys (公众测评, DOMAIN.md §6.4).

- Work year 2021 (complete): each of the 2021 key evaluations whose evaluated unit serves the
  public directly (its sector in `PUBLIC_SECTORS`: in the demo the sanitation office's sweeper
  trucks, the emergency bureau's fire station and 扬子洲镇's green corridor; the development,
  commerce, court and forestry projects serve firms, petitioners or livestock, not residents at
  large) has a closed survey from its sector's question set (`question_sets.kind_for`), built
  by `agency`, opened and closed in the fieldwork (between the site visits and the draft
  report), with a few hundred answers: online through two or three tagged channels, and paper
  questionnaires entered by the agency (`paper.paper_save`). Some are invalid for each reason:
  too fast, straight-lining, a required question empty (judged by `validity.validity`, as the
  public page and the paper entry judge them), and one or two marked by hand with a note
  (`services.response_mark_invalid`). Satisfaction lands between 80% and 95%. The online
  answers are stored in bulk (`store_online`: a thousand in about a second, where
  `answering.submit` takes some 12 ms each); the 2022 ones go through `answering.submit`.
- Work year 2022 (live, relative to the build day): one open survey about the `unit` persona's
  key evaluation in the fieldwork, closing 30 days after the build day, with no one-time code
  and about a dozen answers; `jixiao demo` prints its public URL beside the logins
  (`live_survey_url`).

Everything goes through the surveys' services with the agency as actor. The 2021 surveys are
part of the key-evaluation walk (`key_evaluations.build_2021` calls `fieldwork_survey` for each
evaluation between its site visits and its draft report, while it stands in the fieldwork), so
closing gives the rate to the evaluation's satisfaction slot (`subjects.key_rate`) and the
reports generated afterwards read it there; only the survey's times are put back into its
fieldwork (the services stamp the build day), as the key-evaluation demo does with its dates.

Each part draws from its own seeded random generator, so the data are the same on every build
of the same day (the survey tokens, which open public pages, are random like any survey's).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from jixiao.core.ratelimit import address_hash
from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus
from jixiao.surveys import answering, formulas, paper, question_sets, services, validity
from jixiao.surveys.models import Answer, QuestionKind, Response, Survey, SurveyStatus

from . import district as d

#: Unit sectors whose projects serve residents directly (schools, clinics, streets, relief).
PUBLIC_SECTORS = frozenset(
    {"education", "health", "urban", "civil", "social", "culture", "safety", "street"}
)
CHANNELS = [("社区海报二维码", "poster"), ("短信链接", "sms"), ("微信群", "wechat")]
#: Days after the evaluation's notification: the survey runs between the site visits (24, 31)
#: and the draft report (55).
OPEN_DAY, CLOSE_DAY = 26, 48
SUGGESTIONS = [
    "希望继续加大投入，扩大覆盖范围。",
    "建议加强宣传，让更多居民了解政策。",
    "后续管护要跟上，不要一阵风。",
    "办事流程还可以再简化一些。",
    "总体不错，希望长期坚持。",
    "建议定期公开项目进展和资金使用情况。",
    "个别工作人员服务态度有待改进。",
]
MANUAL_NOTES = [
    "同一网格员在 5 分钟内代填多份，经电话回访核实非受访者本人作答。",
    "受访者为外地来昌游客，不属于本项目服务对象，不计入统计。",
]


def sector_of(unit_code: str) -> str:
    """A unit's sector; a level-2 unit has its parent's (`district.UNITS`)."""
    for code, _name, sector, _office, children in d.UNITS:
        if code == unit_code or any(child == unit_code for child, _n in children):
            return sector
    return ""


def serves_public(evaluation: KeyEvaluation) -> bool:
    return sector_of(evaluation.unit.code) in PUBLIC_SECTORS


def labels_of(survey: Survey) -> list[str]:
    """The five levels of the survey's scale (the rulebook's), 很满意 first."""
    return formulas.scale_labels(services.survey_rules(survey.region, survey.year))


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


# --------------------------------------------------------------------------- answers


@dataclass
class Mood:
    """How one survey's respondents answer: the share satisfied (很满意 or 满意) they tend to."""

    target: float
    labels: list[str]

    def level(self, rng: random.Random) -> str:
        t = self.target
        cuts = [t * 0.55, t, t + (1 - t) * 0.65, t + (1 - t) * 0.9]
        draw = rng.random()
        return self.labels[next((n for n, cut in enumerate(cuts) if draw < cut), 4)]


def answers_for(rng: random.Random, questions, mood: Mood, kind: str) -> dict[int, object]:
    """One respondent's answers by question id (labels, a Decimal or a text) for `kind`: "ok",
    "straight" (every scale question the same level), "required" (the respondent group left
    empty) or "too_fast" (answered like "ok"; its time makes it invalid)."""
    answers: dict[int, object] = {}
    scales = [q for q in questions if q.kind == QuestionKind.SCALE]
    same = mood.labels[rng.choice([0, 0, 0, 1, 2])]
    for question in questions:
        options = list(question.options) or mood.labels
        if question.kind == QuestionKind.GROUP:
            if kind != "required":
                weights = [6, 4, 3, 2, 1, 1][: len(options)] + [1] * (len(options) - 6)
                answers[question.pk] = [rng.choices(options, weights=weights)[0]]
        elif question.kind == QuestionKind.SINGLE:
            answers[question.pk] = [rng.choice(options)]
        elif question.kind == QuestionKind.SCALE:
            answers[question.pk] = [same if kind == "straight" else mood.level(rng)]
        elif question.kind == QuestionKind.MULTIPLE and rng.random() < 0.7:
            answers[question.pk] = sorted(
                rng.sample(options[:-1], rng.randrange(1, 4)), key=options.index
            )
        elif question.kind == QuestionKind.NUMBER and rng.random() < 0.6:
            answers[question.pk] = Decimal(rng.randrange(1, 13))
        elif question.kind == QuestionKind.TEXT and rng.random() < 0.2:
            answers[question.pk] = rng.choice(SUGGESTIONS)
    chosen = [answers[q.pk][0] for q in scales]
    if kind != "straight" and len(scales) > 1 and len(set(chosen)) == 1:
        # An honest respondent who happened to answer every scale alike gives one a level
        # next to it (很满意 ↔ 满意 keeps the rate).
        level = mood.labels.index(chosen[0])
        answers[rng.choice(scales).pk] = [mood.labels[1 if level == 0 else level - 1]]
    return answers


def form_data(answers: dict[int, object]) -> dict[str, object]:
    """The posted form of answers (`answering.submit` reads fields `q<question id>`)."""
    return {
        f"q{pk}": value if isinstance(value, list) else str(value) for pk, value in answers.items()
    }


@dataclass
class Visit:
    """One online respondent: answers, cookie token, address, channel and times."""

    answers: dict[int, object]
    token: str
    address: str
    channel: str
    started_at: dt.datetime
    submitted_at: dt.datetime

    @property
    def seconds(self) -> int:
        return int((self.submitted_at - self.started_at).total_seconds())


def visits(survey, rng, mood, kinds, channels, start, end) -> list[Visit]:
    """Online respondents through the survey's channels, one per kind, at times between start
    and end (the page served `seconds` before: under the rulebook's minimum for "too_fast")."""
    questions = list(survey.questions.all())
    span = (end - start).total_seconds()
    times = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _k in kinds)
    rows = []
    for number, (kind, when) in enumerate(zip(kinds, times, strict=True)):
        seconds = rng.randrange(6, 26) if kind == "too_fast" else rng.randrange(70, 600)
        rows.append(
            Visit(
                answers_for(rng, questions, mood, kind),
                f"demo-{survey.pk}-{rng.getrandbits(64):016x}",
                f"10.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}.{number % 250 + 1}",
                rng.choice(channels),
                when - dt.timedelta(seconds=seconds),
                when,
            )
        )
    return rows


def submit_online(survey: Survey, rows: list[Visit]) -> list[Response]:
    """Each answer as the public page stores it (`answering.submit`)."""
    return [
        answering.submit(
            survey,
            form_data(row.answers),
            respondent=row.token,
            address=row.address,
            channel=row.channel,
            code=None,
            started_at=row.started_at,
            now=row.submitted_at,
        )
        for row in rows
    ]


def store_online(survey: Survey, rows: list[Visit]) -> list[Response]:
    """The same answers stored in bulk, for hundreds at once: `submit` reads the rulebook and
    the questions for every answer (about 12 ms each). The stored rows are those `submit` would
    write: the respondent's token and the address hashed the same way, and the validity judged
    by the same function on the same facts."""
    rules = services.survey_rules(survey.region, survey.year)
    questions = list(survey.questions.all())
    by_id = {q.pk: q for q in questions}
    groups = [q.pk for q in questions if q.kind == QuestionKind.GROUP]
    tagged = {channel.tag: channel for channel in survey.channels.all()}
    responses = []
    for row in rows:
        judged = validity.validity(
            validity.response_facts(questions, row.answers, row.seconds), rules
        )
        group = next((row.answers[pk][0] for pk in groups if row.answers.get(pk)), "")
        responses.append(
            Response(
                survey=survey,
                respondent=answering.respondent_hash(row.token),
                address_hash=address_hash(row.address),
                channel=tagged.get(row.channel),
                group=str(group)[:50],
                started_at=row.started_at,
                submitted_at=row.submitted_at,
                seconds=row.seconds,
                valid=judged.valid,
                invalid_reason=judged.reason,
            )
        )
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        answer_row(response, by_id[pk], value)
        for response, row in zip(responses, rows, strict=True)
        for pk, value in row.answers.items()
    )
    return responses


def answer_row(response: Response, question, value) -> Answer:
    if isinstance(value, Decimal):
        return Answer(response=response, question=question, number=value)
    if isinstance(value, str):
        return Answer(response=response, question=question, text=value)
    return Answer(response=response, question=question, choices=list(value))


def kinds_of(rng: random.Random, total: int, **invalid: int) -> list[str]:
    kinds = [kind for kind, count in invalid.items() for _n in range(count)]
    kinds += ["ok"] * (total - len(kinds))
    rng.shuffle(kinds)
    return kinds


# --------------------------------------------------------------------------- 2021


def _built(actor, evaluation: KeyEvaluation, rng: random.Random) -> tuple[Survey, list[str]]:
    """A draft survey about the evaluation from its sector's question set, with its facts and
    two or three channels, opened."""
    kind = question_sets.kind_for(sector_of(evaluation.unit.code))
    survey = services.survey_create(actor=actor, subject=evaluation, kind=kind)
    population = rng.randrange(8, 60) * 1000
    services.survey_update(
        actor=actor, survey=survey, values={"population": population, "target_sample": 380}
    )
    channels = CHANNELS[: rng.choice([2, 3])]
    for name, tag in channels:
        services.channel_add(actor=actor, survey=survey, name=name, tag=tag)
    survey = services.survey_open(actor=actor, survey=survey)
    return survey, [tag for _name, tag in channels]


#: The 2021 surveys' own random generator: the key-evaluation walk makes one and passes it to
#: `fieldwork_survey` for each evaluation in turn.
SEED_2021 = 2021_13


def rng_2021() -> random.Random:
    return random.Random(SEED_2021)


def fieldwork_survey(demo, evaluation: KeyEvaluation, rng: random.Random) -> Survey | None:
    """The survey of a 2021 key evaluation in its fieldwork if its unit serves the public, built,
    answered and closed (module text); None for the others."""
    evaluation = KeyEvaluation.objects.select_related("unit", "region").get(pk=evaluation.pk)
    return survey_2021(demo, evaluation, rng) if serves_public(evaluation) else None


def survey_2021(demo, evaluation: KeyEvaluation, rng: random.Random) -> Survey:
    """One survey of a 2021 key evaluation standing in the fieldwork, closed (module text)."""
    agency = demo.users["agency"]
    survey, channels = _built(agency, evaluation, rng)
    opens = at(evaluation.notified_on + dt.timedelta(days=OPEN_DAY), 8)
    closes = at(evaluation.notified_on + dt.timedelta(days=CLOSE_DAY), 18)
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=opens, closes_at=closes, created_at=opens - dt.timedelta(days=3)
    )
    survey.refresh_from_db()
    mood = Mood(rng.uniform(0.82, 0.92), labels_of(survey))
    online = rng.randrange(240, 380)
    kinds = kinds_of(
        rng,
        online,
        too_fast=rng.randrange(7, 15),
        straight=rng.randrange(4, 9),
        required=rng.randrange(3, 7),
    )
    responses = store_online(survey, visits(survey, rng, mood, kinds, channels, opens, closes))
    paper_kinds = kinds_of(rng, rng.randrange(30, 60), straight=1, required=2)
    questions = list(survey.questions.all())
    span = (closes - opens).total_seconds()
    paper.paper_save(
        actor=agency,
        survey=survey,
        entries=[
            (
                f"{evaluation.year}-{survey.pk:02d}-{number:03d}",
                opens + dt.timedelta(seconds=rng.uniform(span / 3, span)),
                answers_for(rng, questions, mood, kind),
            )
            for number, kind in enumerate(paper_kinds, start=1)
        ],
    )
    valid = [r for r in responses if r.valid]
    for response, note in zip(rng.sample(valid, rng.choice([1, 2])), MANUAL_NOTES, strict=False):
        services.response_mark_invalid(actor=agency, response=response, note=note)
    survey, _written = services.survey_close(actor=agency, survey=survey)
    Survey.objects.filter(pk=survey.pk).update(closed_at=closes)
    survey.closed_at = closes
    return survey


# --------------------------------------------------------------------------- 2022


LIVE_ANSWERS = 12


def build_live(demo) -> Survey | None:
    """The `unit` persona's key evaluation in the fieldwork: its survey open a week, closing
    30 days after the build day, with a dozen answers so far."""
    rng = random.Random(2022_13)
    evaluation = (
        KeyEvaluation.objects.filter(
            region=demo.region,
            year=d.LIVE_YEAR,
            unit=demo.units[d.PERSONA_UNIT],
            status=KeyStatus.FIELDWORK,
        )
        .select_related("unit", "region")
        .first()
    )
    if evaluation is None:
        return None
    agency, now = demo.users["agency"], timezone.now()
    kind = question_sets.kind_for(sector_of(evaluation.unit.code))
    survey = services.survey_create(actor=agency, subject=evaluation, kind=kind)
    opens = at(timezone.localdate() - dt.timedelta(days=7), 8)
    services.survey_update(
        actor=agency,
        survey=survey,
        values={
            "opens_at": opens,
            "closes_at": at(timezone.localdate() + dt.timedelta(days=30), 18),
            "population": 12600,
            "target_sample": 373,
            "needs_code": False,
        },
    )
    tags = []
    for name, tag in CHANNELS[::2]:
        tags.append(services.channel_add(actor=agency, survey=survey, name=name, tag=tag).tag)
    survey = services.survey_open(actor=agency, survey=survey)
    kinds = kinds_of(rng, LIVE_ANSWERS, too_fast=1)
    mood = Mood(0.88, labels_of(survey))
    submit_online(
        survey, visits(survey, rng, mood, kinds, tags, opens, now - dt.timedelta(hours=1))
    )
    return survey


def live_survey_url(region_code: str = d.DISTRICT[0]) -> str | None:
    """The public URL of the district's live survey while it takes answers, else None."""
    survey = (
        Survey.objects.filter(
            region__code=region_code,
            year=d.LIVE_YEAR,
            status=SurveyStatus.OPEN,
            needs_code=False,
            closes_at__gt=timezone.now(),
        )
        .order_by("pk")
        .first()
    )
    return survey.public_url if survey else None


def build_surveys(demo) -> None:
    """The live year's survey (2021's are built in the key-evaluation walk: `fieldwork_survey`)."""
    build_live(demo)
