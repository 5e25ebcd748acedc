"""The parts of a result table and document that only the NRMP algorithm's results have.

Used by :mod:`matchsim.io.results` for an
:class:`~matchsim.engine.nrmp.NRMPResult` on a market with extensions: the
PGY-1 columns, the summary with ``stable``, and the couples, reversions and
loops by name (the module docstring there lists them).
"""

from __future__ import annotations

import numpy as np

from matchsim.constants import UNMATCHED

__all__ = ["nrmp_columns", "nrmp_summary", "nrmp_sections"]


def nrmp_columns(market, result, cols: dict) -> None:
    """Add ``pgy1`` (names, ``""`` if none) and ``pgy1_rank`` (0 if none) to ``cols``; a couple's partner's
    ``list_length`` becomes the joint list's length (their rank is the pair's place on it)."""
    if market.couples is not None:
        cp = market.couples
        for side in (0, 1):
            cols["list_length"][cp.members[:, side]] = cp.list_lengths
    pn = np.asarray(market.program_labels(), dtype=object)
    pgy1 = np.asarray(result.pgy1)
    has = pgy1 != UNMATCHED
    cols["pgy1"] = np.full(pgy1.size, "", dtype=object)
    cols["pgy1"][has] = pn[pgy1[has]]
    cols["pgy1_rank"] = np.where(has, result.pgy1_rank, 0).astype(np.int64)


def nrmp_summary(market, result) -> dict:
    """Headline counts of an NRMP result, with ``stable`` as the checker found it."""
    filled = int(np.asarray(result.filled).sum(dtype=np.int64))
    n_matched = int(np.count_nonzero(np.asarray(result.assignment) != UNMATCHED))
    return {
        "algorithm": "nrmp",
        "stable": bool(result.stable),
        "applicants": market.n_applicants,
        "matched": n_matched,
        "unmatched": market.n_applicants - n_matched,
        "pgy1_matched": int(np.count_nonzero(np.asarray(result.pgy1) != UNMATCHED)),
        "couples": market.n_couples,
        "programs": market.n_programs,
        "positions": market.n_positions,
        "filled": filled,
        "unfilled": int(np.asarray(result.quota, dtype=np.int64).sum()) - filled,
        "reverted": int(np.asarray(result.reverted, dtype=np.int64).sum()),
        "proposals": int(result.proposals),
        "loops": len(result.loops.loops),
        "restarts": int(result.restarts),
    }


def nrmp_sections(market, result) -> dict:
    """The couples' pairs, the reversions and the loop report of an NRMP result, by name."""
    pn = market.program_labels()
    out = {"couples": [], "reversions": [], "loops": result.loops.describe(market)}
    cp = market.couples
    if cp is not None:
        for c in range(cp.n_couples):
            k = int(result.couple_assignment[c])
            pair = None if k < 0 else [None if x < 0 else pn[x] for x in cp.joint_list(c)[k].tolist()]
            out["couples"].append({
                "couple": cp.label(c), "partners": [market.applicant_label(a) for a in cp.members[c].tolist()],
                "pair": pair, "rank": k + 1 if k >= 0 else None, "list_length": int(cp.list_lengths[c])})
    rv = market.reversions
    if rv is not None:
        for i in range(rv.n_reversions):
            out["reversions"].append({"donor": pn[rv.donor[i]], "receiver": pn[rv.receiver[i]],
                                      "positions": int(rv.positions[i]), "reverted": int(result.reverted[i])})
    return out


