from __future__ import annotations

from datetime import date

import pytest

from zerocrop.monitoring.columns import guess_columns, parse_area_m2, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-07-01", date(2022, 7, 1)),
        ("2022/7/1", date(2022, 7, 1)),
        ("2022.07.01", date(2022, 7, 1)),
        ("2022年7月1日", date(2022, 7, 1)),
        ("２０２２年７月１日", date(2022, 7, 1)),  # full-width digits
        ("20220701", date(2022, 7, 1)),
        ("44743", date(2022, 7, 1)),  # Excel serial
        ("2022-07-01 00:00:00", date(2022, 7, 1)),  # an Excel date cell as text
    ],
)
def test_dates_as_people_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["七月一日", "2022-13-01", "12", "2022/2/30"])
def test_bad_dates_say_why(text):
    with pytest.raises(ValueError, match="日期"):
        parse_date(text)


def test_area_in_mu_becomes_square_metres_only_when_the_header_says_mu():
    assert parse_area_m2("3", "面积(亩)") == pytest.approx(2000.0)
    assert parse_area_m2("3", "面积（亩）") == pytest.approx(2000.0)
    assert parse_area_m2("1,200", "面积_m2") == 1200.0
    with pytest.raises(ValueError, match="不是数字"):
        parse_area_m2("约两亩", "面积")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["靶点编号", "经度", "纬度"], {"code": "靶点编号", "lon": "经度", "lat": "纬度"}),
        (["图斑编号", "lon", "lat"], {"code": "图斑编号", "lon": "lon", "lat": "lat"}),
        (
            ["编号", "X", "Y", "面积_m2"],
            {"code": "编号", "lon": "X", "lat": "Y", "area": "面积_m2"},
        ),
        (["反馈截止", "下发日期"], {"issued": "下发日期", "due": "反馈截止"}),
        (
            ["核查时限", "影像日期", "置信度"],
            {"due": "核查时限", "imagery": "影像日期", "confidence": "置信度"},
        ),
        (["县名", "乡镇", "备注"], {}),
    ],
)
def test_headers_are_guessed(headers, expected):
    assert guess_columns(headers) == expected


def test_the_specific_code_header_wins_over_a_generic_id():
    assert guess_columns(["ID", "靶点编号", "经度", "纬度"])["code"] == "靶点编号"
