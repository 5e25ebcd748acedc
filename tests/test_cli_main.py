"""The ``matchsim`` command group: version, help, lazy commands."""

import subprocess
import sys

from click.testing import CliRunner

import matchsim
from matchsim.cli.main import COMMANDS, cli


def test_version():
    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0
    assert r.output.strip() == f"matchsim, version {matchsim.__version__}"


def test_help_lists_every_command_with_examples():
    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0
    for name in COMMANDS:
        assert f"  {name}" in r.output
    assert "matchsim match --example nrmp" in r.output


def test_unknown_command_is_a_usage_error():
    r = CliRunner().invoke(cli, ["matc"])
    assert r.exit_code == 2 and "No such command" in r.output


def test_import_matchsim_is_light():
    """``import matchsim`` loads neither numba nor pandas; commands load what they need."""
    code = "import sys, matchsim; print(sorted(m for m in ('numba', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


_FORKED_COMPILES = r"""
import multiprocessing, sys
from numba import njit
from matchsim.cli.options import announce_compiling

def work(i):
    def kernel(x):
        return x + i
    kernel.__module__ = "matchsim.fake_kernels"  # a matchsim kernel compiled in a worker
    return njit(kernel)(1)

announce_compiling()
with multiprocessing.get_context("fork").Pool(2) as pool:
    print(sorted(pool.map(work, range(4))))
"""


def test_compile_notice_is_said_once_across_forked_workers():
    """``run --jobs 2`` forks workers that may each compile: one notice for the whole command."""
    from matchsim.cli.options import COMPILE_NOTICE

    r = subprocess.run([sys.executable, "-c", _FORKED_COMPILES], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[1, 2, 3, 4]"
    assert r.stderr.count(COMPILE_NOTICE) == 1, r.stderr


def test_compile_notice_ignores_other_libraries_kernels():
    from matchsim.cli.options import COMPILE_NOTICE

    code = ("from numba import njit\nfrom matchsim.cli.options import announce_compiling\n"
            "announce_compiling()\nprint(njit(lambda x: x * 2)(3))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "6" and COMPILE_NOTICE not in r.stderr


def test_bare_matchsim_prints_the_help():
    r = CliRunner().invoke(cli, [])
    assert r.exit_code == 0 and r.output.startswith("Usage:") and "Commands:" in r.output


def test_broken_pipe_ends_quietly(tmp_path):
    """``matchsim explain big.json | head -1``: the reader goes away; no traceback, no error line."""
    import os
    import shlex

    from matchsim import Market
    from matchsim.io import write_market

    n = 1500  # far more output than a pipe holds
    write_market(Market.from_lists([[0, 1]] * n, [list(range(n))] * 2, [3, 3]), tmp_path / "big.json")
    cmd = f"{shlex.quote(sys.executable)} -m matchsim explain {shlex.quote(str(tmp_path / 'big.json'))} | head -1"
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "COLUMNS": "80"})
    assert r.stdout.startswith("The Match, round by round")
    assert "Traceback" not in r.stderr and "Error" not in r.stderr, r.stderr


def test_run_output_escapes_names_from_the_command_line(tmp_path):
    """Issue 7.12 for ``matchsim run``: the --out folder (and anything else a user typed or a file held)
    reaches the terminal as visible codes, never as control sequences or rich markup."""
    from tests.test_installed import TINY_STUDY

    (tmp_path / "tiny.toml").write_text(TINY_STUDY, encoding="utf-8")
    out = tmp_path / "st\x1b[2Jdy [bold]x"
    r = CliRunner().invoke(cli, ["run", str(tmp_path / "tiny.toml"), "--out", str(out), "--no-plots"])
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output
    assert "st\\x1b[2Jdy [bold]x/" in " ".join(r.output.split())


def test_progress_bar_label_is_shown_as_written():
    from matchsim.cli.options import ProgressBar

    bar = ProgressBar(True, "study\x1b[2J [red]x")
    assert bar.bar.tasks[0].description == "study\\x1b[2J \\[red]x"  # shown: study\x1b[2J [red]x
