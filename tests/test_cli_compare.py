"""``matchsim compare`` through click's CliRunner: output, --json, --csv, --market, every bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from matchsim.cli.main import cli

DATA = Path(__file__).parent / "data" / "advisor"


def run(*args):
    return CliRunner().invoke(cli, ["compare", *map(str, args)])


@pytest.fixture(scope="module")
def example_json():
    r = run("--example", "--json", "--samples", "20000")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_example_prints_tables_findings_and_checks():
    r = run("--example", "--samples", "5000")
    assert r.exit_code == 0, r.output
    for text in ("How each list does", "Where you match", "What this means", "List checks",
                 "friendly first", "drop reaches", "Assumption:", "Checked against 5,000 sampled"):
        assert text in r.output


def test_json_has_every_figure_and_better_is_zero(example_json):
    rep = example_json
    assert rep["method"] == "exact" and rep["correlation"] == 0.5
    names = [row["name"] for row in rep["lists"]]
    assert names == ["honest", "friendly first", "drop reaches"]
    assert rep["true_order_list"] == "honest"
    for row in rep["lists"]:
        assert row["better"] == 0.0
        assert abs(row["worse"] + row["same"] + row["better"] - 1) < 1e-9
        assert abs(sum(row["p_program"].values()) + row["p_unmatched"] - 1) < 1e-9
        assert set(row) >= {"p_match", "p_first_choice", "p_top3", "mean_rank_if_matched"}
    honest, friendly, drop = rep["lists"]
    assert honest["worse"] == 0.0 and friendly["worse"] > 0 and drop["worse"] > 0
    assert abs(honest["p_match"] - friendly["p_match"]) < 1e-12
    assert rep["cross_check"]["samples"] == 20000
    assert rep["cross_check"]["better_than_true_order"] == 0.0
    assert rep["cross_check"]["max_abs_difference"] < 0.02
    assumed = [p["name"] for p in rep["programs"] if p["chance_assumed"]]
    assert assumed == ["Lakeside PM&R", "Riverbend Rehab, Main Campus"]
    kinds = {(c["list"], c["kind"]) for c in rep["checks"]}
    assert kinds == {("honest", "true order"), ("friendly first", "inversion"),
                     ("drop reaches", "left off")}


def test_seed_makes_sampling_reproducible():
    a = json.loads(run("--example", "--json", "--method", "sample", "--samples", "3000",
                       "--seed", "4").output)
    b = json.loads(run("--example", "--json", "--method", "sample", "--samples", "3000",
                       "--seed", "4").output)
    assert a["lists"] == b["lists"] and a["method"] == "sample"


def test_csv_output(tmp_path):
    out = tmp_path / "result.csv"
    r = run("--example", "--samples", "0", "--csv", out)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open()))
    assert [row["list"] for row in rows] == ["honest", "friendly first", "drop reaches"]
    assert all(float(row["better"]) == 0.0 for row in rows)
    assert "p: Lakeside PM&R" in rows[0]


def test_reference_row_when_no_list_is_the_true_order(tmp_path):
    f = tmp_path / "two.csv"
    f.write_text("program,preference,chance,swap\nMercy,1,50%,2\nCity,2,50%,1\n")
    r = run(f, "--samples", "0")
    assert r.exit_code == 0, r.output
    assert "true order" in r.output and "(reference)" in r.output  # the label may wrap at 80 columns
    rep = json.loads(run(f, "--json", "--samples", "0", "--correlation", "0").output)
    assert rep["true_order_list"] is None
    assert rep["lists"][0]["worse"] == pytest.approx(0.25)
    assert "cross_check" not in rep


def test_market_mode_json():
    r = run("--example", "--market", "--applicants", "80", "--markets", "15", "--json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["method"] == "market" and rep["samples"] == 15
    assert rep["market"]["menu_violations"] == 0
    assert all(row["better"] == 0.0 for row in rep["lists"])


def test_market_mode_text():
    r = run("--example", "--market", "--applicants", "60", "--markets", "5")
    assert r.exit_code == 0, r.output
    assert "simulated specialty markets" in r.output and "Menu check: in 5 of 5 checked" in r.output


def test_help_has_examples():
    r = run("--help")
    assert r.exit_code == 0
    assert "Examples:" in r.output and "matchsim compare --example" in r.output


@pytest.mark.parametrize(
    "name, expected",
    [
        ("duplicate_rank.csv", 'duplicate_rank.csv, row 4, column "A": this list ranks two programs 3rd'),
        ("rank_without_program.csv", 'rank_without_program.csv, row 3, column "program": this row has no program name'),
        ("duplicate_preference.csv", 'duplicate_preference.csv, row 4, column "preference": preference 2 is given twice'),
        ("chance_140.csv", 'chance_140.csv, row 3, column "chance": a chance of "140%" is impossible'),
        ("no_lists.csv", "no_lists.csv, row 1: no candidate-list columns"),
        ("unknown_signal.csv", 'unknown_signal.csv, row 2, column "signal": "maybe" is not a signal'),
        ("rank_not_number.csv", 'rank_not_number.csv, row 2, column "A": "first" is not a rank'),
        ("no_program_column.csv", 'no_program_column.csv, row 1: no "program" column'),
        ("no_preference_column.csv", 'no_preference_column.csv, row 1: no "preference" column'),
        ("duplicate_program.csv", 'duplicate_program.csv, row 3, column "program": "mercy" is already in row 2'),
        ("cell_beyond_header.csv", 'cell_beyond_header.csv, row 3: the cell "oops" is in column 4'),
        ("empty_list.csv", 'empty_list.csv, row 1, column "B": the list "B" ranks no programs'),
        ("chance_not_number.csv", 'chance_not_number.csv, row 2, column "chance": "abc" is not a chance'),
        ("preference_not_whole.csv", 'preference_not_whole.csv, row 2, column "preference": "1.5" is not a preference'),
        ("duplicate_column.csv", 'duplicate_column.csv, row 1, column "A": the column name "A" is used twice'),
        ("header_only.csv", "header_only.csv, row 2: the file has a header but no programs"),
        ("empty.csv", "empty.csv, row 1: the file is empty"),
        ("workbook.xlsx", "workbook.xlsx: this file looks like an Excel workbook (.xlsx) but cannot be read"),
    ],
)
def test_every_bad_input_is_one_line_and_exit_2(name, expected):
    r = run(DATA / name)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: " + expected)
    assert "Traceback" not in r.output


@pytest.mark.parametrize("name", ["excel_semicolon.csv", "sheets_comma.csv"])
def test_spreadsheet_exports_are_accepted(name):
    r = run(DATA / name, "--samples", "0", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["lists"][0]["name"] == "honest"


@pytest.mark.parametrize(
    "args, fragment",
    [
        ([], "give a CSV file, or --example"),
        (["--example", DATA / "empty.csv"], "give a CSV file, or --example"),
        (["--example", "--correlation", "1.2"], "--correlation"),
        (["--example", "--samples", "-5"], "--samples"),
        (["--example", "--method", "sample", "--samples", "0"], "--samples"),
        (["--example", "--market", "--markets", "0"], "--markets"),
        ([DATA / "does_not_exist.csv"], "does_not_exist.csv"),
    ],
)
def test_bad_options_exit_2(args, fragment):
    r = run(*args)
    assert r.exit_code == 2
    assert fragment in r.output
    assert "Traceback" not in r.output


def test_market_mode_with_calibrated_preset():
    r = run("--example", "--market", "--generator", "pmr", "--applicants", "120", "--markets", "4",
            "--json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["market"]["generator"] == "pmr" and rep["market"]["menu_violations"] == 0


def test_names_with_brackets_are_printed_as_written(tmp_path):
    f = tmp_path / "brackets.csv"
    f.write_text("program,preference,chance,[my list]\nMercy [East],1,50%,1\nCity [/],2,40%,2\n")
    r = run(f, "--samples", "0")
    assert r.exit_code == 0, r.output
    assert "Mercy [East]" in r.output and "City [/]" in r.output and "[my list]" in r.output


# ------------------------------------------------------------ issue 7 points
def test_issue_7_12_names_are_escaped_in_the_terminal_and_in_csv(tmp_path):
    f = tmp_path / "evil\x1b[31m.csv"
    f.write_bytes(b'program,preference,chance,=HYPERLINK("x")\n"Evil\x1b[2J",1,50%,1\n'
                  b'"@City\x07",2,40%,2\n')
    out = tmp_path / "out.csv"
    r = run(f, "--samples", "0", "--csv", out)
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "\x07" not in r.output
    assert "Evil\\x1b[2J" in r.output and "@City\\x07" in r.output and "evil\\x1b[31m.csv" in r.output
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert rows[1][0] == "'=HYPERLINK(\"x\")"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_issue_7_24_csv_probabilities_are_written_sensibly(tmp_path):
    out = tmp_path / "result.csv"
    r = run("--example", "--samples", "0", "--csv", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "1.0000000000000002" not in text and "0.05900000000000003" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for key, cell in row.items():
            if key in ("list", "mean_rank_if_matched"):
                continue
            assert 0.0 <= float(cell) <= 1.0
            assert len(cell.replace("0.", "", 1).lstrip("0")) <= 12, cell  # no float noise
    assert rows[0]["same"] == "1.0" and rows[0]["p: Lakeside PM&R"] == "0.059"


def test_probabilities_in_json_are_never_outside_0_and_1(example_json):
    for row in example_json["lists"] + [example_json["true_order"]]:
        values = [row[k] for k in ("p_match", "p_first_choice", "p_top3", "worse", "same", "better",
                                   "p_unmatched")] + list(row["p_program"].values())
        assert all(0.0 <= v <= 1.0 for v in values)


def test_issue_7_15_the_output_says_which_columns_are_lists_and_which_are_ignored(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("program,preference,chance,honest,safe,notes\nMercy,1,50%,1,2,x\nCity,2,40%,2,1,y\n")
    r = run(f, "--samples", "0")
    assert r.exit_code == 0, r.output
    assert 'Lists read from the columns "honest" and "safe"; ignored: "notes".' in " ".join(r.output.split())
    rep = json.loads(run(f, "--samples", "0", "--json").output)
    assert rep["ignored_columns"] == ["notes"]


def _wide_file(tmp_path):
    """12 programs with long names and 5 lists with long names: the widest tables a user makes."""
    names = [f"University Hospital of Rehabilitation Medicine {j}" for j in range(12)]
    lists = ["honest order", "friendly programs first", "drop my reach programs", "safety first",
             "what my advisor suggested"]
    lines = ["program,preference,chance,signal," + ",".join(lists)]
    rng = np.random.default_rng(3)
    ranks = np.zeros((12, 5), dtype=int)
    ranks[:, 0] = np.arange(1, 13)
    for i in range(1, 5):
        on = rng.permutation(12)[: rng.integers(6, 13)]
        ranks[on, i] = np.arange(1, on.size + 1)
    for j, name in enumerate(names):
        cells = [str(r) if r else "" for r in ranks[j]]
        lines.append(f"{name},{j + 1},{rng.uniform(0.05, 0.6):.2f},ranked highly," + ",".join(cells))
    f = tmp_path / "wide.csv"
    f.write_text("\n".join(lines) + "\n")
    return f


def _figures(advice):
    """Every number the tables show, as printed."""
    from matchsim.advisor.findings import pct

    out = []
    for o in advice.rows:
        out += [pct(o.p_match), pct(o.p_first_choice), pct(o.p_top3), pct(o.worse), pct(o.same),
                pct(o.better), pct(o.p_unmatched), f"{o.mean_rank_if_matched:.2f}"]
        out += [pct(o.p_program[j]) for j in o.programs]
    return out


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("which", ["example", "wide"])
def test_issue_7_18_every_table_fits_the_terminal_and_no_number_is_cut(tmp_path, width, which):
    from rich.console import Console

    from matchsim.advisor import advise
    from matchsim.cli.compare import example_path, render
    from matchsim.io import read_rank_file

    f = read_rank_file(example_path() if which == "example" else _wide_file(tmp_path))
    advice = advise(f, samples=2000)
    buf = io.StringIO()
    render(advice, Console(file=buf, width=width, highlight=False, color_system=None))
    text = buf.getvalue()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "\u2026" not in text and "..." not in text  # nothing cut with an ellipsis
    tokens = set(text.replace("\u2502", " ").replace("\u2503", " ").replace("*", " ").split())
    missing = [x for x in _figures(advice) if x not in tokens]
    assert not missing
    for name in list(f.lists) + list(f.programs):  # names may wrap, never lose a word
        assert all(word in tokens for word in name.split()), name


# ------------------------------------------------- the installed command, as a user runs it
MATCHSIM = Path(sys.executable).with_name("matchsim")


def installed(*args, cwd, columns=80):
    """Run the installed ``matchsim compare`` script from ``cwd`` (a folder outside the checkout)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env.update(COLUMNS=str(columns), LINES="50", NO_COLOR="1")
    return subprocess.run([str(MATCHSIM), "compare", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("columns", [80, 60])
def test_installed_compare_fits_the_terminal(tmp_path, columns):
    r = installed("--example", "--samples", "2000", cwd=tmp_path, columns=columns)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) > 40 and max(len(line) for line in lines) <= columns
    assert "\u2026" not in r.stdout and "Traceback" not in r.stderr
    assert "Riverbend" in r.stdout and "Checked against 2,000 sampled Matches" in r.stdout


@pytest.mark.parametrize("option, value", [("--markets", "5"), ("--applicants", "80"),
                                           ("--generator", "pmr"), ("--verify-markets", "3")])
def test_issue_7_19_market_options_without_market_are_an_error(option, value):
    r = run("--example", option, value)
    assert r.exit_code == 2
    assert f"option {option} works only with --market" in r.output
    assert "column" not in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("option, value", [("--samples", "500"), ("--method", "sample")])
def test_menu_model_options_with_market_are_an_error(option, value):
    r = run("--example", "--market", "--markets", "2", "--applicants", "40", option, value)
    assert r.exit_code == 2
    assert f"option {option} does not apply with --market" in r.output


def test_issue_7_19_csv_option_errors_name_the_option_and_never_overwrite_the_input(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("program,preference,chance,L\nMercy,1,50%,1\n")
    before = f.read_bytes()
    r = run(f, "--samples", "0", "--csv", f)
    assert r.exit_code == 2 and "option --csv" in r.output and "your input file" in r.output
    assert f.read_bytes() == before
    r = run(f, "--samples", "0", "--csv", tmp_path / "no such folder" / "out.csv")
    assert r.exit_code == 2 and "option --csv" in r.output and 'column "' not in r.output


def test_issue_7_20_template_writes_a_commented_spreadsheet_and_never_overwrites(tmp_path):
    t = tmp_path / "mylist.csv"
    r = run("--template", t)
    assert r.exit_code == 0, r.output
    assert "matchsim compare" in r.output and str(t.name) in r.output
    text = t.read_text(encoding="utf-8-sig")
    assert text.startswith("# ") and "program,track,preference,chance,signal,honest,alternative,supplemental,notes" in text
    before = t.read_bytes()
    r = run("--template", t)
    assert r.exit_code == 2 and "already exists" in r.output and t.read_bytes() == before
    # the blank template reads, and asks for programs
    r = run(t)
    assert r.exit_code == 2 and "the file has a header but no programs" in r.output
    with t.open("a", encoding="utf-8", newline="") as fh:
        fh.write("Mercy,,1,30%,,1,2,,first choice\r\nCity,,2,,interested,2,1,,\r\n")
    r = run(t, "--samples", "0", "--json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert [x["name"] for x in rep["lists"]] == ["honest", "alternative"]
    assert rep["ignored_columns"] == ["notes", "supplemental"]  # an empty supplemental column is named, not used


@pytest.mark.parametrize("extra", [["--example"], [DATA / "sheets_comma.csv"]])
def test_template_is_used_alone(tmp_path, extra):
    r = run("--template", tmp_path / "t.csv", *extra)
    assert r.exit_code == 2 and "--template" in r.output and not (tmp_path / "t.csv").exists()


def test_installed_compare_template_json_and_errors(tmp_path):
    r = installed("--template", "start.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with (tmp_path / "start.csv").open("a", encoding="utf-8") as fh:
        fh.write("Mercy,,1,30%,,1,2,,\nCity,,2,60%,,2,1,,\n")
    r = installed("start.csv", "--samples", "0", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["lists"][1]["worse"] > 0
    r = installed("start.csv", "--markets", "3", cwd=tmp_path)
    assert r.returncode == 2 and "option --markets works only with --market" in r.stderr
    (tmp_path / "bad.csv").write_text("program,preference,chance,L\nMercy,1,60,1\nCity,2,0.5,2\n")
    r = installed("bad.csv", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        'Error: bad.csv, row 3, column "chance": the chance column mixes two scales: 60 (row 2) reads '
        "as a percentage but 0.5 (row 3) as a fraction; write every chance as a fraction from 0 to 1 "
        "(0.6) or with a % sign (60%)"]


# ------------------------------------------------------- the docs show what the command prints
DOCS = Path(__file__).parents[1] / "docs"
EXAMPLE_CSV = Path(__file__).parents[1] / "examples" / "mylist.csv"


def _doc_blocks(name, marker):
    text = (DOCS / name).read_text(encoding="utf-8")
    blocks = re.findall(rf"<!-- {re.escape(marker)}[^>]*-->\n```text\n(.*?)```", text, flags=re.S)
    return [[line.rstrip() for line in b.splitlines()] for b in blocks]


def _is_subsequence(part, whole):
    it = iter(whole)
    return all(any(line == w for w in it) for line in part)


@pytest.mark.parametrize("doc", ["compare.md", "ranked-highly.md"])
def test_doc_examples_are_what_compare_example_prints_at_80_columns(doc):
    r = CliRunner().invoke(cli, ["compare", "--example"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    printed = [line.rstrip() for line in r.output.splitlines()]
    blocks = _doc_blocks(doc, "doc-output: compare --example")
    assert blocks
    for block in blocks:
        assert _is_subsequence(block, printed), "\n".join(block)


def _example_rows():
    return list(csv.reader(io.StringIO(EXAMPLE_CSV.read_text(encoding="utf-8"))))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_issue_7_24_doc_error_lines_name_the_right_rows(tmp_path):
    """docs/compare.md quoted errors with the wrong rows; each line is now what the command prints."""
    edits = [  # (spreadsheet row, column, new value), as the text above the block describes
        [(5, "honest", "3")],
        [(3, "program", "")],
        [(9, "preference", "2")],
        [(4, "chance", "140%")],
        [(7, "chance", "30"), (5, "chance", "0.25")],
        "Type",
    ]
    printed = []
    for edit in edits:
        rows = _example_rows()
        if edit == "Type":
            rows = [r + (["Type"] if i == 0 else ["categorical"]) for i, r in enumerate(rows)]
        else:
            for row, col, value in edit:
                rows[row - 1][rows[0].index(col)] = value
        path = tmp_path / "mylist.csv"
        _write(path, rows)
        r = CliRunner().invoke(cli, ["compare", str(path)])
        assert r.exit_code == 2
        printed.append(r.output.strip().replace(str(path), "mylist.csv"))
    (block,) = _doc_blocks("compare.md", "doc-errors: mylist.csv")
    assert block == printed


def test_ranked_highly_table_is_what_compare_computes():
    from dataclasses import replace

    from matchsim.advisor import advise
    from matchsim.advisor.findings import pct
    from matchsim.io import read_rank_file

    text = (DOCS / "ranked-highly.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| (\d+(?:\.\d+)?)%[^|]* \| (\S+) \| (\S+) \| (\S+) / (\S+) \|$", text, flags=re.M)
    assert len(table) == 3
    f = read_rank_file(EXAMPLE_CSV)
    j = f.programs.index("Riverbend Rehab, Main Campus")
    for chance, matched, worse, top_h, top_f in table:
        c = f.chance.copy()
        c[j] = float(chance) / 100
        honest, friendly, drop = advise(replace(f, chance=c), samples=0).lists
        assert {pct(o.p_match) for o in (honest, friendly, drop)} == {matched}
        assert (pct(friendly.worse), pct(honest.p_top3), pct(friendly.p_top3)) == (worse, top_h, top_f)
