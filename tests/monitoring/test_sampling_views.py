# ruff: noqa: F811 (the fixtures imported from sampling_helpers are used as arguments)
"""Sampling pages: who may see and do what, the forms, downloads and the estimate section."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from tests.monitoring.sampling_helpers import (  # noqa: F401
    admin_user,
    drawn_design,
    make_design,
    sample_frame,
    village_zone,
)

from zerocrop.monitoring import sampling, services_sampling
from zerocrop.monitoring.sampling_models import (
    SampleCell,
    SampleCellResult,
    SampleDesign,
    SampleFrame,
)
from zerocrop.org.models import Person

pytestmark = pytest.mark.django_db


def _cell_in(design: SampleDesign, village: str) -> SampleCell:
    return (
        SampleCell.objects.filter(
            frame=design.frame, code__in=services_sampling.drawn_codes(design), unit__name=village
        )
        .order_by("code")
        .first()
    )


def test_menu_item_for_the_town_admin_only(login_as):
    page = login_as("admin").get(reverse("sampling-list"))
    assert page.status_code == 200
    assert 'data-testid="menu-sampling"' in page.text and "潜在区域抽测" in page.text
    for username in ("leader", "cadre", "grid", "police"):
        home = login_as(username).get("/")
        assert 'data-testid="menu-sampling"' not in home.text, username


@pytest.mark.parametrize("username", ["leader", "cadre", "grid", "police"])
def test_list_and_new_are_refused_to_other_roles(login_as, username):
    client = login_as(username)
    assert client.get(reverse("sampling-list")).status_code == 403
    assert client.get(reverse("sampling-new")).status_code == 403
    assert client.post(reverse("sampling-new"), {"action": "save"}).status_code == 403


def test_design_pages_404_outside_scope_and_403_without_the_capability(drawn_design, login_as):
    urls = [
        reverse("sampling-detail", args=[drawn_design.pk]),
        reverse("sampling-estimate", args=[drawn_design.pk]),
        reverse("sampling-cells", args=[drawn_design.pk]),
        reverse("sampling-design-json", args=[drawn_design.pk]),
        reverse("sampling-results-csv", args=[drawn_design.pk]),
    ]
    for url in urls:
        assert login_as("cadre").get(url).status_code == 404, url
        assert login_as("leader").get(url).status_code == 403, url
        assert login_as("admin").get(url).status_code == 200, url
    post = reverse("sampling-draw", args=[drawn_design.pk])
    assert login_as("leader").post(post, {"seed": "1"}).status_code == 403


def _form(zones, **extra):
    data = {
        "campaign": str(zones[0].unit.campaigns.first().pk),
        "name": "五月抽测",
        "zones": [str(z.pk) for z in zones],
        "cell_size_m": "600",
        "n": "12",
    }
    data.update(extra)
    return data


def test_new_design_preview_then_save(login_as, village_zone):
    zones = [village_zone("毛布拉格村")]
    client = login_as("admin")
    frames = SampleFrame.objects.count()
    page = client.post(reverse("sampling-new"), _form(zones, action="preview"))
    assert page.status_code == 200
    assert 'data-testid="sampling-preview-result"' in page.text
    assert page.text.count('data-testid="allocation-row"') >= 1
    assert SampleFrame.objects.count() == frames  # a preview stores nothing
    saved = client.post(reverse("sampling-new"), _form(zones, action="save"))
    design = SampleDesign.objects.get(name="五月抽测")
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "sampling-detail", args=[design.pk]
    )
    assert design.n == 12 and not design.is_locked and design.frame.cells.exists()


def test_new_design_refuses_bad_input_in_chinese(login_as, village_zone):
    zones = [village_zone("毛布拉格村")]
    client = login_as("admin")
    no_area = client.post(reverse("sampling-new"), {**_form(zones, action="save"), "zones": []})
    assert "请选择区域，或勾选全镇" in no_area.text
    both = client.post(reverse("sampling-new"), _form(zones, action="save", target_se="30"))
    assert "三者选一" in both.text
    tiny = client.post(reverse("sampling-new"), _form(zones, action="save", n="2"))
    assert "太小" in tiny.text or "至少" in tiny.text
    priors = client.post(reverse("sampling-new"), _form(zones, action="save", priors_text="重点30"))
    assert "层=标准差" in priors.text
    garbled = client.post(reverse("sampling-new"), {**_form(zones, action="save"), "campaign": "x"})
    assert garbled.status_code == 200 and "五月抽测" not in [
        d.name for d in SampleDesign.objects.all()
    ]
    assert not SampleDesign.objects.filter(name="五月抽测").exists()


def test_draw_locks_and_a_second_draw_is_refused(make_design, login_as):
    design = make_design()
    client = login_as("admin")
    page = client.get(reverse("sampling-detail", args=[design.pk]))
    assert 'data-testid="draw-form"' in page.text and 'data-testid="sampling-map"' in page.text
    assert (
        client.post(reverse("sampling-draw", args=[design.pk]), {"seed": "42"}).status_code == 302
    )
    design.refresh_from_db()
    assert design.seed == 42 and design.is_locked
    again = client.post(reverse("sampling-draw", args=[design.pk]), {"seed": "43"})
    assert again.status_code == 400 and "锁定" in again.text
    design.refresh_from_db()
    assert design.seed == 42


def test_map_cells_show_strata_and_the_drawn_ones(drawn_design, login_as):
    data = json.loads(
        login_as("admin").get(reverse("sampling-cells", args=[drawn_design.pk])).content
    )
    assert len(data["features"]) == drawn_design.frame.cells.count()
    drawn = [f["properties"]["code"] for f in data["features"] if f["properties"]["drawn"]]
    assert sorted(drawn) == sorted(services_sampling.drawn_codes(drawn_design))


def test_round_form_creates_the_round_and_refuses_an_empty_team(drawn_design, login_as):
    client = login_as("admin")
    before = client.get(reverse("sampling-detail", args=[drawn_design.pk])).text
    # No team yet: no inline inputs that a link would throw away, only the cell's own form.
    assert 'name="area_m2"' not in before and 'data-testid="result-open"' in before
    url = reverse("sampling-round", args=[drawn_design.pk])
    empty = client.post(url, {})
    assert empty.status_code == 400
    team = [str(Person.objects.get(user__username=n).pk) for n in ("cadre2", "grid")]
    assert client.post(url, {"team": team}).status_code == 302
    drawn_design.refresh_from_db()
    page = client.get(reverse("sampling-detail", args=[drawn_design.pk]))
    assert 'data-testid="round-link"' in page.text and drawn_design.survey_round.name in page.text
    assert 'name="area_m2"' in page.text  # the team's results straight into the table


def test_a_village_cadre_enters_results_of_own_village_cells_only(drawn_design, login_as):
    own, other = _cell_in(drawn_design, "毛布拉格村"), _cell_in(drawn_design, "排子湾村")
    assert own is not None and other is not None
    cadre = login_as("cadre")
    url = reverse("sampling-result", args=[drawn_design.pk, own.pk])
    assert cadre.get(url).status_code == 200
    assert (
        cadre.get(reverse("sampling-result", args=[drawn_design.pk, other.pk])).status_code == 404
    )
    assert login_as("leader").get(url).status_code == 403
    me = Person.objects.get(user__username="cadre")
    data = {
        "area_m2": "30",
        "plants": "80",
        "checked_at": "2022-07-09T10:00",
        "checked_by": [str(me.pk)],
    }
    saved = cadre.post(url, data)
    assert saved.status_code == 302
    page = cadre.get(saved["Location"])
    assert 'data-testid="finding-needed"' in page.text and reverse("finding-create") in page.text
    assert (
        'value="2022-07-09T10:00"' in page.text
    )  # the stored time, as the phone's picker reads it
    result = SampleCellResult.objects.get(design=drawn_design, cell=own)
    assert (result.area_m2, result.plants) == (30.0, 80)
    bad = cadre.post(url, {**data, "area_m2": "-1"})
    assert bad.status_code == 400
    result.refresh_from_db()
    assert result.area_m2 == 30.0


def test_the_team_reaches_its_cells_outside_its_village(drawn_design, login_as, admin_user):
    team = [Person.objects.get(user__username=n) for n in ("cadre2", "grid")]
    survey_round = services_sampling.sampling_round_create(
        design=drawn_design, team=team, actor=admin_user
    )
    drawn = len(services_sampling.drawn_codes(drawn_design))
    page = login_as("grid").get(reverse("round-detail", args=[survey_round.pk]))
    assert page.status_code == 200 and 'data-testid="sampling-round-panel"' in page.text
    assert page.text.count('data-testid="sampling-panel-row"') == drawn  # on the team: all
    # The 毛布拉格村 cadre, not on the team, sees the village's own cells only.
    own = SampleCell.objects.filter(
        frame=drawn_design.frame,
        code__in=services_sampling.drawn_codes(drawn_design),
        unit__name="毛布拉格村",
    ).count()
    cadre_page = login_as("cadre").get(reverse("round-detail", args=[survey_round.pk]))
    assert cadre_page.text.count('data-testid="sampling-panel-row"') == own < drawn
    # grid (毛布拉格村) enters the result of a 排子湾村 cell of the team's round.
    other = _cell_in(drawn_design, "排子湾村")
    url = reverse("sampling-result", args=[drawn_design.pk, other.pk])
    grid = login_as("grid")
    form = grid.get(url)
    assert form.status_code == 200 and "张鹏富" in form.text  # the team is offered as checkers
    me, mate = team[1], team[0]
    data = {
        "area_m2": "0",
        "plants": "0",
        "checked_at": "2022-07-09T10:00",
        "checked_by": [str(me.pk), str(mate.pk)],
    }
    assert grid.post(url, data).status_code == 302
    result = SampleCellResult.objects.get(design=drawn_design, cell=other)
    assert {p.pk for p in result.checked_by.all()} == {me.pk, mate.pk}
    assert login_as("cadre").get(url).status_code == 404  # neither scope nor team


def _complete(design, client, values):
    grid = Person.objects.get(user__username="grid")
    for cell in SampleCell.objects.filter(
        frame=design.frame, code__in=services_sampling.drawn_codes(design)
    ):
        area, plants = values.get(cell.code, (0, 0))
        response = client.post(
            reverse("sampling-result", args=[design.pk, cell.pk]),
            {
                "area_m2": str(area),
                "plants": str(plants),
                "checked_at": "2022-07-09T10:00",
                "checked_by": [str(grid.pk)],
                "back": "detail",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]


def test_the_estimate_appears_only_when_complete_next_to_the_census(drawn_design, login_as):
    client = login_as("admin")
    url = reverse("sampling-detail", args=[drawn_design.pk])
    assert 'data-testid="estimate-pending"' in client.get(url).text
    codes = services_sampling.drawn_codes(drawn_design)
    values = {codes[0]: (40, 120), codes[1]: (10, 20)}
    _complete(drawn_design, client, values)
    page = client.get(url)
    assert 'data-testid="estimate-pending"' not in page.text
    assert "由抽样推算" in page.text and 'data-testid="census-card"' in page.text
    expected = sampling.estimate(
        design=sampling.design_from_json(drawn_design.selection),
        results=[
            sampling.CellResult(
                id=c,
                area_m2=float(values.get(c, (0, 0))[0]),
                plants=float(values.get(c, (0, 0))[1]),
            )
            for c in codes
        ],
    )
    assert f'data-testid="estimate-plants">{expected.plants.estimate:.1f}<' in page.text
    assert sampling.summary_zh(expected) in page.text
    estimate_page = client.get(reverse("sampling-estimate", args=[drawn_design.pk]))
    assert sampling.summary_zh(expected) in estimate_page.text


def test_the_downloads(drawn_design, login_as):
    client = login_as("admin")
    design_file = client.get(reverse("sampling-design-json", args=[drawn_design.pk]))
    assert json.loads(design_file.content) == drawn_design.selection
    assert "attachment" in design_file["Content-Disposition"]
    results = client.get(reverse("sampling-results-csv", args=[drawn_design.pk]))
    assert results.content.decode().splitlines() == ["id,area_m2,plants"]


def test_the_cli_recomputes_the_page_estimate_from_the_downloads(drawn_design, login_as, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    client = login_as("admin")
    codes = services_sampling.drawn_codes(drawn_design)
    _complete(drawn_design, client, {codes[0]: (40, 120), codes[2]: (12, 30), codes[5]: (3, 4)})
    design_path, results_path = tmp_path / "design.json", tmp_path / "results.csv"
    design_path.write_bytes(
        client.get(reverse("sampling-design-json", args=[drawn_design.pk])).content
    )
    results_path.write_bytes(
        client.get(reverse("sampling-results-csv", args=[drawn_design.pk])).content
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ZEROCROP_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "zerocrop.cli",
            "sample-estimate",
            "--design",
            str(design_path),
            "--results",
            str(results_path),
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    shown = sampling.estimate_to_json(
        sampling.estimate(
            design=sampling.design_from_json(drawn_design.selection),
            results=[
                sampling.CellResult(id=r.cell.code, area_m2=r.area_m2, plants=r.plants)
                for r in SampleCellResult.objects.filter(design=drawn_design).select_related("cell")
            ],
        )
    )
    assert printed["plants"]["estimate"] == pytest.approx(shown["plants"]["estimate"])
    assert printed["plants"]["ci95"] == pytest.approx(shown["plants"]["ci95"])
    assert printed["area_m2"]["ci95"] == pytest.approx(shown["area_m2"]["ci95"])
    page = client.get(reverse("sampling-estimate", args=[drawn_design.pk])).text
    assert f"{printed['plants']['estimate']:.1f}" in page


def test_the_cell_page_carries_the_cell_for_its_map(drawn_design, login_as):
    cell = drawn_design.frame.cells.get(code=services_sampling.drawn_codes(drawn_design)[0])
    page = login_as("admin").get(reverse("sampling-result", args=[drawn_design.pk, cell.pk]))
    assert 'data-testid="cell-map"' in page.text and "sampling_cell_map" in page.text
    config = page.text.split('id="cell-map-config" type="application/json">')[1].split("<")[0]
    assert f'"code": "{cell.code}"' in config and '"geometry"' in config
