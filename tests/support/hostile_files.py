"""Builders of hostile upload files shared by the reader, view and server tests.

Every builder is cheap (well under a second) however large the file claims to inflate.
"""

from __future__ import annotations

import io
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import geopandas as gpd
import shapely

MiB = 1024 * 1024

# The tables GDAL reads while opening a GeoPackage, before any data layer.
GPKG_SYSTEM_TABLES = ("gpkg_geometry_columns", "gpkg_spatial_ref_sys")


def endless_view_gpkg(table: str) -> bytes:
    """A 98 KB GeoPackage whose system `table` is a view over an endless recursive query.

    The view keeps the real columns (the original table is renamed) but its recursive CTE never
    yields a row and never stops: any reader that selects from it spins forever.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trap.gpkg"
        frame = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(108.6, 37.9)], crs=4326)
        frame.to_file(path, layer="plots")
        connection = sqlite3.connect(path)
        columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        selected = ", ".join(f"o.{name}" for name in columns)
        # Table and column names are fixed by the GeoPackage spec, not user input.
        script = "".join(
            [
                f"ALTER TABLE {table} RENAME TO old_{table};",
                f"CREATE VIEW {table} AS WITH RECURSIVE r(i) AS ",
                "(SELECT 1 UNION ALL SELECT i + 1 FROM r) ",
                f"SELECT {selected} FROM r, old_{table} AS o WHERE r.i < 0;",  # noqa: S608
            ]
        )
        connection.executescript(script)
        connection.commit()
        connection.close()
        return path.read_bytes()


def _zip_member_headers(name: bytes, crc: int, compressed: int, size: int, offset: int) -> tuple:
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, compressed, size, len(name), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        compressed,
        size,
        len(name),
        0,
        0,
        0,
        0,
        0,
        offset,
    )
    return local, central


def deflate_bomb_zip(
    members: list[tuple[str, bytes]],
    *,
    bomb_name: str,
    inflated_mib: int,
    declared_bytes: int | None = None,
) -> bytes:
    """A zip with small real `members` plus `bomb_name`: zeros inflating to `inflated_mib` MiB.

    The compressed stream is one full-flushed block of 1 MiB of zeros repeated (identical bytes
    each time), so a 4 GB bomb costs a few MB and milliseconds to build. `declared_bytes` is
    the size written in the headers: the truth by default, or a lie (a few bytes) for a bomb
    that hides from a reader trusting the zip directory. The CRC is not computed (zero).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * MiB) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(b"\0" * MiB) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # after a full flush the stream restarts: blocks repeat exactly
    stream = block * inflated_mib + compressor.flush(zlib.Z_FINISH)
    size = inflated_mib * MiB if declared_bytes is None else declared_bytes
    body = bytearray()
    directory = bytearray()
    entries = [
        (name.encode(), zlib.crc32(data), _deflate(data), len(data)) for name, data in members
    ]
    entries.append((bomb_name.encode(), 0, stream, min(size, 0xFFFFFFFE)))
    for name, crc, compressed, length in entries:
        local, central = _zip_member_headers(name, crc, len(compressed), length, len(body))
        body += local + name + compressed
        directory += central + name
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return bytes(body + directory + end)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
    b'"http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def docx_bomb(*, inflated_mib: int = 4095, declared_bytes: int | None = None) -> bytes:
    """A ~4 MB .docx whose word/document.xml inflates to about 4 GB.

    Every other member is that of a real document written by python-docx, so a reader that
    trusts the archive goes on to inflate the body.
    """
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    with zipfile.ZipFile(buffer) as real:
        members = [
            (name, real.read(name)) for name in real.namelist() if name != "word/document.xml"
        ]
    return deflate_bomb_zip(
        members,
        bomb_name="word/document.xml",
        inflated_mib=inflated_mib,
        declared_bytes=declared_bytes,
    )


def xlsx_bomb(*, inflated_mib: int = 4095, declared_bytes: int | None = None) -> bytes:
    return deflate_bomb_zip(
        [("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", b"<workbook/>")],
        bomb_name="xl/worksheets/sheet1.xml",
        inflated_mib=inflated_mib,
        declared_bytes=declared_bytes,
    )


def kmz_bomb(*, inflated_mib: int = 4095, declared_bytes: int | None = None) -> bytes:
    return deflate_bomb_zip(
        [], bomb_name="doc.kml", inflated_mib=inflated_mib, declared_bytes=declared_bytes
    )


def shapefile_zip_bomb(*, inflated_mib: int = 4095, declared_bytes: int | None = None) -> bytes:
    return deflate_bomb_zip(
        [("plots.shp", b"\0" * 100), ("plots.shx", b"\0" * 100)],
        bomb_name="plots.dbf",
        inflated_mib=inflated_mib,
        declared_bytes=declared_bytes,
    )
