"""The rulebook section "summary": which figures the annual work summary (DOMAIN.md §9)
counts under its headings. Jixiao's defaults, changeable per region and year.

- `special_kinds`: the project kinds whose evaluations the summary lists as 特殊类别项目评价
  (the 2021 summary: 政府投资基金, 政府采购, PPP, 政府债务, 政府性基金, 国有资本经营,
  社会保险基金 — every kind of DOMAIN.md §2 except 一般项目 and 专项资金).
- `low_grades`: the grades counted as low-grade projects under 存在的问题.
- `lagging_codes`: the alert codes counted as execution lag (M01 lag behind time progress,
  M02 below a checkpoint floor).
"""

from jixiao.core.rulebook import register_defaults

SUMMARY_DEFAULTS = {
    "special_kinds": [
        "investment_fund",
        "procurement",
        "ppp",
        "debt",
        "government_fund",
        "state_capital",
        "social_insurance",
    ],
    "low_grades": ["中", "差"],
    "lagging_codes": ["M01", "M02"],
}

register_defaults("summary", SUMMARY_DEFAULTS)
