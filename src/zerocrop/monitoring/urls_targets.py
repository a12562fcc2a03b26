from django.urls import path

from zerocrop.monitoring import views_targets

urlpatterns = [
    path("", views_targets.target_list, name="target-list"),
    path("targets/assign/", views_targets.target_bulk_assign, name="target-bulk-assign"),
    path("targets/<uuid:target_id>/", views_targets.target_detail, name="target-detail"),
    path("targets/<uuid:target_id>/assign/", views_targets.target_assign, name="target-assign"),
    path("targets/<uuid:target_id>/verify/", views_targets.target_verify, name="target-verify"),
    path("targets/<uuid:target_id>/review/", views_targets.target_review, name="target-review"),
]
