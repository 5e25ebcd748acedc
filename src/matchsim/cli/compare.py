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
  matchsim compare --example advanced         # PGY-2 programs and PGY-1 years
  matchsim compare --example couple           # a couple's joint lists
  matchsim compare --template mylist.csv      # a blank spreadsheet to fill in
  matchsim compare mylist.csv                 # your own spreadsheet
  matchsim compare mylist.xlsx --sheet Lists  # a workbook: say which sheet
  matchsim compare mylist.csv --html report.html --png chart.png
  matchsim compare mylist.csv --chance-scale 0.5,1,2
  matchsim compare mine.csv --couple partner.csv
  matchsim compare mylist.csv --correlation 0.3 --samples 200000 --seed 7
  matchsim compare mylist.csv --json > result.json
  matchsim compare mylist.csv --csv result.csv
  matchsim compare mylist.csv --market        # check with the real algorithm
  matchsim compare mylist.csv --market --applicants 800 --markets 2000
"""


#: The shipped example spreadsheets (``--example NAME``), by name; ``--example`` alone is the first.
EXAMPLES = {
    "basic": ("mylist_example.csv", "a PM&R applicant with nine categorical programs"),
    "advanced": ("advanced_example.csv", "a PM&R applicant with advanced programs and a supplemental list"),
    "couple": ("couple_example.csv", "a couple (PM&R and surgery) with two joint lists"),
}
#: The partner's file of the couple example.
COUPLE_PARTNER_EXAMPLE = "couple_partner_example.csv"


def example_path(name="basic"):
    """Path of a shipped example spreadsheet (see :data:`EXAMPLES`)."""
    return resources.files("matchsim") / "data" / EXAMPLES[name][0]


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


def _program_columns(f, order, tracks, extra_row=True, signal=True):
    """The "your order", "chance", "signal" (and "track") columns of a program table."""
    from matchsim.extensions import TRACKS

    pad = [""] if extra_row else []
    pref = f.preference
    cols = [
        ("your order", True, [str(int(pref[j]) or "-") for j in order] + pad),
        ("chance", True, [_fmt(float(f.chance[j])) + ("*" if not f.chance_given[j] else "")
                          for j in order] + pad),
        ("signal", False, [f.signal[j] or "" for j in order] + pad),
    ]
    if not signal:
        cols.pop()
    if tracks:
        cols.insert(0, ("track", False, [TRACKS[int(f.track_codes[j])] for j in order] + pad))
    return cols


def _render_tracks(advice, console, rows, labels, width) -> None:
    """The training-path table and the PGY-1 table (files with advanced programs)."""
    f = advice.rank_file
    where = "possible" if advice.method == "exact" else "simulated"
    figures = [
        ("complete path", [_fmt(r.pgy1.p_complete) for r in rows]),
        ("advanced + PGY-1", [_fmt(r.pgy1.p_advanced_and_pgy1) for r in rows]),
        ("advanced, no PGY-1", [_fmt(r.pgy1.p_advanced_without_pgy1) for r in rows]),
        ("PGY-1 year only", [_fmt(r.pgy1.p_pgy1_only) for r in rows]),
        ("unmatched", [_fmt(r.p_unmatched) for r in rows]),
    ]
    for t in _stacked(width, f"Your training path, over all {where} Matches (complete path: a categorical "
                      "position, or an advanced one with its PGY-1 year)", ("list", False, labels), [],
                      [(head, True, cells) for head, cells in figures], "Your training path"):
        console.print(t)
    from matchsim.io.escape import terminal_text as plain

    pgy1 = [j for j in range(f.n_programs) if f.is_pgy1[j]]
    order = sorted(pgy1, key=lambda j: (f.preference[j] == 0, int(f.preference[j]), j))
    if not order:
        return
    key = ("PGY-1 program", False, [plain(f.programs[j]) for j in order] + ["none (advanced only)"])
    extra = _program_columns(f, order, False, signal=False)
    data = [(plain(r.name), True, [_fmt(float(r.pgy1.p_pgy1_program[j])) for j in order]
             + [_fmt(r.pgy1.p_advanced_without_pgy1)]) for r in rows]
    for t in _stacked(width, "Your PGY-1 year with an advanced match, list by list", key, extra, data,
                      "Your PGY-1 year"):
        console.print(t)


def _render_sensitivity(advice, console, width) -> None:
    """How the comparison moves when every chance is scaled (``--chance-scale``)."""
    from matchsim.io.escape import terminal_text as plain

    names = [plain(n) for n in advice.rank_file.lists]
    rows = advice.sensitivity
    cols = []
    for s in rows:
        cols.append((f"matched x{s.scale:g}", True, [_fmt(float(v)) for v in s.p_match]))
    for s in rows:
        cols.append((f"worse x{s.scale:g}", True, [_fmt(float(v)) for v in s.worse]))
    for s in rows:
        cols.append((f"better x{s.scale:g}", True, [_fmt(float(v)) for v in s.better]))
    for t in _stacked(width, "If every chance were scaled (--chance-scale; above 100% counts as 100%)",
                      ("list", False, names), [], cols, "If every chance were scaled"):
        console.print(t)


def _compare_couple(path, example, partner, sheet, correlation, samples, seed, market, as_json, html_path,
                    png_path, csv_path, chance_scale, method, applicants=DEFAULT_APPLICANTS,
                    markets=DEFAULT_MARKETS) -> None:
    """``compare mylist.csv --couple partner.csv`` (or ``--example couple``)."""
    from rich.console import Console

    from matchsim.advisor.couples import advise_couple, couple_to_json
    from matchsim.io.couple_file import read_couple_files

    if example is not None and example != "couple":
        raise click.UsageError("option --couple needs your own spreadsheet (or --example couple), not "
                               f"--example {example}")
    if example == "couple" and partner is not None:
        raise click.UsageError("--example couple brings its own partner file; leave out --couple")
    for flag, given in (("--csv", csv_path), ("--png", png_path), ("--chance-scale", chance_scale)):
        if given:
            raise click.UsageError(f"option {flag} is for a single applicant's lists; with --couple use "
                                   "--json or --html")
    if method != DEFAULT_METHOD:
        raise click.UsageError("option --method: a couple's figures are always sampled; leave --method out")
    ctx = click.get_current_context()
    for name, flag in (("generator", "--generator"), ("verify", "--verify-markets"), ("jobs", "--jobs")):
        if market and _given(ctx, name):
            raise click.UsageError(f"option {flag} does not apply to a couple's simulated markets; leave it out")
    settings = None
    if market:
        from matchsim.advisor.advice import MarketSettings
        from matchsim.advisor.defaults import DEFAULT_COUPLE_MARKETS

        settings = MarketSettings(applicants, markets if _given(ctx, "markets") else DEFAULT_COUPLE_MARKETS)
    if samples == 0:
        raise click.BadParameter("a couple's figures are sampled: give --samples of at least 1",
                                 param_hint="--samples")
    _check_outputs([("--html", html_path)], path)
    if partner is not None:
        _check_outputs([("--html", html_path)], partner)
    with user_errors():
        if example == "couple":
            with resources.as_file(example_path("couple")) as mine, resources.as_file(
                    resources.files("matchsim") / "data" / COUPLE_PARTNER_EXAMPLE) as his:
                couple = read_couple_files(mine, his, sheet=sheet)
        else:
            couple = read_couple_files(path, partner, sheet=sheet)
        with ProgressBar(market and not as_json, "simulated Matches", unit="markets") as bar:
            try:
                advice = advise_couple(couple, correlation=correlation, samples=samples, seed=seed,
                                       market=settings, progress=bar)
            except ValueError as exc:
                if market and "NRMP algorithm" in str(exc):
                    raise click.UsageError(f"option --market: {exc}") from None
                raise
    if html_path:
        from matchsim.report.advice_html import write_couple_html

        _write("--html", html_path, lambda p: write_couple_html(advice, p))
    if as_json:
        click.echo(json.dumps(couple_to_json(advice), indent=2))
        return
    render_couple(advice, Console(highlight=False))
    if html_path:
        click.echo(f"Wrote {html_path} (the report).")


def render_couple(advice, console) -> None:
    """Print a :class:`~matchsim.advisor.couples.CoupleAdvice` as tables and sentences."""
    from matchsim.io.escape import terminal_text as plain

    esc = _safe
    c = advice.couple
    n = len(advice.lists)
    console.print(f"[bold]matchsim compare[/bold] (a couple): {esc(c.me.source)} and {esc(c.partner.source)}, "
                  f"{n} joint {'list' if n == 1 else 'lists'}")
    width = console.width
    labels = [plain(o.name) + (" (true order)" if o.is_true_order else "") for o in advice.lists]
    figures = [
        ("you matched", [_fmt(o.p_me) for o in advice.lists]),
        ("partner matched", [_fmt(o.p_partner) for o in advice.lists]),
        ("both", [_fmt(o.p_both) for o in advice.lists]),
        ("No Match pair", [_fmt(o.p_no_match_pair) for o in advice.lists]),
        ("neither", [_fmt(o.p_unmatched) for o in advice.lists]),
        ("worse", [_fmt(o.worse) for o in advice.lists]),
        ("same", [_fmt(o.same) for o in advice.lists]),
        ("better", [_fmt(o.better) for o in advice.lists]),
    ]
    for t in _stacked(width, "How each joint list does, over all sampled Matches (worse / same / better: "
                      "compared with your true joint order, under the menu model)", ("joint list", False, labels),
                      [], [(h, True, cells) for h, cells in figures], "How each joint list does"):
        console.print(t)
    me, him = c.me.programs, c.partner.programs
    for o in advice.lists:
        key = ("rank", True, [str(i + 1) for i in range(len(o.pairs))] + [""])
        extra = [("you", False, ["No Match" if x < 0 else plain(me[x]) for x, _ in o.pairs.tolist()] + ["neither"]),
                 ("partner", False, ["No Match" if y < 0 else plain(him[y]) for _, y in o.pairs.tolist()] + [""])]
        data = [("chance", True, [_fmt(float(v)) for v in o.p_pair] + [_fmt(o.p_unmatched)])]
        for t in _stacked(width, f'The pairs of "{plain(o.name)}"', key, extra, data, "The pairs"):
            console.print(t)
    if advice.market is not None:
        _render_couple_market(advice.market, console, width)
    console.print("\n[bold]What this means[/bold]")
    _bullets(console, [("  -", esc(x.text)) for x in advice.findings])
    console.print("\n[bold]Assumptions and method[/bold]")
    _bullets(console, [("  -", esc(line)) for line in advice.assumptions])


def _render_couple_market(mk, console, width) -> None:
    """What the NRMP algorithm with couples did, against the true joint order."""
    from matchsim.io.escape import terminal_text as plain

    rows, figures = [plain(x["name"]) for x in mk["lists"]], list(mk["lists"])
    for x in mk["families"]:
        rows += [f"one {x['family']} (mean of {x['variants']})", f"best of the {x['variants']} {x['family']}s"]
        figures += [{k: x[f"mean_{k}"] for k in ("worse", "same", "better")}, x]
    cols = [(k, True, [_fmt(x[k]) for x in figures]) for k in ("worse", "same", "better")]
    for t in _stacked(width, f"In {mk['markets']:,} simulated markets with the NRMP algorithm with couples "
                      "(worse / same / better than your true joint order in the same market)",
                      ("joint list or variant", False, rows), [], cols, "In simulated markets"):
        console.print(t)


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
    sheet = f" (sheet \"{esc(f.sheet)}\")" if f.sheet else ""
    console.print(f"Lists read from the {'column' if n_l == 1 else 'columns'} {columns}{sheet}"
                  + (f"; ignored: {ignored}." if f.ignored else "."))
    if f.supplemental:
        supp = join_names([f'"{esc(name)}"' for name in f.supplemental], limit=len(f.supplemental))
        how = ("linked to the advanced programs named in the link column" if f.link_given else
               "linked to every advanced program")
        console.print(f"Supplemental {'list' if len(f.supplemental) == 1 else 'lists'} {supp}, {how}.")
    if f.names_layout:
        cols = join_names([f'"{esc(name)}"' for name in f.names_layout], limit=len(f.names_layout))
        console.print(f"Written as program names, top to bottom: {cols}.")

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
    listed = [set(row.programs.tolist()) for row in rows]
    on_primary = set().union(*listed)
    tracks = advice.comparison.tracks is not None
    primary = [j for j in range(f.n_programs) if not f.is_pgy1[j] or j in on_primary]
    order = sorted(primary, key=lambda j: (bool(f.is_pgy1[j]), pref[j] == 0, int(pref[j]), j))
    key = ("program", False, [plain(f.programs[j]) for j in order] + ["unmatched"])
    extra = _program_columns(f, order, tracks)
    data = [(plain(row.name), True, [_fmt(float(row.p_program[j])) if j in on else "" for j in order]
             + [_fmt(row.p_unmatched)]) for row, on in zip(rows, listed)]
    for t in _stacked(width, "Where you match, list by list", key, extra, data, "Where you match"):
        console.print(t)
    if tracks:
        _render_tracks(advice, console, rows, labels, width)
    if not f.chance_given.all():
        console.print("* assumed from what the program told you; see the assumptions below.")
    if advice.sensitivity:
        _render_sensitivity(advice, console, width)

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
        algorithm = ("the NRMP algorithm with supplemental lists" if advice.comparison.tracks is not None
                     else "the full Match algorithm")
        notes.append(f"{mk.markets:,} simulated specialty markets ({mk.generator} generator); in each, "
                     f"{algorithm} was run once per list against the same market.")
        if mk.menu_violations is not None and advice.comparison.tracks is not None:
            notes.append(f"Menu check: in {mk.verified_markets - mk.menu_violations:,} of "
                         f"{mk.verified_markets:,} checked markets every list got exactly the pair the model "
                         "predicts: the first program on it that would take you and, for an advanced one, the "
                         "first program on its supplemental list that would take you (found by running the "
                         f"NRMP algorithm with each program alone; {mk.pgy1_checks:,} PGY-1 entries checked).")
        elif mk.menu_violations is not None:
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
                "verify": "--verify-markets", "jobs": "--jobs"}
_MENU_ONLY = {"samples": "--samples", "method": "--method"}


def _given(ctx, name) -> bool:
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def _check_options(ctx, market, couple=False) -> None:
    """An option that would be ignored is an error, never silence."""
    if couple:
        if not market:
            for name, flag in _MARKET_ONLY.items():
                if _given(ctx, name):
                    raise click.UsageError(f"option {flag} works only with --market (simulated markets); "
                                           f"add --market, or leave {flag} out")
        return
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


def _parse_scales(ctx, param, value):
    """``--chance-scale 0.5,1,2`` -> (0.5, 1.0, 2.0); each factor above 0."""
    if value is None:
        return None
    out = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        try:
            x = float(part)
        except ValueError:
            raise click.BadParameter(f'"{part}" is not a number; give factors such as 0.5,1,2') from None
        if not (math.isfinite(x) and x > 0):
            raise click.BadParameter(f"{part} is not a factor above 0; give factors such as 0.5,1,2")
        out.append(x)
    if not out:
        raise click.BadParameter("give one or more factors, such as 0.5,1,2")
    return tuple(dict.fromkeys(out))


def _example_name(value, path):
    """The shipped example asked for (``--example`` alone: the basic one)."""
    if value is None:
        return None
    if value not in EXAMPLES:
        if path is None and (value.lower().endswith((".csv", ".xlsx", ".ods")) or "/" in value):
            raise click.UsageError("give a CSV file, or --example (not both)")
        raise click.BadParameter(f'"{value}" is not an example; choose one of '
                                 + ", ".join(EXAMPLES), param_hint="--example")
    return value


def _check_outputs(paths, source) -> None:
    """Never write a result over the spreadsheet it was computed from, nor two results to one file."""
    from pathlib import Path

    seen = {}
    for flag, out in paths:
        if out is None:
            continue
        target = Path(out).resolve()
        if source is not None and target == Path(source).resolve():
            raise click.UsageError(f"option {flag}: {out} is your input file; give the result another "
                                   "name (for example result" + Path(out).suffix + ")")
        if target in seen:
            raise click.UsageError(f"options {seen[target]} and {flag} name the same file {out}; give each "
                                   "its own file")
        seen[target] = flag


def _write(flag, path, writer) -> None:
    try:
        writer(path)
    except OSError as exc:
        raise click.UsageError(f"option {flag}: cannot write {path}: {exc.strerror or exc}; "
                               "choose a file in a folder that exists and that you can write to") from None


@click.command("compare", epilog=_EXAMPLES)
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--example", "example", is_flag=False, flag_value="basic", default=None, metavar="[NAME]",
              help="Use a shipped example spreadsheet: --example (a PM&R applicant), --example advanced "
              "(advanced programs and a supplemental list) or --example couple.")
@click.option("--couple", "partner", type=click.Path(dir_okay=False), default=None, metavar="PARTNER",
              help="You apply as a couple: PARTNER is your partner's spreadsheet, and your joint lists are "
              "the columns '<list>: me' and '<list>: partner' of yours.")
@click.option("--sheet", default=None, metavar="NAME",
              help="For an .xlsx / .ods workbook with several sheets: the sheet to read.")
@click.option("--correlation", type=click.FloatRange(0.0, MAX_CORRELATION), default=DEFAULT_CORRELATION,
              show_default=True,
              help="How alike programs judge you: 0 = independently, near 1 = all alike.")
@click.option("--samples", type=click.IntRange(0), default=DEFAULT_SAMPLES, show_default=True,
              help="Sampled Matches for the Monte Carlo check (0 = skip it).")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed for sampling.")
@click.option("--method", type=click.Choice(METHODS), default=DEFAULT_METHOD, show_default=True,
              help="Figures from exact quadrature, or from the sampled Matches.")
@click.option("--chance-scale", "chance_scale", default=None, callback=_parse_scales, metavar="F,F,...",
              help="Also show the comparison with every chance multiplied by each factor (e.g. 0.5,1,2; "
              "a chance above 100% after scaling counts as 100%).")
@click.option("--market", is_flag=True,
              help="Instead of the menu model, run the real Match algorithm in simulated markets.")
@click.option("--applicants", type=click.IntRange(MIN_APPLICANTS), default=DEFAULT_APPLICANTS,
              show_default=True,
              help="--market: applicants per simulated market.")
@click.option("--markets", type=click.IntRange(1), default=DEFAULT_MARKETS, show_default=True,
              help="--market: number of simulated markets (200 with --couple unless given).")
@click.option("--generator", type=click.Choice(GENERATORS), default=DEFAULT_GENERATOR, show_default=True,
              help="--market: the built-in simple specialty, or a calibrated preset (slower).")
@click.option("--verify-markets", "verify", type=click.IntRange(0), default=DEFAULT_VERIFY_MARKETS,
              show_default=True,
              help="--market: in this many markets, also find your menu with the algorithm (one "
              "run per program) and check every list against it.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True,
              help="--market with advanced programs: worker processes (the figures do not depend on it).")
@click.option("--template", "template", type=click.Path(dir_okay=False), default=None,
              help="Write a blank, commented spreadsheet to this new file and stop.")
@json_option
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write one row per list to this CSV file.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write a report to look at, print or send: one self-contained HTML file.")
@click.option("--png", "png_path", type=click.Path(dir_okay=False), default=None,
              help="Also write one chart (where each list matches you) as a PNG image.")
def compare(path, example, partner, sheet, correlation, samples, seed, method, chance_scale, market, applicants,
            markets, generator, verify, jobs, template, as_json, csv_path, html_path, png_path):
    """Compare your candidate rank lists and explain which is best.

    PATH is a spreadsheet (CSV, or an .xlsx / .ods workbook), one row per
    program, with the columns program, preference (your true order), optional
    chance, signal and track, one column per candidate list (the program's rank
    on that list; blank = left off), and optional supplemental lists of PGY-1
    programs. See docs/compare.md and docs/advanced-and-couples.md.
    """
    from rich.console import Console

    from matchsim.advisor.advice import MarketSettings, advise
    from matchsim.advisor.export import advice_to_json, write_advice_csv
    from matchsim.io.rank_file import read_rank_file

    if template is not None:
        _write_template(template, path, example)
        return
    example = _example_name(example, path)
    if (example is not None) == (path is not None):
        raise click.UsageError("give a CSV file, or --example (not both)")
    _check_options(click.get_current_context(), market, couple=example == "couple" or partner is not None)
    if example == "couple" or partner is not None:
        _compare_couple(path, example, partner, sheet, correlation, samples, seed, market, as_json,
                        html_path, png_path, csv_path, chance_scale, method, applicants, markets)
        return
    if method == "sample" and samples == 0 and not market:
        raise click.BadParameter("--method sample needs --samples of at least 1",
                                 param_hint="--samples")
    _check_outputs([("--csv", csv_path), ("--html", html_path), ("--png", png_path)],
                   None if example else path)
    if png_path is not None:
        import importlib.util

        if importlib.util.find_spec("matplotlib") is None:
            raise click.UsageError("option --png draws with matplotlib, which is not installed; install it "
                                   "(python -m pip install 'matchsim[plot]') or use --html for the report")
    with user_errors():
        if example:
            with resources.as_file(example_path(example)) as shipped:
                f = read_rank_file(shipped, sheet=sheet)
        else:
            f = read_rank_file(path, sheet=sheet)
        settings = MarketSettings(applicants, markets, generator, verify, jobs) if market else None
        with ProgressBar(market and not as_json, "simulated Matches", unit="markets") as bar:
            try:
                advice = advise(f, correlation=correlation, method=method, samples=samples, seed=seed,
                                market=settings, progress=bar, chance_scale=chance_scale)
            except ValueError as exc:
                if market and ("NRMP algorithm" in str(exc) or str(exc).startswith(("jobs:", "the '"))):
                    raise click.UsageError(f"option --market: {exc}") from None
                raise
    if csv_path:
        _write("--csv", csv_path, lambda p: write_advice_csv(advice, p))
    if html_path:
        from matchsim.report.advice_html import write_advice_html

        _write("--html", html_path, lambda p: write_advice_html(advice, p))
    if png_path:
        from matchsim.report.advice_html import write_advice_png

        _write("--png", png_path, lambda p: write_advice_png(advice, p))

    if as_json:
        click.echo(json.dumps(advice_to_json(advice), indent=2))
        return
    render(advice, Console(highlight=False))
    for flag, out in (("--html", html_path), ("--png", png_path)):
        if out:
            click.echo(f"Wrote {out} ({'the report' if flag == '--html' else 'the chart'}).")
