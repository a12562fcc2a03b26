from django.urls import path

from zerocrop.geo import views

urlpatterns = [
    path("map/", views.map_page, name="geo-map"),
    path("plots/", views.plot_list, name="plot-list"),
    path("plots/assign/", views.plots_assign, name="plots-assign"),
    path("plots/<uuid:plot_id>/", views.plot_detail, name="plot-detail"),
]
