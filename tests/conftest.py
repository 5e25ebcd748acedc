"""Fixtures shared by the test files.

The *installed* command is what users run, so tests that must see packaging or
import-order bugs run the console script ``matchsim`` in a subprocess, from a
folder outside the checkout, with an environment that does not put the
checkout's ``src/`` on ``sys.path``:

``matchsim_script``
    Path of the installed ``matchsim`` script (next to ``sys.executable``,
    i.e. in the virtual environment's ``bin/``). Fails, with what to do, when
    the project is not installed.
``clean_env``
    A copy of ``os.environ`` without the variables that would change which
    ``matchsim`` is imported (``PYTHONPATH``, ``PYTHONHOME``, ...), with a fixed
    80-column terminal width and UTF-8 I/O.
``outside_dir``
    A fresh temporary folder that is certainly not inside the checkout.
``run_matchsim``
    ``run_matchsim(*args, cwd=outside_dir, env=clean_env, ...)`` runs the
    installed script and returns the ``subprocess.CompletedProcess`` (text
    mode, stdout and stderr captured, never raising on a non-zero exit).

Example::

    def test_my_command(run_matchsim):
        r = run_matchsim("match", "--example", "nrmp", "--json")
        assert r.returncode == 0, r.stderr
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

#: The checkout's top folder (holds pyproject.toml and README.md).
ROOT = Path(__file__).resolve().parents[1]

#: Environment variables that would make a subprocess import matchsim from somewhere else.
_PATH_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH", "PYTHONUSERBASE",
                   "PYTHONNOUSERSITE", "_MATCHSIM_COMPLETE", "COMP_WORDS", "COMP_CWORD")


def _script_path() -> Path:
    folder = Path(sys.executable).parent
    for name in ("matchsim", "matchsim.exe"):
        if (folder / name).exists():
            return folder / name
    return folder / "matchsim"


@pytest.fixture(scope="session")
def matchsim_script() -> Path:
    """The installed ``matchsim`` console script of the running environment."""
    path = _script_path()
    if not path.exists():
        pytest.fail(f"the matchsim command is not installed next to {sys.executable}; "
                    'install the project first: python -m pip install ".[test]"', pytrace=False)
    return path


@pytest.fixture(scope="session")
def clean_env() -> dict:
    """``os.environ`` minus what would change the imported matchsim; 80 columns, UTF-8."""
    env = {k: v for k, v in os.environ.items() if k not in _PATH_VARIABLES}
    env.update(COLUMNS="80", LINES="40", PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return env


@pytest.fixture
def outside_dir(tmp_path) -> Path:
    """A fresh temporary folder outside the checkout (``tmp_path`` unless that is inside it)."""
    path = tmp_path.resolve()
    if path.is_relative_to(ROOT):
        path = Path(tempfile.mkdtemp(prefix="matchsim-outside-")).resolve()
    return path


@pytest.fixture
def run_matchsim(matchsim_script, clean_env, outside_dir):
    """Run the installed script: ``run_matchsim(*args, cwd=None, env=None, input=None, timeout=600)``.

    ``env`` entries are added to :func:`clean_env`'s; ``cwd`` defaults to
    :func:`outside_dir`.
    """

    def run(*args, cwd=None, env=None, input=None, timeout=600):
        full_env = dict(clean_env)
        full_env.update(env or {})
        return subprocess.run([str(matchsim_script), *map(str, args)], cwd=cwd or outside_dir,
                              env=full_env, input=input, capture_output=True, text=True,
                              encoding="utf-8", timeout=timeout)

    return run
