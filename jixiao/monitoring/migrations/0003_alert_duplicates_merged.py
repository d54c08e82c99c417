"""Before alerts get their unique key (0004): merge the duplicates that ticks or imports run at
the same moment could store (113 duplicate M07 alerts in one run).

The alerts of one key (project, round, code, indicator) keep their oldest row, the one the
services went on updating. When that row still waits for a disposal (open or suspended) and the
unit disposed of a duplicate instead, the latest such disposal moves onto it: the unit's answer
counts. The other rows go. Nothing refers to an alert but the audit log, which keeps its rows.
"""

from django.db import migrations
from django.db.models import Count

KEY = ("project_id", "round_id", "code", "indicator")
DISPOSAL = ("status", "disposal", "disposal_reason", "disposed_by_id", "disposed_at")


def merge_duplicates(apps, schema_editor):
    Alert = apps.get_model("monitoring", "Alert")
    groups = Alert.objects.order_by().values(*KEY).annotate(n=Count("id")).filter(n__gt=1)
    for group in groups:
        lookup = {k: group[k] for k in KEY if group[k] is not None}
        lookup |= {f"{k.removesuffix('_id')}__isnull": True for k in KEY if group[k] is None}
        kept, *others = Alert.objects.filter(**lookup).order_by("raised_at", "pk")
        disposed = [a for a in others if a.status == "disposed"]
        if kept.status in ("open", "suspended") and disposed:
            latest = max(disposed, key=lambda a: (a.disposed_at is not None, a.disposed_at, a.pk))
            for name in DISPOSAL:
                setattr(kept, name, getattr(latest, name))
            kept.save()
        Alert.objects.filter(pk__in=[a.pk for a in others]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_alert_texts_i18n"),
    ]

    operations = [
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
    ]
