from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zerocrop.org"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from zerocrop.core.visibility import set_visibility_check
        from zerocrop.org.capabilities import can
        from zerocrop.org.menu import register_menu_items

        # Core's panels and menu name capabilities; org decides them ("anywhere in scope").
        set_visibility_check(lambda user, capability: can(user, capability))
        register_menu_items()
