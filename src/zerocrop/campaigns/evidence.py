"""Which units own a pledge scan: those of the pledges linking it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zerocrop.campaigns.models import Pledge
from zerocrop.campaigns.selectors import pledge_get
from zerocrop.core.evidence import register_evidence_owner
from zerocrop.core.evidence_models import EvidenceFile, EvidenceKind
from zerocrop.core.evidence_package import PackageItem, PackageSubject, register_evidence_package
from zerocrop.org.models import AdminUnit


def _pledge_units(evidence: EvidenceFile) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(pk__in=Pledge.objects.filter(scan=evidence).values("unit"))


def register_evidence_owners() -> None:
    register_evidence_owner(EvidenceKind.PLEDGE_SCAN, _pledge_units)


def _pledge_package(*, user: Any, object_id: str) -> PackageSubject:
    pledge = pledge_get(user=user, pledge_id=object_id)
    items = []
    if pledge.scan is not None:
        items.append(
            PackageItem(
                evidence=pledge.scan,
                owner_type=Pledge._meta.label_lower,
                owner_id=str(pledge.pk),
                owner_label=f"{pledge.get_kind_display()}扫描件（签订人 {pledge.signer}）",
            )
        )
    audit_objects = [(Pledge._meta.label_lower, str(pledge.pk))]
    audit_objects += [(EvidenceFile._meta.label_lower, str(i.evidence.pk)) for i in items]
    return PackageSubject(
        title=f"{pledge.get_kind_display()} {pledge.unit.name} {pledge.signer}",
        items=items,
        audit_objects=audit_objects,
    )


def register_evidence_packages() -> None:
    register_evidence_package("pledge", collect=_pledge_package, label="责任状/承诺书")
