from django.db import migrations

# The 项目类别 as they were when this migration was written (DOMAIN.md §2), copied here so that
# the migration does not change when jixiao.budgets.kinds does.
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


def seed(apps, schema_editor):
    model = apps.get_model("budgets", "ProjectKind")
    for order, (code, label) in enumerate(PROJECT_KINDS):
        model.objects.update_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
