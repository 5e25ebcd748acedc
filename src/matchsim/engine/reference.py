"""A plain-Python deferred acceptance, written to be read.

This is the algorithm as one would explain it on a whiteboard: applicants
propose in turn, programs keep the best ``capacity`` applicants they have
seen. It is slow and is used to check the numba kernels on many random
markets and to teach (see :func:`deferred_acceptance_steps`).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from matchsim.market import UNMATCHED, Market

__all__ = ["deferred_acceptance_reference", "deferred_acceptance_steps"]


def deferred_acceptance_steps(market: Market, proposing: str = "applicant"):
    """Yield every step of deferred acceptance, one proposal at a time.

    Yields
    ------
    tuple
        ``(proposer, receiver, outcome, displaced)`` where ``outcome`` is
        ``"held"`` or ``"rejected"`` and ``displaced`` is the participant the
        receiver let go to make room (or ``None``). With
        ``proposing="applicant"`` proposers are applicants and receivers
        programs; with ``"program"`` the other way round.

    Examples
    --------
    >>> m = Market.from_lists([[0], [0]], [[1, 0]], [1])
    >>> list(deferred_acceptance_steps(m))
    [(0, 0, 'held', None), (1, 0, 'held', 0)]
    """
    if proposing not in ("applicant", "program"):
        raise ValueError(f"proposing must be 'applicant' or 'program', got {proposing!r}")
    if proposing == "applicant":
        s_lists = [market.applicant_prefs(a).tolist() for a in range(market.n_applicants)]
        r_lists = [market.program_prefs(p).tolist() for p in range(market.n_programs)]
        r_cap = market.capacity.tolist()
        s_cap = [1] * market.n_applicants
    else:
        s_lists = [market.program_prefs(p).tolist() for p in range(market.n_programs)]
        r_lists = [market.applicant_prefs(a).tolist() for a in range(market.n_applicants)]
        r_cap = [1] * market.n_applicants
        s_cap = market.capacity.tolist()
    r_rank = [{s: i for i, s in enumerate(lst)} for lst in r_lists]
    held = [[] for _ in r_lists]  # proposers each receiver holds
    nxt = [0] * len(s_lists)
    n_held = [0] * len(s_lists)
    free = deque(s for s in range(len(s_lists)) for _ in range(s_cap[s]))
    while free:
        s = free.popleft()
        if nxt[s] >= len(s_lists[s]):
            continue
        r = s_lists[s][nxt[s]]
        nxt[s] += 1
        if s not in r_rank[r] or r_cap[r] == 0:
            yield (s, r, "rejected", None)
            free.append(s)
            continue
        if len(held[r]) < r_cap[r]:
            held[r].append(s)
            n_held[s] += 1
            yield (s, r, "held", None)
            continue
        worst = max(held[r], key=lambda x: r_rank[r][x])
        if r_rank[r][s] < r_rank[r][worst]:
            held[r].remove(worst)
            held[r].append(s)
            n_held[s] += 1
            n_held[worst] -= 1
            free.append(worst)
            yield (s, r, "held", worst)
        else:
            yield (s, r, "rejected", None)
            free.append(s)


def deferred_acceptance_reference(market: Market, proposing: str = "applicant") -> np.ndarray:
    """Assignment (program per applicant, or ``UNMATCHED``) by plain-Python DA.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> m = nrmp_example()
    >>> [m.program_label(p) if p >= 0 else None for p in deferred_acceptance_reference(m)]
    [None, None, 'Mercy', 'General', 'City', 'State', 'City', 'State']
    """
    assignment = np.full(market.n_applicants, UNMATCHED, dtype=np.int32)
    steps = deferred_acceptance_steps(market, proposing)
    for s, r, outcome, displaced in steps:
        if outcome != "held":
            continue
        if proposing == "applicant":
            assignment[s] = r
            if displaced is not None:
                assignment[displaced] = UNMATCHED
        else:
            assignment[r] = s  # the applicant trades up; the program it left re-offers
    return assignment
