"""Huey's consumer imports every app's ``tasks`` module; the one task runs any job kind."""

from zerocrop.core.jobs import job_run_task

__all__ = ["job_run_task"]
