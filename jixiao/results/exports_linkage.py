"""Budget linkage out: `jixiao export linkage-proposals --region R --year Y --format xlsx|json
-o FILE`, where Y is the budget year of the proposals (the year after the results). The xlsx is
the list page's sheet; the JSON is the API's objects."""

from __future__ import annotations

from jixiao.core.exports import json_bytes, register_exporter, workbook_bytes

from .api_linkage import serialize
from .linkage_selectors import proposal_list, proposals_workbook


@register_exporter("linkage-proposals", rows=proposal_list)
def export_linkage_proposals(reader, region, year, fmt: str) -> bytes:
    """`jixiao export linkage-proposals --region R --year Y --format xlsx|json -o FILE`."""
    rows = proposal_list(user=reader, region=region, year=year)
    if fmt == "json":
        return json_bytes([serialize(p) for p in rows])
    return workbook_bytes(proposals_workbook(rows, year))
