"""The rulebook section "key_evaluation": key evaluations (重点评价, DOMAIN.md §6.4) and ex-ante
assessments (事前绩效评估, DOMAIN.md §7).

Every weight, line, band and threshold that the pure modules of this package use lives here
once (DESIGN.md, Pure rules); a region changes them through the rulebook. Money is in 万元 and
decimals are strings so JSON keeps them exact. Grade bands are not repeated: a key evaluation's
total is graded by the "scoring" section's `grades` (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差).

Origins: the 500 万元 key-project line and the special-fund rule are a published district rule;
the five-year cover, the 3-year violation bar and the trimmed mean are common practice in
published local rules; the selection weights (30/20/20/20/10), the factor points, the 20% spread
threshold, the framework's third-level weights, the kind-specific sets and the ex-ante weights
and conclusion bands are ours, for regions to replace. The level-1 weights 决策 15 / 过程 25 /
产出 30 / 效益 30 and "产出 + 效益 ≥ 60" follow the national 项目支出绩效评价指标体系框架.

How the selection factors become points 0..100 (`selection`):
- amount: 100 × amount / the largest candidate's amount (0 when every amount is 0);
- coverage: the mix of beneficiaries and units involved, each 100 × value / the largest
  candidate's value, mixed by `coverage_mix` (shares of 1);
- public attention: `attention.flagged` points when flagged, else `attention.not_flagged`;
- years since last evaluated: never evaluated → `years.never`, else
  100 × min(years / `years.cycle`, 1);
- last grade: `last_grade[grade]`, `last_grade_none` when there is none.
The weighted part of a factor is its points × weight / 100; each figure is rounded half up to
`places`, and the total is the sum of the rounded parts.

Special kinds: each indicator of a kind's set is added under its own level-1 and level-2 name
and takes its weight from the common indicator named in `takes_from` (whose weight drops by as
much), so the framework still sums to 100.
"""

from jixiao.core.rulebook import register_defaults


def _item(level1: str, level2: str, level3: str, weight: str, standard: str, rule=None) -> dict:
    return {"level1": level1, "level2": level2, "level3": level3, "weight": weight,
            "standard": standard, "rule": rule}  # fmt: skip


def _extra(level1, level2, level3, weight, takes_from, standard, rule=None) -> dict:
    return {**_item(level1, level2, level3, weight, standard, rule), "takes_from": takes_from}


#: The common framework (指标体系): 决策 15 / 过程 25 / 产出 30 / 效益 30 (DOMAIN.md §6.4).
FRAMEWORK = [
    _item("决策", "项目立项", "立项依据充分性", "3",
          "项目立项符合法律法规、国家和地方发展规划及部门职责，与同类项目不重复，得满分；"
          "每有一项不符合扣1分，扣完为止。"),
    _item("决策", "项目立项", "立项程序规范性", "2",
          "按规定程序申请设立，审批文件、材料符合要求，事前经过必要的论证和风险评估，得满分；"
          "每有一项不符合扣0.5分，扣完为止。"),
    _item("决策", "绩效目标", "绩效目标合理性", "3",
          "有绩效目标，与实际工作内容相关，预期产出和效果符合正常业绩水平，与预算相匹配，得满分；"
          "每有一项不符合扣1分，扣完为止。"),
    _item("决策", "绩效目标", "绩效指标明确性", "2",
          "绩效目标细化分解为清晰、可衡量的绩效指标，与任务数和年度计划数相对应，得满分；"
          "每有一项不符合扣0.5分，扣完为止。"),
    _item("决策", "资金投入", "预算编制科学性", "3",
          "预算编制经过科学论证，内容与项目内容匹配，额度测算依据充分、按标准编制，"
          "与工作任务相匹配，得满分；每有一项不符合扣0.75分，扣完为止。"),
    _item("决策", "资金投入", "资金分配合理性", "2",
          "资金分配依据充分，额度合理，与项目单位或地方实际相适应，得满分；"
          "每有一项不符合扣1分，扣完为止。"),
    _item("过程", "资金管理", "资金到位率", "5",
          "资金到位率 = 实际到位资金 / 预算资金 × 100%；得分 = 分值 × 资金到位率，最高得满分。",
          "funds_received_rate"),
    _item("过程", "资金管理", "预算执行率", "5",
          "预算执行率 = 实际支出资金 / 实际到位资金 × 100%；得分 = 分值 × 预算执行率，最高得满分。",
          "budget_execution_rate"),
    _item("过程", "资金管理", "资金使用合规性", "5",
          "资金使用符合财经法规和财务管理制度，审批程序完整，专款专用，无截留、挤占、挪用、"
          "虚列支出等情况，得满分；发现一处问题扣1分，有重大违规的不得分。"),
    _item("过程", "组织实施", "管理制度健全性", "5",
          "已制定或具有相应的财务和业务管理制度，且制度合法、合规、完整，得满分；"
          "每有一项不符合扣2.5分。"),
    _item("过程", "组织实施", "制度执行有效性", "5",
          "遵守相关法律法规和管理规定，项目调整及支出调整手续完备，合同书、验收报告、"
          "技术鉴定等资料齐全并及时归档，人员条件、场地设备、信息支撑等落实到位，得满分；"
          "每有一项不符合扣1.25分，扣完为止。"),
    _item("产出", "产出数量", "实际完成率", "10",
          "实际完成率 = 实际产出数 / 计划产出数 × 100%；得分 = 分值 × 实际完成率，最高得满分。",
          "completion_rate"),
    _item("产出", "产出质量", "质量达标率", "8",
          "质量达标率 = 质量达标产出数 / 实际产出数 × 100%；得分 = 分值 × 质量达标率，最高得满分。",
          "quality_rate"),
    _item("产出", "产出时效", "完成及时性", "6",
          "按计划时间完成得满分；逾期的，每逾期一个月或不足一个月扣分值的20%，扣完为止。"),
    _item("产出", "产出成本", "成本节约率", "6",
          "成本节约率 = (计划成本 − 实际成本) / 计划成本 × 100%；实际成本不超过计划成本得满分，"
          "超支的按超支比例扣分，扣完为止。", "cost_saving_rate"),
    _item("效益", "项目效益", "实施效益", "20",
          "项目实施产生的社会效益、经济效益、生态效益和可持续影响达到预期目标，得满分；"
          "部分达到的，按达到程度酌情得分；未达到的不得分。"),
    _item("效益", "满意度", "满意度", "10",
          "服务对象满意度 ≥ 90% 得满分；低于 90% 的，得分 = 分值 × 满意度 / 90%。"
          "可采用公众测评的满意率。", "satisfaction_rate"),
]  # fmt: skip

#: Rates of the framework, for the scoring engine's quantitative rule (DOMAIN.md §6.2): the
#: rate is numerator / denominator in %, scored against `target` with `op`, so "≥ 100" scores
#: w × rate / 100 up to w. `change` rates are (denominator − numerator) / denominator.
RATE_RULES = {
    "funds_received_rate": {"name": "资金到位率", "formula": "ratio",
                            "inputs": ["实际到位资金", "预算资金"], "op": "≥", "target": "100"},
    "budget_execution_rate": {"name": "预算执行率", "formula": "ratio",
                              "inputs": ["实际支出资金", "实际到位资金"], "op": "≥",
                              "target": "100"},
    "completion_rate": {"name": "实际完成率", "formula": "ratio",
                        "inputs": ["实际产出数", "计划产出数"], "op": "≥", "target": "100"},
    "quality_rate": {"name": "质量达标率", "formula": "ratio",
                     "inputs": ["质量达标产出数", "实际产出数"], "op": "≥", "target": "100"},
    "cost_saving_rate": {"name": "成本节约率", "formula": "change",
                         "inputs": ["实际成本", "计划成本"], "op": "≥", "target": "0"},
    "satisfaction_rate": {"name": "满意度", "formula": "rate", "inputs": ["满意度"],
                          "op": "≥", "target": "90", "survey": True},
    "fund_raising_rate": {"name": "基金募集到位率", "formula": "ratio",
                          "inputs": ["实际募集资金", "计划募集资金"], "op": "≥", "target": "100"},
    "value_preservation_rate": {"name": "国有资产保值增值率", "formula": "ratio",
                                "inputs": ["期末国有资本", "期初国有资本"], "op": "≥",
                                "target": "100"},
}  # fmt: skip

#: Kind-specific sets, by the project kind's label (budgets.kinds.PROJECT_KINDS), each added on
#: top of the common framework (see the module's docstring).
SPECIAL_KINDS = {
    "政府投资基金": {"code": "investment_fund", "indicators": [
        _extra("过程", "资金管理", "基金募集到位率", "2", "资金到位率",
               "基金募集到位率 = 实际募集资金 / 计划募集资金 × 100%；得分 = 分值 × 到位率，"
               "最高得满分。", "fund_raising_rate"),
        _extra("产出", "产出时效", "投资进度", "3", "完成及时性",
               "按基金章程和投资计划完成投资的，得满分；投资进度滞后的，按滞后程度扣分，扣完为止。"),
        _extra("效益", "项目效益", "政策目标实现度", "5", "实施效益",
               "投资项目符合基金设立的政策目标，带动社会资本和产业发展达到预期的，得满分；"
               "部分达到的酌情得分。"),
    ]},
    "政府采购": {"code": "procurement", "indicators": [
        _extra("过程", "组织实施", "采购程序合规", "2", "制度执行有效性",
               "采购方式、程序符合政府采购法律法规，采购文件和合同齐全，得满分；"
               "每发现一处不合规扣0.5分，扣完为止。"),
        _extra("产出", "产出成本", "采购价格合理性", "3", "成本节约率",
               "成交价格不高于预算和同期市场价格的，得满分；高于的，按超出比例扣分，扣完为止。"),
        _extra("产出", "产出质量", "履约验收", "3", "质量达标率",
               "按合同组织履约验收，验收记录完整、结论明确的，得满分；未验收或验收不规范的酌情扣分。"),
    ]},
    "政府和社会资本合作": {"code": "ppp", "indicators": [
        _extra("决策", "项目立项", "物有所值评价和财政承受能力论证", "1", "立项依据充分性",
               "按规定开展物有所值评价和财政承受能力论证并通过的，得满分；否则不得分。"),
        _extra("过程", "资金管理", "绩效付费挂钩", "2", "资金使用合规性",
               "政府付费与绩效评价结果挂钩，按合同约定的绩效考核结果支付的，得满分；否则酌情扣分。"),
        _extra("产出", "产出质量", "运营绩效达标", "3", "质量达标率",
               "项目运营维护达到合同约定的绩效标准的，得满分；每有一项未达标扣1分，扣完为止。"),
    ]},
    "政府债务": {"code": "debt", "indicators": [
        _extra("过程", "资金管理", "偿债资金保障", "2", "资金到位率",
               "偿债资金纳入预算、来源明确并按期足额还本付息的，得满分；有逾期或偿债来源不落实的不得分。"),
        _extra("过程", "资金管理", "债务资金使用合规", "2", "资金使用合规性",
               "债务资金用于批准的公益性资本支出，无挪用、闲置的，得满分；每发现一处问题扣1分，扣完为止。"),
        _extra("效益", "项目效益", "项目收益覆盖", "5", "实施效益",
               "专项债券项目收益对融资本息的覆盖倍数达到发行时测算水平的，得满分；"
               "低于的按比例得分。"),
    ]},
    "政府性基金": {"code": "government_fund", "indicators": [
        _extra("过程", "资金管理", "收支平衡", "2", "预算执行率",
               "以收定支、收支平衡，未出现赤字或大额结余的，得满分；否则酌情扣分。"),
        _extra("过程", "资金管理", "专款专用", "2", "资金使用合规性",
               "基金收入专款专用，未用于规定用途以外支出的，得满分；每发现一处问题扣1分，扣完为止。"),
    ]},
    "国有资本经营": {"code": "state_capital", "indicators": [
        _extra("过程", "资金管理", "国有资本收益上缴", "2", "资金到位率",
               "国有资本收益按规定比例和时间足额上缴的，得满分；未足额或未按时上缴的酌情扣分。"),
        _extra("效益", "项目效益", "国有资产保值增值率", "5", "实施效益",
               "国有资产保值增值率 = 期末国有资本 / 期初国有资本 × 100%；≥ 100% 得满分，"
               "低于的按比例得分。", "value_preservation_rate"),
    ]},
    "社会保险基金": {"code": "social_insurance", "indicators": [
        _extra("过程", "资金管理", "基金收支平衡", "2", "预算执行率",
               "基金当年收支平衡、略有结余的，得满分；当期收不抵支的，按缺口比例扣分。"),
        _extra("产出", "产出时效", "待遇按时足额发放", "3", "完成及时性",
               "社会保险待遇按时足额发放的，得满分；每发现一次延迟或少发扣1分，扣完为止。"),
        _extra("效益", "项目效益", "基金可支付月数", "3", "实施效益",
               "累计结余可支付月数处于合理区间的，得满分；过高或过低的酌情扣分。"),
    ]},
}  # fmt: skip

KEY_EVALUATION_DEFAULTS: dict = {
    "selection": {
        "weights": {
            "amount": "30",
            "coverage": "20",
            "attention": "20",
            "years": "20",
            "last_grade": "10",
        },
        "coverage_mix": {"beneficiaries": "0.5", "units": "0.5"},
        "attention": {"flagged": "100", "not_flagged": "0"},
        "years": {"never": "100", "cycle": 5},
        "last_grade": {"差": "100", "中": "70", "良": "40", "优": "10"},
        "last_grade_none": "60",
    },  # fmt: skip
    # A key project: a full-year budget of `line` 万元 or more, or a project of one of `kinds`.
    "key_project": {"line": "500", "kinds": ["专项资金"]},
    # Each key project is evaluated at least once in `cover_cycle` years.
    "cover_cycle": 5,
    # Expert scoring: the trimmed mean drops `trim` highest and `trim` lowest scores from
    # `trim_from` experts on; a spread above `spread_share` of the weight is flagged.
    "panel": {"trim_from": 5, "trim": 1, "spread_share": "0.20"},
    "framework": {
        "level1": ["决策", "过程", "产出", "效益"],
        "total": "100",
        "output_benefit": ["产出", "效益"],
        "min_output_benefit": "60",
        # A stated total may differ from the sum of the stated scores by this much (K04).
        "total_tolerance": "0.01",
        "indicators": FRAMEWORK,
    },
    "rate_rules": RATE_RULES,
    "special_kinds": SPECIAL_KINDS,
    # Agencies: eligible only with no major violation in evaluation work in the last `years`.
    "agency": {"violation_years": 3},
    "ex_ante": {
        "line": "500",
        "dimensions": [
            {"name": "立项必要性", "weight": "20"},
            {"name": "投入经济性", "weight": "20"},
            {"name": "绩效目标合理性", "weight": "20"},
            {"name": "实施方案可行性", "weight": "20"},
            {"name": "筹资合规性", "weight": "20"},
        ],
        # The suggested conclusion: the first band whose minimum the total reaches. The
        # performance office may conclude otherwise, with a reason.
        "conclusions": [
            {"min": "80", "conclusion": "予以支持"},
            {"min": "60", "conclusion": "调整后支持"},
            {"min": "0", "conclusion": "不予支持"},
        ],
        # Conclusions that let the project request a budget (the budget gate).
        "supporting": ["予以支持", "调整后支持"],
    },
    # The 评价通知书: the time frame it announces and how soon the unit sends its documents
    # (ours, for regions to replace).
    "notice": {"days": 60, "documents_within_workdays": 10},
    "places": "0.01",
}

register_defaults("key_evaluation", KEY_EVALUATION_DEFAULTS)

#: The random quality check's sample (财监〔2021〕4号 asks for checks at random, not a size): a
#: share of the year's archived evaluations, at least `minimum` (ours, for regions to replace).
register_defaults("key_quality_check", {"share": "0.20", "minimum": 1})
