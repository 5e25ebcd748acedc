"""``matchsim audit``: could anyone in this Match have done better with another list?

The command reads a market (a CSV folder or a .json file, as ``matchsim
match``) or a scenario file (it audits the markets of the first ``--trials``
trials), runs :func:`matchsim.engine.audit.audit` on a market without couples
or :func:`matchsim.engine.audit_couples.audit_nrmp` on one with couples, and
prints one table (80 columns), ``--json`` or ``--csv``.
"""

from __future__ import annotations

import sys

import click

from matchsim.cli.options import ProgressBar, UserError, json_option, quiet_option, user_errors

__all__ = ["audit"]

#: Rows of the gainers table shown unless ``--all``.
DEFAULT_LIMIT = 20

_THEOREM = ("Nobody could have gained: without couples the Match is applicant-proposing deferred "
            "acceptance, and no applicant can ever get a program they prefer by changing their "
            "list, whatever the others do (Dubins & Freedman 1981; Roth 1982). The audit did not "
            "assume this: it computed the outcome of every list it tried.")


def _markets(path, trials):
    """``[(label, market)]`` for a market path or a scenario file."""
    from pathlib import Path

    p = Path(path)
    if p.suffix.lower() == ".toml":
        from matchsim.studies.scenario import load_scenario
        from matchsim.studies.trial import generate

        scenario = load_scenario(p)
        return [(f"{p.name}, trial {t}", generate(scenario, t).market) for t in range(trials)]
    from matchsim.io import read_market

    return [(str(path), read_market(path))]


def _rows(market, res, label):
    """One dict per gainer."""
    from matchsim.engine.audit import KIND_NAMES

    rows = []
    for i in range(res.applicants.size):
        if res.gain[i] <= 0:
            continue
        a = int(res.applicants[i])
        sub, best = int(res.submitted[i]), int(res.best[i])
        row = {
            "market": label,
            "applicant": market.applicant_label(a),
            "submitted_match": market.program_label(sub) if sub >= 0 else "",
            "better_match": market.program_label(best),
            "places_gained": int(res.gain[i]),
            "how": KIND_NAMES[int(res.best_kind[i])],
            "better_list": [market.program_label(q) for q in res.best_list[i]],
        }
        if hasattr(res, "couples"):
            names = market.couples.names if market.couples is not None else None
            row["couples_involved"] = [names[c] if names else f"couple {c}" for c in res.couples[i]]
            row["couples_needed"] = [names[c] if names else f"couple {c}" for c in res.needed[i]]
        rows.append(row)
    return rows


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=click.Path())
@click.option("--short-lists", "max_short", type=click.IntRange(0, 4), default=0, show_default=True,
              help="Also try every ordered list of up to this many programs from each applicant's own list.")
@click.option("--trials", type=click.IntRange(1), default=1, show_default=True,
              help="For a scenario file: audit the markets of this many trials.")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per applicant who could have gained.")
@click.option("--all", "show_all", is_flag=True, help="Show every applicant who could have gained.")
@quiet_option
def audit(path, max_short, trials, as_json, as_csv, show_all, quiet):
    """Check every applicant: would another list have got them a program they prefer?

    PATH is a market (a CSV folder or a .json file, as for 'matchsim match')
    or a scenario .toml file. For each applicant the audit tries every
    truncation of their list and every swap of two neighbouring programs
    (and, with --short-lists N, every list of up to N of their programs),
    with everybody else's lists unchanged.

    Without couples nobody can gain (the audit shows it, and says why). With
    couples a few sometimes can: the audit shows who, by how many places, and
    which couples' moves opened the position.

    \b
    Examples:
      matchsim audit examples/nrmp                 # a CSV market folder
      matchsim audit market.json --short-lists 2   # and lists of 1-2 programs
      matchsim audit scenarios/couples_manipulation.toml --trials 3 --json
      matchsim audit my_market/ --csv > gainers.csv
    """
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    from matchsim.engine.audit import audit as run_audit
    from matchsim.engine.audit_couples import audit_nrmp

    with user_errors():
        markets = _markets(path, trials)
    reports = []
    for label, market in markets:
        couples = market.has_extensions
        with ProgressBar(not (quiet or as_json or as_csv) and (couples or market.n_applicants > 20_000),
                         f"auditing {label}", unit="applicants") as bar:
            try:
                res = (audit_nrmp(market, max_short=max_short, progress=bar) if couples
                       else run_audit(market, max_short=max_short, threads=2, progress=bar))
            except ValueError as exc:
                raise UserError(f"{label}: {exc}") from None
        reports.append({"market": label, "applicants": market.n_applicants,
                        "audited": int(res.applicants.size), "couples": market.n_couples,
                        "candidate_lists": int(res.n_candidates), "gainers": int(res.n_gainers),
                        "rows": _rows(market, res, label)})
    if as_json:
        from matchsim.io.escape import json_text

        click.echo(json_text({"max_short_list": max_short, "markets": reports}, indent=1))
    elif as_csv:
        _csv(reports)
    elif not quiet:
        _show(reports, None if show_all else DEFAULT_LIMIT)


def _csv(reports):
    import csv

    from matchsim.io.escape import csv_text

    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["market", "applicant", "submitted_match", "better_match", "places_gained", "how",
                "better_list", "couples_involved", "couples_needed"])
    for rep in reports:
        for r in rep["rows"]:
            w.writerow([csv_text(r["market"]), csv_text(r["applicant"]), csv_text(r["submitted_match"]),
                        csv_text(r["better_match"]), r["places_gained"], r["how"],
                        csv_text(" > ".join(r["better_list"])),
                        csv_text("; ".join(r.get("couples_involved", []))),
                        csv_text("; ".join(r.get("couples_needed", [])))])


def _show(reports, limit):
    from rich.console import Console
    from rich.markup import escape as markup
    from rich.table import Table

    from matchsim.io.escape import terminal_text

    def esc(text):
        return markup(terminal_text(text))

    console = Console(highlight=False, soft_wrap=False, width=80)
    for rep in reports:
        console.print(f"[bold]Audit of {esc(rep['market'])}[/bold]: {rep['audited']:,} applicants, "
                      f"{rep['candidate_lists']:,} other lists tried")
        if rep["gainers"] == 0:
            if rep["couples"] == 0:
                console.print(_THEOREM)
            else:
                console.print(f"Nobody could have gained with the lists tried, even with {rep['couples']:,} "
                              "couples in the market (couples make gains possible, not certain).")
            continue
        console.print(f"[bold]{rep['gainers']:,}[/bold] could have matched a program they prefer:")
        table = Table(width=80)
        table.add_column("Applicant", overflow="fold", ratio=2)
        table.add_column("Matched", overflow="fold", ratio=2)
        table.add_column("Could get", overflow="fold", ratio=2)
        table.add_column("Gain", justify="right", min_width=4, ratio=1)
        table.add_column("By", overflow="fold", ratio=2)
        table.add_column("Couples needed", overflow="fold", ratio=2)
        rows = rep["rows"] if limit is None else rep["rows"][:limit]
        for r in rows:
            table.add_row(esc(r["applicant"]), esc(r["submitted_match"] or "unmatched"), esc(r["better_match"]),
                          str(r["places_gained"]), r["how"], esc(", ".join(r.get("couples_needed", []))))
        console.print(table)
        if len(rows) < len(rep["rows"]):
            console.print(f"... {len(rep['rows']) - len(rows):,} more (use --all, --csv or --json)")
