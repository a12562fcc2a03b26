"""Read a notice file into plain text for `zerocrop.campaigns.notice.parse_notice`.

Supported: `.txt` in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK;
`.docx` via python-docx (paragraphs and tables, in document order). Everything
else raises `NoticeFileError` with a Chinese message. No Django here.
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.table import Table

TEXT_SUFFIXES = frozenset({".txt"})
WORD_SUFFIXES = frozenset({".docx"})
CELL_SEPARATOR = "  "
_DOCX_ERRORS: tuple[type[Exception], ...] = (zipfile.BadZipFile, KeyError, ValueError, OSError)


class NoticeFileError(Exception):
    """A notice file that cannot be read; the message is Chinese and shown to the user."""


def read_notice_file(path: str | Path) -> str:
    """Return the text of the notice at `path` or raise `NoticeFileError`."""
    path = Path(path)
    if not path.exists():
        raise NoticeFileError(f"找不到文件：{path}")
    if not path.is_file():
        raise NoticeFileError(f"不是文件：{path}")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return decode_text(_read_bytes(path), path)
    if suffix in WORD_SUFFIXES:
        return read_docx(path)
    if suffix == ".doc":
        raise NoticeFileError(
            f"不支持旧版 Word（.doc）文件：{path}。请另存为 .docx 或 .txt 后再导入。"
        )
    shown = suffix or "（无扩展名）"
    raise NoticeFileError(f"不支持的文件类型 {shown}：{path}。请使用 .txt 或 .docx 文件。")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise NoticeFileError(f"无法读取文件：{path}（{exc.strerror or exc}）") from exc


def decode_text(raw: bytes, path: Path | str = "") -> str:
    """Decode a text notice: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw[len(codecs.BOM_UTF8) :], "utf-8", path)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(raw, "utf-16", path)
    if b"\x00" in raw:
        raise NoticeFileError(f"文件看起来不是文本文件：{path}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise NoticeFileError(
            f"无法识别文件编码：{path}。请保存为 UTF-8 或 GBK 编码的文本文件。"
        ) from exc


def _decode(raw: bytes, encoding: str, path: Path | str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NoticeFileError(f"文件内容与其 {encoding.upper()} 编码标记不符：{path}") from exc


def read_docx(path: Path) -> str:
    """Paragraphs and table rows of a .docx, one line each, in document order."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import LxmlError

    try:
        document = Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except _DOCX_ERRORS + (PackageNotFoundError, LxmlError) as exc:
        raise NoticeFileError(f"无法读取 Word 文件：{path}（文件已损坏或不是 .docx 格式）") from exc
    return "\n".join(lines)


def _table_lines(table: Table) -> list[str]:
    """Each row as its distinct cell texts joined by two spaces (merged cells repeat in docx)."""
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is reported once per grid column
                continue
            previous = cell._tc
            cells.append(cell.text.strip())
        lines.append(CELL_SEPARATOR.join(text for text in cells if text))
    return lines
