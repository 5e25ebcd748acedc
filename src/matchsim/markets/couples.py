"""Couples made from single applicants, and the same market with one couple taken apart.

:func:`pair_into_couples` turns some single applicants of a market into
couples, the way a simulation needs them: each couple's joint list is built
from the partners' own lists, so nothing about the programs' preferences
changes. The joint list holds every pair ``(p, q)`` of a program ``p`` from
the first partner's list and ``q`` from the second's, ordered by the sum of
their ranks (ties: the first partner's rank first), then ``(p, No Match)``
for the first partner's programs and ``(No Match, q)`` for the second's (the
couple would rather one partner matches than neither), cut at the NRMP's
limit of :data:`~matchsim.constants.NRMP_MAX_RANKS` ranks. The couples are
drawn at random from a seed.

:func:`split_couple` and :func:`remove_couple` build the counterfactual
markets of :func:`matchsim.engine.audit_couples.audit_nrmp`: the same market
with one couple's members applying as singles (each with the programs of
their side of the joint list, in order, each program once), or withdrawn.

Examples
--------
>>> from matchsim import Market
>>> m = Market.from_lists([[0, 1], [1]], [[0, 1], [0, 1]], [1, 1])
>>> c = pair_into_couples(m, 2, rng=0)
>>> c.n_couples, c.couples.list_lengths.tolist()
(1, [5])
>>> split_couple(c, 0).n_couples, remove_couple(c, 0).applicant_list_lengths.tolist()
(0, [0, 0])
"""

from __future__ import annotations

import numpy as np

from matchsim.constants import NO_MATCH, NRMP_MAX_RANKS
from matchsim.extensions import Couples
from matchsim.market import Market

__all__ = ["joint_list_from", "pair_into_couples", "remove_couple", "split_couple"]


def joint_list_from(first, second, max_ranks: int = NRMP_MAX_RANKS) -> np.ndarray:
    """The joint list of a couple whose partners rank ``first`` and ``second`` (see the module docstring).

    Examples
    --------
    >>> joint_list_from([5, 6], [7]).tolist()
    [[5, 7], [6, 7], [5, -1], [6, -1], [-1, 7]]
    """
    first = np.asarray(first, dtype=np.int32).ravel()
    second = np.asarray(second, dtype=np.int32).ravel()
    i, j = np.meshgrid(np.arange(first.size), np.arange(second.size), indexing="ij")
    i, j = i.ravel(), j.ravel()
    order = np.lexsort((i, i + j))
    both = np.column_stack([first[i[order]], second[j[order]]])
    alone1 = np.column_stack([first, np.full(first.size, NO_MATCH, dtype=np.int32)])
    alone2 = np.column_stack([np.full(second.size, NO_MATCH, dtype=np.int32), second])
    return np.concatenate([both, alone1, alone2]).astype(np.int32)[:max_ranks]


def pair_into_couples(market: Market, n_members: int, rng=None) -> Market:
    """The market with ``n_members`` of its applicants (drawn at random) paired into couples.

    Parameters
    ----------
    market : Market
        A market of single applicants (no extensions).
    n_members : int
        Applicants to pair: an even number, at most ``n_applicants``. The
        first two drawn form couple 0, the next two couple 1, and so on, so
        with the same ``rng`` a smaller number gives a subset of the couples.
    rng : seed or numpy Generator, optional

    Returns
    -------
    Market
        The couples' members have empty single lists; everyone's programs and
        the programs' lists are unchanged.

    Raises
    ------
    ValueError
        If ``n_members`` is odd, negative or too large, or the market already
        has extensions.
    """
    if market.has_extensions:
        raise ValueError("pair_into_couples takes a market of single applicants (no extensions)")
    if n_members < 0 or n_members % 2 or n_members > market.n_applicants:
        raise ValueError(f"n_members must be an even number in 0..{market.n_applicants}, got {n_members}")
    order = np.random.default_rng(rng).permutation(market.n_applicants)
    members = order[:n_members].reshape(-1, 2)
    joint = [joint_list_from(market.applicant_prefs(int(x)), market.applicant_prefs(int(y))) for x, y in members]
    return _rebuild(market, set(members.ravel().tolist()), {}, members, joint)


def split_couple(market: Market, c: int) -> Market:
    """The market in which couple ``c``'s members apply as singles (see the module docstring)."""
    x, y = (int(v) for v in _check_couple(market, c))
    jl = market.couples.joint_list(c)
    lists = {x: _first_each(jl[:, 0]), y: _first_each(jl[:, 1])}
    return _without(market, c, lists)


def remove_couple(market: Market, c: int) -> Market:
    """The market in which couple ``c`` takes no part (its members rank nothing)."""
    x, y = (int(v) for v in _check_couple(market, c))
    return _without(market, c, {x: np.zeros(0, np.int32), y: np.zeros(0, np.int32)})


def _check_couple(market, c):
    if market.couples is None or not 0 <= c < market.couples.n_couples:
        raise ValueError(f"couple id {c} is outside 0..{market.n_couples - 1}")
    return market.couples.members[c]


def _first_each(col):
    col = col[col != NO_MATCH]
    _, first = np.unique(col, return_index=True)
    return col[np.sort(first)].astype(np.int32)


def _without(market, c, lists):
    keep = [k for k in range(market.couples.n_couples) if k != c]
    members = market.couples.members[keep]
    joint = [market.couples.joint_list(k) for k in keep]
    return _rebuild(market, set(), lists, members, joint)


def _rebuild(market, emptied, lists, members, joint):
    rows = []
    for a in range(market.n_applicants):
        if a in lists:
            rows.append(lists[a])
        elif a in emptied:
            rows.append(np.zeros(0, np.int32))
        else:
            rows.append(market.applicant_prefs(a))
    ptr = np.zeros(market.n_applicants + 1, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=ptr[1:])
    idx = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, np.int32)
    couples = None
    if len(members):
        couples = Couples.from_pairs([tuple(int(v) for v in m) for m in members], [j.tolist() for j in joint])
    return Market.from_arrays(ptr, idx, market.program_ptr, market.program_list, market.capacity,
                              market.applicant_names, market.program_names, couples=couples)
