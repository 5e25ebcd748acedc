"""``compare --html`` / ``--png``: a self-contained report, checked in a real browser against ``--json``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchsim.advisor.findings import pct
from matchsim.cli.main import cli
from tests._browser import browser  # noqa: F401  (a pytest fixture)

DOC_IMG = Path(__file__).parents[1] / "docs" / "img"

CASES = {
    "advanced": ["--example", "advanced", "--chance-scale", "0.5,1,2", "--samples", "3000"],
    "basic": ["--example", "--samples", "3000"],
    "market": ["--example", "--market", "--markets", "5", "--applicants", "60", "--verify-markets", "2"],
    "no true order": None,  # a file of the user's, below
}


def _resolve(doc, key):
    """The value at a JSON pointer (RFC 6901)."""
    value = doc
    for part in key.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


@pytest.fixture(scope="module", params=sorted(CASES))
def report(request, tmp_path_factory):
    """The page and the ``--json`` document of one run of ``compare`` (both from the same Advice)."""
    d = tmp_path_factory.mktemp("report")
    args = CASES[request.param]
    if args is None:
        src = d / "mine.csv"
        src.write_text("program,preference,chance,swap,short\nMercy/East,1,40%,2,\nCity ~ Main,2,50%,1,1\n"
                       "State,3,60%,3,2\nOld Mill,,30%,4,\n", encoding="utf-8")
        args = [str(src), "--samples", "0"]
    page = d / "report.html"
    r = CliRunner().invoke(cli, ["compare", *args, "--html", str(page), "--json"])
    assert r.exit_code == 0, r.output
    return request.param, page, json.loads(r.output)


def test_every_number_on_the_page_is_the_json_document(browser, report):  # noqa: F811
    name, page, doc = report
    b = browser.open(page)
    assert b.console_errors() == []
    spans = b.js("return [...document.querySelectorAll('.n')].map(e => [e.dataset.key, e.dataset.value, "
                 "e.textContent])")
    assert len(spans) >= 10 * len(doc["lists"])
    for key, value, text in spans:
        expected = _resolve(doc, key)
        assert float(value) == expected, key
        assert text == pct(expected), key
    embedded = json.loads(b.js("return document.getElementById('matchsim-advice').textContent"))
    assert embedded == doc
    shown = b.js("return [...document.querySelectorAll('ul.say li')].map(e => e.textContent)")
    for finding in doc["findings"]:
        assert finding["text"] in shown
    for check in doc["checks"]:
        assert any(check["message"] in line for line in shown)
    keys = {k for k, _, _ in spans}
    for i, row in enumerate(doc["lists"]):  # what the issue asks each list to show
        for field in ("p_match", "worse", "same", "better", "p_unmatched"):
            assert f"/lists/{i}/{field}" in keys
        if "p_advanced_without_pgy1" in row and row["p_advanced_without_pgy1"] > 0:
            assert f"/lists/{i}/p_advanced_without_pgy1" in keys
    if name == "advanced":
        assert any(k.startswith("/sensitivity/2/lists/") for k in keys)
        text = b.js("return document.body.innerText")
        assert "complete training path" in text and "advanced, no PGY-1 year" in text


def test_the_bars_add_up_and_are_drawn_in_svg(browser, report):  # noqa: F811
    _, page, doc = report
    b = browser.open(page)
    widths = b.js("return [...document.querySelectorAll('section.card svg.bar')].map(s => "
                  "[...s.querySelectorAll('rect')].reduce((a, r) => a + r.width.baseVal.value, 0))")
    assert len(widths) >= 2 * len(doc["lists"])
    assert all(abs(w - 100) < 0.01 for w in widths)  # the bar is 100 units wide, to a hundredth


@pytest.mark.parametrize("width", [390, 320])
def test_nothing_overflows_on_a_phone(browser, report, width):  # noqa: F811
    name, page, _ = report
    b = browser.open(page, width=width, height=800)
    assert b.console_errors() == []
    inner, scroll = b.js("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= inner
    wide = b.js("return [...document.querySelectorAll('body *')].filter(e => "
                "e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.tagName + ' ' + "
                "e.className + ' ' + (e.textContent || '').slice(0, 40))")
    assert wide == []
    if name == "advanced" and width == 390 and os.environ.get("MATCHSIM_DOC_SCREENSHOTS") == "1":
        b.screenshot(DOC_IMG / "compare-report-phone-390.png")


def test_desktop_screenshot_for_the_docs(browser, report):  # noqa: F811
    name, page, _ = report
    b = browser.open(page, width=1000, height=1300)
    assert b.console_errors() == []
    if name == "advanced" and os.environ.get("MATCHSIM_DOC_SCREENSHOTS") == "1":
        b.screenshot(DOC_IMG / "compare-report.png")


def test_the_page_is_self_contained_and_printable(report):
    _, page, _ = report
    text = page.read_text(encoding="utf-8")
    assert re.search(r"\b(src|href)\s*=", text) is None          # no image, script or style sheet from elsewhere
    assert "http://" not in text and "https://" not in text and "@import" not in text and "url(" not in text
    assert "@media print" in text and 'name="viewport"' in text
    assert text.count("<script") == 1 and 'type="application/json"' in text  # data only, no code


def test_png_is_one_chart_and_matplotlib_is_imported_only_for_it(tmp_path):
    code = ("import sys; from click.testing import CliRunner; from matchsim.cli.main import cli; "
            "r = CliRunner().invoke(cli, ['compare', '--example', 'advanced', '--samples', '0', '--html', "
            "sys.argv[1]]); assert r.exit_code == 0, r.output; print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "r.html")], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    png = tmp_path / "chart.png"
    r = CliRunner().invoke(cli, ["compare", "--example", "advanced", "--samples", "0", "--png", str(png)])
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


@pytest.mark.parametrize("flag", ["--html", "--png", "--csv"])
def test_an_output_never_overwrites_the_input_or_another_output(tmp_path, flag):
    src = tmp_path / "mine.csv"
    src.write_text("program,preference,chance,L\nMercy,1,50%,1\n")
    before = src.read_bytes()
    r = CliRunner().invoke(cli, ["compare", str(src), flag, str(src)])
    assert r.exit_code == 2 and f"option {flag}" in r.output and "your input file" in r.output
    assert src.read_bytes() == before
    r = CliRunner().invoke(cli, ["compare", str(src), "--html", str(tmp_path / "x"), "--png", str(tmp_path / "x")])
    assert r.exit_code == 2 and "name the same file" in r.output


def test_hostile_names_are_shown_as_written_and_run_nothing(browser, tmp_path):  # noqa: F811
    src = tmp_path / "evil.csv"
    src.write_text('program,preference,chance,"<b>honest</b>",swap\n'
                   '"<script>window.pwned=1</script>",1,40%,1,2\n'
                   '"</script><!-- x",2,50%,2,1\n"A & B ""quoted""",3,30%,3,3\n', encoding="utf-8")
    page = tmp_path / "evil.html"
    r = CliRunner().invoke(cli, ["compare", str(src), "--samples", "0", "--html", str(page), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    text = page.read_text(encoding="utf-8")
    assert text.count("<script") == 1 and "<b>honest" not in text
    b = browser.open(page)
    assert b.console_errors() == []
    assert b.js("return window.pwned === undefined && "
                "[...document.querySelectorAll('*')].every(e => e.textContent !== 'honest')")
    shown = b.js("return document.body.innerText")
    for name in ("<script>window.pwned=1</script>", "</script><!-- x", 'A & B "quoted"', "<b>honest</b>"):
        assert name in shown
    assert json.loads(b.js("return document.getElementById('matchsim-advice').textContent")) == doc


def test_png_without_matplotlib_is_one_line_saying_what_to_install(tmp_path):
    code = ("import sys, importlib.abc\n"
            "class Block(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'matplotlib' or name.startswith('matplotlib.'):\n"
            "            raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "import importlib.util\n"
            "importlib.util.find_spec = lambda name, *a: None if name.startswith('matplotlib') else "
            "importlib.machinery.PathFinder.find_spec(name)\n"
            "from matchsim.cli.main import cli\n"
            "sys.argv = ['matchsim', 'compare', '--example', '--png', sys.argv[1]]\n"
            "cli()\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "c.png")], capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "option --png draws with matplotlib, which is not installed" in out.stderr
    assert not (tmp_path / "c.png").exists()
