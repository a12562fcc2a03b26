"""The first upload handler: counts each file's bytes and the request's as they arrive.

A file past its limit (or one the route does not take) is skipped: its bytes are read past and
dropped, the rest of the form is still parsed, and a `RefusedUpload` takes its place in
request.FILES so the form shows why (UploadLimitMiddleware puts it there). A request whose files
add up past the route's body limit, or past the length it declared (a lying or missing
Content-Length under ASGI), is cut off at once and answered 413 by the middleware.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest

from zerocrop.core.upload_fields import RefusedUpload
from zerocrop.core.upload_limits import FileLimit, RouteLimit, limit_for, mb


@dataclass(frozen=True)
class Refusal:
    field_name: str
    upload: RefusedUpload


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: RouteLimit = limit_for(request) if request is not None else RouteLimit()
        self.declared = 0
        self.received = 0
        self.counts: dict[str, int] = {}
        self.refusals: list[Refusal] = []
        self.body_refused = False
        self.rule: FileLimit | None = None
        self.refusing: str | None = None

    def handle_raw_input(self, input_data: Any, meta: Any, content_length: int, *args: Any) -> None:
        self.declared = content_length

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.counts[field_name] = self.counts.get(field_name, 0) + 1
        self.rule = self.limit.files.get(field_name)
        declared = self.content_length
        if self.rule is None:
            self.refusing = f"此处不接受上传文件「{file_name}」"
        elif self.counts[field_name] > self.rule.max_count:
            self.refusing = (
                f"{self.rule.label}最多 {self.rule.max_count} 个，「{file_name}」超出数量，未上传"
            )
        elif declared is not None and declared > self.rule.max_bytes:
            self.refusing = self._too_large(declared)
        else:
            self.refusing = None
        # Skipping happens on the first chunk: raised here, Django would close the previous
        # (complete) file still held by the next handler.

    def _too_large(self, size: int | None) -> str:
        assert self.rule is not None
        amount = f"（{mb(size, over=True)}）" if size else ""
        return (
            f"{self.rule.label}「{self.file_name}」太大{amount}，上限为 {mb(self.rule.max_bytes)}"
        )

    def _placeholder(self) -> RefusedUpload:
        assert self.refusing is not None
        upload = RefusedUpload(name=self.file_name or "", message=self.refusing)
        self.refusing = None
        return upload

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit.max_body_bytes or self.received > self.declared:
            self.body_refused = True
            raise StopUpload(connection_reset=True)
        if self.refusing is None and self.rule and start + len(raw_data) > self.rule.max_bytes:
            self.refusing = self._too_large(None)
        if self.refusing is not None:
            self.refusals.append(Refusal(self.field_name, self._placeholder()))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> RefusedUpload | None:
        if self.refusing is not None:  # refused before any chunk came: an empty file
            return self._placeholder()
        return None


def upload_verdict(request: HttpRequest) -> UploadLimitHandler | None:
    """The limit handler of a request whose upload has been parsed, if it took part.

    `refusals` lists the skipped files not yet in request.FILES.
    """
    return next((h for h in request.upload_handlers if isinstance(h, UploadLimitHandler)), None)
