"""Targets and self-evaluations through the national 一体化 data elements: `jixiao export
--format national`, and the import of such a document, round trip on the database."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.core.exports import national_bytes
from jixiao.core.models import AuditLog
from jixiao.core.scope import RegionReader
from jixiao.targets.exports import export_targets
from jixiao.targets.models import Target

from .test_excel import FIELDS, declarations, imported, rejected, three_declarations  # noqa: F401

READINGS = tuple(f for f in FIELDS if f != "value_text")


def readings(found: dict) -> dict:
    """The declarations with each indicator's reading, not its letters: "100%" goes out as
    computesign ≥ and kpi_val 100, and comes back as "≥100%"."""
    index = FIELDS.index("value_text")
    return {
        key: {**d, "indicators": [row[:index] + row[index + 1 :] for row in d["indicators"]]}
        for key, d in found.items()
    }


def national(world) -> bytes:
    return national_bytes(
        "targets", export_targets(RegionReader(world.region.path), world.region, 2022, "json")
    )


def test_national_export_then_import_gives_the_same_declarations(world, three_declarations):  # noqa: F811 (fixture)
    data = national(world)
    Target.objects.all().delete()
    result = imported(world, data, "targets.json")
    assert (result.rows, result.created) == (3, 3)
    assert readings(declarations()) == readings(three_declarations)
    assert national(world) == data  # and the document out again is the same, byte for byte


def test_national_document_holds_project_and_unit_tables(world, three_declarations):  # noqa: F811 (fixture)
    document = json.loads(national(world))
    assert {g["pro_code"] for g in document["PM_PERF_GOAL_INFO"]} == {"P1", "P1A"}
    assert [g["agency_code"] for g in document["BGT_PERF_GOAL_INFO"]] == ["U1"]
    rich = [r for r in document["PM_PERF_INDICATOR"] if r["pro_code"] == "P1"][0]
    assert (rich["kpi_val"], rich["computesign"], rich["meterunit"]) == ("12", "≥", "个")
    assert rich["kpi_content"] == "按竣工验收的小区数统计"


def test_a_broken_national_document_is_refused_by_table_row_and_field(world, three_declarations):  # noqa: F811 (fixture)
    document = json.loads(national(world))
    document["PM_PERF_INDICATOR"][1]["pro_code"] = "NOPE"
    document["PM_PERF_GOAL_INFO"][0]["agency_code"] = ""
    problems = rejected(world, json.dumps(document, ensure_ascii=False).encode(), "t.json")
    where = {(p.sheet, p.row, p.field) for p in problems}
    assert ("PM_PERF_GOAL_INFO", 1, "agency_code") in where
    assert ("PM_PERF_INDICATOR", 2, "") in where


def test_cli_exports_national_and_audits_it(world, three_declarations, tmp_path):  # noqa: F811 (fixture)
    out = tmp_path / "national.json"
    call_command(
        "export", "targets", "--region", world.region.code, "--year", "2022",
        "--format", "national", "-o", str(out), "--quiet",
    )  # fmt: skip
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["PM_PERF_GOAL_INFO"]) == 2
    assert AuditLog.objects.filter(action="export").exists()


def test_cli_refuses_national_for_a_kind_without_it(world, tmp_path):
    with pytest.raises(CommandError, match="一体化"):
        call_command(
            "export", "units", "--region", world.region.code, "--year", "2022",
            "--format", "national", "-o", str(tmp_path / "u.json"), "--quiet",
        )  # fmt: skip
