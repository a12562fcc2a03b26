"""The feedback download (who may, audited) and the indicators page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from zerocrop.core.models import AuditEvent
from zerocrop.monitoring.models import Target


@pytest.fixture
def no_other_batches(demo_campaign):
    """The demo's own batch voided, so the page shows this test's targets only."""
    from django.utils import timezone

    from zerocrop.monitoring.models import TargetBatch

    TargetBatch.objects.update(voided_at=timezone.now())


@pytest.fixture
def batch_with_target(make_batch, make_target, village):
    batch = make_batch(name="县第2批")
    target = make_target(batch=batch, unit=village)
    target.attributes = {"靶点编号": target.code, "经度": "1", "纬度": "2"}
    target.save()
    return batch


def test_admin_downloads_the_zip_and_it_is_audited(login_as, batch_with_target):
    before = AuditEvent.objects.filter(action="export").count()
    response = login_as("admin").get(reverse("batch-feedback", args=[batch_with_target.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "县第2批_核查反馈.csv" in archive.namelist()
    events = AuditEvent.objects.filter(action="export").order_by("-seq")
    assert events.count() == before + 1
    assert "县第2批" in events.first().object_repr


@pytest.mark.parametrize("username", ["cadre", "leader"])
def test_cadre_and_leader_are_refused(login_as, batch_with_target, username):
    before = AuditEvent.objects.filter(action="export").count()
    response = login_as(username).get(reverse("batch-feedback", args=[batch_with_target.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="export").count() == before


def test_big_batch_becomes_a_job(login_as, batch_with_target, settings):
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = 0
    response = login_as("admin").get(reverse("batch-feedback", args=[batch_with_target.pk]))
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]
    from zerocrop.core.jobs_models import Job

    job = Job.objects.filter(kind="monitoring.batch_feedback").latest("created_at")
    assert job.status == "done", job.error
    assert job.result["filename"] == "县第2批_核查反馈.zip"


def test_kpis_page_shows_units_and_sources(
    no_other_batches, login_as, make_batch, make_target, village
):
    batch = make_batch(issuer_level="national")
    make_target(batch=batch, unit=village, status="approved", result="true", locally_known=True)
    make_target(batch=batch, unit=village)
    response = login_as("admin").get(reverse("target-kpis"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="kpi-table-unit"' in html and 'data-testid="kpi-table-source"' in html
    assert f'data-group="unit" data-label="{village.name}"' in html
    assert 'data-group="source" data-label="国家禁毒办"' in html
    assert "50.0%" in html  # 核查率 1 / 2
    assert "table-stack" in html and 'data-label="本地已掌握率"' in html
    assert "靶点吻合率" in html  # the written definition
    # A village's row leads to its targets in the list.
    assert f'href="{reverse("target-list")}?unit={village.pk}"' in html


def test_kpis_page_counts_only_the_users_targets(
    no_other_batches, login_as, make_batch, make_target, village
):
    from zerocrop.org.models import AdminUnit

    other = AdminUnit.objects.filter(parent=village.parent, level=village.level).exclude(
        pk=village.pk
    )
    other = other.first()
    batch = make_batch()
    make_target(batch=batch, unit=village)
    make_target(batch=batch, unit=other)
    html = login_as("cadre").get(reverse("target-kpis")).content.decode()
    assert f'data-label="{village.name}"' in html
    assert f'data-label="{other.name}"' not in html
    assert Target.objects.filter(batch=batch).count() == 2


def test_the_batch_page_offers_the_feedback_the_kpis_and_its_targets(login_as, batch_with_target):
    feedback = reverse("batch-feedback", args=[batch_with_target.pk])
    detail = reverse("batch-detail", args=[batch_with_target.pk])
    page = login_as("admin").get(detail).content.decode()
    assert f'href="{feedback}"' in page and "导出核查反馈（压缩包）" in page
    assert f'href="{reverse("target-kpis")}"' in page
    assert f'href="{reverse("target-list")}?batch={batch_with_target.pk}"' in page
    # The village cadre may not export (403 above): no button, but the other links.
    cadre = login_as("cadre").get(detail).content.decode()
    assert f'href="{feedback}"' not in cadre
    assert f'href="{reverse("target-kpis")}"' in cadre


def test_the_kpis_page_and_the_target_list_link_to_each_other(login_as, batch_with_target):
    client = login_as("cadre")
    listing = client.get(reverse("target-list")).content.decode()
    assert f'href="{reverse("target-kpis")}"' in listing
    kpis_page = client.get(reverse("target-kpis")).content.decode()
    assert f'href="{reverse("target-list")}?status=overdue"' in kpis_page
    assert f'href="{reverse("batch-list")}"' in kpis_page
