"""Request bodies are capped per route and upload bytes counted while they stream in."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from PIL import Image

from zerocrop.campaigns.models import Campaign, Pledge
from zerocrop.core.middleware import UploadLimitMiddleware
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.models import PatrolPhoto, PatrolRecord, SurveyRound

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
BOUNDARY = "zerocrop-test-boundary"
JPEG_HEAD = b"\xff\xd8\xff\xe0"


class MultipartStream:
    """A multipart/form-data body made while it is read: each file is a short head and zeros.

    Nothing is kept in memory or on disk beyond the 64 KB being handed out.
    """

    BLOCK = bytes(64 * 1024)

    def __init__(self, fields: dict[str, Any], files: list[tuple[str, str, int]]) -> None:
        self.pieces: list[bytes | int] = []
        for name, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                self.pieces.append(
                    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{item}\r\n".encode()
                )
        for field, file_name, size in files:
            self.pieces.append(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{file_name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                + JPEG_HEAD
            )
            self.pieces.append(size - len(JPEG_HEAD))
            self.pieces.append(b"\r\n")
        self.pieces.append(f"--{BOUNDARY}--\r\n".encode())
        self.length = sum(p if isinstance(p, int) else len(p) for p in self.pieces)
        self.read_bytes = 0
        self._chunks = self._produce()
        self._buffer = b""

    def _produce(self) -> Iterator[bytes]:
        for piece in self.pieces:
            if isinstance(piece, bytes):
                yield piece
                continue
            left = piece
            while left:
                step = min(left, len(self.BLOCK))
                yield self.BLOCK if step == len(self.BLOCK) else self.BLOCK[:step]
                left -= step

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            if not self._buffer:
                self._buffer = next(self._chunks, b"")
                if not self._buffer:
                    break
            take = len(self._buffer) if size < 0 else min(len(self._buffer), size - len(out))
            out += self._buffer[:take]
            self._buffer = self._buffer[take:]
        self.read_bytes += len(out)
        return bytes(out)

    def readline(self, size: int = -1) -> bytes:  # LimitedStream wants it; the parser never calls
        raise AssertionError("readline is not expected")

    def close(self) -> None:
        pass


def post_stream(
    client: Client, url: str, body: MultipartStream, content_length: str | None = None
) -> HttpResponse:
    # generic() sets no content type without `data`: the environ is given whole.
    return client.generic(
        "POST",
        url,
        **{
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.length) if content_length is None else content_length,
        },
    )


def jpeg(color: str = "green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def stored_files(settings: Any) -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.DATA_DIR) / "uploads"]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def survey_round(login_as: Callable[[str], Client], demo_campaign: Campaign) -> SurveyRound:
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    response = login_as("admin").post(
        f"/patrols/rounds/new/?campaign={demo_campaign.pk}",
        {
            "window": window.pk,
            "name": "上传限制测试轮次",
            "units": [AdminUnit.objects.get(name="毛布拉格村").pk],
            "starts_on": timezone.localdate() - timedelta(days=30),
            "ends_on": timezone.localdate() + timedelta(days=30),
            "cell_size_m": 200,
            "threshold_pct": 90,
            "radius_m": 30,
        },
    )
    assert response.status_code == 302
    return SurveyRound.objects.get(name="上传限制测试轮次")


def patrol_fields() -> dict[str, Any]:
    village = AdminUnit.objects.get(name="毛布拉格村")
    now = timezone.localtime()
    return {
        "unit": str(village.pk),
        "people": [str(Person.objects.get(name="高志刚", unit=village).pk)],
        "started_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "result": "nothing",
    }


@dataclass(frozen=True)
class Route:
    user: str
    field: str
    label: str
    url: Callable[[Campaign, SurveyRound | None], str]
    fields: Callable[[], dict[str, Any]]
    file_name: str


ROUTES = {
    "notice": Route(
        "admin", "file", "方案文件", lambda c, r: "/campaigns/import/",
        lambda: {"step": "preview"}, "方案.txt",
    ),
    "pledge": Route(
        "cadre", "scan", "扫描件", lambda c, r: f"/campaigns/{c.pk}/pledges/new/",
        lambda: {
            "kind": "unit",
            "unit": str(AdminUnit.objects.get(name="毛布拉格村").pk),
            "signer": "限额测试",
            "signed_on": "2022-05-02",
        },
        "责任状.jpg",
    ),
    "patrol-track": Route(
        "grid", "track", "轨迹文件", lambda c, r: f"/patrols/rounds/{r.pk}/patrols/new/",
        patrol_fields, "轨迹.gpx",
    ),
    "patrol-photo": Route(
        "grid", "photos", "照片", lambda c, r: f"/patrols/rounds/{r.pk}/patrols/new/",
        patrol_fields, "现场.jpg",
    ),
    "geo": Route(
        "admin", "file", "文件", lambda c, r: "/geo/import/",
        lambda: {"crs": "auto"}, "地块.geojson",
    ),
}  # fmt: skip


def nothing_stored_since(before: tuple[int, ...], settings: Any, files: list[Path]) -> None:
    assert counts() == before
    assert stored_files(settings) == files


def counts() -> tuple[int, ...]:
    return (
        Campaign.objects.count(),
        Pledge.objects.count(),
        PatrolRecord.objects.count(),
        PatrolPhoto.objects.count(),
    )


@pytest.mark.parametrize("key", list(ROUTES))
def test_a_body_declared_larger_than_the_route_takes_is_refused_unread(
    key: str, login_as, demo_campaign, survey_round, settings
) -> None:
    from zerocrop.core.upload_limits import limit_for  # noqa: F401 - the table under test

    route = ROUTES[key]
    before, files = counts(), stored_files(settings)
    body = MultipartStream(route.fields(), [(route.field, route.file_name, 300 * MiB)])
    response = post_stream(login_as(route.user), route.url(demo_campaign, survey_round), body)
    page = response.content.decode()
    assert response.status_code == 413
    assert "提交的内容太大（300.1 MB），未保存任何内容" in page and route.label in page
    assert body.read_bytes == 0
    nothing_stored_since(before, settings, files)


def test_an_api_body_over_the_cap_gets_a_json_413(login_as, demo_campaign) -> None:
    response = login_as("admin").generic(
        "POST",
        "/api/v1/geo/plots",
        **{
            "CONTENT_TYPE": "application/json",
            "wsgi.input": MultipartStream({}, []),
            "CONTENT_LENGTH": str(11 * MiB),
        },
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and "提交的内容太大" in body["detail"]


def test_a_page_without_uploads_takes_no_large_body(login_as, demo_campaign) -> None:
    response = post_stream(
        login_as("admin"), "/patrols/rounds/new/", MultipartStream({}, [("x", "a.jpg", 2 * MiB)])
    )
    assert response.status_code == 413 and "此处不接受上传文件" in response.content.decode()


@pytest.fixture
def small_limits(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Limits of 100 KB so the streaming cut-off is quick to reach; temp files kept in sight."""
    settings.ZEROCROP_SCAN_MAX_BYTES = 100 * 1024
    settings.ZEROCROP_NOTICE_MAX_BYTES = 100 * 1024
    settings.ZEROCROP_TRACK_MAX_BYTES = 100 * 1024
    monkeypatch.setattr("zerocrop.geo.safety.MAX_UPLOAD_BYTES", 100 * 1024)
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file goes through a temp file on disk
    return tmp_path


@pytest.mark.parametrize("key", list(ROUTES))
def test_a_file_over_its_limit_is_cut_off_while_streaming_and_named_on_the_form(
    key: str, login_as, demo_campaign, survey_round, settings, small_limits
) -> None:
    route = ROUTES[key]
    before, files = counts(), stored_files(settings)
    data = route.fields()
    data[route.field] = SimpleUploadedFile(route.file_name, JPEG_HEAD + bytes(300 * 1024))
    response = login_as(route.user).post(route.url(demo_campaign, survey_round), data)
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert f"{route.label}「{route.file_name}」太大，上限为 100 KB" in page
    nothing_stored_since(before, settings, files)
    assert list(small_limits.iterdir()) == []  # the partial temp file is gone


def test_one_oversized_photo_refuses_the_whole_patrol(
    login_as, survey_round, settings, small_limits
) -> None:
    before, files = counts(), stored_files(settings)
    data = patrol_fields()
    data["photos"] = [
        SimpleUploadedFile("好.jpg", jpeg()),
        SimpleUploadedFile("大.jpg", JPEG_HEAD + bytes(300 * 1024)),
    ]
    page = login_as("grid").post(f"/patrols/rounds/{survey_round.pk}/patrols/new/", data)
    assert "照片「大.jpg」太大，上限为 100 KB" in page.content.decode()
    nothing_stored_since(before, settings, files)


def test_photos_beyond_the_count_are_refused_not_dropped(login_as, survey_round, settings) -> None:
    settings.ZEROCROP_PHOTO_MAX_COUNT = 2
    before, files = counts(), stored_files(settings)
    data = patrol_fields()
    data["photos"] = [SimpleUploadedFile(f"{i}.jpg", jpeg()) for i in range(3)]
    page = login_as("grid").post(f"/patrols/rounds/{survey_round.pk}/patrols/new/", data)
    assert "照片最多 2 个，「2.jpg」超出数量，未上传" in page.content.decode()
    nothing_stored_since(before, settings, files)


def test_photos_within_the_limits_are_stored(login_as, survey_round) -> None:
    data = patrol_fields()
    data["photos"] = [SimpleUploadedFile("a.jpg", jpeg("red")), SimpleUploadedFile("b.jpg", jpeg())]
    response = login_as("grid").post(f"/patrols/rounds/{survey_round.pk}/patrols/new/", data)
    assert response.status_code == 302
    record = PatrolRecord.objects.get(round=survey_round)
    assert sorted(p.caption for p in record.photos.all()) == ["a.jpg", "b.jpg"]


def test_a_chunked_body_without_content_length_is_not_read(
    login_as, survey_round, settings
) -> None:
    before, files = counts(), stored_files(settings)
    body = MultipartStream(patrol_fields(), [("photos", "大.jpg", 50 * MiB)])
    response = post_stream(
        login_as("grid"), f"/patrols/rounds/{survey_round.pk}/patrols/new/", body, ""
    )
    assert response.status_code == 200 and body.read_bytes == 0
    nothing_stored_since(before, settings, files)


def asgi_request(path: str, body: MultipartStream, declared: int) -> ASGIRequest:
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "query_string": b"",
        "headers": [
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"content-length", str(declared).encode()),
        ],
    }
    return ASGIRequest(scope, body)


def test_a_body_longer_than_it_declared_is_cut_off(demo_campaign) -> None:
    # Under ASGI the body is not bounded by Content-Length: a lying header must not let it in.
    body = MultipartStream({"signer": "说谎"}, [("scan", "大.jpg", 50 * MiB)])
    request = asgi_request(f"/campaigns/{demo_campaign.pk}/pledges/new/", body, 4096)
    response = UploadLimitMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
    assert response is not None and response.status_code == 413
    assert "提交的内容太大" in response.content.decode()
    assert body.read_bytes < MiB and "scan" not in request.FILES


def test_a_body_past_the_route_limit_is_cut_off_without_content_length_help(
    demo_campaign, settings
) -> None:
    settings.ZEROCROP_SCAN_MAX_BYTES = 100 * 1024
    # Declared within the limit, then many small files adding up past it.
    body = MultipartStream({}, [("scan", f"{i}.jpg", 90 * 1024) for i in range(40)])
    request = asgi_request(f"/campaigns/{demo_campaign.pk}/pledges/new/", body, body.length)
    middleware = UploadLimitMiddleware(lambda r: HttpResponse())
    assert middleware(request).status_code == 413  # declared: refused unread
    assert body.read_bytes == 0
    request = asgi_request(f"/campaigns/{demo_campaign.pk}/pledges/new/", body, 200 * 1024)
    response = middleware.process_view(request, None, (), {})
    assert response is not None and response.status_code == 413
    assert body.read_bytes < 2 * MiB


def _peak_growth(action: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        result = action()
        return result, tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def test_three_300_mb_photos_are_refused_in_little_memory(login_as, survey_round) -> None:
    """The attack of issue 7: three 300 MB photos took a worker from 245 MB to 1.1 GB."""
    grid = login_as("grid")
    url = f"/patrols/rounds/{survey_round.pk}/patrols/new/"
    before = counts()
    body = MultipartStream(patrol_fields(), [("photos", f"{i}.jpg", 300 * MiB) for i in range(3)])
    response, peak = _peak_growth(lambda: post_stream(grid, url, body))
    assert response.status_code == 413 and body.read_bytes == 0
    assert peak < 50 * MiB
    assert counts() == before


def test_large_photos_within_the_body_limit_stream_through_in_little_memory(
    login_as, survey_round
) -> None:
    # 3 × 80 MB fits the route's body limit (track + 20 photos), so every byte is read: each
    # photo is cut off at 10 MB and the rest of it read past, never held.
    grid = login_as("grid")
    url = f"/patrols/rounds/{survey_round.pk}/patrols/new/"
    before = counts()
    body = MultipartStream(patrol_fields(), [("photos", f"{i}.jpg", 80 * MiB) for i in range(3)])
    response, peak = _peak_growth(lambda: post_stream(grid, url, body))
    page = response.content.decode()
    assert response.status_code == 200 and body.read_bytes == body.length
    assert all(f"照片「{i}.jpg」太大，上限为 10 MB" in page for i in range(3))
    assert peak < 50 * MiB
    assert counts() == before
