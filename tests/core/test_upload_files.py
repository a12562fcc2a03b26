"""Scans and photos are checked from their file: size before reading, pixels before decoding."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest

from zerocrop.core.errors import ApplicationError
from zerocrop.core.exif import read_claim
from zerocrop.core.files import check_scan


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge 1-bit bitmap: what a decompression bomb looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    idat = zlib.compress(bytes(4096))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


class NoReading(io.BytesIO):
    """Knows its size but refuses to hand out content."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the content was read before the size was checked")


def test_a_small_file_that_decodes_to_a_huge_bitmap_is_refused_as_such(settings) -> None:
    bomb = png_header(50_000, 50_000)  # 2.5 billion pixels in a few hundred bytes
    assert len(bomb) < 1000
    with pytest.raises(ApplicationError, match=r"照片「炸弹.png」像素过多.*上限为 6000 万像素"):
        check_scan(name="炸弹.png", data=bomb, label="照片", images_only=True)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_just_over_the_pixel_cap_names_its_size() -> None:
    with pytest.raises(ApplicationError, match="像素过多（10000×7000）"):
        check_scan(name="大图.png", data=png_header(10_000, 7_000))


def test_the_size_is_checked_before_any_byte_is_read(settings) -> None:
    settings.ZEROCROP_SCAN_MAX_BYTES = 1024
    with pytest.raises(ApplicationError, match=r"扫描件「大.pdf」太大（4.1 KB），上限为 1 KB"):
        check_scan(name="大.pdf", data=NoReading(b"%PDF-" + bytes(4096)))


def test_a_file_is_hashed_and_handed_back_rewound() -> None:
    data = b"%PDF-1.4\n" + bytes(300_000)
    checked = check_scan(name="责任状.pdf", data=io.BytesIO(data))
    assert checked.extension == ".pdf"
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.file.tell() == 0


def test_reading_the_claim_of_a_bomb_gives_no_claim_and_no_error() -> None:
    claim = read_claim(io.BytesIO(png_header(50_000, 50_000)))
    assert claim.taken_at is None and claim.lon is None
