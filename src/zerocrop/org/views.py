from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zerocrop.org import selectors
from zerocrop.org.forms import PersonSearchForm


def unit_list(request: HttpRequest) -> HttpResponse:
    units = selectors.unit_list(user=request.user).order_by("path")
    return render(request, "org/unit_list.html", {"units": units})


def unit_detail(request: HttpRequest, unit_id: str) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, unit_id=unit_id)
    children = (
        selectors.unit_list(user=request.user).filter(parent=unit).order_by("sort_order", "name")
    )
    people = selectors.person_list(user=request.user, unit=unit)
    return render(
        request, "org/unit_detail.html", {"unit": unit, "children": children, "people": people}
    )


def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET)
    if form.is_valid():
        query, error = form.cleaned_data["q"].strip(), ""
        people = selectors.person_list(user=request.user, query=query)
    else:
        query, error = "", "；".join(form.errors["q"])
        people = selectors.person_list(user=request.user).none()
    return render(request, "org/person_list.html", {"people": people, "q": query, "error": error})
