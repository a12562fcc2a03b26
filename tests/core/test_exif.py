import io

from PIL import Image

from zerocrop.core.exif import read_claim


def jpeg(exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, format="JPEG", exif=exif or Image.Exif())
    return buffer.getvalue()


def test_time_position_and_software_are_read() -> None:
    exif = Image.Exif()
    exif[0x0131] = "HUAWEI Camera"
    exif[0x0132] = "2022:07:05 09:10:00"
    exif[0x8825] = {1: "N", 2: (37.0, 54.0, 0.0), 3: "E", 4: (108.0, 36.0, 0.0)}
    claim = read_claim(jpeg(exif))
    assert claim.taken_at.isoformat() == "2022-07-05T09:10:00"
    assert (round(claim.lon, 6), round(claim.lat, 6)) == (108.6, 37.9)
    assert claim.software == "HUAWEI Camera"


def test_photos_without_exif_or_broken_files_claim_nothing() -> None:
    assert read_claim(jpeg()) == read_claim(b"not an image")
    assert read_claim(b"not an image").taken_at is None
