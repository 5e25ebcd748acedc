"""``compare --market`` with advanced programs: the NRMP algorithm, supplemental lists included.

The two-year menu model (:mod:`matchsim.advisor.tracks`) says: her program is
the first one on her primary list that would take her, and for an advanced
one her PGY-1 year is the first program on the linked supplemental list that
would take her. This mode does not assume it. In each simulated market
(:func:`matchsim.markets.specialty.specialty_track_market`: categorical,
advanced and PGY-1 programs, every other applicant with a supplemental list
when ranking an advanced program) it runs the NRMP's algorithm
(:func:`matchsim.engine.nrmp.nrmp_match`) once per candidate list, every list
facing the same market (common random numbers), and reads her pair of
outcomes off the result.

She is placed in each market as in :mod:`matchsim.advisor.market_mode`: the
market is matched without her; each of her programs (primary or PGY-1) ranks
her above the last applicant it admitted when her menu indicator (drawn from
the same copula as the model) says it would take her, and below it otherwise.

Verification, market by market: her primary menu (program ``j`` takes her
when she lists ``j`` alone) and, for the advanced program a list gives her,
her PGY-1 menu there (``p`` takes her when she lists that program with the
supplemental list ``[p]``); the model's prediction from these menus is
compared with what the algorithm gave every list, and every difference is
counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matchsim.advisor.comparison import ListComparison, TrackTables, joint_from_outcomes, outcome_utility, \
    pair_tables
from matchsim.advisor.inputs import true_order
from matchsim.extensions import ADVANCED, CATEGORICAL, PGY1_TRACKS, PRELIMINARY, SupplementalLists

__all__ = ["simulate_track_outcomes", "TrackMarketRun", "market_tracks"]

FOCAL = 0


def market_tracks(her_tracks, n_applicants) -> np.ndarray:
    """Tracks of a simulated market: her programs first, then about one primary program per 6 applicants
    (advanced in her share, at least one in five) and one PGY-1 program per 8 applicants.

    Examples
    --------
    >>> market_tracks(np.array([1, 0, 2], dtype=np.int8), 60).tolist()[:3], market_tracks(np.array([0]), 60).size
    ([1, 0, 2], 18)
    """
    her = np.asarray(her_tracks, dtype=np.int8).ravel()
    pgy1 = np.isin(her, PGY1_TRACKS)
    n_prim = max(5, int(n_applicants) // 6)
    share = max(0.2, float(np.mean(her[~pgy1] == ADVANCED)) if (~pgy1).any() else 0.2)
    n_adv = int(round(n_prim * share))
    n_pg = max(5, int(n_applicants) // 8)
    extra = [ADVANCED] * n_adv + [CATEGORICAL] * (n_prim - n_adv) + [PRELIMINARY] * n_pg
    return np.concatenate([her, np.array(extra, dtype=np.int8)])


@dataclass(frozen=True, eq=False)
class TrackMarketRun:
    """Result of :func:`simulate_track_outcomes` (the track version of ``MarketRun``).

    Attributes
    ----------
    comparison : ListComparison
        With ``tracks`` set, over the simulated markets (``method="market"``).
    primary, pgy1 : ndarray of int32, shape (n_lists + 1, n_markets)
        Her primary program and PGY-1 program per list (last row: the true
        order), -1 for none.
    intended : ndarray of bool, shape (n_markets, k)
    menus : ndarray of bool or None
        Her primary menu found with the algorithm in each verified market.
    menu_violations : int or None
        Verified markets in which some list's pair differed from the model's
        prediction from the algorithm's menus.
    pgy1_checks : int
        PGY-1 menu entries found with the algorithm.
    generator : str
    """

    comparison: ListComparison
    primary: np.ndarray
    pgy1: np.ndarray
    intended: np.ndarray
    menus: np.ndarray | None
    menu_violations: int | None
    pgy1_checks: int = 0
    generator: str = "simple"

    @property
    def placement_agreement(self):
        if self.menus is None:
            return None
        k = self.menus.shape[1]
        prim = ~np.isin(self.comparison.tracks.tracks[:k], PGY1_TRACKS)
        return float(np.mean(self.menus[:, prim] == self.intended[: self.menus.shape[0], prim]))

    @property
    def realised_chance(self):
        """Share of verified markets in which each primary program would take her (PGY-1: NaN)."""
        if self.menus is None:
            return None
        out = self.menus.mean(axis=0).astype(np.float64)
        out[np.isin(self.comparison.tracks.tracks[: out.size], PGY1_TRACKS)] = np.nan
        return out


def _with_focal(base, primary, supplemental, links, cache=None):
    """``base`` with applicant 0's primary list and supplemental lists set (one validation).

    ``cache`` (a dict) keeps the container of her own supplemental lists for
    each set of her lists and links; her lists are the same in every market,
    so one container (checked once) serves every market a worker simulates,
    and is joined to each market's lists with
    :meth:`~matchsim.extensions.SupplementalLists.concatenate`.
    """
    from matchsim.market import Market

    a_ptr, a_idx = base.applicant_ptr, base.applicant_list
    n0 = int(a_ptr[1] - a_ptr[0])
    lst = np.asarray(primary, dtype=np.int32)
    ptr = a_ptr.copy()
    ptr[1:] += lst.size - n0
    idx = np.concatenate([lst, a_idx[a_ptr[1]:]])
    mine = [(s, lk) for s, lk in zip(supplemental, links) if len(lk) and len(s)]
    if not mine:
        supp = base.supplemental  # the others' lists as they are: no new container to check
    else:
        key = tuple((tuple(np.asarray(s).tolist()), tuple(lk)) for s, lk in mine)
        hers = None if cache is None else cache.get(key)
        if hers is None:
            hers = _her_lists(mine)
            if cache is not None:
                cache[key] = hers
        supp = SupplementalLists.concatenate([hers, base.supplemental])
    return Market.from_arrays(ptr, idx, base.program_ptr, base.program_list, base.capacity,
                              tracks=base.tracks, supplemental=supp)


def _her_lists(mine):
    """Her supplemental lists (owner 0), named ``"her 1"``, ``"her 2"``, ...: ``(programs, links)`` pairs."""
    own_ptr = np.cumsum([0] + [len(s) for s, _ in mine])
    own_lptr = np.cumsum([0] + [len(lk) for _, lk in mine])
    return SupplementalLists(
        np.zeros(len(mine), np.int32), own_ptr,
        np.concatenate([np.asarray(s, np.int32) for s, _ in mine]), own_lptr,
        np.concatenate([np.asarray(lk, np.int32) for _, lk in mine]),
        tuple(f"her {i + 1}" for i in range(len(mine))),
    )


def _place(market, menu, rng, nrmp_match):
    """Put applicant 0 on the lists of programs ``0..k-1`` above or below each one's cutoff."""
    from matchsim.advisor.market_mode import place_applicant

    res = nrmp_match(market)
    return place_applicant(market, menu, rng, FOCAL, held=(res.assignment, res.pgy1))


def _links_for(lst, supplemental, link, adv):
    """For each supplemental list, the advanced programs on ``lst`` linked to it."""
    return [[int(a) for a in lst if adv[a] and link[a] == s] for s in range(len(supplemental))]


#: Markets handed to a worker process at a time.
_CHUNK = 25


def _one_market(task, t, seed, intended, verify, containers=None):
    """One simulated market: her pair of outcomes for every plan, and the menu check when asked.

    ``containers`` (a dict shared by the markets of a chunk) keeps her supplemental-list containers.
    """
    from matchsim.engine.nrmp import nrmp_match
    from matchsim.markets.specialty import specialty_track_market

    n_applicants, all_tracks, plans, adv, prim_ids, k, same_as = task
    g = np.random.default_rng(seed)
    base = _place(specialty_track_market(n_applicants, all_tracks, g), intended, g, nrmp_match)
    prim = np.full(len(plans), -1, dtype=np.int32)
    pg = np.full(len(plans), -1, dtype=np.int32)
    for i, (lst, sl, links) in enumerate(plans):
        if same_as[i] < i:  # the true order is often one of the lists: run it once
            prim[i], pg[i] = prim[same_as[i]], pg[same_as[i]]
            continue
        res = nrmp_match(_with_focal(base, lst, sl, links, containers))
        prim[i], pg[i] = res.assignment[FOCAL], res.pgy1[FOCAL]
    if not verify:
        return t, prim, pg, None, 0, 0
    menu = np.zeros(k, dtype=bool)
    for j in prim_ids.tolist():
        menu[j] = nrmp_match(_with_focal(base, [j], (), [])).assignment[FOCAL] == j
    cache = {}

    def takes(a, p):
        if (a, p) not in cache:
            cache[(a, p)] = nrmp_match(_with_focal(base, [a], ([p],), [[a]], containers)).pgy1[FOCAL] == p
        return cache[(a, p)]

    bad = False
    for i, (lst, sl, links) in enumerate(plans):
        a = next((int(x) for x in lst if menu[x]), -1)
        want_b = -1
        if a >= 0 and adv[a]:
            s = next((sl[si] for si, ll in enumerate(links) if a in ll), None)
            if s is not None:
                want_b = next((int(p) for p in s if takes(a, int(p))), -1)
        bad |= (a, want_b) != (int(prim[i]), int(pg[i]))
    return t, prim, pg, menu, int(bad), len(cache)


def _markets(work):
    task, items = work
    containers = {}  # her supplemental lists, checked once for the whole chunk
    return [_one_market(task, *item, containers) for item in items]


def simulate_track_outcomes(chance, preference, lists, tracks, pgy1_preference, supplemental,
                            supplemental_names, link, *, n_applicants, n_markets, correlation, rng=None,
                            verify=0, progress=None, jobs=1) -> TrackMarketRun:
    """Every candidate list, with her supplemental lists, through the NRMP algorithm in simulated markets.

    Parameters are those of :func:`matchsim.advisor.market_mode.simulate_list_outcomes` and of the
    track arguments of :func:`matchsim.advisor.menu.compare_lists`, and ``jobs``: worker processes
    (each market has its own child seed, so the figures do not depend on ``jobs``).

    Raises
    ------
    ValueError
        For bad arguments.
    """
    from matchsim.advisor.menu import menu_thresholds, validate_lists, validate_model

    c, rho = validate_model(chance, correlation)
    k = c.size
    pref = np.asarray(preference, dtype=np.int64)
    names, seqs = validate_lists(lists, k)
    tr = np.asarray(tracks, dtype=np.int8)
    pp = np.asarray(pgy1_preference, dtype=np.int64)
    supp = tuple(np.asarray(s, dtype=np.int64) for s in supplemental)
    lk = np.where(tr == ADVANCED, np.asarray(link, dtype=np.int64), -1)
    adv = tr == ADVANCED
    truthful = true_order(pref)
    t_supp = true_order(pp)
    plans = [(lst, supp, _links_for(lst, supp, lk, adv)) for lst in seqs]
    plans.append((truthful, (t_supp,), [[int(a) for a in truthful if adv[a]]]))
    n_markets = int(n_markets)
    if n_markets < 1:
        raise ValueError(f"n_markets must be at least 1, got {n_markets}")
    rng = np.random.default_rng(rng)
    z = rng.standard_normal(n_markets)
    e = rng.standard_normal((n_markets, k))
    intended = math.sqrt(rho) * z[:, None] + math.sqrt(1.0 - rho) * e < menu_thresholds(c)
    seeds = np.random.SeedSequence(int(rng.integers(2**63))).spawn(n_markets)
    all_tracks = market_tracks(tr, n_applicants)
    n_verify = n_markets if verify is True else min(int(verify), n_markets)
    if n_verify < 0:
        raise ValueError(f"verify must be True, False or a number of markets >= 0, got {verify}")
    jobs = max(1, min(int(jobs), n_markets))
    keys = [(tuple(lst.tolist()), tuple(tuple(x.tolist()) for x in sl), tuple(map(tuple, links)))
            for lst, sl, links in plans]
    same_as = tuple(keys.index(key) for key in keys)  # the first plan the algorithm sees the same way
    task = (int(n_applicants), all_tracks, plans, adv, np.flatnonzero(~np.isin(tr, PGY1_TRACKS)), k, same_as)
    chunks = [range(lo, min(lo + _CHUNK, n_markets)) for lo in range(0, n_markets, _CHUNK)]
    work = [(task, [(t, seeds[t], intended[t], t < n_verify) for t in c]) for c in chunks]
    primary = np.full((len(plans), n_markets), -1, dtype=np.int32)
    pgy1 = np.full((len(plans), n_markets), -1, dtype=np.int32)
    menus = np.zeros((n_verify, k), dtype=bool) if n_verify else None
    violations, pgy1_checks, done = 0, 0, 0

    def collect(out):
        nonlocal violations, pgy1_checks, done
        for t, prim, pg, menu, bad, checks in out:
            primary[:, t], pgy1[:, t] = prim, pg
            if menu is not None:
                menus[t] = menu
            violations += bad
            pgy1_checks += checks
            done += 1
        if progress is not None:
            progress(done, n_markets)

    if jobs == 1:
        for w in work:
            collect(_markets(w))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for fut in as_completed([pool.submit(_markets, w) for w in work]):
                collect(fut.result())
    joint = joint_from_outcomes(primary[:-1], primary[-1], k)
    u = outcome_utility(pp)
    tables, truth_table, split = pair_tables(primary[:-1], pgy1[:-1], primary[-1], pgy1[-1], k, adv, u)
    tt = TrackTables(tr, pp, supp, tuple(supplemental_names) if supplemental_names else
                     tuple(f"supplemental {i + 1}" for i in range(len(supp))), lk, t_supp, tables, truth_table,
                     split)
    comp = ListComparison(names, seqs, truthful, pref, joint, "market", n_markets, rho, tt)
    return TrackMarketRun(comp, primary, pgy1, intended, menus, violations if n_verify else None, pgy1_checks,
                          "simple")
