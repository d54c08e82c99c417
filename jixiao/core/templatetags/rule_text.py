"""Findings, score explanations and alerts in the reader's language (jixiao.core.messages).

{% load rule_text %}
{{ finding|localized:"message" }}          a stored finding, issue or alert, one of its texts
{{ selfeval|indicator_explanation:line }}  a self-evaluation line's score explanation
"""

from django import template

from jixiao.core import messages

register = template.Library()


@register.filter
def localized(row, key: str) -> str:
    return messages.localized(row, key)


@register.filter
def indicator_explanation(selfeval, line) -> str:
    """The line's stored explanation, in the reader's language when the self-evaluation's
    result holds it as code and parameters (same position, same Chinese text)."""
    indicators = (selfeval.result or {}).get("indicators") or []
    position = line.position
    if 0 <= position < len(indicators):
        scored = indicators[position]
        if scored.get("explanation") == line.score_explanation:
            return messages.localized(scored, "explanation")
    return line.score_explanation
