from django.urls import path

from zerocrop.patrols import views

urlpatterns = [
    path("mine/", views.my_tasks, name="my-tasks"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<uuid:round_id>/", views.round_detail, name="round-detail"),
    path("rounds/<uuid:round_id>/assign/", views.round_assign, name="round-assign"),
    path("rounds/<uuid:round_id>/patrols/new/", views.patrol_create, name="patrol-create"),
    path("rounds/<uuid:round_id>/review/", views.round_review, name="round-review"),
    path("rounds/<uuid:round_id>/dead-corners/", views.dead_corner_report, name="dead-corners"),
    path("cells/<uuid:cell_id>/<str:action>/", views.cell_action, name="cell-action"),
    path("records/<uuid:record_id>/", views.patrol_detail, name="patrol-detail"),
    path("photos/<uuid:photo_id>/", views.photo_file, name="patrol-photo"),
]
