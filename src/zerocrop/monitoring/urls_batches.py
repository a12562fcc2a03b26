from django.urls import URLPattern, path

from zerocrop.monitoring import views_batches

urlpatterns: list[URLPattern] = [
    path("batches/", views_batches.batch_list, name="batch-list"),
    path("batches/import/", views_batches.batch_import, name="batch-import"),
    path(
        "batches/import/preview/",
        views_batches.batch_import_preview,
        name="batch-import-preview",
    ),
    path("batches/import/cancel/", views_batches.batch_import_cancel, name="batch-import-cancel"),
    path("batches/<str:batch_id>/", views_batches.batch_detail, name="batch-detail"),
]
