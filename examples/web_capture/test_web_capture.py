"""The web capture service on localhost, driven by headless Chromium: the form submitted, the
emailed (logged) link confirmed, and the store checked with the crm tool; bad input, a suppressed
address, too many submissions, an expired and a forged link each get a clear page and write
nothing.

CRM_WEB_CAPTURE, CRM_CLI, CRM_CHROMIUM and CRM_CHROMEDRIVER name the programs (ctest sets them)."""
import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

SERVICE = os.environ.get("CRM_WEB_CAPTURE", "crm_web_capture")
CLI = os.environ.get("CRM_CLI", "crm")


def crm(db, *args):
    out = subprocess.run([CLI, "--db", str(db), "--json", *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path):
    db = tmp_path / "web.crm"
    subprocess.run([CLI, "--db", str(db), "init"], check=True, capture_output=True)
    crm(db, "campaign", "add", "Web sign-up", "--status", "visited", "--status", "signed up:responded")
    crm(db, "privacy", "suppress", "gone@example.net")
    secret = os.urandom(32)
    (tmp_path / "secret").write_bytes(secret)
    log = tmp_path / "links.log"
    port = free_port()
    proc = subprocess.Popen([SERVICE, "--db", str(db), "--campaign", "1", "--port", str(port), "--secret-file",
                             str(tmp_path / "secret"), "--log", str(log)], stdout=subprocess.PIPE, text=True)
    assert "listening" in proc.stdout.readline()
    options = Options()
    options.binary_location = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(a)
    browser = webdriver.Chrome(service=Service(os.environ.get("CRM_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    try:
        yield {"db": db, "url": f"http://127.0.0.1:{port}", "browser": browser, "log": log, "secret": secret}
    finally:
        browser.quit()
        proc.terminate()
        proc.wait(timeout=10)


def fill(site, given="Ann", family="Lee", email="ann@acme-rockets.test", company="Acme Rockets", consent=True):
    b = site["browser"]
    b.get(site["url"] + "/")
    for name, value in (("given_name", given), ("family_name", family), ("email", email), ("company", company)):
        b.find_element("id", name).send_keys(value)
    if consent:
        b.find_element("id", "consent").click()
    page = b.find_element("tag name", "html")
    b.find_element("id", "submit").click()
    # The answer is a new page: wait until the form's page is gone and the answer's message is there.
    # While the page is being replaced, ChromeDriver may answer a question about the old page with
    # an error of its own ("unhandled inspector error") instead of "stale": ask again.
    WebDriverWait(b, 20, ignored_exceptions=(WebDriverException,)).until(expected_conditions.staleness_of(page))
    return WebDriverWait(b, 20).until(expected_conditions.presence_of_element_located(("id", "message"))).text


def links(site):
    return [line.split(": ", 1)[1] for line in site["log"].read_text().splitlines() if line.startswith("confirmation link")]


def test_a_sign_up_confirmed_by_its_link_becomes_a_consenting_campaign_member(site):
    assert "We sent a link to ann@acme-rockets.test" in fill(site)
    assert crm(site["db"], "customer", "list") == [], "nothing is stored before the confirmation"
    [link] = links(site)
    site["browser"].get(link)
    assert site["browser"].find_element("id", "message").text == "Your sign-up is confirmed, Ann."
    [ann] = crm(site["db"], "customer", "list")
    assert ann["emails"][0]["address"] == "ann@acme-rockets.test" and ann["stage"] == "lead" and ann["custom"]["company"] == "Acme Rockets"
    [consent] = crm(site["db"], "consent", "history", str(ann["id"]))
    assert consent["purpose"] == "marketing" and consent["source"] == "form" and consent["confirmed_at"]
    assert "web form" in consent["evidence"]
    [member] = crm(site["db"], "campaign", "members", "1")["members"]
    assert member["customer"] == ann["id"] and member["status"] == "signed up" and member["responded"]
    assert crm(site["db"], "campaign", "touches", str(ann["id"]), "--customer")["first"] == 1
    # The lead converts, keeping the campaign: its company becomes an organization.
    done = crm(site["db"], "lead", "convert", str(ann["id"]), "--deal", "Rollout")
    assert done["organization"]["display_name"] == "Acme Rockets" and done["organization_created"]


def test_bad_input_and_refusals_say_why_and_write_nothing(site):
    assert "tick the box" in fill(site, consent=False)
    assert "given and family name" in fill(site, given="")
    # Not through the browser: a client that skips the form's own checks.
    form = urllib.parse.urlencode({"given_name": "Bob", "family_name": "Ray", "email": "bob@@example", "consent": "yes"})
    with pytest.raises(urllib.error.HTTPError) as bad:
        urllib.request.urlopen(site["url"] + "/lead", form.encode(), timeout=10)
    assert bad.value.code == 400 and "emails[0]" in bad.value.read().decode()
    assert "asked not to be contacted" in fill(site, email="gone@example.net")
    for _ in range(3):
        assert "We sent a link" in fill(site, email="cat@example.net")
    assert "Too many sign-ups for this address" in fill(site, email="cat@example.net")
    # A link past its 48 hours, signed with the right key, and a forged one.
    payload = json.dumps({"given": "Cat", "family": "Day", "email": "cat@example.net", "company": "", "ip": "127.0.0.1",
                          "at": 1, "expires": int(time.time() * 1e6) - 1}).encode()
    p = base64.urlsafe_b64encode(payload).rstrip(b"=")
    mac = hmac.new(site["secret"], p, hashlib.sha512).digest()[:32]
    m = base64.urlsafe_b64encode(mac).rstrip(b"=")
    site["browser"].get(f"{site['url']}/confirm?p={p.decode()}&m={m.decode()}")
    assert "has expired" in site["browser"].find_element("id", "message").text
    fresh = links(site)[0]
    site["browser"].get(fresh[:-4] + ("AAAA" if not fresh.endswith("AAAA") else "BBBB"))
    assert "not valid" in site["browser"].find_element("id", "message").text
    assert crm(site["db"], "customer", "list") == []
    assert crm(site["db"], "campaign", "members", "1")["members"] == []
