"""Who may read the police-only facts of a finding (grower identity, prior handling)."""

from __future__ import annotations

from typing import Any

from zerocrop.findings.capabilities import FINDING_POLICE_FIELDS
from zerocrop.org.capabilities import can


def sees_police_fields(user: Any, finding: Any = None) -> bool:
    return can(user, FINDING_POLICE_FIELDS, finding.unit if finding is not None else None)


def sees_legal_route(user: Any, finding: Any = None) -> bool:
    """The suggested legal route is for the police (and the town admin), like the facts it
    reads (prior handling)."""
    return sees_police_fields(user, finding)
