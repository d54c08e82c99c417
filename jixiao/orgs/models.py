"""Who: regions, the finance bureau's offices, budget units per year, and users (DOMAIN.md §2–3).

A unit's structure changes between years (机构改革, DOMAIN.md §11): its name, level, parent unit
and business office (归口) live in `UnitYear`, one row per unit and year, so last year's figures
keep last year's structure. `Unit` is the lasting identity (region + code); merges and splits are
`UnitSuccession` rows between identities.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.audit import audited
from jixiao.core.compiled import KeyedQuery
from jixiao.core.fields import optional_link
from jixiao.core.idempotency import external_id_field, external_id_unique
from jixiao.core.scope import EMPTY_SCOPE, Scope, ScopedQuerySet, scope_filter


class Region(models.Model):
    """A province, city or district (行政区划). `path` ("360000/360100/360102/") makes
    "this region and everything under it" one indexed prefix lookup."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区县")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级次"), max_length=10, choices=Level.choices)
    parent = optional_link("self", _("上级区划"), related_name="children")
    path = models.CharField(max_length=200, db_index=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def lineage_codes(self) -> list[str]:
        """This region's code and its ancestors', nearest first (for the rulebook)."""
        return list(reversed(self.path.strip("/").split("/")))

    @property
    def audit_region_code(self) -> str:
        return self.code

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # A unit's or office's people see the region they work in, and nothing below it.
        q = scope_filter(scope, region_path="path")
        if scope.unit_ids:
            q |= Q(id__in=Unit.objects.filter(id__in=sorted(scope.unit_ids)).values("region_id"))
        if scope.office_ids:
            q |= Q(
                id__in=Office.objects.filter(id__in=sorted(scope.office_ids)).values("region_id")
            )
        if scope.assignee_id:  # an agency or expert works in its own region's assignments
            q |= Q(users=scope.assignee_id)
        return q


class RegionRow(models.Model):
    """A row that belongs to a region (its `region` field): read through the scope filter
    (`objects.visible_to`, the subclass says how in `scope_q`) and audited under the region's
    code."""

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def audit_region_code(self) -> str:
        return self.region.code


class Office(RegionRow):
    """A section of a district finance bureau (预算股, a 业务股室, 绩效办)."""

    class Kind(models.TextChoices):
        BUDGET = "budget", _("预算股")
        BUSINESS = "business", _("业务股室")
        PERFORMANCE = "performance", _("绩效办")

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="offices"
    )
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("股室")
        verbose_name_plural = _("股室")
        ordering = ["region__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="office_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        own_region = Q(region__in=Unit.objects.filter(id__in=scope.unit_ids).values("region"))
        return (
            scope_filter(scope, region_path="region__path")
            | Q(id__in=scope.office_ids)
            | (own_region if scope.unit_ids else Q(pk__in=[]))
        )


def units_of_offices(office_ids, *, unit_ref: str = "pk", year_ref: str | None = None):
    """Rows whose unit was assigned (归口) to one of the offices — in the row's own year when the
    row has one, in any year otherwise (DOMAIN.md §11: structure is kept per year)."""
    years = UnitYear.objects.filter(unit=OuterRef(unit_ref), office_id__in=sorted(office_ids))
    if year_ref:
        years = years.filter(year=OuterRef(year_ref))
    return Q(Exists(years))


def unit_year_scope_q(scope: Scope) -> Q:
    """The scope of a unit's row of a year (`region`, `unit`, `year`): the region's staff, the
    unit and its parent, and the offices the unit was assigned to in that year."""
    return scope_filter(
        scope,
        region_path="region__path",
        unit="unit_id",
        office=lambda ids: units_of_offices(ids, unit_ref="unit", year_ref="year"),
    )


@audited
class Unit(RegionRow):
    """A budget unit's lasting identity (预算单位). Its per-year facts are in `UnitYear`."""

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.CharField(_("单位编码"), max_length=64)
    name = models.CharField(_("单位名称"), max_length=200, help_text=_("最近年度的名称"))
    serves_public = models.BooleanField(_("面向公众或服务对象"), default=True)
    external_id = external_id_field()

    class Meta:
        verbose_name = _("预算单位")
        verbose_name_plural = _("预算单位")
        ordering = ["region__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="unit_unique_code"),
            external_id_unique("unit_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope_filter(
            scope, region_path="region__path", unit="id", office=lambda ids: units_of_offices(ids)
        )


@audited
class UnitYear(models.Model):
    """A unit as it stood in one budget year: name, level, parent unit, business office."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("单位名称"), max_length=200)
    level = models.PositiveSmallIntegerField(_("级次"), choices=[(1, _("一级")), (2, _("二级"))])
    parent = optional_link(Unit, _("上级单位"), related_name="child_years")
    office = optional_link(Office, _("归口股室"), related_name="unit_years")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位年度信息")
        verbose_name_plural = _("单位年度信息")
        ordering = ["unit__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="unityear_unique"),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level=2, parent__isnull=False),
                name="unityear_level_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def audit_region_code(self) -> str:
        return self.unit.region.code

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope_filter(
            scope,
            region_path="unit__region__path",
            unit="unit_id",
            office=lambda ids: Q(office_id__in=sorted(ids)),
        )


class UnitSuccession(models.Model):
    """A merge or split (机构改革): from a unit to its successor as of a year."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("合并")
        SPLIT = "split", _("分设")
        RENAME = "rename", _("更名")

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessions")
    year = models.PositiveSmallIntegerField(_("生效年度"))
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("机构沿革")
        verbose_name_plural = _("机构沿革")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.year})"


class Role(models.TextChoices):
    """DOMAIN.md §3. A person may hold several."""

    FILER = "filer", _("单位填报")
    LEADER = "leader", _("单位审核")
    BUSINESS = "business", _("业务股室")
    BUDGET = "budget", _("预算股")
    PERFORMANCE = "performance", _("绩效办")
    AGENCY = "agency", _("第三方机构")
    EXPERT = "expert", _("专家")
    AUDITOR = "auditor", _("审计监督")
    PUBLIC = "public", _("社会公众")
    ADMIN = "admin", _("系统管理员")
    SECURITY = "security", _("安全管理员")


# 三员分立 (等保 level 3): the system admin (accounts), the security admin (roles, unlocks,
# second factors) and the auditor (the audit log) are separate people; an account holds at
# most one of these roles (orgs.services.check_duties).
ADMIN_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})
UNIT_ROLES = frozenset({Role.FILER, Role.LEADER})
REGION_ROLES = frozenset({Role.BUDGET, Role.PERFORMANCE, Role.AUDITOR})
BUREAU_ROLES = REGION_ROLES | {Role.BUSINESS}
# Who reads budget data at all: never the system or security administrator (separation of duties)
# nor the public. Staff are those who work the stages' lists; experts and agencies see only the
# evaluations assigned to them.
BUDGET_READERS = frozenset(Role.values) - {Role.ADMIN, Role.SECURITY, Role.PUBLIC}
STAFF_ROLES = BUDGET_READERS - {Role.EXPERT, Role.AGENCY}
#: Who acts on a stage's review queue ("待我处理"): the unit that fills and submits, and the
#: offices that review and approve.
QUEUE_ROLES = frozenset({Role.FILER, Role.LEADER, Role.BUSINESS, Role.BUDGET})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("roles", [Role.ADMIN])
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


@audited
class User(AbstractBaseUser, PermissionsMixin):
    """A person's account: roles decide what they may do, scope decides which rows they see.

    `region` is where they work; `unit` for unit staff, `office` for business-office staff.
    """

    username = models.CharField(_("账号"), max_length=150, unique=True)
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    roles = models.JSONField(_("角色"), default=list, blank=True)
    region = optional_link(Region, _("区划"), related_name="users")
    unit = optional_link(Unit, _("所属单位"), related_name="users")
    office = optional_link(Office, _("所属股室"), related_name="users")
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The latest end of a lock on this name from any address (LoginThrottle holds the locks):
    # the account list shows it and offers the unlock.
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    is_service = models.BooleanField(
        _("服务账号"),
        default=False,
        help_text=_("供系统集成使用：只凭 API 令牌访问，不能登录页面，没有会过期的密码。"),
    )
    language = models.CharField(_("界面语言"), max_length=10, blank=True)

    audit_exclude = ("password", "last_login")

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def audit_region_code(self) -> str:
        return self.region.code if self.region_id else ""

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles or ())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & set(roles))

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles if r in Role.values]

    def get_scope(self) -> Scope:
        """The rows this user may read (DOMAIN.md §3). Cached per request object."""
        if not hasattr(self, "_scope"):
            self._scope = self._compute_scope()
        return self._scope

    def _compute_scope(self) -> Scope:
        if not self.is_active or not self.region_id:
            return EMPTY_SCOPE
        paths: tuple[str, ...] = ()
        offices: frozenset[int] = frozenset()
        units: frozenset[int] = frozenset()
        if self.role_set & REGION_ROLES:
            paths = (self._region_path(),)
        if Role.BUSINESS in self.role_set and self.office_id:
            offices = frozenset({self.office_id})
        if self.role_set & UNIT_ROLES and self.unit_id:
            children = _LEVEL2_UNITS.all(self.unit_id)
            units = frozenset({self.unit_id, *(unit_id for (unit_id,) in children)})
        assignee = self.pk if self.role_set & {Role.AGENCY, Role.EXPERT} else None
        return Scope(region_paths=paths, office_ids=offices, unit_ids=units, assignee_id=assignee)

    def _region_path(self) -> str:
        if "region" in self._state.fields_cache:  # read with the user already
            return self.region.path
        row = _REGION_PATH.first(self.region_id)
        if row is None:  # never an empty path: it would be the prefix of every region's
            raise Region.DoesNotExist(self.region_id)
        return row[0]

    def is_locked(self, now=None) -> bool:
        """Locked from at least one address (the login is refused only from that address)."""
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))

    def password_change_reason(self, now=None) -> str:
        """Why this account must change its password before anything else, or "" (DOMAIN.md
        §11): an initial password set by an admin, or one older than the maximum age. Service
        accounts and accounts without a password have no password to expire."""
        if self.is_service or not self.password or not self.has_usable_password():
            return ""
        if self.password_changed_at is None:
            return str(_("您的密码为管理员设置的初始密码，请先修改密码。"))
        max_age = dt.timedelta(days=settings.JIXIAO_PASSWORD_MAX_AGE_DAYS)
        if (now or timezone.now()) - self.password_changed_at > max_age:
            return str(_("您的密码已过期，请先修改密码。"))
        return ""


# The scope is read on every request, exactly (a unit moved to another parent leaves its old
# parent's scope on the next request, in every worker): its two one-row reads run SQL compiled
# once a process, which cost less than building them through the ORM.
_REGION_PATH = KeyedQuery(lambda pk: Region.objects.filter(pk=pk).values_list("path")[:1], 0)
_LEVEL2_UNITS = KeyedQuery(
    lambda unit_id: UnitYear.objects.filter(parent_id=unit_id).values_list("unit_id"), 0
)


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords, so that none of the last few comes back
    (core.passwords.PasswordHistoryValidator writes and reads them)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class LoginThrottle(models.Model):
    """Failed logins of one account name from one source address (DOMAIN.md §11).

    Keyed by the name as typed, whether an account has it or not, so unknown names behave
    exactly like known ones; keyed by address too, so nobody can lock an account (admin
    included) for everyone else. Each lock lasts twice as long as the one before it.
    """

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45, blank=True)
    failures = models.PositiveIntegerField(default=0)
    locks = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "ip"], name="orgs_loginthrottle_key")
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip}"

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class TotpDevice(models.Model):
    """An authenticator app enrolled as the second factor (RFC 6238: 6 digits every 30 s).

    `last_step` is the time step of the last code accepted: a code is good once (no replay).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=False)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} TOTP"
