"""``matchsim match`` on a market with the NRMP's variations: the tables of an NRMP result.

Part of :mod:`matchsim.cli.match`. It prints what
:func:`matchsim.nrmp_match` returned (an
:class:`~matchsim.engine.nrmp.NRMPResult`) as the library's result columns
(:func:`matchsim.io.results.result_columns`) give it: each applicant's primary
match and PGY-1 year, the couples' pairs, the programs after reversions, the
reversions, whether the checker verified the result stable, and the loops in
plain words. Nothing is recomputed here.
"""

from __future__ import annotations

from matchsim.extensions import EVEN_ODD, TRACKS

__all__ = ["show_nrmp"]

#: Loops printed one by one before the rest are summed up (unless --all).
_LOOPS_SHOWN = 3


def show_nrmp(market, result, label, limit, written):
    """Print an NRMP result as rich tables (at most ``limit`` rows each, None = all)."""
    from rich.console import Console
    from rich.table import Table

    from matchsim.cli.match import escape_name as escape
    from matchsim.cli.match import members_text, more, print_unmatched
    from matchsim.io.nrmp_results import nrmp_sections
    from matchsim.io.results import program_members, result_columns, result_summary

    console = Console(highlight=False, soft_wrap=True)
    s = result_summary(market, result)
    console.print(f"[bold]Match of {escape(label)}[/bold] (the NRMP's algorithm: couples, supplemental "
                  "lists, reversions)")

    cols = result_columns(market, result)
    couple_of = market.couples.couple_of(market.n_applicants) if market.couples is not None else None
    n_apps = cols["applicant"].size
    n_shown = n_apps if limit is None else min(limit, n_apps)
    table = Table(title="Applicants", title_justify="left")
    table.add_column("Applicant")
    table.add_column("Matched to")
    table.add_column("Rank on own list", justify="right")
    table.add_column("PGY-1 year (supplemental list)")
    for a in range(n_shown):
        name, length = cols["applicant"][a], cols["list_length"][a]
        in_couple = couple_of is not None and couple_of[a] >= 0
        what = "pair" if in_couple else ""
        if result.assignment[a] < 0:
            where, rank = "[red]unmatched[/red]", f"- of {length}"
            if in_couple and result.couple_assignment[couple_of[a]] >= 0:  # the couple's pair says No Match
                where = "No Match (partner matched)"
                rank = f"pair {result.couple_assignment[couple_of[a]] + 1} of {length}"
        else:
            where, rank = escape(cols["program"][a]), f"{what + ' ' if what else ''}{cols['rank'][a]} of {length}"
        pgy1 = ""
        if cols["pgy1"][a]:
            sp = market.supplemental
            n = int(sp.ptr[result.pgy1_list[a] + 1] - sp.ptr[result.pgy1_list[a]])
            pgy1 = f"{escape(cols['pgy1'][a])} ({cols['pgy1_rank'][a]} of {n})"
        elif result.assignment[a] >= 0 and result.pgy1_list[a] < 0 and _advanced(market, result.assignment[a]):
            pgy1 = "[yellow]none[/yellow]"
        table.add_row(escape(name), where, rank, pgy1)
    console.print(table)
    more(console, n_apps - n_shown, "applicants")

    sections = nrmp_sections(market, result)
    if sections["couples"]:
        table = Table(title="Couples", title_justify="left")
        table.add_column("Couple")
        table.add_column("Matched pair")
        table.add_column("Rank on joint list", justify="right")
        shown = sections["couples"] if limit is None else sections["couples"][:limit]
        for c in shown:
            if c["pair"] is None:
                pair, rank = "[red]unmatched[/red]", f"- of {c['list_length']}"
            else:
                pair = " + ".join(escape(p) if p is not None else "No Match" for p in c["pair"])
                rank = f"{c['rank']} of {c['list_length']}"
            table.add_row(escape(c["couple"]), pair, rank)
        console.print(table)
        more(console, len(sections["couples"]) - len(shown), "couples")

    members = program_members(market, result)
    tracks = market.program_tracks
    n_progs = market.n_programs
    n_shown = n_progs if limit is None else min(limit, n_progs)
    table = Table(title="Programs", title_justify="left")
    table.add_column("Program")
    table.add_column("Track" if market.even_odd is None else "Track, even/odd")
    table.add_column("Positions", justify="right")
    table.add_column("Filled", justify="right")
    table.add_column("Unfilled", justify="right")
    table.add_column("Matched applicants (program's order)")
    for p in range(n_shown):
        text = members_text(members[p])
        capacity, quota, filled = int(market.capacity[p]), int(result.quota[p]), int(result.filled[p])
        positions = str(quota) if quota == capacity else f"{quota} (was {capacity})"
        unfilled = f"[yellow]{quota - filled}[/yellow]" if quota > filled else "0"
        track = TRACKS[tracks[p]]
        if market.even_odd is not None and market.even_odd[p]:
            track += f", {EVEN_ODD[market.even_odd[p]]}"
        table.add_row(escape(market.program_label(p)), track, positions, str(filled), unfilled, escape(text))
    console.print(table)
    more(console, n_progs - n_shown, "programs")

    # the reversions that moved positions first, then those that reverted nothing
    reversions = sorted(sections["reversions"], key=lambda r: r["reverted"] == 0)
    shown = reversions if limit is None else reversions[:limit]
    for r in shown:
        console.print(f"[bold]Reversion:[/bold] {escape(r['donor'])} -> {escape(r['receiver'])}: "
                      f"{r['reverted']} of up to {r['positions']} position{'s' if r['positions'] != 1 else ''} "
                      "reverted")
    more(console, len(reversions) - len(shown), "reversions")
    print_unmatched(console, cols["applicant"][result.assignment < 0].tolist(), limit)
    if result.stable:
        console.print("[bold]Stable:[/bold] yes, verified: no applicant, couple or program would rather be "
                      "matched together than keep this result.")
    else:
        b = result.blocking
        n = len(b.pairs) + len(b.pgy1_pairs) + len(b.couples) + len(b.problems)
        console.print(f"[bold]Stable:[/bold] [red]no[/red]: the checker found {n} blocking instance"
                      f"{'s' if n != 1 else ''} (with couples a stable matching may not exist).")
    if result.loops.loops:
        console.print("[bold]Loops:[/bold]")
        lines, n = sections["loops"], len(result.loops.loops)
        shown = n if limit is None or n <= _LOOPS_SHOWN + 1 else _LOOPS_SHOWN
        for line in lines[:shown]:
            console.print(f"  {escape(line)}")
        if shown < n:
            console.print(f"  ... {n - shown} more loops, the same or alike (--all or --json lists "
                          "every one)")
        for line in lines[n:]:  # the reorderings and how the match ended
            console.print(f"  {escape(line)}")
    else:
        console.print("[bold]Loops:[/bold] none; the match settled on the first run.")
    console.print(
        f"[bold]Summary:[/bold] matched {s['matched']:,}/{s['applicants']:,} applicants "
        f"({s['pgy1_matched']:,} with a PGY-1 year); filled {s['filled']:,} position{'' if s['filled'] == 1 else 's'} "
        f"({s['unfilled']:,} unfilled, {s['reverted']:,} reverted); {s['proposals']:,} proposals."
    )
    for f in written:
        console.print(f"Wrote {escape(str(f))}")


def _advanced(market, p) -> bool:
    from matchsim.extensions import ADVANCED

    return market.tracks is not None and market.tracks[p] == ADVANCED
