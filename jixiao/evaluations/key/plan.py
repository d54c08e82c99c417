"""The evaluation plan (重点评价立项, DOMAIN.md §6.4): the year's candidates ranked by the
rulebook's selection weights (`selection.rank_candidates`), what the office knows of each beyond
its budget (`KeyCandidate`: coverage, public attention), picking them as key evaluations, the
five-year cover of every first-level unit's key projects, and department evaluations (部门评价)
started by a first-level unit.

In work year Y the candidates are the region's projects of Y−1 and the policies the office adds
by name; money is in 万元.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.budgets.models import Project
from jixiao.core.rulebook import rules_for
from jixiao.orgs.models import Role, Unit, UnitYear

from . import defaults  # noqa: F401  (registers the rulebook section "key_evaluation")
from .conflicts import EvaluationFacts, Party, conflict_reasons
from .framework import FrameworkError, default_framework
from .models import KeyCandidate, KeyEvaluation, KeyKind
from .selection import Candidate, Ranked, cover_due, is_key_project, rank_candidates
from .services import evaluation_create

SPECIAL_FUND = "special_fund"  # ProjectKind.code of 专项资金


def key_rules(region, year: int) -> dict:
    """The rulebook's "key_evaluation" section in force for the region and year."""
    return rules_for(region.lineage_codes, year).section("key_evaluation")


def special_kind_labels(rules: dict) -> list[str]:
    """The seven special kinds (政府投资基金 … 社会保险基金), as the rulebook names them."""
    return list(rules["special_kinds"])


def first_special_kind(kind_labels, rules: dict) -> str:
    """The first of a project's kinds that is a special kind ('' when none is)."""
    special = set(special_kind_labels(rules))
    return next((k for k in kind_labels if k in special), "")


def _require_office(actor) -> None:
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以编制重点评价计划。"))


# --------------------------------------------------------------------------- reads


@dataclass
class History:
    """When a project (by code) or a policy (by name) was last key-evaluated, and its last
    grade: the key evaluation's, else the latest self-evaluation's (`grade_source` says which)."""

    year: int | None = None
    grade: str = ""
    grade_source: str = ""  # "key", "selfeval" or ""


def _histories(region, year: int, codes, subjects) -> tuple[dict, dict]:
    """(by project code, by policy name) of the key evaluations before `year`, filled in with
    self-evaluation grades where no key evaluation gave one."""
    from jixiao.evaluations.models import SelfEvaluation

    by_code: dict[str, History] = {code: History() for code in codes}
    by_subject: dict[str, History] = {s: History() for s in subjects}
    past = (
        KeyEvaluation.objects.filter(region=region, year__lt=year)
        .select_related("project")
        .order_by("year", "pk")
    )
    for evaluation in past:
        if evaluation.project_id and evaluation.project.code in by_code:
            entry = by_code[evaluation.project.code]
        elif evaluation.project_id is None and evaluation.subject in by_subject:
            entry = by_subject[evaluation.subject]
        else:
            continue
        entry.year = evaluation.year
        if evaluation.grade:
            entry.grade, entry.grade_source = evaluation.grade, "key"
    selfevals = (
        SelfEvaluation.objects.filter(region=region, project__code__in=list(by_code), year__lt=year)
        .select_related("project")
        .order_by("year", "pk")
    )
    for selfeval in selfevals:
        entry = by_code[selfeval.project.code]
        grade = selfeval.reviewed_grade or selfeval.grade
        if grade and entry.grade_source != "key":
            entry.grade, entry.grade_source = grade, "selfeval"
    return by_code, by_subject


@dataclass
class PlanRow:
    """One candidate of the plan: its project (or policy candidate), its ranking, its facts."""

    ranked: Ranked
    project: Project | None
    candidate: KeyCandidate | None
    kinds: list[str]
    special_kind: str
    key_test: object  # selection.KeyTest
    history: History
    picked: KeyEvaluation | None
    plan_year: int

    @property
    def name(self) -> str:
        return self.ranked.candidate.name

    @property
    def unit(self) -> Unit | None:
        return self.project.unit if self.project else None

    @property
    def years_since(self) -> int | None:
        """Years from the last key evaluation to the plan's year (None: never evaluated)."""
        if self.history.year is None:
            return None
        return self.plan_year - self.history.year


def _picked(region, year: int) -> tuple[dict, dict]:
    rows = KeyEvaluation.objects.filter(region=region, year=year, commissioner__isnull=True)
    by_project, by_subject = {}, {}
    for evaluation in rows:
        if evaluation.project_id:
            by_project[evaluation.project_id] = evaluation
        else:
            by_subject[evaluation.subject] = evaluation
    return by_project, by_subject


def plan_rows(*, user, region, year: int, filters: dict | None = None) -> list[PlanRow]:
    """The candidates of work year `year`, ranked (rank 1 first). `filters`: `unit` (a unit id:
    its projects and those of its level-2 units), `special_kind` (a label), `key_only`.
    Rankings are computed over all candidates, then filtered, so a filter does not move a
    candidate's points."""
    rules = key_rules(region, year)
    projects = list(
        Project.objects.visible_to(user)
        .filter(region=region, year=year - 1)
        .select_related("unit")
        .prefetch_related("kinds")
        .order_by("unit__code", "code")
    )
    stored = list(KeyCandidate.objects.visible_to(user).filter(region=region, year=year))
    by_project = {c.project_id: c for c in stored if c.project_id}
    policies = [c for c in stored if c.project_id is None]
    histories, policy_histories = _histories(
        region, year, [p.code for p in projects], [c.subject for c in policies]
    )
    picked_projects, picked_policies = _picked(region, year)
    facts = {}
    candidates = []
    for project in projects:
        extra = by_project.get(project.pk)
        kinds = [k.label for k in project.kinds.all()]
        history = histories[project.code]
        key = ("project", project.pk)
        candidates.append(_candidate(project.name, project.full_total, extra, history, key))
        facts[key] = (project, extra, kinds, history, picked_projects.get(project.pk))
    for policy in policies:
        history = policy_histories[policy.subject]
        key = ("policy", policy.pk)
        candidates.append(_candidate(policy.subject, None, policy, history, key))
        facts[key] = (None, policy, [], history, picked_policies.get(policy.subject))
    rows = []
    for ranked in rank_candidates(candidates, rules, year=year):
        project, extra, kinds, history, picked = facts[ranked.candidate.key]
        amount = project.full_total if project else None
        rows.append(
            PlanRow(
                ranked=ranked,
                project=project,
                candidate=extra,
                kinds=kinds,
                special_kind=first_special_kind(kinds, rules),
                key_test=is_key_project(amount, kinds, rules),
                history=history,
                picked=picked,
                plan_year=year,
            )
        )
    return _filtered(rows, filters or {}, year)


def _candidate(name, amount, extra: KeyCandidate | None, history: History, key) -> Candidate:
    return Candidate(
        name=name,
        amount=amount,
        beneficiaries=extra.beneficiaries if extra else 0,
        units=extra.units_involved if extra else 0,
        attention=bool(extra and extra.public_attention),
        attention_note=extra.attention_note if extra else "",
        last_evaluated_year=history.year,
        last_grade=history.grade or None,
        key=key,
    )


def department_units(unit_id, year: int) -> set[int]:
    """A unit and its level-2 units in the year."""
    children = UnitYear.objects.filter(parent_id=unit_id, year=year).values_list(
        "unit_id", flat=True
    )
    return {int(unit_id), *children}


def _filtered(rows: list[PlanRow], filters: dict, year: int) -> list[PlanRow]:
    unit = str(filters.get("unit") or "")
    if unit.isdigit():
        units = department_units(unit, year - 1)
        rows = [r for r in rows if r.project and r.project.unit_id in units]
    if filters.get("special_kind"):
        rows = [r for r in rows if filters["special_kind"] in r.kinds]
    if filters.get("key_only"):
        rows = [r for r in rows if r.key_test]
    return rows


@dataclass
class CoverRow:
    """A key project of a first-level unit and its five-year cover."""

    project: Project
    key_test: object
    history: History
    cover: object  # selection.Cover


def cover_rows(*, user, region, year: int) -> list[tuple[Unit, list[CoverRow]]]:
    """Every first-level unit's key projects of the candidates' year (its own and its level-2
    units'), with when each was last key-evaluated and whether it is due this year."""
    rules = key_rules(region, year)
    project_year = year - 1
    parents = dict(
        UnitYear.objects.filter(unit__region=region, year=project_year, level=2).values_list(
            "unit_id", "parent_id"
        )
    )
    projects = (
        Project.objects.visible_to(user)
        .filter(region=region, year=project_year)
        .select_related("unit")
        .prefetch_related("kinds")
        .order_by("code")
    )
    keyed = []
    for project in projects:
        test = is_key_project(project.full_total, [k.label for k in project.kinds.all()], rules)
        if test:
            keyed.append((project, test))
    histories, _subjects = _histories(region, year, [p.code for p, _t in keyed], [])
    groups: dict[int, list[CoverRow]] = {}
    for project, test in keyed:
        history = histories[project.code]
        row = CoverRow(project, test, history, cover_due(history.year, year, rules))
        groups.setdefault(parents.get(project.unit_id, project.unit_id), []).append(row)
    units = Unit.objects.in_bulk(list(groups))
    return [(units[pk], groups[pk]) for pk in sorted(groups, key=lambda pk: units[pk].code)]


# --------------------------------------------------------------------------- writes


def _candidate_for(*, region, year: int, project=None, candidate=None) -> KeyCandidate:
    if candidate is not None:
        if candidate.region_id != region.pk or candidate.year != year:
            raise ValidationError(_("该备选项目不属于本年度的评价计划。"))
        return candidate
    if project is None or project.region_id != region.pk or project.year != year - 1:
        raise ValidationError(_("只能为 %(y)s 年度的项目填写遴选信息。") % {"y": year - 1})
    row, _created = KeyCandidate.objects.get_or_create(region=region, year=year, project=project)
    return row


@transaction.atomic
def candidate_save(
    *,
    actor,
    region,
    year: int,
    project=None,
    candidate=None,
    beneficiaries: int,
    units_involved: int,
    public_attention: bool,
    attention_note: str = "",
) -> KeyCandidate:
    """Record a candidate's coverage (受益人数, 涉及单位数) and public attention (flag + note)."""
    _require_office(actor)
    row = _candidate_for(region=region, year=year, project=project, candidate=candidate)
    if beneficiaries < 0 or units_involved < 0:
        raise ValidationError(_("受益人数和涉及单位数不能为负数。"))
    row.beneficiaries = beneficiaries
    row.units_involved = units_involved
    row.public_attention = public_attention
    row.attention_note = attention_note.strip()[:300]
    row.save()
    return row


@transaction.atomic
def policy_add(*, actor, region, year: int, subject: str) -> KeyCandidate:
    """A policy (or any candidate without a project line) added to the plan by name."""
    _require_office(actor)
    subject = " ".join(subject.split())[:300]
    if not subject:
        raise ValidationError(_("请填写政策名称。"))
    exists = KeyCandidate.objects.filter(
        region=region, year=year, project__isnull=True, subject=subject
    )
    if exists.exists():
        raise ValidationError(_("“%(s)s”已在本年度的备选清单中。") % {"s": subject})
    return KeyCandidate.objects.create(region=region, year=year, subject=subject)


def _framework(rules: dict, special_kind: str):
    try:
        return default_framework(rules, special_kind or None)
    except FrameworkError as exc:
        raise ValidationError(str(exc)) from None


@transaction.atomic
def evaluation_pick(
    *, actor, region, year: int, project=None, candidate=None, unit=None
) -> KeyEvaluation:
    """Pick a candidate as a key evaluation of work year `year` (立项): a project (kind
    `special_fund` for a 专项资金 project, else `project`) or a policy (kind `policy`, with the
    unit responsible for it). It gets the default framework with the project's first special
    kind's set, and its selection score and explanation."""
    _require_office(actor)
    rows = plan_rows(user=actor, region=region, year=year)
    key = (
        ("project", project.pk) if project is not None else ("policy", getattr(candidate, "pk", 0))
    )
    row = next((r for r in rows if r.ranked.candidate.key == key), None)
    if row is None:
        raise ValidationError(_("该项目不在 %(y)s 年的评价备选清单中。") % {"y": year})
    if row.picked is not None:
        raise ValidationError(_("“%(s)s”已列入 %(y)s 年重点评价。") % {"s": row.name, "y": year})
    rules = key_rules(region, year)
    fields = {
        "region": region,
        "year": year,
        "subject": row.name,
        "selection_score": row.ranked.total,
        "selection_note": str(row.ranked.explanation),
    }
    if project is not None:
        kinds = {k.code for k in project.kinds.all()}
        fields |= {
            "project": project,
            "unit": project.unit,
            "kind": KeyKind.SPECIAL_FUND if SPECIAL_FUND in kinds else KeyKind.PROJECT,
            "special_kind": row.special_kind,
            "amount": project.full_total,
        }
    else:
        if unit is None or unit.region_id != region.pk:
            raise ValidationError(_("请选择政策的主管单位（被评价单位）。"))
        fields |= {"unit": unit, "kind": KeyKind.POLICY}
    return evaluation_create(indicators=_framework(rules, fields.get("special_kind", "")), **fields)


# --------------------------------------------------------------------------- 部门评价


def department_unit(user, year: int) -> Unit | None:
    """The first-level unit whose leader or filer `user` is (None otherwise)."""
    if not (user.has_role(Role.LEADER, Role.FILER) and user.unit_id):
        return None
    levels = UnitYear.objects.filter(unit_id=user.unit_id, year__in=[year, year - 1])
    if levels.filter(level=1).exists():
        return user.unit
    return None


def department_projects(user, year: int, *, own: bool = False):
    """The projects of year−1 a first-level unit may evaluate: those of its level-2 units (the
    commissioning unit never evaluates itself); with `own`, its own projects too."""
    unit = department_unit(user, year)
    if unit is None:
        return Project.objects.none()
    units = department_units(unit.pk, year - 1) - (set() if own else {unit.pk})
    return (
        Project.objects.visible_to(user)
        .filter(year=year - 1, unit_id__in=units)
        .select_related("unit")
        .order_by("unit__code", "code")
    )


@transaction.atomic
def department_evaluation_create(*, actor, year: int, project) -> KeyEvaluation:
    """A department evaluation (部门评价) of one of the first-level unit's projects, commissioned
    by the unit itself; it follows the key evaluation's workflow with the unit's leader acting
    for the office. The commissioning unit is never the evaluated unit (财预〔2021〕6号)."""
    unit = department_unit(actor, year)
    if unit is None:
        raise PermissionDenied(_("只有一级预算单位的填报或审核人员可以组织部门评价。"))
    if not department_projects(actor, year, own=True).filter(pk=project.pk).exists():
        raise ValidationError(
            _("只能对本部门（本单位及所属二级单位）%(y)s 年度的项目组织部门评价。")
            % {"y": year - 1}
        )
    rules = key_rules(project.region, year)
    facts = EvaluationFacts(
        unit=project.unit.code,
        unit_name=project.unit.name,
        year=year,
        on=timezone.localdate(),
        commissioning_unit=unit.code,
    )
    refusals = conflict_reasons(Party(name=""), facts, rules)
    if refusals:
        raise ValidationError([str(r) for r in refusals])
    if KeyEvaluation.objects.filter(year=year, project=project, commissioner=unit).exists():
        raise ValidationError(_("本年度已对该项目组织部门评价。"))
    kinds = [k.label for k in project.kinds.all()]
    special = first_special_kind(kinds, rules)
    codes = {k.code for k in project.kinds.all()}
    return evaluation_create(
        indicators=_framework(rules, special),
        region=project.region,
        year=year,
        subject=project.name,
        kind=KeyKind.SPECIAL_FUND if SPECIAL_FUND in codes else KeyKind.PROJECT,
        special_kind=special,
        project=project,
        unit=project.unit,
        commissioner=unit,
        amount=project.full_total,
    )
