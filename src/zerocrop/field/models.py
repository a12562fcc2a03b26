from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.core.models import BaseModel
from zerocrop.field.choices import CheckVerdict, FileStatus, RecordKind, RecordStatus


class Device(BaseModel):
    """A phone paired to one user; it syncs with a bearer token until revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="devices",
    )
    name = models.CharField(_("设备名称"), max_length=100)
    # Only the SHA-256 of the token is kept; the token itself is shown once, at pairing.
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    token_hint = models.CharField(_("令牌尾号"), max_length=8)
    user_agent = models.CharField(_("浏览器标识"), max_length=400, blank=True, default="")
    paired_at = models.DateTimeField(_("启用时间"))
    last_seen_at = models.DateTimeField(_("最近联网"), null=True, blank=True)
    last_sync_at = models.DateTimeField(_("最近同步"), null=True, blank=True)
    app_version = models.CharField(_("应用版本"), max_length=32, blank=True, default="")
    schema_version = models.PositiveSmallIntegerField(_("数据格式版本"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("停用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("停用原因"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("外业设备")
        verbose_name_plural = _("外业设备")
        ordering = ["-paired_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.user}）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PairingCode(BaseModel):
    """A one-use code shown as a QR to a logged-in user; a phone trades it for a token."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    code_hash = models.CharField(_("配对码摘要"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    device = models.ForeignKey(
        Device,
        verbose_name=_("设备"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("设备配对码")
        verbose_name_plural = _("设备配对码")


class DeviceCheck(BaseModel):
    """One run of the device self-test (自检) page, kept so the admin sees unsafe phones."""

    device = models.ForeignKey(
        Device,
        verbose_name=_("设备"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checks",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ran_at = models.DateTimeField(_("自检时间"))
    verdict = models.CharField(_("结论"), max_length=8, choices=CheckVerdict.choices)
    # {"service_worker": {"ok": true, "detail": "…"}, "indexeddb_blob": …, "storage": …,
    #  "persist": …, "geolocation": …, "wake_lock": …, "in_app_browser": …}
    results = models.JSONField(_("各项结果"), default=dict)
    user_agent = models.CharField(_("浏览器标识"), max_length=400, blank=True, default="")
    browser = models.CharField(_("浏览器"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("设备自检")
        verbose_name_plural = _("设备自检")
        ordering = ["-ran_at"]


class SyncRecord(BaseModel):
    """One record sent by a phone, keyed by the phone's own UUID: sent twice, stored once."""

    client_uuid = models.UUIDField(_("客户端标识"), unique=True)
    kind = models.CharField(_("类型"), max_length=24, choices=RecordKind.choices)
    schema_version = models.PositiveSmallIntegerField(_("数据格式版本"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("设备"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    # SHA-256 of the canonical JSON of what the phone sent (kind, payload, files): the same
    # UUID with another content hash is a conflict (409), never an overwrite.
    content_sha256 = models.CharField(_("内容摘要"), max_length=64)
    payload = models.JSONField(_("内容"))  # upgraded to the current schema
    # [{"sha256": …, "name": …, "role": …, "size": …}]
    files = models.JSONField(_("文件清单"), default=list)
    status = models.CharField(
        _("状态"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.WAITING_FILES
    )
    error = models.TextField(_("退回原因"), blank=True, default="")
    error_field = models.CharField(_("出错字段"), max_length=64, blank=True, default="")
    received_at = models.DateTimeField(_("收到时间"))
    applied_at = models.DateTimeField(_("入库时间"), null=True, blank=True)
    # The domain object the record became ("findings.finding", its pk) and its version
    # (the object's updated_at, ISO): an edit based on another version is stale (409).
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, default="")
    object_id = models.UUIDField(_("对象标识"), null=True, blank=True)
    version = models.CharField(_("版本"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("同步记录")
        verbose_name_plural = _("同步记录")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client_uuid}"


class SyncFile(BaseModel):
    """A photo or track file addressed by its SHA-256, uploaded in resumable chunks."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    received = models.PositiveBigIntegerField(_("已收到（字节）"), default=0)
    status = models.CharField(
        _("状态"), max_length=16, choices=FileStatus.choices, default=FileStatus.PARTIAL
    )
    name = models.CharField(_("文件名"), max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("收齐时间"), null=True, blank=True)
    # Set once a record using these bytes was applied: they live on in the evidence store.
    evidence = models.ForeignKey(
        EvidenceFile,
        verbose_name=_("证据文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("同步文件")
        verbose_name_plural = _("同步文件")

    def __str__(self) -> str:
        return self.sha256[:12]
