"""One error body for the whole API: `{"detail": <Chinese>, "field": <name or null>, "code": ...}`.

A domain refusal is a `zerocrop.core.errors.ApplicationError`: 400, or 403 for `NotPermitted`
and 409 for `SyncConflict`, with the error's own code.

Validation errors also carry `errors`, one such object per problem, the first repeated at the top.
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError, ValidationErrorContext
from ninja.parser import Parser

from zerocrop.core.errors import ApplicationError
from zerocrop.core.validation_messages import CODES, field_label, message

# Labels of path and query parameters, which have no schema to carry a title.
PARAMETER_LABELS = {
    "bbox": "视野范围",
    "zoom": "缩放级别",
    "kind": "类别",
    "risk": "风险等级",
    "q": "查询内容",
    "unit": "单位",
    "dead_only": "仅看死角",
    "campaign_id": "行动",
    "plot_id": "地块",
    "round_id": "踏查轮次",
    "finding_id": "发现点",
    "species": "植物种类",
    "state": "状态",
    "source": "发现方式",
    "payload": "请求内容",
    "batch": "批次",
    "target_id": "靶点",
}

HTTP_MESSAGES = {
    400: ("bad_request", "请求无效"),
    401: ("not_authenticated", "需要登录"),
    403: ("forbidden", "无权操作"),
    404: ("not_found", "不存在或无权查看"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    429: ("throttled", "请求过于频繁，请稍后重试"),
}


class RequestBodyError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class StrictJSONParser(Parser):
    """JSON bodies must be valid UTF-8 text: nothing is silently replaced or dropped."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestBodyError("invalid_utf8", "请求内容不是有效的 UTF-8 编码") from exc
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise RequestBodyError("invalid_json", "请求内容不是有效的 JSON") from exc
        try:
            # A "\ud800" escape is valid JSON but decodes to a lone surrogate, which is not text.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise RequestBodyError(
                "invalid_unicode", "请求内容含有无效的 Unicode 字符（孤立的代理项）"
            ) from exc
        return data


def error_body(detail: str, *, code: str, field: str | None = None) -> dict[str, Any]:
    return {"detail": detail, "field": field, "code": code}


class ZeroCropAPI(NinjaAPI):
    """NinjaAPI whose every refusal, down to a wrong method or an unknown path, is Chinese."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("parser", StrictJSONParser())
        super().__init__(**kwargs)

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        self.add_exception_handler(ApplicationError, self._application_error)
        self.add_exception_handler(DjangoValidationError, self._django_validation_error)
        self.add_exception_handler(RequestBodyError, self._body_error)
        self.add_exception_handler(ValidationError, self._validation_error)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(PermissionDenied, self._forbidden)
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(RequestDataTooBig, self._too_large)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                name, label = field_label(model, error["loc"], labels=PARAMETER_LABELS)
                errors.append(
                    error_body(
                        message(error, label or name or "请求内容"),
                        code=CODES.get(error["type"], "invalid"),
                        field=name,
                    )
                )
        return ValidationError(errors)

    def _respond(self, request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return self.create_response(request, body, status=status)

    def _application_error(self, request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        # Every subclass carries its own code and status: a refused file or move 400,
        # NotPermitted 403, SyncConflict 409.
        body = error_body(exc.message, code=exc.code, field=exc.field)
        return self._respond(request, body, exc.http_status)

    def _django_validation_error(
        self, request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        # A model's full_clean() in a service: its messages are already in the active language.
        if hasattr(exc, "error_dict"):
            field, messages = next(iter(exc.message_dict.items()))
            field = None if field == "__all__" else field
        else:
            field, messages = None, exc.messages
        return self._respond(request, error_body(messages[0], code="invalid", field=field), 400)

    def _body_error(self, request: HttpRequest, exc: RequestBodyError) -> HttpResponse:
        return self._respond(request, error_body(exc.message, code=exc.code), 400)

    def _validation_error(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = exc.errors or [error_body("请求内容无效", code="invalid")]
        return self._respond(request, {**errors[0], "errors": errors}, 422)

    def _http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, RequestBodyError):  # ninja wraps parser errors in an HttpError
            return self._body_error(request, cause)
        code, detail = HTTP_MESSAGES.get(exc.status_code, ("error", "请求无法处理"))
        if exc.status_code == 403 and "CSRF" in exc.message:
            code, detail = "csrf_failed", "页面已过期（CSRF 校验失败），请刷新页面后重试"
        return self._respond(request, error_body(detail, code=code), exc.status_code)

    def _forbidden(self, request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        body = error_body(str(exc) or HTTP_MESSAGES[403][1], code="forbidden")
        return self._respond(request, body, 403)

    def _not_found(self, request: HttpRequest, exc: Http404) -> HttpResponse:
        return self._respond(request, error_body(HTTP_MESSAGES[404][1], code="not_found"), 404)

    def _too_large(self, request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return self._respond(request, error_body(HTTP_MESSAGES[413][1], code="too_large"), 413)

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        patterns = [self._explain_not_allowed(p) for p in super()._get_urls()]
        # Last: any other path under the API answers a JSON 404, not Django's HTML page.
        patterns.append(re_path(r"^.*$", self._unknown_path, name="api-unknown-path"))
        return patterns

    def _explain_not_allowed(self, pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
        if not isinstance(pattern, URLPattern):
            return pattern
        view = pattern.callback

        @wraps(view)
        def explained(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"].replace(", ", "、")
                body = error_body(
                    f"不支持 {request.method} 请求（可用：{allowed}）", code="method_not_allowed"
                )
                explained_response = self._respond(request, body, 405)
                explained_response["Allow"] = response["Allow"]
                return explained_response
            return response

        pattern.callback = explained
        return pattern

    def _unknown_path(self, request: HttpRequest) -> HttpResponse:
        return self._respond(request, error_body("接口不存在", code="not_found"), 404)
