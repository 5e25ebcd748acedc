"""Seeded NRMP-scale markets with couples, supplemental lists and reversions, for the benchmarks.

Built on :func:`matchsim.markets.simple.nrmp_shaped_market` (47,000
applicants, 6,600 programs, 43,000 positions, 12 ranks per applicant), in the
proportions Roth & Peranson (1999, Table 1) report for 1987-1996: about 4% of
applicants in couples, 8-12% with supplemental lists, about 7% of programs
with reversions. Every draw comes from one seed; the builders take the plain
market's own lists, so plain deferred acceptance can be run on the same lists.

Couples (:func:`with_couples`). A share of the applicants is paired up at
random. A couple's joint list crosses the two partners' own lists: pairs
``(i-th program of partner 1, j-th program of partner 2)`` ordered by
``i + j`` (ties by ``i``), the best ``max_pairs`` of them, followed by
``(program, No Match)`` for the first partner's top three programs. The
partners' single lists are dropped; programs' lists are unchanged. This is
the construction the stable-matching-suite comparison used (900 couples on a
45,000-applicant market), so its published time can be set beside ours.

Supplemental lists and tracks (:func:`with_nrmp_extensions`). A share of
the programs is advanced, another preliminary or transitional (PGY-1). An
applicant (single, or a couple's member) whose primary list holds an advanced
program and a PGY-1 program may move the PGY-1 programs to a supplemental
list linked to every advanced program on the list (a third of them split it
into two lists, linked to different advanced programs); applicants are taken
at random until ``supplemental`` of all applicants have such lists. The
PGY-1 programs already rank these applicants (they ranked them back), so the
lists are live. Applicants without a supplemental list rank no advanced
program (an advanced position starts in the second year, so it needs the
PGY-1 year a supplemental list provides); they may keep PGY-1 programs on their
primary lists, as backups.

The same tracks, supplemental lists and reversions can be added to a market
that already has its couples (:func:`with_supplemental_and_reversions`, for
the couples market of ``shared/bench/couples_market.py``): the lists go to
single applicants, and the couples' pairs with an advanced program are
dropped, as couples' members have no supplemental list.

Reversions. A share of the programs reverts: each such donor reverts 1 to
``capacity`` positions to one or two other programs, always to a program later
in a random order of the programs, so reversions never form a cycle.
"""

from __future__ import annotations

import functools

import numpy as np

from matchsim import Market
from matchsim.extensions import ADVANCED, PRELIMINARY, TRANSITIONAL, Couples, Reversions, SupplementalLists
from matchsim.markets.simple import nrmp_shaped_market

SEED = 20_250_321
NRMP = (47_000, 6_600, 43_000)


@functools.lru_cache(maxsize=None)
def base_market(n_applicants: int = NRMP[0], seed: int = SEED) -> Market:
    """The plain NRMP-shaped market (cached), in NRMP proportions."""
    if n_applicants == NRMP[0]:
        shape = NRMP
    else:
        shape = (n_applicants, max(2, round(n_applicants * 0.14)), max(2, round(n_applicants * 0.915)))
    return nrmp_shaped_market(*shape, mean_list=12, rng=seed)


def _joint_list(l1, l2, max_pairs):
    i = np.repeat(np.arange(l1.size), l2.size)
    j = np.tile(np.arange(l2.size), l1.size)
    order = np.lexsort((i, i + j))[:max_pairs]
    pairs = np.stack([l1[i[order]], l2[j[order]]], axis=1)
    solo = np.stack([l1[:3], np.full(min(3, l1.size), -1)], axis=1)
    return np.concatenate([pairs, solo]).astype(np.int32)


def with_couples(market: Market, share: float = 0.04, max_pairs: int = 60, rng=SEED) -> Market:
    """``market`` with ``share`` of its applicants paired into couples (see the module docstring)."""
    rng = np.random.default_rng(rng)
    n_a = market.n_applicants
    k = int(n_a * share) // 2
    members = rng.choice(n_a, size=2 * k, replace=False).reshape(k, 2).astype(np.int32)
    lists = []
    for m1, m2 in members.tolist():
        lists.append(_joint_list(market.applicant_prefs(m1), market.applicant_prefs(m2), max_pairs))
    ptr = np.zeros(k + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lists], out=ptr[1:])
    programs = np.concatenate(lists) if lists else np.zeros((0, 2), dtype=np.int32)
    keep = np.ones(n_a, dtype=bool)
    keep[members.ravel()] = False
    a_ptr, a_idx = _filter_rows(market.applicant_ptr, market.applicant_list, keep)
    return Market(a_ptr, a_idx, market.program_ptr, market.program_list, market.capacity,
                  couples=Couples(members, ptr, programs))


def _filter_rows(ptr, idx, keep_row, keep_entry=None):
    """CSR with the rows where ``keep_row`` is False emptied (and entries where ``keep_entry`` is False dropped)."""
    lengths = np.diff(ptr)
    entry_row = np.repeat(np.arange(lengths.size), lengths)
    mask = keep_row[entry_row]
    if keep_entry is not None:
        mask &= keep_entry
    new_len = np.bincount(entry_row[mask], minlength=lengths.size)
    new_ptr = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(new_len, out=new_ptr[1:])
    return new_ptr, idx[mask]


def _draw_tracks(n_p, advanced, pgy1, rng):
    tracks = np.zeros(n_p, dtype=np.int8)
    kinds = rng.random(n_p)
    tracks[kinds < advanced] = ADVANCED
    tracks[(kinds >= advanced) & (kinds < advanced + pgy1 * 0.6)] = PRELIMINARY
    tracks[(kinds >= advanced + pgy1 * 0.6) & (kinds < advanced + pgy1)] = TRANSITIONAL
    return tracks


def _supplemental_lists(market, tracks, share, eligible, rng):
    """Supplemental lists for ``share`` of all applicants, drawn among ``eligible`` ones (module docstring).

    Returns the lists (or None), who has one, and the primary lists without
    the moved PGY-1 programs (and without advanced programs for the others).
    """
    is_adv = tracks == ADVANCED
    is_pgy1 = (tracks == PRELIMINARY) | (tracks == TRANSITIONAL)
    n_a = market.n_applicants
    a_ptr, a_idx = market.applicant_ptr, market.applicant_list
    entry_row = np.repeat(np.arange(n_a), np.diff(a_ptr))
    has_adv = np.bincount(entry_row[is_adv[a_idx]], minlength=n_a) > 0
    has_pg = np.bincount(entry_row[is_pgy1[a_idx]], minlength=n_a) > 0
    candidates = np.flatnonzero(has_adv & has_pg & eligible)
    chosen = rng.permutation(candidates)[: int(share * n_a)]
    moved = np.zeros(n_a, dtype=bool)
    moved[chosen] = True
    rows, names = [], []
    split = rng.random(chosen.size) < 1 / 3
    for a, two in zip(sorted(chosen.tolist()), split.tolist()):
        lst = market.applicant_prefs(a)
        adv = lst[is_adv[lst]].tolist()
        pg = lst[is_pgy1[lst]].tolist()
        if two and len(adv) >= 2 and len(pg) >= 2:
            h, g = len(adv) // 2, len(pg) // 2
            rows += [(a, adv[:h], pg[:g]), (a, adv[h:], pg[g:])]
            names += ["1", "2"]
        else:
            rows.append((a, adv, pg))
            names.append("1")
    # an applicant with a supplemental list ranks its PGY-1 programs there; one without
    # ranks no advanced program (an advanced position needs a PGY-1 year before it,
    # which only a supplemental list provides), but may keep PGY-1 programs as backups
    keep_entry = ~(moved[entry_row] & is_pgy1[a_idx]) & (moved[entry_row] | ~is_adv[a_idx])
    a_ptr2, a_idx2 = _filter_rows(a_ptr, a_idx, np.ones(n_a, dtype=bool), keep_entry)
    sup = SupplementalLists.from_rows(rows, names) if rows else None
    return sup, moved, a_ptr2, a_idx2


def _draw_reversions(market, share, rng):
    """Reversions along a random order of the programs (never circular)."""
    n_p = market.n_programs
    rank = np.empty(n_p, dtype=np.int64)
    rank[rng.permutation(n_p)] = np.arange(n_p)
    donors = np.flatnonzero((rng.random(n_p) < share) & (market.capacity > 0))
    d_rows, r_rows, k_rows = [], [], []
    for d in donors.tolist():
        later = np.flatnonzero(rank > rank[d])
        if later.size == 0:
            continue
        n_recv = 1 if rng.random() < 0.7 or later.size < 2 else 2
        recv = rng.choice(later, size=n_recv, replace=False)
        left = int(market.capacity[d])
        for r in recv.tolist():
            if left == 0:
                break
            k = int(rng.integers(1, left + 1))
            d_rows.append(d)
            r_rows.append(r)
            k_rows.append(k)
            left -= k
    return Reversions(np.array(d_rows), np.array(r_rows), np.array(k_rows))


def with_nrmp_extensions(market: Market, couples: float = 0.04, supplemental: float = 0.10,
                         reversions: float = 0.07, advanced: float = 0.12, pgy1: float = 0.15,
                         even_odd: float = 0.0, rng=SEED) -> Market:
    """``market`` with couples, tracks, supplemental lists, reversions (and even/odd requests).

    The shares are of applicants (``couples``, ``supplemental``) and of
    programs (``reversions``, ``advanced``, ``pgy1``, ``even_odd``). The
    couples are drawn among the applicants left without a supplemental list.
    """
    seeds = np.random.SeedSequence(rng).spawn(4)
    rng_t, rng_s, rng_r, rng_e = (np.random.default_rng(s) for s in seeds)
    n_a, n_p = market.n_applicants, market.n_programs
    tracks = _draw_tracks(n_p, advanced, pgy1, rng_t)
    sup, moved, a_ptr2, a_idx2 = _supplemental_lists(market, tracks, supplemental, np.ones(n_a, dtype=bool), rng_s)

    # couples among the applicants without supplemental lists (pairing is independent of them)
    plain = Market(a_ptr2, a_idx2, market.program_ptr, market.program_list, market.capacity)
    if couples > 0:
        singles = np.flatnonzero(~moved)
        k = int(n_a * couples) // 2
        members = rng_e.choice(singles, size=2 * k, replace=False).reshape(k, 2).astype(np.int32)
        lists = [_joint_list(plain.applicant_prefs(m1), plain.applicant_prefs(m2), 60)
                 for m1, m2 in members.tolist()]
        ptr = np.zeros(k + 1, dtype=np.int64)
        np.cumsum([len(x) for x in lists], out=ptr[1:])
        keep = np.ones(n_a, dtype=bool)
        keep[members.ravel()] = False
        a_ptr2, a_idx2 = _filter_rows(a_ptr2, a_idx2, keep)
        cp = Couples(members, ptr, np.concatenate(lists))
    else:
        cp = None
    rv = _draw_reversions(market, reversions, rng_r) if reversions > 0 else None
    eo = None
    if even_odd > 0:
        eo = np.where(rng_r.random(n_p) < even_odd, rng_r.integers(1, 3, size=n_p), 0).astype(np.int8)
    return Market(a_ptr2, a_idx2, market.program_ptr, market.program_list, market.capacity,
                  tracks=tracks, couples=cp, supplemental=sup, reversions=rv, even_odd=eo)


def with_supplemental_and_reversions(market: Market, supplemental: float = 0.10, reversions: float = 0.07,
                                     advanced: float = 0.12, pgy1: float = 0.15, rng=SEED) -> Market:
    """``market`` (its couples kept as they are) with tracks, supplemental lists and reversions.

    The supplemental lists go to single applicants (not to couples' members),
    drawn as in :func:`with_nrmp_extensions`; used on the couples market of
    ``shared/bench/couples_market.py``.
    """
    seeds = np.random.SeedSequence(rng).spawn(4)
    rng_t, rng_s, rng_r, _ = (np.random.default_rng(s) for s in seeds)
    tracks = _draw_tracks(market.n_programs, advanced, pgy1, rng_t)
    single = np.ones(market.n_applicants, dtype=bool)
    if market.couples is not None:
        single[market.couples.members.ravel()] = False
    sup, _, a_ptr2, a_idx2 = _supplemental_lists(market, tracks, supplemental, single, rng_s)
    if market.couples is not None:
        # couples' members rank no advanced program either (they have no supplemental list)
        c = market.couples
        bad = ((c.programs >= 0) & (tracks[np.maximum(c.programs, 0)] == ADVANCED)).any(axis=1)
        ptr, programs = _filter_rows(c.ptr, c.programs, np.ones(c.n_couples, dtype=bool), ~bad)
        couples = Couples(c.members, ptr, programs)
    else:
        couples = None
    rv = _draw_reversions(market, reversions, rng_r) if reversions > 0 else None
    return Market(a_ptr2, a_idx2, market.program_ptr, market.program_list, market.capacity,
                  tracks=tracks, couples=couples, supplemental=sup, reversions=rv)


@functools.lru_cache(maxsize=None)
def nrmp_market(n_applicants: int = NRMP[0], seed: int = SEED, even_odd: float = 0.0) -> Market:
    """The benchmark market with every extension (cached)."""
    return with_nrmp_extensions(base_market(n_applicants, seed), even_odd=even_odd, rng=seed)


@functools.lru_cache(maxsize=None)
def couples_market(n_applicants: int = NRMP[0], seed: int = SEED) -> Market:
    """The benchmark market with couples only (4% of applicants), as in the stable-matching-suite comparison."""
    return with_couples(base_market(n_applicants, seed), 0.04, rng=seed)


#: The two NRMP-scale benchmark markets, by name (``bench_nrmp.py`` and ``_probe.py nrmp-memory``).
MARKETS = {"every-extension": nrmp_market, "couples": couples_market}
