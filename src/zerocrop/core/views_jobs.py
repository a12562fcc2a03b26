"""A job's status page and the htmx partial it polls."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zerocrop.core.jobs import job_get, job_kind_label


def _context(request: HttpRequest, job_id: str) -> dict:
    job = job_get(user=request.user, job_id=job_id)
    return {"job": job, "job_label": job_kind_label(job.kind)}


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    return render(request, "core/job_detail.html", _context(request, job_id))


@login_required
def job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    return render(request, "core/_job.html", _context(request, job_id))
