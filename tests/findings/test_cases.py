from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.findings import legal, selectors_persons, services, services_persons
from zerocrop.findings.models import Case, KeyPerson

CASE_MARK = "案标记-2026-甲乙"
GROWER_MARK = "种植人标记丁戊"


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.fixture
def police(user_named):
    return user_named("police")


@pytest.fixture
def grower(village) -> KeyPerson:
    return KeyPerson.objects.create(name=GROWER_MARK, unit=village, category="prior_grower")


@pytest.fixture
def marked_case(record, grower, police) -> Case:
    finding = record(plant_count=620)
    services.finding_update(finding=finding, changes={"grower": grower}, actor=police)
    return services_persons.case_create(
        unit=police.unit,
        number=CASE_MARK,
        opened_on=timezone.localdate(),
        findings=[finding],
        key_persons=[grower],
        status="penalized",
        outcome="detention",
        outcome_amount=10,
        actor=police,
    )


def test_police_open_a_case_with_its_outcome(marked_case) -> None:
    assert marked_case.outcome_label == "行政拘留 10 日"
    assert marked_case.findings.count() == 1 and marked_case.key_persons.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": " "}, "请填写案件编号"),
        ({"outcome": "fine"}, "请填写罚款金额"),
        ({"outcome": "detention", "outcome_amount": 30}, "行政拘留不超过 20 日"),
        ({"status": "closed"}, "结案时请填写结案日期"),
        ({"closed_on": "today"}, "未结案的案件不能填写结案日期"),
        ({"opened_on": "tomorrow"}, "受理日期不能晚于今天"),
        ({"findings": [], "key_persons": []}, "请至少关联一个发现点或一名涉案人员"),
    ],
)
def test_bad_case_input_is_refused_in_chinese(record, grower, police, changes, message) -> None:
    day = timezone.localdate()
    dates = {"today": day, "tomorrow": day + timedelta(days=1)}
    changes = {k: dates.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    kwargs = {
        "unit": police.unit,
        "number": "案-1",
        "opened_on": day,
        "findings": [record()],
        "key_persons": [grower],
        **changes,
    }
    before = Case.objects.count()  # the demo has a case of its own
    with pytest.raises(ApplicationError, match=message):
        services_persons.case_create(**kwargs, actor=police)
    assert Case.objects.count() == before


def test_a_case_number_is_unique_and_only_police_open_cases(marked_case, police, user_named):
    with pytest.raises(ApplicationError, match="已存在"):
        services_persons.case_create(
            unit=police.unit,
            number=CASE_MARK,
            opened_on=timezone.localdate(),
            key_persons=list(marked_case.key_persons.all()),
            actor=police,
        )
    for name in ("cadre", "leader", "grid"):
        user = user_named(name)
        with pytest.raises(NotPermitted):
            services_persons.case_create(
                unit=user.unit,
                number="案-2",
                opened_on=timezone.localdate(),
                key_persons=list(marked_case.key_persons.all()),
                actor=user,
            )


def test_the_case_page_shows_the_legal_route_with_its_disclaimer(login_as, marked_case):
    page = login_as("police").get(f"/findings/cases/{marked_case.pk}/").content.decode()
    assert CASE_MARK in page and "行政拘留 10 日" in page
    assert legal.DISCLAIMER in page
    assert f"/evidence/package/case/{marked_case.pk}/" in page  # 下载证据包
    assert "追究刑事责任" in page or "刑事" in page  # 620 poppy plants: over the filing threshold
    routes = selectors_persons.case_routes(case=marked_case)
    assert [r.plants for r in routes] == [620]
    assert routes[0].suggestion is not None and routes[0].suggestion.route == "criminal"


def test_the_finding_ledger_fills_the_outcome_for_police_only(login_as, marked_case) -> None:
    police_text = _xlsx_text(login_as("police").get("/findings/?export=xlsx").content)
    assert f"{CASE_MARK} 行政拘留 10 日" in police_text
    admin_text = _xlsx_text(login_as("admin").get("/findings/?export=xlsx").content)
    assert CASE_MARK in admin_text


@pytest.mark.parametrize("name", ["cadre", "grid", "leader"])
def test_cases_and_growers_never_reach_other_roles(login_as, marked_case, grower, name) -> None:
    client = login_as(name)
    finding = marked_case.findings.get()
    assert client.get("/findings/cases/").status_code == 404
    assert client.get(f"/findings/cases/{marked_case.pk}/").status_code == 404
    assert client.get(f"/findings/cases/{marked_case.pk}/edit/").status_code == 404
    assert client.get("/findings/cases/new/").status_code == 404
    finding_channels = [
        client.get(f"/findings/{finding.pk}/").content.decode(),
        client.get("/findings/").content.decode(),
        client.get(f"/api/v1/findings/{finding.pk}").content.decode(),
        client.get("/api/v1/findings/").content.decode(),
        _xlsx_text(client.get("/findings/?export=xlsx").content),
    ]
    for text in finding_channels:
        assert text and CASE_MARK not in text and GROWER_MARK not in text
    person_channels = [
        client.get("/findings/persons/").content.decode(),
        client.get(f"/findings/persons/{grower.pk}/").content.decode(),
        _xlsx_text(client.get("/findings/persons/?export=xlsx").content),
    ]
    for text in person_channels:
        # They see the person (name, village, category) but not the case or findings history.
        assert GROWER_MARK in text and CASE_MARK not in text and "行政拘留" not in text
    assert 'data-testid="menu-cases"' not in finding_channels[1]


def test_police_record_and_edit_a_case_through_the_form(login_as, record, grower) -> None:
    finding = record()
    client = login_as("police")
    page = client.get(f"/findings/cases/new/?finding={finding.pk}")
    assert page.status_code == 200
    data = {
        "number": "公(毛)行罚字〔2026〕1号",
        "status": "accepted",
        "outcome": "fine",
        "opened_on": timezone.localdate().isoformat(),
        "findings": [finding.pk],
        "key_persons": [grower.pk],
    }
    response = client.post("/findings/cases/new/", data)
    assert response.status_code == 200 and "请填写罚款金额" in response.content.decode()
    response = client.post("/findings/cases/new/", {**data, "outcome_amount": "500"})
    assert response.status_code == 302
    case = Case.objects.get(number=data["number"])
    assert case.outcome_label == "罚款 500 元"
    response = client.post(
        f"/findings/cases/{case.pk}/edit/",
        {
            **data,
            "outcome": "education",
            "status": "closed",
            "closed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome_label == "批评教育" and case.outcome_amount is None
    listing = client.get("/findings/cases/").content.decode()
    assert "公(毛)行罚字〔2026〕1号" in listing and "批评教育" in listing


def test_repeat_planting_alone_is_not_prior_police_handling(record, grower, police) -> None:
    finding = record(plant_count=80)
    services.finding_update(finding=finding, changes={"grower": grower}, actor=police)
    assert selectors_persons.is_repeat_planting(finding)  # a prior grower: 复种
    case = services_persons.case_create(
        unit=police.unit,
        number="案-新",
        opened_on=timezone.localdate(),
        findings=[finding],
        key_persons=[grower],
        actor=police,
    )
    assert selectors_persons.case_routes(case=case)[0].suggestion.route == "administrative"
    services_persons.case_create(
        unit=police.unit,
        number="案-旧",
        opened_on=timezone.localdate() - timedelta(days=400),
        key_persons=[grower],
        actor=police,
    )
    # An earlier case of the grower is 经公安机关处理后又种植: the filing standard applies.
    assert selectors_persons.case_routes(case=case)[0].suggestion.route == "criminal"
