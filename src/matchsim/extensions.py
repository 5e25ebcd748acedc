"""The NRMP's variations on plain rank order lists, stored as flat arrays.

The Main Residency Match is not textbook deferred acceptance (Roth & Peranson
1999, section I; the NRMP's pages "Couples in the Match", "About Supplemental
Rank Order Lists" and "Creating Reversions"). A :class:`~matchsim.market.Market`
may carry, beside its single-applicant lists, any of:

**Program tracks** (one code per program): ``CATEGORICAL`` (a full residency
starting in the first postgraduate year, PGY-1), ``ADVANCED`` (a residency
starting in PGY-2, so the applicant also needs a PGY-1 year elsewhere),
``PRELIMINARY`` and ``TRANSITIONAL`` (one-year PGY-1 programs). The NRMP's
"physician" (reserved) positions are categorical here.

**Couples** (:class:`Couples`): two applicants who submit one *joint list* of
program pairs, most preferred first. Either program of a pair may be
``NO_MATCH`` (-1): that partner is willing to stay unmatched if the other
matches. A couple matches only as a couple, to a pair on its list; its members
have no single list.

**Supplemental lists** (:class:`SupplementalLists`): an applicant who ranks
advanced programs may submit one or more lists of PGY-1 programs, each linked
to one or more advanced programs on the applicant's primary list (for a couple's
member: on that partner's side of the joint list). A supplemental list is used
only while the applicant holds a position in an advanced program linked to it.

**Reversions** (:class:`Reversions`): rows ``(donor, receiver, positions)``:
up to ``positions`` of the donor's positions that stay unfilled are added to
the receiver's quota. A donor may revert to several receivers (in the order
given); reversions may chain but never come back to where they started.

**Even/odd requests** (one code per program): ``EVEN`` or ``ODD`` asks that the
program end with an even (odd) number of matches; ``NO_REQUEST`` otherwise.

All ids are integers inside (applicants ``0..n_applicants-1``, programs
``0..n_programs-1``, couples ``0..n_couples-1``); names are kept for the edges.
:class:`Couples` lives in :mod:`matchsim.joint_lists` and :class:`Reversions`
in :mod:`matchsim.reversions`; both are re-exported here, with everything
else a user needs. The containers check their own shapes; the checks that need the whole market
(a link to a program the applicant did not rank, a reversion larger than the
donor's quota, ...) run when the :class:`~matchsim.market.Market` is built, by
:func:`validate_extensions`, each as one ``ValueError`` line.

Examples
--------
>>> from matchsim import Market
>>> m = Market.from_lists(
...     {"Ann": [], "Bo": [], "Cy": ["Rehab", "Gen"]},
...     {"Rehab": ["Cy"], "Gen": ["Ann", "Cy"], "Prelim": ["Cy", "Bo"], "City": ["Bo"]},
...     {"Rehab": 1, "Gen": 1, "Prelim": 1, "City": 1},
...     couples={("Ann", "Bo"): [("Gen", "City"), ("Gen", None)]},
...     supplemental={"Cy": [(["Rehab"], ["Prelim"])]},
...     tracks={"Rehab": "advanced", "Prelim": "preliminary"},
... )
>>> m.couples.n_couples, m.couples.label(0), m.couples.joint_list(0).tolist()
(1, 'Ann & Bo', [[1, 3], [1, -1]])
>>> m.supplemental.n_lists, m.supplemental.links_of(0).tolist(), m.supplemental.programs_of(0).tolist()
(1, [0], [2])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matchsim._arrays import check_ptr as _check_ptr, readonly as _readonly
from matchsim.constants import NO_MATCH  # "No Match" in a couple's pair, kept with the other sentinels
from matchsim.joint_lists import Couples, pairs_of
from matchsim.reversions import Reversions, reversion_cycle, reversion_order

__all__ = [
    "CATEGORICAL", "ADVANCED", "PRELIMINARY", "TRANSITIONAL", "TRACKS", "TRACK_ALIASES", "PGY1_TRACKS",
    "NO_REQUEST", "EVEN", "ODD", "EVEN_ODD", "NO_MATCH",
    "Couples", "SupplementalLists", "Reversions",
    "parse_track", "parse_even_odd", "is_no_match", "pairs_of", "validate_extensions", "reversion_order",
    "reversion_cycle",
]

#: Track codes (values of ``Market.tracks``).
CATEGORICAL, ADVANCED, PRELIMINARY, TRANSITIONAL = 0, 1, 2, 3
#: Track names, indexed by code.
TRACKS = ("categorical", "advanced", "preliminary", "transitional")
#: Other names accepted for a track (NRMP "physician" positions are reserved categorical ones).
TRACK_ALIASES = {"physician": CATEGORICAL, "reserved": CATEGORICAL, "": CATEGORICAL}
#: Tracks whose positions are PGY-1 years a supplemental list may rank.
PGY1_TRACKS = (PRELIMINARY, TRANSITIONAL)

#: Even/odd request codes (values of ``Market.even_odd``).
NO_REQUEST, EVEN, ODD = 0, 1, 2
#: Even/odd request names, indexed by code.
EVEN_ODD = ("none", "even", "odd")


_IDX = np.int32
_PTR = np.int64


def parse_track(value) -> int:
    """Track code of ``value`` (a code, a name from :data:`TRACKS`, or an alias).

    Examples
    --------
    >>> parse_track("Advanced"), parse_track("physician"), parse_track(3)
    (1, 0, 3)
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if 0 <= int(value) < len(TRACKS):
            return int(value)
        raise ValueError(f"track code {value} is not one of 0..{len(TRACKS) - 1} ({', '.join(TRACKS)})")
    text = "" if value is None else str(value).strip().lower()
    if text in TRACKS:
        return TRACKS.index(text)
    if text in TRACK_ALIASES:
        return TRACK_ALIASES[text]
    raise ValueError(f"unknown track {value!r}; use one of {', '.join(TRACKS)} (physician/reserved = categorical)")


def parse_even_odd(value) -> int:
    """Even/odd request code of ``value`` (a code, ``"even"``, ``"odd"``, or blank/``"none"``).

    Examples
    --------
    >>> parse_even_odd("Even"), parse_even_odd(""), parse_even_odd(None)
    (1, 0, 0)
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if 0 <= int(value) < len(EVEN_ODD):
            return int(value)
        raise ValueError(f"even/odd code {value} is not one of 0 (none), 1 (even), 2 (odd)")
    text = "" if value is None else str(value).strip().lower()
    if text in ("", "none"):
        return NO_REQUEST
    if text in EVEN_ODD:
        return EVEN_ODD.index(text)
    raise ValueError(f"unknown even/odd request {value!r}; use even, odd or leave it blank")


def is_no_match(value) -> bool:
    """True for the spellings of a partner's "No Match": ``None``, ``""``, ``"No Match"``, -1.

    Examples
    --------
    >>> [is_no_match(v) for v in (None, "", " no match ", -1, "City", 0)]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value) == NO_MATCH
    if isinstance(value, float) and value != value:  # NaN from a spreadsheet's empty cell
        return True
    return str(value).strip().lower() in ("", "no match", "nomatch", "no_match")


# ------------------------------------------------------ supplemental lists
@dataclass(frozen=True, eq=False)
class SupplementalLists:
    """Supplemental PGY-1 lists and the advanced programs each is linked to.

    Parameters
    ----------
    owner : array_like of int, shape (n_lists,)
        Applicant id owning each list (int32), non-decreasing (an applicant's
        lists are next to each other).
    ptr, programs : array_like of int
        CSR of the PGY-1 programs each list ranks, most preferred first
        (``ptr`` int64 of length ``n_lists + 1``, ``programs`` int32).
    link_ptr, links : array_like of int
        CSR of the advanced programs each list is linked to (order does not
        matter).
    names : sequence of str, optional
        A label per list, unique for its owner (default ``"1", "2", ...`` per
        applicant).

    Examples
    --------
    >>> s = SupplementalLists([4, 4], [0, 2, 3], [7, 8, 9], [0, 1, 3], [1, 2, 3])
    >>> s.n_lists, s.programs_of(1).tolist(), s.links_of(1).tolist(), s.label(1)
    (2, [9], [2, 3], '2')
    """

    owner: np.ndarray
    ptr: np.ndarray
    programs: np.ndarray
    link_ptr: np.ndarray
    links: np.ndarray
    names: tuple[str, ...] | None = field(default=None, repr=False)

    def __post_init__(self):
        owner = np.ascontiguousarray(self.owner, dtype=_IDX).ravel()
        ptr = np.ascontiguousarray(self.ptr, dtype=_PTR)
        programs = np.ascontiguousarray(self.programs, dtype=_IDX).ravel()
        link_ptr = np.ascontiguousarray(self.link_ptr, dtype=_PTR)
        links = np.ascontiguousarray(self.links, dtype=_IDX).ravel()
        n = owner.size
        _check_ptr(ptr, n, programs.size, "supplemental list")
        _check_ptr(link_ptr, n, links.size, "supplemental link")
        if n and np.any(np.diff(owner) < 0):
            raise ValueError("supplemental lists must be grouped by applicant (owner ids non-decreasing)")
        if n and owner.min() < 0:
            raise ValueError(f"supplemental list owner {int(owner.min())} is negative")
        if self.names is not None and len(self.names) != n:
            raise ValueError(f"supplemental list names has {len(self.names)} names for {n} lists")
        if self.names is None:  # "1", "2", ... within each applicant's run of lists: unique by construction
            start = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if n else np.zeros(0, np.int64)
            if start.size == n:  # one list per applicant (the usual case)
                names = ("1",) * n
            else:
                count = np.arange(n) - np.repeat(start, np.diff(np.r_[start, n])) + 1
                names = tuple(map(str, count.tolist()))
        else:
            names = tuple(map(str, self.names))
            if len(set(zip(owner.tolist(), names))) != n:
                raise ValueError("an applicant has two supplemental lists with the same name; name each list once")
        object.__setattr__(self, "names", names)
        from matchsim.extension_checks import rows_fine  # numba: loaded with the first container

        if rows_fine(ptr, programs) and rows_fine(link_ptr, links):
            n = 0  # the usual case, checked with whole-array operations: nothing to explain below
        for i in range(n):  # find and name the first problem
            if ptr[i + 1] == ptr[i]:
                raise ValueError(f"supplemental list {names[i]!r} of applicant {owner[i]} ranks no program")
            if link_ptr[i + 1] == link_ptr[i]:
                raise ValueError(f"supplemental list {names[i]!r} of applicant {owner[i]} is linked to no "
                                 "advanced program; link it to the advanced programs it goes with")
            for what, arr in (("ranks", programs[ptr[i]:ptr[i + 1]]), ("links", links[link_ptr[i]:link_ptr[i + 1]])):
                if arr.min() < 0:
                    raise ValueError(f"supplemental list {names[i]!r} of applicant {owner[i]} {what} "
                                     f"negative program id {int(arr.min())}")
                if np.unique(arr).size != arr.size:
                    raise ValueError(f"supplemental list {names[i]!r} of applicant {owner[i]} {what} a "
                                     "program twice")
        for name, arr in (("owner", owner), ("ptr", ptr), ("programs", programs),
                          ("link_ptr", link_ptr), ("links", links)):
            object.__setattr__(self, name, _readonly(arr))

    @classmethod
    def from_rows(cls, rows, names=None) -> SupplementalLists:
        """Build from ``(owner, links, programs)`` triples (ids), grouped or not by owner.

        Lists are sorted by owner (stably), and ``names`` travel with them.

        Examples
        --------
        >>> s = SupplementalLists.from_rows([(3, [1], [5, 6]), (0, [2], [5])])
        >>> s.owner.tolist(), s.programs_of(0).tolist()
        ([0, 3], [5])
        """
        rows = list(rows)
        order = sorted(range(len(rows)), key=lambda i: int(rows[i][0]))
        rows = [rows[i] for i in order]
        if names is not None:
            names = [names[i] for i in order]
        owner = np.array([int(r[0]) for r in rows], dtype=_IDX)
        link_len = [len(r[1]) for r in rows]
        prog_len = [len(r[2]) for r in rows]
        link_ptr = np.zeros(len(rows) + 1, dtype=_PTR)
        np.cumsum(link_len, out=link_ptr[1:])
        ptr = np.zeros(len(rows) + 1, dtype=_PTR)
        np.cumsum(prog_len, out=ptr[1:])
        links = np.array([int(x) for r in rows for x in r[1]], dtype=_IDX)
        programs = np.array([int(x) for r in rows for x in r[2]], dtype=_IDX)
        return cls(owner, ptr, programs, link_ptr, links, names)

    @classmethod
    def concatenate(cls, parts) -> SupplementalLists:
        """The lists of several containers, one after another (each already checked when it was built).

        Only what joining can break is checked again: owners must stay
        grouped (the last owner of a part at most the first of the next), and
        an owner whose lists span two parts must not get the same name twice.
        O(total size) array copies; no per-list work.

        Parameters
        ----------
        parts : sequence of SupplementalLists or None
            ``None`` and empty containers are skipped.

        Returns
        -------
        SupplementalLists or None
            None when every part is empty; the part itself when there is one.

        Examples
        --------
        >>> a = SupplementalLists([0], [0, 1], [5], [0, 1], [2], ("mine",))
        >>> b = SupplementalLists([3, 4], [0, 1, 3], [5, 6, 7], [0, 1, 2], [1, 2])
        >>> c = SupplementalLists.concatenate([a, None, b])
        >>> c.owner.tolist(), c.programs_of(2).tolist(), c.names
        ([0, 3, 4], [6, 7], ('mine', '1', '1'))
        """
        parts = [p for p in parts if p is not None]
        for p in parts:
            if not isinstance(p, cls):
                raise ValueError(f"concatenate joins {cls.__name__} containers (or None), got {type(p).__name__}")
        parts = [p for p in parts if p.n_lists]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        for left, right in zip(parts[:-1], parts[1:]):
            a, b = int(left.owner[-1]), int(right.owner[0])
            if a > b:
                raise ValueError("supplemental lists must be grouped by applicant (owner ids non-decreasing)")
            if a == b and set(left.names[i] for i in left.lists_of(a).tolist()) & \
                    set(right.names[i] for i in right.lists_of(a).tolist()):
                raise ValueError("an applicant has two supplemental lists with the same name; name each list "
                                 "once")

        def joined(name, ptr):
            arrays = [getattr(p, name) for p in parts]
            if not ptr:
                return np.concatenate(arrays)
            shift = np.cumsum([0] + [x[-1] for x in arrays[:-1]])
            return np.concatenate([arrays[0]] + [x[1:] + d for x, d in zip(arrays[1:], shift[1:])])

        new = object.__new__(cls)  # every part passed __post_init__; the joins were checked above
        for name, ptr in (("owner", False), ("ptr", True), ("programs", False), ("link_ptr", True),
                          ("links", False)):
            object.__setattr__(new, name, _readonly(joined(name, ptr)))
        names = ()
        for p in parts:
            names += p.names
        object.__setattr__(new, "names", names)
        return new

    @property
    def n_lists(self) -> int:
        return self.owner.size

    def programs_of(self, i: int) -> np.ndarray:
        """PGY-1 program ids ranked on list ``i``, most preferred first (a view)."""
        return self.programs[self.ptr[i]:self.ptr[i + 1]]

    def links_of(self, i: int) -> np.ndarray:
        """Advanced program ids list ``i`` is linked to (a view)."""
        return self.links[self.link_ptr[i]:self.link_ptr[i + 1]]

    def label(self, i: int) -> str:
        return self.names[i]

    def lists_of(self, a: int) -> np.ndarray:
        """Ids of applicant ``a``'s supplemental lists."""
        lo, hi = np.searchsorted(self.owner, [a, a + 1])
        return np.arange(lo, hi)

    def renumbered(self, new_applicant, new_program) -> SupplementalLists:
        new_applicant, new_program = np.asarray(new_applicant), np.asarray(new_program)
        rows = [(int(new_applicant[self.owner[i]]), new_program[self.links_of(i)].tolist(),
                 new_program[self.programs_of(i)].tolist()) for i in range(self.n_lists)]
        return SupplementalLists.from_rows(rows, self.names)


# ------------------------------------------------------------- validation
def validate_extensions(market) -> None:
    """Check a market's extensions against its lists; one ``ValueError`` line per problem.

    Called by :class:`~matchsim.market.Market` when it is built. Checks, with
    names where the market has them: ids in range; a couple member who also
    has a single list; supplemental lists linked to a program that is not on
    the applicant's primary list (a couple member's side of the joint list) or
    is not advanced, ranking a program that is not a PGY-1 (preliminary or
    transitional) program, or sharing an advanced program with another list
    of the same applicant; circular reversions and reversions larger than the
    donor's quota; more than ``NRMP_MAX_RANKS`` ranks on any list. The checks
    live in :mod:`matchsim.extension_checks`.
    """
    from matchsim.extension_checks import check_extensions

    check_extensions(market)
