"""Self-evaluations out: `jixiao export selfevals` — the official 项目支出绩效自评表 in xlsx (one
worksheet per table, the layout `jixiao import selfevals` reads) or schemas/selfeval JSON with
the computed figures beside what the unit filled in.

In both, 得分/`rule_score` is the score by the rules and the unit's own score stands beside it
(单位自评得分, `self_score`), flagged where the two differ. Both start from
`selectors.selfeval_list`, the selector of the list page, with the reader, so a file holds
exactly what that reader could see (DESIGN.md, Import and export).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch

from jixiao.budgets.models import FUNDING_SOURCES
from jixiao.core.exports import (
    decimal_text,
    in_chunks,
    indicator_row,
    json_bytes,
    register_exporter,
    register_national,
    workbook_bytes,
)
from jixiao.core.rule_messages import texts_only
from jixiao.indicators import data_elements
from jixiao.orgs.selectors import unit_names

from .excel import LAYOUT, SelfEvalForm, forms_workbook
from .models import SelfEvalIndicator, SelfEvaluation
from .scoring import grade_for, scoring_params
from .selectors import selfeval_list
from .services import scoring_rules, selfeval_data

CHUNK = 500  # self-evaluations per query


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _codes(problems) -> set[str]:
    return {p.get("code") for p in problems or () if isinstance(p, dict)}


class _Params:
    """The scoring parameters of each region and year, read once per export."""

    def __init__(self):
        self._cache: dict[tuple[int, int], object] = {}

    def __call__(self, selfeval: SelfEvaluation):
        key = (selfeval.region_id, selfeval.year)
        if key not in self._cache:
            rules, _catalogue, _label = scoring_rules(selfeval)
            self._cache[key] = scoring_params(rules)
        return self._cache[key]


def form_of(
    selfeval: SelfEvaluation, names: tuple[str, str] | None = None, params=None
) -> SelfEvalForm:
    """A stored self-evaluation as the table shows it: the rule's scores in 得分, the unit's
    beside them."""
    unit_name, supervisor = names or (selfeval.unit.name, selfeval.unit.name)
    project = selfeval.project
    result = selfeval.result or {}
    execution = result.get("execution") or {}
    money = {
        "total": {
            "initial": project.initial_total,
            "full_year": project.full_total,
            "executed": selfeval.executed_total,
        }
    }
    for src, _label in FUNDING_SOURCES:
        money[src] = {
            "initial": getattr(project, f"initial_{src}"),
            "full_year": getattr(project, f"full_{src}"),
            "executed": getattr(selfeval, f"executed_{src}"),
        }
    lines = list(selfeval.indicators.all())
    weight = params.execution_weight if params else None
    weights = [i.weight for i in lines if i.weight is not None]
    total_weight = sum(weights, weight or Decimal(0)) if weights or weight else None
    grades = params.grades if params else ()
    issues = _codes([*result.get("warnings", ()), *result.get("errors", ())])
    return SelfEvalForm(
        year=selfeval.year,
        region_code=selfeval.region.code,
        region_name=selfeval.region.name,
        project_code=project.code,
        project_name=project.name,
        supervisor=supervisor,
        unit_name=unit_name,
        money=money,
        execution_weight=weight,
        execution_rate=_decimal(execution.get("rate")),
        execution_score=_decimal(execution.get("score")),
        self_execution_score=selfeval.self_execution_score,
        execution_differs=bool(execution.get("self_score_differs")),
        goal_expected=selfeval.target.goal if selfeval.target_id else "",
        goal_achieved=selfeval.goal_achieved,
        report=selfeval.report,
        indicators=[
            indicator_row(i, LAYOUT, target="target_text")
            | {"self_differs": "self_score_differs" in _codes(i.problems)}
            for i in lines
        ],
        total_weight=total_weight,
        total=selfeval.total,
        grade=selfeval.grade,
        self_total=selfeval.self_total,
        self_grade=(grade_for(selfeval.self_total, grades) or "")
        if (selfeval.self_total is not None and grades)
        else "",
        total_differs="self_total_differs" in issues,
    )


def _load(pks):
    return (
        SelfEvaluation.objects.filter(pk__in=pks)
        .select_related("project", "unit", "region", "target")
        .prefetch_related(
            Prefetch("indicators", queryset=SelfEvalIndicator.objects.order_by("position"))
        )
    )


def _forms(rows) -> Iterator[tuple[SelfEvaluation, SelfEvalForm]]:
    """Self-evaluations with their details and forms, a chunk at a time, in the list's order."""
    params = _Params()
    for batch in in_chunks(rows, _load, CHUNK):
        names = unit_names(batch)
        for selfeval in batch:
            yield (
                selfeval,
                form_of(selfeval, names.get((selfeval.unit_id, selfeval.year)), params(selfeval)),
            )


def selfeval_export_data(selfeval: SelfEvaluation, form: SelfEvalForm) -> dict:
    """One schemas/selfeval object (what `jixiao score` and the import read) with the
    computed figures: each indicator's `rule_score` beside the unit's `self_score`."""
    lines = list(selfeval.indicators.all())
    data = selfeval_data(selfeval, lines)
    data["unit"]["name"] = form.unit_name
    for item, line in zip(data["indicators"], lines, strict=True):
        codes = _codes(line.problems)
        item.update(
            rule_score=decimal_text(line.score),
            score_explanation=line.score_explanation,
            self_score_differs="self_score_differs" in codes,
            reviewed_score=decimal_text(line.reviewed_score),
            review_reason=line.review_reason or None,
            problems=line.problems,
        )
    data.update(
        status=selfeval.status,
        report=selfeval.report or None,
        total=decimal_text(selfeval.total),
        grade=selfeval.grade or None,
        complete=selfeval.complete,
        rulebook=selfeval.rulebook or None,
        self_total_differs=form.total_differs,
        reviewed_total=decimal_text(selfeval.reviewed_total),
        spot_check_total=decimal_text(selfeval.spot_check_total),
        result=texts_only(selfeval.result) or None,
    )
    return data


def selfevals_bytes(rows, fmt: str) -> bytes:
    pairs = _forms(rows)
    if fmt == "json":
        return json_bytes([selfeval_export_data(s, f) for s, f in pairs])
    return workbook_bytes(forms_workbook(f for _s, f in pairs))


@register_exporter("selfevals", rows=selfeval_list)
def export_selfevals(reader, region, year, fmt: str) -> bytes:
    """`jixiao export selfevals --region R --year Y --format xlsx|json -o FILE`."""
    return selfevals_bytes(selfeval_list(user=reader, region=region, year=year), fmt)


register_national(
    "selfevals",
    tables=data_elements.SELFEVAL_TABLES,
    out=data_elements.selfevals_to_national,
    into=data_elements.selfevals_from_national,
)
