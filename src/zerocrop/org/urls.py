from django.urls import path

from zerocrop.org import views

urlpatterns = [
    path("units/", views.unit_list, name="unit-list"),
    path("units/<uuid:unit_id>/", views.unit_detail, name="unit-detail"),
    path("people/", views.person_list, name="person-list"),
]
