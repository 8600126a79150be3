"""The page `crm report dashboard --html` writes, opened in headless Chromium (Debian's chromium and
chromedriver, driven by Selenium): it renders with no console error and fetches nothing, its five
charts are drawn with the figures `--json` prints, a stage named like markup stays text, and a
screenshot is taken.

CRM_CLI, CRM_CHROMIUM and CRM_CHROMEDRIVER name the programs (ctest sets them)."""
import json
import os
import subprocess
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CLI = os.environ.get("CRM_CLI", "crm")
DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
HOSTILE = "<img src=x onerror=document.title='hacked'>"


def crm(db, *args, json_out=True):
    p = subprocess.run([CLI, "--db", str(db), *(["--json"] if json_out else []), *args], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, (args, p.stderr)
    return json.loads(p.stdout) if json_out and p.stdout.strip() else p.stdout


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,900"):
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CRM_CHROMEDRIVER", "/usr/bin/chromedriver")),
                              options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_dashboard_renders_offline_with_its_figures(tmp_path, browser):
    db = tmp_path / "shop.crm"
    crm(db, "init", json_out=False)
    crm(db, "import", str(DATA / "customers.csv"), json_out=False)
    crm(db, "import", str(DATA / "deals.csv"), "--records", "deals", json_out=False)
    crm(db, "import", str(DATA / "activities.csv"), "--records", "interactions", json_out=False)
    # A pipeline whose stage is named like markup, with a deal in it.
    crm(db, "pipeline", "add", "Partners", "--stage", f"{HOSTILE}:40", "--stage", "Signed:100:won", "--stage", "Lost:0:lost")
    crm(db, "opportunity", "add", "reseller", "--pipeline", "2", "--amount", "777.70", "--currency", "EUR")
    page = tmp_path / "dashboard.html"
    reports = crm(db, "report", "dashboard", "--html", str(page), "--title", "Northwind & co")
    pipeline, forecast, funnel, cohorts, rfm = (r["rows"] for r in reports)

    browser.get(page.as_uri())
    assert browser.title == "Northwind & co"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.find_elements(By.TAG_NAME, "img") == [] and browser.find_elements(By.TAG_NAME, "script") == []
    assert HOSTILE in browser.find_element(By.ID, "report-1").text

    # The five charts, each drawn at a size.
    figures = browser.find_elements(By.CSS_SELECTOR, "figure.chart")
    kinds = [f.get_attribute("data-chart") for f in figures]
    assert {"bars", "columns", "funnel", "heat_map"} <= set(kinds)
    for f in figures:
        svg = f.find_element(By.TAG_NAME, "svg")
        assert svg.size["width"] > 300 and svg.size["height"] > 20, f.get_attribute("data-chart")

    def drawn(section, cls):
        out = {}
        for mark in browser.find_elements(By.CSS_SELECTOR, f"#report-{section} .{cls}"):
            out[(mark.get_attribute("data-label"), mark.get_attribute("data-series"))] = float(mark.get_attribute("data-value"))
        return out

    assert drawn(1, "bar") == {(f"{r['pipeline']} · {r['stage']}", s): r[s] for r in pipeline for s in ("amount", "weighted")}
    segments = {(r["period"], s): r[s] for r in forecast for s in ("closed", "commit", "best_case", "pipeline") if r[s] > 0}
    assert drawn(2, "segment") == segments
    assert drawn(3, "stage") == {(r["stage"], "reached"): r["reached"] for r in funnel}
    cells = {(r["cohort"], f"m{k}"): r[f"m{k}"] for r in cohorts for k in range(13) if r.get(f"m{k}") is not None}
    assert cells and drawn(4, "cell") == cells
    assert drawn(5, "bar") == {(r["segment"], "customers"): r["customers"] for r in rfm}
    # Bars are painted in their colours and a non-zero figure has a width.
    bar = browser.find_element(By.CSS_SELECTOR, "#report-1 .bar")
    assert browser.execute_script("return getComputedStyle(arguments[0]).fill", bar) == "rgb(78, 121, 167)"
    assert browser.execute_script("return arguments[0].getBBox().width", bar) > 1

    shot = tmp_path / "dashboard.png"
    browser.set_window_size(1000, browser.execute_script("return document.body.scrollHeight") + 40)
    assert browser.save_screenshot(str(shot))
    blank = tmp_path / "blank.png"
    browser.get("about:blank")
    browser.save_screenshot(str(blank))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10 * blank.stat().st_size  # charts and tables, not an empty page
