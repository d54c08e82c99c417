"""The versions a target's detail page lists (`selectors.target_versions`, issue 16, part 5):
every version of the same declaration, newest first, read in one compiled query with the
columns the page draws, and never another project's or the unit's own target."""

from jixiao.targets import selectors
from jixiao.targets.models import Target, TargetStatus


def _version(of: Target, version: int, status: str, **where) -> Target:
    return Target.objects.create(region=of.region, year=of.year, unit=of.unit,
                                 project=of.project, version=version, status=status, **where)  # fmt: skip


def test_the_versions_of_a_project_newest_first_in_one_query(
    world, declare, django_assert_num_queries
):
    first = declare()
    first.status = TargetStatus.APPROVED
    first.save()
    second = _version(first, 2, TargetStatus.DRAFT, previous=first)
    declare("P2", actor=world.users["other"])  # another project's
    Target.objects.create(region=world.region, year=2022, unit=first.unit)  # the unit's own
    with django_assert_num_queries(1):
        versions = selectors.target_versions(target=second)
        drawn = [(v.pk, v.version, v.get_status_display()) for v in versions]
    assert drawn == [(second.pk, 2, "草稿"), (first.pk, 1, "已批复")]


def test_the_versions_of_a_units_own_target_are_its_own(world, declare):
    declare()
    own = Target.objects.create(region=world.region, year=2022, unit=world.units["U1"])
    newer = _version(own, 2, TargetStatus.DRAFT)
    assert [v.pk for v in selectors.target_versions(target=own)] == [newer.pk, own.pk]


def test_the_detail_page_links_each_version(world, declare, client_for):
    first = declare()
    Target.objects.filter(pk=first.pk).update(status=TargetStatus.APPROVED)
    second = _version(first, 2, TargetStatus.DRAFT, previous=first)
    page = client_for("filer").get(f"/targets/{second.pk}/").content.decode()
    assert f'href="/targets/{second.pk}/">v2（草稿）' in page
    assert f'href="/targets/{first.pk}/">v1（已批复）' in page
    assert client_for("other").get(f"/targets/{second.pk}/").status_code == 404
