"""Tests of the fast NRMP-shaped generator, matchsim.markets.simple."""

from __future__ import annotations

import numpy as np
import pytest

from matchsim import Market, deferred_acceptance, is_stable
from matchsim.markets.simple import nrmp_shaped_market


def _pairs(ptr, idx):
    """Set of (row, entry) pairs of a CSR list set."""
    rows = np.repeat(np.arange(ptr.size - 1), np.diff(ptr))
    return set(zip(rows.tolist(), idx.tolist()))


@pytest.mark.parametrize(
    "n_a, n_p, n_pos",
    [(1, 1, 1), (10, 2, 9), (100, 14, 91), (1_000, 140, 915), (5_000, 700, 4_600), (3_000, 50, 2_000)],
)
def test_sizes_and_capacities(n_a, n_p, n_pos):
    m = nrmp_shaped_market(n_a, n_p, n_pos, rng=3)
    assert isinstance(m, Market)
    assert (m.n_applicants, m.n_programs, m.n_positions) == (n_a, n_p, n_pos)
    assert m.capacity.min() >= 1
    assert m.applicant_list.dtype == np.int32 and m.applicant_ptr.dtype == np.int64


def test_capacities_are_skewed():
    m = nrmp_shaped_market(20_000, 2_800, 18_300, rng=0)
    cap = m.capacity
    # right-skewed: the mean is above the median and a few programs are large
    assert cap.mean() > np.median(cap)
    assert cap.max() >= 5 * np.median(cap)
    assert nrmp_shaped_market(2_000, 200, 2_000, rng=0, capacity_spread=0).capacity.tolist() == [10] * 200


def test_same_seed_same_market_and_different_seed_different_market():
    a = nrmp_shaped_market(2_000, 280, 1_830, rng=11)
    b = nrmp_shaped_market(2_000, 280, 1_830, rng=np.random.default_rng(11))
    c = nrmp_shaped_market(2_000, 280, 1_830, rng=12)
    for name in ("applicant_ptr", "applicant_list", "program_ptr", "program_list", "capacity"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.applicant_list, c.applicant_list)


@pytest.mark.parametrize("mean_list", [4, 12, 20])
def test_list_lengths(mean_list):
    m = nrmp_shaped_market(5_000, 700, 4_600, mean_list=mean_list, rng=5)
    lengths = m.applicant_list_lengths
    assert abs(lengths.mean() - mean_list) < 0.1 * mean_list + 0.5
    assert lengths.min() >= 1
    assert lengths.max() <= 40


def test_max_list_is_respected():
    m = nrmp_shaped_market(2_000, 280, 1_830, mean_list=12, max_list=8, rng=1)
    assert m.applicant_list_lengths.max() == 8


def test_programs_rank_only_applicants_who_ranked_them():
    m = nrmp_shaped_market(3_000, 400, 2_750, rng=2)
    applicant_pairs = {(a, p) for a, p in _pairs(m.applicant_ptr, m.applicant_list)}
    program_pairs = {(a, p) for p, a in _pairs(m.program_ptr, m.program_list)}
    assert program_pairs <= applicant_pairs
    # one-sided entries exist (programs keep only 10-12 per position)
    assert len(program_pairs) < len(applicant_pairs)


@pytest.mark.parametrize("per_position", [(10.0, 12.0), (3.0, 5.0)])
def test_programs_keep_per_position(per_position):
    lo, hi = per_position
    m = nrmp_shaped_market(5_000, 700, 4_600, rng=4, per_position=per_position)
    kept = m.program_list_lengths
    ranked_by = np.bincount(m.applicant_list, minlength=m.n_programs)
    cap = m.capacity
    assert np.all(kept <= np.ceil(hi * cap))
    assert np.all(kept >= np.minimum(ranked_by, np.ceil(lo * cap)))
    assert np.all(kept <= ranked_by)


def test_preferences_are_correlated():
    # With a common quality, programs differ a lot in how often they are
    # ranked first per position; with none (all taste) and no stratification
    # they would not. Compare against the market's own noise-only version.
    common = nrmp_shaped_market(10_000, 1_400, 9_150, rng=8, capacity_spread=0)
    firsts = np.bincount(common.applicant_list[common.applicant_ptr[:-1]], minlength=1_400)
    taste = nrmp_shaped_market(10_000, 1_400, 9_150, rng=8, capacity_spread=0, applicant_noise=50.0)
    firsts_taste = np.bincount(taste.applicant_list[taste.applicant_ptr[:-1]], minlength=1_400)
    assert firsts.std() > 1.5 * firsts_taste.std()


def test_market_matches_like_the_nrmp():
    m = nrmp_shaped_market(10_000, 1_400, 9_150, rng=9)
    r = deferred_acceptance(m)
    assert is_stable(m, r.assignment)
    # most positions fill and about half of matched applicants get a top-2 choice
    assert r.filled.sum() / m.n_positions > 0.9
    assert 0.3 < np.mean(r.rank[r.rank > 0] <= 2) < 0.9


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_applicants=0), "n_applicants must be a positive integer"),
        (dict(n_programs=0), "n_programs must be a positive integer"),
        (dict(n_programs=10, n_positions=5), "n_positions must be at least n_programs"),
        (dict(mean_list=0.5), "mean_list must be at least 1"),
        (dict(max_list=0), "max_list must be a positive integer"),
        (dict(per_position=(12, 10)), "per_position must be"),
        (dict(per_position=(0, 10)), "per_position must be"),
        (dict(applicant_noise=-1), "applicant_noise must be non-negative"),
        (dict(interview_spread=-0.1), "interview_spread must be non-negative"),
    ],
)
def test_bad_arguments(kwargs, message):
    args = dict(n_applicants=100, n_programs=14, n_positions=91)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        nrmp_shaped_market(**args)
