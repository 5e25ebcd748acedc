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

__all__ = ["advice_to_json", "advice_csv_rows", "write_advice_csv", "CSV_COLUMNS", "CSV_DIGITS"]

#: The figure columns of the CSV table, after ``list`` and before one ``p: <program>`` per program.
CSV_COLUMNS = ("p_match", "p_first_choice", "p_top3", "mean_rank_if_matched", "worse", "same",
               "better", "p_unmatched")


def _outcome_json(o, names) -> dict:
    return {
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


def advice_to_json(advice) -> dict:
    """The advice as a JSON-ready dict (``json.dumps`` it).

    Keys: ``file``, ``ignored_columns``, ``method``, ``correlation``, ``samples``, ``seed``,
    ``programs``, ``true_order``, ``true_order_list``, ``lists``,
    ``findings``, ``checks``, ``assumptions``, and ``cross_check`` (menu model)
    or ``market`` (simulated markets).
    """
    f = advice.rank_file
    names = f.programs
    doc = {
        "file": f.source,
        "ignored_columns": list(f.ignored),
        "method": advice.method,
        "correlation": advice.correlation,
        "samples": advice.samples,
        "seed": advice.seed,
        "programs": [{"name": names[j], "preference": int(f.preference[j]) or None,
                      "chance": float(f.chance[j]), "chance_assumed": bool(not f.chance_given[j]),
                      "signal": f.signal[j]} for j in range(f.n_programs)],
        "true_order": _outcome_json(advice.true_order, names),
        "true_order_list": advice.true_order_list,
        "lists": [_outcome_json(o, names) for o in advice.lists],
        "findings": [{"list": x.list_name, "kind": x.kind, "text": x.text} for x in advice.findings],
        "checks": [{"list": c.list_name, "kind": c.kind, "message": c.message, "ok": c.ok}
                   for c in advice.checks],
        "assumptions": list(advice.assumptions),
    }
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
                                {names[j]: float(v) for j, v in enumerate(mk.realised_chance)}),
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
    rows = [["list", *CSV_COLUMNS] + [csv_text(f"p: {n}") for n in names]]
    for o in advice.rows:
        figures = [o.p_match, o.p_first_choice, o.p_top3, o.mean_rank_if_matched, o.worse, o.same,
                   o.better, o.p_unmatched, *o.p_program]
        rows.append([csv_text(o.name)] + ["" if x is None else _number(x) for x in figures])
    return rows


def write_advice_csv(advice, path) -> None:
    """Write :func:`advice_csv_rows` to ``path`` (UTF-8)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(advice_csv_rows(advice))
