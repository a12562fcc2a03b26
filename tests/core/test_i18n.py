import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default_and_english_on_request(login_as) -> None:
    client = login_as("admin")
    assert "行动总览" in client.get("/campaigns/").content.decode()
    english = client.get("/campaigns/", headers={"accept-language": "en"}).content.decode()
    assert "Overview" in english and "Plot ledger" in english
