from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zerocrop.api.v1 import api
from zerocrop.core.views import healthz
from zerocrop.org.forms import AdminLoginForm
from zerocrop.org.views import LoginView

admin.site.site_header = "ZeroCrop 禁种铲毒工作平台"
admin.site.site_title = "禁种铲毒工作平台"
admin.site.index_title = "数据管理"
admin.site.login_form = AdminLoginForm
handler500 = "zerocrop.core.dbbusy.server_error"

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("evidence/", include("zerocrop.core.evidence_urls")),
    path("api/v1/", api.urls),
    path("org/", include("zerocrop.org.urls")),
    path("geo/", include("zerocrop.geo.urls")),
    path("patrols/", include("zerocrop.patrols.urls")),
    path("findings/", include("zerocrop.findings.urls")),
    path("monitoring/", include("zerocrop.monitoring.urls")),
    path("field/", include("zerocrop.field.urls")),
    path("jobs/", include("zerocrop.core.urls")),
    path("", include("zerocrop.campaigns.urls")),
]
