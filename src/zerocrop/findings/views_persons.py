"""Pages of key persons (重点人员), their home visits, and police cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.export_jobs import export_respond
from zerocrop.core.forms import add_application_error
from zerocrop.findings import selectors, selectors_persons, services_persons
from zerocrop.findings.capabilities import (
    CASE_MANAGE,
    KEY_PERSON_MANAGE,
    KEY_PERSON_VIEW,
    KEY_PERSON_VISIT,
)
from zerocrop.findings.forms_persons import (
    CaseFilterForm,
    CaseForm,
    KeyPersonFilterForm,
    KeyPersonForm,
    VisitForm,
)
from zerocrop.findings.ledger_persons import VISIT_EXPORT
from zerocrop.findings.visibility import sees_police_fields
from zerocrop.org.capabilities import can
from zerocrop.org.selectors import person_list, villages_and_communities


def _view_allowed(request: HttpRequest) -> None:
    if not can(request.user, KEY_PERSON_VIEW):
        raise PermissionDenied("无权查看重点人员")


def key_person_list(request: HttpRequest) -> HttpResponse:
    _view_allowed(request)
    villages = villages_and_communities(user=request.user)
    form = KeyPersonFilterForm(request.GET or None, units=villages)
    params: dict[str, str] = {}
    if form.is_valid():
        params = {k: str(getattr(v, "pk", v)) for k, v in form.cleaned_data.items() if v}
    people = selectors_persons.key_person_list(
        user=request.user,
        unit_id=params.get("unit"),
        category=params.get("category", ""),
        query=params.get("q", ""),
    ).prefetch_related("visits")
    if request.GET.get("export") == "xlsx":
        return export_respond(request, kind=VISIT_EXPORT, params=params, count=people.count())
    rows = [(p, max((v.visited_on for v in p.visits.all()), default=None)) for p in people[:500]]
    return render(
        request,
        "findings/key_person_list.html",
        {
            "form": form,
            "rows": rows,
            "total": people.count(),
            "can_add": can(request.user, KEY_PERSON_MANAGE),
            "export_query": request.GET.copy().urlencode(),
        },
    )


def _manage_units(request: HttpRequest) -> Any:
    units = [
        u
        for u in villages_and_communities(user=request.user)
        if can(request.user, KEY_PERSON_MANAGE, u)
    ]
    if not units:
        raise PermissionDenied("无权登记重点人员")
    return villages_and_communities(user=request.user).filter(pk__in=[u.pk for u in units])


def _person_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit": data["unit"],
        "name": data["name"],
        "category": data["category"],
        "id_number": data.get("id_number") or "",
        "phone": data.get("phone") or "",
        "address": data.get("address") or "",
        "note": data.get("note") or "",
        "since": data.get("since"),
    }


def key_person_create(request: HttpRequest) -> HttpResponse:
    units = _manage_units(request)
    initial = {"unit": units.first().pk if units.count() == 1 else None}
    form = KeyPersonForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services_persons.key_person_create(
                **_person_kwargs(form.cleaned_data), actor=request.user
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已登记重点人员：{person.name}")
            return redirect("key-person-detail", person_id=person.pk)
    return render(
        request,
        "findings/person_form.html",
        {"form": form, "title": "登记重点人员", "submit": "保存", "back": "key-person-list"},
    )


def key_person_edit(request: HttpRequest, person_id: str) -> HttpResponse:
    person = selectors_persons.key_person_get(user=request.user, person_id=person_id)
    if person.is_void or not can(request.user, KEY_PERSON_MANAGE, person.unit):
        raise PermissionDenied("无权修改该重点人员")
    units = _manage_units(request)
    police = sees_police_fields(request.user)
    fields = list(KeyPersonForm.base_fields)
    initial = {name: getattr(person, name) for name in fields if name != "unit"}
    initial["unit"] = person.unit_id
    if not police:
        initial["id_number"] = ""  # a masked number is not shown as a value to edit
    form = KeyPersonForm(request.POST or None, units=units, initial=initial)
    if not police:
        form.fields["id_number"].help_text = "已登记的身份证号不显示；留空则保持不变"
    if request.method == "POST" and form.is_valid():
        data = _person_kwargs(form.cleaned_data)
        if not police and not data["id_number"]:
            data["id_number"] = person.id_number
        try:
            services_persons.key_person_update(person=person, **data, actor=request.user)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "已保存修改")
            return redirect("key-person-detail", person_id=person.pk)
    return render(
        request,
        "findings/person_form.html",
        {"form": form, "title": f"修改重点人员：{person.name}", "submit": "保存修改"},
    )


def key_person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    _view_allowed(request)
    person = selectors_persons.key_person_get(user=request.user, person_id=person_id)
    police = sees_police_fields(request.user)
    history = selectors_persons.findings_history(user=request.user, person=person)
    day = today()
    cases = (
        list(selectors_persons.case_list(user=request.user).filter(key_persons=person))
        if selectors_persons.sees_cases(request.user)
        else []
    )
    return render(
        request,
        "findings/key_person_detail.html",
        {
            "person": person,
            "police": police,
            "id_number": (
                person.id_number if police else selectors_persons.mask_id_number(person.id_number)
            ),
            "visits": list(person.visits.all()),
            "history": (
                [
                    (
                        f,
                        selectors.finding_state(f, today=day),
                        selectors_persons.is_repeat_planting(f),
                    )
                    for f in history
                ]
                if history is not None
                else None
            ),
            "cases": cases,
            "can_visit": not person.is_void and can(request.user, KEY_PERSON_VISIT, person.unit),
            "can_edit": not person.is_void and can(request.user, KEY_PERSON_MANAGE, person.unit),
        },
    )


def key_person_visit(request: HttpRequest, person_id: str) -> HttpResponse:
    person = selectors_persons.key_person_get(user=request.user, person_id=person_id)
    if person.is_void or not can(request.user, KEY_PERSON_VISIT, person.unit):
        raise PermissionDenied("无权登记走访")
    initial: dict[str, Any] = {"visited_on": today()}
    if request.user.person_id:
        initial["visitors"] = [request.user.person_id]
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        people=person_list(user=request.user),
        village=person.unit,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scan = data.get("scan")
        try:
            services_persons.visit_record(
                person=person,
                visited_on=data["visited_on"],
                visitors=list(data["visitors"]),
                notes=data.get("notes") or "",
                notice_given=bool(data.get("notice_given")),
                notice_signed=bool(data.get("notice_signed")),
                scan=(scan.name, scan) if scan else None,
                actor=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "已登记走访")
            return redirect("key-person-detail", person_id=person.pk)
    return render(
        request,
        "findings/person_form.html",
        {
            "form": form,
            "title": f"登记走访：{person.name}",
            "submit": "保存走访记录",
            "person": person,
            "multipart": True,
        },
    )


@require_POST
def key_person_void(request: HttpRequest, person_id: str) -> HttpResponse:
    person = selectors_persons.key_person_get(user=request.user, person_id=person_id)
    try:
        services_persons.key_person_void(
            person=person, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已作废")
    return redirect("key-person-detail", person_id=person.pk)


# --- Cases (police and the town admin only; everyone else gets 404) --------------------------


def _case_allowed(request: HttpRequest) -> None:
    if not selectors_persons.sees_cases(request.user):
        raise Http404("不存在或无权查看")


def case_list(request: HttpRequest) -> HttpResponse:
    _case_allowed(request)
    form = CaseFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    cases = selectors_persons.case_list(
        user=request.user, status=params.get("status") or "", query=params.get("q") or ""
    )
    return render(
        request,
        "findings/case_list.html",
        {"form": form, "cases": cases[:500], "total": cases.count()},
    )


def _case_form(request: HttpRequest, **kwargs: Any) -> CaseForm:
    return CaseForm(
        request.POST or None,
        findings=selectors.finding_list(user=request.user).select_related("unit"),
        key_persons=selectors_persons.key_person_list(user=request.user),
        **kwargs,
    )


def _case_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": data["number"],
        "status": data["status"],
        "outcome": data.get("outcome") or "",
        "outcome_amount": data.get("outcome_amount"),
        "opened_on": data["opened_on"],
        "closed_on": data.get("closed_on"),
        "findings": list(data.get("findings") or []),
        "key_persons": list(data.get("key_persons") or []),
        "note": data.get("note") or "",
    }


def case_create(request: HttpRequest) -> HttpResponse:
    _case_allowed(request)
    if request.user.unit is None or not can(request.user, CASE_MANAGE, request.user.unit):
        raise PermissionDenied("无权登记案件")
    initial: dict[str, Any] = {"opened_on": today()}
    if request.GET.get("finding"):
        initial["findings"] = [request.GET["finding"]]
    form = _case_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services_persons.case_create(
                unit=request.user.unit, **_case_kwargs(form.cleaned_data), actor=request.user
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已登记案件：{case.number}")
            return redirect("case-detail", case_id=case.pk)
    return render(
        request,
        "findings/person_form.html",
        {"form": form, "title": "登记案件", "submit": "保存", "back": "case-list"},
    )


def case_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    case = selectors_persons.case_get(user=request.user, case_id=case_id)
    initial = {
        name: getattr(case, name)
        for name in CaseForm.base_fields
        if name not in ("findings", "key_persons")
    }
    initial["findings"] = [f.pk for f in case.findings.all()]
    initial["key_persons"] = [p.pk for p in case.key_persons.all()]
    form = _case_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_persons.case_update(
                case=case, **_case_kwargs(form.cleaned_data), actor=request.user
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "已保存修改")
            return redirect("case-detail", case_id=case.pk)
    return render(
        request,
        "findings/person_form.html",
        {"form": form, "title": f"修改案件：{case.number}", "submit": "保存修改"},
    )


def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = selectors_persons.case_get(user=request.user, case_id=case_id)
    day = today()
    return render(
        request,
        "findings/case_detail.html",
        {
            "case": case,
            "findings": [
                (f, selectors.finding_state(f, today=day), selectors_persons.is_repeat_planting(f))
                for f in case.findings.all()
            ],
            "routes": selectors_persons.case_routes(case=case),
        },
    )
