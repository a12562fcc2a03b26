"""The legal route in the app: police and the town admin see it on the finding (page and API),
no other role does; a verified statute entered in the app is cited as 已核实 from then on."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from zerocrop.core.errors import ApplicationError, NotPermitted
from zerocrop.core.models import AuditEvent
from zerocrop.findings import selectors, services
from zerocrop.findings.statute_models import StatuteVerification

pytestmark = pytest.mark.django_db

ZHIAN_2025 = "zhian-2025"
ARTICLE = "第八十四条"
EXCERPT = "非法种植罂粟不满五百株或者其他少量毒品原植物的，处十日以上十五日以下拘留……（测试摘录）"


def _at(year: int) -> datetime:
    return datetime(year, 6, 1, 10, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def small_2026(record):
    return record(found_at=_at(2026), plant_count=12)


@pytest.fixture
def small_2025(record):
    return record(found_at=_at(2025), plant_count=12)


def _articles(suggestion) -> dict[str, bool]:
    return {a.key: a.verified for a in suggestion.articles}


@pytest.mark.parametrize("username", ["police", "admin"])
def test_police_and_the_admin_see_the_route_on_the_page_and_in_the_api(
    login_as, record, username
) -> None:
    finding = record(found_at=_at(2026), plant_count=600)
    client = login_as(username)
    page = client.get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="legal-route"' in page
    assert "刑事立案追诉" in page and "立案追诉标准（三）" in page
    assert "仅供公安机关参考" in page and "已核实" in page
    body = client.get(f"/api/v1/findings/{finding.pk}").json()
    assert body["legal_route"]["route"] == "criminal"
    assert body["legal_route"]["disclaimer"].startswith("本结果")


@pytest.mark.parametrize("username", ["cadre", "leader", "grid"])
def test_other_roles_never_see_the_route(login_as, record, username) -> None:
    finding = record(found_at=_at(2026), plant_count=600)
    client = login_as(username)
    response = client.get(f"/findings/{finding.pk}/")
    if response.status_code == 200:  # a role that may see the finding at all
        page = response.content.decode()
        assert 'data-testid="legal-route"' not in page
        assert "处理途径建议" not in page and "立案追诉" not in page
        body = client.get(f"/api/v1/findings/{finding.pk}").json()
        assert "legal_route" not in body
        assert "立案追诉" not in client.get(f"/api/v1/findings/{finding.pk}").content.decode()
    else:
        assert response.status_code == 404
    assert client.get("/findings/statutes/").status_code == 403


def test_cadre_sees_the_finding_but_not_the_route(login_as, record) -> None:
    # The parametrised test above must not pass only because the page is hidden.
    finding = record(found_at=_at(2026), plant_count=600)
    assert login_as("cadre").get(f"/findings/{finding.pk}/").status_code == 200


def test_a_2026_finding_cites_the_2025_revision_unverified_until_it_is_verified(
    login_as, small_2026, small_2025, user_named
) -> None:
    before = selectors.finding_legal_route(finding=small_2026).suggestion
    assert before.route == "administrative"
    assert _articles(before)[ZHIAN_2025] is False and before.unverified
    assert any("未核实" in r for r in before.reasons)
    old = selectors.finding_legal_route(finding=small_2025).suggestion
    assert _articles(old) == {"zhian-2012-art71": True}

    client = login_as("police")
    page = client.get("/findings/statutes/").content.decode()
    assert f'data-key="{ZHIAN_2025}" data-verified="false"' in page
    response = client.post(
        "/findings/statutes/",
        {
            "row_key": ZHIAN_2025,
            "article": ARTICLE,
            "excerpt": EXCERPT,
            "source": "国家法律法规数据库",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    entry = StatuteVerification.objects.get()
    assert entry.entered_by == user_named("police") and entry.article == ARTICLE
    assert AuditEvent.objects.filter(
        object_type="findings.statuteverification", object_id=str(entry.pk), action="create"
    ).exists()
    assert (
        f'data-key="{ZHIAN_2025}" data-verified="true"'
        in client.get("/findings/statutes/").content.decode()
    )

    after = selectors.finding_legal_route(finding=small_2026).suggestion
    assert _articles(after)[ZHIAN_2025] is True and not after.unverified
    cited = next(a for a in after.articles if a.key == ZHIAN_2025)
    assert cited.article == ARTICLE and cited.excerpt == EXCERPT
    assert cited.source == "国家法律法规数据库"
    assert not any("未核实" in r for r in after.reasons)
    assert ARTICLE in " ".join(after.reasons)
    # Only the article was checked: the engine's 款、项 are not cited as if they were.
    assert cited.clauses == () and cited.label == f"《{cited.statute}》{ARTICLE}"
    assert "第一款第（一）项" not in " ".join(after.reasons)
    page = client.get(f"/findings/{small_2026.pk}/").content.decode()
    assert ARTICLE in page and 'data-key="zhian-2025" data-verified="true"' in page
    api = client.get(f"/api/v1/findings/{small_2026.pk}").json()["legal_route"]
    assert api["unverified"] is False

    # A 2025 finding still cites the 2012 text, untouched by the 2025 row's verification.
    old_after = selectors.finding_legal_route(finding=small_2025).suggestion
    assert _articles(old_after) == {"zhian-2012-art71": True}
    assert old_after.articles[0].article == "第七十一条"
    assert ARTICLE not in " ".join(old_after.reasons)


def test_the_latest_entry_wins(user_named, small_2026) -> None:
    police = user_named("police")
    services.statute_verify(
        row_key=ZHIAN_2025, article="第一条", excerpt=EXCERPT, source="甲", actor=police
    )
    services.statute_verify(
        row_key=ZHIAN_2025, article=ARTICLE, excerpt=EXCERPT, source="乙", actor=police
    )
    assert selectors.statute_table().row(ZHIAN_2025).article == ARTICLE
    assert StatuteVerification.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"article": ""}, "请填写核实后的条号"),
        ({"article": "   "}, "请填写核实后的条号"),
        ({"excerpt": ""}, "请填写核实后的条文原文摘录"),
        ({"source": ""}, "请填写核实所依据的来源"),
        ({"row_key": "no-such-row"}, "选择一个有效的选项"),
        ({"article": "条" * 101}, "100"),
    ],
)
def test_bad_input_is_named_in_chinese_and_nothing_is_saved(login_as, data, message) -> None:
    client = login_as("police")
    form = {"row_key": ZHIAN_2025, "article": ARTICLE, "excerpt": EXCERPT, "source": "公报"}
    response = client.post("/findings/statutes/", {**form, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StatuteVerification.objects.exists()
    assert selectors.statute_table().row(ZHIAN_2025).verified is False


def test_the_service_refuses_bad_input_and_other_roles(user_named) -> None:
    police = user_named("police")
    with pytest.raises(ApplicationError, match="条文表中没有 no-such-row"):
        services.statute_verify(
            row_key="no-such-row", article=ARTICLE, excerpt=EXCERPT, source="公报", actor=police
        )
    with pytest.raises(ApplicationError, match="请填写核实后的条文原文摘录"):
        services.statute_verify(
            row_key=ZHIAN_2025, article=ARTICLE, excerpt=" ", source="公报", actor=police
        )
    with pytest.raises(NotPermitted, match="无权录入条文核实结果"):
        services.statute_verify(
            row_key=ZHIAN_2025,
            article=ARTICLE,
            excerpt=EXCERPT,
            source="公报",
            actor=user_named("cadre"),
        )
    assert not StatuteVerification.objects.exists()


def test_cadre_cannot_post_a_verification(login_as) -> None:
    response = login_as("cadre").post(
        "/findings/statutes/",
        {"row_key": ZHIAN_2025, "article": ARTICLE, "excerpt": EXCERPT, "source": "公报"},
    )
    assert response.status_code == 403
    assert not StatuteVerification.objects.exists()


def test_a_species_outside_the_table_gets_a_chinese_reason_not_a_route(record) -> None:
    finding = record(species="other", species_name="恰特草", found_at=_at(2026))
    legal = selectors.finding_legal_route(finding=finding)
    assert legal.suggestion is None and "条文表不覆盖" in legal.problem


def test_a_source_shows_its_web_addresses_as_chinese_named_links() -> None:
    from zerocrop.findings.templatetags.statutes import source_links

    html = source_links("http://a.example/x.html ；<b>公报</b>（https://b.example/y）")
    assert '<a href="http://a.example/x.html"' in html and ">网页1</a>" in html
    assert '<a href="https://b.example/y"' in html and ">网页2</a>" in html
    assert "&lt;b&gt;公报&lt;/b&gt;" in html and "<b>" not in html
