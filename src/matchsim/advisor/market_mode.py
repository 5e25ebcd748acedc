"""Proof with the real algorithm: put the applicant into simulated specialty markets.

The menu model (:mod:`matchsim.advisor.menu`) rests on a theorem: with
everybody else's lists fixed, deferred acceptance gives an applicant the first
program on her list that would take her. This mode does not assume it. It
builds whole synthetic markets, places the applicant in them, and runs the
full :func:`matchsim.engine.deferred_acceptance` once per candidate list per
market, every list facing the *same* market (common random numbers).

The built-in specialty generator
--------------------------------
A deliberately simple stand-in for a calibrated generator. In each market:

1. ``n_applicants - 1`` other applicants and ``n_programs`` programs (default
   one program per 6 applicants, at least her programs plus 5), each program
   offering 2-8 positions (about 0.8 positions per applicant, a competitive
   specialty).
2. Programs have a common quality ``Q_p ~ N(0, 1)``; each applicant ranks the
   6-14 programs she likes best by ``Q_p`` plus personal taste (uniform noise
   with standard deviation ``taste_noise``).
3. Applicants have a strength ``S_a ~ N(0, 1)``; each program ranks every
   applicant who ranked it, by ``S_a + program_noise * N(0, 1)``.
4. Her programs are programs ``0 .. k-1``. The market is first run without
   her; that gives each of her programs a *cutoff*: the last applicant it
   admitted (or a vacancy). Her menu indicator for each program is drawn from
   the same one-factor Gaussian copula as the menu model, so it has exactly
   her stated chance and correlation. Where it says "would take her", the
   program ranks her at a random place above its cutoff; otherwise at a
   random place below it (or not at all, if the program had a vacancy).

Her entering the market can set off a chain of rejections that moves a
cutoff, so her realised chance at a program is *about* the stated one, not
exactly; ``verify`` measures it. Verification also computes her menu
from the algorithm itself: program ``j`` is on the menu when she matches
``j`` listing ``j`` alone; the theorem says each list's result is the first
program on it that is on this menu, and the count of markets where that fails
(it must be 0) is returned.

Examples
--------
>>> import numpy as np
>>> res = simulate_list_outcomes([0.3, 0.6], [1, 2], {"honest": [0, 1], "safe": [1, 0]},
...                              n_applicants=60, n_markets=20, rng=1, verify=True)
>>> res.comparison.method, res.comparison.n_samples, res.menu_violations
('market', 20, 0)
>>> float(res.comparison.better.max())
0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from matchsim.advisor.menu import (
    DEFAULT_CORRELATION,
    ListComparison,
    _check_lists,
    _check_model,
    joint_from_outcomes,
    menu_thresholds,
)
from matchsim.engine import applicant_menu, deferred_acceptance, outcome_from_menu
from matchsim.market import UNMATCHED, Market

__all__ = ["MarketRun", "simulate_list_outcomes", "specialty_market", "place_applicant",
           "DEFAULT_APPLICANTS", "DEFAULT_MARKETS", "GENERATORS"]

#: Default size of a simulated specialty (applicants, including her).
DEFAULT_APPLICANTS = 500
#: Default number of simulated markets.
DEFAULT_MARKETS = 1000
#: The focal applicant's id in every simulated market.
FOCAL = 0


@dataclass(frozen=True, eq=False)
class MarketRun:
    """Result of :func:`simulate_list_outcomes`.

    Attributes
    ----------
    comparison : ListComparison
        Outcome distributions over the simulated markets (``method="market"``).
    outcomes : ndarray of int32, shape (n_lists + 1, n_markets)
        Her match for each candidate list and, last, the true-order list
        (``UNMATCHED`` = -1).
    intended : ndarray of bool, shape (n_markets, n_programs)
        Menu drawn from the copula, used to place her on program lists.
    menus : ndarray of bool or None
        Menu found with the algorithm (she lists one program alone) in each
        verified market, shape (n_verified, n_programs); None without
        ``verify``.
    menu_violations : int or None
        Verified markets in which some list's result differed from the first
        program on it that is on the algorithm's menu (0 by theory); None
        without ``verify``.
    generator : str
        The market generator used (see :data:`GENERATORS`).
    """

    comparison: ListComparison
    outcomes: np.ndarray
    intended: np.ndarray
    menus: np.ndarray | None
    menu_violations: int | None
    generator: str = "simple"

    @property
    def placement_agreement(self):
        """Share of (verified market, program) pairs where the algorithm's menu equals the intended one."""
        if self.menus is None:
            return None
        return float(np.mean(self.menus == self.intended[: self.menus.shape[0]]))

    @property
    def realised_chance(self):
        """Share of verified markets in which each program would take her (needs ``verify``)."""
        return None if self.menus is None else self.menus.mean(axis=0)


@njit(cache=True)
def _specialty_lists(util, a_ptr, strength, noise, n_p):
    """Applicant ``a >= 1`` ranks her ``a_ptr[a+1] - a_ptr[a]`` best programs by ``util[a-1]``;
    each program ranks everyone who ranked it by ``strength + noise`` (one noise per entry).

    The best ``k`` of a row are kept in a small sorted buffer (lists are
    short, so most programs are rejected with one comparison); the program
    side is one sort of the entries by (program, -score).
    """
    n_a = a_ptr.size - 1
    a_idx = np.empty(a_ptr[-1], dtype=np.int32)
    buf_v = np.empty(n_p, dtype=util.dtype)
    buf_p = np.empty(n_p, dtype=np.int32)
    for a in range(1, n_a):
        row = util[a - 1]
        k = a_ptr[a + 1] - a_ptr[a]
        m = 0
        for p in range(n_p):
            v = row[p]
            if m == k and v <= buf_v[m - 1]:
                continue
            i = m if m < k else k - 1
            while i > 0 and buf_v[i - 1] < v:
                buf_v[i] = buf_v[i - 1]
                buf_p[i] = buf_p[i - 1]
                i -= 1
            buf_v[i] = v
            buf_p[i] = p
            if m < k:
                m += 1
        for i in range(k):
            a_idx[a_ptr[a] + i] = buf_p[i]
    key = np.empty(a_idx.size)
    owner = np.empty(a_idx.size, dtype=np.int32)
    span = 0.0
    for e in range(noise.size):
        span = max(span, abs(noise[e]))
    for a in range(n_a):
        span = max(span, abs(strength[a]))
    span = 4.0 * span + 1.0  # wider than any score difference: sorts by program first
    for a in range(1, n_a):
        for e in range(a_ptr[a], a_ptr[a + 1]):
            key[e] = a_idx[e] * span - (strength[a] + noise[e])
            owner[e] = a
    order = np.argsort(key)
    p_idx = owner[order]
    p_ptr = np.zeros(n_p + 1, dtype=np.int64)
    for e in range(a_idx.size):
        p_ptr[a_idx[e] + 1] += 1
    for p in range(n_p):
        p_ptr[p + 1] += p_ptr[p]
    return a_idx, p_ptr, p_idx


@njit(cache=True)
def _insert_applicant(ptr, idx, pos, applicant):
    """Insert ``applicant`` at position ``pos[j]`` of program ``j``'s list (``-1``: leave out)."""
    k = pos.size
    extra = 0
    for j in range(k):
        if pos[j] >= 0:
            extra += 1
    new_ptr = ptr.copy()
    new_idx = np.empty(idx.size + extra, dtype=idx.dtype)
    w = 0
    for j in range(k):
        new_ptr[j] = w
        s = ptr[j]
        for e in range(ptr[j], ptr[j + 1]):
            if e - s == pos[j]:
                new_idx[w] = applicant
                w += 1
            new_idx[w] = idx[e]
            w += 1
        if pos[j] == ptr[j + 1] - s:
            new_idx[w] = applicant
            w += 1
    shift = w - ptr[k]
    for e in range(ptr[k], idx.size):
        new_idx[e + shift] = idx[e]
    for j in range(k, ptr.size):
        new_ptr[j] = ptr[j] + shift
    return new_ptr, new_idx


def specialty_market(n_applicants, n_programs, rng=None, *, min_list=6, max_list=14,
                     taste_noise=1.0, program_noise=0.7, min_capacity=2, max_capacity=8):
    """A simple specialty market in which applicant 0 (the focal one) ranks nobody yet.

    Parameters
    ----------
    n_applicants, n_programs : int
        Sizes, applicant 0 included.
    rng : None, int or numpy.random.Generator
    min_list, max_list : int
        Range of the other applicants' list lengths (capped at ``n_programs``).
    taste_noise, program_noise : float
        Weight of personal taste against the common view on each side.
    min_capacity, max_capacity : int
        Range of positions per program.

    Returns
    -------
    Market

    Examples
    --------
    >>> m = specialty_market(100, 15, rng=0)
    >>> m.n_applicants, m.n_programs, m.applicant_prefs(0).size
    (100, 15, 0)
    """
    rng = np.random.default_rng(rng)
    n_a, n_p = int(n_applicants), int(n_programs)
    if n_a < 1 or n_p < 1:
        raise ValueError("a market needs at least one applicant and one program")
    cap = rng.integers(min_capacity, max_capacity + 1, n_p)
    quality = rng.standard_normal(n_p)
    strength = rng.standard_normal(n_a)
    others = n_a - 1
    # personal taste: uniform noise with standard deviation taste_noise (uniform draws are
    # several times cheaper than normal ones, and this matrix is most of a market's random numbers)
    util = rng.random((others, n_p), dtype=np.float32)
    util -= 0.5
    util *= taste_noise * math.sqrt(12.0)
    util += quality.astype(np.float32)[None, :]
    k = rng.integers(min(min_list, n_p), min(max_list, n_p) + 1, others)
    a_ptr = np.zeros(n_a + 1, dtype=np.int64)
    np.cumsum(k, out=a_ptr[2:])
    noise = rng.standard_normal(int(a_ptr[-1]))
    a_idx, p_ptr, p_idx = _specialty_lists(util, a_ptr, strength, program_noise * noise, n_p)
    return Market.from_arrays(a_ptr, a_idx, p_ptr, p_idx, cap)


#: Market generators for ``--market``: the built-in one, or presets of :mod:`matchsim.markets`.
GENERATORS = ("simple", "pmr", "anesthesiology")


def _without_applicant_zero(market):
    """The same market with applicant 0's list emptied and applicant 0 removed from program lists."""
    a_ptr, a_idx = market.applicant_ptr, market.applicant_list
    n0 = int(a_ptr[1] - a_ptr[0])
    new_a_ptr = np.concatenate([[0, 0], a_ptr[2:] - n0])
    new_a_idx = a_idx[a_ptr[1]:]
    p_ptr, p_idx = market.program_ptr, market.program_list
    keep = p_idx != 0
    owner = np.repeat(np.arange(market.n_programs), np.diff(p_ptr))
    new_p_ptr = np.zeros(market.n_programs + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[keep], minlength=market.n_programs), out=new_p_ptr[1:])
    return Market.from_arrays(new_a_ptr, new_a_idx, new_p_ptr, p_idx[keep], market.capacity)


def _market_maker(generator, n_applicants, n_programs, k, market_kw):
    """A function ``rng -> Market`` (applicant 0 ranks nobody and is on no list)."""
    if generator == "simple":
        n_p = int(n_programs) if n_programs is not None else max(k + 5, int(n_applicants) // 6)
        if n_p < k:
            raise ValueError(f"n_programs must be at least the {k} programs on her file, got {n_p}")
        return lambda g: specialty_market(n_applicants, n_p, g, **market_kw)
    if generator not in GENERATORS:
        raise ValueError(f"generator must be one of {GENERATORS}, got {generator!r}")
    from matchsim.markets import generate_market, preset

    base = preset(generator)
    scale = int(n_applicants) / base.n_applicants
    n_p = int(n_programs) if n_programs is not None else max(k, round(base.n_programs * scale))
    if n_p < k:
        raise ValueError(f"n_programs must be at least the {k} programs on her file, got {n_p}")
    params = preset(generator, n_applicants=int(n_applicants), n_programs=n_p,
                    n_positions=max(n_p, round(base.n_positions * scale)), **market_kw)
    return lambda g: _without_applicant_zero(generate_market(params, rng=g).market)


def place_applicant(market, menu, rng=None, applicant=FOCAL):
    """Put ``applicant`` on the lists of programs ``0..k-1`` so that ``menu[j]`` says who takes her.

    The market is run without her to find each program's cutoff (its last
    admitted applicant); she is inserted at a random place above it where
    ``menu[j]`` is True and below it (or, with a vacancy, nowhere) where it is
    False. She must not be on any program's list yet.

    Returns
    -------
    Market
        A new market; her own list is left empty.

    Examples
    --------
    >>> m = specialty_market(50, 8, rng=2)
    >>> placed = place_applicant(m, [True, False, True], rng=2)
    >>> int(deferred_acceptance(placed.with_applicant_list(0, [0])).assignment[0])
    0
    """
    rng = np.random.default_rng(rng)
    menu = np.asarray(menu, dtype=bool)
    res = deferred_acceptance(market)
    ptr, idx = market.program_ptr, market.program_list
    k = menu.size
    pos = np.full(k, -1, dtype=np.int64)
    for j in range(k):
        seg = idx[ptr[j]:ptr[j + 1]]
        full = res.filled[j] >= market.capacity[j]
        if full:
            admitted = np.flatnonzero(res.assignment[seg] == j)
            worst = int(admitted[-1]) if admitted.size else -1
        if menu[j]:
            hi = worst if full else seg.size
            pos[j] = int(rng.integers(0, hi + 1)) if hi >= 0 else 0
        elif full:
            pos[j] = int(rng.integers(worst + 1, seg.size + 1))
    new_ptr, new_idx = _insert_applicant(ptr, idx, pos, np.int32(applicant))
    return Market.from_arrays(market.applicant_ptr, market.applicant_list, new_ptr, new_idx,
                              market.capacity)


def simulate_list_outcomes(chance, preference, lists, n_applicants=DEFAULT_APPLICANTS,
                           n_markets=DEFAULT_MARKETS, correlation=DEFAULT_CORRELATION, rng=None,
                           verify=False, n_programs=None, generator="simple", progress=None,
                           **market_kw) -> MarketRun:
    """Run every candidate list through the full algorithm in simulated markets.

    Parameters
    ----------
    chance : array_like of float, shape (k,)
        Chance that each of her programs would take her.
    preference : array_like of int, shape (k,)
        Her true order (1 = most wanted, 0 = unacceptable).
    lists : dict of str -> sequence of int
        Candidate lists as ids of her programs.
    n_applicants : int
        Applicants per market, her included.
    n_markets : int
        Number of simulated markets.
    correlation : float
        Correlation of programs' decisions about her (as in the menu model).
    rng : None, int or numpy.random.Generator
        Seed; each market gets its own child seed.
    verify : bool or int
        Also compute her menu with the algorithm (one extra run per program
        per market) and count markets that break the menu theorem: in every
        market (``True``), in the first ``verify`` markets (an int), or in
        none (``False`` / 0).
    n_programs : int, optional
        Programs per market (default: ``max(k + 5, n_applicants // 6)`` for
        ``"simple"``; the preset's, scaled to ``n_applicants``, otherwise).
    generator : {"simple", "pmr", "anesthesiology"}
        ``"simple"`` is :func:`specialty_market`; the others are the calibrated
        presets of :mod:`matchsim.markets` (slower: a staged generator with
        applications, signals and interviews), with positions and programs
        scaled to ``n_applicants``. Her programs are programs ``0..k-1``.
    progress : callable, optional
        Called as ``progress(done, total)`` after each simulated market.
    **market_kw
        Passed to :func:`specialty_market`, or as overrides to the preset.

    Returns
    -------
    MarketRun
    """
    c, rho = _check_model(chance, correlation)
    k = c.size
    pref = np.asarray(preference, dtype=np.int64).ravel()
    if pref.size != k:
        raise ValueError(f"preference has {pref.size} entries for {k} programs")
    names, seqs = _check_lists(lists, k)
    n_markets = int(n_markets)
    if n_markets < 1:
        raise ValueError(f"n_markets must be at least 1, got {n_markets}")
    if int(n_applicants) < 2:
        raise ValueError(f"n_applicants must be at least 2, got {n_applicants}")
    make = _market_maker(generator, n_applicants, n_programs, k, market_kw)
    acc = np.flatnonzero(pref > 0)
    truthful = acc[np.argsort(pref[acc], kind="stable")]
    all_lists = list(seqs) + [truthful]

    rng = np.random.default_rng(rng)
    # the menu indicators, drawn exactly as in the menu model
    z = rng.standard_normal(n_markets)
    e = rng.standard_normal((n_markets, k))
    intended = math.sqrt(rho) * z[:, None] + math.sqrt(1.0 - rho) * e < menu_thresholds(c)
    seeds = rng.bit_generator.seed_seq.spawn(n_markets) if hasattr(
        rng.bit_generator, "seed_seq") else np.random.SeedSequence(rng.integers(2**63)).spawn(n_markets)

    outcomes = np.full((len(all_lists), n_markets), UNMATCHED, dtype=np.int32)
    n_verify = n_markets if verify is True else min(int(verify), n_markets)
    if n_verify < 0:
        raise ValueError(f"verify must be True, False or a number of markets >= 0, got {verify}")
    menus = np.zeros((n_verify, k), dtype=bool) if n_verify else None
    violations = 0
    for t in range(n_markets):
        g = np.random.default_rng(seeds[t])
        base = place_applicant(make(g), intended[t], g)
        for i, lst in enumerate(all_lists):
            outcomes[i, t] = deferred_acceptance(base.with_applicant_list(FOCAL, lst)).assignment[FOCAL]
        if t < n_verify:
            menus[t] = applicant_menu(base, FOCAL, np.arange(k))[:k]
            if any(outcomes[i, t] != outcome_from_menu(menus[t], lst) for i, lst in enumerate(all_lists)):
                violations += 1
        if progress is not None:
            progress(t + 1, n_markets)
    joint = joint_from_outcomes(outcomes[:-1], outcomes[-1], k)
    comp = ListComparison(names, seqs, truthful, pref, joint, "market", n_markets, rho)
    return MarketRun(comp, outcomes, intended, menus, violations if n_verify else None, generator)
