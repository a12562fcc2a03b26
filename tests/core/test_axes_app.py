"""The admin's index and django-axes' pages read in Chinese (our zh_Hans catalogue + AppConfig)."""

from __future__ import annotations

import pytest

from support.visible_text import english_words

pytestmark = pytest.mark.django_db


def test_the_admin_index_names_every_section_and_model_in_chinese(login_as) -> None:
    page = login_as("admin").get("/admin/").content.decode()
    assert "登录防护" in page and "登录尝试" in page and "登录日志" in page
    assert english_words(page) == set()


@pytest.mark.parametrize("model", ["accessattempt", "accesslog", "accessfailurelog"])
def test_the_axes_lists_are_chinese(login_as, model) -> None:
    response = login_as("admin").get(f"/admin/axes/{model}/")
    assert response.status_code == 200
    assert english_words(response.content.decode()) == set()


def test_the_user_add_page_explains_itself_in_chinese(login_as) -> None:
    page = login_as("admin").get("/admin/org/user/add/").content.decode()
    assert "创建用户后，即可编辑更多用户选项。" in page
