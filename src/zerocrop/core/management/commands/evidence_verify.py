from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from zerocrop.core.evidence import evidence_store_verify
from zerocrop.core.evidence_package import evidence_package_check
from zerocrop.core.evidence_verify import verify_package


class Command(BaseCommand):
    help = (
        "核对证据：给出证据包时，逐个文件重新计算 SHA-256 与 SM3，并对照系统核对摘要与时间线；"
        "不给证据包时，重新计算整个证据库中每个文件的摘要"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("package", nargs="?", help="证据包 ZIP（或解压后的文件夹）")
        parser.add_argument(
            "--pure-sm3", action="store_true", help="SM3 用纯 Python 计算（不依赖 OpenSSL）"
        )

    def handle(self, *args: object, **options: object) -> None:
        package = options["package"]
        if package is None:
            store = evidence_store_verify()
            if store.problems:
                raise CommandError(
                    "\n".join(
                        [
                            *store.problems,
                            f"证据库有 {len(store.problems)} 处问题"
                            f"（核对了 {store.checked} 个文件）。",
                        ]
                    )
                )
            self.stdout.write(
                f"证据库完整：{store.checked} 个文件的 SHA-256 与 SM3 均与收取时一致。"
            )
            return
        report = verify_package(str(package), pure_sm3=bool(options["pure_sm3"]))
        # What only the system can tell: the hashes are those of receipt, the timeline the chain's.
        against = evidence_package_check(path=str(package)) if report.manifest else []
        if not report.ok or against:
            problems = [*report.problems, *against]
            raise CommandError(
                "\n".join(
                    [
                        *problems,
                        f"共发现 {len(problems)} 处问题（核对了 {report.checked} 个文件）。",
                    ]
                )
            )
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write("与系统核对一致：清单中的摘要为收取时所记，时间线与审计链一致。")
