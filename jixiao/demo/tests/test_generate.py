"""`jixiao generate`: synthetic regions with the requested shape, refusing to clobber data."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.budgets.models import Project
from jixiao.orgs.models import Region, Unit, UnitYear


def test_generate_builds_the_requested_shape(db):
    call_command(
        "generate", "--regions", "12", "--units", "5", "--projects", "7", "--years", "2", "--quiet"
    )
    districts = Region.objects.filter(path__startswith="990000/", level="district")
    assert districts.count() == 12
    assert Region.objects.filter(path__startswith="990000/", level="city").count() == 2
    assert Unit.objects.filter(region__in=districts).count() == 60
    assert UnitYear.objects.filter(unit__region__in=districts).count() == 120
    assert Project.objects.filter(region__in=districts).count() == 12 * 7 * 2
    assert not Project.objects.filter(region__in=districts, kinds__isnull=True).exists()
    level2 = UnitYear.objects.filter(unit__region__in=districts, level=2)
    assert level2.exists() and not level2.filter(parent__isnull=True).exists()


def test_generate_refuses_to_overwrite_unless_asked_and_replaces_cleanly(db):
    call_command("generate", "--regions", "2", "--units", "3", "--projects", "4", "--quiet")
    with pytest.raises(CommandError, match="已存在"):
        call_command("generate", "--regions", "2", "--quiet")
    call_command(
        "generate", "--regions", "1", "--units", "3", "--projects", "2", "--replace", "--quiet"
    )
    assert Project.objects.filter(region__path__startswith="990000/").count() == 2


def test_generate_rejects_a_real_region_code(db):
    with pytest.raises(CommandError, match="99"):
        call_command("generate", "--regions", "1", "--province", "360000", "--quiet")


def test_generate_adds_targets_with_their_indicator_grids(db):
    from jixiao.targets.models import Indicator, Target

    call_command(
        "generate",
        "--regions",
        "2",
        "--units",
        "4",
        "--projects",
        "5",
        "--indicators",
        "12",
        "--quiet",
    )
    targets = Target.objects.filter(region__path__startswith="990000/")
    assert targets.count() == 10
    assert Indicator.objects.filter(target__in=targets).count() == 120
    first = Indicator.objects.filter(target__in=targets, position=0).first()
    assert first.operator == ">=" and first.number is not None
    call_command(
        "generate", "--regions", "1", "--units", "2", "--projects", "1", "--replace", "--quiet"
    )
    assert Target.objects.filter(region__path__startswith="990000/").count() == 1


def test_replace_also_removes_what_the_results_made_of_the_province(db):
    """A linkage proposal and a rectification hold on to their project (PROTECT): replacing the
    synthetic province removes them first instead of failing."""
    from jixiao.results.models import LinkageProposal, Rectification

    call_command("generate", "--regions", "1", "--units", "2", "--projects", "2", "--quiet")
    project = Project.objects.filter(region__path__startswith="990000/").first()
    LinkageProposal.objects.create(
        region=project.region,
        year=project.year + 1,
        unit=project.unit,
        project=project,
        rule="keep",
        current_amount=1,
        proposed_amount=1,
        reason="不新增",
    )
    Rectification.objects.create(
        region=project.region,
        year=project.year,
        unit=project.unit,
        project=project,
        source="audit",
        issuer=project.unit.region.offices.first(),
        problem="问题",
        required_action="整改",
        result_date=datetime.date(project.year, 6, 1),
    )
    call_command(
        "generate", "--regions", "1", "--units", "2", "--projects", "1", "--replace", "--quiet"
    )
    assert not LinkageProposal.objects.exists() and not Rectification.objects.exists()
    assert Project.objects.filter(region__path__startswith="990000/").count() == 1
