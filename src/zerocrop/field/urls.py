from django.urls import include, path

from zerocrop.field import urls_app, urls_bundles, urls_devices

urlpatterns = [
    path("app/", include(urls_app)),
    path("", include(urls_devices)),
    path("", include(urls_bundles)),
]
