"""The unit assessment's score (部门预算绩效管理工作考核, DOMAIN.md §8.3): pure rules.

A first-level unit's year is judged from its own records and those of its level-2 units
(`UnitFacts`, gathered by `assessment_service`) in six parts whose weights are the rulebook's
("unit_assessment" section). Each part's points are a Decimal with two places (the section's
`places`), within 0..its weight, and come with an explanation in Chinese that gives the counts
and the arithmetic, and with the records it was computed from (each marked as counting for or
against the unit), so that every point is traceable.

The parts (W is the part's weight):

- target quality (目标质量): over the unit's declarations (submitted or beyond, the version in
  force), the grade factor is the mean worth of the reviewers' overall grades
  (`target_quality.grades`, 优 1.00 … 差 0.30; 1.00 when none is graded yet), less
  `per_finding` × lint findings per declaration, less `per_return` × returns per declaration:
  points = W × max(0, factor − per_finding × findings/n − per_return × returns/n).
- timeliness (报送及时性): points = W × on time ÷ due, over every submission with a deadline that
  has come (declarations, monitoring reports, rectification plans and completion reports). One
  not in by its deadline counts as late.
- monitoring (预警处置): points = W × disposed in time ÷ judged, over the unit's alerts whose
  disposal deadline has come or which were disposed. An alert still inside its deadline is not
  judged yet.
- self-evaluation quality (自评质量): per self-evaluation, the gap between the unit's self-score
  and the score that stands (the reviewer's, else the rules'), and between a spot check's score
  and that score; each point of a gap beyond `selfeval_gap.tolerance` costs `per_point` of the
  part: points = W × max(0, 1 − per_point × (excess points ÷ n)).
- rectification (整改落实): points = W × closed on time ÷ judged, where judged are the
  rectifications closed and those overdue; one still inside its deadline is not judged yet.
- results (评价结果): points = W × the mean worth (`results_grades`) of the grades of the unit's
  self-evaluations (the grade that stands), whole-unit evaluation and key evaluations.

Decided here: a part with nothing to judge (no declaration, no deadline come, no alert…) gets
its full weight and says so: the unit is not marked down for what it was not asked to do, and a
unit with no alerts is not worse than one whose alerts were all disposed in time.

The score is the sum of the rounded parts. `rank` orders the units by score, highest first;
equal scores share a rank and the next one skips (1, 2, 2, 4), as competition rankings do; within
a rank the units are listed by their key (the unit code), which does not change the rank.

Messages carry codes and parameters (`jixiao.core.rule_messages`); this module adds its own
templates to the shared table when it is imported.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from jixiao.core.rule_messages import MESSAGES, Join, Message, gettext_noop, message_data

#: The templates of this module's explanations (added to the shared table once).
ASSESSMENT_MESSAGES = {
    "assessment.part.target_quality": gettext_noop("目标质量"),
    "assessment.part.timeliness": gettext_noop("报送及时性"),
    "assessment.part.monitoring": gettext_noop("预警处置"),
    "assessment.part.selfeval_quality": gettext_noop("自评质量"),
    "assessment.part.rectification": gettext_noop("整改落实"),
    "assessment.part.results": gettext_noop("评价结果"),
    "assessment.nothing": gettext_noop("%(what)s：无可评判的记录，按满分%(weight)s分计"),
    "assessment.target_quality": gettext_noop(
        "绩效目标%(n)s个，已评级%(graded)s个，等级系数%(factor)s；质量检查问题%(findings)s个，"
        "退回%(returns)s次；得分 = %(weight)s × max(0, %(factor)s − %(per_finding)s × "
        "%(findings)s/%(n)s − %(per_return)s × %(returns)s/%(n)s) = %(points)s"),
    "assessment.timeliness": gettext_noop(
        "应报送%(due)s项（目标申报%(targets)s、监控报告%(reports)s、整改方案和报告%(rect)s），"
        "按时%(on_time)s项，逾期或未报%(late)s项；得分 = %(weight)s × %(on_time)s/%(due)s = "
        "%(points)s"),
    "assessment.monitoring": gettext_noop(
        "应处置预警%(judged)s个，按期处置%(in_time)s个，逾期或未处置%(late)s个；"
        "得分 = %(weight)s × %(in_time)s/%(judged)s = %(points)s"),
    "assessment.selfeval_quality": gettext_noop(
        "自评%(n)s个，自评分与审核得分相差超过%(tolerance)s分的%(gaps)s个，抽查复核相差超过"
        "%(tolerance)s分的%(spots)s个，超出合计%(excess)s分；得分 = %(weight)s × max(0, 1 − "
        "%(per_point)s × %(excess)s/%(n)s) = %(points)s"),
    "assessment.rectification": gettext_noop(
        "应完成整改%(judged)s项，按期销号%(on_time)s项，逾期%(late)s项；"
        "得分 = %(weight)s × %(on_time)s/%(judged)s = %(points)s"),
    "assessment.results": gettext_noop(
        "评价结果%(n)s个（%(grades)s），平均系数%(factor)s；得分 = %(weight)s × %(factor)s = "
        "%(points)s"),
    "assessment.grade_count": gettext_noop("%(grade)s %(n)s个"),
}  # fmt: skip
MESSAGES.update(ASSESSMENT_MESSAGES)

#: The parts in order, by their rulebook key.
PARTS = (
    "target_quality",
    "timeliness",
    "monitoring",
    "selfeval_quality",
    "rectification",
    "results",
)
GRADES = ("优", "良", "中", "差")
ZERO = Decimal(0)
ONE = Decimal(1)


# ── facts ────────────────────────────────────────────────────────────────────────────────


class Ref(NamedTuple):
    """A record a point comes from: its model label (`targets.Target`), id, and page (a tuple:
    a province holds a few hundred thousand of them)."""

    model: str
    id: int
    url: str = ""


@dataclass(frozen=True)
class TargetFact:
    ref: Ref
    findings: int = 0
    returns: int = 0
    grade: str = ""  # the reviewers' overall grade, "" when not graded yet


@dataclass(frozen=True)
class Submission:
    """Something the unit had to hand in by `deadline` (`kind`: target, report, rectification)."""

    ref: Ref
    kind: str
    on_time: bool


@dataclass(frozen=True)
class AlertFact:
    ref: Ref
    disposed_in_time: bool


@dataclass(frozen=True)
class SelfEvalFact:
    ref: Ref
    self_score: Decimal | None
    score: Decimal | None  # the score that stands: the reviewer's, else the rules'
    spot_check: Decimal | None = None


@dataclass(frozen=True)
class RectificationFact:
    ref: Ref
    closed_on_time: bool


@dataclass(frozen=True)
class GradeFact:
    ref: Ref
    grade: str


@dataclass
class UnitFacts:
    """A first-level unit's judged records of the year (its own and its level-2 units')."""

    unit: Hashable
    targets: list[TargetFact] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    alerts: list[AlertFact] = field(default_factory=list)
    selfevals: list[SelfEvalFact] = field(default_factory=list)
    rectifications: list[RectificationFact] = field(default_factory=list)
    grades: list[GradeFact] = field(default_factory=list)


# ── the result ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    weight: Decimal
    points: Decimal
    explanation: str
    records: tuple = ()  # (Ref, counts for the unit: bool)

    def as_json(self) -> dict:
        """What `UnitAssessment.parts` keeps of the part."""
        return {
            "key": self.key,
            "label": str(self.label),
            "label_i18n": message_data(self.label),
            "weight": f"{self.weight}",
            "points": f"{self.points}",
            "explanation": str(self.explanation),
            "explanation_i18n": message_data(self.explanation),
            "records": [
                {"model": r.model, "id": r.id, "url": r.url, "ok": ok} for r, ok in self.records
            ],
        }


@dataclass(frozen=True)
class Assessment:
    parts: list[Part]
    computed: Decimal


def _d(value) -> Decimal:
    return Decimal(str(value))


def _fmt(value: Decimal) -> str:
    """A figure of the explanation: no exponent, no trailing zeros beyond two places."""
    text = f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text or "0"


class _Part:
    def __init__(self, key: str, weight: Decimal, places: Decimal):
        self.key, self.weight, self.places = key, weight, places
        self.label = Message(f"assessment.part.{key}")

    def points(self, fraction: Decimal) -> Decimal:
        fraction = min(max(fraction, ZERO), ONE)
        return (self.weight * fraction).quantize(self.places, rounding=ROUND_HALF_UP)

    def full(self) -> Part:
        text = Message("assessment.nothing", what=self.label, weight=_fmt(self.weight))
        return Part(self.key, self.label, self.weight, self.points(ONE), text)

    def made(self, fraction: Decimal, code: str, records, **params) -> Part:
        points = self.points(fraction)
        text = Message(code, weight=_fmt(self.weight), points=f"{points}", **params)
        return Part(self.key, self.label, self.weight, points, text, tuple(records))


def _target_quality(p: _Part, facts: UnitFacts, rules: Mapping) -> Part:
    targets = facts.targets
    if not targets:
        return p.full()
    worth = {g: _d(v) for g, v in rules["grades"].items()}
    graded = [worth[t.grade] for t in targets if t.grade in worth]
    factor = sum(graded, ZERO) / len(graded) if graded else ONE
    n = len(targets)
    findings = sum(t.findings for t in targets)
    returns = sum(t.returns for t in targets)
    per_finding, per_return = _d(rules["per_finding"]), _d(rules["per_return"])
    fraction = factor - per_finding * findings / n - per_return * returns / n
    # A target counts for the unit when nothing cost it points: no finding, no return, and no
    # grade or one worth the whole (优 by default).
    records = [
        (t.ref, not t.findings and not t.returns and worth.get(t.grade, ONE) == ONE)
        for t in targets
    ]
    return p.made(
        fraction,
        "assessment.target_quality",
        records,
        n=n,
        graded=len(graded),
        factor=_fmt(factor),
        findings=findings,
        returns=returns,
        per_finding=_fmt(per_finding),
        per_return=_fmt(per_return),
    )


def _share(p: _Part, code: str, records: list, ok_name: str, **counts) -> Part:
    """A part worth W × the share of records that count for the unit."""
    if not records:
        return p.full()
    good = sum(1 for _ref, ok in records if ok)
    return p.made(_d(good) / len(records), code, records, **{ok_name: good}, **counts)


def _timeliness(p: _Part, facts: UnitFacts) -> Part:
    subs = facts.submissions
    records = [(s.ref, s.on_time) for s in subs]
    kinds = {k: sum(1 for s in subs if s.kind == k) for k in ("target", "report", "rectification")}
    late = sum(1 for s in subs if not s.on_time)
    return _share(
        p,
        "assessment.timeliness",
        records,
        "on_time",
        due=len(subs),
        late=late,
        targets=kinds["target"],
        reports=kinds["report"],
        rect=kinds["rectification"],
    )


def _monitoring(p: _Part, facts: UnitFacts) -> Part:
    records = [(a.ref, a.disposed_in_time) for a in facts.alerts]
    late = sum(1 for _r, ok in records if not ok)
    return _share(p, "assessment.monitoring", records, "in_time", judged=len(records), late=late)


def _gap(a: Decimal | None, b: Decimal | None, tolerance: Decimal) -> Decimal:
    if a is None or b is None:
        return ZERO
    return max(abs(a - b) - tolerance, ZERO)


def _selfeval_quality(p: _Part, facts: UnitFacts, rules: Mapping) -> Part:
    evals = facts.selfevals
    if not evals:
        return p.full()
    tolerance, per_point = _d(rules["tolerance"]), _d(rules["per_point"])
    records, excess, gaps, spots = [], ZERO, 0, 0
    for e in evals:
        gap = _gap(e.self_score, e.score, tolerance)
        spot = _gap(e.spot_check, e.score, tolerance)
        gaps += gap > 0
        spots += spot > 0
        excess += gap + spot
        records.append((e.ref, gap == 0 and spot == 0))
    n = len(evals)
    return p.made(
        ONE - per_point * excess / n,
        "assessment.selfeval_quality",
        records,
        n=n,
        tolerance=_fmt(tolerance),
        gaps=gaps,
        spots=spots,
        excess=_fmt(excess),
        per_point=_fmt(per_point),
    )


def _rectification(p: _Part, facts: UnitFacts) -> Part:
    records = [(r.ref, r.closed_on_time) for r in facts.rectifications]
    late = sum(1 for _r, ok in records if not ok)
    return _share(p, "assessment.rectification", records, "on_time", judged=len(records), late=late)


def _results(p: _Part, facts: UnitFacts, worth_table: Mapping, good: Iterable[str]) -> Part:
    worth = {g: _d(v) for g, v in worth_table.items()}
    graded = [g for g in facts.grades if g.grade in worth]
    if not graded:
        return p.full()
    factor = sum((worth[g.grade] for g in graded), ZERO) / len(graded)
    counts = [
        Message("assessment.grade_count", grade=grade, n=n)
        for grade in GRADES
        if (n := sum(1 for g in graded if g.grade == grade))
    ]
    good = frozenset(good)
    records = [(g.ref, g.grade in good) for g in graded]
    return p.made(
        factor,
        "assessment.results",
        records,
        n=len(graded),
        grades=Join(counts),
        factor=_fmt(factor),
    )


def assess(facts: UnitFacts, section: Mapping) -> Assessment:
    """The six parts of one unit's assessment and their sum, by the rulebook `section`."""
    places = _d(section.get("places", "0.01"))
    weights = section["weights"]
    part = {key: _Part(key, _d(weights[key]), places) for key in PARTS}
    parts = [
        _target_quality(part["target_quality"], facts, section["target_quality"]),
        _timeliness(part["timeliness"], facts),
        _monitoring(part["monitoring"], facts),
        _selfeval_quality(part["selfeval_quality"], facts, section["selfeval_gap"]),
        _rectification(part["rectification"], facts),
        _results(part["results"], facts, section["results_grades"], section["good_grades"]),
    ]
    return Assessment(parts=parts, computed=sum((x.points for x in parts), ZERO))


def final_score(computed: Decimal, adjustment: Decimal) -> Decimal:
    """The score: the computed points plus the office's adjustments, held within 0..100."""
    return min(max(computed + adjustment, ZERO), Decimal(100))


def rank(scores: Mapping[Hashable, Decimal]) -> dict[Hashable, int]:
    """Competition ranking: the highest score is 1, equal scores share a rank and the next
    rank skips as many places (100, 90, 90, 80 → 1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], str(kv[0])))
    ranks: dict[Hashable, int] = {}
    previous, current = None, 0
    for place, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            current, previous = place, score
        ranks[key] = current
    return ranks


def on_time(done: date | None, due: date | None, as_of: date) -> bool | None:
    """Whether something due on `due` was done in time: True, False, or None when it is not
    due yet (not done and `due` still ahead of `as_of`) or has no deadline."""
    if due is None:
        return None
    if done is not None:
        return done <= due
    return None if due >= as_of else False
