"""Demo fund actions (调整、收回、盘活, DOMAIN.md §8.2).

Work year 2021 (complete): the bureau acts on the year's results, through the service
(`results.fund_actions.fund_action_create`, which checks every amount against the unspent
balance from the treasury's payments):

- two **recoveries** (收回) from 2021 projects whose red execution alerts (M01/M02) showed the
  money would not be spent, in September–October, after the disposal;
- two **adjustments** (调整, 调减): one from a key evaluation whose report found idle funds
  (信访积案化解, graded 良, on its 2021 project), one from a 2020 self-evaluation graded 差 (on
  the unit's largest 2021 project);
- one **redeployment** (盘活) from a rectification when the rectification step made one with a
  2021 project (else from a third alert), to a named project of the same unit.

Amounts are a seeded share of each project's balance on the day (so always possible), dates in
2021, document numbers 东财绩〔2021〕31号 onward. The full-year budgets are not touched, so the
2021 summary's monitored and self-evaluated funds stay exact. The live year gets none: the
offices record their own. Idempotent: a district that has 2021 actions is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q

from jixiao.budgets.models import Project
from jixiao.evaluations.key.models import KeyEvaluation
from jixiao.evaluations.models import SelfEvaluation
from jixiao.monitoring.models import Alert
from jixiao.results.fund_actions import fund_action_create, project_balance
from jixiao.results.models import FundAction, Rectification

YEAR = 2021
CENT = Decimal("0.01")
FIRST_NUMBER = 31
LAST_DAY = dt.date(YEAR, 12, 20)

RECOVER_REASON = (
    "预算执行进度严重滞后，预警处置后仍无法在年内支出，经研究收回项目结余资金%(amount)s万元，"
    "统筹用于急需领域。"
)
ADJUST_KEY_REASON = (
    "重点评价报告指出项目部分资金闲置、支出进度偏慢，按评价结果调减当年预算%(amount)s万元。"
)
ADJUST_POOR_REASON = (
    "%(unit)s的%(project)s项目2020年度自评等级为“差”，按结果运用要求调减该单位2021年度项目预算"
    "%(amount)s万元。"
)
REDEPLOY_REASON = {
    "rectification": "项目结余资金长期闲置，经整改核实后盘活%(amount)s万元，调入“%(receiving)s”统筹使用。",
    "alert": "监控发现项目资金闲置、年内无法支出，盘活%(amount)s万元，调入“%(receiving)s”统筹使用。",
}


def _share(demo, balance: Decimal, low: float = 0.25, high: float = 0.55) -> Decimal:
    """A seeded share of the balance, rounded down to the cent (never above it)."""
    share = Decimal(str(round(demo.rng.uniform(low, high), 4)))
    return (balance * share).quantize(CENT, rounding=ROUND_DOWN)


class _Numbers:
    def __init__(self):
        self.next = FIRST_NUMBER

    def __call__(self) -> str:
        number = f"东财绩〔{YEAR}〕{self.next}号"
        self.next += 1
        return number


def _record(demo, numbers, *, actor, project, kind, on, reason, source, **links) -> bool:
    balance = project_balance(project, on).value
    if balance < 1:
        return False
    amount = _share(demo, balance)
    fund_action_create(
        actor=demo.users[actor],
        project=project,
        kind=kind,
        amount=amount,
        date=on,
        reason=reason % {"amount": amount, **links.pop("words", {})},
        source=source,
        document_number=numbers(),
        **links,
    )
    return True


def _after(day, days: int) -> dt.date:
    return min(day + dt.timedelta(days=days), LAST_DAY)


def _largest(unit, *, but=None) -> Project | None:
    rows = Project.objects.filter(region_id=unit.region_id, year=YEAR, unit=unit)
    if but is not None:
        rows = rows.exclude(pk=but.pk)
    return max(rows, key=lambda p: p.full_total, default=None)


def _alerts(demo):
    return list(
        Alert.objects.filter(region=demo.region, year=YEAR, level="red", code__in=["M01", "M02"])
        .select_related("project__region", "unit")
        .order_by("pk")
    )


def build_funds(demo) -> None:
    if FundAction.objects.filter(region=demo.region, year=YEAR).exists():
        return
    numbers = _Numbers()
    alerts = _alerts(demo)
    demo.rng.shuffle(alerts)
    used: set[int] = set()

    # 收回: two projects whose alerts said the money would not be spent.
    recovered = 0
    for alert in alerts:
        if recovered == 2:
            break
        disposed = (alert.disposed_at.date() if alert.disposed_at else None) or dt.date(YEAR, 9, 1)
        on = _after(max(disposed, dt.date(YEAR, 9, 1)), demo.rng.randint(10, 40))
        if alert.project_id in used:
            continue
        if _record(demo, numbers, actor="budget", project=alert.project, kind="收回", on=on,
                   reason=RECOVER_REASON, source="alert", alert=alert):  # fmt: skip
            used.add(alert.project_id)
            recovered += 1

    # 调整 from a key evaluation: the evaluated project's 2021 line, by unit and name.
    for key in KeyEvaluation.objects.filter(region=demo.region, year=YEAR, grade="良").order_by(
        "pk"
    ):
        if key.project is None:
            continue
        line = Project.objects.filter(
            region=demo.region, year=YEAR, unit=key.project.unit, name=key.project.name
        ).first()
        if line and _record(demo, numbers, actor="budget", project=line, kind="调整",
                            on=dt.date(YEAR, 10, 18), reason=ADJUST_KEY_REASON,
                            source="evaluation", key_evaluation=key):  # fmt: skip
            used.add(line.pk)
            break

    # 调整 from a 2020 self-evaluation graded 差: the unit's largest 2021 project.
    for selfeval in SelfEvaluation.objects.filter(
        region=demo.region, year=YEAR - 1, grade="差"
    ).select_related("project", "unit"):
        target = _largest(selfeval.unit)
        if target is None or target.pk in used:
            continue
        words = {"unit": selfeval.unit.name, "project": f"“{selfeval.project.name}”"}
        if _record(demo, numbers, actor="budget", project=target, kind="调整",
                   on=dt.date(YEAR, 7, 12), reason=ADJUST_POOR_REASON, source="evaluation",
                   selfeval=selfeval, words=words):  # fmt: skip
            used.add(target.pk)
            break

    # 盘活: from a rectification of a 2021 project, else from another alert.
    rectification = (
        Rectification.objects.filter(region=demo.region, year=YEAR, project__year=YEAR)
        .filter(~Q(project__in=used))
        .select_related("project__region", "unit")
        .order_by("pk")
        .first()
    )
    if rectification is not None:
        sources = [(rectification.project, {"rectification": rectification}, "rectification")]
        start = rectification.issued_on or dt.date(YEAR, 10, 1)
    else:
        sources = [(a.project, {"alert": a}, "alert") for a in alerts if a.project_id not in used]
        start = dt.date(YEAR, 11, 1)
    for project, link, source in sources:
        receiving = _largest(project.unit, but=project)
        if receiving is None:
            continue
        on = _after(max(start, dt.date(YEAR, 9, 1)), 15)
        words = {"receiving": receiving.name}
        if _record(demo, numbers, actor="budget", project=project, kind="盘活", on=on,
                   reason=REDEPLOY_REASON[source], source=source, receiving_project=receiving,
                   words=words, **link):  # fmt: skip
            break
