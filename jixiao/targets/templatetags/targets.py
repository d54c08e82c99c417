from django import template

from jixiao.targets.models import REVIEW_DIMENSIONS

register = template.Library()

_LABELS = dict(REVIEW_DIMENSIONS)


@register.filter
def grade_label(key: str) -> str:
    """完整性 for "completeness"; 总体 for "overall"."""
    from django.utils.translation import gettext

    return str(_LABELS.get(key, gettext("总体") if key == "overall" else key))
