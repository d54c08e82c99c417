"""GET /api/v1/changes: the change feed (CONTRACT.md `changes`; how it keeps order:
jixiao/api/changes.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jixiao.core.api import answers, error

from .changes import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, change_feed

router = Router()


class ChangeOut(Schema):
    kind: str
    id: int
    external_id: str | None
    state: str
    at: str
    region: str | None = None
    year: int | None = None
    unit: str | None = None
    project: str | None = None
    data: dict


class FeedOut(Schema):
    items: list[ChangeOut]
    cursor: str


@router.get(
    "",
    summary="变更流：目标批复/退回/调整、预算安排、资金暂停、整改、挂钩决定、公开，按发生顺序",
    response=answers(FeedOut, 422),
)
def changes(request, since: str | None = None, limit: int = DEFAULT_LIMIT):
    """What changed after `since` (the `cursor` of the previous answer; none: from the
    beginning), oldest first, at most `limit` (up to 1000). Ask again with the returned cursor:
    each change comes exactly once."""
    if not 1 <= limit <= MAX_LIMIT:
        return Status(
            422,
            error(
                _("limit 应在 1 到 %(m)s 之间。") % {"m": MAX_LIMIT},
                [{"path": "limit", "code": "out_of_range", "message": _("超出范围")}],
            ),
        )
    try:
        found, cursor = change_feed(user=request.user, since=since, limit=limit)
    except BadCursor:
        return Status(
            422,
            error(
                _("since 不是本系统给出的游标。"),
                [{"path": "since", "code": "bad_cursor", "message": _("无法识别的游标")}],
            ),
        )
    return Status(200, {"items": [c.as_item() for c in found], "cursor": cursor})
