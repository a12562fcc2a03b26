"""Geo files between the import preview and the commit, kept in the core staged-upload store.

The file itself is staged by `zerocrop.core.uploads` (namespace "geo": private folder, random
token bound to the uploader's session, TTL sweep, per-session cap); this module adds what is
geo's own: the chosen coordinate system travels in the upload's meta, and a file that fails to
read (refused, timed out, too complex) is deleted at once, so nothing of a failed upload stays.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from zerocrop.core.sandbox import ServerBusy
from zerocrop.core.uploads import (
    Session,
    StagedUpload,
    StagedUploadError,
    session_key,
    staged_delete,
    staged_get,
    staged_save,
)
from zerocrop.geo.features import GeoFileError, GeoPreview
from zerocrop.geo.readers import read_geofile
from zerocrop.geo.safety import MAX_UPLOAD_BYTES

NAMESPACE = "geo"
SESSION_KEY = session_key(NAMESPACE)


def upload_crs(staged: StagedUpload) -> str | None:
    """The coordinate system the user chose for the file (None: detect it from the file)."""
    return str(staged.meta.get("crs") or "") or None


def save_upload(session: Session, uploaded: UploadedFile, *, crs: str | None) -> StagedUpload:
    """Stage an upload (size checked before and while copying)."""
    try:
        return staged_save(
            session=session,
            namespace=NAMESPACE,
            name=uploaded.name,
            data=uploaded,
            meta={"crs": crs or ""},
            max_bytes=MAX_UPLOAD_BYTES,
        )
    except StagedUploadError as exc:
        raise GeoFileError(exc.message, code=exc.code) from None


def load_upload(session: Session, token: str) -> StagedUpload | None:
    """The staged upload of this session, or None if unknown, expired or gone."""
    return staged_get(session=session, namespace=NAMESPACE, token=token)


def read_upload(session: Session, staged: StagedUpload) -> GeoPreview:
    """Read a staged upload as the user described it (format from the original name).

    A file that fails to read (refused, timed out, too complex, any error) is deleted with its
    session entry at once. Only "server busy" keeps it: the file was not read at all and the
    user may simply try again.
    """
    try:
        # By path: the bounded child reads the file itself, so its bytes never enter this process.
        return read_geofile(
            staged.path, source_crs=upload_crs(staged), original_name=staged.original_name
        )
    except GeoFileError as exc:
        if exc.code != ServerBusy.code:
            delete_upload(session, staged.token)
        raise
    except BaseException:
        delete_upload(session, staged.token)
        raise


def save_and_read(
    session: Session, uploaded: UploadedFile, *, crs: str | None
) -> tuple[StagedUpload, GeoPreview]:
    """Stage an upload and read it; on any failure nothing stays staged."""
    staged = save_upload(session, uploaded, crs=crs)
    try:
        return staged, read_upload(session, staged)
    except BaseException:
        delete_upload(session, staged.token)
        raise


def delete_upload(session: Session, token: str) -> None:
    """Remove the file and its session entry (no error if either is already gone)."""
    staged_delete(session=session, namespace=NAMESPACE, token=token)
