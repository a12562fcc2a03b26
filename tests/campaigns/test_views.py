from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerocrop.campaigns.models import Campaign, GroupMember
from zerocrop.org.models import AdminUnit

pytestmark = pytest.mark.django_db

NOTICES = Path(__file__).parent / "notices"


def preview(client, **data):
    response = client.post("/campaigns/import/", {"step": "preview", **data})
    assert response.status_code == 200
    return response


def confirm_data(response) -> dict:
    """The preview form's fields as the browser would post them back."""
    form = response.context["form"]
    data = {"step": "confirm", "notice_text": response.context["notice_text"]}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    return data


def test_notice_preview_then_confirm_creates_everything(login_as) -> None:
    client = login_as("admin")
    text = (NOTICES / "bayintala_sumu_placeholders.txt").read_text(encoding="utf-8")
    response = preview(client, text=text)
    page = response.content.decode()
    assert "需要核对的地方" in page and "XX" in page  # placeholders are warned about
    # The notice names a town the admin does not run: the preview says so, offers their own.
    assert "方案写的是「巴音塔拉苏木」，不在您管辖的乡镇中" in page
    own = AdminUnit.objects.get(name="无定河镇")
    assert response.context["form"].initial["town"] == own.pk
    assert not Campaign.objects.filter(name="春雷行动").exists()  # nothing yet
    created = client.post("/campaigns/import/", confirm_data(response))
    campaign = Campaign.objects.get(name="春雷行动")
    assert created.status_code == 302 and created.url == f"/campaigns/{campaign.pk}/"
    assert campaign.unit == own and not AdminUnit.objects.filter(name="巴音塔拉苏木").exists()
    assert client.get(created.url).status_code == 200
    assert campaign.name == "春雷行动" and campaign.phases.count() == 3
    assert campaign.notice_text == text
    assert GroupMember.objects.filter(campaign=campaign, person__name="额尔敦毕力格").exists()


def test_preview_fields_can_be_corrected_before_confirming(login_as) -> None:
    client = login_as("admin")
    text = (NOTICES / "changling_unquoted_title.txt").read_text(encoding="utf-8")
    response = preview(client, text=text)
    data = confirm_data(response)
    assert data["name"] == ""  # the parser did not guess the name
    refused = client.post("/campaigns/import/", data)
    error = refused.context["form"].errors["name"][0]
    assert refused.status_code == 200 and error in refused.content.decode()
    data["name"] = "长岭-24"
    client.post("/campaigns/import/", data)
    assert Campaign.objects.filter(name="长岭-24").exists()


def test_upload_a_gbk_notice_file(login_as) -> None:
    raw = (NOTICES / "jinshan_jiedao_gbk.txt").read_bytes()
    upload = SimpleUploadedFile("方案.txt", raw, content_type="text/plain")
    response = login_as("admin").post("/campaigns/import/", {"step": "preview", "file": upload})
    assert "金山街道" in response.content.decode()


def test_a_broken_upload_is_explained(login_as) -> None:
    upload = SimpleUploadedFile(
        "方案.docx", b"PK\x03\x04 not really a docx", content_type="application/zip"
    )
    response = login_as("admin").post("/campaigns/import/", {"step": "preview", "file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_only_town_admins_import_or_create(login_as) -> None:
    assert login_as("cadre").get("/campaigns/import/").status_code == 403
    assert login_as("leader").get("/campaigns/new/").status_code == 403


def test_manual_campaign_creation(login_as) -> None:
    town = AdminUnit.objects.get(name="无定河镇").pk
    data = {"name": "利剑-23", "town": town, "issuer": "", "issued_on": "", "phase_count": 4}
    for i, (name, start, end) in enumerate(
        [
            ("动员部署", "2023-04-20", "2023-05-05"),
            ("禁种宣传", "2023-05-05", "2023-05-20"),
            ("踏查铲毒", "2023-05-20", "2023-09-15"),
            ("总结检查", "2023-09-15", "2023-09-30"),
        ]
    ):
        data |= {f"phase_{i}_name": name, f"phase_{i}_start": start, f"phase_{i}_end": end}
    client = login_as("admin")
    bad = dict(data, phase_1_end="2023-05-01")
    assert "结束日期早于开始日期" in client.post("/campaigns/new/", bad).content.decode()
    response = client.post("/campaigns/new/", data)
    campaign = Campaign.objects.get(name="利剑-23")
    assert response.status_code == 302
    assert campaign.unit == AdminUnit.objects.get(name="无定河镇") and campaign.year == 2023
    assert campaign.critical_windows.count() == 6


def test_pledge_registration_with_scan(login_as, demo_campaign, unit_named) -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="JPEG")
    scan = SimpleUploadedFile("scan.jpg", buffer.getvalue(), content_type="image/jpeg")
    client = login_as("cadre")
    response = client.post(
        f"/campaigns/{demo_campaign.pk}/pledges/new/",
        {
            "kind": "household",
            "unit": unit_named("毛布拉格村").pk,
            "signer": "王大山",
            "household": "毛布拉格村二社5号",
            "signed_on": "2022-05-02",
            "scan": scan,
        },
    )
    assert response.status_code == 302
    pledge = demo_campaign.pledges.get(signer="王大山")
    download = client.get(f"/pledges/{pledge.pk}/scan/")
    assert (
        download.status_code == 200 and b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"
    )


def test_a_fake_scan_is_refused_with_its_name(login_as, demo_campaign, unit_named) -> None:
    scan = SimpleUploadedFile(
        "责任状.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = login_as("cadre").post(
        f"/campaigns/{demo_campaign.pk}/pledges/new/",
        {
            "kind": "unit",
            "unit": unit_named("毛布拉格村").pk,
            "signer": "王鸣山",
            "signed_on": "2022-05-02",
            "scan": scan,
        },
    )
    assert "扫描件「责任状.pdf」不是 PDF、JPG 或 PNG 文件" in response.content.decode()
    assert not demo_campaign.pledges.filter(signer="王鸣山", signed_on="2022-05-02").exists()


def test_liaison_can_be_set_within_scope(login_as, demo_campaign, unit_named) -> None:
    cadre = login_as("cadre")
    own, other = unit_named("毛布拉格村"), unit_named("排子湾村")
    url = f"/campaigns/{demo_campaign.pk}/units/{own.pk}/liaison/"
    bad = cadre.post(url, {"name": "刘 小红", "phone": "电话"})
    assert "电话号码只能包含数字" in bad.content.decode()
    assert cadre.post(url, {"name": "刘 小红", "phone": "13900001111"}).status_code == 302
    liaison = demo_campaign.liaisons.get(unit=own)
    assert liaison.person.name == "刘小红" and liaison.phone == "13900001111"
    other_url = f"/campaigns/{demo_campaign.pk}/units/{other.pk}/liaison/"
    assert cadre.post(other_url, {"name": "冒名"}).status_code == 404
