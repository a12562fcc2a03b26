from django.urls import path

from zerocrop.findings import views, views_persons

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
    path("persons/", views_persons.key_person_list, name="key-person-list"),
    path("persons/new/", views_persons.key_person_create, name="key-person-create"),
    path("persons/<uuid:person_id>/", views_persons.key_person_detail, name="key-person-detail"),
    path("persons/<uuid:person_id>/edit/", views_persons.key_person_edit, name="key-person-edit"),
    path(
        "persons/<uuid:person_id>/visit/", views_persons.key_person_visit, name="key-person-visit"
    ),
    path("persons/<uuid:person_id>/void/", views_persons.key_person_void, name="key-person-void"),
    path("cases/", views_persons.case_list, name="case-list"),
    path("cases/new/", views_persons.case_create, name="case-create"),
    path("cases/<uuid:case_id>/", views_persons.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/edit/", views_persons.case_edit, name="case-edit"),
]
