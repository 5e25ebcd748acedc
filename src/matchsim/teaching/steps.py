"""The step model of the teaching demos: every intermediate state of one Match, from the engine's trace.

:func:`replay` takes the :class:`~matchsim.engine.trace.MatchTrace` of
:func:`~matchsim.engine.trace_match` (the one plain deferred acceptance of the
package; nothing here runs a second one) and replays its steps in order: a
``held`` step adds the applicant to the program, a ``held, bumping`` step
also removes the one let go. Each :class:`Frame` is the state *after* one
proposal, with the sentence that tells it; frame 0 is the start (nothing
held) and the last frame is the end, where every hold becomes a match.

:func:`outcome_replay` makes a two-frame :class:`Replay` (start, end) from
the result of :func:`~matchsim.engine.nrmp_match`, for the demos of couples
and advanced positions, whose step-by-step trace is not told.

The terminal (``matchsim demo``) and the web page (``matchsim demo --html``)
both draw these frames; neither recomputes anything.

Examples
--------
>>> from matchsim.datasets import nrmp_example
>>> from matchsim.engine import trace_match
>>> m = nrmp_example()
>>> r = replay(m, trace_match(m), "The NRMP's example")
>>> len(r.frames), r.frames[1].text
(17, "Anderson applies to City, 1st on Anderson's list. City has a free position and ranked Anderson 4th: it holds Anderson (1 of 2 positions taken).")
>>> [m.program_label(p) if p >= 0 else None for p in r.frames[-1].where]
[None, None, 'Mercy', 'General', 'City', 'State', 'City', 'State']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchsim.constants import UNMATCHED
from matchsim.engine import trace as tr
from matchsim.market import Market
from matchsim.wording import ordinal

__all__ = ["Frame", "Replay", "replay", "outcome_replay", "step_sentence", "choice_of", "program_rank_of",
           "OUTCOME_WORDS", "START", "PROPOSAL", "END"]

#: Kinds of frame.
START, PROPOSAL, END = "start", "proposal", "end"

#: A short word for each outcome of a proposal (the terminal's and the page's label).
OUTCOME_WORDS = {
    tr.HELD: "HELD",
    tr.HELD_BUMPING: "BUMPS",
    tr.REJECTED_FULL: "TURNED AWAY",
    tr.REJECTED_NOT_RANKED: "TURNED AWAY",
    tr.REJECTED_NO_POSITIONS: "TURNED AWAY",
}


@dataclass(frozen=True)
class Frame:
    """The state of the Match after one proposal (or at the start or the end).

    Attributes
    ----------
    kind : str
        ``"start"``, ``"proposal"`` or ``"end"``.
    text : str
        What happened, in one or two sentences (names as in the market).
    step : Step or None
        The trace's step (``None`` at the start and the end).
    number : int
        1-based number of the proposal (0 at the start, the last number at the end).
    held : tuple of tuple of (int, str)
        Per program, the applicants it holds, best first by the program's
        list, each with a tag (the program's rank of them, e.g. ``"1st"``, or
        ``"PGY-1"`` for a supplemental-list seat).
    where : ndarray of int32, shape (n_applicants,)
        The program holding each applicant, or ``UNMATCHED``.
    pgy1 : ndarray of int32, shape (n_applicants,)
        The PGY-1 program of a supplemental list, or ``UNMATCHED`` (only in an
        outcome replay of the NRMP algorithm).
    out : tuple of int
        Applicants whose list has run out by this frame (they will not match).
    key : bool
        True for the frame a story points at (the moment that decides it).
    """

    kind: str
    text: str
    step: tr.Step | None
    number: int
    held: tuple
    where: np.ndarray
    pgy1: np.ndarray
    out: tuple = ()
    key: bool = False


@dataclass(frozen=True, eq=False)
class Replay:
    """One Match told frame by frame.

    Attributes
    ----------
    title : str
        What this Match is (``"Dana ranks truthfully"``).
    market : Market
    frames : tuple of Frame
        ``frames[0]`` is the start, ``frames[-1]`` the end.
    trace : MatchTrace or None
        The engine's trace the frames come from (``None`` for an outcome replay).
    """

    title: str
    market: Market
    frames: tuple
    trace: tr.MatchTrace | None = None

    @property
    def final(self) -> Frame:
        return self.frames[-1]

    @property
    def proposals(self) -> int:
        return 0 if self.trace is None else self.trace.proposals


def step_sentence(market: Market, s: tr.Step, taken: int) -> str:
    """What happened to one application, in words; ``taken`` = positions taken at the program after it.

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> from matchsim.engine import trace_match
    >>> m = nrmp_example()
    >>> s = trace_match(m).steps[6]
    >>> step_sentence(m, s, 2)
    "Garcia applies to City, 1st on Garcia's list. City is full, but ranked Garcia 1st, above Anderson (4th): it holds Garcia and lets Anderson go. Anderson has no program left to apply to and will not match."
    """
    A, P = market.applicant_label, market.program_label
    a, p = A(s.applicant), P(s.program)
    head = f"{a} applies to {p}, {ordinal(s.applicant_rank)} on {a}'s list. "
    cap = int(market.capacity[s.program])
    if s.outcome == tr.HELD:
        tail = (f"{p} has a free position and ranked {a} {ordinal(s.program_rank)}: it holds {a} "
                f"({taken} of {cap} position{'s' if cap != 1 else ''} taken).")
    elif s.outcome == tr.HELD_BUMPING:
        w = A(s.displaced)
        tail = (f"{p} is full, but ranked {a} {ordinal(s.program_rank)}, above {w} "
                f"({ordinal(s.displaced_rank)}): it holds {a} and lets {w} go.")
    elif s.outcome == tr.REJECTED_FULL:
        tail = (f"{p} is full of applicants it ranked above {a} ({ordinal(s.program_rank)}): "
                f"{a} is turned away.")
    elif s.outcome == tr.REJECTED_NOT_RANKED:
        tail = f"{p} did not rank {a}: {a} is turned away."
    else:
        tail = f"{p} offers no positions: {a} is turned away."
    for x in s.ran_out:
        tail += f" {A(x)} has no program left to apply to and will not match."
    return head + tail


def _tagged(market, held_p, p):
    rank = {a: r for r, a in enumerate(market.program_prefs(p).tolist())}
    return tuple((a, ordinal(rank[a] + 1)) for a in sorted(held_p, key=rank.__getitem__))


def replay(market: Market, trace: tr.MatchTrace, title: str, key_steps=(), end_text=None) -> Replay:
    """Every state of an applicant-proposing :class:`~matchsim.engine.trace.MatchTrace`, frame by frame.

    Parameters
    ----------
    market : Market
        The market the trace was run on.
    trace : MatchTrace
        From :func:`matchsim.engine.trace_match` with ``proposing="applicant"``.
    title : str
    key_steps : collection of int
        0-based indexes of steps to mark as the moments a story points at.
    end_text : str, optional
        The sentence of the last frame (default: every hold becomes a match).

    Returns
    -------
    Replay
        ``len(trace.steps) + 2`` frames; the last frame's ``where`` is the
        trace's assignment (checked).

    Raises
    ------
    ValueError
        If the trace is program-proposing.
    """
    if trace.proposing != "applicant":
        raise ValueError("the demos replay applicant-proposing traces (the NRMP's algorithm)")
    n_a, n_p = market.n_applicants, market.n_programs
    none = np.full(n_a, UNMATCHED, dtype=np.int32)
    held = [set() for _ in range(n_p)]
    where = none.copy()
    out: list[int] = []
    frames = [Frame(START, "Nobody has applied yet: every applicant is about to apply to the first program "
                           "on their list.", None, 0, tuple(() for _ in range(n_p)), none, none)]
    keys = set(key_steps)
    for i, s in enumerate(trace.steps):
        if s.outcome in (tr.HELD, tr.HELD_BUMPING):
            held[s.program].add(s.applicant)
            where[s.applicant] = s.program
            if s.outcome == tr.HELD_BUMPING:
                held[s.program].discard(s.displaced)
                where[s.displaced] = UNMATCHED
        out.extend(s.ran_out)
        text = step_sentence(market, s, len(held[s.program]))
        frames.append(Frame(PROPOSAL, text, s, i + 1, tuple(_tagged(market, h, p) for p, h in enumerate(held)),
                            where.copy(), none, tuple(out), i in keys))
    if not np.array_equal(where, trace.assignment):
        raise AssertionError("replaying the trace did not give its matching; please report this market")
    end = end_text or "Nobody is turned away any more, so every hold becomes a match."
    frames.append(Frame(END, end, None, len(trace.steps), frames[-1].held, where.copy(), none, tuple(out)))
    return Replay(title, market, tuple(frames), trace)


def outcome_replay(market: Market, result, title: str, start_text: str, end_text: str) -> Replay:
    """A :class:`Replay` of two frames, the start and the result of :func:`~matchsim.engine.nrmp_match`.

    ``result`` is an :class:`~matchsim.engine.NRMPResult`; PGY-1 seats from
    supplemental lists are tagged ``"PGY-1"`` on their program.
    """
    n_a, n_p = market.n_applicants, market.n_programs
    none = np.full(n_a, UNMATCHED, dtype=np.int32)
    held = [set() for _ in range(n_p)]
    pgy1_held = [[] for _ in range(n_p)]
    for a in range(n_a):
        if result.assignment[a] >= 0:
            held[int(result.assignment[a])].add(a)
        if result.pgy1[a] >= 0:
            pgy1_held[int(result.pgy1[a])].append(a)
    tagged = []
    for p in range(n_p):
        ranked = set(market.program_prefs(p).tolist())
        main = _tagged(market, held[p] & ranked, p) + tuple((a, "") for a in sorted(held[p] - ranked))
        tagged.append(main + tuple((a, "PGY-1") for a in pgy1_held[p]))
    where = np.asarray(result.assignment, dtype=np.int32).copy()
    pgy1 = np.asarray(result.pgy1, dtype=np.int32).copy()
    out = tuple(int(a) for a in np.flatnonzero(where == UNMATCHED))
    frames = (Frame(START, start_text, None, 0, tuple(() for _ in range(n_p)), none, none),
              Frame(END, end_text, None, 0, tuple(tagged), where, pgy1, out, key=True))
    return Replay(title, market, frames, None)


def choice_of(market: Market, where, a: int) -> int | None:
    """Where the match ``where[a]`` is on applicant ``a``'s list: 1-based; for a couple's member, its pair's place.

    ``None`` when ``a`` is unmatched (or holds a program not on their list).

    Examples
    --------
    >>> from matchsim.datasets import nrmp_example
    >>> from matchsim.engine import trace_match
    >>> m = nrmp_example()
    >>> where = trace_match(m).assignment
    >>> choice_of(m, where, m.applicant_id("Davis")), choice_of(m, where, m.applicant_id("Brown"))
    (3, None)
    """
    p = int(where[a])
    if p < 0:
        return None
    cp = market.couples
    if cp is not None:
        c = int(cp.couple_of(market.n_applicants)[a])
        if c >= 0:
            x, y = (int(where[i]) for i in cp.members[c])
            for k, (u, v) in enumerate(cp.joint_list(c).tolist()):
                if u == x and v == y:
                    return k + 1
            return None
    lst = market.applicant_prefs(a).tolist()
    return lst.index(p) + 1 if p in lst else None


def program_rank_of(market: Market, p: int, a: int) -> int | None:
    """Where applicant ``a`` is on program ``p``'s list (1-based), or ``None``."""
    lst = market.program_prefs(p).tolist()
    return lst.index(a) + 1 if a in lst else None
