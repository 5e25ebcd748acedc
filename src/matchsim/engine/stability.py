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

Every check is one or two passes over the lists, ``O(entries)``, so a result
can be verified at NRMP scale as cheaply as it was computed.

Examples
--------
>>> from matchsim.datasets import nrmp_example
>>> from matchsim.engine import deferred_acceptance
>>> m = nrmp_example()
>>> r = deferred_acceptance(m)
>>> is_stable(m, r.assignment), blocking_pairs(m, r.assignment).shape
(True, (0, 2))
"""

from __future__ import annotations

import numpy as np
from numba import njit

from matchsim.constants import UNMATCHED, UNRANKED, UNRANKED_BY_PROGRAM
from matchsim.engine.da import receiver_ranks
from matchsim.market import Market

__all__ = ["blocking_pairs", "is_stable", "is_individually_rational", "is_feasible"]


def _check_assignment(market: Market, assignment) -> np.ndarray:
    """``assignment`` as contiguous int32, after checking its shape and ids."""
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

    Parameters
    ----------
    a_ptr : int64 (n_applicants + 1,); a_idx : int32 (n_applicant_entries,)
        Applicants' lists (CSR).
    p_ptr : int64 (n_programs + 1,); p_idx : int32 (n_program_entries,)
        Programs' lists (CSR).
    assignment : int32 (n_applicants,)
        Program of each applicant, or ``UNMATCHED`` (checked by the caller).

    Returns
    -------
    pos : int64 (n_applicants,)
        0-based place of the match on the applicant's list; the list length
        when unmatched (every entry is "better"); ``_NOT_ON_OWN_LIST`` when
        matched to a program the applicant did not rank.
    prank : int64 (n_applicants,)
        The matched program's 0-based rank of ``a`` read from the program's
        own list, or ``UNRANKED_BY_PROGRAM`` when unmatched or not on that
        list.

    New arrays; inputs are not modified. One pass over each side's lists,
    ``O(entries)``.
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
    """Every blocking pair, in applicant order and then the applicant's order.

    Parameters
    ----------
    a_ptr : int64 (n_applicants + 1,); a_idx : int32 (n_applicant_entries,)
        Applicants' lists (CSR).
    rank_at : int32 (n_applicant_entries,)
        The program's rank of the applicant at each entry, or ``UNRANKED``
        (:func:`~matchsim.engine.receiver_ranks`).
    cap : int32 (n_programs,)
    assignment : int32 (n_applicants,)
    pos, prank : int64 (n_applicants,)
        From :func:`_match_positions`.

    Returns
    -------
    out_a, out_p : int64 (n_blocking,)
        Applicant and program of each blocking pair. New arrays; inputs are
        not modified.

    Notes
    -----
    1. One pass over the assignment: each program's number of members and
       its worst member's rank (a member it never ranked counts as
       ``UNRANKED``, worse than everyone it ranked).
    2. For each applicant, every program above their match on their list
       that ranked them blocks when it has a vacancy or ranks them above its
       worst member.

    ``O(entries + n_programs)``; the output grows by doubling.
    """
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
    """The rank table and the match positions the checks share."""
    rank_at = receiver_ranks(market)
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

    Raises
    ------
    ValueError
        If ``assignment`` has the wrong shape or an id that is neither a
        program nor ``UNMATCHED``.

    Notes
    -----
    1. Build the rank table (:func:`~matchsim.engine.receiver_ranks`) and
       each applicant's place of their match on both lists.
    2. Count each program's members and find its worst one.
    3. Scan each applicant's list above their match for programs that rank
       them and have a vacancy or a worse member.

    ``O(entries + participants)`` time and memory.

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
    """True when no program holds more applicants than its capacity.

    ``O(n_applicants + n_programs)``.

    Examples
    --------
    >>> m = Market.from_lists([[0], [0]], [[0, 1]], [1])
    >>> is_feasible(m, [0, -1]), is_feasible(m, [0, 0])
    (True, False)
    """
    assignment = _check_assignment(market, assignment)
    filled = np.bincount(assignment[assignment != UNMATCHED], minlength=market.n_programs)
    return bool(np.all(filled <= market.capacity))


def is_individually_rational(market: Market, assignment) -> bool:
    """True when every matched applicant and program ranked each other.

    ``O(entries)``.

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

    Notes
    -----
    1. Feasible: count each program's members against its capacity.
    2. Individually rational: every match is on both lists.
    3. No blocking pair (as :func:`blocking_pairs`).

    ``O(entries + participants)``.

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
