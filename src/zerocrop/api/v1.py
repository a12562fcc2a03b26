"""The JSON API, version 1: one NinjaAPI, a router per domain app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from zerocrop.campaigns.api import router as campaigns_router
from zerocrop.core.errors import ApplicationError
from zerocrop.geo.api import router as geo_router
from zerocrop.patrols.api import router as patrols_router

api = NinjaAPI(
    title="ZeroCrop 禁种铲毒工作平台 API",
    version="1",
    auth=django_auth,  # the session of a logged-in user, with CSRF on writes
    urls_namespace="api-v1",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权操作"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "不存在或无权查看"}, status=404)


api.add_router("/campaigns", campaigns_router)
api.add_router("/geo", geo_router)
api.add_router("/patrols", patrols_router)
