"""Helpers for management commands: one-line Chinese errors and the --quiet flag."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class JixiaoCommand(BaseCommand):
    """Base for Jixiao's commands: `--quiet`, and failures as one line on stderr, exit 1."""

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不显示进度和提示")

    def fail(self, message: str):
        raise CommandError(message, returncode=1)

    def say(self, options, message: str) -> None:
        if not options.get("quiet"):
            self.stderr.write(message)

    def audit_export(self, *, kind: str, rows: int | None, options, region) -> None:
        """Log the command's output as an export (CONTRACT.md): the operating-system account
        that ran it, `kind`, the region, year and format asked for, and the row count."""
        import getpass

        from . import audit

        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a bare container)
            who = "?"
        filters = {key: options[key] for key in ("region", "year", "format") if options.get(key)}
        with audit.audit_context(source="cli"):
            audit.record_export(
                kind=kind,
                rows=rows,
                filters=filters,
                name=str(options.get("output") or "-"),
                region_code=region.code,
                actor=_OsAccount(f"cli:{who}"),
            )


@dataclass(frozen=True)
class _OsAccount:
    """Who ran a command: the operating-system account, named in the audit log."""

    username: str


@dataclass(frozen=True)
class RegionLookup:
    """How the commands find a region and who acts in it. Regions and roles are orgs' nouns
    (DESIGN.md: core uses none), so orgs registers this when it starts."""

    by_code: Callable[[str], Any]  # code → the region, or None
    sole_district: Callable[[], Any]  # the only district in the database, or None
    default_importer: Callable[[Any], Any]  # region → its budget office's first account, or None
    may_write: Callable[[Any, Any], bool]  # (actor, region) → the region is in the actor's scope


_REGION_LOOKUP: list[RegionLookup] = []


def register_region_lookup(lookup: RegionLookup) -> None:
    _REGION_LOOKUP[:] = [lookup]


def region_lookup() -> RegionLookup:
    if not _REGION_LOOKUP:
        raise CommandError("没有已注册的区划查询（orgs 应用未安装）。", returncode=1)
    return _REGION_LOOKUP[0]
