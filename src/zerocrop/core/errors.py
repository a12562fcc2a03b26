"""The one error type of the domain, and its few kinds.

Pure module: no Django import, so pure modules (readers, the state table) can raise it too.
A service, reader or rule raises `ApplicationError` (or a subclass) with a Chinese `message`
the user can act on, the form `field` it belongs to if any, and a short English `code` for
programs and tests. Forms show it with `zerocrop.core.forms.add_application_error`; the API
answers `{"detail", "field", "code"}` with the status of `http_status` (400, 403, 409).
"""

from __future__ import annotations

from typing import ClassVar


class ApplicationError(Exception):
    """A domain rule was broken; `message` is shown to the user (Chinese)."""

    # "rejected" is what the API has always answered for a refused write; full_clean()'s
    # field errors answer "invalid".
    default_code: ClassVar[str] = "rejected"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code

    def __str__(self) -> str:
        return self.message


class NotPermitted(ApplicationError):
    """The user may not do this (the API answers 403)."""

    default_code = "forbidden"
    http_status = 403


class SyncConflict(ApplicationError):
    """The write is based on an outdated version of the record (the API answers 409)."""

    default_code = "conflict"
    http_status = 409
