"""The calibrated presets reproduce the published figures they aim at.

The targets, tolerances and sources are in ``matchsim.markets.TARGETS``;
``python -m matchsim.markets.calibration PRESET`` prints the same comparison
as a table (``docs/markets.md``).
"""

from __future__ import annotations

import pytest

from matchsim.markets import TARGETS
from matchsim.markets.calibration import calibration_rows

SEEDS = {"nrmp2025": (0, 1, 2), "anesthesiology": (0, 1, 2), "pmr": (0, 1, 2, 3)}


@pytest.fixture(scope="module", params=sorted(SEEDS))
def rows(request):
    return request.param, calibration_rows(request.param, SEEDS[request.param])


@pytest.mark.slow
def test_preset_within_tolerance(rows):
    name, result = rows
    missed = [f"{t.name}: target {t.value:.4g} +- {t.tolerance:.3g}, simulated {v:.4g}"
              for t, v, ok in result if t.tested and not ok]
    assert not missed, f"{name} misses its targets:\n" + "\n".join(missed)


def test_every_calibrated_preset_is_tested():
    assert set(TARGETS) == set(SEEDS)


def test_nrmp2025_targets_are_the_published_figures():
    t = {x.name: x for x in TARGETS["nrmp2025"]}
    assert t["match rate, US MD"].value == 0.935
    assert t["match rate, US DO"].value == 0.926
    assert t["match rate, US-citizen IMG"].value == 0.678
    assert t["match rate, non-US IMG"].value == 0.580
    assert all(t[f"match rate, {k}"].tolerance == 0.02
               for k in ("US MD", "US DO", "US-citizen IMG", "non-US IMG"))
    assert t["active applicants"].value == 47_208
