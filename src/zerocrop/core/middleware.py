import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

PUBLIC_PREFIXES = ("/login/", "/static/", "/healthz", "/admin/login/", "/public/")


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
