"""A demo batch of 12 upper-level targets (乌审旗禁毒办, 2022-07-06), imported through the
batch service from a real GBK CSV: some lie on demo plots or near demo findings (本地已掌握 and
links show), two are near-duplicates (merged), one was due on 2022-07-08 (overdue on the demo
date 2022-07-10)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from zerocrop.campaigns.models import Campaign
from zerocrop.geo.models import Plot
from zerocrop.monitoring import services_batches
from zerocrop.monitoring.columns import guess_columns
from zerocrop.monitoring.models import TargetBatch
from zerocrop.org.models import AdminUnit

DEMO_FILE = Path(__file__).parent / "data" / "targets_tianmu22.csv"
DEMO_BATCH_NAME = "乌审旗禁毒办2022年第3批监测靶点"


def demo_monitoring_load(*, town: AdminUnit, campaign: Campaign, actor: Any) -> TargetBatch:
    """Idempotent: the batch already in the town is returned as it is."""
    existing = TargetBatch.objects.filter(unit=town, name=DEMO_BATCH_NAME).first()
    if existing is not None:
        return existing
    # The demo town's plot archive (建档) dates from the spring, before the batch was issued; the
    # rows themselves were written when the demo loaded, so their dates say so instead.
    Plot.objects.filter(unit__path__startswith=town.path, is_demo=True).update(
        created_at=datetime(2022, 3, 1, 9, 0, tzinfo=timezone.get_current_timezone())
    )
    data = DEMO_FILE.read_bytes()
    table = services_batches.batch_read_bytes(data=data, name=DEMO_FILE.name, source_crs="wgs84")
    return services_batches.batch_import(
        town=town,
        table=table,
        column_map=guess_columns(table.columns),
        file_bytes=data,
        original_name="乌审旗2022年第3批监测靶点.csv",
        name=DEMO_BATCH_NAME,
        issuer="乌审旗禁毒委员会办公室",
        issuer_level="county",
        doc_number="乌禁毒办〔2022〕31号",
        issued_on=date(2022, 7, 6),
        due_on=date(2022, 7, 20),
        imagery_date=date(2022, 6, 30),
        source_crs="wgs84",
        campaign=campaign,
        actor=actor,
    )
