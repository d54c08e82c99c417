"""The API's output schemas for surveys (CONTRACT.md, HTTP API, `surveys`): they document in
OpenAPI the JSON that `surveys.api` builds, field for field and in its order. URLs are
root-relative, the satisfaction rate travels as a fraction string with four decimals (null
before any valid answer), absent times as null."""

from __future__ import annotations

from ninja import Field, Schema

from jixiao.core.schemas import CodeName, Page


class SurveySubjectOut(Schema):
    id: int = Field(description="测评对象（项目自评、重点评价或部门整体评价）的 id")
    name: str = Field(description="测评对象的名称")


class SurveyOut(Schema):
    id: int
    year: int = Field(description="年度（测评对象的年度）")
    unit: CodeName
    subject_kind: str = Field(description="selfeval、key_evaluation 或 unit_evaluation")
    subject: SurveySubjectOut
    status: str = Field(description="draft、open 或 closed")
    public_url: str = Field(description="公开答卷地址 /survey/<token>/（无需登录）")
    qr_url: str = Field(description="二维码图片地址（SVG，无需登录）")
    opens: str | None = Field(description="开始时间（ISO）")
    closes: str | None = Field(description="结束时间（ISO）")
    responses: int = Field(description="收到的全部答卷数，含无效答卷")
    valid_responses: int = Field(description="有效答卷数")
    satisfaction_rate: str | None = Field(description="满意率（小数，四位）；无有效答卷时为 null")
    sample_needed: int = Field(description="±5%、95% 置信度所需的样本量（有限总体校正后）")


SurveyList = Page[SurveyOut]


class InvalidIn(Schema):
    """The body of marking one answer invalid by hand: the reason in words."""

    note: str = Field(max_length=200, pattern=r"\S", description="标记无效的理由（必填）")
