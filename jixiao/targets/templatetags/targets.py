from django import template

from jixiao.targets.models import REVIEW_DIMENSIONS, Grade
from jixiao.targets.workflow import GRADED

register = template.Library()

_LABELS = dict(REVIEW_DIMENSIONS)


@register.filter
def grade_label(key: str) -> str:
    """完整性 for "completeness"; 总体 for "overall"."""
    from django.utils.translation import gettext

    return str(_LABELS.get(key, gettext("总体") if key == "overall" else key))


@register.filter
def graded(transitions) -> bool:
    """Whether one of these transitions records review grades (DOMAIN.md §4.5)."""
    return any(t.name in GRADED for t in transitions)


@register.simple_tag
def review_dimensions():
    return REVIEW_DIMENSIONS


@register.simple_tag
def grade_values():
    return Grade.values


@register.filter
def typed_grade(typed, key: str) -> str:
    """The grade of dimension `key` a reviewer chose in a refused step (core.review_draft)."""
    return (typed or {}).get(f"grade_{key}", "")


@register.filter
def subcategory_options(catalogue, row) -> list[tuple[str, bool]]:
    """The 二级指标 a grid row offers as drawn by the server, as (name, selected): those of its
    一级指标 in the rulebook's catalogue, and its own when the catalogue lacks it, so that a save
    never drops it. The page's script fills the list again when the 一级指标 changes; without
    scripts, a row's 二级指标 can still be changed within its 一级指标, or cleared."""
    current = (row or {}).get("subcategory") or ""
    names = list((catalogue or {}).get((row or {}).get("category") or "", ()))
    if current and current not in names:
        names.append(current)
    return [(name, name == current) for name in names]
