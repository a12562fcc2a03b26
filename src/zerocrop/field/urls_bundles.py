from django.urls import path

from zerocrop.field import views_bundles

urlpatterns = [
    path("bundles/", views_bundles.bundle_upload, name="field-bundles"),
]
