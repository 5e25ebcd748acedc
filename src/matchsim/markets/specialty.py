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

__all__ = ["specialty_market"]


@njit(cache=True)
def _specialty_lists(util, a_ptr, strength, noise, n_p):
    """Applicant ``a >= 1`` ranks her ``a_ptr[a+1] - a_ptr[a]`` best programs by ``util[a-1]``;
    each program ranks everyone who ranked it by ``strength + noise`` (one noise per entry).

    The best ``k`` of a row are kept in a small sorted buffer (lists are
    short, so most programs are rejected with one comparison); on the
    program side the entries are grouped by program with the shared
    counting sort (:func:`matchsim.numeric.bucket`) and each group is sorted
    by score, highest first.

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
    score = np.empty(a_idx.size)
    owner = np.empty(a_idx.size, dtype=np.int32)
    for a in range(1, n_a):
        for e in range(a_ptr[a], a_ptr[a + 1]):
            score[e] = strength[a] + noise[e]
            owner[e] = a
    p_ptr, order = bucket(a_idx, n_p)  # entries grouped by program (counting sort)
    p_idx = np.empty(a_idx.size, dtype=np.int32)
    for p in range(n_p):
        s, e = p_ptr[p], p_ptr[p + 1]
        seg = order[s:e]
        by_score = np.argsort(-score[seg], kind="mergesort")
        for i in range(e - s):
            p_idx[s + i] = owner[seg[by_score[i]]]
    return a_idx, p_ptr, p_idx


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
