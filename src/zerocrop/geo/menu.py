from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item


def register_menu_items() -> None:
    register_menu_item(section="geo", label=_("地图"), url_name="geo-map", icon="map", order=40)
    register_menu_item(
        section="geo", label=_("地块台账"), url_name="plot-list", icon="bounding-box", order=50
    )
