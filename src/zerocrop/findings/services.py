"""Writes of findings: record, update, void, eradicate, re-check. Each is audited."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from zerocrop.campaigns.models import Campaign
from zerocrop.core.audit import audit_record, snapshot
from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.evidence import evidence_check, evidence_store
from zerocrop.core.evidence_models import EvidenceKind
from zerocrop.core.files import CheckedFile, Upload
from zerocrop.core.voiding import void
from zerocrop.findings import counting, rules
from zerocrop.findings.capabilities import (
    FINDING_ERADICATE,
    FINDING_POLICE_FIELDS,
    FINDING_RECORD,
    STATUTE_VERIFY,
)
from zerocrop.findings.choices import (
    CountingMethod,
    EradicationMethod,
    FindingSource,
    FindingSpecies,
    FindingStatus,
    GrowthStage,
    PhotoPhase,
    Setting,
)
from zerocrop.findings.legal import StatuteTableError, default_table
from zerocrop.findings.models import (
    NOTE_MAX,
    Eradication,
    Finding,
    FindingPhoto,
    KeyPerson,
    Recheck,
)
from zerocrop.findings.statute_models import (
    ARTICLE_MAX,
    EXCERPT_MAX,
    SOURCE_MAX,
    StatuteVerification,
)
from zerocrop.geo.crs import convert_arrays, in_china, transform_geometry
from zerocrop.geo.geometry import located_fields
from zerocrop.geo.models import Plot, UnitBoundary
from zerocrop.geo.selectors import bbox_q
from zerocrop.org.capabilities import can
from zerocrop.org.choices import Role, UnitLevel
from zerocrop.org.models import AdminUnit, Person

FUTURE_SLACK = timedelta(minutes=10)
CADRE_TITLE = re.compile(r"书记|主任|委员|村干部|文书|会计|监委|村长")  # 村“两委”
BOUNDARY_SLACK_DEG = 0.0005  # ~50 m, as for plots


Photos = Sequence[tuple[str, Upload]]


def _require(actor: Any, capability: str, unit: AdminUnit, what: str) -> None:
    if actor is not None and not can(actor, capability, unit):
        raise NotPermitted(f"无权在{unit.name}{what}")


def _not_future(value: datetime, field: str, label: str) -> None:
    if value > timezone.now() + FUTURE_SLACK:
        raise ApplicationError(f"{label}不能晚于现在", field=field)


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ApplicationError(f"情况说明不能超过 {NOTE_MAX} 个字", field="note")
    return note


def _geometry(geometry: Mapping[str, Any] | BaseGeometry, source_crs: str) -> BaseGeometry:
    try:
        geom = geometry if isinstance(geometry, BaseGeometry) else shape(geometry)
    except Exception:  # noqa: BLE001 - any unreadable GeoJSON is the same refusal
        raise ApplicationError(
            "位置无法识别，请在地图上选点或填写经纬度", field="location"
        ) from None
    if geom.is_empty or geom.geom_type not in ("Point", "Polygon", "MultiPolygon"):
        raise ApplicationError("位置应为一个点或一个面", field="location")
    if source_crs not in ("wgs84", "gcj02", "bd09"):
        raise ApplicationError(f"坐标系「{source_crs}」无法识别", field="source_crs")
    if source_crs != "wgs84":
        geom = transform_geometry(geom, lambda x, y: convert_arrays(x, y, source_crs, "wgs84"))
    point = geom.representative_point()
    if not in_china(point.x, point.y):
        raise ApplicationError(
            "位置不在中国境内，请检查经纬度是否填反或坐标系是否选错", field="location"
        )
    if not geom.is_valid:
        raise ApplicationError("面的边界自相交，请重新绘制", field="location")
    return geom


def _check_within(geom: BaseGeometry, unit: AdminUnit) -> None:
    boundary = UnitBoundary.objects.filter(unit=unit).first()
    if boundary is None:
        return
    if not shape(boundary.geometry).buffer(BOUNDARY_SLACK_DEG).contains(geom):
        raise ApplicationError(
            f"位置不在{unit.name}的边界内，请检查所属村（社区）或坐标", field="location"
        )


def plot_at(*, unit: AdminUnit, geom: BaseGeometry) -> Plot | None:
    """The unit's (not void) plot the finding lies in or overlaps most, if any."""
    candidates = Plot.objects.filter(
        bbox_q(geom.bounds), unit__path__startswith=unit.path, voided_at__isnull=True
    )
    best, best_share = None, 0.0
    for plot in candidates:
        outline = shape(plot.geometry)
        if geom.geom_type == "Point":
            share = 1.0 if outline.covers(geom) else 0.0
        else:
            share = outline.intersection(geom).area / geom.area if geom.area else 0.0
        if share > best_share:
            best, best_share = plot, share
    return best


def _count(
    *,
    counting_method: str,
    plant_count: int | None,
    quadrats: Sequence[Mapping[str, object]],
    area_m2: float,
    sprouted: bool,
) -> tuple[int, list[dict[str, object]]]:
    if counting_method == CountingMethod.SAMPLED:
        parsed = counting.parse_quadrats(quadrats)
        estimate = counting.estimate_plants(quadrats=parsed, area_m2=area_m2)
        return estimate.plants, [{"area_m2": q.area_m2, "plants": q.plants} for q in parsed]
    if counting_method != CountingMethod.EXACT:
        raise ApplicationError("计数方法无法识别", field="counting_method")
    if plant_count is None:
        raise ApplicationError("请填写株数", field="plant_count")
    if plant_count < 0 or plant_count > rules.MAX_PLANTS:
        raise ApplicationError(f"株数应在 0 至 {rules.MAX_PLANTS} 之间", field="plant_count")
    if plant_count == 0 and sprouted:
        raise ApplicationError("已出苗的发现点株数至少为 1", field="plant_count")
    return plant_count, []


def _choice(value: str, choices: type, field: str, label: str) -> str:
    if value not in choices.values:
        raise ApplicationError(f"{label}「{value}」无法识别", field=field)
    return value


def _police_fields(
    *,
    actor: Any,
    unit: AdminUnit,
    grower: KeyPerson | None,
    grower_unowned: bool,
    prior_handled: bool,
    prior_handling: str,
) -> dict[str, Any]:
    given = grower is not None or grower_unowned or prior_handled or prior_handling.strip()
    if given and actor is not None and not can(actor, FINDING_POLICE_FIELDS, unit):
        raise NotPermitted("种植人和此前处理情况只能由民警或镇管理员填写")
    if grower is not None and grower_unowned:
        raise ApplicationError("已填写种植人，不能同时标为无主", field="grower")
    if len(prior_handling.strip()) > 500:
        raise ApplicationError("此前处理情况不能超过 500 个字", field="prior_handling")
    return {
        "grower": grower,
        "grower_unowned": grower_unowned,
        "prior_handled": prior_handled,
        "prior_handling": prior_handling.strip(),
    }


def _checked_photos(photos: Photos) -> list[tuple[str, CheckedFile]]:
    # Every file is checked before any is stored: a bad one leaves no file behind.
    return [
        (name, evidence_check(kind=EvidenceKind.FINDING_PHOTO, name=name, data=data))
        for name, data in photos
    ]


def _store_photos(
    *,
    finding: Finding,
    phase: str,
    checked: Sequence[tuple[str, CheckedFile]],
    actor: Any,
    eradication: Eradication | None = None,
    recheck: Recheck | None = None,
) -> list[FindingPhoto]:
    stored = []
    for name, file in checked:
        evidence = evidence_store(
            file=file, kind=EvidenceKind.FINDING_PHOTO, actor=actor, original_name=name
        )
        stored.append(
            FindingPhoto.objects.create(
                finding=finding,
                phase=phase,
                eradication=eradication,
                recheck=recheck,
                evidence=evidence,
                caption=name[:200],
            )
        )
    return stored


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def finding_record(
    *,
    unit: AdminUnit,
    geometry: Mapping[str, Any] | BaseGeometry,
    species: str,
    stage: str,
    setting: str,
    source: str,
    found_at: datetime,
    found_by: Sequence[Person],
    source_crs: str = "wgs84",
    species_name: str = "",
    counting_method: str = CountingMethod.EXACT,
    plant_count: int | None = None,
    quadrats: Sequence[Mapping[str, object]] = (),
    area_m2: float | None = None,
    sprouted: bool = True,
    source_ref: str = "",
    place: str = "",
    campaign: Campaign | None = None,
    resisted: bool = False,
    self_removed: bool = False,
    known_locally: bool = False,
    reported_at: datetime | None = None,
    report_receiver: str = "",
    grower: KeyPerson | None = None,
    grower_unowned: bool = False,
    prior_handled: bool = False,
    prior_handling: str = "",
    note: str = "",
    photos: Photos = (),
    actor: Any = None,
) -> Finding:
    """Record a finding; its plot is the unit's plot at its location, if there is one."""
    _require(actor, FINDING_RECORD, unit, "登记发现点")
    if unit.level not in (UnitLevel.VILLAGE, UnitLevel.COMMUNITY, UnitLevel.GRID):
        raise ApplicationError("发现点应属于一个村（社区）", field="unit")
    _choice(species, FindingSpecies, "species", "植物种类")
    species_name = species_name.strip()
    if species == FindingSpecies.OTHER and not species_name:
        raise ApplicationError("植物种类为“其他”时请填写名称", field="species_name")
    _choice(stage, GrowthStage, "stage", "生长期")
    _choice(setting, Setting, "setting", "种植场所")
    _choice(source, FindingSource, "source", "发现方式")
    if not found_by:
        raise ApplicationError("请填写发现人", field="found_by")
    _not_future(found_at, "found_at", "发现时间")
    if reported_at is not None:
        _not_future(reported_at, "reported_at", "报告派出所时间")
        if reported_at < found_at:
            raise ApplicationError("报告派出所时间早于发现时间", field="reported_at")
    if campaign is not None and not unit.is_within(campaign.unit):
        raise ApplicationError(f"{unit.name}不属于{campaign.name}的范围", field="campaign")
    geom = _geometry(geometry, source_crs)
    _check_within(geom, unit)
    located = located_fields(geom)
    area = located["area_m2"] if area_m2 is None else float(area_m2)
    if not 0 <= area <= rules.MAX_AREA_M2:
        raise ApplicationError("面积应为 0 至 1000 万平方米", field="area_m2")
    if not sprouted and area <= 0:
        raise ApplicationError("未出苗的发现点请填写种植面积", field="area_m2")
    count, kept_quadrats = _count(
        counting_method=counting_method,
        plant_count=plant_count,
        quadrats=quadrats,
        area_m2=area,
        sprouted=sprouted,
    )
    police = _police_fields(
        actor=actor,
        unit=unit,
        grower=grower,
        grower_unowned=grower_unowned,
        prior_handled=prior_handled,
        prior_handling=prior_handling,
    )
    checked = _checked_photos(photos)
    finding = Finding(
        unit=unit,
        source_crs=source_crs,
        place=place.strip()[:200],
        plot=plot_at(unit=unit, geom=geom),
        campaign=campaign,
        species=species,
        species_name=species_name if species == FindingSpecies.OTHER else "",
        plant_count=count,
        counting_method=counting_method,
        quadrats=kept_quadrats,
        sprouted=sprouted,
        stage=stage,
        setting=setting,
        source=source,
        source_ref=source_ref.strip()[:100],
        resisted=resisted,
        self_removed=self_removed,
        known_locally=known_locally,
        reported_at=reported_at,
        report_receiver=report_receiver.strip()[:50],
        found_at=found_at,
        note=_note(note),
        open_since=found_at,
        created_by=_actor(actor),
        **police,
        **{**located, "area_m2": area},
    )
    finding.full_clean()
    finding.save()
    finding.found_by.set(found_by)
    _store_photos(finding=finding, phase=PhotoPhase.FOUND, checked=checked, actor=actor)
    audit_record(
        actor=actor,
        action="create",
        instance=finding,
        after={
            **snapshot(finding),
            "found_by": [p.name for p in found_by],
            "photos": len(checked),
        },
    )
    return finding


UPDATABLE = (
    "place",
    "note",
    "stage",
    "setting",
    "source",
    "source_ref",
    "resisted",
    "self_removed",
    "reported_at",
    "report_receiver",
)
POLICE_UPDATABLE = ("grower", "grower_unowned", "prior_handled", "prior_handling")


@transaction.atomic
def finding_update(*, finding: Finding, changes: Mapping[str, Any], actor: Any = None) -> Finding:
    """Change the descriptive facts of a finding; police-only facts need the police right.

    Location and count are not changed here: a wrong one is voided and recorded again, so the
    evidence of what was first recorded stays as it was.
    """
    unknown = set(changes) - set(UPDATABLE) - set(POLICE_UPDATABLE)
    if unknown:
        raise ApplicationError(f"不能修改：{'、'.join(sorted(unknown))}")
    if finding.is_void:
        raise ApplicationError("该发现点已作废，不能修改")
    if set(changes) & set(UPDATABLE):
        _require(actor, FINDING_RECORD, finding.unit, "修改发现点")
    current = Finding.objects.select_for_update().get(pk=finding.pk)
    before = snapshot(current)
    if set(changes) & set(POLICE_UPDATABLE):
        police = _police_fields(
            actor=actor,
            unit=finding.unit,
            grower=changes.get("grower", current.grower),
            grower_unowned=bool(changes.get("grower_unowned", current.grower_unowned)),
            prior_handled=bool(changes.get("prior_handled", current.prior_handled)),
            prior_handling=str(changes.get("prior_handling", current.prior_handling) or ""),
        )
        if actor is not None and not can(actor, FINDING_POLICE_FIELDS, finding.unit):
            raise NotPermitted("种植人和此前处理情况只能由民警或镇管理员填写")
        for name, value in police.items():
            setattr(finding, name, value)
    for name in set(changes) & set(UPDATABLE):
        value = changes[name]
        if name == "stage":
            _choice(value, GrowthStage, "stage", "生长期")
        elif name == "setting":
            _choice(value, Setting, "setting", "种植场所")
        elif name == "source":
            _choice(value, FindingSource, "source", "发现方式")
        elif name == "note":
            value = _note(value)
        elif name == "reported_at" and value is not None:
            _not_future(value, "reported_at", "报告派出所时间")
            if value < finding.found_at:
                raise ApplicationError("报告派出所时间早于发现时间", field="reported_at")
        elif isinstance(value, str):
            value = value.strip()
        setattr(finding, name, value)
    finding.full_clean()
    finding.save()
    audit_record(
        actor=actor, action="update", instance=finding, before=before, after=snapshot(finding)
    )
    return finding


def finding_void(*, finding: Finding, reason: str, actor: Any = None) -> Finding:
    _require(actor, FINDING_RECORD, finding.unit, "作废发现点")
    void(instance=finding, reason=reason, actor=actor)
    return finding


def is_village_cadre(person: Person) -> bool:
    """A village cadre: a village-cadre account, or a village person with a cadre's title."""
    user = getattr(person, "user", None)
    if user is not None and user.role == Role.VILLAGE_CADRE:
        return True
    in_village = person.unit.level in (UnitLevel.VILLAGE, UnitLevel.COMMUNITY, UnitLevel.GRID)
    return in_village and bool(CADRE_TITLE.search(person.title or ""))


def _open_finding(finding: Finding, actor: Any, what: str) -> Finding:
    _require(actor, FINDING_ERADICATE, finding.unit, what)
    current = Finding.objects.select_for_update().get(pk=finding.pk)
    if current.is_void:
        raise ApplicationError("该发现点已作废")
    return current


@transaction.atomic
def finding_eradicate(
    *,
    finding: Finding,
    done_at: datetime,
    method: str,
    done_by: Sequence[Person],
    witnesses: Sequence[Person],
    plants_destroyed: int,
    destruction: str,
    before_photos: Photos,
    after_photos: Photos,
    note: str = "",
    actor: Any = None,
) -> Eradication:
    """Record the eradication; at least one witness must be a village cadre."""
    current = _open_finding(finding, actor, "登记铲除")
    if current.status != FindingStatus.OPEN:
        raise ApplicationError("该发现点已铲除，复查发现再生后才能再次登记铲除")
    _choice(method, EradicationMethod, "method", "铲除方式")
    if not done_by:
        raise ApplicationError("请填写铲除人员", field="done_by")
    if not witnesses:
        raise ApplicationError("请填写见证人（至少一名村干部）", field="witnesses")
    if not any(is_village_cadre(p) for p in witnesses):
        raise ApplicationError("见证人中至少要有一名村干部（村“两委”成员）", field="witnesses")
    _not_future(done_at, "done_at", "铲除时间")
    if done_at < current.open_since:
        raise ApplicationError("铲除时间早于发现时间", field="done_at")
    if not 1 <= plants_destroyed <= rules.MAX_PLANTS:
        raise ApplicationError("铲除株数至少为 1", field="plants_destroyed")
    destruction = (destruction or "").strip()
    if not destruction:
        raise ApplicationError("请填写销毁方式（如：就地焚烧、深埋）", field="destruction")
    if len(destruction) > 200:
        raise ApplicationError("销毁方式不能超过 200 个字", field="destruction")
    if not before_photos:
        raise ApplicationError("请上传铲除前照片", field="before_photos")
    if not after_photos:
        raise ApplicationError("请上传铲除后照片", field="after_photos")
    before_checked = _checked_photos(before_photos)
    after_checked = _checked_photos(after_photos)
    eradication = Eradication(
        finding=current,
        done_at=done_at,
        method=method,
        plants_destroyed=plants_destroyed,
        destruction=destruction,
        note=_note(note),
        created_by=_actor(actor),
    )
    eradication.full_clean()
    eradication.save()
    eradication.done_by.set(done_by)
    eradication.witnesses.set(witnesses)
    for phase, checked in ((PhotoPhase.BEFORE, before_checked), (PhotoPhase.AFTER, after_checked)):
        _store_photos(
            finding=current, phase=phase, checked=checked, actor=actor, eradication=eradication
        )
    before = snapshot(current)
    current.status = FindingStatus.ERADICATED
    current.eradicated_at = done_at
    current.save(update_fields=["status", "eradicated_at", "updated_at"])
    audit_record(
        actor=actor,
        action="eradicate",
        instance=current,
        before={"status": before["status"]},
        after={
            "status": current.status,
            "eradication": str(eradication.pk),
            "done_at": done_at.isoformat(),
            "method": method,
            "plants_destroyed": plants_destroyed,
            "destruction": destruction,
            "done_by": [p.name for p in done_by],
            "witnesses": [p.name for p in witnesses],
            "photos": len(before_checked) + len(after_checked),
        },
    )
    return eradication


@transaction.atomic
def finding_recheck(
    *,
    finding: Finding,
    done_at: datetime,
    done_by: Sequence[Person],
    photos: Photos,
    regrowth: bool = False,
    regrowth_plants: int = 0,
    note: str = "",
    actor: Any = None,
) -> Recheck:
    """Record a re-check; regrowth opens the finding again for eradication."""
    current = _open_finding(finding, actor, "登记复查")
    if current.status != FindingStatus.ERADICATED or current.eradicated_at is None:
        raise ApplicationError("该发现点尚未铲除或已复查，不能登记复查")
    if not done_by:
        raise ApplicationError("请填写复查人员", field="done_by")
    _not_future(done_at, "done_at", "复查时间")
    if done_at < current.eradicated_at:
        raise ApplicationError("复查时间早于铲除时间", field="done_at")
    if regrowth and not 1 <= regrowth_plants <= rules.MAX_PLANTS:
        raise ApplicationError("发现再生时请填写再生株数（至少 1 株）", field="regrowth_plants")
    if not regrowth and regrowth_plants:
        raise ApplicationError("未发现再生时再生株数应为 0", field="regrowth_plants")
    if not photos:
        raise ApplicationError("请上传复查照片", field="photos")
    checked = _checked_photos(photos)
    recheck = Recheck(
        finding=current,
        done_at=done_at,
        regrowth=regrowth,
        regrowth_plants=regrowth_plants if regrowth else 0,
        note=_note(note),
        created_by=_actor(actor),
    )
    recheck.full_clean()
    recheck.save()
    recheck.done_by.set(done_by)
    _store_photos(
        finding=current, phase=PhotoPhase.RECHECK, checked=checked, actor=actor, recheck=recheck
    )
    before_status = current.status
    current.rechecked_at = done_at
    if regrowth:
        current.status = FindingStatus.OPEN
        current.open_since = done_at
    else:
        current.status = FindingStatus.RECHECKED
    current.save(update_fields=["status", "rechecked_at", "open_since", "updated_at"])
    audit_record(
        actor=actor,
        action="recheck",
        instance=current,
        before={"status": before_status},
        after={
            "status": current.status,
            "recheck": str(recheck.pk),
            "done_at": done_at.isoformat(),
            "regrowth": regrowth,
            "regrowth_plants": recheck.regrowth_plants,
            "done_by": [p.name for p in done_by],
            "photos": len(checked),
        },
    )
    return recheck


# ---------------------------------------------------------------------------------------------
# Verified statutes (issue 10, "Legal route")


@transaction.atomic
def statute_verify(
    *, row_key: str, article: str, excerpt: str, source: str, actor: Any
) -> StatuteVerification:
    """Record the checked article and excerpt of one statute-table row; later suggestions cite
    it as 已核实. Never edits an earlier entry: a correction is a new one."""
    if not can(actor, STATUTE_VERIFY):
        raise NotPermitted("无权录入条文核实结果（仅限民警和镇管理员）")
    row_key, source = (row_key or "").strip(), (source or "").strip()
    article, excerpt = (article or "").strip(), (excerpt or "").strip()
    if len(article) > ARTICLE_MAX:
        raise ApplicationError(f"条号不能超过 {ARTICLE_MAX} 个字", field="article")
    if len(excerpt) > EXCERPT_MAX:
        raise ApplicationError(f"原文摘录不能超过 {EXCERPT_MAX} 个字", field="excerpt")
    if not source:
        raise ApplicationError("请填写核实所依据的来源（正式文本的出处）", field="source")
    if len(source) > SOURCE_MAX:
        raise ApplicationError(f"来源不能超过 {SOURCE_MAX} 个字", field="source")
    try:
        # Checks the key, the article and the excerpt with the table's own Chinese messages.
        default_table().with_verified_article(
            key=row_key, article=article, excerpt=excerpt, source=source
        )
    except StatuteTableError as exc:
        field = {"statute_article": "article", "statute_excerpt": "excerpt"}.get(
            exc.code or "", "row_key"
        )
        raise ApplicationError(exc.message, field=field, code=exc.code) from None
    entry = StatuteVerification(
        row_key=row_key,
        article=article,
        excerpt=excerpt,
        source=source,
        entered_by=_actor(actor),
        entered_at=timezone.now(),
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="create", instance=entry, after=snapshot(entry))
    return entry
