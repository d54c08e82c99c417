import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_ratecounter"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="changes",
            field=models.JSONField(blank=True, null=True, verbose_name="批量变更"),
        ),
        migrations.CreateModel(
            name="AuditObject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("create", "新增"),
                            ("update", "修改"),
                            ("delete", "删除"),
                            ("login", "登录"),
                            ("login_failed", "登录失败"),
                            ("logout", "退出"),
                            ("locked", "账号锁定"),
                            ("import", "导入"),
                            ("export", "导出"),
                            ("action", "操作"),
                        ],
                        max_length=16,
                    ),
                ),
                ("object_type", models.CharField(max_length=100)),
                ("object_id", models.CharField(max_length=64)),
                ("object_repr", models.CharField(blank=True, max_length=300)),
                ("region_code", models.CharField(blank=True, max_length=12)),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.auditlog",
                    ),
                ),
            ],
            options={
                "verbose_name": "审计对象",
                "verbose_name_plural": "审计对象",
                "indexes": [
                    models.Index(
                        fields=["object_type", "object_id"], name="core_audito_object__33071c_idx"
                    )
                ],
            },
        ),
    ]
