"""A couple's joint rank lists under the menu model: each partner's chances, pairs, "No Match" pairs.

The model
---------
Each program on your list takes you with its chance, each on your partner's
takes your partner with its chance; within one person the decisions are
correlated as in :mod:`matchsim.advisor.menu` (one common factor per person),
and the two of you are judged independently. A pair ``(x, y)`` of the joint
list is *available* when ``x`` would take you (or is "No Match") and ``y``
would take your partner (or is "No Match"). The model gives the couple the
first available pair on the joint list, or leaves both unmatched.

What it does not say
--------------------
For a single applicant the menu is fixed by the others' lists, so her true
order is always her best list (Dubins & Freedman 1981; Roth 1982). For a
couple that argument breaks: the couple's own application can set off chains
of rejections that change which pairs would take them, and a stable match may
not exist at all (Roth 1984; Roth & Peranson 1999; Kojima, Pathak & Roth
2013). Under the model above the true joint order still does at least as well
as any other joint list in every sampled Match (that is what the model
assumes); only the full NRMP algorithm in simulated markets (``--market``)
shows how often reordering or truncating a joint list would really have done
better.

The figures are sampled (Monte Carlo, seeded), every joint list read off the
*same* sampled menus (common random numbers).

Examples
--------
>>> import numpy as np
>>> r = compare_joint_lists([0.5], [0.5], {"both": np.array([[0, 0], [0, -1]])}, "both",
...                         correlation=0.0, n_samples=20_000, rng=1)
>>> got = np.append(r.lists[0].p_pair, r.lists[0].p_unmatched)  # both 1/4, then "only you" 1/4, none 1/2
>>> bool(np.abs(got - [0.25, 0.25, 0.5]).max() < 0.02)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.advisor.defaults import DEFAULT_CORRELATION, DEFAULT_SAMPLES
from matchsim.extensions import NO_MATCH

__all__ = ["JointOutcome", "JointComparison", "compare_joint_lists", "joint_outcomes", "joint_versus"]


@dataclass(frozen=True, eq=False)
class JointOutcome:
    """One joint list's figures.

    Attributes
    ----------
    name : str
    pairs : ndarray of int64, shape (k, 2)
        Your program and your partner's, ``NO_MATCH`` (-1) for "No Match".
    p_pair : ndarray of float64, shape (k,)
        Chance of ending on each pair.
    p_unmatched : float
        Chance that no pair is available (both unmatched).
    p_me, p_partner : float
        Chance that you (your partner) match.
    p_both : float
        Chance that both of you match.
    p_no_match_pair : float
        Chance of ending on a pair with "No Match" for one of you.
    p_me_program, p_partner_program : ndarray of float64
        Chance of each of your (your partner's) programs.
    worse, same, better : float
        Against the true joint order on the same Match (a pair not on it
        counts as worse than staying unmatched).
    is_true_order : bool
    """

    name: str
    pairs: np.ndarray
    p_pair: np.ndarray
    p_unmatched: float
    p_me: float
    p_partner: float
    p_both: float
    p_no_match_pair: float
    p_me_program: np.ndarray
    p_partner_program: np.ndarray
    worse: float
    same: float
    better: float
    is_true_order: bool


@dataclass(frozen=True, eq=False)
class JointComparison:
    """Every joint list's figures, sampled on common random numbers."""

    lists: tuple
    true_order: str
    n_samples: int
    correlation: float
    method: str = "sample"


def joint_outcomes(me_menus, partner_menus, pairs) -> np.ndarray:
    """Index of the first available pair of ``pairs`` in each sampled Match (``len(pairs)`` = none).

    Examples
    --------
    >>> joint_outcomes(np.array([[True], [False]]), np.array([[True], [True]]), np.array([[0, 0], [-1, 0]])).tolist()
    [0, 1]
    """
    x, y = pairs[:, 0], pairs[:, 1]
    ok_x = np.where(x >= 0, me_menus[:, np.maximum(x, 0)], True)
    ok_y = np.where(y >= 0, partner_menus[:, np.maximum(y, 0)], True)
    avail = ok_x & ok_y
    first = avail.argmax(axis=1)
    return np.where(avail.any(axis=1), first, len(pairs))


def joint_versus(outcome, pairs, true_pairs, true_outcome):
    """Worse / same / better of each sampled Match against the true joint order (shares)."""
    pos = {tuple(p): i for i, p in enumerate(true_pairs.tolist())}
    n_true = len(true_pairs)
    u = np.array([pos.get(tuple(p), n_true + 1) for p in pairs.tolist()] + [n_true])
    ut = np.append(np.arange(n_true), n_true)
    d = u[outcome] - ut[true_outcome]
    n = outcome.size
    return np.count_nonzero(d > 0) / n, np.count_nonzero(d == 0) / n, np.count_nonzero(d < 0) / n


def compare_joint_lists(me_chance, partner_chance, joint, true_order, correlation=DEFAULT_CORRELATION,
                        n_samples=DEFAULT_SAMPLES, rng=None) -> JointComparison:
    """Each joint list's outcome distribution under the couple's menu model (see the module docstring).

    Parameters
    ----------
    me_chance, partner_chance : array_like of float
        Chance that each of your (your partner's) programs would take you (them).
    joint : dict of str -> ndarray of int64, shape (k, 2)
        The joint lists (``NO_MATCH`` = -1 for "No Match").
    true_order : str
        The joint list that is the couple's true joint order.
    correlation : float
        Within each person, as in :mod:`matchsim.advisor.menu`.
    n_samples : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    JointComparison
    """
    from matchsim.advisor.menu import sample_menus, validate_model

    c1, rho = validate_model(me_chance, correlation)
    c2, _ = validate_model(partner_chance, correlation)
    n_samples = int(n_samples)
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    if true_order not in joint:
        raise ValueError(f"true_order {true_order!r} is not one of the joint lists")
    for name, pairs in joint.items():
        p = np.asarray(pairs)
        if p.ndim != 2 or p.shape[1] != 2 or p.shape[0] == 0:
            raise ValueError(f"joint list {name!r} must be a (k, 2) array of program ids")
        if (p[:, 0] >= c1.size).any() or (p[:, 1] >= c2.size).any() or (p < NO_MATCH).any():
            raise ValueError(f"joint list {name!r} names a program id outside its partner's programs")
    rng = np.random.default_rng(rng)
    me_m = sample_menus(c1, n_samples, rho, rng)
    pa_m = sample_menus(c2, n_samples, rho, rng)
    tp = np.asarray(joint[true_order], dtype=np.int64)
    t_out = joint_outcomes(me_m, pa_m, tp)
    out = []
    for name, pairs in joint.items():
        pairs = np.asarray(pairs, dtype=np.int64)
        o = joint_outcomes(me_m, pa_m, pairs)
        counts = np.bincount(o, minlength=len(pairs) + 1) / n_samples
        p_pair, p_un = counts[:-1], float(counts[-1])
        x, y = pairs[:, 0], pairs[:, 1]
        me_prog = np.bincount(x[x >= 0], weights=p_pair[x >= 0], minlength=c1.size)
        pa_prog = np.bincount(y[y >= 0], weights=p_pair[y >= 0], minlength=c2.size)
        w, s, b = (float(v) for v in joint_versus(o, pairs, tp, t_out))
        out.append(JointOutcome(
            name, pairs, p_pair, p_un, float(p_pair[x >= 0].sum()), float(p_pair[y >= 0].sum()),
            float(p_pair[(x >= 0) & (y >= 0)].sum()), float(p_pair[(x < 0) | (y < 0)].sum()),
            me_prog, pa_prog, w, s, b, name == true_order))
    return JointComparison(tuple(out), true_order, n_samples, rho)


@dataclass(frozen=True, eq=False)
class CoupleAdvice:
    """Everything ``matchsim compare mylist.csv --couple partner.csv`` shows.

    Attributes
    ----------
    couple : CoupleFiles
        What was read (:func:`matchsim.io.couple_file.read_couple_files`).
    comparison : JointComparison
    findings : tuple of Finding
    assumptions : tuple of str
    seed : int or None
    market : object or None
        With ``--market``: what the NRMP algorithm with couples found.
    """

    couple: object
    comparison: JointComparison
    findings: tuple
    assumptions: tuple
    seed: int | None = None
    market: object = None

    @property
    def lists(self) -> tuple:
        return self.comparison.lists

    @property
    def method(self) -> str:
        return self.comparison.method


def couple_findings(couple, comparison) -> list:
    """Plain-language findings for a couple's joint lists (each names its list)."""
    from matchsim.advisor.findings import Finding, pct

    out = [Finding(None, "couples",
                   "With couples the Match no longer guarantees that your true joint order is your best list: "
                   "your own joint application can set off chains of rejections that change which pairs would "
                   "take you, and a stable match may not even exist (Roth & Peranson 1999; Kojima, Pathak & "
                   "Roth 2013). The figures here use the menu model, in which each program takes each of you "
                   "with the chance shown and you get the first pair on your list where both programs would "
                   "take you; under that model your true joint order does at least as well as any other list. "
                   "How the NRMP algorithm itself behaves is what --market simulates.")]
    where = "sampled Matches"
    me, him = couple.me.programs, couple.partner.programs
    for o in comparison.lists:
        q = f'"{o.name}"'
        out.append(Finding(o.name, "couple chances",
                           f"{q} matches you in {pct(o.p_me)} of {where} and your partner in {pct(o.p_partner)}; "
                           f"both of you in {pct(o.p_both)}, neither in {pct(o.p_unmatched)}."))
        if o.p_no_match_pair > 0:
            nm = [i for i, (x, y) in enumerate(o.pairs.tolist()) if x < 0 or y < 0]
            worst = max(nm, key=lambda i: o.p_pair[i])
            x, y = o.pairs[worst]
            label = f"({'No Match' if x < 0 else me[x]}, {'No Match' if y < 0 else him[y]})"
            out.append(Finding(o.name, "no match pairs",
                               f"{q} ends on a pair with No Match for one of you in {pct(o.p_no_match_pair)} of "
                               f"{where}, most often {label} ({pct(o.p_pair[worst])}): one of you then matches "
                               "alone and the other goes unmatched (or into SOAP)."))
        if not o.is_true_order:
            out.append(Finding(o.name, "couple overall",
                               f"Under the menu model, {q} gives you a pair you like less than your true joint "
                               f'order "{comparison.true_order}" in {pct(o.worse)} of {where}, the same pair in '
                               f"{pct(o.same)}, and a better one in {pct(o.better)}."))
    return out


def couple_assumptions(couple, comparison) -> list:
    from matchsim.advisor.findings import assumption_notes
    from matchsim.advisor.signals import SIGNAL_SOURCE

    out = [f'Your true joint order is the joint list "{comparison.true_order}" (a joint list named "true '
           'order" or "preference" is taken as it; otherwise the first). A pair not on it counts as worse '
           "than staying unmatched."]
    for who, f in (("your", couple.me), ("your partner's", couple.partner)):
        out += [line.replace("Assumption: ", f"Assumption ({who} programs): ", 1) for line in
                assumption_notes(f.programs, f.chance, f.chance_given, f.signal, SIGNAL_SOURCE)]
    out.append(f"Menu model for a couple: within each of you programs decide with correlation "
               f"{comparison.correlation:g}; the two of you are judged independently; "
               f"{comparison.n_samples:,} sampled Matches, every joint list on the same ones.")
    return out


def advise_couple(couple, *, correlation=DEFAULT_CORRELATION, samples=DEFAULT_SAMPLES, seed=0, market=None,
                  progress=None) -> CoupleAdvice:
    """Compare a couple's joint lists: figures, findings and assumptions (see the module docstring).

    With ``market`` (a :class:`~matchsim.advisor.advice.MarketSettings`), also run every joint list and
    the variants of the true joint order through the NRMP algorithm with couples in simulated markets
    (:mod:`matchsim.advisor.couple_market`).
    """
    samples = int(samples)
    if samples < 1:
        raise ValueError(f"a couple's figures are sampled: samples must be at least 1, got {samples}")
    comp = compare_joint_lists(couple.me.chance, couple.partner.chance, couple.joint, couple.true_order,
                               correlation, samples, seed)
    findings = couple_findings(couple, comp)
    summary = None
    if market is not None:
        from matchsim.advisor.couple_market import simulate_couple_markets

        run = simulate_couple_markets(couple.me.chance, couple.partner.chance, couple.joint, couple.true_order,
                                      n_applicants=market.applicants, n_markets=market.markets,
                                      correlation=correlation, rng=seed, progress=progress)
        summary = couple_market_summary(run)
        findings += couple_market_findings(run, comp.true_order)
    return CoupleAdvice(couple, comp, tuple(findings), tuple(couple_assumptions(couple, comp)), seed, summary)


def couple_market_summary(run) -> dict:
    """The JSON-ready summary of what the NRMP algorithm did (``CoupleAdvice.market``)."""
    def vs(ranks):
        w, s, b = run.versus(ranks)
        return {"worse": float(w), "same": float(s), "better": float(b)}

    return {
        "markets": run.markets,
        "runs_not_stable": run.unstable,
        "any_variant_better": run.any_better,
        "lists": [{"name": n, **vs(run.list_rank[i])} for i, n in enumerate(run.lists)],
        "families": [{"family": fam, "variants": int(k), "worse": float(w), "same": float(s), "better": float(b),
                      "mean_worse": mw, "mean_same": ms, "mean_better": mb}
                     for fam, (k, w, s, b, mw, ms, mb) in run.families().items()],
        "variants": [{"family": f, "label": label, **vs(run.variant_rank[i])}
                     for i, (f, label) in enumerate(run.variants)],
    }


def couple_market_findings(run, true_order) -> list:
    from matchsim.advisor.findings import Finding, pct

    fam = run.families()
    n_var = len(run.variants)
    parts = "; ".join(f"one of its {k} {name}{'s' if k != 1 else ''} is worse in {pct(mw)} of markets on average "
                      f"and better in {pct(mb)}; the best of them better in {pct(b)}"
                      for name, (k, w, s, b, mw, ms, mb) in fam.items())
    text = (f"In {run.markets:,} simulated markets run with the NRMP algorithm with couples, some reordering or "
            f'truncation of "{true_order}" ({n_var} tried in each market) did better than it in '
            f"{pct(run.any_better)} of markets. By kind, against your true joint order: {parts}.")
    if run.unstable:
        text += (f" In {run.unstable:,} markets some run did not end in a stable match (a loop the algorithm could "
                 "not resolve), as can happen with couples.")
    return [Finding(true_order, "couple market", text)]


def couple_to_json(advice) -> dict:
    """The couple's advice as a JSON-ready dict (``--json`` with ``--couple``)."""
    c = advice.couple
    me, him = c.me.programs, c.partner.programs

    def side(names, f):
        return [{"name": names[j], "preference": int(f.preference[j]) or None, "chance": float(f.chance[j]),
                 "chance_assumed": bool(not f.chance_given[j]), "signal": f.signal[j]} for j in range(len(names))]

    return {
        "file": c.me.source,
        "partner_file": c.partner.source,
        "method": advice.method,
        "correlation": advice.comparison.correlation,
        "samples": advice.comparison.n_samples,
        "seed": advice.seed,
        "my_programs": side(me, c.me),
        "partner_programs": side(him, c.partner),
        "true_joint_order": advice.comparison.true_order,
        "joint_lists": [{
            "name": o.name,
            "pairs": [{"me": None if x < 0 else me[x], "partner": None if y < 0 else him[y],
                       "p": float(o.p_pair[i])} for i, (x, y) in enumerate(o.pairs.tolist())],
            "p_unmatched": o.p_unmatched, "p_me": o.p_me, "p_partner": o.p_partner, "p_both": o.p_both,
            "p_no_match_pair": o.p_no_match_pair,
            "p_my_program": {me[j]: float(v) for j, v in enumerate(o.p_me_program)},
            "p_partner_program": {him[j]: float(v) for j, v in enumerate(o.p_partner_program)},
            "worse": o.worse, "same": o.same, "better": o.better, "is_true_order": o.is_true_order,
        } for o in advice.lists],
        "findings": [{"list": x.list_name, "kind": x.kind, "text": x.text} for x in advice.findings],
        "assumptions": list(advice.assumptions),
        **({"market": advice.market} if advice.market is not None else {}),
    }
