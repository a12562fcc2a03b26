"""Goals (零种植…, rates), monitoring modes and sources, critical growth stages.

Pure module (no Django); part of `zerocrop.campaigns.notice`.
"""

from __future__ import annotations

import re

from zerocrop.campaigns.notice.draft import MonitoringMode
from zerocrop.campaigns.notice.text import CJK, unique

_ZERO_GOAL_RE = re.compile(r"零(?:种植|产量|流出|流入|外流|危害|发生)")
_RATE_NAMES = r"(?:发现率|铲除率|踏查率|覆盖率|查处率|到位率|知晓率)"
_RATE_RE = re.compile(
    rf"(?P<names>{_RATE_NAMES}(?:\s*[、和与及,，]\s*{_RATE_NAMES}){{0,5}})\s*"
    r"(?:均|要|必须|务必|都)?\s*(?:达到|达|为|实现)?\s*(?P<value>\d{1,3}(?:\.\d+)?)\s*[%％]"
)
_MODE_RE = re.compile(rf"(?P<zone>[{CJK}]{{2}}(?:区域|地区|地块))(?P<mode>精测|巡测|抽测|普测)")
_FLEX_MODE_RE = re.compile(r"机动(?:监测|巡测|航测|抽测)")
_SOURCE_RE = re.compile(r"卫星遥感|航空遥感|无人机航测|无人机巡查|无人机航拍|无人机巡航|直升机巡查")
_STAGE_RE = re.compile(r"(?:播种|出苗|幼苗|生长|开花|结果|结籽|割浆|收割|成熟|收获)期")


def parse_goals(text: str) -> list[str]:
    found: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in _ZERO_GOAL_RE.finditer(text)]
    for match in _RATE_RE.finditer(text):
        value = match["value"]
        for rate in re.findall(_RATE_NAMES, match["names"]):
            found.append((match.start(), f"{rate}{value}%"))
    return list(unique(goal for _, goal in sorted(found, key=lambda item: item[0])))


def parse_monitoring_modes(text: str) -> list[MonitoringMode]:
    found: list[tuple[int, MonitoringMode]] = [
        (m.start(), MonitoringMode(mode=m["mode"], zone=m["zone"])) for m in _MODE_RE.finditer(text)
    ]
    flex = _FLEX_MODE_RE.search(text)
    if flex:
        found.append((flex.start(), MonitoringMode(mode="机动", zone=None)))
    modes: dict[str, MonitoringMode] = {}
    for _, mode in sorted(found, key=lambda item: item[0]):
        modes.setdefault(mode.mode, mode)
    return list(modes.values())


def parse_sources(text: str) -> list[str]:
    return list(unique(m.group(0) for m in _SOURCE_RE.finditer(text)))


def parse_stages(text: str) -> list[str]:
    return list(unique(m.group(0) for m in _STAGE_RE.finditer(text)))
