"""Plot exports: small ones answer at once, large ones are built by a job for their owner."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.test import Client

from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.jobs_models import Job, JobStatus
from zerocrop.core.models import AuditEvent
from zerocrop.geo.downloads import PLOTS_EXPORT
from zerocrop.geo.models import Plot
from zerocrop.org.models import AdminUnit, User

pytestmark = pytest.mark.django_db


def own_plot_count() -> int:
    return Plot.objects.filter(voided_at__isnull=True, unit__name="毛布拉格村").count()


def run_as_job(client: Client, query: str) -> tuple[Job, str]:
    """Ask for an export over the limit; answer the job and the download link on its page."""
    response = client.get(f"/geo/plots/export/?{query}")
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    job = Job.objects.get(pk=response.url.split("/")[2])
    page = client.get(response.url).content.decode()
    assert "已转为后台生成" in page  # says why there is no file yet
    link = re.search(r'data-testid="job-download" href="(/evidence/[0-9a-f-]+/)"', page)
    assert link is not None, page
    return job, link.group(1)


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_under_the_limit_the_export_stays_inline(login_as, settings) -> None:
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = own_plot_count()
    jobs = Job.objects.count()
    response = login_as("cadre").get("/geo/plots/export/?format=geojson")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert Job.objects.count() == jobs


def test_a_large_export_is_built_by_a_job_and_equals_the_inline_file(login_as, settings) -> None:
    cadre = login_as("cadre")
    inline = cadre.get("/geo/plots/export/?format=geojson").content
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = own_plot_count() - 1
    job, link = run_as_job(cadre, "format=geojson")

    assert (job.kind, job.status, job.progress) == (PLOTS_EXPORT, JobStatus.DONE, 100)
    assert job.created_by.username == "cadre" and job.unit is None
    assert job.params["user"] == str(User.objects.get(username="cadre").pk)
    evidence = EvidenceFile.objects.get(pk=job.result["evidence"])
    assert evidence.kind == EvidenceKind.EXPORT
    assert evidence.content_type == "application/geo+json"
    assert job.result["count"] == own_plot_count()
    assert re.fullmatch(
        r"毛布拉格村地块_\d{4}年\d{1,2}月\d{1,2}日\.geojson", job.result["filename"]
    )

    download = cadre.get(link)
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert streamed(download) == inline
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    export = AuditEvent.objects.filter(action="export", actor__username="cadre").order_by("-seq")
    assert export.first().after == {"count": own_plot_count(), "query": "format=geojson"}


def test_only_the_owner_and_superusers_may_download_it(login_as, settings) -> None:
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = 0
    job, link = run_as_job(login_as("cadre"), "format=kml")
    for other in ("cadre2", "grid", "leader", "police"):
        assert login_as(other).get(link).status_code == 404, other
        assert login_as(other).get(f"/jobs/{job.pk}/").status_code == 404, other
    assert login_as("admin").get(link).status_code == 200
    assert Client().get(link).status_code in (302, 404)  # anonymous: to the login page


def test_the_job_keeps_the_requesting_users_scope(login_as, settings) -> None:
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = 0
    other = AdminUnit.objects.get(name="排子湾村")
    cadre = login_as("cadre")
    _, link = run_as_job(cadre, f"format=geojson&unit={other.pk}")
    features = json.loads(streamed(cadre.get(link)))["features"]
    assert features and {f["properties"]["unit"] for f in features} == {"毛布拉格村"}


def test_an_excel_ledger_from_a_job_holds_the_inline_rows(login_as, settings) -> None:
    cadre = login_as("cadre")
    query = "format=xlsx&kind=historical"
    inline = openpyxl.load_workbook(io.BytesIO(cadre.get(f"/geo/plots/export/?{query}").content))
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = 0
    _, link = run_as_job(cadre, query)
    built = openpyxl.load_workbook(io.BytesIO(streamed(cadre.get(link))))
    rows = [list(r) for r in inline.active.iter_rows(values_only=True)]
    again = [list(r) for r in built.active.iter_rows(values_only=True)]
    assert len(rows) >= 5  # title, header, a plot at least, footer, notes
    # The last line is the audit checkpoint, which moves with every event.
    assert again[:-1] == rows[:-1] and "审计检查点" in again[-1][0]
    footer = next(r for r in again if isinstance(r[0], str) and r[0].startswith("填报单位"))
    assert footer[0] == "填报单位：毛布拉格村" and "填表人：" in [c for c in footer if c][1]
