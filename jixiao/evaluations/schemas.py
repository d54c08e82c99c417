"""The API's output schemas for self-evaluations (CONTRACT.md, schemas/selfeval): they document
in OpenAPI the JSON that `api.serialize` builds, field for field and in its order. Scores and
money travel as decimal strings, absent values as null."""

from __future__ import annotations

from ninja import Field, Schema

from jixiao.core.schemas import CodeName, Page


class SelfEvalSourceOut(Schema):
    source: str = Field(description="资金来源")
    initial: str | None
    full_year: str | None
    executed: str | None


class SelfEvalBudgetOut(Schema):
    initial: str | None
    full_year: str | None
    executed: str | None
    sources: list[SelfEvalSourceOut]
    self_score: str | None = Field(description="单位自评的预算执行得分")


class SelfEvalGoalOut(Schema):
    expected: str | None
    achieved: str | None


class SelfEvalTableIndicatorOut(Schema):
    category: str
    subcategory: str
    name: str
    target: str
    actual: str | None
    weight: str | None
    band: str | None
    score: str | None = Field(description="按档次评分时填写的得分")
    explanation: str | None
    deviation: str | None = Field(description="偏差原因及改进措施")
    self_score: str | None


class SelfEvalTableOut(Schema):
    """The self-evaluation table in the shape of schemas/selfeval (what `jixiao score` reads)."""

    year: int
    region: str
    unit: CodeName
    project: CodeName
    budget: SelfEvalBudgetOut
    goal: SelfEvalGoalOut
    indicators: list[SelfEvalTableIndicatorOut]
    self_total: str | None


class SelfEvalReviewOut(Schema):
    indicator: int = Field(description="指标序号（从 0 起）")
    name: str
    reviewed_score: str | None
    reason: str


class ScoreIssueOut(Schema):
    code: str
    message: str
    indicator: int | None = Field(None, description="指标序号（从 0 起）；整表的问题没有此项")


class ExecutionScoreOut(Schema):
    rate: str | None = Field(None, description="预算执行率，四位小数")
    score: str | None = None
    explanation: str | None = None
    self_score: str | None = None
    self_score_differs: bool | None = None


class IndicatorScoreOut(Schema):
    name: str | None = None
    category: str | None = None
    weight: str | None = None
    score: str | None = Field(None, description="按规则计算的得分")
    explanation: str | None = None
    errors: list[ScoreIssueOut] | None = None
    warnings: list[ScoreIssueOut] | None = None
    self_score: str | None = None
    self_score_differs: bool | None = None
    deduction: str | None = Field(None, description="审核扣减")
    reviewed_score: str | None = None


class ScoreOut(Schema):
    """The scores as `jixiao score --json` gives them, stored when the self-evaluation was last
    scored; a table that could not be read has only `errors`. A key the stored scores lack is
    left out of the answer."""

    execution: ExecutionScoreOut | None = None
    indicators: list[IndicatorScoreOut] | None = None
    total: str | None = None
    grade: str | None = None
    complete: bool | None = None
    reviewed_total: str | None = None
    errors: list[ScoreIssueOut] | None = None
    warnings: list[ScoreIssueOut] | None = None


class SelfEvalOut(Schema):
    id: int
    status: str
    year: int
    region: str
    unit: CodeName
    project: CodeName
    total: str | None
    grade: str | None
    self_total: str | None
    reviewed_total: str | None
    reviewed_grade: str | None
    spot_check_total: str | None
    rulebook: str
    external_id: str | None = Field(description="预算管理一体化系统中的标识")


class SelfEvalDetailOut(SelfEvalOut):
    table: SelfEvalTableOut
    score: ScoreOut
    reviews: list[SelfEvalReviewOut] = Field(description="审核调整的指标得分及理由")


SelfEvalList = Page[SelfEvalOut]


class SelfEvalSourceIn(Schema):
    source: str = Field(description="资金来源，如 当年财政拨款")
    executed: str | None = None


class SelfEvalBudgetIn(Schema):
    sources: list[SelfEvalSourceIn] = []


class SelfEvalGoalIn(Schema):
    achieved: str | None = None


class SelfEvalIndicatorIn(Schema):
    """One line of the 自评表, in the order GET gives them; a field left out stays as it is."""

    actual: str | None = None
    weight: str | None = None
    band: str | None = None
    score: str | None = None
    explanation: str | None = None
    deviation: str | None = None
    self_score: str | None = None


class SelfEvalTableIn(Schema):
    budget: SelfEvalBudgetIn = Field(default_factory=SelfEvalBudgetIn)
    goal: SelfEvalGoalIn = Field(default_factory=SelfEvalGoalIn)
    indicators: list[SelfEvalIndicatorIn] = []


class SelfEvalIn(Schema):
    """A self-evaluation's contents as GET returns them (its `table`; the scores are the
    rules' and are recomputed)."""

    table: SelfEvalTableIn
    report: str | None = None
    external_id: str | None = None
