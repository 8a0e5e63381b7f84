"""The pages in a real browser: sign-in, the chat to advice with the keyboard and a
quick reply, the advisor's queue, detail with highlighted evidence and review, access
control, and axe-core on every page (no serious or critical problems)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import SHOTS, assert_accessible, sign_in

pytestmark = pytest.mark.browser

CONCERN = "She told me her stepdad hits her with a belt."
FOLLOW_UP = "She has bruises on her arms."


def chat_to_advice(page, concern: str = CONCERN, follow_up: str = FOLLOW_UP) -> str:
    """Start a consultation and reach advice, using only the keyboard; returns its id."""
    page.goto("/chat")
    page.get_by_role("button", name="Start a consultation").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/chat\?c="))
    log = page.locator("#transcript")
    expect(log).to_contain_text("immediate danger")
    # Quick reply: a real button, reached with Tab and pressed with Enter.
    no = page.get_by_role("button", name="No", exact=True)
    no.focus()
    page.keyboard.press("Enter")
    expect(log).to_contain_text("Tell me about your worry")
    page.get_by_label("Your message").focus()
    page.keyboard.type(concern)
    page.keyboard.press("Control+Enter")
    expect(log).to_contain_text("anything else")
    page.get_by_label("Your message").focus()
    page.keyboard.type(follow_up)
    page.keyboard.press("Tab")  # to the Send button
    page.keyboard.press("Enter")
    expect(page.locator("#advice-panel")).to_be_visible()
    return page.url.split("c=")[1].split("#")[0]


def test_login_errors_use_the_error_summary(page):
    page.goto("/login")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your username")
    expect(summary).to_contain_text("Enter your password")
    assert_accessible(page, "login-empty")
    sign_in(page, "demo.teacher", "wrong-password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Wrong username or password")
    expect(page).to_have_title(re.compile("^Error: "))


def test_not_signed_in_goes_to_login(page):
    r = page.goto("/")
    expect(page).to_have_url(re.compile("/login$"))
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    # the inline script allowed by this response's nonce ran; GOV.UK Frontend loaded
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").startswith('"GDS Transport"')
    # the font files themselves load from /static/govuk/assets (no CDN, no 404)
    assert page.evaluate("async () => { await document.fonts.ready; "
                         "return [...document.fonts].some(f => f.family.includes('GDS Transport') && f.status === 'loaded'); }")
    assert_accessible(page, "login")
    page.goto("/advisor")
    expect(page).to_have_url(re.compile("/login$"))


def test_teacher_chats_to_advice_and_advisor_reviews(browser, gateway):
    teacher = browser.new_context(base_url=gateway.base_url, viewport={"width": 1100, "height": 900})
    page = teacher.new_page()
    sign_in(page, "demo.teacher")
    expect(page).to_have_url(re.compile("/chat$"))
    assert_accessible(page, "chat-start")
    cid = chat_to_advice(page)
    panel = page.locator("#advice-panel")
    expect(panel).to_contain_text("Refer to the MASH now")
    expect(panel).to_contain_text("Level 4")
    # the advice heading takes focus so a screen reader hears it
    assert page.evaluate("document.activeElement.id") == "advice-title"
    # the transcript is a polite live region holding both sides of the conversation
    assert page.locator("#transcript").get_attribute("aria-live") == "polite"
    expect(page.locator("#transcript")).to_contain_text(CONCERN)
    assert_accessible(page, "chat-advice")
    page.get_by_role("link", name=re.compile("Printable summary")).click()
    expect(page.locator("h1")).to_have_text("Safeguarding consultation summary")
    expect(page.locator("body")).to_contain_text(CONCERN)
    assert_accessible(page, "summary")
    # on paper: the advice and transcript stay, the navigation and buttons go
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this summary")).to_be_hidden()
    expect(page.locator("#advice-panel")).to_be_visible()
    page.screenshot(path=str(SHOTS / "summary-print.png"), full_page=True)
    page.emulate_media(media="screen")
    # the PDF download is a real PDF
    pdf = page.request.get(f"/consultations/{cid}/summary.pdf")
    assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
    page.goto("/consultations")
    expect(page.locator("table")).to_contain_text("Level 4")
    assert_accessible(page, "my-consultations")
    page.get_by_role("link", name=re.compile(r"^C-")).first.click()
    expect(page.locator("#advice-panel")).to_contain_text("Refer to the MASH now")
    assert_accessible(page, "consultation-record")
    teacher.close()

    adv = browser.new_context(base_url=gateway.base_url, viewport={"width": 1100, "height": 900})
    page = adv.new_page()
    sign_in(page, "demo.advisor")
    expect(page).to_have_url(re.compile("/advisor$"))
    first = page.locator("#queue tbody tr").first
    reference = first.get_attribute("data-reference")
    expect(first).to_contain_text("Level 4")
    expect(first).to_contain_text("Not reviewed")
    assert_accessible(page, "advisor-queue")
    first.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text(reference)
    marks = page.locator("#advisor-transcript mark")
    expect(marks.first).to_be_visible()
    marked = " ".join(marks.all_inner_texts())
    assert "hits her with a belt" in marked and "bruises" in marked
    assert_accessible(page, "advisor-detail")
    # changing the level without a reason is refused with the error summary
    page.get_by_label("Change the level").check()
    page.get_by_label("New level (if you are changing the level)").select_option("3")
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for changing the level")
    assert_accessible(page, "advisor-review-error")
    page.get_by_label("Change the level").check()
    page.get_by_label("New level (if you are changing the level)").select_option("3")
    page.get_by_label("Reason").fill("Disclosure was about a past event; family already working with early help.")
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your review has been saved")
    expect(page.locator("#review-status")).to_contain_text("Level changed")
    page.goto("/advisor/stats")
    expect(page.locator("#agreement-table")).to_be_visible()
    assert_accessible(page, "advisor-stats")
    csv = page.request.get("/advisor/export.csv")
    assert csv.status == 200 and reference in csv.text()
    adv.close()


def test_professional_cannot_open_anothers_consultation(browser, gateway):
    owner = browser.new_context(base_url=gateway.base_url)
    page = owner.new_page()
    sign_in(page, "demo.teacher")
    page.get_by_role("button", name="Start a consultation").click()
    page.wait_for_url(re.compile(r"/chat\?c="))
    cid = page.url.split("c=")[1]
    owner.close()
    other = browser.new_context(base_url=gateway.base_url)
    page = other.new_page()
    sign_in(page, "demo.gp")
    for path in (f"/consultations/{cid}", f"/consultations/{cid}/summary",
                 f"/consultations/{cid}/summary.pdf", f"/chat?c={cid}"):
        r = page.goto(path)
        assert r.status == 404, path
    expect(page.locator("h1")).to_have_text("Page not found")
    assert_accessible(page, "not-found")
    r = page.goto("/advisor")
    assert r.status == 403
    other.close()
