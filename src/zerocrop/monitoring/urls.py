from django.urls import include, path

from zerocrop.monitoring import urls_batches, urls_feedback, urls_sampling, urls_targets

urlpatterns = [
    path("", include(urls_targets)),
    path("", include(urls_batches)),
    path("", include(urls_feedback)),
    path("sampling/", include(urls_sampling)),
]
