"""Hostile notice files: archive bombs, hangs and server paths in messages (issue 7)."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from support.hostile_files import docx_bomb
from zerocrop.campaigns import notice_files
from zerocrop.campaigns.notice_files import NoticeFileError, read_notice_bytes, read_notice_file

MAX_SECONDS = 2.0
NOTICES = Path(__file__).parent / "notices"


@pytest.mark.parametrize("lie", [False, True], ids=["honest-header", "lying-header"])
def test_a_docx_inflating_to_4_gb_is_refused_quickly(tmp_path: Path, lie: bool) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb(declared_bytes=1000 if lie else None))
    assert path.stat().st_size < 5 * 1024 * 1024
    start = time.perf_counter()
    with pytest.raises(NoticeFileError) as info:
        read_notice_file(path, original_name="实施方案.docx")
    assert time.perf_counter() - start < MAX_SECONDS
    message = str(info.value)
    assert message.startswith("无法读取 Word 文件：实施方案.docx")
    assert "word/document.xml" in message
    assert ("解压后太大" in message) if not lie else ("篡改" in message)


def test_the_docx_check_itself_uses_little_memory(tmp_path: Path) -> None:
    """Run in this process (no sandbox) to measure: the bomb is never held in memory."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb(inflated_mib=256, declared_bytes=1000))
    tracemalloc.start()
    try:
        with pytest.raises(NoticeFileError):
            notice_files.read_notice_file_unbounded(path, shown="bomb.docx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024


def test_a_normal_docx_still_reads(tmp_path: Path) -> None:
    from docx import Document

    path = tmp_path / "tmp-notice.docx"
    document = Document()
    document.add_paragraph("组长：李树文")
    document.save(str(path))
    assert read_notice_file(path, original_name="方案.docx") == "组长：李树文"


def test_a_hung_reader_is_stopped_with_a_chinese_message(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("组长：李树文")
    with pytest.raises(NoticeFileError, match="文件解析超时") as info:
        read_notice_file(path, original_name="方案.txt", timeout_s=0.001)
    assert "方案.txt" in str(info.value)


def test_upload_errors_name_the_file_not_the_server_path(login_as) -> None:
    upload = SimpleUploadedFile(
        "县里的方案.docx", b"PK\x03\x04 broken", content_type="application/zip"
    )
    response = login_as("admin").post("/campaigns/import/", {"step": "preview", "file": upload})
    errors = " ".join(response.context["form"].errors["file"])
    assert "县里的方案.docx" in errors
    assert "/tmp" not in errors and "notice.docx" not in errors


def _docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("关于开展春雷行动的实施方案")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "组长"
    table.rows[0].cells[1].text = "李树文"
    document.save(str(path))
    return path


@pytest.mark.parametrize("fixture", [*sorted(p.name for p in NOTICES.glob("*.txt")), "built.docx"])
def test_bytes_read_like_the_file(tmp_path: Path, fixture: str) -> None:
    path = _docx(tmp_path / fixture) if fixture.endswith(".docx") else NOTICES / fixture
    text = read_notice_bytes(path.read_bytes(), name=fixture)
    assert text == read_notice_file(path, original_name=fixture)
    assert text.strip()


def test_bytes_are_refused_like_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NoticeFileError, match="不支持旧版 Word（.doc）文件：方案.doc"):
        read_notice_bytes(b"\xd0\xcf\x11\xe0", name="方案.doc")
    with pytest.raises(NoticeFileError, match="不支持的文件类型 .pdf：方案.pdf"):
        read_notice_bytes(b"%PDF", name="方案.pdf")
    with pytest.raises(NoticeFileError, match="无法读取 Word 文件：方案.docx"):
        read_notice_bytes(b"PK\x03\x04 broken", name="方案.docx")
    with pytest.raises(NoticeFileError, match="文件解析超时"):
        read_notice_bytes("组长：李树文".encode(), name="方案.txt", timeout_s=0.001)
    monkeypatch.setattr(notice_files, "MAX_NOTICE_BYTES", 10)
    with pytest.raises(NoticeFileError, match="文件太大：方案.txt"):
        read_notice_bytes(b"x" * 11, name="方案.txt")
