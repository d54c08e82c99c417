"""Demo disclosure (信息公开, DOMAIN.md §8.4).

Work year 2021 (complete): `perf` records the approval dates (the 2021 department budgets
approved on 5 February 2021, the 2020 final accounts on 25 June 2021), the year's records are
drawn up (`disclosures.disclosures_ensure`: each first-level unit's approved 2021 targets, each
unit's 2020 self-evaluation results, the seven archived key-evaluation reports and, when the
unit-assessment step has run, the ranking) and `perf` publishes every one of them through the
service, except one withheld with its reason (the 城市管理和综合执法局's self-evaluation results,
`other`'s unit: one of its projects is under a disciplinary review). Each publication is dated
back within its deadline (1 to 12 days before its due day), except one unit's targets,
published six days late, so the year shows one overdue item. An item without a due day (the
ranking) is published on 31 December.

The live year 2022 has its records drawn up, pending: its approval dates are not recorded yet,
so they wait for the office (no due day, no to-do).

The publication dates are put back after the service (which stamps the build day), as the other
results steps do with their dates; the audit log keeps the build day.
"""

from __future__ import annotations

import datetime as dt
import random

from jixiao.results import disclosures
from jixiao.results.models import Disclosure, DisclosureKind, DisclosureStatus

from . import district as d

YEAR = 2021
BUDGET_APPROVED = dt.date(2021, 2, 5)
ACCOUNTS_APPROVED = dt.date(2021, 6, 25)
YEAR_END = dt.date(YEAR, 12, 31)
WITHHELD_UNIT = d.OTHER_UNIT
WITHHELD_REASON = (
    "该单位部分项目正接受纪检监察审查，自评结果待审查结论作出后另行公开"
    "（依据《中华人民共和国政府信息公开条例》第十六条）。"
)
LATE_DAYS = 6


def build_disclosure(demo) -> None:
    rng = random.Random(f"{demo.rng.random()}-disclosure")
    perf = demo.users["perf"]
    region = demo.region
    disclosures.approval_dates_save(
        actor=perf,
        region=region,
        year=YEAR,
        budget_approved_on=BUDGET_APPROVED,
        accounts_approved_on=ACCOUNTS_APPROVED,
    )
    disclosures.disclosures_ensure(region=region, year=YEAR)
    records = list(
        Disclosure.objects.filter(region=region, year=YEAR, status=DisclosureStatus.PENDING)
        .select_related("unit")
        .order_by("kind", "unit__code", "pk")
    )
    targets = [r for r in records if r.kind == DisclosureKind.TARGETS]
    late = targets[rng.randrange(len(targets))] if targets else None
    for record in records:
        if record.kind == DisclosureKind.SELFEVAL and record.unit.code == WITHHELD_UNIT:
            disclosures.disclosure_withhold(actor=perf, disclosure=record, reason=WITHHELD_REASON)
            continue
        disclosures.disclosure_publish(actor=perf, disclosure=record)
        if record.due is None:
            day = YEAR_END
        elif record is late:
            day = record.due + dt.timedelta(days=LATE_DAYS)
        else:
            day = record.due - dt.timedelta(days=rng.randint(1, 12))
        Disclosure.objects.filter(pk=record.pk).update(published_on=day)
    disclosures.disclosures_ensure(region=region, year=YEAR + 1)
