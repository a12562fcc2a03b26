"""One error type: every domain refusal is an ApplicationError with a message, field and code."""

from __future__ import annotations

import pickle

import pytest
from django import forms

from zerocrop.campaigns.notice_files import NoticeFileError
from zerocrop.core.errors import ApplicationError, NotPermitted, SyncConflict
from zerocrop.core.forms import add_application_error
from zerocrop.geo.features import GeoFileError
from zerocrop.patrols.states import TransitionError, check_transition
from zerocrop.patrols.track_files import TrackFileError


@pytest.mark.parametrize(
    ("kind", "code", "status"),
    [
        (ApplicationError, "rejected", 400),
        (GeoFileError, "geo_file", 400),
        (NoticeFileError, "notice_file", 400),
        (TrackFileError, "track_file", 400),
        (TransitionError, "transition", 400),
        (NotPermitted, "forbidden", 403),
        (SyncConflict, "conflict", 409),
    ],
)
def test_every_kind_is_an_application_error_with_its_code(kind, code, status) -> None:
    error = kind("文件无法读取", field="file")
    assert isinstance(error, ApplicationError)
    assert (error.message, str(error), error.field) == ("文件无法读取", "文件无法读取", "file")
    assert (error.code, error.http_status) == (code, status)


def test_a_given_code_wins_and_survives_pickling() -> None:
    # Readers raise in a sandbox child; the error must come back whole.
    error = GeoFileError("压缩包中的路径不安全", code="zip_path")
    back = pickle.loads(pickle.dumps(error))  # noqa: S301  (our own bytes, as the sandbox does)
    assert type(back) is GeoFileError
    assert (back.message, back.code, back.field) == ("压缩包中的路径不安全", "zip_path", None)


def test_an_illegal_move_raises_an_application_error() -> None:
    with pytest.raises(ApplicationError) as info:
        check_transition("validate", "ready")
    assert info.value.code == "transition" and info.value.message == "待分配的任务不能复核通过"


class _Form(forms.Form):
    name = forms.CharField()
    threshold_pct = forms.FloatField()
    track = forms.CharField()


def test_add_application_error_puts_it_under_its_field() -> None:
    form = _Form(data={"name": "a", "threshold_pct": "1", "track": "x"})
    form.is_valid()
    add_application_error(form, ApplicationError("名称已被使用", field="name"))
    assert form.errors == {"name": ["名称已被使用"]}


def test_add_application_error_on_top_when_the_form_lacks_the_field() -> None:
    form = _Form(data={"name": "a", "threshold_pct": "1", "track": "x"})
    form.is_valid()
    add_application_error(form, ApplicationError("范围不对", field="units"))
    add_application_error(form, ApplicationError("出错了"))
    assert form.non_field_errors() == ["范围不对", "出错了"]
    assert set(form.errors) == {"__all__"}


def test_add_application_error_maps_fields() -> None:
    form = _Form(data={"name": "a", "threshold_pct": "1", "track": "x"})
    form.is_valid()
    add_application_error(
        form, ApplicationError("完成覆盖率过高", field="threshold"), {"threshold": "threshold_pct"}
    )
    add_application_error(form, GeoFileError("不是轨迹文件"), field_map={None: "track"})
    assert form.errors == {"threshold_pct": ["完成覆盖率过高"], "track": ["不是轨迹文件"]}
