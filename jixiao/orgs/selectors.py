"""Reads on organisations (DESIGN.md: selectors start from the user's scope)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from jixiao.core.models import AuditLog

from .models import Office, Region, Role, Unit, UnitYear, User


def unit_year_list(*, user: User, region: Region, year: int, office: str = "", level: str = "",
                   q: str = "") -> QuerySet[UnitYear]:
    """Units as they stood in `year` in the region, within the user's scope."""
    rows = (
        UnitYear.objects.visible_to(user)
        .filter(year=year, unit__region=region)
        .select_related("unit", "parent", "office")
        .order_by("unit__code")
    )
    if office:
        rows = rows.filter(office_id=office)
    if level in {"1", "2"}:
        rows = rows.filter(level=int(level))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(unit__code__icontains=q))
    return rows


def unit_history(*, unit: Unit) -> QuerySet[UnitYear]:
    return unit.years.select_related("parent", "office").order_by("-year")


def business_offices(*, region: Region | None) -> QuerySet[Office]:
    return Office.objects.filter(region=region, kind=Office.Kind.BUSINESS).order_by("code")


def audit_log_list(*, user: User, q: str = "", action: str = "", object_type: str = "",
                   actor: str = "", batch: str = "") -> QuerySet[AuditLog]:
    """The audit log for auditors: entries of the regions they oversee (DOMAIN.md §3)."""
    if not user.has_role(Role.AUDITOR):
        return AuditLog.objects.none()
    codes = Region.objects.visible_to(user).values("code")
    rows = AuditLog.objects.filter(Q(region_code__in=codes) | Q(region_code=""))
    if action:
        rows = rows.filter(action=action)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if actor:
        rows = rows.filter(actor_name=actor)
    if batch:
        try:
            rows = rows.filter(batch=uuid.UUID(batch))
        except ValueError:
            return AuditLog.objects.none()
    if q:
        rows = rows.filter(Q(object_repr__icontains=q) | Q(message__icontains=q))
    return rows.order_by("-created_at", "-id")
