from __future__ import annotations

import io
import logging

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from shapely.geometry import shape

from zerocrop.findings import services
from zerocrop.findings.models import Finding, KeyPerson
from zerocrop.org.models import AdminUnit, Person

from .conftest import ago, jpeg

MARKER = "种植人标记甲乙丙"


def _upload(name: str = "现场.jpg", colour: str = "green") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg(colour), content_type="image/jpeg")


def _form(village, point, person, **extra):
    data = {
        "unit": village.pk,
        "lon": f"{point['coordinates'][0]:.6f}",
        "lat": f"{point['coordinates'][1]:.6f}",
        "source_crs": "wgs84",
        "species": "poppy",
        "stage": "flowering",
        "setting": "courtyard",
        "sprouted": "on",
        "counting_method": "exact",
        "plant_count": "15",
        "source": "patrol",
        "found_at": timezone.localtime(ago(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "found_by": [person.pk],
    }
    data.update(extra)
    return data


def test_a_cadre_records_a_finding_through_the_form(
    login_as, village, point_in, cadre_person
) -> None:
    client = login_as("cadre")
    page = client.get("/findings/new/")
    assert page.status_code == 200
    assert "种植人（仅民警" not in page.content.decode()  # no police fields for a cadre
    response = client.post(
        "/findings/new/", {**_form(village, point_in(village), cadre_person), "photos": [_upload()]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = Finding.objects.latest("created_at")
    assert response["Location"] == f"/findings/{finding.pk}/"
    assert finding.plant_count == 15 and finding.photos.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "待铲除" in detail and "登记铲除" in detail and "新建" in detail  # timeline


def test_bad_form_input_is_named_in_chinese_and_nothing_is_saved(
    login_as, village, point_in, cadre_person
) -> None:
    client = login_as("cadre")
    before = Finding.objects.count()
    other = AdminUnit.objects.get(name="排子湾村")
    response = client.post("/findings/new/", _form(village, point_in(other), cadre_person))
    assert response.status_code == 200
    assert "位置不在毛布拉格村的边界内" in response.content.decode()
    response = client.post(
        "/findings/new/",
        _form(village, point_in(village), cadre_person, counting_method="sampled", quadrats="1"),
    )
    assert "样方第 1 行应为" in response.content.decode()
    response = client.post(
        "/findings/new/", _form(village, point_in(village), cadre_person, lon="东经")
    )
    assert "经度应为数字" in response.content.decode()
    assert Finding.objects.count() == before


def test_a_leader_and_police_cannot_record(login_as) -> None:
    assert login_as("leader").get("/findings/new/").status_code == 403
    assert login_as("police").get("/findings/new/").status_code == 403


def test_findings_are_scoped_in_pages_and_api(login_as, record) -> None:
    finding = record()
    other = login_as("cadre2")
    assert other.get(f"/findings/{finding.pk}/").status_code == 404
    assert other.get(f"/api/v1/findings/{finding.pk}").status_code == 404
    assert str(finding.pk) not in other.get("/findings/").content.decode()
    assert all(f["id"] != str(finding.pk) for f in other.get("/api/v1/findings/").json())
    for name in ("cadre", "leader", "police", "admin"):
        assert login_as(name).get(f"/findings/{finding.pk}/").status_code == 200


def test_eradicate_and_recheck_through_the_forms(login_as, record, cadre_person) -> None:
    finding = record()
    client = login_as("cadre")
    form = {
        "done_at": timezone.localtime(ago(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "method": "pulled",
        "done_by": [cadre_person.pk],
        "witnesses": [Person.objects.get(name="高志刚").pk],
        "plants_destroyed": "12",
        "destruction": "就地焚烧",
        "before_photos": [_upload("前.jpg", "red")],
        "after_photos": [_upload("后.jpg", "blue")],
    }
    response = client.post(f"/findings/{finding.pk}/eradicate/", form)
    assert response.status_code == 200
    assert "见证人中至少要有一名村干部" in response.content.decode()
    form["witnesses"] = [cadre_person.pk]
    form["before_photos"] = [_upload("前.jpg", "red")]
    form["after_photos"] = [_upload("后.jpg", "blue")]
    response = client.post(f"/findings/{finding.pk}/eradicate/", form)
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "eradicated"
    response = client.post(
        f"/findings/{finding.pk}/recheck/",
        {
            "done_at": timezone.localtime(ago(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "done_by": [cadre_person.pk],
            "regrowth_plants": "0",
            "photos": [_upload("复查.jpg", "yellow")],
        },
    )
    assert response.status_code == 302
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "已复查" in page and "未见再生" in page and "铲除" in page


@pytest.fixture
def marked_finding(record, user_named, village) -> Finding:
    grower = KeyPerson.objects.create(name=MARKER, unit=village, category="other")
    finding = record()
    services.finding_update(
        finding=finding,
        changes={
            "grower": grower,
            "prior_handled": True,
            "prior_handling": f"{MARKER}曾被批评教育",
        },
        actor=user_named("police"),
    )
    return finding


@pytest.mark.parametrize("name", ["cadre", "grid", "leader"])
def test_police_only_facts_never_reach_other_roles(login_as, marked_finding, name) -> None:
    client = login_as(name)
    page = client.get(f"/findings/{marked_finding.pk}/").content.decode()
    assert page and MARKER not in page and "曾被批评教育" not in page
    listing = client.get("/findings/").content.decode()
    assert MARKER not in listing
    api = client.get(f"/api/v1/findings/{marked_finding.pk}")
    assert api.status_code == 200 and MARKER not in api.content.decode()
    assert "grower" not in api.json()
    assert MARKER not in client.get("/api/v1/findings/").content.decode()
    export = client.get("/findings/?export=xlsx")
    assert export.status_code == 200
    assert MARKER not in _xlsx_text(export.content)
    assert client.post(f"/findings/{marked_finding.pk}/police/", {}).status_code == 403


@pytest.mark.parametrize("name", ["police", "admin"])
def test_police_and_admin_see_the_grower(login_as, marked_finding, name) -> None:
    client = login_as(name)
    assert MARKER in client.get(f"/findings/{marked_finding.pk}/").content.decode()
    assert client.get(f"/api/v1/findings/{marked_finding.pk}").json()["grower"]["name"] == MARKER
    assert MARKER in _xlsx_text(client.get("/findings/?export=xlsx").content)


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value
    )


def test_finding_photos_are_served_only_in_scope(login_as, record) -> None:
    finding = record()
    photo = finding.photos.get()
    assert login_as("cadre").get(f"/evidence/{photo.evidence_id}/").status_code == 200
    assert login_as("cadre2").get(f"/evidence/{photo.evidence_id}/").status_code == 404


def test_list_filters_by_state_and_the_map_gets_points(login_as, record, eradicate) -> None:
    open_one = record()
    done = record(plant_count=30)
    eradicate(done)
    client = login_as("cadre")
    page = client.get("/findings/?state=open").content.decode()
    assert f"/findings/{open_one.pk}/" in page and f"/findings/{done.pk}/" not in page
    page = client.get("/findings/?state=eradicated").content.decode()
    assert f"/findings/{done.pk}/" in page and f"/findings/{open_one.pk}/" not in page
    assert "finding-list-config" in page and str(round(shape(done.geometry).x, 6))[:8] in page


def test_the_plot_page_and_overview_show_findings(login_as, record, village, demo_campaign) -> None:
    from zerocrop.geo.models import Plot

    plot = Plot.objects.filter(unit=village, voided_at__isnull=True).first()
    from shapely.geometry import mapping

    finding = record(
        geometry=mapping(shape(plot.geometry).representative_point()),
        campaign=demo_campaign,
        found_at=ago(days=6),
    )
    client = login_as("cadre")
    plot_page = client.get(f"/geo/plots/{plot.pk}/").content.decode()
    assert f"/findings/{finding.pk}/" in plot_page
    overview = client.get(f"/campaigns/{demo_campaign.pk}/").content.decode()
    assert "发现与铲除" in overview and "超期未铲除 1 处" in overview


def _api_body(village, point, person, **extra):
    body = {
        "unit_id": str(village.pk),
        "geometry": point,
        "species": "cannabis",
        "stage": "emerged",
        "setting": "wild",
        "source": "target",
        "source_ref": "靶点-001",
        "found_at": ago(hours=1).isoformat(),
        "found_by": [str(person.pk)],
        "counting_method": "sampled",
        "area_m2": 50,
        "quadrats": [{"area_m2": 1, "plants": 4}],
    }
    body.update(extra)
    return body


def test_the_api_records_a_finding_and_refuses_bad_input(
    login_as, village, point_in, cadre_person
) -> None:
    client = login_as("cadre")
    response = client.post(
        "/api/v1/findings/",
        _api_body(village, point_in(village), cadre_person),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["plant_count"] == 200 and "grower" not in response.json()
    before = Finding.objects.count()
    other = AdminUnit.objects.get(name="排子湾村")
    response = client.post(
        "/api/v1/findings/",
        _api_body(other, point_in(other), cadre_person),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "unit_id"
    response = client.post(
        "/api/v1/findings/",
        _api_body(village, point_in(village), cadre_person, quadrats=[]),
        content_type="application/json",
    )
    assert response.status_code == 400 and "至少需要一个样方" in response.json()["detail"]
    leader = login_as("leader")
    response = leader.post(
        "/api/v1/findings/",
        _api_body(village, point_in(village), cadre_person),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Finding.objects.count() == before


def test_the_report_to_the_police_station_is_added_later(login_as, record) -> None:
    finding = record()
    client = login_as("cadre")
    page = client.get(f"/findings/{finding.pk}/edit/")
    assert page.status_code == 200
    reported = timezone.localtime(ago(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    data = {"stage": "flowering", "setting": "courtyard", "source": "patrol"}
    early = timezone.localtime(ago(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/findings/{finding.pk}/edit/", {**data, "reported_at": early})
    assert "报告派出所时间早于发现时间" in response.content.decode()
    response = client.post(
        f"/findings/{finding.pk}/edit/",
        {**data, "reported_at": reported, "report_receiver": "李登军", "place": "三组"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.report_receiver == "李登军" and finding.place == "三组"
    assert login_as("cadre2").get(f"/findings/{finding.pk}/edit/").status_code == 404
    assert login_as("leader").get(f"/findings/{finding.pk}/edit/").status_code == 403


def test_police_enter_the_grower_on_the_finding_page(login_as, record, village) -> None:
    finding = record()
    grower = KeyPerson.objects.create(name="种植人乙", unit=village, category="other")
    police = login_as("police")
    page = police.get(f"/findings/{finding.pk}/").content.decode()
    assert "种植人（仅民警和镇管理员可见）" in page
    response = police.post(
        f"/findings/{finding.pk}/police/",
        {"police-grower": grower.pk, "police-grower_unowned": "on"},
        follow=True,
    )
    assert "已填写种植人，不能同时标为无主" in response.content.decode()
    police.post(
        f"/findings/{finding.pk}/police/",
        {"police-grower": grower.pk, "police-prior_handled": "on"},
    )
    finding.refresh_from_db()
    assert finding.grower == grower and finding.prior_handled


def test_the_admin_records_the_grower_with_the_finding(
    login_as, village, point_in, cadre_person
) -> None:
    client = login_as("admin")
    assert "police-grower_unowned" in client.get("/findings/new/").content.decode()
    response = client.post(
        "/findings/new/",
        {**_form(village, point_in(village), cadre_person), "police-grower_unowned": "on"},
    )
    assert response.status_code == 302
    assert Finding.objects.latest("created_at").grower_unowned


def test_a_patch_drawn_on_the_map_is_kept_as_a_polygon_with_its_area(
    login_as, village, point_in, cadre_person
) -> None:
    import json

    from zerocrop.geo.models import Plot

    plot = Plot.objects.filter(unit=village, voided_at__isnull=True).order_by("-area_m2").first()
    patch = shape(plot.geometry).representative_point().buffer(0.0001, quad_segs=2)
    from shapely.geometry import mapping

    client = login_as("cadre")
    response = client.post(
        "/findings/new/",
        {
            **_form(village, point_in(village), cadre_person),
            "outline": json.dumps(mapping(patch)),
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.latest("created_at")
    assert finding.geometry["type"] == "Polygon"
    assert 200 < finding.area_m2 < 350  # an octagon of ~10 m radius: ~2.8 r²
    assert finding.plot == plot
    response = client.post(
        "/findings/new/", {**_form(village, point_in(village), cadre_person), "outline": "[1, 2"}
    )
    assert "地图上画的范围无法识别" in response.content.decode()


def test_a_voided_finding_says_so_and_offers_no_eradication(login_as, record) -> None:
    finding = record()
    client = login_as("cadre")
    response = client.post(f"/findings/{finding.pk}/void/", {"reason": ""}, follow=True)
    assert "作废必须填写原因" in response.content.decode()
    client.post(f"/findings/{finding.pk}/void/", {"reason": "重复登记"})
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert "已作废：重复登记" in page and 'data-testid="finding-eradicate"' not in page
    assert f"/findings/{finding.pk}/" not in client.get("/findings/").content.decode()
    response = client.post(f"/findings/{finding.pk}/eradicate/", {}, follow=True)
    assert "该发现点已作废，不能登记铲除" in response.content.decode()
    assert not finding.eradications.exists()


def test_police_only_facts_stay_out_of_the_application_log(
    caplog, login_as, record, user_named, village
) -> None:
    caplog.set_level(logging.DEBUG)
    grower = KeyPerson.objects.create(name=MARKER, unit=village, category="other")
    finding = record()
    police = login_as("police")
    response = police.post(
        f"/findings/{finding.pk}/police/",
        {
            "police-grower": grower.pk,
            "police-prior_handled": "on",
            "police-prior_handling": f"{MARKER}曾被批评教育",
        },
    )
    assert response.status_code == 302
    cadre = login_as("cadre")
    # Refused, and logged by Django as such: the log names the request, never the posted facts.
    refused = cadre.post(f"/findings/{finding.pk}/police/", {"police-prior_handling": MARKER})
    assert refused.status_code == 403
    for client in (police, cadre):
        client.get(f"/findings/{finding.pk}/")
        client.get(f"/api/v1/findings/{finding.pk}")
        client.get("/findings/?export=xlsx")
    finding.refresh_from_db()
    assert finding.grower == grower  # the form really saved the marked facts
    assert any(r.name == "django.request" for r in caplog.records)
    assert MARKER not in caplog.text
