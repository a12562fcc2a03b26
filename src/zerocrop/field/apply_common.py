"""What every applier needs: the record's persons, its files by role, the records it points at."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from typing import IO, Any
from uuid import UUID

from zerocrop.core.errors import ApplicationError
from zerocrop.field.models import SyncRecord
from zerocrop.field.services_files import file_open
from zerocrop.org.models import Person

# The patrol's track file is named after this (PatrolRecord.track_source).
TRACK_SOURCE = "外业应用"


class RecordFiles:
    """The files a record lists, opened on demand and closed when the applier is done."""

    def __init__(self, entries: Sequence[dict[str, Any]], stack: ExitStack) -> None:
        self.entries = list(entries)
        self.stack = stack

    def open(self, sha256: str) -> IO[bytes]:
        return self.stack.enter_context(file_open(sha256))

    def by_role(self, *roles: str) -> list[tuple[str, IO[bytes]]]:
        return [
            (self.name(entry), self.open(entry["sha256"]))
            for entry in self.entries
            if entry.get("role", "photo") in roles
        ]

    def with_roles(self, *roles: str) -> list[tuple[str, str, IO[bytes]]]:
        return [
            (entry.get("role", "photo"), self.name(entry), self.open(entry["sha256"]))
            for entry in self.entries
            if entry.get("role", "photo") in roles
        ]

    @staticmethod
    def name(entry: dict[str, Any]) -> str:
        return str(entry.get("name") or f"{entry['sha256'][:12]}.jpg")


def persons(ids: Sequence[UUID], *, field: str, label: str) -> list[Person]:
    """The persons named, in the order given; a missing one is refused with its field."""
    found = {p.pk: p for p in Person.objects.select_related("unit").filter(pk__in=list(ids))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ApplicationError(f"{label}中有人员不存在或已被删除", field=field)
    return [found[i] for i in dict.fromkeys(ids)]


def pointed(uuid: UUID | None, kind: str) -> SyncRecord | None:
    """The applied record `uuid` points at (a finding's patrol, an eradication's finding)."""
    if uuid is None:
        return None
    return SyncRecord.objects.filter(client_uuid=uuid, kind=kind, status="applied").first()
