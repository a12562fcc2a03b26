"""The wire format's versions (pure): canonical JSON, content hashes, upgrading schema 1."""

from __future__ import annotations

import pytest

from zerocrop.core.errors import ApplicationError
from zerocrop.field.rules import SCHEMA_VERSION
from zerocrop.field.schema import canonical_json, content_sha256, upgrade


def test_canonical_json_sorts_keys_and_keeps_chinese() -> None:
    assert canonical_json({"b": 1, "a": "罂粟"}) == '{"a":"罂粟","b":1}'


def test_the_content_hash_ignores_key_order_but_not_values() -> None:
    one = content_sha256("finding", {"a": 1, "b": 2}, [])
    assert one == content_sha256("finding", {"b": 2, "a": 1}, [])
    assert one != content_sha256("finding", {"a": 1, "b": 3}, [])
    assert one != content_sha256("patrol", {"a": 1, "b": 2}, [])


def test_schema_1_patrol_fixes_become_objects_and_gaps_appear() -> None:
    old = {
        "schema": 1,
        "kind": "patrol",
        "payload": {"fixes": [[109.1, 37.6, "2022-07-10T09:00:00+08:00"], [109.2, 37.7]]},
    }
    new = upgrade(old)
    assert new["schema"] == SCHEMA_VERSION
    assert new["payload"]["fixes"] == [
        {"lon": 109.1, "lat": 37.6, "t": "2022-07-10T09:00:00+08:00"},
        {"lon": 109.2, "lat": 37.7},
    ]
    assert new["payload"]["gaps"] == []
    assert old["payload"]["fixes"][0] == [109.1, 37.6, "2022-07-10T09:00:00+08:00"]  # a copy


def test_schema_1_finding_count_becomes_plant_count() -> None:
    new = upgrade({"schema": 1, "kind": "finding", "payload": {"count": 12}})
    assert new["payload"] == {"plant_count": 12}


def test_a_current_record_is_unchanged() -> None:
    body = {"schema": 2, "kind": "patrol", "payload": {"fixes": [], "gaps": []}}
    assert upgrade(body) == body


@pytest.mark.parametrize(
    ("schema", "code", "words"),
    [
        (None, "schema_missing", "缺少数据格式版本"),
        ("2", "invalid", "应为整数"),
        (SCHEMA_VERSION + 1, "schema_too_new", "更新"),
        (0, "schema_unsupported", "不再支持"),
    ],
)
def test_an_unusable_schema_is_refused_in_chinese(schema, code, words) -> None:
    body = {"kind": "patrol", "payload": {}}
    if schema is not None:
        body["schema"] = schema
    with pytest.raises(ApplicationError) as caught:
        upgrade(body)
    assert caught.value.code == code and caught.value.field == "schema"
    assert words in caught.value.message
    assert caught.value.http_status == 422
