"""Reading notice files: encodings, refused types; hostile files (bombs, hangs, paths; issue 7)."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from support.hostile_files import docx_bomb
from zerocrop.campaigns import notice_files
from zerocrop.campaigns.notice_files import (
    NoticeFileError,
    decode_text,
    read_notice_bytes,
    read_notice_file,
)

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


def test_read_utf8_utf8_bom_and_gbk(tmp_path: Path) -> None:
    text = "组长：李树文  党委书记\n"
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"):
        path = tmp_path / f"notice-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert read_notice_file(path) == text, encoding


def test_upper_case_suffix_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "NOTICE.TXT"
    path.write_text("组长：李树文", encoding="utf-8")
    assert read_notice_file(path) == "组长：李树文"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notice.pdf", b"%PDF-1.4", "不支持的文件类型 .pdf"),
        ("notice", b"abc", "不支持的文件类型 （无扩展名）"),
        ("notice.doc", b"\xd0\xcf\x11\xe0", "不支持旧版 Word（.doc）文件"),
        ("notice.docx", b"not a zip at all", "无法读取 Word 文件"),
        ("notice.txt", b"\x81\x30\xff\xff\xfe", "无法识别文件编码"),
        ("notice.txt", b"abc\x00def", "不是文本文件"),
    ],
)
def test_unreadable_files_raise_a_chinese_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NoticeFileError, match=message.replace("(", r"\(").replace(".", r"\.")):
        read_notice_file(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(NoticeFileError, match="找不到文件"):
        read_notice_file(tmp_path / "nope.txt")
    with pytest.raises(NoticeFileError, match="不是文件"):
        read_notice_file(tmp_path)


def test_decode_text_prefers_utf8() -> None:
    assert decode_text("无定河镇".encode()) == "无定河镇"
    assert decode_text("无定河镇".encode("gbk")) == "无定河镇"
