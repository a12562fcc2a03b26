"""`zerocrop import-notice FILE [--dry-run] [--json]`.

Reading and parsing are pure; only the final save (without --dry-run) sets up
Django, inside `_save_to_database`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from zerocrop.campaigns.notice import (
    ROLE_DEPUTY,
    ROLE_LEADER,
    ROLE_MEMBER,
    UNIT_KIND_LABELS,
    NoticeDraft,
    parse_notice,
)
from zerocrop.campaigns.notice_files import NoticeFileError, read_notice_file

EXIT_OK = 0
EXIT_BAD_FILE = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import-notice",
        help="从实施方案通知（.txt/.docx）导入禁种铲毒行动",
        description="解析乡镇禁种铲毒行动实施方案通知，生成行动草稿；不加 --dry-run 时写入数据库。",
    )
    parser.add_argument("file", metavar="FILE", help="通知文件（.txt：UTF-8/GBK；.docx）")
    parser.add_argument("--dry-run", action="store_true", help="只解析并输出，不写入数据库")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出解析结果")
    parser.set_defaults(handler=handle_import_notice)


def handle_import_notice(args: argparse.Namespace) -> int:
    try:
        text = read_notice_file(args.file)
    except NoticeFileError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BAD_FILE
    draft = parse_notice(text)
    if args.json:
        print(json.dumps(draft.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_summary(draft))
    if args.dry_run:
        return EXIT_OK
    return _save_to_database(draft, quiet_stdout=args.json)


def format_summary(draft: NoticeDraft) -> str:
    """A short Chinese report of what was understood, for people at a terminal."""
    campaign = draft.campaign
    office = draft.office
    lines = [
        f"行动名称：{campaign.name or '（未识别）'}",
        f"方案标题：{campaign.title or '（未识别）'}",
        f"乡镇：{campaign.town or '（未识别）'}　发文单位：{campaign.issuer or '（未识别）'}",
        f"印发日期：{_date_text(campaign.issued_on)}",
        _group_counts(draft),
        f"办公室：设在 {office.location or '（未识别）'}；主任 {office.head or '（未识别）'}；"
        f"副主任 {office.deputy or '（无）'}",
        f"实施阶段：{len(draft.phases)} 个",
    ]
    lines += [
        f"  {phase.name}：{_date_text(phase.start)} 至 {_date_text(phase.end)}"
        for phase in draft.phases
    ]
    unit_counts = "，".join(
        f"{label} {len(draft.units_of(kind))} 个"  # type: ignore[arg-type]
        for kind, label in UNIT_KIND_LABELS.items()
    )
    lines.append(f"单位：{unit_counts}")
    lines.append(f"工作目标：{'、'.join(draft.goals) or '（无）'}")
    lines.append(f"警告：{len(draft.warnings)} 条")
    lines += [f"  - {warning}" for warning in draft.warnings]
    return "\n".join(lines)


def _group_counts(draft: NoticeDraft) -> str:
    leaders = len(draft.members(ROLE_LEADER))
    deputies = len(draft.members(ROLE_DEPUTY))
    members = len(draft.members(ROLE_MEMBER))
    return f"领导小组：组长 {leaders} 人，副组长 {deputies} 人，成员 {members} 人"


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else "（未识别）"


def _save_to_database(draft: NoticeDraft, *, quiet_stdout: bool = False) -> int:
    """Create the campaign in the configured database; messages go to stderr under --json."""
    import os

    import django
    from django.core.exceptions import ImproperlyConfigured

    report = sys.stderr if quiet_stdout else sys.stdout
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerocrop.config.settings")
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(f"错误：未保存到数据库：{exc}（只预览请加 --dry-run）", file=sys.stderr)
        return EXIT_BAD_FILE
    from zerocrop.campaigns.services import campaign_create_from_notice
    from zerocrop.core.errors import ApplicationError

    try:
        campaign = campaign_create_from_notice(draft=draft, actor=None)
    except ApplicationError as exc:
        print(f"错误：未创建行动：{exc.message}", file=sys.stderr)
        return EXIT_BAD_FILE
    print(f"已创建行动：{campaign.name}", file=report)
    return 0
