import pytest
from django.test import Client
from django.urls import reverse

from zerocrop.demo.campaign import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _login(username: str, **extra: str):  # noqa: ANN202
    return Client().post(
        reverse("login"), {"username": username, "password": DEMO_PASSWORD, **extra}
    )


def test_a_grid_worker_lands_on_my_tasks(demo_campaign) -> None:
    response = _login("grid")
    assert response.status_code == 302
    assert response["Location"] == reverse("my-tasks")


@pytest.mark.parametrize("username", ["admin", "leader", "cadre", "police"])
def test_other_roles_keep_their_landing(demo_campaign, username) -> None:
    response = _login(username)
    assert response["Location"] == reverse("home")


def test_next_still_wins_for_a_grid_worker(demo_campaign) -> None:
    response = _login("grid", next=reverse("plot-list"))
    assert response["Location"] == reverse("plot-list")


def test_a_wrong_password_lands_nowhere(demo_campaign) -> None:
    response = Client().post(reverse("login"), {"username": "grid", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session
