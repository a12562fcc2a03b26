import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.utils import timezone

from zerocrop.config import settings as base_settings
from zerocrop.core.clock import now_on_the_clock, pretended_today, today


def settings_today(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZEROCROP_")}
    clean.update({"ZEROCROP_DATA_DIR": str(tmp_path), "ZEROCROP_SECRET_KEY": "s" * 60})
    clean.update({"ZEROCROP_AUDIT_KEY": "a" * 60, **env})
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='zerocrop.config.settings'; "
        "django.setup(); from django.conf import settings; print(repr(settings.ZEROCROP_TODAY))"
    )
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def test_the_demo_runs_at_its_demo_date(tmp_path) -> None:
    result = settings_today({"ZEROCROP_DEMO": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'2022-07-10'"


def test_production_keeps_the_real_date(tmp_path) -> None:
    result = settings_today({}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "''"


def test_an_explicit_date_wins_over_the_demo_date(tmp_path) -> None:
    result = settings_today({"ZEROCROP_DEMO": "1", "ZEROCROP_TODAY": "2022-05-15"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'2022-05-15'"


def test_a_malformed_date_stops_start_up_with_a_chinese_message(tmp_path) -> None:
    result = settings_today({"ZEROCROP_TODAY": "2022-13-40"}, tmp_path)
    assert result.returncode != 0
    assert "ZEROCROP_TODAY 无效" in result.stderr and "YYYY-MM-DD" in result.stderr


def test_today_is_the_pinned_date_and_says_so(settings) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"
    assert today() == date(2022, 7, 10)
    assert pretended_today() == date(2022, 7, 10)


def test_the_real_date_is_not_a_pretended_one(settings) -> None:
    settings.ZEROCROP_TODAY = ""
    assert today() == timezone.localdate() and pretended_today() is None
    settings.ZEROCROP_TODAY = timezone.localdate().isoformat()
    assert pretended_today() is None


@pytest.mark.django_db
def test_the_demo_date_lies_in_the_survey_phase_and_the_flowering_window(demo_campaign) -> None:
    day = date.fromisoformat(base_settings.DEMO_TODAY)
    phase = demo_campaign.phases.get(starts_on__lte=day, ends_on__gte=day)
    assert phase.name == "踏查铲毒"
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    assert window.starts_on <= day <= window.ends_on


@pytest.mark.django_db
def test_the_top_bar_shows_the_demo_date_only_when_the_clock_pretends(login_as, settings) -> None:
    client = login_as("admin")
    settings.ZEROCROP_TODAY = "2022-07-10"
    page = client.get("/campaigns/").content.decode()
    assert 'data-testid="demo-date"' in page and "演示日期 2022年7月10日" in page
    assert "踏查铲毒阶段" in page and "行动已结束" not in page
    settings.ZEROCROP_TODAY = ""
    assert 'data-testid="demo-date"' not in client.get("/campaigns/").content.decode()


def test_a_forms_now_is_the_time_of_day_on_the_clocks_day(settings) -> None:
    settings.ZEROCROP_TODAY = "2022-07-10"
    moment, real = now_on_the_clock(), timezone.localtime()
    assert moment.date() == date(2022, 7, 10)
    same_time = real.replace(year=2022, month=7, day=10, second=0, microsecond=0)
    assert timedelta(0) <= same_time - moment <= timedelta(minutes=1)
    assert moment.second == 0 and moment.tzinfo is not None
    settings.ZEROCROP_TODAY = ""
    assert now_on_the_clock().date() == timezone.localdate()
