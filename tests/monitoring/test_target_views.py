"""The target pages: list and map, a target's page, verifying, review, 我的任务, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zerocrop.core.clock import today
from zerocrop.core.navigation import menu_for
from zerocrop.monitoring.models import Target
from zerocrop.org.models import AdminUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_village(demo_campaign) -> AdminUnit:
    return AdminUnit.objects.get(name="排子湾村")


def _verify_post(target: Target, photo, people, **extra):
    data = {
        "result": "false",
        "reason": "shadow",
        "verifiers": [str(p.pk) for p in people],
        "verified_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "arrival_source": "typed",
        "arrival_lon": f"{target.lon:.6f}",
        "arrival_lat": f"{target.lat:.6f}",
        "photos_far": [_file(photo, "far.jpg")],
        "photos_near": [_file(photo, "near.jpg")],
        "photos_feature": [_file(photo, "feature.jpg")],
    }
    data.update(extra)
    return data


def _file(photo, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, content = photo(name)
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def _only_these_targets() -> None:
    """Other targets (the demo's, when it has them) out of the way: void them."""
    Target.objects.filter(voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason="测试"
    )


def test_list_orders_overdue_first_with_reminders_and_escalation(make_target, login_as):
    _only_these_targets()
    day = today()
    later = make_target(due_on=day + timedelta(days=9))
    soon = make_target(due_on=day + timedelta(days=1))
    late = make_target(due_on=day - timedelta(days=2))
    three = make_target(due_on=day + timedelta(days=3))
    response = login_as("admin").get(reverse("target-list"))
    assert response.status_code == 200
    body = response.content.decode()
    order = [body.index(t.code) for t in (late, soon, three, later)]
    assert order == sorted(order)
    assert "已超期 2 天" in body and "还剩 1 天截止" in body and "还剩 3 天截止" in body
    assert 'data-testid="target-escalation"' in body and "超期未核查 1 个" in body
    assert "毛布拉格村 1 个" in body
    overdue = login_as("admin").get(reverse("target-list"), {"status": "overdue"})
    assert late.code in overdue.content.decode()
    assert soon.code not in overdue.content.decode()


def test_escalation_box_is_for_who_oversees_the_town(make_target, login_as):
    _only_these_targets()
    make_target(due_on=today() - timedelta(days=1))
    body = login_as("cadre").get(reverse("target-list")).content.decode()
    assert 'data-testid="target-escalation"' not in body
    assert 'data-testid="target-row"' in body
    for username in ("admin", "leader", "police"):
        page = login_as(username).get(reverse("target-list")).content.decode()
        assert 'data-testid="target-escalation"' in page, username


def test_filters_by_village_result_and_known(make_target, login_as, other_village):
    mine = make_target(locally_known=True)
    theirs = make_target(unit=other_village)
    client = login_as("admin")
    body = client.get(reverse("target-list"), {"unit": str(other_village.pk)}).content.decode()
    assert theirs.code in body and mine.code not in body
    body = client.get(reverse("target-list"), {"known": "yes"}).content.decode()
    assert mine.code in body and theirs.code not in body


def test_cadre_sees_own_village_only(make_target, login_as, other_village):
    mine = make_target()
    theirs = make_target(unit=other_village)
    client = login_as("cadre")
    body = client.get(reverse("target-list")).content.decode()
    assert mine.code in body and theirs.code not in body
    assert client.get(reverse("target-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("target-verify", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("target-detail", args=[mine.pk])).status_code == 200


def test_leader_sees_but_cannot_verify(make_target, login_as, photo, cadre_person, grid_person):
    target = make_target()
    client = login_as("leader")
    page = client.get(reverse("target-detail", args=[target.pk]))
    assert page.status_code == 200
    assert 'data-testid="target-verify"' not in page.content.decode()
    assert client.get(reverse("target-verify", args=[target.pk])).status_code == 403
    post = client.post(
        reverse("target-verify", args=[target.pk]),
        _verify_post(target, photo, [cadre_person, grid_person]),
    )
    assert post.status_code == 403
    target.refresh_from_db()
    assert target.status == "pending"


def test_verify_then_review_through_the_pages(
    make_target, login_as, photo, cadre_person, grid_person
):
    target = make_target()
    client = login_as("cadre")
    form = client.get(reverse("target-verify", args=[target.pk]))
    assert form.status_code == 200
    assert 'capture="environment"' in form.content.decode()
    radios = form.content.decode().split('data-testid="verify-result"')[1][:400]
    assert 'class="form-check-input"' in radios  # styled, tappable radios
    response = client.post(
        reverse("target-verify", args=[target.pk]),
        _verify_post(target, photo, [cadre_person, grid_person]),
    )
    assert response.status_code == 302, response.content.decode()[-9000:]
    target.refresh_from_db()
    assert target.status == "submitted" and target.reason == "shadow"
    page = login_as("admin").get(reverse("target-detail", args=[target.pk])).content.decode()
    assert f"{target.code}_1.jpg" in page and f"{target.code}_3.jpg" in page
    assert 'data-testid="target-review"' in page and "审核核查结果" in page
    assert 'data-testid="target-assign"' not in page  # submitted: nothing left to assign
    assert f'href="{reverse("batch-detail", args=[target.batch_id])}"' in page
    assert 'data-testid="target-map-legend"' in page and "到达位置（偏离" in page
    # The cadre verified: no review button for them.
    own = client.get(reverse("target-detail", args=[target.pk])).content.decode()
    assert 'data-testid="target-review"' not in own
    sent = login_as("admin").post(
        reverse("target-review", args=[target.pk]), {"approve": "0", "reason": "远景不清"}
    )
    assert sent.status_code == 302
    target.refresh_from_db()
    assert target.status == "returned" and target.return_reason == "远景不清"


def test_verify_form_shows_the_refusal(make_target, login_as, photo, cadre_person):
    target = make_target()
    response = login_as("cadre").post(
        reverse("target-verify", args=[target.pk]),
        _verify_post(target, photo, [cadre_person]),
    )
    assert response.status_code == 200
    assert "核查人至少 2 人" in response.content.decode()
    target.refresh_from_db()
    assert target.status == "pending"


def test_verify_form_names_the_fields_to_correct_at_its_top(
    make_target, login_as, photo, cadre_person, grid_person
):
    target = make_target()
    response = login_as("cadre").post(
        reverse("target-verify", args=[target.pk]),
        _verify_post(target, photo, [cadre_person, grid_person], verified_at=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('data-testid="form-error-summary">')[1].split("</div>")[0]
    assert "核查时间" in summary and "照片需重新选择" in summary
    target.refresh_from_db()
    assert target.status == "pending"


def test_an_empty_list_says_why_and_how_to_clear_the_filter(login_as):
    _only_these_targets()
    client = login_as("cadre")
    page = client.get(reverse("target-list")).content.decode()
    assert "还没有分到您这里的靶点" in page and f'href="{reverse("batch-list")}"' in page
    filtered = client.get(reverse("target-list"), {"status": "overdue"}).content.decode()
    assert "清除筛选" in filtered


def test_assign_from_the_target_page(make_target, login_as, cadre_person, other_village):
    from zerocrop.org.models import Person

    target = make_target()
    client = login_as("admin")
    page = client.get(reverse("target-detail", args=[target.pk])).content.decode()
    assert 'data-testid="target-assign"' in page
    client.post(
        reverse("target-assign", args=[target.pk]),
        {"persons": [str(cadre_person.pk)], "action": "assign"},
    )
    assert list(target.assignees.all()) == [cadre_person]
    stranger = Person.objects.create(name="外村人乙", unit=other_village)
    client.post(
        reverse("target-assign", args=[target.pk]),
        {"persons": [str(stranger.pk)], "action": "assign"},
    )
    assert list(target.assignees.all()) == [cadre_person]
    # The grid worker may not assign: no form, and the POST is refused.
    grid = login_as("grid")
    assert (
        'data-testid="target-assign"'
        not in grid.get(reverse("target-detail", args=[target.pk])).content.decode()
    )
    refused = grid.post(
        reverse("target-assign", args=[target.pk]),
        {"persons": [str(cadre_person.pk)], "action": "unassign"},
    )
    assert refused.status_code == 403
    assert list(target.assignees.all()) == [cadre_person]


def test_my_tasks_lists_assigned_targets_overdue_first(make_target, login_as, grid_person):
    _only_these_targets()
    day = today()
    soon = make_target(due_on=day + timedelta(days=1))
    late = make_target(due_on=day - timedelta(days=3))
    not_mine = make_target()
    soon.assignees.add(grid_person)
    late.assignees.add(grid_person)
    body = login_as("grid").get(reverse("my-tasks")).content.decode()
    assert 'data-testid="my-targets"' in body
    assert body.index(late.code) < body.index(soon.code)
    assert "已超期 3 天" in body and "还剩 1 天截止" in body
    assert not_mine.code not in body
    # Nothing assigned: no panel.
    assert (
        'data-testid="my-targets"'
        not in login_as("cadre").get(reverse("my-tasks")).content.decode()
    )


def test_menu_item_for_who_sees_targets(make_target, login_as, rf, user_named):
    _only_these_targets()
    make_target()
    for username, shown in (("admin", True), ("cadre", True), ("leader", True), ("cadre2", False)):
        request = rf.get("/")
        request.user = user_named(username)
        labels = [str(item.label) for item in menu_for(request)]
        assert ("靶点核查" in labels) is shown, username
    assert login_as("cadre").get(reverse("target-list")).status_code == 200


def test_phone_card_labels(make_target, login_as):
    make_target()
    body = login_as("cadre").get(reverse("target-list")).content.decode()
    assert 'class="table table-sm align-middle table-stack"' in body
    assert 'data-label="核查时限"' in body


def test_review_refused_to_who_may_not_review(make_target, login_as, photo, people_pair):
    from zerocrop.monitoring import services_targets

    target = make_target()
    services_targets.target_verify(
        target=target,
        result="false",
        reason="lawn",
        verifiers=people_pair,
        verified_at=timezone.now() - timedelta(hours=1),
        arrival_source="typed",
        arrival_lon=target.lon,
        arrival_lat=target.lat,
        photos=[(role, *photo(f"{role}.jpg")) for role in ("far", "near", "feature")],
        actor=None,
    )
    grid = login_as("grid")
    assert (
        'data-testid="target-review"'
        not in grid.get(reverse("target-detail", args=[target.pk])).content.decode()
    )
    refused = grid.post(reverse("target-review", args=[target.pk]), {"approve": "1"})
    assert refused.status_code == 403
    # The cadre is one of the verifiers: no button, and the POST changes nothing.
    cadre = login_as("cadre")
    assert (
        'data-testid="target-review"'
        not in cadre.get(reverse("target-detail", args=[target.pk])).content.decode()
    )
    cadre.post(reverse("target-review", args=[target.pk]), {"approve": "1"})
    target.refresh_from_db()
    assert target.status == "submitted"
    # Sent back by the admin, the form comes back filled with the earlier values.
    login_as("admin").post(
        reverse("target-review", args=[target.pk]), {"approve": "0", "reason": "特征照片模糊"}
    )
    form = cadre.get(reverse("target-verify", args=[target.pk])).content.decode()
    assert 'data-testid="verify-returned"' in form and "特征照片模糊" in form
    assert 'value="lawn" selected' in form


@pytest.fixture
def people_pair(cadre_person, grid_person):
    return [cadre_person, grid_person]


def test_bulk_assign_from_the_list(make_target, login_as, cadre_person, other_village):
    mine, also = make_target(), make_target()
    theirs = make_target(unit=other_village)
    client = login_as("admin")
    body = client.get(reverse("target-list")).content.decode()
    assert 'data-testid="target-bulk-assign"' in body
    done = client.post(
        reverse("target-bulk-assign"),
        {"targets": f"{mine.pk},{also.pk}", "persons": [str(cadre_person.pk)], "next": "/x"},
    )
    assert done.status_code == 302
    assert list(mine.assignees.all()) == [cadre_person] == list(also.assignees.all())
    # A person of 毛布拉格村 may not verify 排子湾村's target: refused whole, nothing assigned.
    client.post(
        reverse("target-bulk-assign"),
        {"targets": f"{mine.pk},{theirs.pk}", "persons": [str(cadre_person.pk)]},
    )
    assert not theirs.assignees.exists()
    # A cadre cannot reach another village's target at all.
    refused = login_as("cadre").post(
        reverse("target-bulk-assign"),
        {"targets": str(theirs.pk), "persons": [str(cadre_person.pk)]},
    )
    assert refused.status_code == 403
    assert (
        'data-testid="target-bulk-assign"'
        not in login_as("leader").get(reverse("target-list")).content.decode()
    )


def test_the_picker_offers_the_village_the_town_and_its_staff(make_target, user_named, town):
    from zerocrop.monitoring.views_targets import _eligible_people
    from zerocrop.org.models import Person

    target = make_target()
    at_town = Person.objects.create(name="镇上干部", unit=town)
    elsewhere = Person.objects.create(name="外村丙", unit=AdminUnit.objects.get(name="排子湾村"))
    names = set(_eligible_people(user_named("admin"), target).values_list("name", flat=True))
    assert {"王鸣山", "高志刚", "吉雅", "镇上干部"} <= names
    assert elsewhere.name not in names and at_town.name in names


def test_finding_page_shows_a_locally_known_target_finding(
    make_target, login_as, photo, people_pair, cadre
):
    from zerocrop.monitoring import services_targets

    target = make_target(locally_known=True)
    done = services_targets.target_verify(
        target=target,
        result="true",
        verifiers=people_pair,
        verified_at=timezone.now() - timedelta(hours=1),
        arrival_source="typed",
        arrival_lon=target.lon,
        arrival_lat=target.lat,
        plant_count=5,
        found_area_m2=3,
        species="poppy",
        stage="budding",
        setting="courtyard",
        photos=[(role, *photo(f"{role}.jpg")) for role in ("far", "near", "feature")],
        actor=cadre,
    )
    page = login_as("admin").get(reverse("finding-detail", args=[done.finding_id]))
    assert 'data-testid="finding-known-locally"' in page.content.decode()
    # The finding's facts lead back to the target it was verified from.
    assert reverse("target-detail", args=[target.pk]) in page.content.decode()
    detail = login_as("admin").get(reverse("target-detail", args=[target.pk])).content.decode()
    assert 'data-testid="target-finding"' in detail


def test_the_target_map_shows_the_linked_plot_with_a_legend(make_target, login_as, village):
    from zerocrop.geo.models import Plot
    from zerocrop.monitoring.choices import LinkKind
    from zerocrop.monitoring.models import TargetLink

    target = make_target()
    plot = Plot.objects.filter(unit=village, voided_at__isnull=True).first()
    TargetLink.objects.create(
        target=target, kind=LinkKind.PLOT, plot=plot, distance_m=0, known_before=True
    )
    page = login_as("admin").get(reverse("target-detail", args=[target.pk])).content.decode()
    config = page.split('id="target-detail-config" type="application/json">')[1].split("<")[0]
    assert '"plots"' in config and plot.name.encode("unicode_escape").decode() in config
    assert "台账中的地块" in page.split('data-testid="target-map-legend"')[1][:300]


@pytest.mark.parametrize(("east_m", "warned"), [(30, False), (400, True)])
def test_a_far_arrival_is_pointed_out_to_the_reviewer(
    make_target, login_as, photo, people_pair, east_m, warned
):
    from zerocrop.monitoring import services_targets

    target = make_target()
    services_targets.target_verify(
        target=target,
        result="false",
        reason="lawn",
        verifiers=people_pair,
        verified_at=timezone.now() - timedelta(hours=1),
        arrival_source="typed",
        arrival_lon=target.lon + east_m / 88_000,  # about 88 km per degree of longitude here
        arrival_lat=target.lat,
        photos=[(role, *photo(f"{role}.jpg")) for role in ("far", "near", "feature")],
        actor=None,
    )
    page = login_as("admin").get(reverse("target-detail", args=[target.pk])).content.decode()
    assert ('data-testid="far-arrival"' in page) is warned
