"""The Chinese names of the audit log's action codes, for the admin and an event's own name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "create": _("新建"),
    "update": _("修改"),
    "delete": _("删除"),
    "void": _("作废"),
    "restore": _("恢复"),
    "assign": _("分包"),
    "unassign": _("取消分包"),
    "survey": _("踏查"),
    "eradicate": _("铲除"),
    "recheck": _("复查"),
    "export": _("导出"),
    "download": _("下载"),
    "rekey": _("更换密钥"),
    "unlock": _("解除登录锁定"),
    "verify": _("核查"),
    "approve": _("审核通过"),
    "return": _("退回"),
    "draw": _("抽取并锁定"),
    "round": _("建立抽测轮次"),
}


def audit_action_label(action: str) -> str:
    return str(AUDIT_ACTIONS.get(action, action))
