#!/usr/bin/python3
"""tests/web-browser.py: drive the admin pages of `dsrmail web` with a real
browser (Debian's headless Chromium through chromium-driver and
python3-selenium), JavaScript switched off: the pages must work without it.

  web-browser.py BASE_URL SINK ADMIN APPROVE_ID REJECT_ID REASON SHOTS_DIR

Signs in as ADMIN with the link that reaches the SMTP sink's directory SINK,
opens the queue, approves APPROVE_ID, rejects REJECT_ID with REASON, and
saves screenshots in SHOTS_DIR (laptop- and phone-sized). Prints one line per
step, "ok STEP" or "not ok STEP: why", for tests/089-web-browser.t."""
import email
import email.policy
import glob
import os
import re
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base, sink, admin, approve_id, reject_id, reason, shots = sys.argv[1:8]
failed = 0


def report(step, passed, why=""):
    global failed
    print(("ok %s" % step) if passed else ("not ok %s: %s" % (step, why)), flush=True)
    failed += 0 if passed else 1


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                 "--lang=en-GB", "--hide-scrollbars"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "profile.managed_default_content_settings.javascript": 2,
        "intl.accept_languages": "en-GB,en"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def signin_link(before):
    """The link in the first sign-in mail to ADMIN that was not in before."""
    deadline = time.time() + 20
    while time.time() < deadline:
        for path in sorted(glob.glob(os.path.join(sink, "*.eml"))):
            if path in before:
                continue
            msg = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
            if admin not in msg.get("To", ""):
                continue
            body = msg.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"(\S+/signin/link\?t=[A-Z2-7]{26})", body)
            if found:
                return found.group(1)
        time.sleep(0.2)
    return None


def shot(driver, name, width, height):
    """A screenshot of the whole page at width, at least height high."""
    driver.set_window_size(width, height)
    # JavaScript is off for the page; the driver can still measure it.
    full = driver.find_element(By.TAG_NAME, "html").size["height"]
    driver.set_window_size(width, max(height, min(full + 140, 4000)))
    driver.save_screenshot(os.path.join(shots, name))
    driver.set_window_size(width, height)


def click(driver, selector, by=By.CSS_SELECTOR):
    """Click the button (or the link) and wait for the page it loads, to
    its footer (the old page gone is not yet the new one read: on a busy
    machine the next look found a page still loading)."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, selector).click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(page))
    WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located(
        (By.CSS_SELECTOR, "footer.foot")))


def flash(driver):
    notes = driver.find_elements(By.CSS_SELECTOR, "p.note")
    return " ".join(n.text for n in notes)


profile = tempfile.mkdtemp(prefix="chromium-profile.")
driver = browser(profile)
try:
    driver.set_window_size(1280, 900)
    driver.get(base + "/queue")
    report("no session: the queue sends the browser to the sign-in page",
           driver.current_url.endswith("/signin"), driver.current_url)
    before = set(glob.glob(os.path.join(sink, "*.eml")))
    shot(driver, "signin-laptop.png", 1280, 900)
    driver.find_element(By.ID, "address").send_keys(admin)
    click(driver, "form.stack button")
    report("asking for a link says one is on its way",
           "sign-in link is on its way" in flash(driver), flash(driver))
    link = signin_link(before)
    report("the sign-in link reaches the admin's mailbox", link is not None)
    driver.get(link)
    click(driver, "form.stack button")
    report("the link signs in and opens the queue",
           driver.current_url.endswith("/queue") and
           admin in driver.find_element(By.CLASS_NAME, "who").text,
           driver.current_url)
    ids = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.list a.id")]
    report("the queue lists both requests", approve_id in ids and reject_id in ids, ids)
    shot(driver, "queue-laptop.png", 1280, 800)
    shot(driver, "queue-phone.png", 390, 844)

    click(driver, approve_id, By.LINK_TEXT)
    shot(driver, "request-laptop.png", 1280, 800)
    shot(driver, "request-phone.png", 390, 844)
    click(driver, "form[action$='/approve'] button")
    report("approving says it is carried out",
           "Approved and carried out" in flash(driver), flash(driver))

    driver.get(base + "/queue")
    click(driver, reject_id, By.LINK_TEXT)
    driver.find_element(By.ID, "reject-reason").send_keys(reason)
    click(driver, "form[action$='/reject'] button")
    report("rejecting says the person is told the reason",
           "The person is told your reason" in flash(driver), flash(driver))
    shot(driver, "rejected-laptop.png", 1280, 800)

    driver.get(base + "/queue")
    ids = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table.list a.id")]
    report("the queue no longer lists them", approve_id not in ids and reject_id not in ids, ids)
    driver.get(base + "/requests")
    shot(driver, "requests-laptop.png", 1280, 800)
    driver.get(base + "/audit")
    report("the audit page says the log is intact",
           "The log is intact" in driver.find_element(By.TAG_NAME, "main").text)
    click(driver, "form.langs button[value=fi]")
    report("the language switch turns the page Finnish",
           driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fi" and
           "Loki on eheä" in driver.find_element(By.TAG_NAME, "main").text)
    shot(driver, "audit-phone-fi.png", 390, 844)
    click(driver, "form.signout button")
    report("signing out ends the session", driver.current_url.endswith("/signin?out=1"),
           driver.current_url)
    driver.get(base + "/queue")
    report("and the queue is closed again", driver.current_url.endswith("/signin"),
           driver.current_url)
finally:
    driver.quit()
sys.exit(1 if failed else 0)
