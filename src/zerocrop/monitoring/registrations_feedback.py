"""Registrations of feedback upward (exports, indicators)."""

from __future__ import annotations


def register() -> None:
    from zerocrop.core.export_jobs import register_export
    from zerocrop.monitoring.indicators import register_indicators
    from zerocrop.monitoring.services_feedback import FEEDBACK_EXPORT, batch_feedback_download

    register_export(FEEDBACK_EXPORT, batch_feedback_download, label="导出靶点批次核查反馈")
    register_indicators()
