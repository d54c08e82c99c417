"""Output schemas the apps' APIs share: the list envelope, the code-and-name reference and a
step of the review history.

An app's `schemas.py` describes its objects with these, so that OpenAPI documents each field of
the JSON the app's `api.py` builds (CONTRACT.md). A schema lists the keys in the order the JSON
has them and no others: a response goes through it, and a key it lacks would be dropped.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Field, Schema

Item = TypeVar("Item")


class Page(Schema, Generic[Item]):
    """A list in the contract's envelope: `Page[TargetOut]`."""

    count: int
    page: int
    page_size: int
    items: list[Item]


class CodeName(Schema):
    """A unit or project named by its code and name."""

    code: str
    name: str


class HistoryOut(Schema):
    """One step of a document's review history (`core.workflow.history`). An endpoint that
    answers it sets `by_alias=True`, for the key "from"."""

    transition: str
    from_: str = Field(alias="from")
    to: str
    actor: str | None = Field(description="用户名")
    comment: str
    at: str = Field(description="ISO 时间")
