"""What a phone sends, by kind (docs/field-sync.md "Payloads (schema 2)"), with Chinese labels.

A record body is upgraded to the current schema first (`zerocrop.field.schema.upgrade`), then
its payload is validated with the schema of its kind. Choices are checked here, on arrival;
scope (unit, persons, target, finding) is checked by `services_records`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import pydantic
from ninja import Field, Schema

from zerocrop.core.api_types import Text
from zerocrop.core.errors import ApplicationError
from zerocrop.field.choices import RecordKind
from zerocrop.findings.choices import EradicationMethod, FindingSpecies, GrowthStage, Setting
from zerocrop.findings.models import NOTE_MAX as FINDING_NOTE_MAX
from zerocrop.monitoring.choices import ArrivalSource, PhotoRole, VerifyResult
from zerocrop.monitoring.models import NOTE_MAX as TARGET_NOTE_MAX
from zerocrop.patrols.choices import PatrolResult
from zerocrop.patrols.rules import NOTE_MAX_CHARS as PATROL_NOTE_MAX

MAX_FIXES = 200_000  # a day of fixes every second is 86 400
MAX_PEOPLE = 50
MAX_FILES = 100
SHA256 = r"^[0-9a-f]{64}$"


def _literal(values: list[str]) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


Kind = _literal(RecordKind.values)
Crs = Literal["wgs84", "gcj02"]
FileRole = _literal(["photo", "found", "before", "after", "track", *PhotoRole.values])


class FileRef(Schema):
    sha256: str = Field(pattern=SHA256, title="文件摘要")
    name: Text(max_length=200, label="文件名") = ""
    role: FileRole = Field("photo", title="照片类型")
    size: int = Field(gt=0, title="文件大小")
    type: Text(max_length=100, label="文件类型") = ""


class RecordIn(Schema):
    """The body of POST /sync/records, after its payload was upgraded."""

    uuid: UUID = Field(title="记录标识")
    kind: Kind = Field(title="记录类型")
    schema_: int = Field(alias="schema", title="数据格式版本")
    created_at: datetime | None = Field(None, title="手机上的创建时间")
    payload: dict[str, Any] = Field(title="记录内容")
    files: list[FileRef] = Field(default_factory=list, max_length=MAX_FILES, title="文件清单")


class RecordEditIn(Schema):
    base_version: Text(max_length=40, label="所依据的版本")
    payload: dict[str, Any] = Field(title="记录内容")
    files: list[FileRef] | None = Field(None, max_length=MAX_FILES, title="文件清单")


# --------------------------------------------------------------------------- positions


class FixIn(Schema):
    lon: float = Field(ge=-180, le=180, title="经度")
    lat: float = Field(ge=-90, le=90, title="纬度")
    acc: float | None = Field(None, ge=0, le=100_000, title="定位精度（米）")
    t: datetime | None = Field(None, title="定位时间")


class GapIn(Schema):
    from_: datetime = Field(alias="from", title="中断开始")
    to: datetime = Field(title="中断结束")
    reason: Literal["hidden", "no_fix", "paused"] = Field("hidden", title="中断原因")


class CheckpointIn(FixIn):
    photo: str | None = Field(None, pattern=SHA256, title="打卡照片")
    note: Text(max_length=200, label="打卡说明", multiline=True) = ""


# --------------------------------------------------------------------------- kinds


class PatrolPayload(Schema):
    unit_id: UUID = Field(title="村（社区）")
    round_id: UUID | None = Field(None, title="踏查轮次")
    people: list[UUID] = Field(max_length=MAX_PEOPLE, title="踏查人员")
    started_at: datetime = Field(title="开始时间")
    ended_at: datetime = Field(title="结束时间")
    result: _literal(PatrolResult.values) = Field(title="踏查结果")
    note: Text(max_length=PATROL_NOTE_MAX, label="情况说明", multiline=True) = ""
    fixes: list[FixIn] = Field(default_factory=list, max_length=MAX_FIXES, title="轨迹点")
    gaps: list[GapIn] = Field(default_factory=list, max_length=MAX_FIXES, title="轨迹中断")
    checkpoints: list[CheckpointIn] = Field(default_factory=list, max_length=1000, title="打卡点")


class FindingPayload(Schema):
    unit_id: UUID = Field(title="村（社区）")
    lon: float = Field(ge=-180, le=180, title="经度")
    lat: float = Field(ge=-90, le=90, title="纬度")
    acc: float | None = Field(None, ge=0, le=100_000, title="定位精度（米）")
    crs: Crs = Field("wgs84", title="坐标系")
    species: _literal(FindingSpecies.values) = Field(title="植物种类")
    species_name: Text(max_length=50, label="植物名称") = ""
    stage: _literal(GrowthStage.values) = Field(title="生长期")
    setting: _literal(Setting.values) = Field(title="种植场所")
    plant_count: int = Field(ge=0, title="株数")
    area_m2: float | None = Field(None, ge=0, title="面积（平方米）")
    found_at: datetime = Field(title="发现时间")
    found_by: list[UUID] = Field(max_length=MAX_PEOPLE, title="发现人")
    place: Text(max_length=200, label="具体位置") = ""
    note: Text(max_length=FINDING_NOTE_MAX, label="情况说明", multiline=True) = ""
    patrol_uuid: UUID | None = Field(None, title="所属踏查记录")
    round_id: UUID | None = Field(None, title="踏查轮次")


class EradicationPayload(Schema):
    finding_id: UUID | None = Field(None, title="发现点")
    finding_uuid: UUID | None = Field(None, title="同步中的发现点")
    done_at: datetime = Field(title="铲除时间")
    method: _literal(EradicationMethod.values) = Field(title="铲除方式")
    done_by: list[UUID] = Field(max_length=MAX_PEOPLE, title="铲除人员")
    witnesses: list[UUID] = Field(max_length=MAX_PEOPLE, title="见证人")
    plants_destroyed: int = Field(ge=0, title="铲除株数")
    destruction: Text(max_length=200, label="销毁方式") = ""
    note: Text(max_length=FINDING_NOTE_MAX, label="情况说明", multiline=True) = ""


class ArrivalIn(Schema):
    lon: float | None = Field(None, ge=-180, le=180, title="到达位置经度")
    lat: float | None = Field(None, ge=-90, le=90, title="到达位置纬度")
    acc: float | None = Field(None, ge=0, le=100_000, title="到达位置精度（米）")
    source: _literal(ArrivalSource.values) = Field("phone", title="到达位置来源")


class TargetVerificationPayload(Schema):
    target_id: UUID = Field(title="靶点")
    result: _literal(VerifyResult.values) = Field(title="核查结论")
    reason: Text(max_length=40, label="不属实原因") = ""
    reason_text: Text(max_length=300, label="原因说明", multiline=True) = ""
    duplicate_of: UUID | None = Field(None, title="重复的靶点")
    verifiers: list[UUID] = Field(max_length=MAX_PEOPLE, title="核查人")
    verified_at: datetime = Field(title="核查时间")
    arrival: ArrivalIn | None = Field(None, title="到达位置")
    police_present: bool = Field(False, title="民警在场")
    plant_count: int | None = Field(None, ge=0, title="株数")
    found_area_m2: float | None = Field(None, ge=0, title="核实面积（平方米）")
    species: Text(max_length=20, label="植物种类") = ""
    species_name: Text(max_length=50, label="植物名称") = ""
    stage: Text(max_length=20, label="生长期") = ""
    setting: Text(max_length=20, label="种植场所") = ""
    note: Text(max_length=TARGET_NOTE_MAX, label="备注", multiline=True) = ""


# --------------------------------------------------------------------------- refusals

# Pydantic's error types in the project's words (as zerocrop.api.errors renders a bad body).
_PROBLEMS = {
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为是或否",
    "bool_parsing": "应为是或否",
    "uuid_type": "不是有效的标识（UUID）",
    "uuid_parsing": "不是有效的标识（UUID）",
    "datetime_type": "不是有效的时间",
    "datetime_parsing": "不是有效的时间",
    "datetime_from_date_parsing": "不是有效的时间",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "literal_error": "的值无法识别",
    "string_pattern_mismatch": "的格式不对",
    "too_long": "的项数过多",
}


def _label(model: type[pydantic.BaseModel], loc: tuple[Any, ...]) -> tuple[str | None, str]:
    """(field name, Chinese title) of the deepest named field at `loc`."""
    current: Any = model
    name, label = None, "记录内容"
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if isinstance(part, int) or not fields or part not in fields:
            continue
        info = fields[part]
        name, label = part, info.title or part
        current = next(
            (
                a
                for a in (info.annotation, *getattr(info.annotation, "__args__", ()))
                if isinstance(a, type) and issubclass(a, pydantic.BaseModel)
            ),
            None,
        )
        if current is None:
            args = getattr(info.annotation, "__args__", ())
            current = next(
                (
                    inner
                    for arg in args
                    for inner in (arg, *getattr(arg, "__args__", ()))
                    if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel)
                ),
                None,
            )
    return name, label


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _problem(error: dict[str, Any], label: str) -> str:
    kind = error["type"]
    ctx = {key: _number(value) for key, value in (error.get("ctx") or {}).items()}
    if kind == "missing":
        return f"缺少{label}"
    if kind == "string_too_long":
        return f"{label}不能超过 {ctx.get('max_length')} 个字"
    if kind == "control_character":
        return f"{label}含有不可见的控制字符，请删除后重试"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label}不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{label}不能大于 {ctx.get('le', ctx.get('lt'))}"
    return f"{label}{_PROBLEMS.get(kind, '的值无效')}"


class RecordInvalid(ApplicationError):
    """A body that does not validate: 422, nothing stored; `extra["errors"]` lists each problem."""

    default_code = "invalid"
    http_status = 422

    def __init__(self, error: pydantic.ValidationError, model: type[pydantic.BaseModel]) -> None:
        problems = []
        for item in error.errors(include_url=False):
            name, label = _label(model, item["loc"])
            code = "required" if item["type"] == "missing" else "invalid"
            problems.append({"detail": _problem(item, label), "field": name, "code": code})
        first = problems[0]
        super().__init__(first["detail"], field=first["field"], code=first["code"])
        self.extra = {"errors": problems}


PAYLOADS: dict[str, type[Schema]] = {
    RecordKind.PATROL: PatrolPayload,
    RecordKind.FINDING: FindingPayload,
    RecordKind.ERADICATION: EradicationPayload,
    RecordKind.TARGET_VERIFICATION: TargetVerificationPayload,
}
