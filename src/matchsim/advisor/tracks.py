"""The menu model with advanced programs: a primary program, and for an advanced one a PGY-1 year.

The outcome
-----------
Advanced programs start in the second postgraduate year (PGY-2); an applicant
who ranks them also submits one or more *supplemental* lists of PGY-1
(preliminary or transitional) programs, each linked to advanced programs. In
the NRMP's algorithm a supplemental list is used only while the applicant
holds a position at an advanced program linked to it (NRMP, "About
Supplemental Rank Order Lists"). Her outcome is therefore a pair:

* her **primary** program: under the menu model (:mod:`matchsim.advisor.menu`),
  the first program on her primary list that would take her, or none;
* when that program is advanced, her **PGY-1** program: the first program on
  the linked supplemental list that would take her, or none. With none she
  stays matched to the advanced program ("advanced without a PGY-1 year") and
  must find a PGY-1 year outside the Match.

Each program takes her or not once (the same one-factor Gaussian copula for
every program, primary or PGY-1), so a PGY-1 program on both her primary list
above her advanced match and on her supplemental list is known not to take her.

Lists compare lexicographically: first the primary program, in her true order
of primary programs; for the same advanced program, the PGY-1 program, in her
true order of PGY-1 programs. Her true order (the primary true order, and
every acceptable PGY-1 program in order as the supplemental list, linked to
every advanced program) picks the best primary program on the menu and then
the best PGY-1 program on it, so under the model no list does better; the
NRMP's algorithm itself is checked market by market with ``--market``.

Exact figures
-------------
Given the common factor ``Z = z`` programs decide independently with chances
``q_j(z)``. For a list ``L`` and an advanced program ``a = L_k`` linked to ``S``

    P(a, S_m | z) = q_a prod_{i<k} (1 - q_{L_i}) * q'_{S_m} prod_{s<m} (1 - q'_{S_s}),

where ``q'`` is ``q`` with the programs above ``a`` on ``L`` set to 0 (they are
known not to take her). For the comparison with the true order ``T`` at the
same advanced program ``a``, the programs above ``a`` on ``L`` or on ``T`` are
off, ``a`` is on (weight ``q_a prod (1 - q_j)``), and the two PGY-1 outcomes
form the same kind of joint table as two primary lists
(:func:`matchsim.advisor.menu._exact_joint`). Every figure is a weighted sum
over Gauss-Hermite nodes.

Examples
--------
One advanced program (takes her with chance 1/2) and one PGY-1 program (1/2),
programs deciding independently:

>>> import numpy as np
>>> from matchsim.extensions import ADVANCED, PRELIMINARY
>>> t = exact_track_tables(np.array([0.5, 0.5]), np.array([1, 0]), [np.array([0])],
...                        np.array([ADVANCED, PRELIMINARY], dtype=np.int8), np.array([0, 1]),
...                        (np.array([1]),), ("prelim",), np.array([0, -1]), rho=0.0)
>>> t.pgy1[0, 0].round(3).tolist()  # advanced and the prelim year / advanced and none
[0.0, 0.25, 0.25]
"""

from __future__ import annotations

import math

import numpy as np

from matchsim.advisor.comparison import TrackTables, outcome_utility, pair_tables
from matchsim.advisor.inputs import true_order
from matchsim.extensions import ADVANCED

__all__ = ["exact_track_tables", "sampled_outcomes", "supplemental_curve", "first_probabilities",
           "link_of_truth"]


def first_probabilities(q, lst) -> np.ndarray:
    """``f[k, m]``: chance, at node ``k``, that ``lst[m]`` is the first program on ``lst`` that takes her.

    The last column is "none on the list". ``q`` has shape (nodes, n_programs).

    Examples
    --------
    >>> first_probabilities(np.array([[0.5, 0.5]]), np.array([1, 0])).tolist()
    [[0.5, 0.25, 0.25]]
    """
    sub = q[:, lst]
    surv = np.cumprod(1.0 - sub, axis=1)
    before = np.concatenate([np.ones((q.shape[0], 1)), surv[:, :-1]], axis=1) if lst.size else \
        np.ones((q.shape[0], 0))
    last = surv[:, -1:] if lst.size else np.ones((q.shape[0], 1))
    return np.concatenate([sub * before, last], axis=1)


def link_of_truth(tracks, n_supplemental) -> np.ndarray:
    """The true order's links: every advanced program to its supplemental list (index ``n_supplemental``)."""
    return np.where(tracks == ADVANCED, n_supplemental, -1).astype(np.int64)


def _pgy1_table(q, w, lst, supp_lists, link, n):
    """``table[a, b]`` for one primary list: the chance of primary ``a`` with PGY-1 ``b``."""
    table = np.zeros((n + 1, n + 1))
    f = first_probabilities(q, lst)
    table[n, n] = w @ f[:, -1]
    for k, a in enumerate(lst.tolist()):
        pa = f[:, k]
        s = supp_lists[link[a]] if link[a] >= 0 else None
        if s is None or s.size == 0:
            table[a, n] = w @ pa
            continue
        qq = q.copy()
        qq[:, lst[:k]] = 0.0
        g = first_probabilities(qq, s)
        table[a, s] = (w * pa) @ g[:, :-1]
        table[a, n] = (w * pa) @ g[:, -1]
    return table


def _same_advanced_split(q, w, lst, tru, supp_lists, link, adv, t_supp, n, pgy1_u):
    """Chances that ``lst`` and the true order give the same advanced program, PGY-1 worse/same/better."""
    from matchsim.advisor.menu import exact_joint

    out = np.zeros(3)
    pos_t = {int(p): i for i, p in enumerate(tru.tolist())}
    du = np.sign(pgy1_u[:, None] - pgy1_u[None, :])  # > 0: the list's PGY-1 year is worse
    empty = np.zeros(0, dtype=np.int64)
    for k, a in enumerate(lst.tolist()):
        if not adv[a] or a not in pos_t:
            continue
        off = np.union1d(lst[:k], tru[:pos_t[a]]).astype(np.int64)
        if a in set(off.tolist()):  # cannot be the first on both lists at once
            continue
        weight = w * q[:, a] * np.prod(1.0 - q[:, off], axis=1)
        qq = q.copy()
        qq[:, off] = 0.0
        joint = exact_joint(qq, weight, supp_lists[link[a]] if link[a] >= 0 else empty, t_supp, n)
        out += [(joint * (du > 0)).sum(), (joint * (du == 0)).sum(), (joint * (du < 0)).sum()]
    return out


def exact_track_tables(chance, preference, lists, tracks, pgy1_preference, supplemental,
                       supplemental_names, link, rho, n_nodes=128) -> TrackTables:
    """The PGY-1 side of the comparison by quadrature (see the module docstring).

    Parameters
    ----------
    chance : ndarray of float64, shape (n,)
    preference : ndarray of int64, shape (n,)
        The primary true order (the one the comparison uses).
    lists : sequence of ndarray of int64
        The candidate primary lists.
    tracks : ndarray of int8, shape (n,)
    pgy1_preference : ndarray of int64, shape (n,)
    supplemental : tuple of ndarray of int64
    supplemental_names : tuple of str
    link : ndarray of int64, shape (n,)
        Supplemental list (index) of each advanced program, -1 for none.
    rho : float
    n_nodes : int

    Returns
    -------
    TrackTables
    """
    from matchsim.advisor.menu import quadrature_nodes, quantile_table, menu_thresholds

    n = chance.size
    z, w = quadrature_nodes(n_nodes)
    q = quantile_table(menu_thresholds(chance), z, math.sqrt(rho), math.sqrt(1.0 - rho))
    t_supp = true_order(pgy1_preference)
    tru = true_order(preference)
    adv = tracks == ADVANCED
    t_link = np.where(adv, len(supplemental), -1)
    all_supp = tuple(supplemental) + (t_supp,)
    link = np.where(adv, link, -1)
    u = outcome_utility(pgy1_preference)
    tables = np.stack([_pgy1_table(q, w, lst, all_supp, link, n) for lst in lists]) if len(lists) else \
        np.zeros((0, n + 1, n + 1))
    truth = _pgy1_table(q, w, tru, all_supp, t_link, n)
    split = np.stack([_same_advanced_split(q, w, lst, tru, all_supp, link, adv, t_supp, n, u)
                      for lst in lists]) if len(lists) else np.zeros((0, 3))
    return TrackTables(tracks, pgy1_preference, tuple(supplemental), tuple(supplemental_names), link,
                       t_supp, np.clip(tables, 0.0, 1.0), np.clip(truth, 0.0, 1.0), split)


def sampled_outcomes(menus, primary_outcomes, lists_link, supplemental, t_supp, tracks):
    """PGY-1 outcome of every list in every sampled menu (the first program of the linked list on it).

    Parameters
    ----------
    menus : ndarray of bool, shape (n_samples, n)
    primary_outcomes : ndarray of int, shape (n_lists + 1, n_samples)
        Primary program per list (last row: the true order), -1 = unmatched.
    lists_link : ndarray of int64, shape (n,)
        The candidates' links (the true order links every advanced program to ``t_supp``).
    supplemental : tuple of ndarray
    t_supp : ndarray
    tracks : ndarray of int8

    Returns
    -------
    ndarray of int32, shape (n_lists + 1, n_samples)
        PGY-1 program, or -1.
    """
    from matchsim.advisor.menu import first_on_menu

    adv = tracks == ADVANCED
    every = list(supplemental) + [t_supp, np.zeros(0, dtype=np.int64)]
    firsts = first_on_menu(menus, every)  # (n_supp + 2, n_samples); the last row is all -1
    none = len(every) - 1
    link = np.where(adv & (lists_link >= 0), lists_link, none)
    t_link = np.where(adv, len(supplemental), none)
    out = np.full(primary_outcomes.shape, -1, dtype=np.int32)
    cols = np.arange(menus.shape[0])
    for i in range(primary_outcomes.shape[0]):
        a = primary_outcomes[i]
        matched = a >= 0
        which = np.full(a.shape, none, dtype=np.int64)
        lk = t_link if i == primary_outcomes.shape[0] - 1 else link
        which[matched] = lk[a[matched]]
        out[i] = firsts[which, cols]
    return out


def sampled_track_tables(menus, primary_outcomes, preference, tracks, pgy1_preference, supplemental,
                         supplemental_names, link) -> TrackTables:
    """:class:`TrackTables` counted over sampled menus (common random numbers with the primary lists)."""
    n = menus.shape[1]
    t_supp = true_order(pgy1_preference)
    adv = tracks == ADVANCED
    pg = sampled_outcomes(menus, primary_outcomes, np.where(adv, link, -1), supplemental, t_supp, tracks)
    u = outcome_utility(pgy1_preference)
    tables, truth, split = pair_tables(primary_outcomes[:-1], pg[:-1], primary_outcomes[-1], pg[-1], n,
                                       adv, u)
    return TrackTables(tracks, pgy1_preference, tuple(supplemental), tuple(supplemental_names),
                       np.where(adv, link, -1), t_supp, tables, truth, split)


def supplemental_curve(chance, lst, supplemental_list, tracks, rho, n_nodes=128) -> np.ndarray:
    """Chance of "advanced without a PGY-1 year" with the supplemental list cut to its first k programs.

    The primary list ``lst`` is kept; every advanced program on it is linked to
    the cut list. Entry ``k`` (``0 .. len(supplemental_list)``) is the chance
    with the first ``k`` programs.

    Examples
    --------
    >>> from matchsim.extensions import ADVANCED, PRELIMINARY
    >>> tr = np.array([ADVANCED, PRELIMINARY, PRELIMINARY], dtype=np.int8)
    >>> supplemental_curve(np.array([1.0, 0.5, 0.5]), np.array([0]), np.array([1, 2]), tr, 0.0).round(3).tolist()
    [1.0, 0.5, 0.25]
    """
    from matchsim.advisor.menu import quadrature_nodes, quantile_table, menu_thresholds

    z, w = quadrature_nodes(n_nodes)
    q = quantile_table(menu_thresholds(np.asarray(chance, dtype=np.float64)), z, math.sqrt(rho),
                 math.sqrt(1.0 - rho))
    f = first_probabilities(q, lst)
    adv = [(k, a) for k, a in enumerate(lst.tolist()) if tracks[a] == ADVANCED]
    out = np.zeros(supplemental_list.size + 1)
    for k, a in adv:
        qq = q.copy()
        qq[:, lst[:k]] = 0.0
        sub = qq[:, supplemental_list]
        none_after = np.concatenate([np.ones((q.shape[0], 1)), np.cumprod(1.0 - sub, axis=1)], axis=1)
        out += (w * f[:, k]) @ none_after
    return np.clip(out, 0.0, 1.0)
