"""Budget linkage (与预算挂钩, DOMAIN.md §8.2): gathering each project's latest results from the
database in a fixed number of queries, writing the proposals, and the budget office's decision.

**Continuing and one-off.** A proposal for budget year `year` is made for every *continuing*
project of `year − 1`: one marked 跨年度 (`multi_year`), or one that comes back in `year` (a
project of `year` with the same code, as the national project library keeps it, or, since the
demo's and many districts' codes carry the year, the same unit and the same name). Any other
project of `year − 1` is *one-off* (一次性): it gets no proposal, and when it was graded 差 a new
project of its unit with a similar name is refused at the budget gate (`results.gate`).

**Latest results.** The same project is followed back through the rulebook's `lookback_years`
(same code, or same unit and name, in each earlier year). Its latest self-evaluation that was
submitted gives the rules' grade, the reviewer's grade and the spot check's grade (the spot
check's total through the "scoring" section's bands); its latest archived key evaluation gives
that grade and the conclusion; its rectifications issued and not closed are "open"; the
execution rate is its payments ÷ its full-year budget (as monitoring computes it,
`monitoring.alerts.execution_rate`) of the latest year whose payments are whole (they run to
December in the region): `year − 1` once that year is over, else the year before, since
proposals are drawn up while `year − 1` still runs and seven months of payments would read as
poor execution. Then the pure `results.linkage.propose`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.budgets.models import Payment, Project
from jixiao.core import audit
from jixiao.core.changes import change_record
from jixiao.core.rulebook import rules_for
from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation
from jixiao.evaluations.scoring import grade_for
from jixiao.monitoring.alerts import execution_rate
from jixiao.orgs.models import Region, Role, UnitYear

from .linkage import ProjectResults, Proposal, SimulationRow, propose, simulate
from .linkage_selectors import money_text
from .models import LinkageProposal, LinkageRule, LinkageStatus, Rectification, RectificationStatus
from .rules import rules_in_force

__all__ = [
    "Candidate",
    "candidates",
    "proposal_decide",
    "linkage_rule_adopt",
    "proposals_generate",
    "simulation",
]

#: Self-evaluations whose grades count: submitted to the office or beyond.
COUNTED = (EvaluationStatus.SUBMITTED, EvaluationStatus.FIRST_PASSED, EvaluationStatus.CONFIRMED)
#: Rectifications not (yet) open: not issued, or closed.
NOT_OPEN = (RectificationStatus.DRAFT, RectificationStatus.CLOSED)


def name_key(name: str) -> str:
    """A project name compared across years: without spaces."""
    return "".join((name or "").split())


@dataclass(frozen=True)
class Candidate:
    """A project of `year − 1` with its latest results and where it stands."""

    project_id: int
    code: str
    name: str
    unit_id: int
    office: str
    continuing: bool
    results: ProjectResults


def _rate(paid: Decimal, full: Decimal) -> Decimal:
    share = execution_rate(paid, full)
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.0001"))


def _spot_grade(total, bands) -> str:
    return (grade_for(total, bands) or "") if total is not None else ""


def candidates(
    *, region: Region, year: int, section: dict | None = None, unit_id: int | None = None
) -> list[Candidate]:
    """Every project of `year − 1` in the region with its latest results (continuing or not),
    in eight queries whatever the number of projects (`unit_id`: one unit's only)."""
    unit = {"unit_id": unit_id} if unit_id else {}
    paid_unit = {"project__unit_id": unit_id} if unit_id else {}
    section = section or rules_in_force(region, year, "linkage")
    bands = rules_for(region.lineage_codes, year - 1).section("scoring")["grades"]
    first = year - int(section["lookback_years"])
    rows = list(
        Project.objects.filter(region=region, year__gte=first, year__lte=year, **unit)
        .values_list(
            "id", "year", "code", "name", "unit_id", "multi_year",
            "full_current", "full_carryover", "full_other",
        )
        .order_by("year", "id")
    )  # fmt: skip
    full = {row[0]: row[6] + row[7] + row[8] for row in rows}
    # The same project through the years: by code, and by unit and name.
    by_code: dict[tuple[int, str], int] = {}
    by_name: dict[tuple[int, int, str], int] = {}
    years = {}
    for pk, y, code, name, unit_id, *_rest in rows:
        years[pk] = y
        by_code[(y, code)] = pk
        by_name[(y, unit_id, name_key(name))] = pk

    def same(y: int, code: str, unit_id: int, name: str) -> int | None:
        return by_code.get((y, code)) or by_name.get((y, unit_id, name_key(name)))

    grades: dict[int, dict] = {}  # project id → its self-evaluation's grades
    for pid, rule_grade, reviewed, spot in (
        SelfEvaluation.objects.filter(region=region, year__gte=first, year__lt=year, **unit)
        .filter(status__in=COUNTED)
        .values_list("project_id", "grade", "reviewed_grade", "spot_check_total")
    ):
        spot_grade = _spot_grade(spot, bands)
        grades[pid] = {"rules": rule_grade, "reviewed": reviewed, "spot_check": spot_grade}
    keys: dict[int, tuple] = {}  # project id → (archived_on, grade, conclusion)
    for pid, archived_on, grade, conclusion in (
        KeyEvaluation.objects.filter(
            status=KeyStatus.ARCHIVED, project__region=region, project__year__gte=first
        )
        .filter(project__year__lt=year)
        .values_list("project_id", "archived_on", "grade", "conclusion")
    ):
        if pid not in keys or (archived_on and archived_on > (keys[pid][0] or archived_on)):
            keys[pid] = (archived_on, grade, conclusion)
    open_counts = dict(
        Rectification.objects.filter(region=region, project__year__gte=first, **unit)
        .filter(project__year__lt=year)
        .exclude(status__in=NOT_OPEN)
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    paid = dict(
        Payment.objects.filter(project__region=region, project__year__gte=first, **paid_unit)
        .filter(project__year__lt=year)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    # A year's execution counts once its payments run to December (a whole year).
    whole_years = set(
        Payment.objects.filter(project__region=region, project__year__gte=first, month=12)
        .filter(project__year__lt=year)
        .order_by()
        .values_list("project__year", flat=True)
        .distinct()
    )
    offices = dict(
        UnitYear.objects.filter(unit__region=region, year=year - 1).values_list(
            "unit_id", "office__name"
        )
    )
    out = []
    for pk, y, code, name, unit_id, multi, *_amounts in rows:
        if y != year - 1:
            continue
        lineage = [pk]
        for back in range(year - 2, first - 1, -1):
            if (earlier := same(back, code, unit_id, name)) is not None:
                lineage.append(earlier)
        found = next((grades[p] for p in lineage if p in grades), {})
        key = next((keys[p] for p in lineage if p in keys), None)
        amount = full.get(pk, Decimal("0"))
        rate = next(
            (
                _rate(paid.get(p) or Decimal("0"), full[p])
                for p in lineage
                if years[p] in whole_years and full.get(p)
            ),
            None,
        )
        continuing = bool(multi) or same(year, code, unit_id, name) is not None
        results = ProjectResults(
            current_amount=amount,
            grades={**found, "key_evaluation": key[1] if key else ""},
            open_rectifications=sum(open_counts.get(p, 0) for p in lineage),
            execution_rate=rate,
            key_conclusion=(key[2] or "")[:200] if key else "",
            one_off=not continuing,
        )
        out.append(
            Candidate(pk, code, name, unit_id, offices.get(unit_id) or "", continuing, results)
        )
    return out


def _fields(proposal: Proposal, candidate: Candidate) -> dict:
    r = candidate.results
    return {
        "unit_id": candidate.unit_id,
        "grade": proposal.grade,
        "grade_source": proposal.grade_source,
        "open_rectifications": r.open_rectifications,
        "execution_rate": r.execution_rate,
        "key_conclusion": r.key_conclusion,
        "one_off": r.one_off,
        "rule": proposal.rule,
        "current_amount": proposal.current_amount,
        "proposed_amount": proposal.proposed_amount,
        "reason": str(proposal.reason),
        "explanation": proposal.explanation_rows(),
    }


@transaction.atomic
def proposals_generate(*, actor, region: Region, year: int) -> dict:
    """Write the proposals of budget year `year` for the region's continuing projects of
    `year − 1`: new ones created, undecided ones brought up to date, decided ones never
    touched. Answers the counts {"created", "updated", "unchanged" (undecided, the same
    results), "kept" (decided)}."""
    if actor is not None and not (actor.has_role(Role.BUDGET) or actor.has_role(Role.PERFORMANCE)):
        raise PermissionDenied(_("只有预算股或绩效办可以生成预算挂钩建议。"))
    section = rules_in_force(region, year, "linkage")
    existing = {
        row["project_id"]: row
        for row in LinkageProposal.objects.filter(region=region, year=year).values(
            "pk", "project_id", "status", *_UPDATED
        )
    }
    new, changed, kept, unchanged = [], [], 0, 0
    for candidate in candidates(region=region, year=year, section=section):
        if not candidate.continuing:
            continue
        proposal = propose(candidate.results, section)
        values = _fields(proposal, candidate)
        stored = existing.get(candidate.project_id)
        if stored is None:
            new.append(
                LinkageProposal(region=region, year=year, project_id=candidate.project_id, **values)
            )
        elif stored["status"] != LinkageStatus.PROPOSED:
            kept += 1
        elif any(stored[name] != value for name, value in values.items()):
            changed.append(LinkageProposal(pk=stored["pk"], **values))
        else:
            unchanged += 1
    LinkageProposal.objects.bulk_create(new, batch_size=2000)
    # Only the rows whose results changed are written (bulk_update's CASE grows with the batch).
    LinkageProposal.objects.bulk_update(changed, list(_UPDATED), batch_size=500)
    counts = {"created": len(new), "updated": len(changed), "unchanged": unchanged, "kept": kept}
    audit.record(
        action="action",
        object_type="results.linkageproposal",
        object_repr=_("%(year)s年度预算挂钩建议") % {"year": year},
        after=counts,
        message=_("生成预算挂钩建议"),
        region_code=region.code,
        actor=actor,
    )
    return counts


_UPDATED = (
    "unit_id",
    "grade",
    "grade_source",
    "open_rectifications",
    "execution_rate",
    "key_conclusion",
    "one_off",
    "rule",
    "current_amount",
    "proposed_amount",
    "reason",
    "explanation",
)


@transaction.atomic
def proposal_decide(
    *,
    actor,
    proposal: LinkageProposal,
    accept: bool,
    amount: Decimal | None = None,
    cancel: bool = False,
    reason: str = "",
) -> LinkageProposal:
    """The budget office's decision: accept the proposal, or override it (another amount, or
    cancel the project) with a reason. The decision, the amount and the difference are kept."""
    if not actor.has_role(Role.BUDGET):
        raise PermissionDenied(_("只有预算股可以决定预算挂钩建议。"))
    proposal = LinkageProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if not LinkageProposal.objects.visible_to(actor).filter(pk=proposal.pk).exists():
        raise PermissionDenied(_("该建议不在您的权限范围内。"))
    reason = (reason or "").strip()
    if accept and (cancel or amount is not None):
        if cancel or Decimal(amount) != proposal.proposed_amount:
            raise ValidationError(
                _("采纳建议时不能另填金额或取消项目；如需调整，请选择“调整金额”。")
            )
    if accept:
        status, decided, cancelled = (
            LinkageStatus.ACCEPTED,
            proposal.proposed_amount,
            (proposal.rule == LinkageRule.CANCEL),
        )
    elif cancel:
        status, decided, cancelled = LinkageStatus.OVERRIDDEN, Decimal("0.00"), True
    else:
        if amount is None:
            raise ValidationError(_("调整金额须填写决定安排金额（万元）。"))
        decided = Decimal(amount)
        if decided < 0 or decided != decided.quantize(Decimal("0.01")):
            raise ValidationError(_("决定安排金额须为不小于0、最多两位小数的数（万元）。"))
        status, cancelled = LinkageStatus.OVERRIDDEN, False
    if status == LinkageStatus.OVERRIDDEN and not reason:
        raise ValidationError(_("调整建议或取消项目须填写理由。"))
    proposal.status, proposal.decided_amount, proposal.cancelled = status, decided, cancelled
    proposal.decision_reason = reason
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save()
    audit.record(
        action="action",
        instance=proposal,
        after={
            "status": status,
            "decided_amount": money_text(decided),
            "difference": money_text(proposal.difference),
            "cancelled": cancelled,
            "reason": reason,
        },
        message=_("预算挂钩决定"),
        actor=actor,
    )
    change_record(
        proposal,
        kind="linkage_decision",
        state=status,
        data={"decided_amount": money_text(decided), "cancelled": cancelled},
    )
    return proposal


def simulation(*, region: Region, year: int, section: dict):
    """The simulator: the continuing projects' proposals under `section` (edited percentages),
    totalled by unit, by office and overall (`linkage.simulate`)."""
    rows = [
        SimulationRow(str(c.unit_id), c.office, c.results)
        for c in candidates(region=region, year=year, section=section)
        if c.continuing
    ]
    return simulate(rows, section)


def linkage_rule_adopt(*, actor, region: Region, year: int, table: dict, no_grade: str):
    """Save the simulator's percentages (`table`: grade → percent text; `no_grade`: percent
    text) as the region's rule for budget year `year`: a new rulebook version that keeps the
    region's other changes of that year (`core.rulebook.rulebook_save`, audited)."""
    import copy

    from jixiao.core.rulebook import NATIONAL, latest_versions, rulebook_save

    if not (actor.has_role(Role.BUDGET) or actor.has_role(Role.PERFORMANCE)):
        raise PermissionDenied(_("只有预算股或绩效办可以采用新的挂钩比例。"))
    own = latest_versions([region.code], year)
    values = copy.deepcopy(own[0].values) if own else {}
    base = own[0].base if own else NATIONAL
    linkage = values.setdefault("linkage", {})
    for grade, percent in table.items():
        linkage.setdefault("table", {}).setdefault(grade, {})["percent"] = percent
    linkage.setdefault("no_grade", {})["percent"] = no_grade
    return rulebook_save(
        region_code=region.code,
        year=year,
        values=values,
        actor=actor,
        base=base,
        note=_("预算挂钩模拟后采用的比例"),
    )
