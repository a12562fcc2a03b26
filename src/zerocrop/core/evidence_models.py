"""The one store of evidence files: every uploaded scan, photo and track, stored once by hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerocrop.core.models import BaseModel


class EvidenceKind(models.TextChoices):
    PLEDGE_SCAN = "pledge_scan", _("责任状扫描件")
    PATROL_PHOTO = "patrol_photo", _("踏查照片")
    TRACK_FILE = "track_file", _("轨迹文件")
    EXPORT = "export", _("导出文件")
    FINDING_PHOTO = "finding_photo", _("发现铲除照片")
    VISIT_SCAN = "visit_scan", _("走访告知书扫描件")
    TARGET_FILE = "target_file", _("靶点批次文件")
    TARGET_PHOTO = "target_photo", _("靶点核查照片")


class EvidenceFile(BaseModel):
    """Bytes as received, never modified; records link to it by foreign key.

    The same bytes are stored once (unique SHA-256), so `kind` and `original_name` are those of
    the first upload. `exif_claim` is what a photo's EXIF claims, never proof.
    """

    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64, unique=True)
    sm3 = models.CharField(_("SM3 摘要"), max_length=64, blank=True, default="")
    storage_name = models.CharField(_("存储名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    original_name = models.CharField(_("原文件名"), max_length=255)
    kind = models.CharField(_("种类"), max_length=32, choices=EvidenceKind.choices)
    exif_claim = models.JSONField(_("EXIF 声称"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        app_label = "core"
        ordering = ["-created_at"]
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}「{self.original_name}」"
