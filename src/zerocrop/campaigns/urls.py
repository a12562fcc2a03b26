from django.urls import path

from zerocrop.campaigns import views

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/import/", views.notice_import, name="notice-import"),
    path("campaigns/<uuid:campaign_id>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<uuid:campaign_id>/members/add/", views.member_add, name="member-add"),
    path(
        "campaigns/<uuid:campaign_id>/members/<uuid:member_id>/",
        views.member_edit,
        name="member-edit",
    ),
    path(
        "campaigns/<uuid:campaign_id>/members/<uuid:member_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("campaigns/<uuid:campaign_id>/phases/add/", views.phase_add, name="phase-add"),
    path(
        "campaigns/<uuid:campaign_id>/phases/<uuid:phase_id>/", views.phase_edit, name="phase-edit"
    ),
    path(
        "campaigns/<uuid:campaign_id>/phases/<uuid:phase_id>/remove/",
        views.phase_remove,
        name="phase-remove",
    ),
    path("campaigns/<uuid:campaign_id>/villages/add/", views.village_add, name="village-add"),
    path(
        "campaigns/<uuid:campaign_id>/villages/<uuid:unit_id>/remove/",
        views.village_remove,
        name="village-remove",
    ),
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
