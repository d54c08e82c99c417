"""The region lookups that core's `import` and `export` commands use (registered at start-up,
see `core.commands.RegionLookup`)."""

from django.contrib.auth import get_user_model

from jixiao.core.commands import RegionLookup, register_region_lookup

from .models import Region, Role


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def sole_district() -> Region | None:
    districts = list(Region.objects.filter(level="district")[:2])
    return districts[0] if len(districts) == 1 else None


def default_importer(region: Region):
    users = get_user_model().objects.filter(is_active=True, region=region)
    return next((u for u in users if u.has_role(Role.BUDGET)), None)


def may_write(actor, region: Region) -> bool:
    # The services check roles, not always the region: the CLI must not let a user write into
    # a region outside their scope.
    return Region.objects.visible_to(actor).filter(pk=region.pk).exists()


register_region_lookup(RegionLookup(region_by_code, sole_district, default_importer, may_write))
