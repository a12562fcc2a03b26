from django.utils.translation import gettext_lazy as _

from zerocrop.campaigns.context_processors import request_top_campaign
from zerocrop.core.navigation import register_menu_item


def register_menu_items() -> None:
    register_menu_item(
        section="campaigns", label=_("行动总览"), url_name="home", icon="speedometer2", order=10
    )
    register_menu_item(
        section="campaigns", label=_("行动"), url_name="campaign-list", icon="flag", order=20
    )
    register_menu_item(
        section="campaigns",
        label=_("责任状/承诺书"),
        url_name="pledge-list",
        icon="pen",
        order=30,
        visible=lambda request: request_top_campaign(request) is not None,
        url_kwargs=lambda request: {"campaign_id": request_top_campaign(request).pk},
    )
