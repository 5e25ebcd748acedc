"""Stability with couples, supplemental PGY-1 lists, reversions and even/odd requests.

Definitions
-----------
An *outcome* gives each applicant a primary program (from their primary list,
or for a couple's member from the couple's joint list) or none, and, to an
applicant whose primary program is an advanced program linked to one of their
supplemental lists, a PGY-1 program from that list or none. A program's
*seats* are held by the applicants matched to it by either route.

Preferences. A single applicant ranks outcomes *lexicographically*: the
primary program first (by the primary list); for the same primary program,
the PGY-1 program by the linked supplemental list, "advanced with no PGY-1"
below every program on it. A couple ranks outcomes by the position of the
partners' pair of primary programs on the joint list; the partners'
supplemental lists are individual. Programs rank individuals (responsive
preferences, Roth 1985): a program prefers a set of applicants by comparing
them one by one on its list, and an applicant it did not rank is unacceptable.

Quotas. Reversions are read from the outcome itself: the donors are taken in
an order in which each comes after the programs that revert to it (no
circular reversions exist); a donor's *quota before reversion* is its
capacity, less any positions it withdrew for an even/odd request
(``parity_drop``), plus the positions reverted to it; its *vacancies* are
that quota less its filled seats; ``min(positions, vacancies left)`` revert
along each of its rows, in the order given, and its *final quota* is the quota
before reversion less what it reverted. A program that is no donor has final
quota = quota before reversion.

An outcome is *stable* (Roth 1984; Kojima, Pathak & Roth 2013, section II,
extended as below) when:

1. it is *feasible*: no program fills more seats than its final quota;
2. it is *individually rational*: every matched applicant ranked the program
   and was ranked by it; a couple holds a pair on its joint list (or nothing);
   a PGY-1 program is held only with a linked advanced program, from the
   linked list;
3. no *single applicant* ``a`` and program ``p`` block it: ``a`` ranks ``p``
   above their primary program (or is unmatched and ranks ``p``), ``p`` ranks
   ``a``, and fewer than ``quota`` of ``p``'s seats are held by applicants it
   ranks above ``a``, where ``quota`` is ``p``'s quota *before* reversion: a
   donor's reverted positions are still its own to fill, since a position
   reverts only when the donor cannot fill it ("the donor is filled first");
4. no applicant holding a linked advanced program blocks with a *PGY-1
   program* ``s`` above their PGY-1 program (or any ``s`` when they have none)
   on the linked list, by the same rule at ``s``;
5. no *couple* blocks with a pair ``(x, y)`` above its current pair (or any
   pair, when unmatched). Each program of the pair must accept the partners
   who would be there after the move, by the *responsive choice rule*: with
   ``In`` the couple's members who would hold a primary seat at ``x``, and
   ``Others`` the seats of ``x`` except those of the couple's members that the
   move releases or that ``In`` holds, every member of ``In`` must be
   acceptable to ``x`` and among the ``quota`` best of ``Others`` plus ``In``.
   Consequently a partner who keeps its program, or goes to "No Match", needs
   no one's consent; a seat one partner leaves can be taken by the other; and
   both partners can move to one program only if it would keep both.
   A member releases its PGY-1 seat when its primary program changes.
6. every program with an even (odd) request fills an even (odd) number of
   seats; an odd program that fills none is accepted, since nothing can make
   it odd; ``parity_drop`` is positive only at programs with a request.

Without extensions this is the textbook definition of
:mod:`matchsim.engine.stability`, and the checker returns the same blocking
pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from matchsim.engine.nrmp_tables import NRMPTables, nrmp_tables, readonly_as
from matchsim.market import UNMATCHED, Market

__all__ = ["NRMPBlocking", "nrmp_blocking", "is_nrmp_stable"]

_UNRANKED = 2147483647

# problem codes returned by the kernel (code, first id, second id)
_P_NOT_ON_LIST = 1       # applicant, program: matched to a program not on the applicant's list
_P_NOT_RANKED = 2        # applicant, program: the program did not rank the applicant
_P_COUPLE_PAIR = 3       # couple, -: the partners' programs are not a pair on the joint list
_P_PGY1_NO_LINK = 4      # applicant, program: a PGY-1 program without a linked advanced program
_P_PGY1_NOT_LISTED = 5   # applicant, program: PGY-1 program not on the linked list
_P_PGY1_NOT_RANKED = 6   # applicant, program: the PGY-1 program did not rank the applicant
_P_OVER_QUOTA = 7        # program, filled
_P_PARITY = 8            # program, filled
_P_DROP = 9              # program, drop: a parity drop at a program without an even/odd request
_P_DROP_SIZE = 10        # program, drop: a parity drop larger than the program's quota


@njit(cache=True)
def _count_below(sr_ptr, sr, p, r):
    """Number of seats of program ``p`` held by applicants it ranks above rank ``r``."""
    lo = sr_ptr[p]
    hi = sr_ptr[p + 1]
    while lo < hi:  # first seat rank >= r
        mid = (lo + hi) >> 1
        if sr[mid] < r:
            lo = mid + 1
        else:
            hi = mid
    return lo - sr_ptr[p]


@njit(cache=True)
def _check_kernel(a_ptr, a_idx, rank_at, link_at, couple_of, cm, cp_ptr, cp_prog, cp_rank, cp_link,
                  sup_ptr, sup_prog, sup_rank, capacity, parity_drop, even_odd,
                  topo_donors, don_ptr, rv_recv, rv_pos, primary, pgy1):
    """Blocking instances and problems of an outcome (see the module docstring).

    Shapes: ``primary``, ``pgy1``: (n_applicants,) program ids or -1. Returns
    ``(problems (k, 3), blocking singles (k, 2), blocking PGY-1 (k, 2),
    blocking couples (k, 2), final quota, quota before reversion, reverted per
    topologically ordered row, filled)``.

    Steps: (1) each applicant's primary entry and seat rank (a couple's pair
    index); (2) PGY-1 entries and seat ranks; (3) filled seats and each
    program's seat ranks, sorted (CSR); (4) quotas from the reversions;
    (5) feasibility and parity; (6) blocking singles, PGY-1 pairs and
    couples, each test a binary search in a program's sorted seat ranks.
    O(list entries + seats log seats).
    """
    n_a = a_ptr.size - 1
    n_p = capacity.size
    n_c = cm.shape[0]
    probs = np.empty((16, 3), dtype=np.int64)
    n_prob = 0

    # (1) primary entries
    entry = np.full(n_a, -1, dtype=np.int64)      # single: entry index; couple member: pair index
    seat_rank = np.full(n_a, _UNRANKED, dtype=np.int64)
    plink = np.full(n_a, -1, dtype=np.int64)      # list linked to the primary program
    cpair = np.full(n_c, -1, dtype=np.int64)      # pair index held, or n_pairs(c) when unmatched
    for a in range(n_a):
        if couple_of[a] >= 0:
            continue
        m = primary[a]
        if m < 0:
            continue
        for e in range(a_ptr[a], a_ptr[a + 1]):
            if a_idx[e] == m:
                entry[a] = e
                break
        if entry[a] < 0:
            if n_prob == probs.shape[0]:
                probs = np.concatenate((probs, np.empty_like(probs)))
            probs[n_prob, 0] = _P_NOT_ON_LIST
            probs[n_prob, 1] = a
            probs[n_prob, 2] = m
            n_prob += 1
            continue
        seat_rank[a] = rank_at[entry[a]]
        plink[a] = link_at[entry[a]]
    for c in range(n_c):
        m1 = cm[c, 0]
        m2 = cm[c, 1]
        x = primary[m1]
        y = primary[m2]
        n_pairs = cp_ptr[c + 1] - cp_ptr[c]
        if x < 0 and y < 0:
            cpair[c] = n_pairs
            continue
        for k in range(cp_ptr[c], cp_ptr[c + 1]):
            if cp_prog[k, 0] == x and cp_prog[k, 1] == y:
                cpair[c] = k - cp_ptr[c]
                break
        if cpair[c] < 0:
            if n_prob == probs.shape[0]:
                probs = np.concatenate((probs, np.empty_like(probs)))
            probs[n_prob, 0] = _P_COUPLE_PAIR
            probs[n_prob, 1] = c
            probs[n_prob, 2] = -1
            n_prob += 1
            cpair[c] = n_pairs  # judge blocking as if unmatched
            continue
        k = cp_ptr[c] + cpair[c]
        for s in range(2):
            a = cm[c, s]
            if primary[a] >= 0:
                entry[a] = k
                seat_rank[a] = cp_rank[k, s]
                plink[a] = cp_link[k, s]
    for a in range(n_a):
        if primary[a] >= 0 and entry[a] >= 0 and seat_rank[a] == _UNRANKED:
            if n_prob == probs.shape[0]:
                probs = np.concatenate((probs, np.empty_like(probs)))
            probs[n_prob, 0] = _P_NOT_RANKED
            probs[n_prob, 1] = a
            probs[n_prob, 2] = primary[a]
            n_prob += 1

    # (2) PGY-1 entries
    pg_entry = np.full(n_a, -1, dtype=np.int64)
    pg_rank = np.full(n_a, _UNRANKED, dtype=np.int64)
    for a in range(n_a):
        s = pgy1[a]
        if s < 0:
            continue
        L = plink[a]
        code = 0
        if L < 0:
            code = _P_PGY1_NO_LINK
        else:
            for f in range(sup_ptr[L], sup_ptr[L + 1]):
                if sup_prog[f] == s:
                    pg_entry[a] = f
                    break
            if pg_entry[a] < 0:
                code = _P_PGY1_NOT_LISTED
            else:
                pg_rank[a] = sup_rank[pg_entry[a]]
                if pg_rank[a] == _UNRANKED:
                    code = _P_PGY1_NOT_RANKED
        if code:
            if n_prob == probs.shape[0]:
                probs = np.concatenate((probs, np.empty_like(probs)))
            probs[n_prob, 0] = code
            probs[n_prob, 1] = a
            probs[n_prob, 2] = s
            n_prob += 1

    # (3) seats per program, ranks sorted
    filled = np.zeros(n_p, dtype=np.int64)
    for a in range(n_a):
        if primary[a] >= 0:
            filled[primary[a]] += 1
        if pgy1[a] >= 0:
            filled[pgy1[a]] += 1
    sr_ptr = np.zeros(n_p + 1, dtype=np.int64)
    for p in range(n_p):
        sr_ptr[p + 1] = sr_ptr[p] + filled[p]
    fill = sr_ptr[:-1].copy()
    sr = np.empty(sr_ptr[n_p], dtype=np.int64)
    for a in range(n_a):
        if primary[a] >= 0:
            p = primary[a]
            sr[fill[p]] = seat_rank[a]
            fill[p] += 1
        if pgy1[a] >= 0:
            p = pgy1[a]
            sr[fill[p]] = pg_rank[a]
            fill[p] += 1
    for p in range(n_p):
        sr[sr_ptr[p]:sr_ptr[p + 1]] = np.sort(sr[sr_ptr[p]:sr_ptr[p + 1]])

    # (4) quotas
    qpre = capacity.astype(np.int64) - parity_drop
    out = np.zeros(n_p, dtype=np.int64)
    reverted = np.zeros(rv_recv.size, dtype=np.int64)
    for i in range(topo_donors.size):
        d = topo_donors[i]
        left = qpre[d] - filled[d]
        for j in range(don_ptr[d, 0], don_ptr[d, 1]):
            if left <= 0:
                break
            give = min(left, rv_pos[j])
            reverted[j] = give
            out[d] += give
            qpre[rv_recv[j]] += give
            left -= give
    quota = qpre - out

    # (5) feasibility and parity
    for p in range(n_p):
        if filled[p] > quota[p]:
            if n_prob == probs.shape[0]:
                probs = np.concatenate((probs, np.empty_like(probs)))
            probs[n_prob, 0] = _P_OVER_QUOTA
            probs[n_prob, 1] = p
            probs[n_prob, 2] = filled[p]
            n_prob += 1
        code = 0
        if parity_drop[p] != 0 and even_odd[p] == 0:
            code = _P_DROP
        elif parity_drop[p] < 0 or qpre[p] < 0:
            code = _P_DROP_SIZE
        if code:
            if n_prob == probs.shape[0]:
                probs = np.concatenate((probs, np.empty_like(probs)))
            probs[n_prob, 0] = code
            probs[n_prob, 1] = p
            probs[n_prob, 2] = parity_drop[p]
            n_prob += 1
        if (even_odd[p] == 1 and filled[p] % 2 == 1) or (even_odd[p] == 2 and filled[p] % 2 == 0
                                                         and filled[p] > 0):
            if n_prob == probs.shape[0]:
                probs = np.concatenate((probs, np.empty_like(probs)))
            probs[n_prob, 0] = _P_PARITY
            probs[n_prob, 1] = p
            probs[n_prob, 2] = filled[p]
            n_prob += 1

    # (6) blocking
    bs = np.empty((16, 2), dtype=np.int64)
    n_bs = 0
    for a in range(n_a):
        if couple_of[a] >= 0:
            continue
        stop = entry[a] if entry[a] >= 0 else a_ptr[a + 1]
        for e in range(a_ptr[a], stop):
            r = rank_at[e]
            if r == _UNRANKED:
                continue
            p = a_idx[e]
            # a's own PGY-1 seat at p (if any) has rank r and is not counted
            if _count_below(sr_ptr, sr, p, r) < qpre[p]:
                if n_bs == bs.shape[0]:
                    bs = np.concatenate((bs, np.empty_like(bs)))
                bs[n_bs, 0] = a
                bs[n_bs, 1] = p
                n_bs += 1
    bg = np.empty((16, 2), dtype=np.int64)
    n_bg = 0
    for a in range(n_a):
        L = plink[a]
        if L < 0 or primary[a] < 0:
            continue
        stop = pg_entry[a] if pg_entry[a] >= 0 else sup_ptr[L + 1]
        for f in range(sup_ptr[L], stop):
            r = sup_rank[f]
            if r == _UNRANKED:
                continue
            s = sup_prog[f]
            if _count_below(sr_ptr, sr, s, r) < qpre[s]:
                if n_bg == bg.shape[0]:
                    bg = np.concatenate((bg, np.empty_like(bg)))
                bg[n_bg, 0] = a
                bg[n_bg, 1] = s
                n_bg += 1
    bc = np.empty((16, 2), dtype=np.int64)
    n_bc = 0
    for c in range(n_c):
        m = cm[c]
        for k in range(cp_ptr[c], cp_ptr[c] + cpair[c]):
            ok = True
            x = cp_prog[k, 0]
            y = cp_prog[k, 1]
            for s in range(2):
                prog = cp_prog[k, s]
                if prog >= 0 and cp_rank[k, s] == _UNRANKED:
                    ok = False
            if not ok:
                continue
            for s in range(2):
                prog = cp_prog[k, s]
                if prog < 0:
                    continue
                if s == 1 and prog == x:
                    continue  # both partners to one program: judged once, at s == 0
                both = prog == cp_prog[k, 1 - s]
                if not both and primary[m[s]] == prog:
                    continue  # keeps its program: needs no consent
                r = cp_rank[k, s]
                if both:
                    r = max(cp_rank[k, 0], cp_rank[k, 1])
                cnt = _count_below(sr_ptr, sr, prog, r)
                # seats at prog that the couple's members hold and release or take into In
                for t in range(2):
                    b = m[t]
                    new_b = cp_prog[k, t]
                    if primary[b] == prog and seat_rank[b] < r:
                        cnt -= 1  # a primary seat: released, or held by a member of In
                    if pgy1[b] == prog and new_b != primary[b] and pg_rank[b] < r:
                        cnt -= 1  # a PGY-1 seat released with the primary program
                need = 2 if both else 1
                if cnt + need - 1 >= qpre[prog]:
                    ok = False
                    break
            if ok:
                if n_bc == bc.shape[0]:
                    bc = np.concatenate((bc, np.empty_like(bc)))
                bc[n_bc, 0] = c
                bc[n_bc, 1] = k - cp_ptr[c]
                n_bc += 1
    return (probs[:n_prob], bs[:n_bs], bg[:n_bg], bc[:n_bc], quota, qpre, reverted, filled)


@dataclass(frozen=True, eq=False)
class NRMPBlocking:
    """What makes an outcome unstable, by the definitions of :mod:`matchsim.engine.nrmp_stability`.

    Attributes
    ----------
    pairs : ndarray of int64, shape (k, 2)
        Blocking ``(applicant, program)`` pairs of single applicants (primary
        lists), by applicant and then by preference.
    pgy1_pairs : ndarray of int64, shape (k, 2)
        Blocking ``(applicant, PGY-1 program)`` pairs.
    couples : ndarray of int64, shape (k, 2)
        Blocking ``(couple, pair index)``: the 0-based position on the
        couple's joint list of a pair that blocks.
    problems : tuple of str
        Violations of feasibility, individual rationality and even/odd
        requests, one sentence each, with names.
    quota : ndarray of int64, shape (n_programs,)
        Final quota of each program (after reversions and even/odd drops).
    quota_before_reversion : ndarray of int64, shape (n_programs,)
        Each program's quota before its own positions revert (the quota a
        blocking pair is judged against).
    reverted : ndarray of int64, shape (n_reversions,)
        Positions moved along each row of ``market.reversions`` (in its order).
    filled : ndarray of int64, shape (n_programs,)
        Seats held at each program (primary and PGY-1).
    """

    pairs: np.ndarray
    pgy1_pairs: np.ndarray
    couples: np.ndarray
    problems: tuple[str, ...]
    quota: np.ndarray
    quota_before_reversion: np.ndarray
    reverted: np.ndarray
    filled: np.ndarray

    @property
    def stable(self) -> bool:
        """True when nothing blocks and there is no problem."""
        return not self.problems and not self.pairs.size and not self.pgy1_pairs.size and not self.couples.size

    @property
    def n_blocking(self) -> int:
        """Number of blocking instances (pairs, PGY-1 pairs and couples' pairs)."""
        return int(self.pairs.shape[0] + self.pgy1_pairs.shape[0] + self.couples.shape[0])

    def describe(self, market: Market, limit: int = 10) -> list[str]:
        """Plain sentences, with names, for the first ``limit`` instances of each kind."""
        an, pn = market.applicant_label, market.program_label
        lines = list(self.problems[:limit])
        for a, p in self.pairs[:limit].tolist():
            lines.append(f"{an(a)} and {pn(p)} would both rather be matched to each other")
        for a, s in self.pgy1_pairs[:limit].tolist():
            lines.append(f"{an(a)} and the PGY-1 program {pn(s)} would both rather be matched to each other")
        cp = market.couples
        for c, k in self.couples[:limit].tolist():
            x, y = cp.joint_list(c)[k].tolist()
            pair = ", ".join("No Match" if v < 0 else pn(v) for v in (x, y))
            lines.append(f"couple {cp.label(c)} and the programs of their rank {k + 1} ({pair}) would all "
                         "rather be matched together")
        return lines


def _problem_text(market: Market, code, i, j) -> str:
    an, pn = market.applicant_label, market.program_label
    if code == _P_NOT_ON_LIST:
        return f"{an(i)} is matched to {pn(j)}, which is not on their list"
    if code == _P_NOT_RANKED:
        return f"{an(i)} is matched to {pn(j)}, which did not rank them"
    if code == _P_COUPLE_PAIR:
        return f"couple {market.couples.label(i)} holds programs that are not a pair on their joint list"
    if code == _P_PGY1_NO_LINK:
        return f"{an(i)} holds the PGY-1 program {pn(j)} without an advanced program linked to a supplemental list"
    if code == _P_PGY1_NOT_LISTED:
        return f"{an(i)} holds the PGY-1 program {pn(j)}, which is not on the list linked to their advanced program"
    if code == _P_PGY1_NOT_RANKED:
        return f"{an(i)} holds the PGY-1 program {pn(j)}, which did not rank them"
    if code == _P_OVER_QUOTA:
        return f"{pn(i)} holds {j} applicants, more than its quota"
    if code == _P_PARITY:
        return f"{pn(i)} asked for an {('even', 'odd')[int(market.even_odd[i]) - 1]} number of matches and has {j}"
    if code == _P_DROP:
        return f"{pn(i)} withdrew {j} positions for an even/odd request it did not make"
    return f"{pn(i)} withdrew {j} positions for its even/odd request, more than it had"


def _as_assignment(market: Market, values, what) -> np.ndarray:
    if values is None:
        return np.full(market.n_applicants, UNMATCHED, dtype=np.int32)
    arr = np.ascontiguousarray(values, dtype=np.int32)
    if arr.shape != (market.n_applicants,):
        raise ValueError(f"{what} must have one entry per applicant ({market.n_applicants}), got shape {arr.shape}")
    bad = (arr < UNMATCHED) | (arr >= market.n_programs)
    if bad.any():
        a = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{what}[{a}] = {arr[a]} is neither a program id nor UNMATCHED (-1)")
    return arr


def _run_check(market: Market, primary, pgy1, parity_drop, tables: NRMPTables | None = None):
    t = nrmp_tables(market) if tables is None else tables
    primary = _as_assignment(market, primary, "assignment")
    pgy1 = _as_assignment(market, pgy1, "pgy1")
    if parity_drop is None:
        drop = np.zeros(market.n_programs, dtype=np.int64)
    else:
        drop = np.ascontiguousarray(parity_drop, dtype=np.int64)
        if drop.shape != (market.n_programs,):
            raise ValueError(f"parity_drop must have one entry per program ({market.n_programs})")
    args = (market.applicant_ptr, market.applicant_list, t.rank_at, t.link_at, t.couple_of, t.cm, t.cp_ptr,
            t.cp_prog, t.cp_rank, t.cp_link, t.sup_ptr, t.sup_prog, t.sup_rank, market.capacity, drop,
            t.even_odd, t.topo_donors, t.don_ptr, t.rv_recv, t.rv_pos, primary, pgy1)
    # one compiled signature for every market: fixed dtypes, all read-only
    return _check_kernel(*(readonly_as(a, d) for a, d in zip(args, _CHECK_DTYPES))), t


_CHECK_DTYPES = (np.int64, np.int32, np.int32, np.int32, np.int32, np.int32, np.int64, np.int32, np.int32,
                 np.int32, np.int64, np.int32, np.int32, np.int32, np.int64, np.int8, np.int32, np.int64,
                 np.int32, np.int32, np.int32, np.int32)


def nrmp_blocking(market: Market, assignment, pgy1=None, *, parity_drop=None,
                  tables: NRMPTables | None = None) -> NRMPBlocking:
    """Everything that makes an outcome unstable, with couples and the NRMP's other rules.

    Parameters
    ----------
    market : Market
        A plain market or one with extensions.
    assignment : array_like of int, shape (n_applicants,)
        Each applicant's primary program, or ``UNMATCHED``.
    pgy1 : array_like of int, shape (n_applicants,), optional
        Each applicant's PGY-1 program from a supplemental list, or
        ``UNMATCHED`` (default: none).
    parity_drop : array_like of int, shape (n_programs,), optional
        Positions each program withdrew to honour its even/odd request (the
        ``parity_drop`` of an :class:`~matchsim.engine.nrmp.NRMPResult`).
    tables : NRMPTables, optional
        Look-up tables already built for this market (saves their cost).

    Returns
    -------
    NRMPBlocking
        Blocking pairs, PGY-1 pairs and couples, problems, and the quotas
        the check used; ``.stable`` says whether there is none of them.

    Examples
    --------
    A couple, Ann and Bo, who want City and Mercy together; City's one
    position is held by Cy, whom City ranks below Ann:

    >>> m = Market.from_lists({"Cy": ["City"]}, {"City": ["Ann", "Cy"], "Mercy": ["Bo"]},
    ...                       {"City": 1, "Mercy": 1}, couples={("Ann", "Bo"): [("City", "Mercy")]})
    >>> cy, ann, bo = (m.applicant_id(n) for n in ("Cy", "Ann", "Bo"))
    >>> b = nrmp_blocking(m, [0, -1, -1])
    >>> b.stable, b.couples.tolist(), b.describe(m)
    (False, [[0, 0]], ['couple Ann & Bo and the programs of their rank 1 (City, Mercy) would all rather be matched together'])
    >>> nrmp_blocking(m, [-1, 0, 1]).stable
    True
    """
    (probs, bs, bg, bc, quota, qpre, reverted_topo, filled), t = _run_check(market, assignment, pgy1,
                                                                              parity_drop, tables)
    reverted = np.zeros(reverted_topo.size, dtype=np.int64)
    reverted[t.rv_row] = reverted_topo
    problems = tuple(_problem_text(market, *row) for row in probs.tolist())
    return NRMPBlocking(bs, bg, bc, problems, quota, qpre, reverted, filled)


def is_nrmp_stable(market: Market, assignment, pgy1=None, *, parity_drop=None) -> bool:
    """True when the outcome is stable with couples, supplemental lists, reversions and even/odd requests.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> from matchsim.engine import deferred_acceptance
    >>> m = nrmp_example()
    >>> is_nrmp_stable(m, deferred_acceptance(m).assignment)
    True
    """
    return nrmp_blocking(market, assignment, pgy1, parity_drop=parity_drop).stable
