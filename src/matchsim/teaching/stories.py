"""The teaching demos: small Matches, each told as a story with a point.

A :class:`Demo` is one lesson: a title, a lead, and :class:`View` s, each
holding one or two :class:`~matchsim.teaching.steps.Replay` s (two side by
side: truthful against strategic, alone against as a couple) and the
sentences that draw the conclusion. Every figure a sentence states is read
from a result the engine returned (:func:`~matchsim.engine.trace_match`,
:func:`~matchsim.engine.applicant_menu`, :func:`~matchsim.engine.nrmp_match`);
the tests check each claim against the engine once more.

* :func:`nrmp_demo`: the NRMP's worked example, then Anderson ranking every
  program he would accept and Brown ranking General.
* :func:`strategy_demo`: Dana moves the "friendly" program, which told her
  she was ranked to match, to the top of her list.
* :func:`couples_demo`: a couple who must both move to their second pair.
* :func:`advanced_demo`: a lost advanced position releases its PGY-1 year.
* :func:`market_demo`: any small market file.

Examples
--------
>>> d = nrmp_demo()
>>> [v.name for v in d.views]
['The Match', 'If Anderson ranked every program', 'If Brown ranked General']
>>> bool(d.views[1].panels[0].final.where[0] == d.views[1].panels[0].market.program_id("General"))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.datasets import NRMP_EXAMPLE_FULL_ANDERSON, nrmp_example
from matchsim.market import Market
from matchsim.teaching.steps import outcome_replay, replay
from matchsim.wording import join_names, ordinal

__all__ = ["Demo", "View", "DEMOS", "demo", "nrmp_demo", "strategy_demo", "couples_demo", "advanced_demo",
           "market_demo", "MAX_APPLICANTS"]

#: Largest market ``matchsim demo FILE`` replays (a demo is read step by step).
MAX_APPLICANTS = 200


@dataclass(frozen=True)
class View:
    """One part of a demo: one or two replays side by side and what they show.

    Attributes
    ----------
    name : str
        A short tab label.
    lead : tuple of str
        Sentences before the replays.
    panels : tuple of Replay
    after : tuple of str
        Sentences after: the point of the view.
    focus : int or None
        An applicant the story follows: the terminal tells only that
        applicant's steps, the page marks their card (``None``: every step).
    """

    name: str
    lead: tuple
    panels: tuple
    after: tuple = ()
    focus: int | None = None


@dataclass(frozen=True)
class Demo:
    """One lesson: a title, a lead and its views."""

    name: str
    title: str
    lead: tuple
    views: tuple


def _label(market, p):
    return market.program_label(int(p)) if p >= 0 else "no program"


def _changes(market, before, after, skip):
    """Sentences naming every other applicant whose match differs between two assignments."""
    out = []
    for a in np.flatnonzero(before != after).tolist():
        if a == skip:
            continue
        out.append(f"{market.applicant_label(a)} moves from {_label(market, before[a])} to "
                   f"{_label(market, after[a])}.")
    return out or ["Nobody else's match changes."]


def _trace(market):
    from matchsim.engine import trace_match

    return trace_match(market)


def _steps_of(trace, a):
    return [i for i, s in enumerate(trace.steps) if s.applicant == a]


# ------------------------------------------------------------------ NRMP
def nrmp_demo() -> Demo:
    """The NRMP's worked example and its two counterfactuals (Anderson, Brown)."""
    m = nrmp_example()
    t = _trace(m)
    main = replay(m, t, "The NRMP's worked example")
    anderson, brown, general = m.applicant_id("Anderson"), m.applicant_id("Brown"), m.program_id("General")
    city = m.program_id("City")
    city_rank = int(m.program_prefs(city).tolist().index(anderson)) + 1

    full = nrmp_example(NRMP_EXAMPLE_FULL_ANDERSON)
    ta = _trace(full)
    got_a = int(ta.assignment[anderson])
    view_a = View(
        "If Anderson ranked every program",
        ("Anderson ranked only City: City's program director had told him he would be ranked highly, and he "
         f"promised to rank City first. City ranked him {ordinal(city_rank)}.",
         f"Suppose he had ranked every program he would accept: {', '.join(NRMP_EXAMPLE_FULL_ANDERSON)}."),
        (replay(full, ta, "Anderson ranks every program he would accept", key_steps=_steps_of(ta, anderson)[-1:]),),
        (f"Anderson matches at {_label(full, got_a)}, his "
         f"{ordinal(NRMP_EXAMPLE_FULL_ANDERSON.index(_label(full, got_a)) + 1)} choice, instead of going "
         "unmatched. City still comes first on his list and City still lets him go: listing more programs "
         "after City cost him nothing there.",
         *_changes(full, t.assignment, ta.assignment, anderson),
         "The algorithm read only the rank lists. What City had said to him was never an input."),
        anderson)
    b_list = m.applicant_prefs(brown).tolist() + [general]
    bm = m.with_applicant_list(brown, b_list)
    tb = _trace(bm)
    got_b = int(tb.assignment[brown])
    g_rank = int(m.program_prefs(general).tolist().index(brown)) + 1
    view_b = View(
        "If Brown ranked General",
        (f"Brown ranked only City and Mercy and went unmatched, although General ranked him {ordinal(g_rank)}.",
         f"Suppose he had added General at the end: {', '.join(bm.program_label(p) for p in b_list)}."),
        (replay(bm, tb, "Brown adds General", key_steps=_steps_of(tb, brown)[-1:]),),
        (f"Brown matches at {_label(bm, got_b)}: a program he put last, which wanted him most. "
         "A program you leave off your list can never be yours.",
         *_changes(bm, t.assignment, tb.assignment, brown)),
        brown)
    view_main = View(
        "The Match",
        ("Eight applicants, four programs with two positions each. Every applicant applies to the first "
         "program on their list; each program holds the applicants it ranked highest, up to its positions, "
         "and turns the others away. Anyone turned away applies to the next program on their list.",),
        (main,),
        (f"{join_names([m.applicant_label(a) for a in np.flatnonzero(t.assignment < 0)])} go unmatched, while "
         f"{join_names([m.program_label(p) for p in np.flatnonzero(t.filled < m.capacity)])} keep empty "
         "positions. Why? See the next two stories.",))
    return Demo("nrmp", "The Match, one proposal at a time: the NRMP's worked example",
                ("How the National Resident Matching Program explains its algorithm, replayed step by step.",),
                (view_main, view_a, view_b))


# -------------------------------------------------------------- strategy
_STRATEGY_APPLICANTS = {
    "Dana": ["Lakeside", "Riverbend", "Pine Valley"],
    "Eli": ["Lakeside", "Riverbend"],
    "Fay": ["Lakeside", "Pine Valley"],
    "Gus": ["Riverbend", "Lakeside"],
    "Hana": ["Pine Valley", "Lakeside"],
}
_STRATEGY_PROGRAMS = {
    "Lakeside": ["Eli", "Dana", "Hana", "Fay", "Gus"],
    "Riverbend": ["Dana", "Gus", "Eli"],
    "Pine Valley": ["Fay", "Hana", "Dana"],
}
_STRATEGY_CAPACITY = {"Lakeside": 2, "Riverbend": 1, "Pine Valley": 2}


def strategy_market(strategic: bool = False) -> Market:
    """The strategy demo's market; with ``strategic``, Dana moves Riverbend to the top.

    Examples
    --------
    >>> strategy_market(True).applicant_prefs(0).tolist()
    [1, 0, 2]
    """
    apps = dict(_STRATEGY_APPLICANTS)
    if strategic:
        apps["Dana"] = ["Riverbend", "Lakeside", "Pine Valley"]
    return Market.from_lists(apps, _STRATEGY_PROGRAMS, _STRATEGY_CAPACITY)


def _choice(market, a, program_name):
    """1-based position of a program on applicant ``a``'s list in ``market``."""
    return market.applicant_prefs(a).tolist().index(market.program_id(program_name)) + 1


def _other_change(market, a, p_true, p_strategic):
    """How Dana's strategic list moves another applicant, by that applicant's own list."""
    lst = market.applicant_prefs(a).tolist()
    pos = {p: i for i, p in enumerate(lst)}
    worse = p_strategic < 0 or (p_true >= 0 and pos[int(p_strategic)] > pos[int(p_true)])
    name = market.applicant_label(a)
    return (f"{name} {'loses' if worse else 'gains'} too: {_label(market, p_true)} with Dana's true list, "
            f"{_label(market, p_strategic) if p_strategic >= 0 else 'unmatched'} with her strategic one.")


def strategy_demo() -> Demo:
    """Dana moves the program that said she was "ranked to match" to first place, and loses Lakeside."""
    from matchsim.engine import applicant_menu

    truthful, strategic = strategy_market(False), strategy_market(True)
    if not (np.array_equal(truthful.program_list, strategic.program_list)
            and np.array_equal(truthful.program_ptr, strategic.program_ptr)):
        raise AssertionError("the programs' lists must be the same in both markets")
    dana = truthful.applicant_id("Dana")
    tt, ts = _trace(truthful), _trace(strategic)
    first_t = _steps_of(tt, dana)[-1]  # the application that holds her to the end
    first_s = _steps_of(ts, dana)[-1]
    got_t, got_s = _label(truthful, tt.assignment[dana]), _label(strategic, ts.assignment[dana])
    menu = applicant_menu(truthful, dana)
    on_menu = [truthful.program_label(p) for p in np.flatnonzero(menu)]
    lake = truthful.program_id("Lakeside")
    lake_rank = truthful.program_prefs(lake).tolist().index(dana) + 1
    left = tt.assignment != ts.assignment
    others = [a for a in np.flatnonzero(left).tolist() if a != dana]
    view = View(
        "Truthful or strategic?",
        ("Dana prefers Lakeside, then Riverbend, then Pine Valley. Riverbend's director told her: "
         "\"you are ranked to match with us\". She wonders whether to move Riverbend to the top of her list.",
         "Left: Dana ranks in her true order. Right: she moves Riverbend up. Every other list, and every "
         "program's list, is the same in both."),
        (replay(truthful, tt, "Dana ranks in her true order", key_steps=[first_t]),
         replay(strategic, ts, "Dana moves Riverbend first", key_steps=[first_s])),
        (f"Truthful: Dana matches at {got_t}, her {ordinal(_choice(truthful, dana, got_t))} choice. Strategic: the first application on her list "
         f"goes to {got_s}, it holds her, and she never applies to Lakeside, which ranked her "
         f"{ordinal(lake_rank)} and would have taken her.",
         f"Her list decides only which program she gets among those that would take her (her 'menu': "
         f"{join_names(on_menu)}). In her true order she gets the best of them.",
         *[_other_change(truthful, a, tt.assignment[a], ts.assignment[a]) for a in others],
         "What Riverbend said was never an input: the algorithm reads only the rank lists, and Riverbend's "
         "list is the same in both runs."))
    return Demo("strategy", "Should Dana rank the \"friendly\" program first?",
                ("A program's message cannot change the algorithm; only your list can, and only against you.",),
                (view,))


# --------------------------------------------------------------- couples
_COUPLE_PROGRAMS = {"City": ["Ann", "Eli"], "Mercy": ["Di", "Bo"], "General": ["Ann", "Eli"], "State": ["Bo"]}
_COUPLE_SINGLES = {"Di": ["Mercy"], "Eli": ["City", "General"]}
_COUPLE_PAIRS = [("City", "Mercy"), ("General", "State")]


def couples_market(as_couple: bool = True) -> Market:
    """The couples demo's market: Ann and Bo as a couple, or each applying alone with the same order.

    Examples
    --------
    >>> couples_market().n_couples, couples_market(False).n_couples
    (1, 0)
    """
    cap = {p: 1 for p in _COUPLE_PROGRAMS}
    if as_couple:
        return Market.from_lists(dict(_COUPLE_SINGLES), _COUPLE_PROGRAMS, cap,
                                 couples={("Ann", "Bo"): list(_COUPLE_PAIRS)})
    apps = dict(_COUPLE_SINGLES, Ann=[p for p, _ in _COUPLE_PAIRS], Bo=[q for _, q in _COUPLE_PAIRS])
    return Market.from_lists(apps, _COUPLE_PROGRAMS, cap)


def _nrmp(market):
    from matchsim.engine import nrmp_match

    r = nrmp_match(market)
    if not r.stable:
        raise AssertionError("the demo's match is not stable; please report this")
    return r


def _who_where(market, result):
    parts = []
    paired = set() if market.couples is None else set(market.couples.members.ravel().tolist())
    for a in range(market.n_applicants):
        p, q = int(result.assignment[a]), int(result.pgy1[a])
        where = _label(market, p) + (f" (PGY-1 year at {market.program_label(q)})" if q >= 0 else "")
        none = "did not apply" if market.applicant_list_lengths[a] == 0 and a not in paired else "unmatched"
        parts.append(f"{market.applicant_label(a)}: {where if p >= 0 else none}")
    return "; ".join(parts) + "."


def couples_demo() -> Demo:
    """A couple both of whom must move: City would take Ann, but Mercy will not take Bo."""
    alone, couple = couples_market(False), couples_market(True)
    ra, rc = _nrmp(alone), _nrmp(couple)
    ann = couple.applicant_id("Ann")
    pair = couple.couples.joint_list(0)[int(rc.couple_assignment[0])]
    mercy = couple.program_id("Mercy")
    ahead = couple.program_prefs(mercy).tolist()
    view = View(
        "Alone or as a couple",
        ("Ann and Bo want to train in the same city. Their joint list: first City (Ann) with Mercy (Bo), "
         "then General (Ann) with State (Bo). Mercy has one position.",
         "Left: each applies alone, in the same order. Right: they apply as a couple (the NRMP's algorithm)."),
        (outcome_replay(alone, ra, "Each applies alone", "Ann lists City then General; Bo lists Mercy then State.",
                        _who_where(alone, ra)),
         outcome_replay(couple, rc, "Ann and Bo as a couple", "Ann and Bo submit one joint list of pairs.",
                        _who_where(couple, rc))),
        (f"Alone, Ann matches at {_label(alone, ra.assignment[alone.applicant_id('Ann')])}. "
         f"As a couple she does not: Mercy holds {couple.applicant_label(ahead[0])}, whom it ranked above Bo, "
         "so the pair City + Mercy fails for both of them.",
         f"The couple moves together to its next pair: Ann to {_label(couple, pair[0])}, "
         f"Bo to {_label(couple, pair[1])}. A couple matches only as a couple, to the first pair on its list "
         "at which both partners are taken.",
         *_changes(couple, ra.assignment, rc.assignment, ann)),
        ann)
    return Demo("couples", "Couples: both partners move together",
                ("A couple ranks pairs of programs; the algorithm never splits a pair.",), (view,))


# -------------------------------------------------------------- advanced
_ADV_PROGRAMS = {"Rehab": ["Zoe", "Cy"], "Gen": ["Cy", "Bo"], "Prelim": ["Cy", "Bo"], "City": ["Bo"]}
_ADV_TRACKS = {"Rehab": "advanced", "Prelim": "preliminary"}


def advanced_market(with_zoe: bool = True) -> Market:
    """The advanced-position demo: Cy ranks advanced Rehab with a supplemental Prelim year; Zoe may apply too.

    Examples
    --------
    >>> advanced_market().supplemental.n_lists
    1
    """
    apps = {"Cy": ["Rehab", "Gen"], "Bo": ["Prelim", "City"], "Zoe": ["Rehab"] if with_zoe else []}
    return Market.from_lists(apps, _ADV_PROGRAMS, {p: 1 for p in _ADV_PROGRAMS},
                             supplemental={"Cy": [(["Rehab"], ["Prelim"])]}, tracks=dict(_ADV_TRACKS))


def advanced_demo() -> Demo:
    """Cy loses the advanced position at Rehab to Zoe, and with it the PGY-1 year at Prelim, which goes to Bo."""
    before, after = advanced_market(False), advanced_market(True)
    rb, ra = _nrmp(before), _nrmp(after)
    cy, bo = after.applicant_id("Cy"), after.applicant_id("Bo")
    prelim = after.program_id("Prelim")
    view = View(
        "An advanced position and its PGY-1 year",
        ("Cy ranks Rehab first: an advanced program, starting in the second postgraduate year (PGY-2). For "
         "the first year she adds a supplemental list, linked to Rehab, with one preliminary program: Prelim.",
         "Left: Zoe does not apply to Rehab. Right: Zoe applies, and Rehab ranked Zoe above Cy."),
        (outcome_replay(before, rb, "Without Zoe", "Cy: Rehab (advanced), then Gen; supplemental: Prelim.",
                        _who_where(before, rb)),
         outcome_replay(after, ra, "Zoe applies to Rehab", "Zoe ranks Rehab, which ranked her above Cy.",
                        _who_where(after, ra))),
        (f"Without Zoe, Cy matches at Rehab and her supplemental list gives her "
         f"{_label(before, rb.pgy1[cy])} for the PGY-1 year; Bo gets {_label(before, rb.assignment[bo])}.",
         f"With Zoe, Cy loses Rehab, and with it the PGY-1 seat: a supplemental list is used only while its "
         f"advanced program holds her. Prelim's seat goes to "
         f"{join_names([after.applicant_label(a) for a in np.flatnonzero(ra.assignment == prelim)])}, "
         f"and Cy goes on down her primary list to {_label(after, ra.assignment[cy])}."),
        cy)
    return Demo("advanced", "Advanced positions: losing one releases its PGY-1 year",
                ("Supplemental lists of PGY-1 programs are read only while a linked advanced program holds you.",),
                (view,))


# ------------------------------------------------------------- any market
def market_demo(market: Market, name: str) -> Demo:
    """Any small market, replayed step by step (applicant-proposing).

    Raises
    ------
    ValueError
        If the market has more than :data:`MAX_APPLICANTS` applicants, or
        has couples or supplemental lists (whose steps are not traced).
    """
    if market.n_applicants > MAX_APPLICANTS:
        raise ValueError(f"the market has {market.n_applicants:,} applicants; a demo replays a small market "
                         f"(up to {MAX_APPLICANTS}) step by step; use 'matchsim match' for a big one")
    if market.has_extensions:
        raise ValueError("the market has couples, supplemental lists, reversions or even/odd requests, whose "
                         "steps a demo cannot show one by one; use 'matchsim match' for its result")
    t = _trace(market)
    view = View("The Match", (f"{market.n_applicants} applicants, {market.n_programs} programs, "
                              f"{int(market.capacity.sum())} positions.",),
                (replay(market, t, name),))
    return Demo("market", f"The Match, one proposal at a time: {name}", (), (view,))


#: The built-in demos by name (``matchsim demo NAME``).
DEMOS = {"nrmp": nrmp_demo, "strategy": strategy_demo, "couples": couples_demo, "advanced": advanced_demo}


def demo(name: str) -> Demo:
    """The built-in demo called ``name`` (one of :data:`DEMOS`)."""
    try:
        return DEMOS[name]()
    except KeyError:
        raise ValueError(f"no demo named {name!r}; choose one of {', '.join(DEMOS)}") from None
