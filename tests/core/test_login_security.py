import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from zerocrop.campaigns.demo import DEMO_PASSWORD
from zerocrop.core.passwords import CharacterClassValidator

pytestmark = pytest.mark.django_db


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
