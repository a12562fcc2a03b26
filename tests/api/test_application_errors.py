"""The API answers every ApplicationError with its own code and status (400, 403, 409)."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from zerocrop.api.errors import ZeroCropAPI
from zerocrop.core.errors import ApplicationError, NotPermitted, SyncConflict
from zerocrop.geo.features import GeoFileError
from zerocrop.patrols.states import check_transition

# The real API class with routes of its own: no route of v1 can conflict yet (the field app's
# sync will), and the handler is the same one every v1 route goes through.
api = ZeroCropAPI(urls_namespace="test-application-errors")


@api.post("/conflict")
def conflict(request):
    raise SyncConflict("该记录已被他人修改，请刷新后重试", field="updated_at")


@api.post("/forbidden")
def forbidden(request):
    raise NotPermitted("无权修改该地块")


@api.post("/file")
def bad_file(request):
    raise GeoFileError("压缩包中的路径不安全", code="zip_path")


@api.post("/move")
def bad_move(request):
    check_transition("validate", "ready")


@api.post("/rule")
def broken_rule(request):
    raise ApplicationError("名称不能为空", field="name")


client = TestClient(api)


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (
            "/conflict",
            409,
            {
                "detail": "该记录已被他人修改，请刷新后重试",
                "field": "updated_at",
                "code": "conflict",
            },
        ),
        ("/forbidden", 403, {"detail": "无权修改该地块", "field": None, "code": "forbidden"}),
        ("/file", 400, {"detail": "压缩包中的路径不安全", "field": None, "code": "zip_path"}),
        (
            "/move",
            400,
            {"detail": "待分配的任务不能复核通过", "field": None, "code": "transition"},
        ),
        ("/rule", 400, {"detail": "名称不能为空", "field": "name", "code": "rejected"}),
    ],
)
def test_application_errors_answer_detail_field_code(path, status, body) -> None:
    response = client.post(path)
    assert response.status_code == status
    assert response.json() == body
