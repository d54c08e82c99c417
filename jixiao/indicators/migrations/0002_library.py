"""Load the national indicator library (指标库) as it was when this migration was written.

Idempotent: rows are matched on sector + subcategory + name among the national templates
(region null) and updated in place, so running it again (or `jixiao load_library`) never
duplicates them. Self-contained on purpose: a migration must not depend on app code or data that
later changes, so it reads its own snapshot (migrations/data/0002_library.json), not the living
indicators/data/library.json that `jixiao load_library` reads.
"""

import json
from pathlib import Path

from django.db import migrations

LIBRARY = Path(__file__).resolve().parent / "data" / "0002_library.json"
FIELDS = ("kind", "category", "value_hint", "unit", "explanation")


def load_library(apps, schema_editor):
    IndicatorTemplate = apps.get_model("indicators", "IndicatorTemplate")
    items = json.loads(LIBRARY.read_text(encoding="utf-8"))
    for item in items:
        IndicatorTemplate.objects.update_or_create(
            region=None, sector=item["sector"], subcategory=item["subcategory"],
            name=item["name"],
            defaults={**{key: item.get(key) or "" for key in FIELDS}, "active": True},
        )


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_library, migrations.RunPython.noop),
    ]
