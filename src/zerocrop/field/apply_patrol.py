"""A synced patrol through `patrol_record_create`, as the web upload does it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zerocrop.field.api_schemas import PatrolPayload
from zerocrop.field.apply_common import TRACK_SOURCE, RecordFiles, persons
from zerocrop.field.apply_gpx import Gap, TrackFix, split_at_gaps, to_gpx
from zerocrop.field.models import SyncRecord
from zerocrop.org.models import AdminUnit
from zerocrop.patrols import rules as patrol_rules
from zerocrop.patrols import services as patrols
from zerocrop.patrols.models import PatrolRecord, SurveyRound
from zerocrop.patrols.tracks import Fix


def segments(payload: PatrolPayload) -> list[list[TrackFix]]:
    fixes = [TrackFix(f.lon, f.lat, f.t, f.acc) for f in payload.fixes]
    gaps = [Gap(g.from_, g.to) for g in payload.gaps]
    return split_at_gaps(fixes, gaps)


def _checkpoints_note(payload: PatrolPayload) -> str:
    if not payload.checkpoints:
        return ""
    times = [
        timezone.localtime(c.t).strftime("%H:%M") if c.t else f"{c.lat:.5f},{c.lon:.5f}"
        for c in payload.checkpoints
    ]
    return f"（外业应用打卡 {len(times)} 处：{'、'.join(times)}）"


def _note(payload: PatrolPayload) -> str:
    extra = _checkpoints_note(payload)
    note = payload.note.strip()
    room = patrol_rules.NOTE_MAX_CHARS - len(note) - 1
    if extra and room > 0:
        note = f"{note}\n{extra[:room]}" if note else extra[:room]
    return note


def apply_patrol(*, record: SyncRecord, payload: PatrolPayload, files: RecordFiles) -> PatrolRecord:
    unit = AdminUnit.objects.get(pk=payload.unit_id)
    survey_round = (
        SurveyRound.objects.select_related("campaign__unit").get(pk=payload.round_id)
        if payload.round_id
        else None
    )
    people = persons(payload.people, field="people", label="踏查人员")
    parts = segments(payload)
    tracks = [[Fix(f.lon, f.lat, f.time) for f in part] for part in parts if len(part) >= 2]
    started = timezone.localtime(payload.started_at)
    source = f"{TRACK_SOURCE}踏查-{started:%Y%m%d-%H%M}-{str(record.client_uuid)[:8]}.gpx"
    track_bytes = to_gpx(parts, name=source) if tracks else None
    warnings: list[str] = []
    cleaned: Any = None
    if survey_round is not None and tracks:
        # The worker walked it and cannot be asked to confirm offline: the warnings a web
        # upload shows are kept on the record instead.
        check = patrols.patrol_track_check(
            survey_round=survey_round,
            unit=unit,
            people=people,
            started_at=payload.started_at,
            ended_at=payload.ended_at,
            tracks=tracks,
            actor=record.user,
        )
        warnings, cleaned = check.warnings, check.cleaned
    return patrols.patrol_record_create(
        survey_round=survey_round,
        unit=unit,
        people=people,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        result=payload.result,
        note=_note(payload),
        tracks=tracks,
        track_source=source if track_bytes else "",
        track_bytes=track_bytes,
        photos=files.by_role("photo"),
        warnings=warnings,
        cleaned=cleaned,
        actor=record.user,
    )
