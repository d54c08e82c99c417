"""One library template per region (NULL, national, counted as -1), sector, subcategory and
name; after 0003 merged the duplicates."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_template_duplicates_merged"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="indicatortemplate",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce("region", models.Value(-1)),
                models.F("sector"),
                models.F("subcategory"),
                models.F("name"),
                name="indicatortemplate_unique_key",
            ),
        ),
    ]
