"""Stage 2 of a synthetic season: interviews.

Each program invites its ``ceil(interview_slots_per_position * capacity)``
best-scoring applicants (a preference signal adds ``signal_boost`` to the
score), and each applicant attends the ``max_interviews`` invitations they
like best (never more than the NRMP's 300 ranks). What an applicant attends,
in true order, becomes their rank order list in stage 3.

Examples
--------
>>> import numpy as np
>>> from matchsim.markets import preset
>>> from matchsim.markets.applications import draw_applications
>>> from matchsim.markets.population import draw_applicants, draw_programs
>>> params, rng = preset("small"), np.random.default_rng(0)
>>> programs, applicants = draw_programs(params, rng), draw_applicants(params, rng)
>>> apps = draw_applications(params, programs, applicants, rng)
>>> iv = hold_interviews(params, programs, apps)
>>> int(np.diff(iv.ptr).max()) <= params.max_interviews
True
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from matchsim.constants import NRMP_MAX_RANKS
from matchsim.numeric import bucket

__all__ = ["Interviews", "hold_interviews"]


class Interviews(NamedTuple):
    """The interviews each applicant attends, as a CSR over their applications.

    Attributes
    ----------
    ptr : ndarray of int64, shape (n_applicants + 1,)
        Applicant ``a``'s interviews are ``entry[ptr[a]:ptr[a+1]]``.
    entry : ndarray of int64, shape (n_interviews,)
        Index into the :class:`~matchsim.markets.applications.Applications`
        arrays; each applicant's run is in decreasing utility (true order).

    Examples
    --------
    >>> import numpy as np
    >>> iv = Interviews(np.array([0, 2]), np.array([4, 1]))
    >>> iv.entry[iv.ptr[0]:iv.ptr[1]].tolist()  # applicant 0's interviews, best first
    [4, 1]
    """

    ptr: np.ndarray
    entry: np.ndarray


def hold_interviews(params, programs, applications) -> Interviews:
    """Programs invite, applicants choose which invitations to attend (stage 2).

    Parameters
    ----------
    params : MarketParams
        Uses ``signal_boost``, ``interview_slots_per_position`` and
        ``max_interviews``.
    programs : Programs
    applications : Applications

    Returns
    -------
    Interviews

    Notes
    -----
    1. Every application's score gets ``signal_boost`` if it carried a
       signal.
    2. Each program keeps its ``ceil(slots * capacity)`` best scores
       (:func:`_select_top`: bucketing and a partition, linear time).
    3. Each applicant keeps their ``min(max_interviews, 300)`` most-liked
       invitations, sorted by utility (:func:`_attend`).

    ``O(n_applications + n_programs)`` plus the per-applicant sorts.
    No random numbers are drawn.

    Examples
    --------
    A program with one position and one slot invites only its best scorer:

    >>> import numpy as np
    >>> from matchsim.markets import MarketParams
    >>> from matchsim.markets.applications import Applications
    >>> from matchsim.markets.population import Programs
    >>> params = MarketParams(n_applicants=2, n_programs=1, n_positions=1,
    ...                       interview_slots_per_position=1.0)
    >>> programs = Programs(np.array([1], np.int32), np.zeros(1), np.zeros(1, np.int64))
    >>> apps = Applications(np.array([0, 1, 2]), np.array([0, 0], np.int32), np.zeros(2),
    ...                     np.array([0.1, 0.9]), np.zeros(2, bool))
    >>> hold_interviews(params, programs, apps).ptr.tolist()
    [0, 0, 1]
    """
    score = applications.score + params.signal_boost * applications.signal
    slots = np.ceil(params.interview_slots_per_position * programs.capacity).astype(np.int64)
    invited = _select_top(applications.program, programs.capacity.size, score, slots)
    cap = min(params.max_interviews, NRMP_MAX_RANKS)
    ptr, entry = _attend(applications.ptr, invited, applications.utility, cap)
    return Interviews(ptr, entry)


@njit(cache=True)
def _select_top(group, n_groups, key, quota):
    """Mark, in each group, the ``quota[g]`` entries with the highest ``key``.

    Parameters
    ----------
    group : int32 (n,)
        Group (program) of each entry, in ``0 .. n_groups-1``.
    n_groups : int
    key : float64 (n,)
    quota : int64 (n_groups,)

    Returns
    -------
    ndarray of bool (n,)
        A new array; inputs are not modified.

    Notes
    -----
    1. Bucket the keys by group (:func:`matchsim.numeric.bucket`).
    2. Partition each bucket at its quota to find the group's threshold.
    3. Keep the entries at or above their group's threshold (ties at the
       threshold have probability zero with continuous keys).

    ``O(n + n_groups)``.
    """
    n = group.size
    ptr, order = bucket(group, n_groups)
    vals = -key[order]
    thr = np.full(n_groups, np.inf)
    for g in range(n_groups):
        s, e = ptr[g], ptr[g + 1]
        m = quota[g]
        if m <= 0:
            thr[g] = -np.inf
        elif e - s > m:
            thr[g] = np.partition(vals[s:e], m - 1)[m - 1]
    keep = np.empty(n, dtype=np.bool_)
    for i in range(n):
        keep[i] = -key[i] <= thr[group[i]]
    return keep


@njit(cache=True)
def _attend(app_ptr, invited, util, cap):
    """Each applicant's invitations, best ``cap`` by utility, highest first.

    Parameters
    ----------
    app_ptr : int64 (n_applicants + 1,)
        The applications, by applicant (CSR).
    invited : bool (n_applications,)
    util : float64 (n_applications,)
    cap : int
        Most interviews an applicant attends.

    Returns
    -------
    ptr : int64 (n_applicants + 1,)
    idx : int64 (n_interviews,)
        Applicant ``a``'s interviews are the applications
        ``idx[ptr[a]:ptr[a+1]]``, in decreasing utility (ties keep
        application order). New arrays; inputs are not modified.

    Notes
    -----
    One pass over each applicant's applications and a stable sort of their
    invitations: ``O(n_applications log max_invitations)``.
    """
    n_a = app_ptr.size - 1
    ptr = np.zeros(n_a + 1, dtype=np.int64)
    idx = np.empty(int(invited.sum()), dtype=np.int64)
    k = 0
    for a in range(n_a):
        s, e = app_ptr[a], app_ptr[a + 1]
        m = 0
        for i in range(s, e):
            if invited[i]:
                idx[k + m] = i
                m += 1
        if m > 1:
            seg = idx[k : k + m].copy()
            vals = np.empty(m, dtype=np.float64)
            for j in range(m):
                vals[j] = -util[seg[j]]
            o = np.argsort(vals, kind="mergesort")
            for j in range(m):
                idx[k + j] = seg[o[j]]
        k += min(m, cap)
        ptr[a + 1] = k
    return ptr, idx[:k]
