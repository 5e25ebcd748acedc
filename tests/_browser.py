"""A real browser for the tests of matchsim's HTML pages (headless Chromium from Debian).

Import the fixture into a test module::

    from tests._browser import browser  # noqa: F401  (a pytest fixture)

    def test_page(browser, tmp_path):
        page = browser.open(tmp_path / "report.html")
        assert page.console_errors() == []

The browser is Debian's ``chromium`` driven by its ``chromium-driver`` through
selenium, started once per test session with no network access of its own
(the pages are self-contained files). When Chromium is not installed the tests
are skipped, except where ``MATCHSIM_REQUIRE_BROWSER=1`` is set (CI sets it),
so a missing browser can never pass for a passing test there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

#: Where Debian puts the browser and its driver; PATH is searched as well.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)

_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--window-size=1280,900", "--force-device-scale-factor=1",
)


def _find(names):
    for name in names:
        path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if path:
            return path
    return None


class Browser:
    """A thin wrapper around a selenium Chrome driver."""

    def __init__(self, driver):
        self.driver = driver

    def open(self, path, width=1280, height=900):
        """Load a local HTML file (a fresh page, with the console log emptied first)."""
        self.driver.set_window_size(width, height)
        self.driver.get_log("browser")  # drop what earlier pages logged
        self.driver.get(Path(path).resolve().as_uri())
        return self

    def console_errors(self):
        """Console errors and uncaught exceptions logged since the page was opened."""
        return [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]

    def js(self, script, *args):
        """Run JavaScript in the page and return its value."""
        return self.driver.execute_script(script, *args)

    def screenshot(self, path):
        """Save a PNG of the visible page."""
        self.driver.save_screenshot(str(path))

    def __getattr__(self, name):  # find_element, send_keys, ... straight from selenium
        return getattr(self.driver, name)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session (skipped when absent, unless required)."""
    required = os.environ.get("MATCHSIM_REQUIRE_BROWSER") == "1"
    chromium, driver_path = _find(CHROMIUM_NAMES), _find(DRIVER_NAMES)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        webdriver = None
    if chromium is None or driver_path is None or webdriver is None:
        why = ("selenium is not installed" if webdriver is None else
               "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
        if required:
            pytest.fail(f"MATCHSIM_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in _FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield Browser(driver)
    finally:
        driver.quit()
