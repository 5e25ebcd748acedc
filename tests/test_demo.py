"""``matchsim demo`` in the terminal, and the teaching package's step model.

The story is checked against the engine run here in the test
(:func:`matchsim.engine.trace_match`, :func:`~matchsim.engine.deferred_acceptance`,
:func:`~matchsim.engine.nrmp_match`), never against the demo's own data.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from matchsim.cli.main import cli
from matchsim.datasets import NRMP_EXAMPLE_FULL_ANDERSON, nrmp_example
from matchsim.engine import deferred_acceptance, nrmp_match, trace_match
from matchsim.engine import trace as tr
from matchsim.teaching import stories
from matchsim.teaching.steps import replay
from tests.strategies import markets

WORD = {tr.HELD: "HELD", tr.HELD_BUMPING: "BUMPS", tr.REJECTED_FULL: "TURNED AWAY",
        tr.REJECTED_NOT_RANKED: "TURNED AWAY", tr.REJECTED_NO_POSITIONS: "TURNED AWAY"}
STEP = re.compile(r"^\s+(\d+)\. (HELD|BUMPS|TURNED AWAY)\s+(.+?) applies to (.+?), (\d+)(?:st|nd|rd|th) on "
                  r"(.+?)'s list\.")
HOLDS = re.compile(r"^\s+(.+?) now holds: (.*)\.$")


def _run(*args, input=None):
    return CliRunner().invoke(cli, ["demo", *map(str, args)], input=input)


def _ok(*args, input=None):
    r = _run(*args, input=input)
    assert r.exit_code == 0, r.output
    return r


def _section(text, start, end="Final match"):
    """The lines of ``text`` from the line equal to ``start`` (stripped) to the next ``end``."""
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.strip() == start)
    j = next(k for k in range(i, len(lines)) if lines[k].strip() == end)
    return lines[i:j]


def _members(market, assignment):
    """Program name -> set of applicant names, from an engine assignment."""
    out = {market.program_label(p): set() for p in range(market.n_programs)}
    for a, p in enumerate(assignment.tolist()):
        if p >= 0:
            out[market.program_label(p)].add(market.applicant_label(a))
    return out


# ------------------------------------------------------------ the step model
def test_replay_rebuilds_every_state_of_the_trace():
    m = nrmp_example()
    t = trace_match(m)
    r = replay(m, t, "x")
    assert len(r.frames) == t.proposals + 2
    assert [f.step for f in r.frames[1:-1]] == list(t.steps)
    # the held applicants of each frame, against where each applicant is held
    for f in r.frames:
        for p, held in enumerate(f.held):
            assert {a for a, _ in held} == set(np.flatnonzero(f.where == p).tolist())
            assert len(held) <= m.capacity[p]
    assert _members(m, r.final.where) == _members(m, deferred_acceptance(m).assignment)


def test_replay_refuses_program_proposing():
    m = nrmp_example()
    with pytest.raises(ValueError, match="applicant-proposing"):
        replay(m, trace_match(m, "program"), "x")


def test_market_demo_refuses_big_markets_and_extensions():
    with pytest.raises(ValueError, match="up to 200"):
        stories.market_demo(type(nrmp_example()).from_lists([[0]] * 201, [list(range(201))], [1]), "big")
    with pytest.raises(ValueError, match="couples"):
        stories.market_demo(stories.couples_market(), "c")


# ------------------------------------------------------------------ terminal
def test_nrmp_steps_equal_the_trace():
    m = nrmp_example()
    t = trace_match(m)
    out = _ok("nrmp", "--width", "200", "--no-color").output
    lines = _section(out, "The NRMP's worked example")
    steps = [STEP.match(line).groups() for line in lines if STEP.match(line)]
    assert len(steps) == t.proposals
    for k, (s, got) in enumerate(zip(t.steps, steps)):
        number, word, who, where, rank, whose = got
        assert int(number) == k + 1
        assert word == WORD[s.outcome]
        assert who == whose == m.applicant_label(s.applicant)
        assert where == m.program_label(s.program)
        assert int(rank) == s.applicant_rank
    # the last "now holds" line of each program is the engine's final match, in the program's order
    last = {}
    for line in lines:
        h = HOLDS.match(line)
        if h:
            last[h.group(1)] = [re.sub(r" \(\d+\w\w\)$", "", x) for x in h.group(2).split(", ")]
    da = _members(m, deferred_acceptance(m).assignment)
    assert {p: set(v) for p, v in last.items()} == {p: v for p, v in da.items() if v}
    for p, names in last.items():
        prefs = [m.applicant_label(a) for a in m.program_prefs(m.program_id(p))]
        assert names == sorted(names, key=prefs.index)
    assert "Round 4" in out and "Round 5" not in out  # t.rounds == 4


def test_nrmp_final_table_is_the_engine_match():
    m = nrmp_example()
    da = deferred_acceptance(m)
    out = _ok("nrmp", "--no-color").output
    table = _section(out, "Final match", "What this shows")
    rows = {line.split()[0]: line.split()[1] for line in table[2:] if line.strip()}
    assert rows == {m.applicant_label(a): (m.program_label(p) if p >= 0 else "unmatched")
                    for a, p in enumerate(da.assignment.tolist())}


def test_nrmp_counterfactuals_as_told():
    out = " ".join(_ok("nrmp", "--no-color").output.split())
    full = nrmp_example(NRMP_EXAMPLE_FULL_ANDERSON)
    got = full.program_label(int(deferred_acceptance(full).assignment[full.applicant_id("Anderson")]))
    assert got == "General"
    assert f"Anderson matches at {got}, his 3rd choice, instead of going unmatched" in out
    m = nrmp_example()
    b = m.applicant_id("Brown")
    bm = m.with_applicant_list(b, m.applicant_prefs(b).tolist() + [m.program_id("General")])
    assert bm.program_label(int(deferred_acceptance(bm).assignment[b])) == "General"
    assert "Brown matches at General" in out
    assert "What City had said to him was never an input" in out


def test_strategy_story_against_the_engine():
    truthful, strategic = stories.strategy_market(False), stories.strategy_market(True)
    dana = truthful.applicant_id("Dana")
    at_t = truthful.program_label(int(deferred_acceptance(truthful).assignment[dana]))
    at_s = strategic.program_label(int(deferred_acceptance(strategic).assignment[dana]))
    assert (at_t, at_s) == ("Lakeside", "Riverbend")
    # what the program said is not an input: every program's list is the same
    assert truthful.to_lists()[1] == strategic.to_lists()[1]
    out = _ok("strategy", "--no-color").output
    flat = " ".join(out.split())
    assert f"Truthful: Dana matches at {at_t}" in flat and f"goes to {at_s}, it holds her" in flat
    strategic_part = out[out.index("Dana moves Riverbend first\n"):]
    assert "=> This is the step that decides Dana's match." in strategic_part
    # the deciding step is Dana's application to Riverbend, held
    deciding = strategic_part[:strategic_part.index("=> This is the step")].splitlines()
    step_line = next(line for line in reversed(deciding) if STEP.match(line))
    assert STEP.match(step_line).group(2, 3, 4) == ("HELD", "Dana", "Riverbend")


@pytest.mark.parametrize("name,market_of", [("couples", stories.couples_market),
                                            ("advanced", stories.advanced_market)])
def test_nrmp_demos_show_nrmp_match_results(name, market_of):
    out = _ok(name, "--no-color", "--width", "120").output
    for flag in (False, True):
        m = market_of(flag)
        r = nrmp_match(m)
        title = stories.DEMOS[name]().views[0].panels[int(flag)].title
        part = out[out.index(title + "\n"):]
        table = part[part.index("Final match"):].splitlines()[2:2 + m.n_applicants]
        got = {line.split()[0]: line.split()[1] for line in table if line.strip()}
        want = {m.applicant_label(a): (m.program_label(p) if p >= 0 else None)
                for a, p in enumerate(r.assignment.tolist())}
        assert {a: p for a, p in got.items() if want[a] is not None} == {a: p for a, p in want.items()
                                                                          if p is not None}
    flat = " ".join(out.split())
    if name == "couples":
        rc = nrmp_match(stories.couples_market(True))
        assert rc.couple_assignment.tolist() == [1] and "the pair City + Mercy fails for both" in flat
    else:
        m = stories.advanced_market(True)
        r = nrmp_match(m)
        assert m.program_label(int(r.assignment[m.applicant_id("Bo")])) == "Prelim"
        assert "Prelim's seat goes to Bo" in flat


@pytest.mark.parametrize("name", list(stories.DEMOS))
@pytest.mark.parametrize("width", [40, 57, 80, 132])
def test_every_line_fits_the_width(name, width):
    out = _ok(name, "--width", width, "--no-color").output
    too_long = [line for line in out.splitlines() if len(line) > width]
    assert not too_long, too_long


def test_default_width_is_80_and_no_color_off_a_terminal(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = _ok().output
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b[" not in out


def test_color_on_request_and_never_with_no_color(monkeypatch):
    assert "\x1b[" in _ok("--color").output
    monkeypatch.setenv("NO_COLOR", "1")
    from matchsim.cli.demo import _use_color

    assert _use_color(None) is False and _use_color(True) is True


def test_step_waits_for_enter_and_q_shows_the_rest():
    r = _ok("nrmp", "--step", "--no-color", input="\n\nq\n")
    assert r.stderr.count("[Enter: next step") == 3
    assert r.stdout.count("applies to") >= 15  # every step is still told
    assert "Final match" in r.stdout


def test_step_ends_cleanly_at_end_of_input():
    r = _ok("strategy", "--step", "--no-color", input="")
    assert r.stderr.count("[Enter: next step") == 1 and "What this shows" in r.stdout


def test_demo_of_a_market_folder():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "examples" / "nrmp"
    out = _ok(folder, "--no-color").output
    m = nrmp_example()
    assert len([line for line in out.splitlines() if STEP.match(line)]) == trace_match(m).proposals


@pytest.mark.parametrize("args,message", [
    (["nosuch"], "no such demo or file"),
])
def test_bad_input_is_one_line(args, message):
    r = _run(*args)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_a_big_market_file_is_refused(tmp_path):
    from matchsim import Market
    from matchsim.io import write_market

    path = tmp_path / "big.json"
    write_market(Market.from_lists([[0]] * 201, [list(range(201))], [1]), path)
    r = _run(path)
    assert r.exit_code == 2 and "up to 200" in r.output and len(r.output.strip().splitlines()) == 1


# ---------------------------------------------------------------------- html
def test_html_never_overwrites_an_input(tmp_path):
    from matchsim.io import write_market

    path = tmp_path / "tiny.json"
    write_market(nrmp_example(), path)
    before = path.read_bytes()
    r = _run(path, "--html", path)
    assert r.exit_code == 2 and "is an input" in r.output
    assert path.read_bytes() == before
    r = _run("nrmp", "--html", tmp_path)
    assert r.exit_code == 2 and "is a directory" in r.output


@pytest.mark.parametrize("name", list(stories.DEMOS))
def test_html_is_self_contained_and_embeds_the_trace(tmp_path, name):
    out = tmp_path / f"{name}.html"
    _ok(name, "--html", out)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for bad in ("http://", "https://", " src=", "<link", "@import", "url("):
        assert bad not in page, bad
    doc = json.loads(re.search(r'<script type="application/json" id="matchsim-demo">(.*?)</script>', page,
                               re.S).group(1))
    assert doc["format"] == "matchsim-demo"
    if name == "nrmp":
        m = nrmp_example()
        t = trace_match(m)
        frames = doc["views"][0]["panels"][0]["frames"]
        assert [(f["applicant"], f["program"], f["outcome"]) for f in frames[1:-1]] == \
            [(s.applicant, s.program, s.outcome) for s in t.steps]
        assert frames[-1]["where"] == deferred_acceptance(m).assignment.tolist()


def test_json_prints_the_page_document():
    doc = json.loads(_ok("strategy", "--json").output)
    assert [p["title"] for p in doc["views"][0]["panels"]] == ["Dana ranks in her true order",
                                                               "Dana moves Riverbend first"]


def test_names_are_escaped_in_the_terminal(tmp_path):
    from matchsim import Market
    from matchsim.io import write_market

    path = tmp_path / "evil.json"
    write_market(Market.from_lists({"Ev\x1b[2Jil": ["Ci\rty"]}, {"Ci\rty": ["Ev\x1b[2Jil"]}, {"Ci\rty": 1}), path)
    out = _ok(path, "--no-color").output
    assert "\x1b" not in out and "\r" not in out
    assert "Ev\\x1b[2Jil applies to Ci\\x0dty" in out


def test_a_folder_named_like_a_demo_is_read_as_dot_slash(tmp_path, monkeypatch):
    from matchsim.io import write_market

    write_market(stories.strategy_market(), tmp_path / "nrmp")
    monkeypatch.chdir(tmp_path)
    assert "Anderson" in _ok("nrmp", "--no-color").output  # the built-in demo
    assert "Dana applies to" in _ok("./nrmp", "--no-color").output  # the folder


def test_ctrl_c_while_stepping_ends_with_one_line(matchsim_script, clean_env, outside_dir):
    """The installed script, waiting for Enter, gets SIGINT: 'Interrupted.', status 130, no traceback."""
    import signal
    import subprocess
    import time

    from matchsim.cli import INTERRUPTED_EXIT

    p = subprocess.Popen([str(matchsim_script), "demo", "--step"], cwd=outside_dir, env=clean_env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        seen = ""
        while "[Enter: next step" not in seen and time.monotonic() < deadline:
            seen += p.stderr.read(1)
        assert "[Enter: next step" in seen
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == INTERRUPTED_EXIT
    assert "Interrupted." in err and "Traceback" not in err
    assert "Anderson applies to City" in out


def _doc_demo_commands():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "teaching.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```bash\n")[1:]]
    lines = [ln.split("#", 1)[0].strip() for b in blocks for ln in b.splitlines()]
    return [ln for ln in lines if ln.startswith("matchsim demo") and "my_class" not in ln]


@pytest.mark.parametrize("command", _doc_demo_commands())
def test_the_lesson_plan_demo_commands_run(command, tmp_path, monkeypatch):
    import shlex
    from pathlib import Path

    args = shlex.split(command)[2:]
    root = Path(__file__).resolve().parents[1]
    args = [str(root / a) if a.startswith("examples/") else a for a in args]
    monkeypatch.chdir(tmp_path)
    r = _run(*args, input="")
    assert r.exit_code == 0, r.output
    for i, a in enumerate(args):
        if a == "--html":
            assert (tmp_path / args[i + 1]).exists()


@settings(max_examples=60, deadline=None)
@given(markets(max_applicants=6, max_programs=4, max_capacity=2))
def test_replay_of_random_markets(m):
    """Every frame is a feasible tentative match; the last is the engine's; holds change only as stepped."""
    r = stories.market_demo(m, "random").views[0].panels[0]
    da = deferred_acceptance(m).assignment
    assert r.final.where.tolist() == da.tolist()
    before = r.frames[0]
    for f in r.frames[1:-1]:
        s = f.step
        changed = set(np.flatnonzero(f.where != before.where).tolist())
        if s.outcome == tr.HELD:
            assert changed == {s.applicant} and f.where[s.applicant] == s.program
        elif s.outcome == tr.HELD_BUMPING:
            assert changed == {s.applicant, s.displaced} and f.where[s.displaced] == -1
        else:
            assert changed == set()
        for p, held in enumerate(f.held):
            assert len(held) <= m.capacity[p]
        before = f
    out = _ok_market(m)
    assert len([line for line in out.splitlines() if STEP.match(line)]) == trace_match(m).proposals


def _ok_market(m):
    import tempfile
    from pathlib import Path

    from matchsim.io import write_market

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.json"
        write_market(m, path)
        return _ok(path, "--no-color", "--width", "300").output


def test_long_names_fit_40_columns(tmp_path):
    from matchsim import Market
    from matchsim.io import write_market

    a, p = "Dr Bartholomew Featherstonehaugh-Cholmondeley", "Saint Elsewhere Memorial Hospital Rehabilitation"
    path = tmp_path / "long.json"
    write_market(Market.from_lists({a: [p], "Bo": [p]}, {p: ["Bo", a]}, {p: 1}), path)
    out = _ok(path, "--no-color", "--width", "40").output
    assert max(len(line) for line in out.splitlines()) <= 40


def test_the_small_nrmp_example():
    from matchsim.datasets import nrmp_small_example

    m = nrmp_small_example()
    out = _ok("nrmp-small", "--no-color").output
    assert len([line for line in out.splitlines() if STEP.match(line)]) == trace_match(m).proposals
