"""A track (and its photos) between an upload that raised warnings and the user's confirmation.

Kept in the core staged-upload store, bound to the uploader's session, so confirming needs no
second upload; like `campaigns.notice_staging` for notices.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from zerocrop.core.errors import ApplicationError
from zerocrop.core.uploads import (
    Session,
    StagedUpload,
    staged_delete,
    staged_get,
    staged_save,
)

TRACK_NAMESPACE = "patrol_track"
PHOTO_NAMESPACE = "patrol_photo"


@dataclass
class TrackUpload:
    raw: bytes
    name: str
    crs: str | None
    photos: list[tuple[str, Any]]
    staged: StagedUpload | None = None


def warnings_digest(warnings: list[str]) -> str:
    """Names the warnings a confirmation was given for: changed warnings must be asked again."""
    return hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:20]


def track_upload(*, session: Session, data: dict[str, Any]) -> TrackUpload | None:
    """The track of a valid patrol form: a new file, or the one kept for confirmation."""
    photos = [(p.name, p) for p in data["photos"]]
    if data.get("track"):
        if data.get("track_token"):  # another file chosen at the confirmation: forget the first
            track_unstage(session=session, token=data["track_token"])
        raw = data["track"].read()  # the form and the upload handler bound its size
        return TrackUpload(raw, data["track"].name, data.get("track_crs") or None, photos)
    if not data.get("track_token"):
        return None
    staged = staged_get(session=session, namespace=TRACK_NAMESPACE, token=data["track_token"])
    if staged is None:
        raise ApplicationError("待确认的轨迹已过期，请重新选择轨迹文件", field="track")
    for token in staged.meta.get("photos", []):
        photo = staged_get(session=session, namespace=PHOTO_NAMESPACE, token=token)
        if photo is None:
            raise ApplicationError("待确认的照片已过期，请重新选择照片", field="photos")
        photos.append((photo.original_name, photo.read_bytes()))
    if len(photos) > settings.ZEROCROP_PHOTO_MAX_COUNT:
        raise ApplicationError(f"照片最多 {settings.ZEROCROP_PHOTO_MAX_COUNT} 张", field="photos")
    crs = staged.meta.get("crs")
    return TrackUpload(staged.read_bytes(), staged.original_name, crs, photos, staged)


def track_stage(*, session: Session, upload: TrackUpload) -> str:
    """Keep the track and its photos until the user confirms; the track's token."""
    if upload.staged is not None:
        return upload.staged.token
    photos = [
        staged_save(
            session=session,
            namespace=PHOTO_NAMESPACE,
            name=name,
            data=file,
            max_bytes=settings.ZEROCROP_SCAN_MAX_BYTES,
            max_pending=2 * settings.ZEROCROP_PHOTO_MAX_COUNT,
        ).token
        for name, file in upload.photos
    ]
    staged = staged_save(
        session=session,
        namespace=TRACK_NAMESPACE,
        name=upload.name,
        data=upload.raw,
        meta={"crs": upload.crs, "photos": photos},
        max_bytes=settings.ZEROCROP_TRACK_MAX_BYTES,
    )
    return staged.token


def track_unstage(*, session: Session, token: str) -> None:
    staged = staged_get(session=session, namespace=TRACK_NAMESPACE, token=token)
    if staged is None:
        return
    for photo in staged.meta.get("photos", []):
        staged_delete(session=session, namespace=PHOTO_NAMESPACE, token=photo)
    staged_delete(session=session, namespace=TRACK_NAMESPACE, token=token)


def track_release(*, session: Session, upload: TrackUpload | None) -> None:
    """Forget what was kept for this upload, once it is recorded or refused."""
    if upload is not None and upload.staged is not None:
        track_unstage(session=session, token=upload.staged.token)
