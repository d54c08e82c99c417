"""Target declarations out: the official form in xlsx (one worksheet per declaration, the
layout the import reads) or schemas/target JSON (a list, money as strings).

Both start from `selectors.target_list`, the selector of the targets list page, so a file holds
exactly what the user could see (DESIGN.md, Import and export).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from jixiao.core.collector import gc_paused
from jixiao.core.exports import (
    decimal_text,
    in_chunks,
    indicator_row,
    json_bytes,
    register_exporter,
    register_national,
    workbook_bytes,
)
from jixiao.core.jobs import XLSX, JobFile, file_builder
from jixiao.indicators import data_elements
from jixiao.orgs.selectors import unit_names

from .excel import LAYOUT, DeclarationForm, forms_workbook
from .models import Indicator, Target
from .selectors import target_list

CHUNK = 500  # targets per query: the indicators of a province fit in memory, not in one IN ()


def _with_details(rows):
    return rows.select_related("region", "unit", "project", "project__parent").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position")), "project__kinds"
    )


def _attribute(target: Target) -> str:
    project = target.project
    level = f"二级项目（一级项目：{project.parent.code}）" if project.parent_id else "一级项目"
    return f"{level}，跨年度" if project.multi_year else level


def form_of(target: Target, names: tuple[str, str] | None = None) -> DeclarationForm:
    """A stored target as the form shows it: values as the user typed them."""
    unit_name, supervisor = names or (target.unit.name, target.unit.name)
    project = target.project
    return DeclarationForm(
        year=target.year,
        is_unit=project is None,
        region_code=target.region.code,
        region_name=target.region.name,
        project_code=project.code if project else "",
        project_name=project.name if project else "",
        unit_code=target.unit.code,
        unit_name=unit_name,
        supervisor=supervisor,
        attribute=_attribute(target) if project else "",
        kinds="、".join(k.label for k in project.kinds.all()) if project else "",
        amounts={
            "total": target.amount_total,
            "current": target.amount_current,
            "carryover": target.amount_carryover,
            "other": target.amount_other,
        },
        goal=target.goal,
        medium_term_goal=target.medium_term_goal,
        serves_public=target.serves_public,
        indicators=[indicator_row(i, LAYOUT) for i in target.indicators.all()],
    )


def _forms(rows) -> Iterator[tuple[Target, DeclarationForm]]:
    """Targets with their details, a chunk of queries at a time, in the list's order."""
    for targets in in_chunks(
        rows, lambda pks: _with_details(Target.objects.filter(pk__in=pks)), CHUNK
    ):
        names = unit_names(targets)
        for target in targets:
            yield target, form_of(target, names.get((target.unit_id, target.year)))


def target_data(target: Target, form: DeclarationForm) -> dict:
    """One schemas/target object; decimals as strings (CONTRACT.md)."""
    data = {
        "region": form.region_code,
        "year": form.year,
        "unit": {"code": form.unit_code, "name": form.unit_name},
        "amounts": {k: decimal_text(v) for k, v in form.amounts.items()},
        "goal": form.goal,
        "medium_term_goal": form.medium_term_goal or None,
        "serves_public": form.serves_public,
        "status": target.status,
        "version": target.version,
        "indicators": [
            {
                "category": i["category"],
                "subcategory": i["subcategory"],
                "name": i["name"],
                "target": i["value_text"],
                "unit": i["unit"] or None,
                "weight": decimal_text(i["weight"]),
                "basis": i["basis"] or None,
                "explanation": i["explanation"] or None,
                "source": i["source"] or None,
            }
            for i in form.indicators
        ],
    }
    if target.project_id:
        project = target.project
        data["project"] = {
            "code": project.code,
            "name": project.name,
            "kinds": [k.label for k in project.kinds.all()],
            "parent_code": project.parent.code if project.parent_id else None,
        }
    return data


def targets_bytes(rows, fmt: str) -> bytes:
    pairs: Iterable[tuple[Target, DeclarationForm]] = _forms(rows)
    if fmt == "json":
        return json_bytes([target_data(t, f) for t, f in pairs])
    with gc_paused():
        return workbook_bytes(forms_workbook(f for _t, f in pairs))


@register_exporter("targets", rows=target_list)
def export_targets(reader, region, year, fmt: str) -> bytes:
    """`jixiao export targets --region R --year Y --format xlsx|json -o FILE`."""
    return targets_bytes(target_list(user=reader, region=region, year=year), fmt)


TARGET_FILTERS = ("status", "unit", "subject", "findings", "q")


@file_builder
def targets_file(user, *, region: str, year: int, **filters) -> JobFile:
    """The targets list's "导出 Excel" as `user` sees it, the filtered rows one form per
    worksheet (in the request, or as a background job past the threshold)."""
    from jixiao.orgs.models import Region

    found = Region.objects.get_visible_or_404(user, code=region)
    forms = [f for _t, f in _forms(target_list(user=user, region=found, year=year, **filters))]
    with gc_paused():
        data = workbook_bytes(forms_workbook(forms))
    name = f"绩效目标申报表-{region}-{year}.xlsx"
    return JobFile(data, name, XLSX, audit_kind="targets", rows=len(forms))


register_national(
    "targets",
    tables=data_elements.DECLARATION_TABLES,
    out=data_elements.declarations_to_national,
    into=data_elements.declarations_from_national,
)
