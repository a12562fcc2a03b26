"""Who may read the police-only facts of a finding (grower identity, prior handling)."""

from __future__ import annotations

from typing import Any

from zerocrop.findings.capabilities import FINDING_POLICE_FIELDS
from zerocrop.org.capabilities import can


def sees_police_fields(user: Any, finding: Any = None) -> bool:
    return can(user, FINDING_POLICE_FIELDS, finding.unit if finding is not None else None)
