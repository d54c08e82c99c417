"""Public satisfaction surveys (公众测评, DOMAIN.md §6.4): a questionnaire about one subject (a
project's self-evaluation, a key evaluation or a whole-unit evaluation), answered by anyone
with the link or the QR code, without an account.

- A `Survey` has its questions (`Question`), its tagged links (`Channel`: poster, SMS, WeChat
  group), optionally one-time codes for a known population (`OneTimeCode`), and its answers
  (`Response` with one `Answer` per question answered).
- Every answer is kept. An invalid one (too fast, straight-lining, required questions empty, or
  marked by hand) keeps its reason and is never deleted; only valid answers count.
- No IP address is stored: only a salted hash, enough to rate-limit and to spot repeats.
- Closing a survey stores its figures (`valid_count`, `rate`) and writes the rate into the
  subject's satisfaction indicator (`subjects.py`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.audit import audited
from jixiao.core.fields import optional_link
from jixiao.core.scope import Scope
from jixiao.orgs.models import Region, RegionRow, Unit, unit_year_scope_q

RATE = {"max_digits": 6, "decimal_places": 4}


def new_token() -> str:
    return secrets.token_urlsafe(12)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class SubjectKind(models.TextChoices):
    SELFEVAL = "selfeval", _("项目自评")
    KEY_EVALUATION = "key_evaluation", _("重点评价")
    UNIT_EVALUATION = "unit_evaluation", _("部门整体评价")


@audited
class Survey(RegionRow):
    """One questionnaire about one subject."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField(_("测评对象类型"), max_length=20, choices=SubjectKind.choices)
    selfeval = optional_link("evaluations.SelfEvaluation", _("项目自评"), related_name="surveys")
    key_evaluation = optional_link(
        "evaluations.KeyEvaluation", _("重点评价"), related_name="surveys"
    )
    unit_evaluation = optional_link(
        "evaluations.UnitEvaluation", _("部门整体评价"), related_name="surveys"
    )
    title = models.CharField(_("问卷标题"), max_length=200)
    intro = models.TextField(_("问卷说明"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=SurveyStatus.choices,
        default=SurveyStatus.DRAFT,
        db_index=True,
    )
    token = models.CharField(max_length=32, unique=True, default=new_token)
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    population = models.PositiveIntegerField(_("总体规模"), null=True, blank=True)
    target_sample = models.PositiveIntegerField(_("目标样本量"), null=True, blank=True)
    needs_code = models.BooleanField(_("凭一次性作答码作答"), default=False)
    # "rate": (很满意 + 满意) / valid answers; "weighted": 100/80/60/30/0 mean ÷ 100. Taken from
    # the rulebook when the survey is created, kept so its figures do not move afterwards.
    formula = models.CharField(_("满意度计算方法"), max_length=12, default="rate")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("结束于"), null=True, blank=True)
    # Stored when the survey closes (the figures the subject's indicator took).
    valid_count = models.PositiveIntegerField(_("有效问卷数"), null=True, blank=True)
    rate = models.DecimalField(_("满意率"), **RATE, null=True, blank=True)

    class Meta:
        verbose_name = _("满意度问卷")
        verbose_name_plural = _("满意度问卷")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def public_url(self) -> str:
        return f"/survey/{self.token}/"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        """As the unit's documents; an agency also reaches the surveys of its key evaluations."""
        q = unit_year_scope_q(scope)
        if scope.assignee_id:
            q |= Q(key_evaluation__agency__members=scope.assignee_id)
        return q


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("单选")
        MULTIPLE = "multiple", _("多选")
        SCALE = "scale", _("满意度五级量表")
        NUMBER = "number", _("数字")
        TEXT = "text", _("文字")
        GROUP = "group", _("受访者类别")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("题目"), max_length=300)
    options = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    # Explicit: which questions make the satisfaction rate (scale questions only).
    counts = models.BooleanField(_("计入满意度"), default=False)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Channel(models.Model):
    """A tagged link (poster, SMS, WeChat group), so answers show where they came from."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(_("渠道"), max_length=50)
    tag = models.SlugField(_("标识"), max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "tag"], name="channel_tag_once")]

    def __str__(self) -> str:
        return self.name


class OneTimeCode(models.Model):
    """A code printed for one member of a known population; it answers once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("作答码"), max_length=16)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="code_once")]

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One respondent's answers (an online submission or a paper questionnaire entered)."""

    class Invalid(models.TextChoices):
        TOO_FAST = "too_fast", _("作答时间过短")
        STRAIGHT = "straight", _("量表题全部同一选项")
        REQUIRED = "required", _("必答题未答")
        MANUAL = "manual", _("人工标记无效")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    # The respondent's cookie token (hashed); unique per survey: one answer per respondent.
    respondent = models.CharField(max_length=64)
    address_hash = models.CharField(max_length=64, blank=True)
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    code = models.OneToOneField(
        OneTimeCode, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    group = models.CharField(_("受访者类别"), max_length=50, blank=True)
    started_at = models.DateTimeField(_("开始作答"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    seconds = models.PositiveIntegerField(_("作答用时（秒）"), null=True, blank=True)
    paper = models.BooleanField(_("纸质问卷"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid = models.BooleanField(_("有效"), default=True, db_index=True)
    invalid_reason = models.CharField(
        _("无效原因"), max_length=10, choices=Invalid.choices, blank=True
    )
    invalid_note = models.CharField(_("无效说明"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="one_answer_each")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # The chosen option(s) as their labels, a number, or text (stored as plain text, no HTML).
    choices = models.JSONField(default=list, blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


# The names the rest of the app uses for the two vocabularies declared with their models.
QuestionKind = Question.Kind
InvalidReason = Response.Invalid
