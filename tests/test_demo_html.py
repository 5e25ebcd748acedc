"""The demo page (``matchsim demo --html``) driven by a real browser.

Each page is stepped to its end with its own buttons and keys; what the
cards then show is compared with the engine run here in the test
(:func:`~matchsim.engine.deferred_acceptance`, :func:`~matchsim.engine.nrmp_match`),
not with the data embedded in the page.

``MATCHSIM_DOC_SCREENSHOTS=1 pytest tests/test_demo_html.py`` also saves
the screenshots used in ``docs/teaching.md`` (as ``tests/test_compare_report.py``
does for its page).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from matchsim.datasets import NRMP_EXAMPLE_FULL_ANDERSON, nrmp_example
from matchsim.engine import deferred_acceptance, nrmp_match, trace_match
from matchsim.teaching import stories
from matchsim.teaching.page import write_demo_html
from tests._browser import browser  # noqa: F401  (a pytest fixture)

DOC_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"

#: Reads the cards of every panel from the page itself (what a viewer sees).
CARDS = """
return Array.from(document.querySelectorAll('.panel')).map(function (p) {
  return {
    title: p.querySelector('h2').textContent,
    applicants: Array.from(p.querySelectorAll('.card.applicant')).map(function (c) {
      return [c.querySelector('.name').textContent, c.querySelector('.status').textContent];
    }),
    programs: Array.from(p.querySelectorAll('.card.program')).map(function (c) {
      return [c.querySelector('.name').textContent,
              Array.from(c.querySelectorAll('.seat.full .who')).map(function (s) { return s.textContent; }),
              c.querySelectorAll('.seat').length];
    })
  };
});
"""


def _shot(page, name):
    """With ``MATCHSIM_DOC_SCREENSHOTS=1``, save the visible page in ``docs/img`` (a small palette PNG)."""
    if os.environ.get("MATCHSIM_DOC_SCREENSHOTS") != "1":
        return
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(page.driver.get_screenshot_as_png())).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(DOC_IMG / name, optimize=True)


def _page(browser, tmp_path, d, name):
    path = tmp_path / f"{name}.html"
    write_demo_html(d, path)
    page = browser.open(path, 1280, 1000)
    assert page.js("return document.getElementById('demo').dataset.ready") == "true"
    return page


def _frame(page):
    return int(page.js("return document.getElementById('demo').dataset.frame"))


def _click(page, button, times=1):
    for _ in range(times):
        page.find_element("id", f"btn-{button}").click()


def _step_to_end(page, expected_steps):
    """Click "Step" until it is disabled; the number of clicks is what the engine says."""
    clicks = 0
    while page.find_element("id", "btn-step").is_enabled():
        _click(page, "step")
        clicks += 1
        assert clicks <= expected_steps, "the page has more frames than the engine's trace"
    assert clicks == expected_steps


def _expected(market, assignment, pgy1=None):
    """The cards at the end, from an engine result: applicants' statuses and programs' seats."""
    apps = []
    for a, p in enumerate(assignment.tolist()):
        if p >= 0:
            text = f"Matched: {market.program_label(p)}"
            if pgy1 is not None and pgy1[a] >= 0:
                text += f" + PGY-1 year at {market.program_label(int(pgy1[a]))}"
        else:
            in_couple = market.couples is not None and market.couples.couple_of(market.n_applicants)[a] >= 0
            text = "Unmatched" if market.applicant_list_lengths[a] or in_couple else "Did not apply"
        apps.append([market.applicant_label(a), text])
    progs = []
    for p in range(market.n_programs):
        order = market.program_prefs(p).tolist()
        held = sorted((a for a, q in enumerate(assignment.tolist()) if q == p), key=order.index)
        names = [market.applicant_label(a) for a in held]
        if pgy1 is not None:
            names += [market.applicant_label(a) for a, q in enumerate(pgy1.tolist()) if q == p]
        progs.append([market.program_label(p), names, max(int(market.capacity[p]), len(names))])
    return apps, progs


def _assert_cards(panel, market, assignment, pgy1=None):
    apps, progs = _expected(market, assignment, pgy1)
    assert panel["applicants"] == apps
    assert panel["programs"] == progs


def test_nrmp_page_steps_to_the_engine_match_and_back(browser, tmp_path):
    m = nrmp_example()
    t = trace_match(m)
    page = _page(browser, tmp_path, stories.nrmp_demo(), "nrmp")
    assert page.console_errors() == []
    assert page.js(CARDS)[0]["applicants"][0] == ["Anderson", "About to apply"]
    hidden = "return document.getElementById('after').hidden"
    assert page.js(hidden)  # the conclusion waits for the end
    _click(page, "step", 7)  # Garcia bumps Anderson from City
    panel = page.js(CARDS)[0]
    assert dict(panel["applicants"])["Anderson"] == "List ran out: will not match"
    assert dict((n, h) for n, h, _ in panel["programs"])["City"] == ["Garcia", "Eastman"]
    _shot(page, "demo-nrmp-step7.png")
    _step_to_end(page, t.proposals + 1 - 7)
    _assert_cards(page.js(CARDS)[0], m, deferred_acceptance(m).assignment)
    assert page.find_element("id", "counter").text == "End"
    assert not page.js(hidden)
    _click(page, "start")
    assert _frame(page) == 0
    start = page.js(CARDS)[0]
    assert all(s == "About to apply" for _, s in start["applicants"])
    assert all(h == [] for _, h, _ in start["programs"])
    _click(page, "back")  # already at the start: nothing happens, nothing breaks
    assert _frame(page) == 0
    assert page.console_errors() == []


def test_nrmp_counterfactual_views(browser, tmp_path):
    page = _page(browser, tmp_path, stories.nrmp_demo(), "nrmp")
    body = page.find_element("tag name", "body")
    body.send_keys("2")
    assert page.js("return document.getElementById('demo').dataset.view") == "1"
    full = nrmp_example(NRMP_EXAMPLE_FULL_ANDERSON)
    _step_to_end(page, trace_match(full).proposals + 1)
    _assert_cards(page.js(CARDS)[0], full, deferred_acceptance(full).assignment)
    body.send_keys("3")
    m = nrmp_example()
    b = m.applicant_id("Brown")
    bm = m.with_applicant_list(b, m.applicant_prefs(b).tolist() + [m.program_id("General")])
    _click(page, "end")
    _assert_cards(page.js(CARDS)[0], bm, deferred_acceptance(bm).assignment)
    assert page.console_errors() == []


def test_keyboard_shortcuts(browser, tmp_path):
    page = _page(browser, tmp_path, stories.nrmp_demo(), "nrmp")
    body = page.find_element("tag name", "body")
    from selenium.webdriver.common.keys import Keys

    body.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert _frame(page) == 2
    body.send_keys(Keys.ARROW_LEFT)
    assert _frame(page) == 1
    body.send_keys(Keys.END)
    assert _frame(page) == trace_match(nrmp_example()).proposals + 1
    body.send_keys(Keys.HOME)
    assert _frame(page) == 0
    body.send_keys(" ")  # play
    deadline = time.monotonic() + 10
    while _frame(page) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _frame(page) >= 1 and page.js("return document.getElementById('demo').dataset.playing") == "true"
    body.send_keys(" ")  # pause
    frame = _frame(page)
    time.sleep(2)
    assert _frame(page) == frame
    assert page.console_errors() == []


def test_strategy_page_side_by_side(browser, tmp_path):
    truthful, strategic = stories.strategy_market(False), stories.strategy_market(True)
    page = _page(browser, tmp_path, stories.strategy_demo(), "strategy")
    assert page.console_errors() == []
    panels = page.js(CARDS)
    assert [p["title"] for p in panels] == ["Dana ranks in her true order", "Dana moves Riverbend first"]
    longest = max(trace_match(truthful).proposals, trace_match(strategic).proposals)
    _step_to_end(page, longest + 1)
    left, right = page.js(CARDS)
    _assert_cards(left, truthful, deferred_acceptance(truthful).assignment)
    _assert_cards(right, strategic, deferred_acceptance(strategic).assignment)
    _shot(page, "demo-strategy.png")
    assert page.console_errors() == []


@pytest.mark.parametrize("name,market_of", [("couples", stories.couples_market),
                                            ("advanced", stories.advanced_market)])
def test_nrmp_algorithm_pages(browser, tmp_path, name, market_of):
    page = _page(browser, tmp_path, stories.DEMOS[name](), name)
    _step_to_end(page, 1)
    for panel, flag in zip(page.js(CARDS), (False, True)):
        m = market_of(flag)
        r = nrmp_match(m)
        _assert_cards(panel, m, r.assignment, r.pgy1)
    _shot(page, f"demo-{name}.png")
    assert page.console_errors() == []


def test_a_projector_sized_window(browser, tmp_path):
    """At 1920x1080 the type is large: the step sentence at least 26 pixels."""
    path = tmp_path / "nrmp.html"
    write_demo_html(stories.nrmp_demo(), path)
    page = browser.open(path, 1920, 1080)
    size = page.js("return parseFloat(getComputedStyle(document.querySelector('.say')).fontSize)")
    assert size >= 26
    assert page.console_errors() == []


def test_names_are_shown_as_written_never_as_html(browser, tmp_path):
    from matchsim import Market

    bad_a, bad_p = "</script><b id=x>Ann", "<img src=x onerror=alert(1)>"
    m = Market.from_lists({bad_a: [bad_p]}, {bad_p: [bad_a]}, {bad_p: 1})
    page = _page(browser, tmp_path, stories.market_demo(m, "names"), "names")
    _click(page, "end")
    _assert_cards(page.js(CARDS)[0], m, deferred_acceptance(m).assignment)
    assert page.js("return document.getElementById('x') === null && document.images.length === 0")
    assert page.console_errors() == []


def test_the_counter_says_the_step_and_round_of_the_trace(browser, tmp_path):
    t = trace_match(nrmp_example())
    page = _page(browser, tmp_path, stories.nrmp_demo(), "nrmp")
    for k in (1, 9, t.proposals):
        _click(page, "start")
        _click(page, "step", k)
        assert page.find_element("id", "counter").text == \
            f"Step {k} of {t.proposals} \u00b7 round {t.steps[k - 1].round}"
    assert page.console_errors() == []


@pytest.mark.parametrize("name", list(stories.DEMOS))
def test_no_sideways_scrolling_on_a_phone(browser, tmp_path, name):
    path = tmp_path / f"{name}.html"
    write_demo_html(stories.DEMOS[name](), path)
    page = browser.open(path, 390, 844)
    _click(page, "end")
    inner, scroll = page.js("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert inner <= 400 and scroll <= inner
    wide = page.js("return [...document.querySelectorAll('body *')].filter(e => "
                   "e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.tagName + ' ' + "
                   "e.className + ' ' + (e.textContent || '').slice(0, 40))")
    assert wide == []
    assert page.console_errors() == []
