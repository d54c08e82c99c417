"""The demo's policies step alone (the full build is tested once in test_demo.py): the five
documents of the 2021 summary, section（一）, in force at the end of 2021, and an older one
repealed before, in force at the end of 2020 only."""

import datetime as dt

from jixiao.demo.build import Demo
from jixiao.demo.policies import build_policies
from jixiao.orgs.models import Region, User
from jixiao.reports.models import PolicyDocument

SUMMARY_2021 = [
    (
        "东财字〔2020〕1号",
        "东湖区财政局贯彻落实〈中共东湖区委 东湖区人民政府关于全面实施预算绩效管理的实施意见〉的通知",
    ),
    ("东财绩〔2020〕1号", "东湖区区级预算部门绩效管理暂行办法"),
    ("东财绩〔2020〕2号", "东湖区财政局预算绩效管理内部工作规程"),
    ("东财绩〔2020〕3号", "东湖区财政项目支出绩效评价管理暂行办法"),
    ("东财字〔2021〕14号", "东湖区财政局关于开展 2021 年度预算绩效管理有关工作的通知"),
]


def in_force(region, day):
    return list(
        PolicyDocument.objects.filter(region=region)
        .in_force_at(day)
        .order_by("issued_on")
        .values_list("number", "title")
    )


def make_demo() -> Demo:
    region = Region.objects.create(code="360102", name="东湖区", level="district")
    perf = User.objects.create(username="perf", roles=["performance"], region=region)
    return Demo(password="x", region=region, users={"perf": perf})


def check_policies(region):
    """Shared with test_demo.py's full build."""
    assert in_force(region, dt.date(2021, 12, 31)) == SUMMARY_2021
    assert {d.issuer for d in PolicyDocument.objects.filter(region=region)} == {"东湖区财政局"}
    assert [
        d.issued_on.year
        for d in PolicyDocument.objects.filter(
            region=region, number__in=[n for n, _t in SUMMARY_2021]
        ).order_by("issued_on")
    ] == [2020, 2020, 2020, 2020, 2021]
    repealed = PolicyDocument.objects.get(region=region, repealed_on__isnull=False)
    assert repealed.issued_on.year < 2020 and repealed.repealed_on <= dt.date(2021, 12, 31)
    assert repealed.number not in dict(SUMMARY_2021)
    assert (repealed.number, repealed.title) in in_force(region, dt.date(2020, 12, 31))


def test_policies_step_registers_the_2021_summary_documents(db):
    demo = make_demo()
    build_policies(demo)
    check_policies(demo.region)
    assert PolicyDocument.objects.count() == 6


def test_policies_step_runs_twice_without_duplicates(db):
    demo = make_demo()
    build_policies(demo)
    build_policies(demo)
    assert PolicyDocument.objects.count() == 6
    check_policies(demo.region)
