"""Pledge scans become EvidenceFiles: one row per distinct file, the bytes stay in place."""

import django.db.models.deletion
from django.db import migrations, models


def to_evidence(apps, schema_editor) -> None:
    from zerocrop.core.evidence_migration import evidence_for_stored

    evidence_model = apps.get_model("core", "EvidenceFile")
    for pledge in apps.get_model("campaigns", "Pledge").objects.exclude(scan=""):
        pledge.scan_evidence = evidence_for_stored(
            evidence_model,
            storage_name=pledge.scan.name,
            sha256=pledge.scan_sha256,
            kind="pledge_scan",
        )
        pledge.save(update_fields=["scan_evidence"])


def from_evidence(apps, schema_editor) -> None:
    pledges = apps.get_model("campaigns", "Pledge").objects.exclude(scan_evidence=None)
    for pledge in pledges.select_related("scan_evidence"):
        pledge.scan = pledge.scan_evidence.storage_name
        pledge.scan_sha256 = pledge.scan_evidence.sha256
        pledge.save(update_fields=["scan", "scan_sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_initial"),
        ("core", "0004_evidence_file"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="scan_evidence",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.evidencefile",
                verbose_name="扫描件",
            ),
        ),
        migrations.RunPython(to_evidence, from_evidence),
    ]
