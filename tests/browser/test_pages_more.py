"""More of the pages in a real browser and over plain HTTP: the chat without
JavaScript, the engine being down, 999 advice, the queue's order, CSRF, cookies and
the audit trail."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from .conftest import PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

ENGINE_DOWN = "The assistant is not available right now. If a child is in immediate danger, phone 999."


def web_session(base_url: str, username: str) -> tuple[httpx.Client, str]:
    """Sign in the way a browser does (login CSRF cookie + field); return the client
    and the session's CSRF token."""
    c = httpx.Client(base_url=base_url, follow_redirects=False, timeout=20)
    r = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.text
    home = c.get(r.headers["location"])
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)
    return c, csrf


def consult(c: httpx.Client, csrf: str, concern: str | None, danger: bool = False) -> str:
    """A consultation through the same-origin JSON endpoints the chat page uses."""
    r = c.post("/chat/start", data={"csrf_token": csrf})
    assert r.status_code == 303
    cid = r.headers["location"].split("c=")[1]
    h = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    r = c.post(f"/chat/{cid}/messages", data={"payload": "/affirm" if danger else "/deny"}, headers=h)
    assert r.status_code == 200, r.text
    if not danger:
        assert c.post(f"/chat/{cid}/messages", data={"text": concern}, headers=h).status_code == 200
        r = c.post(f"/chat/{cid}/messages", data={"payload": "/deny"}, headers=h)
    assert r.json()["assessment"] is not None
    assert "advice_html" in r.json()
    return cid


def db(gateway):
    return create_engine(gateway.database_url)


def test_chat_works_without_javascript(browser, gateway):
    ctx = browser.new_context(base_url=gateway.base_url, java_script_enabled=False)
    page = ctx.new_page()
    sign_in(page, "demo.gp")
    page.get_by_role("button", name="Start a consultation").click()
    expect(page.locator("#transcript")).to_contain_text("immediate danger")
    page.get_by_role("button", name="No", exact=True).click()  # a plain form post
    expect(page.locator("#transcript")).to_contain_text("Tell me about your worry")
    page.get_by_label("Your message").fill("Year 4 pupil, attendance has dropped to 88% and he is often late; "
                                          "mum says she is struggling since dad left.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#transcript")).to_contain_text("anything else")
    page.get_by_role("button", name="No, that is everything").click()
    panel = page.locator("#advice-panel")
    expect(panel).to_contain_text("early help assessment")
    expect(panel).to_contain_text("Level 3")
    # an empty message is refused with the error summary, and the page still works
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-error-summary:not([hidden])")).to_contain_text("Type your message")
    assert_accessible(page, "chat-nojs-error", browser)
    ctx.close()


def test_engine_down_shows_the_999_message_and_a_retry_is_stored_once(page, gateway, engine):
    sign_in(page, "demo.teacher")
    page.get_by_role("button", name="Start a consultation").click()
    page.get_by_role("button", name="No", exact=True).click()
    expect(page.locator("#transcript")).to_contain_text("Tell me about your worry")
    cid = page.url.split("c=")[1].split("#")[0]
    worry = "He said he is scared to go home because mum's boyfriend shouts at him."
    engine.down = True
    try:
        page.get_by_label("Your message").fill(worry)
        page.get_by_role("button", name="Send").click()
        error = page.locator("#chat-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(ENGINE_DOWN)
        expect(page.get_by_label("Your message")).to_have_value(worry)  # kept for the retry
        expect(page.locator("#transcript")).not_to_contain_text(worry)  # not shown as sent
        assert_accessible(page, "chat-engine-down")
    finally:
        engine.down = False
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#transcript")).to_contain_text("anything else")
    expect(page.locator("#chat-error")).to_be_hidden()
    expect(page.locator("#transcript li", has_text=worry)).to_have_count(1)
    with db(gateway).connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM messages WHERE consultation_id = :c AND text = :t"),
                         {"c": cid, "t": worry}).scalar()
    assert n == 1  # the retry reused the idempotency key: stored once, answered once


def test_immediate_danger_shows_999_prominently(page):
    sign_in(page, "demo.teacher")
    page.get_by_role("button", name="Start a consultation").click()
    page.get_by_role("button", name="Yes, a child is in danger now").click()
    emergency = page.locator(".app-emergency")
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("Phone 999 now")
    expect(page.locator("#advice-panel")).to_contain_text("Level 4")
    assert_accessible(page, "chat-999")


def test_queue_puts_unreviewed_999_then_level_4_first_with_waiting_time(browser, gateway):
    c, csrf = web_session(gateway.base_url, "demo.gp")
    low = consult(c, csrf, "Reception child, mum says she is finding it hard since dad left.")
    urgent4 = consult(c, csrf, "She told me her stepdad hits her with a belt.")
    urgent999 = consult(c, csrf, None, danger=True)
    c.close()
    ctx = browser.new_context(base_url=gateway.base_url)
    page = ctx.new_page()
    sign_in(page, "demo.advisor")
    rows = page.locator("#queue tbody tr")
    expect(rows.first).to_be_visible()
    ranks = [int(x) for x in rows.evaluate_all("rs => rs.map(r => r.dataset.urgency)")]
    assert ranks == sorted(ranks), "the queue is not in urgency order"
    ids = rows.evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert ids.index(urgent999) < ids.index(urgent4) < ids.index(low)
    first_999 = page.locator(f'#queue tr[data-id="{urgent999}"]')
    expect(first_999).to_contain_text("999")
    expect(first_999).to_contain_text(re.compile(r"\d+ min"))
    # filters: only level 4 left, 999 included (it is level 4)
    page.get_by_label("Level").select_option("4")
    page.get_by_role("button", name="Apply filters").click()
    ids = page.locator("#queue tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert urgent999 in ids and urgent4 in ids and low not in ids
    page.goto("/advisor?date_from=not-a-date")
    expect(page.locator(".govuk-error-summary")).to_contain_text("real date")
    ctx.close()


def test_posts_without_the_csrf_token_are_refused(gateway):
    c, csrf = web_session(gateway.base_url, "demo.teacher")
    assert c.post("/chat/start").status_code == 403
    assert c.post("/chat/start", data={"csrf_token": "forged"}).status_code == 403
    assert c.post("/logout", data={}).status_code == 403
    assert c.post("/chat/start", data={"csrf_token": csrf}).status_code == 303
    # the sign-in form needs its own double-submit token
    fresh = httpx.Client(base_url=gateway.base_url)
    r = fresh.post("/login", data={"username": "demo.teacher", "password": PASSWORD})
    assert r.status_code == 403
    # signing out ends the session, on the server too: the old cookie no longer works
    stolen = c.cookies.get("triage_session")
    time.sleep(1.1)  # the token's issue time has whole-second precision
    assert c.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert c.get("/chat").status_code == 303
    replay = httpx.Client(base_url=gateway.base_url, cookies={"triage_session": stolen})
    r = replay.get("/chat", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    replay.close()
    again, _ = web_session(gateway.base_url, "demo.teacher")  # signing in again works at once
    assert again.get("/chat").status_code == 200
    again.close()
    c.close()
    fresh.close()


def test_session_cookie_is_http_only_and_same_site(context, gateway):
    page = context.new_page()
    sign_in(page, "demo.teacher")
    cookie = next(c for c in context.cookies() if c["name"] == "triage_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("triage_session") == -1


def test_reads_and_reviews_are_audited(browser, gateway):
    c, csrf = web_session(gateway.base_url, "demo.teacher")
    cid = consult(c, csrf, "She told me her stepdad hits her with a belt.")
    c.close()
    adv, acsrf = web_session(gateway.base_url, "demo.advisor")
    assert adv.get(f"/advisor/consultations/{cid}").status_code == 200
    r = adv.post(f"/advisor/consultations/{cid}/review", data={"csrf_token": acsrf, "decision": "agree"})
    assert r.status_code == 303
    assert adv.get(f"/consultations/{cid}/summary.pdf").status_code == 200
    adv.close()
    with db(gateway).connect() as conn:
        rows = conn.execute(text(
            "SELECT a.action FROM audit_events a JOIN users u ON u.id = a.user_id "
            "WHERE a.object_id = :c AND u.username = 'demo.advisor' ORDER BY a.id"), {"c": cid}).scalars().all()
    assert "read" in rows and "review_agree" in rows and "export" in rows


def test_engine_down_when_starting_says_so_and_points_to_999(page, engine):
    sign_in(page, "demo.gp")
    engine.down = True
    try:
        page.get_by_role("button", name="Start a consultation").click()
        summary = page.locator(".govuk-error-summary:not([hidden])")
        expect(summary).to_contain_text(ENGINE_DOWN)
        assert_accessible(page, "chat-start-engine-down")
    finally:
        engine.down = False
    page.get_by_role("button", name="Start a consultation").click()
    expect(page.locator("#transcript")).to_contain_text("immediate danger")


def test_advisor_can_open_an_unfinished_consultation(gateway):
    c, csrf = web_session(gateway.base_url, "demo.teacher")
    r = c.post("/chat/start", data={"csrf_token": csrf})
    cid = r.headers["location"].split("c=")[1]
    c.close()
    adv, _ = web_session(gateway.base_url, "demo.advisor")
    r = adv.get(f"/advisor/consultations/{cid}")
    assert r.status_code == 200 and "not finished" in r.text
    assert adv.get("/advisor/consultations/no-such-id").status_code == 404
    csv = adv.get("/advisor/export.csv?level=9")
    assert csv.status_code == 422
    adv.close()


def test_asking_for_a_person_flags_a_call_back_for_the_advisor(browser, gateway):
    ctx = browser.new_context(base_url=gateway.base_url)
    page = ctx.new_page()
    sign_in(page, "demo.teacher")
    page.get_by_role("button", name="Start a consultation").click()
    page.get_by_label("Your message").fill("Can I talk to a person please?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#callback-notice")).to_be_visible()
    cid = page.url.split("c=")[1].split("#")[0]
    ctx.close()
    ctx = browser.new_context(base_url=gateway.base_url)
    page = ctx.new_page()
    sign_in(page, "demo.advisor")
    row = page.locator(f'#queue tr[data-id="{cid}"]')
    expect(row).to_contain_text("Call back")
    row.get_by_role("link").click()
    page.get_by_label("Call back done").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    page.goto("/advisor")
    expect(page.locator(f'#queue tr[data-id="{cid}"]')).not_to_contain_text("Call back")
    ctx.close()
