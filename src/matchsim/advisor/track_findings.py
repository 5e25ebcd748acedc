"""Findings, checks and assumptions for advanced programs, supplemental lists and scaled chances.

The companions of :mod:`matchsim.advisor.findings` (single-year lists) and
:mod:`matchsim.advisor.checks`: every sentence here is built from the same
:class:`~matchsim.advisor.comparison.ListComparison` the tables show (or, for
the length of a supplemental list, from
:func:`matchsim.advisor.tracks.supplemental_curve` under the same model), and
every finding about a list names it.

Examples
--------
>>> from matchsim.io.rank_file import parse_rank_text
>>> from matchsim.advisor.advice import advise
>>> f = parse_rank_text("program,track,preference,chance,honest,supplemental\\n"
...                     "Rehab,advanced,1,50%,1,\\nPrelim,preliminary,1,50%,,1\\n")
>>> a = advise(f, samples=0, correlation=0.0)
>>> [x.kind for x in a.findings if x.kind in TRACK_FINDING_KINDS]
['reordering', 'complete path', 'without pgy1', 'supplemental length']
"""

from __future__ import annotations

import numpy as np

from matchsim.advisor.checks import check_lists, inversions
from matchsim.advisor.findings import Finding, pct, pct_pair
from matchsim.extensions import TRACKS
from matchsim.wording import join_names

__all__ = ["TRACK_FINDING_KINDS", "RARE", "track_findings", "supplemental_checks", "track_assumptions",
           "sensitivity_findings"]

#: The kinds of finding this module makes, in the order they appear.
TRACK_FINDING_KINDS = ("reordering", "complete path", "without pgy1", "no supplemental", "pgy1 on primary",
                       "supplemental order", "supplemental length", "supplemental unused", "chance scale")

#: "Advanced without a PGY-1 year" counts as rare below this chance (of all possible Matches).
RARE = 0.01


def _q(name):
    return f'"{name}"'


def track_findings(f, r, lists, truth, pgy1_on_primary, correlation) -> list:
    """Findings about advanced programs and supplemental lists (none for a file without them)."""
    t = r.tracks
    if t is None:
        return []
    out = []
    one = "possible Match" if r.method == "exact" else "simulated Match"
    where = one + "es"
    names = f.programs
    adv = f.is_advanced
    any_adv = [o for o in lists if any(adv[p] for p in o.programs)]
    out.append(Finding(None, "reordering",
                       "With advanced programs and supplemental lists, reordering still never helps: whatever "
                       "programs would take you, your true order gets you the best of them as your primary "
                       "program and, for an advanced one, the best PGY-1 program on your supplemental list "
                       f"that would take you (better than the true order: {pct(float(r.better.max()))} for "
                       "every list). Whether you match at all depends only on which programs you rank."))
    if any_adv:
        best = max(lists, key=lambda o: o.pgy1.p_complete)
        truth_list = next((o for o in lists if o.is_true_order), None)
        if truth_list is not None and pct_pair(best.pgy1.p_complete, truth_list.pgy1.p_complete) is None:
            best = truth_list  # a tie to within 0.01 percentage points: the true order
        shown = pct(best.pgy1.p_complete)
        versus = ""
        if truth_list is not None and truth_list is not best:
            pair = pct_pair(best.pgy1.p_complete, truth_list.pgy1.p_complete)
            shown, versus = pair[0], f", against {pair[1]} for your true order {_q(truth_list.name)}"
        others = [o for o in lists if o is not best and (o is not truth_list or not versus)]
        rest = join_names([f"{_q(o.name)} {pct(o.pgy1.p_complete)}" for o in others], limit=len(others))
        text = (f"If a complete training path matters most to you (a categorical position, or an advanced "
                f"one with its PGY-1 year), {_q(best.name)} gives you one most often: in {shown} of "
                f"{where}{versus}" + (f" ({rest})." if others else "."))
        if not best.is_true_order:
            text += (f" It does so by ranking differently from your true order, which still gives you the "
                     f"program you prefer in every {one}; if a complete path is what you want most, say so in "
                     "your true order (rank the programs as you really prefer them, counting what a missing "
                     "PGY-1 year would mean to you).")
        out.append(Finding(best.name, "complete path", text))
    for o in any_adv:
        wo = o.pgy1.p_advanced_without_pgy1
        if wo > 0:
            out.append(Finding(o.name, "without pgy1",
                               f"{_q(o.name)} matches you at an advanced program with no PGY-1 year in {pct(wo)} "
                               f"of {where}: you stay matched to the advanced program and need a PGY-1 year "
                               "from outside the Match (for example in SOAP, in Match week)."))
        bare = [p for p in o.programs.tolist() if adv[p] and o.pgy1.supplemental.get(p) is None]
        if bare:
            p_bare = float(sum(o.p_program[p] for p in bare))
            out.append(Finding(o.name, "no supplemental",
                               f"{_q(o.name)} ranks {join_names([names[p] for p in bare])} (advanced) with no "
                               f"supplemental list linked: a match there ({pct(p_bare)} of {where}) comes with no "
                               "PGY-1 year from the Match. Link a supplemental list of PGY-1 programs to "
                               f"{'it' if len(bare) == 1 else 'them'}."))
    for o in lists:
        on = [p for p in o.programs.tolist() if f.is_pgy1[p]]
        if on:
            out.append(Finding(o.name, "pgy1 on primary",
                               f"{_q(o.name)} ranks PGY-1 programs on its primary list "
                               f"({join_names([names[p] for p in on])}): a match there "
                               f"({pct(o.pgy1.p_pgy1_only)} of {where}) is a one-year position only, with no "
                               "categorical or advanced position. As a back-up below every program you want "
                               "more it can only add to your chance of matching; above one, it costs you that "
                               "program whenever both would take you."))
    pp = f.pgy1_preference
    for lname, s in f.supplemental.items():
        inv = inversions(pp, s)
        if inv:
            a, b = inv[0]
            more = f" (and {len(inv) - 1} more {'pair' if len(inv) == 2 else 'pairs'})" if len(inv) > 1 else ""
            out.append(Finding(lname, "supplemental order",
                               f"{_q(lname)} ranks {names[a]} above {names[b]}, which you prefer{more}: as on a "
                               "primary list, that never gets you a PGY-1 year you like more, and costs you "
                               f"{names[b]} whenever both would take you."))
    out += _length_findings(f, r, truth, correlation, where)
    return out


def _length_findings(f, r, truth, correlation, where):
    """How long each supplemental list must be to make "advanced without a PGY-1 year" rare."""
    from matchsim.advisor.tracks import supplemental_curve

    t = r.tracks
    out = []
    tru = r.truthful
    for i, (lname, s) in enumerate(f.supplemental.items()):
        linked = np.flatnonzero((f.link == i) & f.is_advanced)
        on_truth = [p for p in tru.tolist() if p in set(linked.tolist())]
        if not on_truth:
            if not any(np.isin(lst, linked).any() for lst in f.lists.values()):
                out.append(Finding(lname, "supplemental unused",
                                   f"{_q(lname)} is linked to no advanced program on your lists, so the Match "
                                   "never uses it: a supplemental list counts only while you hold an advanced "
                                   "position linked to it."))
            continue
        mask = np.where(np.isin(np.arange(f.n_programs), linked), t.tracks, 0).astype(np.int8)
        curve = supplemental_curve(f.chance, tru, s, mask, correlation)
        k = next((k for k in range(curve.size) if curve[k] < RARE), None)
        full = curve[-1]
        text = (f"{_q(lname)} ranks {s.size} PGY-1 {'program' if s.size == 1 else 'programs'}: with your true "
                f"order, you would match at an advanced program linked to it with no PGY-1 year in "
                f"{pct(full)} of possible Matches (without it: {pct(curve[0])}).")
        if k is None:
            text += (f" That stays above {pct(RARE)} even with the whole list: add PGY-1 programs you would "
                     "accept to make it rare.")
        elif k == 0:
            text += f" That is rare (below {pct(RARE)}) even with no PGY-1 program on it."
        else:
            before = f", {pct(curve[k - 1])} with {k - 1}" if k >= 1 else ""
            text += (f" Its first {k} {'program' if k == 1 else 'programs'} already bring it below {pct(RARE)} "
                     f"({pct(curve[k])} with {k}{before}); every further program can only lower it.")
        out.append(Finding(lname, "supplemental length", text))
    return out


def supplemental_checks(f) -> list:
    """List checks of the supplemental lists against the PGY-1 true order."""
    if not f.supplemental:
        return []
    written = None if f.written_preference is None else np.where(f.is_pgy1, f.written_preference, 0)
    return check_lists(f.programs, f.pgy1_preference, f.supplemental, written_ranks=f.supplemental_ranks,
                       written_preference=written, supplemental=True)


def track_assumptions(f, pgy1_on_primary, scales) -> list:
    """Sentences saying how advanced programs, PGY-1 back-ups and scaled chances are treated."""
    out = []
    if f.has_tracks:
        counts = {TRACKS[c]: int(np.count_nonzero(f.track_codes == c)) for c in range(len(TRACKS))}
        shown = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        out.append(f"Tracks: {shown}. With an advanced program your outcome is a pair: the program, and the "
                   "PGY-1 program that is first on the linked supplemental list among those that would take you "
                   "(each program takes you or not once, with the chance shown). Lists are compared first by "
                   "the program, then, for the same advanced program, by the PGY-1 year in your PGY-1 order.")
        if not f.link_given and f.supplemental and np.any(f.is_advanced):
            out.append(f'Your supplemental list "{next(iter(f.supplemental))}" is linked to every advanced '
                       "program on your lists (add a link column to say otherwise).")
    if pgy1_on_primary:
        out.append(f"A primary list ranks PGY-1 programs ({join_names([f.programs[p] for p in pgy1_on_primary])}), "
                   "so a PGY-1 year alone counts as better than not matching and worse than any categorical or "
                   "advanced program you would accept, in your PGY-1 order; your true order ends with them.")
    if scales:
        out.append("--chance-scale: every chance multiplied by each factor; a chance above 100% after scaling "
                   "is treated as 100% (the program surely takes you).")
    return out


def sensitivity_findings(f, scales) -> list:
    """What scaling every chance changes (the chance of matching) and what it does not (the advice)."""
    if not scales:
        return []
    lo, hi = min(scales, key=lambda s: s.scale), max(scales, key=lambda s: s.scale)
    best = {s.best for s in scales}
    better = max(float(s.better.max()) for s in scales)
    name = next(iter(best)) if len(best) == 1 else None
    subject = _q(name) if name else "your complete true order"
    i = list(f.lists).index(name) if name else None

    def p(s):
        return s.p_match[i] if i is not None else s.true_order_p_match

    text = (f"With every chance multiplied by {lo.scale:g} to {hi.scale:g}, your chance of matching with "
            f"{subject} goes from {pct(p(lo))} to {pct(p(hi))}, but the advice does not change: at every scale "
            f"{subject} does at least as well as every other list in every possible Match (better: "
            f"{pct(better)}).")
    capped = sorted({c for s in scales for c in s.capped})
    if capped:
        text += f" At the largest scales some chances reach 100% ({join_names(capped)})."
    return [Finding(name, "chance scale", text)]

