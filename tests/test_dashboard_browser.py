"""The dashboard in a real browser: headless Chromium loads `summitry dashboard` on the sample.

Needs Debian's chromium and chromium-driver (`apt-get install chromium chromium-driver`);
without them the test skips and says so, unless SUMMITRY_REQUIRE_BROWSER=1 (as in CI),
where it fails. SUMMITRY_SCREENSHOT=path also keeps the full-page screenshot there.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from warehouse_builders import publish_corpus

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "corpus" / "sample"
CHROMIUM = Path(os.environ.get("SUMMITRY_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("SUMMITRY_CHROMEDRIVER", "/usr/bin/chromedriver"))
# The network is closed: nothing may phone home, and every run starts from a fresh profile.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PANELS = ["heatmap", "network", "timeline", "participants", "topics", "meetings"]
CHARTS = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
WAIT = 90  # seconds before a wait gives up; a readiness bound, not a speed requirement

pytestmark = pytest.mark.browser


def _missing_browser() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    return " and ".join(missing) or None


@pytest.fixture(scope="module")
def browser_tools():
    """Skip (or fail, when CI requires it) without Chromium and its driver."""
    missing = _missing_browser()
    if missing:
        message = f"no {missing}: install them with `apt-get install chromium chromium-driver`"
        if os.environ.get("SUMMITRY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SUMMITRY_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(f"browser test skipped: {message}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the dashboard exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the dashboard did not answer within {WAIT} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def dashboard_url(browser_tools, tmp_path_factory):
    """Run `summitry dashboard` on a warehouse built from the sample corpus; yield its URL."""
    root = tmp_path_factory.mktemp("browser")
    warehouse = publish_corpus(SAMPLE, root / "warehouse")
    port = _free_port()
    log = root / "dashboard.log"
    command = [sys.executable, "-m", "flows.cli", "dashboard", "--warehouse", str(warehouse)]
    with log.open("w") as output:
        server = subprocess.Popen(
            [*command, "--port", str(port)], cwd=root, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def driver(browser_tools, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1600,1200"]:
        options.add_argument(flag)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not look for downloads
        patch.setenv("SE_AVOID_STATS", "true")
        browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def _rendered(driver) -> bool:
    """True once every panel shows its caption and every chart has drawn at a real size."""
    from selenium.webdriver.common.by import By

    for key in PANELS:
        panels = driver.find_elements(By.CSS_SELECTOR, f".st-key-panel-{key}")
        if not panels or not panels[0].find_elements(
            By.CSS_SELECTOR, '[data-testid="stCaptionContainer"]'
        ):
            return False
        if key != "meetings" and not any(
            c.size["width"] > 100 and c.size["height"] > 100
            for c in panels[0].find_elements(By.CSS_SELECTOR, CHARTS)
        ):
            return False
    return True


@pytest.fixture(scope="module")
def page(driver, dashboard_url):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(dashboard_url)
    WebDriverWait(driver, WAIT, poll_frequency=0.5).until(_rendered)
    return driver


def _caption(page, key: str) -> str:
    from selenium.webdriver.common.by import By

    panel = page.find_element(By.CSS_SELECTOR, f".st-key-panel-{key}")
    return panel.find_element(By.CSS_SELECTOR, '[data-testid="stCaptionContainer"]').text


@pytest.mark.parametrize("key", PANELS)
def test_panel_renders_with_data(page, key):
    from selenium.webdriver.common.by import By

    counts = [int(n) for n in re.findall(r"\d+", _caption(page, key))]
    assert counts and counts[0] > 0, _caption(page, key)
    panel = page.find_element(By.CSS_SELECTOR, f".st-key-panel-{key}")
    if key in ("participants", "meetings"):
        grid = panel.find_element(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
        assert grid.size["height"] > 100


def test_page_has_no_errors_and_readable_names(page):
    from selenium.webdriver.common.by import By

    assert not page.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    assert page.find_element(By.TAG_NAME, "h1").text == "Diplomatic activity"
    assert re.search(r" of [A-Z][a-z]+", _caption(page, "timeline"))  # a name, not a code


def test_full_page_screenshot(page, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    height = page.execute_script(
        "return document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
    )
    page.set_window_size(1600, height + 40)
    WebDriverWait(page, WAIT, poll_frequency=0.5).until(_rendered)
    time.sleep(1)  # let the charts finish redrawing at the new size; nothing is asserted on time
    shot = tmp_path / "dashboard.png"
    assert page.save_screenshot(str(shot))
    assert shot.stat().st_size > 50_000
    keep = os.environ.get("SUMMITRY_SCREENSHOT")
    if keep:
        Path(keep).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, keep)


def test_search_box_filters_the_table_in_the_browser(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    before = _caption(page, "meetings")
    box = page.find_element(By.CSS_SELECTOR, ".st-key-search input")
    box.send_keys("Nairobi", Keys.ENTER)
    WebDriverWait(page, WAIT, poll_frequency=0.5).until(
        lambda _: _caption(page, "meetings") != before
    )
    shown, total = (int(n) for n in re.findall(r"\d+", _caption(page, "meetings"))[:2])
    assert 0 < shown < total
