"""The API's output schemas for monitoring rounds, reports and alerts (CONTRACT.md,
schemas/monitoring): they document in OpenAPI the JSON that `api.round_data`, `api.report_data`
and `api.alert_data` build, field for field and in their order. Money travels as decimal strings
in 万元, absent values as null, dates as ISO strings."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from jixiao.core.schemas import CodeName, Page


class RoundOut(Schema):
    id: int
    region: str
    year: int
    code: str
    name: str
    period_end: str
    deadline: str
    status: str


class AlertCountOut(Schema):
    code: str
    level: str
    count: int


class RoundDetailOut(RoundOut):
    """A round with its overview: reports due, funds monitored, execution, alerts by code."""

    reports: int
    funds: str
    executed: str
    time_progress: str = Field(description="时间进度，四位小数")
    alerts: list[AlertCountOut]


class ReportBudgetOut(Schema):
    initial: str | None
    full_year: str | None
    executed: str | None
    expected_full_year: str | None
    contract_amount: str | None


class ReportIndicatorOut(Schema):
    category: str
    subcategory: str
    name: str
    target: str
    progress: str | None
    expected: str | None
    likelihood: str | None
    cause: str | None
    explanation: str | None
    measures: str | None


class AlertOut(Schema):
    id: int
    code: str
    level: str = Field(description="yellow 或 red")
    message: str
    explanation: str
    indicator: int | None = Field(description="指标序号（从 0 起），或 null")
    project: str
    round: str | None
    status: str
    due_date: str
    disposal: str | None
    disposal_reason: str | None


class ReportOut(Schema):
    id: int
    round: str
    round_id: int
    region: str
    year: int
    unit: CodeName
    project: CodeName
    status: str
    submitted_at: datetime | None
    budget: ReportBudgetOut


class ReportDetailOut(ReportOut):
    indicators: list[ReportIndicatorOut]
    alerts: list[AlertOut] = Field(description="未解除的预警")


RoundList = Page[RoundOut]
ReportList = Page[ReportOut]
AlertList = Page[AlertOut]
