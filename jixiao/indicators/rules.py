"""The indicator catalogue's rulebook section (DOMAIN.md §4.1): classic by default, the 2021
central catalogue under the `national-2021` base."""

from jixiao.core.rulebook import register_defaults

CLASSIC = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
CENTRAL_2021 = {
    "产出指标": ["数量指标", "质量指标", "时效指标"],
    "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}

register_defaults(
    "catalogue",
    {"name": "classic", "categories": CLASSIC},
    variants={"national-2021": {"name": "2021", "categories": CENTRAL_2021}},
)
