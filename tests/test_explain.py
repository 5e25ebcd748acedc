"""The teaching trace and the ``matchsim explain`` command."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from matchsim import deferred_acceptance
from matchsim.cli.main import cli
from matchsim.datasets import nrmp_example
from matchsim import Market
from matchsim.engine import trace as tr
from matchsim.engine.trace import OUTCOMES, trace_match
from tests.strategies import markets
from tests.test_engine_random import random_market

SIDES = ["applicant", "program"]


def _same_as_engine(m, proposing):
    t = trace_match(m, proposing)
    r = deferred_acceptance(m, proposing)
    for field in ("assignment", "rank", "filled"):
        np.testing.assert_array_equal(getattr(t, field), getattr(r, field), err_msg=field)
    assert (t.proposals, t.rounds) == (r.proposals, r.rounds)
    return t


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=7, max_programs=4, max_capacity=3))
def test_trace_ends_in_the_engine_result(m):
    """Same matching, ranks, filled positions, proposals and rounds as the numba kernels."""
    for proposing in SIDES:
        t = _same_as_engine(m, proposing)
        assert all(s.outcome in OUTCOMES for s in t.steps)
        assert max((s.round for s in t.steps), default=0) == t.rounds


@pytest.mark.parametrize("proposing", SIDES)
def test_trace_equals_engine_on_a_thousand_random_markets(proposing):
    rng = np.random.default_rng(20260101)
    for _ in range(1000):
        m = random_market(rng, int(rng.integers(0, 30)), int(rng.integers(1, 10)),
                          p_list=rng.uniform(0.1, 0.9))
        _same_as_engine(m, proposing)


def _replay(m, t):
    """Rebuild who holds what from the steps alone, checking each step against the market."""
    a_lists = [m.applicant_prefs(a).tolist() for a in range(m.n_applicants)]
    p_lists = [m.program_prefs(p).tolist() for p in range(m.n_programs)]
    held = {p: set() for p in range(m.n_programs)}
    ran_out = []
    for s in t.steps:
        a, p = s.applicant, s.program
        assert s.applicant_rank == (a_lists[a].index(p) + 1 if p in a_lists[a] else None)
        assert s.program_rank == (p_lists[p].index(a) + 1 if a in p_lists[p] else None)
        if s.outcome == tr.HELD:
            assert s.displaced is None
        if s.outcome == tr.HELD_BUMPING:
            if t.proposing == "applicant":
                assert s.displaced in held[p] and s.displaced_rank == p_lists[p].index(s.displaced) + 1
                held[p].discard(s.displaced)
                assert s.displaced_rank > s.program_rank
            else:
                assert a in held[s.displaced] and s.displaced_rank == a_lists[a].index(s.displaced) + 1
                held[s.displaced].discard(a)
                assert s.displaced_rank > s.applicant_rank
        if s.outcome in (tr.HELD, tr.HELD_BUMPING):
            held[p].add(a)
            assert len(held[p]) <= m.capacity[p]
        ran_out += s.ran_out
    return held, ran_out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=7, max_programs=4, max_capacity=3))
def test_replaying_the_steps_gives_the_match_and_every_list_that_ran_out(m):
    """What the teaching demo relies on: the steps alone rebuild the match; lists that ran out
    are reported once each, exactly for the proposers left without (all) they could hold."""
    for proposing in SIDES:
        t = trace_match(m, proposing)
        held, ran_out = _replay(m, t)
        assert {(a, p) for p, hs in held.items() for a in hs} == {
            (a, int(p)) for a, p in enumerate(t.assignment) if p >= 0}
        assert len(ran_out) == len(set(ran_out))
        if proposing == "applicant":
            expected = {a for a in range(m.n_applicants)
                        if t.assignment[a] < 0 and m.applicant_list_lengths[a] > 0}
        else:
            expected = {p for p in range(m.n_programs)
                        if m.capacity[p] > 0 and m.program_list_lengths[p] > 0 and t.filled[p] < m.capacity[p]}
        assert set(ran_out) == expected


def test_trace_rejects_an_unknown_side():
    with pytest.raises(ValueError, match=r"proposing must be one of \('applicant', 'program'\), got 'hospital'"):
        trace_match(nrmp_example(), "hospital")


def test_nrmp_trace_first_round():
    m = nrmp_example()
    steps = trace_match(m).steps
    first = [(m.applicant_label(s.applicant), m.program_label(s.program), s.outcome)
             for s in steps if s.round == 1]
    assert first[:3] == [("Anderson", "City", "held"), ("Brown", "City", "held"),
                         ("Chen", "City", "rejected, full")]
    garcia = [s for s in steps if m.applicant_label(s.applicant) == "Garcia"][0]
    assert garcia.outcome == "held, bumping" and m.applicant_label(garcia.displaced) == "Anderson"
    assert (garcia.program_rank, garcia.displaced_rank) == (1, 4)
    assert [m.applicant_label(a) for a in garcia.ran_out] == ["Anderson"]


def _explain(*args, columns=250):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(cli, ["explain", *args])


def test_explain_default_tells_the_anderson_story():
    r = _explain()
    assert r.exit_code == 0, r.output
    assert "Round 1" in r.output and "Unmatched: Anderson, Brown" in r.output
    assert "are: General, State." in r.output
    assert "City, Mercy, General, State  ->  General" in r.output


def test_explain_says_when_a_list_runs_out():
    out = " ".join(_explain().output.split())
    assert "lets Anderson go. Anderson has no program left to apply to and will not match." in out
    assert "Mercy did not rank Brown: turned away. Brown has no program left to apply to" in out


def test_explain_roster_is_in_the_programs_order_as_in_match():
    """City ranked Garcia 1st and Eastman 3rd; match prints 'Garcia, Eastman' too."""
    out = _explain().output
    assert "  City: Garcia, Eastman\n" in out and "  State: Hassan, Ford\n" in out
    shown = CliRunner().invoke(cli, ["match", "--example", "nrmp"]).output
    assert "Garcia, Eastman" in shown and "Hassan, Ford" in shown


@pytest.mark.parametrize("columns", [50, 80, 120])
def test_explain_fits_the_terminal(columns):
    r = _explain(columns=columns)
    assert r.exit_code == 0
    assert max(map(len, r.output.splitlines())) <= columns
    assert "Anderson has no program left to apply to" in " ".join(r.output.split())


def test_explain_program_proposing():
    r = _explain("--proposing", "program")
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "City offers a position to Garcia (its 1st choice): Garcia ranked City 1st, above Mercy" in out
    assert "Mercy has nobody left to offer to; 1 position will stay unfilled." in out
    assert "City: Garcia, Eastman" in out and "Unmatched: Anderson, Brown" in out


COMMA = Market.from_lists(
    {"Ann": ["Mercy, Downtown", "City"], "Bo": ["City"]},
    {"Mercy, Downtown": ["Ann"], "City": ["Bo", "Ann"], "Mercy": ["Ann"]},
    {"Mercy, Downtown": 1, "City": 1, "Mercy": 1})


@pytest.mark.parametrize("text, expected", [
    ("Mercy, Downtown,City", ["Mercy, Downtown", "City"]),
    ('"Mercy, Downtown", City', ["Mercy, Downtown", "City"]),
    ("City,Mercy", ["City", "Mercy"]),
    ("City, Mercy,", ["City", "Mercy"]),
    ('"City"', ["City"]),
])
def test_list_names_may_hold_commas(text, expected):
    from matchsim.cli.explain import _parse_list

    assert [COMMA.program_label(p) for p in _parse_list(COMMA, text)] == expected


#: "Mercy, Downtown" and also "Mercy" and "Downtown": an unquoted "Mercy, Downtown" is ambiguous.
AMBIGUOUS = Market.from_lists({"Ann": ["Mercy"]}, {"Mercy, Downtown": [], "Mercy": [], "Downtown": []},
                              {"Mercy, Downtown": 1, "Mercy": 1, "Downtown": 1})


@pytest.mark.parametrize("market, text, message", [
    (AMBIGUOUS, "Mercy, Downtown", "can be read as two different lists; put each name"),
    (COMMA, "City,Nowhere", "no program named 'Nowhere'"),
    (COMMA, "Mercy, Downtown,Nowhere, Else", "no program named 'Nowhere'"),
    (COMMA, '"Mercy, Downtown,City', "double quote is not closed"),
    (COMMA, "City,City", "listed twice"),
])
def test_list_parsing_errors(market, text, message):
    from matchsim.cli.explain import _parse_list
    from matchsim.cli.options import UserError

    with pytest.raises(UserError, match=message):
        _parse_list(market, text)


def test_quoted_names_settle_the_ambiguity():
    from matchsim.cli.explain import _parse_list

    assert [AMBIGUOUS.program_label(p) for p in _parse_list(AMBIGUOUS, '"Mercy, Downtown"')] == [
        "Mercy, Downtown"]
    assert [AMBIGUOUS.program_label(p) for p in _parse_list(AMBIGUOUS, '"Mercy", Downtown')] == [
        "Mercy", "Downtown"]


def test_explain_list_with_a_comma_name(tmp_path):
    from matchsim.io import write_market

    write_market(COMMA, tmp_path / "m.json")
    r = _explain(str(tmp_path / "m.json"), "--applicant", "Ann", "--list", "City,Mercy, Downtown",
                 "--list", '"Mercy, Downtown"')
    assert r.exit_code == 0, r.output
    assert "alternative 1: City, Mercy, Downtown  ->  Mercy, Downtown" in r.output
    assert "alternative 2: Mercy, Downtown  ->  Mercy, Downtown" in r.output


def test_explain_escapes_names(tmp_path):
    from matchsim.io import write_market

    m = Market.from_lists({"Ann\x1b[2J": ["City\u202e"]}, {"City\u202e": ["Ann\x1b[2J"]}, {"City\u202e": 1})
    write_market(m, tmp_path / "m.json")
    r = _explain(str(tmp_path / "m.json"), "--applicant", "Ann\x1b[2J", "--list", "City\u202e")
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "\u202e" not in r.output
    assert "Ann\\x1b[2J applies to City\\u202e" in r.output
    doc = CliRunner().invoke(cli, ["explain", str(tmp_path / "m.json"), "--json"]).output
    assert "\x1b" not in doc and "\u202e" not in doc
    assert json.loads(doc)["assignment"] == {"Ann\x1b[2J": "City\u202e"}


def test_explain_json():
    r = CliRunner().invoke(cli, ["explain", "--json", "--applicant", "Brown", "--list", "General,State"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["assignment"]["Garcia"] == "City"
    garcia = next(s for s in doc["steps"] if s["applicant"] == "Garcia")
    assert garcia == {"round": 1, "applicant": "Garcia", "program": "City", "outcome": "held, bumping",
                      "applicant_rank": 1, "program_rank": 1, "displaced": "Anderson", "displaced_rank": 4,
                      "ran_out": ["Anderson"]}
    assert doc["applicant"]["menu"] == ["General", "State"]
    assert doc["applicant"]["lists"][1] == {"list": ["General", "State"], "result": "General"}


def test_explain_small_example():
    r = CliRunner().invoke(cli, ["explain", "--example", "nrmp-small"])
    assert r.exit_code == 0 and "Unmatched: nobody" in r.output


def test_explain_reads_a_market_file(tmp_path):
    from matchsim.io import write_market

    path = tmp_path / "m.json"
    write_market(nrmp_example(), path)
    r = CliRunner().invoke(cli, ["explain", str(path)])
    assert r.exit_code == 0 and "State: Hassan, Ford" in r.output



@pytest.mark.parametrize(
    "args, message",
    [
        (["explain", "--applicant", "Zed"], "no applicant named 'Zed'"),
        (["explain", "--applicant", "Brown", "--list", "City,Nowhere"], "no program named 'Nowhere'"),
        (["explain", "--applicant", "Brown", "--list", "City,City"], "listed twice"),
        (["explain", "--list", "City"], "--list needs --applicant"),
    ],
)
def test_explain_bad_input_is_one_line(args, message):
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_docs_teaching_quotes_the_current_output():
    """docs/teaching.md quotes the NRMP story (abridged with '...'); every quoted line must be true."""
    from pathlib import Path

    doc = (Path(__file__).parents[1] / "docs" / "teaching.md").read_text(encoding="utf-8")
    quoted = doc.split("## What it prints", 1)[1].split("```\n", 1)[1].split("```", 1)[0]
    out = _explain(columns=250).output.splitlines()
    for line in quoted.splitlines():
        if line.strip() and line.strip() != "...":
            assert line in out, line
