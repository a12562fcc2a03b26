# ruff: noqa: F811 (the fixtures imported from sampling_helpers are used as arguments)
"""Sampling services: frame, strata, allocation, draw and lock, the 抽测 round, results."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from tests.findings.conftest import point_in, record  # noqa: F401
from tests.monitoring.sampling_helpers import (  # noqa: F401
    admin_user,
    drawn_design,
    make_design,
    sample_frame,
    village_zone,
)

from zerocrop.core.clock import today
from zerocrop.core.errors import ApplicationError
from zerocrop.core.models import AuditEvent
from zerocrop.monitoring import sampling, sampling_strata, selectors_sampling, services_sampling
from zerocrop.monitoring.cli import read_results_csv
from zerocrop.monitoring.sampling_models import (
    SampleCell,
    SampleCellResult,
    SampleDesign,
    SampleFrame,
)
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.choices import CellKind, CellState
from zerocrop.patrols.models import SurveyRound, TaskCell
from zerocrop.patrols.services import cells_assign, round_create

pytestmark = pytest.mark.django_db

STRATA = {"检出", "重点", "传统", "潜在", "一般"}


# --------------------------------------------------------------------------- frame and strata


def test_frame_cells_version_and_strata(sample_frame, town):
    cells = list(sample_frame.cells.all())
    assert len(cells) > 20
    assert sum(sample_frame.strata_sizes.values()) == len(cells)
    assert {c.stratum for c in cells} <= STRATA
    # Every cell lies in one of the zones, so none is 一般; some meet key/traditional layers.
    assert "一般" not in sample_frame.strata_sizes
    assert {c.unit.name for c in cells} <= {"毛布拉格村", "排子湾村", town.name}
    assert {"毛布拉格村", "排子湾村"} <= {c.unit.name for c in cells}
    # The stored cells give back the pure frame and its version.
    assert services_sampling.pure_frame(sample_frame).version == sample_frame.version
    assert not sample_frame.whole_town
    assert sample_frame.zones.count() == 2
    assert AuditEvent.objects.filter(object_id=str(sample_frame.pk), action="create").exists()


def test_frame_strata_follow_the_highest_risk_touching(sample_frame):
    plan = services_sampling.frame_plan(
        town=sample_frame.unit, zones=list(sample_frame.zones.all()), cell_size_m=600
    )
    layers = services_sampling._risk_layers(
        town=sample_frame.unit, bounds=(-180.0, -90.0, 180.0, 90.0)
    )
    for cell in plan.frame.cells[:40]:
        cell_shape = __import__("shapely.geometry").geometry.shape(cell.geometry)
        risks = {label for geom, label in layers if sampling_strata._overlaps(cell_shape, geom)}
        assert cell.stratum == sampling_strata.stratum_of(risks)


def test_frame_refuses_too_many_cells_and_stores_nothing(demo_campaign):
    before = SampleFrame.objects.count(), SampleCell.objects.count()
    with pytest.raises(ApplicationError) as caught:
        services_sampling.frame_build(campaign=demo_campaign, name="全镇", zones=[], cell_size_m=50)
    assert "上限" in caught.value.message and caught.value.field == "cell_size_m"
    assert (SampleFrame.objects.count(), SampleCell.objects.count()) == before


def test_frame_refuses_a_cell_size_out_of_range(demo_campaign):
    with pytest.raises(ApplicationError, match="网格边长"):
        services_sampling.frame_plan(town=demo_campaign.unit, zones=[], cell_size_m=10)


def test_frame_needs_a_name(demo_campaign, village_zone):
    with pytest.raises(ApplicationError, match="名称"):
        services_sampling.frame_build(
            campaign=demo_campaign, name=" ", zones=[village_zone("毛布拉格村")], cell_size_m=600
        )


# --------------------------------------------------------------------------- design


def test_design_allocation_is_the_pure_neyman_with_two_per_stratum(make_design):
    design = make_design(n=12)
    strata = {
        h: sampling.StratumPrior(N=p["N"], S=p["S"], mean=p["mean"])
        for h, p in design.priors.items()
    }
    assert design.allocation == sampling.neyman_allocation(n=12, strata=strata)
    assert sum(design.allocation.values()) == 12
    assert all(v >= min(2, design.priors[h]["N"]) for h, v in design.allocation.items())
    assert {p["N"] for p in design.priors.values()} <= set(range(1, 10_000))
    assert design.prior_source


def test_design_n_from_a_wanted_precision_equals_the_pure_size(make_design):
    design = make_design(n=None, target_se=40.0)
    strata = {h: sampling.StratumPrior(N=p["N"], S=p["S"]) for h, p in design.priors.items()}
    assert design.n == sampling.sample_size(strata=strata, target_se=40.0)
    assert design.target_se_plants == 40.0


def test_design_refuses_no_or_two_sizes_and_a_too_small_n(make_design):
    with pytest.raises(ApplicationError, match="三者选一"):
        make_design(n=None)
    with pytest.raises(ApplicationError, match="三者选一"):
        make_design(n=10, target_se=5.0)
    count = SampleDesign.objects.count()
    strata = len(make_design(n=12).allocation)
    with pytest.raises(ApplicationError, match="太小"):
        make_design(n=2 * strata - 1) if strata > 1 else make_design(n=1)
    assert SampleDesign.objects.count() == count + 1


def test_typed_priors_override_the_findings(make_design):
    design = make_design(prior_overrides={"潜在": 7.5})
    assert design.priors["潜在"]["S"] == 7.5 and design.priors["潜在"]["source"] == "填写"
    with pytest.raises(ApplicationError, match="没有层"):
        make_design(prior_overrides={"不存在": 3.0})


def test_priors_default_when_earlier_years_found_nothing(sample_frame):
    priors = services_sampling.design_priors(
        frame=services_sampling.pure_frame(sample_frame), campaign=sample_frame.campaign
    )
    for stratum, prior in priors.items():
        if prior["source"] == sampling_strata.PRIOR_DEFAULT:
            assert prior["S"] == sampling_strata.DEFAULT_PRIOR_SD[stratum]


# --------------------------------------------------------------------------- draw and lock


def test_draw_is_reproducible_stored_and_locked(make_design, admin_user):
    first = services_sampling.design_draw(design=make_design(), seed=7, actor=admin_user)
    second = services_sampling.design_draw(design=make_design(), seed=7, actor=admin_user)
    other = services_sampling.design_draw(design=make_design(), seed=8, actor=admin_user)
    assert first.selection["cells"] == second.selection["cells"]
    assert first.selection["cells"] != other.selection["cells"]
    assert first.is_locked and first.locked_by == admin_user and first.seed == 7
    pure = sampling.draw(
        frame=services_sampling.pure_frame(first.frame), allocation=first.allocation, seed=7
    )
    assert first.selection == sampling.design_to_json(pure)
    assert first.selection["frame_version"] == first.frame.version
    assert len(first.selection["cells"]) == first.n


def test_a_locked_design_cannot_be_drawn_again_or_changed(drawn_design, admin_user):
    cells = drawn_design.selection["cells"]
    with pytest.raises(ApplicationError) as caught:
        services_sampling.design_draw(design=drawn_design, seed=99, actor=admin_user)
    assert caught.value.code == "design_locked" and "锁定" in caught.value.message
    with pytest.raises(ApplicationError, match="锁定"):
        services_sampling.design_update(design=drawn_design, n=20, actor=admin_user)
    drawn_design.refresh_from_db()
    assert drawn_design.selection["cells"] == cells and drawn_design.seed == 20220710


def test_an_unlocked_design_can_be_resized(make_design, admin_user):
    design = services_sampling.design_update(design=make_design(n=12), n=16, actor=admin_user)
    assert design.n == 16 and sum(design.allocation.values()) == 16


def test_draw_without_a_seed_picks_and_stores_one(make_design, admin_user):
    design = services_sampling.design_draw(design=make_design(), seed=None, actor=admin_user)
    assert isinstance(design.seed, int) and design.selection["seed"] == design.seed


def test_draw_refuses_a_negative_seed(make_design, admin_user):
    design = make_design()
    with pytest.raises(ApplicationError, match="种子"):
        services_sampling.design_draw(design=design, seed=-1, actor=admin_user)
    design.refresh_from_db()
    assert not design.is_locked


# --------------------------------------------------------------------------- the 抽测 round


def _people(*names: str) -> list[Person]:
    return [Person.objects.get(user__username=n) for n in names]


def test_round_of_the_drawn_cells_assigned_to_the_team(drawn_design, admin_user):
    team = _people("cadre2", "grid")
    survey_round = services_sampling.sampling_round_create(
        design=drawn_design, team=team, actor=admin_user
    )
    assert survey_round.name == f"抽测：{drawn_design.name}"
    assert survey_round.window == services_sampling.current_window(drawn_design.frame.campaign)
    cells = list(TaskCell.objects.filter(round=survey_round))
    assert sorted(c.code for c in cells) == sorted(services_sampling.drawn_codes(drawn_design))
    assert {c.kind for c in cells} == {CellKind.GRID}
    assert {c.state for c in cells} == {CellState.ASSIGNED}
    assert all({p.pk for p in c.assignees.all()} == {p.pk for p in team} for c in cells)
    stored = SampleCell.objects.get(frame=drawn_design.frame, code=cells[0].code)
    assert cells[0].geometry == stored.geometry and cells[0].unit == stored.unit
    assert {c.zone for c in cells} <= set(drawn_design.frame.zones.all())
    assert all(c.zone is not None for c in cells)
    drawn_design.refresh_from_db()
    assert drawn_design.survey_round == survey_round
    with pytest.raises(ApplicationError, match="已建立"):
        services_sampling.sampling_round_create(design=drawn_design, team=team, actor=admin_user)


def test_round_refuses_people_who_patrol_those_cells(drawn_design, admin_user, demo_campaign):
    window = services_sampling.current_window(demo_campaign)
    zones = list(drawn_design.frame.zones.all())
    units = [AdminUnit.objects.get(name="毛布拉格村"), AdminUnit.objects.get(name="排子湾村")]
    other = round_create(
        campaign=demo_campaign,
        window=window,
        name="常规踏查",
        units=units,
        zones=zones,
        cell_size_m=500,
        actor=admin_user,
    )
    grid = _people("grid")[0]
    tasks = list(TaskCell.objects.filter(round=other, kind=CellKind.GRID, state=CellState.READY))
    cells_assign(cells=tasks, people=[grid], actor=admin_user)
    rounds = SurveyRound.objects.count()
    with pytest.raises(ApplicationError) as caught:
        services_sampling.sampling_round_create(
            design=drawn_design, team=_people("cadre2", "grid"), actor=admin_user
        )
    assert caught.value.code == "team_conflict"
    assert grid.name in caught.value.message and "C0" in caught.value.message
    assert SurveyRound.objects.count() == rounds
    drawn_design.refresh_from_db()
    assert drawn_design.survey_round is None


def test_round_needs_a_locked_design_and_a_team(make_design, drawn_design, admin_user):
    with pytest.raises(ApplicationError, match="先抽取"):
        services_sampling.sampling_round_create(
            design=make_design(), team=_people("grid"), actor=admin_user
        )
    with pytest.raises(ApplicationError, match="抽测组"):
        services_sampling.sampling_round_create(design=drawn_design, team=[], actor=admin_user)


# --------------------------------------------------------------------------- results


def _record(design, code, *, area=0.0, plants=0, people=None, **extra):
    cell = SampleCell.objects.get(frame=design.frame, code=code)
    return services_sampling.cell_result_record(
        design=design,
        cell=cell,
        area_m2=area,
        plants=plants,
        checked_at=extra.pop("checked_at", timezone.now() - timedelta(hours=1)),
        checked_by=people if people is not None else _people("grid"),
        actor=None,
        **extra,
    )


def test_results_are_validated_and_change_nothing_when_refused(drawn_design, make_design):
    code = services_sampling.drawn_codes(drawn_design)[0]
    undrawn = (
        SampleCell.objects.filter(frame=drawn_design.frame)
        .exclude(code__in=services_sampling.drawn_codes(drawn_design))
        .first()
    )
    cases = [
        ({"area": -1.0}, "负数"),
        ({"plants": -3}, "负数"),
        ({"area": 5.0, "plants": 0}, "株数"),
        ({"area": 0.0, "plants": 4}, "面积"),
        ({"area": 10**9, "plants": 4}, "超过网格面积"),
        ({"people": []}, "核查人"),
        ({"checked_at": timezone.now() + timedelta(days=2)}, "晚于"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ApplicationError, match=message):
            _record(drawn_design, code, **kwargs)
    with pytest.raises(ApplicationError, match="不是本方案抽中"):
        _record(drawn_design, undrawn.code)
    with pytest.raises(ApplicationError, match="尚未抽取"):
        _record(make_design(), code)
    assert not SampleCellResult.objects.filter(design=drawn_design).exists()


def test_a_second_entry_corrects_the_result(drawn_design):
    code = services_sampling.drawn_codes(drawn_design)[0]
    _record(drawn_design, code)
    _record(drawn_design, code, area=12.5, plants=30, note="复核更正")
    result = SampleCellResult.objects.get(design=drawn_design)
    assert (result.area_m2, result.plants, result.note) == (12.5, 30, "复核更正")
    assert AuditEvent.objects.filter(object_id=str(result.pk), action="update").exists()


def test_the_estimate_waits_for_every_cell_then_equals_the_pure_module(drawn_design, demo_campaign):
    codes = services_sampling.drawn_codes(drawn_design)
    values = dict.fromkeys(codes, (0.0, 0))
    values[codes[0]] = (40.0, 120)
    values[codes[-1]] = (15.0, 35)
    for code in codes[:-1]:
        _record(drawn_design, code, area=values[code][0], plants=values[code][1])
        assert selectors_sampling.design_estimate(design=drawn_design) is None
    progress = selectors_sampling.design_progress(design=drawn_design)
    assert (progress.checked, progress.drawn, progress.complete) == (
        len(codes) - 1,
        len(codes),
        False,
    )
    _record(drawn_design, codes[-1], area=values[codes[-1]][0], plants=values[codes[-1]][1])
    got = selectors_sampling.design_estimate(design=drawn_design)
    expected = sampling.estimate(
        design=sampling.design_from_json(drawn_design.selection),
        results=[sampling.CellResult(id=c, area_m2=a, plants=p) for c, (a, p) in values.items()],
        bootstrap=2000,
        seed=0,
    )
    assert got == expected
    assert got.plants.estimate > 155  # scaled up from the sample, never the census sum
    assert got.upper_bound_if_zero is None
    census = selectors_sampling.census(user=drawn_design.created_by, design=drawn_design)
    assert census.plants != round(got.plants.estimate)


def test_nothing_found_gives_the_zero_bound(drawn_design):
    codes = services_sampling.drawn_codes(drawn_design)
    for code in codes:
        _record(drawn_design, code)
    got = selectors_sampling.design_estimate(design=drawn_design)
    assert got.upper_bound_if_zero == pytest.approx(1 - 0.05 ** (1 / len(codes)))
    assert got.plants.estimate == 0
    assert "95%置信上限" in sampling.summary_zh(got)


def test_the_downloads_are_what_the_cli_reads(drawn_design):
    codes = services_sampling.drawn_codes(drawn_design)
    for i, code in enumerate(codes):
        _record(drawn_design, code, area=float(i % 3) * 2, plants=(i % 3) * 5)
    design = sampling.design_from_json(
        json.loads(selectors_sampling.design_json_bytes(design=drawn_design))
    )
    results = read_results_csv(selectors_sampling.results_csv_bytes(design=drawn_design))
    assert len(results) == len(codes)
    assert sampling.estimate(design=design, results=results) == selectors_sampling.design_estimate(
        design=drawn_design
    )


def test_current_window_holds_today_else_the_next_else_the_last(demo_campaign, settings):
    settings.ZEROCROP_TODAY = "2022-07-10"
    window = services_sampling.current_window(demo_campaign)
    assert window.starts_on <= today() <= window.ends_on
    settings.ZEROCROP_TODAY = "2022-01-05"
    first = demo_campaign.critical_windows.order_by("starts_on", "ends_on").first()
    assert services_sampling.current_window(demo_campaign) == first
    settings.ZEROCROP_TODAY = "2023-03-01"
    last = demo_campaign.critical_windows.order_by("starts_on", "ends_on").last()
    assert services_sampling.current_window(demo_campaign) == last


def test_a_round_after_every_window_gets_two_weeks_from_today(drawn_design, admin_user, settings):
    settings.ZEROCROP_TODAY = "2023-03-01"
    survey_round = services_sampling.sampling_round_create(
        design=drawn_design, team=_people("grid"), actor=admin_user
    )
    assert (survey_round.starts_on, survey_round.ends_on) == (today(), today() + timedelta(days=14))


def test_priors_learn_from_earlier_years_findings(sample_frame, record, point_in):
    from datetime import UTC, datetime

    from shapely.geometry import shape

    village = AdminUnit.objects.get(name="毛布拉格村")
    old = record(
        unit=village,
        geometry=point_in(village),
        found_at=datetime(2021, 7, 1, 9, 0, tzinfo=UTC),
        plant_count=300,
    )
    record(unit=village, geometry=point_in(village), plant_count=999)  # this year: not a prior
    frame = services_sampling.pure_frame(sample_frame)
    values = services_sampling.prior_values(frame=frame, town=sample_frame.unit, year=2022)
    assert sum(values.values()) == 300
    holder = next(c for c in frame.cells if values[c.id] == 300)
    assert shape(holder.geometry).intersects(shape(old.geometry))
    priors = services_sampling.design_priors(frame=frame, campaign=sample_frame.campaign)
    assert priors[holder.stratum]["source"] == sampling_strata.PRIOR_FROM_FINDINGS
    assert priors[holder.stratum]["S"] > 0


def test_a_whole_town_frame_over_every_village(demo_campaign, admin_user):
    frame = services_sampling.frame_build(
        campaign=demo_campaign, name="全镇抽样框", zones=[], cell_size_m=2000, actor=admin_user
    )
    assert frame.whole_town and frame.zones.count() == 0
    units = set(frame.cells.values_list("unit__name", flat=True))
    assert len(units) >= 5
    # Outside the risk zones and plots a cell is 一般; the key zones make 重点 cells.
    assert {"一般", "重点"} <= set(frame.strata_sizes)


def test_a_relative_precision_needs_expected_means(make_design):
    with pytest.raises(ApplicationError, match="预期均值"):
        make_design(n=None, relative_precision=0.5)
