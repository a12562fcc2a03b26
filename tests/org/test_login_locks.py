import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, override_settings

from zerocrop.core.audit import audit_verify
from zerocrop.core.models import AuditEvent
from zerocrop.demo.campaign import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _lock(username: str, address: str) -> None:
    client = Client(REMOTE_ADDR=address)
    for _ in range(5):
        client.post("/login/", {"username": username, "password": "wrong-guess"})


@override_settings(AXES_ENABLED=True)
def test_the_town_admin_sees_and_lifts_a_lock(demo_campaign) -> None:
    _lock("cadre", "203.0.113.9")
    admin = Client(REMOTE_ADDR="192.0.2.1")
    assert (
        admin.post("/login/", {"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
    )
    page = admin.get("/org/login-locks/").content.decode()
    assert "cadre" in page and "203.0.113.9" in page and "解除锁定" in page
    assert 'data-testid="nav-login-locks"' in page

    response = admin.post(
        "/org/login-locks/lift/", {"username": "cadre", "ip_address": "203.0.113.9"}, follow=True
    )
    assert "已解除「cadre」在 203.0.113.9 的登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="cadre").exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_type, event.actor.username) == (
        "unlock",
        "axes.lock",
        "admin",
    )
    assert event.before["failures"] == 5 and event.before["ip_address"] == "203.0.113.9"
    assert audit_verify()[1] is None
    cadre = Client(REMOTE_ADDR="203.0.113.9")
    assert (
        cadre.post("/login/", {"username": "cadre", "password": DEMO_PASSWORD}).status_code == 302
    )


@override_settings(AXES_ENABLED=True)
def test_lifting_a_lock_that_is_gone_changes_nothing(demo_campaign) -> None:
    admin = Client(REMOTE_ADDR="192.0.2.1")
    admin.post("/login/", {"username": "admin", "password": DEMO_PASSWORD})
    before = AuditEvent.objects.count()
    response = admin.post(
        "/org/login-locks/lift/", {"username": "grid", "ip_address": "203.0.113.9"}, follow=True
    )
    assert "该锁定已不存在" in response.content.decode()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("username", ["leader", "cadre", "grid", "police"])
def test_other_roles_neither_see_nor_lift_locks(login_as, username: str) -> None:
    client = login_as(username)
    assert client.get("/org/login-locks/").status_code == 403
    lift = client.post("/org/login-locks/lift/", {"username": "admin", "ip_address": "203.0.113.9"})
    assert lift.status_code == 403
    assert 'data-testid="nav-login-locks"' not in client.get("/campaigns/").content.decode()


def test_lifting_needs_a_post(admin_client_demo) -> None:
    assert admin_client_demo.get("/org/login-locks/lift/").status_code == 405
