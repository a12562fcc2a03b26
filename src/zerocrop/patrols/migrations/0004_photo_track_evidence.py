"""Patrol photos become EvidenceFiles (the bytes stay in place); records may keep their track.

Tracks uploaded before this were hashed but never stored, so old records have no track file.
"""

import django.db.models.deletion
from django.db import migrations, models


def _claim(photo) -> dict:
    taken_at = photo.exif_taken_at.isoformat() if photo.exif_taken_at else None
    return {
        "taken_at": taken_at,
        "lon": photo.exif_lon,
        "lat": photo.exif_lat,
        "software": photo.exif_software,
    }


def to_evidence(apps, schema_editor) -> None:
    from zerocrop.core.evidence_migration import evidence_for_stored

    evidence_model = apps.get_model("core", "EvidenceFile")
    photos = apps.get_model("patrols", "PatrolPhoto").objects.select_related("record")
    for photo in photos:
        photo.evidence = evidence_for_stored(
            evidence_model,
            storage_name=photo.file.name,
            sha256=photo.sha256,
            kind="patrol_photo",
            original_name=photo.caption,
            created_by_id=photo.record.created_by_id,
            exif_claim=_claim(photo),
        )
        photo.save(update_fields=["evidence"])


def from_evidence(apps, schema_editor) -> None:
    photos = apps.get_model("patrols", "PatrolPhoto").objects.select_related("evidence")
    for photo in photos:
        photo.file = photo.evidence.storage_name
        photo.sha256 = photo.evidence.sha256
        photo.save(update_fields=["file", "sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("patrols", "0003_patrol_note_max_length"),
        ("core", "0004_evidence_file"),
    ]

    operations = [
        migrations.AddField(
            model_name="patrolrecord",
            name="track_file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.evidencefile",
                verbose_name="轨迹原文件",
            ),
        ),
        migrations.AddField(
            model_name="patrolphoto",
            name="evidence",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.evidencefile",
                verbose_name="照片",
            ),
        ),
        migrations.RunPython(to_evidence, from_evidence),
    ]
