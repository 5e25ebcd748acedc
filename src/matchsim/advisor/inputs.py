"""What the advisor is told: an applicant's programs, true order, chances and candidate lists.

A :class:`RankFile` is what :func:`matchsim.io.read_rank_file` makes of a
spreadsheet, and what :func:`matchsim.advisor.advise` takes. Program ``j`` is
``programs[j]``; lists are arrays of program ids. :func:`true_order` is the one
place where a preference column becomes the truthful list.

Programs have a track (the codes of :mod:`matchsim.extensions`: categorical,
advanced, preliminary, transitional). Preliminary and transitional programs
are PGY-1 programs: they have their own true order (``preference`` numbers
them 1, 2, ... among the PGY-1 programs, apart from the primary programs) and
are ranked on *supplemental* lists, each linked to advanced programs.

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
from matchsim.extensions import ADVANCED, CATEGORICAL, PGY1_TRACKS

__all__ = ["RankFile", "true_order", "UNACCEPTABLE", "NO_LINK"]

#: ``RankFile.link`` of a program linked to no supplemental list.
NO_LINK = -1


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
        ``"cp1252"`` (Windows-1252, see :func:`matchsim.io.text.decode`), or
        ``"workbook"`` for a sheet of an ``.xlsx`` / ``.ods`` file.
    tracks : ndarray of int8, shape (n_programs,), optional
        Track code of each program (:data:`matchsim.extensions.TRACKS`);
        None = every program categorical (a file without a track column).
    supplemental : dict of str -> ndarray of int64
        Each supplemental list (PGY-1 programs, first to last), by name.
    link : ndarray of int64, shape (n_programs,), optional
        For each advanced program, the position (in ``supplemental``'s order)
        of the supplemental list linked to it, or :data:`NO_LINK`.
    link_given : bool
        The links come from a link column (False: the one supplemental list
        is linked to every advanced program).
    supplemental_ranks : dict of str -> ndarray of int64, optional
        The ranks as written in each supplemental column.
    names_layout : tuple of str
        The list columns written as program names top to bottom.
    sheet : str or None
        The sheet read, for a workbook.
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
    tracks: np.ndarray = field(default=None, repr=False)
    supplemental: dict = field(default_factory=dict, repr=False)
    link: np.ndarray = field(default=None, repr=False)
    link_given: bool = False
    supplemental_ranks: dict = field(default=None, repr=False)
    names_layout: tuple = ()
    sheet: str | None = None

    @property
    def n_programs(self) -> int:
        return len(self.programs)

    def true_order(self) -> np.ndarray:
        """Program ids of the acceptable primary programs, most wanted first (see :func:`true_order`)."""
        return true_order(self.primary_preference)

    @property
    def track_codes(self) -> np.ndarray:
        """Track code of each program (all ``CATEGORICAL`` for a file without a track column)."""
        if self.tracks is None:
            return np.full(self.n_programs, CATEGORICAL, dtype=np.int8)
        return self.tracks

    @property
    def is_pgy1(self) -> np.ndarray:
        """True for the PGY-1 (preliminary or transitional) programs."""
        return np.isin(self.track_codes, PGY1_TRACKS)

    @property
    def is_advanced(self) -> np.ndarray:
        return self.track_codes == ADVANCED

    @property
    def has_tracks(self) -> bool:
        """Whether any program is advanced or PGY-1, or there is a supplemental list."""
        return bool(self.supplemental) or bool(np.any(self.track_codes != CATEGORICAL))

    @property
    def primary_preference(self) -> np.ndarray:
        """The true order of the primary (categorical and advanced) programs; 0 for PGY-1 programs."""
        return np.where(self.is_pgy1, UNACCEPTABLE, self.preference).astype(np.int64)

    @property
    def pgy1_preference(self) -> np.ndarray:
        """The true order of the PGY-1 programs; 0 for the others."""
        return np.where(self.is_pgy1, self.preference, UNACCEPTABLE).astype(np.int64)

    def supplemental_for(self, program: int):
        """Name of the supplemental list linked to ``program``, or None."""
        if self.link is None or self.link[program] == NO_LINK:
            return None
        return list(self.supplemental)[int(self.link[program])]
