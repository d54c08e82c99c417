"""Demo policy documents: the five rules the 2021 work summary lists in section
（一）, titles and 文号 verbatim, registered by the performance office through the real service;
and an older rule repealed on 1 January 2021, in force at the end of 2020 but not of 2021, so
the summary's "in force at the end of the year" rule shows. The summary gives no dates
(DOMAIN.md §9): these are invented, in the year of each 文号.
"""

from __future__ import annotations

import datetime as dt

from jixiao.reports.models import PolicyDocument
from jixiao.reports.services import (
    normalize_number,
    policy_document_repeal,
    policy_document_save,
)

ISSUER = "东湖区财政局"

# (文号, 标题, 印发日期): the 2021 summary, section（一）.
SUMMARY_2021 = [
    (
        "东财字〔2020〕1号",
        "东湖区财政局贯彻落实〈中共东湖区委 东湖区人民政府关于全面实施预算绩效管理的实施意见〉的通知",
        dt.date(2020, 1, 10),
    ),
    ("东财绩〔2020〕1号", "东湖区区级预算部门绩效管理暂行办法", dt.date(2020, 4, 20)),
    ("东财绩〔2020〕2号", "东湖区财政局预算绩效管理内部工作规程", dt.date(2020, 6, 5)),
    ("东财绩〔2020〕3号", "东湖区财政项目支出绩效评价管理暂行办法", dt.date(2020, 9, 18)),
    (
        "东财字〔2021〕14号",
        "东湖区财政局关于开展 2021 年度预算绩效管理有关工作的通知",
        dt.date(2021, 3, 8),
    ),
]

# The rule 东财绩〔2020〕3号 replaced, repealed when the new one took effect.
REPEALED = ("东财字〔2015〕32号", "东湖区财政支出绩效评价管理办法（试行）", dt.date(2015, 7, 20))
REPEALED_ON = dt.date(2021, 1, 1)
REPEAL_NOTE = (
    "被《东湖区财政项目支出绩效评价管理暂行办法》（东财绩〔2020〕3号）替代，自2021年1月1日起废止"
)


def build_policies(demo) -> None:
    """Idempotent: a document already registered (same 文号) is left as it is."""
    actor = demo.users["perf"]
    existing = {
        normalize_number(n)
        for n in PolicyDocument.objects.filter(region=demo.region).values_list("number", flat=True)
    }
    for number, title, issued_on in [REPEALED, *SUMMARY_2021]:
        if number in existing:
            continue
        policy_document_save(
            actor=actor,
            region=demo.region,
            data={"number": number, "title": title, "issued_on": issued_on, "issuer": ISSUER},
        )
    old = PolicyDocument.objects.get(region=demo.region, number=REPEALED[0])
    if old.repealed_on is None:
        policy_document_repeal(actor=actor, document=old, repealed_on=REPEALED_ON, note=REPEAL_NOTE)
