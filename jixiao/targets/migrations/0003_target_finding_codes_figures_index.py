"""The findings' codes as a narrow column, and the index the work year's figures read instead of
the rows (reports.stats): it replaces the index on (region, year, status), its first columns."""

from django.db import migrations, models


def codes_of(findings) -> str:
    """As `Target.codes_of` at the time of this migration: "code;" for each finding (an object)."""
    return "".join(f"{f.get('code') or ''};" for f in findings or () if isinstance(f, dict))


def fill_codes(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    rows = Target.objects.using(schema_editor.connection.alias).filter(findings__0__isnull=False)
    by_codes: dict[str, list[int]] = {}
    for pk, findings in rows.values_list("pk", "findings").iterator(chunk_size=2000):
        codes = codes_of(findings)
        if codes:
            by_codes.setdefault(codes, []).append(pk)
    for codes, ids in by_codes.items():
        for start in range(0, len(ids), 500):
            Target.objects.using(schema_editor.connection.alias).filter(
                pk__in=ids[start : start + 500]
            ).update(finding_codes=codes)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_target_external_id_target_target_external_id"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="target",
            name="targets_tar_region__98d4d1_idx",
        ),
        migrations.AddField(
            model_name="target",
            name="finding_codes",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="target",
            index=models.Index(
                fields=[
                    "region",
                    "year",
                    "status",
                    "unit",
                    "project",
                    "deadline",
                    "submitted_at",
                    "finding_codes",
                ],
                name="target_figures",
            ),
        ),
    ]
