import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerocrop.core.audit_labels import audit_action_label


class BaseModel(models.Model):
    """UUID primary key (client-generated ids stay valid offline) and timestamps."""

    id = models.UUIDField(_("标识"), primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


VOID_REASON_MAX_LENGTH = 200


class Voidable(models.Model):
    """A record that is voided (作废) with a reason, never deleted; see `core.voiding.void`.

    `voided_by` PROTECTs its user like every other actor column: accounts are deactivated,
    not deleted, and who voided a record is part of the evidence.
    """

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField(
        _("作废原因"), max_length=VOID_REASON_MAX_LENGTH, blank=True, default=""
    )

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class AuditEvent(models.Model):
    """One append-only, hash-chained record of a write.

    `hash` is an HMAC (key outside the database) over every other field, the actor included,
    and the previous event's hash, so editing, deleting or re-hashing stored events breaks the
    chain (see core.audit_chain); checkpoints outside the database catch a cut-off tail.
    """

    seq = models.BigAutoField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150)
    action = models.CharField(_("动作"), max_length=32)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象标识"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    prev_hash = models.CharField(_("上一事件哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"#{self.seq} {audit_action_label(self.action)} {self.object_repr}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers cannot fork the chain."""

    id = models.PositiveSmallIntegerField(_("标识"), primary_key=True, default=1)
    last_hash = models.CharField(_("最新哈希"), max_length=64)
    count = models.PositiveBigIntegerField(_("事件数"), default=0)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash


from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind  # noqa: E402, F401
from zerocrop.core.jobs_models import Job, JobStatus  # noqa: E402,F401  (its own module)
