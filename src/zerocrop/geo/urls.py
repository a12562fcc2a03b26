from django.urls import path

from zerocrop.geo import views, views_files

urlpatterns = [
    path("map/", views.map_page, name="geo-map"),
    path("plots/", views.plot_list, name="plot-list"),
    path("plots/assign/", views.plots_assign, name="plots-assign"),
    path("plots/<uuid:plot_id>/", views.plot_detail, name="plot-detail"),
    path("plots/<uuid:plot_id>/void/", views.plot_void, name="plot-void"),
    path("import/", views_files.geo_import, name="geo-import"),
    path("import/commit/", views_files.geo_import_commit, name="geo-import-commit"),
    path("plots/export/", views_files.plots_export, name="plots-export"),
    path("zones/export/", views_files.zones_export, name="zones-export"),
]
