"""The checked text of a statute-table row, entered in the app (kept apart from models.py so the
findings models and this one change independently; models.py imports it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerocrop.core.models import BaseModel

ARTICLE_MAX = 100
EXCERPT_MAX = 5000
SOURCE_MAX = 500


class StatuteVerification(BaseModel):
    """A user's check of one row of `data/statutes.toml`: the verified article and excerpt.

    Rows are never edited: a correction is a new entry, and the latest entry for a key is the
    one applied over the shipped table (`selectors.statute_table`).
    """

    row_key = models.CharField(_("条文表行"), max_length=64, db_index=True)
    article = models.CharField(_("核实后的条号"), max_length=ARTICLE_MAX)
    excerpt = models.TextField(_("核实后的原文摘录"), max_length=EXCERPT_MAX)
    source = models.CharField(_("核实来源"), max_length=SOURCE_MAX)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        ordering = ["-entered_at"]
        verbose_name = _("条文核实记录")
        verbose_name_plural = _("条文核实记录")

    def __str__(self) -> str:
        return f"{self.row_key} {self.article}"
