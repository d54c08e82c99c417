"""Self-evaluations used by the tests.

`REAL_TABLE` is modelled on the 项目支出绩效自评表 that district finance bureaus publish with their
final accounts (a city-management bureau's 生活垃圾清运及分类 project, 2020): a money block with a
total row and rows by funding source in 万元 with four decimals, 10 points for execution, outputs
50 / benefits 30 / satisfaction 10 spread over the unit's own indicators, values written as the
tables write them ("≥9万吨", "100%", "12月底前完成", "明显改善"), a late deadline, one partly
achieved qualitative indicator, deviation causes, and the unit's own scores of which two break
the rules.
"""

REAL_TABLE = {
    "region": "360102",
    "year": 2020,
    "unit": {"code": "102015", "name": "南昌市东湖区城市管理局"},
    "project": {"code": "2020-ZX-031", "name": "2020年东湖区生活垃圾清运及分类处理项目",
                "kinds": ["专项资金", "政府采购"]},
    "budget": {
        "initial": "1200.0000",
        "full_year": "1350.5000",
        "executed": "1318.2836",
        "sources": [
            {"source": "当年财政拨款", "initial": "1200.0000", "full_year": "1300.5000",
             "executed": "1268.2836"},
            {"source": "上年结转资金", "initial": "0", "full_year": "50.0000",
             "executed": "50.0000"},
            {"source": "其他资金", "initial": None, "full_year": None, "executed": None},
        ],
        "self_score": "9.76",
    },
    "goal": {
        "expected": "全年清运生活垃圾9万吨以上，无害化处理率100%；建成垃圾分类示范小区20个，"
                    "年底前完成分类投放设施建设，城区环境卫生明显改善。",
        "achieved": "全年清运生活垃圾9.36万吨，无害化处理率100%；建成分类示范小区18个，2个小区"
                    "因老旧小区改造顺延；分类投放设施于2021年1月20日完工。",
    },
    "indicators": [
        {"category": "产出指标", "subcategory": "数量指标", "name": "生活垃圾清运量",
         "target": "≥9万吨", "actual": "9.36万吨", "weight": 10, "self_score": 10},
        {"category": "产出指标", "subcategory": "数量指标", "name": "垃圾分类示范小区数量",
         "target": "≥20个", "actual": "18", "weight": 10, "self_score": 9,
         "deviation": "2个小区列入老旧小区改造，分类设施随改造工程顺延至2021年实施。"},
        {"category": "产出指标", "subcategory": "质量指标", "name": "生活垃圾无害化处理率",
         "target": "100%", "actual": "100%", "weight": 10, "self_score": 10},
        {"category": "产出指标", "subcategory": "时效指标", "name": "垃圾清运及时率",
         "target": "≥95%", "actual": "97.5%", "weight": 5, "self_score": 5},
        {"category": "产出指标", "subcategory": "时效指标", "name": "分类投放设施完工时间",
         "target": "12月底前完成", "actual": "2021年1月20日", "weight": 5, "self_score": 5,
         "deviation": "设备招标流标一次，重新招标后于2021年1月20日完工。"},
        {"category": "产出指标", "subcategory": "成本指标", "name": "每吨垃圾清运成本",
         "target": "≤140元/吨", "actual": "143.6", "weight": 10, "self_score": 9.74,
         "deviation": "油价上涨，运输成本增加。"},
        {"category": "效益指标", "subcategory": "社会效益指标", "name": "城区环境卫生状况",
         "target": "明显改善", "actual": "达成年度指标", "weight": 10, "self_score": 10},
        {"category": "效益指标", "subcategory": "生态效益指标", "name": "生活垃圾回收利用率",
         "target": "≥35%", "actual": "36.2%", "weight": 10, "self_score": 10},
        {"category": "效益指标", "subcategory": "可持续影响指标", "name": "垃圾分类长效管理机制",
         "target": "建立健全", "actual": "已出台考核办法，督导员队伍尚未全覆盖",
         "band": "部分达成年度指标并具有一定效果", "score": 7, "weight": 10, "self_score": 9,
         "deviation": "督导员队伍2021年补齐。"},
        {"category": "满意度指标", "subcategory": "服务对象满意度指标", "name": "居民满意度",
         "target": "≥90%", "actual": "92.3%", "weight": 10, "self_score": 10},
    ],
    "self_total": "96.50",
    "self_grade": "优",
}  # fmt: skip

#: The figures the rules give for REAL_TABLE (DOMAIN.md §6.2), in input order.
REAL_SCORES = ["10.00", "9.00", "10.00", "5.00", "4.00", "9.74", "10.00", "10.00", "7.00", "10.00"]
REAL_EXECUTION = ("0.9761", "9.76")  # 1318.2836 / 1350.5 = 0.976145...; 10 × that = 9.7614...
REAL_TOTAL = "94.50"
