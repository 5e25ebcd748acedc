"""``matchsim match``: output, options and one-line errors (click's CliRunner)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from matchsim import Market
from matchsim.cli.main import cli
from matchsim.datasets import nrmp_example
from matchsim.io import read_market, write_market
from tests.test_io import BAD_CSV_CASES, BAD_JSON_CASES, HOSTILE_JSON_CASES, _nrmp_folder

EXAMPLES_NRMP = Path(__file__).parents[1] / "examples" / "nrmp"


def run(*args):
    return CliRunner().invoke(cli, ["match", *map(str, args)], catch_exceptions=False)


def matched(doc):
    """program -> set of applicants, and the unmatched applicants, from a --json document."""
    by_program = {p["program"]: set(p["matched"]) for p in doc["programs"]}
    unmatched = {a["applicant"] for a in doc["applicants"] if a["program"] is None}
    return by_program, unmatched


NRMP_RESULT = {"City": {"Garcia", "Eastman"}, "Mercy": {"Chen"}, "General": {"Davis"},
               "State": {"Ford", "Hassan"}}


# ---------------------------------------------------------------- the example
def test_nrmp_worked_example_table():
    r = run("--example", "nrmp")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "Unmatched applicants (2): Anderson, Brown" in out
    assert "Garcia, Eastman" in out and "Hassan, Ford" in out
    lines = {ln.split("│")[1].strip(): ln for ln in out.splitlines() if ln.count("│") >= 5}
    assert [c.strip() for c in lines["Mercy"].split("│")[2:5]] == ["2", "1", "1"]
    assert [c.strip() for c in lines["General"].split("│")[2:5]] == ["2", "1", "1"]
    assert [c.strip() for c in lines["Davis"].split("│")[2:4]] == ["General", "3 of 4"]
    assert "Summary: matched 6/8 applicants; filled 6/8 positions (2 unfilled)" in out
    assert "proposals in" in out and "rounds" in out


@pytest.mark.parametrize("proposing", ["applicant", "program"])
def test_nrmp_worked_example_json(proposing):
    r = run("--example", "nrmp", "--json", "--proposing", proposing)
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    # The example has one stable matching, so both versions agree.
    assert matched(doc) == (NRMP_RESULT, {"Anderson", "Brown"})
    assert doc["summary"]["matched"] == 6 and doc["summary"]["proposing"] == proposing
    assert {p["program"]: p["unfilled"] for p in doc["programs"]} == {
        "Mercy": 1, "City": 0, "General": 1, "State": 0}


def test_examples_folder_gives_the_same_result_as_the_builtin_example():
    from_files = json.loads(run(EXAMPLES_NRMP, "--json").stdout)
    builtin = json.loads(run("--example", "nrmp", "--json").stdout)
    from_files.pop("market"), builtin.pop("market")
    assert from_files == builtin


@pytest.mark.parametrize("folder", ["excel_semicolon", "cp1252_ragged"])
def test_spreadsheet_exports_run(folder):
    doc = json.loads(run(Path(__file__).parent / "data" / "markets" / folder, "--json").stdout)
    by_program, unmatched = matched(doc)
    assert unmatched == {"Anderson", "Brown"}
    assert len(by_program["City"]) == 2 and len(by_program["State"]) == 2


def test_small_example():
    doc = json.loads(run("--example", "nrmp-small", "--json").stdout)
    assert matched(doc) == ({"City": {"Eastman", "Anderson"}, "Mercy": {"Chen"},
                             "General": {"Ford", "Davis"}}, set())


def test_proposing_side_matters_when_there_are_two_stable_matchings(tmp_path):
    # Each applicant's favourite prefers the other applicant: two stable matchings.
    m = Market.from_lists({"A": ["X", "Y"], "B": ["Y", "X"]}, {"X": ["B", "A"], "Y": ["A", "B"]},
                          {"X": 1, "Y": 1})
    write_market(m, tmp_path / "m.json")
    a = json.loads(run(tmp_path / "m.json", "--json").stdout)
    p = json.loads(run(tmp_path / "m.json", "--json", "--proposing", "program").stdout)
    assert matched(a)[0] == {"X": {"A"}, "Y": {"B"}}
    assert matched(p)[0] == {"X": {"B"}, "Y": {"A"}}
    assert [x["rank"] for x in a["applicants"]] == [1, 1]
    assert [x["rank"] for x in p["applicants"]] == [2, 2]


def test_names_are_printed_as_written(tmp_path):
    """Square brackets in names are text, not terminal styling."""
    m = Market.from_lists({"Lee [MD]": ["[/b] Unit"], "[bold]Kim": ["[/b] Unit"]},
                          {"[/b] Unit": ["Lee [MD]"]}, {"[/b] Unit": 1})
    write_market(m, tmp_path / "m.json")
    r = run(tmp_path / "m.json")
    assert r.exit_code == 0
    assert "Lee [MD]" in r.stdout and "[/b] Unit" in r.stdout
    assert "Unmatched applicants (1): [bold]Kim" in r.stdout


def test_unknown_proposing_side_is_a_usage_error():
    r = CliRunner().invoke(cli, ["match", "--example", "nrmp", "--proposing", "hospital"])
    assert r.exit_code == 2 and "'applicant', 'program'" in r.output


# ---------------------------------------------------------------------- --out
@pytest.mark.parametrize("name", ["result.csv", "result.json", "out/"])
def test_out_files(tmp_path, name):
    target = f"{tmp_path}/{name}"
    r = run("--example", "nrmp", "--out", target)
    assert r.exit_code == 0 and "Wrote" in r.stdout
    if name.endswith(".json"):
        doc = json.loads(Path(target).read_text())
        assert matched(doc) == (NRMP_RESULT, {"Anderson", "Brown"})
        return
    csv = Path(target) / "result_applicants.csv" if name.endswith("/") else Path(target)
    table = pd.read_csv(csv, keep_default_na=False, dtype=str).set_index("applicant")
    assert table.loc["Garcia", "program"] == "City" and table.loc["Anderson", "program"] == ""
    assert table.loc["Davis", "rank"] == "3" and table.loc["Brown", "rank"] == ""
    if name.endswith("/"):
        progs = pd.read_csv(Path(target) / "result_programs.csv").set_index("program")
        assert progs["unfilled"].to_dict() == {"Mercy": 1, "City": 0, "General": 1, "State": 0}


def test_out_json_equals_stdout_json(tmp_path):
    r = run("--example", "nrmp", "--json", "--out", tmp_path / "r.json")
    printed = json.loads(r.stdout)
    printed.pop("market")
    assert json.loads((tmp_path / "r.json").read_text()) == printed


def test_market_round_trip_through_the_command(tmp_path):
    """read -> match -> write, and the written market gives the same result when read back."""
    write_market(read_market(EXAMPLES_NRMP), tmp_path / "m.json")
    a = json.loads(run(tmp_path / "m.json", "--json").stdout)
    b = json.loads(run(EXAMPLES_NRMP, "--json").stdout)
    a.pop("market"), b.pop("market")
    assert a == b


def test_out_with_unknown_suffix(tmp_path):
    r = run("--example", "nrmp", "--out", tmp_path / "r.xlsx")
    assert r.exit_code == 2
    assert r.stderr.strip().startswith("Error: ") and "end the name in .csv or .json" in r.stderr


# -------------------------------------------------------------- quiet, limits
def test_quiet_prints_nothing(tmp_path):
    r = run("--example", "nrmp", "--quiet", "--out", tmp_path / "r.csv")
    assert r.exit_code == 0 and r.output == ""
    assert (tmp_path / "r.csv").exists()


def test_big_markets_are_shortened(tmp_path):
    n = 60
    m = Market.from_lists([[i % 3] for i in range(n)], [list(range(n))] * 3, [5, 5, 5])
    write_market(m, tmp_path / "big.json")
    short = run(tmp_path / "big.json", "--limit", "10").stdout
    assert "50 more applicants not shown; use --all" in short
    assert "Unmatched applicants (45):" in short and "(35 more)" in short
    every = run(tmp_path / "big.json", "--all").stdout
    assert "not shown" not in every and "a59" in every


# --------------------------------------------------------------------- errors
def _one_line_error(r, *needles):
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in r.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert r.stdout == ""


@pytest.mark.parametrize("case", BAD_CSV_CASES, ids=[c[0] for c in BAD_CSV_CASES])
def test_bad_csv_folder_is_one_line(tmp_path, case):
    _, breaker, file, row, column, _pattern = case
    folder = _nrmp_folder(tmp_path)
    breaker(folder)
    r = CliRunner().invoke(cli, ["match", str(folder)])
    needles = [file]
    if row is not None:
        needles.append(f"row {row}")
    if column is not None:
        needles.append(f'column "{column}"')
    _one_line_error(r, *needles)


@pytest.mark.parametrize("case", BAD_JSON_CASES, ids=[c[0] for c in BAD_JSON_CASES])
def test_bad_json_is_one_line(tmp_path, case):
    _, build, column, _pattern = case
    r = CliRunner().invoke(cli, ["match", str(build(tmp_path))])
    _one_line_error(r, "market.json", *([f'column "{column}"'] if column else []))


@pytest.mark.parametrize("case", HOSTILE_JSON_CASES, ids=[c[0] for c in HOSTILE_JSON_CASES])
def test_hostile_json_is_one_short_line(tmp_path, case):
    _, build, _pattern = case
    r = CliRunner().invoke(cli, ["match", str(build(tmp_path))])
    _one_line_error(r, "market.json")
    assert len(r.stderr) < 400


# ------------------------------------------------------- never overwrite input
def _spellings(tmp_path):
    """The market file, and other names for the same file."""
    market = tmp_path / "market.json"
    write_market(nrmp_example(), market)
    (tmp_path / "link.json").symlink_to(market)
    (tmp_path / "sub").mkdir()
    return market, {
        "same": "market.json",
        "dot-slash": "./market.json",
        "via-folder": "sub/../market.json",
        "absolute": str(market),
        "symlink": "link.json",
    }


@pytest.mark.parametrize("spelling", ["same", "dot-slash", "via-folder", "absolute", "symlink"])
def test_match_refuses_to_overwrite_its_input(tmp_path, monkeypatch, spelling):
    market, names = _spellings(tmp_path)
    before = market.read_bytes()
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["match", "market.json", "--out", names[spelling]])
    _one_line_error(r, "part of the market being read", "give --out another name")
    assert market.read_bytes() == before


def test_match_refuses_to_overwrite_its_input_through_the_link(tmp_path, monkeypatch):
    market, _ = _spellings(tmp_path)
    before = market.read_bytes()
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["match", "link.json", "--out", "market.json"])
    _one_line_error(r, "part of the market being read")
    assert market.read_bytes() == before


def test_match_refuses_to_overwrite_a_hard_link_of_its_input(tmp_path):
    market, _ = _spellings(tmp_path)
    os.link(market, tmp_path / "hard.json")
    r = CliRunner().invoke(cli, ["match", str(market), "--out", str(tmp_path / "hard.json")])
    _one_line_error(r, "part of the market being read")


def test_match_refuses_to_overwrite_a_file_of_its_csv_folder(tmp_path):
    folder = _nrmp_folder(tmp_path)
    before = (folder / "programs.csv").read_bytes()
    r = CliRunner().invoke(cli, ["match", str(folder), "--out", str(folder / "programs.csv")])
    _one_line_error(r, "programs.csv", "part of the market being read")
    assert (folder / "programs.csv").read_bytes() == before


def test_results_may_go_into_the_market_folder(tmp_path):
    """Different file names: the market's files stay as they were."""
    folder = _nrmp_folder(tmp_path)
    before = {f.name: f.read_bytes() for f in folder.iterdir()}
    r = run(folder, "--out", f"{folder}/")
    assert r.exit_code == 0, r.output
    assert {f.name: f.read_bytes() for f in folder.iterdir() if f.name in before} == before
    assert (folder / "result_applicants.csv").exists()


# ------------------------------------------------------------- escaped names
HOSTILE_NAMES = Market.from_lists(
    {"Ann\x1b[2J": ["=HYPERLINK(\"x\")", "Mercy\u202e"], "\x9b31mBo": ["Mercy\u202e"], "@Cy": []},
    {"=HYPERLINK(\"x\")": ["Ann\x1b[2J"], "Mercy\u202e": ["\x9b31mBo", "Ann\x1b[2J"]},
    {"=HYPERLINK(\"x\")": 1, "Mercy\u202e": 1})
RAW = ("\x1b", "\x9b", "\u202e")


def test_match_tables_escape_control_characters(tmp_path):
    write_market(HOSTILE_NAMES, tmp_path / "m.json")
    r = run(tmp_path / "m.json")
    assert r.exit_code == 0, r.output
    assert not any(c in r.stdout for c in RAW)
    assert "Ann\\x1b[2J" in r.stdout and "\\x9b31mBo" in r.stdout and "Mercy\\u202e" in r.stdout


def test_match_json_has_no_raw_control_characters(tmp_path):
    write_market(HOSTILE_NAMES, tmp_path / "m.json")
    r = run(tmp_path / "m.json", "--json")
    assert not any(c in r.stdout for c in RAW)
    doc = json.loads(r.stdout)
    assert {a["applicant"] for a in doc["applicants"]} == set(HOSTILE_NAMES.applicant_labels())


def test_match_csv_output_has_no_live_formulas(tmp_path):
    write_market(HOSTILE_NAMES, tmp_path / "m.json")
    r = run(tmp_path / "m.json", "--out", tmp_path / "r.csv", "--quiet")
    assert r.exit_code == 0
    rows = pd.read_csv(tmp_path / "r.csv", keep_default_na=False, dtype=str)
    assert rows["program"].tolist() == ["'=HYPERLINK(\"x\")", "Mercy\u202e", ""]
    assert rows["applicant"].tolist()[2] == "'@Cy"


def test_match_market_label_is_escaped(tmp_path):
    path = tmp_path / "m\x1b[2J.json"
    write_market(nrmp_example(), path)
    r = run(path)
    assert r.exit_code == 0 and "\x1b" not in r.stdout and "m\\x1b[2J.json" in r.stdout


@pytest.mark.parametrize("args, message", [
    ([], "give a PATH"),
    (["examples/nrmp", "--example", "nrmp"], "not both"),
    (["--example", "nowhere"], "'nrmp', 'nrmp-small'"),
])
def test_usage_errors(args, message):
    r = CliRunner().invoke(cli, ["match", *args])
    assert r.exit_code == 2 and message in r.output


def test_help_shows_examples():
    r = run("--help")
    assert r.exit_code == 0
    assert "Examples:" in r.stdout and "matchsim match --example nrmp" in r.stdout


def test_startup_does_not_import_pandas_or_rich():
    code = ("import sys, matchsim.cli.main, matchsim.cli.match; "
            "print(sorted(m for m in ('pandas', 'rich', 'pyarrow', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_module_entry_point_runs_the_example():
    """README's quick start: python -m matchsim match --example nrmp."""
    out = subprocess.run([sys.executable, "-m", "matchsim", "match", "--example", "nrmp", "--json"],
                         capture_output=True, text=True, check=True)
    assert matched(json.loads(out.stdout)) == (NRMP_RESULT, {"Anderson", "Brown"})


def test_nrmp_example_matches_builtin_market():
    assert read_market(EXAMPLES_NRMP).to_lists() == nrmp_example().to_lists()


def test_docs_show_the_current_output():
    """docs/match.md quotes the NRMP example's output; it must stay true."""
    doc = (Path(__file__).parents[1] / "docs" / "match.md").read_text(encoding="utf-8")
    quoted = doc.split("(`python -m matchsim match --example nrmp`):\n\n```\n", 1)[1].split("```", 1)[0]
    r = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["match", "--example", "nrmp"])
    assert r.stdout == quoted
