"""The checks that need the whole market: a market's extensions against its lists.

:func:`matchsim.extensions.validate_extensions` runs :func:`check_extensions`
when a :class:`~matchsim.market.Market` with extensions is built. The rules
that span lists are checked first in one pass of a small numba kernel over
the flat arrays (:func:`supplemental_fine`); the loop that names a problem in
words runs only when there is one, so a market built many times (the
advisor's simulated Matches) pays microseconds, not milliseconds.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from matchsim.constants import NRMP_MAX_RANKS
from matchsim._arrays import readonly as _readonly
from matchsim.extensions import ADVANCED, EVEN_ODD, PGY1_TRACKS, TRACKS, reversion_cycle

__all__ = ["check_extensions", "supplemental_fine", "rows_fine"]


@njit(cache=True)
def _rows_fine_kernel(ptr, ids):
    """The loop of :func:`rows_fine` (``ptr`` int64, ``ids`` int32)."""
    for i in range(ptr.size - 1):
        lo, hi = ptr[i], ptr[i + 1]
        if hi == lo:
            return False
        for e in range(lo, hi):
            if ids[e] < 0:
                return False
        if hi - lo <= 16:  # short rows (the usual case): compare every pair
            for e in range(lo, hi):
                for f in range(e + 1, hi):
                    if ids[e] == ids[f]:
                        return False
        else:
            row = np.sort(ids[lo:hi])
            for e in range(1, row.size):
                if row[e] == row[e - 1]:
                    return False
    return True


def rows_fine(ptr, ids) -> bool:
    """True when every CSR row is non-empty, holds no negative id and no id twice.

    The whole-array check of :class:`matchsim.extensions.SupplementalLists`
    (its loop that names a problem runs only when this is False).

    Parameters
    ----------
    ptr : ndarray of int64, shape (n_rows + 1,)
        Checked CSR offsets.
    ids : ndarray of int32

    Examples
    --------
    >>> import numpy as np
    >>> rows_fine(np.array([0, 2, 3]), np.array([4, 5, 4], dtype=np.int32))
    True
    >>> rows_fine(np.array([0, 2, 2]), np.array([4, 5], dtype=np.int32))
    False
    """
    return bool(_rows_fine_kernel(_readonly(np.ascontiguousarray(ptr, dtype=np.int64)),
                                  _readonly(np.ascontiguousarray(ids, dtype=np.int32))))


@njit(cache=True)
def _supplemental_kernel(owner, ptr, programs, link_ptr, links, is_pgy1, tracks, a_ptr, a_list, couple_of,
                         side_of, cp_ptr, cp_programs, max_ranks, mark):
    """True when no supplemental list breaks a rule (``mark``: int32 workspace of -1, one per program).

    Lists are grouped by owner, so ``mark[p] == a`` means that applicant
    ``a`` has linked ``p`` already.
    """
    for i in range(owner.size):
        if ptr[i + 1] - ptr[i] > max_ranks:
            return False
        for e in range(ptr[i], ptr[i + 1]):
            if not is_pgy1[tracks[programs[e]]]:
                return False
        a = owner[i]
        c = couple_of[a]
        for e in range(link_ptr[i], link_ptr[i + 1]):
            p = links[e]
            if tracks[p] != ADVANCED or mark[p] == a:
                return False
            mark[p] = a
            found = False
            if c < 0:
                for f in range(a_ptr[a], a_ptr[a + 1]):
                    if a_list[f] == p:
                        found = True
                        break
            else:
                s = side_of[a]
                for f in range(cp_ptr[c], cp_ptr[c + 1]):
                    if cp_programs[f, s] == p:
                        found = True
                        break
            if not found:
                return False
    return True


_NO_PTR = _readonly(np.zeros(1, dtype=np.int64))
_NO_PAIRS = _readonly(np.zeros((0, 2), dtype=np.int32))


_IS_PGY1 = np.zeros(len(TRACKS), dtype=np.bool_)
_IS_PGY1[list(PGY1_TRACKS)] = True
_IS_PGY1 = _readonly(_IS_PGY1)
_NO_COUPLES = {}  # n_applicants -> (couple_of, side_of) of a market without couples, read-only


def _ro(arr, dtype):
    """``arr`` as a read-only C-contiguous array of ``dtype`` (no copy when it already is one)."""
    if arr.dtype != dtype or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr, dtype=dtype)
    return _readonly(arr)


def supplemental_fine(market, sp, tracks, cp) -> bool:
    """True when the supplemental lists break no rule of :func:`check_extensions`.

    The same rules as its loop, which runs only when this finds a problem (to
    name the first one): at most ``NRMP_MAX_RANKS`` ranks; PGY-1 programs
    only; links to advanced programs on the owner's primary list (a couple's
    member: that side of the joint list); an advanced program linked to one
    list of an applicant.
    """
    n_a = market.n_applicants
    cp_ptr, cp_programs = _NO_PTR, _NO_PAIRS
    if cp is not None and cp.n_couples:
        couple_of = _readonly(np.ascontiguousarray(cp.couple_of(n_a), dtype=np.int32))
        side_of = np.zeros(n_a, dtype=np.int8)
        side_of[cp.members[:, 1]] = 1
        side_of = _readonly(side_of)
        cp_ptr, cp_programs = _ro(cp.ptr, np.int64), _ro(cp.programs, np.int32)
    else:  # the same two constant arrays for every market of this size (built once)
        if n_a not in _NO_COUPLES:
            if len(_NO_COUPLES) > 16:
                _NO_COUPLES.clear()
            _NO_COUPLES[n_a] = (_readonly(np.full(n_a, -1, dtype=np.int32)), _readonly(np.zeros(n_a, dtype=np.int8)))
        couple_of, side_of = _NO_COUPLES[n_a]
    # one compiled signature: every array read-only (numba types read-only and writable arrays apart),
    # except the workspace
    return bool(_supplemental_kernel(
        _ro(sp.owner, np.int32), _ro(sp.ptr, np.int64), _ro(sp.programs, np.int32), _ro(sp.link_ptr, np.int64),
        _ro(sp.links, np.int32), _IS_PGY1, _ro(tracks, np.int8), _ro(market.applicant_ptr, np.int64),
        _ro(market.applicant_list, np.int32), couple_of, side_of, cp_ptr, cp_programs, NRMP_MAX_RANKS,
        np.full(market.n_programs, -1, dtype=np.int32)))


def check_extensions(market) -> None:
    """The checks of :func:`matchsim.extensions.validate_extensions` (see there)."""
    n_a, n_p = market.n_applicants, market.n_programs
    an, pn = market.applicant_label, market.program_label
    for name, arr, parse, names in (("tracks", market.tracks, TRACKS, TRACKS),
                                    ("even_odd", market.even_odd, EVEN_ODD, EVEN_ODD)):
        if arr is None:
            continue
        if arr.shape != (n_p,):
            raise ValueError(f"{name} must have one entry per program ({n_p}), got shape {arr.shape}")
        bad = (arr < 0) | (arr >= len(names))
        if bad.any():
            p = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} of program {pn(p)!r} is code {arr[p]}, not one of 0..{len(names) - 1} "
                             f"({', '.join(names)})")
    lengths = market.applicant_list_lengths
    if lengths.size and lengths.max() > NRMP_MAX_RANKS:
        a = int(np.argmax(lengths))
        raise ValueError(f"applicant {an(a)!r} ranks {lengths[a]} programs; the NRMP allows at most "
                         f"{NRMP_MAX_RANKS} ranks on a list")
    tracks = market.tracks if market.tracks is not None else np.zeros(n_p, dtype=np.int8)

    cp = market.couples
    if cp is not None:
        if cp.members.size and cp.members.max() >= n_a:
            raise ValueError(f"couple member id {int(cp.members.max())} is outside 0..{n_a - 1}")
        if cp.programs.size and cp.programs.max() >= n_p:
            raise ValueError(f"couple program id {int(cp.programs.max())} is outside 0..{n_p - 1}")
        for c in range(cp.n_couples if lengths[cp.members].any() else 0):  # name the first such member
            for a in cp.members[c].tolist():
                if lengths[a]:
                    raise ValueError(f"applicant {an(a)!r} is in couple {cp.label(c)!r} and also has a single "
                                     f"list ({lengths[a]} ranks); a couple's members rank only through "
                                     "their joint list")
        cl = cp.list_lengths
        if cl.size and cl.max() > NRMP_MAX_RANKS:
            c = int(np.argmax(cl))
            raise ValueError(f"couple {cp.label(c)!r} ranks {cl[c]} pairs; the NRMP allows at most "
                             f"{NRMP_MAX_RANKS} ranks on a list")

    sp = market.supplemental
    if sp is not None and sp.n_lists and market.tracks is None:
        raise ValueError("the market has supplemental lists but no program tracks; say which programs are "
                         "advanced and which are preliminary or transitional (tracks=)")
    if sp is not None:
        if sp.n_lists and sp.owner.max() >= n_a:
            raise ValueError(f"supplemental list owner {int(sp.owner.max())} is outside 0..{n_a - 1}")
        for arr in (sp.programs, sp.links):
            if arr.size and arr.max() >= n_p:
                raise ValueError(f"supplemental program id {int(arr.max())} is outside 0..{n_p - 1}")
        couple_of = cp.couple_of(n_a) if cp is not None else None
        seen = {}  # (applicant, advanced program) -> list
        fine = supplemental_fine(market, sp, tracks, cp)
        for i in range(0 if fine else sp.n_lists):  # only to find and name the first problem
            a = int(sp.owner[i])
            who = f"supplemental list {sp.label(i)!r} of {an(a)!r}"
            progs = sp.programs_of(i)
            if progs.size > NRMP_MAX_RANKS:
                raise ValueError(f"{who} ranks {progs.size} programs; the NRMP allows at most "
                                 f"{NRMP_MAX_RANKS} ranks on a list")
            for rank, s in enumerate(progs.tolist(), start=1):
                if tracks[s] not in PGY1_TRACKS:
                    raise ValueError(f"{who} ranks {pn(s)!r} ({TRACKS[tracks[s]]}) at rank {rank}; a "
                                     "supplemental list ranks only PGY-1 (preliminary or transitional) programs")
            if couple_of is not None and couple_of[a] >= 0:
                c = int(couple_of[a])
                side = 0 if cp.members[c, 0] == a else 1
                primary = set(cp.joint_list(c)[:, side].tolist())
                where = f"{an(a)}'s side of couple {cp.label(c)!r}'s joint list"
            else:
                primary = set(market.applicant_prefs(a).tolist())
                where = f"{an(a)}'s primary list"
            for p in sp.links_of(i).tolist():
                if tracks[p] != ADVANCED:
                    raise ValueError(f"{who} is linked to {pn(p)!r}, which is {TRACKS[tracks[p]]}, not advanced; "
                                     "link supplemental lists to advanced (PGY-2) programs only")
                if p not in primary:
                    raise ValueError(f"{who} is linked to {pn(p)!r}, which is not on {where}")
                if (a, p) in seen:
                    raise ValueError(f"advanced program {pn(p)!r} is linked to two supplemental lists of "
                                     f"{an(a)!r} ({sp.label(seen[(a, p)])!r} and {sp.label(i)!r}); link each "
                                     "advanced program to one list")
                seen[(a, p)] = i

    rv = market.reversions
    if rv is not None:
        for arr in (rv.donor, rv.receiver):
            if arr.size and arr.max() >= n_p:
                raise ValueError(f"reversion program id {int(arr.max())} is outside 0..{n_p - 1}")
        cycle = reversion_cycle(rv)
        if cycle is not None:
            raise ValueError("reversions are circular: " + " -> ".join(repr(pn(p)) for p in cycle)
                             + "; a position cannot revert back to a program it came from")
        total = np.bincount(rv.donor, weights=rv.positions, minlength=n_p).astype(np.int64)
        over = total > market.capacity
        if over.any():
            p = int(np.flatnonzero(over)[0])
            raise ValueError(f"program {pn(p)!r} reverts {total[p]} positions in all but offers only "
                             f"{market.capacity[p]}; a program can revert at most its own quota")
