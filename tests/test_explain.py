"""The teaching trace and the ``matchsim explain`` command."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from matchsim import deferred_acceptance
from matchsim.cli.main import cli
from matchsim.datasets import nrmp_example
from matchsim.engine.trace import OUTCOMES, trace_rounds
from tests.strategies import markets


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(max_applicants=7, max_programs=4, max_capacity=3))
def test_trace_ends_in_the_engine_matching(m):
    steps, assignment = trace_rounds(m)
    r = deferred_acceptance(m)
    np.testing.assert_array_equal(assignment, r.assignment)
    assert len(steps) == r.proposals
    assert all(s.outcome in OUTCOMES for s in steps)
    assert max((s.round for s in steps), default=0) == r.rounds


def test_nrmp_trace_first_round():
    m = nrmp_example()
    steps, _ = trace_rounds(m)
    first = [(m.applicant_label(s.applicant), m.program_label(s.program), s.outcome)
             for s in steps if s.round == 1]
    assert first[:3] == [("Anderson", "City", "held"), ("Brown", "City", "held"),
                         ("Chen", "City", "rejected, full")]
    garcia = [s for s in steps if m.applicant_label(s.applicant) == "Garcia"][0]
    assert garcia.outcome == "held, bumping" and m.applicant_label(garcia.bumped) == "Anderson"


def test_explain_default_tells_the_anderson_story():
    r = CliRunner().invoke(cli, ["explain"])
    assert r.exit_code == 0, r.output
    assert "Round 1" in r.output and "Unmatched: Anderson, Brown" in r.output
    assert "are: General, State." in r.output
    assert "City, Mercy, General, State  ->  General" in r.output


def test_explain_json():
    r = CliRunner().invoke(cli, ["explain", "--json", "--applicant", "Brown", "--list", "General,State"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["assignment"]["Garcia"] == "City"
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
    assert r.exit_code == 0 and "State: Ford, Hassan" in r.output



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
