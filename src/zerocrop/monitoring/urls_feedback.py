from django.urls import path

from zerocrop.monitoring import views_feedback

urlpatterns = [
    path(
        "batches/<uuid:batch_id>/feedback/",
        views_feedback.batch_feedback,
        name="batch-feedback",
    ),
    path("kpis/", views_feedback.target_kpis, name="target-kpis"),
]
