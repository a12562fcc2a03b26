"""Reads of key persons, visits and cases, always scoped to the user's units.

A key person's findings history and their cases reveal who grew what: only police and the
town admin read them (`sees_police_fields`, `CASE_MANAGE`). Cases are never listed for others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zerocrop.core.errors import ApplicationError
from zerocrop.core.scoping import get_visible_or_404, visible_to
from zerocrop.findings import legal
from zerocrop.findings.capabilities import CASE_MANAGE
from zerocrop.findings.choices import FindingSpecies, KeyPersonCategory
from zerocrop.findings.models import Case, Finding, HomeVisit, KeyPerson
from zerocrop.findings.visibility import sees_police_fields
from zerocrop.org.capabilities import can


def key_person_list(
    *,
    user: Any,
    unit_id: Any = None,
    category: str = "",
    query: str = "",
    include_void: bool = False,
) -> QuerySet[KeyPerson]:
    people = visible_to(KeyPerson.objects.select_related("unit"), user)
    if not include_void:
        people = people.filter(voided_at__isnull=True)
    if unit_id:
        people = people.filter(unit_id=unit_id)
    if category:
        people = people.filter(category=category)
    if query:
        people = people.filter(Q(name__icontains=query) | Q(address__icontains=query))
    return people


def key_person_get(*, user: Any, person_id: Any) -> KeyPerson:
    people = KeyPerson.objects.select_related("unit", "created_by", "voided_by").prefetch_related(
        Prefetch(
            "visits",
            queryset=HomeVisit.objects.select_related("scan", "created_by").prefetch_related(
                "visitors"
            ),
        )
    )
    return get_visible_or_404(people, user, pk=person_id)


def findings_history(*, user: Any, person: KeyPerson) -> list[Finding] | None:
    """The person's findings as grower; None for a user who may not know them."""
    if not sees_police_fields(user, None):
        return None
    return list(
        visible_to(Finding.objects.select_related("unit"), user).filter(
            grower=person, voided_at__isnull=True
        )
    )


def is_repeat_planting(finding: Finding) -> bool:
    """复种: the grower is a prior grower (category, prior police handling, or an earlier find)."""
    grower = finding.grower
    if grower is None:
        return False
    if finding.prior_handled or grower.category == KeyPersonCategory.PRIOR_GROWER:
        return True
    return (
        Finding.objects.filter(grower=grower, voided_at__isnull=True, found_at__lt=finding.found_at)
        .exclude(pk=finding.pk)
        .exists()
    )


def repeat_planting_ids(findings: list[Finding]) -> set[Any]:
    """`is_repeat_planting` for many findings at once (one query), for lists."""
    growers = {f.grower_id for f in findings if f.grower_id}
    first = dict(
        Finding.objects.filter(grower__in=growers, voided_at__isnull=True)
        .values("grower")
        .annotate(first=Min("found_at"))
        .values_list("grower", "first")
    )
    return {
        f.pk
        for f in findings
        if f.grower_id
        and (
            f.prior_handled
            or f.grower.category == KeyPersonCategory.PRIOR_GROWER
            or f.found_at > first.get(f.grower_id, f.found_at)
        )
    }


def mask_id_number(value: str) -> str:
    """110105********1234: the region code and last four digits, the birth date starred."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def sees_cases(user: Any) -> bool:
    return can(user, CASE_MANAGE)


def case_list(*, user: Any, status: str = "", query: str = "") -> QuerySet[Case]:
    if not sees_cases(user):
        return Case.objects.none()
    cases = visible_to(Case.objects.select_related("unit"), user)
    if status:
        cases = cases.filter(status=status)
    if query:
        cases = cases.filter(
            Q(number__icontains=query) | Q(key_persons__name__icontains=query)
        ).distinct()
    return cases.prefetch_related("key_persons", "findings")


def case_get(*, user: Any, case_id: Any) -> Case:
    if not sees_cases(user):
        raise Http404("不存在或无权查看")
    cases = Case.objects.select_related("unit", "created_by").prefetch_related(
        Prefetch("findings", queryset=Finding.objects.select_related("unit", "grower")),
        Prefetch("key_persons", queryset=KeyPerson.objects.select_related("unit")),
    )
    return get_visible_or_404(cases, user, pk=case_id)


def cases_of_finding(*, user: Any, finding: Finding) -> list[Case]:
    if not sees_cases(user):
        return []
    return list(visible_to(Case.objects.all(), user).filter(findings=finding))


def _handled_before(finding: Finding, case: Case) -> bool:
    """经公安机关处理后又种植: the finding says so, or its grower had an earlier case.

    Repeat planting alone (a prior grower) is not prior police handling.
    """
    if finding.prior_handled:
        return True
    if finding.grower_id is None:
        return False
    found_on = timezone.localtime(finding.found_at).date()
    return (
        Case.objects.filter(key_persons=finding.grower_id, opened_on__lt=found_on)
        .exclude(pk=case.pk)
        .exists()
    )


@dataclass(frozen=True)
class CaseRoute:
    """The legal route suggested for the case's findings of one species (never a verdict)."""

    species_label: str
    plants: int
    sites: int
    suggestion: legal.RouteSuggestion | None
    error: str = ""


def case_routes(*, case: Case) -> list[CaseRoute]:
    """One suggestion per species (poppy, cannabis) over the linked findings' totals.

    Flags hold for the total when any finding has them (prior police handling, resisting),
    self-removal only when every finding was removed by its grower; the date is the
    earliest finding's, which picks the statute versions in force.
    """
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in case.findings.all():
        if not finding.is_void and finding.species in (
            FindingSpecies.POPPY,
            FindingSpecies.CANNABIS,
        ):
            groups[finding.species].append(finding)
    routes = []
    for species, findings in sorted(groups.items()):
        plants = sum(f.plant_count for f in findings)
        unsprouted = all(not f.sprouted for f in findings)
        on: date = min(timezone.localtime(f.found_at).date() for f in findings)
        label = FindingSpecies(species).label
        try:
            suggestion = legal.suggest_route(
                species=species,
                plants=plants,
                area_m2=sum(f.area_m2 or 0 for f in findings) if unsprouted else None,
                unsprouted=unsprouted,
                prior_handling=any(_handled_before(f, case) for f in findings),
                resisted=any(f.resisted for f in findings),
                self_removed_before_maturity=all(f.self_removed for f in findings),
                on=on,
            )
        except ApplicationError as exc:
            routes.append(CaseRoute(label, plants, len(findings), None, exc.message))
            continue
        routes.append(CaseRoute(label, plants, len(findings), suggestion))
    return routes
