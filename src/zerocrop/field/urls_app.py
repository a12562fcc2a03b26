from django.urls import path

from zerocrop.field import views_app

urlpatterns = [
    path("", views_app.app_shell, name="field-app"),
    path("sw.js", views_app.service_worker, name="field-app-sw"),
    path("manifest.webmanifest", views_app.manifest, name="field-app-manifest"),
    path("session", views_app.session_state, name="field-app-session"),
]
