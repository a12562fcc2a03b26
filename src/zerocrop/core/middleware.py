import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.shortcuts import render

from zerocrop.core.upload_handlers import upload_verdict
from zerocrop.core.upload_limits import FORM_BYTES, declared_length, limit_for, too_large_message

# The field app's shell and its sync API are public at this layer: the shell holds no data,
# and the API authenticates each call itself (a device token or the session).
PUBLIC_PREFIXES = (
    "/login/",
    "/static/",
    "/healthz",
    "/admin/login/",
    "/public/",
    "/field/app/",
    "/api/v1/sync/",
)


class LoginRequiredMiddleware:
    """Every page needs a login except the public ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.path.startswith("/api/"):
                return HttpResponse(
                    '{"detail": "需要登录", "field": null, "code": "not_authenticated"}',
                    status=401,
                    content_type="application/json",
                )
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class SessionKeepAliveMiddleware:
    """Renew a logged-in session (and so its idle timeout) at most once a minute.

    Saving the session on every request would make every request a database write; this
    keeps the idle timeout within a minute of SESSION_COOKIE_AGE with one write a minute.
    """

    RENEW_AFTER_S = 60
    KEY = "_zerocrop_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view: a login in this request has already replaced the session.
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= self.RENEW_AFTER_S:
                request.session[self.KEY] = now
        return response


def _too_large(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "field": None, "code": "too_large"}, status=413)
    return render(request, "core/upload_too_large.html", {"message": message}, status=413)


class UploadLimitMiddleware:
    """Refuse a request body larger than its route accepts (413), before anything reads it.

    Listed before every middleware that may read the body (CSRF reads request.POST). A body
    that arrives larger than declared or than the limit is cut off by UploadLimitHandler while
    streaming; this answers for it and hands files it skipped to the form as RefusedUpload.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size = declared_length(request)
        if size > FORM_BYTES:  # every route takes this much: only larger bodies need the table
            limit = limit_for(request)
            if size > limit.max_body_bytes:
                return _too_large(request, too_large_message(limit, size))
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or request.content_type != "multipart/form-data":
            return None
        try:
            files = request.FILES  # parse now, through the upload handlers
        except UnreadablePostError:  # the client went away; CSRF and the view see no data
            return None
        verdict = upload_verdict(request)
        if verdict is None:
            return None
        if verdict.body_refused:
            size = declared_length(request) or None
            return _too_large(request, too_large_message(verdict.limit, size))
        for refusal in verdict.refusals:
            if refusal.field_name not in verdict.limit.files:
                return _too_large(request, f"{refusal.upload.message}，未保存任何内容。")
        for refusal in verdict.refusals:
            files.appendlist(refusal.field_name, refusal.upload)
        verdict.refusals.clear()
        return None
