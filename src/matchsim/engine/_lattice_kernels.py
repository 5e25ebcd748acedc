"""Kernels of :mod:`matchsim.engine.lattice`: the rotation walk, the poset's generating pairs, closed sets.

See the module docstring of :mod:`matchsim.engine.lattice` for the
definitions and the algorithms (Gusfield & Irving 1989, ch. 3).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from matchsim.constants import UNRANKED

__all__: list[str] = []


@njit(cache=True)
def find_rotations(c_ptr, c_idx, rank_at, pos, z_pos, n_w):
    """Walk from the applicant-optimal to the program-optimal cloned matching.

    Parameters
    ----------
    c_ptr : int64 (n_a + 1,); c_idx : int32 (entries,)
        Applicants' lists of clones.
    rank_at : int32 (entries,)
        The clone's rank of the applicant at each entry, or ``UNRANKED``.
    pos : int64 (n_a,)
        Entry of each applicant's applicant-optimal partner, or -1
        (unmatched). Modified: ends as ``z_pos``.
    z_pos : int64 (n_a,)
        Entry of each applicant's program-optimal partner, or -1.
    n_w : int
        Number of clones.

    Returns
    -------
    rot_ptr : int64 (R + 1,); rot_app, rot_from, rot_to : int64 (members,)
        Rotation ``r``'s members, their entries before and after it.
    w_ptr : int64 (n_w + 1,); w_rank, w_rot : int64 (events,)
        For each clone, its partners' ranks in the order they came and the
        rotation that brought each (-1: the applicant-optimal partner).
    """
    n_a = pos.size
    partner = np.full(n_w, -1, dtype=np.int64)
    prank = np.full(n_w, UNRANKED, dtype=np.int64)
    for a in range(n_a):
        if pos[a] >= 0:
            w = c_idx[pos[a]]
            partner[w] = a
            prank[w] = rank_at[pos[a]]
    prank0 = prank.copy()
    scan = pos.copy()
    on_stack = np.full(n_a, -1, dtype=np.int64)
    stack = np.empty(n_a, dtype=np.int64)
    top = 0
    rot_app = np.empty(16, dtype=np.int64)
    rot_from = np.empty(16, dtype=np.int64)
    rot_to = np.empty(16, dtype=np.int64)
    rot_ptr = np.zeros(16, dtype=np.int64)
    n_rot = 0
    n_mem = 0
    ev_w = np.empty(16, dtype=np.int64)
    ev_rank = np.empty(16, dtype=np.int64)
    ev_rot = np.empty(16, dtype=np.int64)
    n_ev = 0
    tmp_a = np.empty(n_a, dtype=np.int64)
    tmp_e = np.empty(n_a, dtype=np.int64)
    for start in range(n_a):
        if top == 0 and pos[start] != z_pos[start]:
            stack[0] = start
            on_stack[start] = 0
            top = 1
        while top > 0:
            a = stack[top - 1]
            if pos[a] == z_pos[a]:  # moved to its end by a rotation just found
                on_stack[a] = -1
                top -= 1
                continue
            e = max(scan[a], pos[a] + 1)
            while e < z_pos[a] and rank_at[e] >= prank[c_idx[e]]:  # z_pos[a] always takes a
                e += 1
            scan[a] = e
            b = partner[c_idx[e]]
            if on_stack[b] < 0:
                on_stack[b] = top
                stack[top] = b
                top += 1
                continue
            # a rotation: stack[on_stack[b]:top]
            lo = on_stack[b]
            k = top - lo
            while n_mem + k > rot_app.size:
                rot_app = _grow(rot_app)
                rot_from = _grow(rot_from)
                rot_to = _grow(rot_to)
            while n_ev + k > ev_w.size:
                ev_w = _grow(ev_w)
                ev_rank = _grow(ev_rank)
                ev_rot = _grow(ev_rot)
            if n_rot + 2 > rot_ptr.size:
                rot_ptr = _grow(rot_ptr)
            for i in range(k):
                x = stack[lo + i]
                tmp_a[i] = x
                tmp_e[i] = scan[x]
            for i in range(k):
                x = tmp_a[i]
                rot_app[n_mem] = x
                rot_from[n_mem] = pos[x]
                rot_to[n_mem] = tmp_e[i]
                n_mem += 1
                pos[x] = tmp_e[i]
                w = c_idx[tmp_e[i]]
                partner[w] = x
                prank[w] = rank_at[tmp_e[i]]
                ev_w[n_ev] = w
                ev_rank[n_ev] = rank_at[tmp_e[i]]
                ev_rot[n_ev] = n_rot
                n_ev += 1
                on_stack[x] = -1
            n_rot += 1
            rot_ptr[n_rot] = n_mem
            top = lo
            if top == 0 and pos[start] != z_pos[start]:  # the walk's start may still have further to go
                stack[0] = start
                on_stack[start] = 0
                top = 1
    # per-clone event lists (the applicant-optimal partner first)
    w_ptr = np.zeros(n_w + 1, dtype=np.int64)
    for w in range(n_w):
        w_ptr[w + 1] = 1
    for i in range(n_ev):
        w_ptr[ev_w[i] + 1] += 1
    for w in range(n_w):
        w_ptr[w + 1] += w_ptr[w]
    fill = w_ptr[:-1].copy()
    w_rank = np.empty(w_ptr[n_w], dtype=np.int64)
    w_rot = np.empty(w_ptr[n_w], dtype=np.int64)
    for w in range(n_w):
        w_rank[fill[w]] = prank0[w]
        w_rot[fill[w]] = -1
        fill[w] += 1
    for i in range(n_ev):
        w = ev_w[i]
        w_rank[fill[w]] = ev_rank[i]
        w_rot[fill[w]] = ev_rot[i]
        fill[w] += 1
    return (rot_ptr[: n_rot + 1].copy(), rot_app[:n_mem].copy(), rot_from[:n_mem].copy(),
            rot_to[:n_mem].copy(), w_ptr, w_rank, w_rot)


@njit(cache=True)
def _grow(arr):
    out = np.empty(arr.size * 2, dtype=arr.dtype)
    out[: arr.size] = arr
    return out


@njit(cache=True)
def precedence(c_idx, rank_at, rot_ptr, rot_app, rot_from, rot_to, w_ptr, w_rank, w_rot, n_a):
    """Edges ``(before, after)`` generating the rotation poset (the two rules)."""
    n_rot = rot_ptr.size - 1
    n_mem = rot_app.size
    out_u = np.empty(max(16, 2 * n_mem), dtype=np.int64)
    out_v = np.empty(max(16, 2 * n_mem), dtype=np.int64)
    n_out = 0
    last = np.full(n_a, -1, dtype=np.int64)
    for r in range(n_rot):
        for i in range(rot_ptr[r], rot_ptr[r + 1]):
            a = rot_app[i]
            if last[a] >= 0:  # rule 1: the moves of one applicant form a chain
                if n_out == out_u.size:
                    out_u = _grow(out_u)
                    out_v = _grow(out_v)
                out_u[n_out] = last[a]
                out_v[n_out] = r
                n_out += 1
            last[a] = r
            for e in range(rot_from[i] + 1, rot_to[i]):  # rule 2: the clones a moves past
                ra = rank_at[e]
                if ra == UNRANKED:
                    continue
                w = c_idx[e]
                lo = w_ptr[w]
                hi = w_ptr[w + 1]
                if w_rank[lo] < ra:
                    continue  # w held someone it prefers to a from the start
                # first event with rank < ra (ranks strictly decrease along events)
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if w_rank[mid] < ra:
                        hi = mid
                    else:
                        lo = mid
                pi = w_rot[hi]
                if n_out == out_u.size:
                    out_u = _grow(out_u)
                    out_v = _grow(out_v)
                out_u[n_out] = pi
                out_v[n_out] = r
                n_out += 1
    return out_u[:n_out].copy(), out_v[:n_out].copy()


@njit(cache=True)
def closed_sets(order, pred_ptr, pred_idx, rot_ptr, rot_app, rot_to_prog, rot_from_prog,
                 assignment, limit, budget, out):
    """Depth-first search over the closed sets of the rotations ``order`` (a linear extension).

    Writes up to ``limit`` assignments into ``out`` (shape ``(limit, n_a)``;
    ``limit`` may be 0 to count only). Returns ``(count, finished)``; stops
    after ``budget`` search steps with ``finished = False``.
    """
    k = order.size
    n_rot = rot_ptr.size - 1
    inside = np.zeros(n_rot, dtype=np.bool_)
    state = np.zeros(k + 1, dtype=np.int8)
    count = 0
    steps = 0
    i = 0
    while i >= 0:
        steps += 1
        if steps > budget:
            return count, False
        if i == k:
            if count < limit:
                out[count, :] = assignment
            count += 1
            i -= 1
            continue
        r = order[i]
        s = state[i]
        if s == 0:  # first without r (so the applicant-optimal matching comes first)
            state[i] = 1
            i += 1
            state[i] = 0
        elif s == 1:  # then with r, when all its predecessors are in
            state[i] = 2
            ok = True
            for j in range(pred_ptr[r], pred_ptr[r + 1]):
                if not inside[pred_idx[j]]:
                    ok = False
                    break
            if ok:
                inside[r] = True
                for j in range(rot_ptr[r], rot_ptr[r + 1]):
                    assignment[rot_app[j]] = rot_to_prog[j]
                i += 1
                state[i] = 0
        else:
            if inside[r]:
                inside[r] = False
                for j in range(rot_ptr[r], rot_ptr[r + 1]):
                    assignment[rot_app[j]] = rot_from_prog[j]
            i -= 1
    return count, True
