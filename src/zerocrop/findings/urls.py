from django.urls import path

from zerocrop.findings import views

urlpatterns = [
    path("", views.finding_list, name="finding-list"),
    path("new/", views.finding_create, name="finding-create"),
    path("statutes/", views.statute_list, name="statute-list"),
    path("<uuid:finding_id>/", views.finding_detail, name="finding-detail"),
    path("<uuid:finding_id>/eradicate/", views.finding_eradicate, name="finding-eradicate"),
    path("<uuid:finding_id>/recheck/", views.finding_recheck, name="finding-recheck"),
    path("<uuid:finding_id>/edit/", views.finding_edit, name="finding-edit"),
    path("<uuid:finding_id>/police/", views.finding_police, name="finding-police"),
    path("<uuid:finding_id>/void/", views.finding_void, name="finding-void"),
]
