"""Writes on targets: declare, save with lint, review, adjust, arrange the budget, remind,
close years (DESIGN.md: services change state; all transitions go through core.workflow)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.budgets.models import Project
from jixiao.budgets.selectors import year_is_open
from jixiao.core import audit, edit_stamp
from jixiao.core.changes import change_record
from jixiao.core.compiled import KeyedQuery
from jixiao.core.gates import gate_refusals
from jixiao.core.scope_read import RowById
from jixiao.core.workflow import TransitionError, perform
from jixiao.orgs.models import Region, Role, Unit, UnitYear, User
from jixiao.orgs.review import EDITABLE

from . import adapters
from .models import Grade, Indicator, Reminder, Target, TargetStatus
from .workflow import GRADED, TARGET_WORKFLOW, step_grade_refusal

INDICATOR_FIELDS = (
    "category",
    "subcategory",
    "name",
    "value_text",
    "unit",
    "weight",
    "explanation",
    "basis",
    "source",
)


def _require_may_declare(actor: User, unit: Unit, region: Region, year: int) -> None:
    """A new declaration (or version) is a draft of the unit: the edit rule applies to it."""
    TARGET_WORKFLOW.require_editable(Target(region=region, year=year, unit=unit), actor)


def _require_open_year(region: Region, year: int) -> None:
    if not year_is_open(region=region, year=year):
        raise ValidationError(_("%(y)s 年度已关闭，不能修改。") % {"y": year})


@transaction.atomic
def target_create(*, actor: User, year: int, unit: Unit, project: Project | None = None) -> Target:
    """Start a declaration for a project (or, without one, for the whole unit), prefilled with
    the project's initial budget by source."""
    _require_may_declare(actor, unit, unit.region, year)
    current = (
        Target.objects.current().filter(project=project)
        if project
        else (Target.objects.current().filter(unit=unit, year=year, project__isnull=True))
    )
    if current.exists():
        raise ValidationError(
            _("该%(s)s已有绩效目标，请在原目标上修改或调整。")
            % {"s": _("项目") if project else _("单位")}
        )
    target = Target(
        region=unit.region,
        year=year,
        unit=unit,
        project=project,
        created_by=actor,
        serves_public=project.serves_public if project else True,
    )
    if project is not None:
        if project.unit_id != unit.pk or project.year != year:
            raise ValidationError(_("项目不属于该单位或该年度。"))
        target.amount_current = project.initial_current
        target.amount_carryover = project.initial_carryover
        target.amount_other = project.initial_other
        target.amount_total = project.initial_total
    target.save()
    return target


@transaction.atomic
def target_save(
    *,
    actor: User,
    target: Target,
    goal: str,
    medium_term_goal: str = "",
    amounts: Mapping[str, Decimal | None],
    serves_public: bool,
    indicators: Sequence[Mapping],
    loaded: str | None = None,
) -> Target:
    """Save a draft or returned declaration and its indicator grid, then lint it; refused
    (`edit_stamp.Overwritten`) when it was saved since the form's `loaded` stamp."""
    # The region (the year lock, the audit) and the project (the lint) come with the locked row.
    target = _SAVE_READ.get(target.pk)
    edit_stamp.check(target, loaded)
    audit.loaded_locked(target)  # its save's audit takes this read as the row before
    TARGET_WORKFLOW.require_editable(target, actor)
    target.goal, target.medium_term_goal = goal.strip(), medium_term_goal.strip()
    target.serves_public = serves_public
    for key in ("total", "current", "carryover", "other"):
        setattr(target, f"amount_{key}", amounts.get(key))
    target.save()
    return refresh_findings(target, _replace_indicators(target, indicators))


# The save's locked read, by SQL compiled once a process (core/scope_read.py): the view read
# the target within the user's scope just before.
_SAVE_READ = RowById(
    lambda: Target.objects.select_related("region", "project").select_for_update(of=("self",))
)


# A save's rows as stored, in order, by SQL compiled once a process (core/compiled.py): whether
# another indicator supports a row comes with the rows (it was a query of its own).
_STORED_ROWS = KeyedQuery(
    lambda target_id: (
        Indicator.objects.filter(target_id=target_id)
        .annotate(supported=Exists(Indicator.objects.filter(supports=OuterRef("pk"))))
        .order_by("position")
    ),
    30001,
    proof=(30002,),
)


def delete_indicators(indicators: QuerySet) -> None:
    """Delete the indicator rows of `indicators` by SQL, without loading them. Django's delete
    loads every row to send the delete signals, because their receivers listen to every model,
    yet none acts on an indicator: it is not audited (its target's entry holds the grid) and no
    figure follows it. That was 0.42-0.52 s of CPU for the 7,200 rows a file of 600
    declarations replaces, against 68-127 ms. An indicator that supports one of them (a
    level-2 project's) loses the link (`supports` is SET_NULL), as with Django's delete. The ids are read first and named in
    the statements, as the collector did: an UPDATE over a subquery of the same table was
    planned as nested scans on PostgreSQL when the table's statistics were stale (seconds a
    statement in the test suite)."""
    ids = list(indicators.values_list("pk", flat=True))
    for start in range(0, len(ids), DELETE_CHUNK):
        chunk = ids[start : start + DELETE_CHUNK]
        Indicator.objects.filter(supports_id__in=chunk).update(supports=None)
        gone = Indicator.objects.filter(pk__in=chunk)
        gone._raw_delete(gone.db)  # Django's own fast path (private), without the collector


#: Ids a statement of `delete_indicators` names (SQLite takes up to 32,766 parameters).
DELETE_CHUNK = 2000


def _replace_indicators(target: Target, rows: Sequence[Mapping]) -> list[Indicator]:
    """Write the grid and return its rows as stored, in order, for the lint (not read back:
    the rows written are the values given, and a new row supports no other)."""
    parsed = adapters.parse_rows(target, rows)
    stored = _STORED_ROWS.all(target.pk)
    for row in stored:  # as `target.indicators` gives them
        Indicator.target.field.set_cached_value(row, target)
    if _unchanged(stored, parsed):
        return stored  # the grid as stored (a save of the goal alone): its rows and links stay
    before = [_indicator_snapshot(i) for i in stored]
    delete_indicators(Indicator.objects.filter(target=target))
    written = Indicator.objects.bulk_create(
        [Indicator(target=target, position=i, **row) for i, row in enumerate(parsed)]
    )
    after = [_indicator_snapshot(i) for i in written]
    if before != after:
        audit.record(
            action="update",
            instance=target,
            before={"indicators": before},
            after={"indicators": after},
            message=_("修改绩效指标"),
        )
    return written


def _unchanged(stored: Sequence[Indicator], parsed: Sequence[Mapping]) -> bool:
    """Whether the parsed rows are the stored ones, field by field and in order, so that
    replacing them would write the same rows again (a row that another target's indicator
    supports, or that `supports` one, is replaced as before; `stored` carry `supported`)."""
    if len(stored) != len(parsed):
        return False
    for position, (indicator, row) in enumerate(zip(stored, parsed, strict=True)):
        if indicator.position != position or indicator.supports_id is not None:
            return False
        if any(getattr(indicator, field) != value for field, value in row.items()):
            return False
    return not any(indicator.supported for indicator in stored)


def _indicator_snapshot(indicator: Indicator) -> dict:
    return {
        f: str(getattr(indicator, f)) if getattr(indicator, f) is not None else None
        for f in INDICATOR_FIELDS
    }


def refresh_findings(target: Target, indicators: Sequence[Indicator] | None = None) -> Target:
    """Lint the target with its context and keep the findings for lists and queues
    (`indicators`: its rows as just written, in order; by default they are read)."""
    result = adapters.lint_target(target, indicators)
    target.findings = [adapters.finding_dict(f) for f in result.findings]
    target.blocking_count = sum(1 for f in result.findings if f.blocking)
    target.warning_count = len(result.findings) - target.blocking_count
    target.finding_codes = Target.codes_of(target.findings)
    Target.objects.filter(pk=target.pk).update(
        findings=target.findings,
        finding_codes=target.finding_codes,
        blocking_count=target.blocking_count,
        warning_count=target.warning_count,
    )
    return target


# --- review --------------------------------------------------------------------------------


def clean_grades(grades: Mapping | None) -> dict:
    """Review grades on the four dimensions and overall (DOMAIN.md §4.5), each 优/良/中/差."""
    from .models import REVIEW_DIMENSIONS

    grades = dict(grades or {})
    keys = [k for k, _l in REVIEW_DIMENSIONS] + ["overall"]
    cleaned = {k: grades.get(k) for k in keys if grades.get(k)}
    wrong = [k for k, v in cleaned.items() if v not in Grade.values]
    if wrong:
        raise ValidationError(_("评级只能是 优、良、中、差。"))
    return cleaned


def target_transition(
    *,
    actor: User,
    target: Target,
    name: str,
    comment: str = "",
    grades: Mapping | None = None,
    attest: bool = False,
) -> Target:
    """Perform one review step (the engine checks and stamps the attestation). Reviewers'
    grades are stored per stage; an approved adjustment supersedes the version it adjusts."""
    stage = GRADED.get(name)
    cleaned = clean_grades(grades) if stage else {}
    if name == "approve" and stage and not cleaned.get("overall"):
        cleaned_existing = (target.grades or {}).get("final", {})
        if not cleaned_existing.get("overall"):
            raise TransitionError(_("终审批复须给出总体评级。"))

    def before_save(row: Target, transition) -> None:
        if stage and cleaned:
            row.grades = {**(row.grades or {}), stage: cleaned}
        if transition.attest:
            row.attested_at = row.submitted_at
        if name == "approve":
            row.approved_at = timezone.now()

    with transaction.atomic():
        # The grade given with this very request is checked by the same rule as stored ones;
        # at an earlier step, a grade that means "revise" cannot pass the declaration on.
        refusal = step_grade_refusal(target, name, cleaned.get("overall"))
        if refusal:
            raise TransitionError(refusal)
        row = perform(
            obj=target,
            name=name,
            actor=actor,
            workflow=TARGET_WORKFLOW,
            comment=comment,
            data={"grades": cleaned} if cleaned else None,
            before_save=before_save,
            attest=attest,
        )
        if name == "approve" and row.previous_id:
            _supersede(row.previous, actor)
    return row


def _supersede(previous: Target, actor: User) -> None:
    from jixiao.core.workflow import log_transition

    source = previous.status
    Target.objects.filter(pk=previous.pk).update(status=TargetStatus.SUPERSEDED)
    log_transition(
        obj=previous,
        transition="supersede",
        source=source,
        target=TargetStatus.SUPERSEDED,
        actor=actor,
        comment=_("调整后的目标已批复"),
    )


@transaction.atomic
def target_adjust(*, actor: User, target: Target) -> Target:
    """Adjust an approved target (调整): a new version in draft, reviewed like the original;
    the approved version stays in force until the new one is approved."""
    target = Target.objects.select_for_update(of=("self",)).get(pk=target.pk)
    _require_may_declare(actor, target.unit, target.region, target.year)
    if target.status != TargetStatus.APPROVED:
        raise ValidationError(_("只有已批复的目标可以调整。"))
    if Target.objects.filter(previous=target).exists():
        raise ValidationError(_("该目标已有调整中的新版本。"))
    fields = {
        f.name: getattr(target, f.name)
        for f in Target._meta.concrete_fields
        if f.name
        in (
            "region",
            "year",
            "unit",
            "project",
            "goal",
            "medium_term_goal",
            "amount_total",
            "amount_current",
            "amount_carryover",
            "amount_other",
            "serves_public",
            "external_id",
        )
    }
    new = Target.objects.create(
        **fields, version=target.version + 1, previous=target, created_by=actor
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                target=new,
                position=i.position,
                operator=i.operator,
                number=i.number,
                deadline=i.deadline,
                supports_id=i.supports_id,
                **{f: getattr(i, f) for f in INDICATOR_FIELDS},
            )
            for i in target.indicators.all()
        ]
    )
    change_record(new, state=new.status, data={"adjusts": target.pk})
    return refresh_findings(new)


# --- the budget gate (DOMAIN.md §4.5) --------------------------------------------------------


def approved_target(project: Project) -> Target | None:
    return (
        Target.objects.filter(project=project, status=TargetStatus.APPROVED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def project_arrange(*, actor: User, project: Project) -> Project:
    """Arrange a project in the budget (预算安排): refused, with the reason, without an
    approved performance target. No approved target, no money."""
    if not actor.has_role(Role.BUDGET):
        raise PermissionDenied(_("只有预算股可以安排预算。"))
    project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if not Project.objects.visible_to(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("项目不在您的权限范围内。"))
    _require_open_year(project.region, project.year)
    if project.arranged:
        raise ValidationError(_("该项目已安排预算。"))
    if approved_target(project) is None:
        current = Target.objects.current().filter(project=project).first()
        state = current.get_status_display() if current else _("未申报")
        raise ValidationError(
            _("项目“%(p)s”没有已批复的绩效目标（当前：%(s)s），不能安排预算。")
            % {"p": project.name, "s": state}
        )
    refusals = gate_refusals(project, project.year)  # later stages' say (core.gates)
    if refusals:
        raise ValidationError(refusals)
    project.arranged, project.arranged_at = True, timezone.now()
    project.save(update_fields=["arranged", "arranged_at"])
    audit.record(
        action="action",
        instance=project,
        before={"arranged": False},
        after={"arranged": True},
        message=_("预算安排"),
    )
    change_record(project, kind="budget_gate", state="arranged")
    return project


# --- reminders and year close ----------------------------------------------------------------


def units_not_submitted(*, region: Region, year: int):
    """Level-1 units with a project or unit target still in draft, ready or returned, or with
    projects that have no target at all."""
    late_targets = Target.objects.current().filter(
        region=region,
        year=year,
        status__in=(TargetStatus.DRAFT, TargetStatus.READY, TargetStatus.RETURNED),
    )
    missing = Project.objects.filter(region=region, year=year).exclude(
        targets__status__in=[s for s in TargetStatus.values if s not in (TargetStatus.DRAFT,)]
    )
    unit_ids = set(late_targets.values_list("unit_id", flat=True))
    unit_ids |= set(missing.values_list("unit_id", flat=True))
    first_level = dict(
        UnitYear.objects.filter(unit_id__in=unit_ids, year=year).values_list("unit_id", "parent_id")
    )
    return Unit.objects.filter(pk__in={parent or uid for uid, parent in first_level.items()})


@transaction.atomic
def reminders_send(*, actor: User, region: Region, year: int, message: str, deadline=None) -> int:
    """催报: one reminder to every unit that has not submitted all its targets."""
    if not actor.has_role(Role.PERFORMANCE, Role.BUDGET):
        raise PermissionDenied(_("只有绩效办或预算股可以催报。"))
    units = list(units_not_submitted(region=region, year=year))
    Reminder.objects.bulk_create(
        [
            Reminder(
                region=region,
                year=year,
                unit=u,
                sent_by=actor,
                message=message[:300],
                deadline=deadline,
            )
            for u in units
        ]
    )
    if deadline:
        Target.objects.filter(region=region, year=year, status__in=EDITABLE).update(
            deadline=deadline
        )
    audit.record(
        action="action",
        instance=region,
        actor=actor,
        message=_("催报 %(n)s 个单位：%(m)s") % {"n": len(units), "m": message[:200]},
    )
    return len(units)
