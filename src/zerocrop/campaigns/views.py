from __future__ import annotations

import json
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, QuerySet, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zerocrop.campaigns import selectors, services
from zerocrop.campaigns.forms import (
    DEFAULT_PHASES,
    CampaignFactsForm,
    LiaisonForm,
    MemberForm,
    NoticeFactsForm,
    NoticeForm,
    PhaseForm,
    PledgeForm,
    VillageForm,
)
from zerocrop.campaigns.models import Campaign
from zerocrop.campaigns.notice_files import NoticeFileError, read_notice_bytes
from zerocrop.campaigns.notice_staging import (
    StagedNotice,
    notice_restage,
    notice_stage,
    notice_staged,
    notice_unstage,
)
from zerocrop.campaigns.windows import default_windows, period_of, windows_outside
from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.evidence_views import evidence_response
from zerocrop.core.forms import VoidForm, add_application_error
from zerocrop.core.vocabulary import Species, Stage
from zerocrop.org.capabilities import CAMPAIGN_CREATE, CAMPAIGN_EDIT_STRUCTURE, UNIT_MANAGE, can
from zerocrop.org.choices import UnitLevel
from zerocrop.org.models import AdminUnit
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
    return _campaign_page(request, campaign)


def _campaign_page(
    request: HttpRequest, campaign: Campaign, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    """The campaign page; `bound`: a structure form sent with bad input, shown with its errors."""
    overview = selectors.campaign_overview(campaign=campaign, user=request.user, today=today())
    context: dict[str, Any] = {"o": overview, "open_form": next(iter(bound), "")}
    if can(request.user, CAMPAIGN_EDIT_STRUCTURE, campaign.unit):
        context.update(
            may_edit_structure=True,
            member_form=MemberForm(units=_member_units(campaign)),
            phase_form=PhaseForm(),
            village_form=VillageForm(),
            removable_villages={
                r.unit.pk
                for r in overview.unit_rows
                if r.unit.level != UnitLevel.OFFICE
                and r.liaison is None
                and not services.unit_has_records(unit=r.unit)
            },
        )
        context.update(bound)
    return render(request, "campaigns/campaign_detail.html", context, status=status)


def _member_units(campaign: Campaign) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(parent=campaign.unit).order_by(
        Case(When(level=UnitLevel.OFFICE, then=Value(1)), default=Value(0)), "sort_order", "name"
    )


def _editable_campaign(request: HttpRequest, campaign_id: str) -> Campaign:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    if not can(request.user, CAMPAIGN_EDIT_STRUCTURE, campaign.unit):
        raise PermissionDenied("只有本乡镇的管理员可以修改领导小组、村和阶段")
    return campaign


@require_POST
def member_add(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    form = MemberForm(request.POST, units=_member_units(campaign))
    if form.is_valid():
        try:
            member = services.member_add(campaign=campaign, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已添加领导小组成员：{member}")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return _campaign_page(request, campaign, status=400, member_form=form)


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, campaign_id: str, member_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    member = get_object_or_404(campaign.group_members.select_related("person"), pk=member_id)
    initial = {
        "role": member.role,
        "name": member.person.name if member.person else "",
        "titles": "、".join(member.titles),
        "unit": member.unit_id,
    }
    form = MemberForm(request.POST or None, initial=initial, units=_member_units(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=member, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已修改领导小组成员：{member}")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/structure_form.html",
        {"campaign": campaign, "form": form, "heading": "修改领导小组成员"},
    )


@require_POST
def member_remove(request: HttpRequest, campaign_id: str, member_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    member = get_object_or_404(campaign.group_members.select_related("person"), pk=member_id)
    label = str(member)
    services.member_remove(member=member, actor=request.user)
    messages.success(request, f"已从领导小组移除：{label}")
    return redirect("campaign-detail", campaign_id=campaign.pk)


@require_POST
def phase_add(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            phase = services.phase_add(campaign=campaign, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已添加{phase}")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return _campaign_page(request, campaign, status=400, phase_form=form)


@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, campaign_id: str, phase_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    phase = get_object_or_404(campaign.phases, pk=phase_id)
    initial = {"name": phase.name, "starts_on": phase.starts_on, "ends_on": phase.ends_on}
    form = PhaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_update(phase=phase, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已修改{phase}")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/structure_form.html",
        {"campaign": campaign, "form": form, "heading": f"修改{phase}"},
    )


@require_POST
def phase_remove(request: HttpRequest, campaign_id: str, phase_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    phase = get_object_or_404(campaign.phases, pk=phase_id)
    label = str(phase)
    try:
        services.phase_remove(phase=phase, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除{label}")
    return redirect("campaign-detail", campaign_id=campaign.pk)


@require_POST
def village_add(request: HttpRequest, campaign_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    form = VillageForm(request.POST)
    if form.is_valid():
        try:
            unit = services.village_add(campaign=campaign, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已添加「{unit.name}」")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return _campaign_page(request, campaign, status=400, village_form=form)


@require_POST
def village_remove(request: HttpRequest, campaign_id: str, unit_id: str) -> HttpResponse:
    campaign = _editable_campaign(request, campaign_id)
    unit = unit_get(user=request.user, unit_id=unit_id)
    name = unit.name
    try:
        services.village_remove(campaign=campaign, unit=unit, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除「{name}」")
    return redirect("campaign-detail", campaign_id=campaign.pk)


def _require_town_admin(request: HttpRequest) -> None:
    if not can(request.user, CAMPAIGN_CREATE):
        raise PermissionDenied("只有镇管理员可以创建行动")


def _towns(request: HttpRequest) -> QuerySet[AdminUnit]:
    towns = selectors.town_choices(user=request.user)
    if not towns.exists():
        raise PermissionDenied("您的账号没有所属乡镇，不能创建行动；请联系管理员设置所属单位")
    return towns


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Create a campaign by hand: name, town, dates and the four usual phases."""
    _require_town_admin(request)
    towns = _towns(request)
    facts = {"campaign": {}, "phases": [{"name": name} for name in DEFAULT_PHASES]}
    form = CampaignFactsForm(
        request.POST or None,
        initial=CampaignFactsForm.initial_from(facts, towns=towns),
        towns=towns,
        phase_count=len(DEFAULT_PHASES),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create_from_facts(
                facts=form.apply_to(facts), town=form.cleaned_data["town"], actor=request.user
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"已创建行动「{campaign.name}」")
            return redirect("campaign-detail", campaign_id=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form})


NOTICE_GONE = "方案预览已过期、已导入或不属于本次登录，请重新粘贴或上传方案。"
# The preview's buttons: confirm, or change the draft (and maybe add an empty row) and look again.
PREVIEW_STEPS = {
    "confirm": None,
    "update": None,
    "add_member": "member",
    "add_unit": "unit",
    "add_phase": "phase",
}


def _notice_stage(request: HttpRequest, form: NoticeForm) -> StagedNotice:
    upload = form.cleaned_data.get("file")
    if upload is None:
        return notice_stage(session=request.session, text=form.cleaned_data["text"])
    data = upload.read()  # the form and the upload handler bound its size
    text = read_notice_bytes(data, name=upload.name)
    return notice_stage(session=request.session, text=text, data=data, name=upload.name)


def _draft_form(
    staged: StagedNotice, towns: QuerySet[AdminUnit], add: str | None = None
) -> NoticeFactsForm:
    """The preview form of a staged draft; `add`: "member", "unit" or "phase" for an empty row."""
    initial = {**NoticeFactsForm.initial_from(staged.facts, towns=towns), "token": staged.token}
    if add is not None:
        initial[f"{add}_count"] += 1
    return NoticeFactsForm(
        initial=initial,
        towns=towns,
        **{key: initial[key] for key in ("phase_count", "member_count", "unit_count")},
    )


@require_http_methods(["GET", "POST"])
def notice_import(request: HttpRequest) -> HttpResponse:
    """Paste or upload a notice → preview of what was understood, editable → confirm.

    The preview parses the notice once and stages it with its draft; the user's corrections
    (the town, the group, the units, the phases) are written back into the staged draft, and
    the confirmation carries only the staged notice's token and the last corrections.
    """
    _require_town_admin(request)
    towns = _towns(request)
    step = request.POST.get("step", "")
    if step in PREVIEW_STEPS:
        form = NoticeFactsForm(request.POST, towns=towns)
        staged = notice_staged(session=request.session, token=request.POST.get("token", ""))
        if staged is None:
            form.add_error(None, NOTICE_GONE)
        elif form.is_valid():
            facts = form.apply_to(staged.facts)
            if step != "confirm":
                try:
                    staged = notice_restage(session=request.session, staged=staged, facts=facts)
                except NoticeFileError:
                    form.add_error(None, NOTICE_GONE)
                    return _preview(request, "", {}, form, towns)
                form = _draft_form(staged, towns, PREVIEW_STEPS[step])
                if step == "update":
                    messages.info(request, "已保存修改，尚未创建行动")
                return _preview(request, staged.text, staged.facts, form, towns)
            try:
                campaign = services.campaign_create_from_facts(
                    facts=facts,
                    town=form.cleaned_data["town"],
                    notice_text=staged.text,
                    actor=request.user,
                )
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                notice_unstage(session=request.session, token=staged.token)
                messages.success(request, f"已根据方案创建行动「{campaign.name}」")
                return redirect("campaign-detail", campaign_id=campaign.pk)
        text, facts = (staged.text, staged.facts) if staged is not None else ("", {})
        return _preview(request, text, facts, form, towns)

    notice_form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and notice_form.is_valid():
        try:
            staged = _notice_stage(request, notice_form)
        except NoticeFileError as exc:
            notice_form.add_error("file", str(exc))
        else:
            return _preview(request, staged.text, staged.facts, _draft_form(staged, towns), towns)
    return render(request, "campaigns/notice_form.html", {"form": notice_form})


def _draft_windows_outside(facts: dict) -> list[str]:
    """The default critical windows the draft's phases do not cover, as Chinese labels."""
    spans = []
    for phase in facts.get("phases") or []:
        try:
            spans.append((date.fromisoformat(phase["start"]), date.fromisoformat(phase["end"])))
        except (KeyError, TypeError, ValueError):
            continue
    period = period_of(spans)
    if period is None:
        return []
    return [
        f"{Species(species).label}{Stage(stage).label}（{start:%-m月%-d日}至{end:%-m月%-d日}）"
        for species, stage, start, end in windows_outside(default_windows(period[0].year), period)
    ]


def _preview(
    request: HttpRequest,
    text: str,
    facts: dict,
    form: NoticeFactsForm,
    towns: QuerySet[AdminUnit],
) -> HttpResponse:
    named_town = "".join(str((facts.get("campaign") or {}).get("town") or "").split())
    foreign_town = named_town if named_town and named_town not in {t.name for t in towns} else ""
    return render(
        request,
        "campaigns/notice_preview.html",
        {
            "form": form,
            "facts": facts,
            "foreign_town": foreign_town,
            "windows_outside": _draft_windows_outside(facts),
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
