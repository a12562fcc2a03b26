from __future__ import annotations

from datetime import date

from zerocrop.demo.findings import demo_findings_load
from zerocrop.findings import selectors
from zerocrop.findings.models import Finding
from zerocrop.findings.states import State


def _from_monitoring(finding: Finding) -> bool:
    """Recorded by the monitoring demo: a target's local miss, or a 抽测 cell with planting."""
    return finding.source_ref.startswith(("WSQ22-", "抽测"))


def test_the_demo_has_one_finding_in_each_follow_up_state(demo_campaign) -> None:
    findings = list(Finding.objects.filter(campaign=demo_campaign))
    today = date(2022, 7, 10)
    own = [f for f in findings if not _from_monitoring(f)]
    states = sorted(selectors.finding_state(f, today=today) for f in own)
    assert states == sorted([State.RECHECKED, State.RECHECK_DUE, State.OVERDUE])
    # The monitoring demo's (WSQ22-0306 and the 抽测 cells) were found days ago: still open.
    later = [f for f in findings if _from_monitoring(f)]
    assert later and {selectors.finding_state(f, today=today) for f in later} == {State.OPEN}
    assert all(f.photos.exists() for f in findings)
    assert demo_findings_load(campaign=demo_campaign) == 0  # loaded once
