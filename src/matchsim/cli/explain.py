"""``matchsim explain``: the Match step by step, and why a different list cannot help."""

from __future__ import annotations

import json

import click

from matchsim import datasets
from matchsim.cli.options import UserError, json_option, reports_user_errors
from matchsim.wording import ordinal as _ordinal

EXAMPLES = tuple(datasets.EXAMPLES)


def _load(path, example):
    if path is not None and example is not None:
        raise UserError("give either a market PATH or --example, not both")
    if path is None:
        example = example or "nrmp"
        return datasets.example(example)
    from matchsim.io import read_market

    return read_market(path)


def _narrate(market, steps, assignment):
    lab_a, lab_p = market.applicant_label, market.program_label
    lines = []
    current = 0
    held = [0] * market.n_programs
    for s in steps:
        if s.round != current:
            current = s.round
            lines.append("")
            lines.append(f"Round {current}")
        a, p = lab_a(s.applicant), lab_p(s.program)
        head = f"  {a} applies to {p} ({a}'s {_ordinal(s.choice)} choice): "
        cap = int(market.capacity[s.program])
        if s.outcome == "held":
            held[s.program] += 1
            tail = (f"{p} holds {a} (ranked {_ordinal(s.program_rank)}); "
                    f"{held[s.program]} of {cap} positions taken.")
        elif s.outcome == "held, bumping":
            tail = (f"{p} is full but ranked {a} {_ordinal(s.program_rank)}, above "
                    f"{lab_a(s.bumped)}: it holds {a} and lets {lab_a(s.bumped)} go.")
        elif s.outcome == "rejected, full":
            tail = f"{p} is full of applicants it ranked above {a} ({_ordinal(s.program_rank)}): turned away."
        elif s.outcome == "rejected, not ranked":
            tail = f"{p} did not rank {a}: turned away."
        else:
            tail = f"{p} offers no positions: turned away."
        lines.append(head + tail)
    lines.append("")
    lines.append("Nobody is turned away any more, so every hold becomes a match:")
    for p in range(market.n_programs):
        members = [lab_a(a) for a in range(market.n_applicants) if assignment[a] == p]
        empty = int(market.capacity[p]) - len(members)
        note = f" ({empty} position{'s' if empty != 1 else ''} unfilled)" if empty else ""
        lines.append(f"  {lab_p(p)}: {', '.join(members) or 'nobody'}{note}")
    unmatched = [lab_a(a) for a in range(market.n_applicants) if assignment[a] < 0]
    lines.append(f"  Unmatched: {', '.join(unmatched) or 'nobody'}")
    return lines


def _parse_list(market, text, option):
    names = [t.strip() for t in text.split(",") if t.strip()]
    ids = []
    for name in names:
        try:
            ids.append(market.program_id(name))
        except ValueError:
            known = ", ".join(market.program_labels())
            raise UserError(f"{option}: no program named {name!r}; the programs are: {known}") from None
    if len(set(ids)) != len(ids):
        raise UserError(f"{option}: a program is listed twice in {text!r}; list each program once")
    return ids


def _whatif(market, applicant, alternatives):
    from matchsim.engine import applicant_menu, deferred_acceptance, outcome_from_menu

    try:
        a = market.applicant_id(applicant)
    except ValueError:
        known = ", ".join(market.applicant_labels())
        raise UserError(f"--applicant: no applicant named {applicant!r}; the applicants are: {known}") from None
    menu = applicant_menu(market, a)
    submitted = market.applicant_prefs(a).tolist()
    lists = [submitted] + [_parse_list(market, alt, "--list") for alt in alternatives]
    rows = []
    for lst in lists:
        got = int(deferred_acceptance(market.with_applicant_list(a, lst)).assignment[a])
        assert got == outcome_from_menu(menu, lst)  # the menu theorem; tested in tests/
        rows.append((lst, got))
    return a, menu, rows


def _whatif_lines(market, a, menu, rows):
    lab_p = market.program_label
    name = market.applicant_label(a)
    on_menu = [lab_p(p) for p in range(market.n_programs) if menu[p]]
    lines = [
        "",
        f"What {name}'s list can change, and what it cannot",
        f"  With everybody else's lists fixed, the programs that would take {name} (the 'menu') are: "
        f"{', '.join(on_menu) or 'none'}.",
        f"  Whatever {name} submits, the algorithm gives the first program on the list that is on the menu.",
    ]
    for i, (lst, got) in enumerate(rows):
        label = "submitted list" if i == 0 else f"alternative {i}"
        shown = ", ".join(lab_p(p) for p in lst) or "(empty)"
        result = lab_p(got) if got >= 0 else "unmatched"
        lines.append(f"  {label}: {shown}  ->  {result}")
    lines.append("  Order only decides which menu program is picked, so the true order picks the best one;")
    lines.append("  leaving a menu program off can only lose it. What a program says never changes the menu.")
    return lines


@click.command(
    epilog="""\b
Examples:
  matchsim explain                                   # the NRMP's worked example, round by round
  matchsim explain --example nrmp --applicant Anderson --list "City,Mercy,General,State"
  matchsim explain examples/nrmp --json
"""
)
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--example", type=click.Choice(EXAMPLES), default=None,
              help="Use a built-in example market instead of PATH (default: nrmp).")
@click.option("--applicant", default=None,
              help="Show this applicant's menu and what each candidate list would get them.")
@click.option("--list", "alternatives", multiple=True, metavar="P1,P2,...",
              help="A candidate list for --applicant, programs separated by commas (repeatable).")
@json_option
@reports_user_errors
def explain(path, example, applicant, alternatives, as_json):
    """Replay the Match round by round, in plain words.

    Each round, every applicant without a position applies to the next program
    on their list, and each program holds the applicants it ranked highest.
    With --applicant, also shows that applicant's "menu" (the programs that
    would take them) and why any list gets the first listed program on it.
    """
    from matchsim.engine.trace import trace_rounds

    market = _load(path, example)
    if alternatives and applicant is None:
        raise UserError("--list needs --applicant NAME: whose list is it?")
    if market.n_applicants > 2000:
        raise UserError(f"the market has {market.n_applicants} applicants; explain is meant for "
                        "teaching-sized markets (up to 2,000 applicants); use 'matchsim match' instead")
    if applicant is None and path is None and (example or "nrmp") == "nrmp":
        applicant, alternatives = "Anderson", ("City,Mercy,General,State",)
    steps, assignment = trace_rounds(market)
    whatif = _whatif(market, applicant, alternatives) if applicant else None
    if as_json:
        doc = {
            "steps": [
                {"round": s.round, "applicant": market.applicant_label(s.applicant),
                 "program": market.program_label(s.program), "choice": s.choice,
                 "outcome": s.outcome, "program_rank": s.program_rank,
                 "bumped": market.applicant_label(s.bumped) if s.bumped >= 0 else None}
                for s in steps
            ],
            "assignment": {market.applicant_label(a): (market.program_label(p) if p >= 0 else None)
                           for a, p in enumerate(assignment.tolist())},
        }
        if whatif:
            a, menu, rows = whatif
            doc["applicant"] = {
                "name": market.applicant_label(a),
                "menu": [market.program_label(p) for p in range(market.n_programs) if menu[p]],
                "lists": [{"list": [market.program_label(p) for p in lst],
                           "result": market.program_label(got) if got >= 0 else None} for lst, got in rows],
            }
        click.echo(json.dumps(doc, indent=2))
        return
    click.echo("The Match, round by round (applicant-proposing deferred acceptance, as the NRMP runs it)")
    for line in _narrate(market, steps, assignment):
        click.echo(line)
    if whatif:
        for line in _whatif_lines(market, *whatif):
            click.echo(line)
