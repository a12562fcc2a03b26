from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item


def register_menu_items() -> None:
    register_menu_item(
        section="patrols",
        label=_("我的任务"),
        url_name="my-tasks",
        icon="person-check",
        order=60,
        visible=lambda request: bool(request.user.person_id),
    )
    register_menu_item(
        section="patrols", label=_("踏查"), url_name="round-list", icon="signpost-split", order=70
    )
