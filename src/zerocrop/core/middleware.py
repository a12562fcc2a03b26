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
                    '{"detail": "需要登录"}', status=401, content_type="application/json"
                )
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
