"""A small world with known facts for the unit assessment's tests (work year 2022, judged as of
31 December 2022): the records of U1 and its level-2 unit U1A, nothing for U2. The points each
part should give are worked out by hand in `EXPECTED`."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

YEAR = 2022
TODAY = datetime.date(2023, 3, 1)  # the year is closed: deadlines count as of 2022-12-31


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00:00"))


def _date(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


# Worked by hand (weights 25/15/15/15/15/15, the rulebook's defaults):
# - target quality: 2 declarations, one graded 良 (0.85), 3 findings, 1 return:
#   25 × (0.85 − 0.05 × 3/2 − 0.10 × 1/2) = 25 × 0.725 = 18.125 → 18.13
# - timeliness: declarations 1 of 2 on time, reports 1 of 2 (one never sent), rectification
#   plans and reports 2 of 4: 4 of 8 → 15 × 4/8 = 7.50
# - monitoring: one alert disposed in time, one suspended; one cleared and one not yet due are
#   not judged: 15 × 1/2 = 7.50
# - self-evaluation quality: gaps 95−85 and 80−70 are 5 beyond the tolerance each, the spot
#   check 60−70 another 5: 15 excess points over 2 → 15 × (1 − 0.02 × 7.5) = 12.75
# - rectification: one closed on time, one overdue → 15 × 1/2 = 7.50
# - results: 良 0.85, 中 0.60 (the reviewer's grade), the whole-unit evaluation 优 1.00:
#   15 × 2.45/3 = 12.25
EXPECTED = {
    "target_quality": D("18.13"),
    "timeliness": D("7.50"),
    "monitoring": D("7.50"),
    "selfeval_quality": D("12.75"),
    "rectification": D("7.50"),
    "results": D("12.25"),
}
EXPECTED_TOTAL = D("65.63")


def build(world) -> dict:
    """The records behind `EXPECTED`; returns them by a short name."""
    from jixiao.budgets.models import Project
    from jixiao.core.models import TransitionLog
    from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
    from jixiao.monitoring.models import Alert, Report, Round
    from jixiao.results.models import Rectification
    from jixiao.targets.models import Target

    region, u1, u1a = world.region, world.units["U1"], world.units["U1A"]
    p1, p1a = world.projects["P1"], world.projects["P1A"]
    made = {}
    made["t1"] = Target.objects.create(
        region=region,
        year=YEAR,
        unit=u1,
        project=p1,
        status="approved",
        warning_count=2,
        grades={"final": {"overall": "良"}},
        deadline=_date("2022-01-31"),
        submitted_at=_at("2022-01-20"),
    )
    made["t2"] = Target.objects.create(
        region=region,
        year=YEAR,
        unit=u1a,
        project=p1a,
        status="submitted",
        blocking_count=1,
        deadline=_date("2022-01-31"),
        submitted_at=_at("2022-02-05"),
    )
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Target),
        object_id=made["t2"].pk,
        transition="return_first",
        source="submitted",
        target="returned",
    )
    rnd = Round.objects.create(
        region=region,
        year=YEAR,
        code="R1",
        name="1-6月",
        period_end=_date("2022-06-30"),
        deadline=_date("2022-07-10"),
    )
    made["r1"] = Report.objects.create(
        round=rnd,
        project=p1,
        region=region,
        unit=u1,
        year=YEAR,
        status="submitted",
        submitted_at=_at("2022-07-09"),
    )
    made["r2"] = Report.objects.create(
        round=rnd, project=p1a, region=region, unit=u1a, year=YEAR, status="draft"
    )

    def alert(project, unit, code, due, **more):
        return Alert.objects.create(
            region=region,
            year=YEAR,
            unit=unit,
            project=project,
            round=rnd,
            code=code,
            level="red",
            message="执行进度落后",
            due_date=_date(due),
            **more,
        )

    made["a1"] = alert(
        p1, u1, "M01", "2022-08-10", status="disposed", disposed_at=_at("2022-08-05")
    )
    made["a2"] = alert(p1a, u1a, "M01", "2022-08-10", status="suspended")
    made["a3"] = alert(p1, u1, "M02", "2022-08-10", status="cleared")
    made["a4"] = alert(p1, u1, "M04", "2023-01-10", status="open")

    old = {}
    for code, unit in (("Q1", u1), ("Q1A", u1a)):
        old[code] = Project.objects.create(
            region=region, year=YEAR - 1, code=code, name=f"项目{code}", unit=unit
        )
    made["s1"] = SelfEvaluation.objects.create(
        region=region,
        year=YEAR - 1,
        unit=u1,
        project=old["Q1"],
        status="confirmed",
        self_total=D("95"),
        total=D("85"),
        grade="良",
    )
    made["s2"] = SelfEvaluation.objects.create(
        region=region,
        year=YEAR - 1,
        unit=u1a,
        project=old["Q1A"],
        status="submitted",
        self_total=D("80"),
        total=D("82"),
        grade="良",
        reviewed_total=D("70"),
        reviewed_grade="中",
        spot_check_total=D("60"),
    )
    made["ue"] = UnitEvaluation.objects.create(
        region=region, year=YEAR - 1, unit=u1, status="confirmed", grade="优"
    )

    def rectification(unit, **dates):
        return Rectification.objects.create(
            region=region,
            year=YEAR,
            unit=unit,
            status="closed" if dates.get("closed_on") else "in_progress",
            source="alert",
            issuer=world.offices["BIZ1"],
            problem="执行进度落后",
            required_action="加快执行",
            result_date=_date("2022-02-20"),
            **{k: _date(v) if v else None for k, v in dates.items()},
        )

    made["x1"] = rectification(
        u1,
        issued_on="2022-03-01",
        plan_due="2022-04-01",
        planned_on="2022-03-20",
        due="2022-06-30",
        reported_on="2022-06-20",
        closed_on="2022-06-25",
    )
    made["x2"] = rectification(u1a, issued_on="2022-05-01", plan_due="2022-06-01", due="2022-08-30")
    return made


def add_units(world, n: int) -> list:
    """`n` more first-level units of the region (for the query-count test), each with a
    declaration and an alert."""
    from jixiao.budgets.models import Project
    from jixiao.monitoring.models import Alert
    from jixiao.orgs.models import Unit, UnitYear
    from jixiao.targets.models import Target

    units = []
    for i in range(n):
        unit = Unit.objects.create(region=world.region, code=f"UX{i}", name=f"新增单位{i}")
        UnitYear.objects.create(
            unit=unit, year=YEAR, name=unit.name, level=1, office=world.offices["BIZ2"]
        )
        project = Project.objects.create(
            region=world.region, year=YEAR, code=f"PX{i}", name=f"项目X{i}", unit=unit
        )
        Target.objects.create(
            region=world.region, year=YEAR, unit=unit, project=project, status="submitted"
        )
        Alert.objects.create(
            region=world.region,
            year=YEAR,
            unit=unit,
            project=project,
            code="M01",
            level="yellow",
            message="执行进度落后",
            due_date=_date("2022-08-10"),
        )
        units.append(unit)
    return units
