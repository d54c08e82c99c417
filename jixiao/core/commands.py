"""Helpers for management commands: one-line Chinese errors, the --quiet flag, the region
lookup and reading a rules file."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from . import rulebook


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
        from . import audit

        filters = {key: options[key] for key in ("region", "year", "format") if options.get(key)}
        with audit.audit_context(source="cli"):
            audit.record_export(
                kind=kind,
                rows=rows,
                filters=filters,
                name=str(options.get("output") or "-"),
                region_code=region.code,
                actor=os_account(),
            )


@dataclass(frozen=True)
class _OsAccount:
    """Who ran a command: the operating-system account, named in the audit log."""

    username: str


def os_account() -> _OsAccount:
    """The operating-system account that runs this command, as the audit log's actor."""
    import getpass

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        who = "?"
    return _OsAccount(f"cli:{who}")


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


class RuleFileCommand(JixiaoCommand):
    """Base of the commands that apply the rules to a JSON file with no database (`lint`,
    `alerts`, `score`): the file read as JSON with decimals, and the rulebook by name
    (`national`, `national-2021`) or by region and year (`REGION:YEAR`, which reads the database).
    """

    def _read(self, name: str):
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.fail(f"文件“{name}”不存在。")
        except (OSError, UnicodeDecodeError) as exc:
            self.fail(f"无法读取文件“{name}”：{_reason(exc)}")
        try:
            return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
        except (json.JSONDecodeError, ValueError) as exc:
            where = f"第{exc.lineno}行第{exc.colno}列" if hasattr(exc, "lineno") else ""
            self.fail(f"文件“{name}”不是有效的 JSON{where and '（' + where + '）'}。")

    def _rules(self, name: str) -> rulebook.Rules:
        if ":" not in name:
            try:
                return rulebook.named(name)
            except rulebook.RulebookError as exc:
                self.fail(str(exc))
        region_code, _, year = name.partition(":")
        if not year.isdigit():
            self.fail(f"规则库“{name}”应写作“地区代码:年度”，如“360102:2022”。")
        return self._region_rules(region_code, int(year))

    def _region_rules(self, code: str, year: int) -> rulebook.Rules:
        from django.db import DatabaseError

        try:
            region = region_lookup().by_code(code)
            if region is None:
                self.fail(f"地区“{code}”不存在，无法使用其规则库。")
            return rulebook.rules_for(region.lineage_codes, year)
        except DatabaseError:
            self.fail(
                f"无法读取数据库，地区规则库“{code}:{year}”不可用；可改用 --rulebook national。"
            )


def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码"
    return exc.strerror or type(exc).__name__
