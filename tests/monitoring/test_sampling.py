"""The sampling module's formulas against hand-computed cases, its refusals and its draw."""

from __future__ import annotations

import json
import math
import random

import pytest
from shapely.geometry import box, shape

from zerocrop.core.errors import ApplicationError
from zerocrop.monitoring.sampling import (
    UNSTRATIFIED,
    CellResult,
    Design,
    FrameCell,
    StratumPrior,
    check_design_frame,
    design_from_json,
    design_to_json,
    draw,
    estimate,
    estimate_to_json,
    frame_from_geojson,
    frame_version,
    grid_frame,
    make_frame,
    neyman_allocation,
    sample_size,
    summary_zh,
    t_quantile,
    zero_upper_bound,
)

# --------------------------------------------------------------------------- sample size


def test_sample_size_for_a_total_by_hand() -> None:
    strata = {"A": StratumPrior(N=100, S=10), "B": StratumPrior(N=300, S=2)}
    # Σ N_h S_h = 100·10 + 300·2 = 1600; Σ N_h S_h² = 100·100 + 300·4 = 11 200
    # n = 1600² / (200² + 11 200) = 2 560 000 / 51 200 = 50 exactly
    assert sample_size(strata=strata, target_se=200) == 50
    # a slightly tighter target needs one more: 2 560 000 / (199² + 11 200) = 50.2 → 51
    assert sample_size(strata=strata, target_se=199) == 51


def test_sample_size_for_a_relative_precision() -> None:
    strata = {"A": StratumPrior(N=100, S=10, mean=5), "B": StratumPrior(N=300, S=2, mean=1)}
    # expected total 100·5 + 300·1 = 800; ±49 % at 95 % → S_T = 0.49·800/1.96 ≈ 200 → n = 50
    assert sample_size(strata=strata, relative_precision=0.49) == 50


def test_sample_size_bounds_and_refusals() -> None:
    strata = {"A": StratumPrior(N=10, S=100), "B": StratumPrior(N=5, S=0)}
    # S_T → 0: n → (Σ N_h S_h)² / Σ N_h S_h² = 1000² / 100 000 = 10, A checked whole (by
    # Cauchy–Schwarz never more than the frame); B varies not at all and needs no cells
    assert sample_size(strata=strata, target_se=1e-6) == 10
    assert sample_size(strata=strata, target_se=1e9) == 4  # at least 2 per stratum
    with pytest.raises(ApplicationError, match="二者选一"):
        sample_size(strata=strata)
    with pytest.raises(ApplicationError, match="二者选一"):
        sample_size(strata=strata, target_se=1, relative_precision=0.2)
    with pytest.raises(ApplicationError, match="预期均值"):
        sample_size(strata=strata, relative_precision=0.2)
    with pytest.raises(ApplicationError, match="标准差"):
        sample_size(strata={"A": StratumPrior(N=10, S=-1)}, target_se=1)
    with pytest.raises(ApplicationError, match="标准差"):
        sample_size(strata={"A": StratumPrior(N=10, S=math.nan)}, target_se=1)


# --------------------------------------------------------------------------- allocation


def test_neyman_allocation_by_hand_with_largest_remainder() -> None:
    strata = {"A": StratumPrior(N=100, S=10), "B": StratumPrior(N=300, S=2)}
    # N_h S_h = 1000 and 600 → 50·1000/1600 = 31.25 and 50·600/1600 = 18.75
    # floors 31 + 18 = 49; the one left goes to the larger remainder (B, .75)
    assert neyman_allocation(n=50, strata=strata) == {"A": 31, "B": 19}


def test_neyman_allocation_minimum_per_stratum() -> None:
    strata = {"A": StratumPrior(N=1000, S=10), "B": StratumPrior(N=10, S=0)}
    # B's share is 0 but a stratum needs 2 cells for its variance
    assert neyman_allocation(n=20, strata=strata) == {"A": 18, "B": 2}
    assert neyman_allocation(n=20, strata=strata, minimum=3) == {"A": 17, "B": 3}


def test_neyman_allocation_never_above_the_stratum() -> None:
    strata = {"A": StratumPrior(N=5, S=100), "B": StratumPrior(N=1000, S=1)}
    # A's share 30·500/1500 = 10 > N_A = 5: A is taken whole, B gets the other 25
    assert neyman_allocation(n=30, strata=strata) == {"A": 5, "B": 25}


def test_neyman_allocation_proportional_when_no_spread_is_known() -> None:
    strata = {"A": StratumPrior(N=30, S=0), "B": StratumPrior(N=10, S=0)}
    assert neyman_allocation(n=8, strata=strata) == {"A": 6, "B": 2}


def test_neyman_allocation_ties_and_tiny_strata() -> None:
    tie = {"A": StratumPrior(N=10, S=1), "B": StratumPrior(N=10, S=1)}
    assert neyman_allocation(n=5, strata=tie) == {"A": 3, "B": 2}  # 2.5 each, A by name
    one = {"A": StratumPrior(N=1, S=0), "B": StratumPrior(N=50, S=3), "C": StratumPrior(N=0, S=1)}
    assert neyman_allocation(n=10, strata=one) == {"A": 1, "B": 9, "C": 0}


@pytest.mark.parametrize("n", [6, 7, 17, 33, 64, 99])
def test_neyman_allocation_always_sums_to_n(n: int) -> None:
    rng = random.Random(n)
    strata = {f"S{i}": StratumPrior(N=rng.randint(2, 40), S=rng.random() * 5) for i in range(2)}
    strata["T"] = StratumPrior(N=60, S=0.0)
    out = neyman_allocation(n=min(n, sum(p.N for p in strata.values())), strata=strata)
    assert sum(out.values()) == min(n, sum(p.N for p in strata.values()))
    assert all(min(2, strata[h].N) <= k <= strata[h].N for h, k in out.items())


def test_neyman_allocation_refusals() -> None:
    strata = {"A": StratumPrior(N=3, S=1), "B": StratumPrior(N=4, S=1)}
    with pytest.raises(ApplicationError, match="超过抽样框的网格总数 7"):
        neyman_allocation(n=8, strata=strata)
    with pytest.raises(ApplicationError, match="至少需要 4 个"):
        neyman_allocation(n=3, strata=strata)
    with pytest.raises(ApplicationError, match="至少抽 2 个"):
        neyman_allocation(n=5, strata=strata, minimum=1)


# --------------------------------------------------------------------------- frames


def _cells(spec: dict[str, int]) -> list[FrameCell]:
    return [FrameCell(id=f"{h}{i:03d}", stratum=h) for h, k in spec.items() for i in range(k)]


def test_frame_version_is_stable_and_order_free() -> None:
    cells = _cells({"高": 5, "低": 7})
    shuffled = list(cells)
    random.Random(3).shuffle(shuffled)
    assert frame_version(cells) == frame_version(shuffled) == make_frame(shuffled).version
    moved = [FrameCell(id=c.id, stratum="低" if c.id == "高000" else c.stratum) for c in cells]
    assert frame_version(moved) != frame_version(cells)
    with pytest.raises(ApplicationError, match="“高001”重复"):
        make_frame([*cells, FrameCell(id="高001", stratum="低")])


def test_frame_from_geojson_ids_strata_and_areas() -> None:
    square = box(108.0, 34.0, 108.001, 34.001).__geo_interface__
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "a",
                "properties": {"risk": "高", "code": "G1"},
                "geometry": square,
            },
            {"type": "Feature", "properties": {"risk": 2, "code": "G2"}, "geometry": None},
            {"type": "Feature", "properties": {"code": "G3"}, "geometry": square},
        ],
    }
    frame = frame_from_geojson(data, strata_field="risk")
    assert [(c.id, c.stratum) for c in frame.cells] == [
        ("a", "高"),
        ("1", "2"),
        ("2", UNSTRATIFIED),
    ]
    # 0.001° × 0.001° at 34°N: about 111 m × 92 m
    assert 10_000 < frame.cells[0].area_m2 < 10_500 and frame.cells[1].area_m2 == 0.0
    by_code = frame_from_geojson(data, strata_field="risk", id_field="code")
    assert [c.id for c in by_code.cells] == ["G1", "G2", "G3"]
    assert by_code.version != frame.version
    with pytest.raises(ApplicationError, match="没有分层字段“风险”"):
        frame_from_geojson(data, strata_field="风险")
    with pytest.raises(ApplicationError, match="编号字段“nope”为空"):
        frame_from_geojson(data, strata_field="risk", id_field="nope")
    with pytest.raises(ApplicationError, match="FeatureCollection"):
        frame_from_geojson({"type": "Feature"}, strata_field="risk")


def test_grid_frame_cells_take_the_majority_stratum() -> None:
    # two strips meeting at 108.0105°E, which is not on a 200 m grid line
    west, east = box(108.0, 34.0, 108.0105, 34.006), box(108.0105, 34.0, 108.03, 34.006)
    frame = grid_frame(polygons=[(west, "高"), (east, "低")], cell_size_m=200)
    assert frame.cells[0].id == "C000001" and len({c.id for c in frame.cells}) == len(frame.cells)
    union_area = sum(c.area_m2 for c in frame.cells)
    from zerocrop.geo.crs import area_m2

    assert union_area == pytest.approx(area_m2(west.union(east)), rel=1e-4)
    for cell in frame.cells:
        geom = shape(cell.geometry)
        mine, other = (west, east) if cell.stratum == "高" else (east, west)
        assert geom.intersection(mine).area >= geom.intersection(other).area
    assert {c.stratum for c in frame.cells} == {"高", "低"}
    again = grid_frame(polygons=[(west, "高"), (east, "低")], cell_size_m=200)
    assert again.version == frame.version
    with pytest.raises(ApplicationError, match="网格边长"):
        grid_frame(polygons=[(west, "高")], cell_size_m=0)
    with pytest.raises(ApplicationError, match="将生成约 .* 个网格，超过抽样框上限"):
        grid_frame(polygons=[(box(100, 20, 101, 21), "高")], cell_size_m=10)


def test_a_grid_frame_written_as_geojson_reads_back_with_the_same_version(tmp_path) -> None:
    frame = grid_frame(polygons=[(box(108.0, 34.0, 108.01, 34.005), "高")], cell_size_m=150)
    features = [
        {"type": "Feature", "id": c.id, "properties": {"risk": c.stratum}, "geometry": c.geometry}
        for c in frame.cells
    ]
    path = tmp_path / "frame.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    again = frame_from_geojson(json.loads(path.read_text("utf-8")), strata_field="risk")
    assert again.version == frame.version
    assert [c.area_m2 for c in again.cells] == pytest.approx(
        [c.area_m2 for c in frame.cells], rel=1e-3
    )


# --------------------------------------------------------------------------- draw


def test_draw_is_reproducible_and_order_free() -> None:
    cells = _cells({"高": 30, "中": 50, "低": 200})
    frame = make_frame(cells)
    allocation = {"高": 10, "中": 8, "低": 12}
    one = draw(frame=frame, allocation=allocation, seed=42)
    shuffled = list(cells)
    random.Random(1).shuffle(shuffled)
    assert draw(frame=make_frame(shuffled), allocation=allocation, seed=42) == one
    assert draw(frame=frame, allocation=allocation, seed=43).cells != one.cells
    assert one.n == 30 and one.frame_version == frame.version and one.seed == 42
    counts = {h: sum(1 for _, s in one.cells if s == h) for h in allocation}
    assert counts == allocation
    assert len({cell_id for cell_id, _ in one.cells}) == 30  # without replacement
    assert one.strata_sizes == {"中": 50, "低": 200, "高": 30}


def test_draw_refusals() -> None:
    frame = make_frame(_cells({"高": 3, "低": 10}))
    with pytest.raises(ApplicationError, match="没有层“中”"):
        draw(frame=frame, allocation={"中": 2}, seed=1)
    with pytest.raises(ApplicationError, match="只有 3 个网格，不能抽 4 个"):
        draw(frame=frame, allocation={"高": 4}, seed=1)
    with pytest.raises(ApplicationError, match="只抽 1 个网格，无法计算该层的方差"):
        draw(frame=frame, allocation={"高": 1, "低": 3}, seed=1)
    with pytest.raises(ApplicationError, match="随机种子"):
        draw(frame=frame, allocation={"高": 2}, seed="1")  # type: ignore[arg-type]


def test_a_design_belongs_to_its_frame() -> None:
    frame = make_frame(_cells({"高": 10, "低": 20}))
    design = draw(frame=frame, allocation={"高": 3, "低": 4}, seed=9)
    check_design_frame(design, frame)
    grown = make_frame([*frame.cells, FrameCell(id="新000", stratum="低")])
    with pytest.raises(ApplicationError, match="抽样框已变化"):
        check_design_frame(design, grown)


def test_design_json_round_trip_and_refusals() -> None:
    frame = make_frame(_cells({"高": 10, "低": 20}))
    design = draw(frame=frame, allocation={"高": 3, "低": 4}, seed=9)
    data = json.loads(json.dumps(design_to_json(design), ensure_ascii=False))
    assert design_from_json(data) == design
    assert data["cells"][0] == {"id": design.cells[0][0], "stratum": design.cells[0][1]}

    broken = dict(data, cells=data["cells"][:-1])
    with pytest.raises(ApplicationError, match="层“高”的抽样数 3 与所列网格数 2 不符"):
        design_from_json(broken)
    twice = dict(data, cells=[*data["cells"][:-1], data["cells"][0]])
    with pytest.raises(ApplicationError, match="出现了两次"):
        design_from_json(twice)
    with pytest.raises(ApplicationError, match="缺少 seed"):
        design_from_json({k: v for k, v in data.items() if k != "seed"})


# --------------------------------------------------------------------------- estimate


def _design(groups: dict[str, tuple[int, list[str]]]) -> Design:
    cells = tuple((cell_id, h) for h, (_, ids) in groups.items() for cell_id in ids)
    return Design(
        frame_version="v",
        seed=0,
        n=len(cells),
        allocation={h: len(ids) for h, (_, ids) in groups.items()},
        cells=cells,
        strata_sizes={h: big_n for h, (big_n, _) in groups.items()},
    )


HAND = _design({"A": (10, ["a1", "a2", "a3"]), "B": (20, ["b1", "b2", "b3", "b4"])})
HAND_RESULTS = [
    CellResult("a1", 5, 50),
    CellResult("a2", 15, 150),
    CellResult("a3", 25, 250),
    CellResult("b1", 1, 10),
    CellResult("b2", 1, 10),
    CellResult("b3", 1, 10),
    CellResult("b4", 9, 90),
]


def test_estimate_by_hand() -> None:
    est = estimate(design=HAND, results=HAND_RESULTS, bootstrap=0)
    # A: ȳ = 15, s² = (10² + 0 + 10²)/2 = 100;  B: ȳ = 3, s² = (3·2² + 6²)/3 = 16
    # Ŷ = 10·15 + 20·3 = 210
    # v = 10²·(1 − 3/10)·100/3 + 20²·(1 − 4/20)·16/4 = 2333.33… + 1280 = 3613.33…
    # df = 2 + 3 = 5, t(0.975, 5) = 2.5705818
    v = 100 * 0.7 * 100 / 3 + 400 * 0.8 * 16 / 4
    half = 2.5705818366147395 * math.sqrt(v)
    area = est.area_m2
    assert area.estimate == pytest.approx(210)
    assert area.se == pytest.approx(math.sqrt(v))
    assert area.df == 5 and area.method == "t" and area.nonzero_cells == 7
    # 210 − 154.52 = 55.48, but the checked cells alone hold 5+15+25+1+1+1+9 = 57 m²
    assert area.ci95 == pytest.approx((57, 210 + half))
    assert est.plants.estimate == pytest.approx(2100)  # every plant count is 10 × the area
    assert est.plants.se == pytest.approx(10 * math.sqrt(v))
    assert [(s.stratum, s.area_m2) for s in est.strata] == [("A", 150), ("B", 60)]
    assert est.strata[0].area_m2_se == pytest.approx(math.sqrt(100 * 0.7 * 100 / 3))
    assert est.upper_bound_if_zero is None and est.frame_cells == 30 and est.n == 7


def test_estimate_with_bootstrap_t_is_reproducible_and_wider_above() -> None:
    one = estimate(design=HAND, results=HAND_RESULTS, seed=5)
    assert one.area_m2.method == "bootstrap-t"
    assert one == estimate(design=HAND, results=HAND_RESULTS, seed=5)
    lo, hi = one.area_m2.ci95
    assert lo < 210 < hi
    assert lo >= 57  # never below what the checked cells held: 5+15+25+1+1+1+9
    assert one.area_m2.ci95_t == pytest.approx(
        estimate(design=HAND, results=HAND_RESULTS, bootstrap=0).area_m2.ci95
    )


def test_few_planted_cells_are_flagged_and_one_uses_the_percentile_bootstrap() -> None:
    design = _design({"A": (100, [f"a{i}" for i in range(10)]), "B": (50, ["b1", "b2", "b3"])})
    results = [CellResult(cell_id, 0, 0) for cell_id, _ in design.cells]
    results[0] = CellResult("a0", 40, 300)
    results[1] = CellResult("a1", 10, 0)
    est = estimate(design=design, results=results, seed=1)
    assert est.area_m2.method == "bootstrap-t" and est.area_m2.nonzero_cells == 2
    assert est.plants.method == "bootstrap" and est.plants.nonzero_cells == 1
    assert est.area_m2.estimate == pytest.approx(100 * 5)  # N_A · (40 + 10)/10
    lo, hi = est.area_m2.ci95
    assert 50 <= lo <= 500 <= hi  # never below the 50 m² found
    lo, hi = est.plants.ci95
    assert 300 <= lo <= 3000 <= hi
    assert est.strata[1].upper_bound_if_zero == pytest.approx(1 - 0.05 ** (1 / 3))
    assert est.strata[0].upper_bound_if_zero is None
    assert any("只有 2 个抽查网格有种植" in n for n in est.notes)
    assert any("层“B”抽查的 3 个网格均未发现种植" in n for n in est.notes)
    assert "区间计算方法：自助 t 法、自助法（百分位）" in summary_zh(est)


def test_nothing_found_gives_the_zero_bound() -> None:
    design = _design(
        {"A": (1000, [f"a{i}" for i in range(30)]), "B": (500, [f"b{i}" for i in range(30)])}
    )
    est = estimate(design=design, results=[CellResult(i, 0, 0) for i, _ in design.cells])
    # 1 − 0.05^(1/60) = 1 − exp(ln 0.05 / 60) = 1 − exp(−0.0499289) = 0.0487029
    assert est.upper_bound_if_zero == pytest.approx(0.0487029, abs=1e-7)
    assert est.area_m2.estimate == 0 and est.area_m2.ci95 == (0.0, 0.0)
    text = summary_zh(est)
    assert "抽查的 60 个网格均未发现种植" in text and "95%置信上限为 4.9%" in text
    assert "至多约 74 个" in text  # 0.0487 × 1500 = 73.05 → 74


def test_zero_upper_bound_values() -> None:
    assert zero_upper_bound(60) == pytest.approx(0.04870291, abs=1e-8)
    assert zero_upper_bound(1) == pytest.approx(0.95)
    assert zero_upper_bound(300) == pytest.approx(0.009936, abs=1e-6)  # ≈ 3/300, rule of three


@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.7062047), (2, 4.3026527), (5, 2.5705818), (10, 2.2281389), (30, 2.0422725)],
)
def test_t_quantiles_against_tables(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-6)


def test_estimate_refusals_name_the_cell() -> None:
    with pytest.raises(ApplicationError, match="“b4”共 1 个还没有结果"):
        estimate(design=HAND, results=HAND_RESULTS[:-1])
    with pytest.raises(ApplicationError, match="网格“zz”不在本次抽样设计"):
        estimate(design=HAND, results=[*HAND_RESULTS, CellResult("zz", 0, 0)])
    with pytest.raises(ApplicationError, match="网格“a1”的种植面积是负数"):
        estimate(design=HAND, results=[CellResult("a1", -1, 0), *HAND_RESULTS[1:]])
    with pytest.raises(ApplicationError, match="网格“a2”的株数不是有限的数字"):
        bad = [HAND_RESULTS[0], CellResult("a2", 1, math.nan), *HAND_RESULTS[2:]]
        estimate(design=HAND, results=bad)
    with pytest.raises(ApplicationError, match="网格“a1”的结果填了两次"):
        estimate(design=HAND, results=[*HAND_RESULTS, HAND_RESULTS[0]])
    single = _design({"A": (10, ["a1"]), "B": (20, ["b1", "b2"])})
    with pytest.raises(ApplicationError, match="层“A”只抽查了 1 个网格，无法计算该层的方差"):
        estimate(design=single, results=[CellResult(i, 1, 1) for i, _ in single.cells])
    with pytest.raises(ApplicationError, match="至少 200 次"):
        estimate(design=HAND, results=HAND_RESULTS, bootstrap=50)


def test_a_census_stratum_and_an_unsampled_one() -> None:
    design = _design({"A": (2, ["a1", "a2"]), "B": (40, ["b1", "b2"]), "C": (70, [])})
    results = [
        CellResult("a1", 3, 0),
        CellResult("a2", 5, 0),
        CellResult("b1", 0, 0),
        CellResult("b2", 2, 0),
    ]
    est = estimate(design=design, results=results, bootstrap=0)
    # A is checked whole (fpc 0): it adds 8 with no variance; B: 40·1 = 40, v = 40²·(38/40)·2/2
    assert est.area_m2.estimate == pytest.approx(48)
    assert est.area_m2.se == pytest.approx(math.sqrt(1600 * 0.95 * 2 / 2))
    assert est.unsampled_strata == ("C",) and est.frame_cells == 42
    assert any("层“C”（共 70 个网格）未抽查" in n for n in est.notes)


def test_summary_and_json() -> None:
    est = estimate(design=HAND, results=HAND_RESULTS, bootstrap=0)
    text = summary_zh(est)
    assert text.startswith("由抽样推算，抽样框 30 个网格内种植面积约 210 平方米（0.3 亩）")
    assert "95%置信区间为 57–365 平方米" in text and "区间计算方法：t 分布" in text
    assert "不计入发现与铲除的统计数字" in text
    data = json.loads(json.dumps(estimate_to_json(est), ensure_ascii=False))
    assert data["area_m2"]["ci95"] == pytest.approx(list(est.area_m2.ci95))
    assert data["plants"]["method"] == "t" and data["summary"] == text
    assert data["upper_bound_if_zero"] is None and len(data["strata"]) == 2
