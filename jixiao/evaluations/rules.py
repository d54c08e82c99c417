"""The evaluation stage's rulebook sections "scoring" (DOMAIN.md §6.2) and "unit_evaluation"
(§6.3).

Every weight, threshold, band and rounding step that `jixiao.evaluations.scoring` and
`jixiao.evaluations.unit_evaluation` use lives here, once (DESIGN.md, Pure rules). A region
changes them through the rulebook; `ALTERNATIVES` lists the choices DOMAIN.md §10 leaves open.
Decimals are strings ("0.20") so JSON keeps them exact.

Origins: the §6.2 figures (points 10/50/30/10, the operator table, bands, grades, half-up
rounding) follow the most widely deployed national practice; the deadline step (20% of the
weight per month or part of a month) and the whole default §6.3 framework (its weights,
thresholds, steps and deductions) are our defaults, modelled on the items of the national
部门整体支出绩效评价共性指标体系框架, for regions to replace with their own.
"""

from jixiao.core.rulebook import register_defaults

#: The three qualitative bands of DOMAIN.md §6.2, as shares of the weight. The top band's upper
#: bound is inclusive; without an entered score only a band marked `full_without_score` is scored
#: (at its upper bound); the others need a person's score.
QUALITATIVE_BANDS = [
    {"label": "达成年度指标", "low": "0.8", "high": "1", "high_inclusive": True,
     "full_without_score": True},
    {"label": "部分达成年度指标并具有一定效果", "low": "0.6", "high": "0.8",
     "high_inclusive": False, "full_without_score": False},
    {"label": "未达成年度指标且效果较差", "low": "0", "high": "0.6", "high_inclusive": False,
     "full_without_score": False},
]  # fmt: skip

#: Grade bands: the first whose minimum the total reaches (DOMAIN.md §6.2).
GRADES = [
    {"grade": "优", "min": "90"},
    {"grade": "良", "min": "80"},
    {"grade": "中", "min": "60"},
    {"grade": "差", "min": "0"},
]

SCORING_DEFAULTS: dict = {
    # Budget execution: its points, and the denominator of the rate (§10: the full-year
    # budget, or the funds received, as key evaluations use).
    "execution": {"weight": "10", "denominator": "full_year"},
    # Category totals; the unit spreads each over its own indicators (§6.2).
    "totals": {"产出指标": "50", "效益指标": "30", "满意度指标": "10"},
    # Categories that share another's points (2021 catalogue: 成本指标 with 产出指标).
    "share": {"成本指标": "产出指标"},
    "satisfaction_category": "满意度指标",
    # Where the satisfaction points go when there is no satisfaction indicator: a category of
    # `totals`, or "proportional" (spread over the other categories in proportion).
    "no_satisfaction_to": "产出指标",
    "weight_tolerance": "0",
    "quantitative": {
        # ≤ and < beyond the target: "linear" w × (1 − (a − t)/t), 0 from 2t; or "ratio" w × t/a.
        "less_rule": "linear",
        # = with t > 0: False scores it as ≥; True also penalises overshoot by the ≤ rule.
        "equal_penalises_overshoot": False,
    },
    # An actual at or above this multiple of the target needs an explanation (§6.2).
    "over_achievement": "1.3",
    # A late deadline loses `deduct` of the weight per step of `size` `unit`s ("month" or
    # "day") or part of one, floored at 0.
    "deadline": {"unit": "month", "size": 1, "deduct": "0.20"},
    "bands": QUALITATIVE_BANDS,
    "grades": GRADES,
    "places": "0.01",
    "rate_places": "0.0001",
    # A unit's own score departing from the rule's figure by more than this is flagged.
    "self_score_tolerance": "0",
}

#: The choices DOMAIN.md §10 leaves open, by dotted key; scoring refuses any other value.
ALTERNATIVES: dict[str, tuple] = {
    "scoring.execution.denominator": ("full_year", "received"),
    "scoring.quantitative.less_rule": ("linear", "ratio"),
    "scoring.quantitative.equal_penalises_overshoot": (False, True),
    "scoring.deadline.unit": ("month", "day"),
    "scoring.no_satisfaction_to": ("产出指标", "效益指标", "proportional"),
    "unit_evaluation.partial_step": ("proportional", "ceil"),
}


def _rate(indicator, group, weight, full_if, step, deduct, formula="rate", inputs=None) -> dict:
    """A rate-vs-threshold row of §6.3: full points while `full_if` holds, then `deduct` per
    `step` percentage points beyond, floored at 0. `formula`: "rate" (the input is the rate in
    %), "ratio" (100 × a / b) or "change" (100 × (a − b) / b) of the named inputs."""
    return {"indicator": indicator, "group": group, "weight": weight, "full_if": full_if,
            "step": step, "deduct_per_step": deduct, "formula": formula,
            "inputs": inputs or [indicator]}  # fmt: skip


def _judged(indicator: str, group: str, weight: str) -> dict:
    """A judgement item: a person picks a band (and a score inside it)."""
    return {"indicator": indicator, "group": group, "weight": weight}


UNIT_FRAMEWORK = [
    _judged("目标设置", "投入", "5"),
    _rate("在职人员控制率", "投入", "3", "≤100%", "1", "0.5", "ratio", ["在职人数", "编制人数"]),
    _rate("“三公经费”变动率", "投入", "3", "≤0%", "1", "0.5", "change",
          ["本年“三公经费”", "上年“三公经费”"]),
    _rate("重点支出安排率", "投入", "4", "≥60%", "1", "0.2", "ratio",
          ["重点项目支出", "项目支出合计"]),
    _rate("预算完成率", "过程", "5", "≥95%", "1", "0.2", "ratio", ["预算完成数", "预算数"]),
    _rate("预算调整率", "过程", "3", "≤10%", "1", "0.3", "ratio", ["预算调整数", "年初预算数"]),
    _rate("支付进度率", "过程", "3", "≥100%", "1", "0.2"),
    _rate("结转结余率", "过程", "3", "≤10%", "1", "0.3", "ratio", ["结转结余总额", "支出预算数"]),
    _rate("公用经费控制率", "过程", "3", "≤100%", "1", "0.3", "ratio",
          ["实际支出公用经费", "预算安排公用经费"]),
    _rate("政府采购执行率", "过程", "3", "≥95%", "1", "0.3", "ratio",
          ["实际政府采购金额", "政府采购预算数"]),
    _judged("管理制度健全性", "过程", "3"),
    _judged("资金使用合规性", "过程", "4"),
    _judged("预决算信息公开性", "过程", "3"),
    _judged("资产管理规范性", "过程", "5"),
    _rate("实际完成率", "产出", "10", "≥100%", "1", "0.5", "ratio",
          ["实际完成工作数", "计划工作数"]),
    _rate("完成及时率", "产出", "6", "≥100%", "1", "0.3", "ratio",
          ["及时完成工作数", "实际完成工作数"]),
    _rate("质量达标率", "产出", "7", "≥100%", "1", "0.3", "ratio",
          ["质量达标工作数", "实际完成工作数"]),
    _rate("重点工作办结率", "产出", "7", "≥100%", "1", "0.5", "ratio",
          ["重点工作办结数", "重点工作交办数"]),
    _judged("履职效益", "效果", "8"),
    _rate("服务对象满意度", "效果", "6", "≥90%", "1", "0.3"),
    _judged("能力建设", "效果", "6"),
]  # fmt: skip

UNIT_EVALUATION_DEFAULTS: dict = {
    "groups": ["投入", "过程", "产出", "效果"],
    # A part of a step beyond the threshold: "proportional" deducts its share; "ceil" counts
    # it as a whole step.
    "partial_step": "proportional",
    "bands": [
        {
            "label": "达到要求",
            "low": "0.8",
            "high": "1",
            "high_inclusive": True,
            "full_without_score": True,
        },
        {
            "label": "部分达到要求",
            "low": "0.6",
            "high": "0.8",
            "high_inclusive": False,
            "full_without_score": False,
        },
        {
            "label": "未达到要求",
            "low": "0",
            "high": "0.6",
            "high_inclusive": False,
            "full_without_score": False,
        },
    ],  # fmt: skip
    "rows": UNIT_FRAMEWORK,
    "grades": GRADES,
    "places": "0.01",
}

register_defaults("scoring", SCORING_DEFAULTS)
register_defaults("unit_evaluation", UNIT_EVALUATION_DEFAULTS)
