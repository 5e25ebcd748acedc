"""The browser fixture sees what a page does: its text, its console errors, its uncaught exceptions."""

from tests._browser import browser  # noqa: F401  (a pytest fixture)


def test_browser_reads_a_page_and_reports_console_errors(browser, tmp_path):  # noqa: F811
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><title>t</title><p id='x'>before</p>"
                    "<script>document.getElementById('x').textContent = 'after';"
                    "console.error('logged on purpose'); null.boom;</script>", encoding="utf-8")
    browser.open(page)
    assert browser.find_element("id", "x").text == "after"
    messages = [e["message"] for e in browser.console_errors()]
    assert any("logged on purpose" in m for m in messages)
    assert any("null" in m for m in messages)  # the uncaught TypeError


def test_a_clean_page_has_no_console_errors(browser, tmp_path):  # noqa: F811
    page = tmp_path / "clean.html"
    page.write_text("<!doctype html><title>t</title><p>fine</p>", encoding="utf-8")
    assert browser.open(page).console_errors() == []
