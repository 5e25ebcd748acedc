"""Plain-language findings: what the numbers mean for the applicant.

Every sentence is built from a :class:`~matchsim.advisor.menu.ListComparison`,
so each percentage in it is a probability the table also shows (or a joint
probability: "both would take you, and this list sends you to A instead of
B" is ``P(list gives A and the true order gives B)`` on the same menu).
Every finding about a list names it, and a sentence that compares two figures
prints them with as many decimals as it takes to tell them apart (never
"from 73% to 73%").

Examples
--------
>>> import numpy as np
>>> from matchsim.advisor.menu import compare_lists
>>> r = compare_lists([0.5, 0.5], [1, 2], {"true": [0, 1], "swap": [1, 0], "only B": [1]}, 0.0)
>>> for f in list_findings(("A", "B"), r)[:4]:
...     print(f.text)
"true" is your true order, with every program you would accept: in every possible Match it does at least as well as any other list. Submit it.
Ranking order does not change your chance of matching at all: "swap" ranks the same programs as your true order, so both match you 75% of the time. Only where you match changes, and only for the worse.
"swap" sends you to B in 50% of possible Matches instead of 25%. That is no gain: in each of the 25% of possible Matches where it sends you there and your true order does not, a program you prefer would have taken you.
Moving B above A never helps: in 25% of possible Matches both would take you, and "swap" sends you to B instead of A.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.advisor.checks import inversions
from matchsim.wording import join_names

__all__ = ["Finding", "FINDING_KINDS", "list_findings", "assumption_notes", "pct", "pct_pair"]

#: Every kind of finding, in the order they appear for a list.
FINDING_KINDS = ("true order", "order only", "left off", "unacceptable", "pushed", "swap",
                 "more swaps", "unacceptable share", "overall", "no true order", "signal",
                 # advanced programs, supplemental lists and scaled chances (matchsim.advisor.track_findings)
                 "reordering", "complete path", "without pgy1", "no supplemental", "pgy1 on primary",
                 "supplemental order", "supplemental length", "supplemental unused", "chance scale",
                 # couples (matchsim.advisor.couples)
                 "couples", "couple chances", "no match pairs", "couple overall", "couple market")


@dataclass(frozen=True)
class Finding:
    """One plain-language sentence.

    Attributes
    ----------
    list_name : str or None
        The list it is about (its text names it), or None for a finding about
        all lists or about a program's message.
    kind : str
        One of :data:`FINDING_KINDS`.
    text : str
    """

    list_name: str | None
    kind: str
    text: str


def pct(x: float) -> str:
    """A probability as a short percentage.

    Examples
    --------
    >>> [pct(v) for v in (0.0, 0.0004, 0.004, 0.0999999, 0.123, 0.995, 0.9996, 1.0)]
    ['0%', '<0.1%', '0.4%', '10%', '12%', '99.5%', '>99.9%', '100%']
    """
    v = 100 * float(x)
    if v <= 0:
        return "0%"
    if v >= 100:
        return "100%"
    if v < 0.1:
        return "<0.1%"
    if v > 99.9:
        return ">99.9%"
    if v < 9.95 or v >= 99.05:  # one decimal where whole percent would hide the difference
        return f"{v:.1f}%"
    return f"{v:.0f}%"


def pct_pair(a: float, b: float):
    """Two probabilities as percentages that can be told apart, or None if they are equal.

    Whole percents where they differ, else one or two decimals.

    Examples
    --------
    >>> pct_pair(0.733, 0.731), pct_pair(0.75, 0.7503), pct_pair(0.5, 0.25), pct_pair(0.5, 0.5)
    (('73.3%', '73.1%'), ('75.00%', '75.03%'), ('50%', '25%'), None)
    """
    sa, sb = pct(a), pct(b)
    if sa != sb:
        return sa, sb
    for digits in (1, 2):
        sa, sb = f"{100 * float(a):.{digits}f}%", f"{100 * float(b):.{digits}f}%"
        if sa != sb:
            return sa, sb
    return None


def _from_to(a, b):
    pair = pct_pair(a, b)
    return None if pair is None else f"from {pair[0]} to {pair[1]}"


def list_findings(programs, comparison, signal=None, chance=None, chance_given=None,
                  max_swaps=3) -> list[Finding]:
    """Plain-language findings for every candidate list.

    Parameters
    ----------
    programs : sequence of str
        Program names.
    comparison : ListComparison
        The computed outcome distributions.
    signal : sequence of str or None, optional
        Canonical signal per program; programs that said "ranked highly" or
        "ranked to match" get a sentence about what such a statement can and
        cannot do.
    chance : ndarray, optional
        Chance used for each program (for the signal sentences).
    chance_given : ndarray of bool, optional
        Whether each chance was given (False = assumed from the signal).
    max_swaps : int
        At most this many swapped pairs are spelled out per list.

    Returns
    -------
    list of Finding
        Grouped by list, in :data:`FINDING_KINDS` order within a list.
    """
    r = comparison
    pref = r.preference
    truthful = r.truthful
    tset = set(truthful.tolist())
    one = "possible Match" if r.method == "exact" else "simulated Match"
    where = one + "es"
    pm_t = r.truthful_p_match
    out = []
    best = None

    def say(name, kind, text):
        out.append(Finding(name, kind, text))

    for i, (name, ranked) in enumerate(zip(r.names, r.lists)):
        q = f'"{name}"'
        lset = set(ranked.tolist())
        worse = float(r.worse[i])
        if np.array_equal(ranked, truthful):
            say(name, "true order", f"{q} is your true order, with every program you would accept: in "
                f"every {one} it does at least as well as any other list. Submit it.")
            best = best or name
            continue
        dropped = [p for p in truthful if p not in lset]
        extra = [p for p in ranked if pref[p] == 0]
        pm = float(r.p_match[i])
        change = _from_to(pm_t, pm)
        if lset == tset:
            say(name, "order only",
                f"Ranking order does not change your chance of matching at all: {q} ranks the same "
                f"programs as your true order, so both match you {pct(pm_t)} of the time. Only where "
                "you match changes, and only for the worse.")
        elif dropped:
            names = join_names([programs[p] for p in dropped])
            if extra:
                added = join_names([programs[p] for p in extra])
                effect = ("leaves your chance of matching at " + pct(pm) if change is None else
                          f"{'raises' if pm > pm_t else 'lowers'} your chance of matching {change}")
                say(name, "left off", f"{q} leaves {names} off and adds {added}: that {effect}.")
            elif change is None:
                say(name, "left off", f"{q} leaves {names} off: your chance of matching stays at "
                    f"{pct(pm)}, but a program you left off may be the one that would have taken you.")
            else:
                slightly = " only slightly," if pct(pm) == pct(pm_t) else ""
                say(name, "left off",
                    f"{q} leaves {names} off: that lowers your chance of matching{slightly} {change}.")
        elif extra:
            added = join_names([programs[p] for p in extra])
            if change is None:
                say(name, "unacceptable", f"{q} adds {added}, where you said you would rather not go; "
                    f"your chance of matching stays at {pct(pm)}.")
            else:
                say(name, "unacceptable", f"{q} adds {added}, where you said you would rather not go: "
                    f"that raises your chance of matching {change}, but only by matching you there.")
        inv = inversions(pref, ranked)
        if inv:
            # the program this list pushes you towards most: every extra Match there is a loss,
            # because the true order only passes it over for a program you prefer
            gain = r.prob[i, :-1] - r.truthful_prob[:-1]
            up = int(np.argmax(np.where(pref > 0, gain, -np.inf)))
            moved = float(r.joint[i, up].sum() - r.joint[i, up, up])
            pair = pct_pair(r.prob[i, up], r.truthful_prob[up])
            if gain[up] >= 0.005 and any(a == up for a, _ in inv) and pair is not None:
                say(name, "pushed",
                    f"{q} sends you to {programs[up]} in {pair[0]} of {where} instead of {pair[1]}. That "
                    f"is no gain: in each of the {pct(moved)} of {where} where it sends you there and "
                    "your true order does not, a program you prefer would have taken you.")
        swaps = sorted(((r.pair_loss(i, a, b), a, b) for a, b in inv), reverse=True)
        shown = [s for s in swaps if s[0] >= 0.0005][:max_swaps]
        for loss, a, b in shown:
            say(name, "swap", f"Moving {programs[a]} above {programs[b]} never helps: in {pct(loss)} of "
                f"{where} both would take you, and {q} sends you to {programs[a]} instead of "
                f"{programs[b]}.")
        if len(swaps) > len(shown) and shown:
            more = len(swaps) - len(shown)
            say(name, "more swaps", f'{q} swaps {more} more {"pair" if more == 1 else "pairs"} of '
                "programs against your true order; each swap can only cost you, never gain.")
        if extra:
            p_bad = float(r.prob[i, extra].sum())
            say(name, "unacceptable share", f"{q} sends you to a program you would rather not match at "
                f"in {pct(p_bad)} of {where}.")
        say(name, "overall", f"Overall, {q} gives you a program you like less than your true order does "
            f"in {pct(worse)} of {where}, the same outcome in {pct(float(r.same[i]))}, and a better one "
            f"in {pct(float(r.better[i]))}.")
    if best is None:
        say(None, "no true order",
            f"None of your lists is your complete true order. Ranking all {len(truthful)} programs you "
            f"would accept in your true order does at least as well as every one of them in every {one} "
            f"(chance of matching {pct(pm_t)}).")
    if signal is not None:
        for p, s in enumerate(signal):
            if s not in ("ranked highly", "ranked to match"):
                continue
            said = "you will be ranked highly" if s == "ranked highly" else "you are ranked to match"
            note = ""
            if chance is not None:
                note = f" (we used {100 * chance[p]:.1f}%"
                note += ", an assumption)" if chance_given is not None and not chance_given[p] else ")"
            say(None, "signal",
                f'{programs[p]} told you "{said}". That may say something about your chance '
                f"there{note}, but it does not change the algorithm: if {programs[p]} would take you, it "
                "takes you wherever you rank it. Ranking it higher matters only when a program you "
                "prefer would also take you, and then it costs you that program.")
    return out


def assumption_notes(programs, chance, chance_given, signal, source) -> list[str]:
    """Sentences saying which chances are assumptions, and where the defaults come from.

    Examples
    --------
    >>> import numpy as np
    >>> assumption_notes(("A", "B"), np.array([0.3, 0.059]), np.array([True, False]),
    ...                  ("none", "none"), "Moran et al. 2019")
    ['Assumption: you gave no chance for B, so we used 5.9% from what the program told you ("none"). Source: Moran et al. 2019. Write your own estimates in the chance column to replace it.']
    """
    missing = [p for p in range(len(programs)) if not chance_given[p]]
    if not missing:
        return []
    parts = [f'{programs[p]}, so we used {100 * chance[p]:.1f}% from what the program told you ("{signal[p]}")'
             if signal[p] is not None else
             f"{programs[p]} (no message recorded), so we used {100 * chance[p]:.1f}%, the figure for a "
             "program that sent none"
             for p in missing]
    if len(parts) == 1:
        body = parts[0]
    else:
        body = "; ".join(parts[:-1]) + "; and " + parts[-1]
    plural = "them" if len(missing) > 1 else "it"
    return [f"Assumption: you gave no chance for {body}. Source: {source}. Write your own "
            f"estimates in the chance column to replace {plural}."]
