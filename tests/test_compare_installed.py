"""The installed ``matchsim compare`` script, run as a user runs it, from a folder outside the checkout (issue 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

MATCHSIM = Path(sys.executable).with_name("matchsim")


def installed(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env.update(COLUMNS="80", LINES="50", NO_COLOR="1")
    return subprocess.run([str(MATCHSIM), "compare", *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_installed_advanced_example_json_html_and_png(tmp_path):
    r = installed("--example", "advanced", "--samples", "2000", "--json", "--html", "report.html", "--png",
                  "chart.png", "--chance-scale", "0.5,1,2", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    honest = doc["lists"][0]
    for key in ("p_match", "p_program", "p_advanced_and_pgy1", "p_advanced_without_pgy1", "p_pgy1_program",
                "p_complete_path"):
        assert key in honest
    assert abs(honest["p_advanced_and_pgy1"] + honest["p_advanced_without_pgy1"]
               - sum(v for k, v in honest["p_program"].items()
                     if next(p for p in doc["programs"] if p["name"] == k)["track"] == "advanced")) < 1e-9
    assert [s["scale"] for s in doc["sensitivity"]] == [0.5, 1.0, 2.0]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "advanced, no PGY-1 year" in page
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png", "report.html"]  # nothing else written


def test_installed_reads_a_workbook_and_names_its_sheets(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Lists"
    for row in (["program", "track", "preference", "chance", "honest", "supplemental"],
                ["Rehab A", "advanced", 1, 0.3, 1, None], ["Rehab B", None, 2, 0.4, 2, None],
                ["Mercy Prelim", "prelim", 1, 0.6, None, 1]):
        ws.append(row)
    wb.create_sheet("Old").append(["program", "preference", "L"])
    wb.save(tmp_path / "mine.xlsx")
    r = installed("mine.xlsx", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == ['Error: mine.xlsx: the workbook has 2 sheets ("Lists", "Old") and 2 '
                                             'hold data; say which to read with --sheet NAME']
    r = installed("mine.xlsx", "--sheet", "Lists", "--samples", "0", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert '(sheet "Lists")' in r.stdout and "Your training path" in r.stdout


def test_installed_couple(tmp_path):
    (tmp_path / "me.csv").write_text("program,preference,chance,honest: me,honest: partner\n"
                                     "Mercy PM&R,1,40%,Mercy PM&R,Mercy Surgery\nCity PM&R,2,50%,City PM&R,No Match\n")
    (tmp_path / "him.csv").write_text("program,preference,chance\nMercy Surgery,1,50%\n")
    r = installed("me.csv", "--couple", "him.csv", "--samples", "3000", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["joint_lists"][0]["pairs"][1] == {"me": "City PM&R", "partner": None,
                                                  "p": doc["joint_lists"][0]["pairs"][1]["p"]}
    r = installed("me.csv", "--couple", "him.csv", "--markets", "3", cwd=tmp_path)
    assert r.returncode == 2 and "option --markets works only with --market" in r.stderr
    r = installed("--example", "couple", "--samples", "2000", cwd=tmp_path)
    assert r.returncode == 0 and "No Match" in r.stdout and "How each joint list does" in r.stdout
