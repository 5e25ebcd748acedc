"""Stage 1 of a synthetic season: applications and preference signals.

Each applicant applies to a number of programs (gamma distributed around the
mean of their type), mostly near their own level and mostly in their home
region, with some reaches and some safeties: a candidate application aims at
the capacity-weighted quantile ``Phi(z~_a + application_shift +
application_spread g)`` of the chosen region's programs, ordered by quality.
Each application gets the applicant's utility ``u_ap = sqrt(c_a) q_p +
sqrt(1 - c_a) e_ap + home_bonus [r_p = h_a]`` and the program's screening
score ``s_pa = z_a + interview_noise_sd k_pa``; the applicant sends preference
signals to the ``n_signals`` applications with the highest utility.

Examples
--------
>>> import numpy as np
>>> from matchsim.markets import preset
>>> from matchsim.markets.population import draw_applicants, draw_programs
>>> params, rng = preset("small"), np.random.default_rng(0)
>>> programs, applicants = draw_programs(params, rng), draw_applicants(params, rng)
>>> apps = draw_applications(params, programs, applicants, rng)
>>> # every applicant signals 3 programs (or all, if they applied to fewer)
>>> bool(apps.signal.sum() == np.minimum(np.diff(apps.ptr), 3).sum())
True
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from matchsim.markets.population import Applicants, Programs
from matchsim.numeric import ndtri_acklam, ndtri_grid

__all__ = ["Applications", "draw_applications"]


class Applications(NamedTuple):
    """Every application of a market, grouped by applicant (CSR).

    Attributes
    ----------
    ptr : ndarray of int64, shape (n_applicants + 1,)
        Applicant ``a``'s applications are entries ``ptr[a]:ptr[a+1]``.
    program : ndarray of int32, shape (n_applications,)
        The program applied to (no program twice per applicant).
    utility : ndarray of float64, shape (n_applications,)
        The applicant's true value of the program, ``u_ap``.
    score : ndarray of float64, shape (n_applications,)
        The program's screening score of the applicant, before signals.
    signal : ndarray of bool, shape (n_applications,)
        Whether the applicant sent the program a preference signal.

    Examples
    --------
    See :func:`draw_applications`; the fields are plain arrays:

    >>> import numpy as np
    >>> apps = Applications(np.array([0, 1]), np.array([3], np.int32), np.zeros(1), np.zeros(1),
    ...                     np.ones(1, bool))
    >>> int(apps.program[apps.ptr[0]])
    3
    """

    ptr: np.ndarray
    program: np.ndarray
    utility: np.ndarray
    score: np.ndarray
    signal: np.ndarray


class _RegionIndex(NamedTuple):
    """Programs by region and quality, with each region's quantile cuts.

    ``ptr`` (int64, ``n_regions + 2``) delimits each region's run in ``prog``
    (int32; the last run, slot ``n_regions``, is the whole market); ``cut``
    (float64, aligned with ``prog``) is the level up to which a candidate
    lands on ``prog[i]``; ``lut`` (int64, ``(n_regions + 1) * _LUT_BINS``)
    holds, per region and level bin, the first ``i`` whose cut reaches the
    bin's lower edge; level ``t`` falls in bin ``int((t - lo) * scale)``.
    """

    ptr: np.ndarray
    prog: np.ndarray
    cut: np.ndarray
    lut: np.ndarray
    lo: float
    scale: float


class _Candidates(NamedTuple):
    """Where each applicant's candidate applications aim.

    ``n_app`` (int64, per applicant) is how many distinct programs to apply
    to; candidates ``ptr[a]:ptr[a+1]`` (int64 CSR) are tried in order, each
    with a region draw ``region_u`` (uniform) and a level ``mu[a] + sd *
    eps[j]`` (``eps`` standard normal). ``home_share`` is the chance of the
    home region.
    """

    n_app: np.ndarray
    ptr: np.ndarray
    region_u: np.ndarray
    mu: np.ndarray
    sd: float
    eps: np.ndarray
    home_share: float


class _Valuation(NamedTuple):
    """How application ``k`` is valued: ``common q_p + own taste[k] (+ home_bonus)``
    by the applicant, ``z_a + screen_sd screen[k]`` by the program (``taste``
    and ``screen`` are float64 standard normal draws, one per possible
    application)."""

    taste: np.ndarray
    screen: np.ndarray
    common: float
    own: float
    home_bonus: float
    screen_sd: float


_LUT_LO, _LUT_HI, _LUT_BINS = -6.0, 6.0, 2048


def _region_index(region, quality, capacity, n_regions) -> _RegionIndex:
    """Programs sorted by (region, quality), with the quantile cuts per region.

    Region slot ``n_regions`` is the whole market (fallback for empty regions).
    ``cut[i]`` is ``Phi^-1`` of the region's cumulative capacity share up to
    ``prog[i]`` (the region's last cut is ``+inf``).
    """
    order = np.lexsort((quality, region))
    counts = np.bincount(region, minlength=n_regions)
    ptr = np.zeros(n_regions + 2, dtype=np.int64)
    np.cumsum(counts, out=ptr[1 : n_regions + 1])
    all_order = np.argsort(quality, kind="stable")
    prog = np.concatenate([order, all_order]).astype(np.int32)
    ptr[n_regions + 1] = ptr[n_regions] + all_order.size
    cap = capacity[prog].astype(np.float64)
    cut = np.empty(prog.size, dtype=np.float64)
    edges = np.linspace(_LUT_LO, _LUT_HI, _LUT_BINS, endpoint=False)
    lut = np.zeros((n_regions + 1) * _LUT_BINS, dtype=np.int64)
    for r in range(n_regions + 1):
        s, e = ptr[r], ptr[r + 1]
        if e > s:
            c = np.cumsum(cap[s:e])
            cut[s:e] = ndtri_grid(c / c[-1])
            cut[e - 1] = np.inf
            lut[r * _LUT_BINS : (r + 1) * _LUT_BINS] = s + np.searchsorted(cut[s:e], edges)
    return _RegionIndex(ptr, prog, cut, lut, _LUT_LO, _LUT_BINS / (_LUT_HI - _LUT_LO))


def draw_applications(params, programs: Programs, applicants: Applicants, rng) -> Applications:
    """Draw every applicant's applications and signals (stage 1).

    Parameters
    ----------
    params : MarketParams
        Uses ``n_applications``, ``application_dispersion``,
        ``home_application_share``, ``application_shift``,
        ``application_spread``, ``applicant_correlation``, ``home_bonus``,
        ``interview_noise_sd`` and ``n_signals``.
    programs : Programs
    applicants : Applicants
    rng : numpy.random.Generator
        Draws, in this order: the number of applications (gamma), candidate
        regions, candidate levels, tastes, screening noise.

    Returns
    -------
    Applications

    Notes
    -----
    1. Each applicant's number of applications: gamma with mean
       ``n_applications[type]`` and coefficient of variation
       ``application_dispersion``, rounded, between 1 and ``n_programs``.
    2. About 10% more candidates than that (plus 2) are drawn, so that
       candidates repeating a program can be skipped.
    3. The programs, each region's quantile cuts and a look-up table over
       the level scale are built once; then one kernel pass turns candidates
       into distinct applications and values each.
    4. Signals go to each applicant's ``n_signals`` best applications.

    ``O(n_candidates + n_regions * 2048 + n_programs log n_programs)``.

    Examples
    --------
    >>> import numpy as np
    >>> from matchsim.markets import preset
    >>> from matchsim.markets.population import draw_applicants, draw_programs
    >>> params, rng = preset("small", n_applications=(4, 4, 4, 4, 4)), np.random.default_rng(0)
    >>> programs, applicants = draw_programs(params, rng), draw_applicants(params, rng)
    >>> apps = draw_applications(params, programs, applicants, rng)
    >>> float(np.diff(apps.ptr).mean()) > 3
    True
    """
    P = params
    n_a, n_p = P.n_applicants, P.n_programs
    mean_apps = np.asarray(P.n_applications)[applicants.type]
    if P.application_dispersion > 0:
        k = 1.0 / P.application_dispersion**2
        n_app = rng.gamma(k, mean_apps / k)
    else:
        n_app = mean_apps
    n_app = np.clip(np.rint(n_app), 1, n_p).astype(np.int64)
    # candidates beyond n_app replace repeats
    n_cand = np.minimum(np.ceil(1.1 * n_app).astype(np.int64) + 2, 4 * n_p)
    cand_ptr = np.zeros(n_a + 1, dtype=np.int64)
    np.cumsum(n_cand, out=cand_ptr[1:])
    n_c = int(cand_ptr[-1])
    n_max = int(n_app.sum())
    regions = _region_index(programs.region, programs.quality, programs.capacity, P.n_regions)
    cand = _Candidates(n_app, cand_ptr, rng.random(n_c), applicants.level + P.application_shift,
                       float(P.application_spread), ndtri_acklam(rng.random(n_c)),
                       float(P.home_application_share))
    value = _Valuation(ndtri_acklam(rng.random(n_max)), ndtri_acklam(rng.random(n_max)),
                       math.sqrt(P.applicant_correlation),
                       math.sqrt(1.0 - P.applicant_correlation), float(P.home_bonus),
                       float(P.interview_noise_sd))
    ptr, program, utility, score = _applications(cand, regions, applicants, programs, value)
    return Applications(ptr, program, utility, score, _signals(ptr, utility, P.n_signals))


@njit(cache=True)
def _applications(cand, regions, applicants, programs, value):
    """Sample each applicant's applications without repeats; value and screen them.

    Parameters
    ----------
    cand : _Candidates
    regions : _RegionIndex
    applicants : Applicants
        Uses ``region`` (home) and ``strength``.
    programs : Programs
        Uses ``quality`` and ``region``.
    value : _Valuation
        ``taste`` and ``screen`` hold ``sum(cand.n_app)`` draws each.

    Returns
    -------
    ptr : int64 (n_applicants + 1,)
    program : int32 (n_applications,)
    utility, score : float64 (n_applications,)
        New arrays; no input is modified. Application ``k`` uses draws
        ``value.taste[k]`` and ``value.screen[k]``.

    Notes
    -----
    1. Candidate ``j`` of applicant ``a`` picks a region (home with
       probability ``home_share``, else uniform; an empty region falls back
       to the whole market, slot ``n_regions``).
    2. Its level ``t = mu[a] + sd * eps[j]`` is looked up in the region's
       cuts: the table gives a start, and a step or two reaches the first
       cut ``>= t`` (the last cut is ``+inf``).
    3. A program the applicant already applied to is skipped (a mark array
       holds, per program, the last applicant who applied there).
    4. An applicant left short by repeats takes the programs nearest to their
       own level in the whole market, outwards.

    ``O(n_candidates + n_applications)``.
    """
    n_app, cand_ptr, level_mu, level_sd = cand.n_app, cand.ptr, cand.mu, cand.sd
    region_ptr, region_prog, region_cut, lut = regions.ptr, regions.prog, regions.cut, regions.lut
    home, strength = applicants.region, applicants.strength
    quality, p_region = programs.quality, programs.region
    home_share = cand.home_share
    n_regions = region_ptr.size - 2
    n_a = n_app.size
    n_bins = lut.size // (n_regions + 1)
    out_ptr = np.zeros(n_a + 1, dtype=np.int64)
    n_max = value.taste.size
    out = np.empty(n_max, dtype=np.int32)
    util = np.empty(n_max, dtype=np.float64)
    score = np.empty(n_max, dtype=np.float64)
    mark = np.full(quality.size, -1, dtype=np.int32)  # last applicant to apply there (-1: none)
    s_all, e_all = region_ptr[n_regions], region_ptr[n_regions + 1]
    k = 0
    for a in range(n_a):
        got = 0
        ha = home[a]
        za = strength[a]
        j = cand_ptr[a]
        c, lo, hi = 0, 0, 0
        fallback = False
        while got < n_app[a]:
            if not fallback and j < cand_ptr[a + 1]:
                u = cand.region_u[j]
                if u < home_share:
                    r = ha
                else:
                    r = int((u - home_share) / (1.0 - home_share) * n_regions)
                    if r >= n_regions:
                        r = n_regions - 1
                if region_ptr[r] == region_ptr[r + 1]:
                    r = n_regions
                t = level_mu[a] + level_sd * cand.eps[j]
                j += 1
                b = int((t - regions.lo) * regions.scale)
                if b < 0:
                    b = 0
                elif b >= n_bins:
                    b = n_bins - 1
                i = lut[r * n_bins + b]
                while region_cut[i] < t:  # the last cut of a region is +inf
                    i += 1
                p = region_prog[i]
            else:
                # too many repeats (a small market): take the programs nearest
                # to the applicant's own level in the whole market, outwards
                if not fallback:
                    fallback = True
                    c = s_all + np.searchsorted(region_cut[s_all:e_all], level_mu[a])
                    if c >= e_all:
                        c = e_all - 1
                    lo, hi = c - 1, c
                if lo < s_all and hi >= e_all:
                    break
                if hi < e_all and (lo < s_all or (hi - c) <= (c - lo)):
                    p = region_prog[hi]
                    hi += 1
                else:
                    p = region_prog[lo]
                    lo -= 1
            if mark[p] != a:
                mark[p] = a
                out[k] = p
                v = value.common * quality[p] + value.own * value.taste[k]
                if p_region[p] == ha:
                    v += value.home_bonus
                util[k] = v
                score[k] = za + value.screen_sd * value.screen[k]
                k += 1
                got += 1
        out_ptr[a + 1] = k
    return out_ptr, out[:k], util[:k], score[:k]


@njit(cache=True)
def _signals(app_ptr, utility, n_signals):
    """Mark each applicant's ``n_signals`` highest-utility applications.

    Parameters
    ----------
    app_ptr : int64 (n_applicants + 1,)
    utility : float64 (n_applications,)
    n_signals : int

    Returns
    -------
    ndarray of bool (n_applications,)
        A new array; inputs are not modified.

    Notes
    -----
    One pass per applicant keeping the best ``n_signals`` in a small sorted
    buffer (insertion; ``n_signals`` is small): ``O(n_applications *
    n_signals)`` at worst.
    """
    sig = np.zeros(utility.size, dtype=np.bool_)
    if n_signals == 0:
        return sig
    buf = np.empty(n_signals, dtype=np.int64)
    for a in range(app_ptr.size - 1):
        s, e = app_ptr[a], app_ptr[a + 1]
        k = 0
        for i in range(s, e):
            u = utility[i]
            if k < n_signals:
                j = k
                k += 1
            elif u > utility[buf[k - 1]]:
                j = k - 1
            else:
                continue
            while j > 0 and utility[buf[j - 1]] < u:
                buf[j] = buf[j - 1]
                j -= 1
            buf[j] = i
        for j in range(k):
            sig[buf[j]] = True
    return sig
