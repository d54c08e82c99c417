"""The unit assessment's data and writes (部门预算绩效管理工作考核, DOMAIN.md §8.3).

`assessments_compute(region=, year=)` gathers each first-level unit's records of the work year
(as the statistics count a work year Y: the declarations and the monitoring of Y, the
evaluations done in Y of the projects of Y−1, the key evaluations of Y, the rectifications
issued in Y) into `assessment.UnitFacts`, scores them with the pure `assessment.assess`, and
writes one `UnitAssessment` a unit, its parts traced to their records. The records are read in
a fixed number of aggregate queries, whatever the number of units (a province has 7,000): one
for the unit structure, one a kind of record, a few for the rectifications' two definitions,
then one bulk write a 500 rows. A level-2 unit's records count for its first-level unit, as the
structure stood in Y (in Y−1 for one that no longer exists in Y).

Deadlines count as of 31 December of Y for a closed year and as of today for the live one.
Self-evaluations and whole-unit evaluations carry no deadline in the data, so timeliness reads
the declarations (their first version), the monitoring reports of Y's rounds and the
rectifications' plans and completion reports. Returns of a declaration are the transition log's
steps into "returned", on any of its versions.

The queries of the statistics (`reports.selectors.WorkYear`) cannot be reused here: `reports`
is a later stage. The minimal ones are written below, with the same definitions (the counted
statuses of each app, alerts not cleared, the key evaluations of the bureau archived, and the
rectifications' `overdue` and `closed_on_time` from their queryset).

`assessment_adjust` adds the performance office's documented adjustment, then re-ranks.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit
from jixiao.core.bulkupdate import update_many
from jixiao.core.deadlines import is_late
from jixiao.core.models import TransitionLog
from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus
from jixiao.evaluations.models import COUNTED as EVALUATION_COUNTED
from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
from jixiao.monitoring.models import COUNTED as REPORT_COUNTED
from jixiao.monitoring.models import Alert, Report
from jixiao.orgs.models import Region, Role, UnitYear
from jixiao.targets.models import COUNTED as TARGET_COUNTED
from jixiao.targets.models import Target, TargetStatus

from . import assessment as rules_module
from .assessment import (
    AlertFact,
    GradeFact,
    RectificationFact,
    Ref,
    SelfEvalFact,
    Submission,
    TargetFact,
    UnitFacts,
)
from .models import AssessmentAdjustment, Rectification, UnitAssessment

BATCH = 500


def as_of_day(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day deadlines are judged on: 31 December for a closed year, today for the live."""
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31))


class _Urls:
    """Root-relative page addresses by model label, reversed once (no page: "")."""

    NAMES = {
        "targets.Target": "target-detail",
        "monitoring.Report": "report-detail",
        "monitoring.Alert": "alert-detail",
        "evaluations.SelfEvaluation": "selfeval-detail",
        "evaluations.KeyEvaluation": "key-detail",
        "results.Rectification": "rectification-detail",
    }
    SENTINEL = 987654321

    def __init__(self):
        self.patterns: dict[str, tuple[str, str] | None] = {}
        for label, name in self.NAMES.items():
            try:
                before, _s, after = reverse(name, args=[self.SENTINEL]).partition(
                    str(self.SENTINEL)
                )
                self.patterns[label] = (before, after)
            except NoReverseMatch:
                self.patterns[label] = None

    def ref(self, label: str, pk: int) -> Ref:
        pattern = self.patterns.get(label)
        return Ref(label, pk, f"{pattern[0]}{pk}{pattern[1]}" if pattern else "")


class _Gather:
    """The first-level units of a region's year and their records, in aggregate queries."""

    def __init__(self, region: Region, year: int, as_of: datetime.date):
        self.year, self.as_of = year, as_of
        self.regions = Region.objects.filter(path__startswith=region.path).values("id")
        self.urls = _Urls()
        structure = UnitYear.objects.filter(
            unit__region__in=self.regions, year__in=(year, year - 1)
        ).values_list("unit_id", "year", "level", "parent_id", "unit__region_id")
        self.root: dict[int, int] = {}
        self.unit_region: dict[int, int] = {}
        for unit_id, row_year, level, parent_id, region_id in sorted(
            structure, key=lambda r: r[1] != year
        ):
            self.root.setdefault(unit_id, unit_id if level == 1 else parent_id)
            if row_year == year and level == 1:
                self.unit_region[unit_id] = region_id
        self.facts = {uid: UnitFacts(uid) for uid in self.unit_region}

    def of(self, unit_id: int) -> UnitFacts | None:
        return self.facts.get(self.root.get(unit_id))

    def ref(self, label: str, pk: int) -> Ref:
        return self.urls.ref(label, pk)

    def gather(self) -> dict[int, UnitFacts]:
        self._targets()
        self._reports()
        self._alerts()
        self._evaluations()
        self._rectifications()
        return self.facts

    def _targets(self) -> None:
        targets = Target.objects.filter(region__in=self.regions, year=self.year).order_by("pk")
        returned = dict(
            TransitionLog.objects.filter(
                content_type=ContentType.objects.get_for_model(Target),
                target=TargetStatus.RETURNED,
                object_id__in=targets.values("pk"),
            )
            .order_by()
            .values_list("object_id")
            .annotate(n=Count("id"))
        )
        # The overall grades read by the database (final review's, else first's): decoding
        # every declaration's whole `grades` JSON in Python costs more than the rest of it.
        rows = targets.values_list(
            "pk",
            "unit_id",
            "project_id",
            "version",
            "status",
            "blocking_count",
            "warning_count",
            Coalesce(
                NullIf(KT("grades__final__overall"), Value("")),
                KT("grades__first__overall"),
                Value(""),
                output_field=TextField(),
            ),
            "deadline",
            "submitted_at",
        )
        returns_of: dict[tuple, int] = defaultdict(int)
        current = []
        for pk, unit_id, project_id, version, status, blocking, warning, grade, due, sent in rows:
            facts = self.of(unit_id)
            if facts is None:
                continue
            key = (unit_id, project_id)
            returns_of[key] += returned.get(pk, 0)
            if status in TARGET_COUNTED and status != TargetStatus.SUPERSEDED:
                current.append((facts, key, pk, blocking + warning, grade))
            if version == 1 and due is not None:
                ok = (not is_late(sent, due)) if sent else (False if due < self.as_of else None)
                if ok is not None:
                    facts.submissions.append(
                        Submission(self.ref("targets.Target", pk), "target", ok)
                    )
        for facts, key, pk, findings, grade in current:
            facts.targets.append(
                TargetFact(
                    self.ref("targets.Target", pk),
                    findings=findings,
                    returns=returns_of[key],
                    grade=grade or "",
                )
            )

    def _reports(self) -> None:
        rows = (
            Report.objects.filter(region__in=self.regions, year=self.year)
            .order_by("pk")
            .values_list("pk", "unit_id", "status", "submitted_at", "round__deadline")
        )
        for pk, unit_id, status, sent, deadline in rows:
            facts = self.of(unit_id)
            counted = status in REPORT_COUNTED
            if facts is None or (not counted and deadline >= self.as_of):
                continue  # not ours, or still open
            ok = counted and not is_late(sent, deadline)
            facts.submissions.append(Submission(self.ref("monitoring.Report", pk), "report", ok))

    def _alerts(self) -> None:
        rows = (
            Alert.objects.filter(region__in=self.regions, year=self.year)
            .exclude(status=Alert.Status.CLEARED)
            .order_by("pk")
            .values_list("pk", "unit_id", "disposed_at", "due_date")
        )
        for pk, unit_id, disposed_at, due in rows:
            facts = self.of(unit_id)
            if facts is None or (disposed_at is None and due >= self.as_of):
                continue  # still inside its disposal deadline
            ok = disposed_at is not None and not is_late(disposed_at, due)
            facts.alerts.append(AlertFact(self.ref("monitoring.Alert", pk), ok))

    def _evaluations(self) -> None:
        selfevals = (
            SelfEvaluation.objects.filter(
                region__in=self.regions, year=self.year - 1, status__in=EVALUATION_COUNTED
            )
            .order_by("pk")
            .values_list(
                "pk",
                "unit_id",
                "self_total",
                "total",
                "reviewed_total",
                "spot_check_total",
                "grade",
                "reviewed_grade",
            )
        )
        for pk, unit_id, self_total, total, reviewed, spot, grade, reviewed_grade in selfevals:
            facts = self.of(unit_id)
            if facts is None:
                continue
            ref = self.ref("evaluations.SelfEvaluation", pk)
            score = reviewed if reviewed is not None else total
            facts.selfevals.append(SelfEvalFact(ref, self_total, score, spot))
            facts.grades.append(GradeFact(ref, reviewed_grade or grade))
        unit_evaluations = (
            UnitEvaluation.objects.filter(
                region__in=self.regions, year=self.year - 1, status__in=EVALUATION_COUNTED
            )
            .order_by("pk")
            .values_list("pk", "unit_id", "grade")
        )
        for pk, unit_id, grade in unit_evaluations:
            if facts := self.of(unit_id):
                facts.grades.append(GradeFact(self.ref("evaluations.UnitEvaluation", pk), grade))
        keys = (
            KeyEvaluation.objects.filter(
                region__in=self.regions,
                year=self.year,
                commissioner__isnull=True,
                status=KeyStatus.ARCHIVED,
            )
            .order_by("pk")
            .values_list("pk", "unit_id", "grade")
        )
        for pk, unit_id, grade in keys:
            if facts := self.of(unit_id):
                facts.grades.append(GradeFact(self.ref("evaluations.KeyEvaluation", pk), grade))

    def _rectifications(self) -> None:
        issued = Rectification.objects.filter(
            region__in=self.regions, year=self.year, issued_on__isnull=False
        ).order_by("pk")
        on_time = set(issued.closed_on_time().values_list("pk", flat=True))
        overdue = set(issued.overdue(self.as_of).values_list("pk", flat=True))
        rows = issued.values_list("pk", "unit_id", "plan_due", "planned_on", "due", "reported_on")
        for pk, unit_id, plan_due, planned_on, due, reported_on in rows:
            facts = self.of(unit_id)
            if facts is None:
                continue
            ref = self.ref("results.Rectification", pk)
            for done, deadline in ((planned_on, plan_due), (reported_on, due)):
                ok = rules_module.on_time(done, deadline, self.as_of)
                if ok is not None:
                    facts.submissions.append(Submission(ref, "rectification", ok))
            if pk in on_time or pk in overdue:
                facts.rectifications.append(RectificationFact(ref, pk in on_time))
        closed_late = issued.filter(closed_on__lte=self.as_of).exclude(pk__in=on_time)
        for pk, unit_id in closed_late.values_list("pk", "unit_id"):
            if (facts := self.of(unit_id)) and pk not in overdue:
                ref = self.ref("results.Rectification", pk)
                facts.rectifications.append(RectificationFact(ref, False))


def unit_facts(
    *, region: Region, year: int, today: datetime.date | None = None
) -> dict[int, UnitFacts]:
    """First-level unit id → its `UnitFacts` of the work year (a selector: writes nothing)."""
    return _Gather(region, year, as_of_day(year, today)).gather()


def _sections(region_ids, year: int) -> dict[int, dict]:
    """Region id → its "unit_assessment" section in force, in a few queries whatever the
    number of regions: the regions, which of them have rulebook versions of their own, and one
    rulebook read a distinct lineage that has (a district without versions of its own reads
    its city's and province's, the same for all its siblings)."""
    from jixiao.core.models import Rulebook
    from jixiao.core.rulebook import rules_for

    regions = list(Region.objects.filter(pk__in=set(region_ids)).only("pk", "code", "path"))
    own = set(
        Rulebook.objects.filter(region_code__in=[r.code for r in regions], year=year)
        .values_list("region_code", flat=True)
        .distinct()
    )
    by_lineage: dict[tuple, dict] = {}
    sections = {}
    for region in regions:
        codes = tuple(region.lineage_codes)
        key = codes if region.code in own else codes[1:]
        if key not in by_lineage:
            by_lineage[key] = rules_for(key, year).section("unit_assessment")
        sections[region.pk] = by_lineage[key]
    return sections


def _rank(rows) -> None:
    """Rank `rows` (UnitAssessment) within each region, by score (`assessment.rank`)."""
    by_region = defaultdict(dict)
    for row in rows:
        by_region[row.region_id][row.unit_id] = row.score
    ranks = {}
    for scores in by_region.values():
        ranks.update(rules_module.rank(scores))
    for row in rows:
        row.rank = ranks[row.unit_id]


@transaction.atomic
def assessments_compute(
    *, actor=None, region: Region, year: int, today: datetime.date | None = None
) -> int:
    """Compute (or recompute) the assessment of every first-level unit of `region` (and the
    regions under it) in work year `year`, keeping the office's adjustments, and rank each
    region's units. Returns how many units were assessed."""
    if actor is not None:
        _require_office(actor, region)
    gathered = _Gather(region, year, as_of_day(year, today))
    facts = gathered.gather()
    sections = _sections(gathered.unit_region.values(), year)
    existing = {
        a.unit_id: a
        for a in UnitAssessment.objects.filter(
            region__in=gathered.regions, unit_id__in=list(facts), year=year
        ).only("pk", "unit_id", "region_id", "adjustment")
    }
    now = timezone.now()
    rows = []
    for unit_id, unit_facts_ in facts.items():
        region_id = gathered.unit_region[unit_id]
        result = rules_module.assess(unit_facts_, sections[region_id])
        row = existing.get(unit_id) or UnitAssessment(
            unit_id=unit_id, year=year, region_id=region_id, adjustment=Decimal(0)
        )
        row.region_id = region_id
        row.computed = result.computed
        row.score = rules_module.final_score(result.computed, row.adjustment)
        row.parts = [p.as_json() for p in result.parts]
        row.computed_at = now
        rows.append(row)
    _rank(rows)  # the whole region at once: every first-level unit of each region under it
    UnitAssessment.objects.bulk_create([r for r in rows if r.pk is None], batch_size=BATCH)
    _write(
        [r for r in rows if r.unit_id in existing],
        ("region_id", "computed", "score", "parts", "rank", "computed_at"),
    )
    audit.record(
        action="action",
        object_type="results.unitassessment",
        object_repr=_("%(year)s 年度部门绩效管理工作考核") % {"year": year},
        region_code=region.code,
        actor=actor,
        message=_("计算 %(n)s 个一级预算单位的考核得分并排名") % {"n": len(rows)},
    )
    return len(rows)


def _require_office(actor, region: Region) -> None:
    if not (
        actor.has_role(Role.PERFORMANCE)
        and actor.region_id
        and region.path.startswith(actor.region.path)
    ):
        raise PermissionDenied(_("只有绩效办可以计算和调整部门绩效管理工作考核。"))


def _write(rows: list, fields: tuple[str, ...]) -> None:
    """UPDATE `fields` of `rows` (UnitAssessment) by one executemany a 500 rows (Django's
    bulk_update builds a CASE per row and field: five times slower here)."""
    update_many(UnitAssessment, rows, fields, batch=BATCH)


def rerank(region_id: int, year: int) -> None:
    """Rank a region's assessments of a year again (after an adjustment)."""
    rows = list(
        UnitAssessment.objects.filter(region_id=region_id, year=year).only(
            "pk", "unit_id", "region_id", "score", "rank"
        )
    )
    _rank(rows)
    _write(rows, ("rank",))


@transaction.atomic
def assessment_adjust(
    *, actor, assessment: UnitAssessment, points, reason: str, document_number: str
) -> AssessmentAdjustment:
    """Add the performance office's documented adjustment (加减分) to a unit's assessment: the
    reason and the document it rests on are required; the score is the computed points plus
    every adjustment, held within 0..100; the region's units are ranked again."""
    _require_office(actor, assessment.region)
    errors = {}
    try:
        points = Decimal(str(points)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError):
        errors["points"] = _("调整分值须为数字，如 -2 或 1.5。")
    else:
        if points == 0 or abs(points) > 100:
            errors["points"] = _("调整分值须在 -100 至 100 之间且不为 0。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写调整理由。")
    if not (document_number or "").strip():
        errors["document_number"] = _("请填写调整所依据的文件（文号）。")
    if errors:
        raise ValidationError(errors)
    locked = UnitAssessment.objects.select_for_update().get(pk=assessment.pk)
    adjustment = AssessmentAdjustment.objects.create(
        assessment=locked,
        points=points,
        reason=reason.strip(),
        document_number=document_number.strip(),
        created_by=actor,
    )
    total = locked.adjustments.aggregate(s=Sum("points"))["s"] or Decimal(0)
    locked.adjustment = total
    locked.score = rules_module.final_score(locked.computed, total)
    locked.save(update_fields=["adjustment", "score"])
    rerank(locked.region_id, locked.year)
    assessment.refresh_from_db()
    return adjustment


# ── reading ──────────────────────────────────────────────────────────────────────────────


def ranking_published(region: Region, year: int) -> bool:
    """Whether the year's ranking of `region` is published (its disclosure record)."""
    from .models import Disclosure, DisclosureKind, DisclosureStatus

    return Disclosure.objects.filter(
        region=region,
        year=year,
        kind=DisclosureKind.UNIT_RANKING,
        status=DisclosureStatus.PUBLISHED,
    ).exists()


def assessment_list(*, user, region: Region | None, year: int | None, unit: str = ""):
    """The assessments of `region` (and the regions under it; every region for None) in `year`
    (every year for None) that `user` may read, in the ranking's order (rank, then unit code)."""
    rows = (
        UnitAssessment.objects.visible_to(user)
        .in_work(region, year)
        .select_related("unit", "region")
        .order_by("region__code", "rank", "unit__code")
    )
    if unit:
        rows = rows.filter(unit__code=unit)
    return rows


def ranking_rows(*, user, region: Region, year: int):
    """The ranking `user` may see: the whole region's for the bureau; for anyone else, the
    rows in their scope, or the whole ranking (names, scores and ranks) once it is published.
    Returns (rows, the ids of the rows whose page the user may open)."""
    mine = assessment_list(user=user, region=region, year=year)
    own = set(mine.values_list("pk", flat=True))
    if ranking_published(region, year):
        everyone = (
            UnitAssessment.objects.filter(region__path__startswith=region.path, year=year)
            .select_related("unit", "region")
            .order_by("region__code", "rank", "unit__code")
        )
        return everyone, own
    return mine, own
