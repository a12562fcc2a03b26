from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zerocrop.campaigns import selectors, services
from zerocrop.campaigns.forms import (
    DEFAULT_PHASES,
    CampaignFactsForm,
    LiaisonForm,
    NoticeFactsForm,
    NoticeForm,
    PledgeForm,
)
from zerocrop.campaigns.notice_files import NoticeFileError, read_notice_bytes
from zerocrop.campaigns.notice_staging import (
    StagedNotice,
    notice_stage,
    notice_staged,
    notice_unstage,
)
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence_views import evidence_response
from zerocrop.core.forms import VoidForm, add_application_error
from zerocrop.org.capabilities import CAMPAIGN_CREATE, UNIT_MANAGE, can
from zerocrop.org.choices import UnitLevel
from zerocrop.org.selectors import unit_get, unit_list


def home(request: HttpRequest) -> HttpResponse:
    campaign = selectors.campaign_current(user=request.user, today=today())
    if campaign is None:
        return redirect("campaign-list")
    return redirect("campaign-detail", campaign_id=campaign.pk)


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaign_list(user=request.user).prefetch_related("phases")
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": campaigns, "can_create": can(request.user, CAMPAIGN_CREATE)},
    )


def campaign_detail(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    overview = selectors.campaign_overview(campaign=campaign, user=request.user, today=today())
    return render(request, "campaigns/campaign_detail.html", {"o": overview})


def _require_town_admin(request: HttpRequest) -> None:
    if not can(request.user, CAMPAIGN_CREATE):
        raise PermissionDenied("只有镇管理员可以创建行动")


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Create a campaign by hand: name, town, dates and the four usual phases."""
    _require_town_admin(request)
    facts = {"campaign": {}, "phases": [{"name": name} for name in DEFAULT_PHASES]}
    form = CampaignFactsForm(
        request.POST or None,
        initial=CampaignFactsForm.initial_from(facts),
        phase_count=len(DEFAULT_PHASES),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create_from_facts(
                facts=form.apply_to(facts), actor=request.user
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已创建行动「{campaign.name}」")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form})


NOTICE_GONE = "方案预览已过期、已导入或不属于本次登录，请重新粘贴或上传方案。"


def _notice_stage(request: HttpRequest, form: NoticeForm) -> StagedNotice:
    upload = form.cleaned_data.get("file")
    if upload is None:
        return notice_stage(session=request.session, text=form.cleaned_data["text"])
    data = upload.read()  # the form and the upload handler bound its size
    text = read_notice_bytes(data, name=upload.name)
    return notice_stage(session=request.session, text=text, data=data, name=upload.name)


@require_http_methods(["GET", "POST"])
def notice_import(request: HttpRequest) -> HttpResponse:
    """Paste or upload a notice → preview of what was understood → confirm.

    The preview parses the notice once and stages it with its draft; the confirmation carries
    only the staged notice's token (bound to this session) and the user's corrections.
    """
    _require_town_admin(request)
    if request.POST.get("step", "") == "confirm":
        form = NoticeFactsForm(request.POST)
        staged = notice_staged(session=request.session, token=request.POST.get("token", ""))
        if staged is None:
            form.add_error(None, NOTICE_GONE)
        elif form.is_valid():
            try:
                campaign = services.campaign_create_from_facts(
                    facts=form.apply_to(staged.facts), notice_text=staged.text, actor=request.user
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                notice_unstage(session=request.session, token=staged.token)
                messages.success(request, f"已根据方案创建行动「{campaign.name}」")
                return redirect("campaign-detail", campaign_id=campaign.pk)
        text, facts = (staged.text, staged.facts) if staged is not None else ("", {})
        return _preview(request, text, facts, form)

    notice_form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and notice_form.is_valid():
        try:
            staged = _notice_stage(request, notice_form)
        except NoticeFileError as exc:
            notice_form.add_error("file", str(exc))
        else:
            form = NoticeFactsForm(
                initial={**NoticeFactsForm.initial_from(staged.facts), "token": staged.token},
                phase_count=len(staged.facts.get("phases") or []),
            )
            return _preview(request, staged.text, staged.facts, form)
    return render(request, "campaigns/notice_form.html", {"form": notice_form})


def _preview(request: HttpRequest, text: str, facts: dict, form: CampaignFactsForm) -> HttpResponse:
    units_by_kind: dict[str, list[str]] = {}
    for unit in facts.get("units") or []:
        units_by_kind.setdefault(unit["kind"], []).append(unit["name"])
    return render(
        request,
        "campaigns/notice_preview.html",
        {
            "form": form,
            "facts": facts,
            "units_by_kind": units_by_kind,
            "notice_text": text,
            "facts_json": json.dumps(facts, ensure_ascii=False, indent=2),
        },
    )


@require_http_methods(["GET", "POST"])
def liaison_edit(request: HttpRequest, campaign_id: str, unit_id: str) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    unit = unit_get(user=request.user, unit_id=unit_id)
    if not can(request.user, UNIT_MANAGE, unit):
        raise PermissionDenied("无权设置该单位的联络员")
    current = campaign.liaisons.filter(unit=unit).select_related("person").first()
    initial = {"name": current.person.name, "phone": current.phone} if current else {}
    form = LiaisonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_set_by_name(
                campaign=campaign,
                unit=unit,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data.get("phone") or "",
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已设置{unit.name}的联络员")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/liaison_form.html",
        {"campaign": campaign, "unit": unit, "form": form},
    )


def pledge_list(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    show_void = request.GET.get("void") == "1"
    pledges = selectors.pledge_list(user=request.user, campaign=campaign, include_void=show_void)
    return render(
        request,
        "campaigns/pledge_list.html",
        {"campaign": campaign, "pledges": pledges, "show_void": show_void},
    )


def _pledge_units(request: HttpRequest, campaign: object) -> object:
    return unit_list(
        user=request.user, levels=[UnitLevel.VILLAGE, UnitLevel.COMMUNITY, UnitLevel.OFFICE]
    ).filter(path__startswith=campaign.unit.path)


@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    if not can(request.user, UNIT_MANAGE):  # the form is not shown to who cannot send it
        raise PermissionDenied("无权登记责任状")
    units = _pledge_units(request, campaign)
    form = PledgeForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        initial={"unit": request.GET.get("unit"), "kind": request.GET.get("kind", "unit")},
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        if not can(request.user, UNIT_MANAGE, unit):
            raise PermissionDenied("无权为该单位登记")
        scan = form.cleaned_data.get("scan")
        try:
            pledge = services.pledge_register(
                campaign=campaign,
                kind=form.cleaned_data["kind"],
                unit=unit,
                signer=form.cleaned_data["signer"],
                household=form.cleaned_data.get("household") or "",
                signed_on=form.cleaned_data["signed_on"],
                scan_name=scan.name if scan else None,
                scan_file=scan,
                actor=request.user,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已登记：{pledge}")
            return redirect("pledge-list", campaign_id=campaign.pk)
    return render(request, "campaigns/pledge_form.html", {"campaign": campaign, "form": form})


def pledge_scan(request: HttpRequest, pledge_id: str) -> FileResponse:
    """The old address of a scan (the page links the evidence view now)."""
    pledge = selectors.pledge_get(user=request.user, pledge_id=pledge_id)
    if pledge.scan_id is None:
        raise PermissionDenied("该责任状没有扫描件")
    return evidence_response(request, pledge.scan)


@require_POST
def pledge_void(request: HttpRequest, pledge_id: str) -> HttpResponse:
    pledge = selectors.pledge_get(user=request.user, pledge_id=pledge_id)
    if not can(request.user, UNIT_MANAGE, pledge.unit):
        raise PermissionDenied("无权作废该责任状")
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_void(
                pledge=pledge, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已作废：{pledge}")
    else:
        messages.error(request, "；".join(form.errors["reason"]))
    return redirect("pledge-list", campaign_id=pledge.campaign_id)
