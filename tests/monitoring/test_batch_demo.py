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
    # Found before 2022-07-06 (0301-0303), or on a plot archived in the spring (0304, 0308).
    assert known == {"WSQ22-0301", "WSQ22-0302", "WSQ22-0303", "WSQ22-0304", "WSQ22-0308"}
    assert "下发前已在地块台账" in targets["WSQ22-0308"].known_note
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


def test_the_demo_batch_page_names_what_each_target_lies_near(login_as, demo_campaign):
    batch = TargetBatch.objects.get(unit=demo_campaign.unit, name=DEMO_BATCH_NAME)
    page = login_as("admin").get(f"/monitoring/batches/{batch.pk}/").content.decode()
    assert "发现点 2022-06-28（王窑湾村" in page and "下发前已有" in page
    assert "地块「房后1号地」（毛布拉格村，" in page
    assert "合并：WSQ22-0305" in page
    assert 'data-testid="batch-file"' in page  # the town admin may fetch the original file
    cadre_page = login_as("cadre").get(f"/monitoring/batches/{batch.pk}/").content.decode()
    assert "WSQ22-0304" in cadre_page and "WSQ22-0301" not in cadre_page
    assert 'data-testid="batch-file"' not in cadre_page  # the town's file, not the village's


def test_the_original_file_downloads_for_the_town_not_for_a_village(login_as, demo_campaign):
    batch = TargetBatch.objects.get(unit=demo_campaign.unit, name=DEMO_BATCH_NAME)
    url = f"/evidence/{batch.source_file_id}/"
    response = login_as("admin").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DEMO_FILE.read_bytes()
    assert login_as("cadre").get(url).status_code == 404
