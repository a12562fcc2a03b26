"""The plot ledger's filters, shared by the ledger page and its exports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zerocrop.geo import selectors
from zerocrop.geo.forms import PlotFilterForm
from zerocrop.geo.models import Plot
from zerocrop.org.selectors import villages_and_communities


def filtered_plots(*, user: Any, data: Any) -> tuple[PlotFilterForm, QuerySet[Plot]]:
    """The plot ledger's filters (`PlotFilterForm`) applied to the user's visible plots.

    Same semantics as `geo.views.plot_list`, so an export holds exactly what the ledger lists.
    """
    villages = villages_and_communities(user=user)
    form = PlotFilterForm(data or None, units=villages)
    filters = form.cleaned_data if form.is_valid() else {}
    plots = selectors.plot_list(
        user=user,
        unit_id=filters.get("unit") or None,
        kind=filters.get("kind", ""),
        risk=filters.get("risk", ""),
        unassigned=filters.get("unassigned", False),
        query=(filters.get("q") or filters.get("responsible") or "").strip(),
    )
    return form, plots
