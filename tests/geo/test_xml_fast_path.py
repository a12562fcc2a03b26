"""The C parser is used only for XML that certainly has no DTD; everything else is defused."""

from __future__ import annotations

import pytest

from zerocrop.geo.features import GeoFileError
from zerocrop.geo.readers.base import _without_dtd, parse_xml

BOMB = (
    '<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    "<gpx><name>&b;</name></gpx>"
)


def test_plain_utf8_gpx_takes_the_fast_path_and_parses() -> None:
    data = '<?xml version="1.0" encoding="UTF-8"?><gpx><name>踏查</name></gpx>'.encode()
    assert _without_dtd(data)
    assert parse_xml(data, label="GPX").find("name").text == "踏查"


@pytest.mark.parametrize(
    "data",
    [
        # a DTD after a long comment, beyond the 4 KB head check
        ("<!--" + "x" * 5000 + "-->" + BOMB).encode(),
        # UTF-16: the markers are not plain bytes
        ('<?xml version="1.0" encoding="UTF-16"?>' + BOMB).encode("utf-16"),
        # a declared non-UTF-8 encoding
        ('<?xml version="1.0" encoding="ISO-8859-1"?>' + BOMB[:0] + "<gpx/>").encode(),
    ],
)
def test_anything_that_might_hold_a_dtd_goes_through_defusedxml(data: bytes) -> None:
    assert not _without_dtd(data)


@pytest.mark.parametrize(
    "data",
    [
        ("<!--" + "x" * 5000 + "-->" + BOMB).encode(),
        ("<!--" + "y" * 5000 + "-->" + '<!DOCTYPE gpx SYSTEM "file:///etc/passwd"><gpx/>').encode(),
    ],
)
def test_a_late_dtd_is_still_refused(data: bytes) -> None:
    with pytest.raises(GeoFileError, match="DTD"):
        parse_xml(data, label="GPX")
