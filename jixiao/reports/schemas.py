"""The API's output schema for the figures of a work year (CONTRACT.md, `GET /api/v1/stats`, the
same JSON as `jixiao summary --format json`): it documents in OpenAPI what `stats.year_stats`
gives through `stats.as_json`, key for key and in its order. Money travels as a decimal string
with two decimals, a rate as a fraction with four (null when there is nothing to divide by);
tables keyed by a code (alerts, findings, grades, statuses) map the code to a count."""

from __future__ import annotations

from ninja import Field, Schema

from jixiao.core.schemas import CodeName

Counts = dict[str, int]


class StatsUnitsOut(Schema):
    first_level: int = Field(description="一级预算单位数")
    covered: int = Field(description="开展了绩效管理工作的一级预算单位数")
    coverage_rate: str | None
    not_covered: list[str] = Field(description="未覆盖的一级预算单位编码")


class StatsTargetsOut(Schema):
    projects_declared: int
    projects_approved: int
    units_declared: int
    units_approved: int
    funds_approved: str
    by_status: Counts


class StatsReportCountsOut(Schema):
    total: int
    submitted: int
    missing: int
    late: int
    on_time_rate: str | None


class StatsExecutionOut(Schema):
    """The latest round's execution against its time progress."""

    period_end: str | None
    time_progress: str | None
    funds: str
    executed: str
    rate: str | None


class StatsMonitoringOut(Schema):
    rounds: int
    projects: int
    funds: str
    reports: StatsReportCountsOut
    alerts: Counts = Field(description="预警代码 → 条数")
    alert_levels: Counts
    alert_status: Counts
    disposals: Counts
    overdue_alerts: int
    execution: StatsExecutionOut


class StatsSpecialKindProjectOut(CodeName):
    kinds: list[str]
    grade: str | None


class StatsSpecialKindsOut(Schema):
    count: int
    projects: list[StatsSpecialKindProjectOut]


class StatsSelfEvalFiguresOut(Schema):
    year: int = Field(description="被评价的年度（工作年度的上一年）")
    projects: int
    funds: str
    grades: Counts
    special_kinds: StatsSpecialKindsOut


class StatsKeyProjectOut(Schema):
    code: str | None = Field(description="项目编码；评价政策或专项资金时为 null")
    name: str = Field(description="项目名称，或评价对象的名称")


class StatsKeySpecialKindOut(Schema):
    kind: str = Field(description="特殊类别，如 政府债务")
    code: str | None
    name: str


class StatsKeyMethodsOut(Schema):
    """How many of the key evaluations used each method, by their records."""

    site_visits: int = Field(description="有现场勘查记录的评价数（现场勘查）")
    expert_scoring: int = Field(description="有专家评分的评价数（比对打分）")
    public_survey: int = Field(description="有已发布问卷且收到有效答卷的评价数（公众测评）")


class StatsKeyEvaluationsOut(Schema):
    """The bureau's key evaluations of the work year, notified or beyond (department
    evaluations commissioned by a unit are not among them)."""

    count: int
    projects: list[StatsKeyProjectOut]
    special_kinds: list[StatsKeySpecialKindOut] = Field(description="其中的特殊类别项目")
    methods: StatsKeyMethodsOut
    reports_delivered: int = Field(description="评价报告已送达单位的评价数")
    findings: Counts = Field(description="发现的问题数，按一级指标（决策、过程、产出、效益）")


class StatsChosenProjectOut(Schema):
    code: str | None
    name: str
    kinds: list[str]


class StatsEvaluationsOut(Schema):
    """The special-kind key evaluations by project, in the shape of `selfeval.special_kinds`."""

    count: int
    projects: list[StatsChosenProjectOut]


class StatsSurveysOut(Schema):
    """The public surveys of the work year (opened or closed): those about its key evaluations
    and about the evaluations done in it (self-evaluations, whole-unit evaluations)."""

    count: int = Field(description="已发布或已结束的满意度问卷数")
    valid_responses: int = Field(description="这些问卷的有效答卷数")


class StatsRectificationsOut(Schema):
    issued: int = Field(description="本年度下达的整改事项")
    closed: int = Field(description="本年度销号的整改事项")
    closed_on_time: int = Field(description="其中按期销号的")
    overdue: int = Field(description="截至统计日逾期的整改事项（已关闭年度为12月31日）")


class StatsLinkagePartOut(Schema):
    projects: int
    current: str = Field(description="本年预算（万元）")
    proposed: str = Field(description="建议安排（万元）")
    decided: str = Field(description="决定安排（万元）")


class StatsLinkageOut(Schema):
    """The proposals the work year makes: those for the budget year `year + 1`."""

    budget_year: int
    grow: StatsLinkagePartOut = Field(description="优先保障")
    keep: StatsLinkagePartOut = Field(description="不新增")
    cut: StatsLinkagePartOut = Field(description="压减")
    cancel: StatsLinkagePartOut = Field(description="建议取消")
    cancelled: StatsLinkagePartOut = Field(description="决定取消")
    total: StatsLinkagePartOut
    undecided: int = Field(description="尚未决定的建议")


class StatsRankedUnitOut(Schema):
    unit: str = Field(description="单位编码")
    name: str
    score: str
    rank: int | None


class StatsUnitAssessmentOut(Schema):
    year: int
    units: int
    top: list[StatsRankedUnitOut] = Field(description="前五名")
    bottom: list[StatsRankedUnitOut] = Field(description="后五名（不与前五名重复）")


class StatsDisclosureOut(Schema):
    published: int = Field(description="本年度公开的事项")
    overdue: int = Field(description="截至统计日未按期公开的事项（到期未公开或逾期后才公开）")


class StatsUsesOut(Schema):
    """How the work year's results were used (结果应用情况, DOMAIN.md §8.2)."""

    results: int = Field(
        description="本年度评价结果（已确认的自评和部门整体评价、已归档的重点评价）"
    )
    recorded: int = Field(description="已登记应用情况的结果")
    fed_back: int = Field(description="反馈被评价单位")
    tied_to_budget: int = Field(description="与预算安排挂钩")
    policy_adjusted: int = Field(description="完善政策或管理")
    reported_to_government: int = Field(description="报送本级政府")
    reported_to_congress: int = Field(description="报送人大")
    instructions: int = Field(description="有领导批示的")


class StatsResultsOut(Schema):
    """Using the results (DOMAIN.md §8): money in 万元 with two decimals."""

    funds_adjusted: str
    funds_recovered: str
    funds_redeployed: str
    rectifications: StatsRectificationsOut
    linkage: StatsLinkageOut
    unit_assessment: StatsUnitAssessmentOut
    disclosure: StatsDisclosureOut
    uses: StatsUsesOut
    as_of: str = Field(description="逾期数字的统计日")


class StatsOnTimeOut(Schema):
    due: int
    late: int
    on_time_rate: str | None


class StatsUnitOnTimeOut(Schema):
    unit: str
    name: str
    targets_due: int
    targets_late: int
    reports_due: int
    reports_late: int
    reports_missing: int
    on_time_rate: str | None


class StatsOnTimeFiguresOut(Schema):
    targets: StatsOnTimeOut
    monitoring: StatsOnTimeOut
    by_unit: list[StatsUnitOnTimeOut] = Field(description="按及时率从低到高")


class StatsExecutionLagOut(Schema):
    projects: int
    red: int


class StatsYearEndRushOut(Schema):
    year: int
    projects: int
    december: str


class StatsLowGradesOut(Schema):
    projects: int
    grades: Counts


class StatsOverdueOut(Schema):
    alerts: int
    reports_late: int
    reports_missing: int
    targets_late: int


class StatsProblemsOut(Schema):
    lint_targets: int
    execution_lag: StatsExecutionLagOut
    year_end_rush: StatsYearEndRushOut
    low_grades: StatsLowGradesOut
    overdue: StatsOverdueOut


class StatsPolicyDocumentOut(Schema):
    number: str = Field(description="文号")
    title: str
    date: str
    issuer: str


class StatsRegionFiguresOut(CodeName):
    first_level: int
    covered: int
    selfeval_funds: str
    monitored_funds: str
    coverage_rate: str | None


class StatsOut(Schema):
    region: str
    region_name: str
    year: int
    units: StatsUnitsOut
    targets: StatsTargetsOut
    monitoring: StatsMonitoringOut
    selfeval: StatsSelfEvalFiguresOut
    unit_evaluations: int
    unit_evaluation_grades: Counts
    key_evaluations: StatsKeyEvaluationsOut
    special_kind_evaluations: StatsEvaluationsOut
    surveys: StatsSurveysOut
    results: StatsResultsOut
    lint: Counts = Field(description="审核发现代码 → 处数")
    on_time: StatsOnTimeFiguresOut
    problems: StatsProblemsOut
    policy_documents: list[StatsPolicyDocumentOut]
    policy_documents_issued: int
    regions: list[StatsRegionFiguresOut] = Field(description="下级区划的数字（市、省汇总时）")
