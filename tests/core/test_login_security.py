import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from zerocrop.core import login_throttle
from zerocrop.core.passwords import CharacterClassValidator
from zerocrop.demo.campaign import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "账号已暂时锁定"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _post(username: str, password: str, *, address: str = "127.0.0.1", **headers: str):
    client = Client(REMOTE_ADDR=address, **headers)
    return client, client.post("/login/", {"username": username, "password": password})


def _fail(username: str, times: int, *, address: str = "127.0.0.1", **headers: str):
    for _ in range(times):
        _, response = _post(username, "wrong-guess", address=address, **headers)
    return response


@override_settings(AXES_ENABLED=True)
def test_a_lock_holds_one_address_and_another_still_logs_in(demo_campaign) -> None:
    assert LOCKED in _fail("admin", 5, address="203.0.113.9").content.decode()
    _, again = _post("admin", DEMO_PASSWORD, address="203.0.113.9")
    assert LOCKED in again.content.decode()
    client, response = _post("admin", DEMO_PASSWORD, address="198.51.100.7")
    assert response.status_code == 302 and "_auth_user_id" in client.session


@override_settings(AXES_ENABLED=True)
def test_a_forwarded_for_header_sent_by_the_client_is_not_believed(demo_campaign) -> None:
    for number in range(5):
        _fail("cadre", 1, address="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert AccessAttempt.objects.filter(username="cadre").get().ip_address == "203.0.113.9"
    _, response = _post("cadre", DEMO_PASSWORD, address="203.0.113.9")
    assert LOCKED in response.content.decode()


def _age_attempts(minutes: int) -> None:
    """Move the recorded failures back in time, as if `minutes` had passed."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timezone.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


@override_settings(AXES_ENABLED=True)
def test_attempts_during_a_lock_do_not_extend_it(demo_campaign) -> None:
    _fail("admin", 5)
    locked_at = AccessAttempt.objects.get(username="admin").attempt_time
    _age_attempts(29)
    response = _fail("admin", 1)  # the attacker's "one request every 29 minutes"
    assert LOCKED in response.content.decode()
    attempt = AccessAttempt.objects.get(username="admin")
    assert attempt.attempt_time == locked_at - timezone.timedelta(minutes=29)
    assert attempt.failures_since_start == 5
    _age_attempts(2)  # 31 minutes after the lock began
    _, response = _post("admin", DEMO_PASSWORD)
    assert response.status_code == 302


@override_settings(AXES_ENABLED=True)
def test_the_locked_page_says_when_the_lock_ends(demo_campaign) -> None:
    page = _fail("grid", 5).content.decode()
    until = timezone.localtime(
        AccessAttempt.objects.get(username="grid").attempt_time + timezone.timedelta(minutes=30)
    )
    assert f"{until:%H:%M}" in page and "不会延长锁定" in page and "其他地址" in page


@override_settings(AXES_ENABLED=True)
def test_many_addresses_slow_a_name_down_but_never_lock_it(demo_campaign, monkeypatch) -> None:
    now = [1_700_000_000.0]
    monkeypatch.setattr(login_throttle.time, "time", lambda: now[0])
    Client(REMOTE_ADDR="192.0.2.1").post(
        "/login/", {"username": "admin", "password": DEMO_PASSWORD}
    )  # the owner's usual address
    for number in range(10):
        assert _fail("admin", 1, address=f"203.0.113.{number}").status_code == 200
    # Past the limit: one attempt in five seconds is checked, the rest are refused unread.
    assert (
        "该账号登录失败次数过多" not in _fail("admin", 1, address="203.0.113.50").content.decode()
    )
    refused = _fail("admin", 1, address="203.0.113.51").content.decode()
    assert "该账号登录失败次数过多，请 5 秒后再试" in refused
    _, owner = _post("admin", DEMO_PASSWORD, address="192.0.2.1")
    assert owner.status_code == 302  # never slowed from where he logs in
    _, elsewhere = _post("admin", DEMO_PASSWORD, address="198.51.100.7")
    assert "请 5 秒后再试" in elsewhere.content.decode()
    now[0] += 5
    _, elsewhere = _post("admin", DEMO_PASSWORD, address="198.51.100.7")
    assert elsewhere.status_code == 302  # slowed by seconds, never locked out
    assert not AccessAttempt.objects.filter(username="admin", failures_since_start__gte=5).exists()


@override_settings(AXES_ENABLED=True)
def test_the_throttle_forgets_a_name_after_a_quiet_window(demo_campaign, monkeypatch) -> None:
    now = [1_700_000_000.0]
    monkeypatch.setattr(login_throttle.time, "time", lambda: now[0])
    for number in range(10):
        _fail("leader", 1, address=f"203.0.113.{number}")
    _fail("leader", 1, address="203.0.113.60")
    assert "请 5 秒后再试" in _fail("leader", 1, address="203.0.113.61").content.decode()
    now[0] += 15 * 60 + 1
    _, response = _post("leader", DEMO_PASSWORD, address="203.0.113.62")
    assert response.status_code == 302


def test_the_throttle_is_also_in_front_of_the_admin_login(demo_campaign, settings) -> None:
    settings.AXES_ENABLED = True
    for number in range(11):
        Client(REMOTE_ADDR=f"203.0.113.{number}").post(
            "/admin/login/", {"username": "admin", "password": "wrong-guess"}
        )
    response = Client(REMOTE_ADDR="203.0.113.99").post(
        "/admin/login/", {"username": "admin", "password": "wrong-guess"}
    )
    assert "该账号登录失败次数过多" in response.content.decode()


@override_settings(AXES_ENABLED=True)
def test_five_wrong_passwords_lock_the_account(demo_campaign) -> None:
    client = Client()
    for _ in range(5):
        response = client.post("/login/", {"username": "cadre", "password": "wrong-guess"})
    assert "账号已暂时锁定" in response.content.decode()
    locked = client.post("/login/", {"username": "cadre", "password": DEMO_PASSWORD})
    assert "账号已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    other = Client().post("/login/", {"username": "grid", "password": DEMO_PASSWORD})
    assert other.status_code == 302


@override_settings(AXES_ENABLED=True)
def test_a_success_resets_the_count(demo_campaign) -> None:
    client = Client()
    for _ in range(4):
        client.post("/login/", {"username": "grid", "password": "wrong-guess"})
    assert (
        client.post("/login/", {"username": "grid", "password": DEMO_PASSWORD}).status_code == 302
    )
    client.post("/logout/")
    for _ in range(4):
        response = client.post("/login/", {"username": "grid", "password": "wrong-guess"})
    assert "账号已暂时锁定" not in response.content.decode()


def test_sessions_expire_after_idle_time_and_are_renewed_by_use(login_as, settings) -> None:
    import time

    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = login_as("cadre")
    client.get("/campaigns/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    first = Session.objects.get(session_key=key).expire_date
    client.get("/campaigns/")  # within a minute: no new write
    assert Session.objects.get(session_key=key).expire_date == first
    session = client.session
    session["_zerocrop_seen"] = int(time.time()) - 120  # last renewed two minutes ago
    session.save()
    client.get("/campaigns/")
    assert Session.objects.get(session_key=key).expire_date > first


@pytest.mark.parametrize("password", ["alllowercase1", "ONLYUPPER-", "12345678!!"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError, match="至少三类"):
        CharacterClassValidator().validate(password)


def test_three_classes_are_enough() -> None:
    CharacterClassValidator().validate("Wudinghe2022")
