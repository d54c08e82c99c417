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
