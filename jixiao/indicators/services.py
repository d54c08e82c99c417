"""Writes to the indicator library (指标库, DOMAIN.md §2, §3): the performance office keeps its
region's own templates; national templates (region null) come only from the bundled library.

Every write places the 一级/二级 names in the classic catalogue or the 2021 one (DOMAIN.md §4.1)
and records an audit entry with the before/after snapshot (the model is not `@audited`: the
import framework writes its own batch entry, the migration writes none).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import audit
from jixiao.orgs.models import Region, Role

from .catalogue import CATALOGUE_2021, CLASSIC_CATALOGUE, normalise_category, place_indicator
from .models import IndicatorTemplate
from .values import parse_target_value

#: The fields a template is written with, besides its region.
FIELDS = ("sector", "kind", "category", "subcategory", "name", "value_hint", "unit", "explanation")


@dataclass(frozen=True)
class Placed:
    """A template's category and subcategory as the catalogue names them, or why not."""

    category: str | None
    subcategory: str | None
    problem: str = ""


def place_template(category: object, subcategory: object) -> Placed:
    """Place 一级/二级 in the classic catalogue, or the 2021 one (DOMAIN.md §4.1).

    Names are matched leniently ('产出指标(50分)', '数量值'); a 2021 cost subcategory
    (经济成本指标 ...) keeps its 2021 place instead of folding into the classic 成本指标; a
    subcategory written under the wrong category is refused, not moved.
    """
    central = place_indicator(category, subcategory, CATALOGUE_2021)
    if not central.problems and central.category == "成本指标" and central.subcategory:
        return Placed(central.category, central.subcategory)
    for catalogue in (CLASSIC_CATALOGUE, CATALOGUE_2021):
        placement = place_indicator(category, subcategory, catalogue)
        if not placement.problems and placement.category and placement.subcategory:
            return Placed(placement.category, placement.subcategory)
    classic = place_indicator(category, subcategory, CLASSIC_CATALOGUE)
    if not subcategory:
        problem = _("未填写二级指标")
    elif classic.subcategory is None:
        problem = _("二级指标“%(s)s”不在传统指标体系或2021年指标体系中") % {"s": subcategory}
    elif normalise_category(category) not in (None, classic.category):
        problem = _("二级指标“%(s)s”不属于一级指标“%(c)s”（应为“%(o)s”）") % {
            "s": subcategory,
            "c": category,
            "o": classic.category,
        }
    else:
        problem = _("一级指标“%(c)s”不在传统指标体系或2021年指标体系中") % {"c": category}
    return Placed(None, None, problem)


def value_hint_problem(value_hint: str, *, category: str, subcategory: str) -> str:
    """Why a 参考指标值 cannot be read (DOMAIN.md §4.2), or '' when it can (or is empty)."""
    if not value_hint:
        return ""
    value = parse_target_value(
        value_hint, category=category, subcategory=subcategory, year=timezone.localdate().year
    )
    if value.ok:
        return ""
    return "；".join(value.problems) or _("参考指标值“%(v)s”无法识别") % {"v": value_hint}


def _check_editor(actor, region: Region) -> None:
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以维护指标库。"))
    if not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        raise PermissionDenied(_("您无权维护该区划的指标库。"))


def _clean(data: dict) -> dict:
    """The template's fields, placed and checked; raises ValidationError keyed by field."""
    values = {key: (data.get(key) or "").strip() for key in FIELDS}
    if values["kind"] not in IndicatorTemplate.Kind.values:
        values["kind"] = (
            IndicatorTemplate.Kind.COMMON
            if values["sector"] == "通用"
            else IndicatorTemplate.Kind.SPECIFIC
        )
    errors: dict[str, list[str]] = {}
    for key in ("sector", "name"):
        if not values[key]:
            errors[key] = [_("必填项为空")]
    placed = place_template(values["category"], values["subcategory"])
    if placed.problem:
        errors["subcategory"] = [placed.problem]
    else:
        values["category"], values["subcategory"] = placed.category, placed.subcategory
        problem = value_hint_problem(
            values["value_hint"], category=placed.category, subcategory=placed.subcategory
        )
        if problem:
            errors["value_hint"] = [problem]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def template_save(
    *, actor, region: Region, data: dict, template: IndicatorTemplate | None = None
) -> IndicatorTemplate:
    """Create or change one of the region's own templates (performance office only, §3).

    National templates are read-only; a (sector, subcategory, name) the region already has is
    refused so the library stays free of duplicates.
    """
    _check_editor(actor, region)
    values = _clean(data)
    if template is not None:
        template = IndicatorTemplate.objects.select_for_update(of=("self",)).get(pk=template.pk)
        if template.region_id != region.id:
            raise PermissionDenied(_("全国通用指标和其他区划的指标不能修改。"))
    clash = IndicatorTemplate.objects.filter(
        region=region,
        sector=values["sector"],
        subcategory=values["subcategory"],
        name=values["name"],
    )
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": [
                    _("本区划指标库中已有同一行业、二级指标下的“%(n)s”。") % {"n": values["name"]}
                ]
            }
        )
    before = audit.snapshot(template) if template is not None else None
    if template is None:
        template = IndicatorTemplate(region=region)
    for key, value in values.items():
        setattr(template, key, value)
    if "active" in data:
        template.active = bool(data["active"])
    template.full_clean()
    template.save()
    audit.record(
        action="update" if before else "create",
        instance=template,
        before=before,
        after=audit.snapshot(template),
        region_code=region.code,
    )
    return template


@transaction.atomic
def template_deactivate(
    *, actor, region: Region, template: IndicatorTemplate, active: bool = False
) -> IndicatorTemplate:
    """Stop (or resume) offering a regional template in declarations; nothing is deleted,
    since declarations already made keep the rows they copied from it."""
    _check_editor(actor, region)
    template = IndicatorTemplate.objects.select_for_update(of=("self",)).get(pk=template.pk)
    if template.region_id != region.id:
        raise PermissionDenied(_("全国通用指标和其他区划的指标不能停用。"))
    before = audit.snapshot(template)
    template.active = active
    template.save(update_fields=["active"])
    audit.record(
        action="update",
        instance=template,
        before=before,
        after=audit.snapshot(template),
        region_code=region.code,
        message=_("启用指标库指标") if active else _("停用指标库指标"),
    )
    return template


def library_load(*, region: Region | None, items: list[dict]) -> tuple[int, int]:
    """Write checked templates (the importer's `save`), matched on sector + subcategory + name
    within the region (national when `region` is None); loading again updates, never doubles.
    Loaded rows are active. Returns (created, updated)."""
    created = updated = 0
    for item in items:
        values = {key: item.get(key) or "" for key in FIELDS}
        _row, was_created = IndicatorTemplate.objects.update_or_create(
            region=region,
            sector=values.pop("sector"),
            subcategory=values.pop("subcategory"),
            name=values.pop("name"),
            defaults={**values, "active": True},
        )
        created += was_created
        updated += not was_created
    return created, updated
