"""``matchsim explain``: the Match step by step, and why a different list cannot help.

The command narrates :func:`matchsim.engine.trace_match` (every proposal, what
the receiver did and why, whose list ran out), ends with the final match in
each program's own order (as ``matchsim match`` shows it), and, with
``--applicant``, shows that applicant's menu and what each candidate list
would get them. Lines are wrapped to the terminal's width; every name goes
through :func:`matchsim.io.escape.terminal_text`.
"""

from __future__ import annotations

import shutil
import textwrap

import click

from matchsim import datasets
from matchsim.cli.options import UserError, json_option, proposing_option, reports_user_errors
from matchsim.wording import ordinal, plural

EXAMPLES = tuple(datasets.PLAIN_EXAMPLES)  # the replay is of plain deferred acceptance

#: Narrower terminals are treated as this wide (a line of the story needs some room).
MIN_WIDTH = 40


def _load(path, example):
    if path is not None and example is not None:
        raise UserError("give either a market PATH or --example, not both")
    if path is None:
        example = example or "nrmp"
        market = datasets.example(example)
    else:
        from matchsim.io import read_market

        market = read_market(path)
    if market.has_extensions:  # the replay is plain deferred acceptance: never a silent half-answer
        raise UserError("this market has couples, supplemental lists, reversions or even/odd requests, which "
                        "the step-by-step replay does not follow; run it with matchsim match instead")
    return market


class _Names:
    """Terminal-safe names of a market's applicants and programs."""

    def __init__(self, market):
        from matchsim.io.escape import terminal_text

        self.a = [terminal_text(n) for n in market.applicant_labels()]
        self.p = [terminal_text(n) for n in market.program_labels()]


def _applicant_sentence(market, names, s, held):
    """What happened to one application; ``held[p]`` counts the applicants program p holds."""
    from matchsim.engine import trace as tr

    A, P = names.a, names.p
    a, p = A[s.applicant], P[s.program]
    head = f"{a} applies to {p} ({a}'s {ordinal(s.applicant_rank)} choice): "
    if s.outcome == tr.HELD:
        held[s.program] += 1
        tail = (f"{p} holds {a} (ranked {ordinal(s.program_rank)}); "
                f"{held[s.program]} of {int(market.capacity[s.program])} positions taken.")
    elif s.outcome == tr.HELD_BUMPING:
        w = A[s.displaced]
        tail = (f"{p} is full but ranked {a} {ordinal(s.program_rank)}, above {w} "
                f"({ordinal(s.displaced_rank)}): it holds {a} and lets {w} go.")
    elif s.outcome == tr.REJECTED_FULL:
        tail = f"{p} is full of applicants it ranked above {a} ({ordinal(s.program_rank)}): turned away."
    elif s.outcome == tr.REJECTED_NOT_RANKED:
        tail = f"{p} did not rank {a}: turned away."
    else:
        tail = f"{p} offers no positions: turned away."
    for x in s.ran_out:
        tail += f" {A[x]} has no program left to apply to and will not match."
    return head + tail


def _program_sentence(market, names, s, holds):
    """What happened to one offer; ``holds[a]`` is the program whose offer applicant a holds."""
    from matchsim.engine import trace as tr

    A, P = names.a, names.p
    a, p = A[s.applicant], P[s.program]
    head = f"{p} offers a position to {a} (its {ordinal(s.program_rank)} choice): "
    if s.outcome in (tr.HELD, tr.HELD_BUMPING):
        holds[s.applicant] = s.program
    if s.outcome == tr.HELD:
        tail = f"{a} holds it ({a}'s {ordinal(s.applicant_rank)} choice)."
    elif s.outcome == tr.HELD_BUMPING:
        q = P[s.displaced]
        tail = (f"{a} ranked {p} {ordinal(s.applicant_rank)}, above {q} ({ordinal(s.displaced_rank)}): "
                f"{a} holds {p} and lets {q} go.")
    elif s.outcome == tr.REJECTED_HOLDS_BETTER:
        tail = f"{a} holds an offer from {P[holds[s.applicant]]}, ranked higher: turned down."
    else:
        tail = f"{a} did not rank {p}: turned down."
    for x in s.ran_out:
        vacant = int(market.capacity[x]) - sum(1 for q in holds if q == x)
        tail += f" {P[x]} has nobody left to offer to; {plural(vacant, 'position')} will stay unfilled."
    return head + tail


def _narrate(market, trace):
    """The story of ``trace``, ending in each program's roster in the program's own order."""
    from matchsim.io.results import program_members

    names = _Names(market)
    if trace.proposing == "applicant":
        sentence, state = _applicant_sentence, [0] * market.n_programs
        ending = "Nobody is turned away any more, so every hold becomes a match:"
    else:
        sentence, state = _program_sentence, [None] * market.n_applicants
        ending = "No program has an offer left to make, so every held offer becomes a match:"
    lines, current = [], 0
    for s in trace.steps:
        if s.round != current:
            current = s.round
            lines += ["", f"Round {current}"]
        lines.append("  " + sentence(market, names, s, state))
    lines += ["", ending]
    members = program_members(market, trace.result())
    index = {n: i for i, n in enumerate(market.applicant_labels())}
    for p, roster in enumerate(members):
        empty = int(market.capacity[p]) - len(roster)
        note = f" ({plural(empty, 'position')} unfilled)" if empty else ""
        shown = ", ".join(names.a[index[n]] for n in roster) or "nobody"
        lines.append(f"  {names.p[p]}: {shown}{note}")
    unmatched = [names.a[a] for a in range(market.n_applicants) if trace.assignment[a] < 0]
    lines.append(f"  Unmatched: {', '.join(unmatched) or 'nobody'}")
    return lines


# ------------------------------------------------------------ --list parsing
def _pieces(text, option):
    """Split a comma-separated list into ``(text, quoted)`` pieces; double quotes protect commas."""
    pieces, buf, quoted, inside = [], [], False, False
    for ch in text:
        if inside:
            if ch == '"':
                inside = False
            else:
                buf.append(ch)
        elif ch == '"' and not "".join(buf).strip() and not quoted:
            inside, quoted, buf = True, True, []
        elif ch == ",":
            pieces.append(("".join(buf), quoted))
            buf, quoted = [], False
        else:
            buf.append(ch)
    if inside:
        raise UserError(f"{option}: a double quote is not closed in {_shown(text)}; "
                        'write a name holding a comma as "Name, with comma"')
    pieces.append(("".join(buf), quoted))
    return pieces


def _shown(text):
    from matchsim.io.escape import clip

    return repr(clip(text, 80))


def _parse_list(market, text, option="--list"):
    """Program ids of one candidate list, most preferred first.

    Programs are separated by commas. A program whose name holds a comma can
    be written as it is (``Mercy, Downtown,City``: the pieces are joined back
    when that gives a program's name) or in double quotes
    (``"Mercy, Downtown",City``). A list that could be read two ways is an
    error that says to use the quotes.
    """
    by_name = {n: i for i, n in enumerate(market.program_labels())}
    pieces = _pieces(text, option)
    n = len(pieces)

    def steps(i):
        """(next position, program id or None) for each way to read a name starting at piece i."""
        body, quoted = pieces[i]
        if not quoted and not body.strip():
            yield i + 1, None  # an empty piece (",," or a trailing comma) names nobody
        for j in range(i + 1, n + 1):
            if j > i + 1 and (quoted or pieces[j - 1][1]):
                break  # a quoted name is never joined with its neighbours
            name = ",".join(b for b, _ in pieces[i:j]).strip()
            if name in by_name:
                yield j, by_name[name]

    # reads[i]: up to two ways to read pieces[i:], as tuples of program ids ([] : no way)
    reads = [[] for _ in range(n)] + [[()]]
    for i in range(n - 1, -1, -1):
        found = [((p,) if p is not None else ()) + rest for j, p in steps(i) for rest in reads[j]]
        reads[i] = found[:2]
    if not reads[0]:
        reach, todo = {0}, [0]
        while todo:
            for j, _ in steps(todo.pop()):
                if j not in reach and j < n:
                    reach.add(j)
                    todo.append(j)
        bad = pieces[max(reach)][0].strip()
        known = ", ".join(_shown(p)[1:-1] for p in market.program_labels()[:30])
        raise UserError(f"{option}: no program named {_shown(bad)}; the programs are: {known}"
                        + (", ..." if market.n_programs > 30 else ""))
    if len(reads[0]) > 1:
        raise UserError(f"{option}: {_shown(text)} can be read as two different lists; put each name "
                        'that holds a comma in double quotes, e.g. --list \'"Mercy, Downtown",City\'')
    ids = list(reads[0][0])
    if len(set(ids)) != len(ids):
        raise UserError(f"{option}: a program is listed twice in {_shown(text)}; list each program once")
    return ids


# ---------------------------------------------------------------- what-if
def _whatif(market, applicant, alternatives):
    from matchsim.engine import applicant_menu, deferred_acceptance, outcome_from_menu

    try:
        a = market.applicant_id(applicant)
    except ValueError:
        known = ", ".join(_shown(n)[1:-1] for n in market.applicant_labels()[:30])
        raise UserError(f"--applicant: no applicant named {_shown(applicant)}; the applicants are: "
                        f"{known}" + (", ..." if market.n_applicants > 30 else "")) from None
    menu = applicant_menu(market, a)
    submitted = market.applicant_prefs(a).tolist()
    lists = [submitted] + [_parse_list(market, alt, "--list") for alt in alternatives]
    rows = []
    for lst in lists:  # the real algorithm on the changed market, not only the theorem
        got = int(deferred_acceptance(market.with_applicant_list(a, lst)).assignment[a])
        if got != outcome_from_menu(menu, lst):
            raise AssertionError("the menu theorem failed; please report this market")  # tested in tests/
        rows.append((lst, got))
    return a, menu, rows


def _whatif_lines(market, a, menu, rows):
    names = _Names(market)
    P, name = names.p, names.a[a]
    on_menu = [P[p] for p in range(market.n_programs) if menu[p]]
    lines = [
        "",
        f"What {name}'s list can change, and what it cannot",
        f"  With everybody else's lists fixed, the programs that would take {name} (the 'menu') are: "
        f"{', '.join(on_menu) or 'none'}.",
        f"  Whatever {name} submits, the algorithm gives the first program on the list that is on the menu.",
    ]
    for i, (lst, got) in enumerate(rows):
        label = "submitted list" if i == 0 else f"alternative {i}"
        shown = ", ".join(P[p] for p in lst) or "(empty)"
        lines.append(f"  {label}: {shown}  ->  {P[got] if got >= 0 else 'unmatched'}")
    lines.append("  Order only decides which menu program is picked, so the true order picks the best one; "
                 "leaving a menu program off can only lose it. What a program says never changes the menu.")
    return lines


def _echo_wrapped(lines, width):
    """Print ``lines`` wrapped to ``width``; continuation lines are indented under their line."""
    for line in lines:
        if not line or line.startswith("Round ") or len(line) <= width:
            click.echo(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()))
        click.echo(textwrap.fill(line.strip(), width=width, initial_indent=indent,
                                 subsequent_indent=indent + ("    " if indent else ""),
                                 break_on_hyphens=False))


def _json_doc(market, trace, whatif):
    label_a, label_p = market.applicant_label, market.program_label

    def opt(f, x):
        return None if x is None else f(x)

    doc = {
        "proposing": trace.proposing,
        "steps": [
            {"round": s.round, "applicant": label_a(s.applicant), "program": label_p(s.program),
             "outcome": s.outcome, "applicant_rank": s.applicant_rank, "program_rank": s.program_rank,
             "displaced": opt(label_a if trace.proposing == "applicant" else label_p, s.displaced),
             "displaced_rank": s.displaced_rank,
             "ran_out": [(label_a if trace.proposing == "applicant" else label_p)(x) for x in s.ran_out]}
            for s in trace.steps
        ],
        "assignment": {label_a(a): opt(label_p, p if p >= 0 else None)
                       for a, p in enumerate(trace.assignment.tolist())},
    }
    if whatif:
        a, menu, rows = whatif
        doc["applicant"] = {
            "name": label_a(a),
            "menu": [label_p(p) for p in range(market.n_programs) if menu[p]],
            "lists": [{"list": [label_p(p) for p in lst], "result": label_p(got) if got >= 0 else None}
                      for lst, got in rows],
        }
    return doc


@click.command(
    epilog="""\b
Examples:
  matchsim explain                      # the NRMP's example, round by round
  matchsim explain --applicant Anderson --list "City,Mercy,General,State"
  matchsim explain --applicant Brown --list "General,State" --list State
  matchsim explain my_market/ --applicant Lee --list '"Mercy, Downtown",City'
  matchsim explain --proposing program  # the program-proposing version
  matchsim explain examples/nrmp --json
"""
)
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--example", type=click.Choice(EXAMPLES), default=None,
              help="Use a built-in example market instead of PATH (default: nrmp).")
@proposing_option
@click.option("--applicant", default=None,
              help="Show this applicant's menu and what each candidate list would get them.")
@click.option("--list", "alternatives", multiple=True, metavar="P1,P2,...",
              help="A candidate list for --applicant, programs separated by commas; repeat the option "
                   "for more lists. A name holding a comma may be written as it is or in double quotes.")
@json_option
@reports_user_errors
def explain(path, example, proposing, applicant, alternatives, as_json):
    """Replay the Match round by round, in plain words.

    Each round, every applicant without a position applies to the next program
    on their list, and each program holds the applicants it ranked highest;
    the story says who is held, who is let go and why, and whose list has run
    out. With --applicant, also shows that applicant's "menu" (the programs
    that would take them) and why any list gets the first listed program on it.
    """
    from matchsim.engine import trace_match

    market = _load(path, example)
    if alternatives and applicant is None:
        raise UserError("--list needs --applicant NAME: whose list is it?")
    if market.n_applicants > 2000:
        raise UserError(f"the market has {market.n_applicants:,} applicants; explain is meant for "
                        "teaching-sized markets (up to 2,000 applicants); use 'matchsim match' instead")
    if applicant is None and path is None and (example or "nrmp") == "nrmp":
        applicant, alternatives = "Anderson", ("City,Mercy,General,State",)
    trace = trace_match(market, proposing)
    whatif = _whatif(market, applicant, alternatives) if applicant else None
    if as_json:
        from matchsim.io.escape import json_text

        click.echo(json_text(_json_doc(market, trace, whatif), indent=2))
        return
    width = max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)
    side = ("applicant-proposing deferred acceptance, as the NRMP runs it" if proposing == "applicant"
            else "program-proposing deferred acceptance: programs make the offers")
    lines = [f"The Match, round by round ({side})"] + _narrate(market, trace)
    if whatif:
        lines += _whatif_lines(market, *whatif)
    _echo_wrapped(lines, width)
