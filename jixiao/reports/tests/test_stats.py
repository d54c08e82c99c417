"""The figures of a work year (DOMAIN.md §9) against hand-built data.

Work year 2022 of 甲区 (100101): its targets, its monitoring round, and the evaluations done in
2022 of the 2021 projects. Every expected value below is worked out by hand in the comments.
乙区 (100102) holds records of every kind that must never count for 甲区.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.budgets.models import Payment, Project, ProjectKind
from jixiao.budgets.services import refresh_payment_totals
from jixiao.core.scope import RegionReader
from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
from jixiao.monitoring.models import Alert, Report, Round
from jixiao.orgs.models import Unit, UnitYear
from jixiao.reports.models import PolicyDocument
from jixiao.reports.stats import as_json, compute_year_stats, summary_figures, year_stats
from jixiao.targets.models import Target

TODAY = datetime.date(2022, 9, 1)
FULL = Decimal("120.623456")  # P1, P1A, P2, PB of the personas: 100.123456 + 20.5


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + " 10:00"))


def target(
    world,
    project_code,
    *,
    status,
    findings=(),
    version=1,
    deadline=None,
    submitted=None,
    unit_code=None,
):
    project = world.projects.get(project_code)
    unit = world.units[unit_code] if unit_code else project.unit
    return Target.objects.create(
        region=unit.region,
        year=2022,
        unit=unit,
        project=project,
        version=version,
        status=status,
        findings=[{"code": c, "blocking": True, "indicator": None, "message": c} for c in findings],
        # as every writer of findings keeps their codes beside them (`Target.finding_codes`)
        finding_codes="".join(f"{c};" for c in findings),
        deadline=deadline,
        submitted_at=at(submitted) if submitted else None,
    )


def project_2021(world, code, unit_code, amount, kinds=()):
    unit = world.units[unit_code]
    project = Project.objects.create(
        region=unit.region, year=2021, code=code, name=f"项目{code}", unit=unit, full_current=amount
    )
    for kind in kinds:
        project.kinds.add(ProjectKind.objects.get(code=kind))
    return project


@pytest.fixture
def year_2022(world):
    region, region_b = world.region, world.region_b
    # U3: a first-level unit of 2022 that did nothing at all.
    u3 = Unit.objects.create(region=region, code="U3", name="甲区新设局")
    UnitYear.objects.create(unit=u3, year=2022, name=u3.name, level=1, office=world.offices["BIZ2"])

    # Targets of 2022.
    target(world, "P1", status="superseded", findings=["T02"])
    target(
        world,
        "P1",
        status="approved",
        version=2,
        findings=["T07", "T08"],
        deadline=datetime.date(2022, 3, 1),
        submitted="2022-03-05",
    )  # late
    target(
        world,
        "P1A",
        status="submitted",
        findings=["T02"],
        deadline=datetime.date(2022, 3, 1),
        submitted="2022-02-20",
    )  # on time
    target(world, "P2", status="returned", findings=["T01"])  # withdrawn: never counts
    Target.objects.create(
        region=region, year=2022, unit=world.units["U1"], project=None, status="approved"
    )  # U1's whole-unit target
    target(world, "PB", status="approved", findings=["T02"])  # 乙区

    # The 2022 monitoring round: P1 reported on time, P2 never reported.
    rnd = Round.objects.create(
        region=region,
        year=2022,
        code="2022-07",
        name="2022年1-7月",
        period_end=datetime.date(2022, 7, 31),
        deadline=datetime.date(2022, 8, 10),
    )
    p1, p2 = world.projects["P1"], world.projects["P2"]
    Report.objects.create(
        round=rnd,
        project=p1,
        region=region,
        unit=p1.unit,
        year=2022,
        status="approved",
        executed=Decimal("60"),
        submitted_at=at("2022-08-05"),
    )
    Report.objects.create(
        round=rnd, project=p2, region=region, unit=p2.unit, year=2022, status="draft"
    )
    rnd_b = Round.objects.create(
        region=region_b,
        year=2022,
        code="2022-07",
        name="乙区",
        period_end=datetime.date(2022, 7, 31),
        deadline=datetime.date(2022, 8, 10),
    )
    pb = world.projects["PB"]
    Report.objects.create(
        round=rnd_b,
        project=pb,
        region=region_b,
        unit=pb.unit,
        year=2022,
        status="approved",
        submitted_at=at("2022-08-01"),
    )

    def alert(project, code, level, **extra):
        return Alert.objects.create(
            region=project.region,
            year=2022,
            unit=project.unit,
            project=project,
            round=rnd,
            code=code,
            level=level,
            message=code,
            due_date=datetime.date(2022, 8, 20),
            **extra,
        )

    alert(p1, "M01", "red")  # open past its deadline on TODAY: overdue
    alert(p2, "M02", "yellow", status="disposed", disposal="continue")
    alert(p1, "M05", "red", status="cleared")  # no longer applies: never counts
    alert(pb, "M01", "red")  # 乙区

    # Evaluations done in 2022: of the 2021 projects and units.
    q1 = project_2021(world, "Q1", "U1", Decimal("50.005"))
    q2 = project_2021(world, "Q2", "U2", Decimal("30"), kinds=["procurement"])
    q3 = project_2021(world, "Q3", "U1A", Decimal("7"))
    qb = project_2021(world, "QB", "UB", Decimal("99"))
    SelfEvaluation.objects.create(
        region=region,
        year=2021,
        unit=q1.unit,
        project=q1,
        status="confirmed",
        total=Decimal("88.00"),
        grade="良",
        reviewed_total=Decimal("91.00"),
        reviewed_grade="优",
    )
    SelfEvaluation.objects.create(
        region=region,
        year=2021,
        unit=q2.unit,
        project=q2,
        status="submitted",
        total=Decimal("55.00"),
        grade="差",
    )
    SelfEvaluation.objects.create(
        region=region,
        year=2021,
        unit=q3.unit,
        project=q3,
        status="draft",
        total=Decimal("70.00"),
        grade="中",
    )
    SelfEvaluation.objects.create(
        region=region_b, year=2021, unit=qb.unit, project=qb, status="confirmed", grade="优"
    )
    UnitEvaluation.objects.create(
        region=region,
        year=2021,
        unit=world.units["U1"],
        status="confirmed",
        grade="良",
        total=Decimal("85.00"),
    )
    UnitEvaluation.objects.create(region=region, year=2021, unit=world.units["U2"], status="draft")
    # Q1 paid 1 万元 a month in January–November and 20 in December: 20 / 31 > 30%.
    Payment.objects.bulk_create(
        [Payment(project=q1, month=m, amount=Decimal(1)) for m in range(1, 12)]
        + [Payment(project=q1, month=12, amount=Decimal(20))]
    )
    # Q2 paid evenly: no rush.
    Payment.objects.bulk_create(
        [Payment(project=q2, month=m, amount=Decimal("2.5")) for m in range(1, 13)]
    )
    refresh_payment_totals([q1.pk, q2.pk])  # as every writer of payments keeps them

    # Policy documents: one in force at the end of 2022; one repealed in 2022; one issued in
    # 2023; one of 乙区.
    def policy(reg, number, issued, repealed=None):
        return PolicyDocument.objects.create(
            region=reg,
            number=number,
            title=f"文件{number}",
            issuer="财政局",
            issued_on=datetime.date.fromisoformat(issued),
            repealed_on=datetime.date.fromisoformat(repealed) if repealed else None,
        )

    policy(region, "甲财绩〔2022〕1号", "2022-03-01")
    policy(region, "甲财绩〔2020〕9号", "2020-05-01", repealed="2022-06-01")
    policy(region, "甲财绩〔2023〕1号", "2023-01-05")
    policy(region_b, "乙财绩〔2022〕1号", "2022-02-01")
    return world


def stats_for(reader, region, year=2022):
    return year_stats(user=reader, region=region, year=year, today=TODAY)


@pytest.fixture
def bureau(year_2022):
    return stats_for(RegionReader(year_2022.region.path), year_2022.region)


def test_coverage_counts_first_level_units_by_what_they_or_their_subunits_submitted(bureau):
    # U1 declared (and U1A under it), U2 self-evaluated Q2; U3 did nothing; P2's returned
    # target and missing report do not cover U2 on their own.
    assert bureau["units"] == {
        "first_level": 3,
        "covered": 2,
        "coverage_rate": Decimal("0.6667"),
        "not_covered": ["U3"],
    }


def test_targets_count_submitted_or_beyond_and_never_a_returned_one(bureau):
    figures = bureau["targets"]
    assert figures["projects_declared"] == 2  # P1 (v1 and v2 are one project) and P1A
    assert figures["projects_approved"] == 1  # P1
    assert figures["units_declared"] == 1 and figures["units_approved"] == 1
    assert figures["funds_approved"] == Decimal("120.62")  # P1: 120.623456


def test_lint_counts_findings_of_the_versions_in_force_only(bureau):
    lint = bureau["lint"]
    # P1 v1 (superseded) had T02, P2 (returned) had T01, PB is another region's.
    assert (lint["T01"], lint["T02"], lint["T07"], lint["T08"]) == (0, 1, 1, 1)
    assert sum(lint.values()) == 3
    assert bureau["problems"]["lint_targets"] == 2  # P1 v2 and P1A


#: Stored findings lists as `WorkYear.findings` reads them: a list with the same code twice, a
#: stray string and an object without a code; a list of strings only; an object, not a list.
ODD_FINDINGS = (
    [{"code": "T05"}, {"code": "T05"}, "T06", {"message": "x"}],
    ["T06"],
    {"code": "T06"},
)


def test_the_codes_kept_beside_the_findings_are_those_of_its_objects_only():
    codes = [Target.codes_of(findings) for findings in ODD_FINDINGS]
    assert codes == ["T05;T05;;", "", ""]
    assert Target.codes_of([]) == Target.codes_of(None) == ""


def test_lint_counts_each_time_a_code_is_found_and_skips_what_is_not_a_finding(year_2022):
    for version, findings in enumerate(ODD_FINDINGS, start=1):
        Target.objects.create(
            region=year_2022.region,
            year=2022,
            unit=year_2022.units["U2"],
            project=None,
            version=version,
            status="approved",
            findings=findings,
            finding_codes=Target.codes_of(findings),  # as every writer of findings keeps them
        )
    figures = stats_for(RegionReader(year_2022.region.path), year_2022.region)
    assert (figures["lint"]["T05"], figures["lint"]["T06"]) == (2, 0)
    assert figures["problems"]["lint_targets"] == 3  # P1 v2, P1A and the list with T05


def test_monitoring_counts_every_project_in_the_rounds_with_its_full_year_budget(bureau):
    figures = bureau["monitoring"]
    assert figures["rounds"] == 1
    assert figures["projects"] == 2
    assert figures["funds"] == Decimal("241.25")  # 2 × 120.623456 = 241.246912
    assert figures["reports"] == {
        "total": 2,
        "submitted": 1,
        "missing": 1,
        "late": 0,
        "on_time_rate": Decimal("0.5000"),
    }


def test_alerts_by_code_level_and_disposal_leave_out_cleared_ones(bureau):
    figures = bureau["monitoring"]
    assert figures["alerts"] == {
        "M01": 1,
        "M02": 1,
        "M03": 0,
        "M04": 0,
        "M05": 0,
        "M06": 0,
        "M07": 0,
    }
    assert figures["alert_levels"] == {"yellow": 1, "red": 1}
    assert figures["disposals"]["continue"] == 1
    assert figures["overdue_alerts"] == 1


def test_execution_of_the_latest_round_against_time_progress(bureau):
    execution = bureau["monitoring"]["execution"]
    assert execution["period_end"] == "2022-07-31"
    # Days: 31 July is day 212 of 365 → 0.5808; executed 60 of 241.246912 → 0.2487.
    assert execution["time_progress"] == Decimal("0.5808")
    assert execution["rate"] == Decimal("0.2487")


def test_selfevaluation_counts_last_years_projects_submitted_or_beyond(bureau):
    figures = bureau["selfeval"]
    assert figures["year"] == 2021
    assert figures["projects"] == 2  # Q1 confirmed, Q2 submitted; Q3 is a draft
    assert figures["funds"] == Decimal("80.01")  # 50.005 + 30 = 80.005, rounded half up
    # Q1's standing grade is the reviewer's 优, not the rules' 良.
    assert figures["grades"] == {"优": 1, "良": 0, "中": 0, "差": 1}
    assert figures["special_kinds"] == {"count": 1}  # the list is the summaries' alone


def test_the_summaries_list_the_special_kind_projects_the_figures_count(year_2022):
    reader = RegionReader(year_2022.region.path)
    figures = summary_figures(user=reader, region=year_2022.region, year=2022, today=TODAY)
    special = figures["selfeval"]["special_kinds"]
    assert special["count"] == 1
    assert [(p["code"], p["kinds"]) for p in special["projects"]] == [("Q2", ["政府采购"])]


def test_whole_unit_evaluations_of_last_year_submitted_or_beyond(bureau):
    assert bureau["unit_evaluations"] == 1
    assert bureau["unit_evaluation_grades"]["良"] == 1


def test_problems_count_rush_low_grades_and_overdue_items(bureau):
    problems = bureau["problems"]
    assert problems["year_end_rush"] == {"year": 2021, "projects": 1, "december": Decimal("20.00")}
    assert problems["low_grades"] == {"projects": 1, "grades": {"中": 0, "差": 1}}
    assert problems["execution_lag"] == {"projects": 2, "red": 1}  # P1 M01 red, P2 M02
    assert problems["overdue"] == {
        "alerts": 1,
        "reports_late": 0,
        "reports_missing": 1,
        "targets_late": 1,
    }


def test_the_year_end_rush_counts_only_the_projects_with_a_self_evaluation_counted(year_2022):
    """Q3's self-evaluation is a draft and QB's is 乙区's: their Decembers trip M05 as Q1's
    does, yet neither is among 甲区's evaluated projects; a project with payments and no
    self-evaluation at all is not either."""
    world = year_2022
    none = project_2021(world, "Q9", "U1", Decimal("40"))
    rushed = [Project.objects.get(code=code, year=2021) for code in ("Q3", "QB")] + [none]
    Payment.objects.bulk_create(
        [Payment(project=p, month=m, amount=Decimal(1)) for p in rushed for m in range(1, 12)]
        + [Payment(project=p, month=12, amount=Decimal(30)) for p in rushed]
    )
    refresh_payment_totals([p.pk for p in rushed])
    problems = stats_for(RegionReader(world.region.path), world.region)["problems"]
    assert problems["year_end_rush"] == {"year": 2021, "projects": 1, "december": Decimal("20.00")}
    # 乙区's own figures count QB's
    reader_b = RegionReader(world.region_b.path)
    rush_b = stats_for(reader_b, world.region_b)["problems"]["year_end_rush"]
    assert rush_b == {"year": 2021, "projects": 1, "december": Decimal("30.00")}


def test_the_year_end_rush_is_judged_again_only_when_its_candidates_change(year_2022, monkeypatch):
    """The candidates' rows are judged by M05's rule once; a computation that reads the very
    same rows (a change elsewhere in the year) takes what was judged, and one that reads other
    rows (a payment changed) judges them anew."""
    from jixiao.monitoring import alerts

    judged = []

    def counted(december, total, *, rules):
        judged.append(december)
        return is_year_end_rush(december, total, rules=rules)

    is_year_end_rush = alerts.is_year_end_rush
    monkeypatch.setattr(alerts, "is_year_end_rush", counted)
    world, reader = year_2022, RegionReader(year_2022.region.path)

    def rush():
        figures = compute_year_stats(user=reader, region=world.region, year=2022, today=TODAY)
        return figures["problems"]["year_end_rush"]

    assert rush() == {"year": 2021, "projects": 1, "december": Decimal("20.00")}
    assert len(judged) == 1  # Q1, the one candidate
    assert rush() == {"year": 2021, "projects": 1, "december": Decimal("20.00")}
    assert len(judged) == 1
    q2 = Project.objects.get(code="Q2", year=2021)  # evenly paid: now 40 in December
    Payment.objects.filter(project=q2, month=12).update(amount=Decimal(40))
    refresh_payment_totals([q2.pk])
    assert rush() == {"year": 2021, "projects": 2, "december": Decimal("60.00")}
    assert len(judged) == 3


def test_on_time_rates_by_stage(bureau):
    assert bureau["on_time"]["targets"] == {"due": 2, "late": 1, "on_time_rate": Decimal("0.5000")}
    assert bureau["on_time"]["monitoring"]["on_time_rate"] == Decimal("0.5000")


def test_policy_documents_are_those_in_force_at_the_end_of_the_year(bureau):
    assert bureau["policy_documents"] == [
        {
            "number": "甲财绩〔2022〕1号",
            "title": "文件甲财绩〔2022〕1号",
            "date": "2022-03-01",
            "issuer": "财政局",
        }
    ]


def test_policy_documents_issued_in_the_year_count_even_if_repealed_later(year_2022):
    PolicyDocument.objects.create(
        region=year_2022.region,
        number="甲财绩〔2022〕2号",
        title="短命文件",
        issuer="财政局",
        issued_on=datetime.date(2022, 4, 1),
        repealed_on=datetime.date(2022, 10, 1),
    )
    figures = stats_for(RegionReader(year_2022.region.path), year_2022.region)
    assert figures["policy_documents_issued"] == 2  # 〔2022〕1号 and 2号
    assert [d["number"] for d in figures["policy_documents"]] == ["甲财绩〔2022〕1号"]


def test_on_time_by_unit_is_in_the_figures(bureau):
    rows = {r["unit"]: r for r in bureau["on_time"]["by_unit"]}
    assert rows["U2"]["reports_missing"] == 1 and rows["U2"]["on_time_rate"] == Decimal("0")
    assert rows["U1"]["on_time_rate"] == Decimal("0.5000")
    assert set(rows) == {"U1", "U1A", "U2"}


def test_key_evaluations_are_empty_in_a_year_without_any(bureau):
    # the figures from real key evaluations: test_key_summary.py
    key = bureau["key_evaluations"]
    assert (key["count"], key["projects"], key["special_kinds"]) == (0, [], [])
    assert sum(key["methods"].values()) == sum(key["findings"].values()) == 0


def test_city_rolls_up_its_districts_and_lists_each(year_2022):
    city = year_2022.city
    figures = stats_for(RegionReader(city.path), city)
    # 甲区: U1, U2, U3 (2 covered); 乙区: UB covered by PB's approved target.
    assert figures["units"]["first_level"] == 4 and figures["units"]["covered"] == 3
    assert figures["selfeval"]["funds"] == Decimal("179.01")  # 80.005 + 99
    by_code = {r["code"]: r for r in figures["regions"]}
    assert by_code["100101"]["covered"] == 2 and by_code["100101"]["first_level"] == 3
    assert by_code["100102"]["covered"] == 1
    assert by_code["100101"]["selfeval_funds"] == Decimal("80.01")
    assert by_code["100102"]["monitored_funds"] == Decimal("120.62")
    assert figures["monitoring"]["alerts"]["M01"] == 2


def test_a_units_people_see_only_their_units_figures(year_2022):
    filer = year_2022.users["filer"]  # U1, with U1A under it
    figures = stats_for(filer, year_2022.region)
    assert figures["units"]["first_level"] == 1 and figures["units"]["covered"] == 1
    assert figures["selfeval"]["projects"] == 1 and figures["selfeval"]["funds"] == Decimal("50.01")
    assert figures["monitoring"]["projects"] == 1
    assert figures["monitoring"]["alerts"]["M02"] == 0
    other = stats_for(year_2022.users["other"], year_2022.region)  # U2
    assert other["selfeval"]["grades"] == {"优": 0, "良": 0, "中": 0, "差": 1}
    assert other["targets"]["projects_declared"] == 0


def test_a_whole_region_readers_figures_do_not_join_the_region_table_row_by_row(year_2022):
    # A reader of the whole region reads its rows by the region's ids alone: the scope's own
    # condition (the region's path, joined to every row) would keep all of them anyway.
    tables = (
        "targets_target",
        "monitoring_report",
        "monitoring_alert",
        "evaluations_selfevaluation",
        "evaluations_unitevaluation",
    )
    reader = RegionReader(year_2022.city.path)  # the city's bureau, reading 甲区
    with CaptureQueriesContext(connection) as captured:
        figures = compute_year_stats(user=reader, region=year_2022.region, year=2022, today=TODAY)
    joined = [
        q["sql"]
        for q in captured.captured_queries
        if 'JOIN "orgs_region"' in q["sql"] and any(f'FROM "{t}"' in q["sql"] for t in tables)
    ]
    assert joined == []
    assert figures["units"]["first_level"] == 3  # 甲区's own, none of 乙区's


def test_stats_api_returns_the_contract_json(year_2022, client_for):
    response = client_for("performance").get("/api/v1/stats", {"region": "100101", "year": 2022})
    assert response.status_code == 200
    data = response.json()
    assert data["region"] == "100101" and data["year"] == 2022
    assert data["units"]["coverage_rate"] == "0.6667"
    assert data["selfeval"]["funds"] == "80.01" and data["monitoring"]["funds"] == "241.25"
    assert data["selfeval"]["grades"] == {"优": 1, "良": 0, "中": 0, "差": 1}
    assert data["policy_documents"][0]["number"] == "甲财绩〔2022〕1号"


def test_stats_api_answers_404_for_a_region_outside_the_callers_scope(year_2022, client_for):
    assert client_for("filer").get("/api/v1/stats?region=100102&year=2022").status_code == 404
    assert (
        client_for("performance").get("/api/v1/stats?region=100100&year=2022").status_code == 404
    )  # the city above
    assert (
        client_for("other_region").get("/api/v1/stats?region=100101&year=2022").status_code == 404
    )
    assert client_for("performance").get("/api/v1/stats?region=999999&year=2022").status_code == 404


def test_stats_api_gives_a_unit_its_own_figures_and_needs_a_login(year_2022, client_for):
    data = client_for("other").get("/api/v1/stats?region=100101&year=2022").json()
    assert data["selfeval"]["projects"] == 1 and data["selfeval"]["funds"] == "30.00"
    from django.test import Client

    assert Client().get("/api/v1/stats?region=100101&year=2022").status_code == 401


def test_stats_api_refuses_an_absurd_year(year_2022, client_for):
    response = client_for("performance").get("/api/v1/stats?region=100101&year=1899")
    assert response.status_code == 400
    assert "年度" in response.json()["detail"]


def test_as_json_writes_decimals_as_strings_and_is_serialisable(bureau):
    data = as_json(bureau)
    assert data["units"]["coverage_rate"] == "0.6667"
    assert data["problems"]["year_end_rush"]["december"] == "20.00"
    json.dumps(data, ensure_ascii=False)  # nothing left that JSON cannot hold


def test_on_time_by_unit_counts_late_and_missing_against_what_was_due(year_2022):
    from jixiao.reports import records
    from jixiao.reports.selectors import WorkYear

    work = WorkYear(RegionReader(year_2022.region.path), year_2022.region, 2022)
    rows = {r["code"]: r for r in records.on_time_by_unit(work, TODAY)}
    # U1: P1 v2 late (deadline 1 March, in 5 March), P1's report on time → 1 of 2 on time.
    assert (rows["U1"]["targets_due"], rows["U1"]["targets_late"]) == (1, 1)
    assert (rows["U1"]["reports_due"], rows["U1"]["reports_late"]) == (1, 0)
    assert rows["U1"]["on_time_rate"] == Decimal("0.5000")
    # U1A: P1A on time. U2: P2's report missing after the deadline.
    assert rows["U1A"]["on_time_rate"] == Decimal("1.0000")
    assert rows["U2"]["reports_missing"] == 1 and rows["U2"]["on_time_rate"] == Decimal("0")
    assert "U3" not in rows and "UB" not in rows
    assert [r["code"] for r in records.on_time_by_unit(work, TODAY)][0] == "U2"


def test_each_figure_is_the_size_of_the_list_behind_it(year_2022, bureau):
    from jixiao.reports.records import TOPICS
    from jixiao.reports.selectors import WorkYear

    work = WorkYear(RegionReader(year_2022.region.path), year_2022.region, 2022)

    def rows(slug, key=""):
        return list(TOPICS[slug].rows(work, key))

    assert [r.cells[0] for r in rows("units", "not_covered")] == ["U3"]
    assert len(rows("units", "covered")) == bureau["units"]["covered"] == 2
    # One row per project, its latest counted version (P1 v2), as the figures count projects.
    assert [(r.cells[0], r.cells[4]) for r in rows("targets", "declared")] == [
        ("P1", 2),
        ("P1A", 1),
    ]
    assert len(rows("targets", "approved")) == bureau["targets"]["projects_approved"] == 1
    assert [r.cells[0] for r in rows("lint", "T02")] == ["P1A"]
    monitored = rows("monitored")
    assert len(monitored) == bureau["monitoring"]["projects"] == 2
    assert sum(r.cells[4] for r in monitored) == Decimal("241.246912")
    assert [r.cells[0] for r in rows("alerts", "overdue")] == ["M01"]
    selfevals = rows("selfevals")
    assert [r.cells[0] for r in selfevals] == ["Q1", "Q2"]
    assert sum(r.cells[3] for r in selfevals) == Decimal("80.005")
    assert [r.cells[0] for r in rows("selfevals", "优")] == ["Q1"]
    assert [r.cells[0] for r in rows("year-end-rush")] == ["Q1"]
    assert [r.cells[0] for r in rows("unit-evaluations")] == ["U1"]
    assert [r.cells[0] for r in rows("policies")] == ["甲财绩〔2022〕1号"]
    assert all(r.url.startswith("/") for r in selfevals + monitored)


def test_special_kind_projects_of_two_districts_with_the_same_code_count_twice(year_2022):
    # Project codes are unique within a district and year only: 乙区 may have its own "Q2".
    qb2 = project_2021(year_2022, "Q2", "UB", Decimal("5"), kinds=["procurement"])
    SelfEvaluation.objects.create(
        region=year_2022.region_b,
        year=2021,
        unit=qb2.unit,
        project=qb2,
        status="confirmed",
        grade="良",
    )
    city = year_2022.city
    figures = summary_figures(user=RegionReader(city.path), region=city, year=2022, today=TODAY)
    assert figures["selfeval"]["special_kinds"]["count"] == 2
    assert [p["grade"] for p in figures["selfeval"]["special_kinds"]["projects"]] == ["差", "良"]


def _figures_queries(year_2022) -> list[str]:
    reader = RegionReader(year_2022.region.path)
    with CaptureQueriesContext(connection) as captured:
        compute_year_stats(user=reader, region=year_2022.region, year=2022, today=TODAY)
    return [q["sql"] for q in captured.captured_queries]


def _read_from(queries: list[str]) -> Counter:
    """How many queries read each table as their main table: the FROM outside any
    parentheses (not a subquery's in a count's filter), else the first FROM of the query."""
    return Counter(_main_table(sql) for sql in queries)


def _main_table(sql: str) -> str:
    found = list(re.finditer(r' FROM "(\w+)"', sql))
    outside = [m for m in found if sql.count("(", 0, m.start()) == sql.count(")", 0, m.start())]
    return (outside or found)[0].group(1)


def _more_units(world, codes) -> None:
    """First-level units that each declared, reported and evaluated: more rows of every table
    the figures group, none of a new kind."""
    rnd = Round.objects.get(region=world.region, year=2022)
    for code in codes:
        unit = Unit.objects.create(region=world.region, code=code, name=f"单位{code}")
        for year in (2021, 2022):
            UnitYear.objects.create(unit=unit, year=year, name=unit.name, level=1)
        project = Project.objects.create(
            region=world.region, year=2022, code=f"P{code}", name=code, unit=unit
        )
        Target.objects.create(
            region=world.region, year=2022, unit=unit, project=project, status="approved"
        )
        Report.objects.create(
            round=rnd, project=project, region=world.region, unit=unit, year=2022, status="draft"
        )
        old = Project.objects.create(
            region=world.region, year=2021, code=f"Q{code}", name=code, unit=unit, full_current=3
        )
        old.kinds.add(ProjectKind.objects.get(code="procurement"))
        SelfEvaluation.objects.create(
            region=world.region, year=2021, unit=unit, project=old, status="confirmed", grade="优"
        )
        UnitEvaluation.objects.create(
            region=world.region, year=2021, unit=unit, status="confirmed", grade="良"
        )


def test_the_figures_group_each_table_once_and_their_queries_do_not_grow_with_the_rows(year_2022):
    # The first computation in a process also reads the distinct deadlines of the declarations
    # and of the rounds (two queries); the next ones reuse them while no row has another
    # (`stats._with_deadlines`), so the count compared is the next one's.
    first = _figures_queries(year_2022)
    queries = _figures_queries(year_2022)
    assert len(queries) == len(first) - 2
    tables = _read_from(queries)
    # The self-evaluations: one GROUP BY by unit, for coverage and the grades (the special-kind
    # projects are counted with the projects by region: was 2). (The results of Y, counted by
    # results.figures in one UNION ALL, are part of its single query of counts, whose first
    # table is the rectifications'.)
    assert tables["evaluations_selfevaluation"] == 1
    # The whole-unit evaluations: one GROUP BY by unit and grade.
    assert tables["evaluations_unitevaluation"] == 1
    # The reports: one GROUP BY by unit (timeliness, and the totals added up from it), and the
    # execution of the latest round.
    assert tables["monitoring_report"] == 2
    # The units of Y and Y−1: one query for the structure, the first-level units and names.
    assert tables["orgs_unityear"] == 1
    # The region and those under it: read once (`WorkYear.regions`), their ids for every query
    # and the results figures, their codes and names for the roll-up (was two queries).
    assert tables["orgs_region"] == 1
    _more_units(year_2022, ["N1", "N2", "N3", "N4"])
    more = _figures_queries(year_2022)
    assert len(more) == len(queries), f"{len(queries)} queries, {len(more)} with 4 more units"


def _alert(world, code: str, level: str, due: datetime.date) -> Alert:
    """An open alert of 2022 on P1, due on `due`."""
    project = world.projects["P1"]
    return Alert.objects.create(
        region=project.region,
        year=2022,
        unit=project.unit,
        project=project,
        code=code,
        level=level,
        message=code,
        due_date=due,
    )


def test_figures_computed_again_after_a_change_count_the_new_rows(year_2022, monkeypatch):
    # The second computation reuses the first one's compiled SQL (not checked against a fresh
    # build here), and still counts what changed in between: one more M01 alert, red.
    from jixiao.reports import stats

    monkeypatch.setattr(stats, "CHECK_COMPILED", False)
    reader = RegionReader(year_2022.region.path)
    region = year_2022.region
    before = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    assert before["monitoring"]["alerts"]["M01"] == 1
    _alert(year_2022, "M01", "red", datetime.date(2022, 8, 20))
    after = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    assert after["monitoring"]["alerts"]["M01"] == 2
    assert after["monitoring"]["alert_levels"] == {"yellow": 1, "red": 2}


def test_counts_packed_in_one_sum_are_counted_again_unpacked_when_a_group_could_overflow(
    year_2022, monkeypatch
):
    # With no bits a count, every group could carry into the next count (it has 2**0 rows or
    # more): the figures then come from the unpacked queries (a COUNT … FILTER each), the same.
    from jixiao.reports import stats

    reader = RegionReader(year_2022.region.path)
    region = year_2022.region
    packed = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    ran = []
    figure_rows = stats.figure_rows

    def spy(work, name, *args, **kwargs):
        ran.append(name)
        return figure_rows(work, name, *args, **kwargs)

    monkeypatch.setattr(stats, "figure_rows", spy)
    monkeypatch.setattr(stats, "PACK_BITS", 0)
    unpacked = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    unpacked_names = {"targets.by_unit", "reports.by_unit", "evaluation_counts.selfeval"}
    assert {f"{name}.unpacked" for name in unpacked_names} <= set(ran)
    assert unpacked["on_time"]["targets"] == {
        "due": 2,
        "late": 1,
        "on_time_rate": Decimal("0.5000"),
    }
    assert unpacked["selfeval"]["grades"] == {"优": 1, "良": 0, "中": 0, "差": 1}
    assert unpacked == packed


def test_late_counts_follow_deadlines_changed_between_two_computations(year_2022):
    # The second computation starts from the deadlines the first one found; the declarations'
    # and the rounds' deadlines moved in between, so it must read them again and count anew.
    from jixiao.core.deadlines import is_late
    from jixiao.monitoring.models import COUNTED as REPORTS_COUNTED
    from jixiao.targets.models import COUNTED

    reader = RegionReader(year_2022.region.path)
    region = year_2022.region
    compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    early = datetime.date(2022, 1, 2)
    Target.objects.filter(year=2022, deadline__isnull=False).update(deadline=early)
    Round.objects.filter(year=2022).update(deadline=early)
    after = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    mine = {"year": 2022, "region__path__startswith": region.path}
    targets = Target.objects.filter(**mine, status__in=COUNTED, deadline__isnull=False)
    late_targets = sum(is_late(t.submitted_at, t.deadline) for t in targets)
    reports = Report.objects.filter(**mine, status__in=REPORTS_COUNTED)
    late_reports = sum(is_late(r.submitted_at, r.round.deadline) for r in reports)
    assert late_targets > 0 and late_reports > 0
    assert after["on_time"]["targets"]["late"] == late_targets
    assert after["monitoring"]["reports"]["late"] == late_reports


def test_a_figures_query_built_from_more_than_its_key_is_caught_when_checked(year_2022):
    # The tests run with stats.CHECK_COMPILED set: a query whose SQL changes while its key
    # stays the same (here the year, left out of the key on purpose) fails at once.
    from jixiao.reports import stats
    from jixiao.reports.selectors import WorkYear

    work = WorkYear(user=RegionReader(year_2022.region.path), region=year_2022.region, year=2022)
    rounds = Round.objects.order_by().values_list("id")
    stats.figure_rows(work, "test.rounds", lambda: rounds.filter(year=2022))
    with pytest.raises(AssertionError, match="test.rounds"):
        stats.figure_rows(work, "test.rounds", lambda: rounds.filter(year=2021))


@pytest.mark.parametrize("persona", ["expert", "agency", "admin"])
def test_a_reader_whose_scope_holds_no_unit_gets_zero_counts_not_an_error(world, persona):
    """Their filters are empty lists of ids, for which Django sends no SQL: each one-row count
    is still one row, of zeros (as `aggregate()` gives), whether compiled afresh or kept."""
    for _ in range(2):
        figures = summary_figures(user=world.users[persona], region=world.region, year=2022)
        assert figures["selfeval"]["special_kinds"] == {"count": 0, "projects": []}
        assert figures["monitoring"]["rounds"] == 0
        funds = ("funds_adjusted", "funds_recovered", "funds_redeployed")
        assert [figures["results"][key] for key in funds] == [Decimal("0.00")] * 3
        assert figures["results"]["uses"]["recorded"] == 0


def _in_pipeline() -> bool:
    return connection.vendor == "postgresql" and bool(connection.connection.pgconn.pipeline_status)


def test_a_recomputation_sends_the_last_ones_statements_ahead_and_gives_the_same_figures(
    year_2022,
):
    # On PostgreSQL the second computation of a region and year sends the kept statements the
    # first one ran in one pipeline before it computes (`stats._send_ahead`), and reads the
    # regions and the rulebook in the same pipeline after them: no statement goes alone.
    reader = RegionReader(year_2022.region.path)
    region = year_2022.region
    first = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    sent: list[bool] = []

    def note(execute, sql, params, many, context):
        sent.append(_in_pipeline())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        second = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    assert as_json(second) == as_json(first)
    if connection.vendor == "postgresql":
        assert sent.count(False) == 0 and sent.count(True) >= 22, sent


def test_statements_sent_ahead_from_another_day_are_not_taken_for_this_one(year_2022):
    # The alerts overdue are counted as of the day: a computation on a later day must not take
    # the rows of the earlier day's statement sent ahead. An open alert due on 1 October is
    # not overdue on 1 September and is on 31 December.
    from jixiao.reports import stats

    _alert(year_2022, "M02", "yellow", datetime.date(2022, 10, 1))
    reader = RegionReader(year_2022.region.path)
    region = year_2022.region
    later = datetime.date(2022, 12, 31)
    on_the_day = compute_year_stats(user=reader, region=region, year=2022, today=TODAY)
    after = compute_year_stats(user=reader, region=region, year=2022, today=later)
    assert after["monitoring"]["overdue_alerts"] == on_the_day["monitoring"]["overdue_alerts"] + 1
    stats._COMPILED.clear()
    stats._RAN.clear()
    stats._DEADLINES.clear()
    fresh = compute_year_stats(user=reader, region=region, year=2022, today=later)
    assert as_json(after) == as_json(fresh)
