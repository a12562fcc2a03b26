from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zerocrop.core.audit import audit_check, write_checkpoint


class Command(BaseCommand):
    help = "校验审计链：每条事件的链接与 HMAC、检查点文件中的每个检查点，以及报告上抄来的检查点"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            help="导出报告页脚上的审计检查点（可多次给出）",
        )

    def handle(self, *args: object, **options: object) -> None:
        report = audit_check(report_checkpoints=options["checkpoint"])
        if report.problems:
            lines = [
                f"审计链在第 {p.seq} 号事件处断开：{p.reason}" if p.seq else p.reason
                for p in report.problems
            ]
            raise CommandError(
                "\n".join([*lines, f"（共 {report.count} 条事件，发现 {len(lines)} 处问题）"])
            )
        # Only an intact chain is certified by a new checkpoint, and only once committed.
        transaction.on_commit(write_checkpoint)
        self.stdout.write(
            f"审计链完整：共 {report.count} 条事件，核对了 {report.checkpoints} 个检查点。"
        )
