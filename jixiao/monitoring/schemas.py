"""The API's output schemas for monitoring rounds, reports and alerts (CONTRACT.md,
schemas/monitoring): they document in OpenAPI the JSON that `api.round_data`, `api.report_data`
and `api.alert_data` build, field for field and in their order. Money travels as decimal strings
in 万元, absent values as null, dates as ISO strings."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import BaseModel, TypeAdapter

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
    left_out: int = Field(description="未纳入本轮监控的项目数（发起时没有已批复的绩效目标）")


class RoundExclusionOut(Schema):
    """A project of the round's scope left out at opening, with the reason."""

    project: CodeName
    unit: CodeName
    reason: str = Field(description="no_target（无绩效目标）或 not_approved（绩效目标未批复）")
    target_status: str | None = Field(description="发起时绩效目标当前版本的状态，或 null")
    reason_text: str


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
    external_id: str | None = Field(description="预算管理一体化系统中的标识")


class NotJudgedOut(Schema):
    """An indicator the alert check could not judge for what was typed in it."""

    indicator: int = Field(description="指标序号（从 0 起），与 alerts 的 indicator 相同")
    name: str
    typed: str = Field(description="填写的内容（进度，或无法作分母的目标值）")
    message: str = Field(description="为什么未判断，怎样改")


class ReportDetailOut(ReportOut):
    indicators: list[ReportIndicatorOut]
    alerts: list[AlertOut] = Field(description="未解除的预警")
    not_judged: list[NotJudgedOut] = Field(
        description="预警检查未能判断的指标：填写的进度或目标值读不出（报告页“未判断的指标”）"
    )


RoundList = Page[RoundOut]
RoundExclusionList = Page[RoundExclusionOut]
ReportList = Page[ReportOut]
AlertList = Page[AlertOut]


class ReportBudgetIn(Schema):
    """What the unit reports of the money (万元, decimal strings); the budget itself is the
    project's and is not changed here. `executed` is ignored when it comes from payments."""

    executed: str | None = None
    expected_full_year: str | None = None
    contract_amount: str | None = None


class ReportIndicatorIn(Schema):
    """One line of the report, in the order GET gives them; what the target set is ignored."""

    progress: str | None = None
    expected: str | None = None
    likelihood: str | None = None
    cause: str | None = None
    explanation: str | None = None
    measures: str | None = None


class ReportIn(Schema):
    """A report's contents as GET returns them."""

    budget: ReportBudgetIn = Field(default_factory=ReportBudgetIn)
    execution_note: str = ""
    indicators: list[ReportIndicatorIn] = []
    external_id: str | None = None


#: The most rows one push may carry (CONTRACT.md: pushes of up to 10,000 rows stay synchronous).
MAX_PAYMENT_ROWS = 10_000


# A plain pydantic model, not a ninja `Schema`: a `Schema` runs its own validator on every row
# to read attributes of ORM objects, which a row of JSON never is (a quarter of a second of a
# push of 10,000 rows; docs/performance.md, "The write API's payments push").
class PaymentRowIn(BaseModel):
    """One row as the treasury exports it: the project's code, the year and month (or the
    payment's date), the amount in 万元 as a decimal string; `region`, the 区划代码, when the
    rows cover several regions."""

    region: str | None = None
    code: str
    year: int | None = None
    month: int | None = None
    date: str | None = None
    amount: str | int | None = None


class PaymentsIn(Schema):
    region: str | None = Field(None, description="导入的区划代码（默认为本人所在区划）")
    rows: list[PaymentRowIn] = Field(description="至多 10000 行，全部写入或全部不写入")


#: The rows of a push as the JSON document the payments importer reads, serialised in one call.
PAYMENT_ROWS = TypeAdapter(list[PaymentRowIn])


class PaymentsOut(Schema):
    rows: int
    created: int
    updated: int
    batch: str
