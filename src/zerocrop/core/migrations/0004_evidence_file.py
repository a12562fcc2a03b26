import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_chain_hmac"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceFile",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="创建时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("sha256", models.CharField(max_length=64, unique=True, verbose_name="SHA-256")),
                ("sm3", models.CharField(blank=True, default="", max_length=64, verbose_name="SM3")),
                ("storage_name", models.CharField(max_length=255, verbose_name="存储名")),
                ("size", models.PositiveBigIntegerField(verbose_name="大小（字节）")),
                ("content_type", models.CharField(max_length=100, verbose_name="类型")),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pledge_scan", "责任状扫描件"),
                            ("patrol_photo", "踏查照片"),
                            ("track_file", "轨迹文件"),
                        ],
                        max_length=32,
                        verbose_name="种类",
                    ),
                ),
                ("exif_claim", models.JSONField(blank=True, null=True, verbose_name="EXIF 声称")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "证据文件",
                "verbose_name_plural": "证据文件",
                "ordering": ["-created_at"],
            },
        ),
    ]
