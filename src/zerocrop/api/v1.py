"""The JSON API, version 1: one NinjaAPI, a router per domain app."""

from __future__ import annotations

from ninja import Swagger
from ninja.security import django_auth

from zerocrop.api.errors import ZeroCropAPI
from zerocrop.api.openapi_device import mount_device_openapi
from zerocrop.campaigns.api import router as campaigns_router
from zerocrop.core.api import router as jobs_router
from zerocrop.field.api import router as sync_router
from zerocrop.findings.api import router as findings_router
from zerocrop.geo.api import router as geo_router
from zerocrop.monitoring.api_batches import router as batches_router
from zerocrop.monitoring.api_targets import router as targets_router
from zerocrop.patrols.api import router as patrols_router

# Every error, from a bad body to an unknown path, answers {"detail", "field", "code"} in
# Chinese (see zerocrop.api.errors).
api = ZeroCropAPI(
    title="ZeroCrop 禁种铲毒工作平台 API",
    version="1",
    description=(
        "禁种铲毒工作平台的 JSON 接口（第 1 版）。使用网页登录后的会话认证，写操作需带 CSRF 令牌；"
        '所有错误均以 {"detail", "field", "code"} 返回中文说明。'
    ),
    # No "Schemas" section: its labels are Swagger UI's own English.
    docs=Swagger(settings={"defaultModelsExpandDepth": -1}),
    auth=django_auth,  # the session of a logged-in user, with CSRF on writes
    urls_namespace="api-v1",
)

api.add_router("/campaigns", campaigns_router)
api.add_router("/geo", geo_router)
api.add_router("/patrols", patrols_router)
api.add_router("/findings", findings_router)
api.add_router("/monitoring/targets", targets_router)
api.add_router("/monitoring", batches_router)
api.add_router("/jobs", jobs_router)
api.add_router("/sync", sync_router)
mount_device_openapi(api)
