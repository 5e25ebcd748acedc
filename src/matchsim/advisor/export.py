"""An :class:`~matchsim.advisor.advice.Advice` as a JSON document and as a CSV table: the one place.

``matchsim compare --json`` prints :func:`advice_to_json`; ``--csv`` writes
:func:`advice_csv_rows` with :func:`write_advice_csv`. The keys are
documented for users in ``docs/compare.md``.

Examples
--------
>>> from matchsim.advisor.advice import advise
>>> from matchsim.io.rank_file import parse_rank_text
>>> a = advise(parse_rank_text("program,preference,chance,L\\nA,1,50%,1\\n"), samples=0)
>>> doc = advice_to_json(a)
>>> round(doc["lists"][0]["p_match"], 6), doc["true_order_list"]
(0.5, 'L')
>>> advice_csv_rows(a)[0][:3]
['list', 'p_match', 'p_first_choice']
"""

from __future__ import annotations

import csv

from matchsim.io.escape import csv_text

__all__ = ["advice_to_json", "advice_csv_rows", "write_advice_csv", "CSV_COLUMNS", "CSV_TRACK_COLUMNS",
           "CSV_DIGITS"]

#: The figure columns of the CSV table, after ``list`` and before one ``p: <program>`` per program.
CSV_COLUMNS = ("p_match", "p_first_choice", "p_top3", "mean_rank_if_matched", "worse", "same",
               "better", "p_unmatched")
#: With advanced programs: columns after the ``p: <program>`` ones (then one ``p PGY-1: <program>`` each).
CSV_TRACK_COLUMNS = ("p_advanced_and_pgy1", "p_advanced_without_pgy1", "p_complete_path", "p_pgy1_only")


def _pgy1_json(o, names, is_pgy1) -> dict:
    """The PGY-1 side of a list's outcome (files with advanced programs)."""
    g = o.pgy1
    n = len(names)
    pairs = [{"program": None if a == n else names[a], "pgy1": None if b == n else names[b],
              "p": float(g.pairs[a, b])}
             for a in range(n + 1) for b in range(n + 1) if g.pairs[a, b] > 0]
    return {
        "p_advanced_and_pgy1": g.p_advanced_and_pgy1,
        "p_advanced_without_pgy1": g.p_advanced_without_pgy1,
        "p_complete_path": g.p_complete,
        "p_pgy1_only": g.p_pgy1_only,
        "p_pgy1_program": {names[j]: float(g.p_pgy1_program[j]) for j in range(n) if is_pgy1[j]},
        "p_program_with_pgy1": {names[a]: float(g.pairs[a, :-1].sum()) for a in g.supplemental},
        "p_program_without_pgy1": {names[a]: float(g.pairs[a, -1]) for a in g.supplemental},
        "supplemental": {names[a]: s for a, s in g.supplemental.items()},
        "outcomes": pairs,
    }


def _outcome_json(o, names, is_pgy1=None) -> dict:
    doc = {
        "name": o.name,
        "programs": [names[p] for p in o.programs],
        "p_match": o.p_match,
        "p_first_choice": o.p_first_choice,
        "p_top3": o.p_top3,
        "mean_rank_if_matched": o.mean_rank_if_matched,
        "worse": o.worse,
        "same": o.same,
        "better": o.better,
        "p_program": {names[j]: float(o.p_program[j]) for j in range(len(names))},
        "p_unmatched": o.p_unmatched,
        "is_true_order": o.is_true_order,
    }
    if o.pgy1 is not None:
        doc.update(_pgy1_json(o, names, is_pgy1))
    return doc


def _sensitivity_json(rows, lists) -> list:
    return [{"scale": s.scale, "capped": list(s.capped), "true_order_p_match": s.true_order_p_match,
             "best": s.best,
             "lists": [{"name": name, "p_match": float(s.p_match[i]), "worse": float(s.worse[i]),
                        "better": float(s.better[i]),
                        "p_complete_path": None if s.p_complete is None else float(s.p_complete[i])}
                       for i, name in enumerate(lists)]}
            for s in rows]


def advice_to_json(advice) -> dict:
    """The advice as a JSON-ready dict (``json.dumps`` it).

    Keys: ``file``, ``sheet``, ``ignored_columns``, ``method``, ``correlation``, ``samples``,
    ``seed``, ``programs``, ``supplemental_lists``, ``true_order``, ``true_order_list``,
    ``lists``, ``findings``, ``checks``, ``assumptions``, ``sensitivity`` (with
    ``--chance-scale``), and ``cross_check`` (menu model) or ``market`` (simulated
    markets). With advanced programs each list also has ``p_advanced_and_pgy1``,
    ``p_advanced_without_pgy1``, ``p_complete_path``, ``p_pgy1_only``,
    ``p_pgy1_program``, ``supplemental`` and ``outcomes`` (every pair with its chance).
    """
    f = advice.rank_file
    names = f.programs
    from matchsim.extensions import TRACKS

    tracks = f.track_codes
    doc = {
        "file": f.source,
        "sheet": f.sheet,
        "ignored_columns": list(f.ignored),
        "method": advice.method,
        "correlation": advice.correlation,
        "samples": advice.samples,
        "seed": advice.seed,
        "programs": [{"name": names[j], "track": TRACKS[int(tracks[j])],
                      "preference": int(f.preference[j]) or None,
                      "chance": float(f.chance[j]), "chance_assumed": bool(not f.chance_given[j]),
                      "signal": f.signal[j]} for j in range(f.n_programs)],
        "supplemental_lists": [{"name": lname, "programs": [names[p] for p in s],
                                "linked_to": [names[a] for a in range(f.n_programs)
                                              if f.link is not None and f.link[a] == i]}
                               for i, (lname, s) in enumerate(f.supplemental.items())],
        "true_order": _outcome_json(advice.true_order, names, f.is_pgy1),
        "true_order_list": advice.true_order_list,
        "lists": [_outcome_json(o, names, f.is_pgy1) for o in advice.lists],
        "findings": [{"list": x.list_name, "kind": x.kind, "text": x.text} for x in advice.findings],
        "checks": [{"list": c.list_name, "kind": c.kind, "message": c.message, "ok": c.ok}
                   for c in advice.checks],
        "assumptions": list(advice.assumptions),
    }
    if advice.sensitivity is not None:
        doc["sensitivity"] = _sensitivity_json(advice.sensitivity, list(f.lists))
    cc = advice.cross_check
    if cc is not None:
        doc["cross_check"] = {"method": cc.method, "samples": cc.samples,
                              "max_abs_difference": cc.max_abs_difference,
                              "better_than_true_order": cc.better_than_true_order}
    mk = advice.market
    if mk is not None:
        doc["market"] = {
            "markets": mk.markets,
            "generator": mk.generator,
            "verified_markets": mk.verified_markets,
            "menu_violations": mk.menu_violations,
            "placement_agreement": mk.placement_agreement,
            "realised_chance": (None if mk.realised_chance is None else
                                {names[j]: (None if v != v else float(v))
                                 for j, v in enumerate(mk.realised_chance)}),
            "pgy1_menu_checks": mk.pgy1_checks,
        }
    return doc


#: Significant digits of the numbers in the CSV table: far beyond the model's accuracy, and
#: short of the last digits where floating-point rounding shows (``0.05900000000000003``).
CSV_DIGITS = 12


def _number(x):
    return float(f"{x:.{CSV_DIGITS}g}")


def advice_csv_rows(advice) -> list[list]:
    """The CSV table: a header, then one row per list (and the true order when no list is it).

    Text cells are made safe for spreadsheets (:func:`matchsim.io.escape.csv_text`: a name
    starting with ``=``, ``+``, ``-`` or ``@`` is written as text, never as a formula).
    """
    names = advice.rank_file.programs
    f = advice.rank_file
    tracks = advice.comparison.tracks is not None
    pgy1 = [j for j in range(f.n_programs) if f.is_pgy1[j]] if tracks else []
    rows = [["list", *CSV_COLUMNS] + [csv_text(f"p: {n}") for n in names]
            + (list(CSV_TRACK_COLUMNS) + [csv_text(f"p PGY-1: {names[j]}") for j in pgy1] if tracks else [])]
    for o in advice.rows:
        figures = [o.p_match, o.p_first_choice, o.p_top3, o.mean_rank_if_matched, o.worse, o.same,
                   o.better, o.p_unmatched, *o.p_program]
        if tracks:
            g = o.pgy1
            figures += [g.p_advanced_and_pgy1, g.p_advanced_without_pgy1, g.p_complete, g.p_pgy1_only,
                        *[g.p_pgy1_program[j] for j in pgy1]]
        rows.append([csv_text(o.name)] + ["" if x is None else _number(x) for x in figures])
    return rows


def write_advice_csv(advice, path) -> None:
    """Write :func:`advice_csv_rows` to ``path`` (UTF-8)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(advice_csv_rows(advice))
