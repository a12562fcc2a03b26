"""The pure strata rule, owners, overlaps and priors (no database)."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box, mapping

from zerocrop.monitoring import sampling, sampling_strata
from zerocrop.monitoring.sampling_strata import (
    DEFAULT_PRIOR_SD,
    FLAGGED,
    GENERAL,
    KEY,
    POTENTIAL,
    TRADITIONAL,
)

# Four 0.01° cells in a row near the demo town.
CELLS = [
    sampling.FrameCell(
        id=f"C{i}",
        stratum=GENERAL,
        geometry=mapping(box(108 + i / 100, 38, 108.01 + i / 100, 38.01)),
    )
    for i in range(4)
]
FRAME = sampling.make_frame(CELLS)


def test_stratum_is_the_highest_risk_else_general():
    assert sampling_strata.stratum_of({POTENTIAL, KEY}) == KEY
    assert sampling_strata.stratum_of({POTENTIAL, TRADITIONAL}) == TRADITIONAL
    assert sampling_strata.stratum_of({POTENTIAL}) == POTENTIAL
    assert sampling_strata.stratum_of(set()) == GENERAL
    assert sampling_strata.stratum_of({KEY}, flagged=True) == FLAGGED


def test_assign_strata_by_overlap_not_by_a_shared_edge():
    layers = [
        (box(108.002, 38.002, 108.004, 38.004), KEY),  # inside C0
        (box(108.0, 38.0, 108.02, 38.01), POTENTIAL),  # C0 and C1
        (box(108.03, 38.0, 108.035, 38.01), TRADITIONAL),  # shares only C2's east edge: C3
        (Point(108.025, 38.005), KEY),  # a point plot in C2
    ]
    frame = sampling_strata.assign_strata(FRAME, layers)
    assert [c.stratum for c in frame.cells] == [KEY, POTENTIAL, KEY, TRADITIONAL]
    assert frame.version == sampling.frame_version(frame.cells) != FRAME.version


def test_flagged_cells_form_their_own_stratum():
    frame = sampling_strata.assign_strata(FRAME, [], flagged={"C3"})
    assert [c.stratum for c in frame.cells] == [GENERAL, GENERAL, GENERAL, FLAGGED]


def test_owner_is_the_outline_holding_most_of_the_cell():
    outlines = [box(107.9, 37.9, 108.013, 38.1), box(108.013, 37.9, 108.1, 38.1)]
    assert sampling_strata.owners(CELLS, outlines) == [0, 1, 1, 1]
    assert sampling_strata.owners(CELLS, []) == [None] * 4


def test_overlapping_pairs():
    others = [
        ("t1", mapping(box(108.005, 38.0, 108.015, 38.01))),
        ("t2", mapping(box(108.04, 38.0, 108.05, 38.01))),
    ]
    assert sampling_strata.overlapping([(c.id, c.geometry) for c in CELLS], others) == [
        ("C0", "t1"),
        ("C1", "t1"),
    ]


def test_priors_from_values_with_the_default_where_nothing_varies():
    frame = sampling.make_frame(
        [
            sampling.FrameCell(id=c.id, stratum=KEY if i < 2 else GENERAL, geometry=c.geometry)
            for i, c in enumerate(CELLS)
        ]
    )
    values = sampling_strata.cell_values(
        frame.cells, [(Point(108.005, 38.005), 10.0), (Point(108.006, 38.005), 4.0)]
    )
    assert values == {"C0": 14.0, "C1": 0.0, "C2": 0.0, "C3": 0.0}
    priors = sampling_strata.stratum_priors(frame, values)
    assert priors[KEY]["S"] == pytest.approx(9.8995, abs=1e-3)  # sd of (14, 0)
    assert priors[KEY]["mean"] == 7.0 and priors[KEY]["source"] == "往年发现"
    assert priors[GENERAL] == {
        "N": 2,
        "S": DEFAULT_PRIOR_SD[GENERAL],
        "mean": 0.0,
        "source": "经验值",
    }
    typed = sampling_strata.stratum_priors(frame, values, overrides={GENERAL: 3.0})
    assert typed[GENERAL]["S"] == 3.0 and typed[GENERAL]["source"] == "填写"


def test_expected_cells():
    assert sampling_strata.expected_cells(1_000_000, 200) == 25
