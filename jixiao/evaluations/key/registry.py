"""The registries of third-party agencies and experts, their assignment to a key evaluation
with the conflict-of-interest checks (回避, `conflicts.conflict_reasons`) and signed declarations,
the office's score of an agency's work (执业质量), and the bureau's random quality checks of
finished reports (财监〔2021〕4号). Every write refuses with a Chinese reason
(ValidationError, PermissionDenied).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import attachments, audit
from jixiao.core.phones import phone_refusal
from jixiao.orgs.models import Role, Unit, UnitYear, User

from .conflicts import AGENCY, EXPERT, Blacklisting, EvaluationFacts, Party, Violation
from .conflicts import conflict_reasons as _conflict_reasons
from .credit_code import check_credit_code, normalise_credit_code
from .models import (
    Agency,
    AgencyEngagement,
    Expert,
    ExpertScore,
    KeyEvaluation,
    KeyStatus,
    PanelMember,
    QualityCheck,
)
from .plan import key_rules
from .workflow import commissioning_office

#: While the office may still change who does the evaluation.
ASSIGNABLE = frozenset({KeyStatus.DRAFT, KeyStatus.NOTIFIED})
#: When the office scores the agency's work: the final report is in.
QUALITY_SCORABLE = frozenset({KeyStatus.RESPONDED, KeyStatus.FINAL})
HUNDRED = Decimal(100)


def _require_office(actor) -> None:
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以管理第三方机构和专家库。"))


def _decimal(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(l)s“%(v)s”不是数字。") % {"l": label, "v": value}) from None
    if not number.is_finite() or not 0 <= number <= HUNDRED:
        raise ValidationError(_("%(l)s须在 0 到 100 之间。") % {"l": label})
    return number


# --------------------------------------------------------------------------- agencies

AGENCY_FIELDS = (
    "name",
    "credit_code",
    "qualifications",
    "contact",
    "phone",
    "blacklisted",
    "blacklist_reason",
    "blacklist_from",
    "blacklist_until",
    "violation_on",
    "violation_note",
)


def accounts_with_role(region, role: str) -> list:
    """Accounts that may log in for an agency (role agency) or as an expert (role expert):
    active users of the region holding the role."""
    return [u for u in User.objects.filter(region=region, is_active=True) if u.has_role(role)]


@transaction.atomic
def agency_save(*, actor, region, agency: Agency | None = None, members=(), **fields) -> Agency:
    """Create or change an agency of the region's registry. The 统一社会信用代码 must pass its
    check character; a blacklisting needs its reason; members are agency accounts."""
    _require_office(actor)
    fields = {k: fields[k] for k in AGENCY_FIELDS if k in fields}
    code = normalise_credit_code(fields.get("credit_code", ""))
    errors = {}
    refusal = check_credit_code(code)
    if refusal:
        errors["credit_code"] = str(refusal)
    elif (
        Agency.objects.filter(region=region, credit_code=code)
        .exclude(pk=getattr(agency, "pk", None))
        .exists()
    ):
        errors["credit_code"] = _("统一社会信用代码 %(c)s 已在机构库中。") % {"c": code}
    if not (fields.get("name") or "").strip():
        errors["name"] = _("请填写机构名称。")
    if refusal := phone_refusal(fields.get("phone", "")):
        errors["phone"] = refusal
    if fields.get("blacklisted") and not (fields.get("blacklist_reason") or "").strip():
        errors["blacklist_reason"] = _("列入黑名单须写明原因。")
    start, end = fields.get("blacklist_from"), fields.get("blacklist_until")
    if start and end and end < start:
        errors["blacklist_until"] = _("黑名单截止日期不能早于起始日期。")
    bad = [u for u in members if u.region_id != region.pk or not u.has_role(Role.AGENCY)]
    if bad:
        errors["members"] = _("登录账号须是本区划具有“第三方机构”角色的账号：%(n)s。") % {
            "n": "、".join(u.username for u in bad)
        }
    if errors:
        raise ValidationError(errors)
    fields["credit_code"] = code
    agency = agency or Agency(region=region)
    for name, value in fields.items():
        setattr(agency, name, value)
    agency.save()
    agency.members.set(members)
    return agency


@transaction.atomic
def engagement_add(*, actor, agency: Agency, unit: Unit, year: int, kind: str, note: str = ""):
    """Record other work the agency did for a unit (its self-evaluation, consulting)."""
    _require_office(actor)
    if unit.region_id != agency.region_id:
        raise ValidationError(_("单位须是本区划的预算单位。"))
    if kind not in AgencyEngagement.Kind.values:
        raise ValidationError(_("请选择业务类型（自评或咨询）。"))
    return AgencyEngagement.objects.create(
        agency=agency, unit=unit, year=year, kind=kind, note=note.strip()[:200]
    )


def agency_ranking(region):
    """The region's agencies by their average 执业质量 score (highest first; none scored after
    those scored), blacklisted ones last."""
    rows = Agency.objects.filter(region=region).annotate(
        quality=Avg("evaluations__agency_quality_score")
    )
    return sorted(
        rows,
        key=lambda a: (a.blacklisted, a.quality is None, -(a.quality or 0), a.name),
    )


def agency_quality_average(agency: Agency) -> Decimal | None:
    average = agency.evaluations.aggregate(q=Avg("agency_quality_score"))["q"]
    return None if average is None else Decimal(average).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- experts

EXPERT_FIELDS = (
    "name",
    "fields_of_expertise",
    "employer",
    "employer_unit",
    "title",
    "phone",
    "available",
    "user",
)


@transaction.atomic
def expert_save(*, actor, region, expert: Expert | None = None, ties=(), **fields) -> Expert:
    """Create or change an expert of the region's registry, with the units they declared a tie
    with."""
    _require_office(actor)
    fields = {k: fields[k] for k in EXPERT_FIELDS if k in fields}
    errors = {}
    if not (fields.get("name") or "").strip():
        errors["name"] = _("请填写专家姓名。")
    if refusal := phone_refusal(fields.get("phone", "")):
        errors["phone"] = refusal
    user = fields.get("user")
    if user is not None:
        if user.region_id != region.pk or not user.has_role(Role.EXPERT):
            errors["user"] = _("登录账号须是本区划具有“专家”角色的账号。")
        elif Expert.objects.filter(user=user).exclude(pk=getattr(expert, "pk", None)).exists():
            errors["user"] = _("账号 %(u)s 已属于另一位专家。") % {"u": user.username}
    employer_unit = fields.get("employer_unit")
    if employer_unit is not None and employer_unit.region_id != region.pk:
        errors["employer_unit"] = _("工作单位须是本区划的预算单位。")
    if any(u.region_id != region.pk for u in ties):
        errors["ties"] = _("利害关系单位须是本区划的预算单位。")
    if errors:
        raise ValidationError(errors)
    if employer_unit is not None and not (fields.get("employer") or "").strip():
        fields["employer"] = employer_unit.name
    expert = expert or Expert(region=region)
    for name, value in fields.items():
        setattr(expert, name, value)
    expert.save()
    expert.ties.set(ties)
    return expert


# --------------------------------------------------------------------------- conflicts


def evaluation_facts(evaluation: KeyEvaluation, on=None) -> EvaluationFacts:
    """The evaluation as the conflict rules see it; units are named by their codes."""
    level2 = UnitYear.objects.filter(
        parent_id=evaluation.unit_id, year__in=[evaluation.year, evaluation.year - 1]
    ).values_list("unit__code", flat=True)
    return EvaluationFacts(
        unit=evaluation.unit.code,
        unit_name=evaluation.unit.name,
        year=evaluation.year,
        on=on or timezone.localdate(),
        level2_units=frozenset(level2),
        commissioning_unit=evaluation.commissioner.code if evaluation.commissioner_id else None,
    )


def agency_party(agency: Agency) -> Party:
    engagements = list(agency.engagements.select_related("unit"))

    def done(kind):
        return frozenset((e.unit.code, e.year) for e in engagements if e.kind == kind)

    blacklist = ()
    if agency.blacklisted:
        blacklist = (
            Blacklisting(agency.blacklist_reason, agency.blacklist_from, agency.blacklist_until),
        )
    violations = ()
    if agency.violation_on:
        violations = (Violation(agency.violation_on, agency.violation_note),)
    return Party(
        name=agency.name,
        kind=AGENCY,
        self_evaluations=done(AgencyEngagement.Kind.SELFEVAL),
        consulting=done(AgencyEngagement.Kind.CONSULTING),
        blacklist=blacklist,
        violations=violations,
    )


def expert_party(expert: Expert) -> Party:
    return Party(
        name=expert.name,
        kind=EXPERT,
        employer=expert.employer_unit.code if expert.employer_unit_id else None,
        ties=frozenset(expert.ties.values_list("code", flat=True)),
    )


def conflict_reasons(person: Agency | Expert, evaluation: KeyEvaluation) -> list[str]:
    """Every reason the agency or expert may not work on the evaluation (empty: none)."""
    party = agency_party(person) if isinstance(person, Agency) else expert_party(person)
    rules = key_rules(evaluation.region, evaluation.year)
    return [str(r) for r in _conflict_reasons(party, evaluation_facts(evaluation), rules)]


def _require_assignable(actor, evaluation: KeyEvaluation) -> None:
    refusal = commissioning_office(evaluation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    if evaluation.status not in ASSIGNABLE:
        raise ValidationError(
            _("评价处于“%(s)s”状态，已不能更换第三方机构或专家。")
            % {"s": evaluation.get_status_display()}
        )


def _same_region(person, evaluation) -> None:
    if person.region_id != evaluation.region_id:
        raise ValidationError(_("只能选派本区划库中的机构和专家。"))


@transaction.atomic
def agency_assign(*, actor, evaluation: KeyEvaluation, agency: Agency) -> KeyEvaluation:
    """Entrust the evaluation to an agency, refused with every conflict's reason."""
    _require_assignable(actor, evaluation)
    _same_region(agency, evaluation)
    reasons = conflict_reasons(agency, evaluation)
    if reasons:
        raise ValidationError(reasons)
    evaluation.agency = agency
    evaluation.save(update_fields=["agency", "updated_at"])
    return evaluation


@transaction.atomic
def expert_assign(*, actor, evaluation: KeyEvaluation, expert: Expert, declaration_file):
    """Put an expert on the evaluation's panel with their signed 回避 declaration (an uploaded
    file: it is checked and kept as the member row's attachment)."""
    _require_assignable(actor, evaluation)
    _same_region(expert, evaluation)
    if not expert.available:
        raise ValidationError(_("专家 %(n)s 目前不能参加评审。") % {"n": expert.name})
    if evaluation.panel.members.filter(expert=expert).exists():
        raise ValidationError(_("专家 %(n)s 已在评审组中。") % {"n": expert.name})
    reasons = conflict_reasons(expert, evaluation)
    if reasons:
        raise ValidationError(reasons)
    if not declaration_file:
        raise ValidationError(_("请上传专家 %(n)s 签署的回避声明（承诺书）。") % {"n": expert.name})
    attachments.check_upload_size(getattr(declaration_file, "size", None))
    member = PanelMember.objects.create(panel=evaluation.panel, expert=expert, assigned_by=actor)
    attachments.attachment_add(
        obj=member,
        name=declaration_file.name,
        data=declaration_file.read(),
        actor=actor,
        description=_("回避声明"),
        can_change=True,
    )
    audit.record(
        action="update",
        instance=evaluation,
        actor=actor,
        message=_("选派评审专家：%(n)s") % {"n": expert.name},
    )
    return member


@transaction.atomic
def expert_unassign(*, actor, evaluation: KeyEvaluation, member: PanelMember) -> None:
    """Take an expert off the panel before scoring starts; the declaration stays on file."""
    refusal = commissioning_office(evaluation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    if member.panel_id != evaluation.panel_id:
        raise ValidationError(_("该专家不在本评价的评审组中。"))
    if ExpertScore.objects.filter(member__panel=evaluation.panel).exists():
        raise ValidationError(_("专家已开始评分，评审组不能再调整。"))
    for attachment in attachments.attachments_of(member):
        attachments.attachment_remove(attachment=attachment, actor=actor, can_change=True)
    name = member.expert.name
    member.delete()
    audit.record(
        action="update",
        instance=evaluation,
        actor=actor,
        message=_("撤回评审专家：%(n)s") % {"n": name},
    )


def declarations(evaluation: KeyEvaluation) -> dict[int, list]:
    """The members' declarations (attachments), by member id."""
    from django.contrib.contenttypes.models import ContentType

    from jixiao.core.models import Attachment

    members = list(evaluation.panel.members.values_list("pk", flat=True))
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(PanelMember),
        object_id__in=members,
        removed_at__isnull=True,
    )
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row.object_id, []).append(row)
    return found


@transaction.atomic
def agency_quality_score(*, actor, evaluation: KeyEvaluation, score, note: str = ""):
    """The office's score (0–100) of the agency's work on the evaluation (执业质量), once the
    final report is in; it feeds the agency's ranking."""
    refusal = commissioning_office(evaluation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    if evaluation.agency_id is None:
        raise ValidationError(_("本评价没有委托第三方机构。"))
    if evaluation.status not in QUALITY_SCORABLE:
        raise ValidationError(
            _("评价处于“%(s)s”状态：收到最终报告后才能评定机构执业质量。")
            % {"s": evaluation.get_status_display()}
        )
    evaluation.agency_quality_score = _decimal(score, _("执业质量评分"))
    evaluation.agency_quality_note = note.strip()
    evaluation.save(update_fields=["agency_quality_score", "agency_quality_note", "updated_at"])
    return evaluation


# --------------------------------------------------------------------------- quality checks


def sample_size(population: int, rules: dict) -> int:
    """How many of `population` reports are drawn: the share rounded up, at least the minimum
    (never more than there are)."""
    share = Decimal(str(rules["share"]))
    wanted = int((share * population).to_integral_value(rounding="ROUND_CEILING"))
    return min(population, max(wanted, int(rules["minimum"])))


def draw_sample(ids, size: int, seed: str) -> list[int]:
    """The ids drawn by lot: `size` of the sorted `ids`, by Python's random with `seed` (the same
    seed and ids give the same draw anywhere)."""
    ordered = sorted(ids)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def quality_rules(region, year: int) -> dict:
    from jixiao.core.rulebook import rules_for

    return rules_for(region.lineage_codes, year).section("key_quality_check")


def quality_population(region, year: int, until=None) -> list[int]:
    """The ids of the year's archived evaluations done by an agency (archived by `until`)."""
    rows = KeyEvaluation.objects.filter(
        region=region, year=year, status=KeyStatus.ARCHIVED, agency__isnull=False
    )
    if until is not None:
        rows = rows.filter(Q(archived_on__isnull=True) | Q(archived_on__lte=until))
    return sorted(rows.values_list("pk", flat=True))


@dataclass(frozen=True)
class Draw:
    seed: str
    population: list[int]
    drawn: list[int]


@transaction.atomic
def quality_draw(*, actor, region, year: int, seed: str = "") -> Draw:
    """Draw the year's quality checks: a sample of the archived reports by the rulebook's share,
    with the seed kept so anyone can repeat the draw. One draw a year."""
    _require_office(actor)
    if QualityCheck.objects.filter(region=region, year=year).exists():
        raise ValidationError(_("%(y)s 年的质量抽查已经抽取过。") % {"y": year})
    population = quality_population(region, year)
    if not population:
        raise ValidationError(_("%(y)s 年还没有已归档的第三方评价报告可供抽查。") % {"y": year})
    seed = (seed or "").strip()[:64] or secrets.token_hex(8)
    drawn = draw_sample(population, sample_size(len(population), quality_rules(region, year)), seed)
    for pk in drawn:
        QualityCheck.objects.create(
            region=region, year=year, evaluation_id=pk, drawn_by=actor, seed=seed
        )
    return Draw(seed, population, drawn)


def quality_redraw(region, year: int) -> Draw | None:
    """The stored draw repeated from its seed over the reports archived by the draw's day:
    `drawn` is what the seed gives, to compare with the checks on record."""
    first = QualityCheck.objects.filter(region=region, year=year).order_by("pk").first()
    if first is None:
        return None
    population = quality_population(region, year, until=timezone.localdate(first.drawn_at))
    size = sample_size(len(population), quality_rules(region, year))
    return Draw(first.seed, population, draw_sample(population, size, first.seed))


@transaction.atomic
def quality_record(*, actor, check: QualityCheck, reviewer: str, findings: str, score, done_on):
    """The re-reading of a drawn report: who re-read it, what they found and their score."""
    _require_office(actor)
    if not reviewer.strip() or not findings.strip():
        raise ValidationError(_("请填写复核人和复核发现。"))
    check.reviewer = reviewer.strip()[:100]
    check.findings = findings.strip()
    check.score = _decimal(score, _("复核评分"))
    check.done_on = done_on or timezone.localdate()
    check.save()
    return check
