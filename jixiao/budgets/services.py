"""Writes on projects and budget years (DESIGN.md: services change state)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit, edit_stamp
from jixiao.orgs.models import Region, Role, Unit, User

from .models import FUNDING_SOURCES, STAGES, FiscalYear, Payment, PaymentTotal, Project, ProjectKind
from .selectors import year_is_open

AMOUNT_FIELDS = [f"{stage}_{src}" for stage, _s in STAGES for src, _l in FUNDING_SOURCES]


def can_edit_project(user: User, unit: Unit) -> bool:
    """The budget office keeps projects; a unit's filer keeps its own unit's projects."""
    if user.has_role(Role.BUDGET) and Unit.objects.visible_to(user).filter(pk=unit.pk).exists():
        return True
    return user.has_role(Role.FILER) and unit.pk in user.get_scope().unit_ids


def check_amounts(
    amounts: Mapping[str, Decimal | None],
    *,
    declared_total: Decimal | None = None,
    stage: str = "full",
) -> dict[str, str]:
    """Amounts must be non-negative; a declared total must equal the sum of its sources."""
    errors = {}
    for name in AMOUNT_FIELDS:
        value = amounts.get(name)
        if value is not None and value < 0:
            errors[name] = _("金额不能为负数。")
    if declared_total is not None:
        parts = sum((amounts.get(f"{stage}_{src}") or Decimal(0)) for src, _l in FUNDING_SOURCES)
        if parts != declared_total:
            errors[f"{stage}_total"] = _(
                "合计 %(total)s 万元与各资金来源之和 %(parts)s 万元不相等。"
            ) % {"total": declared_total, "parts": parts}
    return errors


@transaction.atomic
def project_save(
    *,
    actor: User,
    project: Project | None,
    region: Region,
    year: int,
    code: str,
    name: str,
    unit: Unit,
    kinds: Iterable[ProjectKind],
    parent: Project | None = None,
    amounts: Mapping[str, Decimal | None],
    multi_year: bool = False,
    serves_public: bool = True,
    description: str = "",
    loaded: str | None = None,
) -> Project:
    """Create or change a project. Checked inside the transaction: the actor's right over the
    unit (scope re-checked here, DESIGN.md), an open year, the parent, the amounts, and that
    it was not saved since the form's `loaded` stamp (`edit_stamp.Overwritten`)."""
    if not can_edit_project(actor, unit):
        raise PermissionDenied(_("您不能维护该单位的项目。"))
    if project is not None:
        project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
        if not can_edit_project(actor, project.unit):
            raise PermissionDenied(_("您不能维护该单位的项目。"))
        edit_stamp.check(project, loaded)
    if not year_is_open(region=region, year=year):
        raise ValidationError(_("%(y)s 年度已关闭，不能修改项目。") % {"y": year})
    errors = check_amounts(amounts)
    errors.update(
        _check_project(
            project,
            region=region,
            year=year,
            code=code,
            unit=unit,
            parent=parent,
            kinds=list(kinds),
        )
    )
    if errors:
        raise ValidationError(errors)
    project = project or Project(region=region, year=year, code=code)
    before_kinds = sorted(project.kinds.values_list("label", flat=True)) if project.pk else []
    project.name, project.unit, project.parent = name, unit, parent
    project.multi_year, project.serves_public, project.description = (
        multi_year,
        serves_public,
        description,
    )
    for field in AMOUNT_FIELDS:
        setattr(project, field, amounts.get(field) or Decimal(0))
    project.updated_by = actor
    project.save()
    kinds = list(kinds)
    project.kinds.set(kinds)
    after_kinds = sorted(k.label for k in kinds)
    if after_kinds != before_kinds:
        audit.record(
            action="update",
            instance=project,
            before={"kinds": before_kinds},
            after={"kinds": after_kinds},
        )
    return project


def _check_project(project, *, region, year, code, unit, parent, kinds) -> dict[str, str]:
    errors = {}
    duplicate = Project.objects.filter(region=region, year=year, code=code)
    if project is not None:
        duplicate = duplicate.exclude(pk=project.pk)
    if duplicate.exists():
        errors["code"] = _("%(y)s 年度已有项目编码“%(c)s”。") % {"y": year, "c": code}
    if unit.region_id != region.id:
        errors["unit"] = _("预算单位不在本区划。")
    if not kinds:
        errors["kinds"] = _("请至少选择一个项目类别。")
    if parent is not None:
        if parent.year != year or parent.region_id != region.id:
            errors["parent"] = _("一级项目必须是同一区划、同一年度的项目。")
        elif parent.parent_id is not None:
            errors["parent"] = _("所选上级项目本身是二级项目。")
        elif project is not None and parent.pk == project.pk:
            errors["parent"] = _("项目不能以自身为上级项目。")
    return errors


@transaction.atomic
def fiscal_year_create(*, actor: User, region: Region, year: int) -> FiscalYear:
    """Start a budget year: the units carry over from the year before (name, level, parent,
    business office), to be changed for the new year where the organisation changed."""
    from jixiao.orgs.models import UnitYear

    if not actor.has_role(Role.BUDGET):
        raise PermissionDenied(_("只有预算股可以新建预算年度。"))
    if region.level != Region.Level.DISTRICT:
        raise ValidationError(_("预算年度由各区县自行建立。"))
    if FiscalYear.objects.filter(region=region, year=year).exists():
        raise ValidationError(_("%(y)s 年度已存在。") % {"y": year})
    fiscal_year = FiscalYear.objects.create(region=region, year=year)
    previous = UnitYear.objects.filter(unit__region=region, year=year - 1)
    if not UnitYear.objects.filter(unit__region=region, year=year).exists():
        for row in previous.order_by("level"):
            UnitYear.objects.create(
                unit_id=row.unit_id,
                year=year,
                name=row.name,
                level=row.level,
                parent_id=row.parent_id,
                office_id=row.office_id,
            )
    return fiscal_year


@transaction.atomic
def fiscal_year_set_status(
    *, actor: User, region: Region, year: int, close: bool, reason: str
) -> FiscalYear:
    """Close a year (its documents lock) or reopen it; both explicit and logged."""
    if not actor.has_role(Role.BUDGET, Role.PERFORMANCE):
        raise PermissionDenied(_("只有预算股或绩效办可以关闭或重新开放年度。"))
    if not reason.strip():
        raise ValidationError(_("请填写理由。"))
    fiscal_year, _created = FiscalYear.objects.select_for_update(of=("self",)).get_or_create(
        region=region, year=year
    )
    fiscal_year.status = FiscalYear.Status.CLOSED if close else FiscalYear.Status.OPEN
    fiscal_year.closed_at = timezone.now() if close else None
    fiscal_year.save()
    audit.record(
        action="action",
        instance=fiscal_year,
        actor=actor,
        message=(_("关闭年度：%(r)s") if close else _("重新开放年度：%(r)s"))
        % {"r": reason.strip()[:300]},
    )
    return fiscal_year


#: Projects whose payment totals are recomputed by one statement (their ids its parameters).
TOTALS_CHUNK = 2000


def _ids_param(ids: list[int]) -> RawSQL:
    """Ids for `IN`, passed as one parameter instead of one prepared by Django each."""
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def refresh_payment_totals(project_ids: Iterable[int]) -> None:
    """Keep the payments of `project_ids` added up (`PaymentTotal`) after their payments were
    written or deleted: each chunk of projects' totals deleted, then recomputed from their
    payments by one INSERT … SELECT … GROUP BY, whatever the number of rows. Every writer of
    payments calls this in its own transaction, after its rows are written; a project left
    without payments keeps no total."""
    ids = sorted(set(project_ids))
    quote = connection.ops.quote_name
    table = quote(PaymentTotal._meta.db_table)
    column = quote(PaymentTotal._meta.get_field("project").column)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), TOTALS_CHUNK):
            chunk = _ids_param(ids[start : start + TOTALS_CHUNK])
            # one DELETE, as SQL: the ORM's would load each total and send its delete signals
            # (receivers listen to every model; none audits or caches a total), a second of
            # CPU for a province's 40,000
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({chunk.sql})", chunk.params)
            sums = (
                Payment.objects.filter(project_id__in=chunk)
                .order_by()
                .values("project_id")
                .annotate(
                    total=Sum("amount"),
                    december=Coalesce(
                        Sum("amount", filter=Q(month=12)), Value(0), output_field=DecimalField()
                    ),
                )
            )
            sql, params = sums.query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} (project_id, total, december) {sql}", params)
