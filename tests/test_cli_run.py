"""``matchsim run``: files written, --json, --resume, and one-line errors."""

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from matchsim.cli.main import cli

TINY = """\
[study]
kind = "strategies"
name = "tiny"
description = "A tiny study"
trials = 6
seed = 11
chunk = 2

[market]
preset = "small"

[strategies]
focal = 3
compare = ["truncate", "safety_first"]

[strategies.truncate]
k = 2
"""


@pytest.fixture
def tiny(tmp_path):
    p = tmp_path / "tiny.toml"
    p.write_text(TINY)
    return p


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ctrl_c_in_trial(monkeypatch, number):
    """Send this process a real SIGINT while trial ``number`` of a study runs."""
    import signal

    from matchsim.studies import trial

    real = trial.run_trial

    def run_trial(scenario, t):
        if t == number:
            os.kill(os.getpid(), signal.SIGINT)
        return real(scenario, t)

    monkeypatch.setattr(trial, "run_trial", run_trial)
    return lambda: monkeypatch.setattr(trial, "run_trial", real)


def one_error_line(result):
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_run_writes_results_summary_manifest_and_plots(tiny, tmp_path):
    out = tmp_path / "out"
    r = invoke("run", tiny, "--out", out)
    assert r.exit_code == 0, r.output
    for name in ("results.parquet", "summary.csv", "manifest.json", "tiny.png", "tiny.svg"):
        assert (out / name).is_file(), name
    assert "tiny: 6 trials, seed 11" in r.output and "truncate" in r.output
    df = pd.read_parquet(out / "results.parquet")
    assert sorted(df["trial"].unique()) == list(range(6))
    assert set(df["strategy"]) == {"truthful", "truncate", "safety_first"}
    assert len(df) == 6 * 3 * 3  # trials x focal applicants x strategies
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["strategy"]) == ["truthful", "truncate", "safety_first"]
    assert (summary["better"] == 0).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["text"] == TINY
    assert manifest["seed"] == 11 and manifest["trials"] == 6 and manifest["status"] == "complete"
    assert manifest["matchsim_version"] and manifest["finished"]
    assert len(list((out / "parts").glob("part-*.parquet"))) == 3


def test_json_summary_for_scripts(tiny, tmp_path):
    r = invoke("run", tiny, "--out", tmp_path / "o", "--json", "--no-plots", "--trials", "4")
    assert r.exit_code == 0
    doc = json.loads(r.output)
    assert doc["kind"] == "strategies" and doc["trials"] == 4 and doc["executor"] == "serial"
    assert {row["strategy"] for row in doc["summary"]} == {"truthful", "truncate", "safety_first"}
    assert all(row["better"] == 0 for row in doc["summary"])
    assert not (tmp_path / "o" / "tiny.png").exists()


def test_jobs_give_the_same_results(tiny, tmp_path):
    assert invoke("run", tiny, "--out", tmp_path / "a", "-q").exit_code == 0
    assert invoke("run", tiny, "--out", tmp_path / "b", "-q", "--jobs", "2").exit_code == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "results.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "results.parquet"))


def test_interrupt_then_resume_gives_the_uninterrupted_numbers(tiny, tmp_path, monkeypatch):
    assert invoke("run", tiny, "--out", tmp_path / "full", "-q").exit_code == 0
    undo = ctrl_c_in_trial(monkeypatch, 4)  # in the third chunk
    cut = CliRunner().invoke(cli, ["run", str(tiny), "--out", str(tmp_path / "cut"), "-q"])
    assert cut.exit_code == 130
    assert "4 of 6 trials are saved" in cut.output and "--resume" in cut.output
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["status"] == "interrupted"
    undo()

    again = invoke("run", tiny, "--out", tmp_path / "cut", "--resume", "--json")
    assert again.exit_code == 0
    assert json.loads(again.output)["summary"] == json.loads(
        invoke("run", tiny, "--out", tmp_path / "full", "--force", "--json").output)["summary"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "full" / "results.parquet"),
                                  pd.read_parquet(tmp_path / "cut" / "results.parquet"))
    runs = json.loads((tmp_path / "cut" / "manifest.json").read_text())["runs"]
    assert [r["trials_run"] for r in runs] == [4, 2] and runs[1]["trials_resumed"] == 4


def test_resume_with_more_trials_extends_the_study(tiny, tmp_path):
    invoke("run", tiny, "--out", tmp_path / "a", "-q", "--trials", "3")
    assert invoke("run", tiny, "--out", tmp_path / "a", "-q", "--resume").exit_code == 0
    invoke("run", tiny, "--out", tmp_path / "b", "-q")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "results.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "results.parquet"))


def test_help_has_examples():
    r = invoke("run", "--help")
    assert r.exit_code == 0
    assert "Examples:" in r.output and "--resume" in r.output and "--scheduler" in r.output


@pytest.mark.parametrize("text, expected", [
    (TINY.replace("trials = 6", "trails = 6"), 'column "study.trails": unknown key "trails"; did you mean "trials"?'),
    (TINY.replace('"truncate", "safety_first"', '"truncat"'), 'unknown strategy "truncat"; did you mean "truncate"'),
    (TINY.replace("seed = 11", 'seed = "eleven"'), 'column "study.seed": expected a whole number'),
    (TINY.replace('"small"', '"tiny"'), "unknown preset"),
    (TINY + "[", "not valid TOML"),
])
def test_scenario_mistakes_are_one_line(tmp_path, text, expected):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    line = one_error_line(invoke("run", p, "--out", tmp_path / "o"))
    assert str(p) in line and expected in line


def test_missing_file_is_one_line(tmp_path):
    line = one_error_line(invoke("run", tmp_path / "nope.toml", "--out", tmp_path / "o"))
    assert "no such file" in line


def test_existing_results_need_resume_or_force(tiny, tmp_path):
    assert invoke("run", tiny, "--out", tmp_path, "-q", "--trials", "2").exit_code == 0
    line = one_error_line(invoke("run", tiny, "--out", tmp_path))
    assert "--resume" in line and "--force" in line
    assert invoke("run", tiny, "--out", tmp_path, "-q", "--trials", "2", "--force").exit_code == 0


def test_resume_of_another_scenario_is_refused(tiny, tmp_path):
    assert invoke("run", tiny, "--out", tmp_path / "o", "-q", "--trials", "2").exit_code == 0
    other = tmp_path / "other.toml"
    other.write_text(TINY.replace("seed = 11", "seed = 12"))
    line = one_error_line(invoke("run", other, "--out", tmp_path / "o", "--resume"))
    assert "different scenario file or seed" in line


def test_dask_and_scheduler_together_is_refused(tiny, tmp_path):
    line = one_error_line(invoke("run", tiny, "--out", tmp_path, "--dask", "--scheduler", "tcp://x:1"))
    assert "either --dask" in line


def test_bad_option_values_exit_2(tiny, tmp_path):
    r = CliRunner().invoke(cli, ["run", str(tiny), "--jobs", "0"])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_unreachable_scheduler_is_one_line(tiny, tmp_path):
    pytest.importorskip("distributed")
    line = one_error_line(invoke("run", tiny, "--out", tmp_path, "--scheduler", "tcp://127.0.0.1:9"))
    assert "cannot reach the Dask scheduler" in line


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml")),
                         ids=lambda p: p.stem)
def test_shipped_scenarios_run_as_typed(path, tmp_path):
    r = invoke("run", path, "--out", tmp_path, "--trials", "3", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["rows"] > 0 and doc["summary"]
    assert (tmp_path / f"{path.stem}.png").is_file()


# ------------------------------------------------------------ issue 7
def test_a_name_with_a_path_writes_nothing_outside_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = tmp_path / "escape.toml"
    p.write_text(TINY.replace('name = "tiny"', 'name = "../../escaped"'))
    line = one_error_line(invoke("run", p))
    assert 'column "study.name"' in line and "plain file name" in line
    assert sorted(x.name for x in tmp_path.iterdir()) == ["escape.toml"]  # not even results/


def test_unreachable_scheduler_leaves_no_manifest(tiny, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "o"
    line = one_error_line(invoke("run", tiny, "--out", out, "--scheduler", "tcp://127.0.0.1:9"))
    assert "cannot reach the Dask scheduler" in line
    assert not out.exists()
    assert invoke("run", tiny, "--out", out, "-q", "--trials", "2").exit_code == 0  # no --force needed


@pytest.mark.parametrize("params", ["k = -2", 'k = "five"', "k = 2.5"])
def test_bad_strategy_parameter_is_one_line_and_writes_nothing(tmp_path, params):
    p = tmp_path / "bad.toml"
    p.write_text(TINY.replace("\nk = 2\n", f"\n{params}\n"))
    out = tmp_path / "o"
    line = one_error_line(invoke("run", p, "--out", out))
    assert 'column "strategies.truncate.k"' in line and str(p) in line
    assert not out.exists()


def test_resume_that_would_drop_finished_trials_is_refused(tiny, tmp_path):
    assert invoke("run", tiny, "--out", tmp_path / "o", "-q").exit_code == 0
    line = one_error_line(invoke("run", tiny, "--out", tmp_path / "o", "--resume", "--trials", "3"))
    assert "3 finished trials" in line and "--trials 6" in line
    df = pd.read_parquet(tmp_path / "o" / "results.parquet")
    assert df["trial"].nunique() == 6  # untouched
    assert invoke("run", tiny, "--out", tmp_path / "o", "-q", "--resume", "--trials", "8").exit_code == 0
    assert pd.read_parquet(tmp_path / "o" / "results.parquet")["trial"].nunique() == 8


def test_ctrl_c_before_any_trial_finished_says_nothing_was_saved(tiny, tmp_path, monkeypatch):
    undo = ctrl_c_in_trial(monkeypatch, 0)
    cut = CliRunner().invoke(cli, ["run", str(tiny), "--out", str(tmp_path / "o"), "-q"])
    assert cut.exit_code == 130
    assert "before any trial finished; nothing was saved" in cut.output and "parts" not in cut.output
    assert not (tmp_path / "o" / "manifest.json").exists()
    undo()
    assert invoke("run", tiny, "--out", tmp_path / "o", "-q").exit_code == 0  # a plain run starts over


def test_a_folder_in_use_is_refused_in_one_line(tiny, tmp_path):
    from matchsim.studies import load_scenario
    from matchsim.studies.folder import StudyFolder

    with StudyFolder(tmp_path / "o").open(load_scenario(tiny)):
        line = one_error_line(invoke("run", tiny, "--out", tmp_path / "o", "--force"))
    assert f"another matchsim run (process {os.getpid()}) is writing into this folder" in line
    assert invoke("run", tiny, "--out", tmp_path / "o", "-q", "--force").exit_code == 0  # released


def test_out_folder_names_are_escaped_in_the_terminal(tiny, tmp_path):
    out = tmp_path / "evil\x1b[2Jname"
    r = invoke("run", tiny, "--out", out, "--trials", "2", "--no-plots")
    assert r.exit_code == 0
    assert "\x1b" not in r.output and "evil\\x1b[2Jname" in r.output


def test_summary_csv_text_cells_cannot_run_as_formulas(tmp_path):
    from matchsim.studies.folder import csv_cells

    frame = pd.DataFrame({"strategy": ["=cmd()", "truncate"], "better": [0.0, -0.5]})
    cells = csv_cells(frame)
    assert cells["strategy"].tolist() == ["'=cmd()", "truncate"] and cells["better"].tolist() == [0.0, -0.5]
