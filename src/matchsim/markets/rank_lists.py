"""Stage 3 of a synthetic season: the truthful rank order lists.

Each applicant ranks every program that interviewed them, in order of true
preference (stage 2 already sorted them). Each program ranks the applicants
it interviewed by its own evaluation ``v_pa = sqrt(c_p) z_a + sqrt(1 - c_p)
f_pa``, leaving off those below its bar ``rank_floor + rank_floor_slope q_p``
(one-sided entries, legal in the NRMP). Nobody ranks a program or an
applicant without an interview.

The evaluation noise ``f_pa`` is drawn per *application*, not per interview,
so two settings that change who interviews where (signals on and off, say)
still give every program the same view of every applicant they both
interview.

Examples
--------
>>> from matchsim.markets import generate_market
>>> sm = generate_market("small", rng=0)
>>> m = sm.market
>>> bool((m.applicant_list.size >= m.program_list.size))  # program lists hold interviewees only
True
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from matchsim.constants import UNRANKED_BY_PROGRAM
from matchsim.market import Market
from matchsim.numeric import bucket

__all__ = ["RankLists", "rank_lists"]


class RankLists(NamedTuple):
    """The truthful lists of a market and each interviewee's place on them.

    Attributes
    ----------
    market : Market
        Applicants' lists (their interviews, in true order) and programs'
        lists (their ranked interviewees, best first).
    program_rank : ndarray of int32, aligned with ``market.applicant_list``
        The applicant's place (0 = first) on the program's list, or
        ``UNRANKED_BY_PROGRAM``.
    iv_ptr, iv_order : ndarray of int64
        Each program's interviewees as a CSR over ``market.applicant_list``
        entries: program ``p``'s are ``iv_order[iv_ptr[p]:iv_ptr[p+1]]``,
        the ranked ones first, each part in the program's order.
    applicant : ndarray of int64, aligned with ``market.applicant_list``
        The applicant of each entry.

    Examples
    --------
    See :func:`rank_lists`, which returns one.

    >>> RankLists._fields[:2]
    ('market', 'program_rank')
    """

    market: Market
    program_rank: np.ndarray
    iv_ptr: np.ndarray
    iv_order: np.ndarray
    applicant: np.ndarray


def rank_lists(params, programs, applicants, applications, interviews, rng) -> RankLists:
    """Build both sides' truthful lists from the interviews (stage 3).

    Parameters
    ----------
    params : MarketParams
        Uses ``program_correlation``, ``rank_floor`` and ``rank_floor_slope``.
    programs : Programs
    applicants : Applicants
    applications : Applications
    interviews : Interviews
    rng : numpy.random.Generator
        Draws one standard normal per application (the evaluation noise).

    Returns
    -------
    RankLists

    Notes
    -----
    1. The applicants' lists are their interviews, already in true order.
    2. Each interview gets the program's evaluation ``v_pa``; those below
       the program's bar are marked unranked.
    3. Each program's interviewees are sorted, ranked ones first, each part
       by evaluation (:func:`_group_sort`); the ranked part is the program's
       list.

    ``O(n_interviews log max_interviewees)``.

    Examples
    --------
    >>> import numpy as np
    >>> from matchsim.markets import preset
    >>> from matchsim.markets.applications import draw_applications
    >>> from matchsim.markets.interviews import hold_interviews
    >>> from matchsim.markets.population import draw_applicants, draw_programs
    >>> params, rng = preset("small", rank_floor=0.0), np.random.default_rng(0)
    >>> programs, applicants = draw_programs(params, rng), draw_applicants(params, rng)
    >>> apps = draw_applications(params, programs, applicants, rng)
    >>> lists = rank_lists(params, programs, applicants, apps,
    ...                    hold_interviews(params, programs, apps), rng)
    >>> bool((lists.program_rank == UNRANKED_BY_PROGRAM).any()), lists.market.n_positions
    (True, 250)
    """
    P = params
    n_p = P.n_programs
    kept = interviews.entry
    app_a = np.repeat(np.arange(P.n_applicants, dtype=np.int64), np.diff(applications.ptr))
    applicant_list = applications.program[kept]
    e_app = app_a[kept]
    sq, sn = math.sqrt(P.program_correlation), math.sqrt(1.0 - P.program_correlation)
    value = (sq * applicants.strength[e_app]
             + sn * rng.standard_normal(applications.program.size)[kept])
    ranked = value >= P.rank_floor + P.rank_floor_slope * programs.quality[applicant_list]
    # ranked interviewees first: the unranked ones sink by far more than any value spread
    iv_ptr, iv_order = _group_sort(applicant_list, n_p, np.where(ranked, value, value - 1e6))
    pos = np.arange(kept.size) - np.repeat(iv_ptr[:-1], np.diff(iv_ptr))
    program_rank = np.empty(kept.size, dtype=np.int32)
    program_rank[iv_order] = pos
    program_rank[~ranked] = UNRANKED_BY_PROGRAM
    p_order = iv_order[ranked[iv_order]]
    p_ptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(np.bincount(applicant_list[ranked], minlength=n_p), out=p_ptr[1:])
    program_list = e_app[p_order].astype(np.int32)
    market = Market(interviews.ptr, applicant_list, p_ptr, program_list, programs.capacity)
    return RankLists(market, program_rank, iv_ptr, iv_order, e_app)


@njit(cache=True)
def _group_sort(group, n_groups, key):
    """Entries grouped by ``group`` (counting sort), each group by ``key`` descending.

    Parameters
    ----------
    group : int32 (n,)
        Group of each entry, in ``0 .. n_groups-1``.
    n_groups : int
    key : float64 (n,)

    Returns
    -------
    ptr : int64 (n_groups + 1,)
    order : int64 (n,)
        Group ``g`` holds entries ``order[ptr[g]:ptr[g+1]]``, highest key
        first (ties keep entry order). New arrays; inputs are not modified.

    Notes
    -----
    :func:`matchsim.numeric.bucket`, then a stable sort within each group:
    ``O(n log max_group)``.
    """
    ptr, order = bucket(group, n_groups)
    for g in range(n_groups):
        s, e = ptr[g], ptr[g + 1]
        if e - s > 1:
            seg = order[s:e].copy()
            vals = np.empty(e - s, dtype=np.float64)
            for i in range(e - s):
                vals[i] = -key[seg[i]]
            o = np.argsort(vals, kind="mergesort")
            for i in range(e - s):
                order[s + i] = seg[o[i]]
    return ptr, order
