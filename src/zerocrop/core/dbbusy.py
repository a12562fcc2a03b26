"""A database that stays locked past the busy timeout answers 503 "请稍后重试", never a 500.

SQLite waits for a lock up to DATABASES' "timeout" (config/settings.py); only a write that
still finds the database locked after that ends here. Other database errors stay 500s.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

BUSY_MESSAGE = "数据库正忙，请稍后重试"
RETRY_AFTER_S = 5

logger = logging.getLogger(__name__)


def is_database_locked(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def busy_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": BUSY_MESSAGE, "field": None, "code": "busy"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        try:
            response = render(request, "core/busy.html", {"message": BUSY_MESSAGE}, status=503)
        except Exception:  # the page needs the database too; never turn a 503 into a 500
            logger.exception("busy page could not be rendered")
            response = HttpResponse(BUSY_MESSAGE, status=503, content_type="text/plain")
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


class DatabaseBusyMiddleware:
    """Turns "database is locked" raised by a view into the 503 page or JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_locked(exception):
            return None
        logger.warning("database locked past the busy timeout: %s %s", request.method, request.path)
        return busy_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the same 503 when the lock was hit outside a view (e.g. saving the session)."""
    if is_database_locked(sys.exc_info()[1]):
        return busy_response(request)
    return defaults.server_error(request)
