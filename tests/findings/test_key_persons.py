from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.findings import selectors_persons, services, services_persons
from zerocrop.findings.models import Finding, HomeVisit, KeyPerson
from zerocrop.org.models import AdminUnit

from .conftest import ago, jpeg

HIDDEN = "曾种标记戊己庚"


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.fixture
def key_person(village, user_named) -> KeyPerson:
    return services_persons.key_person_create(
        unit=village,
        name="赵某某",
        category="other",
        id_number="15272219800101123X",
        phone="13812345678",
        address="三组",
        actor=user_named("cadre"),
    )


def test_a_cadre_registers_a_key_person_of_their_village_only(village, user_named) -> None:
    cadre = user_named("cadre")
    person = services_persons.key_person_create(
        unit=village, name=" 钱某 ", category="prior_grower", actor=cadre
    )
    assert person.name == "钱某" and person.unit == village
    other = AdminUnit.objects.get(name="排子湾村")
    with pytest.raises(NotPermitted):
        services_persons.key_person_create(unit=other, name="孙某", category="other", actor=cadre)
    with pytest.raises(NotPermitted):
        services_persons.key_person_create(
            unit=village, name="孙某", category="other", actor=user_named("grid")
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "请填写姓名"),
        ({"id_number": "12345"}, "身份证号应为 18 位"),
        ({"phone": "一三八"}, "电话号码只能包含数字"),
        ({"category": "boss"}, "类别「boss」无法识别"),
    ],
)
def test_bad_key_person_input_is_refused_in_chinese(village, user_named, changes, message):
    before = KeyPerson.objects.count()
    kwargs = {"unit": village, "name": "李某", "category": "other", **changes}
    with pytest.raises(ApplicationError, match=message):
        services_persons.key_person_create(**kwargs, actor=user_named("cadre"))
    assert KeyPerson.objects.count() == before


def test_a_visit_with_a_signed_notice_needs_its_scan(key_person, cadre_person, user_named):
    cadre = user_named("cadre")
    with pytest.raises(ApplicationError, match="请上传签收告知书扫描件"):
        services_persons.visit_record(
            person=key_person,
            visited_on=timezone.localdate(),
            visitors=[cadre_person],
            notice_given=True,
            notice_signed=True,
            actor=cadre,
        )
    with pytest.raises(ApplicationError, match="告知书未发放"):
        services_persons.visit_record(
            person=key_person,
            visited_on=timezone.localdate(),
            visitors=[cadre_person],
            notice_signed=True,
            scan=("告知书.jpg", jpeg()),
            actor=cadre,
        )
    with pytest.raises(ApplicationError, match="走访日期不能晚于今天"):
        services_persons.visit_record(
            person=key_person,
            visited_on=timezone.localdate() + timedelta(days=2),
            visitors=[cadre_person],
            actor=cadre,
        )
    assert not HomeVisit.objects.filter(key_person=key_person).exists()
    visit = services_persons.visit_record(
        person=key_person,
        visited_on=timezone.localdate(),
        visitors=[cadre_person],
        notes="谈话教育",
        notice_given=True,
        notice_signed=True,
        scan=("告知书.jpg", jpeg("white")),
        actor=cadre,
    )
    assert visit.scan is not None and visit.scan.kind == "visit_scan"
    assert len(visit.scan.sha256) == 64


def test_cadres_see_only_their_villages_key_persons(key_person, login_as) -> None:
    assert "赵某某" in login_as("cadre").get("/findings/persons/").content.decode()
    assert "赵某某" not in login_as("cadre2").get("/findings/persons/").content.decode()
    assert login_as("cadre2").get(f"/findings/persons/{key_person.pk}/").status_code == 404
    assert "赵某某" in login_as("police").get("/findings/persons/").content.decode()


def test_the_id_number_is_masked_except_for_police(key_person, login_as) -> None:
    cadre_page = login_as("cadre").get(f"/findings/persons/{key_person.pk}/").content.decode()
    assert "15272219800101123X" not in cadre_page and "152722********123X" in cadre_page
    police_page = login_as("police").get(f"/findings/persons/{key_person.pk}/").content.decode()
    assert "15272219800101123X" in police_page


def test_findings_history_and_repeat_planting_are_police_only(
    record, key_person, login_as, user_named
) -> None:
    police = user_named("police")
    first = record(found_at=ago(days=3), place=HIDDEN)
    services.finding_update(finding=first, changes={"grower": key_person}, actor=police)
    second = record(found_at=ago(hours=3))
    services.finding_update(finding=second, changes={"grower": key_person}, actor=police)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not selectors_persons.is_repeat_planting(first)
    assert selectors_persons.is_repeat_planting(second)  # an earlier finding of the same grower

    police_client = login_as("police")
    person_page = police_client.get(f"/findings/persons/{key_person.pk}/").content.decode()
    assert "发现记录（仅民警和镇管理员可见）" in person_page and HIDDEN in person_page
    assert (
        'data-testid="finding-repeat"'
        in police_client.get(f"/findings/{second.pk}/").content.decode()
    )
    repeats = [f for f in Finding.objects.all() if selectors_persons.is_repeat_planting(f)]
    assert second in repeats and first not in repeats
    assert police_client.get("/findings/").content.decode().count(
        'data-testid="finding-row-repeat"'
    ) == len(repeats)  # the demo's overdue site is a repeat planting too
    api = police_client.get(f"/api/v1/findings/{second.pk}").json()
    assert api["repeat_planting"] is True and api["grower"]["name"] == "赵某某"
    for name in ("cadre", "grid", "leader"):
        client = login_as(name)
        assert "repeat_planting" not in client.get(f"/api/v1/findings/{second.pk}").json()
        page = client.get(f"/findings/persons/{key_person.pk}/").content.decode()
        assert "赵某某" in page  # name, village, category and visits are theirs to see
        assert HIDDEN not in page and "发现记录" not in page
        assert "复种" not in client.get(f"/findings/{second.pk}/").content.decode()
        assert "复种" not in client.get("/findings/").content.decode()


def test_a_prior_grower_category_or_prior_handling_flags_repeat_planting(
    record, village, user_named
) -> None:
    police = user_named("police")
    prior = KeyPerson.objects.create(name="前科甲", unit=village, category="prior_grower")
    plain = KeyPerson.objects.create(name="普通乙", unit=village, category="outsider")
    finding = record()
    services.finding_update(finding=finding, changes={"grower": prior}, actor=police)
    assert selectors_persons.is_repeat_planting(finding)
    services.finding_update(finding=finding, changes={"grower": plain}, actor=police)
    assert not selectors_persons.is_repeat_planting(finding)
    services.finding_update(finding=finding, changes={"prior_handled": True}, actor=police)
    assert selectors_persons.is_repeat_planting(finding)


def test_a_cadre_records_a_visit_through_the_form(key_person, login_as, cadre_person) -> None:
    client = login_as("cadre")
    url = f"/findings/persons/{key_person.pk}/visit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "visitors": [cadre_person.pk],
            "notes": "入户谈话",
            "notice_given": "on",
            "notice_signed": "on",
        },
    )
    assert response.status_code == 200
    assert "请上传签收告知书扫描件" in response.content.decode()
    response = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "visitors": [cadre_person.pk],
            "notes": "入户谈话",
            "notice_given": "on",
            "notice_signed": "on",
            "scan": SimpleUploadedFile("告知书.jpg", jpeg("blue"), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get(key_person=key_person)
    page = client.get(response["Location"]).content.decode()
    assert "入户谈话" in page and "已签收" in page
    scan_url = reverse("evidence-file", args=[visit.scan_id])
    assert scan_url in page and client.get(scan_url).status_code == 200
    assert login_as("cadre2").get(scan_url).status_code == 404
    assert login_as("cadre2").get(url).status_code == 404
    assert login_as("leader").get(url).status_code == 403


def test_the_visit_ledger_exports_with_masked_ids_for_cadres(
    key_person, login_as, cadre_person, user_named
) -> None:
    services_persons.visit_record(
        person=key_person,
        visited_on=timezone.localdate(),
        visitors=[cadre_person],
        notes="谈话教育一次",
        notice_given=True,
        actor=user_named("cadre"),
    )
    export = login_as("cadre").get("/findings/persons/?export=xlsx")
    assert export.status_code == 200
    text = _xlsx_text(export.content)
    assert "重点人员走访台账" in text and "谈话教育一次" in text and "赵某某" in text
    assert "15272219800101123X" not in text and "13812345678" not in text
    police_text = _xlsx_text(login_as("police").get("/findings/persons/?export=xlsx").content)
    assert "15272219800101123X" in police_text
    other = login_as("cadre2").get("/findings/persons/?export=xlsx")
    assert "赵某某" not in _xlsx_text(other.content)


def test_the_menu_shows_key_persons_to_cadres_and_cases_to_police_only(login_as) -> None:
    cadre_home = login_as("cadre").get("/findings/").content.decode()
    assert 'data-testid="menu-key-persons"' in cadre_home
    assert 'data-testid="menu-cases"' not in cadre_home
    assert 'data-testid="menu-cases"' in login_as("police").get("/findings/").content.decode()


def test_a_cadre_registers_edits_and_voids_a_key_person_through_the_form(login_as, village) -> None:
    client = login_as("cadre")
    data = {
        "name": "周某",
        "unit": village.pk,
        "category": "prior_grower",
        "id_number": "15272219800101123",
        "since": timezone.localdate().isoformat(),
    }
    response = client.post("/findings/persons/new/", data)
    assert response.status_code == 200 and "身份证号应为 18 位" in response.content.decode()
    assert not KeyPerson.objects.filter(name="周某").exists()
    response = client.post("/findings/persons/new/", {**data, "id_number": "15272219800101123x"})
    assert response.status_code == 302
    person = KeyPerson.objects.get(name="周某")
    assert person.id_number == "15272219800101123X"
    edit = client.get(f"/findings/persons/{person.pk}/edit/").content.decode()
    assert "15272219800101123X" not in edit  # a cadre never gets the full number back
    response = client.post(
        f"/findings/persons/{person.pk}/edit/", {**data, "id_number": "", "address": "五组"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.address == "五组" and person.id_number == "15272219800101123X"
    assert login_as("grid").get("/findings/persons/new/").status_code == 403
    client.post(f"/findings/persons/{person.pk}/void/", {"reason": "迁出本镇"})
    person.refresh_from_db()
    assert person.is_void and "周某" not in client.get("/findings/persons/").content.decode()


def test_a_scan_that_is_not_a_picture_or_pdf_is_refused(key_person, cadre_person, user_named):
    with pytest.raises(ApplicationError) as refused:
        services_persons.visit_record(
            person=key_person,
            visited_on=timezone.localdate(),
            visitors=[cadre_person],
            notice_given=True,
            notice_signed=True,
            scan=("告知书.jpg", b"not an image at all"),
            actor=user_named("cadre"),
        )
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert not HomeVisit.objects.filter(key_person=key_person).exists()
