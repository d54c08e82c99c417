"""The results figures of a work year (`results.figures`) against hand-built rows.

甲区 (100101), work year 2022, live (its FiscalYear open), the figures taken on 1 September 2022;
work year 2021 closed. 乙区 (100102) holds a row of every kind that must never count for 甲区.
Every expected value is worked out by hand in the comments of `build_rows`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from jixiao.budgets.models import FiscalYear
from jixiao.core.scope import RegionReader
from jixiao.orgs.models import Unit, UnitYear
from jixiao.results.figures import figures_day, results_figures, year_closed
from jixiao.results.models import (
    Disclosure,
    FundAction,
    LinkageProposal,
    Rectification,
    UnitAssessment,
)

TODAY = datetime.date(2022, 9, 1)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def rectification(world, unit_code, *, issued=None, plan_due=None, planned=None, due=None,
                  closed=None, status="issued"):  # fmt: skip
    unit = world.units[unit_code]
    issued_on = d(issued) if issued else None
    return Rectification.objects.create(
        region=unit.region,
        year=issued_on.year if issued_on else 2022,
        unit=unit,
        status="closed" if closed else status,
        source="audit",
        issuer=world.offices["PERF"] if unit.region == world.region else world.offices["BUD-B"],
        problem="问题",
        required_action="整改",
        result_date=issued_on or d("2022-01-01"),
        issued_on=issued_on,
        received_on=issued_on,
        plan_due=d(plan_due) if plan_due else None,
        planned_on=d(planned) if planned else None,
        due=d(due) if due else None,
        closed_on=d(closed) if closed else None,
    )


def fund_action(world, project_code, kind, amount, day, **extra):
    project = world.projects[project_code]
    return FundAction.objects.create(
        region=project.region,
        year=project.year,
        unit=project.unit,
        project=project,
        kind=kind,
        amount=Decimal(amount),
        date=d(day),
        reason="理由",
        source="evaluation",
        document_number="东财绩〔2022〕1号",
        **extra,
    )


def proposal(world, project_code, year, rule, current, proposed, decided=None, cancelled=False):
    project = world.projects[project_code]
    return LinkageProposal.objects.create(
        region=project.region,
        year=year,
        unit=project.unit,
        project=project,
        rule=rule,
        current_amount=Decimal(current),
        proposed_amount=Decimal(proposed),
        decided_amount=None if decided is None else Decimal(decided),
        cancelled=cancelled,
        status="proposed" if decided is None else "overridden",
        reason="理由",
    )


def disclosure(world, region, status, *, due=None, published=None):
    return Disclosure.objects.create(
        region=region,
        year=2022,
        kind="targets",
        unit=world.units["U1"] if region == world.region else world.units["UB"],
        subject="绩效目标",
        status=status,
        due=d(due) if due else None,
        published_on=d(published) if published else None,
    )


def build_rows(world) -> dict:
    """The rows behind every figure; returns the rectifications by name for the lists' tests."""
    FiscalYear.objects.filter(region=world.region, year=2021).update(status="closed")
    r = {}
    # Rectifications of 甲区.
    # R1: issued in 2022, closed 1 May by its due day 5 May → issued, closed, on time.
    r["R1"] = rectification(world, "U1", issued="2022-02-01", plan_due="2022-03-05",
                            planned="2022-03-01", due="2022-05-05", closed="2022-05-01")  # fmt: skip
    # R2: closed 1 July, a month past its due day → issued, closed, not on time.
    r["R2"] = rectification(world, "U2", issued="2022-03-01", plan_due="2022-04-01",
                            planned="2022-03-20", due="2022-06-01", closed="2022-07-01")  # fmt: skip
    # R3: due 1 August, still open on 1 September → issued, overdue.
    r["R3"] = rectification(world, "U1A", issued="2022-04-01", plan_due="2022-05-01",
                            planned="2022-04-20", due="2022-08-01", status="in_progress")  # fmt: skip
    # R4: due in November, plan in on time → issued, neither closed nor overdue.
    r["R4"] = rectification(world, "U1", issued="2022-08-01", plan_due="2022-09-10",
                            due="2022-11-10", status="received")  # fmt: skip
    # R5: issued in 2021, due 20 December 2021, closed 10 January 2022 → closed in 2022 (late);
    # for 2021 (closed) overdue as of 31 December 2021; not overdue on 1 September 2022.
    r["R5"] = rectification(world, "U2", issued="2021-10-01", plan_due="2021-11-01",
                            planned="2021-10-20", due="2021-12-20", closed="2022-01-10")  # fmt: skip
    # R7: plan due 1 August and never written → issued, overdue by its plan.
    r["R7"] = rectification(world, "U1", issued="2022-07-01", plan_due="2022-08-01",
                            due="2022-10-30", status="received")  # fmt: skip
    # R8: a rectification of 2021 (U2) due 25 December 2021 and still open → overdue in 2021's
    # figures; in 2022's neither issued nor overdue (its work year is 2021).
    r["R8"] = rectification(world, "U2", issued="2021-11-01", plan_due="2021-12-01",
                            planned="2021-11-20", due="2021-12-25", status="in_progress")  # fmt: skip
    # A draft (never issued) counts nowhere.
    rectification(world, "U1", status="draft")
    # 乙区: issued in 2022 and overdue, never counted for 甲区.
    rectification(world, "UB", issued="2022-02-01", plan_due="2022-03-01", due="2022-05-01")
    # 2022 issued R1 R2 R3 R4 R7 = 5; closed R1 R2 R5 = 3; on time R1 = 1; overdue R3 R7 = 2.

    # Fund actions: adjusted 10.50 + 4.25 = 14.75; recovered 3.333333 → 3.33; redeployed 20.00.
    fund_action(world, "P1", "调整", "10.50", "2022-03-01")
    fund_action(world, "P1", "调整", "4.25", "2022-06-01")
    fund_action(world, "P2", "收回", "3.333333", "2022-04-01")
    fund_action(world, "P2", "盘活", "20", "2022-05-01", receiving_project=world.projects["P1"])
    fund_action(world, "P1", "收回", "99", "2021-12-31")  # dated in 2021: not counted in 2022
    fund_action(world, "PB", "调整", "50", "2022-03-01")  # 乙区

    # Linkage: the proposals for 2023 (made in work year 2022).
    proposal(world, "P1", 2023, "grow", "100", "110", decided="105")
    proposal(world, "P1A", 2023, "cut", "50", "35")  # not decided yet
    proposal(world, "P2", 2023, "cut", "80", "56", decided="0", cancelled=True)
    proposal(world, "P1", 2022, "keep", "90", "90", decided="90")  # made in 2021
    proposal(world, "PB", 2023, "grow", "70", "80")  # 乙区

    # Unit assessment 2022: eight units of 甲区 ranked 1..8 (90, 88, …, 76).
    units = [world.units["U1"], world.units["U2"]]
    for i in range(3, 9):
        units.append(Unit.objects.create(region=world.region, code=f"U{i}", name=f"甲区局{i}"))
    # U8 was named differently in 2022: the ranking names it as it was then.
    UnitYear.objects.create(unit=units[-1], year=2022, name="甲区旧名局", level=1)
    for rank, unit in enumerate(units, start=1):
        score = Decimal(92 - 2 * rank)
        UnitAssessment.objects.create(
            region=world.region, year=2022, unit=unit, computed=score, score=score, rank=rank
        )
    UnitAssessment.objects.create(
        region=world.region_b, year=2022, unit=world.units["UB"], computed=99, score=99, rank=1
    )
    UnitAssessment.objects.create(
        region=world.region, year=2021, unit=world.units["U2"], computed=95, score=95, rank=1
    )

    # Disclosures of 2022: published D1, D2 and D6 = 3; overdue on 1 September: D3 (pending past
    # its due day) and D6 (published ten days late) = 2.
    disclosure(world, world.region, "published", due="2022-03-10", published="2022-03-01")  # D1
    disclosure(world, world.region, "published", due="2021-11-10", published="2021-11-01")  # D2
    disclosure(world, world.region, "pending", due="2022-08-01")  # D3: overdue
    disclosure(world, world.region, "pending", due="2022-10-01")  # D4: not yet due
    disclosure(world, world.region, "withheld", due="2022-01-01")  # D5: decided, not overdue
    disclosure(world, world.region, "published", due="2022-08-10", published="2022-08-20")  # D6
    disclosure(world, world.region_b, "pending", due="2022-01-01")  # 乙区
    return r


@pytest.fixture
def rows(world):
    return build_rows(world)


def figures(world, year=2022, user=None, region=None):
    return results_figures(region or world.region, year, TODAY, user=user)


def test_funds_sum_the_actions_dated_in_the_year_by_kind_with_two_decimals(world, rows):
    f = figures(world)
    assert f["funds_adjusted"] == Decimal("14.75")
    assert f["funds_recovered"] == Decimal("3.33")
    assert f["funds_redeployed"] == Decimal("20.00")
    assert str(f["funds_redeployed"]) == "20.00"


def test_rectifications_of_the_live_year_count_overdue_as_of_today(world, rows):
    assert figures(world)["rectifications"] == {
        "issued": 5,
        "closed": 3,
        "closed_on_time": 1,
        "overdue": 2,
    }
    assert figures(world)["as_of"] == "2022-09-01"


def test_a_closed_year_counts_overdue_as_of_its_31_december(world, rows):
    # 2021 is closed: R5 (closed only in 2022) and R8 were open past their due days on 31
    # December 2021.
    f = figures(world, year=2021)
    assert f["as_of"] == "2021-12-31"
    assert f["rectifications"] == {"issued": 2, "closed": 0, "closed_on_time": 0, "overdue": 2}


def test_the_same_year_still_open_counts_overdue_as_of_today(world, rows):
    FiscalYear.objects.filter(region=world.region, year=2021).update(status="open")
    # As of 1 September 2022: R5 is closed by then, R8 still open.
    assert figures(world, year=2021)["rectifications"]["overdue"] == 1


def test_a_year_is_closed_only_when_every_fiscal_year_row_under_the_region_is(world, rows):
    assert year_closed(world.region, 2021)
    assert not year_closed(world.city, 2021)  # 乙区's 2021 is still open
    assert not year_closed(world.region, 2030)  # no row: live
    assert figures_day(world.region, 2021, TODAY) == d("2021-12-31")
    assert figures_day(world.region, 2022, TODAY) == TODAY


def test_linkage_counts_the_proposals_for_next_year_by_rule_with_their_money(world, rows):
    linkage = figures(world)["linkage"]
    assert linkage["budget_year"] == 2023
    assert linkage["grow"] == {
        "projects": 1,
        "current": Decimal("100.00"),
        "proposed": Decimal("110.00"),
        "decided": Decimal("105.00"),
    }
    assert linkage["keep"]["projects"] == 0 and linkage["keep"]["current"] == Decimal("0.00")
    assert linkage["cut"] == {
        "projects": 2,
        "current": Decimal("130.00"),
        "proposed": Decimal("91.00"),
        "decided": Decimal("0.00"),
    }
    assert linkage["cancel"]["projects"] == 0
    assert linkage["cancelled"] == {
        "projects": 1,
        "current": Decimal("80.00"),
        "proposed": Decimal("56.00"),
        "decided": Decimal("0.00"),
    }
    assert linkage["total"]["projects"] == 3
    assert linkage["total"]["proposed"] == Decimal("201.00")
    assert linkage["undecided"] == 1


def test_unit_assessment_gives_the_top_and_bottom_five_without_repeating(world, rows):
    ranking = figures(world)["unit_assessment"]
    assert ranking["units"] == 8
    assert [(u["unit"], u["rank"], u["score"]) for u in ranking["top"]] == [
        ("U1", 1, Decimal("90.00")),
        ("U2", 2, Decimal("88.00")),
        ("U3", 3, Decimal("86.00")),
        ("U4", 4, Decimal("84.00")),
        ("U5", 5, Decimal("82.00")),
    ]
    # Eight units: the bottom five would repeat two of the top, so it holds 6, 7, 8.
    assert [(u["unit"], u["rank"]) for u in ranking["bottom"]] == [("U6", 6), ("U7", 7), ("U8", 8)]
    assert ranking["bottom"][-1]["name"] == "甲区旧名局"
    assert ranking["top"][0]["name"] == "甲区教育局"


def test_disclosure_counts_the_years_published_items_and_the_late_ones_on_the_day(world, rows):
    assert figures(world)["disclosure"] == {"published": 3, "overdue": 2}


def test_another_regions_rows_never_count_and_a_city_adds_its_districts(world, rows):
    city = figures(world, region=world.city)
    # 甲区's figures plus 乙区's: adjusted 14.75 + 50; one more overdue rectification.
    assert city["funds_adjusted"] == Decimal("64.75")
    assert city["rectifications"]["overdue"] == 3
    assert city["unit_assessment"]["units"] == 9
    b = figures(world, region=world.region_b)
    assert b["funds_adjusted"] == Decimal("50.00")
    assert b["rectifications"]["issued"] == 1


def test_a_units_people_count_their_own_units_rows_only(world, rows):
    # `other` is U2's filer: R2 issued and closed (late), R5 closed (late); P2's actions.
    f = figures(world, user=world.other)
    assert f["rectifications"] == {"issued": 1, "closed": 2, "closed_on_time": 0, "overdue": 0}
    assert f["funds_adjusted"] == Decimal("0.00")
    assert f["funds_recovered"] == Decimal("3.33")
    assert [u["unit"] for u in f["unit_assessment"]["top"]] == ["U2"]
    assert f["linkage"]["cancelled"]["projects"] == 1


def test_no_reader_means_the_whole_region(world, rows):
    assert figures(world) == figures(world, user=RegionReader(world.region.path))


def test_an_empty_year_gives_zeros(world):
    f = results_figures(world.region, 2022, TODAY)
    assert f["funds_adjusted"] == Decimal("0.00")
    assert f["rectifications"] == {"issued": 0, "closed": 0, "closed_on_time": 0, "overdue": 0}
    assert f["unit_assessment"] == {"year": 2022, "units": 0, "top": [], "bottom": []}
    assert f["linkage"]["total"]["projects"] == 0
