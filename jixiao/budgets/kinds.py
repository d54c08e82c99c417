"""项目类别 (DOMAIN.md §2): code (English, for filters and URLs) and the verbatim label."""

PROJECT_KINDS = [
    ("general", "一般项目"),
    ("special_fund", "专项资金"),
    ("investment_fund", "政府投资基金"),
    ("procurement", "政府采购"),
    ("ppp", "政府和社会资本合作"),
    ("debt", "政府债务"),
    ("government_fund", "政府性基金"),
    ("state_capital", "国有资本经营"),
    ("social_insurance", "社会保险基金"),
]


def ensure_project_kinds(model) -> None:
    """Create the kinds if missing (the migration, and after `flush` in `jixiao demo --reset`)."""
    for order, (code, label) in enumerate(PROJECT_KINDS):
        model.objects.update_or_create(code=code, defaults={"label": label, "order": order})
