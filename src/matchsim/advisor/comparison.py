"""The result of comparing candidate lists: joint outcome tables and the figures read from them.

A :class:`ListComparison` holds, for every candidate list, the joint law of
"what this list gives you" and "what your true order gives you" on the same
menu (the same Match). Every figure the advisor shows (chance of matching, of
each program, worse / same / better) is read from it; it does not care how
the table was obtained (exact quadrature and sampled menus in
:mod:`matchsim.advisor.menu`, simulated markets in
:mod:`matchsim.advisor.market_mode`).

Outcome indices: program ids ``0..n-1``; ``n`` (the last row/column of a joint
table) stands for "unmatched".

With advanced programs the outcome is a pair: the primary program and, when it
is advanced, the PGY-1 program from the linked supplemental list (``n`` = no
PGY-1 year). ``pgy1[i, a, b]`` is the chance that list ``i`` gives the pair
``(a, b)``, and lists compare lexicographically: first the primary program,
then, for the same advanced program, the PGY-1 program (``pgy1_split`` holds
that second step). Without advanced programs these fields are None and every
figure is as before.

Examples
--------
>>> import numpy as np
>>> joint = joint_from_outcomes([[1, 1, 0, -1]], [0, 1, 0, -1], 2)
>>> r = ListComparison(("swap",), (np.array([1, 0]),), np.array([0, 1]), np.array([1, 2]), joint,
...                    "sample", 4, 0.0)
>>> r.p_match.tolist(), r.worse.tolist(), r.better.tolist()
([0.75], [0.25], [0.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ListComparison", "TrackTables", "pair_figures", "outcome_utility", "joint_from_outcomes", "pair_tables"]


def outcome_utility(preference) -> np.ndarray:
    """Badness of each outcome, for comparing lists (lower = better).

    Acceptable programs score their preference (1 = best); "unmatched"
    (index ``n``) scores one more than the last acceptable program; an
    unacceptable program (preference 0) scores worse than unmatched.

    Examples
    --------
    >>> outcome_utility([2, 1, 0]).tolist()
    [2, 1, 4, 3]
    """
    pref = np.asarray(preference, dtype=np.int64)
    n_acc = int(np.count_nonzero(pref))
    u = np.where(pref > 0, pref, n_acc + 2)
    return np.append(u, n_acc + 1)


@dataclass(frozen=True, eq=False)
class TrackTables:
    """The PGY-1 side of a comparison (advanced programs and supplemental lists).

    Attributes
    ----------
    tracks : ndarray of int8, shape (n_programs,)
        Track code of each program (:mod:`matchsim.extensions`).
    pgy1_preference : ndarray of int64, shape (n_programs,)
        True order of the PGY-1 programs (0 = unacceptable or not PGY-1).
    supplemental : tuple of ndarray of int64
        The supplemental lists (PGY-1 program ids, first to last).
    supplemental_names : tuple of str
    link : ndarray of int64, shape (n_programs,)
        Supplemental list linked to each advanced program (index into
        ``supplemental``), or -1.
    truthful_supplemental : ndarray of int64
        Every acceptable PGY-1 program in PGY-1 true order: the true order's
        supplemental list, linked to every advanced program.
    pgy1 : ndarray of float64, shape (n_lists, n_programs + 1, n_programs + 1)
        ``pgy1[i, a, b]``: chance that list ``i`` gives primary ``a`` and PGY-1
        ``b`` (``b = n_programs``: none; always so when ``a`` is not advanced).
    truthful_pgy1 : ndarray of float64, shape (n_programs + 1, n_programs + 1)
    split : ndarray of float64, shape (n_lists, 3)
        Chance that list ``i`` and the true order give the same advanced
        program and the list's PGY-1 year is worse / the same / better.
    """

    tracks: np.ndarray
    pgy1_preference: np.ndarray
    supplemental: tuple
    supplemental_names: tuple
    link: np.ndarray
    truthful_supplemental: np.ndarray
    pgy1: np.ndarray
    truthful_pgy1: np.ndarray
    split: np.ndarray

    @property
    def advanced(self) -> np.ndarray:
        """True for advanced programs, with a False for "unmatched" appended (length n + 1)."""
        from matchsim.extensions import ADVANCED

        return np.append(self.tracks == ADVANCED, False)

    @property
    def categorical(self) -> np.ndarray:
        from matchsim.extensions import CATEGORICAL

        return np.append(self.tracks == CATEGORICAL, False)

    @property
    def pgy1_programs(self) -> np.ndarray:
        from matchsim.extensions import PGY1_TRACKS

        return np.append(np.isin(self.tracks, PGY1_TRACKS), False)


def pair_figures(table, t: TrackTables):
    """(advanced and PGY-1, advanced without PGY-1, PGY-1 program chances, complete path, PGY-1 only)."""
    adv = t.advanced
    with_pgy1 = table[..., adv, :-1].sum(axis=(-1, -2))
    without = table[..., adv, -1].sum(axis=-1)
    p_pgy1 = table.sum(axis=-2)[..., :-1]
    categorical = table[..., t.categorical, :].sum(axis=(-1, -2))
    only = table[..., t.pgy1_programs, :].sum(axis=(-1, -2))
    return with_pgy1, without, p_pgy1, categorical + with_pgy1, only


@dataclass(frozen=True, eq=False)
class ListComparison:
    """Outcome distributions of candidate rank lists, and how they compare with the true order.

    Attributes
    ----------
    names : tuple of str
        Names of the candidate lists.
    lists : tuple of ndarray of int64
        Program ids of each list, first to last.
    truthful : ndarray of int64
        The true-order list (all acceptable programs by preference).
    preference : ndarray of int64, shape (n_programs,)
        True order (1 = most wanted), 0 = unacceptable.
    joint : ndarray of float64, shape (n_lists, n_programs + 1, n_programs + 1)
        ``joint[i, a, b]`` = probability that list ``i`` gives outcome ``a``
        while the truthful list gives ``b`` on the same menu (index
        ``n_programs`` = unmatched).
    method : str
        ``"exact"``, ``"sample"`` or ``"market"``.
    n_samples : int
        Sampled Matches (0 for ``"exact"``).
    correlation : float
    """

    names: tuple
    lists: tuple
    truthful: np.ndarray
    preference: np.ndarray
    joint: np.ndarray
    method: str
    n_samples: int
    correlation: float
    tracks: TrackTables | None = None

    @property
    def n_programs(self) -> int:
        return self.preference.size

    @property
    def prob(self) -> np.ndarray:
        """P(each outcome) per list, shape (n_lists, n_programs + 1); last column = unmatched."""
        return self.joint.sum(axis=2)

    @property
    def truthful_prob(self) -> np.ndarray:
        """P(each outcome) for the true-order list, shape (n_programs + 1,)."""
        return self.joint[0].sum(axis=0)

    @property
    def p_match(self) -> np.ndarray:
        """P(matched anywhere) per list."""
        return 1.0 - self.prob[:, -1]

    @property
    def truthful_p_match(self) -> float:
        return float(1.0 - self.truthful_prob[-1])

    def p_top(self, k: int) -> np.ndarray:
        """P(matched to one of your ``k`` most wanted programs) per list."""
        top = np.append((self.preference >= 1) & (self.preference <= k), False)
        return self.prob[:, top].sum(axis=1)

    @property
    def mean_rank(self) -> np.ndarray:
        """Expected true-order rank of the match, given a match at an acceptable program (nan if none)."""
        pref = np.append(self.preference, 0).astype(np.float64)
        acc = pref > 0
        p = self.prob[:, acc]
        tot = p.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, (p * pref[acc]).sum(axis=1) / tot, np.nan)

    def _versus(self):
        u = outcome_utility(self.preference)
        diff = np.sign(u[:, None] - u[None, :])  # > 0: the list's outcome is worse
        worse = (self.joint * (diff > 0)).sum(axis=(1, 2))
        same = (self.joint * (diff == 0)).sum(axis=(1, 2))
        better = (self.joint * (diff < 0)).sum(axis=(1, 2))
        if self.tracks is not None:  # the same advanced program: the PGY-1 year decides
            sp = self.tracks.split
            worse, same, better = worse + sp[:, 0], same - sp[:, 0] - sp[:, 2], better + sp[:, 2]
        return worse, same, better

    # ------------------------------------------------ the PGY-1 side (None without tracks)
    def _pairs(self, truthful=False):
        if self.tracks is None:
            return None
        t = self.tracks
        return pair_figures(t.truthful_pgy1 if truthful else t.pgy1, t)

    @property
    def p_advanced_and_pgy1(self):
        """Per list: chance of an advanced program together with a PGY-1 year (None without tracks)."""
        f = self._pairs()
        return None if f is None else f[0]

    @property
    def p_advanced_without_pgy1(self):
        """Per list: chance of an advanced program and no PGY-1 year."""
        f = self._pairs()
        return None if f is None else f[1]

    @property
    def p_pgy1_program(self):
        """Per list: chance of each PGY-1 program (from a supplemental list), shape (n_lists, n_programs)."""
        f = self._pairs()
        return None if f is None else f[2]

    @property
    def p_complete(self):
        """Per list: chance of a complete training path (categorical, or advanced with a PGY-1 year)."""
        f = self._pairs()
        return None if f is None else f[3]

    @property
    def p_pgy1_only(self):
        """Per list: chance of matching at a PGY-1 program ranked on the primary list (one year only)."""
        f = self._pairs()
        return None if f is None else f[4]

    def truthful_pairs(self):
        """The five figures above for the true order (None without tracks)."""
        return self._pairs(truthful=True)

    @property
    def worse(self) -> np.ndarray:
        """Share of Matches in which each list gives a program you like less than the true order does."""
        return self._versus()[0]

    @property
    def same(self) -> np.ndarray:
        return self._versus()[1]

    @property
    def better(self) -> np.ndarray:
        """Share in which a list beats the true order: zero by theory."""
        return self._versus()[2]

    def pair_loss(self, i: int, a: int, b: int) -> float:
        """P(list ``i`` gives program ``a`` while the true order gives ``b``)."""
        return float(self.joint[i, a, b])


def joint_from_outcomes(outcomes, truthful_outcome, n_programs) -> np.ndarray:
    """Turn per-Match outcomes into joint outcome frequencies.

    Parameters
    ----------
    outcomes : array_like of int, shape (n_lists, n_matches)
        Program id per list per Match; ``n_programs`` or ``-1`` = unmatched.
    truthful_outcome : array_like of int, shape (n_matches,)
    n_programs : int

    Returns
    -------
    ndarray of float64, shape (n_lists, n_programs + 1, n_programs + 1)

    Examples
    --------
    >>> joint_from_outcomes([[0, 1, -1, 1]], [0, 0, -1, 1], 2)[0].tolist()
    [[0.25, 0.0, 0.0], [0.25, 0.25, 0.0], [0.0, 0.0, 0.25]]
    """
    n = int(n_programs)
    out = np.asarray(outcomes, dtype=np.int64).copy()
    tru = np.asarray(truthful_outcome, dtype=np.int64).copy()
    out[out < 0] = n
    tru[tru < 0] = n
    m = n + 1
    codes = out * m + tru[None, :]
    joint = np.empty((out.shape[0], m, m))
    for i in range(out.shape[0]):
        joint[i] = np.bincount(codes[i], minlength=m * m).reshape(m, m) / out.shape[1]
    return joint


def pair_tables(primary, pgy1, truthful_primary, truthful_pgy1, n_programs, advanced, pgy1_utility):
    """Pair tables from per-Match outcomes (sampled menus or simulated markets).

    Parameters
    ----------
    primary, pgy1 : array_like of int, shape (n_lists, n_matches)
        Each list's primary program and PGY-1 program per Match (-1 or
        ``n_programs`` = unmatched / none).
    truthful_primary, truthful_pgy1 : array_like of int, shape (n_matches,)
    n_programs : int
    advanced : ndarray of bool, shape (n_programs,)
    pgy1_utility : ndarray of int, shape (n_programs + 1,)
        Badness of each PGY-1 outcome (:func:`outcome_utility` of the PGY-1 order).

    Returns
    -------
    pgy1 : ndarray, shape (n_lists, n + 1, n + 1)
    truthful_pgy1 : ndarray, shape (n + 1, n + 1)
    split : ndarray, shape (n_lists, 3)

    Examples
    --------
    >>> adv = np.array([True, False, False])
    >>> u = outcome_utility([0, 1, 2])
    >>> t, tt, sp = pair_tables([[0, 0]], [[1, -1]], [0, 0], [1, 2], 3, adv, u)
    >>> t[0, 0].tolist(), sp.tolist()
    ([0.0, 0.5, 0.0, 0.5], [[0.5, 0.5, 0.0]])
    """
    n = int(n_programs)
    m = n + 1

    def norm(x):
        x = np.asarray(x, dtype=np.int64).copy()
        x[x < 0] = n
        return x

    a, b, ta, tb = norm(primary), norm(pgy1), norm(truthful_primary), norm(truthful_pgy1)
    n_match = a.shape[1]

    def table(pa, pb):
        return np.bincount(pa * m + pb, minlength=m * m).reshape(m, m) / n_match

    tables = np.stack([table(a[i], b[i]) for i in range(a.shape[0])]) if a.shape[0] else np.zeros((0, m, m))
    adv = np.append(np.asarray(advanced, dtype=bool), False)
    split = np.zeros((a.shape[0], 3))
    for i in range(a.shape[0]):
        same = (a[i] == ta) & adv[a[i]]
        du = pgy1_utility[b[i][same]] - pgy1_utility[tb[same]]
        split[i] = [np.count_nonzero(du > 0), np.count_nonzero(du == 0), np.count_nonzero(du < 0)]
    return tables, table(ta, tb), split / n_match
