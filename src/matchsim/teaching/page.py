"""``matchsim demo --html``: one self-contained web page a teacher can project.

:func:`demo_document` turns a :class:`~matchsim.teaching.stories.Demo` into a
JSON document: the participants, and for every replay its frames (the state
after each proposal, made by :func:`~matchsim.teaching.steps.replay` from the
engine's trace). :func:`demo_html` embeds that document in one HTML file with
an inline style sheet and script (:mod:`matchsim.teaching._assets`): no
server, no network, no external file. The script only draws the frames
(applicants and programs as two columns of cards, each program's held
applicants against its positions, a timeline of proposals, play / pause /
step / back and keyboard shortcuts); it computes no match.

Examples
--------
>>> from matchsim.teaching.stories import nrmp_demo
>>> doc = demo_document(nrmp_demo())
>>> panel = doc["views"][0]["panels"][0]
>>> len(panel["frames"]), panel["frames"][7]["word"], panel["frames"][7]["displaced"]
(17, 'BUMPS', 0)
>>> page = demo_html(nrmp_demo())
>>> page.startswith("<!DOCTYPE html>") and "http" not in page.replace("http-equiv", "")
True
"""

from __future__ import annotations

import html

from matchsim.teaching.steps import OUTCOME_WORDS

__all__ = ["demo_document", "demo_html", "write_demo_html", "FORMAT"]

#: The ``format`` field of the embedded document.
FORMAT = "matchsim-demo"


def _applicants(market):
    """Each applicant's name and list as the cards show it.

    An item's ``programs`` are the programs it would give the applicant (a
    supplemental list: its PGY-1 programs); a couple's pair also names the
    ``partner`` and the ``partner_program`` (-1: No Match), and is the
    couple's match when both partners hold their side of it.
    """
    P = market.program_label
    cp, sup = market.couples, market.supplemental
    couple_of = cp.couple_of(market.n_applicants) if cp is not None else None
    out = []
    for a in range(market.n_applicants):
        note = ""
        if couple_of is not None and couple_of[a] >= 0:
            c = int(couple_of[a])
            side = 0 if int(cp.members[c, 0]) == a else 1
            other = int(cp.members[c, 1 - side])
            partner = market.applicant_label(other)
            items = []
            for pair in cp.joint_list(c).tolist():
                mine, theirs = pair[side], pair[1 - side]
                items.append({"text": f"{P(mine) if mine >= 0 else 'No Match'} (with {partner} at "
                                      f"{P(theirs) if theirs >= 0 else 'No Match'})",
                              "programs": [mine], "partner": other, "partner_program": theirs})
            note = f"a couple with {partner}"
        else:
            items = [{"text": P(p), "programs": [p]} for p in market.applicant_prefs(a).tolist()]
        for i in range(0 if sup is None else sup.n_lists):
            if int(sup.owner[i]) == a:
                progs = sup.programs_of(i).tolist()
                items.append({"text": f"supplemental: {', '.join(P(p) for p in progs)} "
                                      f"(with {', '.join(P(p) for p in sup.links_of(i).tolist())})",
                              "programs": progs})
        out.append({"name": market.applicant_label(a), "list": items, "note": note})
    return out


def _programs(market):
    from matchsim.extensions import TRACKS

    tracks = market.program_tracks
    return [{"name": market.program_label(p), "positions": int(market.capacity[p]),
             "track": "" if int(tracks[p]) == 0 else TRACKS[int(tracks[p])]}
            for p in range(market.n_programs)]


def _frame(f):
    s = f.step
    doc = {"kind": f.kind, "number": f.number, "text": f.text, "key": f.key,
           "held": [[[int(a), tag] for a, tag in h] for h in f.held],
           "where": f.where.tolist(), "pgy1": f.pgy1.tolist(), "out": [int(a) for a in f.out]}
    if s is not None:
        doc.update(round=s.round, applicant=s.applicant, program=s.program, outcome=s.outcome,
                   word=OUTCOME_WORDS[s.outcome], applicant_rank=s.applicant_rank, program_rank=s.program_rank,
                   displaced=s.displaced, displaced_rank=s.displaced_rank)
    return doc


def _panel(r):
    return {"title": r.title, "applicants": _applicants(r.market), "programs": _programs(r.market),
            "proposals": r.proposals, "frames": [_frame(f) for f in r.frames]}


def demo_document(d) -> dict:
    """The JSON document of demo ``d`` that the page embeds (and ``matchsim demo --json`` prints)."""
    return {
        "format": FORMAT, "version": 1, "name": d.name, "title": d.title, "lead": list(d.lead),
        "views": [{"name": v.name, "lead": list(v.lead), "after": list(v.after),
                   "focus": None if v.focus is None else v.panels[0].market.applicant_label(v.focus),
                   "panels": [_panel(r) for r in v.panels]} for v in d.views],
    }


def demo_html(d) -> str:
    """The page of demo ``d``: one complete HTML document as a string."""
    from matchsim.io.escape import json_for_script
    from matchsim.teaching._assets import CSS, JS

    doc = demo_document(d)
    esc = html.escape
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(doc['title'])}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{esc(doc['title'])}</h1>",
        *[f'<p class="lead">{esc(x)}</p>' for x in doc["lead"]],
        '<main id="demo" data-ready="false"></main>',
        '<noscript><p>This page needs JavaScript to step through the Match; run "matchsim demo" in a '
        "terminal for the same story as text.</p></noscript>",
        '<footer>Made by matchsim demo. Every state shown was recorded from the Match algorithm run on these '
        "rank lists; the page only draws it.</footer>",
        f'<script type="application/json" id="matchsim-demo">{json_for_script(doc)}</script>',
        f"<script>{JS}</script>",
        "</body></html>",
    ])


def write_demo_html(d, path) -> None:
    """Write :func:`demo_html` to ``path`` (UTF-8)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(demo_html(d))
