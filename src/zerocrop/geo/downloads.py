"""Plot and zone exports as `Download`s, built for one user: the same in a request and a job."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from zerocrop.core.clock import today
from zerocrop.core.downloads import Download
from zerocrop.geo import exports, selectors
from zerocrop.geo.filters import filtered_plots
from zerocrop.geo.forms import PlotFilterForm
from zerocrop.org.choices import UnitLevel

PLOTS_EXPORT = "geo.plots_export"


def scope_name(user: Any, form: PlotFilterForm | None = None) -> str:
    """The unit an export is about: the filtered village, else the user's own unit or town."""
    if form is not None and form.is_valid() and form.cleaned_data.get("unit"):
        return dict(form.fields["unit"].choices).get(form.cleaned_data["unit"], "")
    unit = user.unit
    while unit is not None and unit.level in (UnitLevel.OFFICE, UnitLevel.GRID):
        unit = unit.parent
    return unit.name if unit is not None else ""


def plots_download(*, user: Any, params: dict[str, Any]) -> Download:
    """The plot ledger as listed with `params["query"]`'s filters, in `params["format"]`."""
    fmt = params["format"]
    form, plots = filtered_plots(user=user, data=QueryDict(params.get("query", "")))
    export = exports.plot_export(
        plots.prefetch_related("history"),
        fmt=fmt,
        scope=scope_name(user, form),
        day=today(),
        filled_by=user.display_name,
    )
    return _download(export, fmt=fmt, count=plots.count())


def zones_download(*, user: Any, fmt: str) -> Download:
    zones = selectors.zone_list(user=user)
    export = exports.zone_export(zones, fmt=fmt, scope=scope_name(user), day=today())
    return _download(export, fmt=fmt, count=zones.count())


def _download(export: exports.ExportFile, *, fmt: str, count: int) -> Download:
    return Download(
        data=export.data,
        filename=export.filename,
        content_type=export.content_type,
        file_format=fmt,
        count=count,
        ascii_name=export.ascii_name,
    )
