"""Stability checks for an assignment of applicants to programs.

Definitions (Roth & Sotomayor 1990, ch. 5, for many-to-one markets with strict
preferences):

* An assignment is *feasible* when no program holds more applicants than its
  capacity.
* It is *individually rational* when every matched pair ranked each other.
* A pair ``(a, p)`` *blocks* the assignment when ``a`` ranks ``p`` above their
  match (or is unmatched and ranks ``p``), ``p`` ranks ``a``, and ``p`` either
  has a vacant position or ranks ``a`` above one of its matched applicants.
* An assignment is *stable* when it is feasible, individually rational and has
  no blocking pair.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from matchsim.constants import UNMATCHED, UNRANKED, UNRANKED_BY_PROGRAM
from matchsim.engine.da import _receiver_rank_table
from matchsim.market import Market

__all__ = ["blocking_pairs", "is_stable", "is_individually_rational", "is_feasible"]


def _check_assignment(market: Market, assignment) -> np.ndarray:
    assignment = np.ascontiguousarray(assignment, dtype=np.int32)
    if assignment.shape != (market.n_applicants,):
        raise ValueError(
            f"assignment must have one entry per applicant ({market.n_applicants}), "
            f"got shape {assignment.shape}"
        )
    bad = (assignment < UNMATCHED) | (assignment >= market.n_programs)
    if bad.any():
        a = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"assignment[{a}] = {assignment[a]} is neither a program id nor UNMATCHED (-1)"
        )
    return assignment


#: ``pos`` of an applicant matched to a program that is not on their own list.
_NOT_ON_OWN_LIST = -1


@njit(cache=True)
def _match_positions(a_ptr, a_idx, p_ptr, p_idx, assignment):
    """Position of each applicant's match on their list and the program's rank of them.

    ``pos[a]`` is the list position (``a_ptr[a+1] - a_ptr[a]`` when unmatched,
    ``_NOT_ON_OWN_LIST`` when matched to a program the applicant did not rank);
    ``prank[a]`` is the matched program's 0-based rank of ``a`` read from the
    program's own list, or ``UNRANKED_BY_PROGRAM`` when unmatched or not on
    that list.
    """
    n_a = a_ptr.size - 1
    pos = np.empty(n_a, dtype=np.int64)
    prank = np.full(n_a, UNRANKED_BY_PROGRAM, dtype=np.int64)
    for a in range(n_a):
        m = assignment[a]
        if m == UNMATCHED:
            pos[a] = a_ptr[a + 1] - a_ptr[a]
            continue
        pos[a] = _NOT_ON_OWN_LIST
        for e in range(a_ptr[a], a_ptr[a + 1]):
            if a_idx[e] == m:
                pos[a] = e - a_ptr[a]
                break
    for p in range(p_ptr.size - 1):
        for e in range(p_ptr[p], p_ptr[p + 1]):
            a = p_idx[e]
            if assignment[a] == p:
                prank[a] = e - p_ptr[p]
    return pos, prank


@njit(cache=True)
def _blocking(a_ptr, a_idx, rank_at, cap, assignment, pos, prank):
    n_a = a_ptr.size - 1
    n_p = cap.size
    count = np.zeros(n_p, dtype=np.int64)
    worst = np.full(n_p, -1, dtype=np.int64)  # below every rank: no member yet
    for a in range(n_a):
        m = assignment[a]
        if m != UNMATCHED:
            count[m] += 1
            # a member the program never ranked is worse than anyone it ranked
            r = prank[a] if prank[a] != UNRANKED_BY_PROGRAM else UNRANKED
            if r > worst[m]:
                worst[m] = r
    out_a = np.empty(16, dtype=np.int64)
    out_p = np.empty(16, dtype=np.int64)
    k = 0
    for a in range(n_a):
        stop = pos[a]
        if stop == _NOT_ON_OWN_LIST:  # matched to an unranked program: every ranked one is "better"
            stop = a_ptr[a + 1] - a_ptr[a]
        for e in range(a_ptr[a], a_ptr[a] + stop):
            r = rank_at[e]
            if r == UNRANKED:
                continue
            p = a_idx[e]
            if cap[p] == 0:
                continue
            if count[p] < cap[p] or r < worst[p]:
                if k == out_a.size:
                    out_a = np.concatenate((out_a, np.empty(k, dtype=np.int64)))
                    out_p = np.concatenate((out_p, np.empty(k, dtype=np.int64)))
                out_a[k] = a
                out_p[k] = p
                k += 1
    return out_a[:k], out_p[:k]


def _tables(market: Market, assignment):
    rank_at = _receiver_rank_table(
        market.applicant_ptr, market.applicant_list, market.program_ptr, market.program_list
    )
    pos, prank = _match_positions(
        market.applicant_ptr, market.applicant_list, market.program_ptr, market.program_list, assignment
    )
    return rank_at, pos, prank


def blocking_pairs(market: Market, assignment) -> np.ndarray:
    """All pairs that block ``assignment``.

    Parameters
    ----------
    market : Market
    assignment : array_like of int, shape (n_applicants,)
        Program id of each applicant, or ``UNMATCHED``.

    Returns
    -------
    ndarray of int64, shape (k, 2)
        Rows ``(applicant, program)``, ordered by applicant and then by the
        applicant's preference.

    Examples
    --------
    >>> m = Market.from_lists([[0], [0]], [[1, 0]], [1])
    >>> blocking_pairs(m, [0, -1]).tolist()
    [[1, 0]]
    >>> blocking_pairs(m, [-1, 0]).tolist()
    []
    """
    assignment = _check_assignment(market, assignment)
    rank_at, pos, prank = _tables(market, assignment)
    out_a, out_p = _blocking(
        market.applicant_ptr, market.applicant_list, rank_at, market.capacity, assignment, pos, prank
    )
    return np.stack([out_a, out_p], axis=1)


def is_feasible(market: Market, assignment) -> bool:
    """True when no program holds more applicants than its capacity."""
    assignment = _check_assignment(market, assignment)
    filled = np.bincount(assignment[assignment != UNMATCHED], minlength=market.n_programs)
    return bool(np.all(filled <= market.capacity))


def is_individually_rational(market: Market, assignment) -> bool:
    """True when every matched applicant and program ranked each other.

    Examples
    --------
    >>> m = Market.from_lists([[0]], [[]], [1])
    >>> is_individually_rational(m, [0]), is_individually_rational(m, [-1])
    (False, True)
    """
    assignment = _check_assignment(market, assignment)
    _, pos, prank = _tables(market, assignment)
    matched = assignment != UNMATCHED
    return bool(np.all(pos[matched] != _NOT_ON_OWN_LIST)
                and np.all(prank[matched] != UNRANKED_BY_PROGRAM))


def is_stable(market: Market, assignment) -> bool:
    """True when ``assignment`` is feasible, individually rational and unblocked.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> from matchsim.engine import deferred_acceptance
    >>> m = nrmp_example()
    >>> is_stable(m, deferred_acceptance(m).assignment)
    True
    >>> is_stable(m, [-1] * m.n_applicants)
    False
    """
    assignment = _check_assignment(market, assignment)
    if not is_feasible(market, assignment):
        return False
    rank_at, pos, prank = _tables(market, assignment)
    matched = assignment != UNMATCHED
    if not (np.all(pos[matched] != _NOT_ON_OWN_LIST)
            and np.all(prank[matched] != UNRANKED_BY_PROGRAM)):
        return False
    out_a, _ = _blocking(
        market.applicant_ptr, market.applicant_list, rank_at, market.capacity, assignment, pos, prank
    )
    return out_a.size == 0
