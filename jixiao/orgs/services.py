"""Writes on organisations and accounts (DESIGN.md: services change state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit

from .models import Office, Region, Role, Unit, UnitSuccession, UnitYear, User

# --- login with lockout (DOMAIN.md §11) ------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    error: str = ""
    password_expired: bool = False


def login_attempt(*, username: str, password: str, request=None) -> LoginOutcome:
    """Check a login; lock the account after JIXIAO_LOGIN_MAX_FAILURES failures in a row.

    A locked account is refused even with the right password, so guessing cannot continue.
    Unknown usernames get the same message as wrong passwords (no account enumeration).
    """
    generic = _("账号或密码不正确。")
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).filter(username=username).first()
        if user is not None and user.is_locked():
            audit.record(
                action="login_failed", instance=user, actor=user, message=_("账号已锁定时尝试登录")
            )
            until = timezone.localtime(user.locked_until).strftime("%H:%M")
            return LoginOutcome(
                None,
                _("账号因多次登录失败已锁定，请于 %(t)s 后再试，或联系管理员解锁。") % {"t": until},
            )
        authenticated = authenticate(request, username=username, password=password)
        if authenticated is None:
            return LoginOutcome(None, _register_failure(user, username) or generic)
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
        audit.record(action="login", instance=user, actor=user)
    max_age = dt.timedelta(days=settings.JIXIAO_PASSWORD_MAX_AGE_DAYS)
    expired = (
        user.password_changed_at is None or timezone.now() - user.password_changed_at > max_age
    )
    return LoginOutcome(authenticated, password_expired=expired)


def _register_failure(user: User | None, username: str) -> str:
    if user is None:
        audit.record(
            action="login_failed",
            object_type="orgs.user",
            object_repr=username[:150],
            message=_("账号不存在"),
        )
        return ""
    user.failed_logins += 1
    message = ""
    if user.failed_logins >= settings.JIXIAO_LOGIN_MAX_FAILURES:
        minutes = settings.JIXIAO_LOGIN_LOCK_MINUTES
        user.locked_until = timezone.now() + dt.timedelta(minutes=minutes)
        user.failed_logins = 0
        audit.record(
            action="locked",
            instance=user,
            actor=user,
            message=_("连续登录失败，锁定 %(m)s 分钟") % {"m": minutes},
        )
        message = _("连续登录失败次数过多，账号已锁定 %(m)s 分钟。") % {"m": minutes}
    else:
        audit.record(action="login_failed", instance=user, actor=user, message=_("密码错误"))
    user.save(update_fields=["failed_logins", "locked_until"])
    return message


def password_change(*, user: User, new_password: str) -> None:
    """Set a new password (validated by the settings' policy) and restart its expiry clock."""
    from django.contrib.auth.password_validation import validate_password

    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])


# --- accounts (system admin only: separation of duties) -------------------------------------

ACCOUNT_FIELDS = ("full_name", "phone", "roles", "region", "unit", "office", "is_active")


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("只有系统管理员可以管理账号。"))


def validate_account(*, roles, region, unit, office) -> None:
    """Unit roles need a unit, the business office role an office, all of them a region."""
    errors = {}
    if set(roles) & {Role.FILER, Role.LEADER} and unit is None:
        errors["unit"] = _("单位填报和单位审核角色必须指定所属单位。")
    if Role.BUSINESS in roles and (office is None or office.kind != Office.Kind.BUSINESS):
        errors["office"] = _("业务股室角色必须指定一个业务股室。")
    if roles and region is None and set(roles) - {Role.ADMIN, Role.PUBLIC}:
        errors["region"] = _("请指定账号所在的区划。")
    if unit is not None and region is not None and unit.region_id != region.id:
        errors["unit"] = _("所属单位不在所选区划内。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_save(
    *, actor: User, user: User | None, username: str = "", password: str = "", **fields
) -> User:
    _require_admin(actor)
    validate_account(
        roles=fields.get("roles", []),
        region=fields.get("region"),
        unit=fields.get("unit"),
        office=fields.get("office"),
    )
    if user is None:
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": _("账号已存在。")})
        user = User(username=username)
        if password:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, user)
            user.set_password(password)
            user.password_changed_at = None  # must change at first login
        else:
            user.set_unusable_password()
    for name in ACCOUNT_FIELDS:
        if name in fields:
            setattr(user, name, fields[name])
    user.save()
    return user


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> None:
    _require_admin(actor)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit.record(action="action", instance=user, message=_("管理员解锁账号"))


# --- units, kept per year ------------------------------------------------------------------


def can_edit_master_data(user: User) -> bool:
    return user.has_role(Role.BUDGET, Role.PERFORMANCE)


@transaction.atomic
def unit_year_save(
    *,
    actor: User,
    region: Region,
    code: str,
    year: int,
    name: str,
    level: int,
    parent: Unit | None,
    office: Office | None,
    serves_public: bool | None = None,
) -> UnitYear:
    """Create or change a unit as it stands in one year; other years keep their own facts."""
    if not can_edit_master_data(actor):
        raise PermissionDenied(_("您没有维护预算单位的权限。"))
    if not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        raise PermissionDenied(_("该区划不在您的权限范围内。"))
    _check_unit_year(region=region, code=code, level=level, parent=parent, office=office)
    unit, _created = Unit.objects.get_or_create(region=region, code=code, defaults={"name": name})
    latest = UnitYear.objects.filter(unit=unit, year__gt=year).exists()
    if not latest and (unit.name != name or serves_public is not None):
        unit.name = name
        if serves_public is not None:
            unit.serves_public = serves_public
        unit.save()
    row, _new = UnitYear.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={"name": name, "level": level, "parent": parent, "office": office},
    )
    return row


def _check_unit_year(*, region, code, level, parent, office) -> None:
    errors = {}
    if level == 2 and parent is None:
        errors["parent"] = _("二级单位必须指定上级（一级）单位。")
    if level == 1 and parent is not None:
        errors["parent"] = _("一级单位不能有上级单位。")
    if parent is not None and (parent.region_id != region.id or parent.code == code):
        errors["parent"] = _("上级单位必须是本区划内的另一个单位。")
    if office is not None and (
        office.region_id != region.id or office.kind != Office.Kind.BUSINESS
    ):
        errors["office"] = _("归口股室必须是本区划的业务股室。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_succession_record(
    *, actor: User, predecessor: Unit, successor_code: str, year: int, kind: str, note: str = ""
) -> UnitSuccession:
    """Record a merge, split or rename (机构改革) from `year` on. The predecessor's earlier
    years keep their facts; its history page links to the successor and back."""
    if not can_edit_master_data(actor):
        raise PermissionDenied(_("您没有维护预算单位的权限。"))
    successor = Unit.objects.filter(region=predecessor.region, code=successor_code).first()
    errors = {}
    if successor is None:
        errors["successor"] = _("找不到单位编码“%(c)s”。") % {"c": successor_code}
    elif successor.pk == predecessor.pk:
        errors["successor"] = _("承继单位不能是本单位。")
    if kind not in UnitSuccession.Kind.values:
        errors["kind"] = _("请选择合并、分设或更名。")
    if errors:
        raise ValidationError(errors)
    row, _created = UnitSuccession.objects.update_or_create(
        predecessor=predecessor,
        successor=successor,
        year=year,
        defaults={"kind": kind, "note": note[:300]},
    )
    audit.record(
        action="create",
        instance=predecessor,
        message=_("机构沿革：%(y)s 年%(k)s为 %(s)s")
        % {"y": year, "k": row.get_kind_display(), "s": successor},
    )
    return row
