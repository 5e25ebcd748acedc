"""A brute-force oracle for tiny markets with couples, supplemental lists and reversions.

Plain Python that shares no code with the numba kernels (not even their
look-up tables): it lists every individually rational outcome, derives each
one's quotas from its reversions, and keeps those that are feasible, honour
the even/odd requests and have no blocking single, PGY-1 pair or couple,
with the definitions of :mod:`matchsim.engine.nrmp_stability` written out
again from scratch. Cost grows like the product of everybody's options, so
keep markets to a handful of participants.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from matchsim.market import UNMATCHED, Market

__all__ = ["NRMPBruteForce", "nrmp_stable_outcomes_brute", "nrmp_blocking_brute", "MAX_OUTCOMES"]

#: Refuse to enumerate more candidate outcomes than this.
MAX_OUTCOMES = 2_000_000


@dataclass(frozen=True)
class NRMPBruteForce:
    """Every stable outcome of a tiny market (possibly none).

    Attributes
    ----------
    outcomes : tuple of (tuple, tuple)
        Each stable outcome as ``(primary, pgy1)``: a program id (or -1) per
        applicant, in the order the candidates were enumerated.
    candidates : int
        Number of candidate outcomes examined.
    """

    outcomes: tuple
    candidates: int

    @property
    def exists(self) -> bool:
        """True when the market has at least one stable outcome."""
        return bool(self.outcomes)

    def __str__(self) -> str:
        if not self.outcomes:
            return f"no stable matching exists ({self.candidates} candidate outcomes examined)"
        n = len(self.outcomes)
        return f"{n} stable matching{'s' if n != 1 else ''} ({self.candidates} candidate outcomes examined)"


class _Rules:
    """The market's lists and extensions as plain Python structures."""

    def __init__(self, market: Market):
        self.m = market
        self.n_a, self.n_p = market.n_applicants, market.n_programs
        self.alist = [market.applicant_prefs(a).tolist() for a in range(self.n_a)]
        self.prank = [{a: r for r, a in enumerate(market.program_prefs(p).tolist())}
                      for p in range(self.n_p)]
        self.cap = [int(c) for c in market.capacity.tolist()]
        cp = market.couples
        self.couples = []  # (m1, m2, [pairs])
        self.partner_of = {}
        if cp is not None:
            for c in range(cp.n_couples):
                m1, m2 = (int(x) for x in cp.members[c])
                self.couples.append((m1, m2, [tuple(int(v) for v in xy) for xy in cp.joint_list(c).tolist()]))
                self.partner_of[m1] = c
                self.partner_of[m2] = c
        # supplemental: (applicant, advanced program) -> list of PGY-1 programs
        self.link = {}
        sp = market.supplemental
        if sp is not None:
            for i in range(sp.n_lists):
                a = int(sp.owner[i])
                for p in sp.links_of(i).tolist():
                    self.link[(a, p)] = sp.programs_of(i).tolist()
        rv = market.reversions
        self.reversions = [] if rv is None else list(zip(rv.donor.tolist(), rv.receiver.tolist(),
                                                         rv.positions.tolist()))
        self.even_odd = [0] * self.n_p if market.even_odd is None else market.even_odd.tolist()

    def pgy1_options(self, a, primary):
        lst = self.link.get((a, primary))
        if lst is None:
            return [UNMATCHED]
        return [s for s in lst if a in self.prank[s]] + [UNMATCHED]

    def quotas(self, filled, base):
        """(quota before reversion, final quota) per program, read from the outcome."""
        qpre = list(base)
        out = [0] * self.n_p
        done = set()
        donors = []
        for d, _, _ in self.reversions:
            if d not in donors:
                donors.append(d)
        # a donor goes once nothing that reverts to it is left to go
        while len(done) < len(donors):
            for d in donors:
                if d in done:
                    continue
                if any(r == d and dd not in done for dd, r, _ in self.reversions):
                    continue
                left = qpre[d] - filled[d]
                for dd, r, k in self.reversions:
                    if dd != d:
                        continue
                    give = max(0, min(k, left))
                    out[d] += give
                    qpre[r] += give
                    left -= give
                done.add(d)
        return qpre, [qpre[p] - out[p] for p in range(self.n_p)]

    def accepts(self, p, newcomers, others, qpre):
        """Whether ``p`` keeps every applicant of ``newcomers`` among the best ``qpre[p]`` of them and ``others``."""
        ranks = self.prank[p]
        if any(a not in ranks for a in newcomers):
            return False
        pool = sorted([ranks.get(b, 10**9) for b in others] + [ranks[a] for a in newcomers])
        kept = pool[:qpre[p]]
        return all(ranks[a] in kept for a in newcomers)


def _seats(rules, primary, pgy1):
    seats = [[] for _ in range(rules.n_p)]  # (applicant, "primary" | "pgy1")
    for a in range(rules.n_a):
        if primary[a] != UNMATCHED:
            seats[primary[a]].append((a, "primary"))
        if pgy1[a] != UNMATCHED:
            seats[pgy1[a]].append((a, "pgy1"))
    return seats


def nrmp_blocking_brute(market: Market, primary, pgy1=None, parity_drop=None, _rules=None):
    """Blocking instances of an individually rational outcome, by direct use of the definitions.

    Returns ``(pairs, pgy1_pairs, couples, feasible)``: lists of
    ``(applicant, program)``, ``(applicant, PGY-1 program)`` and
    ``(couple, pair index)``, and whether every quota and even/odd request is
    respected.

    Examples
    --------
    >>> m = Market.from_lists({"Cy": ["City"]}, {"City": ["Ann", "Cy"], "Mercy": ["Bo"]},
    ...                       {"City": 1, "Mercy": 1}, couples={("Ann", "Bo"): [("City", "Mercy")]})
    >>> nrmp_blocking_brute(m, [0, -1, -1])
    ([], [], [(0, 0)], True)
    """
    rules = _rules or _Rules(market)
    primary = [int(x) for x in primary]
    pgy1 = [UNMATCHED] * rules.n_a if pgy1 is None else [int(x) for x in pgy1]
    drop = [0] * rules.n_p if parity_drop is None else [int(x) for x in parity_drop]
    base = [rules.cap[p] - drop[p] for p in range(rules.n_p)]
    seats = _seats(rules, primary, pgy1)
    filled = [len(s) for s in seats]
    qpre, quota = rules.quotas(filled, base)
    feasible = all(filled[p] <= quota[p] for p in range(rules.n_p))
    for p in range(rules.n_p):
        if rules.even_odd[p] == 1 and filled[p] % 2:
            feasible = False
        if rules.even_odd[p] == 2 and filled[p] % 2 == 0 and filled[p]:
            feasible = False

    def others_at(p, leaving):
        return [b for b, role in seats[p] if (b, role) not in leaving]

    pairs = []
    for a in range(rules.n_a):
        if a in rules.partner_of:
            continue
        lst = rules.alist[a]
        mine = lst.index(primary[a]) if primary[a] in lst else len(lst)
        for p in lst[:mine]:
            leaving = {(a, "primary"), (a, "pgy1")}
            if rules.accepts(p, [a], others_at(p, leaving), qpre):
                pairs.append((a, p))
    pg_pairs = []
    for a in range(rules.n_a):
        lst = rules.link.get((a, primary[a]))
        if lst is None:
            continue
        mine = lst.index(pgy1[a]) if pgy1[a] in lst else len(lst)
        for s in lst[:mine]:
            if rules.accepts(s, [a], others_at(s, {(a, "pgy1")}), qpre):
                pg_pairs.append((a, s))
    couples = []
    for c, (m1, m2, jl) in enumerate(rules.couples):
        cur = (primary[m1], primary[m2])
        mine = jl.index(cur) if cur in jl else len(jl)
        for k, (x, y) in enumerate(jl[:mine]):
            new = {m1: x, m2: y}
            leaving = set()
            for b in (m1, m2):
                if new[b] != primary[b]:
                    leaving |= {(b, "primary"), (b, "pgy1")}
                else:
                    leaving.add((b, "primary"))  # counted among the newcomers below
            ok = True
            for p in {x, y} - {UNMATCHED}:
                movers = [b for b in (m1, m2) if new[b] == p]
                if len(movers) == 1 and primary[movers[0]] == p:
                    continue  # a partner who keeps its program needs no consent
                if not rules.accepts(p, movers, others_at(p, leaving), qpre):
                    ok = False
                    break
            if ok:
                couples.append((c, k))
    return pairs, pg_pairs, couples, feasible


def nrmp_stable_outcomes_brute(market: Market, parity_drop=None, max_outcomes: int = MAX_OUTCOMES):
    """Every stable outcome of a tiny market, found by enumeration; it may be that none exists.

    Parameters
    ----------
    market : Market
        A tiny market, plain or with extensions.
    parity_drop : array_like of int, optional
        Positions withdrawn for even/odd requests (from an
        :class:`~matchsim.engine.nrmp.NRMPResult`, or by hand): the oracle
        finds the stable outcomes given these quotas.
    max_outcomes : int
        Refuse (``ValueError``, with the count) above this many candidates.

    Returns
    -------
    NRMPBruteForce
        ``.outcomes`` (possibly empty: then ``str()`` says that no stable
        matching exists), ``.exists``.

    Examples
    --------
    A couple and a single whose wishes go round in a circle: no stable
    matching exists (Roth 1984's kind of example).

    >>> m = Market.from_lists(
    ...     {"S": ["X", "Y"]},
    ...     {"X": ["A", "S"], "Y": ["S", "B"]},
    ...     {"X": 1, "Y": 1},
    ...     couples={("A", "B"): [("X", "Y")]})
    >>> print(nrmp_stable_outcomes_brute(m))
    no stable matching exists (6 candidate outcomes examined)
    """
    rules = _Rules(market)
    options = []  # per applicant or couple: list of {applicant: primary}
    for a in range(rules.n_a):
        if a in rules.partner_of:
            continue
        opts = [p for p in rules.alist[a] if a in rules.prank[p]] + [UNMATCHED]
        options.append([{a: p} for p in opts])
    for m1, m2, jl in rules.couples:
        opts = [(x, y) for x, y in jl
                if (x == UNMATCHED or m1 in rules.prank[x]) and (y == UNMATCHED or m2 in rules.prank[y])]
        options.append([{m1: x, m2: y} for x, y in opts] + [{m1: UNMATCHED, m2: UNMATCHED}])
    n_primary = 1
    for o in options:
        n_primary *= len(o)
    if n_primary > max_outcomes:
        raise ValueError(f"{n_primary} candidate outcomes: too many to enumerate (limit {max_outcomes})")
    found, examined = [], 0
    for combo in itertools.product(*options):
        primary = [UNMATCHED] * rules.n_a
        for d in combo:
            for a, p in d.items():
                primary[a] = p
        pg_opts = [rules.pgy1_options(a, primary[a]) if primary[a] != UNMATCHED else [UNMATCHED]
                   for a in range(rules.n_a)]
        for pg in itertools.product(*pg_opts):
            examined += 1
            if examined > max_outcomes:
                raise ValueError(f"more than {max_outcomes} candidate outcomes: too many to enumerate")
            pairs, pg_pairs, couples, feasible = nrmp_blocking_brute(market, primary, pg, parity_drop, rules)
            if feasible and not pairs and not pg_pairs and not couples:
                found.append((tuple(primary), tuple(pg)))
    return NRMPBruteForce(tuple(found), examined)
