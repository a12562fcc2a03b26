"""The notice import carries a token: parsed once at preview, confirmed from the staged draft."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerocrop.campaigns import notice_staging
from zerocrop.campaigns.models import Campaign, GroupMember
from zerocrop.campaigns.notice import parse_notice
from zerocrop.core import uploads

pytestmark = pytest.mark.django_db

NOTICES = Path(__file__).parent / "notices"
NOTICE = "bayintala_sumu_placeholders.txt"
GONE = "方案预览已过期"


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of the real parser (it still runs; the calls are only counted)."""
    calls: list[str] = []

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(text)
        return parse_notice(text, *args, **kwargs)

    monkeypatch.setattr(notice_staging, "parse_notice", counting)
    return calls


def preview(client, **data):
    response = client.post("/campaigns/import/", {"step": "preview", **data})
    assert response.status_code == 200
    return response


def confirm_data(response) -> dict:
    form = response.context["form"]
    data = {"step": "confirm"}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    return data


def staged_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "uploads" / notice_staging.NAMESPACE
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_notice_is_parsed_once_and_never_sent_back(login_as, parses, data_dir) -> None:
    client = login_as("admin")
    text = (NOTICES / NOTICE).read_text(encoding="utf-8")
    response = preview(client, text=text)
    assert len(parses) == 1
    page = response.content.decode()
    assert 'name="notice_text"' not in page and 'name="token"' in page
    data = confirm_data(response)
    assert data["token"] and len(staged_files(data_dir)) == 2  # the notice and its draft
    refused = client.post("/campaigns/import/", dict(data, phase_0_name=""))  # a bad edit
    assert refused.status_code == 200 and refused.context["form"].errors["phase_0_name"]
    created = client.post("/campaigns/import/", data)
    assert created.status_code == 302
    assert len(parses) == 1  # neither confirmation parsed again
    campaign = Campaign.objects.get(name="春雷行动", unit__name="无定河镇")
    assert campaign.notice_text == text
    assert staged_files(data_dir) == []  # forgotten once the campaign exists
    again = client.post("/campaigns/import/", data)  # the same token a second time
    assert again.status_code == 200 and GONE in again.content.decode()
    assert Campaign.objects.filter(name="春雷行动").count() == 1


def test_the_confirmation_builds_from_the_staged_draft(login_as, data_dir) -> None:
    client = login_as("admin")
    response = preview(client, text=(NOTICES / NOTICE).read_text(encoding="utf-8"))
    data = confirm_data(response)
    draft_path = data_dir / "uploads" / "notice" / f"{data['token']}.json"
    draft = json.loads(draft_path.read_text(encoding="utf-8"))
    # The group, units and phases come back with the form; the rest only from the draft.
    draft["facts"]["goals"] = ["草稿里的目标"]  # only a campaign built from this draft has it
    draft_path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    assert client.post("/campaigns/import/", data).status_code == 302
    campaign = Campaign.objects.get(name="春雷行动", unit__name="无定河镇")
    assert campaign.goals == ["草稿里的目标"]
    assert GroupMember.objects.filter(campaign=campaign, person__name="额尔敦毕力格").exists()


def test_an_uploaded_notice_is_staged_as_uploaded(login_as, parses, data_dir) -> None:
    raw = (NOTICES / "jinshan_jiedao_gbk.txt").read_bytes()
    client = login_as("admin")
    response = preview(client, file=SimpleUploadedFile("方案.txt", raw))
    token = confirm_data(response)["token"]
    assert (data_dir / "uploads" / "notice" / token).read_bytes() == raw
    assert client.post("/campaigns/import/", confirm_data(response)).status_code == 302
    assert len(parses) == 1
    assert Campaign.objects.filter(notice_text=raw.decode("gb18030")).count() == 1


def test_a_token_of_another_session_is_refused(login_as, data_dir) -> None:
    mine = login_as("admin")
    response = preview(mine, text=(NOTICES / NOTICE).read_text(encoding="utf-8"))
    other = login_as("admin")  # the same account, another login
    before = Campaign.objects.count()
    refused = other.post("/campaigns/import/", confirm_data(response))
    assert refused.status_code == 200 and GONE in refused.content.decode()
    assert Campaign.objects.count() == before
    assert len(staged_files(data_dir)) == 2  # the owner's notice is untouched
    assert mine.post("/campaigns/import/", confirm_data(response)).status_code == 302


@pytest.mark.parametrize("token", ["", "not-a-token", "../../etc/passwd", "A" * 32])
def test_a_missing_or_forged_token_changes_nothing(login_as, token: str) -> None:
    client = login_as("admin")
    data = confirm_data(preview(client, text=(NOTICES / NOTICE).read_text(encoding="utf-8")))
    before = Campaign.objects.count()
    refused = client.post("/campaigns/import/", dict(data, token=token))
    assert refused.status_code == 200 and GONE in refused.content.decode()
    assert Campaign.objects.count() == before


def test_an_expired_token_is_refused(login_as, monkeypatch: pytest.MonkeyPatch, data_dir) -> None:
    client = login_as("admin")
    data = confirm_data(preview(client, text=(NOTICES / NOTICE).read_text(encoding="utf-8")))
    later = time.time() + uploads.UPLOAD_TTL_SECONDS + 60
    monkeypatch.setattr(uploads.time, "time", lambda: later)
    refused = client.post("/campaigns/import/", data)
    assert refused.status_code == 200 and GONE in refused.content.decode()
    assert not Campaign.objects.filter(name="春雷行动").exists()
    assert staged_files(data_dir) == []


def test_stage_and_read_back_without_the_web() -> None:
    session: dict[str, Any] = {}
    staged = notice_staging.notice_stage(session=session, text="利剑-23 实施方案")
    assert staged.original_name == notice_staging.PASTED_NAME
    back = notice_staging.notice_staged(session=session, token=staged.token)
    assert back == staged
    assert notice_staging.notice_staged(session={}, token=staged.token) is None
    notice_staging.notice_unstage(session=session, token=staged.token)
    assert notice_staging.notice_staged(session=session, token=staged.token) is None
