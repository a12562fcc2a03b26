import pytest

from zerocrop.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_edits_are_audited_including_inlines(login_as, demo_campaign) -> None:
    client = login_as("admin")
    url = f"/admin/campaigns/campaign/{demo_campaign.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "修改 行动" in page.content.decode()
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data["unit"] = str(demo_campaign.unit_id)
    data["goals"] = '["零种植", "零产量"]'
    data["monitoring_modes"] = "[]"
    data["title"] = "改过的标题"
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(fs.total_form_count())
        data[f"{prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        for i, sub in enumerate(fs.forms):
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is not None and name != "DELETE":
                    data[f"{prefix}-{i}-{name}"] = getattr(value, "pk", value)
    data["phases-0-name"] = "动员"
    before = AuditEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert {(e.object_type, e.action) for e in events} >= {
        ("campaigns.campaign", "update"),
        ("campaigns.phase", "update"),
    }
    phase_event = next(
        e for e in events if e.object_type == "campaigns.phase" and e.after["name"] == "动员"
    )
    assert phase_event.before["name"] == "动员部署"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/geo/plot/",
        "/admin/geo/zone/",
        "/admin/geo/unitboundary/",
        "/admin/patrols/surveyround/",
        "/admin/patrols/taskcell/",
        "/admin/patrols/patrolrecord/",
        "/admin/org/adminunit/",
        "/admin/core/auditevent/",
    ],
)
def test_admin_lists_open_in_chinese(login_as, path) -> None:
    page = login_as("admin").get(path)
    assert page.status_code == 200
    assert "数据管理" in page.content.decode() or "选择" in page.content.decode()


def test_a_plot_change_page_opens(login_as) -> None:
    from zerocrop.geo.models import Plot

    plot = Plot.objects.first()
    assert login_as("admin").get(f"/admin/geo/plot/{plot.pk}/change/").status_code == 200
