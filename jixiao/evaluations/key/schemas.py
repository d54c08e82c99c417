"""The API's output schemas for key evaluations, ex-ante assessments and the registries of
agencies and experts (CONTRACT.md, HTTP API): they document in OpenAPI the JSON that `key.api`
builds, field for field and in its order. Scores travel as decimal strings with two decimals,
money with its stored precision, absent values as null."""

from __future__ import annotations

from ninja import Field, Schema

from jixiao.core.schemas import CodeName, Page


class IdCodeName(CodeName):
    """A project named by its id, code and name."""

    id: int


class IdName(Schema):
    id: int
    name: str


class KeyIndicatorOut(Schema):
    level1: str = Field(description="一级指标（决策、过程、产出、效益）")
    level2: str
    level3: str
    weight: str
    standard: str = Field(description="评分标准")
    computed: str | None = Field(description="专家评分结果（均值或去掉最高最低分后的均值）")
    spread: str | None = Field(description="极差")
    flagged: bool = Field(description="分歧较大需讨论")
    agreed: str | None = Field(description="讨论确定得分")
    score: str | None = Field(description="指标得分：讨论确定的，否则为专家评分结果")


class ExpertScoreOut(Schema):
    expert: str
    indicator: str = Field(description="三级指标")
    score: str
    reason: str = Field(description="扣分理由")


class KeyFindingOut(Schema):
    level1: str
    indicator: str | None
    problem: str
    evidence: str
    recommendation: str
    status: str


class KeyEvaluationOut(Schema):
    id: int
    year: int = Field(description="评价年度（工作年度）")
    region: str
    subject: str
    project: IdCodeName | None
    unit: CodeName
    kind: str = Field(description="project、policy、special_fund 或 unit")
    special_kind: str | None = Field(description="特殊类别，如 政府债务")
    commissioner: CodeName | None = Field(description="部门评价的委托单位；重点评价为 null")
    agency: IdName | None
    experts: list[IdName]
    status: str
    score: str | None
    grade: str | None


class KeyEvaluationDetailOut(KeyEvaluationOut):
    amount: str | None
    notified_on: str | None
    archived_on: str | None
    conclusion: str
    indicators: list[KeyIndicatorOut]
    expert_scores: list[ExpertScoreOut] = Field(
        description="专家原始评分：绩效办和审计监督可见；其他人在全部专家提交后可见，"
        "此前专家只见本人的评分"
    )
    findings: list[KeyFindingOut]


class ExAnteOut(Schema):
    id: int
    year: int = Field(description="预算年度")
    region: str
    subject: str
    is_policy: bool
    project: IdCodeName | None
    unit: CodeName
    amount: str | None
    status: str
    score: str | None
    conclusion: str | None = Field(description="予以支持、调整后支持、不予支持，或 null")


class ExAnteDetailOut(ExAnteOut):
    conclusion_reason: str
    concluded_on: str | None
    experts: list[IdName]
    indicators: list[KeyIndicatorOut]
    expert_scores: list[ExpertScoreOut]


class QualityScoreOut(Schema):
    evaluation: int
    year: int
    subject: str
    score: str = Field(description="执业质量评分")


class AgencyOut(Schema):
    id: int
    region: str
    name: str
    credit_code: str = Field(description="统一社会信用代码")
    qualifications: str
    contact: str
    phone: str
    blacklisted: bool
    blacklist_reason: str
    blacklist_from: str | None
    blacklist_until: str | None
    violation_on: str | None = Field(description="最近重大违规日期")


class AgencyDetailOut(AgencyOut):
    quality_scores: list[QualityScoreOut] = Field(description="以往评价的执业质量评分")


class ExpertOut(Schema):
    id: int
    region: str
    name: str
    fields_of_expertise: str
    employer: str
    employer_unit: CodeName | None
    title: str
    phone: str
    available: bool


KeyEvaluationList = Page[KeyEvaluationOut]
ExAnteList = Page[ExAnteOut]
AgencyList = Page[AgencyOut]
ExpertList = Page[ExpertOut]
