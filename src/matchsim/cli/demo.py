"""``matchsim demo``: the Match one proposal at a time, in the terminal or as a page to project.

The command renders a :class:`matchsim.teaching.Demo` (built from the
engine's own trace and results, :mod:`matchsim.teaching.stories`): each
proposal with who proposes, who is held, who is bumped and why; the final
match as a table; and the story's conclusion. Lines are wrapped to the
terminal's width (80 columns when it is unknown), colour is used only on a
terminal and never with ``NO_COLOR`` set, and every name goes through
:func:`matchsim.io.escape.terminal_text`. ``--step`` waits for Enter after
each proposal; ``--html`` writes the self-contained page of
:mod:`matchsim.teaching.page` instead.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import click

from matchsim.cli.options import UserError, json_option, reports_user_errors

#: Narrower terminals are treated as this wide.
MIN_WIDTH = 40

#: The built-in demos (``matchsim.teaching.stories.DEMOS``), listed here so ``--help`` imports nothing.
BUILT_IN = ("nrmp", "strategy", "couples", "advanced")

_STYLE = {"HELD": dict(fg="green", bold=True), "BUMPS": dict(fg="yellow", bold=True),
          "TURNED AWAY": dict(fg="red", bold=True)}

#: Width of the step label column: "  17. TURNED AWAY ".
_LABEL = 18


class _Out:
    """Writes wrapped, optionally coloured lines to standard output."""

    def __init__(self, width, color):
        self.width, self.color = width, color

    def style(self, text, **kw):
        return click.style(text, **kw) if self.color else text

    def echo(self, text=""):
        click.echo(text, color=self.color)

    def para(self, text, indent=0, hang=0, **style):
        from matchsim.io.escape import terminal_text

        text = terminal_text(text)
        lines = textwrap.wrap(text, width=self.width, initial_indent=" " * indent,
                              subsequent_indent=" " * (indent + hang), break_on_hyphens=False,
                              break_long_words=True) or [""]
        for line in lines:
            self.echo(self.style(line, **style) if style else line)

    def heading(self, text, char="="):
        from matchsim.io.escape import terminal_text

        text = terminal_text(text)
        self.echo()
        self.para(text, bold=True)
        self.echo(self.style(char * min(len(text), self.width), bold=True))


def _use_color(choice):
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


class _Pager:
    """``--step``: wait for Enter after each proposal; q (or the end of input) shows the rest at once."""

    def __init__(self, enabled):
        self.on = enabled

    def wait(self):
        if not self.on:
            return
        click.echo("  [Enter: next step; q then Enter: the rest]", err=True, nl=False)
        line = sys.stdin.readline()
        click.echo("", err=True)
        if line == "" or line.strip().lower() in ("q", "quit"):
            self.on = False


def _held_line(market, frame, p):
    names = ", ".join(f"{market.applicant_label(a)} ({tag})" for a, tag in frame.held[p]) or "nobody"
    return f"{market.program_label(p)} now holds: {names}."


def _frame_lines(out, replay, frame):
    """One proposal: number, outcome word, the sentence, and the program's holds when they changed."""
    from matchsim.io.escape import terminal_text
    from matchsim.teaching.steps import OUTCOME_WORDS

    s = frame.step
    word = OUTCOME_WORDS[s.outcome]
    prefix = f"{frame.number:>4}. {word:<12}"
    lines = textwrap.wrap(terminal_text(frame.text), width=max(out.width - _LABEL, 20), break_on_hyphens=False)
    pad = " " * _LABEL
    out.echo(prefix.replace(word, out.style(word, **_STYLE[word]), 1) + lines[0])
    for line in lines[1:]:
        out.echo(pad + line)
    if s.outcome in ("held", "held, bumping"):
        for line in textwrap.wrap(terminal_text(_held_line(replay.market, frame, s.program)),
                                  width=max(out.width - _LABEL, 20)):
            out.echo(pad + out.style(line, dim=True))
    if frame.key:
        who = replay.market.applicant_label(s.applicant)
        out.para(f"=> This is the step that decides {who}'s match.", indent=_LABEL, fg="magenta", bold=True)


def _table(out, replay):
    """The final match: one row per applicant, columns fitted to the width."""
    from matchsim.io.escape import terminal_text
    from matchsim.teaching.steps import choice_of, program_rank_of
    from matchsim.wording import ordinal

    m, f = replay.market, replay.final
    has_pgy1 = bool((f.pgy1 >= 0).any())
    head = ["Applicant", "Matched at"] + (["PGY-1 year"] if has_pgy1 else []) + ["Their rank", "Program's rank"]
    rows = []
    for a in range(m.n_applicants):
        p = int(f.where[a])
        c = choice_of(m, f.where, a)
        r = program_rank_of(m, p, a) if p >= 0 else None
        couple = m.couples is not None and int(m.couples.couple_of(m.n_applicants)[a]) >= 0
        alone = m.applicant_list_lengths[a] == 0 and not couple
        row = [m.applicant_label(a), m.program_label(p) if p >= 0 else ("did not apply" if alone else "unmatched")]
        if has_pgy1:
            row.append(m.program_label(int(f.pgy1[a])) if f.pgy1[a] >= 0 else "-")
        row += [("-" if c is None else (f"pair {c}" if couple else ordinal(c))), "-" if r is None else ordinal(r)]
        rows.append([terminal_text(x) for x in row])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    room = out.width - 2 - 2 * (len(head) - 1)
    while sum(widths) > room and max(widths) > 6:  # clip the widest column first
        i = max(range(len(widths)), key=widths.__getitem__)
        widths[i] -= 1

    def fit(x, w):
        return x if len(x) <= w else x[:max(w - 1, 1)] + "~"

    out.echo("  " + "  ".join(out.style(fit(h, w).ljust(w), bold=True) for h, w in zip(head, widths)).rstrip())
    for r in rows:
        out.echo(("  " + "  ".join(fit(x, w).ljust(w) for x, w in zip(r, widths))).rstrip())


def _tell_replay(out, replay, focus, pager):
    m = replay.market
    out.heading(replay.title, "-")
    focus_name = m.applicant_label(focus) if focus is not None else None
    if replay.trace is None:  # an outcome of the NRMP algorithm: start and end only
        out.para(replay.frames[0].text)
        out.para("Result: " + replay.final.text)
    else:
        if focus is not None:
            out.para(f"({focus_name}'s steps only; every step is in the web page: matchsim demo --html)",
                     dim=True)
        current = 0
        for frame in replay.frames[1:-1]:
            s = frame.step
            if focus is not None and focus not in (s.applicant, s.displaced):
                continue
            if s.round != current:
                current = s.round
                out.echo(out.style(f"  Round {current}", bold=True))
            _frame_lines(out, replay, frame)
            pager.wait()
        out.para(replay.final.text)
    out.echo()
    out.echo(out.style("  Final match", bold=True))
    _table(out, replay)


def tell(d, width=80, color=False, step=False) -> None:
    """Print demo ``d`` to standard output (the terminal form of ``matchsim demo``)."""
    out = _Out(max(MIN_WIDTH, width), color)
    pager = _Pager(step)
    out.heading(d.title)
    for line in d.lead:
        out.para(line)
    for view in d.views:
        out.heading(view.name.upper(), "=")
        for line in view.lead:
            out.para(line)
        for r in view.panels:
            _tell_replay(out, r, view.focus, pager)
        if view.after:
            out.echo()
            out.echo(out.style("  What this shows", bold=True, fg="cyan"))
            for line in view.after:
                out.para("- " + line, indent=2, hang=2)
    if d.name != "market":
        out.echo()
        out.para(f"To project this story: matchsim demo {d.name} --html {d.name}.html", dim=True)


def _load(what):
    """The demo for a built-in name or a market file/folder, and the input paths it read."""
    from matchsim.teaching import stories

    if what in BUILT_IN:  # a file of that name is read as ./NAME
        return stories.demo(what), []
    from matchsim import datasets

    if what in datasets.EXAMPLES:  # another built-in example market (nrmp-small)
        try:
            return stories.market_demo(datasets.example(what), what), []
        except ValueError as exc:  # nrmp-extensions: couples and PGY-1 years have no step-by-step story
            raise UserError(f"{what}: {exc}") from None
    if not Path(what).exists():
        raise UserError(f"{what}: no such demo or file; give one of {', '.join(BUILT_IN)}, or a market file "
                        "or folder (as 'matchsim match' reads)")
    from matchsim.io import read_market
    from matchsim.io.market_files import market_paths

    market = read_market(what)
    try:
        d = stories.market_demo(market, Path(what).name)
    except ValueError as exc:
        raise UserError(f"{what}: {exc}") from None
    return d, [Path(p).resolve() for p in market_paths(what)] + [Path(what).resolve()]


def _check_out(path, inputs):
    target = Path(path).resolve()
    if target in inputs:
        raise UserError(f"--html {path} is an input of this demo; give the page another name (e.g. demo.html)")
    if target.is_dir():
        raise UserError(f"--html {path} is a folder; give a file name such as {Path(path) / 'demo.html'}")
    if not target.parent.is_dir():
        raise UserError(f"--html {path}: the folder {target.parent} does not exist; create it first")


@click.command(
    epilog="""\b
Examples:
  matchsim demo                       # the NRMP's example, step by step
  matchsim demo nrmp --step           # wait for Enter after each proposal
  matchsim demo strategy              # ranking the "friendly" program first
  matchsim demo couples               # a couple who must both move
  matchsim demo advanced              # a lost advanced position frees a PGY-1
  matchsim demo examples/nrmp         # any small market file or folder
  matchsim demo nrmp --html nrmp.html # one page to project, works offline
"""
)
@click.argument("what", default="nrmp", metavar="[nrmp|strategy|couples|advanced|FILE]")
@click.option("--step", is_flag=True, help="Wait for Enter after each proposal (q then Enter: the rest).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Write the demo as one self-contained web page (no server, works offline) instead.")
@click.option("--color/--no-color", default=None,
              help="Colour the story (default: on a terminal, unless NO_COLOR is set).")
@click.option("--width", type=click.IntRange(MIN_WIDTH, 400), default=None,
              help="Wrap lines to this many columns (default: the terminal's width, or 80).")
@json_option
@reports_user_errors
def demo(what, step, html_path, color, width, as_json):
    """Show the Match one proposal at a time: who applies, who is held, who is bumped and why.

    WHAT is a built-in demo (nrmp, strategy, couples, advanced), another
    built-in example market (nrmp-small), or a small market file or folder
    (a folder called like a demo: write ./nrmp). Each story ends with the final match and what it
    shows: why ranking programs in your true order is your best list, why a
    program's message changes nothing, how couples and advanced positions
    differ. With --html, writes the same demo as one web page to project
    (play, pause, step and back; keyboard: space, arrows, Home, End).
    """
    d, inputs = _load(what)
    if html_path is not None:
        from matchsim.teaching.page import write_demo_html

        _check_out(html_path, inputs)
        write_demo_html(d, html_path)
        click.echo(f"Wrote {html_path} (open it in any browser; it needs no network).")
        return
    if as_json:
        from matchsim.io.escape import json_text
        from matchsim.teaching.page import demo_document

        click.echo(json_text(demo_document(d), indent=2))
        return
    cols = width or shutil.get_terminal_size((80, 24)).columns
    tell(d, width=cols, color=_use_color(color), step=step)
