"""The batch pages: upload → preview (guessed map, counts, bad rows) → 确认导入; list, detail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import Point
from tests.monitoring.batch_builders import HEADER, csv_bytes

from zerocrop.core.clock import today
from zerocrop.monitoring.models import Target, TargetBatch
from zerocrop.org.models import AdminUnit

METRE = 1 / 111_320


def _row(code: str, p: Point) -> list[str]:
    return [code, "靖边县", "某镇", f"{p.x:.7f}", f"{p.y:.7f}", "0.5", "罂粟", "高", "", ""]


def _form(data: bytes, name: str = "第3批靶点.csv", **extra: str) -> dict:
    values = {
        "file": SimpleUploadedFile(name, data),
        "name": "县禁毒办第3批",
        "issuer": "县禁毒办",
        "issuer_level": "county",
        "doc_number": "",
        "issued_on": (today() - timedelta(days=2)).isoformat(),
        "due_on": (today() + timedelta(days=8)).isoformat(),
        "imagery_date": "",
        "source_crs": "wgs84",
        "campaign": "",
    }
    values.update(extra)
    return values


@pytest.fixture
def sample(village, inside, town) -> bytes:
    other = AdminUnit.objects.get(parent=town, name="王窑湾村")
    p = inside(village)
    return csv_bytes(
        [
            HEADER,
            _row("V-01", p),
            _row("V-02", Point(p.x + 10 * METRE, p.y)),  # 10 m away: merged into V-01
            _row("V-03", inside(other)),
            ["", "", "", "108.6", "37.9", "", "", "", "", ""],  # no code
        ]
    )


def _token(response) -> str:
    return re.search(r"token=([A-Za-z0-9_-]+)", response["Location"]).group(1)


def test_upload_preview_and_confirm(login_as, sample, village):
    client = login_as("admin")
    response = client.post(reverse("batch-import"), _form(sample))
    assert response.status_code == 302, response.content.decode()[:2000]
    token = _token(response)
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-testid="count-targets">2<' in page
    assert 'data-testid="count-merged">1<' in page
    assert 'data-testid="count-bad">1<' in page
    assert "第5行：缺少靶点编号" in page
    assert "「V-02」（第3行）并入「V-01」" in page
    assert '<option value="靶点编号" selected>' in page  # the guessed map
    assert Target.objects.filter(code="V-01").count() == 0  # nothing saved yet
    issued = today() - timedelta(days=2)
    assert f"下发 {issued.year}年{issued.month}月{issued.day}日" in page  # not 2022-07-08
    data = {"token": token, "distance_m": "50", "action": "import"}
    data |= {"col_code": "靶点编号", "col_lon": "经度", "col_lat": "纬度", "col_area": "面积(亩)"}
    done = client.post(reverse("batch-import-preview"), data)
    assert done.status_code == 302
    batch = TargetBatch.objects.get(name="县禁毒办第3批")
    assert done["Location"] == reverse("batch-detail", args=[batch.pk])
    assert set(batch.targets.values_list("code", flat=True)) == {"V-01", "V-03"}
    assert batch.targets.get(code="V-01").unit == village
    detail = client.get(done["Location"]).content.decode()
    assert "V-01" in detail and "合并：V-02" in detail and 'data-testid="batch-file"' in detail
    v01 = batch.targets.get(code="V-01")
    assert f'href="{reverse("target-detail", args=[v01.pk])}">V-01</a>' in detail
    # the staged file is gone once imported
    again = client.post(reverse("batch-import-preview"), data)
    assert again.status_code == 302 and again["Location"] == reverse("batch-import")


def test_changing_the_map_refreshes_the_preview_and_a_missing_code_blocks(login_as, sample):
    client = login_as("admin")
    token = _token(client.post(reverse("batch-import"), _form(sample)))
    data = {"token": token, "distance_m": "50", "action": "refresh", "col_lon": "经度"}
    data["col_lat"] = "纬度"
    page = client.post(reverse("batch-import-preview"), data).content.decode()
    assert "无法导入：未指定靶点编号列" in page
    assert re.search(r'data-testid="batch-confirm"[^>]*disabled', page)
    data["action"] = "import"
    refused = client.post(reverse("batch-import-preview"), data)
    assert refused.status_code == 400
    assert not TargetBatch.objects.filter(name="县禁毒办第3批").exists()


def test_a_bad_file_is_refused_on_the_upload_page(login_as):
    client = login_as("admin")
    response = client.post(reverse("batch-import"), _form(b"\x00\x01garbage", name="a.pdf"))
    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode()


def test_re_importing_the_same_file_points_to_the_batch(login_as, sample):
    client = login_as("admin")
    for attempt in range(2):
        token = _token(client.post(reverse("batch-import"), _form(sample)))
        if attempt == 1:
            page = client.get(f"{reverse('batch-import-preview')}?token={token}").content.decode()
            assert 'data-testid="batch-existing"' in page
        data = {"token": token, "distance_m": "50", "action": "import"}
        data |= {"col_code": "靶点编号", "col_lon": "经度", "col_lat": "纬度"}
        response = client.post(reverse("batch-import-preview"), data, follow=True)
    batch = TargetBatch.objects.get(name="县禁毒办第3批")
    assert "未重复导入" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("batch-detail", args=[batch.pk])


@pytest.mark.parametrize("username", ["cadre", "grid", "police", "leader"])
def test_only_the_town_admin_imports(login_as, username):
    assert login_as(username).get(reverse("batch-import")).status_code == 403


def test_the_cadre_sees_only_their_villages_targets(
    login_as, make_batch, make_target, village, town
):
    other = AdminUnit.objects.get(parent=town, name="王窑湾村")
    batch = make_batch(name="两村批次")
    make_target(batch=batch, code="MINE-1")
    make_target(batch=batch, unit=other, code="THEIRS-1")
    hidden = make_batch(name="别村批次")
    make_target(batch=hidden, unit=other, code="THEIRS-2")
    client = login_as("cadre")
    listing = client.get(reverse("batch-list")).content.decode()
    assert "两村批次" in listing and "别村批次" not in listing
    detail = client.get(reverse("batch-detail", args=[batch.pk])).content.decode()
    assert "MINE-1" in detail and "THEIRS-1" not in detail
    assert client.get(reverse("batch-detail", args=[hidden.pk])).status_code == 404
    assert "导入上级下发靶点" not in listing
    admin_detail = login_as("admin").get(reverse("batch-detail", args=[batch.pk]))
    assert "THEIRS-1" in admin_detail.content.decode()


@pytest.mark.parametrize("username", ["admin", "leader", "cadre", "grid", "police"])
def test_the_menu_item_leads_to_the_list(login_as, username):
    client = login_as(username)
    page = client.get(reverse("batch-list"))
    assert page.status_code == 200
    assert 'data-testid="menu-target-batches"' in page.content.decode()


def test_an_empty_batch_list_says_who_imports(login_as, demo_campaign):
    from django.utils import timezone

    TargetBatch.objects.update(voided_at=timezone.now())
    admin = login_as("admin").get(reverse("batch-list")).content.decode()
    empty = admin.split('data-testid="batch-empty">')[1].split("</td>")[0]
    assert f'href="{reverse("batch-import")}"' in empty
    cadre = login_as("cadre").get(reverse("batch-list")).content.decode()
    empty = cadre.split('data-testid="batch-empty">')[1].split("</td>")[0]
    assert "由镇管理员导入" in empty and f'href="{reverse("batch-import")}"' not in empty


def test_the_preview_says_where_a_target_outside_the_town_goes(login_as, village, inside, town):
    data = csv_bytes([HEADER, _row("IN-1", inside(village)), _row("OUT-1", Point(100.0, 30.0))])
    client = login_as("admin")
    response = client.post(reverse("batch-import"), _form(data, name="范围外.csv"))
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-outside">1<' in page
    assert 'data-testid="row-outside"' in page and f"暂归{town.name}核查" in page
