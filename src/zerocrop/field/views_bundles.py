"""/field/bundles/: import an export bundle carried from a phone by cable or as a file."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from zerocrop.core.errors import ApplicationError
from zerocrop.field.capabilities import DEVICE_MANAGE, DEVICE_PAIR
from zerocrop.field.choices import RecordKind
from zerocrop.field.forms_bundles import BundleForm
from zerocrop.field.services_bundles import bundle_import
from zerocrop.org.capabilities import can

STATUS_STYLE = {"applied": "success", "waiting_files": "warning", "rejected": "danger"}


def _row(result: dict[str, Any]) -> dict[str, Any]:
    kind = result.get("kind", "")
    return {
        **result,
        "kind_label": RecordKind(kind).label if kind in RecordKind.values else "未知类型",
        "style": STATUS_STYLE.get(result.get("status", ""), "secondary"),
        "outcome": (
            "本次新入库"
            if result.get("created")
            else "此前已收到，未重复入库"
            if result.get("status") != "refused"
            else "未导入"
        ),
    }


@require_http_methods(["GET", "POST"])
def bundle_upload(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, DEVICE_PAIR) or can(request.user, DEVICE_MANAGE)):
        raise PermissionDenied("您的账号不能导入离线数据包")
    form = BundleForm(request.POST or None, request.FILES or None)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            results = [
                _row(r)
                for r in bundle_import(user=request.user, data=form.cleaned_data["file"].read())
            ]
        except ApplicationError as exc:
            form.add_error("file", exc.message)
    return render(
        request,
        "field/bundles.html",
        {
            "form": form,
            "results": results,
            "applied": sum(1 for r in results or [] if r.get("status") == "applied"),
            "is_admin": can(request.user, DEVICE_MANAGE),
        },
    )
