"""``matchsim match``: run the Match on a market and show who matched where.

The command reads a market (:func:`matchsim.io.read_market`) or takes a
built-in example, runs :func:`matchsim.engine.deferred_acceptance` (or, when
the market has couples, supplemental lists, reversions or even/odd requests,
the NRMP algorithm :func:`matchsim.nrmp_match`), and shows the result as
tables, as JSON, or writes it to files (:func:`matchsim.io.write_result`). pandas and rich are imported only when the
command runs, so ``matchsim --help`` stays quick.
"""

from __future__ import annotations

import click

from matchsim.cli.options import (
    json_option,
    out_option,
    proposing_option,
    quiet_option,
    user_errors,
)

from matchsim import datasets as _datasets

__all__ = ["match", "EXAMPLES", "DEFAULT_LIMIT"]

#: ``--example`` names, from the library's registry.
EXAMPLES = tuple(_datasets.EXAMPLES)

#: Rows shown per table unless ``--all`` or ``--limit`` says otherwise.
DEFAULT_LIMIT = 30


def _load(path, example):
    if example is not None:
        return _datasets.example(example), f"the built-in example {example!r}"
    from matchsim.io import read_market

    return read_market(path), str(path)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", required=False, type=click.Path())
@click.option("--example", type=click.Choice(EXAMPLES), default=None,
              help="Run a built-in example instead of a file: 'nrmp' is the NRMP's own worked "
                   "example (8 applicants, 4 programs), 'nrmp-small' its smaller teaching version, "
                   "'nrmp-extensions' a small market with couples, supplemental lists and a reversion.")
@proposing_option
@out_option("Also write the result: a .csv file (one row per applicant), a .json file (everything), "
            "or a folder ending in / (applicant and program tables and a summary).")
@json_option
@quiet_option
@click.option("--all", "show_all", is_flag=True, help="Show every row, however large the market.")
@click.option("--limit", type=click.IntRange(1), default=DEFAULT_LIMIT, show_default=True,
              help="Rows shown per table (the summary always covers everybody).")
def match(path, example, proposing, out, as_json, quiet, show_all, limit):
    """Run the Match on a market and show who matched where.

    PATH is a folder holding applicant_lists.csv, program_lists.csv and
    programs.csv, or one market .json file (see docs/file-formats.md).
    With couples.csv and couple_lists.csv, supplemental_lists.csv and
    supplemental_links.csv, reversions.csv, or a track or even_odd column
    in programs.csv, the market is matched by the NRMP's algorithm
    (couples, PGY-1 years from supplemental lists, reversions), and the
    output also shows the couples, the PGY-1 years, whether the result was
    verified stable, and any loops (see docs/match.md).

    The output lists every applicant with the program they matched and where
    that program was on their own rank list, each program's filled and
    unfilled positions, the applicants left unmatched, and a one-line summary.

    \b
    Examples:
      matchsim match --example nrmp             # the NRMP's worked example
      matchsim match --example nrmp-extensions  # couples, PGY-1 years
      matchsim match examples/nrmp              # a market as CSV files
      matchsim match my_market/ --out res.csv   # also save the result
      matchsim match market.json --json         # machine-readable output
      matchsim match my_market/ --proposing program
    """
    if (path is None) == (example is None):
        raise click.UsageError("give either a PATH (a CSV folder or a .json file) or --example, "
                               "not both" if path is not None else
                               "give a PATH (a CSV folder or a .json file), or --example nrmp")
    from matchsim.engine import deferred_acceptance

    nrmp = False
    with user_errors():
        protect = []
        if out is not None:  # before any work: a bad --out, or one that would replace the input
            from matchsim.io.market_files import market_paths
            from matchsim.io.results import result_paths

            protect = market_paths(path) if path is not None else []
            result_paths(out, protect)
        market, label = _load(path, example)
        nrmp = market.has_extensions
        if nrmp and proposing != "applicant":
            raise click.UsageError("this market has couples, supplemental lists, reversions or even/odd "
                                   "requests, which only the NRMP's applicant-proposing algorithm handles; "
                                   "leave out --proposing program")
        if nrmp:
            from matchsim.engine.nrmp import nrmp_match

            result = nrmp_match(market)
        else:
            result = deferred_acceptance(market, proposing)
        written = []
        if out is not None:
            from matchsim.io import write_result

            written = write_result(market, result, out, protect=protect)
    if as_json:
        from matchsim.io import result_to_json
        from matchsim.io.escape import json_text

        doc = result_to_json(market, result)
        doc["market"] = label
        click.echo(json_text(doc, indent=1))
        return
    if quiet:
        return
    if nrmp:
        from matchsim.cli.match_nrmp import show_nrmp

        show_nrmp(market, result, label, None if show_all else limit, written)
        return
    _show(market, result, label, None if show_all else limit, written)


def _show(market, result, label, limit, written):
    """Print the result as rich tables (at most ``limit`` rows each, None = all)."""
    from rich.console import Console
    from rich.table import Table

    from matchsim.io.results import program_members, result_columns, result_summary

    escape = escape_name
    console = Console(highlight=False, soft_wrap=True)
    s = result_summary(market, result)
    side = ("applicant-proposing, the NRMP's algorithm" if result.proposing == "applicant"
            else "program-proposing")
    console.print(f"[bold]Match of {escape(label)}[/bold] ({side})")

    cols = result_columns(market, result)
    n_apps = cols["applicant"].size
    n_shown = n_apps if limit is None else min(limit, n_apps)
    table = Table(title="Applicants", title_justify="left")
    table.add_column("Applicant")
    table.add_column("Matched to")
    table.add_column("Rank on own list", justify="right")
    table.add_column("Program's rank of them", justify="right")
    p_lengths = market.program_list_lengths
    assignment = result.assignment
    for a in range(n_shown):
        name, length = cols["applicant"][a], cols["list_length"][a]
        if assignment[a] < 0:
            table.add_row(escape(name), "[red]unmatched[/red]", f"- of {length}", "-")
        else:
            table.add_row(escape(name), escape(cols["program"][a]), f"{cols['rank'][a]} of {length}",
                          f"{cols['program_rank'][a]} of {p_lengths[assignment[a]]}")
    console.print(table)
    more(console, n_apps - n_shown, "applicants")

    members = program_members(market, result)
    n_progs = market.n_programs
    n_shown = n_progs if limit is None else min(limit, n_progs)
    table = Table(title="Programs", title_justify="left")
    table.add_column("Program")
    table.add_column("Positions", justify="right")
    table.add_column("Filled", justify="right")
    table.add_column("Unfilled", justify="right")
    table.add_column("Matched applicants (program's order)")
    for p in range(n_shown):
        text = members_text(members[p])
        capacity, filled = int(market.capacity[p]), int(result.filled[p])
        unfilled = f"[yellow]{capacity - filled}[/yellow]" if capacity > filled else "0"
        table.add_row(escape(market.program_label(p)), str(capacity), str(filled), unfilled, escape(text))
    console.print(table)
    more(console, n_progs - n_shown, "programs")

    print_unmatched(console, cols["applicant"][assignment < 0].tolist(), limit)
    console.print(
        f"[bold]Summary:[/bold] matched {s['matched']:,}/{s['applicants']:,} applicants; "
        f"filled {s['filled']:,}/{s['positions']:,} positions ({s['unfilled']:,} unfilled); "
        f"{s['proposals']:,} {'proposals' if result.proposing == 'applicant' else 'offers'} "
        f"in {s['rounds']:,} rounds."
    )
    for f in written:
        console.print(f"Wrote {escape(str(f))}")


def escape_name(text) -> str:
    """A name as written, for a rich table: no terminal control codes, no rich markup."""
    from rich.markup import escape

    from matchsim.io.escape import terminal_text

    return escape(terminal_text(text))


def members_text(names) -> str:
    """A program's matched applicants for its table cell: the first 8, then how many more."""
    return ", ".join(names[:8]) + (f", ... ({len(names) - 8} more)" if len(names) > 8 else "")


def print_unmatched(console, names, limit) -> None:
    """The line of unmatched applicants (at most ``limit`` names, None = all)."""
    if not names:
        console.print("[bold]Unmatched applicants:[/bold] none")
        return
    listed = names if limit is None else names[:limit]
    tail = f", ... ({len(names) - len(listed)} more)" if len(listed) < len(names) else ""
    console.print(f"[bold]Unmatched applicants ({len(names)}):[/bold] {escape_name(', '.join(listed))}{tail}")


def more(console, hidden, what):
    if hidden > 0:
        console.print(f"... {hidden:,} more {what} not shown; use --all to show every row, "
                      "or --out FILE to save them.")
