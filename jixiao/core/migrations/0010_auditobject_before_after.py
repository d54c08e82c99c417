"""Each change of a batch entry moves into its per-object index row (`AuditObject`: before, after,
message); the entry keeps only its summary (`{"count", "actions"}`), so that an import no longer
writes one document of tens of MB (docs/performance.md, Target declarations, Memory)."""

from django.db import migrations, models

CHUNK = 1000


def summary(changes: list) -> dict:
    """The summary a batch entry keeps of its changes (as `audit.record_batch` writes it)."""
    actions: dict[str, int] = {}
    for change in changes:
        action = (change or {}).get("action") or ""
        actions[action] = actions.get(action, 0) + 1
    return {"count": len(changes), "actions": actions}


def move_changes_to_index_rows(apps, schema_editor):
    """An entry of the old shape (its `changes` a list of every change) gets one index row per
    change with the change's before, after and message (rewritten whole: the old rows held only
    the change's place and object), and keeps its summary."""
    AuditLog = apps.get_model("core", "AuditLog")
    AuditObject = apps.get_model("core", "AuditObject")
    old = AuditLog.objects.filter(changes__isnull=False).order_by("pk").values_list("pk", flat=True)
    for pk in list(old):
        changes = AuditLog.objects.values_list("changes", flat=True).get(pk=pk)
        if not isinstance(changes, list):
            continue  # already a summary
        AuditObject.objects.filter(entry_id=pk).delete()
        for start in range(0, len(changes), CHUNK):
            AuditObject.objects.bulk_create(
                AuditObject(
                    entry_id=pk,
                    position=start + offset,
                    action=change.get("action") or "",
                    object_type=change.get("object_type") or "",
                    object_id=str(change.get("object_id") or ""),
                    object_repr=(change.get("object_repr") or "")[:300],
                    region_code=change.get("region_code") or "",
                    before=change.get("before"),
                    after=change.get("after"),
                    message=(change.get("message") or "")[:500],
                )
                for offset, change in enumerate(changes[start : start + CHUNK])
            )
        AuditLog.objects.filter(pk=pk).update(changes=summary(changes))


def gather_changes_into_entries(apps, schema_editor):
    """Back to the old shape: each batch entry's list of changes, from its index rows."""
    AuditLog = apps.get_model("core", "AuditLog")
    AuditObject = apps.get_model("core", "AuditObject")
    fields = ("action", "object_type", "object_id", "object_repr", "region_code")
    fields += ("before", "after", "message")
    batches = AuditLog.objects.filter(changes__isnull=False).order_by("pk")
    for pk in list(batches.values_list("pk", flat=True)):
        rows = AuditObject.objects.filter(entry_id=pk).order_by("position").values(*fields)
        AuditLog.objects.filter(pk=pk).update(changes=list(rows))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_apitoken_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditobject",
            name="after",
            field=models.JSONField(blank=True, null=True, verbose_name="修改后"),
        ),
        migrations.AddField(
            model_name="auditobject",
            name="before",
            field=models.JSONField(blank=True, null=True, verbose_name="修改前"),
        ),
        migrations.AddField(
            model_name="auditobject",
            name="message",
            field=models.CharField(blank=True, max_length=500, verbose_name="说明"),
        ),
        migrations.RunPython(move_changes_to_index_rows, gather_changes_into_entries),
    ]
