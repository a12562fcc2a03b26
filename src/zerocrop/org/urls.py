from django.urls import path

from zerocrop.org import views

urlpatterns = [
    path("units/", views.unit_list, name="unit-list"),
    path("units/<uuid:unit_id>/", views.unit_detail, name="unit-detail"),
    path("people/", views.person_list, name="person-list"),
    path("login-locks/", views.login_lock_list, name="login-locks"),
    path("login-locks/lift/", views.login_lock_lift, name="login-lock-lift"),
]
