"""Pydantic's validation errors in the project's words: one Chinese message per problem.

Pure module: no Django. The API's error body (`zerocrop.api.errors`) and the field app's record
validation (`zerocrop.field.api_schemas`) both render their refusals with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from pydantic import BaseModel


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def message(error: dict[str, Any], label: str) -> str:
    kind = error["type"]
    ctx = {key: _number(value) for key, value in (error.get("ctx") or {}).items()}
    if kind == "missing":
        return f"缺少{label}"
    if kind == "string_too_long":
        return f"{label}不能超过 {ctx.get('max_length')} 个字"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return f"{label}不能为空"
        return f"{label}至少要 {ctx.get('min_length')} 个字"
    if kind == "control_character":
        return f"{label}含有不可见的控制字符（U+{ctx.get('code', 0):04X}），请删除后重试"
    if kind == "value_error":
        return f"{label}：{ctx.get('error', '值无效')}"
    fixed = {
        "string_type": "应为文字",
        "string_unicode": "应为文字",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "int_from_float": "应为整数",
        "float_type": "应为数字",
        "float_parsing": "应为数字",
        "finite_number": "应为有限的数字",
        "bool_type": "应为是或否",
        "bool_parsing": "应为是或否",
        "uuid_type": "不是有效的标识（UUID）",
        "uuid_parsing": "不是有效的标识（UUID）",
        "date_type": "不是有效的日期（应为 年-月-日）",
        "date_parsing": "不是有效的日期（应为 年-月-日）",
        "date_from_datetime_parsing": "不是有效的日期（应为 年-月-日）",
        "datetime_type": "不是有效的时间",
        "datetime_parsing": "不是有效的时间",
        "datetime_from_date_parsing": "不是有效的时间",
        "dict_type": "应为 JSON 对象",
        "model_type": "应为 JSON 对象",
        "model_attributes_type": "应为 JSON 对象",
        "list_type": "应为列表",
        "literal_error": "的值无法识别",
        "string_pattern_mismatch": "的格式不对",
        "enum": "的值无法识别",
        "greater_than": f"应大于 {ctx.get('gt')}",
        "greater_than_equal": f"不能小于 {ctx.get('ge')}",
        "less_than": f"应小于 {ctx.get('lt')}",
        "less_than_equal": f"不能大于 {ctx.get('le')}",
        "too_long": f"最多 {ctx.get('max_length')} 项",
        "extra_forbidden": "不是可接受的字段",
    }
    return f"{label}{fixed.get(kind, '的值无效')}"


CODES = {
    "missing": "required",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "control_character": "control_character",
    "uuid_parsing": "invalid_id",
    "uuid_type": "invalid_id",
}


def annotation_model(annotation: Any) -> type[BaseModel] | None:
    """The schema inside `X`, `X | None`, `list[X]`…, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = annotation_model(arg)
        if found is not None:
            return found
    return None


def field_label(
    model: type[BaseModel], loc: tuple[Any, ...], *, labels: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """(field name, Chinese label) of the deepest named field at `loc`; a field without a title
    takes its label from `labels` (path and query parameters have no schema to carry one)."""
    current: type[BaseModel] | None = model
    name = label = None
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        if info is None:
            break
        name = part
        label = info.title if info.title and info.title != part else (labels or {}).get(part)
        current = annotation_model(info.annotation)
    return name, label
