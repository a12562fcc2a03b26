"""Registrations of sampling designs and estimates (menu, the 抽测 round's panel)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zerocrop.core.navigation import register_menu_item
from zerocrop.core.panels import register_panel
from zerocrop.monitoring.capabilities import SAMPLING_CHECK, SAMPLING_DESIGN


def _round_sampling(request: Any, survey_round: Any) -> dict[str, Any] | None:
    """On a 抽测 round's page: its drawn cells in the user's scope and their results."""
    from zerocrop.monitoring import selectors_sampling
    from zerocrop.monitoring.sampling_models import SampleDesign
    from zerocrop.org.capabilities import can

    design = (
        SampleDesign.objects.select_related("frame__unit").filter(survey_round=survey_round).first()
    )
    if design is None:
        return None
    cells = list(selectors_sampling.visible_result_cells(user=request.user, design=design))
    if not cells:
        return None
    results = selectors_sampling.results_of(design=design)
    return {
        "design": design,
        "rows": [
            {
                "cell": cell,
                "result": results.get(cell.code),
                "url": reverse("sampling-result", args=[design.pk, cell.pk]),
            }
            for cell in sorted(cells, key=lambda c: c.code)
        ],
        "may_design": can(request.user, SAMPLING_DESIGN, design.frame.unit),
    }


def register() -> None:
    register_menu_item(
        section="monitoring",
        label=_("潜在区域抽测"),
        url_name="sampling-list",
        icon="grid-3x3-gap",
        order=73,
        capability=SAMPLING_DESIGN,
        testid="menu-sampling",
    )
    register_panel(
        slot="round.detail",
        key="monitoring.sampling_results",
        template="monitoring/_sampling_round_panel.html",
        order=10,
        context=_round_sampling,
        capability=SAMPLING_CHECK,
    )
