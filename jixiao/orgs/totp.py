"""The second factor (DOMAIN.md §11, 等保 level 3): a time-based one-time code (TOTP, RFC 6238)
from an authenticator app, through pyotp.

An account with a confirmed device gives its code after its password at every sign-in. A
deployment can require a device of the privileged roles (`JIXIAO_REQUIRE_TOTP`,
`JIXIAO_TOTP_ROLES`): such an account without one can reach only the enrolment page and logout.
Service accounts sign in with API tokens only and have no second factor.
"""

from __future__ import annotations

import time

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.core import audit

from .models import TotpDevice, User

ISSUER = "Jixiao"
STEP = 30


def required(user: User) -> bool:
    """Must this account enrol a second factor before anything else?"""
    return (
        settings.JIXIAO_REQUIRE_TOTP
        and not user.is_service
        and user.has_role(*settings.JIXIAO_TOTP_ROLES)
    )


def device_of(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_reason(user: User) -> str:
    if required(user) and device_of(user) is None:
        return _("您的角色须使用双因素认证，请先在身份验证器应用中添加账号并输入验证码。")
    return ""


def pending_device(user: User) -> TotpDevice:
    """The device being enrolled (a fresh secret the first time), shown until confirmed."""
    device, _created = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name=ISSUER)


def verify(device: TotpDevice, code: str, now: float | None = None) -> bool:
    """Accept the code of this step or the ones beside it (clock drift), each code only once."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(device.secret)
    current = int((now if now is not None else time.time()) // STEP)
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(pk=device.pk)
        for step in (current - 1, current, current + 1):
            if step > device.last_step and totp.verify(code, for_time=step * STEP):
                device.last_step = step
                device.save(update_fields=["last_step"])
                return True
    return False


def confirm(device: TotpDevice, code: str) -> bool:
    """Enrolment: the first right code turns the device on."""
    if not verify(device, code):
        return False
    TotpDevice.objects.filter(pk=device.pk).update(confirmed=True)
    audit.record(
        action="action", instance=device.user, actor=device.user, message=_("启用双因素认证")
    )
    return True
