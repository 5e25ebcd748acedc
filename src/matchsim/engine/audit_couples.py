"""The audit on markets with couples (and the NRMP's other extensions), by full re-matching.

With couples, the NRMP algorithm is no longer strategy-proof: a single
applicant may gain by changing their list, because a couple displaced by the
change gives up positions elsewhere (Roth & Peranson 1999 measured how rarely
this happens in the real Match). The incremental audit of
:mod:`matchsim.engine.audit` relies on the order-independence of deferred
acceptance, which couples break, so here every candidate list of every single
applicant is tried by running :func:`matchsim.engine.nrmp_match` again: exact,
but one full match per candidate (use it on small markets, or on a few
applicants). Couples' own joint lists are not audited.

For each gain the audit reports two things about couples:

``couples`` (descriptive)
    the couples whose match differs between the run with the submitted list
    and the run with the better list: the couples who moved.
``needed`` (tested counterfactual)
    among those, the couples without which the gain disappears. For each
    moved couple ``c`` the market is rebuilt without ``c`` as a couple
    (``counterfactual="split"``: its two members apply as singles, each with
    the programs of their side of the joint list in order, each program once,
    see :func:`matchsim.markets.couples.split_couple`; ``"remove"``: the
    couple takes no part, :func:`~matchsim.markets.couples.remove_couple`),
    both the submitted and the better list are run again in that market, and
    ``c`` is *needed* when the better list no longer gets the applicant a
    program they rank above what the submitted list gets them there. Only the
    better list found is re-run, not every candidate list: "needed" means
    "this manipulation stops working", not "no manipulation works".

Examples
--------
>>> from matchsim.datasets import nrmp_example
>>> res = audit_nrmp(nrmp_example())
>>> res.n_gainers, len(res.couples), len(res.needed)
(0, 8, 8)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.constants import UNMATCHED
from matchsim.engine.audit import AuditResult, candidate_lists, n_candidate_lists
from matchsim.engine.nrmp import nrmp_match
from matchsim.market import Market
from matchsim.markets.couples import remove_couple, split_couple

__all__ = ["CouplesAuditResult", "audit_nrmp"]


@dataclass(frozen=True, eq=False)
class CouplesAuditResult(AuditResult):
    """What :func:`audit_nrmp` found; an :class:`matchsim.engine.audit.AuditResult` plus the couples.

    Attributes
    ----------
    couples : tuple of tuple of int
        For each audited applicant, the couples whose match differs between
        their submitted list and their best list (empty when nothing gains).
    needed : tuple of tuple of int
        For each audited applicant, the couples of ``couples`` without which
        (see ``counterfactual``) their best list no longer beats their
        submitted list (empty when nothing gains, or when not tested).
    counterfactual : str or None
        How a couple was taken out for ``needed``: ``"split"``, ``"remove"``
        or ``None`` (not tested).
    """

    couples: tuple = ()
    needed: tuple = ()
    counterfactual: str | None = "split"


def _couple_of(market: Market) -> np.ndarray:
    out = np.full(market.n_applicants, -1, dtype=np.int64)
    if market.couples is not None:
        for c, (x, y) in enumerate(market.couples.members):
            out[x] = c
            out[y] = c
    return out


_WITHOUT = {"split": split_couple, "remove": remove_couple}


def audit_nrmp(market: Market, applicants=None, *, max_short: int = 0, counterfactual: str | None = "split",
               progress=None) -> CouplesAuditResult:
    """Audit the single applicants of any market by re-running the NRMP algorithm per candidate list.

    Parameters
    ----------
    market : Market
        Any market (couples, supplemental lists, reversions allowed).
    applicants : array_like of int, optional
        Whom to audit (default: every applicant who is not in a couple;
        couples' members are left out).
    max_short : int
        As in :func:`matchsim.engine.audit.audit`.
    counterfactual : {"split", "remove", None}
        How each moved couple is taken out to test whether the gain needs it
        (see the module docstring); ``None`` skips the test (two more matches
        per gainer and moved couple).
    progress : callable, optional
        ``progress(done, total)`` after each applicant.

    Returns
    -------
    CouplesAuditResult

    Raises
    ------
    ValueError
        If ``max_short`` is negative, ``counterfactual`` unknown, or an
        applicant is out of range or in a couple.
    """
    if counterfactual is not None and counterfactual not in _WITHOUT:
        raise ValueError(f"counterfactual must be one of {tuple(_WITHOUT)} or None, got {counterfactual!r}")
    if not isinstance(max_short, (int, np.integer)) or max_short < 0:
        raise ValueError(f"max_short must be a whole number >= 0, got {max_short!r}")
    couple_of = _couple_of(market)
    if applicants is None:
        who = np.flatnonzero(couple_of < 0).astype(np.int64)
    else:
        who = np.asarray(applicants, dtype=np.int64).ravel()
        if who.size and (who.min() < 0 or who.max() >= market.n_applicants):
            raise ValueError(f"applicant ids must be in 0..{market.n_applicants - 1}")
        if np.any(couple_of[who] >= 0):
            raise ValueError("a couple's member is audited through the couple's joint list, "
                             "which audit_nrmp does not change; leave them out of applicants")
    base = nrmp_match(market).assignment
    base_couples = _couple_outcomes(market, base)
    n = who.size
    best = np.full(n, UNMATCHED, dtype=np.int32)
    gain = np.zeros(n, dtype=np.int64)
    kinds = np.full(n, -1, dtype=np.int8)
    lists, couples, needed = [], [], []
    n_cand = 0
    for i, a in enumerate(who):
        lst = market.applicant_prefs(int(a))
        place = {int(p): k for k, p in enumerate(lst)}
        sub = int(base[a])
        sub_place = place.get(sub, lst.size)
        best_place, best_run, best_l = sub_place, None, ()
        for kind, places in candidate_lists(lst.size, max_short):
            cand = lst[list(places)]
            run = nrmp_match(market.with_applicant_list(int(a), cand)).assignment
            got = int(run[a])
            k = place.get(got, lst.size)
            if k < best_place:
                best_place, best_run, best_l = k, run, tuple(int(p) for p in cand)
                kinds[i] = kind
        n_cand += n_candidate_lists(lst.size, max_short)
        best[i] = sub if best_run is None else int(best_run[a])
        gain[i] = sub_place - best_place
        lists.append(best_l)
        if best_run is None:
            couples.append(())
            needed.append(())
        else:
            moved = tuple(int(c) for c in
                          np.flatnonzero(np.any(_couple_outcomes(market, best_run) != base_couples, axis=1)))
            couples.append(moved)
            needed.append(() if counterfactual is None else tuple(
                c for c in moved if not _still_gains(_WITHOUT[counterfactual](market, c), int(a), best_l, place)))
        if progress is not None:
            progress(i + 1, n)
    return CouplesAuditResult(who, base[who].astype(np.int32), best, gain, tuple(lists), kinds, n_cand,
                              int(max_short), couples=tuple(couples), needed=tuple(needed),
                              counterfactual=counterfactual)


def _still_gains(market, a, better, place) -> bool:
    """In ``market``, does list ``better`` get ``a`` a program ranked above what their own list gets?"""
    n = len(place)
    own = place.get(int(nrmp_match(market).assignment[a]), n)
    alt = place.get(int(nrmp_match(market.with_applicant_list(a, better)).assignment[a]), n)
    return alt < own


def _couple_outcomes(market, assignment):
    if market.couples is None or market.couples.n_couples == 0:
        return np.zeros((0, 2), dtype=np.int32)
    return np.asarray(assignment)[market.couples.members]
