"""The data migration onto EvidenceFile loses nothing: counts and hashes equal before and after."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image

from zerocrop.campaigns.models import Pledge
from zerocrop.core.evidence_models import EvidenceFile
from zerocrop.patrols.models import PatrolPhoto

BEFORE = [
    ("core", "0003_audit_chain_hmac"),
    ("campaigns", "0002_initial"),
    ("patrols", "0003_patrol_note_max_length"),
]


def image(color: str, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), color).save(buffer, format=fmt)
    return buffer.getvalue()


def put(folder: str, data: bytes, extension: str) -> tuple[str, str]:
    """Store bytes the way the apps did before (folder/ab/<sha>.ext); return name and hash."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest}{extension}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name, digest


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_pledge_scans_and_patrol_photos_move_onto_evidence_files_losing_nothing(demo_campaign):
    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldPledge = old.get_model("campaigns", "Pledge")
    OldRecord = old.get_model("patrols", "PatrolRecord")
    OldPhoto = old.get_model("patrols", "PatrolPhoto")
    try:
        unit_id = old.get_model("org", "AdminUnit").objects.get(name="毛布拉格村").pk
        scan_a, sha_a = put("pledges", image("white", "PNG"), ".png")
        scan_b, sha_b = put("pledges", b"%PDF-1.4 pledge", ".pdf")
        shared, sha_shared = put("patrols", image("red", "JPEG"), ".jpg")
        gone = "pledges/ff/" + "f" * 64 + ".png"  # recorded, but the file is missing
        pledges = [
            (scan_a, sha_a),
            (scan_a, sha_a),  # two pledges, one scan
            (scan_b, sha_b),
            (shared, sha_shared),  # the same bytes also a patrol photo
            (gone, "f" * 64),
            ("", ""),  # no scan
        ]
        for i, (name, digest) in enumerate(pledges):
            OldPledge.objects.create(
                campaign_id=demo_campaign.pk,
                kind="household",
                unit_id=unit_id,
                signer=f"签订人{i}",
                signed_on=date(2022, 5, 3),
                scan=name,
                scan_sha256=digest,
            )
        record = OldRecord.objects.create(
            unit_id=unit_id,
            started_at=datetime(2022, 5, 20, 2, tzinfo=UTC),
            ended_at=datetime(2022, 5, 20, 3, tzinfo=UTC),
            result="nothing",
        )
        photo_name, photo_sha = put("patrols", image("blue", "JPEG"), ".jpg")
        for name, digest, caption in [(photo_name, photo_sha, "一.jpg"), (shared, sha_shared, "")]:
            OldPhoto.objects.create(
                record=record,
                file=name,
                sha256=digest,
                caption=caption,
                exif_taken_at=datetime(2022, 5, 20, 2, 30, tzinfo=UTC),
                exif_software="Camera",
            )
        before_pledges = {
            p.pk: (p.scan_sha256, p.scan.name) for p in OldPledge.objects.exclude(scan="")
        }
        before_photos = {p.pk: (p.sha256, p.file.name) for p in OldPhoto.objects.all()}

        migrate(leaves())

        after_pledges = {
            p.pk: (p.scan.sha256, p.scan.storage_name)
            for p in Pledge.objects.exclude(scan=None).select_related("scan")
        }
        after_photos = {
            p.pk: (p.evidence.sha256, p.evidence.storage_name)
            for p in PatrolPhoto.objects.select_related("evidence")
        }
        assert after_pledges == before_pledges and len(after_pledges) == 5
        assert after_photos == before_photos and len(after_photos) == 2
        hashes = {h for h, _ in [*before_pledges.values(), *before_photos.values()]}
        assert set(EvidenceFile.objects.values_list("sha256", flat=True)) == hashes
        for evidence in EvidenceFile.objects.exclude(sha256="f" * 64):
            with default_storage.open(evidence.storage_name, "rb") as file:
                data = file.read()
            assert hashlib.sha256(data).hexdigest() == evidence.sha256
            assert evidence.size == len(data)
        missing = EvidenceFile.objects.get(sha256="f" * 64)
        assert missing.size == 0 and missing.storage_name == gone  # kept, not dropped
        photo = PatrolPhoto.objects.get(evidence__sha256=photo_sha)
        assert photo.evidence.original_name == "一.jpg"
        assert photo.evidence.exif_claim["software"] == "Camera"
        assert photo.exif_software == "Camera"  # the photo's own fields are untouched

        # And back: the old fields come back as they were.
        executor = migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        back = {
            p.pk: (p.scan_sha256, p.scan.name)
            for p in old.get_model("campaigns", "Pledge").objects.exclude(scan="")
        }
        assert back == before_pledges
        photos_back = old.get_model("patrols", "PatrolPhoto").objects.all()
        assert {p.pk: (p.sha256, p.file.name) for p in photos_back} == before_photos
    finally:
        migrate(leaves())
