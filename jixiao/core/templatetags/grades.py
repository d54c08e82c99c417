from django import template

from jixiao.core.grades import glossed_grade

register = template.Library()


@register.filter(name="grade")
def grade_filter(value):
    """{{ g|grade }}: 优 in Chinese, "优 (excellent)" in English (jixiao.core.grades)."""
    return glossed_grade(value)
