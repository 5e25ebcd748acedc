"""Plain-language findings: what the numbers mean for the applicant.

Every sentence is built from a :class:`~matchsim.advisor.menu.ListComparison`,
so each percentage in it is a probability the table also shows (or a joint
probability: "both would take you, and this list sends you to A instead of
B" is ``P(list gives A and the true order gives B)`` on the same menu).

Examples
--------
>>> import numpy as np
>>> from matchsim.advisor.menu import compare_lists
>>> r = compare_lists([0.5, 0.5], [1, 2], {"true": [0, 1], "swap": [1, 0], "only B": [1]}, 0.0)
>>> for line in list_findings(("A", "B"), r)[:4]:
...     print(line)
"true" is your true order, with every program you would accept: in every possible Match it does at least as well as any other list. Submit it.
Ranking order does not change your chance of matching at all: "swap" ranks the same programs as your true order, so both match you 75% of the time. Only where you match changes, and only for the worse.
"swap" sends you to B in 50% of possible Matches instead of 25%. That is no gain: in each of the 25% of possible Matches where it sends you there and your true order does not, a program you prefer would have taken you.
Moving B above A never helps: in 25% of possible Matches both would take you, and "swap" sends you to B instead of A.
"""

from __future__ import annotations

import numpy as np

from matchsim.advisor.checks import inversions
from matchsim.wording import join_names

__all__ = ["list_findings", "assumption_notes", "pct"]


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


def list_findings(programs, comparison, signal=None, chance=None, chance_given=None,
                  max_swaps=3) -> list[str]:
    """Plain-language findings for every candidate list.

    Parameters
    ----------
    programs : sequence of str
        Program names.
    comparison : ListComparison
        The computed outcome distributions.
    signal : sequence of str, optional
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
    list of str
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
    for i, (name, ranked) in enumerate(zip(r.names, r.lists)):
        lset = set(ranked.tolist())
        worse = float(r.worse[i])
        if np.array_equal(ranked, truthful):
            out.append(f'"{name}" is your true order, with every program you would accept: in every '
                       f"{one} it does at least as well as any other list. Submit it.")
            best = best or name
            continue
        dropped = [p for p in truthful if p not in lset]
        extra = [p for p in ranked if pref[p] == 0]
        pm = float(r.p_match[i])
        if lset == tset:
            out.append(f"Ranking order does not change your chance of matching at all: \"{name}\" "
                       f"ranks the same programs as your true order, so both match you {pct(pm_t)} "
                       "of the time. Only where you match changes, and only for the worse.")
        elif dropped:
            names = join_names([programs[p] for p in dropped])
            if extra:
                change = (f"leaves your chance of matching at {pct(pm)}" if pct(pm) == pct(pm_t) else
                          f"changes your chance of matching from {pct(pm_t)} to {pct(pm)}")
                out.append(f"Leaving {names} off while adding "
                           f"{join_names([programs[p] for p in extra])} {change}.")
            elif pct(pm) == pct(pm_t):
                out.append(f"Leaving {names} off lowers your chance of matching only slightly, "
                           f"from {pm_t:.1%} to {pm:.1%}.")
            else:
                out.append(f"Leaving {names} off lowers your chance of matching from {pct(pm_t)} "
                           f"to {pct(pm)}.")
        elif extra:
            out.append(f"Adding {join_names([programs[p] for p in extra])} raises your chance of "
                       f"matching from {pct(pm_t)} to {pct(pm)}, but only by matching you where you "
                       "said you would rather not go.")
        inv = inversions(pref, ranked)
        if inv:
            # the program this list pushes you towards most: every extra Match there is a loss,
            # because the true order only passes it over for a program you prefer
            gain = r.prob[i, :-1] - r.truthful_prob[:-1]
            up = int(np.argmax(np.where(pref > 0, gain, -np.inf)))
            moved = float(r.joint[i, up].sum() - r.joint[i, up, up])
            if gain[up] >= 0.005 and any(a == up for a, _ in inv):
                out.append(f'"{name}" sends you to {programs[up]} in {pct(r.prob[i, up])} of {where} '
                           f"instead of {pct(r.truthful_prob[up])}. That is no gain: in each of the "
                           f"{pct(moved)} of {where} where it sends you there and your true order "
                           "does not, a program you prefer would have taken you.")
        swaps = sorted(((r.pair_loss(i, a, b), a, b) for a, b in inv), reverse=True)
        shown = [s for s in swaps if s[0] >= 0.0005][:max_swaps]
        for loss, a, b in shown:
            out.append(f"Moving {programs[a]} above {programs[b]} never helps: in {pct(loss)} of "
                       f"{where} both would take you, and \"{name}\" sends you to {programs[a]} "
                       f"instead of {programs[b]}.")
        if len(swaps) > len(shown) and shown:
            more = len(swaps) - len(shown)
            out.append(f'"{name}" swaps {more} more {"pair" if more == 1 else "pairs"} of programs '
                       "against your true order; each swap can only cost you, never gain.")
        if extra:
            p_bad = float(r.prob[i, extra].sum())
            out.append(f'"{name}" sends you to a program you would rather not match at in '
                       f"{pct(p_bad)} of {where}.")
        out.append(f'Overall, "{name}" gives you a program you like less than your true order does in '
                   f"{pct(worse)} of {where}, the same outcome in {pct(float(r.same[i]))}, and a "
                   f"better one in {pct(float(r.better[i]))}.")
    if best is None:
        out.append(f"None of your lists is your complete true order. Ranking all {len(truthful)} "
                   "programs you would accept in your true order does at least as well as every "
                   f"one of them in every {one} (chance of matching {pct(pm_t)}).")
    if signal is not None:
        for p, s in enumerate(signal):
            if s not in ("ranked highly", "ranked to match"):
                continue
            said = "you will be ranked highly" if s == "ranked highly" else "you are ranked to match"
            note = ""
            if chance is not None:
                note = f" (we used {100 * chance[p]:.1f}%"
                note += ", an assumption)" if chance_given is not None and not chance_given[p] else ")"
            out.append(f'{programs[p]} told you "{said}". That may say something about your chance '
                       f"there{note}, but it does not change the algorithm: if {programs[p]} would "
                       "take you, it takes you wherever you rank it. Ranking it higher matters only "
                       "when a program you prefer would also take you, and then it costs you that "
                       "program.")
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
