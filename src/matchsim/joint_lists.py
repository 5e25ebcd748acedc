"""Couples and their joint rank order lists of program pairs (the container :class:`Couples`).

Part of the NRMP's variations (:mod:`matchsim.extensions`, which re-exports
everything here): two applicants who submit one joint list of program pairs,
most preferred first; either program of a pair may be ``NO_MATCH`` (-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matchsim._arrays import check_ptr as _check_ptr, readonly as _readonly
from matchsim.constants import NO_MATCH

__all__ = ["Couples", "pairs_of"]

_IDX = np.int32
_PTR = np.int64


@dataclass(frozen=True, eq=False)
class Couples:
    """Couples and their joint rank order lists.

    Parameters
    ----------
    members : array_like of int, shape (n_couples, 2)
        Applicant ids of the two partners of each couple (int32).
    ptr : array_like of int, shape (n_couples + 1,)
        CSR row boundaries (int64): couple ``c``'s joint list is
        ``programs[ptr[c]:ptr[c+1]]``.
    programs : array_like of int, shape (n_ranks, 2)
        Program pairs, most preferred first: column 0 is the first partner's
        program, column 1 the second's, ``NO_MATCH`` (-1) for "No Match"
        (int32).
    names : sequence of str, optional
        A label per couple (default ``"c0", "c1", ...``).

    Raises
    ------
    ValueError
        On a wrong shape, a couple of one applicant, an applicant in two
        couples, a pair of two "No Match", or a pair listed twice.

    Examples
    --------
    >>> c = Couples([[0, 1]], [0, 2], [[3, 4], [3, -1]])
    >>> c.n_couples, c.joint_list(0).tolist(), c.label(0)
    (1, [[3, 4], [3, -1]], 'c0')
    >>> c.couple_of(3).tolist()
    [0, 0, -1]
    """

    members: np.ndarray
    ptr: np.ndarray
    programs: np.ndarray
    names: tuple[str, ...] | None = field(default=None, repr=False)

    def __post_init__(self):
        members = np.ascontiguousarray(self.members, dtype=_IDX)
        if members.size == 0:
            members = members.reshape(0, 2)
        if members.ndim != 2 or members.shape[1] != 2:
            raise ValueError(f"couple members must have shape (n_couples, 2), got {members.shape}")
        programs = np.ascontiguousarray(self.programs, dtype=_IDX)
        if programs.size == 0:
            programs = programs.reshape(0, 2)
        if programs.ndim == 1:
            if programs.size % 2:
                raise ValueError(f"couples' joint lists have {programs.size} cells, an odd number: "
                                 "each rank needs a program (or No Match) for both partners")
            programs = programs.reshape(-1, 2)
        if programs.ndim != 2 or programs.shape[1] != 2:
            raise ValueError(f"couple program pairs must have shape (n_ranks, 2), got {programs.shape}")
        ptr = np.ascontiguousarray(self.ptr, dtype=_PTR)
        k = members.shape[0]
        _check_ptr(ptr, k, programs.shape[0], "couples' joint list")
        if self.names is not None and len(self.names) != k:
            raise ValueError(f"couple names has {len(self.names)} names for {k} couples")
        names = None if self.names is None else tuple(map(str, self.names))
        object.__setattr__(self, "names", names)
        if k and np.any(members[:, 0] == members[:, 1]):
            c = int(np.flatnonzero(members[:, 0] == members[:, 1])[0])
            raise ValueError(f"couple {self.label(c)!r} names applicant {members[c, 0]} twice; "
                             "a couple is two different applicants")
        flat = members.ravel()
        if np.unique(flat).size != flat.size:
            seen, dup = set(), None
            for a in flat.tolist():
                if a in seen:
                    dup = a
                    break
                seen.add(a)
            raise ValueError(f"applicant {dup} is in two couples; an applicant can be in one couple only")
        if programs.size and programs.min() < NO_MATCH:
            raise ValueError(f"couple program id {int(programs.min())} is negative (use -1 for No Match)")
        both = (programs[:, 0] == NO_MATCH) & (programs[:, 1] == NO_MATCH)
        if both.any():
            e = int(np.flatnonzero(both)[0])
            c = int(np.searchsorted(ptr, e, side="right") - 1)
            raise ValueError(f"couple {self.label(c)!r} ranks No Match for both partners at rank "
                             f"{e - ptr[c] + 1}; a pair needs a program for at least one partner")
        base = np.int64(int(programs.max(initial=0)) + 2)
        row = np.repeat(np.arange(k, dtype=np.int64), np.diff(ptr))
        key = (row * base + programs[:, 0] + 1) * base + programs[:, 1] + 1
        repeated = np.unique(key).size != key.size
        for c in range(k if repeated else 0):  # only to name the first pair listed twice
            rows = programs[ptr[c]:ptr[c + 1]]
            if rows.shape[0] > 1:
                key = (rows[:, 0].astype(np.int64) + 1) * (2**32) + (rows[:, 1].astype(np.int64) + 1)
                uniq, first = np.unique(key, return_index=True)
                if uniq.size != key.size:
                    again = sorted(set(range(key.size)) - set(first.tolist()))[0]
                    raise ValueError(f"couple {self.label(c)!r} ranks the pair {tuple(rows[again].tolist())} "
                                     f"twice (again at rank {again + 1})")
        object.__setattr__(self, "members", _readonly(members))
        object.__setattr__(self, "ptr", _readonly(ptr))
        object.__setattr__(self, "programs", _readonly(programs))

    @classmethod
    def from_pairs(cls, members, joint_lists, names=None) -> Couples:
        """Build from Python lists: ``joint_lists[c]`` is a list of ``(program_1, program_2)`` ids.

        A joint list may also be given flat, ``[p1, q1, p2, q2, ...]``, as a
        spreadsheet row would hold it; an odd number of cells is an error.

        Examples
        --------
        >>> Couples.from_pairs([(0, 1)], [[0, 1, 2, -1]]).joint_list(0).tolist()
        [[0, 1], [2, -1]]
        >>> Couples.from_pairs([(0, 1)], [[0, 1, 2]])
        Traceback (most recent call last):
        ...
        ValueError: couple 'c0''s joint list has 3 cells, an odd number: each rank needs a program (or No Match) for both partners
        """
        members = [tuple(m) for m in members]
        if len(members) != len(joint_lists):
            raise ValueError(f"{len(members)} couples but {len(joint_lists)} joint lists")
        rows = []
        for c, jl in enumerate(joint_lists):
            label = names[c] if names is not None else f"c{c}"
            rows.append(pairs_of(jl, label))
        lengths = [len(r) for r in rows]
        ptr = np.zeros(len(rows) + 1, dtype=_PTR)
        np.cumsum(lengths, out=ptr[1:])
        programs = np.array([xy for r in rows for xy in r], dtype=_IDX).reshape(-1, 2)
        return cls(np.array(members, dtype=_IDX).reshape(-1, 2), ptr, programs, names)

    @property
    def n_couples(self) -> int:
        return self.members.shape[0]

    @property
    def list_lengths(self) -> np.ndarray:
        """Number of pairs on each couple's joint list (int64, ``n_couples``)."""
        return np.diff(self.ptr)

    def joint_list(self, c: int) -> np.ndarray:
        """Couple ``c``'s pairs, shape (n, 2), most preferred first (a view)."""
        return self.programs[self.ptr[c]:self.ptr[c + 1]]

    def label(self, c: int) -> str:
        """Name of couple ``c`` (``"c<id>"`` when the couples have no names)."""
        return self.names[c] if self.names is not None else f"c{c}"

    def labels(self) -> tuple[str, ...]:
        return self.names if self.names is not None else tuple(f"c{c}" for c in range(self.n_couples))

    def couple_of(self, n_applicants: int) -> np.ndarray:
        """Couple id of each applicant, or -1 for a single applicant (int32, ``n_applicants``)."""
        out = np.full(n_applicants, -1, dtype=_IDX)
        for col in (0, 1):
            out[self.members[:, col]] = np.arange(self.n_couples, dtype=_IDX)
        return out

    def renumbered(self, new_applicant, new_program) -> Couples:
        """The same couples with applicant and program ids mapped through the two arrays."""
        progs = self.programs.copy()
        mask = progs != NO_MATCH
        progs[mask] = np.asarray(new_program)[progs[mask]]
        return Couples(np.asarray(new_applicant)[self.members], self.ptr, progs, self.names)


def pairs_of(joint_list, label="c0"):
    """One joint list (pairs, or flat cells ``[p1, q1, p2, q2, ...]``) as a list of 2-tuples.

    ``label`` names the couple in the messages. An odd number of cells, a
    rank that is not a pair, or a mix of pairs and cells is a ``ValueError``.

    Examples
    --------
    >>> pairs_of(["City", "Mercy", "City", None])
    [('City', 'Mercy'), ('City', None)]
    >>> pairs_of([("City", "Mercy", "Gen")], "Ann & Bo")
    Traceback (most recent call last):
    ...
    ValueError: couple 'Ann & Bo''s joint list has 3 programs at rank 1; each rank is a pair (program for the first partner, program for the second)
    """
    items = list(joint_list)
    if items and all(isinstance(x, (tuple, list, np.ndarray)) for x in items):
        for i, x in enumerate(items):
            if len(x) != 2:
                raise ValueError(f"couple {label!r}'s joint list has {len(x)} programs at rank {i + 1}; "
                                 "each rank is a pair (program for the first partner, program for the second)")
        return [tuple(x) for x in items]
    if any(isinstance(x, (tuple, list, np.ndarray)) for x in items):
        raise ValueError(f"couple {label!r}'s joint list mixes pairs and single cells; give pairs")
    if len(items) % 2:
        raise ValueError(f"couple {label!r}'s joint list has {len(items)} cells, an odd number: "
                         "each rank needs a program (or No Match) for both partners")
    return [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
