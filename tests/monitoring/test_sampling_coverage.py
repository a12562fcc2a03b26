"""Coverage simulation: how often the 95 % interval of `estimate` covers a known truth.

Synthetic towns of 4 500–5 500 cells in three risk strata with sparse, skewed planting: a cell
is planted with a probability that falls from 重点 to 林区, a planted cell's area is lognormal
(σ = 1, so a few large fields carry much of the total) and its plants are area × a lognormal
density. Each scenario builds 40 towns (seeds 1000–1039) and draws 10 samples from each
(seeds 0–9): 400 estimates with the shipped defaults (bootstrap 2 000). The allocation is
Neyman's from the town's previous year (seed + 4000), as a township would plan it. The rate
is over all 400 (town, sample) pairs.

Observed (this file as committed; area / plants, the plain t interval `ci95_t` in brackets):

* 常见稀疏 (25 % / 8 % / 3 % of cells planted), n = 120: 0.943 / 0.938 (t 0.820 / 0.778);
* 极稀疏 (15 % / 3 % / 0.4 %), n = 200: 0.945 / 0.930 (t 0.808 / 0.775);
* 极稀疏 with only n = 60, where 246 of the 400 samples hold fewer than 5 planted cells:
  0.828 / 0.813 (t 0.725 / 0.693) — the known weak spot, flagged in `Estimate.notes` (checked
  here) and in docs/sampling.md.

Tolerance: 0.90–0.99 for the first two (400 pairs put about ±0.022 around a true 0.95 at two
standard errors; towns differing among themselves widen that a little); 0.70–0.92 for the third.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

from zerocrop.monitoring.sampling import (
    FEW_PLANTED,
    CellResult,
    Frame,
    FrameCell,
    StratumPrior,
    draw,
    estimate,
    make_frame,
    neyman_allocation,
)

TOWNS = 40
SAMPLES_PER_TOWN = 10
COMMON = {"重点": (300, 0.25, 5.5), "一般": (1200, 0.08, 5.0), "林区": (3000, 0.03, 4.5)}
RARE = {"重点": (300, 0.15, 5.5), "一般": (1200, 0.03, 5.0), "林区": (4000, 0.004, 4.5)}
SCENARIOS = {"常见稀疏": COMMON, "极稀疏": RARE}


def synthetic_town(spec: dict, seed: int) -> dict[str, tuple[str, float, float]]:
    """Cell id → (stratum, planted m², plants); spec: stratum → (N, share planted, log-mean m²)."""
    rng = np.random.default_rng(seed)
    town = {}
    for stratum, (size, share, log_mean) in spec.items():
        planted = rng.random(size) < share
        area = np.where(planted, rng.lognormal(log_mean, 1.0, size), 0.0)
        plants = np.round(area * rng.lognormal(math.log(12), 0.5, size))
        for i in range(size):
            town[f"{stratum}-{i:05d}"] = (stratum, float(area[i]), float(plants[i]))
    return town


@lru_cache(maxsize=2 * TOWNS)
def town_and_frame(scenario: str, seed: int) -> tuple[dict, Frame, dict[str, float], dict]:
    """A town, its frame, its true totals, and the previous year's spread per stratum."""
    spec = SCENARIOS[scenario]
    town = synthetic_town(spec, seed)
    frame = make_frame(FrameCell(id=cell_id, stratum=s) for cell_id, (s, _, _) in town.items())
    truth = {
        "area_m2": sum(a for _, a, _ in town.values()),
        "plants": sum(p for _, _, p in town.values()),
    }
    last_year = synthetic_town(spec, seed + 4000)
    spread = {
        h: float(np.std([a for s, a, _ in last_year.values() if s == h], ddof=1)) for h in spec
    }
    return town, frame, truth, spread


def simulate(scenario: str, n: int) -> dict[str, float]:
    spec = SCENARIOS[scenario]
    hits = dict.fromkeys(("area_m2", "plants", "area_m2_t", "plants_t"), 0)
    few = flagged = 0
    for town_seed in range(1000, 1000 + TOWNS):
        town, frame, truth, spread = town_and_frame(scenario, town_seed)
        priors = {h: StratumPrior(N=spec[h][0], S=spread[h]) for h in spec}
        allocation = neyman_allocation(n=n, strata=priors)
        for rep in range(SAMPLES_PER_TOWN):
            design = draw(frame=frame, allocation=allocation, seed=rep)
            results = [CellResult(i, town[i][1], town[i][2]) for i, _ in design.cells]
            est = estimate(design=design, results=results, seed=rep)
            for name in ("area_m2", "plants"):
                q = getattr(est, name)
                hits[name] += q.ci95[0] <= truth[name] <= q.ci95[1]
                hits[f"{name}_t"] += q.ci95_t[0] <= truth[name] <= q.ci95_t[1]
            planted = sum(s.nonzero_cells for s in est.strata)
            if 0 < planted < FEW_PLANTED:
                few += 1
                flagged += any("区间很不确定" in note for note in est.notes)
    total = TOWNS * SAMPLES_PER_TOWN
    rates = {k: v / total for k, v in hits.items()}
    rates["few"], rates["flagged"] = few, flagged
    print(f"\n{scenario} {n=} coverage={rates}")
    return rates


@pytest.mark.parametrize(("scenario", "n"), [("常见稀疏", 120), ("极稀疏", 200)])
def test_the_interval_covers_the_truth_about_95_percent_of_the_time(scenario: str, n: int) -> None:
    rates = simulate(scenario, n)
    for name in ("area_m2", "plants"):
        assert 0.90 <= rates[name] <= 0.99, (name, rates[name])
        # the plain t interval is what the bootstrap-t replaces: it covers visibly less
        assert rates[name] > rates[f"{name}_t"] + 0.05, rates


def test_with_few_planted_cells_the_interval_is_weaker_and_says_so() -> None:
    rates = simulate("极稀疏", 60)
    assert rates["few"] > TOWNS * SAMPLES_PER_TOWN / 5  # the regime this test is about
    assert rates["flagged"] == rates["few"]
    for name in ("area_m2", "plants"):
        assert 0.70 <= rates[name] <= 0.92, (name, rates[name])
