"""A demo batch of 12 upper-level targets (乌审旗禁毒办, 2022-07-06), imported through the
batch service from a real GBK CSV: some lie on demo plots or near demo findings (本地已掌握 and
links show), two are near-duplicates (merged), one was due on 2022-07-08 (overdue on the demo
date 2022-07-10), 毛布拉格村's is due on 2022-07-12 (its cadre and grid worker see the reminder).

Then the verification story, through the real services: every target assigned to two of its
village's people; six verified between 2022-07-07 and 2022-07-10 (属实 linking the finding
known before the batch, 属实 creating a finding (a local miss), 不属实 草坪, 不属实 虞美人,
无法到达 and 重复), five of them approved by the town admin (neither verifier nor submitter),
the last one awaiting review; one sent back with a reason; the overdue one left overdue, the
others pending.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from PIL import ExifTags, Image

from zerocrop.campaigns.models import Campaign
from zerocrop.geo.crs import get_transformer, utm_epsg_for
from zerocrop.geo.models import Plot
from zerocrop.monitoring import services_batches
from zerocrop.monitoring.choices import (
    ArrivalSource,
    FalseReason,
    PhotoRole,
    VerifyResult,
)
from zerocrop.monitoring.columns import guess_columns
from zerocrop.monitoring.models import TargetBatch
from zerocrop.monitoring.services_targets import target_review, target_verify, targets_assign
from zerocrop.org.models import AdminUnit, Person, User

DEMO_FILE = Path(__file__).parent / "data" / "targets_tianmu22.csv"
DEMO_BATCH_NAME = "乌审旗禁毒办2022年第3批监测靶点"
LOCAL = ZoneInfo("Asia/Shanghai")
SUBMITTER = "police"  # 派出所民警 who came along and typed the results in
REVIEWER = "admin"  # the town admin: neither a verifier nor the submitter
ROLE_COLOURS = {PhotoRole.FAR: 0, PhotoRole.NEAR: 1, PhotoRole.FEATURE: 2}


@dataclass(frozen=True)
class Verification:
    """One target's visit: the result, where the team stood (metres east/north of it), when."""

    code: str
    result: str
    at: tuple[int, int, int]  # July day, hour, minute (2022, local time)
    offset_m: tuple[float, float] = (6.0, -4.0)
    arrival: str = ArrivalSource.PHOTO
    reason: str = ""
    reason_text: str = ""
    duplicate_of: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = (PhotoRole.FAR, PhotoRole.NEAR, PhotoRole.FEATURE)
    police: bool = False
    note: str = ""
    review: str = "approve"  # "approve", "return" or "" (left awaiting review)
    return_reason: str = ""


VERIFICATIONS = (
    Verification(
        code="WSQ22-0301",
        result=VerifyResult.TRUE,
        at=(7, 10, 20),
        counts={
            "plant_count": 35,
            "found_area_m2": 20.0,
            "species": "poppy",
            "stage": "flowering",
            "setting": "around_house",
        },
        note="即 6 月 28 日踏查发现的二组房后菜园，6 月 29 日已铲除，现场可见铲除痕迹，未见再生。",
    ),
    Verification(
        code="WSQ22-0303",
        result=VerifyResult.DUPLICATE,
        at=(7, 15, 40),
        duplicate_of="WSQ22-0301",
        note="经与旗禁毒办核对，该靶点与 WSQ22-0301 为同一线索重复下发（坐标录入有误）。",
    ),
    Verification(
        code="WSQ22-0306",
        result=VerifyResult.TRUE,
        at=(8, 15, 0),
        offset_m=(3.0, 2.0),
        arrival=ArrivalSource.PHONE,
        police=True,
        counts={
            "plant_count": 48,
            "found_area_m2": 30.0,
            "species": "cannabis",
            "stage": "budding",
            "setting": "field_edge",
        },
        note="玉米地边缘种植大麻，本地此前未掌握，民警到场固定证据。",
    ),
    Verification(
        code="WSQ22-0309",
        result=VerifyResult.FALSE,
        at=(8, 11, 10),
        reason=FalseReason.LAWN,
        reason_text="林地边缘新植草坪，影像上呈鲜绿色斑块。",
    ),
    Verification(
        code="WSQ22-0310",
        result=VerifyResult.UNREACHABLE,
        at=(9, 14, 0),
        offset_m=(-420.0, -380.0),
        arrival=ArrivalSource.PHONE,
        roles=(PhotoRole.FAR,),
        reason_text=(
            "无定河涨水，便桥被冲毁，人员车辆无法涉渡，在约 570 米外受阻，待水位回落后再去。"
        ),
    ),
    Verification(
        code="WSQ22-0311",
        result=VerifyResult.FALSE,
        at=(10, 9, 30),
        reason=FalseReason.ORNAMENTAL,
        reason_text="农户院外成片种植的虞美人，茎叶有毛、花瓣薄，非罂粟。",
        review="",
    ),
    Verification(
        code="WSQ22-0312",
        result=VerifyResult.FALSE,
        at=(8, 16, 30),
        reason=FalseReason.OTHER_CROP,
        reason_text="马铃薯地。",
        review="return",
        return_reason="照片未拍到植株的叶片和花，无法判断作物种类，请补拍特征照片后重新提交。",
    ),
)


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
    batch = services_batches.batch_import(
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
    _demo_verifications_load(batch=batch, actor=actor)
    return batch


def village_pair(unit: AdminUnit) -> list[Person]:
    """Two of the village's people: its secretary (or director) and the next one named."""
    people = list(Person.objects.filter(unit=unit).order_by("created_at"))
    cadre = next((p for p in people if "书记" in p.title or "主任" in p.title), people[0])
    # 毛布拉格村's cadre and grid worker hold the demo logins; they verify their own target.
    helper = next((p for p in people if p.title == "联络员" and p != cadre), None)
    helper = helper or next(p for p in people if p != cadre)
    return [cadre, helper]


def _moved(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    utm = f"EPSG:{utm_epsg_for(lon, lat)}"
    x, y = get_transformer("EPSG:4326", utm).transform(lon, lat)
    moved_lon, moved_lat = get_transformer(utm, "EPSG:4326").transform(x + east_m, y + north_m)
    return round(float(moved_lon), 7), round(float(moved_lat), 7)


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 3)


def demo_photo(
    *, name: str, colour: tuple[int, int, int], taken_at: datetime, lon: float, lat: float
) -> tuple[str, bytes]:
    """A small JPEG whose EXIF says when and where (as a phone writes it: local time, WGS84)."""
    exif = Image.Exif()
    exif[ExifTags.Base.DateTime] = taken_at.astimezone(LOCAL).strftime("%Y:%m:%d %H:%M:%S")
    exif[ExifTags.Base.Model] = "示例手机"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = _dms(abs(lat))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = _dms(abs(lon))
    buffer = io.BytesIO()
    Image.new("RGB", (160, 120), colour).save(buffer, format="JPEG", quality=80, exif=exif)
    return name, buffer.getvalue()


def _photos(spec: Verification, index: int, at: datetime, lon: float, lat: float) -> list:
    photos = []
    for role in spec.roles:
        shade = ROLE_COLOURS[role]
        colour = (40 + 17 * index, 90 + 50 * shade, 200 - 13 * index - 30 * shade)
        name, data = demo_photo(
            name=f"IMG_2022{at:%m%d}_{index:02d}{shade}.jpg",
            colour=colour,
            taken_at=at,
            lon=lon,
            lat=lat,
        )
        photos.append((role, name, data))
    return photos


def _demo_verifications_load(*, batch: TargetBatch, actor: Any) -> None:
    targets = {t.code: t for t in batch.targets.select_related("unit").order_by("code")}
    for target in targets.values():
        targets_assign(targets=[target], persons=village_pair(target.unit), actor=actor)
    submitter = User.objects.get(username=SUBMITTER)
    reviewer = User.objects.get(username=REVIEWER)
    for index, spec in enumerate(VERIFICATIONS, start=1):
        target = targets[spec.code]
        month_day, hour, minute = spec.at
        at = datetime(2022, 7, month_day, hour, minute, tzinfo=LOCAL)
        lon, lat = _moved(target.lon, target.lat, *spec.offset_m)
        target_verify(
            target=target,
            result=spec.result,
            verifiers=village_pair(target.unit),
            verified_at=at,
            photos=_photos(spec, index, at, lon, lat),
            # The photo's own fix when it is the source; else the phone's, typed in.
            arrival_lon=None if spec.arrival == ArrivalSource.PHOTO else lon,
            arrival_lat=None if spec.arrival == ArrivalSource.PHOTO else lat,
            arrival_accuracy_m=8.0 if spec.arrival == ArrivalSource.PHONE else None,
            arrival_source=spec.arrival,
            reason=spec.reason,
            reason_text=spec.reason_text,
            duplicate_of=targets[spec.duplicate_of] if spec.duplicate_of else None,
            police_present=spec.police,
            note=spec.note,
            actor=submitter,
            **spec.counts,
        )
        if spec.review:
            target_review(
                target=target,
                approve=spec.review == "approve",
                reason=spec.return_reason,
                actor=reviewer,
            )
