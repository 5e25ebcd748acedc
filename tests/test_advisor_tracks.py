"""Advanced programs and supplemental lists: the two-year menu model, exact against oracles and sampling."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matchsim.advisor.comparison import outcome_utility
from matchsim.advisor.inputs import true_order
from matchsim.advisor.menu import compare_lists
from matchsim.advisor.tracks import supplemental_curve
from matchsim.extensions import ADVANCED, CATEGORICAL, PRELIMINARY, TRANSITIONAL


def _brute(chance, pref, lists, tracks, ppref, supp, link):
    """Enumerate every menu of independent programs: the pair tables and worse/same/better."""
    n = len(chance)
    truth = true_order(pref)
    t_supp = true_order(ppref)
    u, v = outcome_utility(pref), outcome_utility(ppref)

    def outcome(menu, lst, sup_of):
        a = next((p for p in lst if menu[p]), n)
        if a < n and tracks[a] == ADVANCED:
            s = sup_of(a)
            return a, next((p for p in s if menu[p]), n)
        return a, n

    tables = np.zeros((len(lists), n + 1, n + 1))
    wsb = np.zeros((len(lists), 3))
    for menu in itertools.product([False, True], repeat=n):
        p = np.prod([c if on else 1 - c for c, on in zip(chance, menu)])
        ta, tb = outcome(menu, truth, lambda a: t_supp)
        for i, lst in enumerate(lists):
            a, b = outcome(menu, lst, lambda a: supp[link[a]] if link[a] >= 0 else [])
            tables[i, a, b] += p
            key = (u[a], v[b] if a == ta and a < n and tracks[a] == ADVANCED else 0)
            tkey = (u[ta], v[tb] if a == ta and a < n and tracks[a] == ADVANCED else 0)
            wsb[i, 0 if key > tkey else 1 if key == tkey else 2] += p
    return tables, wsb


def _random_case(rng, n=7):
    tracks = rng.choice([CATEGORICAL, ADVANCED, PRELIMINARY, TRANSITIONAL], n).astype(np.int8)
    tracks[0], tracks[1] = ADVANCED, PRELIMINARY
    pgy1 = np.isin(tracks, [PRELIMINARY, TRANSITIONAL])
    chance = rng.uniform(0.05, 0.95, n)
    pref = np.zeros(n, dtype=np.int64)
    prim = np.flatnonzero(~pgy1)
    pref[prim] = rng.permutation(prim.size) + 1
    ppref = np.zeros(n, dtype=np.int64)
    pg = np.flatnonzero(pgy1)
    ppref[pg] = rng.permutation(pg.size) + 1
    if pg.size > 1:
        ppref[pg[-1]] = 0  # one PGY-1 program she would rather not do
    supp = [rng.permutation(pg)[: rng.integers(1, pg.size + 1)] for _ in range(2)]
    link = np.where(tracks == ADVANCED, rng.integers(-1, 2, n), -1)
    lists = [rng.permutation(prim)[: rng.integers(1, prim.size + 1)] for _ in range(4)]
    lists.append(true_order(pref))
    return chance, pref, lists, tracks, ppref, supp, link


@pytest.mark.parametrize("seed", range(6))
def test_exact_pair_tables_equal_enumeration_of_every_menu(seed):
    chance, pref, lists, tracks, ppref, supp, link = _random_case(np.random.default_rng(seed))
    r = compare_lists(chance, pref, lists, 0.0, tracks=tracks, pgy1_preference=ppref, supplemental=supp,
                      link=link)
    tables, wsb = _brute(chance, pref, lists, tracks, ppref, supp, link)
    np.testing.assert_allclose(r.tracks.pgy1, tables, atol=1e-12)
    np.testing.assert_allclose(np.stack([r.worse, r.same, r.better], axis=1), wsb, atol=1e-12)
    assert r.better.max() < 1e-12  # her true order, with her whole PGY-1 order, is never beaten
    np.testing.assert_allclose(r.tracks.pgy1.sum(axis=2), r.prob, atol=1e-12)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_exact_and_sampled_pair_tables_agree(rho):
    chance, pref, lists, tracks, ppref, supp, link = _random_case(np.random.default_rng(42), n=10)
    kw = dict(tracks=tracks, pgy1_preference=ppref, supplemental=supp, link=link)
    e = compare_lists(chance, pref, lists, rho, **kw)
    s = compare_lists(chance, pref, lists, rho, method="sample", n_samples=60_000, rng=1, **kw)
    se = np.sqrt(np.clip(e.tracks.pgy1 * (1 - e.tracks.pgy1), 1e-6, None) / 60_000)
    assert np.all(np.abs(e.tracks.pgy1 - s.tracks.pgy1) < 5 * se + 1e-9)
    for a, b in ((e.worse, s.worse), (e.p_advanced_without_pgy1, s.p_advanced_without_pgy1),
                 (e.p_complete, s.p_complete)):
        assert np.all(np.abs(a - b) < 5 * np.sqrt(np.clip(a * (1 - a), 1e-6, None) / 60_000) + 1e-9)
    assert s.better.max() == 0.0


def test_golden_one_advanced_program_and_two_prelims():
    # advanced A (chance 0.5), prelims P (0.5) and Q (0.5), independent; supplemental P, Q
    # P(A and P) = .25, P(A and Q) = .125, P(A, no PGY-1) = .125, unmatched = .5
    tracks = np.array([ADVANCED, PRELIMINARY, PRELIMINARY], dtype=np.int8)
    r = compare_lists([0.5, 0.5, 0.5], [1, 0, 0], [[0]], 0.0, tracks=tracks, pgy1_preference=[0, 1, 2],
                      supplemental=[[1, 2]], link=[0, -1, -1])
    assert r.p_advanced_and_pgy1[0] == pytest.approx(0.375)
    assert r.p_advanced_without_pgy1[0] == pytest.approx(0.125)
    assert r.p_pgy1_program[0].tolist() == pytest.approx([0.0, 0.25, 0.125])
    assert r.p_complete[0] == pytest.approx(0.375)
    # the same list with the supplemental list reversed: Q before P costs when both take her
    rev = compare_lists([0.5, 0.5, 0.5], [1, 0, 0], [[0]], 0.0, tracks=tracks, pgy1_preference=[0, 1, 2],
                        supplemental=[[2, 1]], link=[0, -1, -1])
    assert rev.worse[0] == pytest.approx(0.5 * 0.25)
    assert rev.better[0] == 0.0


def test_supplemental_curve_is_the_chance_of_advanced_without_pgy1_for_each_length():
    rng = np.random.default_rng(3)
    chance, pref, lists, tracks, ppref, supp, link = _random_case(rng, n=8)
    lst = true_order(pref)
    s = supp[0]
    curve = supplemental_curve(chance, lst, s, tracks, 0.4)
    for k in range(s.size + 1):
        r = compare_lists(chance, pref, [lst], 0.4, tracks=tracks, pgy1_preference=ppref,
                          supplemental=[s[:k]] if k else [np.zeros(0, dtype=int)],
                          link=np.where(tracks == ADVANCED, 0, -1))
        assert curve[k] == pytest.approx(r.p_advanced_without_pgy1[0], abs=1e-12)
    assert np.all(np.diff(curve) <= 1e-15)  # a longer list never leaves her without a PGY-1 year more often
