"""The unit assessment out: `jixiao export unit-assessments --region R --year Y --format
xlsx|json -o FILE` — the ranking as the page and the API give it (the xlsx is the page's
official table; the JSON is the API's objects, parts and records included)."""

from __future__ import annotations

from jixiao.core.exports import json_bytes, register_exporter, workbook_bytes

from .api_assessments import serialize
from .assessment_files import ranking_title, ranking_workbook
from .assessment_service import assessment_list


@register_exporter("unit-assessments", rows=assessment_list)
def export_unit_assessments(reader, region, year, fmt: str) -> bytes:
    """`jixiao export unit-assessments --region R --year Y --format xlsx|json -o FILE`."""
    rows = assessment_list(user=reader, region=region, year=year).prefetch_related("adjustments")
    if fmt == "json":
        return json_bytes([serialize(r) for r in rows])
    return workbook_bytes(ranking_workbook(rows, title=ranking_title(region, year)))
