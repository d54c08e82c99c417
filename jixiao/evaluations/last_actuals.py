"""Last year's actual values for the targets' T13 under_ambitious (DOMAIN.md §4.4): the
self-evaluation of the same project a year earlier gives what it achieved, and the lint warns
when this year's target is below it. Registered with `jixiao.targets.history` when the app
starts (targets, an earlier stage, cannot import evaluations).
"""

from __future__ import annotations

from jixiao.indicators.values import Kind, parse_actual_value, parse_target_value
from jixiao.targets.declaration import indicator_key
from jixiao.targets.history import (
    PreviousActual,
    register_previous_actuals,
    same_project_last_year,
)

from .models import COUNTED, SelfEvaluation


@register_previous_actuals
def selfeval_actuals(project, year: int) -> dict[str, PreviousActual]:
    """`indicator_key(name)` → the actual recorded in the submitted or confirmed
    self-evaluation of the same project (same code, else same unit and name) of `year - 1`.

    Only quantitative actuals that read cleanly against their target (`parse_actual_value`:
    in the target's unit, money converted) are kept; a name recorded twice with two different
    actuals is left out, since which one is meant is unclear.
    """
    selfeval = same_project_last_year(SelfEvaluation.objects.filter(status__in=COUNTED), project,
                                      year)  # fmt: skip
    if selfeval is None:
        return {}
    found: dict[str, PreviousActual] = {}
    unclear: set[str] = set()
    for line in selfeval.indicators.order_by("position"):
        target = parse_target_value(line.target_text, category=line.category, name=line.name,
                                    subcategory=line.subcategory, year=selfeval.year)  # fmt: skip
        actual = parse_actual_value(line.actual, target, name=line.name)
        if not actual.ok or actual.kind != Kind.QUANTITATIVE or actual.number is None:
            continue
        key, read = indicator_key(line.name), PreviousActual(actual.number, actual.unit)
        if found.get(key, read) != read:
            unclear.add(key)
        found.setdefault(key, read)
    return {key: read for key, read in found.items() if key not in unclear}
