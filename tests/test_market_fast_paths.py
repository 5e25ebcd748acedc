"""The fast paths of the simulated markets with tracks: the same markets, tables and figures as before.

The specialty track market, the NRMP look-up tables, the supplemental-list
containers and the market mode were rewritten for speed (whole-array
assembly, one-pass kernels, joins of checked containers). These tests pin
what must not move: the markets a seed draws and the figures of a fixed run
(digests taken before the rewrite), and each kernel against a plain
reference.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest

from matchsim.engine.da import UNRANKED, receiver_ranks
from matchsim.engine.nrmp_tables import nrmp_tables
from matchsim.extension_checks import rows_fine
from matchsim.extensions import ADVANCED, CATEGORICAL, PRELIMINARY, TRANSITIONAL, SupplementalLists
from matchsim.markets.specialty import _sort_desc, _specialty_lists, specialty_track_market

sys.path.insert(0, str(Path(__file__).parent))
from nrmp_markets import random_nrmp_market  # noqa: E402

TRACKS = np.array([ADVANCED] * 5 + [CATEGORICAL] * 7 + [PRELIMINARY] * 9 + [TRANSITIONAL] * 4
                  + [CATEGORICAL] * 20 + [ADVANCED] * 10 + [PRELIMINARY] * 15, dtype=np.int8)


def _digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


@pytest.mark.parametrize("seed, digest", [(0, "1fa12a3a50cea966"), (1, "adae3d0114d55f23"),
                                          (2, "4dc2295d37eb8e1c")])
def test_a_seed_draws_the_same_track_market_as_before_the_rewrite(seed, digest):
    m = specialty_track_market(200, TRACKS, rng=seed)
    sp = m.supplemental
    assert _digest(m.applicant_ptr, m.applicant_list, m.program_ptr, m.program_list, m.capacity,
                   sp.owner, sp.ptr, sp.programs, sp.link_ptr, sp.links) == digest
    assert set(sp.names) == {"1"}


def _inputs(seed=0, n_programs=20, n_lists=5):
    """The inputs of ``benchmarks/bench_advisor.py``: 20 categorical programs, 5 lists."""
    rng = np.random.default_rng(seed)
    chance = rng.uniform(0.05, 0.7, n_programs)
    pref = np.arange(1, n_programs + 1)
    lists = {"honest": np.arange(n_programs)}
    for i in range(1, n_lists):
        lists[f"variant {i}"] = rng.permutation(n_programs)[: rng.integers(10, n_programs + 1)]
    return chance, pref, lists


def _advanced_inputs(seed=0, n_lists=5):
    """The inputs of ``benchmarks/bench_advisor.py``: 12 primary programs (5 advanced), 13 PGY-1, 5 lists."""
    rng = np.random.default_rng(seed)
    tracks = np.array([CATEGORICAL] * 7 + [ADVANCED] * 5 + [PRELIMINARY] * 9 + [TRANSITIONAL] * 4, dtype=np.int8)
    rng.shuffle(tracks[:12])
    chance = np.concatenate([rng.uniform(0.05, 0.45, 12), rng.uniform(0.2, 0.7, 13)])
    pref = np.concatenate([np.arange(1, 13), np.zeros(13, dtype=np.int64)])
    pgy1 = np.concatenate([np.zeros(12, dtype=np.int64), np.arange(1, 14)])
    lists = {"honest": np.arange(12)}
    for i in range(1, n_lists):
        lists[f"variant {i}"] = rng.permutation(12)[: rng.integers(6, 13)]
    kw = dict(tracks=tracks, pgy1_preference=pgy1, supplemental=(np.arange(12, 25),),
              supplemental_names=("supplemental",), link=np.where(tracks == ADVANCED, 0, -1))
    return chance, pref, lists, kw


def test_market_mode_figures_are_those_before_the_rewrite():
    from matchsim.advisor.market_mode import simulate_list_outcomes

    chance, pref, lists, kw = _advanced_inputs()
    r = simulate_list_outcomes(chance, pref, lists, n_applicants=120, n_markets=12, rng=3, verify=4, **kw)
    assert (_digest(r.primary, r.pgy1, r.menus), r.menu_violations, r.pgy1_checks) == ("0adf52cf4c65f0c8", 0, 4)
    chance, pref, lists = _inputs()
    r = simulate_list_outcomes(chance, pref, lists, n_applicants=120, n_markets=12, rng=3, verify=4)
    assert (_digest(r.outcomes, r.menus), r.menu_violations) == ("a3a678c308b80014", 0)


def test_jobs_do_not_change_the_figures():
    from matchsim.advisor.market_mode import simulate_list_outcomes

    chance, pref, lists, kw = _advanced_inputs()
    one = simulate_list_outcomes(chance, pref, lists, n_applicants=80, n_markets=30, rng=5, **kw)
    two = simulate_list_outcomes(chance, pref, lists, n_applicants=80, n_markets=30, rng=5, jobs=2, **kw)
    assert np.array_equal(one.primary, two.primary) and np.array_equal(one.pgy1, two.pgy1)


@pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 33, 100, 1000])
def test_sort_desc_is_a_stable_sort_highest_first(n):
    rng = np.random.default_rng(n)
    for keys in (rng.standard_normal(n), rng.integers(0, 4, n).astype(np.float64)):  # the second: many ties
        key = np.concatenate([[9.0], keys, [-9.0]])  # sort the middle only
        who = np.arange(key.size, dtype=np.int32)
        _sort_desc(key, who, np.empty_like(key), np.empty_like(who), 1, 1 + n)
        want = 1 + np.argsort(-keys, kind="stable")
        assert who[0] == 0 and who[-1] == n + 1 and np.array_equal(who[1:-1], want)
        assert np.array_equal(key[1:-1], keys[want - 1])


def test_specialty_lists_keep_the_best_programs_ties_by_id():
    rng = np.random.default_rng(3)
    n_a, n_p = 60, 20
    util = rng.integers(0, 5, (n_a - 1, n_p)).astype(np.float32)  # many equal utilities
    k = rng.integers(0, 9, n_a - 1)
    a_ptr = np.zeros(n_a + 1, dtype=np.int64)
    np.cumsum(k, out=a_ptr[2:])
    strength = rng.standard_normal(n_a)
    noise = rng.integers(0, 3, int(a_ptr[-1])).astype(np.float64)  # equal scores too
    a_idx, p_ptr, p_idx = _specialty_lists(util, a_ptr, strength, noise, n_p)
    for a in range(1, n_a):
        want = np.lexsort((np.arange(n_p), -util[a - 1]))[: k[a - 1]]
        assert a_idx[a_ptr[a]:a_ptr[a + 1]].tolist() == want.tolist()
    owner = np.repeat(np.arange(n_a), np.diff(a_ptr))
    score = strength[owner] + noise
    for p in range(n_p):
        entries = np.flatnonzero(a_idx == p)
        want = owner[entries[np.argsort(-score[entries], kind="stable")]]
        assert p_idx[p_ptr[p]:p_ptr[p + 1]].tolist() == want.tolist()


def _rows_fine_reference(ptr, ids):
    rows = [ids[ptr[i]:ptr[i + 1]] for i in range(ptr.size - 1)]
    return all(r.size and r.min() >= 0 and np.unique(r).size == r.size for r in rows)


def test_rows_fine_agrees_with_a_row_by_row_check():
    rng = np.random.default_rng(0)
    for _ in range(300):
        lengths = rng.integers(0 if rng.random() < 0.2 else 1, 30, rng.integers(0, 6))
        ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        ids = rng.integers(-1 if rng.random() < 0.2 else 0, 60, int(ptr[-1])).astype(np.int32)
        assert rows_fine(ptr, ids) == _rows_fine_reference(ptr, ids)


def test_concatenate_gives_the_container_a_full_check_would():
    a = SupplementalLists([0, 0], [0, 1, 3], [5, 6, 7], [0, 1, 2], [1, 2], ("x", "y"))
    b = SupplementalLists([0, 2, 3], [0, 2, 3, 4], [8, 9, 5, 6], [0, 1, 2, 4], [3, 1, 2, 4])
    c = SupplementalLists.concatenate([a, None, b])
    full = SupplementalLists(np.r_[a.owner, b.owner], np.r_[a.ptr, a.ptr[-1] + b.ptr[1:]],
                             np.r_[a.programs, b.programs], np.r_[a.link_ptr, a.link_ptr[-1] + b.link_ptr[1:]],
                             np.r_[a.links, b.links], a.names + b.names)
    for name in ("owner", "ptr", "programs", "link_ptr", "links"):
        assert np.array_equal(getattr(c, name), getattr(full, name)) and not getattr(c, name).flags.writeable
    assert c.names == full.names == ("x", "y", "1", "1", "1")
    assert SupplementalLists.concatenate([None, b]) is b and SupplementalLists.concatenate([]) is None
    with pytest.raises(ValueError, match="grouped by applicant"):
        SupplementalLists.concatenate([b, a])
    with pytest.raises(ValueError, match="same name"):
        SupplementalLists.concatenate([b.__class__([3], [0, 1], [5], [0, 1], [1]), b.__class__([3], [0, 1], [6],
                                                                                                  [0, 1], [2])])


def _tables_reference(m):
    """rank_at, p_back, link_at and sup_rank from their definitions, entry by entry."""
    a_ptr, a_idx = m.applicant_ptr, m.applicant_list
    rank_at = receiver_ranks(m)
    pos = receiver_ranks(m, "program")
    apps = m.program_list.astype(np.int64)
    p_back = np.where(pos == UNRANKED, -1, a_ptr[:-1][apps] + pos)
    link_at = np.full(a_idx.size, -1, dtype=np.int32)
    sp = m.supplemental
    sup_rank = np.zeros(0, dtype=np.int32)
    if sp is not None and sp.n_lists:
        sup_rank = np.full(sp.programs.size, UNRANKED, dtype=np.int32)
        for i in range(sp.n_lists):
            a = int(sp.owner[i])
            for g in range(sp.ptr[i], sp.ptr[i + 1]):
                ranked = m.program_prefs(int(sp.programs[g])).tolist()
                if a in ranked:
                    sup_rank[g] = ranked.index(a)
            for e in range(a_ptr[a], a_ptr[a + 1]):
                if a_idx[e] in sp.links_of(i):
                    link_at[e] = i
    return rank_at, p_back, link_at, sup_rank


def test_nrmp_tables_match_their_definitions():
    rng = np.random.default_rng(11)
    markets = [random_nrmp_market(rng, supplemental=0.7, reversions=0.3, n_couples=(0, 2), n_singles=(1, 6),
                                  n_programs=(1, 6)) for _ in range(300)]
    markets += [specialty_track_market(60, TRACKS[:30], rng=s) for s in range(5)]
    for m in markets:
        t = nrmp_tables(m)
        for got, want in zip((t.rank_at, t.p_back, t.link_at, t.sup_rank), _tables_reference(m)):
            assert np.array_equal(got, want)
        assert t.rank_at.dtype == np.int32 and t.p_back.dtype == np.int64 and t.link_at.dtype == np.int32
