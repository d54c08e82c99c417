"""`jixiao demo` builds the district of CONTRACT.md with the 2021 summary's figures exactly."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Q, Sum
from django.utils import timezone

from jixiao.budgets.models import FiscalYear, Project
from jixiao.orgs.models import UnitYear, User


@pytest.fixture
def demo(db):
    call_command("demo", "--quiet", "--password", "Demo#Pass2022")


def full_total(qs) -> Decimal:
    return qs.with_totals().aggregate(s=Sum("full_sum"))["s"]


def check_region(demo):
    from jixiao.orgs.models import Region

    district = Region.objects.get(code="360102")
    assert district.name == "东湖区"
    assert district.parent.code == "360100" and district.parent.parent.code == "360000"


def check_units(demo):
    for year in (2020, 2021):
        first_level = UnitYear.objects.filter(unit__region__code="360102", year=year, level=1)
        assert first_level.count() == 67
        assert first_level.filter(name__contains="街道").count() >= 9
        assert UnitYear.objects.filter(unit__region__code="360102", year=year, level=2).exists()


def check_2020(demo):
    projects = Project.objects.filter(region__code="360102", year=2020)
    assert projects.count() == 183
    assert full_total(projects) == Decimal("64286.41")


def check_2021(demo):
    special = Project.objects.filter(region__code="360102", year=2021, kinds__code="special_fund")
    assert full_total(special) == Decimal("65498.42")
    assert special.filter(full_carryover__gt=0).exists()


def check_kinds(demo):
    for year in (2020, 2021, 2022):
        kinds = set(Project.objects.filter(year=year).values_list("kinds__code", flat=True))
        assert len(kinds) == 9
    for name, kind in [
        ("城北消防站建设项目", "debt"),
        ("清扫队车辆采购项目", "procurement"),
        ("扬子洲赣江铁路沿线绿色廊道项目", "government_fund"),
    ]:
        assert Project.objects.get(name=name, year=2020).kinds.filter(code=kind).exists()


def check_logins(demo):
    roles = {u.username: u.roles for u in User.objects.all()}
    assert roles["budget"] == ["budget"] and roles["perf"] == ["performance"]
    assert roles["office"] == ["business"] and roles["auditor"] == ["auditor"]
    unit, other = User.objects.get(username="unit"), User.objects.get(username="other")
    assert User.objects.get(username="leader").unit == unit.unit
    assert other.unit != unit.unit
    office = User.objects.get(username="office").office
    units_2022 = UnitYear.objects.filter(year=2022, level=1)
    share = units_2022.filter(office=office).count() / units_2022.count()
    assert 0.25 < share < 0.42
    assert UnitYear.objects.get(unit=unit.unit, year=2022).office == office
    assert UnitYear.objects.get(unit=other.unit, year=2022).office != office
    # every account that acts in the demo's histories has a person's name, not its login
    district = User.objects.filter(region__code="360102")  # the test world's users are not
    unnamed = district.filter(Q(full_name="") | Q(full_name=F("username")))
    assert not unnamed.exists(), list(unnamed.values_list("username", flat=True)[:5])


def check_persona(demo):
    unit = User.objects.get(username="unit").unit
    for year in (2020, 2021, 2022):
        assert Project.objects.filter(unit=unit, year=year).exists()
    assert Project.objects.filter(unit=unit, parent__isnull=False).exists()


def check_years(demo):
    status = dict(FiscalYear.objects.filter(region__code="360102").values_list("year", "status"))
    assert status == {2020: "closed", 2021: "closed", 2022: "open"}


def check_reorganisation(demo):
    live = UnitYear.objects.filter(unit__region__code="360102", year=2022, level=1)
    assert live.count() == 66  # two merged into one
    moved = UnitYear.objects.filter(unit__code="123")
    assert moved.get(year=2021).office.code == "SHSY" and moved.get(year=2022).office.code == "JJJS"


def check_rerun(demo):
    call_command("demo", "--quiet", "--password", "Demo#Pass2022")
    assert Project.objects.filter(year=2020).count() == 183


def test_demo_refuses_a_weak_password(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="密码"):
        call_command("demo", "--quiet", "--password", "123")


def check_targets(demo):
    from jixiao.targets.models import Target, TargetStatus

    for year in (2020, 2021):
        projects = Project.objects.filter(region__code="360102", year=year)
        targets = Target.objects.filter(region__code="360102", year=year)
        assert (
            targets.filter(project__isnull=False, status=TargetStatus.APPROVED).count()
            == projects.count()
        )
        assert targets.filter(project__isnull=True).count() == 67
        flagged = targets.filter(blocking_count__gt=0).count() / targets.count()
        assert 0.05 < flagged < 0.4  # a realistic share with the 2021 summary's problems
        # every declaration keeps its findings' codes beside them (what the figures count)
        kept = list(targets.values_list("findings", "finding_codes"))
        assert all(codes == "".join(f"{f['code']};" for f in found) for found, codes in kept)
        assert not projects.filter(arranged=False).exists()
    live = Target.objects.filter(region__code="360102", year=2022)
    states = set(live.values_list("status", flat=True))
    assert states >= {
        TargetStatus.DRAFT,
        TargetStatus.READY,
        TargetStatus.PARENT_REVIEW,
        TargetStatus.SUBMITTED,
        TargetStatus.FIRST_PASSED,
        TargetStatus.APPROVED,
        TargetStatus.RETURNED,
    }
    unit = User.objects.get(username="unit").unit
    persona = live.filter(unit=unit)
    assert persona.filter(status=TargetStatus.DRAFT, blocking_count__gt=0).exists()
    assert persona.filter(status=TargetStatus.RETURNED).exclude(return_reason="").exists()
    check_live_documents_on_their_own_days(live, least=50)
    for target in live.exclude(approved_at=None):
        assert target.submitted_at < target.approved_at < timezone.now()


def check_live_documents_on_their_own_days(live, *, least: int):
    """The live documents were submitted on many days before the build (not all in the
    build's minute), and each one's history runs forward in time."""
    from django.contrib.contenttypes.models import ContentType

    from jixiao.core.models import TransitionLog

    built = timezone.now()
    submitted = [
        at for at in live.exclude(submitted_at=None).values_list("submitted_at", flat=True)
    ]
    assert len(submitted) >= least
    assert all(at < built - dt.timedelta(hours=1) for at in submitted)
    assert len({timezone.localtime(at).date() for at in submitted}) >= least // 3
    kind = ContentType.objects.get_for_model(live.model)
    steps: dict[int, list] = {}
    for object_id, at in (
        TransitionLog.objects.filter(content_type=kind, object_id__in=live.values("pk"))
        .order_by("pk")
        .values_list("object_id", "created_at")
    ):
        steps.setdefault(object_id, []).append(at)
    assert len(steps) >= least
    assert all(times == sorted(times) and times[-1] < built for times in steps.values())


def check_monitoring(demo):
    from jixiao.core.scope import RegionReader
    from jixiao.monitoring.models import Alert, Report, Round
    from jixiao.orgs.models import Region
    from jixiao.reports.selectors import WorkYear, funds_of

    district = Region.objects.get(code="360102")
    work = WorkYear(RegionReader(district.path), district, 2021)
    assert funds_of(work.monitored_projects) == Decimal("65498.42")
    closed = Round.objects.get(region=district, year=2021)
    assert closed.status == "closed"
    assert not Report.objects.filter(round=closed).exclude(status="approved").exists()
    codes = set(Alert.objects.filter(round=closed).values_list("code", flat=True))
    assert {"M01", "M02", "M04", "M06", "M07"} <= codes
    assert Alert.objects.filter(year=2020, code="M05").exists()
    unit = User.objects.get(username="unit").unit
    live = Round.objects.get(region=district, year=2022)
    assert live.deadline > timezone.localdate()  # live: its reports are to fill, not late
    assert Report.objects.filter(round=live, unit=unit, status="draft").exists()
    assert Alert.objects.filter(round=live, unit=unit, status="open").exists()
    # the live round takes only projects with an approved target (DOMAIN.md §5): no report
    # without indicators, the rest listed as left out with the status of their target
    assert not Report.objects.filter(round=live, target__isnull=True).exists()
    assert not Report.objects.filter(round=live, indicators__isnull=True).exists()
    assert Report.objects.filter(round=live, target__status="approved").count() == (
        live.reports.count()
    )
    left_out = set(live.exclusions.values_list("reason", "target_status"))
    assert {("no_target", ""), ("not_approved", "returned")} <= left_out
    assert live.exclusions.filter(unit=unit).exists()


def check_evaluations(demo):
    from django.db.models import Sum

    from jixiao.evaluations.models import COUNTED, SelfEvaluation, UnitEvaluation

    done = SelfEvaluation.objects.filter(region__code="360102", year=2020, status__in=COUNTED)
    assert done.count() == 183
    projects = Project.objects.filter(selfeval__in=done).with_totals()
    assert projects.aggregate(s=Sum("full_sum"))["s"] == Decimal("64286.41")
    grades = set(done.values_list("grade", flat=True))
    assert {"优", "良"} <= grades and len(grades) >= 3
    assert done.filter(indicators__problems__icontains="self_score").exists()
    assert done.filter(spot_check_total__isnull=False).exists()
    assert (
        UnitEvaluation.objects.filter(region__code="360102", year=2020, status__in=COUNTED).count()
        == 67
    )
    unit = User.objects.get(username="unit").unit
    assert SelfEvaluation.objects.filter(year=2021, unit=unit, status="draft").exists()
    live = set(SelfEvaluation.objects.filter(year=2021).values_list("status", flat=True))
    assert live >= {"draft", "ready", "submitted", "first_passed", "confirmed", "returned"}
    check_live_documents_on_their_own_days(SelfEvaluation.objects.filter(year=2021), least=30)


def check_policies(demo):
    from jixiao.demo.tests.test_policies import check_policies as check
    from jixiao.orgs.models import Region

    check(Region.objects.get(code="360102"))


def check_summary(demo):
    from jixiao.reports.tests.test_summary import check_summary as check

    check(demo)


def check_work_year_2021(demo):
    """DOMAIN.md §9: the generated figures of 东湖区's work year 2021 are the 2021 summary's."""
    from jixiao.core.scope import RegionReader
    from jixiao.orgs.models import Region
    from jixiao.reports.stats import as_json, year_stats

    district = Region.objects.get(code="360102")
    figures = as_json(year_stats(user=RegionReader(district.path), region=district, year=2021))
    assert figures["units"] == {
        "first_level": 67,
        "covered": 67,
        "coverage_rate": "1.0000",
        "not_covered": [],
    }
    assert figures["selfeval"]["year"] == 2020
    assert figures["selfeval"]["projects"] == 183
    assert figures["selfeval"]["funds"] == "64286.41"
    assert figures["monitoring"]["funds"] == "65498.42"
    assert figures["unit_evaluations"] == 67
    assert figures["targets"]["units_declared"] == 67
    key = figures["key_evaluations"]
    assert key["count"] == 7
    assert {(s["kind"], s["name"]) for s in key["special_kinds"]} == {
        ("政府债务", "城北消防站建设项目"),
        ("政府采购", "清扫队车辆采购项目"),
        ("政府性基金", "扬子洲赣江铁路沿线绿色廊道项目"),
    }
    assert [d["number"] for d in figures["policy_documents"]] == [
        "东财字〔2020〕1号",
        "东财绩〔2020〕1号",
        "东财绩〔2020〕2号",
        "东财绩〔2020〕3号",
        "东财字〔2021〕14号",
    ]


# Building the district takes tens of seconds, so one build serves every check.


@pytest.mark.slow
def test_demo_builds_every_stage_with_the_2021_summary_figures(demo):
    check_region(demo)
    check_units(demo)
    check_2020(demo)
    check_2021(demo)
    check_kinds(demo)
    check_logins(demo)
    check_persona(demo)
    check_years(demo)
    check_reorganisation(demo)
    check_targets(demo)
    check_monitoring(demo)
    check_evaluations(demo)
    check_policies(demo)
    check_work_year_2021(demo)
    check_summary(demo)
    check_rerun(demo)
