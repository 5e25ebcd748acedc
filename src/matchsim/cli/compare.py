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

__all__ = ["compare", "example_path", "render"]

_EXAMPLES = """
\b
Examples:
  matchsim compare --example                  # the shipped PM&R example
  matchsim compare --template mylist.csv      # a blank spreadsheet to fill in
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


def _widths(cols, width):
    """Column widths (content only) that fit ``width`` without breaking a word, or None.

    ``cols`` holds ``(header, is_number, cells)``. A column never gets less
    than its longest word (a number is one word); the room left goes to the
    first column (the names) first, then to the columns that want the most.
    """
    from rich.cells import cell_len

    def longest_word(text):
        return max((cell_len(w) for w in text.split()), default=0)

    lo = [max([longest_word(h)] + [longest_word(c) for c in cells]) for h, _, cells in cols]
    hi = [max([cell_len(h)] + [cell_len(c) for c in cells]) for h, _, cells in cols]
    room = width - (3 * len(cols) + 1)  # borders and one space of padding either side
    if sum(lo) > room:
        return None
    w = list(lo)
    spare = room - sum(w)
    grow = min(spare, hi[0] - w[0])  # the names in the first column first
    w[0] += grow
    spare -= grow
    while spare > 0:  # water-filling: widen the columns furthest from their natural width
        short = [i for i in range(len(cols)) if w[i] < hi[i]]
        if not short:
            break
        gap = max(hi[i] - w[i] for i in short)
        for i in short:
            if spare and hi[i] - w[i] == gap:
                w[i] += 1
                spare -= 1
    return w


def _stacked(width, title, key, extra, data, short_title):
    """Tables that show every column of ``data`` within ``width``.

    Each table has the ``key`` column (repeated), the ``extra`` columns (first
    table only) and as many ``data`` columns as fit; the rest go into the
    next table below (stacked). Text wraps between words; a number is never
    wrapped or cut. A column is ``(header, is_number, cells)``.
    """
    from rich.table import Table
    from rich.text import Text

    def build(cols, widths, heading):
        t = Table(title=heading, title_justify="left")
        for (head, is_number, _), w in zip(cols, widths):
            t.add_column(Text(head), width=w, justify="right" if is_number else "left",
                         overflow="fold")
        for i in range(len(key[2])):
            t.add_row(*[Text(cells[i]) for _, _, cells in cols])
        return t

    tables, start, first = [], 0, True
    while first or start < len(data):
        head = [key] + (extra if first else [])
        n = len(data) - start
        widths = _widths(head + data[start:start + n], width)
        while widths is None and n > 1:
            n -= 1
            widths = _widths(head + data[start:start + n], width)
        if widths is None:  # narrower than one column of names: let the names fold
            widths = [max(1, (width - 3 * len(head) - 4) // (len(head) + 1))] * (len(head) + 1)
        tables.append(build(head + data[start:start + n], widths,
                            title if first else f"{short_title} (continued)"))
        start, first = start + n, False
    return tables


def _bullets(console, mark_lines):
    """Lines with a hanging indent: ``  - text`` wrapping under its first word."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for mark, line in mark_lines:
        grid.add_row(mark, line)
    console.print(grid)


def render(advice, console) -> None:
    """Print an :class:`~matchsim.advisor.advice.Advice` as tables and sentences on ``console``.

    Fits ``console.width``: names and sentences wrap, tables too wide for it
    are stacked, and no number is ever cut.
    """
    from matchsim.io.escape import terminal_text as plain

    esc = _safe
    f = advice.rank_file
    rows = advice.rows
    n_l = len(f.lists)
    console.print(f"[bold]matchsim compare[/bold]: {esc(f.source)}, {n_l} candidate "
                  f"{'list' if n_l == 1 else 'lists'}, {f.n_programs} programs")
    columns = join_names([f'"{esc(name)}"' for name in f.lists], limit=len(f.lists))
    ignored = join_names([f'"{esc(name)}"' for name in f.ignored], limit=len(f.ignored))
    console.print(f"Lists read from the {'column' if n_l == 1 else 'columns'} {columns}"
                  + (f"; ignored: {ignored}." if f.ignored else "."))

    width = console.width
    where = "possible" if advice.method == "exact" else "simulated"
    labels = [plain(row.name) + (" (reference)" if row.is_reference else "") for row in rows]
    figures = [
        ("matched", [_fmt(row.p_match) for row in rows]),
        ("1st choice", [_fmt(row.p_first_choice) for row in rows]),
        ("top 3", [_fmt(row.p_top3) for row in rows]),
        ("mean rank if matched", ["-" if row.mean_rank_if_matched is None else
                                  f"{row.mean_rank_if_matched:.2f}" for row in rows]),
        ("worse", [_fmt(row.worse) for row in rows]),
        ("same", [_fmt(row.same) for row in rows]),
        ("better", [_fmt(row.better) for row in rows]),
    ]
    for t in _stacked(width, f"How each list does, over all {where} Matches (worse / same / better: "
                      "compared with your true order on the same Match)", ("list", False, labels), [],
                      [(head, True, cells) for head, cells in figures], "How each list does"):
        console.print(t)

    pref = f.preference
    order = sorted(range(f.n_programs), key=lambda j: (pref[j] == 0, int(pref[j]), j))
    listed = [set(row.programs.tolist()) for row in rows]
    key = ("program", False, [plain(f.programs[j]) for j in order] + ["unmatched"])
    extra = [
        ("your order", True, [str(int(pref[j]) or "-") for j in order] + [""]),
        ("chance", True, [_fmt(float(f.chance[j])) + ("*" if not f.chance_given[j] else "")
                          for j in order] + [""]),
        ("signal", False, [f.signal[j] or "" for j in order] + [""]),
    ]
    data = [(plain(row.name), True, [_fmt(float(row.p_program[j])) if j in on else "" for j in order]
             + [_fmt(row.p_unmatched)]) for row, on in zip(rows, listed)]
    for t in _stacked(width, "Where you match, list by list", key, extra, data, "Where you match"):
        console.print(t)
    if not f.chance_given.all():
        console.print("* assumed from what the program told you; see the assumptions below.")

    console.print("\n[bold]What this means[/bold]")
    _bullets(console, [("  -", esc(x.text)) for x in advice.findings])
    console.print("\n[bold]List checks[/bold]")
    _bullets(console, [("  [green]ok[/green]" if c.ok else "  [yellow]![/yellow]", esc(c.message))
                       for c in advice.checks])
    if not advice.checks:
        console.print("  nothing to flag")
    console.print("\n[bold]Assumptions and method[/bold]")
    notes = [esc(line) for line in advice.assumptions]
    mk = advice.market
    if mk is not None:
        notes.append(f"{mk.markets:,} simulated specialty markets ({mk.generator} generator); in each, "
                     "the full Match algorithm was run once per list against the same market.")
        if mk.menu_violations is not None:
            notes.append(f"Menu check: in {mk.verified_markets - mk.menu_violations:,} of "
                         f"{mk.verified_markets:,} checked markets every list got exactly the first "
                         "program on it that would take you (found by running the algorithm with each "
                         "program alone).")
        if mk.placement_agreement is not None:
            notes.append(f"In those markets, each program took you or not exactly as its ranking of you "
                         f"was meant to in {100 * mk.placement_agreement:.1f}% of cases (your entering a "
                         "market can shift a program's cutoff a little).")
    else:
        notes.append(f"Menu model: each program takes you with the chance shown; programs' decisions are "
                     f"correlated (correlation {advice.correlation:g}, --correlation).")
    cc = advice.cross_check
    if cc:
        notes.append(f"Checked against {cc.samples:,} sampled Matches (seed {advice.seed}): largest "
                     f"difference {100 * cc.max_abs_difference:.2f} percentage points.")
    _bullets(console, [("  -", line) for line in notes])


#: Options that only mean something with --market, and options of the menu model only.
_MARKET_ONLY = {"applicants": "--applicants", "markets": "--markets", "generator": "--generator",
                "verify": "--verify-markets"}
_MENU_ONLY = {"samples": "--samples", "method": "--method"}


def _given(ctx, name) -> bool:
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def _check_options(ctx, market) -> None:
    """An option that would be ignored is an error, never silence."""
    if not market:
        for name, flag in _MARKET_ONLY.items():
            if _given(ctx, name):
                raise click.UsageError(f"option {flag} works only with --market (simulated markets); "
                                       f"add --market, or leave {flag} out")
    else:
        for name, flag in _MENU_ONLY.items():
            if _given(ctx, name):
                raise click.UsageError(f"option {flag} does not apply with --market (the figures come "
                                       f"from --markets simulated markets); leave {flag} out")


def _write_template(target, path, example) -> None:
    from matchsim.io.rank_template import write_rank_template

    if path is not None or example:
        raise click.UsageError("option --template writes a new spreadsheet and stops; give it alone "
                               "(without a CSV file or --example)")
    try:
        write_rank_template(target)
    except FileExistsError:
        raise click.UsageError(f"option --template: {target} already exists; give a new file name "
                               "(nothing was overwritten)") from None
    except OSError as exc:
        raise click.UsageError(f"option --template: cannot write {target}: {exc.strerror or exc}; "
                               "choose a folder that exists and that you can write to") from None
    click.echo(f"Wrote {target}: a blank rank-list spreadsheet. Open it, add one row per program, "
               f"save it as CSV, then run: matchsim compare {target}")


def _check_output(out, source) -> None:
    """Never write the result over the spreadsheet it was computed from."""
    from pathlib import Path

    if source is not None and Path(out).resolve() == Path(source).resolve():
        raise click.UsageError(f"option --csv: {out} is your input file; give the result another "
                               "name (for example result.csv)")


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
@click.option("--template", "template", type=click.Path(dir_okay=False), default=None,
              help="Write a blank, commented spreadsheet to this new file and stop.")
@json_option
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write one row per list to this CSV file.")
def compare(path, example, correlation, samples, seed, method, market, applicants, markets, generator,
            verify, template, as_json, csv_path):
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

    if template is not None:
        _write_template(template, path, example)
        return
    if example == (path is not None):
        raise click.UsageError("give a CSV file, or --example (not both)")
    _check_options(click.get_current_context(), market)
    if method == "sample" and samples == 0 and not market:
        raise click.BadParameter("--method sample needs --samples of at least 1",
                                 param_hint="--samples")
    if csv_path is not None:
        _check_output(csv_path, None if example else path)
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
        try:
            write_advice_csv(advice, csv_path)
        except OSError as exc:
            raise click.UsageError(f"option --csv: cannot write {csv_path}: {exc.strerror or exc}; "
                                   "choose a file in a folder that exists and that you can write to")

    if as_json:
        click.echo(json.dumps(advice_to_json(advice), indent=2))
        return
    render(advice, Console(highlight=False))
