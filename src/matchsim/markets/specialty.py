"""A simple specialty market: the advisor's stand-in for a calibrated generator.

:func:`specialty_market` draws, in a few vectorised steps and one numba
kernel, a market of one competitive specialty in which applicant 0 ranks
nobody and is on no program's list yet (the advisor's ``--market`` mode places
the applicant it studies there; see :mod:`matchsim.advisor.market_mode`):

1. ``n_programs`` programs, each offering ``min_capacity``-``max_capacity``
   positions;
2. programs have a common quality ``Q_p ~ N(0, 1)``; each other applicant ranks
   the ``min_list``-``max_list`` programs she likes best by ``Q_p`` plus
   personal taste (uniform noise with standard deviation ``taste_noise``);
3. applicants have a strength ``S_a ~ N(0, 1)``; each program ranks every
   applicant who ranked it by ``S_a + program_noise * N(0, 1)``.

Cost: O(n_applicants * n_programs) for the taste matrix, plus a sort of the
list entries.

Examples
--------
>>> m = specialty_market(60, 10, rng=1)
>>> m.n_applicants, m.n_programs, int(m.applicant_prefs(0).size)
(60, 10, 0)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from matchsim.market import Market
from matchsim.numeric import bucket

__all__ = ["specialty_market", "specialty_track_market"]


@njit(cache=True)
def _specialty_lists(util, a_ptr, strength, noise, n_p):
    """Applicant ``a >= 1`` ranks her ``a_ptr[a+1] - a_ptr[a]`` best programs by ``util[a-1]``;
    each program ranks everyone who ranked it by ``strength + noise`` (one noise per entry).

    The best ``k`` of a row are kept in a small sorted buffer (highest
    utility first, ties by program id, as a scan in id order would keep
    them); programs are scanned in decreasing order of their best utility
    over all rows, so the scan of a row stops at the first program whose best
    cannot beat the buffer's worst (lists are short, so most programs are
    never looked at); on the
    program side the entries are grouped by program with the shared
    counting sort (:func:`matchsim.numeric.bucket`) and each group is sorted
    by score, highest first, equal scores in entry order (:func:`_sort_desc`,
    a merge sort on flat arrays, several times faster than numba's argsort).

    Parameters
    ----------
    util : ndarray of float32, shape (n_applicants - 1, n_p)
        Each other applicant's utility for each program.
    a_ptr : ndarray of int64, shape (n_applicants + 1,)
        CSR offsets of the applicants' lists (applicant 0's is empty).
    strength : ndarray of float64, shape (n_applicants,)
    noise : ndarray of float64, shape (a_ptr[-1],)
        One program-side noise per list entry.
    n_p : int

    Returns
    -------
    a_idx : ndarray of int32, shape (a_ptr[-1],)
        The applicants' lists (programs, best first).
    p_ptr : ndarray of int64, shape (n_p + 1,)
    p_idx : ndarray of int32, shape (a_ptr[-1],)
        The programs' lists (applicants, best first). Nothing is modified in place.
    """
    n_a = a_ptr.size - 1
    a_idx = np.empty(a_ptr[-1], dtype=np.int32)
    buf_v = np.empty(n_p, dtype=util.dtype)
    buf_p = np.empty(n_p, dtype=np.int32)
    # programs in decreasing order of their best utility over all rows: once a row's buffer is
    # full and its worst entry beats a program's best, no later program can enter
    top = np.full(n_p, -np.inf, dtype=util.dtype)
    for a in range(util.shape[0]):
        for p in range(n_p):
            if util[a, p] > top[p]:
                top[p] = util[a, p]
    by_top = np.argsort(-top)
    for a in range(1, n_a):
        row = util[a - 1]
        k = a_ptr[a + 1] - a_ptr[a]
        if k == 0:
            continue
        m = 0
        for t in range(n_p):
            p = by_top[t]
            v = row[p]
            if m == k:
                w = buf_v[k - 1]
                if top[p] < w:
                    break
                if v < w or (v == w and p > buf_p[k - 1]):
                    continue
            # the buffer is sorted by utility, highest first, equal utilities by program id
            i = m if m < k else k - 1
            while i > 0 and (buf_v[i - 1] < v or (buf_v[i - 1] == v and buf_p[i - 1] > p)):
                buf_v[i] = buf_v[i - 1]
                buf_p[i] = buf_p[i - 1]
                i -= 1
            buf_v[i] = v
            buf_p[i] = p
            if m < k:
                m += 1
        for i in range(k):
            a_idx[a_ptr[a] + i] = buf_p[i]
    score = np.empty(a_idx.size)
    owner = np.empty(a_idx.size, dtype=np.int32)
    for a in range(1, n_a):
        for e in range(a_ptr[a], a_ptr[a + 1]):
            score[e] = strength[a] + noise[e]
            owner[e] = a
    p_ptr, order = bucket(a_idx, n_p)  # entries grouped by program (counting sort)
    p_idx = np.empty(a_idx.size, dtype=np.int32)
    key = np.empty(a_idx.size)
    key2 = np.empty(a_idx.size)
    who2 = np.empty(a_idx.size, dtype=np.int32)
    for f in range(a_idx.size):
        key[f] = score[order[f]]
        p_idx[f] = owner[order[f]]
    for p in range(n_p):
        _sort_desc(key, p_idx, key2, who2, p_ptr[p], p_ptr[p + 1])
    return a_idx, p_ptr, p_idx


@njit(cache=True)
def _sort_desc(key, who, key2, who2, lo, hi):
    """Sort ``key[lo:hi]`` (and ``who`` with it) highest first, stably: equal keys keep their order.

    A merge sort: insertion sorts of runs of 16, then bottom-up merges
    through the workspace ``key2``/``who2`` (the result ends in ``key`` and
    ``who``). The same order as ``np.argsort(-key, kind="mergesort")``.
    """
    run = 16
    for s in range(lo, hi, run):
        e = min(s + run, hi)
        for i in range(s + 1, e):
            v, w = key[i], who[i]
            j = i
            while j > s and key[j - 1] < v:
                key[j] = key[j - 1]
                who[j] = who[j - 1]
                j -= 1
            key[j] = v
            who[j] = w
    src_k, src_w, dst_k, dst_w = key, who, key2, who2
    swapped = False
    width = run
    while width < hi - lo:
        for s in range(lo, hi, 2 * width):
            mid = min(s + width, hi)
            e = min(s + 2 * width, hi)
            i, j, o = s, mid, s
            while i < mid and j < e:
                if src_k[j] > src_k[i]:  # the right run's only when strictly higher: stable
                    dst_k[o] = src_k[j]
                    dst_w[o] = src_w[j]
                    j += 1
                else:
                    dst_k[o] = src_k[i]
                    dst_w[o] = src_w[i]
                    i += 1
                o += 1
            while i < mid:
                dst_k[o] = src_k[i]
                dst_w[o] = src_w[i]
                i += 1
                o += 1
            while j < e:
                dst_k[o] = src_k[j]
                dst_w[o] = src_w[j]
                j += 1
                o += 1
        src_k, src_w, dst_k, dst_w = dst_k, dst_w, src_k, src_w
        swapped = not swapped
        width *= 2
    if swapped:  # an odd number of merge passes: the result is in the workspace
        for i in range(lo, hi):
            key[i] = src_k[i]
            who[i] = src_w[i]


def _supplemental_of(tr, a_ptr, a_idx, owner, s_ptr, s_idx):
    """The supplemental lists of a track market: one per applicant with a non-empty ``s_ptr`` row,
    ranking that row and linked to every advanced program on the applicant's primary list (in list
    order); None when nobody has one.

    ``owner`` is the applicant of each entry of ``a_idx``. Built from whole arrays: the same
    container as ``SupplementalLists.from_rows`` of the rows ``(a, advanced programs, row)``.
    """
    from matchsim.extensions import ADVANCED, SupplementalLists

    s_len = np.diff(s_ptr)
    holders = np.flatnonzero(s_len > 0)
    if not holders.size:
        return None
    has_list = s_len > 0
    linked = (tr[a_idx] == ADVANCED) & has_list[owner]
    link_len = np.bincount(owner[linked], minlength=s_len.size)[holders]
    link_ptr = np.zeros(holders.size + 1, dtype=np.int64)
    np.cumsum(link_len, out=link_ptr[1:])
    ptr = np.append(s_ptr[holders], s_ptr[-1]).astype(np.int64)
    return SupplementalLists(holders.astype(np.int32), ptr, s_idx, link_ptr, a_idx[linked])


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


def specialty_track_market(n_applicants, tracks, rng=None, *, min_list=6, max_list=14, min_supplemental=3,
                           max_supplemental=10, taste_noise=1.0, program_noise=0.7, min_capacity=2,
                           max_capacity=8):
    """A specialty market with advanced and PGY-1 programs, in which applicant 0 ranks nobody yet.

    As :func:`specialty_market`, with program tracks: every other applicant
    ranks ``min_list``-``max_list`` primary (categorical or advanced)
    programs; one who ranks an advanced program also submits a supplemental
    list of ``min_supplemental``-``max_supplemental`` PGY-1 programs (chosen
    the same way, by the PGY-1 programs' common quality plus taste), linked to
    every advanced program on the list. Programs rank the applicants who
    ranked them (PGY-1 programs: those whose supplemental lists name them) by
    strength plus noise.

    Parameters
    ----------
    n_applicants : int
        Applicants, applicant 0 included.
    tracks : array_like of int, shape (n_programs,)
        Track code of each program (:mod:`matchsim.extensions`); the market
        has one program per entry.
    rng : None, int or numpy.random.Generator
    min_list, max_list, min_supplemental, max_supplemental : int
        Ranges of list lengths (capped at the number of programs of the kind).
    taste_noise, program_noise, min_capacity, max_capacity
        As in :func:`specialty_market`.

    Returns
    -------
    Market
        With ``tracks`` and ``supplemental`` set.

    Examples
    --------
    >>> from matchsim.extensions import ADVANCED, CATEGORICAL, PRELIMINARY
    >>> tr = [ADVANCED] * 4 + [CATEGORICAL] * 6 + [PRELIMINARY] * 5
    >>> m = specialty_track_market(80, tr, rng=1)
    >>> m.n_programs, int(m.applicant_prefs(0).size), m.supplemental.n_lists > 0
    (15, 0, True)
    """
    from matchsim.extensions import ADVANCED, PGY1_TRACKS

    rng = np.random.default_rng(rng)
    tr = np.asarray(tracks, dtype=np.int8).ravel()
    n_a, n_p = int(n_applicants), tr.size
    is_pgy1 = np.isin(tr, PGY1_TRACKS)
    prim, pg = np.flatnonzero(~is_pgy1), np.flatnonzero(is_pgy1)
    if n_a < 1 or prim.size < 1:
        raise ValueError("a market needs at least one applicant and one primary program")
    cap = rng.integers(min_capacity, max_capacity + 1, n_p)
    quality = rng.standard_normal(n_p)
    strength = rng.standard_normal(n_a)
    others = n_a - 1

    def lists(columns, lengths):
        util = rng.random((others, columns.size), dtype=np.float32)
        util -= 0.5
        util *= taste_noise * math.sqrt(12.0)
        util += quality[columns].astype(np.float32)[None, :]
        ptr = np.zeros(n_a + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[2:])
        noise = rng.standard_normal(int(ptr[-1]))
        idx, q_ptr, q_idx = _specialty_lists(util, ptr, strength, program_noise * noise, columns.size)
        return ptr, columns[idx].astype(np.int32), q_ptr, q_idx

    k = rng.integers(min(min_list, prim.size), min(max_list, prim.size) + 1, others)
    a_ptr, a_idx, p_ptr_l, p_idx_l = lists(prim, k)
    owner = np.repeat(np.arange(n_a), np.diff(a_ptr))
    has_adv = np.bincount(owner[tr[a_idx] == ADVANCED], minlength=n_a)[1:] > 0
    if pg.size:
        s_len = np.where(has_adv, rng.integers(min(min_supplemental, pg.size),
                                               min(max_supplemental, pg.size) + 1, others), 0)
        s_ptr, s_idx, q_ptr_l, q_idx_l = lists(pg, s_len)
    else:
        s_ptr, s_idx = np.zeros(n_a + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
        q_ptr_l, q_idx_l = np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    # the programs' lists: the primary programs' segments and the PGY-1 programs' ones, each moved to
    # where its program's list starts (one scatter, no loop over programs)
    p_len = np.zeros(n_p, dtype=np.int64)
    p_len[prim] = np.diff(p_ptr_l)
    p_len[pg] = np.diff(q_ptr_l)
    p_ptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(p_len, out=p_ptr[1:])
    p_idx = np.empty(int(p_ptr[-1]), dtype=np.int32)
    for cols, q_ptr, q_idx in ((prim, p_ptr_l, p_idx_l), (pg, q_ptr_l, q_idx_l)):
        if q_idx.size:
            dest = np.repeat(p_ptr[cols] - q_ptr[:-1], np.diff(q_ptr)) + np.arange(q_idx.size)
            p_idx[dest] = q_idx
    supp = _supplemental_of(tr, a_ptr, a_idx, owner, s_ptr, s_idx)
    return Market.from_arrays(a_ptr, a_idx, p_ptr, p_idx, cap, tracks=tr, supplemental=supp)
