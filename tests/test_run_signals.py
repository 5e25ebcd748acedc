"""The installed ``matchsim run`` under real signals and real concurrency (issue 7, points 5, 8, 9, 10).

Every test runs the console script next to ``sys.executable`` in a subprocess,
from a temporary folder outside the checkout, and sends real signals to it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

MATCHSIM = shutil.which("matchsim", path=os.path.dirname(sys.executable))

pytestmark = [
    pytest.mark.skipif(MATCHSIM is None, reason="the matchsim console script is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

# about 30 ms a trial at PM&R size: a serial run lasts well over the moments tried below
LONG = """\
[study]
kind = "strategies"
name = "long"
trials = {trials}
seed = 5
chunk = {chunk}

[market]
preset = "pmr"

[strategies]
focal = 6
compare = ["safety_first", "truncate"]
"""


@pytest.fixture
def long_study(tmp_path):
    def write(trials=600, chunk=3):
        p = tmp_path / f"long_{trials}_{chunk}.toml"
        p.write_text(LONG.format(trials=trials, chunk=chunk))
        return p
    return write


def start(args, cwd):
    return subprocess.Popen([MATCHSIM, "run", *map(str, args)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(condition, proc, timeout=120.0):
    """Wait until ``condition()`` holds (True) or the process ended (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.01)
    raise AssertionError("timed out")


def running(out):
    def check():
        try:
            return json.loads((out / "manifest.json").read_text())["status"] == "running"
        except (OSError, ValueError, KeyError):
            return False
    return check


def has_parts(out, n=1):
    return lambda: len(list((out / "parts").glob("part-*.parquet"))) >= n


def children(pid):
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left


def last_line(text):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


# ------------------------------------------------------------ point 8
# moments after the run has started (its manifest says "running"): while the
# first kernels load, between and inside trials, while parts are written
MOMENTS = [0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1.2, 1.7, 2.5]


def test_ctrl_c_always_ends_cleanly_and_keeps_what_finished(long_study, tmp_path):
    scenario = long_study()
    outcomes = []
    for i, delay in enumerate(MOMENTS):
        out = tmp_path / f"cut{i}"
        proc = start([scenario, "--out", out, "-q"], tmp_path)
        assert wait_for(running(out), proc), proc.communicate()
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, (delay, err)
        assert "Traceback" not in err and "SystemError" not in err, (delay, err)
        line = last_line(err)
        assert line.startswith("Interrupted"), (delay, err)
        saved = len(list((out / "parts").glob("part-*.parquet"))) * 3
        if saved:
            assert f"{saved} of 600 trials are saved in {out / 'parts'}" in line and "--resume" in line
            assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
        else:
            assert "nothing was saved" in line and not (out / "manifest.json").exists()
        outcomes.append(saved)
    assert len(set(outcomes)) > 3  # the signals did arrive at different moments

    # what finished is kept: resuming the last one gives an uninterrupted run's rows
    short = tmp_path / "short.toml"
    short.write_text(LONG.format(trials=60, chunk=3))
    cut = tmp_path / "short_cut"
    proc = start([short, "--out", cut, "-q"], tmp_path)
    wait_for(has_parts(cut, 3), proc)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert subprocess.run([MATCHSIM, "run", short, "--out", cut, "-q", "--resume"], cwd=tmp_path).returncode == 0
    assert subprocess.run([MATCHSIM, "run", short, "--out", tmp_path / "full", "-q", "--no-plots"],
                          cwd=tmp_path).returncode == 0
    pd.testing.assert_frame_equal(pd.read_parquet(cut / "results.parquet"),
                                  pd.read_parquet(tmp_path / "full" / "results.parquet"))


# ------------------------------------------------------------ point 5
def test_a_second_run_in_the_same_folder_is_refused(long_study, tmp_path):
    scenario = long_study(400)
    out = tmp_path / "o"
    first = start([scenario, "--out", out, "-q", "--no-plots"], tmp_path)
    assert wait_for(running(out), first)
    for extra in (["--force"], ["--resume"]):
        assert first.poll() is None, "the first run ended too soon for this test"
        second = subprocess.run([MATCHSIM, "run", scenario, "--out", out, *extra], cwd=tmp_path,
                                capture_output=True, text=True)
        assert second.returncode == 2, second.stderr
        assert second.stderr.strip() == (f'Error: {out}, column "--out": another matchsim run (process '
                                         f"{first.pid}) is writing into this folder; wait for it to finish, "
                                         "or choose another --out folder")
    first.communicate(timeout=300)
    assert first.returncode == 0
    df = pd.read_parquet(out / "results.parquet")
    assert sorted(df["trial"].unique()) == list(range(400)) and len(df) == 400 * 6 * 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and len(manifest["runs"]) == 1


def test_two_runs_started_at_once_never_mix(long_study, tmp_path):
    scenario = long_study(30)
    out = tmp_path / "o"
    procs = [start([scenario, "--out", out, "-q", "--no-plots", "--force"], tmp_path) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], results
    refused = next(err for p, (_, err) in zip(procs, results) if p.returncode == 2)
    assert "another matchsim run" in refused
    df = pd.read_parquet(out / "results.parquet")
    assert sorted(df["trial"].unique()) == list(range(30)) and len(df) == 30 * 6 * 3


def test_the_lock_of_a_killed_run_is_released(long_study, tmp_path):
    scenario = long_study(60)
    out = tmp_path / "o"
    proc = start([scenario, "--out", out, "-q"], tmp_path)
    assert wait_for(has_parts(out, 2), proc)
    proc.kill()  # SIGKILL: no clean-up runs
    proc.communicate()
    plain = subprocess.run([MATCHSIM, "run", scenario, "--out", out], cwd=tmp_path, capture_output=True,
                           text=True)
    assert plain.returncode == 2 and "already holds a study; add --resume" in plain.stderr
    resumed = subprocess.run([MATCHSIM, "run", scenario, "--out", out, "-q", "--resume", "--no-plots"],
                             cwd=tmp_path, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert pd.read_parquet(out / "results.parquet")["trial"].nunique() == 60


# ------------------------------------------------------------ point 9
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_parent(long_study, tmp_path):
    """Chunks of 300 trials keep a worker busy for many seconds: it must not wait for its chunk to end."""
    out = tmp_path / "o"
    proc = start([long_study(chunk=300), "--out", out, "-q", "--jobs", "2"], tmp_path)
    assert wait_for(running(out), proc)
    assert wait_for(lambda: len([pid for pid in children(proc.pid) if alive(pid)]) >= 2, proc)
    workers = [pid for pid in children(proc.pid) if alive(pid)]
    time.sleep(0.5)  # both are inside their first chunk
    proc.kill()
    proc.wait()  # not communicate(): workers that outlived it would hold its pipes open
    proc.stdout.close()
    proc.stderr.close()
    end = time.monotonic() + 3
    while any(alive(pid) for pid in workers) and time.monotonic() < end:
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # do not leave them running if this fails
        os.kill(pid, signal.SIGKILL)
    assert not left
    assert not list((out / "parts").glob("part-*.parquet"))  # no chunk had finished: they did not wait


# ------------------------------------------------------------ point 10
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_huge_study_starts_at_once_in_little_memory_and_stops_on_ctrl_c(tmp_path):
    p = tmp_path / "huge.toml"
    p.write_text('[study]\nkind = "strategies"\nname = "huge"\ntrials = 2000000000\n'
                 '[market]\npreset = "small"\n[strategies]\nfocal = 2\ncompare = ["truncate"]\n')
    out = tmp_path / "o"
    proc = start([p, "--out", out, "-q"], tmp_path)
    assert wait_for(has_parts(out, 2), proc, timeout=60)
    rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
    assert rss_kb < 600_000, rss_kb
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "of 2,000,000,000 trials are saved" in last_line(err)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_in_a_terminal_stops_a_parallel_run_cleanly(long_study, tmp_path):
    """A terminal sends Ctrl-C to the whole process group: the workers leave it to the main process."""
    out = tmp_path / "o"
    proc = subprocess.Popen([MATCHSIM, "run", str(long_study()), "--out", str(out), "-q", "--jobs", "2"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert wait_for(has_parts(out, 2), proc)
    workers = [pid for pid in children(proc.pid) if alive(pid)]
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in last_line(err)
    assert not [pid for pid in workers if alive(pid)]
    saved = len(list((out / "parts").glob("part-*.parquet"))) * 3
    assert f"{saved} of 600 trials are saved" in last_line(err)
