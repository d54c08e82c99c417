"""The API's output schemas for targets (CONTRACT.md, schemas/target): they document in OpenAPI
the JSON that `api.serialize` builds, field for field and in its order. Decimals travel as
strings with their stored precision, absent values as null."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from jixiao.core.schemas import CodeName, HistoryOut, Page


class TargetProjectOut(CodeName):
    parent_code: str | None = Field(description="上级（一级）项目编码")


class TargetAmountsOut(Schema):
    """万元, decimal strings; null where the declaration gives none."""

    total: str | None
    current: str | None
    carryover: str | None
    other: str | None


class ParsedValueOut(Schema):
    """The indicator value as the lint read it."""

    op: str | None = Field(description="比较符 >=、<=、= … 或 deadline")
    number: str | None
    date: str | None = Field(description="时效指标的期限，ISO 日期")


class TargetIndicatorOut(Schema):
    category: str
    subcategory: str
    name: str
    target: str = Field(description="指标值，按填报原文")
    unit: str | None
    parsed: ParsedValueOut
    weight: str | None
    explanation: str | None
    basis: str | None
    source: str | None


class FindingOut(Schema):
    code: str = Field(description="审核规则代码 T01…")
    blocking: bool
    indicator: int | None = Field(description="指标序号（从 0 起），或 null")
    message: str


class TargetOut(Schema):
    """A target in a list: the declaration without its indicators."""

    id: int
    region: str
    year: int
    unit: CodeName
    project: TargetProjectOut | None = Field(description="null for a unit's whole-unit target")
    version: int
    status: str
    status_label: str
    amounts: TargetAmountsOut
    goal: str | None
    medium_term_goal: str | None
    serves_public: bool
    blocking: int = Field(description="阻断性审核问题数")
    warnings: int
    submitted_at: datetime | None
    approved_at: datetime | None
    external_id: str | None = Field(description="预算管理一体化系统中的标识")


class TargetDetailOut(TargetOut):
    indicators: list[TargetIndicatorOut]
    findings: list[FindingOut]
    grades: dict[str, dict[str, str]] = Field(description="first/final → 审核项 → 等级")
    return_reason: str | None
    history: list[HistoryOut]


TargetList = Page[TargetOut]


class ArrangeOut(Schema):
    id: int
    code: str
    arranged: bool
    arranged_at: datetime | None


class CodeIn(Schema):
    code: str


class TargetIndicatorIn(Schema):
    """An indicator as GET shows it; `parsed` is recomputed from `target` and ignored."""

    category: str = ""
    subcategory: str = ""
    name: str = ""
    target: str = Field("", description="指标值，按填报原文")
    unit: str | None = None
    weight: str | None = None
    explanation: str | None = None
    basis: str | None = None
    source: str | None = None


class TargetAmountsIn(Schema):
    total: str | None = None
    current: str | None = None
    carryover: str | None = None
    other: str | None = None


class TargetIn(Schema):
    """A declaration in the shape of schemas/target, as GET returns it (the read-only fields
    it returns besides are ignored); `external_id` is the budget system's identifier."""

    region: str
    year: int
    unit: CodeIn
    project: CodeIn | None = None
    amounts: TargetAmountsIn = Field(default_factory=TargetAmountsIn)
    goal: str | None = None
    medium_term_goal: str | None = None
    serves_public: bool = True
    indicators: list[TargetIndicatorIn] = []
    external_id: str | None = None
