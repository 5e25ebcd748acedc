"""``matchsim compare``: which of my candidate rank lists is best, and why.

The command reads the spreadsheet (:mod:`matchsim.advisor.reading`), computes
each list's outcome distribution with the menu model
(:func:`matchsim.advisor.menu.compare_lists`), cross-checks it with sampled
Matches, or, with ``--market``, runs the real algorithm in simulated markets
(:func:`matchsim.advisor.market_mode.simulate_list_outcomes`), then prints
tables, findings and list checks (or ``--json`` / ``--csv``).
"""

from __future__ import annotations

import csv
import json
import math
from importlib import resources

import click
import numpy as np

from matchsim.cli.options import ProgressBar, json_option, user_errors

__all__ = ["compare", "build_report"]

_EXAMPLES = """
\b
Examples:
  matchsim compare --example                  # the shipped PM&R example
  matchsim compare mylist.csv                 # your own spreadsheet
  matchsim compare mylist.csv --correlation 0.3 --samples 200000 --seed 7
  matchsim compare mylist.csv --json > result.json
  matchsim compare mylist.csv --csv result.csv
  matchsim compare mylist.csv --market        # check with the real algorithm
  matchsim compare mylist.csv --market --applicants 800 --markets 2000
"""


def example_path():
    """Path of the shipped example spreadsheet (``mylist_example.csv``)."""
    return resources.files("matchsim") / "data" / "mylist_example.csv"


def _summary(prob, pref):
    """P(match), P(1st), P(top 3), mean rank if matched, from outcome probabilities."""
    acc = np.append(pref > 0, False)
    ranks = np.append(pref, 0).astype(np.float64)
    p_acc = prob[acc].sum()
    mean = float((prob[acc] * ranks[acc]).sum() / p_acc) if p_acc > 0 else None
    top = lambda k: float(prob[np.append((pref >= 1) & (pref <= k), False)].sum())  # noqa: E731
    return {"p_match": float(1.0 - prob[-1]), "p_first_choice": top(1), "p_top3": top(3),
            "mean_rank_if_matched": mean}


def build_report(rank_file, comparison, *, check=None, seed=None, market=None):
    """Everything the command shows, as a JSON-ready dict.

    Parameters
    ----------
    rank_file : RankFile
    comparison : ListComparison
        The figures shown.
    check : ListComparison, optional
        The same lists computed another way (sampled menus), for the
        agreement line.
    seed : int, optional
    market : MarketRun, optional
        With ``--market``: adds the menu-theorem check and realised chances.

    Returns
    -------
    dict
    """
    from matchsim.advisor.checks import check_lists
    from matchsim.advisor.findings import assumption_notes, list_findings
    from matchsim.advisor.signals import SIGNAL_SOURCE

    f, r = rank_file, comparison
    names = f.programs
    pref = f.preference
    programs = [{"name": names[j], "preference": int(pref[j]) or None,
                 "chance": float(f.chance[j]), "chance_assumed": bool(not f.chance_given[j]),
                 "signal": f.signal[j]} for j in range(f.n_programs)]
    rows = []
    prob = r.prob
    truthful_in = None
    for i, name in enumerate(r.names):
        row = {"name": name, "programs": [names[p] for p in r.lists[i]]}
        row.update(_summary(prob[i], pref))
        row.update({"worse": float(r.worse[i]), "same": float(r.same[i]), "better": float(r.better[i])})
        row["p_program"] = {names[j]: float(prob[i, j]) for j in range(f.n_programs)}
        row["p_unmatched"] = float(prob[i, -1])
        row["is_true_order"] = bool(np.array_equal(r.lists[i], r.truthful))
        if row["is_true_order"] and truthful_in is None:
            truthful_in = name
        rows.append(row)
    tp = r.truthful_prob
    true_row = {"name": "true order", "programs": [names[p] for p in r.truthful]}
    true_row.update(_summary(tp, pref))
    true_row.update({"worse": 0.0, "same": 1.0, "better": 0.0,
                     "p_program": {names[j]: float(tp[j]) for j in range(f.n_programs)},
                     "p_unmatched": float(tp[-1]), "is_true_order": True})
    report = {
        "file": f.source,
        "method": r.method,
        "correlation": r.correlation,
        "samples": r.n_samples,
        "seed": seed,
        "programs": programs,
        "true_order": true_row,
        "true_order_list": truthful_in,
        "lists": rows,
        "findings": list_findings(names, r, f.signal, f.chance, f.chance_given),
        "checks": [{"list": c.list_name, "kind": c.kind, "message": c.message, "ok": c.ok}
                   for c in check_lists(names, pref, f.lists)],
        "assumptions": assumption_notes(names, f.chance, f.chance_given, f.signal, SIGNAL_SOURCE),
    }
    if check is not None:
        diff = float(np.abs(check.prob - r.prob).max())
        diff = max(diff, float(np.abs(check.worse - r.worse).max()))
        report["cross_check"] = {"method": check.method, "samples": check.n_samples,
                                 "max_abs_difference": diff,
                                 "better_than_true_order": float(check.better.max())}
    if market is not None:
        report["market"] = {
            "markets": r.n_samples,
            "generator": market.generator,
            "verified_markets": 0 if market.menus is None else int(market.menus.shape[0]),
            "menu_violations": market.menu_violations,
            "placement_agreement": market.placement_agreement,
            "realised_chance": (None if market.realised_chance is None else
                                {names[j]: float(v) for j, v in enumerate(market.realised_chance)}),
        }
    return report


def _fmt(x):
    from matchsim.advisor.findings import pct

    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else pct(x)


def _render(report, console):
    from rich.markup import escape as esc
    from rich.table import Table

    progs = report["programs"]
    rows = list(report["lists"])
    if report["true_order_list"] is None:
        rows = rows + [report["true_order"]]
    where = "possible" if report["method"] == "exact" else "simulated"
    t = Table(title=f"How each list does, over all {where} Matches (worse / same / better: "
              "compared with your true order on the same Match)", title_justify="left")
    t.add_column("list", no_wrap=True)
    for col in ("matched", "1st choice", "top 3", "mean rank if matched", "worse", "same", "better"):
        t.add_column(col, justify="right")
    for row in rows:
        label = esc(row["name"]) + (" (reference)" if row is report["true_order"] else "")
        mean = row["mean_rank_if_matched"]
        t.add_row(label, _fmt(row["p_match"]), _fmt(row["p_first_choice"]), _fmt(row["p_top3"]),
                  "-" if mean is None else f"{mean:.2f}", _fmt(row["worse"]), _fmt(row["same"]),
                  _fmt(row["better"]))
    console.print(t)

    t = Table(title="Where you match, list by list", title_justify="left")
    t.add_column("program", no_wrap=True)
    t.add_column("your order", justify="right")
    t.add_column("chance", justify="right")
    t.add_column("signal", no_wrap=True)
    for row in rows:
        t.add_column(esc(row["name"]), justify="right")
    order = sorted(range(len(progs)), key=lambda j: (progs[j]["preference"] is None,
                                                     progs[j]["preference"] or 0, j))
    for j in order:
        p = progs[j]
        ch = _fmt(p["chance"]) + ("*" if p["chance_assumed"] else "")
        t.add_row(esc(p["name"]), str(p["preference"] or "-"), ch, p["signal"],
                  *[_fmt(row["p_program"][p["name"]]) if p["name"] in row["programs"] else ""
                    for row in rows])
    t.add_row("unmatched", "", "", "", *[_fmt(row["p_unmatched"]) for row in rows])
    console.print(t)
    if any(p["chance_assumed"] for p in progs):
        console.print("* assumed from what the program told you; see the assumptions below.")

    console.print("\n[bold]What this means[/bold]")
    for line in report["findings"]:
        console.print(f"  - {esc(line)}", highlight=False)
    console.print("\n[bold]List checks[/bold]")
    for c in report["checks"]:
        mark = "[green]ok[/green]" if c["ok"] else "[yellow]![/yellow]"
        console.print(f"  {mark} {esc(c['message'])}", highlight=False)
    if not report["checks"]:
        console.print("  nothing to flag")
    console.print("\n[bold]Assumptions and method[/bold]")
    for line in report["assumptions"]:
        console.print(f"  - {esc(line)}", highlight=False)
    if report["method"] == "market":
        mk = report["market"]
        console.print(f"  - {mk['markets']:,} simulated specialty markets ({mk['generator']} "
                      "generator); in each, the full Match "
                      "algorithm was run once per list against the same market.", highlight=False)
        if mk["menu_violations"] is not None:
            console.print(f"  - Menu check: in {mk['verified_markets'] - mk['menu_violations']:,} of "
                          f"{mk['verified_markets']:,} checked markets every list got exactly the first program on it "
                          "that would take you (found by running the algorithm with each program "
                          "alone).", highlight=False)
        if mk["placement_agreement"] is not None:
            console.print(f"  - In those markets, each program took you or not exactly as its ranking of "
                          f"you was meant to in {100 * mk['placement_agreement']:.1f}% of cases (your "
                          "entering a market can shift a program's cutoff a little).", highlight=False)
    else:
        console.print(f"  - Menu model: each program takes you with the chance shown; programs' "
                      f"decisions are correlated (correlation {report['correlation']:g}, "
                      "--correlation).", highlight=False)
    cc = report.get("cross_check")
    if cc:
        console.print(f"  - Checked against {cc['samples']:,} sampled Matches (seed {report['seed']}): "
                      f"largest difference {100 * cc['max_abs_difference']:.2f} percentage points.",
                      highlight=False)


def _write_csv(report, path):
    names = [p["name"] for p in report["programs"]]
    rows = report["lists"] + ([] if report["true_order_list"] else [report["true_order"]])
    head = ["list", "p_match", "p_first_choice", "p_top3", "mean_rank_if_matched", "worse", "same",
            "better", "p_unmatched"] + [f"p: {n}" for n in names]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        for r in rows:
            w.writerow([r["name"], r["p_match"], r["p_first_choice"], r["p_top3"],
                        "" if r["mean_rank_if_matched"] is None else r["mean_rank_if_matched"],
                        r["worse"], r["same"], r["better"], r["p_unmatched"]]
                       + [r["p_program"][n] for n in names])


@click.command("compare", epilog=_EXAMPLES)
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--example", is_flag=True, help="Use the shipped example spreadsheet (a PM&R applicant).")
@click.option("--correlation", type=click.FloatRange(0.0, 0.95), default=0.5, show_default=True,
              help="How alike programs judge you: 0 = independently, near 1 = all alike.")
@click.option("--samples", type=click.IntRange(0), default=100_000, show_default=True,
              help="Sampled Matches for the Monte Carlo check (0 = skip it).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling.")
@click.option("--method", type=click.Choice(["exact", "sample"]), default="exact", show_default=True,
              help="Figures from exact quadrature, or from the sampled Matches.")
@click.option("--market", is_flag=True,
              help="Instead of the menu model, run the real Match algorithm in simulated markets.")
@click.option("--applicants", type=click.IntRange(2), default=500, show_default=True,
              help="--market: applicants per simulated market.")
@click.option("--markets", type=click.IntRange(1), default=1000, show_default=True,
              help="--market: number of simulated markets.")
@click.option("--generator", type=click.Choice(["simple", "pmr", "anesthesiology"]), default="simple",
              show_default=True,
              help="--market: the built-in simple specialty, or a calibrated preset (slower).")
@click.option("--verify-markets", "verify", type=click.IntRange(0), default=100, show_default=True,
              help="--market: in this many markets, also find your menu with the algorithm (one "
              "run per program) and check every list against it.")
@json_option
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write one row per list to this CSV file.")
def compare(path, example, correlation, samples, seed, method, market, applicants, markets, generator,
            verify, as_json, csv_path):
    """Compare your candidate rank lists and explain which is best.

    PATH is a spreadsheet saved as CSV, one row per program, with the columns
    program, preference (your true order), optional chance and signal, and one
    column per candidate list (the program's rank on that list; blank = left
    off). See docs/compare.md.
    """
    from rich.console import Console

    from matchsim.advisor.menu import compare_lists
    from matchsim.advisor.reading import read_rank_file

    if example == (path is not None):
        raise click.UsageError("give a CSV file, or --example (not both)")
    if method == "sample" and samples == 0 and not market:
        raise click.BadParameter("--method sample needs --samples of at least 1",
                                 param_hint="--samples")
    with user_errors():
        if example:
            with resources.as_file(example_path()) as shipped:
                f = read_rank_file(shipped)
        else:
            f = read_rank_file(path)
        check = None
        run = None
        if market:
            from matchsim.advisor.market_mode import simulate_list_outcomes

            with ProgressBar(not as_json, "simulated Matches", unit="markets") as bar:
                run = simulate_list_outcomes(f.chance, f.preference, f.lists, n_applicants=applicants,
                                             n_markets=markets, correlation=correlation, rng=seed,
                                             verify=verify, generator=generator, progress=bar)
            shown = run.comparison
        else:
            exact = compare_lists(f.chance, f.preference, f.lists, correlation)
            sampled = (compare_lists(f.chance, f.preference, f.lists, correlation, method="sample",
                                     n_samples=samples, rng=seed) if samples else None)
            shown, check = (exact, sampled) if method == "exact" else (sampled, exact)
        report = build_report(f, shown, check=check, seed=seed, market=run)
        if csv_path:
            _write_csv(report, csv_path)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    console = Console(width=max(100, Console().width), highlight=False)
    n_l = len(f.lists)
    from rich.markup import escape

    console.print(f"[bold]matchsim compare[/bold]: {escape(f.source)}, {n_l} candidate "
                  f"{'list' if n_l == 1 else 'lists'}, {f.n_programs} programs")
    _render(report, console)
