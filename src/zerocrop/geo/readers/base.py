"""Shared pieces of the format readers: result type, text decoding, XML, names, values."""

from __future__ import annotations

import functools
import math
import re
import xml.etree.ElementTree as StdET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from zerocrop.geo.features import GeoFeature, GeoFileError
from zerocrop.geo.safety import MAX_XML_BYTES, mb


@dataclass
class ReadResult:
    """What a reader found, coordinates still in the file's own CRS.

    `declared_crs` is a normalised CRS string from the file (.prj, GPKG srs, GeoJSON crs
    member, or "EPSG:4326" for formats that are WGS84 by specification), or None when only
    the coordinate magnitudes can tell.
    """

    features: list[GeoFeature]
    source_format: str
    declared_crs: str | None = None
    crs_by_spec: bool = False  # KML/GPX/GeoJSON(RFC 7946) are WGS84 by definition
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- text


def decode_text(data: bytes, *, label: str = "文件") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise GeoFileError(f"{label}的文字编码无法识别。", code="encoding") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise GeoFileError(f"{label}的文字编码无法识别，请另存为 UTF-8 编码。", code="encoding")


NAME_KEYS = (
    "name",
    "名称",
    "地块名称",
    "地块名",
    "名字",
    "点名",
    "点位名称",
    "地点",
    "标注",
    "标题",
    "title",
    "mc",
)


def pick_name(properties: dict[str, object]) -> str | None:
    lowered = {str(k).strip().lower(): v for k, v in properties.items()}
    for key in NAME_KEYS:
        value = lowered.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()[:200]
    return None


def clean_value(value: object) -> object:
    """Make an attribute value JSON-friendly (str/int/float/bool/None/list/dict)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)  # also numpy.str_
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):  # also numpy.float64
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): clean_value(v) for k, v in value.items()}
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return clean_value(item())
    return str(value)


_TZ_SUFFIX = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_time(text: str | None) -> datetime | None:
    """ISO 8601 time from GPX/KML; naive values are UTC (both specs say so)."""
    if not text:
        return None
    value = text.strip()
    if not value:
        return None
    if len(value) == 20 and value[19] in "zZ" and value[10] == "T":
        # The common GPX form "2022-07-05T08:00:00Z", without the regular expressions below.
        try:
            return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)
        except ValueError:
            return None
    value = _TZ_SUFFIX.sub(r"\1:\2", value)
    if value.endswith(("z", "Z")):
        value = value[:-1] + "+00:00"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+([+-]\d{2}:\d{2})?", value):
        head, _, rest = value.partition(".")
        digits = re.match(r"\d+", rest)
        assert digits is not None
        value = f"{head}.{digits.group()[:6].ljust(6, '0')}{rest[len(digits.group()) :]}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# --------------------------------------------------------------------------- XML


def local_name(tag: object) -> str:
    return _local_name(tag) if isinstance(tag, str) else _local_name(str(tag))


@functools.lru_cache(maxsize=512)  # a file has few distinct tags and many elements
def _local_name(text: str) -> str:
    return text.rsplit("}", 1)[-1] if "}" in text else text.rsplit(":", 1)[-1]


_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_PLAIN_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}


def _without_dtd(data: bytes) -> bool:
    """True if the document certainly declares no DTD: UTF-8 (or ASCII) with no ``<!DOCTYPE``
    or ``<!ENTITY`` anywhere. Without a DTD there are no entities to expand and no external
    references, which is all defusedxml guards against, so the C parser is safe to use."""
    if data.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in data:
        return False  # UTF-16/32: the markers would not be plain bytes
    declared = _DECLARED_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:400])
    if declared and declared.group(1).lower() not in _PLAIN_ENCODINGS:
        return False
    lowered = data.lower()
    return b"<!doctype" not in lowered and b"<!entity" not in lowered


def parse_xml(data: bytes, *, label: str) -> Element:
    """Parse untrusted XML refusing any DTD, entity or external reference (defusedxml, or the
    C parser when the document certainly has no DTD)."""
    if len(data) > MAX_XML_BYTES:
        raise GeoFileError(
            f"{label} 文件太大（{mb(len(data))}），上限为 {mb(MAX_XML_BYTES)}。", code="too_large"
        )
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise GeoFileError(
            f"{label} 文件含有 DTD/实体声明（可能是 XML 炸弹或外部实体攻击），出于安全原因拒绝。",
            code="xml_dtd",
        )
    try:
        if _without_dtd(data):
            # defusedxml runs the pure-Python tree builder (about 5× slower on a long GPX).
            return StdET.fromstring(data)  # noqa: S314 (no DTD: checked just above)
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise GeoFileError(
            f"{label} 文件含有 DTD/实体/外部引用（可能是 XML 炸弹或外部实体攻击），"
            "出于安全原因拒绝。",
            code="xml_dtd",
        ) from exc
    except SafeET.ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        where = f"（第{line}行附近）" if line else ""
        raise GeoFileError(
            f"{label} 文件格式错误{where}，文件可能不完整或已损坏，请重新导出。",
            code="xml_bad",
        ) from exc


def child(element: Element, name: str) -> Element | None:
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


def children(element: Element, name: str) -> list[Element]:
    return [item for item in element if local_name(item.tag) == name]


def child_text(element: Element, name: str) -> str | None:
    found = child(element, name)
    if found is None or found.text is None:
        return None
    text = found.text.strip()
    return text or None
