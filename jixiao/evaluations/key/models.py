"""Key evaluations (重点评价, DOMAIN.md §6.4) and ex-ante assessments (事前绩效评估, §7): the
bureau's own half of the evaluation year.

Who is who:
- an `Agency` (第三方机构) and an `Expert` (专家) are kept in the region's registries; their
  logins are `members` / `user`, and what they reach is only what they are assigned to;
- a `ScoringPanel` is the indicators one evaluation (or one ex-ante assessment) is scored on,
  the experts on it (`PanelMember`, each with a signed 回避 declaration) and their raw scores
  (`ExpertScore`), kept as given; the panel's result per indicator is computed by the pure
  rules (`key.panel`), stored with its explanation, and a discussion may agree another score;
- a `KeyEvaluation` moves through planned → notified → work plan → fieldwork → draft report →
  the unit's response → final report → archived (`key.workflow`); its data requests, site
  visits (with photos), findings and report versions hang from it;
- an `ExAnteAssessment` is the same panel on five dimensions, ending in a conclusion the budget
  gate reads.

Working papers (attachments of an evaluation and of its parts) are never removed: an archived
evaluation's are kept at least ten years (财监〔2021〕4号), and nothing here deletes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from jixiao.budgets.models import MONEY
from jixiao.core.audit import audited
from jixiao.core.models import ReviewableDocument
from jixiao.core.scope import Scope, scope_filter
from jixiao.orgs.models import Region, RegionRow, Unit, unit_year_scope_q

SCORE = {"max_digits": 7, "decimal_places": 2}
LEVEL1 = (("决策", _("决策")), ("过程", _("过程")), ("产出", _("产出")), ("效益", _("效益")))


class KeyStatus(models.TextChoices):
    """DOMAIN.md §6.4's process; approving the work plan starts the fieldwork, approving the
    final report archives it."""

    DRAFT = "draft", _("已立项")
    NOTIFIED = "notified", _("已通知")
    PLAN_SUBMITTED = "plan_submitted", _("工作方案待批复")
    FIELDWORK = "fieldwork", _("现场评价")
    DRAFT_REPORT = "draft_report", _("报告初稿待反馈")
    RESPONDED = "responded", _("单位已反馈")
    FINAL = "final", _("最终报告待审定")
    ARCHIVED = "archived", _("已归档")


class KeyKind(models.TextChoices):
    PROJECT = "project", _("项目")
    POLICY = "policy", _("政策")
    SPECIAL_FUND = "special_fund", _("专项资金")
    UNIT = "unit", _("部门整体")


class ExAnteStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待绩效办受理")
    SCORING = "scoring", _("专家评审中")
    CONCLUDED = "concluded", _("已出结论")
    RETURNED = "returned", _("已退回")


class Conclusion(models.TextChoices):
    SUPPORT = "予以支持", _("予以支持")
    ADJUST = "调整后支持", _("调整后支持")
    REJECT = "不予支持", _("不予支持")


def _region_scope(scope: Scope) -> Q:
    return scope_filter(scope, region_path="region__path")


@audited
class Agency(RegionRow):
    """A third-party evaluation agency (第三方机构) in the region's registry."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    qualifications = models.TextField(_("资质"), blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), blank=True, related_name="agencies"
    )
    blacklisted = models.BooleanField(_("列入黑名单"), default=False)
    blacklist_reason = models.TextField(_("黑名单原因"), blank=True)
    blacklist_from = models.DateField(_("黑名单起始"), null=True, blank=True)
    blacklist_until = models.DateField(_("黑名单截止"), null=True, blank=True)
    # The last major violation in evaluation work: eligible again only after the rulebook's
    # years (DOMAIN.md §6.4: none in the last 3 years).
    violation_on = models.DateField(_("最近重大违规日期"), null=True, blank=True)
    violation_note = models.CharField(_("违规情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("第三方机构")
        verbose_name_plural = _("第三方机构")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "credit_code"], name="agency_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _region_scope(scope) | (
            Q(members=scope.assignee_id) if scope.assignee_id else Q(pk__in=[])
        )


class AgencyEngagement(models.Model):
    """Other work an agency did for a unit in a year (its self-evaluation, consulting): such an
    agency may not evaluate that unit that year (财预〔2021〕6号)."""

    class Kind(models.TextChoices):
        SELFEVAL = "selfeval", _("自评")
        CONSULTING = "consulting", _("咨询")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="engagements")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("业务类型"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.agency} · {self.unit} · {self.year}"


@audited
class Expert(RegionRow):
    """An expert (专家) in the region's registry."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    name = models.CharField(_("姓名"), max_length=50)
    fields_of_expertise = models.CharField(_("专业领域"), max_length=200, blank=True)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    # Set when the employer is a budget unit of the region: the conflict check needs it.
    employer_unit = models.ForeignKey(
        Unit,
        verbose_name=_("工作单位（预算单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("职称"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    available = models.BooleanField(_("可参加评审"), default=True)
    ties = models.ManyToManyField(
        Unit, verbose_name=_("申报的利害关系单位"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _region_scope(scope) | (
            Q(user=scope.assignee_id) if scope.assignee_id else Q(pk__in=[])
        )


class ScoringPanel(models.Model):
    """The indicators one evaluation or ex-ante assessment is scored on, and its experts."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"panel {self.pk}"

    def all_submitted(self) -> bool:
        """Experts see each other's scores only when every one of them has submitted."""
        members = list(self.members.all())
        return bool(members) and all(m.submitted_at for m in members)


class PanelIndicator(models.Model):
    """A third-level indicator (三级指标) with its weight, scoring standard and result."""

    panel = models.ForeignKey(ScoringPanel, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(default=0)
    level1 = models.CharField(_("一级指标"), max_length=20)
    level2 = models.CharField(_("二级指标"), max_length=100, blank=True)
    level3 = models.CharField(_("三级指标"), max_length=200)
    weight = models.DecimalField(_("分值"), **SCORE)
    standard = models.TextField(_("评分标准"), blank=True)
    rule = models.CharField(_("计分规则"), max_length=40, blank=True)
    # The panel's result: computed from the raw scores (mean or trimmed mean), kept with how.
    computed = models.DecimalField(_("专家评分结果"), **SCORE, null=True, blank=True)
    spread = models.DecimalField(_("极差"), **SCORE, null=True, blank=True)
    flagged = models.BooleanField(_("分歧较大需讨论"), default=False)
    explanation = models.TextField(_("计算说明"), blank=True)
    discussion = models.TextField(_("讨论记录"), blank=True)
    agreed = models.DecimalField(_("讨论确定得分"), **SCORE, null=True, blank=True)
    # The figures of its rate rule that the agency types ({input name: decimal text}); those
    # the data give (budget, spending) are read, not kept (key.rate_inputs).
    rate_inputs = models.JSONField(_("计分规则数据"), default=dict, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.level3

    @property
    def score(self):
        """The indicator's score: the one agreed after discussion, else the panel's."""
        return self.agreed if self.agreed is not None else self.computed


class PanelMember(models.Model):
    """An expert on a panel. The signed 回避 declaration is an attachment of this row."""

    panel = models.ForeignKey(ScoringPanel, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交评分时间"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="panel_member_once")
        ]

    def __str__(self) -> str:
        return str(self.expert)


class ExpertScore(models.Model):
    """One expert's raw score of one indicator, kept as given (比对打分)."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(PanelIndicator, on_delete=models.CASCADE, related_name="raw")
    score = models.DecimalField(_("评分"), **SCORE)
    reason = models.TextField(_("扣分理由"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "indicator"], name="expert_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.indicator}: {self.score}"


@audited
class KeyCandidate(RegionRow):
    """What the office knows of a candidate for selection (立项) beyond its budget: coverage and
    public attention. A candidate is a project of the previous year, or a policy by name."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("评价年度"), db_index=True)
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("政策或项目名称"), max_length=300, blank=True)
    beneficiaries = models.PositiveIntegerField(_("受益人数"), default=0)
    units_involved = models.PositiveIntegerField(_("涉及单位数"), default=0)
    public_attention = models.BooleanField(_("社会关注度高"), default=False)
    attention_note = models.CharField(_("关注情况说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评价备选项目")
        verbose_name_plural = _("评价备选项目")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "project"],
                condition=Q(project__isnull=False),
                name="key_candidate_once",
            )
        ]

    def __str__(self) -> str:
        return self.subject or str(self.project)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _region_scope(scope)


def _on_panel_q(scope: Scope) -> Q:
    """The documents whose panel seats the scope's expert (none without an assignee)."""
    if not scope.assignee_id:
        return Q(pk__in=[])
    on_panel = PanelMember.objects.filter(panel=OuterRef("panel"), expert__user=scope.assignee_id)
    return Q(Exists(on_panel))


def _assigned_q(scope: Scope) -> Q:
    """An agency's members and the experts on the panel reach the evaluation (DOMAIN.md §3)."""
    if not scope.assignee_id:
        return Q(pk__in=[])
    of_agency = Agency.members.through.objects.filter(
        agency_id=OuterRef("agency_id"), user_id=scope.assignee_id
    )
    return Q(Exists(of_agency)) | _on_panel_q(scope)


class PanelDocument(ReviewableDocument, RegionRow):
    """What a key evaluation and an ex-ante assessment share: a reviewed document of a region's
    year about its `subject`, scored by an expert panel, whose attachments change while the
    document itself may."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.subject

    def attachments_editable_by(self, user) -> bool:
        return self.edit_refusal(user) is None


@audited
class KeyEvaluation(PanelDocument):
    """One key evaluation (重点评价) of a project, policy, special fund or unit, done in the work
    year `year` on the previous year's spending; or a department evaluation (部门评价) when a
    first-level unit commissions it (`commissioner`)."""

    year = models.PositiveSmallIntegerField(_("评价年度"), db_index=True)
    subject = models.CharField(_("评价对象"), max_length=300)
    kind = models.CharField(_("评价类型"), max_length=16, choices=KeyKind.choices)
    special_kind = models.CharField(_("特殊类别"), max_length=32, blank=True)
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_evaluations",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("被评价单位"), on_delete=models.PROTECT, related_name="+"
    )
    commissioner = models.ForeignKey(
        Unit,
        verbose_name=_("委托单位（部门评价）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("第三方机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    panel = models.OneToOneField(ScoringPanel, on_delete=models.PROTECT, related_name="evaluation")
    status = ReviewableDocument.status_field(KeyStatus)
    amount = models.DecimalField(_("评价金额"), **MONEY, null=True, blank=True)
    selection_score = models.DecimalField(_("遴选得分"), **SCORE, null=True, blank=True)
    selection_note = models.TextField(_("遴选理由"), blank=True)
    work_plan = models.TextField(_("评价工作方案"), blank=True)
    notified_on = models.DateField(_("通知日期"), null=True, blank=True)
    score = models.DecimalField(_("评价得分"), **SCORE, null=True, blank=True)
    grade = models.CharField(_("评价等级"), max_length=4, blank=True)
    conclusion = models.TextField(_("评价结论"), blank=True)
    unit_response = models.TextField(_("单位反馈意见（交换意见）"), blank=True)
    agency_quality_score = models.DecimalField(_("执业质量评分"), **SCORE, null=True, blank=True)
    agency_quality_note = models.TextField(_("执业质量评价"), blank=True)
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)

    class Meta(PanelDocument.Meta):
        verbose_name = _("重点评价")
        verbose_name_plural = _("重点评价")

    def __str__(self) -> str:
        return f"{self.year} {self.subject}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        """The region's bureau and the unit's business office see every evaluation; the
        evaluated unit sees its own once notified; the commissioning unit its department
        evaluations; an agency or expert only those assigned to it."""
        unit_side = Q(pk__in=[])
        if scope.unit_ids:
            ids = sorted(scope.unit_ids)
            unit_side = (Q(unit_id__in=ids) & ~Q(status=KeyStatus.DRAFT)) | Q(
                commissioner_id__in=ids
            )
        bureau = Scope(region_paths=scope.region_paths, office_ids=scope.office_ids)
        staff = unit_year_scope_q(bureau) if not bureau.empty else Q(pk__in=[])
        return staff | unit_side | _assigned_q(scope)


class DataRequest(models.Model):
    """A document the agency asks the evaluated unit for (资料清单), answered by upload."""

    evaluation = models.ForeignKey(
        KeyEvaluation, on_delete=models.CASCADE, related_name="data_requests"
    )
    item = models.CharField(_("资料名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    due = models.DateField(_("提交期限"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    answer_note = models.TextField(_("单位说明"), blank=True)
    reminded_at = models.DateTimeField(_("最近催报"), null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.item


class SiteVisit(models.Model):
    """现场勘查: where, when, who, what was checked and found; photos are attachments with
    their EXIF time and place kept in `SitePhoto`."""

    evaluation = models.ForeignKey(
        KeyEvaluation, on_delete=models.CASCADE, related_name="site_visits"
    )
    visited_on = models.DateField(_("勘查日期"))
    place = models.CharField(_("地点"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    people = models.TextField(_("参加人员"))
    checked = models.TextField(_("勘查内容"))
    findings = models.TextField(_("发现情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.place}"


class SitePhoto(models.Model):
    """A site-visit photo's EXIF facts, beside its attachment (the file itself)."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    attachment = models.OneToOneField("core.Attachment", on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    camera = models.CharField(_("设备"), max_length=100, blank=True)

    def __str__(self) -> str:
        return str(self.attachment)


class Finding(models.Model):
    """A problem the evaluation found, with its evidence and recommendation. Each becomes a
    rectification item once the results stage exists; until then it carries a status."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFYING = "rectifying", _("整改中")
        CLOSED = "closed", _("已整改")

    evaluation = models.ForeignKey(KeyEvaluation, on_delete=models.CASCADE, related_name="findings")
    level1 = models.CharField(_("一级指标"), max_length=20, choices=LEVEL1)
    indicator = models.ForeignKey(
        PanelIndicator,
        verbose_name=_("指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    problem = models.TextField(_("问题"))
    evidence = models.TextField(_("依据"), blank=True)
    recommendation = models.TextField(_("建议"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.problem[:40]


class ReportVersion(models.Model):
    """A version of the evaluation report (评价报告): its sections in the standard outline,
    generated from the data and then edited; versions are kept, never overwritten."""

    evaluation = models.ForeignKey(KeyEvaluation, on_delete=models.CASCADE, related_name="reports")
    number = models.PositiveSmallIntegerField(_("版本"))
    sections = models.JSONField(_("报告内容"), default=dict)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evaluation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="report_version_once")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ReportDelivery(models.Model):
    """The final report sent to a unit (the evaluated unit, its 主管部门), with its read receipt."""

    report = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="deliveries")
    unit = models.ForeignKey(
        Unit, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("送达时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "unit"], name="report_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.unit}"


@audited
class QualityCheck(RegionRow):
    """The bureau's random quality check of a finished report (财监〔2021〕4号): drawn by lot,
    re-read, its findings recorded against the agency."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    evaluation = models.OneToOneField(
        KeyEvaluation, on_delete=models.PROTECT, related_name="quality_check"
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    seed = models.CharField(_("抽签种子"), max_length=64, blank=True)
    reviewer = models.CharField(_("复核人"), max_length=100, blank=True)
    findings = models.TextField(_("复核发现"), blank=True)
    score = models.DecimalField(_("复核评分"), **SCORE, null=True, blank=True)
    done_on = models.DateField(_("复核日期"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return str(self.evaluation)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _region_scope(scope)


@audited
class ExAnteAssessment(PanelDocument):
    """事前绩效评估 of a new project or policy before its budget request (DOMAIN.md §7)."""

    year = models.PositiveSmallIntegerField(_("预算年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "budgets.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ex_ante_assessments",
    )
    subject = models.CharField(_("项目或政策名称"), max_length=300)
    is_policy = models.BooleanField(_("新出台政策"), default=False)
    amount = models.DecimalField(_("申请金额"), **MONEY, null=True, blank=True)
    necessity = models.TextField(_("立项必要性说明"), blank=True)
    plan = models.TextField(_("实施方案"), blank=True)
    funding = models.TextField(_("筹资方案"), blank=True)
    panel = models.OneToOneField(ScoringPanel, on_delete=models.PROTECT, related_name="ex_ante")
    status = ReviewableDocument.status_field(ExAnteStatus)
    score = models.DecimalField(_("评估得分"), **SCORE, null=True, blank=True)
    conclusion = models.CharField(
        _("评估结论"), max_length=8, choices=Conclusion.choices, blank=True
    )
    conclusion_reason = models.TextField(_("结论说明"), blank=True)
    concluded_on = models.DateField(_("结论日期"), null=True, blank=True)

    class Meta(PanelDocument.Meta):
        verbose_name = _("事前绩效评估")
        verbose_name_plural = _("事前绩效评估")

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        """The unit, its office and the bureau (as any unit document); experts on its panel."""
        return unit_year_scope_q(scope) | _on_panel_q(scope)
