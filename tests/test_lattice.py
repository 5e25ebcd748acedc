"""The set of stable matchings: rotations and their poset against brute force."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from matchsim import Market, deferred_acceptance
from matchsim.engine import is_stable, stable_matchings_brute
from matchsim.engine.lattice import (
    TooManyStableMatchings,
    count_stable_matchings,
    stable_lattice,
    stable_matchings,
)
from tests.strategies import markets


def random_market(rng, n_a, n_p, max_cap=3, p_list=0.7):
    """Independent random lists: each side ranks each other participant with probability p_list."""
    a_rows = [rng.permutation(n_p)[: rng.binomial(n_p, p_list)] for _ in range(n_a)]
    p_rows = [rng.permutation(n_a)[: rng.binomial(n_a, p_list)] for _ in range(n_p)]
    return Market.from_lists(a_rows, p_rows, rng.integers(0, max_cap + 1, n_p))


def complete_market(rng, n):
    """One-to-one, every list complete: the market with the most stable matchings on average."""
    return Market.from_lists([rng.permutation(n) for _ in range(n)],
                             [rng.permutation(n) for _ in range(n)], np.ones(n, dtype=int))


def as_set(rows):
    return {tuple(int(x) for x in r) for r in rows}


def closed_sets(lat):
    """Every closed set of the poset by brute force over all subsets."""
    closure = nx.transitive_closure_dag(lat.poset)
    out = []
    for k in range(lat.n_rotations + 1):
        for sub in itertools.combinations(range(lat.n_rotations), k):
            s = set(sub)
            if all(u in s for v in s for u in closure.predecessors(v)):
                out.append(s)
    return out


def test_brute_force_on_thousands_of_tiny_markets():
    rng = np.random.default_rng(20261202)
    many = 0
    for trial in range(3000):
        m = random_market(rng, int(rng.integers(1, 7)), int(rng.integers(1, 5)))
        brute = as_set(stable_matchings_brute(m))
        lat = stable_lattice(m)
        got = lat.matchings()
        assert len(got) == len(brute) == lat.count(), trial
        assert as_set(got) == brute, trial
        many += len(brute) > 1
    assert many > 10  # the test saw markets with several stable matchings


@pytest.mark.parametrize("n", [4, 5, 6])
def test_complete_one_to_one_markets_against_brute_force(n):
    rng = np.random.default_rng(n)
    for _ in range(150):
        m = complete_market(rng, n)
        assert as_set(stable_lattice(m).matchings()) == as_set(stable_matchings_brute(m))


def test_closed_sets_map_one_to_one_to_stable_matchings():
    rng = np.random.default_rng(7)
    seen_big = 0
    for _ in range(300):
        m = random_market(rng, 6, 4, max_cap=2, p_list=0.9) if rng.random() < 0.5 else complete_market(rng, 6)
        lat = stable_lattice(m)
        sets = closed_sets(lat)
        images = [tuple(lat.matching(s).tolist()) for s in sets]
        assert len(set(images)) == len(sets)  # one to one
        assert set(images) == as_set(stable_matchings_brute(m))  # onto
        seen_big += len(sets) > 3
    assert seen_big > 5


def test_not_closed_is_refused():
    m = Market.from_lists([[0, 1, 2], [1, 2, 0], [2, 0, 1]],
                          [[1, 2, 0], [2, 0, 1], [0, 1, 2]], [1, 1, 1])
    lat = stable_lattice(m)
    assert list(lat.poset.edges()) == [(0, 1)]
    with pytest.raises(ValueError, match="not closed"):
        lat.matching([1])


@settings(max_examples=300, deadline=None)
@given(markets(max_applicants=6, max_programs=4, max_capacity=3))
def test_ends_are_the_two_deferred_acceptance_matchings(m):
    lat = stable_lattice(m)
    rows = lat.matchings()
    a_opt = deferred_acceptance(m, "applicant").assignment
    p_opt = deferred_acceptance(m, "program").assignment
    assert np.array_equal(rows[0], a_opt)
    # applying every rotation reaches the program-optimal matching
    assert np.array_equal(lat.matching(range(lat.n_rotations)), p_opt)
    assert all(is_stable(m, r) for r in rows)


@settings(max_examples=200, deadline=None)
@given(markets(max_applicants=6, max_programs=4, max_capacity=3))
def test_stable_partners_are_the_programs_seen_in_some_stable_matching(m):
    ptr, progs = stable_lattice(m).stable_partners()
    brute = stable_matchings_brute(m)
    for a in range(m.n_applicants):
        expected = {int(s[a]) for s in brute} - {-1}
        got = progs[ptr[a]:ptr[a + 1]].tolist()
        assert set(got) == expected and len(got) == len(expected)
        pos = {p: i for i, p in enumerate(m.applicant_prefs(a).tolist())}
        assert got == sorted(got, key=pos.get)  # best first


def test_too_many_to_list_still_counts():
    rng = np.random.default_rng(3)
    m = complete_market(rng, 60)
    lat = stable_lattice(m)
    n = lat.count()
    assert n is not None and n > 3
    with pytest.raises(TooManyStableMatchings, match=f"has {n:,} stable matchings, more than limit=2") as err:
        stable_matchings(m, limit=2)
    assert err.value.count == n
    assert len(lat.matchings(limit=n)) == n


def test_count_budget_gives_none():
    rng = np.random.default_rng(3)
    m = complete_market(rng, 60)
    assert count_stable_matchings(m, budget=3) is None


def test_couples_are_refused():
    from tests.nrmp_markets import random_nrmp_market

    m = random_nrmp_market(249, n_singles=(2, 5), n_couples=(1, 2), n_programs=(2, 4), max_capacity=1,
                           max_pairs=12)
    with pytest.raises(ValueError, match="without couples"):
        stable_lattice(m)


@pytest.mark.parametrize("seed", range(20))
def test_nrmp_shaped_markets_with_large_capacities(seed):
    """Programs of up to ten positions: every listed matching is stable, distinct, between the two ends."""
    from matchsim.markets.simple import nrmp_shaped_market

    m = nrmp_shaped_market(60, 8, 55, mean_list=5, rng=seed)
    lat = stable_lattice(m)
    rows = lat.matchings()
    assert len(as_set(rows)) == len(rows) == lat.count()
    assert all(is_stable(m, r) for r in rows)
    assert np.array_equal(rows[0], deferred_acceptance(m).assignment)
    assert np.array_equal(lat.matching(range(lat.n_rotations)), deferred_acceptance(m, "program").assignment)


def test_stable_set_study_kind_rows():
    from matchsim.studies.kinds import get_kind
    from matchsim.studies.scenario import parse_scenario

    s = parse_scenario('[study]\nkind = "stable_set"\ntrials = 1\nseed = 3\n'
                       '[stable_set]\nsizes = [30, 60]\nlist_lengths = [4, 8]\n')
    rows = get_kind("stable_set").trial(s, 0)
    assert rows["trial"].size == 2 * 4
    assert np.all(rows["stable_matchings"] >= 1) and np.all(rows["share_several"] <= 1)
    assert np.all((rows["rotations"] == 0) == (rows["stable_matchings"] == 1))
