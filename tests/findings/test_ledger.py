from __future__ import annotations

import io

import openpyxl
from django.utils import timezone

from zerocrop.core.models import AuditEvent
from zerocrop.findings import ledger
from zerocrop.findings.ledger import COLUMNS, finding_download

from .conftest import ago

EXPECTED_HEADERS = [
    "编号",
    "发现日期时间",
    "发现方式",
    "来源编号",
    "地点（村组+地名）",
    "经度",
    "纬度",
    "坐标系",
    "地块类型",
    "植物种类",
    "生长期",
    "面积（m²）",
    "株数",
    "计数方法",
    "种植人 或 无主",
    "是否自行铲除/收获前",
    "铲除日期",
    "铲除人员/见证人（村干部）",
    "销毁方式",
    "铲除前后照片号",
    "移交派出所时间/接收人",
    "处理结果",
    "复查日期/结果",
    "状态",
]


def test_the_columns_are_those_of_the_reference_ledger() -> None:
    assert [c.header for c in COLUMNS] == EXPECTED_HEADERS


def test_an_export_read_back_has_one_row_per_finding(record, eradicate, user_named) -> None:
    cadre = user_named("cadre")
    first = record(place="三组后山", source="tip", source_ref="JB-2022-07", found_at=ago(hours=3))
    done = record(
        plant_count=None,
        counting_method="sampled",
        area_m2=20,
        quadrats=[{"area_m2": 1, "plants": 10}],
        found_at=ago(hours=2),
        reported_at=ago(hours=1),
        report_receiver="李登军",
    )
    eradication = eradicate(done, destruction="就地焚烧后深埋")
    download = finding_download(user=cadre, params={})
    assert download.count == 2 and download.filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    sheet = book["发现铲除台账"]
    assert sheet.cell(1, 1).value.startswith("发现铲除台账")
    assert [c.value for c in sheet[2]] == EXPECTED_HEADERS
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=4)]
    by_header = [dict(zip(EXPECTED_HEADERS, row, strict=True)) for row in rows]
    tip, sampled = by_header
    assert tip["编号"] == 1 and tip["发现方式"] == "群众举报" and tip["来源编号"] == "JB-2022-07"
    assert tip["地点（村组+地名）"] == "毛布拉格村 三组后山"
    assert tip["经度"] == first.lon and tip["状态"] == "待铲除" and tip["铲除日期"] is None
    assert sampled["株数"] == 200 and sampled["计数方法"] == "样方推算（1 个样方）"
    assert sampled["销毁方式"] == "就地焚烧后深埋"
    assert sampled["铲除人员/见证人（村干部）"] == "王鸣山 / 王鸣山"
    assert sampled["铲除日期"] == timezone.localtime(eradication.done_at).replace(tzinfo=None)
    shas = [p.evidence.sha256[:8] for p in eradication.photos.all()]
    assert sampled["铲除前后照片号"].split("、") == shas
    assert sampled["移交派出所时间/接收人"].endswith("李登军")
    assert sampled["种植人 或 无主"] is None  # a cadre never gets the grower
    footer = [c.value for c in sheet[5] if c.value]
    assert any(str(v).startswith("填报单位：") for v in footer)


def test_the_export_through_the_page_is_audited(login_as, record) -> None:
    record()
    before = AuditEvent.objects.filter(action="export").count()
    response = login_as("cadre").get("/findings/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == ledger.XLSX_TYPE
    assert AuditEvent.objects.filter(action="export").count() == before + 1
