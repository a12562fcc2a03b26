from django.core.management.base import BaseCommand, CommandError

from zerocrop.core.audit import audit_verify


class Command(BaseCommand):
    help = "校验审计事件哈希链，指出第一个断开的环节"

    def handle(self, *args: object, **options: object) -> None:
        count, broken = audit_verify()
        if broken is not None:
            raise CommandError(
                f"审计链在第 {broken.seq} 号事件处断开：{broken.reason}（共 {count} 条）"
            )
        self.stdout.write(f"审计链完整：共 {count} 条事件。")
