"""The `zerocrop` console entry.

Commands that only compute (import-notice --dry-run, convert-coords, coverage,
import-geo --dry-run, legal-route, sample-design, sample-estimate) are plain argparse
sub-commands registered by each app's `cli.register(subparsers)` and need no database. Any
other command goes to Django's manage.py machinery.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

PURE_COMMAND_MODULES = (
    "zerocrop.campaigns.cli",
    "zerocrop.findings.cli",
    "zerocrop.geo.cli",
    "zerocrop.monitoring.cli",
    "zerocrop.patrols.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zerocrop", description="ZeroCrop 禁种铲毒工作平台")
    subparsers = parser.add_subparsers(dest="command")
    for name in PURE_COMMAND_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def run_django(argv: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerocrop.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    command, *rest = argv
    try:
        execute_from_command_line(["zerocrop", command.replace("-", "_"), *rest])
    except ImproperlyConfigured as error:
        # A setting the operator must fix (a key, the data folder): one line, not a traceback.
        print(f"zerocrop：{error}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    known = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()
    if not args_list or args_list[0] in {"-h", "--help"}:
        parser.print_help()
        print("\n其余命令（migrate、createsuperuser、audit-verify 等）由 Django 管理命令提供。")
        return 0
    if args_list[0] not in known:
        return run_django(args_list)
    args, unknown = parser.parse_known_args(args_list)
    if unknown:
        print(
            f"错误：不认识的参数：{' '.join(unknown)}（查看用法：zerocrop {args_list[0]} -h）",
            file=sys.stderr,
        )
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
