"""Flat look-up tables for the NRMP kernels (the algorithm and the stability checker).

Both :mod:`matchsim.engine.nrmp` and :mod:`matchsim.engine.nrmp_stability`
judge a proposal or a blocking pair with one array read. Before their kernels
run, :func:`nrmp_tables` turns a market's lists and extensions into aligned
arrays:

* ``rank_at[e]``: for each entry ``e`` of the applicants' primary lists, the
  program's 0-based rank of the applicant (``UNRANKED`` when the program did
  not rank them), as in :mod:`matchsim.engine.da`;
* ``link_at[e]``: the supplemental list linked to that entry's program for
  that applicant, or -1;
* ``p_back[f]``: for each entry ``f`` of the programs' lists, the index of the
  same program on the applicant's primary list (into ``applicant_list``), or -1;
* for couples, ``cp_prog`` (pairs, ``NO_MATCH`` = -1), ``cp_rank`` (each
  program's rank of the partner sent there) and ``cp_link`` (the partner's
  supplemental list linked to that program), all of shape ``(n_pairs, 2)``;
* for supplemental lists, ``sup_ptr``/``sup_prog`` and ``sup_rank`` (each PGY-1
  program's rank of the list's owner);
* for reversions, the donors in an order in which every donor comes after the
  programs that revert to it (``topo_donors``), and each donor's rows in the
  given order (``don_ptr`` into ``rv_recv``/``rv_pos``).

Everything is built in O(list entries) (plus a sort of the couples' entries),
without a Python loop over applicants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from matchsim.engine.da import UNRANKED, rank_table
from matchsim.extensions import NO_MATCH, reversion_order
from matchsim.market import Market

__all__ = ["NRMPTables", "nrmp_tables", "readonly_as"]


@dataclass(frozen=True, eq=False)
class NRMPTables:
    """Arrays the NRMP kernels read (see the module docstring); built by :func:`nrmp_tables`."""

    rank_at: np.ndarray
    link_at: np.ndarray
    p_back: np.ndarray
    couple_of: np.ndarray
    side: np.ndarray
    cm: np.ndarray
    cp_ptr: np.ndarray
    cp_prog: np.ndarray
    cp_rank: np.ndarray
    cp_link: np.ndarray
    sup_ptr: np.ndarray
    sup_prog: np.ndarray
    sup_rank: np.ndarray
    pgy1_program: np.ndarray
    even_odd: np.ndarray
    topo_donors: np.ndarray
    don_ptr: np.ndarray
    rv_recv: np.ndarray
    rv_pos: np.ndarray
    rv_row: np.ndarray
    max_quota: np.ndarray


def _ranks_of_entries(app, prog, market: Market) -> np.ndarray:
    """Each program's 0-based rank of each applicant, for arbitrary ``(app[i], prog[i])`` entries.

    ``prog[i] == NO_MATCH`` (or a program that did not rank ``app[i]``) gives
    ``UNRANKED``. The entries are grouped by applicant (a stable sort of the
    queries only) and looked up with :func:`~matchsim.engine.da.rank_table`,
    one pass over the programs' lists.
    """
    app = np.asarray(app, dtype=np.int64)
    prog = np.asarray(prog, dtype=np.int64)
    out = np.full(app.size, UNRANKED, dtype=np.int32)
    if app.size == 0 or market.program_list.size == 0:
        return out
    order = np.argsort(app, kind="stable")
    s_ptr = np.zeros(market.n_applicants + 1, dtype=np.int64)
    np.cumsum(np.bincount(app, minlength=market.n_applicants), out=s_ptr[1:])
    s_idx = np.where(prog >= 0, prog, 0)[order]
    out[order] = rank_table(s_ptr, s_idx, market.program_ptr, market.program_list)
    out[prog == NO_MATCH] = UNRANKED
    return out


@njit(cache=True)
def _single_tables(a_ptr, a_idx, p_ptr, p_idx, sup_owner, sup_ptr, sup_prog, link_ptr, links, n_p):
    """``rank_at``, ``p_back``, ``link_at`` and ``sup_rank`` (see the module docstring) in one pass.

    The programs' entries are bucketed by applicant (a counting sort); then,
    applicant by applicant, three mark arrays over programs (stamped with the
    applicant's id, so they are never cleared) hold where the applicant
    ranked each program, each program's rank of the applicant and the
    applicant's supplemental list linked to each program, and every entry of
    the applicant's primary and supplemental lists is answered with one read.
    Supplemental lists are grouped by owner (``sup_owner`` non-decreasing).

    Parameters
    ----------
    a_ptr : int64 (n_a + 1,); a_idx : int32
        The applicants' primary lists.
    p_ptr : int64 (n_p + 1,); p_idx : int32
        The programs' lists.
    sup_owner : int32 (n_lists,); sup_ptr : int64 (n_lists + 1,); sup_prog : int32
        The supplemental lists (owner, CSR of PGY-1 programs).
    link_ptr : int64 (n_lists + 1,); links : int32
        CSR of the advanced programs each list is linked to.
    n_p : int

    Returns
    -------
    rank_at : int32 (a_idx.size,); p_back : int64 (p_idx.size,); link_at : int32 (a_idx.size,);
    sup_rank : int32 (sup_prog.size,)
        New arrays; inputs are not modified.
    """
    n_a = a_ptr.size - 1
    unranked = np.int32(UNRANKED)
    rank_at = np.full(a_idx.size, unranked, dtype=np.int32)
    link_at = np.full(a_idx.size, -1, dtype=np.int32)
    p_back = np.full(p_idx.size, -1, dtype=np.int64)
    sup_rank = np.full(sup_prog.size, unranked, dtype=np.int32)
    # the programs' entries, bucketed by the applicant they rank
    start = np.zeros(n_a + 1, dtype=np.int64)
    for f in range(p_idx.size):
        start[p_idx[f] + 1] += 1
    for a in range(n_a):
        start[a + 1] += start[a]
    fill = start[:-1].copy()
    b_f = np.empty(p_idx.size, dtype=np.int64)
    b_p = np.empty(p_idx.size, dtype=np.int32)
    for p in range(n_p):
        for f in range(p_ptr[p], p_ptr[p + 1]):
            k = fill[p_idx[f]]
            fill[p_idx[f]] = k + 1
            b_f[k] = f
            b_p[k] = p
    entry_stamp = np.full(n_p, -1, dtype=np.int64)
    entry_of = np.empty(n_p, dtype=np.int64)
    rank_stamp = np.full(n_p, -1, dtype=np.int64)
    rank_of = np.empty(n_p, dtype=np.int32)
    link_stamp = np.full(n_p, -1, dtype=np.int64)
    link_of = np.empty(n_p, dtype=np.int32)
    li = 0
    n_lists = sup_owner.size
    for a in range(n_a):
        for e in range(a_ptr[a], a_ptr[a + 1]):
            entry_stamp[a_idx[e]] = a
            entry_of[a_idx[e]] = e
        for k in range(start[a], start[a + 1]):
            f, p = b_f[k], b_p[k]
            r = np.int32(f - p_ptr[p])
            rank_stamp[p] = a
            rank_of[p] = r
            if entry_stamp[p] == a:
                e = entry_of[p]
                rank_at[e] = r
                p_back[f] = e
        if li < n_lists and sup_owner[li] == a:
            while li < n_lists and sup_owner[li] == a:
                for g in range(sup_ptr[li], sup_ptr[li + 1]):
                    q = sup_prog[g]
                    if rank_stamp[q] == a:
                        sup_rank[g] = rank_of[q]
                for g in range(link_ptr[li], link_ptr[li + 1]):
                    link_stamp[links[g]] = a
                    link_of[links[g]] = li
                li += 1
            for e in range(a_ptr[a], a_ptr[a + 1]):
                if link_stamp[a_idx[e]] == a:
                    link_at[e] = link_of[a_idx[e]]
    return rank_at, p_back, link_at, sup_rank


_NO_LISTS = (np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32),
             np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))


def readonly_as(arr, dtype) -> np.ndarray:
    """A read-only C-contiguous view of ``arr`` as ``dtype``.

    The NRMP kernels take every market array this way, so one compiled
    signature serves every market (numba types read-only and writable arrays
    differently).
    """
    out = np.ascontiguousarray(arr, dtype=dtype).view()
    out.flags.writeable = False
    return out


_SUP_DTYPES = (np.int32, np.int64, np.int32, np.int64, np.int32)


def nrmp_tables(market: Market) -> NRMPTables:
    """Build the kernels' look-up tables for ``market`` (plain or with extensions)."""
    n_a, n_p = market.n_applicants, market.n_programs
    a_ptr, a_idx = market.applicant_ptr, market.applicant_list
    sp = market.supplemental
    has_sp = sp is not None and sp.n_lists > 0
    sup_arrays = (sp.owner, sp.ptr, sp.programs, sp.link_ptr, sp.links) if has_sp else _NO_LISTS
    # one pass for the singles' look-ups and the supplemental lists' (no sort, no search)
    rank_at, p_back, link_at, sup_rank = _single_tables(
        a_ptr, a_idx, market.program_ptr, market.program_list,
        *(np.ascontiguousarray(x, dtype=d) for x, d in zip(sup_arrays, _SUP_DTYPES)), n_p)
    if has_sp:
        sup_ptr = np.ascontiguousarray(sp.ptr, dtype=np.int64)
        sup_prog = np.ascontiguousarray(sp.programs, dtype=np.int32)
    else:
        sup_ptr = np.zeros(1, dtype=np.int64)
        sup_prog = np.zeros(0, dtype=np.int32)

    cp = market.couples
    if cp is not None and cp.n_couples:
        couple_of = cp.couple_of(n_a)
        side = np.zeros(n_a, dtype=np.int8)
        side[cp.members[:, 1]] = 1
        cm = np.ascontiguousarray(cp.members, dtype=np.int32)
        cp_ptr = np.ascontiguousarray(cp.ptr, dtype=np.int64)
        cp_prog = np.ascontiguousarray(cp.programs, dtype=np.int32)
        owner = np.repeat(np.arange(cp.n_couples), np.diff(cp_ptr))
        # both partners' entries in one look-up: column 0, then column 1
        cp_rank = _ranks_of_entries(cm[owner].T.ravel(), cp_prog.T.ravel(), market).reshape(2, -1).T.copy()
    else:
        couple_of = np.full(n_a, -1, dtype=np.int32)
        side = np.zeros(n_a, dtype=np.int8)
        cm = np.zeros((0, 2), dtype=np.int32)
        cp_ptr = np.zeros(1, dtype=np.int64)
        cp_prog = np.zeros((0, 2), dtype=np.int32)
        cp_rank = np.zeros((0, 2), dtype=np.int32)
        owner = np.zeros(0, dtype=np.int64)
    cp_link = np.full(cp_prog.shape, -1, dtype=np.int32)

    if has_sp and cp_prog.shape[0]:
        # link look-ups for the couples' pairs: (applicant, advanced program) -> list
        link_owner = np.repeat(sp.owner.astype(np.int64), np.diff(sp.link_ptr))
        link_list = np.repeat(np.arange(sp.n_lists, dtype=np.int32), np.diff(sp.link_ptr))
        key = link_owner * n_p + sp.links
        order = np.argsort(key)
        key, link_list = key[order], link_list[order]

        def find(apps, progs):
            q = apps.astype(np.int64) * n_p + progs
            i = np.searchsorted(key, q)
            i = np.minimum(i, max(key.size - 1, 0))
            hit = (key.size > 0) & (key[i] == q) & (progs >= 0)
            return np.where(hit, link_list[i], -1).astype(np.int32)

        for s in (0, 1):
            cp_link[:, s] = find(cm[owner, s], cp_prog[:, s])

    tracks = market.program_tracks
    pgy1_program = ((tracks == 2) | (tracks == 3)).astype(np.bool_)
    even_odd = (market.even_odd if market.even_odd is not None else np.zeros(n_p, dtype=np.int8)).astype(np.int8)

    rv = market.reversions
    max_quota = market.capacity.astype(np.int64).copy()
    if rv is not None and rv.n_reversions:
        order = reversion_order(rv, n_p)
        donors = []
        for i in order.tolist():
            d = int(rv.donor[i])
            if not donors or donors[-1] != d:
                donors.append(d)
        topo_donors = np.array(donors, dtype=np.int32)
        rv_row = order.astype(np.int64)
        rv_recv = rv.receiver[order].astype(np.int32)
        rv_pos = rv.positions[order].astype(np.int32)
        don_ptr = np.full(n_p + 1, 0, dtype=np.int64)
        # rows of one donor are contiguous in ``order``: donor p's rows are don_ptr[p]:don_ptr[p+1]
        counts = np.bincount(rv.donor, minlength=n_p)
        starts = {}
        for j, i in enumerate(order.tolist()):
            starts.setdefault(int(rv.donor[i]), j)
        don_start = np.zeros(n_p, dtype=np.int64)
        don_end = np.zeros(n_p, dtype=np.int64)
        for d, j in starts.items():
            don_start[d] = j
            don_end[d] = j + counts[d]
        don_ptr = np.stack([don_start, don_end], axis=1)
        # the most a program can ever hold: its quota plus every position that may revert to it
        for d in donors:
            lo, hi = don_ptr[d]
            for j in range(lo, hi):
                max_quota[rv_recv[j]] += min(int(rv_pos[j]), int(max_quota[d]))
    else:
        topo_donors = np.zeros(0, dtype=np.int32)
        don_ptr = np.zeros((n_p, 2), dtype=np.int64)
        rv_recv = np.zeros(0, dtype=np.int32)
        rv_pos = np.zeros(0, dtype=np.int32)
        rv_row = np.zeros(0, dtype=np.int64)

    return NRMPTables(
        rank_at=rank_at, link_at=link_at, p_back=p_back, couple_of=couple_of.astype(np.int32),
        side=side, cm=cm, cp_ptr=cp_ptr, cp_prog=cp_prog, cp_rank=cp_rank, cp_link=cp_link,
        sup_ptr=sup_ptr, sup_prog=sup_prog, sup_rank=sup_rank, pgy1_program=pgy1_program,
        even_odd=even_odd, topo_donors=topo_donors, don_ptr=don_ptr, rv_recv=rv_recv, rv_pos=rv_pos,
        rv_row=rv_row, max_quota=max_quota,
    )
