from django.urls import path

from zerocrop.field import views_devices

urlpatterns = [
    path("pair/", views_devices.pair_page, name="field-pair"),
    path("devices/", views_devices.device_list, name="field-devices"),
    path(
        "devices/<uuid:device_id>/revoke/",
        views_devices.device_revoke_view,
        name="field-device-revoke",
    ),
]
