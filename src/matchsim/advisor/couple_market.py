"""``compare --couple ... --market``: a couple's joint lists through the NRMP algorithm with couples.

For a couple the menu argument fails (:mod:`matchsim.advisor.couples`), so
this mode measures instead. Each simulated market has two specialties, yours
and your partner's (:func:`matchsim.markets.specialty.specialty_market` for
each, your programs first), some *other* couples across them (their joint
lists pair their single preferences, best combined ranks first), and the two
of you placed on your programs' lists as in :mod:`matchsim.advisor.market_mode`
(each program ranks you above or below its cutoff as your drawn menu says).
Then the NRMP algorithm (:func:`matchsim.engine.nrmp.nrmp_match`) runs once
per joint list, every list facing the same market:

* your candidate joint lists, compared with your true joint order;
* **variants** of your true joint order: every truncation (its first ``k``
  pairs), every swap of two neighbouring pairs, and random reorderings.

A variant is *better* in a market when it ends on a pair that comes earlier on
your true joint order than the pair the true order itself gets there (or on a
pair where the true order leaves you unmatched). For a single applicant that
never happens; with couples it can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["CoupleMarketRun", "simulate_couple_markets", "joint_variants", "DEFAULT_COUPLE_SHARE"]

#: Share of the other applicants who apply as couples in the simulated markets.
DEFAULT_COUPLE_SHARE = 0.1
#: Random reorderings of the true joint order tried in each market.
RANDOM_REORDERINGS = 10


def joint_variants(pairs, rng, n_random=RANDOM_REORDERINGS):
    """Truncations, neighbour swaps and random reorderings of a joint list: ``[(family, label, pairs)]``.

    Examples
    --------
    >>> v = joint_variants(np.array([[0, 0], [1, 1], [0, -1]]), np.random.default_rng(0), n_random=1)
    >>> [(f, label) for f, label, _ in v]
    [('truncation', 'first 1 pair'), ('truncation', 'first 2 pairs'), ('swap', 'pairs 1 and 2 swapped'), ('swap', 'pairs 2 and 3 swapped'), ('reordering', 'random order 1')]
    """
    pairs = np.asarray(pairs, dtype=np.int64)
    k = len(pairs)
    out = [("truncation", f"first {j} {'pair' if j == 1 else 'pairs'}", pairs[:j]) for j in range(1, k)]
    for i in range(k - 1):
        p = pairs.copy()
        p[[i, i + 1]] = p[[i + 1, i]]
        out.append(("swap", f"pairs {i + 1} and {i + 2} swapped", p))
    for r in range(n_random if k > 1 else 0):
        out.append(("reordering", f"random order {r + 1}", pairs[rng.permutation(k)]))
    return out


@dataclass(frozen=True, eq=False)
class CoupleMarketRun:
    """What the NRMP algorithm with couples did with each joint list, market by market.

    Attributes
    ----------
    markets : int
    lists : tuple of str
        The candidate joint lists.
    list_rank : ndarray of int64, shape (n_lists, n_markets)
        Position on the true joint order of the pair each list got (``len``
        = unmatched, ``len + 1`` = a pair not on the true joint order).
    true_rank : ndarray of int64, shape (n_markets,)
    variants : tuple of (family, label)
    variant_rank : ndarray of int64, shape (n_variants, n_markets)
    unstable : int
        Markets in which some run did not end stable (the algorithm's own check).
    """

    markets: int
    lists: tuple
    list_rank: np.ndarray
    true_rank: np.ndarray
    variants: tuple
    variant_rank: np.ndarray
    unstable: int

    def versus(self, ranks):
        """Share of markets that are worse / same / better than the true joint order."""
        d = np.asarray(ranks) - self.true_rank
        n = self.markets
        return np.count_nonzero(d > 0) / n, np.count_nonzero(d == 0) / n, np.count_nonzero(d < 0) / n

    @property
    def any_better(self) -> float:
        """Share of markets in which at least one variant does better than the true joint order."""
        if self.variant_rank.size == 0:
            return 0.0
        return float(np.mean((self.variant_rank < self.true_rank[None, :]).any(axis=0)))

    def families(self):
        """Per family of variants: ``(count, best worse, best same, best better, mean worse, mean same,
        mean better)``: the shares of markets where the best of them is worse / the same / better than the
        true joint order, and the same shares for one of them on average."""
        out = {}
        for fam in dict.fromkeys(f for f, _ in self.variants):
            rows = [i for i, (f, _) in enumerate(self.variants) if f == fam]
            best = self.variant_rank[rows].min(axis=0)
            each = np.mean([self.versus(self.variant_rank[i]) for i in rows], axis=0)
            out[fam] = (len(rows),) + self.versus(best) + tuple(float(x) for x in each)
        return out


def _shift(market, a_off, p_off):
    """CSR arrays of a market with applicant ids shifted by ``a_off`` and program ids by ``p_off``."""
    return (market.applicant_ptr, market.applicant_list + p_off, market.program_ptr, market.program_list + a_off,
            market.capacity)


def _merged(m1, m2, couples_rows, joint):
    """One market of two specialties, the other couples, and the focal couple with ``joint``."""
    from matchsim.extensions import NO_MATCH, Couples
    from matchsim.market import Market

    n1, p1 = m1.n_applicants, m1.n_programs
    a1, l1, q1, r1, c1 = _shift(m1, 0, 0)
    a2, l2, q2, r2, c2 = _shift(m2, n1, p1)
    members = [[0, n1]] + [list(m) for m, _ in couples_rows]
    lists = [np.where(joint >= 0, joint + np.array([0, p1]), NO_MATCH)] + [jl for _, jl in couples_rows]
    ptr = np.cumsum([0] + [len(x) for x in lists])
    a_lens = np.concatenate([np.diff(a1), np.diff(a2)])
    in_couple = np.zeros(a_lens.size, dtype=bool)
    in_couple[np.array(members).ravel()] = True
    a_idx_all = np.concatenate([l1, l2])
    owner = np.repeat(np.arange(a_lens.size), a_lens)
    keep = ~in_couple[owner]
    new_lens = np.where(in_couple, 0, a_lens)
    a_ptr = np.zeros(a_lens.size + 1, dtype=np.int64)
    np.cumsum(new_lens, out=a_ptr[1:])
    p_ptr = np.concatenate([q1, q1[-1] + q2[1:]])
    return Market.from_arrays(a_ptr, a_idx_all[keep], p_ptr, np.concatenate([r1, r2]), np.concatenate([c1, c2]),
                              couples=Couples(np.array(members), ptr, np.concatenate(lists)))


def _other_couples(m1, m2, share, g):
    """Other couples across the two specialties: ``[((a, b), joint list)]`` with merged ids."""
    n1, p1 = m1.n_applicants, m1.n_programs
    k = int(round(share * min(n1, m2.n_applicants) / 2))
    a = 1 + g.permutation(n1 - 1)[:k]
    b = 1 + g.permutation(m2.n_applicants - 1)[:k]
    rows = []
    for x, y in zip(a.tolist(), b.tolist()):
        lx, ly = m1.applicant_prefs(x)[:4], m2.applicant_prefs(y)[:4]
        if not lx.size or not ly.size:
            continue
        pairs = sorted(((i + j, i, j) for i in range(lx.size) for j in range(ly.size)))
        jl = np.array([[lx[i], ly[j] + p1] for _, i, j in pairs], dtype=np.int64)
        rows.append(((x, y + n1), jl))
    return rows


def _rank_on(true_pairs, pair):
    for i, p in enumerate(true_pairs.tolist()):
        if p == pair:
            return i
    return len(true_pairs) + 1


def simulate_couple_markets(me_chance, partner_chance, joint, true_order, *, n_applicants, n_markets,
                            correlation, rng=None, couple_share=DEFAULT_COUPLE_SHARE, progress=None) -> CoupleMarketRun:
    """Run every joint list and the variants of the true joint order through the NRMP algorithm.

    Parameters
    ----------
    me_chance, partner_chance : array_like of float
    joint : dict of str -> ndarray of int64, shape (k, 2)
    true_order : str
    n_applicants : int
        Applicants per market (both specialties, the two of you included).
    n_markets : int
    correlation : float
    rng : None, int or numpy.random.Generator
    couple_share : float
        Share of the other applicants in couples.
    progress : callable, optional
    """
    from matchsim.advisor.market_mode import place_applicant
    from matchsim.advisor.menu import menu_thresholds, validate_model
    from matchsim.engine.nrmp import nrmp_match
    from matchsim.markets.specialty import specialty_market

    c1, rho = validate_model(me_chance, correlation)
    c2, _ = validate_model(partner_chance, correlation)
    names = tuple(joint)
    tp = np.asarray(joint[true_order], dtype=np.int64)
    rng = np.random.default_rng(rng)
    n_markets = int(n_markets)
    draws = []
    for c in (c1, c2):
        z = rng.standard_normal(n_markets)
        e = rng.standard_normal((n_markets, c.size))
        draws.append(math.sqrt(rho) * z[:, None] + math.sqrt(1.0 - rho) * e < menu_thresholds(c))
    variants = joint_variants(tp, rng)
    seeds = np.random.SeedSequence(int(rng.integers(2**63))).spawn(n_markets)
    half = max(2, int(n_applicants) // 2)
    list_rank = np.zeros((len(names), n_markets), dtype=np.int64)
    true_rank = np.zeros(n_markets, dtype=np.int64)
    variant_rank = np.zeros((len(variants), n_markets), dtype=np.int64)
    unstable = 0
    for t in range(n_markets):
        g = np.random.default_rng(seeds[t])
        m1 = place_applicant(specialty_market(half, max(c1.size + 5, half // 6), g), draws[0][t], g)
        m2 = place_applicant(specialty_market(max(2, int(n_applicants) - half), max(c2.size + 5, half // 6), g),
                             draws[1][t], g)
        others = _other_couples(m1, m2, couple_share, g)
        bad = False

        def outcome(pairs):
            nonlocal bad
            res = nrmp_match(_merged(m1, m2, others, pairs), rng=0)
            bad |= not res.stable
            i = int(res.couple_assignment[0])
            if i < 0:
                return len(tp)
            x, y = (int(v) for v in pairs[i])
            return _rank_on(tp, [x, y])

        seen = {}

        def rank(pairs):
            key = tuple(map(tuple, np.asarray(pairs).tolist()))
            if key not in seen:
                seen[key] = outcome(np.asarray(pairs, dtype=np.int64))
            return seen[key]

        true_rank[t] = rank(tp)
        for i, name in enumerate(names):
            list_rank[i, t] = rank(joint[name])
        for v, (_, _, pairs) in enumerate(variants):
            variant_rank[v, t] = rank(pairs)
        unstable += bad
        if progress is not None:
            progress(t + 1, n_markets)
    return CoupleMarketRun(n_markets, names, list_rank, true_rank, tuple((f, label) for f, label, _ in variants),
                           variant_rank, unstable)
