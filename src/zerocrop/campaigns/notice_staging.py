"""A notice between its preview and the confirmation: parsed once, staged with its draft.

The notice as received (the uploaded file, or the pasted text as UTF-8) is kept in the core
staged-upload store (namespace "notice", bound to the uploader's session), and beside it the
text read from it and the draft `parse_notice` made of it. Confirming reads that draft back
with the token, so the notice is neither sent back through the browser nor parsed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zerocrop.campaigns.notice import parse_notice
from zerocrop.campaigns.notice_files import MAX_NOTICE_BYTES, NoticeFileError
from zerocrop.core.uploads import (
    Session,
    StagedUploadError,
    staged_delete,
    staged_get,
    staged_save,
)

NAMESPACE = "notice"
PASTED_NAME = "粘贴的方案.txt"


@dataclass(frozen=True)
class StagedNotice:
    token: str
    original_name: str
    text: str
    facts: dict[str, Any]


def notice_stage(
    *, session: Session, text: str, data: bytes | None = None, name: str | None = None
) -> StagedNotice:
    """Parse the notice once and stage it with its draft; `data`/`name`: the uploaded file.

    A pasted notice (no `data`) is staged as its text. Raises `NoticeFileError` if the file
    cannot be kept (empty, too large).
    """
    facts = parse_notice(text).to_dict()
    try:
        staged = staged_save(
            session=session,
            namespace=NAMESPACE,
            name=name if data is not None else PASTED_NAME,
            data=data if data is not None else text.encode("utf-8"),
            derived={"text": text, "facts": facts},
            max_bytes=MAX_NOTICE_BYTES,
        )
    except StagedUploadError as exc:
        raise NoticeFileError(exc.message) from None
    return StagedNotice(
        token=staged.token, original_name=staged.original_name, text=text, facts=facts
    )


def notice_staged(*, session: Session, token: str) -> StagedNotice | None:
    """The notice this session staged under `token`, or None (unknown, expired, foreign)."""
    staged = staged_get(session=session, namespace=NAMESPACE, token=token)
    draft = staged.derived() if staged is not None else None
    if staged is None or draft is None:
        return None
    text, facts = draft.get("text"), draft.get("facts")
    if not isinstance(text, str) or not isinstance(facts, dict):
        return None
    return StagedNotice(
        token=staged.token, original_name=staged.original_name, text=text, facts=facts
    )


def notice_unstage(*, session: Session, token: str) -> None:
    """Forget a staged notice once its campaign exists (no error if already gone)."""
    staged_delete(session=session, namespace=NAMESPACE, token=token)


def notice_restage(
    *, session: Session, staged: StagedNotice, facts: dict[str, Any]
) -> StagedNotice:
    """Keep the user's corrections: the same notice staged again with the edited draft.

    The old token is forgotten, so a page left open on the old draft cannot confirm it.
    """
    kept = staged_get(session=session, namespace=NAMESPACE, token=staged.token)
    if kept is None:
        raise NoticeFileError("方案预览已过期，请重新粘贴或上传方案。")
    renewed = staged_save(
        session=session,
        namespace=NAMESPACE,
        name=kept.original_name,
        data=kept.read_bytes(),
        derived={"text": staged.text, "facts": facts},
        max_bytes=MAX_NOTICE_BYTES,
    )
    staged_delete(session=session, namespace=NAMESPACE, token=staged.token)
    return StagedNotice(
        token=renewed.token, original_name=renewed.original_name, text=staged.text, facts=facts
    )
