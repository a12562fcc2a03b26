from django.urls import path

from zerocrop.campaigns import views

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/import/", views.notice_import, name="notice-import"),
    path("campaigns/<uuid:campaign_id>/", views.campaign_detail, name="campaign-detail"),
    path(
        "campaigns/<uuid:campaign_id>/units/<uuid:unit_id>/liaison/",
        views.liaison_edit,
        name="liaison-edit",
    ),
    path("campaigns/<uuid:campaign_id>/pledges/", views.pledge_list, name="pledge-list"),
    path("campaigns/<uuid:campaign_id>/pledges/new/", views.pledge_create, name="pledge-create"),
    path("pledges/<uuid:pledge_id>/scan/", views.pledge_scan, name="pledge-scan"),
    path("pledges/<uuid:pledge_id>/void/", views.pledge_void, name="pledge-void"),
]
