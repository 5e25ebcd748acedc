"""The market: who ranked whom, and how many positions each program offers.

Definitions
-----------
A *market* has ``n_applicants`` applicants and ``n_programs`` programs. Each
program ``p`` offers ``capacity[p] >= 0`` positions (its quota). Every
participant submits a strict *rank order list* (ROL) of participants on the
other side, most preferred first; anybody left off a list is unacceptable to
its owner. A pair ``(a, p)`` can be matched only when each ranked the other.
One-sided entries (``a`` ranks ``p`` but ``p`` does not rank ``a``) are legal,
as in the NRMP, and simply never produce a match.

Storage
-------
Lists are ragged, so they are stored as CSR arrays (compressed sparse rows):
applicant ``a``'s list is ``applicant_list[applicant_ptr[a]:applicant_ptr[a+1]]``,
a run of program ids in order of preference; program lists likewise hold
applicant ids. Inside the package every participant is an integer
``0 .. n-1``; names are kept on the market only to be shown at the edges.

The NRMP's variations (program tracks, couples, supplemental PGY-1 lists,
reversions, even/odd requests; see :mod:`matchsim.extensions`) are optional
fields kept beside these arrays (a couple's joint list is another CSR, of
program pairs), ``None`` on a plain market, so the single-applicant arrays
never change shape and plain markets keep every fast path.

Examples
--------
>>> m = Market.from_lists(
...     applicant_prefs={"Ann": ["City", "Mercy"], "Bo": ["City"]},
...     program_prefs={"City": ["Bo", "Ann"], "Mercy": ["Ann"]},
...     capacities={"City": 1, "Mercy": 1},
... )
>>> m.n_applicants, m.n_programs, m.n_positions
(2, 2, 2)
>>> [m.program_names[p] for p in m.applicant_prefs(0)]
['City', 'Mercy']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from matchsim.constants import NRMP_MAX_RANKS, UNMATCHED
from matchsim.extensions import Couples, Reversions, SupplementalLists, validate_extensions
from matchsim.market_lists import couple_rows, extension_arrays, extension_lists, plain_arrays, rows_to_csr

__all__ = ["Market", "UNMATCHED", "NRMP_MAX_RANKS"]

_IDX = np.int32
_PTR = np.int64

_EXTENSION_FIELDS = ("tracks", "couples", "supplemental", "reversions", "even_odd")


@njit(cache=True)
def _check_csr(ptr, idx, n_other):
    """Return (code, row, position) of the first problem in a CSR list set.

    code 0 = fine, 1 = id out of range, 2 = id listed twice in one row.
    A ``mark`` array remembers the last row that listed each id, so the scan is
    one pass over the entries.
    """
    mark = np.full(n_other, -1, dtype=np.int64)
    for row in range(ptr.size - 1):
        for e in range(ptr[row], ptr[row + 1]):
            j = idx[e]
            if j < 0 or j >= n_other:
                return 1, row, e - ptr[row]
            if mark[j] == row:
                return 2, row, e - ptr[row]
            mark[j] = row
    return 0, -1, -1


def _as_csr(ptr, idx, n_rows, side):
    ptr = np.ascontiguousarray(ptr, dtype=_PTR)
    idx = np.ascontiguousarray(idx, dtype=_IDX)
    if ptr.ndim != 1 or idx.ndim != 1:
        raise ValueError(f"{side} lists must be 1-D arrays (ptr, idx)")
    if ptr.size != n_rows + 1:
        raise ValueError(f"{side}_ptr must have {n_rows + 1} entries, got {ptr.size}")
    if ptr[0] != 0 or ptr[-1] != idx.size:
        raise ValueError(f"{side}_ptr must start at 0 and end at len({side}_list) = {idx.size}")
    if n_rows and np.any(np.diff(ptr) < 0):
        raise ValueError(f"{side}_ptr must be non-decreasing")
    return ptr, idx


@dataclass(frozen=True, eq=False)
class Market:
    """A validated two-sided market, stored as flat integer arrays.

    Build one with :meth:`from_lists` (names), :meth:`from_arrays` (CSR arrays)
    or the readers in :mod:`matchsim.io`; the constructor checks every array.

    Parameters
    ----------
    applicant_ptr, applicant_list : array_like of int
        CSR rank order lists of the applicants: ``applicant_list`` holds program
        ids (int32), most preferred first, ``applicant_ptr`` (int64, length
        ``n_applicants + 1``) the row boundaries.
    program_ptr, program_list : array_like of int
        CSR rank order lists of the programs, holding applicant ids.
    capacity : array_like of int
        Positions offered by each program (int32, length ``n_programs``, >= 0).
    applicant_names, program_names : sequence of str, optional
        Labels shown at the edges. Default: ``"a0", "a1", ...`` and
        ``"p0", "p1", ...``, made only when asked for.
    tracks : array_like of int, optional
        Track code of each program (int8, ``n_programs``): ``CATEGORICAL``,
        ``ADVANCED``, ``PRELIMINARY`` or ``TRANSITIONAL`` from
        :mod:`matchsim.extensions`. ``None`` means all categorical.
    couples : Couples, optional
        Couples and their joint lists of program pairs.
    supplemental : SupplementalLists, optional
        Supplemental PGY-1 lists linked to advanced programs.
    reversions : Reversions, optional
        Unfilled positions that revert from one program to another.
    even_odd : array_like of int, optional
        Even/odd request of each program (int8, ``n_programs``):
        ``NO_REQUEST``, ``EVEN`` or ``ODD``.

    Raises
    ------
    ValueError
        If arrays have the wrong shape, ids are out of range, a list names the
        same participant twice, or a capacity is negative; for the extensions,
        see :func:`matchsim.extensions.validate_extensions`.
    """

    applicant_ptr: np.ndarray
    applicant_list: np.ndarray
    program_ptr: np.ndarray
    program_list: np.ndarray
    capacity: np.ndarray
    applicant_names: tuple[str, ...] | None = field(default=None, repr=False)
    program_names: tuple[str, ...] | None = field(default=None, repr=False)
    tracks: np.ndarray | None = field(default=None, repr=False)
    couples: Couples | None = field(default=None, repr=False)
    supplemental: SupplementalLists | None = field(default=None, repr=False)
    reversions: Reversions | None = field(default=None, repr=False)
    even_odd: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        cap = np.ascontiguousarray(self.capacity, dtype=_IDX)
        if cap.ndim != 1:
            raise ValueError("capacity must be a 1-D array")
        n_p = cap.size
        n_a = np.asarray(self.applicant_ptr).size - 1
        if n_a < 0:
            raise ValueError("applicant_ptr must have at least one entry")
        if np.any(cap < 0):
            p = int(np.flatnonzero(cap < 0)[0])
            raise ValueError(f"capacity of program {p} is negative ({cap[p]})")
        a_ptr, a_idx = _as_csr(self.applicant_ptr, self.applicant_list, n_a, "applicant")
        p_ptr, p_idx = _as_csr(self.program_ptr, self.program_list, n_p, "program")
        for side, ptr, idx, n_other in (
            ("applicant", a_ptr, a_idx, n_p),
            ("program", p_ptr, p_idx, n_a),
        ):
            code, row, pos = _check_csr(ptr, idx, n_other)
            if code == 1:
                raise ValueError(
                    f"{side} {row}'s list has id {idx[ptr[row] + pos]} at rank {pos + 1}, "
                    f"outside 0..{n_other - 1}"
                )
            if code == 2:
                raise ValueError(
                    f"{side} {row}'s list names {idx[ptr[row] + pos]} twice (again at rank {pos + 1})"
                )
        for names, n, side in (
            (self.applicant_names, n_a, "applicant"),
            (self.program_names, n_p, "program"),
        ):
            if names is not None and len(names) != n:
                raise ValueError(f"{side}_names has {len(names)} names for {n} {side}s")
        self._store(a_ptr, a_idx, p_ptr, p_idx, cap)
        if self.applicant_names is not None:
            object.__setattr__(self, "applicant_names", tuple(map(str, self.applicant_names)))
        if self.program_names is not None:
            object.__setattr__(self, "program_names", tuple(map(str, self.program_names)))
        self._store_extensions()

    def _store_extensions(self):
        for name, kind in (("couples", Couples), ("supplemental", SupplementalLists),
                           ("reversions", Reversions)):
            value = getattr(self, name)
            if value is not None and not isinstance(value, kind):
                raise ValueError(f"{name} must be a matchsim.extensions.{kind.__name__} (or None), "
                                 f"got {type(value).__name__}")
        for name in ("tracks", "even_odd"):
            value = getattr(self, name)
            if value is not None:
                arr = np.asarray(value)
                if arr.dtype.kind not in "iu" and arr.size:
                    raise ValueError(f"{name} must hold integer codes (see matchsim.extensions)")
                arr = np.ascontiguousarray(arr, dtype=np.int8)
                arr.flags.writeable = False
                object.__setattr__(self, name, arr)
        if any(getattr(self, n) is not None for n in _EXTENSION_FIELDS):
            validate_extensions(self)

    def _store(self, a_ptr, a_idx, p_ptr, p_idx, cap):
        # Read-only views: the market cannot be changed behind its back, and the
        # caller's own arrays stay writable.
        for name, arr in (("applicant_ptr", a_ptr), ("applicant_list", a_idx),
                          ("program_ptr", p_ptr), ("program_list", p_idx), ("capacity", cap)):
            if arr.flags.writeable:
                arr = arr.view()
                arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    # ------------------------------------------------------------------ sizes
    @property
    def n_applicants(self) -> int:
        return self.applicant_ptr.size - 1

    @property
    def n_programs(self) -> int:
        return self.capacity.size

    @property
    def n_positions(self) -> int:
        return int(self.capacity.sum(dtype=np.int64))

    @property
    def n_couples(self) -> int:
        """Number of couples (0 on a market without couples)."""
        return 0 if self.couples is None else self.couples.n_couples

    @property
    def has_extensions(self) -> bool:
        """True when couples, supplemental lists, reversions or even/odd requests change the match.

        Tracks alone change nothing (they only say which programs a
        supplemental list may rank), so a market with tracks and nothing else
        is matched by plain deferred acceptance.

        Examples
        --------
        >>> Market.from_lists([[0]], [[0]], [1]).has_extensions
        False
        >>> Market.from_lists([[0]], [[0]], [1], even_odd=["even"]).has_extensions
        True
        """
        return bool(
            (self.couples is not None and self.couples.n_couples)
            or (self.supplemental is not None and self.supplemental.n_lists)
            or (self.reversions is not None and self.reversions.n_reversions)
            or (self.even_odd is not None and np.any(self.even_odd != 0))
        )

    @property
    def program_tracks(self) -> np.ndarray:
        """Track code of each program (int8; all ``CATEGORICAL`` when the market has no tracks)."""
        if self.tracks is not None:
            return self.tracks
        return np.zeros(self.n_programs, dtype=np.int8)

    @property
    def applicant_list_lengths(self) -> np.ndarray:
        """Number of programs on each applicant's list (int64, ``n_applicants``)."""
        return np.diff(self.applicant_ptr)

    @property
    def program_list_lengths(self) -> np.ndarray:
        """Number of applicants on each program's list (int64, ``n_programs``)."""
        return np.diff(self.program_ptr)

    def applicant_prefs(self, a: int) -> np.ndarray:
        """Program ids on applicant ``a``'s list, most preferred first (a view)."""
        return self.applicant_list[self.applicant_ptr[a] : self.applicant_ptr[a + 1]]

    def program_prefs(self, p: int) -> np.ndarray:
        """Applicant ids on program ``p``'s list, most preferred first (a view)."""
        return self.program_list[self.program_ptr[p] : self.program_ptr[p + 1]]

    # ------------------------------------------------------------------ names
    def applicant_label(self, a: int) -> str:
        """Name of applicant ``a`` (``"a<id>"`` when the market has no names)."""
        return self.applicant_names[a] if self.applicant_names is not None else f"a{a}"

    def program_label(self, p: int) -> str:
        """Name of program ``p`` (``"p<id>"`` when the market has no names)."""
        return self.program_names[p] if self.program_names is not None else f"p{p}"

    def applicant_labels(self) -> tuple[str, ...]:
        if self.applicant_names is not None:
            return self.applicant_names
        return tuple(f"a{a}" for a in range(self.n_applicants))

    def program_labels(self) -> tuple[str, ...]:
        if self.program_names is not None:
            return self.program_names
        return tuple(f"p{p}" for p in range(self.n_programs))

    def applicant_id(self, name: str) -> int:
        """Integer id of the applicant called ``name``."""
        try:
            return self.applicant_labels().index(name)
        except ValueError:
            raise ValueError(f"no applicant named {name!r}") from None

    def program_id(self, name: str) -> int:
        """Integer id of the program called ``name``."""
        try:
            return self.program_labels().index(name)
        except ValueError:
            raise ValueError(f"no program named {name!r}") from None

    # ----------------------------------------------------------- constructors
    @classmethod
    def from_arrays(
        cls,
        applicant_ptr,
        applicant_list,
        program_ptr,
        program_list,
        capacity,
        applicant_names=None,
        program_names=None,
        *,
        tracks=None,
        couples=None,
        supplemental=None,
        reversions=None,
        even_odd=None,
    ) -> Market:
        """Build a market from CSR arrays (see the class docstring).

        The extensions are the containers of :mod:`matchsim.extensions`
        (``Couples``, ``SupplementalLists``, ``Reversions``) and code arrays
        for ``tracks`` and ``even_odd``.

        Examples
        --------
        >>> m = Market.from_arrays([0, 2, 3], [0, 1, 0], [0, 2, 3], [1, 0, 0], [1, 1])
        >>> m.applicant_prefs(0).tolist(), m.program_prefs(0).tolist()
        ([0, 1], [1, 0])
        >>> from matchsim.extensions import Couples
        >>> m = Market.from_arrays([0, 0, 0], [], [0, 1, 2], [0, 1], [1, 1],
        ...                        couples=Couples([[0, 1]], [0, 1], [[0, 1]]))
        >>> m.n_couples, m.has_extensions
        (1, True)
        """
        return cls(
            applicant_ptr,
            applicant_list,
            program_ptr,
            program_list,
            capacity,
            applicant_names,
            program_names,
            tracks=tracks,
            couples=couples,
            supplemental=supplemental,
            reversions=reversions,
            even_odd=even_odd,
        )

    @classmethod
    def from_lists(
        cls,
        applicant_prefs: Mapping[str, Sequence[str]] | Sequence[Sequence[int]],
        program_prefs: Mapping[str, Sequence[str]] | Sequence[Sequence[int]],
        capacities: Mapping[str, int] | Sequence[int],
        *,
        couples=None,
        supplemental=None,
        reversions=None,
        tracks=None,
        even_odd=None,
    ) -> Market:
        """Build a market from Python lists or dicts.

        With dicts, keys are names and the lists hold names; the order of
        ``capacities`` fixes program ids and the order of ``applicant_prefs``
        fixes applicant ids (a couple's member without an entry in
        ``applicant_prefs``, then an applicant named only on a program's list,
        are added after them). With sequences, participants are the integers
        ``0..n-1`` and the lists hold ids.

        Parameters
        ----------
        applicant_prefs, program_prefs, capacities
            The single applicants' lists, the programs' lists and quotas.
        couples : optional
            ``{(partner_1, partner_2): joint_list}``, or a sequence of
            ``(partner_1, partner_2, joint_list)``. A joint list holds pairs
            ``(program for partner 1, program for partner 2)``, most preferred
            first, or the same cells flat (``[p1, q1, p2, q2, ...]``); "No
            Match" for a partner is ``None``, ``""``, ``"No Match"`` or -1.
            The couple is named ``"partner_1 & partner_2"``.
        supplemental : optional
            ``{applicant: lists}`` where ``lists`` is a sequence of
            ``(linked advanced programs, PGY-1 programs)`` or a dict
            ``{list name: (linked, programs)}``; or a sequence of
            ``(applicant, linked, programs)``.
        reversions : optional
            A sequence of ``(donor, receiver, positions)``.
        tracks : optional
            ``{program: track}`` (missing programs are categorical) or one
            track per program; a track is a name from
            :data:`matchsim.extensions.TRACKS` or a code.
        even_odd : optional
            ``{program: "even" | "odd"}`` or one request per program.

        Raises
        ------
        ValueError
            If a list names a participant that does not exist, or names one
            twice, or a capacity is negative; for the extensions, see
            :func:`matchsim.extensions.validate_extensions`.

        Examples
        --------
        >>> m = Market.from_lists([[0], [0, 1]], [[1, 0], [1]], [1, 1])
        >>> m.n_applicants, m.capacity.tolist()
        (2, [1, 1])

        A couple (Ann and Bo, with no single lists) and a reversion:

        >>> m = Market.from_lists(
        ...     {"Cy": ["City"]}, {"City": ["Ann", "Cy"], "Mercy": ["Bo"]}, {"City": 1, "Mercy": 1},
        ...     couples={("Ann", "Bo"): [("City", "Mercy"), ("No Match", "Mercy")]},
        ...     reversions=[("City", "Mercy", 1)])
        >>> m.applicant_labels(), m.couples.joint_list(0).tolist()
        (('Cy', 'Ann', 'Bo'), [[0, 1], [-1, 1]])
        >>> m
        Market(3 applicants, 2 programs, 2 positions, 1 applicant ranks, 3 program ranks; 1 couple, 1 reversion)

        A couple's member who also has a single list is refused:

        >>> Market.from_lists({"Ann": ["City"]}, {"City": ["Ann"]}, {"City": 1},
        ...                   couples={("Ann", "Bo"): [("City", None)]})
        Traceback (most recent call last):
        ...
        ValueError: applicant 'Ann' is in couple 'Ann & Bo' and also has a single list (1 ranks); a couple's members rank only through their joint list
        """
        extensions = dict(couples=couples, supplemental=supplemental, reversions=reversions,
                          tracks=tracks, even_odd=even_odd)
        if all(v is None for v in extensions.values()):
            return cls._plain_from_lists(applicant_prefs, program_prefs, capacities)
        by_name = isinstance(capacities, Mapping)
        if by_name and couples is not None and isinstance(applicant_prefs, Mapping):
            # couple members rank through the joint list; give them an (empty) single list
            # so that they get ids right after the single applicants
            extra = [str(a) for pair, _ in couple_rows(couples) for a in pair
                     if a not in applicant_prefs and str(a) not in applicant_prefs]
            if extra:
                applicant_prefs = dict(applicant_prefs)
                for a in extra:
                    applicant_prefs.setdefault(a, [])
        base = cls._plain_from_lists(applicant_prefs, program_prefs, capacities)
        fields = extension_arrays(base, by_name, **extensions)
        return cls(base.applicant_ptr, base.applicant_list, base.program_ptr, base.program_list,
                   base.capacity, base.applicant_names, base.program_names, **fields)

    @classmethod
    def _plain_from_lists(cls, applicant_prefs, program_prefs, capacities) -> Market:
        return cls(*plain_arrays(applicant_prefs, program_prefs, capacities))

    # ------------------------------------------------------------ conversions
    def to_lists(self) -> tuple[dict, dict, dict]:
        """Return ``(applicant_prefs, program_prefs, capacities)`` keyed by name.

        The inverse of :meth:`from_lists` with dicts.
        """
        an, pn = self.applicant_labels(), self.program_labels()
        apps = {an[a]: [pn[p] for p in self.applicant_prefs(a)] for a in range(self.n_applicants)}
        progs = {pn[p]: [an[a] for a in self.program_prefs(p)] for p in range(self.n_programs)}
        caps = {pn[p]: int(self.capacity[p]) for p in range(self.n_programs)}
        return apps, progs, caps

    def with_applicant_list(self, a: int, programs) -> Market:
        """Return a copy of the market in which applicant ``a`` submits ``programs``.

        Everybody else's lists are unchanged; this is how a strategy is tried
        against a fixed market.

        Examples
        --------
        >>> m = Market.from_lists([[0, 1]], [[0], [0]], [1, 1])
        >>> m.with_applicant_list(0, [1]).applicant_prefs(0).tolist()
        [1]
        """
        if not 0 <= a < self.n_applicants:
            raise ValueError(f"applicant id {a} is outside 0..{self.n_applicants - 1}")
        raw = np.asarray(programs).ravel()
        if raw.size and (raw.min() < 0 or raw.max() >= self.n_programs):
            bad = int(raw[(raw < 0) | (raw >= self.n_programs)][0])
            raise ValueError(f"applicant {a}'s list has id {bad}, outside 0..{self.n_programs - 1}")
        programs = raw.astype(_IDX)
        if np.unique(programs).size != programs.size:
            raise ValueError(f"applicant {a}'s list names a program twice")
        s, t = self.applicant_ptr[a], self.applicant_ptr[a + 1]
        idx = np.concatenate([self.applicant_list[:s], programs, self.applicant_list[t:]])
        ptr = self.applicant_ptr.copy()
        ptr[a + 1 :] += programs.size - (t - s)
        # Only row ``a`` changed and it was checked above: skip the full validation.
        new = object.__new__(Market)
        new._store(ptr, idx, self.program_ptr, self.program_list, self.capacity)
        object.__setattr__(new, "applicant_names", self.applicant_names)
        object.__setattr__(new, "program_names", self.program_names)
        for name in _EXTENSION_FIELDS:
            object.__setattr__(new, name, getattr(self, name))
        if any(getattr(self, n) is not None for n in _EXTENSION_FIELDS):
            validate_extensions(new)  # a's links and the NRMP's rank limit still hold
        return new

    def permuted(self, applicant_order=None, program_order=None) -> Market:
        """Return the same market with participants renumbered.

        ``applicant_order[i]`` is the old id of the applicant who becomes id
        ``i`` (likewise for programs). Names travel with participants. Used to
        check that the match does not depend on processing order.
        """
        n_a, n_p = self.n_applicants, self.n_programs
        ao = np.arange(n_a) if applicant_order is None else np.asarray(applicant_order)
        po = np.arange(n_p) if program_order is None else np.asarray(program_order)
        new_a = np.empty(n_a, dtype=_IDX)
        new_a[ao] = np.arange(n_a, dtype=_IDX)
        new_p = np.empty(n_p, dtype=_IDX)
        new_p[po] = np.arange(n_p, dtype=_IDX)
        a_rows = [new_p[self.applicant_prefs(a)] for a in ao]
        p_rows = [new_a[self.program_prefs(p)] for p in po]
        a_ptr, a_idx = rows_to_csr(a_rows)
        p_ptr, p_idx = rows_to_csr(p_rows)
        an = None if self.applicant_names is None else tuple(self.applicant_names[i] for i in ao)
        pn = None if self.program_names is None else tuple(self.program_names[i] for i in po)
        ext = {}
        if self.tracks is not None:
            ext["tracks"] = self.tracks[po]
        if self.even_odd is not None:
            ext["even_odd"] = self.even_odd[po]
        if self.couples is not None:
            ext["couples"] = self.couples.renumbered(new_a, new_p)
        if self.supplemental is not None:
            ext["supplemental"] = self.supplemental.renumbered(new_a, new_p)
        if self.reversions is not None:
            ext["reversions"] = self.reversions.renumbered(new_p)
        return Market(a_ptr, a_idx, p_ptr, p_idx, self.capacity[po], an, pn, **ext)

    def extension_lists(self) -> dict:
        """The market's extensions keyed by name, in the forms :meth:`from_lists` accepts.

        Keys are ``couples``, ``supplemental``, ``reversions``, ``tracks`` and
        ``even_odd``, each present only when the market has it; "No Match" is
        ``None``. ``Market.from_lists(*m.to_lists(), **m.extension_lists())``
        rebuilds the market.

        Examples
        --------
        >>> m = Market.from_lists({"Cy": ["City"]}, {"City": ["Cy"]}, {"City": 2},
        ...                       even_odd={"City": "even"})
        >>> m.extension_lists()
        {'even_odd': {'City': 'even'}}
        """
        return extension_lists(self)

    def __repr__(self) -> str:
        extra = []
        for n, what in ((self.n_couples, "couple"),
                        (0 if self.supplemental is None else self.supplemental.n_lists, "supplemental list"),
                        (0 if self.reversions is None else self.reversions.n_reversions, "reversion"),
                        (0 if self.even_odd is None else int(np.count_nonzero(self.even_odd)),
                         "even/odd request")):
            if n:
                extra.append(f"{n} {what}{'s' if n != 1 else ''}")
        return (
            f"Market({self.n_applicants} applicants, {self.n_programs} programs, "
            f"{self.n_positions} positions, {self.applicant_list.size} applicant ranks, "
            f"{self.program_list.size} program ranks{'; ' + ', '.join(extra) if extra else ''})"
        )
