from django.db import migrations

from jixiao.budgets.kinds import ensure_project_kinds


def seed(apps, schema_editor):
    ensure_project_kinds(apps.get_model("budgets", "ProjectKind"))


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
