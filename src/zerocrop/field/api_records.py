"""Records by client UUID, resumable files by hash, export bundles (docs/field-sync.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import File, UploadedFile

from zerocrop.core.errors import ApplicationError
from zerocrop.core.sizes import mb
from zerocrop.field import rules
from zerocrop.field.api import router
from zerocrop.field.api_schemas import RecordEditIn, RecordIn
from zerocrop.field.models import Device
from zerocrop.field.receipts import record_receipt
from zerocrop.field.services_bundles import bundle_import
from zerocrop.field.services_files import file_get, file_put_chunk
from zerocrop.field.services_records import record_edit, record_receive, record_refresh


def _respond(request: HttpRequest, body: Any, status: int = 200) -> HttpResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _refusal(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    body = {"detail": exc.message, "field": exc.field, "code": exc.code}
    body.update(getattr(exc, "extra", {}))
    return _respond(request, body, exc.http_status)


def _synced(request: HttpRequest) -> None:
    device = getattr(request, "device", None)
    if device is not None:
        Device.objects.filter(pk=device.pk).update(last_sync_at=timezone.now())


def _call(request: HttpRequest, work: Callable[[], tuple[Any, int]]) -> HttpResponse:
    try:
        body, status = work()
    except ApplicationError as exc:
        return _refusal(request, exc)
    _synced(request)
    return _respond(request, body, status)


def _too_large(request: HttpRequest, limit: int, what: str) -> HttpResponse | None:
    if len(request.body) <= limit:
        return None
    body = {"detail": f"{what}太大，上限为 {mb(limit)}", "field": None, "code": "too_large"}
    return _respond(request, body, 413)


def _record_schema() -> dict[str, Any]:
    # FileRef is among the API's components already (RecordEditIn uses it).
    schema = RecordIn.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    schema.pop("description", None)  # the docstring is for programmers, not the docs page
    return schema


RECORD_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": _record_schema()}}}
}
CHUNK_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    "parameters": [
        {
            "name": "Content-Range",
            "in": "header",
            "required": True,
            "description": "本块的字节范围：bytes 起点-终点/总大小",
            "schema": {"type": "string"},
        }
    ],
}


@router.post(
    "/records",
    summary="提交一条记录（按客户端标识，重复提交不重复入库）",
    url_name="sync-records",
    openapi_extra=RECORD_BODY,
)
def records_post(request: HttpRequest) -> HttpResponse:
    refused = _too_large(request, rules.MAX_RECORD_BYTES, "记录")
    if refused is not None:
        return refused
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        error = {"detail": "请求内容不是有效的 JSON", "field": None, "code": "invalid_json"}
        return _respond(request, error, 400)

    def work() -> tuple[Any, int]:
        record, created = record_receive(
            user=request.user, device=getattr(request, "device", None), body=body
        )
        return record_receipt(record), 201 if created else 200

    return _call(request, work)


@router.get("/records/{uuid}", summary="一条记录的服务器回执", url_name="sync-record")
def records_get(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _respond(request, record_receipt(record_refresh(user=request.user, uuid=uuid)))


@router.patch(
    "/records/{uuid}", summary="修改记录（基于回执中的版本）", url_name="sync-record-edit"
)
def records_patch(request: HttpRequest, uuid: UUID, edit: RecordEditIn) -> HttpResponse:
    def work() -> tuple[Any, int]:
        record = record_edit(
            user=request.user,
            uuid=uuid,
            base_version=edit.base_version,
            payload=edit.payload,
            files=[f.model_dump() for f in edit.files] if edit.files is not None else None,
        )
        return record_receipt(record), 200

    return _call(request, work)


@router.get("/files/{sha256}", summary="文件的上传进度", url_name="sync-file")
def files_get(request: HttpRequest, sha256: str) -> HttpResponse:
    return _call(request, lambda: (file_get(user=request.user, sha256=sha256), 200))


@router.put(
    "/files/{sha256}",
    summary="上传文件的一个分块",
    url_name="sync-file-put",
    openapi_extra=CHUNK_BODY,
)
def files_put(request: HttpRequest, sha256: str) -> HttpResponse:
    def work() -> tuple[Any, int]:
        state = file_put_chunk(
            user=request.user,
            sha256=sha256,
            content_range=request.headers.get("Content-Range"),
            data=request.body,
        )
        return state, 200

    return _call(request, work)


@router.post("/bundles", summary="导入离线数据包", url_name="sync-bundles")
def bundles_post(request: HttpRequest, file: File[UploadedFile]) -> HttpResponse:
    def work() -> tuple[Any, int]:
        return {"records": bundle_import(user=request.user, data=file.read())}, 200

    return _call(request, work)
