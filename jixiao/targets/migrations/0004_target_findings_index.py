"""The declarations with findings, indexed alone for the work year's figures' count by the
findings' codes (reports.stats `_current`): a partial index, so only a declaration with
findings is written to it (docs/performance.md, the work year's figures, eleventh pass)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0003_target_finding_codes_figures_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="target",
            index=models.Index(
                condition=models.Q(("finding_codes", ""), _negated=True),
                fields=["region", "year", "status", "finding_codes"],
                name="target_findings",
            ),
        ),
    ]
