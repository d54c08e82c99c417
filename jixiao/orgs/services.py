"""Writes on organisations and accounts (DESIGN.md: services change state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit
from jixiao.core.middleware import client_ip
from jixiao.core.phones import phone_refusal

from . import totp
from .models import (
    ADMIN_ROLES,
    LoginThrottle,
    Office,
    Region,
    Role,
    TotpDevice,
    Unit,
    UnitSuccession,
    UnitYear,
    User,
)

# --- login with lockout (DOMAIN.md §11) ------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    error: str = ""
    password_expired: bool = False
    needs_code: bool = False  # right password; the second factor's code comes next


def login_attempt(*, username: str, password: str, request=None) -> LoginOutcome:
    """Check a login; after JIXIAO_LOGIN_MAX_FAILURES failures in a row of one name from one
    address, refuse that name from that address for a while, longer at each lock.

    A locked name is refused even with the right password, so guessing cannot continue; other
    addresses still sign in, so nobody can lock an account for everyone. Unknown names count
    and lock exactly like known ones and get the same messages (no account enumeration).
    Service accounts never sign in here: they use API tokens. An account with a second
    factor is not signed in yet: `code_attempt` finishes with its code.
    """
    ip = client_ip(request) if request is not None else ""
    with transaction.atomic():
        refusal = _refusal_while_locked(username, ip)
        if refusal:
            return LoginOutcome(None, refusal)
        authenticated = authenticate(request, username=username, password=password)
        if authenticated is None or authenticated.is_service:
            return LoginOutcome(None, _register_failure(username, ip) or _("账号或密码不正确。"))
        if totp.device_of(authenticated) is not None:
            return LoginOutcome(authenticated, needs_code=True)
        return _signed_in(authenticated, ip)


def code_attempt(*, user: User, code: str, request=None) -> LoginOutcome:
    """The second step of a sign-in: the authenticator's code. A wrong code counts as a
    failed login of the account from this address, like a wrong password."""
    ip = client_ip(request) if request is not None else ""
    with transaction.atomic():
        refusal = _refusal_while_locked(user.username, ip)
        if refusal:
            return LoginOutcome(None, refusal)
        device = totp.device_of(user)
        if device is None or not totp.verify(device, code):
            return LoginOutcome(None, _register_failure(user.username, ip) or _("验证码不正确。"))
        return _signed_in(user, ip)


def _signed_in(user: User, ip: str) -> LoginOutcome:
    LoginThrottle.objects.filter(username=user.username, ip=ip).delete()
    audit.record(action="login", instance=user, actor=user)
    return LoginOutcome(user, password_expired=bool(user.password_change_reason()))


def password_check(*, user: User, password: str, request=None) -> str:
    """The change page's check of the current password, counted like a login (the same
    failures and locks): "" when right, otherwise the reason to show."""
    ip = client_ip(request) if request is not None else ""
    with transaction.atomic():
        refusal = _refusal_while_locked(user.username, ip)
        if refusal:
            return refusal
        if not user.check_password(password):
            return _register_failure(user.username, ip) or _("原密码不正确。")
        LoginThrottle.objects.filter(username=user.username, ip=ip).delete()
    return ""


def _lock_message(until) -> str:
    return _("登录失败次数过多，已锁定，请于 %(t)s 后再试，或联系管理员解锁。") % {
        "t": timezone.localtime(until).strftime("%H:%M")
    }


def _audit_login(username: str, action: str, message: str, unknown: str = "") -> None:
    """The audit log (read by auditors only) does tell unknown names apart."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        audit.record(action=action, instance=user, actor=user, message=message)
    else:
        audit.record(
            action=action,
            object_type="orgs.user",
            object_repr=username[:150],
            message=unknown or message,
        )


def _refusal_while_locked(username: str, ip: str) -> str:
    throttle = LoginThrottle.objects.filter(username=username, ip=ip).first()
    if throttle is None or not throttle.is_locked():
        return ""
    _audit_login(username, "login_failed", _("锁定期间尝试登录"))
    return _lock_message(throttle.locked_until)


def _register_failure(username: str, ip: str) -> str:
    """Count one failure of this name from this address; lock it at the limit. Returns the
    lock message when this failure locked it."""
    now = timezone.now()
    throttle, _created = LoginThrottle.objects.get_or_create(username=username, ip=ip)
    throttle = LoginThrottle.objects.select_for_update().get(pk=throttle.pk)
    throttle.failures += 1
    if throttle.failures < settings.JIXIAO_LOGIN_MAX_FAILURES:
        throttle.save(update_fields=["failures", "updated_at"])
        _audit_login(username, "login_failed", _("密码错误"), unknown=_("账号不存在"))
        return ""
    minutes = min(
        settings.JIXIAO_LOGIN_LOCK_MINUTES * 2**throttle.locks,
        settings.JIXIAO_LOGIN_LOCK_MAX_MINUTES,
    )
    throttle.locked_until = now + dt.timedelta(minutes=minutes)
    throttle.locks += 1
    throttle.failures = 0
    throttle.save()
    User.objects.filter(username=username).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=throttle.locked_until)
    ).update(locked_until=throttle.locked_until)
    message = _("连续登录失败，来自 %(ip)s 的登录锁定 %(m)s 分钟") % {"ip": ip or "-", "m": minutes}
    _audit_login(username, "locked", message)
    # Names left alone for longer than the longest lock start again from a short lock.
    stale = now - dt.timedelta(minutes=settings.JIXIAO_LOGIN_LOCK_MAX_MINUTES)
    LoginThrottle.objects.filter(updated_at__lt=stale).exclude(locked_until__gt=now).delete()
    return _lock_message(throttle.locked_until)


def password_change(*, user: User, new_password: str) -> None:
    """Set a new password (validated by the settings' policy) and restart its expiry clock."""
    from django.contrib.auth.password_validation import validate_password

    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])


# --- accounts (system admin only: separation of duties) -------------------------------------

ACCOUNT_FIELDS = (
    "full_name",
    "phone",
    "roles",
    "region",
    "unit",
    "office",
    "is_active",
    "is_service",
)


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("只有系统管理员可以管理账号。"))


def _require_account_keeper(actor: User) -> None:
    """Unlocks and second-factor resets: the security admin's duty, the system admin's too."""
    if not actor.has_role(Role.ADMIN, Role.SECURITY):
        raise PermissionDenied(_("只有系统管理员或安全管理员可以执行此操作。"))


def check_duties(*, actor: User, stored: User | None, fields: dict) -> None:
    """三员分立: who may change which account (DOMAIN.md §11).

    The system admin creates and edits accounts and gives the business roles, but neither gives
    nor takes the system admin, security admin or auditor role (except the first security admin
    and the first auditor, while the role has no active holder) and never edits a security admin's
    or an auditor's account. The security admin gives and takes roles, any of them, and changes
    nothing else. Nobody changes their own roles.
    """
    before = set(stored.roles) if stored is not None else set()
    after = set(fields.get("roles", before))
    if len(after & ADMIN_ROLES) > 1:
        raise ValidationError(
            {"roles": _("系统管理员、安全管理员、审计监督三个角色不能由同一账号兼任。")}
        )
    if stored is not None and stored.pk == actor.pk and after != before:
        raise ValidationError({"roles": _("不能修改自己的角色。")})
    if actor.has_role(Role.SECURITY):
        if stored is None:
            raise PermissionDenied(_("安全管理员只分配角色，不新增账号。"))
        if any(
            fields[name] != getattr(stored, name)
            for name in ACCOUNT_FIELDS
            if name != "roles" and name in fields
        ):
            raise PermissionDenied(_("安全管理员只分配角色，不修改账号的其他信息。"))
        return
    _require_admin(actor)
    if stored is not None and stored.has_role(Role.SECURITY, Role.AUDITOR):
        raise PermissionDenied(_("系统管理员不能修改安全管理员和审计监督的账号。"))
    for role in (before ^ after) & ADMIN_ROLES:
        first = role != Role.ADMIN and role in after and not _has_active_holder(role)
        if not first:
            raise ValidationError(
                {"roles": _("系统管理员、安全管理员、审计监督角色由安全管理员分配。")}
            )


def _has_active_holder(role: str) -> bool:
    return any(
        role in (roles or ())
        for roles in User.objects.filter(is_active=True).values_list("roles", flat=True)
    )


def validate_account(*, roles, region, unit, office) -> None:
    """Unit roles need a unit, the business office role an office, all of them a region."""
    errors = {}
    if set(roles) & {Role.FILER, Role.LEADER} and unit is None:
        errors["unit"] = _("单位填报和单位审核角色必须指定所属单位。")
    if Role.BUSINESS in roles and (office is None or office.kind != Office.Kind.BUSINESS):
        errors["office"] = _("业务股室角色必须指定一个业务股室。")
    if roles and region is None and set(roles) - {Role.ADMIN, Role.SECURITY, Role.PUBLIC}:
        errors["region"] = _("请指定账号所在的区划。")
    if unit is not None and region is not None and unit.region_id != region.id:
        errors["unit"] = _("所属单位不在所选区划内。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_save(
    *, actor: User, user: User | None, username: str = "", password: str = "", **fields
) -> User:
    stored = User.objects.select_for_update().get(pk=user.pk) if user is not None else None
    check_duties(actor=actor, stored=stored, fields=fields)
    validate_account(
        roles=fields.get("roles", []),
        region=fields.get("region"),
        unit=fields.get("unit"),
        office=fields.get("office"),
    )
    if refusal := phone_refusal(fields.get("phone", "")):
        raise ValidationError({"phone": refusal})
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
    if user.is_service:  # integrations use tokens only: no password to guess or to expire
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def account_password_reset(*, actor: User, user: User, password: str) -> None:
    """The system admin gives an account a new initial password (forgotten, or never set): it
    must be changed at the next sign-in, the account's sign-in locks are lifted, and the audit
    log says who did it. Service accounts have no password; the security admin's and the
    auditor's accounts are not the system admin's to touch (三员分立)."""
    from django.contrib.auth.password_validation import validate_password

    _require_admin(actor)
    if user.has_role(Role.SECURITY, Role.AUDITOR):
        raise PermissionDenied(_("系统管理员不能修改安全管理员和审计监督的账号。"))
    if user.is_service:
        raise ValidationError({"password": _("服务账号只凭 API 令牌访问，没有密码。")})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.password_changed_at = None  # the next sign-in asks for a password of the user's own
    user.locked_until = None
    user.save(update_fields=["password", "password_changed_at", "locked_until"])
    LoginThrottle.objects.filter(username=user.username).delete()
    audit.record(action="action", instance=user, actor=actor, message=_("管理员重设密码"))


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> None:
    """Lift the locks on this account's name from every address, in the audit log."""
    _require_account_keeper(actor)
    throttles = LoginThrottle.objects.filter(username=user.username)
    addresses = sorted({t.ip or "-" for t in throttles if t.is_locked()})
    throttles.delete()
    user.locked_until = None
    user.save(update_fields=["locked_until"])
    audit.record(
        action="action",
        instance=user,
        actor=actor,
        message=_("管理员解锁账号（来源地址：%(ips)s）") % {"ips": "、".join(addresses) or "-"},
    )


@transaction.atomic
def totp_reset(*, actor: User, user: User) -> None:
    """The admin removes a lost authenticator; the account enrols again at its next sign-in."""
    _require_account_keeper(actor)
    TotpDevice.objects.filter(user=user).delete()
    audit.record(action="action", instance=user, actor=actor, message=_("管理员重置双因素认证"))


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
