from django.urls import path

from zerocrop.core import views_jobs

urlpatterns = [
    path("<uuid:job_id>/", views_jobs.job_detail, name="job-detail"),
    path("<uuid:job_id>/status/", views_jobs.job_status, name="job-status"),
]
