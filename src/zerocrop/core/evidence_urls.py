from django.urls import path

from zerocrop.core.evidence_views import (
    evidence_download,
    evidence_package_download,
    evidence_preview,
)

urlpatterns = [
    path("<uuid:evidence_id>/", evidence_download, name="evidence-file"),
    path("<uuid:evidence_id>/preview/", evidence_preview, name="evidence-preview"),
    path(
        "package/<slug:kind>/<uuid:object_id>/",
        evidence_package_download,
        name="evidence-package",
    ),
]
