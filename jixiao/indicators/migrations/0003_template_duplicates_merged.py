"""Before library templates get their unique key (0004): merge the duplicates that two library
imports run at the same moment could store (22 templates for 11).

The templates of one key (region, sector, subcategory, name) keep their oldest row, offered
(active) when any of them was. Nothing refers to a template: declarations copied its values.
"""

from django.db import migrations
from django.db.models import Count

KEY = ("region_id", "sector", "subcategory", "name")


def merge_duplicates(apps, schema_editor):
    IndicatorTemplate = apps.get_model("indicators", "IndicatorTemplate")
    groups = (
        IndicatorTemplate.objects.order_by().values(*KEY).annotate(n=Count("id")).filter(n__gt=1)
    )
    for group in groups:
        lookup = {k: group[k] for k in KEY if group[k] is not None}
        if group["region_id"] is None:
            lookup["region__isnull"] = True
        kept, *others = IndicatorTemplate.objects.filter(**lookup).order_by("pk")
        if not kept.active and any(t.active for t in others):
            kept.active = True
            kept.save(update_fields=["active"])
        IndicatorTemplate.objects.filter(pk__in=[t.pk for t in others]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_library"),
    ]

    operations = [
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
    ]
