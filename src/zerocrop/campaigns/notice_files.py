"""Read a notice (a file by path, or the bytes of an upload) into plain text for `parse_notice`.

Supported: `.txt` in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK;
`.docx` via python-docx (paragraphs and tables, in document order). Everything
else raises `NoticeFileError` with a Chinese message. No Django here.

The file is read in a child process bounded in time and memory (`zerocrop.core.sandbox`), and a
.docx is first checked as an archive by `zerocrop.geo.safety.SafeZip` (member count, declared
and real inflated sizes), so a small upload cannot inflate to gigabytes in the server.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from zerocrop.core.errors import ApplicationError
from zerocrop.core.sandbox import SandboxError, register_preload, run_bounded
from zerocrop.geo.features import GeoFileError
from zerocrop.geo.safety import MiB, SafeZip, ZipLimits, mb

register_preload(__name__, "docx")

if TYPE_CHECKING:
    from docx.table import Table

TEXT_SUFFIXES = frozenset({".txt"})
WORD_SUFFIXES = frozenset({".docx"})
CELL_SEPARATOR = "  "
MAX_NOTICE_BYTES = 20 * MiB
# A notice is some text and maybe a few pictures; embedded objects are kept but never opened.
DOCX_LIMITS = ZipLimits(
    max_entries=300,
    max_total_bytes=100 * MiB,
    max_entry_bytes=50 * MiB,
    allow_nested_archives=True,
)
PARSE_TIMEOUT_S = 20.0
PARSE_MEMORY_MB = 768
_DOCX_ERRORS: tuple[type[Exception], ...] = (zipfile.BadZipFile, KeyError, ValueError, OSError)


class NoticeFileError(ApplicationError):
    """A notice file that cannot be read; the message is Chinese and shown to the user."""

    default_code = "notice_file"


def read_notice_file(
    path: str | Path,
    *,
    original_name: str | None = None,
    timeout_s: float = PARSE_TIMEOUT_S,
    memory_mb: int = PARSE_MEMORY_MB,
) -> str:
    """Return the text of the notice at `path` or raise `NoticeFileError`.

    `original_name` is the user's file name for an upload stored under a temporary path: the
    type comes from it and messages name it (never the server's path).
    """
    path = Path(path)
    shown = original_name or str(path)
    if not path.exists():
        raise NoticeFileError(f"找不到文件：{shown}")
    if not path.is_file():
        raise NoticeFileError(f"不是文件：{shown}")
    try:
        return run_bounded(
            read_notice_file_unbounded,
            path,
            shown=shown,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
        )
    except SandboxError as exc:
        raise NoticeFileError(f"无法读取文件：{shown}。{exc}") from None


def read_notice_bytes(
    data: bytes,
    *,
    name: str,
    timeout_s: float = PARSE_TIMEOUT_S,
    memory_mb: int = PARSE_MEMORY_MB,
) -> str:
    """Return the text of a notice held in memory (an upload) or raise `NoticeFileError`.

    `name` is the user's file name: the type comes from it and messages name it. Read in the
    same bounded child process as `read_notice_file`.
    """
    _check_kind(name)
    _check_size(len(data), name)
    try:
        return run_bounded(
            read_notice_bytes_unbounded,
            data,
            shown=name,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
        )
    except SandboxError as exc:
        raise NoticeFileError(f"无法读取文件：{name}。{exc}") from None


def read_notice_file_unbounded(path: Path, *, shown: str) -> str:
    """`read_notice_file` in this process, with no time or memory bound (runs in the child)."""
    _check_kind(shown)
    return read_notice_bytes_unbounded(_read_bytes(path, shown), shown=shown)


def read_notice_bytes_unbounded(data: bytes, *, shown: str) -> str:
    """`read_notice_bytes` in this process, with no time or memory bound (runs in the child)."""
    _check_size(len(data), shown)
    if _check_kind(shown) == "text":
        return decode_text(data, shown)
    return docx_text(data, shown=shown)


def _check_kind(shown: str) -> str:
    """ "text" or "word" from the file name, or the reason the type is refused."""
    suffix = Path(shown).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in WORD_SUFFIXES:
        return "word"
    if suffix == ".doc":
        raise NoticeFileError(
            f"不支持旧版 Word（.doc）文件：{shown}。请另存为 .docx 或 .txt 后再导入。"
        )
    shown_suffix = suffix or "（无扩展名）"
    raise NoticeFileError(f"不支持的文件类型 {shown_suffix}：{shown}。请使用 .txt 或 .docx 文件。")


def _check_size(size: int, shown: str) -> None:
    if size > MAX_NOTICE_BYTES:
        raise NoticeFileError(f"文件太大：{shown}，上限为 {mb(MAX_NOTICE_BYTES)}。")


def _read_bytes(path: Path, shown: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_NOTICE_BYTES + 1)
    except OSError as exc:
        raise NoticeFileError(f"无法读取文件：{shown}（{exc.strerror or exc}）") from exc
    _check_size(len(data), shown)
    return data


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


def read_docx(path: Path, *, shown: str | None = None) -> str:
    """Paragraphs and table rows of the .docx at `path`, one line each, in document order."""
    shown = shown or str(path)
    return docx_text(_read_bytes(path, shown), shown=shown)


def docx_text(data: bytes, *, shown: str) -> str:
    """Paragraphs and table rows of a .docx held in memory, one line each, in document order."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import LxmlError

    try:
        # python-docx inflates members on its own: prove first that none is bigger than
        # declared and that the declared sizes are within the caps.
        SafeZip(data, limits=DOCX_LIMITS, label="文件").verify_all()
    except GeoFileError as exc:
        raise NoticeFileError(f"无法读取 Word 文件：{shown}。{exc}") from exc
    try:
        document = Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except _DOCX_ERRORS + (PackageNotFoundError, LxmlError) as exc:
        raise NoticeFileError(
            f"无法读取 Word 文件：{shown}（文件已损坏或不是 .docx 格式）"
        ) from exc
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
