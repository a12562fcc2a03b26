from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_POST

from zerocrop.core.errors import ApplicationError
from zerocrop.core.login_throttle import client_address
from zerocrop.org import selectors, services
from zerocrop.org.capabilities import LOGIN_LOCKS, can
from zerocrop.org.forms import LoginForm, PersonSearchForm


class LoginView(auth_views.LoginView):
    """The login page; without a ?next= each role lands where its work is (a grid worker on
    我的任务, settings.ZEROCROP_ROLE_LANDING), everyone else on LOGIN_REDIRECT_URL."""

    template_name = "auth/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self) -> str:
        landing = settings.ZEROCROP_ROLE_LANDING.get(getattr(self.request.user, "role", ""))
        return resolve_url(landing) if landing else super().get_default_redirect_url()


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


def _town_admin_only(request: HttpRequest) -> None:
    if not can(request.user, LOGIN_LOCKS):
        raise PermissionDenied("只有镇管理员可以查看和解除登录锁定")


def login_lock_list(request: HttpRequest) -> HttpResponse:
    _town_admin_only(request)
    return render(request, "org/login_locks.html", {"locks": selectors.login_locks()})


@require_POST
def login_lock_lift(request: HttpRequest) -> HttpResponse:
    _town_admin_only(request)
    username = request.POST.get("username", "")
    ip_address = request.POST.get("ip_address") or None
    try:
        services.login_lock_lift(username=username, ip_address=ip_address, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已解除「{username}」在 {ip_address or '未知地址'} 的登录锁定。")
    return redirect("login-locks")


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """axes' lockout page (AXES_LOCKOUT_CALLABLE): what happened and when the lock ends."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    locks = selectors.login_locks(username=username, ip_address=client_address(request))
    context = {
        "username": username,
        "lock": locks[0] if locks else None,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "auth/locked.html", context, status=429)
