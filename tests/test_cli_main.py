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
