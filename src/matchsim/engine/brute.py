"""Brute-force oracles for tiny markets, in plain Python.

These functions share no code with the numba kernels, so tests can use them
as an independent check: they enumerate every individually rational, feasible
assignment and keep the stable ones (the definitions are in
:mod:`matchsim.engine.stability`). Cost grows like the product of the
applicants' list lengths, so keep markets to a handful of participants.

Examples
--------
Two applicants and two programs who disagree: the applicants' favourite
stable matching and the programs' are the two stable matchings there are.

>>> m = Market.from_lists([[0, 1], [1, 0]], [[1, 0], [0, 1]], [1, 1])
>>> applicant_optimal_brute(m).tolist(), program_optimal_brute(m).tolist()
([0, 1], [1, 0])
"""

from __future__ import annotations

import itertools

import numpy as np

from matchsim.constants import UNMATCHED, UNRANKED
from matchsim.market import Market

__all__ = ["stable_matchings_brute", "blocking_pairs_brute", "applicant_optimal_brute",
           "program_optimal_brute"]

#: Refuse to enumerate more candidate assignments than this.
MAX_CANDIDATES = 2_000_000


def _lists(market: Market):
    """Applicants' lists as Python lists; programs' ranks as dicts applicant -> rank."""
    a_lists = [market.applicant_prefs(a).tolist() for a in range(market.n_applicants)]
    p_rank = [
        {a: r for r, a in enumerate(market.program_prefs(p).tolist())}
        for p in range(market.n_programs)
    ]
    return a_lists, p_rank


def blocking_pairs_brute(market: Market, assignment) -> list[tuple[int, int]]:
    """Blocking pairs of ``assignment`` by direct use of the definition.

    For each applicant and each program above their match on their list:
    the pair blocks when the program ranked the applicant and has a vacancy
    or a member it ranks lower. ``O(entries * max_capacity)``.

    Examples
    --------
    >>> m = Market.from_lists([[0], [0]], [[1, 0]], [1])
    >>> blocking_pairs_brute(m, [0, -1])
    [(1, 0)]
    """
    a_lists, p_rank = _lists(market)
    assignment = [int(x) for x in assignment]
    members = [[] for _ in range(market.n_programs)]
    for a, p in enumerate(assignment):
        if p != UNMATCHED:
            members[p].append(a)
    pairs = []
    for a, alist in enumerate(a_lists):
        mine = assignment[a]
        for p in alist:
            if p == mine:
                break
            if a not in p_rank[p] or market.capacity[p] == 0:
                continue
            held = members[p]
            if len(held) < market.capacity[p] or any(p_rank[p][a] < p_rank[p].get(b, UNRANKED) for b in held):
                pairs.append((a, p))
    return pairs


def stable_matchings_brute(market: Market) -> list[np.ndarray]:
    """Every stable matching of a tiny market, found by enumeration.

    Returns
    -------
    list of ndarray of int32
        Each an assignment (program id per applicant, or ``UNMATCHED``), in
        lexicographic order of the candidates enumerated.

    Raises
    ------
    ValueError
        If the market is too large to enumerate (more than ``MAX_CANDIDATES``
        candidate assignments).

    Notes
    -----
    1. Each applicant's options: the programs on their list that ranked them
       back, and ``UNMATCHED``.
    2. Enumerate every combination of options (the product of the option
       counts; refused above ``MAX_CANDIDATES``).
    3. Keep those that respect every capacity and have no blocking pair
       (:func:`blocking_pairs_brute`).

    ``O(prod_a (options_a) * entries * max_capacity)``.

    Examples
    --------
    Two applicants and two programs who disagree have two stable matchings:

    >>> m = Market.from_lists([[0, 1], [1, 0]], [[1, 0], [0, 1]], [1, 1])
    >>> [s.tolist() for s in stable_matchings_brute(m)]
    [[0, 1], [1, 0]]
    """
    a_lists, p_rank = _lists(market)
    options = [[p for p in alist if a in p_rank[p]] + [UNMATCHED] for a, alist in enumerate(a_lists)]
    n_candidates = 1
    for o in options:
        n_candidates *= len(o)
    if n_candidates > MAX_CANDIDATES:
        raise ValueError(f"{n_candidates} candidate assignments: too many to enumerate")
    cap = market.capacity.tolist()
    out = []
    for cand in itertools.product(*options):
        filled = [0] * market.n_programs
        ok = True
        for p in cand:
            if p != UNMATCHED:
                filled[p] += 1
                if filled[p] > cap[p]:
                    ok = False
                    break
        if ok and not blocking_pairs_brute(market, cand):
            out.append(np.array(cand, dtype=np.int32))
    return out


def _position(alist, p):
    """Place of ``p`` on ``alist`` (``UNMATCHED`` comes after every entry)."""
    return alist.index(p) if p != UNMATCHED else len(alist)


def applicant_optimal_brute(market: Market) -> np.ndarray | None:
    """The stable matching every applicant weakly prefers to all others.

    Returns ``None`` if no stable matching is best for all applicants (by the
    lattice theorem, that never happens when a stable matching exists).
    Enumerates with :func:`stable_matchings_brute`, then compares every pair
    of stable matchings.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> from matchsim.engine import deferred_acceptance
    >>> m = nrmp_example()
    >>> bool((applicant_optimal_brute(m) == deferred_acceptance(m).assignment).all())
    True
    """
    a_lists, _ = _lists(market)
    stables = stable_matchings_brute(market)
    for s in stables:
        if all(
            _position(a_lists[a], s[a]) <= _position(a_lists[a], t[a])
            for t in stables
            for a in range(market.n_applicants)
        ):
            return s
    return None


def program_optimal_brute(market: Market) -> np.ndarray | None:
    """The stable matching every applicant weakly likes least (program-optimal).

    In a many-to-one market with strict preferences, the program-optimal
    stable matching is the applicant-pessimal one (Roth & Sotomayor 1990,
    ch. 5), which is what this oracle looks for. Returns ``None`` if there is
    none (never, when a stable matching exists).

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> from matchsim.engine import deferred_acceptance
    >>> m = nrmp_example()
    >>> best_for_programs = deferred_acceptance(m, "program").assignment
    >>> bool((program_optimal_brute(m) == best_for_programs).all())
    True
    """
    a_lists, _ = _lists(market)
    stables = stable_matchings_brute(market)
    for s in stables:
        if all(
            _position(a_lists[a], s[a]) >= _position(a_lists[a], t[a])
            for t in stables
            for a in range(market.n_applicants)
        ):
            return s
    return None
