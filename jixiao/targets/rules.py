"""The targets stage's rulebook section "lint" (DOMAIN.md §4.4, totals from §6.2).

Every severity, threshold and word list that `jixiao.targets.lint` uses lives here, once; regions
change them through the rulebook (DESIGN.md, Pure rules). Decimals are strings ("0.20").
Word lists are matched as substrings of an indicator's name or value after NFKC and without
spaces, so "资金拨付及时率" also finds "项目资金拨付及时率".
"""

from jixiao.core.rulebook import register_defaults

#: Positive rates: higher is better, so "≤" on them contradicts the meaning (T12).
_POSITIVE_RATES = [
    "覆盖率", "覆盖面", "合格率", "达标率", "完成率", "满意度", "满意率", "普及率", "入学率",
    "到位率", "知晓率", "及时率", "使用率", "利用率", "受益率", "正常运行率", "完好率", "优良率",
    "达成率", "通过率", "参与率", "就业率", "参保率", "接种率", "治愈率", "保障率", "供应率",
    "处理率", "处置率", "回收率", "出勤率", "准确率", "办结率", "响应率", "入住率", "开通率",
]  # fmt: skip

#: Words that make a rate or a cost one where less is better (or a saving), so T12 keeps quiet.
_LESS_IS_BETTER = [
    "发生率", "投诉率", "差错率", "失误率", "事故", "空置率", "闲置率", "流失率", "误差", "损耗",
    "超支", "返工", "不合格", "未达标", "不满意", "死亡率", "辍学率", "漏报", "漏检", "违规",
    "下降", "降低", "减少", "节约", "节省", "压减", "压缩", "控制率", "故障率", "延误",
]  # fmt: skip

LINT_DEFAULTS: dict = {
    "T01": {"blocking": True},
    "T02": {"blocking": True},
    "T03": {"blocking": True},
    "T04": {"blocking": False},
    "T05": {"blocking": True},
    "T06": {
        # One finding for each required name that no indicator is placed under; the name is a
        # subcategory (classic: 产出指标/成本指标) or a category (2021: 成本指标 is first-level).
        "blocking": False,
        "required": ["数量指标", "质量指标", "时效指标", "成本指标"],
        "blocking_required": ["数量指标"],
    },
    "T07": {"blocking": True, "category": "效益指标"},
    "T08": {"blocking": False, "category": "满意度指标"},
    "T09": {"blocking": True},
    "T10": {
        "blocking": False,
        # Wording anywhere in a qualitative value that leaves nothing to verify.
        "vague_words": [
            "进一步提升",
            "进一步提高",
            "进一步改善",
            "进一步加强",
            "进一步增强",
            "进一步完善",
            "有所提高",
            "有所提升",
            "有所改善",
            "有所增强",
            "有所增加",
            "明显改善",
            "明显提高",
            "明显提升",
            "显著提高",
            "显著提升",
            "显著改善",
            "稳步提升",
            "逐步提高",
            "逐步提升",
            "不断提高",
            "不断提升",
            "大幅提升",
            "大幅提高",
        ],
        # Boilerplate that is vague only when it is the whole value.
        "boilerplate": [
            "效果明显",
            "效果显著",
            "效果良好",
            "效果较好",
            "成效明显",
            "成效显著",
            "达成预期指标",
            "达到预期指标",
            "达成预期目标",
            "达到预期目标",
            "达成预期",
            "达到预期",
            "达成年度指标",
            "完成预期目标",
            "符合预期",
            "有效",
            "良好",
            "较好",
            "好",
            "明显",
            "显著",
            "提高",
            "提升",
            "改善",
            "增强",
            "满意",
            "较满意",
            "基本满意",
        ],
        # "100%" is vague on an indicator whose name holds none of these.
        "rate_words": [
            "率",
            "比例",
            "占比",
            "比重",
            "百分比",
            "满意度",
            "覆盖",
            "程度",
            "完成度",
            "进度",
            "知晓度",
            "增幅",
            "降幅",
            "增长",
            "下降",
        ],
        "full_percent": "100",
    },
    "T11": {
        "blocking": False,
        "categories": ["产出指标", "效益指标", "成本指标"],
        "process_words": [
            "预算执行率",
            "预算执行进度",
            "资金执行率",
            "资金支出率",
            "资金拨付率",
            "资金拨付及时率",
            "资金到位率",
            "资金到位及时率",
            "资金使用率",
            "资金支付率",
            "支出进度",
            "拨付进度",
            "制度健全性",
            "制度健全",
            "制度执行有效性",
            "管理制度健全",
            "财务监控有效性",
            "资金使用合规性",
            "资金使用规范性",
            "财务管理规范性",
            "政府采购执行率",
            "结转结余率",
        ],
    },
    "T12": {
        "blocking": False,
        "rate_words": _POSITIVE_RATES,
        "cost_words": ["成本", "费用", "单价", "造价", "单位投入", "开支"],
        "exempt_words": _LESS_IS_BETTER,
    },
    "T13": {"blocking": False},
    "T14": {
        "blocking": False,
        # DOMAIN.md §6.2: execution 10 (not an indicator), outputs 50, benefits 30,
        # satisfaction 10; with no satisfaction indicator its points go to outputs.
        "execution": "10",
        "totals": {"产出指标": "50", "效益指标": "30", "满意度指标": "10"},
        # Categories that share another's points (2021 catalogue: 成本指标 with 产出指标).
        "share": {"成本指标": "产出指标"},
        "no_satisfaction_to": "产出指标",
        "satisfaction_category": "满意度指标",
        "tolerance": "0",
    },
    "T15": {"blocking": False},
    "T16": {"blocking": True, "tolerance": "0"},
    "T17": {
        "blocking": False,
        "categories": ["产出指标", "效益指标"],
        # Words too common in indicator names to show that two indicators measure one thing.
        "generic_words": [
            "指标",
            "数量",
            "质量",
            "时效",
            "成本",
            "效益",
            "满意度",
            "满意",
            "完成",
            "合格",
            "及时",
            "比例",
            "项目",
            "资金",
            "工作",
            "情况",
            "个数",
            "次数",
            "人数",
            "完成率",
            "合格率",
            "及时率",
            "覆盖率",
            "提升",
            "提高",
            "改善",
            "服务对象",
            "群众",
            "社会",
            "经济",
            "生态",
            "可持续",
            "影响",
            "年度",
            "任务",
            "建设",
            "实施",
        ],
        "min_shared_chars": 2,
    },
    "T18": {"blocking": False, "tolerance": "0.20", "money_unit": "万元"},
}

register_defaults("lint", LINT_DEFAULTS)

# DOMAIN.md §4.5: 优 proceeds, 良 proceeds with refinement, 中 must be revised and resubmitted,
# 差 cannot enter the budget — so only these overall grades allow final approval.
register_defaults("review", {"approvable_grades": ["优", "良"]})
