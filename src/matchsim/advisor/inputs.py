"""What the advisor is told: an applicant's programs, true order, chances and candidate lists.

A :class:`RankFile` is what :func:`matchsim.io.read_rank_file` makes of a
spreadsheet, and what :func:`matchsim.advisor.advise` takes. Program ``j`` is
``programs[j]``; lists are arrays of program ids. :func:`true_order` is the one
place where a preference column becomes the truthful list.

Examples
--------
>>> import numpy as np
>>> true_order(np.array([2, 0, 1])).tolist()
[2, 0]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matchsim.constants import UNACCEPTABLE

__all__ = ["RankFile", "true_order", "UNACCEPTABLE"]


def true_order(preference) -> np.ndarray:
    """Program ids of the acceptable programs, most wanted first: the truthful list.

    Parameters
    ----------
    preference : array_like of int, shape (n_programs,)
        True order, 1 = most wanted; :data:`UNACCEPTABLE` (0) = a program you
        would rather not match at.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> true_order([3, 1, 0, 2]).tolist()
    [1, 3, 0]
    """
    pref = np.asarray(preference, dtype=np.int64).ravel()
    ok = np.flatnonzero(pref != UNACCEPTABLE)
    return ok[np.argsort(pref[ok], kind="stable")]


@dataclass(frozen=True, eq=False)
class RankFile:
    """An applicant's programs, true order, chances and candidate lists.

    Attributes
    ----------
    programs : tuple of str
        Program names, in file order; program ``j`` is ``programs[j]``.
    preference : ndarray of int64, shape (n_programs,)
        True order (1 = most wanted), or ``UNACCEPTABLE`` (0).
    chance : ndarray of float64, shape (n_programs,)
        Chance (0-1) that each program would take the applicant.
    chance_given : ndarray of bool, shape (n_programs,)
        False where ``chance`` is the signal default, an assumption.
    signal : tuple of str or None
        Canonical signal of each program (see :data:`matchsim.advisor.signals.SIGNALS`),
        None where no message was recorded.
    lists : dict of str -> ndarray of int64
        Each candidate list as program ids, ranked first to last.
    source : str
        The file name, for messages.
    rows : ndarray of int64
        Spreadsheet row of each program (header = row 1).
    written_ranks : dict of str -> ndarray of int64, optional
        The ranks as written in each list column, in list order (``1, 2, 7``
        for a list read as the order 1st, 2nd, 3rd).
    written_preference : ndarray of int64, optional
        The preference column as written (0 = blank); ``preference`` is it
        renumbered 1, 2, 3, ...
    ignored : tuple of str
        Names of the columns read as notes and ignored.
    encoding : str
        How the file's bytes were read: ``"utf-8"``, ``"utf-16"`` or
        ``"cp1252"`` (Windows-1252, see :func:`matchsim.io.text.decode`).
    """

    programs: tuple
    preference: np.ndarray
    chance: np.ndarray
    chance_given: np.ndarray
    signal: tuple
    lists: dict
    source: str = "<input>"
    rows: np.ndarray = field(default=None, repr=False)
    written_ranks: dict = field(default=None, repr=False)
    written_preference: np.ndarray = field(default=None, repr=False)
    ignored: tuple = ()
    encoding: str = "utf-8"

    @property
    def n_programs(self) -> int:
        return len(self.programs)

    def true_order(self) -> np.ndarray:
        """Program ids of the acceptable programs, most wanted first (see :func:`true_order`)."""
        return true_order(self.preference)
