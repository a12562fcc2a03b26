"""The 踏查台账 of dead corners: house style, and built by a job when it is large."""

from __future__ import annotations

import io
import re
from uuid import uuid4

import pytest
from django.db import transaction
from openpyxl import load_workbook

from zerocrop.core.export_jobs import RECORDS_GONE
from zerocrop.core.jobs import job_enqueue
from zerocrop.core.jobs_models import Job, JobStatus
from zerocrop.org.models import User
from zerocrop.patrols.ledger import DEAD_CORNER_EXPORT
from zerocrop.patrols.models import SurveyRound
from zerocrop.patrols.services import round_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(demo_campaign, village) -> SurveyRound:
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    return round_create(campaign=demo_campaign, window=window, name="台账轮次", units=[village])


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_the_ledger_has_the_house_footer_and_print_setup(login_as, survey_round) -> None:
    url = f"/patrols/rounds/{survey_round.pk}/dead-corners/?format=xlsx"
    response = login_as("cadre").get(url)
    assert response["Cache-Control"] == "no-store"
    assert 'filename="zerocrop-dead-corners-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"
    cells = survey_round.cells.count()
    assert sheet.auto_filter.ref == f"A2:N{2 + cells}"
    footer = [c.value for c in sheet[3 + cells] if c.value]
    assert footer[0] == "填报单位：毛布拉格村"
    assert footer[1] == f"填表人：{response.wsgi_request.user.display_name}"
    assert re.fullmatch(r"报出日期：\d{4}年\d{1,2}月\d{1,2}日", footer[2])
    area = sheet.cell(row=3, column=8)
    assert area.number_format == "0.00"


def test_a_large_ledger_is_built_by_a_job(login_as, survey_round, settings) -> None:
    cadre = login_as("cadre")
    url = f"/patrols/rounds/{survey_round.pk}/dead-corners/?format=xlsx&unit="
    inline = rows_of(cadre.get(url).content)
    settings.ZEROCROP_EXPORT_INLINE_MAX_ROWS = survey_round.cells.count() - 1
    response = cadre.get(url)
    assert response.status_code == 302
    job = Job.objects.get(pk=response.url.split("/")[2])
    assert (job.kind, job.status) == (DEAD_CORNER_EXPORT, JobStatus.DONE)
    assert job.params["export"] == {"round": str(survey_round.pk), "unit": ""}
    page = cadre.get(response.url).content.decode()
    assert "导出踏查台账" in page and "已完成" in page
    link = f"/evidence/{job.result['evidence']}/"
    assert link in page
    built = rows_of(b"".join(cadre.get(link).streaming_content))
    assert built[:-1] == inline[:-1]  # all but the audit checkpoint, which moves
    assert login_as("cadre2").get(link).status_code == 404


def test_a_job_for_a_round_out_of_scope_fails_with_a_message(login_as, survey_round) -> None:
    cadre2 = User.objects.get(username="cadre2")  # 排子湾村: the round covers 毛布拉格村 only
    with transaction.atomic():
        job = job_enqueue(
            kind=DEAD_CORNER_EXPORT,
            params={"user": str(cadre2.pk), "query": "", "export": {"round": str(uuid4())}},
            actor=cadre2,
            unit=None,
        )
    job.refresh_from_db()
    assert (job.status, job.error, job.result) == (JobStatus.FAILED, RECORDS_GONE, None)
