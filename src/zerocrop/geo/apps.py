from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "zerocrop.geo"
    verbose_name = "地块与区域"

    def ready(self) -> None:
        from zerocrop.core.export_jobs import register_export
        from zerocrop.core.upload_limits import FileLimit, RouteLimit, register_upload_route
        from zerocrop.geo import safety
        from zerocrop.geo.downloads import PLOTS_EXPORT, plots_download
        from zerocrop.geo.menu import register_menu_items
        from zerocrop.geo.panels import register_panels

        register_export(PLOTS_EXPORT, plots_download, label="导出地块台账")

        register_upload_route(
            "geo-import",
            lambda: RouteLimit(files={"file": FileLimit("文件", safety.MAX_UPLOAD_BYTES)}),
        )
        register_panels()
        register_menu_items()
