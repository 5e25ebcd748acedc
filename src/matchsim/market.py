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

Extensions such as couples, supplemental PGY-1 lists and reversions are kept as
further arrays beside these (a couple's joint list is another CSR of program
pairs), so the single-applicant arrays never change shape.

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

__all__ = ["Market", "UNMATCHED", "NRMP_MAX_RANKS"]

_IDX = np.int32
_PTR = np.int64


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

    Raises
    ------
    ValueError
        If arrays have the wrong shape, ids are out of range, a list names the
        same participant twice, or a capacity is negative.
    """

    applicant_ptr: np.ndarray
    applicant_list: np.ndarray
    program_ptr: np.ndarray
    program_list: np.ndarray
    capacity: np.ndarray
    applicant_names: tuple[str, ...] | None = field(default=None, repr=False)
    program_names: tuple[str, ...] | None = field(default=None, repr=False)

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
    ) -> Market:
        """Build a market from CSR arrays (see the class docstring).

        Examples
        --------
        >>> m = Market.from_arrays([0, 2, 3], [0, 1, 0], [0, 2, 3], [1, 0, 0], [1, 1])
        >>> m.applicant_prefs(0).tolist(), m.program_prefs(0).tolist()
        ([0, 1], [1, 0])
        """
        return cls(
            applicant_ptr,
            applicant_list,
            program_ptr,
            program_list,
            capacity,
            applicant_names,
            program_names,
        )

    @classmethod
    def from_lists(
        cls,
        applicant_prefs: Mapping[str, Sequence[str]] | Sequence[Sequence[int]],
        program_prefs: Mapping[str, Sequence[str]] | Sequence[Sequence[int]],
        capacities: Mapping[str, int] | Sequence[int],
    ) -> Market:
        """Build a market from Python lists or dicts.

        With dicts, keys are names and the lists hold names; the order of
        ``capacities`` fixes program ids and the order of ``applicant_prefs``
        fixes applicant ids (an applicant named only on a program's list is
        added after them). With sequences, participants are the integers
        ``0..n-1`` and the lists hold ids.

        Raises
        ------
        ValueError
            If a list names a participant that does not exist, or names one
            twice, or a capacity is negative.

        Examples
        --------
        >>> m = Market.from_lists([[0], [0, 1]], [[1, 0], [1]], [1, 1])
        >>> m.n_applicants, m.capacity.tolist()
        (2, [1, 1])
        """
        if isinstance(capacities, Mapping):
            if not isinstance(applicant_prefs, Mapping) or not isinstance(program_prefs, Mapping):
                raise ValueError("use dicts for all three arguments, or sequences for all three")
            fast = _from_name_dicts_fast(applicant_prefs, program_prefs, capacities)
            if fast is not None:
                return cls(*fast)
            program_names = [str(p) for p in capacities]
            prog_id = {p: i for i, p in enumerate(program_names)}
            missing = [p for p in program_prefs if str(p) not in prog_id]
            if missing:
                raise ValueError(f"program {missing[0]!r} has a rank list but no capacity")
            app_id = {str(a): i for i, a in enumerate(applicant_prefs)}
            # flat name lists, then one dictionary look-up per entry: no per-row arrays
            a_items = list(applicant_prefs.items())
            a_len = [len(lst) for _, lst in a_items]
            a_flat = [str(p) for _, lst in a_items for p in lst]
            try:
                a_idx = np.fromiter(map(prog_id.__getitem__, a_flat), dtype=_IDX, count=len(a_flat))
            except KeyError:
                for a, alist in a_items:
                    for rank, p in enumerate(alist, start=1):
                        if str(p) not in prog_id:
                            raise ValueError(
                                f"applicant {a!r} ranks unknown program {p!r} at rank {rank}"
                            ) from None
                raise
            # an applicant named only on a program's list gets the next id
            p_items = [(prog_id[str(p)], plist) for p, plist in program_prefs.items()]
            p_flat = [str(a) for _, plist in p_items for a in plist]
            p_ids = np.fromiter((app_id.setdefault(a, len(app_id)) for a in p_flat), dtype=_IDX,
                                count=len(p_flat))
            applicant_names = list(app_id)
            a_len += [0] * (len(applicant_names) - len(a_len))
            a_ptr = np.zeros(len(a_len) + 1, dtype=_PTR)
            np.cumsum(a_len, out=a_ptr[1:])
            p_len = np.zeros(len(program_names), dtype=_PTR)
            for p, plist in p_items:
                p_len[p] = len(plist)
            p_ptr = np.zeros(len(program_names) + 1, dtype=_PTR)
            np.cumsum(p_len, out=p_ptr[1:])
            # program rows may come in any order: place each at its own offset
            p_idx = np.empty(int(p_ptr[-1]), dtype=_IDX)
            k = 0
            for p, plist in p_items:
                n = len(plist)
                p_idx[p_ptr[p] : p_ptr[p] + n] = p_ids[k : k + n]
                k += n
            cap = [int(capacities[p]) for p in capacities]
            return cls(a_ptr, a_idx, p_ptr, p_idx, np.asarray(cap, dtype=np.int64),
                       tuple(applicant_names), tuple(program_names))
        else:
            if isinstance(applicant_prefs, Mapping) or isinstance(program_prefs, Mapping):
                raise ValueError("use dicts for all three arguments, or sequences for all three")
            a_rows = [list(r) for r in applicant_prefs]
            p_rows = [list(r) for r in program_prefs]
            cap = list(capacities)
            if len(p_rows) != len(cap):
                raise ValueError(f"{len(p_rows)} program lists but {len(cap)} capacities")
        a_ptr, a_idx = _rows_to_csr(a_rows)
        p_ptr, p_idx = _rows_to_csr(p_rows)
        return cls(a_ptr, a_idx, p_ptr, p_idx, np.asarray(cap, dtype=np.int64))

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
        a_ptr, a_idx = _rows_to_csr(a_rows)
        p_ptr, p_idx = _rows_to_csr(p_rows)
        an = None if self.applicant_names is None else tuple(self.applicant_names[i] for i in ao)
        pn = None if self.program_names is None else tuple(self.program_names[i] for i in po)
        return Market(a_ptr, a_idx, p_ptr, p_idx, self.capacity[po], an, pn)

    def __repr__(self) -> str:
        return (
            f"Market({self.n_applicants} applicants, {self.n_programs} programs, "
            f"{self.n_positions} positions, {self.applicant_list.size} applicant ranks, "
            f"{self.program_list.size} program ranks)"
        )


def _from_name_dicts_fast(applicant_prefs, program_prefs, capacities):
    """CSR arrays from name dicts when every name is used as given (the usual case).

    Names are looked up as they are, without conversion, and every applicant
    on a program's list must have a list of their own. Returns ``None`` when
    that does not hold, and the careful path (names compared as strings,
    unlisted applicants added, errors that say which name is wrong) runs.
    """
    from itertools import chain

    prog_id = {p: i for i, p in enumerate(capacities)}
    app_id = {a: i for i, a in enumerate(applicant_prefs)}
    if len(prog_id) != len(capacities) or any(p not in prog_id for p in program_prefs):
        return None
    try:
        a_len = np.fromiter(map(len, applicant_prefs.values()), dtype=_PTR, count=len(applicant_prefs))
        a_idx = np.fromiter(map(prog_id.__getitem__, chain.from_iterable(applicant_prefs.values())),
                            dtype=_IDX, count=int(a_len.sum()))
        p_rows = [None] * len(prog_id)
        for p, plist in program_prefs.items():
            p_rows[prog_id[p]] = plist
        p_rows = [() if r is None else r for r in p_rows]
        p_len = np.fromiter(map(len, p_rows), dtype=_PTR, count=len(p_rows))
        p_idx = np.fromiter(map(app_id.__getitem__, chain.from_iterable(p_rows)),
                            dtype=_IDX, count=int(p_len.sum()))
    except (KeyError, TypeError):
        return None
    a_ptr = np.zeros(a_len.size + 1, dtype=_PTR)
    np.cumsum(a_len, out=a_ptr[1:])
    p_ptr = np.zeros(p_len.size + 1, dtype=_PTR)
    np.cumsum(p_len, out=p_ptr[1:])
    cap = np.fromiter((int(c) for c in capacities.values()), dtype=np.int64, count=len(capacities))
    return (a_ptr, a_idx, p_ptr, p_idx, cap,
            tuple(map(str, applicant_prefs)), tuple(map(str, capacities)))


def _rows_to_csr(rows):
    lengths = np.fromiter((len(r) for r in rows), dtype=_PTR, count=len(rows))
    ptr = np.zeros(len(rows) + 1, dtype=_PTR)
    np.cumsum(lengths, out=ptr[1:])
    if ptr[-1]:
        idx = np.concatenate([np.asarray(r, dtype=_IDX) for r in rows if len(r)])
    else:
        idx = np.zeros(0, dtype=_IDX)
    return ptr, idx
