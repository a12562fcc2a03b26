"""The demo batch: imported from a real GBK CSV through the service, with links and merges."""

from __future__ import annotations

from datetime import date

from zerocrop.demo.monitoring import DEMO_BATCH_NAME, DEMO_FILE, demo_monitoring_load
from zerocrop.monitoring.choices import LinkKind
from zerocrop.monitoring.models import TargetBatch, TargetLink
from zerocrop.monitoring.states import target_state
from zerocrop.org.models import User


def test_the_demo_file_is_a_gbk_csv():
    data = DEMO_FILE.read_bytes()
    assert data.decode("gbk").startswith("靶点编号,县,乡镇,经度,纬度,面积(亩)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # pragma: no cover - the point of the file is that it is not UTF-8
        raise AssertionError("the demo file should be GBK")


def test_the_demo_batch_shows_merges_links_known_sites_and_an_overdue_target(demo_campaign):
    batch = TargetBatch.objects.get(unit=demo_campaign.unit, name=DEMO_BATCH_NAME)
    assert batch.encoding == "gbk" and batch.campaign == demo_campaign
    targets = {t.code: t for t in batch.targets.select_related("unit")}
    assert len(targets) == 11  # 12 rows, one near-duplicate merged
    assert targets["WSQ22-0304"].merged_codes == ["WSQ22-0305"]
    known = {code for code, t in targets.items() if t.locally_known}
    assert known == {"WSQ22-0301", "WSQ22-0302", "WSQ22-0303"}  # found before 2022-07-06
    assert "下发前已登记发现点：王窑湾村 2022-06-28" in targets["WSQ22-0301"].known_note
    assert TargetLink.objects.filter(target__batch=batch, kind=LinkKind.PLOT).count() >= 4
    assert targets["WSQ22-0301"].attributes["备注"] == "房后菜园"
    assert targets["WSQ22-0304"].unit.name == "毛布拉格村"
    overdue = [
        code
        for code, t in targets.items()
        if target_state(status=t.status, due_on=t.due_on, today=date(2022, 7, 10)).overdue
    ]
    assert overdue == ["WSQ22-0307"]


def test_loading_the_demo_again_changes_nothing(demo_campaign):
    before = TargetBatch.objects.count()
    batch = demo_monitoring_load(
        town=demo_campaign.unit,
        campaign=demo_campaign,
        actor=User.objects.get(username="admin"),
    )
    assert batch.name == DEMO_BATCH_NAME and TargetBatch.objects.count() == before
