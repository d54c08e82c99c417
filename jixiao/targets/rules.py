"""The targets stage's rulebook section "lint" (DOMAIN.md §4.4, totals from §6.2).

Every severity, threshold and word list that `jixiao.targets.lint` uses lives here, once; regions
change them through the rulebook (DESIGN.md, Pure rules). Decimals are strings ("0.20").
Word lists are matched as substrings of an indicator's name or value after NFKC and without
spaces, so "资金拨付及时率" also finds "项目资金拨付及时率".
"""

import copy

from jixiao.core.grades import GRADES
from jixiao.core.rulebook import register_choices, register_defaults
from jixiao.indicators.incidents import NATIONAL_WORDS as INCIDENT_WORDS

#: Positive rates: higher is better, so "≤" on them contradicts the meaning (T12).
_POSITIVE_RATES = [
    "覆盖率", "覆盖面", "合格率", "达标率", "完成率", "满意度", "满意率", "普及率", "入学率",
    "到位率", "知晓率", "及时率", "使用率", "利用率", "受益率", "正常运行率", "完好率", "优良率",
    "达成率", "通过率", "参与率", "就业率", "参保率", "接种率", "治愈率", "保障率", "供应率",
    "处理率", "处置率", "回收率", "出勤率", "准确率", "办结率", "响应率", "入住率", "开通率",
]  # fmt: skip

#: Measures where less is better: "≥" on them contradicts the meaning (T12). Each names a rate
#: or a count of something unwanted, so a floor on it makes no sense.
_NEGATIVE_MEASURES = [
    "发生率", "投诉率", "差错率", "出错率", "失误率", "事故率", "空置率", "闲置率", "流失率",
    "不合格率", "未达标率", "不达标率", "死亡率", "辍学率", "漏报率", "漏检率", "违规率", "违法率",
    "故障率", "延误率", "逾期率", "返工率", "损耗率", "误差率", "超支率", "发病率", "患病率",
    "犯罪率", "复发率", "退货率", "拖欠率", "欠费率", "失访率", "误报率", "重复率", "缺陷率",
    "返贫率", "流失人数", "投诉次数", "投诉件数", "事故次数", "安全事故", "质量事故", "超支金额",
    "负面舆情", "差错次数", "不良率", "损失率", "破损率", "违约率", "坏账率", "空驶率",
    "逾期", "超期", "延误",
]  # fmt: skip

#: Words that make a rate or a cost one where less is better or a saving (a drop, a control
#: rate), so the rate and cost checks of T12 keep quiet on them.
_LESS_IS_BETTER = [
    "事故", "误差", "损耗", "超支", "返工", "不合格", "未达标", "不满意", "漏报", "漏检", "违规",
    "控制率", "延误",
]  # fmt: skip

#: A drop or a saving: more of it is better whatever it drops (事故发生率下降幅度 ≥10%).
_DROPS = ["下降", "降低", "减少", "降幅", "压减", "压缩", "节约", "节省", "减排", "缩短",
          "整改", "化解", "清收", "清欠"]  # fmt: skip

#: Names of limits: a value that must not be exceeded, so "≥" on it contradicts (T12).
_CEILINGS = ["上限", "最高限额", "控制数", "控制额", "封顶", "限额", "最高标准"]

#: T19 (category_mismatch), see the comments inside.
_T19 = {
    # An indicator under a subcategory it does not measure. A row is about its subcategory
    # when its name, value or unit holds a word of that subcategory's `measures` or `signs`
    # (or its value is in one of the subcategory's `units`, or is a deadline under the
    # `deadline_subcategory`). A row about none of that, whose name holds a `signs` word of
    # another subcategory of the catalogue in use, is misfiled there. `measures` are kept
    # generous (anything that may fairly sit under the subcategory); `signs` narrow (words
    # that clearly place a row). `examples`: what to write instead, shown in the message.
    "blocking": False,
    "deadline_subcategory": "时效指标",
    "measures": {
        "数量指标": [
            "数量", "数目", "个数", "人数", "户数", "次数", "场次", "人次", "批次", "项数",
            "面积", "长度", "里程", "规模", "总量", "容量", "产量", "完成率", "覆盖率",
            "覆盖", "普及率", "参与率", "入学率", "参保率", "接种率", "受益", "新增", "新建",
            "建成", "完成", "开展", "发放", "培训", "购置", "配备", "采购", "招聘", "计划",
            "数",
        ],
        "质量指标": [
            "质量", "合格", "达标", "验收", "标准", "优良", "准确", "规范", "完好", "完整",
            "安全", "有效", "效果", "水平", "率", "比例", "占比", "程度", "符合", "满足",
            "达到", "通过", "无", "零", "事故", "投诉", "差错", "故障", "评估", "评价",
            "检查", "考核", "规定", "要求", "正常", "运行", "稳定", "可靠", "违规", "违纪",
            "问题", "隐患", "缺陷", "返工", "纠纷", "上访", "差错", "失误",
        ],
        "时效指标": [
            "时", "期", "日", "天", "周", "月", "季", "年", "进度", "速度", "效率", "及时",
            "时限", "前完成", "当年", "响应", "办结", "时效", "完工", "竣工", "周转", "限",
            "开工", "启动", "交付", "投入使用", "投用", "计划", "完成", "按", "准时", "推进",
            "频",
        ],
        "成本指标": [
            "成本", "费用", "单价", "价格", "造价", "标准", "补助", "补贴", "资金", "经费",
            "投入", "金额", "元", "预算", "支出", "开支", "节约", "控制", "投资", "定额",
            "收费", "工资", "报酬", "人均", "户均", "平均", "单位", "总额",
        ],
        "经济成本指标": [
            "成本", "费用", "单价", "价格", "造价", "标准", "补助", "补贴", "资金", "经费",
            "投入", "金额", "元", "预算", "支出", "开支", "节约", "控制", "投资", "定额",
            "收费", "工资", "报酬", "人均", "户均", "平均", "单位", "总额",
        ],
        "社会成本指标": [
            "社会", "成本", "影响", "群众", "居民", "安全", "风险", "拆迁", "征地", "就业",
            "稳定", "负担", "投诉", "矛盾", "事件", "秩序", "交通", "费用", "代价",
        ],
        "生态环境成本指标": [
            "生态", "环境", "污染", "排放", "能耗", "能源", "碳", "资源", "用水", "耗水",
            "土地", "植被", "噪声", "噪音", "扬尘", "废", "成本", "影响", "破坏",
            # land, trees and soil the works take or disturb ("占用耕地面积 ≤5亩")
            "占地", "占用", "耕地", "林地", "草地", "湿地", "砍伐", "树木", "水土", "垃圾",
        ],
        "经济效益指标": [
            "经济", "收入", "增收", "产值", "产量", "效益", "利润", "税", "销售", "营业",
            "营收", "投资", "融资", "节约", "节省", "成本", "资金", "价格", "收益", "产业",
            "就业", "消费", "市场", "企业", "增加值", "拉动", "带动", "创收", "致富",
            "脱贫", "减负", "财政", "贷款", "金额", "效率", "生产", "发展", "增长", "农户",
            "农民", "经营", "旅游", "招商", "商品", "交易", "贸易", "出口", "损失", "元",
            "增效", "农业", "粮食", "畜牧", "养殖", "种植", "负担", "土地", "利用", "费用",
            "价值", "效益", "财富", "资产", "购买", "物流", "金融", "利息", "贴息", "补贴",
            "补助", "基金", "担保", "倍", "放大", "杠杆", "资本", "经费", "支出", "预算",
            # visitors spend where they come: a count of them is a usual economic measure
            "游客", "客流", "分红",
        ],
        "社会效益指标": [
            "社会", "群众", "居民", "村民", "农民", "市民", "学生", "儿童", "老人", "妇女",
            "人民", "公众", "百姓", "职工", "患者", "对象", "人员", "人才", "人口", "家庭",
            "服务", "保障", "安全", "稳定", "教育", "健康", "医疗", "卫生", "就业", "生活",
            "水平", "能力", "素质", "意识", "宣传", "知晓", "覆盖", "受益", "惠及", "文化",
            "治理", "秩序", "民生", "权益", "条件", "环境", "公共", "和谐", "幸福", "获得感",
            "影响", "作用", "提升", "提高", "改善", "促进", "推动", "保护", "救助", "帮扶",
            "率", "人", "户", "发展", "建设", "工作", "管理", "形象", "示范", "氛围",
            "次数", "人次", "数量", "个数", "引用", "应用", "成果", "参与", "交流",
            # a share is a rate however named ("推广面积占总面积比例 ≥80%"), as 率 above
            "比例", "占比", "比重",
        ],
        "生态效益指标": [
            "生态", "环境", "绿化", "绿色", "森林", "林", "草", "植被", "植树", "水土",
            "污染", "排放", "减排", "节能", "节水", "低碳", "碳", "空气", "大气", "水质",
            "水体", "土壤", "垃圾", "污水", "粪污", "秸秆", "农药", "化肥", "湿地", "河",
            "湖", "江", "水源", "资源", "能耗", "能源", "环保", "保护", "扬尘", "噪声",
            "噪音", "卫生", "人居", "村容", "村貌", "美化", "整治", "治理", "修复",
            "生物", "野生", "物种", "动植物", "蓝天", "清洁", "自然",
            "景观", "耕地", "土地", "气候", "防灾", "地质", "节约",
            "种植", "养殖", "畜禽", "农业", "病虫", "疫", "绿", "园",
            "纸", "减少", "降低", "无害", "循环", "回收", "再生", "利用", "拥堵",
            "汛", "洪", "旱", "灾",
            # single characters such as 水, 能, 气 also sit in 水平, 能力, 风气: only words
            "废弃", "废物", "废水", "废气", "固废", "沙化", "风沙", "防沙", "水资源", "水环境",
            "水生态", "饮用水", "节水", "用水", "水生", "山体", "荒山", "青山", "节电", "用电",
            "空气", "排放", "排污", "尾气", "浓度", "颗粒物", "地表水", "断面",
        ],
        "可持续影响指标": [
            "可持续", "长效", "长期", "持续", "年限", "机制", "制度", "运行", "使用",
            "维护", "管护", "发展", "影响", "能力", "年", "期", "保持", "稳定", "巩固",
            "后续", "未来", "示范", "推广", "带动", "效益", "作用", "建设", "管理", "提升",
            "提高", "改善", "促进", "保障", "水平", "体系", "基础", "传承", "延续",
            "设施", "设备", "完好", "达标", "条件", "动态", "常态",
        ],
        "服务对象满意度指标": [
            "满意", "评价", "认可", "好评", "投诉", "认同", "满足", "获得感", "幸福感",
            "安全感", "支持率", "赞成", "信任", "口碑", "反映", "意见",
            # any feeling of the public (获得感, 幸福感, 归属感, 认同感) is asked in a survey
            "感",
        ],
    },
    "signs": {
        "数量指标": [
            "数量", "个数", "人数", "户数", "次数", "场次", "人次", "批次", "面积",
        ],
        "质量指标": [
        "合格率", "达标率", "优良率", "完好率", "准确率", "正确率", "成活率", "保存率",
        "验收合格", "质量达标", "合格",
        # a grade or rank (修缮级别, 质量等级) says how good, not how many or how soon
        "级别", "评级", "质量等级", "等级评定",
    ],
        "时效指标": [
            "及时率", "及时性", "完成时间", "完工时间", "竣工时间", "完成时限", "时限",
            "按时", "按期", "如期", "工期",
        ],
        "成本指标": ["成本", "单价", "造价", "单位投入"],
        "经济成本指标": ["成本", "单价", "造价", "单位投入"],
        "经济效益指标": ["增收", "收入", "产值", "利润", "税收", "经济效益", "经济收益"],
        "社会效益指标": ["就业"],
        "生态效益指标": [
            "森林覆盖", "植被覆盖", "水土流失", "污染物", "减排", "节能", "碳排放",
            "空气质量", "水质", "生态环境", "生态效益",
        ],
        },
    # Words that place a row whatever else it says (a satisfaction measure under 社会效益 is
    # misfiled even when it speaks of the public), when its value is a level in one of
    # `decisive_units` ("" for a qualitative value or no unit), not a count of surveys, and
    # its name holds none of `decisive_exempt` (a survey held is an output of its own).
    "decisive": {"服务对象满意度指标": ["满意"]},
    # A rate (a value in %) under these subcategories is about them only when its name holds
    # one of these words; otherwise it is a rate of compliance, completion or attainment and
    # belongs under `rate_home` (or where another subcategory's `signs` place it).
    "rate_home": "质量指标",
    "rate_measures": {
        "时效指标": [
            "时", "期", "日", "天", "周", "月", "季", "年", "进度", "速度", "效率", "时限",
            "完成", "完工", "竣工", "办结", "响应", "周转", "限", "开工", "启动", "交付",
            "投入使用", "投用",
        ],
        "成本指标": [
            "节约", "节省", "节支", "降低", "下降", "减少", "控制", "压缩", "压减", "超支",
            "超出", "偏差", "费用率", "成本率", "占比", "比例", "比重", "结余", "单价",
            "采购", "预算", "资金", "经费", "金额", "元",
        ],
        "经济成本指标": [
            "节约", "节省", "节支", "降低", "下降", "减少", "控制", "压缩", "压减", "超支",
            "超出", "偏差", "费用率", "成本率", "占比", "比例", "比重", "结余", "单价",
            "采购", "预算", "资金", "经费", "金额", "元",
        ],
    },
    # Under these subcategories a row that shows nothing they measure is misfiled as soon as
    # its name holds a `measures` word of another subcategory (no `signs` word needed).
    "strict": ["服务对象满意度指标", "经济效益指标", "生态效益指标", "时效指标"],
    # Words shorter than this are too weak to place a row elsewhere under a `strict` one.
    "strict_min_chars": 2,
    "decisive_units": ["%", "分", ""],
    # Words that move a row filed under one of `from` to `to`, whatever else its name says:
    # people's awareness is a social effect, not an economic or ecological one; the completion
    # of the works is an output, not a benefit.
    "moves": [
        {
            "words": ["意识", "理念", "知晓", "素养"],
            "from": ["经济效益指标", "生态效益指标"],
            "to": "社会效益指标",
        },
        {
            "words": ["完成率", "完工率", "开工率", "建成率", "合同完成"],
            "from": ["经济效益指标", "社会效益指标", "生态效益指标"],
            "to": "数量指标",
        },
    ],
    "decisive_exempt": ["调查", "测评", "问卷"],
    # A count (a value in one of `count_units`) under one of `count_from` that shows nothing
    # of its subcategory belongs under `count_home` (a number of repairs filed as quality).
    # A unit cost (money per something: 元/人, 万元/公里) under one of `unit_cost_from`
    # belongs under the first of `unit_cost_homes` in the catalogue in use.
    "unit_cost_from": ["数量指标", "质量指标", "时效指标"],
    "unit_cost_homes": ["成本指标", "经济成本指标"],
    "count_home": "数量指标",
    # Under a benefit, people counted (`people_units`) are misfiled as a 数量 output only when
    # the name says what the project did to them (`output_acts`: 培训, 发放, 救助 …): people who
    # come of their own accord (viewers, customers, visitors) measure the benefit itself. Held
    # out by searcher, the count word alone ("人数") was the sign's only false alarm.
    "people_subcategories": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "people_units": ["人", "人次", "户", "名"],  # also in 万 (万人次)
    "output_acts": [
        "培训", "参训", "举办", "开展", "组织", "发放", "资助", "补助", "补贴", "救助", "慰问",
        "接种", "体检", "筛查", "安置", "帮扶", "服务", "招聘", "录取", "招生", "覆盖",
        "完成", "新增", "建设", "改造", "宣传", "指导", "培养", "认定",
    ],
    "count_from": ["质量指标", "时效指标"],
    "count_units": [
        "个", "人", "人次", "次", "户", "项", "件", "份", "所", "台", "套", "辆", "场", "期",
        "批", "篇", "条", "座", "名", "册", "本", "处", "家", "班", "课时", "学时", "场次",
    ],
    "units": {
        "时效指标": ["天", "日", "周", "月", "季度", "年", "小时", "分钟", "工作日", "学期"],
        "成本指标": ["元", "千元", "万元", "百万元", "亿元"],
        "经济成本指标": ["元", "千元", "万元", "百万元", "亿元"],
        "经济效益指标": ["元", "千元", "万元", "百万元", "亿元"],
    },
    "examples": {
        "数量指标": ["完成改造数量≥12个", "培训人次≥200人次"],
        "质量指标": ["验收合格率≥95%", "设备完好率≥98%"],
        "时效指标": ["12月底前完成", "按时完成率≥95%"],
        "成本指标": ["户均改造成本≤6000元/户"],
        "经济成本指标": ["户均改造成本≤6000元/户"],
        "社会成本指标": ["征地拆迁涉及户数≤20户"],
        "生态环境成本指标": ["施工期扬尘超标天数=0天"],
        "经济效益指标": ["带动农户增收≥500元/户"],
        "社会效益指标": ["受益群众人数≥3000人"],
        "生态效益指标": ["森林覆盖率≥65%", "污水处理率≥90%"],
        "可持续影响指标": ["设施正常使用年限≥10年"],
        "服务对象满意度指标": ["服务对象满意度≥90%"],
    },
}  # fmt: skip

#: T20 (input_as_output), see the comments inside.
_T20 = {
    # An input counted as an output: under these subcategories, a name saying money put in
    # or spent (`input_words`), with a value in money (or without a unit); a name speaking of
    # money (`money_words`) or of a purchase (`purchase_words`) with a value in money (the
    # purchase of equipment counted by its price). Consumables counted by what was bought or
    # used up (`consumable_words`: 试剂, 耗材, 施工材料 …) are a finding too: what the project
    # does with them is the output. A purchase of equipment counted by what was bought
    # ("车辆采购数量 1辆") is one only when `purchase_counts` is true (DOMAIN.md's strict
    # reading; for an equipment project the equipment delivered is the output, and the national
    # library lists such rows). Never a rate (a 购置合格率 is a quality), nor where the name
    # says the things bought are handed on or subsidised (`handed_on_words`: 购买发放树苗
    # counts what the recipients get).
    "blocking": False,
    "subcategories": ["数量指标", "质量指标"],
    "input_words": [
        "资金投入", "投入资金", "投入金额", "经费投入", "投入经费", "支出金额", "支出资金",
        "资金支出", "经费支出", "项目资金总额", "资金总额", "项目总投资", "投资总额",
        "投资额", "总投资", "下达资金", "资金下达", "安排资金", "拨付资金", "资金拨付额",
        "到位资金", "预算金额", "预算资金", "使用资金", "资金使用额", "资金规模",
        "支出安排", "安排金额",
    ],
    "money_words": ["经费", "资金", "金额"],
    "purchase_words": ["购置", "购买", "采购", "购建"],
    "purchase_counts": False,
    # A purchase for the unit's own running (office equipment and supplies) counted by what was
    # bought is an input whatever `purchase_counts` says: nothing reaches the public through it.
    "own_use_words": ["办公"],
    # Any other value in money under `subcategories` counts money as the output too, unless the
    # name says the money itself is what the project delivers or brings in (loans granted,
    # revenue, taxes, claims paid, arrears recovered): then the amount is the output.
    "money_output_words": [
        "贷款", "担保", "融资", "授信", "放款", "产值", "收入", "销售", "营业额", "交易额",
        "税", "减免", "理赔", "赔付", "追缴", "追回", "清欠", "挽回", "收缴", "征收", "募集", "捐赠",
        "带动", "撬动", "吸引", "招商", "引资",
    ],
    # Any materials bought or used up (施工材料, 装修材料 …) and what is used up (消耗, 耗用)
    # are inputs; materials the project writes or hands on (`made_words`: 宣传材料, 培训材料,
    # 编印) are what it delivers.
    "consumable_words": ["试剂", "耗材", "材料", "消耗", "耗用"],
    "made_words": ["宣传", "培训", "学习", "教学", "编印", "印制", "编写", "申报", "档案", "归档"],
    # Under these (cost) subcategories a money input with a floor ("投入资金 ≥1500万元")
    # counts spending more as an achievement: an input counted as an output.
    "floor_subcategories": ["成本指标", "经济成本指标"],
    "handed_on_words": ["发放", "配发", "分发", "赠送", "免费提供", "发给", "补贴", "补助"],
    # Supplies bought or paid for (`spend_words` with a `supply_words` word: "采购防疫物资
    # ≥20批", "购买车辆燃油 ≥3000升") counted as an output are the project's own inputs, unless
    # they are handed on (`handed_on_words`) or the project's name says they are what it
    # delivers ("应急物资储备项目" buying 物资). Equipment is no supply (`purchase_counts`).
    "spend_words": ["采购", "购置", "购买", "购进", "支付", "支出", "投入"],
    "supply_words": ["物资", "用品", "药品", "药物", "燃油", "油料", "备品", "备件", "配件"],
    # People and means put in, counted ("投入执法人员 ≥200人次", "投入机械设备 ≥15台"), are
    # inputs; what they do is the output. Not a thing put into service (投入使用), which is.
    "put_in_words": ["投入"],
    "put_in_exempt": ["投入使用", "投入运行", "投入运营", "投入生产", "投入试运行"],
    # ... nor time put in ("投入工日 ≥500工日", "投入志愿服务时长 ≥1000小时"): the days and hours
    # worked measure the work done, which is the output, not the means put in.
    "work_time_units": ["工日", "个工日", "人日", "人天", "工时", "小时", "天", "日"],
}  # fmt: skip

#: T21 (rate_over_100), see the comments inside.
_T21 = {
    # A target above `limit`% on a share of a whole, which cannot exceed it; names with a
    # word of `exempt_words` measure change or a plan's completion and may exceed 100%.
    "blocking": False,
    "limit": "100",
    # Whether a written "≥100%" on such a rate is a finding too (DOMAIN.md §4.4: ≥100% only
    # where overshoot is possible; it can only be met at exactly 100%, so "=100%" says it
    # plainly). A bare "100%" never is, nor a floor read from words ("达到目标值100%").
    "floor_at_limit": True,
    # ... and only when the writer wrote the "≥" in the value cell: where the form prints the
    # operator (a 指标值符号 column, "(≥**%)" in the name), "100" under it says "all of them"
    # (held out by searcher, the floor rule's false alarms were both of this kind).
    "floor_needs_written_operator": True,
    "attain_words": ["达到", "达"],
    "bounded_rates": [
        "覆盖率", "覆盖面", "合格率", "达标率", "满意度", "满意率", "知晓率", "知晓度",
        "入学率", "普及率", "优良率", "完好率", "受益率", "参保率", "接种率", "治愈率",
        "通过率", "准确率", "正确率", "办结率", "处理率", "处置率", "回收率", "使用率",
        "利用率", "入住率", "出勤率", "参与率", "到位率", "执行率", "拨付率", "支付率",
        "及时率", "就业率", "持证率", "建档率", "签约率", "检测率", "抽检率", "发放率",
        "成活率", "保存率", "发芽率", "正常运行率", "开通率", "上线率", "响应率",
        "录入率", "审核率", "核查率", "验收率", "占比", "比例", "比重",
    ],
    # A target above the limit (not a floor at it) on any name with one of `over_words` (a
    # rate of some kind: 开展率, 建档率 …) is a finding too, the exempt words apart: a share
    # above 100% is rare enough that a name calling it a rate says what it is.
    "over_words": ["率"],
    "exempt_words": [
        "增长", "增幅", "增速", "增加", "提高率", "提升率", "上升", "完成率", "完成比例",
        "比上年", "同比", "环比", "倍", "超额", "产出率", "周转", "回报率", "收益率",
        "效率", "提升", "提高", "变化率", "变动率", "增减", "容积率", "负荷率", "达产率",
        # ratios of two different quantities, not shares of a whole, which exceed 100% in
        # normal years: animals sold against the stock (出栏率), young born per mother (繁殖率,
        # 产仔率), money drawn in per budget yuan (杠杆), debts against assets (负债率)
        "出栏率", "繁殖率", "产仔率", "杠杆率", "负债率",
        # patient-days against the beds opened, extra beds counted (病床使用率 above 100% in a
        # crowded hospital), and claims paid against premiums (赔付率 above 100% in a bad year)
        "病床使用率", "赔付率",
    ],
}  # fmt: skip

#: Everyone entitled is served ("应保尽保"): a state reached in full, which an inspection
#: confirms or not (T10 `checkable_words`, `outcome_words`, `rate_roots`).
_EVERYONE_ENTITLED = [
    "应保尽保",
    "应助尽助",
    "应救尽救",
    "应治尽治",
    "应检尽检",
    "应补尽补",
    "应享尽享",
]

LINT_DEFAULTS: dict = {
    "T01": {"blocking": True},
    "T02": {
        "blocking": True,
        "supersedes": ["T04", "T10", "T19", "T20", "T21"],
        # "无" on an indicator that counts incidents is the target "= 0", not a missing value:
        # a name holding an `incident_names` word and none of the `handling_names` (a measure
        # of dealing with incidents, where "无" still says nothing), with the whole cell one of
        # `none_words` (or one followed by an incident word: "零投诉"), reads as "=0" in the unit
        # of the name's `count_units` word. The value parser reads it so for every reader (the
        # declaration and self-evaluation readers, imports, monitoring reports, last year's
        # actuals), given the indicator's name and these words; the national lists are
        # jixiao.indicators.incidents.NATIONAL_WORDS, and a region empties `incident_names` to
        # read "无" as missing everywhere (DOMAIN.md §4.2 lists no such reading: an extension).
        **copy.deepcopy(INCIDENT_WORDS),
    },
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
    "T08": {
        "blocking": False,
        "category": "满意度指标",
        # A row named so is a satisfaction indicator wherever it is filed (T19 says where).
        "name_words": ["满意度", "满意率"],
        # A project named so pays the unit's own staff (人员类项目): no public or client group
        # to ask, so no satisfaction indicator is expected.
        "staff_cost_words": [
            "工资",
            "人员经费",
            "社保缴费",
            "社会保险缴费",
            "离退休费",
            "住房公积金",
        ],
    },
    "T09": {"blocking": True},
    "T10": {
        "blocking": False,
        # Wording anywhere in a qualitative value that leaves nothing to verify.
        "vague_words": [
            "有所减轻",
            "有所降低",
            "有所下降",
            "有所减少",
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
            # striving and praise say nothing of what is reached ("力争…", "极大地丰富了…")
            "力争",
            "极大",
            "深受好评",
            # words of degree or direction without a measure: how much, by when, is the question
            "进一步",
            "有所好转",
            "有所进步",
            "有所扩大",
            "有所缓解",
            "逐步",
            "不断",
            "日益",
            "更加",
            "大大",
            "大幅",
            "大力",
            "一定程度",
            "基本消除",
            "尽快",
            "尽量",
            "尽可能",
            "努力",
            "稳步",
            "明显增加",
            "明显增强",
            "明显减少",
            "明显减轻",
            "明显好转",
            "显著增强",
            "显著增加",
            "持续改善",
            "持续提升",
            "持续提高",
            "持续加强",
            "全面提升",
            "全面提高",
            "有效提升",
            "有效提高",
            "有效改善",
        ],
        # Words that only contain a vague word ("24小时不断电": the supply never fails), read
        # without it.
        "vague_exempt_words": ["不断电", "不断水", "不断网", "不断线", "不断档", "不断供"],
        # Adverbs of effort or extent and "got better" phrases: vague in a value that holds no
        # number at all ("切实减轻群众负担"); beside a number ("积极组织培训3期") the number is
        # what a reviewer checks.
        "effort_words": [
            "切实",
            "认真",
            "积极",
            "充分",
            "广泛",
            "普遍",
            "较为",
            "更好",
            "日趋",
            "得到提高",
            "得到提升",
            "得到改善",
            "得到加强",
            "得到增强",
            "有效保障",
            "有效促进",
            "有效推动",
            "有力推动",
            "初见成效",
            "基本形成",
            "基本实现",
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
            "正面支撑",
            "有力支撑",
            "有力保障",
            "持续保障",
            "持续影响",
            "已完成",
            "完成",
            "全部完成",
            "符合相关规定",
            "符合规定",
            "符合要求",
            "合规",
            "控制在预算内",
            "不超预算",
            "高",
            "持续发展",
            "长期",
            "可持续",
            "正常",
            # a standard or a requirement that is not named
            "达到标准",
            "符合标准",
            "达到要求",
            "达到预期效果",
            "达到预期目的",
            # the whole grading scale copied from the form instead of the level wanted
            "优良中低差",
            "优良中差",
            "优良中",
        ],
        # A short value (up to short_value_chars) that ends in one of these only grades the
        # result ("经济效益良好", "影响可持续", "环境明显改善"): nothing says what is reached.
        "grading_endings": [
            "良好",
            "较好",
            "很好",
            "明显",
            "显著",
            "突出",
            "可持续",
            "持续",
            "长效",
            "长期",
            "有效",
            "有所提高",
            "提升",
            "提高",
            "改善",
            "增强",
            "加强",
            "增加",
            "向好",
            "好转",
            "较大",
            "较高",
            "较强",
            "稳定",
            "逐步显现",
            "得到保障",
            "得到改善",
            "得到提升",
            "发挥作用",
            "发挥效益",
            "发挥效用",
            # "got better" and praise as the whole of a short value: what is reached is not said
            "得到巩固",
            "得到落实",
            "得到满足",
            "得到缓解",
            "得到控制",
            "有效控制",
            "落实到位",
            "提供保障",
            "提供支撑",
            "凸显",
            "彰显",
            "深远",
            "重大",
            "积极",
            "广泛",
            "可观",
            "很高",
            "更高",
            # a judgment of the result or of how people took it, with nothing measured
            "效果好",
            "成效好",
            "效益好",
            "反响好",
            "口碑好",
            "评价高",
            "作用大",
            "影响大",
            "效果佳",
            "成效佳",
            "认可",
            "肯定",
            "好评",
            "欢迎",
            "称赞",
            "赞誉",
        ],
        "short_value_chars": "12",
        # Under these categories a value in words of up to few_words_chars, without any
        # number, says nothing checkable whatever its words ("效果佳", "作用大"): an effect or a
        # satisfaction is stated by a measure, a standard or a comparison. Values with one of
        # checkable_words compare with a baseline (不低于上年), follow a schedule or a rule
        # (按月安排), state what an inspection confirms (完好, 无, 零, 未发生) or name a class
        # or grade (Ⅲ类, 二级), and are left alone; so are rows saying their category does
        # not apply (not_applicable_words).
        "few_words_categories": ["效益指标", "满意度指标"],
        "few_words_chars": "6",
        "checkable_words": [
            "上年",
            "去年",
            "往年",
            "同期",
            "基期",
            "不低于",
            "不少于",
            "不高于",
            "不超过",
            "持平",
            "按",
            "完好",
            "无",
            "零",
            "未发生",
            "杜绝",
            "类",
            "级",
            # a state reached in full, which an inspection confirms or not: all of them
            # (全部消除, 全部入学), everyone entitled (应保尽保), everywhere (全覆盖, 全线贯通),
            # a thing set up (已建立, 建成), nothing happening (不发生), someone in charge (专人)
            "全部",
            "覆盖",
            "全线",
            "贯通",
            *_EVERYONE_ENTITLED,
            "建立",
            "建成",
            "不发生",
            "专人",
            # hazards removed ("道路安全隐患 消除", not "基本消除", a vague word), someone named
            # for the work ("管护责任 落实到人", "村集体负责"), a flood season without incident
            "消除",
            "到人",
            "负责",
            "安全度汛",
            # a standard named, not merely "达到标准"
            "国家标准",
            "国标",
            "行业标准",
            "地方标准",
        ],
        # A number written in Chinese numerals before a measure word ("一次办结", "三个工作日内",
        # "两天") is a number as much as "1次": a few words holding one state something checkable.
        "numerals": "一二两三四五六七八九十百千万",
        "numeral_measures": "次个天日周月年人户项件所台套辆名家批期场小时工作日",
        # A value ending in a grade of an official scale (空气质量 "优良" by the air quality
        # index, 工程质量 "优良" by the acceptance grades) names a class as much as "Ⅲ类" does;
        # the whole scale copied ("优良中低差") does not end so and stays vague.
        "grade_endings": ["优良"],
        "not_applicable_words": ["无经济效益", "无社会效益", "无生态效益", "不适用", "不涉及"],
        # A row saying "无" (or 没有, 不产生) right before the name of its own subcategory or
        # category ("社会公益服务无经济效益") says the category does not apply, whatever the
        # catalogue's names: the not_applicable_words above without listing each category.
        "denial_words": ["无", "没有", "不产生"],
        # A comparison word with what is compared (a period, a standard) compares with a
        # baseline however worded ("超上年度", "高于全省平均", "优于行业标准"): checkable.
        "comparison_words": [
            "超",
            "高于",
            "低于",
            "不低于",
            "不少于",
            "优于",
            "好于",
            "多于",
            "少于",
            "持平",
            "不减",
        ],  # fmt: skip
        # ... or a market price ("不高于市场价"), a reference anyone can look up
        "baseline_marks": [
            "年",
            "同期",
            "上期",
            "平均",
            "标准",
            "水平",
            "基数",
            "市场价",
        ],  # not 预期
        # A value that is this long a piece of its own name restates it ("持续保障").
        "restated_chars": "3",
        # A longer value with one of these and no number at all is a sentence of intentions
        # ("促进产业发展，提升群众获得感"), not a target a reviewer can check at year end.
        "intention_words": [
            "促进",
            "推动",
            "推进",
            "助力",
            "带动",
            "提升",
            "提高",
            "改善",
            "增强",
            "加强",
            "加快",
            "有利于",
            "有助于",
            "确保",
            "保障",
            "营造",
            "打造",
            "奠定",
            "发挥",
            "满足",
            # not 维护: it is as often the maintenance work itself (日常维护) as upholding
            "巩固",
            "优化",
            "完善",
            "服务于",
        ],
        "sentence_chars": "16",
        # A sentence of up to outcome_clauses clauses holding one of these states an outcome
        # an inspection confirms or not ("确保全年不发生重大安全责任事故", "…，确保应助尽助"):
        # not a sentence of intentions. A longer run of clauses is judged by its slogans.
        "outcome_clauses": "2",
        "outcome_words": [
            "不发生",
            "安全度汛",
            "未发生",
            "杜绝",
            "零事故",
            "无重大",
            "全部",
            *_EVERYONE_ENTITLED,
        ],
        # A value of any length that starts with one of these and holds no number is an
        # intention ("促进产业发展", "有利于生态保护"): what is reached is not said.
        "intention_starts": [
            "促进",
            "推动",
            "助力",
            "带动",
            "有利于",
            "有助于",
            "加快",
            "营造",
            "打造",
            "奠定",
            "发挥",
            "巩固",
            "服务于",
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
            "幅度",
            "密度",
            "水平",
            "指数",
            # a share of cases meeting a test: "100%" is how many of them
            "准确",
            "是否",
            "符合",
            "满意",
            "安全感",
            "获得感",
            # a degree a survey or a count gives as a share ("群众参与度 ≥80%"), like 满意度
            "参与度",
            "认可度",
            "认知度",
            "知名度",
            "支持度",
            "信任度",
            "普及度",
        ],
        # A name ending in the state a rate of the library counts ("验收合格" for 合格率,
        # "设备完好" for 完好率) or in everyone entitled ("应保尽保") names the share of cases
        # in that state: a percentage on it is that rate, whatever the missing "率".
        "rate_roots": [
            "合格",
            "达标",
            "完好",
            "验收通过",
            "按时完成",
            "按期完成",
            "接种",
            "入学",
            "参保",
            "无害化处理",
            # the library's 污水处理率 and 综合利用率 ("秸秆综合利用 ≥90%"), and the national
            # rates of basic public health and schooling (孕产妇系统管理率, 老年人健康管理率,
            # 义务教育巩固率) written without 率
            "污水处理",
            "综合利用",
            "系统管理",
            "健康管理",
            "教育巩固",
            *_EVERYONE_ENTITLED,
            # the state a 知晓率 counts ("群众政策知晓 ≥90%": the share of people surveyed
            # who know it); not 及时, whose "100%" on a name without 率 is often a slogan
            "知晓",
        ],
        # A name comparing the measured quantity with another one or with a period
        # ("种薯亩均收入较鲜薯亩均收入 ≥5%", "化学农药量较上年减少 2%") says by how much they
        # differ: a percentage other than 100 on it is checkable, not a slogan with a number.
        # Not on a name ending in a grading word ("效果较好").
        "name_comparison_words": ["较", "相比", "同比", "环比", "比上年", "比去年"],
        # Boilerplate only under a category: a bare "是" says nothing about a benefit.
        "category_boilerplate": {"效益指标": ["是", "有"]},
        # ... except as the answer to a yes/no question (`question_words`) about a fact
        # ("是否建立长效管护机制 是") or to a comparison with a named reference (`_compares`:
        # "种薯采购价格不高于市场价 是"): an inspection confirms it or not. A question about an
        # improvement or an intention ("是否提高教学质量 是": a `change_words`, `intention_words`
        # or `effort_words` word) stays a judgment.
        "yes_answers": ["是", "有"],
        "full_percent": "100",
        # Under these categories any percentage on a name that is no rate is a slogan with a
        # number ("维护社会稳定 ≥95%"); elsewhere only "100%" is.
        "any_percent_categories": ["产出指标", "效益指标"],
        # Under these a short name stating what each item or person must reach ("食品经营
        # 环节风险分级", "保障贫困孤儿完成学业") with a percentage is the share that reaches it
        # (all of them at 100%), as a quality is checked item by item; a name ending in an
        # activity or a topic (no_state_endings: "工程质量管理", "文明施工", "考核结果") has no
        # state to count and stays vague. Held out by searcher, "100%" on a name without "率"
        # was under 90% precise, and these rows were its false alarms.
        "all_of_them_subcategories": ["质量指标"],
        "no_state_endings": [
            "管理",
            "施工",
            "情况",
            "结果",
            "工作",
            "建设",
            "服务",
            "制度",
            "效果",
            "质量",
            "水平",
            "能力",
            "环境",
            "秩序",
            "态度",
            "成效",
            "作用",
            "形象",
            "氛围",
            "意识",
            "保障",
        ],
        # A value that says how much something changes ("提升10%") is a change, not a share.
        # A value ending so names a measure, not its level ("知识更新率" as the target).
        "measure_endings": ["率", "比例", "占比"],
        "change_words": [
            "提升",
            "提高",
            "增长",
            "增加",
            "降低",
            "下降",
            "减少",
            "改善",
            "加大",
            "缩短",
            "减轻",
            "节约",
            "节省",
            # a reduction by an amount ("化肥农药减量 ≥3%", "压减公用经费 ≥5%")
            "减量",
            "压减",
            # an increase of income ("带动农户增收 ≥5%"), like 收入增加
            "增收",
        ],
        # A short name (up to short_value_chars) holding a change word with a percentage other
        # than 100 says by how much ("农户收入增加 ≥8%", "办事时间缩短 ≥30%"): a change a
        # reviewer checks against the year before, not a share on a name that is no rate.
        "change_names": True,
        # A name ending in a change word names a wish, not a share, unless it holds one of
        # these ("知晓率显著提升 100%" is a rate): "100%" on a wish is vague.
        "share_words": ["率", "比例", "占比", "比重"],
        # A money cost written in words without any number gives nothing to check; social and
        # ecological costs (社会成本, 生态环境成本) are often rightly written in words.
        "money_cost_subcategories": ["成本指标", "经济成本指标"],
        # ... and a table that files a row under one of these, which the classic catalogue
        # folds into 成本指标, says it is such a cost: words are no missing amount there.
        "word_cost_subcategories": ["社会成本指标", "生态环境成本指标"],
        # A yes/no question answered with a share other than 100% ("是否解决…问题 95%") says
        # nothing checkable, except a satisfaction question (the share of people satisfied).
        # A share of the items answering yes ("是否达标的村占比 ≥95%", a name holding a
        # `share_words` word) is a share, not an answer: checkable.
        "question_words": ["是否", "有无", "能否"],
        "question_exempt": ["满意"],
        # "否" answering whether an unwanted event happens ("是否发生重大安全事故 否", a name
        # of an incident by lint → T02 `incident_names`) states that none happens, which an
        # inspection confirms: no few-words judgment. A "是" or "否" to any other question
        # ("是否提高教学质量 是") stays a judgment.
        "no_answers": ["否", "没有", "未有"],
    },
    "T11": {
        "blocking": False,
        "categories": ["产出指标", "效益指标", "成本指标"],
        # Budget execution and fund or financial management: how money moves through the
        # administration, not what the project delivers.
        "process_words": [
            "预算执行",
            "资金执行",
            "支出执行",
            "资金支出率",
            "支出进度",
            "支付进度",
            "资金支付",
            "资金拨付",
            "拨付率",
            "拨款率",
            "拨付及时",
            "拨付进度",
            "资金下达",
            "下达率",
            "下达及时",
            "资金到位",
            "预算安排",
            "经费有效使用",
            "补助使用符合",
            "支付及时",
            "经费到位",
            "到位及时",
            "配套到位",
            "支出到位",
            "及时到位",
            "政府采购率",
            "资金使用率",
            "资金使用合规",
            "资金使用规范",
            "资金使用安全",
            "专款专用",
            "专户管理",
            "资金管理规范",
            "财务管理规范",
            "财务监控",
            "会计核算",
            "支出合规",
            "审批流程",
            "结算完成",
            "结算及时",
            "结算条款",
            "资金保障率",
            "经费保障率",
            "费用保障率",
            "足额保障率",
            "政府采购执行",
            "结转结余",
            "预算编制",
            "预算调整率",
            "绩效自评",
            "绩效目标编制",
            "支出时效",
            "资金是否",
            "经费是否",
            "全额用于",
            "资金使用",
            "资金安全",
            "资金监管",
            "挤占挪用",
            "截留挪用",
            "结余率",
            "招投标程序",
            "招标程序",
            "采购程序",
            "绩效监控",
            "组织机构健全",
            # money passed down between budget levels (拨付), in full or not, and the unit's
            # own financial controls: administration, not what the project delivers
            "拨付",
            "足额到位",
            "资金足额",
            "内部控制",
            "内控制度",
            "财务制度",
            "报账",
            "预算绩效",
            "财政资金使用",
            # payments to contractors, procurement and the unit's own books and assets
            "资金到账",
            "到账及时",
            "付款",
            "工程款支付",
            "款项支付",
            "招标率",
            "公开招标",
            "采购合规",
            "采购规范",
            "财务核算",
            "财务管理",
            "资产管理",
            "三公经费",
        ],
        # Any name where money of the budget (`fund_words`) is followed, at most `movement_gap`
        # characters on, by how it moves through the administration (`movement_words`: 到位,
        # 拨付, 执行 …) is a process measure, however it is worded ("专项经费拨付到位情况",
        # "项目资金支付进度"); not on a cost line, where the money spent is the cost; money paid
        # out to people (发放, 兑付) is not such a movement, and money the project brings in
        # (rules T20 `money_output_words`: 招商引资到位资金) is its output. A value in words
        # is read the same way ("补助资金全部到位"), and a rate or a sentence under 成本 is no
        # cost line ("资金执行率 100%" there measures the money's movement too). T10, T19 and
        # T21 keep quiet on a row this rule reaches, as on one the phrase list reaches.
        # Under a cost subcategory a row that is no amount (a rate, a sentence) and speaks of the
        # budget as a whole measures how the budget is used ("本年预算安排800万元 100%", "全年
        # 预算全额用于保障教学"): a process measure, however the movement is worded.
        # Not where the row keeps a cost within the budget or at a standard ("控制在预算内",
        # "按预算标准1000元/人", "超预算比例 ≤0%"): that is a cost, vague or not (T10).
        "budget_words": ["预算"],
        "budget_cost_words": ["成本", "控制", "标准", "节约", "以内", "超"],
        # Rules and mechanisms of management (制度, 机制) are a process measure under an output
        # or a benefit: the unit's own administration, not what the project delivers. Under
        # `lasting_subcategories` (可持续影响) a mechanism that keeps the project's results
        # running ("长效管护机制健全", "运行管理制度建立") is what that subcategory asks for, so
        # there the words are a finding only with a second signal: the name or value speaks of
        # money (`fund_words`: "资金管理制度健全"). Held out by province, the one false alarm of
        # these words was a policy's lasting effect on institutions under 可持续影响, and the
        # one true alarm there rested on a single table.
        "institution_words": ["制度健全", "制度完善", "制度执行", "管理制度", "机制健全"],
        "lasting_subcategories": ["可持续影响指标", "可持续性发展影响指标"],
        "fund_words": ["资金", "经费", "预算", "款项", "工程款"],
        "movement_words": [
            "到位",
            "拨付",
            "下达",
            "执行",
            "支付",
            "支出",
            "使用",
            "监管",
            # money passed down, brought into a budget, or secured in full (资金保障率: the
            # share of the money needed that the budget provides). Not 结算: auditing the
            # settlement of works (工程款结算审核) is what an audit project delivers; not 安排
            # nor 用于: "补助资金安排项目数", "资金用于购置农机具" count what the money reaches
            "拨款",
            "纳入",
            "保障率",
        ],
        "movement_gap": "4",
    },
    "T12": {
        "blocking": False,
        "rate_words": _POSITIVE_RATES,
        "drop_words": _DROPS,
        # Any rate or share: under 成本 it is misfiled (T19), not a cost with the wrong sign.
        "share_words": ["率", "比例", "占比", "比重"],
        # Outputs to deliver: "≤" caps what the project promises ("就读人数 ≤6962人").
        "floor_subcategories": ["数量指标"],
        # ... except purchases and staffing, which rules cap (公务用车采购数量 ≤1辆).
        "floor_exempt_words": ["采购", "购置", "购买", "编制", "控制", "精简", "压减"],
        "negative_words": _NEGATIVE_MEASURES,
        "ceiling_words": _CEILINGS,
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
    "T18": {
        "blocking": False,
        "tolerance": "0.20",
        "money_unit": "万元",
        # A cost per period with no row counting the periods is paid for one budget year.
        "periods_per_year": {"年": "1", "学年": "1", "学期": "2", "季度": "4", "月": "12"},
        # Names of a cost line outside a 成本 subcategory.
        "cost_words": ["成本", "单价", "造价", "费用", "补助标准", "补贴标准", "单位投入"],
    },
    "T19": _T19,
    "T20": _T20,
    "T21": _T21,
    "T22": {
        # The annual goal restates the medium-term goal: equal after normalising, or sharing at
        # least this share of characters (2 × matches / total length) with the same numbers.
        "blocking": False,
        "similarity": "0.90",
    },
}

register_defaults("lint", LINT_DEFAULTS)

# DOMAIN.md §4.5: 优 proceeds, 良 proceeds with refinement, 中 must be revised and resubmitted,
# 差 cannot enter the budget — so only these overall grades allow final approval, and a
# reviewer who grades a declaration 中 at an earlier step (the level-1 unit's review, the
# business office's first review) returns it for revision rather than passing it on. 差 is
# passed on: the budget office's 不予安排 is the step that keeps it out of the budget.
register_defaults("review", {"approvable_grades": ["优", "良"], "return_grades": ["中"]})
register_choices({"review.approvable_grades": GRADES, "review.return_grades": GRADES})
