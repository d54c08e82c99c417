"""Fund actions (调整、收回、盘活, DOMAIN.md §8.2): the one service that records them and the reads
of what they change.

Who records one: the **budget office** and the **performance office** of the region. DOMAIN.md
§3 gives the business office only the first review of its units' documents and the budget office
the budget decisions (the gate, the linkage); taking money from a project is such a decision,
taken on the performance office's results. The business office, the units and the auditor read
the actions in their scope (a unit its own projects'), they do not record them.

An action never rewrites what was measured: `Project.full_*` (the full-year budget that the
monitoring rounds and the self-evaluations report) stay as they are. The project's *current*
budget from the action's date on is `project_current_budget`, computed from the actions
(`amounts.current_budget`).

The possible amounts are the pure `amounts` module's; the balance comes from the treasury's
monthly payments (`budgets.Payment`). Two recoveries of the same project at once cannot both
pass: the service locks the project's row (`select_for_update`) before it reads the balance.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.budgets.models import Payment, Project
from jixiao.core.messages import render_message
from jixiao.core.numbers import typed_decimal
from jixiao.core.sorting import Sorts
from jixiao.orgs.models import Role

from . import amounts
from .models import FundAction, FundActionKind, FundActionSource

#: Who records a fund action (the module's docstring says why).
RECORDERS = frozenset({Role.BUDGET, Role.PERFORMANCE})
#: The link each source names (an evaluation: the self-evaluation or the key evaluation).
SOURCE_LINKS = {
    FundActionSource.ALERT: ("alert",),
    FundActionSource.EVALUATION: ("selfeval", "key_evaluation"),
    FundActionSource.RECTIFICATION: ("rectification",),
}
LINKS = ("alert", "selfeval", "key_evaluation", "rectification")
STORED = Decimal("0.000001")  # money's stored precision (万元, 6 decimals)


@dataclass(frozen=True)
class Problem:
    """One reason an action is refused: the field (`path`), a stable `code`, the message."""

    path: str
    code: str
    message: str


class FundActionRefused(ValidationError):
    """The action is not possible; `problems` says each reason at its field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.path, []).append(p.message)
        super().__init__(by_field)


def may_record(user) -> bool:
    return user.has_role(*RECORDERS)


def _problem(path: str, code: str, message) -> Problem:
    """`message`: a rule's `Message` (rendered in the user's language) or translated text."""
    return Problem(path, code, render_message(message))


def _facts(project: Project) -> amounts.ProjectFacts:
    return amounts.ProjectFacts(
        id=project.pk, code=project.code, region=project.region.code, year=project.year
    )


def _payments(project: Project) -> dict[int, Decimal]:
    return dict(Payment.objects.filter(project=project).values_list("month", "amount"))


def _earlier(project: Project) -> list[amounts.Taken]:
    """The project's recorded actions: taken from it, and redeployed to it."""
    rows = FundAction.objects.filter(Q(project=project) | Q(receiving_project=project))
    return [
        amounts.Taken(amount=a.amount, on=a.date, received=a.receiving_project_id == project.pk)
        for a in rows.only("amount", "date", "project_id", "receiving_project_id")
    ]


def _link_belongs(link, project: Project) -> bool:
    """A source is of the project's unit: about the project itself, about another project of
    the unit (a 2020 self-evaluation graded 差 leads to cutting the unit's 2021 budget, whose
    project lines carry new codes each year), or about the whole unit (a key evaluation of a
    policy, a rectification without a project)."""
    linked = getattr(link, "project", None)
    unit_id = linked.unit_id if linked is not None else link.unit_id
    return unit_id == project.unit_id


def _source_problems(project, source, links: dict) -> list[Problem]:
    problems = []
    if source not in SOURCE_LINKS:
        problems.append(
            _problem(
                "source", "funds.source.unknown", _("请选择依据来源：监控预警、绩效评价或整改。")
            )
        )
        return problems
    wanted = SOURCE_LINKS[FundActionSource(source)]
    given = [name for name in LINKS if links.get(name) is not None]
    for name in given:
        if name not in wanted:
            problems.append(
                _problem(name, "funds.source.other_link", _("依据来源不是此类，不能填写此项。"))
            )
    chosen = [name for name in given if name in wanted]
    if len(chosen) != 1:
        path = wanted[0]
        problems.append(
            _problem(
                path,
                "funds.source.missing",
                _("请指定依据的%(source)s（一项）。") % {"source": FundActionSource(source).label},
            )
        )
        return problems
    link = links[chosen[0]]
    if not _link_belongs(link, project):
        problems.append(
            _problem(
                chosen[0],
                "funds.source.other_project",
                _("依据的%(source)s“%(link)s”不是项目 %(code)s 所属单位的。")
                % {"source": FundActionSource(source).label, "link": link, "code": project.code},
            )
        )
    return problems


def as_amount(value) -> Decimal | None:
    """A Decimal from what a form or JSON gave (a string or a Decimal; never a float)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            # As a person types it (core.numbers): "1,234.5" is 1234.5, "12,5" is refused.
            return typed_decimal(value)
        except ValueError:
            return None
    return None


def fund_action_create(
    *,
    actor,
    project: Project,
    kind: str,
    amount,
    date: datetime.date,
    reason: str,
    source: str,
    document_number: str,
    alert=None,
    selfeval=None,
    key_evaluation=None,
    rectification=None,
    receiving_project: Project | None = None,
) -> FundAction:
    """Record one action, or raise `FundActionRefused` with every reason (nothing written), or
    `PermissionDenied` for a user who does not record actions. The project and the links must
    be visible to `actor` (the callers load them with `visible_to`)."""
    if not may_record(actor):
        raise PermissionDenied(_("只有预算股和绩效办可以登记资金调整、收回和盘活。"))
    links = {
        "alert": alert,
        "selfeval": selfeval,
        "key_evaluation": key_evaluation,
        "rectification": rectification,
    }
    with transaction.atomic():
        # Lock the project: a second action on it waits here and then reads this one.
        project = Project.objects.select_for_update().select_related("region").get(pk=project.pk)
        problems: list[Problem] = []
        value = as_amount(amount)
        if value is None:
            typed = amount.strip() if isinstance(amount, str) else ""
            problems.append(
                _problem(
                    "amount",
                    "funds.amount.invalid",
                    _("%(f)s“%(v)s”不是数字。") % {"f": _("金额（万元）"), "v": typed}
                    if typed
                    else _("金额应为数字（万元），如 85.5。"),
                )
            )
        if not isinstance(date, datetime.date):
            problems.append(_problem("date", "funds.date.missing", _("请填写日期。")))
        if not (reason or "").strip():
            problems.append(_problem("reason", "funds.reason.missing", _("请填写理由。")))
        if not (document_number or "").strip():
            problems.append(
                _problem("document_number", "funds.document.missing", _("请填写文号。"))
            )
        problems += _source_problems(project, source, links)
        if value is not None and isinstance(date, datetime.date):
            check = amounts.check_action(
                kind=kind,
                amount=value,
                on=date,
                project=_facts(project),
                full_year_budget=project.full_total,
                payments=_payments(project),
                earlier=_earlier(project),
                receiving=_facts(receiving_project) if receiving_project else None,
            )
            problems += [
                _problem(path, m.code, m) for path, ms in check.problems.items() for m in ms
            ]
        elif kind not in amounts.KINDS:
            problems.append(
                _problem("kind", "funds.kind.unknown", _("请选择处理方式：调整、收回或盘活。"))
            )
        if problems:
            raise FundActionRefused(problems)
        return FundAction.objects.create(
            region=project.region,
            year=project.year,
            unit=project.unit,
            project=project,
            kind=FundActionKind(kind),
            amount=value,
            date=date,
            reason=reason.strip(),
            source=source,
            document_number=document_number.strip(),
            receiving_project=receiving_project,
            created_by=actor,
            **links,
        )


# --------------------------------------------------------------------------- reads


def project_balance(project: Project, on: datetime.date) -> amounts.Balance:
    """The unspent balance on `on` with the figures it comes from (what an action may take)."""
    return amounts.balance_on(project.full_total, _payments(project), _earlier(project), on)


def project_current_budget(project: Project, on: datetime.date | None = None) -> Decimal:
    """The project's budget from `on` (today by default): its full-year budget less what the
    actions dated by then took, plus what was redeployed to it by then."""
    on = on or timezone.localdate()
    return amounts.current_budget(project.full_total, _earlier(project), on)


def fund_totals(region, year: int, kinds=None) -> dict[str, Decimal]:
    """The money of each kind (调整, 收回, 盘活) in the actions of `region` (and the regions
    under it) dated in `year`, in 万元 as stored; `kinds` narrows them (all by default)."""
    kinds = tuple(kinds or amounts.KINDS)
    rows = (
        FundAction.objects.filter(region__path__startswith=region.path, date__year=year)
        .filter(kind__in=kinds)
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    found = {r["kind"]: r["total"] for r in rows}
    return {k: (found.get(k) or Decimal("0")).quantize(STORED) for k in kinds}


#: The columns the fund action list and its export sort by (core/sorting.py): the date, latest
#: first (the default; within a day as recorded, the order the list always had), the project's
#: and the unit's codes, the kind, the amount, the source, the document number and the
#: receiving project's code.
FUND_ACTION_SORTS = Sorts(
    "-date",
    date=("date", "-pk"),
    project=("project__code", "-date"),
    unit=("unit__code", "-date"),
    kind=("kind", "-date"),
    amount=("amount",),
    source=("source", "-date"),
    document=("document_number",),
    receiving=("receiving_project__code",),
)


def fund_action_list(*, user, region, year, kind="", unit="", source="", q="", sort=""):
    """The actions `user` sees of the working region and year (the project's budget year),
    narrowed by kind, unit (id), source and words in the project or the document number, in
    the order `sort` asks for (`FUND_ACTION_SORTS`)."""
    rows = (
        FundAction.objects.visible_to(user)
        .in_work(region, year)
        .select_related("project", "unit", "receiving_project")
    )
    if kind in amounts.KINDS:
        rows = rows.filter(kind=kind)
    if unit and str(unit).isdigit():
        rows = rows.filter(unit_id=unit)
    if source in FundActionSource.values:
        rows = rows.filter(source=source)
    if q:
        rows = rows.filter(
            Q(project__code__icontains=q)
            | Q(project__name__icontains=q)
            | Q(document_number__icontains=q)
        )
    return FUND_ACTION_SORTS.apply(rows, sort)


def totals_by_kind(rows) -> list[tuple[str, Decimal]]:
    """(kind, money) of a list's rows, in the order 调整, 收回, 盘活."""
    found = dict(rows.order_by().values_list("kind").annotate(total=Sum("amount")))
    return [(k, (found.get(k) or Decimal("0")).quantize(STORED)) for k in amounts.KINDS]


def fund_action_get(*, user, pk) -> FundAction:
    return FundAction.objects.select_related(
        "project", "unit", "receiving_project", "alert", "selfeval", "key_evaluation"
    ).get_visible_or_404(user, pk=pk)
