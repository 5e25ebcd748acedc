"""A fast synthetic market with the shape of the NRMP Main Residency Match.

:func:`nrmp_shaped_market` draws, in a handful of NumPy array operations, a
market that looks like the Match from a distance: tens of thousands of
applicants, a few thousand programs of very unequal size, short rank lists
that come from interviews, and preferences that agree with each other
(everybody likes the same strong programs a bit more; every program likes the
same strong applicants a bit more). It is the workhorse for benchmarks, tests
and quick experiments; the calibrated generator with applicant types, signals
and interviews as separate stages lives beside it in :mod:`matchsim.markets`.

The model, step by step
-----------------------
1. **Positions.** Program sizes are skewed (many programs with 2-6 positions,
   a few with dozens): capacity weights are log-normal, every program gets at
   least one position, and the rest are shared out by largest remainder so the
   capacities add up exactly to ``n_positions``.
2. **Levels.** Every applicant has a strength ``z_a`` and every program a
   quality ``q_p``, both standard normal. Programs are lined up by quality on
   a scale from 0 to 1 in which each program takes a slice as wide as its
   share of the positions.
3. **Interviews.** Applicant ``a`` interviews at ``L_a`` programs (``L_a``
   gamma-distributed, mean ``mean_list``, at most ``max_list``). The programs
   are drawn near the applicant's own level: a point is drawn around the
   applicant's place on the 0-1 scale (normal noise of width
   ``interview_spread``, shifted up by ``aspiration``) and the program whose
   slice holds it is an interview. Big programs, having wide slices, interview
   more people, as they do in reality. Repeats are dropped, so in very small
   markets lists can come out a little shorter than ``L_a``.
4. **Applicants rank** every program they interviewed at, by
   ``q_p + applicant_noise * noise``: a common view of quality plus personal
   taste.
5. **Programs rank** only applicants who ranked them, by
   ``z_a + program_noise * noise``, and keep the best ``ceil(k_p * capacity)``
   of them, with ``k_p`` uniform between ``per_position`` bounds (10-12 ranked
   applicants per position in the NRMP's reports). The applicant lists keep
   the programs that did not rank them back: such one-sided entries are legal
   in the NRMP and simply never produce a match.

The NRMP-scale defaults (47,000 applicants, 6,600 programs, 43,000 positions,
12 ranks per applicant) follow the 2025 Main Residency Match aggregates; the
model is a caricature for speed, not a calibration.

Examples
--------
>>> m = nrmp_shaped_market(2_000, 280, 1_830, rng=7)
>>> m.n_applicants, m.n_programs, m.n_positions
(2000, 280, 1830)
>>> 10 < m.applicant_list.size / m.n_applicants < 14
True
"""

from __future__ import annotations

import numpy as np

from matchsim.market import Market

__all__ = ["nrmp_shaped_market"]

def _levels(z):
    """Place applicants on the 0-1 scale by their rank in strength.

    Only the order and spacing of applicants matter here, and ``(rank + 0.5) / n``
    spreads them evenly, as the normal CDF of ``z`` would (without SciPy).
    """
    order = np.argsort(z, kind="stable")
    u = np.empty(z.size, dtype=np.float64)
    u[order] = (np.arange(z.size) + 0.5) / z.size
    return u


def _group_then_descending(group, value):
    """Order entries by ``group`` (ascending), then by ``value`` (descending).

    One float sort instead of ``np.lexsort`` (several times slower): the
    value is squeezed into (0, 1) by an increasing map and subtracted from
    the group id, so groups never overlap. Exact ties keep their input order.
    """
    key = group + (0.5 - np.arctan(value) / np.pi)
    return np.argsort(key, kind="stable")


def _capacities(rng, n_programs, n_positions, sigma):
    weight = rng.lognormal(0.0, sigma, n_programs)
    extra = n_positions - n_programs  # everybody first gets one position
    share = extra * weight / weight.sum()
    cap = np.floor(share).astype(np.int64)
    short = extra - int(cap.sum())
    if short:  # largest remainders get one more; ties go to the lower id
        frac = share - cap
        cap[np.argsort(-frac, kind="stable")[:short]] += 1
    return (cap + 1).astype(np.int32)


def _check(name, value, low, what):
    if value < low:
        raise ValueError(f"{name} must be {what}, got {value!r}")


def nrmp_shaped_market(
    n_applicants: int = 47_000,
    n_programs: int = 6_600,
    n_positions: int = 43_000,
    mean_list: float = 12.0,
    rng=None,
    *,
    max_list: int = 40,
    per_position: tuple[float, float] = (10.0, 12.0),
    capacity_spread: float = 0.9,
    interview_spread: float | None = None,
    aspiration: float = 0.02,
    applicant_noise: float = 0.6,
    program_noise: float = 0.6,
) -> Market:
    """Draw a seeded NRMP-shaped market (see the module docstring for the model).

    Parameters
    ----------
    n_applicants, n_programs, n_positions : int
        Market size. ``n_positions`` must be at least ``n_programs`` (every
        program offers one position or more).
    mean_list : float
        Mean number of programs an applicant interviews at and ranks (before
        lists are capped at ``max_list``).
    rng : None, int, or numpy.random.Generator
        Seed or generator; the same seed gives the same market.
    max_list : int
        Longest list an applicant submits (also capped by ``n_programs``; the
        NRMP allows 300 ranks, but interview-based lists rarely pass 40).
    per_position : (float, float)
        Each program keeps between these many ranked applicants per position
        (drawn uniformly per program), as long as enough applicants ranked it.
    capacity_spread : float
        Log-normal sigma of program sizes; 0 gives equal sizes.
    interview_spread : float, optional
        Width (on the 0-1 quality scale) of the range of programs an applicant
        interviews at; smaller means more stratified. Default: 0.06, widened
        in small markets to ``1.5 * mean_list / n_programs`` so that the range
        holds enough programs to fill a list.
    aspiration : float
        How far above their own level applicants aim, on the same scale.
    applicant_noise, program_noise : float
        Weight of personal taste against the common view of quality on each
        side (0 = everybody agrees).

    Returns
    -------
    Market
        Applicant lists (all interviews, one-sided entries included) and
        program lists (only applicants who ranked the program), no names.

    Raises
    ------
    ValueError
        If a size is not positive, ``n_positions < n_programs``,
        ``mean_list < 1``, ``max_list < 1``, a spread or noise is
        negative, or ``per_position`` is not an increasing positive pair.

    Examples
    --------
    >>> a = nrmp_shaped_market(1_000, 140, 915, rng=1)
    >>> b = nrmp_shaped_market(1_000, 140, 915, rng=1)
    >>> bool((a.applicant_list == b.applicant_list).all())
    True
    >>> int(a.capacity.sum()), int(a.capacity.min()) >= 1
    (915, True)
    """
    n_a, n_p, n_pos = int(n_applicants), int(n_programs), int(n_positions)
    _check("n_applicants", n_a, 1, "a positive integer")
    _check("n_programs", n_p, 1, "a positive integer")
    if n_pos < n_p:
        raise ValueError(
            f"n_positions must be at least n_programs ({n_p}) so every program offers a "
            f"position, got {n_pos}"
        )
    max_list = int(min(max_list, n_p))
    _check("max_list", max_list, 1, "a positive integer")
    if not mean_list >= 1:
        raise ValueError(f"mean_list must be at least 1, got {mean_list!r}")
    lo_k, hi_k = per_position
    if not 0 < lo_k <= hi_k:
        raise ValueError(f"per_position must be (low, high) with 0 < low <= high, got {per_position!r}")
    if interview_spread is None:
        interview_spread = max(0.06, 1.5 * mean_list / n_p)
    for name, value in (
        ("capacity_spread", capacity_spread),
        ("interview_spread", interview_spread),
        ("applicant_noise", applicant_noise),
        ("program_noise", program_noise),
    ):
        _check(name, value, 0, "non-negative")
    rng = np.random.default_rng(rng)

    cap = _capacities(rng, n_p, n_pos, capacity_spread)
    q = rng.standard_normal(n_p)
    z = rng.standard_normal(n_a)

    # Programs lined up by quality, each holding as many consecutive slots of
    # the 0-1 scale as it has positions: slot j belongs to ``owner[j]``.
    by_quality = np.argsort(q, kind="stable")
    owner = np.repeat(by_quality, cap[by_quality])
    level = _levels(z)

    # List lengths: gamma with shape 3 (right-skewed, like NRMP list lengths).
    length = np.clip(np.rint(rng.gamma(3.0, mean_list / 3.0, n_a)), 1, max_list).astype(np.int64)

    # Interview candidates, more than needed so repeats can be dropped.
    n_draw = length + length // 2 + 2
    cand_app = np.repeat(np.arange(n_a, dtype=np.int64), n_draw)
    t = level[cand_app] + aspiration + interview_spread * rng.standard_normal(cand_app.size)
    t = 1.0 - np.abs(1.0 - np.mod(t, 2.0))  # reflect at 0 and 1: no crowding at the ends
    slot = np.minimum((t * n_pos).astype(np.int64), n_pos - 1)
    cand_prog = owner[slot].astype(np.int64)
    # first occurrence of each (applicant, program) pair, kept in draw order
    _, first = np.unique(cand_app * n_p + cand_prog, return_index=True)
    first.sort()
    e_app = cand_app[first]
    e_prog = cand_prog[first]
    counts = np.bincount(e_app, minlength=n_a)
    start = np.zeros(n_a, dtype=np.int64)
    np.cumsum(counts[:-1], out=start[1:])
    keep = (np.arange(e_app.size) - start[e_app]) < length[e_app]
    e_app = e_app[keep]
    e_prog = e_prog[keep]

    # Applicants rank their interviews: common quality plus taste.
    util = q[e_prog] + applicant_noise * rng.standard_normal(e_prog.size)
    order = _group_then_descending(e_app, util)
    a_idx = e_prog[order].astype(np.int32)
    a_of = e_app[order]
    a_ptr = np.zeros(n_a + 1, dtype=np.int64)
    np.cumsum(np.bincount(a_of, minlength=n_a), out=a_ptr[1:])

    # Programs rank the applicants who ranked them and keep k_p per position.
    score = z[a_of] + program_noise * rng.standard_normal(a_of.size)
    porder = _group_then_descending(a_idx, score)
    p_of = a_idx[porder].astype(np.int64)
    indeg = np.bincount(p_of, minlength=n_p)
    keep_n = np.minimum(indeg, np.ceil(rng.uniform(lo_k, hi_k, n_p) * cap).astype(np.int64))
    pstart = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(indeg, out=pstart[1:])
    kept = (np.arange(p_of.size) - pstart[p_of]) < keep_n[p_of]
    p_idx = a_of[porder][kept].astype(np.int32)
    p_ptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(keep_n, out=p_ptr[1:])

    return Market(a_ptr, a_idx, p_ptr, p_idx, cap)
