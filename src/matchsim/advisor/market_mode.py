"""Proof with the real algorithm: put the applicant into simulated specialty markets.

The menu model (:mod:`matchsim.advisor.menu`) rests on a theorem: with
everybody else's lists fixed, deferred acceptance gives an applicant the first
program on her list that would take her. This mode does not assume it. It
builds whole synthetic markets, places the applicant in them, and runs the
full :func:`matchsim.engine.deferred_acceptance` once per candidate list per
market, every list facing the *same* market (common random numbers).

How she is placed in a market
-----------------------------
The market comes from :func:`matchsim.markets.specialty.specialty_market`
(the built-in ``"simple"`` generator: programs with a common quality and
2-8 positions, applicants ranking 6-14 of them by quality plus taste, programs
ranking applicants by strength plus noise) or from a calibrated preset of
:mod:`matchsim.markets`.

Her programs are programs ``0 .. k-1``. The market is first run without her;
that gives each of her programs a *cutoff*: the last applicant it admitted
(or a vacancy). Her menu indicator for each program is drawn from the same
one-factor Gaussian copula as the menu model, so it has exactly her stated
chance and correlation. Where it says "would take her", the program ranks her
at a random place above its cutoff; otherwise at a random place below it (or
not at all, if the program had a vacancy).

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

from matchsim.advisor.comparison import ListComparison, joint_from_outcomes
from matchsim.advisor.defaults import (
    DEFAULT_APPLICANTS,
    DEFAULT_CORRELATION,
    DEFAULT_GENERATOR,
    DEFAULT_MARKETS,
    GENERATORS,
    MIN_APPLICANTS,
)
from matchsim.advisor.inputs import true_order
from matchsim.advisor.menu import menu_thresholds, validate_lists, validate_model
from matchsim.engine import applicant_menu, deferred_acceptance, outcome_from_menu
from matchsim.market import UNMATCHED, Market
from matchsim.markets.specialty import specialty_market

__all__ = ["MarketRun", "simulate_list_outcomes", "place_applicant", "DEFAULT_APPLICANTS",
           "DEFAULT_MARKETS", "GENERATORS"]

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


@njit(cache=True)
def _cutoffs(ptr, idx, held, k):
    """For programs ``0..k-1``: how many on each one's list it admitted, and the place of the last one.

    ``held[r, a]`` is what applicant ``a`` holds in the ``r``-th kind of
    position (a program id or -1); an applicant on program ``j``'s list was
    admitted when any kind holds ``j``. The place is 0-based in the list, -1
    when nobody was admitted.
    """
    n_admitted = np.zeros(k, dtype=np.int64)
    worst = np.full(k, -1, dtype=np.int64)
    for j in range(k):
        for e in range(ptr[j], ptr[j + 1]):
            a = idx[e]
            for r in range(held.shape[0]):
                if held[r, a] == j:
                    n_admitted[j] += 1
                    worst[j] = e - ptr[j]
                    break
    return n_admitted, worst


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


def place_applicant(market, menu, rng=None, applicant=FOCAL, held=None):
    """Put ``applicant`` on the lists of programs ``0..k-1`` so that ``menu[j]`` says who takes her.

    The market is run without her to find each program's cutoff (its last
    admitted applicant); she is inserted at a random place above it where
    ``menu[j]`` is True and below it (or, with a vacancy, nowhere) where it is
    False. She must not be on any program's list yet.

    Parameters
    ----------
    held : sequence of ndarray, optional
        What each applicant holds in the market without her, one array per
        kind of position (program id or -1): by default her market is run with
        deferred acceptance and this is its assignment; a market with advanced
        programs passes the NRMP algorithm's primary and PGY-1 matches.

    Returns
    -------
    Market
        A new market (with the same tracks and supplemental lists); her own list is left empty.

    Examples
    --------
    >>> from matchsim.markets.specialty import specialty_market
    >>> m = specialty_market(50, 8, rng=2)
    >>> placed = place_applicant(m, [True, False, True], rng=2)
    >>> int(deferred_acceptance(placed.with_applicant_list(0, [0])).assignment[0])
    0
    """
    rng = np.random.default_rng(rng)
    menu = np.asarray(menu, dtype=bool)
    if held is None:
        held = (deferred_acceptance(market).assignment,)
    ptr, idx = market.program_ptr, market.program_list
    k = menu.size
    pos = np.full(k, -1, dtype=np.int64)
    held = np.ascontiguousarray(np.stack([np.asarray(h) for h in held]), dtype=np.int32)
    n_admitted, worst_at = _cutoffs(ptr, idx, held, k)
    full = n_admitted >= market.capacity[:k]
    size = np.diff(ptr[:k + 1])
    # one draw per program, in program order (the same stream as ever)
    for j, (m, f, worst, n) in enumerate(zip(menu.tolist(), full.tolist(), worst_at.tolist(), size.tolist())):
        if m:
            hi = worst if f else n
            pos[j] = int(rng.integers(0, hi + 1)) if hi >= 0 else 0
        elif f:
            pos[j] = int(rng.integers(worst + 1, n + 1))
    new_ptr, new_idx = _insert_applicant(ptr, idx, pos, np.int32(applicant))
    return Market.from_arrays(market.applicant_ptr, market.applicant_list, new_ptr, new_idx,
                              market.capacity, tracks=market.tracks, supplemental=market.supplemental)


def simulate_list_outcomes(chance, preference, lists, n_applicants=DEFAULT_APPLICANTS,
                           n_markets=DEFAULT_MARKETS, correlation=DEFAULT_CORRELATION, rng=None,
                           verify=False, n_programs=None, generator=DEFAULT_GENERATOR, progress=None,
                           tracks=None, pgy1_preference=None, supplemental=(), supplemental_names=None,
                           link=None, jobs=1, **market_kw) -> MarketRun:
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
    c, rho = validate_model(chance, correlation)
    k = c.size
    if tracks is not None and (np.any(np.asarray(tracks) != 0) or len(supplemental)):
        from matchsim.advisor.market_tracks import simulate_track_outcomes

        if generator != "simple":
            raise ValueError(f"the {generator!r} generator has no advanced or PGY-1 programs; with tracks, "
                             "simulated markets use the simple generator (leave out --generator)")
        return simulate_track_outcomes(c, preference, lists, tracks, pgy1_preference, supplemental,
                                       supplemental_names, link, n_applicants=n_applicants, n_markets=n_markets,
                                       correlation=rho, rng=rng, verify=verify, progress=progress, jobs=jobs)
    if int(jobs) != 1:
        raise ValueError("jobs: worker processes are used for markets with advanced programs and supplemental "
                         "lists; a file with categorical programs only runs in one process (leave out --jobs)")
    pref = np.asarray(preference, dtype=np.int64).ravel()
    if pref.size != k:
        raise ValueError(f"preference has {pref.size} entries for {k} programs")
    names, seqs = validate_lists(lists, k)
    n_markets = int(n_markets)
    if n_markets < 1:
        raise ValueError(f"n_markets must be at least 1, got {n_markets}")
    if int(n_applicants) < MIN_APPLICANTS:
        raise ValueError(f"n_applicants must be at least {MIN_APPLICANTS}, got {n_applicants}")
    make = _market_maker(generator, n_applicants, n_programs, k, market_kw)
    truthful = true_order(pref)
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
