"""The monitoring indicators computed from plain target records.

Pure module (no Django). Definitions (the same text is shown next to each indicator):

- **已核查** (verified): a target whose verification was submitted or approved
  (status ``submitted`` or ``approved``, a result recorded). A returned or pending one is not
  verified; the review itself is reported separately (审核状态), because the deadline from above
  is about the visit on the ground and its feedback, not about our internal review.
- **核查率** = verified ÷ issued (every target of the batch that is not voided).
- **按时核查率** = verified on or before its deadline (核查时间 ≤ 核查时限) ÷ issued.
- **属实** (true): result 属实 or 已自行铲除 (removed by the grower before we came: planting).
- **属实率** = true ÷ verified targets whose result says whether there was planting, i.e.
  verified minus 无法到达 and 重复 (those say nothing about the site).
- **本地已掌握率** (the national 靶点吻合率 logic): of the true targets, the share that matched a
  site already in the township's own records (a plot or a finding) before the batch was issued
  (`locally_known`). Denominator: true targets. A true target that was not known is a local miss.
- **平均核查用时（天）** = mean of (verification date − issue date) in days over verified targets.
- **超期** (overdue): not verified and today is after its deadline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

VERIFIED_STATUSES = frozenset({"submitted", "approved"})
TRUE_RESULTS = frozenset({"true", "self_removed"})
UNDECIDED_RESULTS = frozenset({"unreachable", "duplicate"})


@dataclass(frozen=True)
class TargetRecord:
    """What the indicators need of one target (no Django objects)."""

    code: str
    status: str
    result: str
    reason: str
    issued_on: date
    due_on: date
    verified_on: date | None
    locally_known: bool
    unit: str = ""
    source: str = ""  # the batch's issuer level (TargetIssuer value)


@dataclass(frozen=True)
class Kpis:
    issued: int
    verified: int
    verified_on_time: int
    decided: int  # verified with a result that says whether there was planting
    true: int
    locally_known: int
    overdue: int
    days_total: int  # sum of (verification − issue) days over verified targets
    by_result: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    overdue_codes: tuple[str, ...] = ()

    @property
    def verify_rate(self) -> float | None:
        return _ratio(self.verified, self.issued)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.verified_on_time, self.issued)

    @property
    def true_rate(self) -> float | None:
        return _ratio(self.true, self.decided)

    @property
    def known_rate(self) -> float | None:
        return _ratio(self.locally_known, self.true)

    @property
    def mean_days(self) -> float | None:
        return _ratio(self.days_total, self.verified)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def is_verified(record: TargetRecord) -> bool:
    return record.status in VERIFIED_STATUSES and bool(record.result)


def is_overdue(record: TargetRecord, today: date) -> bool:
    return not is_verified(record) and today > record.due_on


def compute(records: Iterable[TargetRecord], *, today: date) -> Kpis:
    issued = verified = on_time = decided = true = known = overdue = days = 0
    by_result: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    overdue_codes: list[str] = []
    for record in records:
        issued += 1
        if not is_verified(record):
            if today > record.due_on:
                overdue += 1
                overdue_codes.append(record.code)
            continue
        verified += 1
        by_result[record.result] += 1
        if record.result == "false" and record.reason:
            by_reason[record.reason] += 1
        verified_on = record.verified_on or today  # a verification without its time: now
        if verified_on <= record.due_on:
            on_time += 1
        days += max((verified_on - record.issued_on).days, 0)
        if record.result not in UNDECIDED_RESULTS:
            decided += 1
        if record.result in TRUE_RESULTS:
            true += 1
            if record.locally_known:
                known += 1
    return Kpis(
        issued=issued,
        verified=verified,
        verified_on_time=on_time,
        decided=decided,
        true=true,
        locally_known=known,
        overdue=overdue,
        days_total=days,
        by_result=dict(by_result),
        by_reason=dict(by_reason),
        overdue_codes=tuple(sorted(overdue_codes)),
    )


def grouped(
    records: Iterable[TargetRecord], *, key: Callable[[TargetRecord], str], today: date
) -> dict[str, Kpis]:
    """The indicators per group (by unit: `lambda r: r.unit`; by source: `r.source`)."""
    groups: dict[str, list[TargetRecord]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return {name: compute(items, today=today) for name, items in sorted(groups.items())}


def by_unit(records: Iterable[TargetRecord], *, today: date) -> dict[str, Kpis]:
    return grouped(records, key=lambda r: r.unit, today=today)


def by_source(records: Iterable[TargetRecord], *, today: date) -> dict[str, Kpis]:
    return grouped(records, key=lambda r: r.source, today=today)
