"""Core models: the audit log, import batches, the rulebook, API tokens and the reviewable
document's fields.

Core knows no domain nouns (DESIGN.md): regions appear here only as codes, users only through
`settings.AUTH_USER_MODEL`.
"""

import hashlib
import secrets
import uuid
from importlib import import_module

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditLogRefused(Exception):
    """The audit log is append-only: nothing in the product changes or deletes an entry."""


class AppendOnlyQuerySet(models.QuerySet):
    """Entries are kept (at least the 180 days 等保 level 3 asks; the product never removes
    them): bulk updates and deletes are refused. Cascades from a deleted user only set `actor`
    to null, through Django's collector, which does not pass here."""

    def delete(self):
        raise AuditLogRefused(_("审计日志只能追加，不能删除。"))

    def update(self, **kwargs):
        raise AuditLogRefused(_("审计日志只能追加，不能修改。"))


class AuditLog(models.Model):
    """One recorded change or security event: who, when, what, before and after (DESIGN.md, Audit).

    Entries written during one request, import or command share a `batch` so a reader sees a
    change set, not scattered rows. Nobody edits or deletes this table through the application.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        LOCKED = "locked", _("账号锁定")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        # "Other action" in the audit log's filter; a plain 操作 is a table's "Action".
        ACTION = "action", pgettext_lazy("audit log action kind", "操作")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    batch = models.UUIDField(_("批次"), db_index=True)
    source = models.CharField(_("来源"), max_length=16, default="web")  # web, api, import, cli
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    region_code = models.CharField(_("区划"), max_length=12, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    #: A batch entry (`audit.record_batch`): the summary of one import's row-level changes,
    #: {"count": N, "actions": {"create": n, "update": n, ...}}; each change (its object, before,
    #: after and message) is an `AuditObject` row. Null for a single change.
    changes = models.JSONField(_("批量变更"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogRefused(_("审计日志只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogRefused(_("审计日志只能追加，不能删除。"))

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class AuditObject(models.Model):
    """One object's change in a batch entry: its place in the batch, its object, before, after
    and message, so that the history of an object, and the log's list and its filters, read
    it without reading the rest of the batch (append-only like the log)."""

    entry = models.ForeignKey(AuditLog, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    action = models.CharField(max_length=16, choices=AuditLog.Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    region_code = models.CharField(max_length=12, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计对象")
        verbose_name_plural = _("审计对象")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} #{self.entry_id}[{self.position}]"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogRefused(_("审计日志只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogRefused(_("审计日志只能追加，不能删除。"))


class ImportBatch(models.Model):
    """A successful import: which file, who, how many rows. Its id groups the audit entries."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("导入类型"), max_length=32)
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region_code = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"


class Rulebook(models.Model):
    """A version of a region's rules for a year (DESIGN.md, Pure rules).

    `values` holds only what this region changes from the national defaults, section by section
    ({"scoring": {"grade_bands": ...}}). A new save makes a new version; results keep the
    version they were computed with, so a 2021 score stays reproducible after 2023's changes.
    """

    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"))
    base = models.CharField(_("基础规则"), max_length=32, default="national")
    values = models.JSONField(_("本地规则"), default=dict, blank=True)
    note = models.CharField(_("修改说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("规则库")
        verbose_name_plural = _("规则库")
        ordering = ["region_code", "year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "version"], name="rulebook_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code}:{self.year} v{self.version}"


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenManager(models.Manager):
    def issue(
        self,
        user,
        name: str = "",
        *,
        read_only: bool = False,
        kinds=(),
        expires_on=None,
    ) -> tuple["ApiToken", str]:
        """Create a token and return it with its clear key, which is shown once and never stored.
        By default it may do whatever its user may (CONTRACT.md: `jixiao token USER`); it can be
        held to reading (`read_only`), to some of the API's kinds (`kinds`, e.g. ["targets"])
        and end with a day (`expires_on`, the last day it works)."""
        key = "jx_" + secrets.token_urlsafe(32)
        token = self.create(
            user=user,
            name=name,
            digest=_hash_token(key),
            prefix=key[:10],
            read_only=read_only,
            kinds=sorted(set(kinds)),
            expires_on=expires_on,
        )
        return token, key

    def authenticate(self, key: str):
        """The live token of `key`, or None: unknown, revoked, expired or of an inactive user."""
        token = self.select_related("user").filter(digest=_hash_token(key), revoked=False).first()
        if token is None or not token.user.is_active or token.expired():
            return None
        return token


class ApiToken(models.Model):
    """An API token (CONTRACT.md: `Authorization: Bearer <token>`); only its hash is stored.

    Its scope: `read_only` refuses every write, `kinds` (empty: all) the API's other
    kinds (the first part of the path: `targets`, `payments` …), both with 403; past
    `expires_on` or once revoked it no longer signs anyone in (401)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("只读"), default=False)
    kinds = models.JSONField(_("限于对象种类"), default=list, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def expired(self, today=None) -> bool:
        """Past its last day (`expires_on`, in the site's time zone)."""
        return self.expires_on is not None and (today or timezone.localdate()) > self.expires_on

    def refusal(self, *, write: bool, kind: str | None) -> str:
        """Why the token may not make this call (a write, on the API kind `kind`; None for a
        path of no kind), or "" when it may."""
        if write and self.read_only:
            return str(_("此令牌为只读令牌，不能修改数据。"))
        if kind is not None and self.kinds and kind not in self.kinds:
            return str(_("此令牌不能访问“%(kind)s”。") % {"kind": kind})
        return ""

    @property
    def scope_label(self) -> str:
        """The scope as the profile page shows it: 只读/读写 and the kinds, or 全部."""
        access = _("只读") if self.read_only else _("读写")
        return f"{access} · {'、'.join(self.kinds) if self.kinds else _('全部对象')}"


# Each reviewable document model's workflow, registered by the workflow as it is built.
_REVIEW_WORKFLOWS: dict[type, object] = {}


def register_review_workflow(document: type, workflow) -> None:
    _REVIEW_WORKFLOWS[document] = workflow


class ReviewableDocument(models.Model):
    """A document that moves through a review workflow (core.workflow): the fields the engine
    stamps. Each concrete document declares its `status` as `status_field(<its states>)`."""

    status = models.CharField(_("状态"), max_length=16, default="draft", db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @staticmethod
    def status_field(states: type[models.TextChoices]) -> models.CharField:
        """The `status` column of a concrete document, with its stage's `states` (which name
        their own labels over the shared stored values) as choices; a new document is a draft."""
        return models.CharField(
            _("状态"), max_length=16, choices=states.choices, default=states.DRAFT, db_index=True
        )

    @classmethod
    def review_workflow(cls):
        """The document's `core.workflow.Workflow`, declared in its app's `workflow` module."""
        if cls not in _REVIEW_WORKFLOWS:
            import_module(f"{cls._meta.app_config.name}.workflow")
        return _REVIEW_WORKFLOWS[cls]

    def edit_refusal(self, user) -> str | None:
        """Why `user` may not change this document now (None: they may)."""
        return self.review_workflow().edit_refusal(self, user)


class TransitionLog(models.Model):
    """One workflow step of a document: from, to, who, when, why (DESIGN.md, Workflow).
    The review history users see is this table."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    transition = models.CharField(_("操作"), max_length=32)
    source = models.CharField(_("原状态"), max_length=24)
    target = models.CharField(_("新状态"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target}"


def _attachment_path(instance, filename: str) -> str:
    return f"attachments/{instance.created_at:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A supporting file (佐证材料) on any document: contract, acceptance report, photo,
    survey sheet (DOMAIN.md §4.5). Stored under its hash; removed files stay, marked removed,
    so the document's history keeps them."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("合同")
        ACCEPTANCE = "acceptance", _("验收报告")
        PHOTO = "photo", _("照片")
        SURVEY = "survey", _("调查表")
        REPORT = "report", _("报告")
        OTHER = "other", _("其他")

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("文件名"), max_length=255)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    size = models.PositiveBigIntegerField(_("大小"))
    mime = models.CharField(max_length=100)
    # The content's hash: identical content is stored once, shared by its attachments.
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    document_status = models.CharField(_("上传时文档状态"), max_length=24, blank=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """Hits counted under a key in one fixed time window (`core/ratelimit.py`), for the public
    pages. A row outlives its window only until the next new window of any key clears it."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_window")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"


def _job_result_path(instance, filename: str) -> str:
    return f"jobs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Job(models.Model):
    """One piece of long work run in the background for its user (`core/jobs.py`): its kind,
    parameters, progress, and the file or summary it produced, or why it failed. Only its
    user sees it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=64)
    params = models.JSONField(_("参数"), default=dict)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # A file: {"name", "content_type", "rows", "audit_kind"} with `file`; otherwise a summary.
    result = models.JSONField(_("结果"), null=True, blank=True)
    file = models.FileField(upload_to=_job_result_path, max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class IdempotentRequest(models.Model):
    """A write sent with an `Idempotency-Key` header and the answer it got (core.idempotency):
    a retry of the same request within a day gets the same answer without doing anything."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("幂等键"), max_length=255)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    status = models.PositiveSmallIntegerField(_("状态码"))
    body = models.BinaryField(_("应答"))
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("幂等请求")
        verbose_name_plural = _("幂等请求")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
