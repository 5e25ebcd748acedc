"""The installed ``matchsim`` command, run as a user runs it.

``CliRunner`` calls the commands inside the test process, where the package
is already imported and ``src/`` is on ``sys.path``: packaging and
import-order bugs cannot show there. These tests run the console script that
``pip install`` put next to ``sys.executable``, in a subprocess, from a folder
outside the checkout, with no ``PYTHONPATH`` (fixtures in ``tests/conftest.py``).

The subcommands come from the registry (:data:`matchsim.cli.main.COMMANDS`),
so a new command is covered by the ``--help`` and completion tests at once;
``test_every_command_has_a_real_run`` asks for a tiny real run of it in
:data:`REAL_RUNS`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import matchsim
from matchsim.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[1]


def _ok(r):
    assert r.returncode == 0, f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    assert "Traceback" not in r.stderr, r.stderr
    return r


# ------------------------------------------------------------- help, version
def test_top_level_help(run_matchsim):
    r = _ok(run_matchsim("--help"))
    assert r.stdout.startswith("Usage: matchsim")
    for name in COMMANDS:
        assert f"\n  {name} " in r.stdout, name
    assert "Examples:" in r.stdout


def test_bare_matchsim_shows_the_help(run_matchsim):
    r = _ok(run_matchsim())
    assert r.stdout.startswith("Usage: matchsim")
    for name in COMMANDS:
        assert f"\n  {name} " in r.stdout, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_help(run_matchsim, name):
    r = _ok(run_matchsim(name, "--help"))
    assert r.stdout.startswith(f"Usage: matchsim {name}")
    assert "Examples:" in r.stdout
    long = [line for line in r.stdout.splitlines() if len(line) > 80]
    assert not long, long  # the help, examples included, fits an 80-column terminal


@pytest.mark.parametrize("name", ["", *sorted(COMMANDS)])
def test_help_needs_no_compiled_kernels(run_matchsim, outside_dir, name):
    """``--help`` of every command works even where numba cannot be imported (it is never loaded for help)."""
    shadow = outside_dir / "no-numba" / "numba"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("numba is not available here")\n', encoding="utf-8")
    r = run_matchsim(*([name] if name else []), "--help", env={"PYTHONPATH": str(shadow.parent)})
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert r.stdout.startswith("Usage: matchsim")


def test_version(run_matchsim):
    r = _ok(run_matchsim("--version"))
    assert r.stdout.strip() == f"matchsim, version {matchsim.__version__}"


def test_unknown_command_is_one_usage_error(run_matchsim):
    r = run_matchsim("matc")
    assert r.returncode == 2 and "No such command 'matc'" in r.stderr
    assert "Traceback" not in r.stderr


# ----------------------------------------------------------------- completion
def _complete(run_matchsim, shell, words):
    """Completion candidates from click's protocol (what the shell scripts ask for)."""
    env = {"_MATCHSIM_COMPLETE": f"{shell}_complete", "COMP_WORDS": " ".join(["matchsim", *words]),
           "COMP_CWORD": str(len(words))}
    r = _ok(run_matchsim(env=env))
    lines = r.stdout.splitlines()
    if shell == "bash":  # "type,value" lines
        return [line.split(",", 1)[1] for line in lines]
    return lines[1::3]  # zsh: type, value, help


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_of_command_names(run_matchsim, shell):
    assert sorted(_complete(run_matchsim, shell, [""])) == sorted(COMMANDS)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_of_options_and_choices(run_matchsim, shell):
    assert "--example" in _complete(run_matchsim, shell, ["match", "--ex"])
    assert _complete(run_matchsim, shell, ["match", "--example", ""]) == ["nrmp", "nrmp-small", "nrmp-extensions"]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_script_is_printed(run_matchsim, shell):
    r = _ok(run_matchsim(env={"_MATCHSIM_COMPLETE": f"{shell}_source"}))
    assert "_MATCHSIM_COMPLETE" in r.stdout


# ------------------------------------------------------------------ real runs
def test_match_example_nrmp(run_matchsim):
    r = _ok(run_matchsim("match", "--example", "nrmp"))
    assert "Unmatched applicants (2): Anderson, Brown" in r.stdout
    assert "Summary: matched 6/8 applicants" in r.stdout


TINY = {
    "format": "matchsim-market", "version": 1,
    "programs": {"City": {"capacity": 1, "rank_list": ["Ann", "Bo"]},
                 "Mercy": {"capacity": 1, "rank_list": ["Bo"]}},
    "applicants": {"Ann": ["City", "Mercy"], "Bo": ["City", "Mercy"]},
}

TINY_STUDY = """\
[study]
kind = "strategies"
name = "tiny"
trials = 2
seed = 1

[market]
preset = "pmr"

[strategies]
who = "focal"
focal = 2
compare = ["truncate"]
"""


def _tiny_market(folder: Path) -> Path:
    path = folder / "tiny.json"
    path.write_text(json.dumps(TINY), encoding="utf-8")
    return path


def _run_match(run, folder):
    r = _ok(run("match", _tiny_market(folder), "--out", "result.csv"))
    assert "Summary: matched 2/2 applicants" in r.stdout
    assert (folder / "result.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "Ann,City,1,2,1", "Bo,Mercy,2,2,1"]
    _run_match_nrmp(run, folder)


def _run_match_nrmp(run, folder):
    shutil.copytree(ROOT / "examples" / "nrmp_extensions", folder / "nrmp_extensions")
    r = _ok(run("match", "nrmp_extensions", "--out", "nrmp.json"))
    assert "Stable: yes, verified" in r.stdout and "City Prelim (1 of 2)" in r.stdout
    doc = json.loads((folder / "nrmp.json").read_text(encoding="utf-8"))
    assert doc["summary"]["stable"] is True and doc["summary"]["pgy1_matched"] == 2
    r = _ok(run("match", "--example", "nrmp-extensions", "--json"))
    assert json.loads(r.stdout)["reversions"][0]["reverted"] == 1


def _run_explain(run, folder):
    r = _ok(run("explain", _tiny_market(folder), "--applicant", "Bo", "--list", "Mercy"))
    assert "Bo applies to City" in r.stdout and "Mercy -> Mercy" in " ".join(r.stdout.split())


def _run_compare(run, folder):
    shutil.copy(ROOT / "examples" / "mylist.csv", folder / "mylist.csv")
    r = _ok(run("compare", "mylist.csv"))
    assert "honest" in r.stdout


def _run_run(run, folder):
    (folder / "tiny.toml").write_text(TINY_STUDY, encoding="utf-8")
    r = _ok(run("run", "tiny.toml", "--out", "study", "--no-plots", "--json"))
    doc = json.loads(r.stdout)
    assert doc["trials"] == 2 and doc["rows"] > 0
    assert (folder / "study" / "results.parquet").exists()


def _run_demo(run, folder):
    for name, says in (("nrmp", "Anderson matches at General"), ("strategy", "Truthful: Dana matches at Lakeside"),
                       ("couples", "the pair City + Mercy fails"), ("advanced", "Prelim's seat goes to Bo")):
        r = _ok(run("demo", name))
        assert says in " ".join(r.stdout.split()), name
        assert max(map(len, r.stdout.splitlines())) <= 80 and "\x1b[" not in r.stdout
        _ok(run("demo", name, "--html", f"{name}.html"))
        assert (folder / f"{name}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = _ok(run("demo", _tiny_market(folder), "--step", input="\n" * 10))
    assert "Bo applies to City" in r.stdout and "Final match" in r.stdout


def _run_audit(run, folder):
    r = _ok(run("audit", _tiny_market(folder)))
    assert "Nobody could have gained" in r.stdout and "Dubins & Freedman 1981" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    doc = json.loads(_ok(run("audit", "tiny.json", "--json", "--short-lists", "2")).stdout)
    assert doc["markets"][0]["gainers"] == 0 and doc["markets"][0]["candidate_lists"] == 2 * (2 + 1 + 2 + 2)
    assert _ok(run("audit", "tiny.json", "--csv")).stdout.splitlines() == [
        "market,applicant,submitted_match,better_match,places_gained,how,better_list,couples_involved,couples_needed"]
    bad = run("audit", "missing.json")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "missing.json" in bad.stderr


#: command -> a tiny real run in a fresh folder: ``fn(run_matchsim, folder)``.
REAL_RUNS = {"match": _run_match, "explain": _run_explain, "compare": _run_compare, "run": _run_run,
             "demo": _run_demo, "audit": _run_audit}


def test_every_command_has_a_real_run():
    missing = sorted(set(COMMANDS) - set(REAL_RUNS))
    assert not missing, f"add a tiny real run of {missing} to REAL_RUNS in tests/test_installed.py"


@pytest.mark.parametrize("name", sorted(REAL_RUNS))
def test_real_run(run_matchsim, outside_dir, name):
    REAL_RUNS[name](run_matchsim, outside_dir)


def test_runs_outside_the_checkout(run_matchsim, outside_dir):
    """The subprocess really runs from the temporary folder, not from the checkout."""
    assert not outside_dir.is_relative_to(ROOT)
    r = _ok(run_matchsim("match", "--example", "nrmp", "--out", "here.csv", "--quiet"))
    assert r.stdout == "" and (outside_dir / "here.csv").exists()


# ------------------------------------------------------------ the first run
def test_first_run_says_it_is_compiling_once(run_matchsim, outside_dir):
    """Issue 7.2: a cold numba cache compiles for seconds; say so once, on stderr, and only then."""
    from matchsim.cli.options import COMPILE_NOTICE

    cache = {"NUMBA_CACHE_DIR": str(outside_dir / "numba-cache")}
    cold = _ok(run_matchsim("match", "--example", "nrmp", "--json", env=cache))
    assert cold.stderr.count(COMPILE_NOTICE) == 1, cold.stderr
    assert json.loads(cold.stdout)["summary"]["matched"] == 6  # stdout stays clean JSON
    warm = _ok(run_matchsim("match", "--example", "nrmp", "--json", env=cache))
    assert COMPILE_NOTICE not in warm.stderr
    quiet = _ok(run_matchsim("match", "--example", "nrmp", "--quiet",
                             env={"NUMBA_CACHE_DIR": str(outside_dir / "other-cache")}))
    assert quiet.stdout == "" and quiet.stderr == ""


# ------------------------------------------------------------------- README
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"


def _readme_blocks(language):
    text = README.read_text(encoding="utf-8")
    return [block.split("```", 1)[0] for block in text.split(f"```{language}\n")[1:]]


def _readme_commands():
    """Every shell command in README.md, in order (comment-only lines left out)."""
    lines = [ln.strip() for block in _readme_blocks("bash") for ln in block.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


#: Parts of README commands that install the project or run the test suite: CI runs exactly those
#: (.ci/run), so a test does not run them again inside the test suite.
_RUN_BY_CI = ("python -m pip install", "python -m pytest")


def test_readme_test_command_is_what_ci_runs():
    tests = [c for c in _readme_commands() if "python -m pytest" in c]
    assert len(tests) == 1, tests
    assert tests[0] in CI_RUN.read_text(encoding="utf-8").splitlines(), \
        ".ci/run must run README's test command verbatim"
    assert "benchmarks --benchmark-disable" in tests[0]  # the benchmark smoke runs in CI too


def _fresh_copy(dest: Path) -> Path:
    """The checkout's files as a fresh clone has them (tracked and new files, nothing generated)."""
    import subprocess

    try:
        names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                               capture_output=True, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        names = None
    if names is None:
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
            ".git", ".venv*", "results", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis"))
        return dest
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def test_readme_commands_work_verbatim_in_order(matchsim_script, clean_env, outside_dir):
    """Issue 7.24: every command of README.md, as written, in order, in a fresh copy of the checkout.

    The install and test-suite parts (``python -m pip install ...``, ``python -m pytest ...``) are
    what CI itself runs; everything else runs here, with the installed matchsim, then the Python
    example."""
    import os
    import subprocess
    import sys

    clone = _fresh_copy(outside_dir / "clone")
    env = dict(clean_env, PATH=f"{Path(sys.executable).parent}{os.pathsep}{clean_env.get('PATH', '')}")
    ran = []
    for command in _readme_commands():
        for part in (p.strip() for p in command.split("&&")):
            if part.startswith(_RUN_BY_CI):
                continue
            r = subprocess.run(["bash", "-c", part], cwd=clone, env=env, capture_output=True, text=True,
                               encoding="utf-8", timeout=900)
            assert r.returncode == 0, f"README command failed: {part}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
            assert "Traceback" not in r.stderr, (part, r.stderr)
            ran.append(part)
    assert any("matchsim run" in p and "--jobs 2" in p for p in ran)
    for code in _readme_blocks("python"):
        r = subprocess.run([sys.executable, "-c", code], cwd=clone, env=env, capture_output=True, text=True,
                           encoding="utf-8", timeout=300)
        assert r.returncode == 0, f"README Python example failed:\n{r.stderr[-2000:]}"
    serial, parallel = ((clone / "results" / n / "summary.csv").read_text(encoding="utf-8")
                        for n in ("strategies", "strategies-2jobs"))
    assert serial == parallel  # README: "same numbers, faster"

