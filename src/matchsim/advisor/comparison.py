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

__all__ = ["ListComparison", "outcome_utility", "joint_from_outcomes"]


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
        return ((self.joint * (diff > 0)).sum(axis=(1, 2)),
                (self.joint * (diff == 0)).sum(axis=(1, 2)),
                (self.joint * (diff < 0)).sum(axis=(1, 2)))

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
