from django.urls import URLPattern, path

from zerocrop.monitoring import views_sampling as views

urlpatterns: list[URLPattern] = [
    path("", views.sampling_list, name="sampling-list"),
    path("new/", views.sampling_new, name="sampling-new"),
    path("<uuid:design_id>/", views.sampling_detail, name="sampling-detail"),
    path("<uuid:design_id>/draw/", views.sampling_draw, name="sampling-draw"),
    path("<uuid:design_id>/round/", views.sampling_round, name="sampling-round"),
    path("<uuid:design_id>/estimate/", views.sampling_estimate, name="sampling-estimate"),
    path("<uuid:design_id>/cells.geojson", views.sampling_cells, name="sampling-cells"),
    path("<uuid:design_id>/design.json", views.sampling_design_json, name="sampling-design-json"),
    path("<uuid:design_id>/results.csv", views.sampling_results_csv, name="sampling-results-csv"),
    path(
        "<uuid:design_id>/cells/<uuid:cell_id>/",
        views.sampling_result,
        name="sampling-result",
    ),
]
