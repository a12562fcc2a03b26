"""Coverage of the sampling estimate's 95 % interval by how many planted cells a sample held.

    PYTHONPATH=src python bench/sampling_coverage.py    # 4 designs × 25 towns × 16, ~2 min
    PYTHONPATH=src python bench/sampling_coverage.py --towns 10 --samples 8

The towns and scenarios are those of tests/monitoring/test_sampling_coverage.py (三层, sparse
and skewed planting); four designs (极稀疏 at n = 60, 120, 200 and 常见稀疏 at n = 60) are
pooled so that every count of planted cells from 0 to 10+ occurs often enough. Prints, per
count, the number of samples and the coverage of ``ci95`` (area, plants) and of the plain
t interval ``ci95_t``. These are the figures docs/sampling.md quotes.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "monitoring"))

from test_sampling_coverage import COMMON, RARE, synthetic_town  # noqa: E402

from zerocrop.monitoring.sampling import (  # noqa: E402
    CellResult,
    FrameCell,
    StratumPrior,
    draw,
    estimate,
    make_frame,
    neyman_allocation,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=25)
    parser.add_argument("--samples", type=int, default=16)
    args = parser.parse_args()

    # planted cells → [samples, area covered, plants covered, area t, plants t]
    bins: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for spec, n in ((RARE, 60), (RARE, 120), (COMMON, 60), (RARE, 200)):
        for seed in range(1000, 1000 + args.towns):
            town = synthetic_town(spec, seed)
            last = synthetic_town(spec, seed + 4000)
            frame = make_frame(FrameCell(id=i, stratum=s) for i, (s, _, _) in town.items())
            priors = {
                h: StratumPrior(
                    N=spec[h][0], S=float(np.std([a for s, a, _ in last.values() if s == h]))
                )
                for h in spec
            }
            allocation = neyman_allocation(n=n, strata=priors)
            truth_area = sum(a for _, a, _ in town.values())
            truth_plants = sum(p for _, _, p in town.values())
            for rep in range(args.samples):
                design = draw(frame=frame, allocation=allocation, seed=rep)
                results = [CellResult(i, town[i][1], town[i][2]) for i, _ in design.cells]
                est = estimate(design=design, results=results, seed=rep)
                row = bins[min(sum(s.nonzero_cells for s in est.strata), 10)]
                row[0] += 1
                row[1] += est.area_m2.ci95[0] <= truth_area <= est.area_m2.ci95[1]
                row[2] += est.plants.ci95[0] <= truth_plants <= est.plants.ci95[1]
                row[3] += est.area_m2.ci95_t[0] <= truth_area <= est.area_m2.ci95_t[1]
                row[4] += est.plants.ci95_t[0] <= truth_plants <= est.plants.ci95_t[1]
    print(f"{'planted':>8} {'samples':>8} {'area':>7} {'plants':>7} {'area t':>7} {'plants t':>8}")
    for count in sorted(bins):
        total, *hits = bins[count]
        label = f"{count}+" if count == 10 else str(count)
        rates = [h / total for h in hits]
        print(f"{label:>8} {total:>8} " + " ".join(f"{r:7.3f}" for r in rates))


if __name__ == "__main__":
    main()
