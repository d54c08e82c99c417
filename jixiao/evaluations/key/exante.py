"""Ex-ante assessments (事前绩效评估, DOMAIN.md §7): a unit's filer asks for one for a new
project of the budget year (one the rules say needs it: `gate.ex_ante_need`) or a new policy;
its leader submits it; the performance office accepts it, puts experts on its panel, they score
the five dimensions (立项必要性, 投入经济性, 绩效目标合理性, 实施方案可行性, 筹资合规性, from the
rulebook) on the shared scoring pages, and the office concludes 予以支持 / 调整后支持 / 不予支持
(the rules suggest one; another needs a reason), with a report in Word. The budget gate
(`gate.py`) reads the conclusion."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.budgets.models import Project
from jixiao.core import attachments, audit, edit_stamp
from jixiao.orgs.models import Role, UnitYear

from .conflicts import EvaluationFacts
from .conflicts import conflict_reasons as _conflict_reasons
from .docx_writer import OfficialDocx
from .ex_ante import conclusion_refusal, ex_ante_conclusion
from .gate import ex_ante_need, requested_amount
from .models import ExAnteAssessment, ExAnteStatus, Expert, PanelMember
from .services import exante_transition, panel_create
from .work import rules_of
from .workflow import EX_ANTE_WORKFLOW

DIMENSION_LEVEL1 = "事前绩效评估"
#: While the office may staff the panel: before any expert has submitted.
STAFFING = frozenset({ExAnteStatus.SUBMITTED, ExAnteStatus.SCORING})
TEXT_FIELDS = ("necessity", "plan", "funding")


def dimensions(rules: dict) -> list[dict]:
    """The rulebook's five dimensions as panel indicators."""
    return [
        {"level1": DIMENSION_LEVEL1, "level2": "", "level3": d["name"], "weight": d["weight"],
         "standard": d.get("standard", "")}
        for d in rules["ex_ante"]["dimensions"]
    ]  # fmt: skip


def _rules(region, year: int) -> dict:
    from jixiao.core.rulebook import rules_for

    return rules_for(region.lineage_codes, year).section("key_evaluation")


def exante_candidates(*, user, region, year: int):
    """The projects of the budget year in the filer's units that need an assessment and have
    none yet, each with the reason it needs one: [(project, reason)]."""
    if not user.has_role(Role.FILER) or region is None:
        return []
    rules = _rules(region, year)
    projects = (
        Project.objects.visible_to(user)
        .filter(region=region, year=year, unit_id__in=user.get_scope().unit_ids)
        .exclude(ex_ante_assessments__isnull=False)
        .select_related("region", "unit")
        .order_by("code")
    )
    found = []
    for project in projects:
        reason = ex_ante_need(project, year, rules)
        if reason:
            found.append((project, str(reason)))
    return found


def _require_filer(actor, unit_id: int) -> None:
    if not (actor.has_role(Role.FILER) and unit_id in actor.get_scope().unit_ids):
        raise PermissionDenied(_("只有本单位的填报人员可以申请事前绩效评估。"))


@transaction.atomic
def exante_create(
    *,
    actor,
    region,
    year: int,
    project: Project | None = None,
    subject: str = "",
    unit=None,
    amount: Decimal | None = None,
    **texts,
) -> ExAnteAssessment:
    """A new assessment (draft) of a project that needs one, or of a new policy (`subject`,
    `unit` and `amount` given, no project)."""
    rules = _rules(region, year)
    if project is not None:
        if not Project.objects.visible_to(actor).filter(pk=project.pk).exists():
            raise PermissionDenied(_("项目不在您的权限范围内。"))
        _require_filer(actor, project.unit_id)
        if project.year != year or project.region_id != region.pk:
            raise ValidationError(_("只能为本年度的预算项目申请事前绩效评估。"))
        if ExAnteAssessment.objects.filter(project=project).exists():
            raise ValidationError(_("该项目已有事前绩效评估。"))
        if not ex_ante_need(project, year, rules):
            raise ValidationError(
                _("项目“%(p)s”不是新增项目或金额未达到事前评估标准%(line)s万元，无需事前绩效评估。")
                % {"p": project.name, "line": rules["ex_ante"]["line"]}
            )
        fields = {"unit": project.unit, "subject": project.name, "is_policy": False,
                  "amount": requested_amount(project)}  # fmt: skip
    else:
        if unit is None or not subject.strip():
            raise ValidationError(_("请填写新出台政策的名称和申报单位。"))
        _require_filer(actor, unit.pk)
        fields = {"unit": unit, "subject": subject.strip()[:300], "is_policy": True,
                  "amount": amount}  # fmt: skip
    texts = {k: str(texts.get(k) or "").strip() for k in TEXT_FIELDS}
    return ExAnteAssessment.objects.create(
        region=region,
        year=year,
        project=project,
        panel=panel_create(dimensions(rules)),
        **fields,
        **texts,
    )


@transaction.atomic
def exante_save(
    *, actor, assessment: ExAnteAssessment, loaded: str | None = None, **texts
) -> ExAnteAssessment:
    """The filer's texts (necessity, implementation plan, funding) while editable; refused
    (`edit_stamp.Overwritten`) when it was saved since the form's `loaded` stamp."""
    assessment = (
        ExAnteAssessment.objects.select_for_update(of=("self",))
        .select_related("unit", "project", "region")
        .get(pk=assessment.pk)
    )
    EX_ANTE_WORKFLOW.require_editable(assessment, actor)
    edit_stamp.check(assessment, loaded)
    for key in TEXT_FIELDS:
        if key in texts:
            setattr(assessment, key, str(texts[key] or "").strip())
    assessment.save(update_fields=[*TEXT_FIELDS, "updated_at"])
    return assessment


def _facts(assessment: ExAnteAssessment) -> EvaluationFacts:
    level2 = UnitYear.objects.filter(parent_id=assessment.unit_id, year=assessment.year)
    return EvaluationFacts(
        unit=assessment.unit.code,
        unit_name=assessment.unit.name,
        year=assessment.year,
        on=timezone.localdate(),
        level2_units=frozenset(level2.values_list("unit__code", flat=True)),
    )


@transaction.atomic
def exante_expert_assign(*, actor, assessment, expert: Expert, declaration_file) -> PanelMember:
    """The performance office puts an expert on the assessment's panel, with their signed 回避
    declaration; refused with every conflict's reason (employer, declared ties)."""
    from .registry import expert_party

    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以选派评审专家。"))
    assessment = ExAnteAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    if (
        assessment.status not in STAFFING
        or assessment.panel.members.filter(submitted_at__isnull=False).exists()
    ):
        raise ValidationError(_("事前评估处于“%(s)s”状态，不能再选派专家。") % {
            "s": assessment.get_status_display()})  # fmt: skip
    if expert.region_id != assessment.region_id or not expert.available:
        raise ValidationError(_("专家 %(n)s 不在本区划专家库中或目前不能参加评审。") % {
            "n": expert.name})  # fmt: skip
    if assessment.panel.members.filter(expert=expert).exists():
        raise ValidationError(_("专家 %(n)s 已在评审组中。") % {"n": expert.name})
    reasons = _conflict_reasons(expert_party(expert), _facts(assessment), rules_of(assessment))
    if reasons:
        raise ValidationError([str(r) for r in reasons])
    if not declaration_file:
        raise ValidationError(_("请上传专家 %(n)s 签署的回避声明（承诺书）。") % {"n": expert.name})
    attachments.check_upload_size(getattr(declaration_file, "size", None))
    member = PanelMember.objects.create(panel=assessment.panel, expert=expert, assigned_by=actor)
    attachments.attachment_add(obj=member, name=declaration_file.name,
                               data=declaration_file.read(), actor=actor,
                               description=_("回避声明"), can_change=True)  # fmt: skip
    audit.record(action="update", instance=assessment, actor=actor,
                 message=_("选派评审专家：%(n)s") % {"n": expert.name})  # fmt: skip
    return member


def suggestion(assessment: ExAnteAssessment):
    """The rules' suggested conclusion from the panel's dimension scores (`ex_ante` result)."""
    scores = {i.level3: i.score for i in assessment.panel.indicators.all()}
    return ex_ante_conclusion(scores, rules_of(assessment))


def exante_act(*, actor, assessment, name: str, comment: str = "", attest=False, conclusion=""):
    """A workflow step; concluding sets the conclusion first (`conclusion`, with `comment` as
    the reason, required when it departs from the suggestion)."""
    if name != "conclude":
        return exante_transition(
            actor=actor, assessment=assessment, name=name, comment=comment, attest=attest
        )
    with transaction.atomic():
        if not actor.has_role(Role.PERFORMANCE):
            raise PermissionDenied(_("只有绩效办可以出具评估结论。"))
        assessment = ExAnteAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
        if assessment.status != ExAnteStatus.SCORING:
            raise ValidationError(_("事前评估处于“%(s)s”状态，不能出具结论。") % {
                "s": assessment.get_status_display()})  # fmt: skip
        result = suggestion(assessment)
        if result.total is None:
            raise ValidationError(str(result.explanation))
        refusal = conclusion_refusal(conclusion, result.conclusion, comment, rules_of(assessment))
        if refusal:
            raise ValidationError(str(refusal))
        ExAnteAssessment.objects.filter(pk=assessment.pk).update(
            conclusion=conclusion, conclusion_reason=comment.strip(), score=result.total
        )

        def stamp(row, transition):
            row.concluded_on = timezone.localdate()

        from jixiao.core.workflow import perform

        return perform(obj=assessment, name="conclude", actor=actor, workflow=EX_ANTE_WORKFLOW,
                       comment=comment, before_save=stamp)  # fmt: skip


def exante_report_docx(assessment: ExAnteAssessment) -> bytes:
    """The assessment's report (事前绩效评估报告) in the official layout."""
    doc = OfficialDocx()
    doc.title(_("%(s)s事前绩效评估报告") % {"s": assessment.subject})
    doc.heading(_("一、基本情况"))
    kind = _("新出台政策") if assessment.is_policy else _("新增项目")
    amount = "—" if assessment.amount is None else f"{assessment.amount.quantize(Decimal('0.01'))}"
    doc.para(_("评估对象：%(s)s（%(k)s），申报单位：%(u)s，预算年度：%(y)s年，申请金额：%(a)s万元。")
             % {"s": assessment.subject, "k": kind, "u": assessment.unit.name,
                "y": assessment.year, "a": amount})  # fmt: skip
    for label, text in ((_("立项必要性"), assessment.necessity), (_("实施方案"), assessment.plan),
                        (_("筹资方案"), assessment.funding)):  # fmt: skip
        if text:
            doc.para(f"{label}：{text}")
    doc.heading(_("二、评估工作开展情况"))
    names = "、".join(m.expert.name for m in assessment.panel.members.select_related("expert"))
    doc.para(_("绩效办组织评审专家（%(n)s）对立项必要性、投入经济性、绩效目标合理性、实施方案可行性和"
               "筹资合规性五个方面独立评分。") % {"n": names or "—"})  # fmt: skip
    doc.heading(_("三、评估结论"))
    rows = [(i.level3, f"{i.weight:f}", "—" if i.score is None else f"{i.score:f}")
            for i in assessment.panel.indicators.all()]  # fmt: skip
    doc.table([_("评估维度"), _("分值"), _("得分")], rows)
    doc.para(_("评估得分%(t)s分，评估结论：%(c)s。") % {
        "t": assessment.score if assessment.score is not None else "—",
        "c": assessment.conclusion or _("尚未出具")})  # fmt: skip
    if assessment.conclusion_reason:
        doc.para(_("结论说明：%(r)s") % {"r": assessment.conclusion_reason})
    doc.heading(_("四、评估意见"))
    doc.para(_("未获“予以支持”或“调整后支持”结论的项目不得申请预算；调整后支持的，申报单位应按评估意见"
               "调整后再申报预算。"))  # fmt: skip
    if assessment.concluded_on:
        doc.para(_("绩效办"), indent=False, right=True)
        doc.para(assessment.concluded_on.strftime("%Y-%m-%d"), indent=False, right=True)
    return doc.to_bytes()
