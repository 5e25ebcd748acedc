"""Synthetic residency markets: applications, interviews, rank lists, messages.

The model in plain words
------------------------
Applicants of several types (US MD seniors, US DO seniors, US-citizen IMGs,
non-US-citizen IMGs, other applicants) differ in *strength*: how attractive
they look to programs. Programs differ in *quality*: how attractive they look
to applicants. Both sides also have their own tastes (geography and personal
fit), so preferences are correlated but not identical.

A season runs in four stages, as the real one does:

1. **Applications.** Each applicant applies to a number of programs (more for
   IMGs than for US seniors), mostly near their own level and mostly in their
   home region, with some reaches and some safeties. With the applications
   they send a few *preference signals* to the programs they like best.
2. **Interviews.** Each program invites a limited number of its applicants per
   position, preferring stronger applicants and those who signalled it. An
   applicant attends at most ``max_interviews`` interviews. Because interview
   slots are scarce, rank lists are short (about a dozen programs).
3. **Rank lists.** Each applicant ranks every program that interviewed them,
   in order of true preference; each program ranks the applicants it
   interviewed, in its own order, leaving off those below its bar. Nobody
   ranks a program or an applicant without an interview. These are the
   *truthful* lists in :attr:`SyntheticMarket.market`.
4. **Post-interview messages.** Some programs tell interviewees "we are
   interested", "we will rank you highly" or "we will rank you to match". A
   sincere message follows the program's real list ("ranked to match" goes
   only to applicants high enough on it to be sure to match, who have told
   the program it is their first choice); with probability
   ``1 - message_informativeness`` the message is instead copied from a random
   interviewee of the same program, so it says nothing about the listener.
   Applicants form a *belief* about each program's chance of taking them from
   their own strength, the program's quality and the message. Messages and
   beliefs never enter the algorithm; they matter only when an applicant
   reorders their list in response (see :mod:`matchsim.strategies`).

The formulas
------------
Applicant ``a`` has type ``t(a)``, strength ``z_a ~ N(mu_t, strength_sd^2)``
and home region ``h_a``; program ``p`` has quality ``q_p ~ N(0, 1)``, region
``r_p`` and ``capacity_p`` positions. With ``c_a = applicant_correlation`` and
``c_p = program_correlation``:

* utility ``u_ap = sqrt(c_a) q_p + sqrt(1 - c_a) e_ap + home_bonus [r_p = h_a]``;
* the program's evaluation ``v_pa = sqrt(c_p) z_a + sqrt(1 - c_p) f_pa``;
* application targets: a quantile ``Phi(z~_a + application_shift +
  application_spread g)`` of the capacity-weighted program quality
  distribution of the chosen region (home with probability
  ``home_application_share``), where ``z~_a`` is ``z_a`` standardised over the
  applicant pool;
* signals go to the ``n_signals`` applications with the highest ``u_ap``;
* interview score ``s_pa = z_a + interview_noise_sd k_pa + signal_boost [a
  signalled p]``; program ``p`` invites its ``ceil(interview_slots_per_position
  * capacity_p)`` best-scoring applicants, and each applicant attends the
  ``max_interviews`` invitations with the highest ``u_ap``;
* lists: applicants rank their interviews by ``u_ap``; programs rank the
  interviewees with ``v_pa >= rank_floor + rank_floor_slope q_p`` by ``v_pa``;
* belief ``b_ap = logistic(belief_intercept + belief_slope (z~_a - q_p) +
  belief_message_weight m_ap + belief_noise_sd n_ap)``, where ``m_ap`` in 0..3
  is the message code.

All the ``e, f, g, k, n`` are independent standard normal draws from
``rng``; the same seed gives the same market. The millions of ``e, g, k``
draws are made from NumPy uniforms by the inverse normal CDF (Acklam's
approximation, :func:`matchsim.numeric.ndtri_acklam`, kept so that every
published market keeps its exact bits). Signals, messages and beliefs use no random numbers that
earlier stages need, so two settings that differ only in ``n_signals``,
``signal_boost`` or the message and belief parameters draw the same
applicants, programs and applications from the same seed (common random
numbers).

Implementation notes
--------------------
Everything is vectorised over flat arrays; the steps that need a loop
(sampling applications without repeats, choosing signals, each program's top
interview scores, each applicant's attended interviews, sorting programs'
lists, messages) are private ``@njit(cache=True)`` kernels that take the
random draws as arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np
from numba import njit

from matchsim.constants import NRMP_MAX_RANKS, UNRANKED_BY_PROGRAM
from matchsim.market import Market
from matchsim.numeric import bucket, ndtri_acklam, ndtri_grid

__all__ = [
    "APPLICANT_TYPES",
    "MESSAGES",
    "NO_MESSAGE",
    "UNRANKED_BY_PROGRAM",
    "MarketParams",
    "SyntheticMarket",
    "generate_market",
]

#: Applicant types, in the order of the int8 codes in ``applicant_type``.
#: The first four are the NRMP's main reporting groups; "other" collects the
#: remaining active applicants (for example prior-year graduates of US
#: schools), whom the NRMP reports in further, smaller groups.
APPLICANT_TYPES = ("US MD", "US DO", "US-citizen IMG", "non-US IMG", "other")

#: Post-interview messages, in the order of the int8 codes in ``message``.
MESSAGES = ("none", "interested", "ranked highly", "ranked to match")

#: Code of "no message".
NO_MESSAGE = 0


@dataclass(frozen=True)
class MarketParams:
    """Every knob of the synthetic market, with defaults.

    The defaults describe a small generic market; the calibrated settings live
    in :data:`matchsim.markets.PRESETS`. Per-type tuples follow
    :data:`APPLICANT_TYPES` (five entries).

    Parameters
    ----------
    n_applicants, n_programs, n_positions : int
        Active applicants, programs (program tracks) and positions. Capacities
        are drawn so that they sum to exactly ``n_positions``; every program
        has at least one position.
    capacity_sigma : float
        Spread (log-normal sigma) of program sizes around the mean size.
    type_shares : tuple of 5 float
        Share of applicants of each type (normalised to sum 1).
    strength_mean : tuple of 5 float
        Mean strength of each type, in standard deviations of strength.
    strength_sd : float
        Standard deviation of strength within a type.
    n_regions : int
        Number of geographic regions (applicants and programs each get one at
        random). ``1`` turns geography off.
    home_bonus : float
        Extra utility an applicant gets from a program in their home region.
    applicant_correlation : float in [0, 1]
        Share of the variance of applicants' utilities that is common to all
        applicants (the program's quality); the rest is personal taste. ``1``
        means everybody agrees on the ranking of programs.
    program_correlation : float in [0, 1]
        Likewise for programs' evaluations of applicants.
    n_applications : tuple of 5 float
        Mean number of programs an applicant of each type applies to.
    application_dispersion : float
        Coefficient of variation of the number of applications (gamma
        distributed around the type mean).
    home_application_share : float in [0, 1]
        Share of applications sent to programs in the home region.
    application_shift : float
        How far above their own level applicants aim, in standard deviations
        (positive = more reaches).
    application_spread : float
        Spread of the levels applied to around that aim.
    n_signals : int
        Preference signals each applicant sends, to the programs they like
        most among those they apply to (``0`` = no signalling).
    signal_boost : float
        What a signal adds to the applicant's interview score, in standard
        deviations of strength.
    interview_slots_per_position : float
        Interviews each program holds per position (it invites
        ``ceil(slots * capacity)`` applicants, or all its applicants if fewer).
    interview_noise_sd : float
        Noise in a program's screening of applications.
    max_interviews : int
        Most interviews an applicant attends (they keep the ones they like
        best); also capped by the NRMP's 300-rank rule.
    rank_floor, rank_floor_slope : float
        A program leaves off its list the interviewees whose evaluation
        ``v_pa`` is below ``rank_floor + rank_floor_slope * q_p`` (stronger
        programs are choosier). ``-inf`` (default) ranks every interviewee.
    message_rate : float in [0, 1]
        Share of programs that send post-interview messages.
    message_cutoffs : tuple of 3 float
        A communicating program tells an interviewee "ranked to match",
        "ranked highly" or "interested" when the interviewee's place on its
        list is within ``cutoffs[0]``, ``cutoffs[1]`` or ``cutoffs[2]`` times
        its capacity; the rest hear nothing. "Ranked to match" also requires
        that the program is the applicant's true first choice (the applicant
        told it so); with ``cutoffs[0] <= 1`` a sincere "ranked to match" is
        then a promise the algorithm keeps if the applicant ranks truthfully.
    message_informativeness : float in [0, 1]
        Probability that a message is sincere; otherwise it is copied from a
        random interviewee of the same program (``0`` = pure noise with the
        same frequencies, ``1`` = fully sincere).
    belief_intercept, belief_slope, belief_message_weight, belief_noise_sd : float
        Coefficients of the applicant's believed chance of being taken
        (logistic; see the module docstring).

    Examples
    --------
    >>> p = MarketParams(n_applicants=100, n_programs=10, n_positions=80)
    >>> p.n_positions, p.n_signals
    (80, 0)
    """

    n_applicants: int = 1_000
    n_programs: int = 140
    n_positions: int = 850
    capacity_sigma: float = 0.7
    type_shares: tuple = (0.43, 0.18, 0.10, 0.24, 0.05)
    strength_mean: tuple = (0.0, -0.2, -1.3, -1.6, -1.9)
    strength_sd: float = 1.0
    n_regions: int = 1
    home_bonus: float = 0.5
    applicant_correlation: float = 0.6
    program_correlation: float = 0.7
    n_applications: tuple = (30.0, 30.0, 40.0, 40.0, 30.0)
    application_dispersion: float = 0.5
    home_application_share: float = 0.6
    application_shift: float = 0.3
    application_spread: float = 0.8
    n_signals: int = 0
    signal_boost: float = 0.5
    interview_slots_per_position: float = 10.0
    interview_noise_sd: float = 0.5
    max_interviews: int = 25
    rank_floor: float = -np.inf
    rank_floor_slope: float = 0.0
    message_rate: float = 0.5
    message_cutoffs: tuple = (1.0, 3.0, 6.0)
    message_informativeness: float = 0.5
    belief_intercept: float = 0.0
    belief_slope: float = 1.5
    belief_message_weight: float = 0.7
    belief_noise_sd: float = 0.5

    def __post_init__(self):
        n_t = len(APPLICANT_TYPES)
        for name in ("n_applicants", "n_programs", "n_positions", "n_regions", "n_signals",
                     "max_interviews"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise ValueError(f"{name} must be an integer, got {v!r}")
        if self.n_applicants < 0:
            raise ValueError(f"n_applicants must be >= 0, got {self.n_applicants}")
        if self.n_programs < 1:
            raise ValueError(f"n_programs must be >= 1, got {self.n_programs}")
        if self.n_positions < self.n_programs:
            raise ValueError(
                f"n_positions ({self.n_positions}) must be at least n_programs "
                f"({self.n_programs}): every program offers one position or more"
            )
        if self.n_regions < 1:
            raise ValueError(f"n_regions must be >= 1, got {self.n_regions}")
        if self.n_signals < 0:
            raise ValueError(f"n_signals must be >= 0, got {self.n_signals}")
        if self.max_interviews < 1:
            raise ValueError(f"max_interviews must be >= 1, got {self.max_interviews}")
        for name in ("type_shares", "strength_mean", "n_applications"):
            v = tuple(float(x) for x in getattr(self, name))
            if len(v) != n_t:
                raise ValueError(
                    f"{name} needs {n_t} values, one per type {APPLICANT_TYPES}, got {len(v)}"
                )
            object.__setattr__(self, name, v)
        shares = np.asarray(self.type_shares)
        if np.any(shares < 0) or shares.sum() <= 0:
            raise ValueError("type_shares must be >= 0 and not all 0")
        if any(x < 1 for x in self.n_applications):
            raise ValueError("n_applications must be >= 1 for every type")
        cut = tuple(float(x) for x in self.message_cutoffs)
        if len(cut) != 3 or not (0 <= cut[0] <= cut[1] <= cut[2]):
            raise ValueError(
                f"message_cutoffs must be 3 non-decreasing values >= 0, got {self.message_cutoffs}"
            )
        object.__setattr__(self, "message_cutoffs", cut)
        for name in ("applicant_correlation", "program_correlation", "home_application_share",
                     "message_rate", "message_informativeness"):
            v = float(getattr(self, name))
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {v}")
        for name in ("strength_sd", "application_spread", "interview_noise_sd",
                     "belief_noise_sd", "capacity_sigma", "application_dispersion",
                     "interview_slots_per_position"):
            v = float(getattr(self, name))
            if v < 0:
                raise ValueError(f"{name} must be >= 0, got {v}")

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Names of all parameters, in declaration order."""
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, eq=False)
class SyntheticMarket:
    """A generated market with the truth behind it.

    Attributes
    ----------
    market : Market
        The truthful submitted lists: each applicant ranks all their
        interviews in true order; each program ranks its interviewees in its
        own true order.
    params : MarketParams
        The parameters it was drawn from.
    applicant_type : ndarray of int8, shape (n_applicants,)
        Codes into :data:`APPLICANT_TYPES`.
    utility : ndarray of float64, aligned with ``market.applicant_list``
        The applicant's true value of that program (each list is sorted by it,
        highest first).
    belief : ndarray of float64 in [0, 1], aligned with ``market.applicant_list``
        The applicant's believed chance that the program takes them.
    message : ndarray of int8, aligned with ``market.applicant_list``
        Code into :data:`MESSAGES`: what the program told the applicant after
        the interview.
    signal : ndarray of bool, aligned with ``market.applicant_list``
        Whether the applicant sent the program a preference signal.
    strength : ndarray of float64, shape (n_applicants,)
        Applicant strength (what programs look for, before their own taste).
    quality : ndarray of float64, shape (n_programs,)
        Program quality (what applicants look for, before their own taste).
    program_rank : ndarray of int32, aligned with ``market.applicant_list``
        The applicant's place (0 = first) on the program's list, or
        ``UNRANKED_BY_PROGRAM`` (-1) if the program left them off.
    n_applied : ndarray of int32, shape (n_applicants,)
        Number of programs each applicant applied to.
    """

    market: Market
    params: MarketParams
    applicant_type: np.ndarray
    utility: np.ndarray
    belief: np.ndarray
    message: np.ndarray
    signal: np.ndarray
    strength: np.ndarray = field(repr=False, default=None)
    quality: np.ndarray = field(repr=False, default=None)
    program_rank: np.ndarray = field(repr=False, default=None)
    n_applied: np.ndarray = field(repr=False, default=None)
    _draws: dict = field(repr=False, default=None)

    @property
    def entry_applicant(self) -> np.ndarray:
        """Applicant id of each ``market.applicant_list`` entry (int64)."""
        m = self.market
        return np.repeat(np.arange(m.n_applicants, dtype=np.int64), np.diff(m.applicant_ptr))

    def with_messages(self, informativeness: float | None = None,
                      rate: float | None = None) -> SyntheticMarket:
        """The same market with post-interview messages redrawn.

        Only ``message`` and ``belief`` change, and they are recomputed from
        the random numbers drawn when the market was generated (common random
        numbers): rank lists, utilities and signals are identical.

        Parameters
        ----------
        informativeness : float in [0, 1], optional
            New ``message_informativeness``; default: unchanged.
        rate : float in [0, 1], optional
            New ``message_rate`` (``0`` = nobody sends messages).

        Examples
        --------
        >>> sm = generate_market("small", rng=1)
        >>> quiet = sm.without_messages()
        >>> int(quiet.message.max()), bool((quiet.utility == sm.utility).all())
        (0, True)
        >>> noisy = sm.with_messages(informativeness=0.0)
        >>> noisy.params.message_informativeness
        0.0
        """
        kw = {}
        if informativeness is not None:
            kw["message_informativeness"] = float(informativeness)
        if rate is not None:
            kw["message_rate"] = float(rate)
        params = replace(self.params, **kw)
        message, belief = _messages_and_beliefs(
            params, self.market, self.program_rank, self._draws, self._draws["ztil_entry"],
            self.quality,
        )
        return replace(self, params=params, message=message, belief=belief)

    def without_messages(self) -> SyntheticMarket:
        """The same market in which no program sends a message (CRN)."""
        return self.with_messages(rate=0.0)

    def __repr__(self) -> str:
        return f"SyntheticMarket({self.market!r})"


# --------------------------------------------------------------------- kernels
@njit(cache=True)
def _applications(n_app, cand_ptr, cand_region_u, level_mu, level_sd, level_eps, home,
                  home_share, n_regions, region_ptr, region_prog, region_cut, lut, lut_lo,
                  lut_scale, quality, p_region, strength, taste_z, screen_z, sa, sp,
                  home_bonus, noise_sd):
    """Sample each applicant's applications without repeats; value and screen them.

    Candidate ``j`` of applicant ``a`` picks a region (home with probability
    ``home_share``, else uniform), then the program at capacity-weighted
    quantile ``Phi(level_mu[a] + level_sd * level_eps[j])`` of that
    region's quality order. ``region_cut`` holds each region's quantile
    boundaries already mapped through the inverse of ``Phi``, and ``lut`` is a
    bucket table into it, so a candidate costs a table read and a step or two.
    Candidates that repeat a program are skipped; an applicant stops after
    ``n_app[a]`` distinct programs, and one left short by repeats takes the
    programs nearest to their own level. Regions without programs fall back
    to the whole market (region slot ``n_regions``).

    For application ``k`` it also returns the applicant's utility
    ``sa q_p + sp taste_z[k] + home_bonus [same region]`` and the
    program's screening score ``z_a + noise_sd screen_z[k]`` (``taste_z`` and
    ``screen_z`` are standard normal draws, one per possible application).
    """
    n_a = n_app.size
    n_bins = lut.size // (n_regions + 1)
    out_ptr = np.zeros(n_a + 1, dtype=np.int64)
    n_max = taste_z.size
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
                u = cand_region_u[j]
                if u < home_share:
                    r = ha
                else:
                    r = int((u - home_share) / (1.0 - home_share) * n_regions)
                    if r >= n_regions:
                        r = n_regions - 1
                if region_ptr[r] == region_ptr[r + 1]:
                    r = n_regions
                t = level_mu[a] + level_sd * level_eps[j]
                j += 1
                b = int((t - lut_lo) * lut_scale)
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
                v = sa * quality[p] + sp * taste_z[k]
                if p_region[p] == ha:
                    v += home_bonus
                util[k] = v
                score[k] = za + noise_sd * screen_z[k]
                k += 1
                got += 1
        out_ptr[a + 1] = k
    return out_ptr, out[:k], util[:k], score[:k]


@njit(cache=True)
def _group_sort(group, n_groups, key):
    """Entries grouped by ``group`` (counting sort), each group by ``key`` descending.

    Returns ``(ptr, order)``: group ``g`` holds entries
    ``order[ptr[g]:ptr[g+1]]``, highest key first (ties keep entry order).
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


@njit(cache=True)
def _attend(app_ptr, invited, util, cap):
    """Each applicant's invitations, best ``cap`` by utility, highest first.

    Returns ``(ptr, idx)``: applicant ``a``'s interviews are the applications
    ``idx[ptr[a]:ptr[a+1]]``, in decreasing utility.
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


@njit(cache=True)
def _select_top(group, n_groups, key, quota):
    """Mark, in each group, the ``quota[g]`` entries with the highest ``key``.

    The keys are bucketed by group (counting sort), each bucket is partitioned
    at its quota to find the group's threshold (linear time), and one more pass
    keeps the entries at or above their group's threshold (ties at the
    threshold have probability zero with continuous keys).
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
def _signals(app_ptr, utility, n_signals):
    """Mark each applicant's ``n_signals`` highest-utility applications.

    One pass per applicant keeping the best ``n_signals`` in a small sorted
    buffer (``n_signals`` is small).
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


# ------------------------------------------------------------------ stages
def _capacities(params, rng):
    n_p, n_pos = params.n_programs, params.n_positions
    w = rng.lognormal(0.0, params.capacity_sigma, n_p)
    extra = rng.multinomial(n_pos - n_p, w / w.sum())
    return (1 + extra).astype(np.int32)


_LUT_LO, _LUT_HI, _LUT_BINS = -6.0, 6.0, 2048


def _region_index(region, quality, capacity, n_regions):
    """Programs sorted by (region, quality), with the quantile cuts per region.

    Region slot ``n_regions`` is the whole market (fallback for empty regions).
    ``cut[i]`` is the level (on the standard normal scale) up to which a
    candidate lands on program ``prog[i]``: ``Phi^-1`` of the region's
    cumulative capacity share. ``lut`` gives, for each of ``_LUT_BINS`` equal
    level buckets of each region, the first program whose cut reaches the
    bucket's lower edge.
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
    return ptr, prog, cut, lut


@njit(cache=True)
def _messages(a_ptr, a_list, capacity, program_rank, iv_ptr, iv_order, msg_pick, sincere_u,
              talk_u, informativeness, rate, c1, c2, c3):
    """Post-interview message codes of all interview entries.

    The sincere message follows the program's list: "ranked to match" (3)
    within ``c1 * capacity`` and only to an applicant whose first choice the
    program is (they told it so: the program then promises a match it knows
    will happen), "ranked highly" (2) within ``c2 * capacity``, "interested"
    (1) within ``c3 * capacity``. A noisy message (``sincere_u >=
    informativeness``) is the sincere message of a random interviewee of the
    same program, so message frequencies do not depend on informativeness.
    Programs with ``talk_u >= rate`` say nothing.
    """
    n = a_list.size
    tier = np.zeros(n, dtype=np.int8)
    for a in range(a_ptr.size - 1):
        for i in range(a_ptr[a], a_ptr[a + 1]):
            r = program_rank[i]
            if r == UNRANKED_BY_PROGRAM:
                continue
            c = capacity[a_list[i]]
            if r < c1 * c and i == a_ptr[a]:
                tier[i] = 3
            elif r < c2 * c:
                tier[i] = 2
            elif r < c3 * c:
                tier[i] = 1
    msg = np.zeros(n, dtype=np.int8)
    for i in range(n):
        p = a_list[i]
        if talk_u[p] >= rate:
            continue
        if sincere_u[i] < informativeness:
            msg[i] = tier[i]
        else:
            s, e = iv_ptr[p], iv_ptr[p + 1]
            j = s + int(msg_pick[i] * (e - s))
            if j >= e:
                j = e - 1
            msg[i] = tier[iv_order[j]]
    return msg


def _messages_and_beliefs(params, market, program_rank, draws, ztil_entry, quality):
    """Post-interview messages and applicants' beliefs (see the module docstring)."""
    c1, c2, c3 = params.message_cutoffs
    msg = _messages(market.applicant_ptr, market.applicant_list, market.capacity, program_rank,
                    draws["iv_ptr"], draws["iv_order"], draws["msg_pick"],
                    draws["msg_sincere_u"], draws["prog_talk_u"],
                    float(params.message_informativeness), float(params.message_rate),
                    c1, c2, c3)
    z = (params.belief_intercept
         + params.belief_slope * (ztil_entry - quality[market.applicant_list])
         + params.belief_message_weight * msg
         + params.belief_noise_sd * draws["belief_noise"])
    belief = 1.0 / (1.0 + np.exp(-z))
    return msg, belief


def generate_market(params: MarketParams | str, rng=None) -> SyntheticMarket:
    """Draw one synthetic residency market.

    Parameters
    ----------
    params : MarketParams or str
        The parameters, or the name of a preset in
        :data:`matchsim.markets.PRESETS` (``"nrmp2025"``, ``"pmr"``,
        ``"anesthesiology"``, ``"small"``).
    rng : None, int, SeedSequence or Generator
        Source of randomness (``np.random.default_rng(rng)``); the same seed
        gives the same market.

    Returns
    -------
    SyntheticMarket
        The truthful market plus every applicant's utilities, beliefs,
        messages and signals.

    Raises
    ------
    ValueError
        If ``params`` is an unknown preset name or not a :class:`MarketParams`.

    Examples
    --------
    >>> sm = generate_market("small", rng=0)
    >>> sm.market.n_applicants, sm.market.n_positions
    (300, 250)
    >>> first = slice(sm.market.applicant_ptr[0], sm.market.applicant_ptr[1])
    >>> bool((sm.utility[first][:-1] > sm.utility[first][1:]).all())  # true order
    True
    >>> same = generate_market("small", rng=0)
    >>> bool((same.market.applicant_list == sm.market.applicant_list).all())
    True
    """
    if isinstance(params, str):
        from matchsim.markets.presets import preset

        params = preset(params)
    if not isinstance(params, MarketParams):
        raise ValueError(
            f"params must be a MarketParams or a preset name, got {type(params).__name__}"
        )
    rng = np.random.default_rng(rng)
    P = params
    n_a, n_p, n_t = P.n_applicants, P.n_programs, len(APPLICANT_TYPES)

    # programs
    capacity = _capacities(P, rng)
    quality = rng.standard_normal(n_p)
    p_region = rng.integers(0, P.n_regions, n_p)

    # applicants
    shares = np.asarray(P.type_shares) / np.sum(P.type_shares)
    a_type = rng.choice(n_t, size=n_a, p=shares).astype(np.int8)
    strength = np.asarray(P.strength_mean)[a_type] + P.strength_sd * rng.standard_normal(n_a)
    a_region = rng.integers(0, P.n_regions, n_a).astype(np.int64)
    ztil = (strength - strength.mean()) / (strength.std() or 1.0) if n_a else strength

    # 1. applications
    mean_apps = np.asarray(P.n_applications)[a_type]
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
    r_ptr, r_prog, r_cut, r_lut = _region_index(p_region, quality, capacity, P.n_regions)
    app_ptr, app_prog, util, score = _applications(
        n_app, cand_ptr, rng.random(n_c), ztil + P.application_shift,
        float(P.application_spread), ndtri_acklam(rng.random(n_c)), a_region,
        float(P.home_application_share), P.n_regions, r_ptr, r_prog, r_cut, r_lut, _LUT_LO,
        _LUT_BINS / (_LUT_HI - _LUT_LO), quality, p_region, strength,
        ndtri_acklam(rng.random(n_max)), ndtri_acklam(rng.random(n_max)),
        math.sqrt(P.applicant_correlation), math.sqrt(1.0 - P.applicant_correlation),
        float(P.home_bonus),
        float(P.interview_noise_sd),
    )
    app_a = np.repeat(np.arange(n_a, dtype=np.int64), np.diff(app_ptr))
    signal = _signals(app_ptr, util, P.n_signals)

    # 2. interviews: programs invite their best-scoring applicants ...
    score += P.signal_boost * signal
    slots = np.ceil(P.interview_slots_per_position * capacity).astype(np.int64)
    invited = _select_top(app_prog, n_p, score, slots)
    # ... and applicants attend the ones they like best, up to max_interviews;
    # what they attend, in true order, is their list
    cap_iv = min(P.max_interviews, NRMP_MAX_RANKS)
    applicant_ptr, kept = _attend(app_ptr, invited, util, cap_iv)
    applicant_list = app_prog[kept]
    e_app = app_a[kept]

    # 3. programs rank their interviewees by their own evaluation. Its noise is
    # drawn per application, not per interview, so that two settings that
    # change who interviews where (e.g. signals on and off) still give every
    # program the same view of every applicant they both interview.
    sq, sn = math.sqrt(P.program_correlation), math.sqrt(1.0 - P.program_correlation)
    value = sq * strength[e_app] + sn * rng.standard_normal(app_prog.size)[kept]
    # ... leaving off those below their bar (one-sided entries, as in the NRMP)
    ranked = value >= P.rank_floor + P.rank_floor_slope * quality[applicant_list]
    # all interviewees of each program, ranked ones first, each part by value
    iv_ptr, iv_order = _group_sort(applicant_list, n_p, np.where(ranked, value, value - 1e6))
    pos = np.arange(kept.size) - np.repeat(iv_ptr[:-1], np.diff(iv_ptr))
    program_rank = np.empty(kept.size, dtype=np.int32)
    program_rank[iv_order] = pos
    program_rank[~ranked] = UNRANKED_BY_PROGRAM
    p_order = iv_order[ranked[iv_order]]
    p_ptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(np.bincount(applicant_list[ranked], minlength=n_p), out=p_ptr[1:])
    program_list = e_app[p_order].astype(np.int32)

    market = Market(applicant_ptr, applicant_list, p_ptr, program_list, capacity)

    # 4. messages and beliefs (draws kept for with_messages)
    n_e = kept.size
    draws = {
        "prog_talk_u": rng.random(n_p),
        "msg_sincere_u": rng.random(n_e),
        "msg_pick": rng.random(n_e),
        "belief_noise": rng.standard_normal(n_e),
        "iv_ptr": iv_ptr,
        "iv_order": iv_order,
        "ztil_entry": ztil[e_app],
    }
    message, belief = _messages_and_beliefs(P, market, program_rank, draws, draws["ztil_entry"],
                                            quality)
    for arr in (a_type, strength, quality, message, belief):
        arr.flags.writeable = False
    u = util[kept]
    sig = signal[kept]
    u.flags.writeable = False
    sig.flags.writeable = False
    return SyntheticMarket(
        market=market, params=P, applicant_type=a_type, utility=u, belief=belief,
        message=message, signal=sig, strength=strength, quality=quality,
        program_rank=program_rank, n_applied=np.diff(app_ptr).astype(np.int32), _draws=draws,
    )
