"""One alert per project, round, code and indicator (Alert.key), NULLs counted as -1; after
0003 merged the duplicates (a migration of its own: PostgreSQL builds no index on a table
with the merge's deferred checks pending)."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_alert_duplicates_merged"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                models.F("project"),
                django.db.models.functions.comparison.Coalesce("round", models.Value(-1)),
                models.F("code"),
                django.db.models.functions.comparison.Coalesce("indicator", models.Value(-1)),
                name="alert_unique_key",
            ),
        ),
    ]
