from __future__ import annotations

from datetime import date

from zerocrop.demo.findings import demo_findings_load
from zerocrop.findings import selectors
from zerocrop.findings.models import Finding
from zerocrop.findings.states import State


def test_the_demo_has_one_finding_in_each_follow_up_state(demo_campaign) -> None:
    findings = Finding.objects.filter(campaign=demo_campaign)
    states = sorted(selectors.finding_state(f, today=date(2022, 7, 10)) for f in findings)
    assert states == sorted([State.RECHECKED, State.RECHECK_DUE, State.OVERDUE])
    assert all(f.photos.exists() for f in findings)
    assert demo_findings_load(campaign=demo_campaign) == 0  # loaded once
