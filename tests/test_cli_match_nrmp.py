"""``matchsim match`` on markets with couples, supplemental lists, reversions: output, --json, --out, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from matchsim import Market
from matchsim.cli.main import cli
from matchsim.cli.options import COMPILE_NOTICE
from matchsim.io import write_market

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nrmp_extensions"


def run(*args):
    return CliRunner().invoke(cli, ["match", *map(str, args)], catch_exceptions=False)


def _rows(out):
    """First cell -> the row's cells, for every table row of the output."""
    rows = {}
    for line in out.splitlines():
        if line.count("│") >= 4:
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if cells[0]:
                rows[cells[0]] = cells
    return rows


def test_example_tables():
    r = run("--example", "nrmp-extensions")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "the NRMP's algorithm" in out
    rows = _rows(out)
    assert rows["Ben"][1:4] == ["Mercy Rehab", "1 of 2", "City Prelim (1 of 2)"]
    assert rows["Cruz"][1:4] == ["Mercy Rehab", "1 of 2", "State TY (1 of 2)"]
    assert rows["Fay"][1:3] == ["City Medicine", "pair 1 of 3"]
    assert rows["Fay & Gus"][1:3] == ["City Medicine + Mercy Surgery", "1 of 3"]
    assert rows["Hal & Ivy"][1:3] == ["No Match + State Peds", "2 of 2"]
    assert rows["City Medicine"][1:5] == ["categorical", "3 (was 2)", "3", "0"]
    assert rows["State Peds"][1:5] == ["categorical", "1 (was 2)", "1", "0"]
    assert "Reversion: State Peds -> City Medicine: 1 of up to 1 position reverted" in out
    assert "Unmatched applicants (1): Hal" in out
    assert "Stable: yes, verified" in out
    assert "Loops: none" in out
    assert "Summary: matched 8/9 applicants (2 with a PGY-1 year)" in out
    assert max(map(len, out.splitlines())) <= 120  # tables fit; the sentences wrap in a terminal


def test_reversions_that_moved_positions_come_first_and_limit_counts_them(tmp_path):
    # three donors that nobody ranks revert to Big, one each; a fourth, Full, is filled and reverts nothing
    programs = {"Big": ["a", "b", "c"], "Full": ["d"], "D1": [], "D2": [], "D3": []}
    cap = {"Big": 0, "Full": 1, "D1": 1, "D2": 1, "D3": 1}
    m = Market.from_lists({"a": ["Big"], "b": ["Big"], "c": ["Big"], "d": ["Full"]}, programs, cap,
                          reversions=[("Full", "Big", 1), ("D1", "Big", 1), ("D2", "Big", 1), ("D3", "Big", 1)])
    write_market(m, tmp_path / "m")
    out = run(tmp_path / "m", "--limit", "2").stdout
    lines = [ln for ln in out.splitlines() if ln.startswith("Reversion:")]
    assert lines == ["Reversion: D1 -> Big: 1 of up to 1 position reverted",
                     "Reversion: D2 -> Big: 1 of up to 1 position reverted"]
    assert "... 2 more reversions not shown" in out
    out = run(tmp_path / "m", "--all").stdout
    assert [ln for ln in out.splitlines() if ln.startswith("Reversion:")][-1] == \
        "Reversion: Full -> Big: 0 of up to 1 position reverted"


def test_folder_gives_the_example_result():
    a, b = run("--example", "nrmp-extensions", "--json"), run(EXAMPLE, "--json")
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    da.pop("market"), db.pop("market")
    assert da == db


def test_json_carries_pgy1_stable_couples_reversions():
    doc = json.loads(run(EXAMPLE, "--json").stdout)
    assert doc["summary"]["stable"] is True and doc["summary"]["algorithm"] == "nrmp"
    by = {a["applicant"]: a for a in doc["applicants"]}
    assert (by["Ben"]["pgy1"], by["Ben"]["pgy1_rank"]) == ("City Prelim", 1)
    assert by["Ana"]["pgy1"] is None
    assert doc["couples"][1] == {"couple": "Hal & Ivy", "partners": ["Hal", "Ivy"], "pair": [None, "State Peds"],
                                 "rank": 2, "list_length": 2}
    assert doc["reversions"] == [{"donor": "State Peds", "receiver": "City Medicine", "positions": 1,
                                  "reverted": 1}]
    progs = {p["program"]: p for p in doc["programs"]}
    assert progs["City Prelim"]["matched"] == ["Ben"]  # PGY-1 seats are members too
    assert (progs["City Medicine"]["capacity"], progs["City Medicine"]["quota"]) == (2, 3)


def test_out_csv_and_folder(tmp_path):
    r = run(EXAMPLE, "--out", tmp_path / "r.csv", "--quiet")
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(tmp_path / "r.csv")
    assert list(frame.columns) == ["applicant", "program", "rank", "list_length", "program_rank", "pgy1",
                                   "pgy1_rank"]
    assert frame.set_index("applicant").loc["Cruz", "pgy1"] == "State TY"
    r = run(EXAMPLE, "--out", f"{tmp_path / 'out'}/", "--quiet")
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "out" / "result_summary.json").read_text())
    assert summary["stable"] is True and summary["reverted"] == 1


def test_plain_market_json_has_no_nrmp_keys():
    doc = json.loads(run("--example", "nrmp", "--json").stdout)
    assert "stable" not in doc["summary"] and "couples" not in doc and "pgy1" not in doc["applicants"][0]


def test_program_proposing_is_refused():
    r = CliRunner().invoke(cli, ["match", str(EXAMPLE), "--proposing", "program"])
    assert r.exit_code == 2 and "only the NRMP's applicant-proposing algorithm" in r.output


def _no_stable_market():
    """Roth's (1984) kind of market with no stable matching: Sam, and the couple Ann & Bo, chase each other.

    City ranks Sam above Ann, Mercy ranks Bo above Sam, Sam prefers Mercy to City, and the couple wants
    only (City, Mercy). Whoever holds what, someone blocks; the brute-force oracle confirms it below.
    """
    return Market.from_lists({"Sam": ["Mercy", "City"]}, {"City": ["Sam", "Ann"], "Mercy": ["Bo", "Sam"]},
                             {"City": 1, "Mercy": 1}, couples={("Ann", "Bo"): [("City", "Mercy")]})


def test_loops_are_reported_in_words(tmp_path):
    from matchsim.engine.nrmp_brute import nrmp_stable_outcomes_brute

    market = _no_stable_market()
    assert "no stable matching exists" in str(nrmp_stable_outcomes_brute(market))
    write_market(market, tmp_path / "loop")
    r = run(tmp_path / "loop")
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "Stable: no" in out and "a stable matching may not exist" in out
    assert "loop 1: the match went round in circles" in out and "couples Ann & Bo; programs City, Mercy" in out
    assert "the match took what was in the loop out and added it again" in out
    assert "18 more loops, the same or alike" in out  # 21 loops are summed up, not printed one by one
    assert "loop 21" not in out and "--all" in out
    assert "loop 21" in " ".join(run(tmp_path / "loop", "--all").stdout.split())
    doc = json.loads(run(tmp_path / "loop", "--json").stdout)
    assert doc["summary"]["stable"] is False and doc["summary"]["loops"] >= 1
    assert doc["loops"][0].startswith("loop 1: the match went round in circles") and len(doc["loops"]) > 20


def test_bad_folder_is_one_line(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(EXAMPLE, folder)
    with open(folder / "reversions.csv", "a", encoding="utf-8") as f:
        f.write("City Medicine,State Peds,1\n")
    r = CliRunner().invoke(cli, ["match", str(folder)])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "reversions.csv, row 3, column \"receiver\": reversions are circular" in lines[0]


# ------------------------------------------------------- the installed script
INSTALLED_ERRORS = [
    ("couples.csv", "Hal & Ivy,Hal,Ivy", "Hal & Ivy,Eli,Ivy", 'couples.csv, row 3, column "applicant_1"',
     "also has a single list"),
    ("couple_lists.csv", "Hal & Ivy,2,No Match,State Peds", "Hal & Ivy,2,State Peds",
     "couple_lists.csv, row 6", "stops before the second partner's program"),
    ("supplemental_links.csv", "Ben,prelim,Mercy Rehab", "Ben,prelim,City Medicine",
     'supplemental_links.csv, row 2, column "advanced_program"', "not advanced"),
    ("reversions.csv", "State Peds,City Medicine,1", "State Peds,City Medicine,9",
     'reversions.csv, row 2, column "positions"', "at most its own quota"),
]


@pytest.mark.parametrize("case", INSTALLED_ERRORS, ids=[c[0] for c in INSTALLED_ERRORS])
def test_installed_script_errors(run_matchsim, outside_dir, case):
    name, old, new, where, words = case
    shutil.copytree(EXAMPLE, outside_dir / "m")
    path = outside_dir / "m" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    r = run_matchsim("match", "m")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    # on a cold numba cache, reading the lists may compile a check first: that notice is printed once, ever
    lines = [x for x in r.stderr.strip().splitlines() if x != COMPILE_NOTICE]
    assert len(lines) == 1 and where in lines[0] and words in lines[0], r.stderr


def test_docs_show_the_current_output():
    """docs/match.md quotes the nrmp-extensions example's output; it must stay true."""
    doc = (ROOT / "docs" / "match.md").read_text(encoding="utf-8")
    quoted = doc.split("[`examples/nrmp_extensions/`](../examples/nrmp_extensions/)):\n\n```\n", 1)[1]
    quoted = quoted.split("```", 1)[0]
    r = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["match", "--example", "nrmp-extensions"])
    assert r.stdout == quoted


def test_explain_refuses_a_market_with_extensions(tmp_path):
    """The step-by-step replay is plain deferred acceptance: it says so rather than half-answer (or crash)."""
    r = CliRunner().invoke(cli, ["explain", str(EXAMPLE), "--applicant", "Ben"])
    assert r.exit_code == 2 and "run it with matchsim match instead" in r.output
    assert "nrmp-extensions" not in CliRunner().invoke(cli, ["explain", "--help"]).output


def test_even_odd_requests_are_shown(tmp_path):
    shutil.copytree(ROOT / "examples" / "nrmp", tmp_path / "m")
    (tmp_path / "m" / "programs.csv").write_text("program,capacity,even_odd\nMercy,2,odd\nCity,2,even\n"
                                                 "General,2,\nState,2,\n", encoding="utf-8")
    r = CliRunner(env={"COLUMNS": "120"}).invoke(cli, ["match", str(tmp_path / "m")])
    assert r.exit_code == 0, r.output
    rows = _rows(r.stdout)
    assert rows["Mercy"][1] == "categorical, odd" and rows["City"][1] == "categorical, even"
    assert rows["General"][1] == "categorical" and "Stable: yes, verified" in r.stdout


def test_demo_refuses_the_extensions_example_in_one_line():
    r = CliRunner().invoke(cli, ["demo", "nrmp-extensions"])
    assert r.exit_code == 2 and "use 'matchsim match' for its result" in r.output
    assert len(r.output.strip().splitlines()) == 1
