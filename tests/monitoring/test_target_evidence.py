"""Verification photos as evidence: who may fetch them, who gets the original, upload limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from zerocrop.core.upload_limits import limit_for
from zerocrop.monitoring import services_targets
from zerocrop.org.models import AdminUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified(make_target, cadre, cadre_person, grid_person, photo):
    target = make_target()
    return services_targets.target_verify(
        target=target,
        result="false",
        reason="lawn",
        verifiers=[cadre_person, grid_person],
        verified_at=timezone.now() - timedelta(hours=1),
        arrival_source="typed",
        arrival_lon=target.lon,
        arrival_lat=target.lat,
        photos=[(role, *photo(f"{role}.jpg")) for role in ("far", "near", "feature")],
        actor=cadre,
    )


def test_photos_follow_the_target_scope(verified, login_as):
    evidence = verified.photos.first().evidence_id
    url = reverse("evidence-file", args=[evidence])
    assert login_as("cadre").get(url).status_code == 200
    assert login_as("cadre2").get(url).status_code == 404
    assert login_as("cadre2").get(reverse("evidence-preview", args=[evidence])).status_code == 404
    # The leader sees the photo without its EXIF: the original redirects to the preview.
    leader = login_as("leader").get(url)
    assert leader.status_code == 302 and "preview" in leader["Location"]


def test_photos_are_named_by_target_code_on_the_page(verified, login_as):
    body = login_as("admin").get(reverse("target-detail", args=[verified.pk])).content.decode()
    for n in (1, 2, 3):
        assert f"{verified.code}_{n}.jpg" in body
    assert services_targets.photo_name(code="BD9", seq=4, content_type="image/png") == "BD9_4.png"


def test_upload_route_takes_photos_per_role(make_target):
    target = make_target(unit=AdminUnit.objects.get(name="毛布拉格村"))
    request = RequestFactory().post(reverse("target-verify", args=[target.pk]))
    limit = limit_for(request)
    assert set(limit.files) == {"photos_far", "photos_near", "photos_feature", "photos_other"}
    assert limit.files["photos_far"].max_count == settings.ZEROCROP_PHOTO_MAX_COUNT
