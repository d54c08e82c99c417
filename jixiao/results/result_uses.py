"""How each result of a work year was used (结果应用情况, DOMAIN.md §8.2), as the national
platform records it: fed back to the evaluated unit, tied to the budget, policy or management
adjusted, reported to the government, reported to the 人大, and the leaders' instruction.

The results of work year Y (DOMAIN.md §9: the evaluations done in Y cover Y−1):

- the **self-evaluations** of Y−1's projects, confirmed;
- the **whole-unit evaluations** of Y−1, confirmed;
- the **key evaluations** of Y, archived.

Who records: the **performance office** (every result in its scope) and the **business office**
(the self-evaluations of its units: it reviewed them first, DOMAIN.md §3). One `ResultUse` row
per result: `result_use_save` creates it or updates it, under a lock on the result's row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.scope import scope_of
from jixiao.evaluations.key.models import KeyStatus
from jixiao.evaluations.models import (
    EvaluationStatus,
    KeyEvaluation,
    SelfEvaluation,
    UnitEvaluation,
)
from jixiao.orgs.models import Region, Role

from .models import RESULT_USE_FLAGS, ResultUse

#: The kinds of result, in the order the list shows them (the `ResultUse` link of each).
KINDS = {
    "selfeval": gettext_lazy("项目自评"),
    "unit_evaluation": gettext_lazy("部门整体评价"),
    "key_evaluation": gettext_lazy("重点评价"),
}
MODELS = {
    "selfeval": SelfEvaluation,
    "unit_evaluation": UnitEvaluation,
    "key_evaluation": KeyEvaluation,
}
#: What a save may set besides the five uses.
TEXTS = ("instruction", "note")


def kind_of(result: Model) -> str:
    for kind, model in MODELS.items():
        if isinstance(result, model):
            return kind
    raise TypeError(type(result).__name__)


def work_year_of(result: Model) -> int:
    """The work year a result belongs to: an evaluation of Y−1 is a result of Y."""
    return result.year if isinstance(result, KeyEvaluation) else result.year + 1


def may_record(user, kind: str = "") -> bool:
    """The performance office records every kind; the business office the self-evaluations."""
    if user.has_role(Role.PERFORMANCE):
        return True
    return user.has_role(Role.BUSINESS) and kind in ("", "selfeval")


def result_sets(user, region: Region, year: int) -> dict[str, QuerySet]:
    """The results of work year `year` in `region` and every region under it, as `user` (None:
    the whole region) sees them, by kind."""
    # A reader of the whole region: the region filter alone, without the scope's second join
    # on the region (it would keep every row).
    whole = user is None or scope_of(user).covers_region_path(region.path)

    def rows(model) -> QuerySet:
        return model.objects.all() if whole else model.objects.visible_to(user)

    regions = Region.objects.filter(path__startswith=region.path).values("id")
    confirmed = EvaluationStatus.CONFIRMED
    return {
        "selfeval": rows(SelfEvaluation).filter(
            region__in=regions, year=year - 1, status=confirmed
        ),
        "unit_evaluation": rows(UnitEvaluation).filter(
            region__in=regions, year=year - 1, status=confirmed
        ),
        "key_evaluation": rows(KeyEvaluation).filter(
            region__in=regions, year=year, status=KeyStatus.ARCHIVED
        ),
    }


def uses_of(sets: dict[str, QuerySet]) -> QuerySet[ResultUse]:
    """The `ResultUse` rows of the results in `sets` (one subquery per kind)."""
    q = Q(pk__in=[])
    for kind, rows in sets.items():
        q |= Q(**{f"{kind}__in": rows.values("pk")})
    return ResultUse.objects.filter(q)


@dataclass
class ResultRow:
    """One result of the list: its kind, the evaluation, and its use (None: not yet recorded)."""

    kind: str
    result: Model
    use: ResultUse | None

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def unit(self):
        return self.result.unit

    @property
    def subject(self) -> str:
        if self.kind == "selfeval":
            return f"{self.result.project.code} {self.result.project.name}"
        if self.kind == "unit_evaluation":
            return _("%(year)s年度部门整体支出") % {"year": self.result.year}
        return self.result.subject

    @property
    def grade(self) -> str:
        if self.kind == "selfeval":
            return self.result.reviewed_grade or self.result.grade
        return self.result.grade

    @property
    def url(self) -> str:
        if self.kind == "selfeval":
            return reverse("selfeval-detail", args=[self.result.pk])
        if self.kind == "unit_evaluation":
            return reverse("unit-evaluation", args=[self.result.unit_id, self.result.year])
        return reverse("key-detail", args=[self.result.pk])


def results_of_year(
    user, region: Region, year: int, *, kind: str = "", unit: str = "", missing: bool = False
) -> list[ResultRow]:
    """The work year's results `user` sees, each with its use: one query per kind and one for
    the uses. `kind` keeps one kind, `unit` one unit (its code), `missing` those not recorded."""
    sets = result_sets(user, region, year)
    if kind in MODELS:
        sets = {kind: sets[kind]}
    if unit:
        sets = {k: rows.filter(unit__code=unit) for k, rows in sets.items()}
    related = {
        "selfeval": ("unit", "project"),
        "unit_evaluation": ("unit",),
        "key_evaluation": ("unit", "project"),
    }
    loaded = {
        k: list(rows.select_related(*related[k]).order_by("unit__code", "pk"))
        for k, rows in sets.items()
    }
    uses = {}
    for use in uses_of(sets):
        for k in MODELS:
            if getattr(use, f"{k}_id"):
                uses[(k, getattr(use, f"{k}_id"))] = use
    rows = [
        ResultRow(k, result, uses.get((k, result.pk)))
        for k, results in loaded.items()
        for result in results
    ]
    if missing:
        rows = [r for r in rows if r.use is None]
    return rows


def use_totals(rows: list[ResultRow]) -> dict:
    """The counts at the top of the list (the keys of the `uses` statistics)."""
    used = [r.use for r in rows if r.use is not None]
    totals = {"results": len(rows), "recorded": len(used)}
    for flag in RESULT_USE_FLAGS:
        totals[flag] = sum(1 for u in used if getattr(u, flag))
    totals["instructions"] = sum(1 for u in used if u.instruction.strip())
    return totals


def result_use_save(*, actor, result: Model, **flags) -> ResultUse:
    """Record how `result` was used: the five uses (booleans), `instruction` and `note` (text);
    what is not given stays as it was. Refused (PermissionDenied) for whoever may not record
    this kind or does not see the result; ValidationError for a result that is not (yet) one of
    its work year's results, or a value of the wrong type."""
    kind = kind_of(result)
    if not may_record(actor, kind):
        raise PermissionDenied(_("只有绩效办（项目自评还有业务股室）可以登记结果应用情况。"))
    errors = {}
    for name, value in flags.items():
        if name in RESULT_USE_FLAGS:
            if not isinstance(value, bool):
                errors[name] = _("“%(field)s”应为是或否。") % {
                    "field": ResultUse._meta.get_field(name).verbose_name
                }
        elif name in TEXTS:
            if not isinstance(value, str):
                errors[name] = _("“%(field)s”应为文字。") % {
                    "field": ResultUse._meta.get_field(name).verbose_name
                }
        else:
            errors[name] = _("没有“%(field)s”这一项。") % {"field": name}
    if errors:
        raise ValidationError(errors)
    model = MODELS[kind]
    with transaction.atomic():
        locked = model.objects.select_for_update().filter(pk=result.pk).first()
        if locked is None or not model.objects.visible_to(actor).filter(pk=result.pk).exists():
            raise PermissionDenied(_("不能登记这一结果的应用情况。"))
        year = work_year_of(locked)
        if not result_sets(actor, locked.region, year)[kind].filter(pk=locked.pk).exists():
            raise ValidationError(
                _("“%(result)s”尚未确认或归档，不是%(year)s年度的评价结果，不能登记应用情况。")
                % {"result": str(locked), "year": year}
            )
        use = ResultUse.objects.filter(**{kind: locked}).first() or ResultUse(
            region=locked.region, year=year, unit=locked.unit, **{kind: locked}
        )
        for name, value in flags.items():
            setattr(use, name, value.strip() if isinstance(value, str) else value)
        use.updated_by = actor
        use.save()
    return use
