"""``matchsim compare``: which of my candidate rank lists is best, and why.

The command reads the spreadsheet (:func:`matchsim.io.rank_file.read_rank_file`),
asks the library for an :class:`~matchsim.advisor.advice.Advice`
(:func:`matchsim.advisor.advice.advise`: the menu model cross-checked with
sampled Matches, or, with ``--market``, the real algorithm in simulated
markets) and renders it: tables, findings and list checks, or ``--json`` /
``--csv`` (converted by :mod:`matchsim.advisor.export`). It computes nothing
itself.
"""

from __future__ import annotations

import json
import math
from importlib import resources

import click

from matchsim.advisor.defaults import (
    DEFAULT_APPLICANTS,
    DEFAULT_CORRELATION,
    DEFAULT_GENERATOR,
    DEFAULT_MARKETS,
    DEFAULT_METHOD,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_VERIFY_MARKETS,
    GENERATORS,
    MAX_CORRELATION,
    METHODS,
    MIN_APPLICANTS,
)
from matchsim.cli.options import ProgressBar, json_option, user_errors
from matchsim.wording import join_names

__all__ = ["compare", "example_path"]

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


def _safe(text) -> str:
    """User text (names, and sentences holding names) as shown: no control codes, no rich markup."""
    from rich.markup import escape

    from matchsim.io.escape import terminal_text

    return escape(terminal_text(text))


def _fmt(x):
    from matchsim.advisor.findings import pct

    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else pct(x)


def _render(advice, console):
    from rich.table import Table

    esc = _safe

    f = advice.rank_file
    rows = advice.rows
    where = "possible" if advice.method == "exact" else "simulated"
    t = Table(title=f"How each list does, over all {where} Matches (worse / same / better: "
              "compared with your true order on the same Match)", title_justify="left")
    t.add_column("list", no_wrap=True)
    for col in ("matched", "1st choice", "top 3", "mean rank if matched", "worse", "same", "better"):
        t.add_column(col, justify="right")
    for row in rows:
        label = esc(row.name) + (" (reference)" if row.is_reference else "")
        mean = row.mean_rank_if_matched
        t.add_row(label, _fmt(row.p_match), _fmt(row.p_first_choice), _fmt(row.p_top3),
                  "-" if mean is None else f"{mean:.2f}", _fmt(row.worse), _fmt(row.same),
                  _fmt(row.better))
    console.print(t)

    t = Table(title="Where you match, list by list", title_justify="left")
    t.add_column("program", no_wrap=True)
    t.add_column("your order", justify="right")
    t.add_column("chance", justify="right")
    t.add_column("signal", no_wrap=True)
    for row in rows:
        t.add_column(esc(row.name), justify="right")
    pref = f.preference
    order = sorted(range(f.n_programs), key=lambda j: (pref[j] == 0, int(pref[j]), j))
    listed = [set(row.programs.tolist()) for row in rows]
    for j in order:
        ch = _fmt(float(f.chance[j])) + ("*" if not f.chance_given[j] else "")
        t.add_row(esc(f.programs[j]), str(int(pref[j]) or "-"), ch, f.signal[j] or "",
                  *[_fmt(float(row.p_program[j])) if j in on else "" for row, on in zip(rows, listed)])
    t.add_row("unmatched", "", "", "", *[_fmt(row.p_unmatched) for row in rows])
    console.print(t)
    if not f.chance_given.all():
        console.print("* assumed from what the program told you; see the assumptions below.")

    console.print("\n[bold]What this means[/bold]")
    for finding in advice.findings:
        console.print(f"  - {esc(finding.text)}", highlight=False)
    console.print("\n[bold]List checks[/bold]")
    for c in advice.checks:
        mark = "[green]ok[/green]" if c.ok else "[yellow]![/yellow]"
        console.print(f"  {mark} {esc(c.message)}", highlight=False)
    if not advice.checks:
        console.print("  nothing to flag")
    console.print("\n[bold]Assumptions and method[/bold]")
    for line in advice.assumptions:
        console.print(f"  - {esc(line)}", highlight=False)
    mk = advice.market
    if mk is not None:
        console.print(f"  - {mk.markets:,} simulated specialty markets ({mk.generator} "
                      "generator); in each, the full Match "
                      "algorithm was run once per list against the same market.", highlight=False)
        if mk.menu_violations is not None:
            console.print(f"  - Menu check: in {mk.verified_markets - mk.menu_violations:,} of "
                          f"{mk.verified_markets:,} checked markets every list got exactly the first program on it "
                          "that would take you (found by running the algorithm with each program "
                          "alone).", highlight=False)
        if mk.placement_agreement is not None:
            console.print(f"  - In those markets, each program took you or not exactly as its ranking of "
                          f"you was meant to in {100 * mk.placement_agreement:.1f}% of cases (your "
                          "entering a market can shift a program's cutoff a little).", highlight=False)
    else:
        console.print(f"  - Menu model: each program takes you with the chance shown; programs' "
                      f"decisions are correlated (correlation {advice.correlation:g}, "
                      "--correlation).", highlight=False)
    cc = advice.cross_check
    if cc:
        console.print(f"  - Checked against {cc.samples:,} sampled Matches (seed {advice.seed}): "
                      f"largest difference {100 * cc.max_abs_difference:.2f} percentage points.",
                      highlight=False)


@click.command("compare", epilog=_EXAMPLES)
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--example", is_flag=True, help="Use the shipped example spreadsheet (a PM&R applicant).")
@click.option("--correlation", type=click.FloatRange(0.0, MAX_CORRELATION), default=DEFAULT_CORRELATION,
              show_default=True,
              help="How alike programs judge you: 0 = independently, near 1 = all alike.")
@click.option("--samples", type=click.IntRange(0), default=DEFAULT_SAMPLES, show_default=True,
              help="Sampled Matches for the Monte Carlo check (0 = skip it).")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed for sampling.")
@click.option("--method", type=click.Choice(METHODS), default=DEFAULT_METHOD, show_default=True,
              help="Figures from exact quadrature, or from the sampled Matches.")
@click.option("--market", is_flag=True,
              help="Instead of the menu model, run the real Match algorithm in simulated markets.")
@click.option("--applicants", type=click.IntRange(MIN_APPLICANTS), default=DEFAULT_APPLICANTS,
              show_default=True,
              help="--market: applicants per simulated market.")
@click.option("--markets", type=click.IntRange(1), default=DEFAULT_MARKETS, show_default=True,
              help="--market: number of simulated markets.")
@click.option("--generator", type=click.Choice(GENERATORS), default=DEFAULT_GENERATOR, show_default=True,
              help="--market: the built-in simple specialty, or a calibrated preset (slower).")
@click.option("--verify-markets", "verify", type=click.IntRange(0), default=DEFAULT_VERIFY_MARKETS,
              show_default=True,
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

    from matchsim.advisor.advice import MarketSettings, advise
    from matchsim.advisor.export import advice_to_json, write_advice_csv
    from matchsim.io.rank_file import read_rank_file

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
        settings = MarketSettings(applicants, markets, generator, verify) if market else None
        with ProgressBar(market and not as_json, "simulated Matches", unit="markets") as bar:
            advice = advise(f, correlation=correlation, method=method, samples=samples, seed=seed,
                            market=settings, progress=bar)
        if csv_path:
            write_advice_csv(advice, csv_path)
    if as_json:
        click.echo(json.dumps(advice_to_json(advice), indent=2))
        return
    console = Console(width=max(100, Console().width), highlight=False)
    n_l = len(f.lists)
    console.print(f"[bold]matchsim compare[/bold]: {_safe(f.source)}, {n_l} candidate "
                  f"{'list' if n_l == 1 else 'lists'}, {f.n_programs} programs")
    columns = join_names([f'"{_safe(name)}"' for name in f.lists], limit=len(f.lists))
    ignored = join_names([f'"{_safe(name)}"' for name in f.ignored], limit=len(f.ignored))
    console.print(f"Lists read from the {'column' if n_l == 1 else 'columns'} {columns}"
                  + (f"; ignored: {ignored}." if f.ignored else "."))
    _render(advice, console)
