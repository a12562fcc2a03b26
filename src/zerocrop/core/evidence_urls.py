from django.urls import path

from zerocrop.core.evidence_views import evidence_download

urlpatterns = [
    path("<uuid:evidence_id>/", evidence_download, name="evidence-file"),
]
