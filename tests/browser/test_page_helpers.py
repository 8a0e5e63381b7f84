"""The pages' pure helpers, without a browser: evidence highlighting, CSV cells,
the cookie's Secure flag, the PDF summary."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from api.routes.pages import Labels, _mark, csv_safe, evidence_spans, summary_to_pdf, transcript
from api.settings import Settings
from api.web_auth import cookie_secure
from thresholds import assess


def msg(direction, text=None, payload=None, buttons=None):
    return {"direction": direction, "text": text, "payload": payload, "buttons": buttons or []}


def test_evidence_offsets_map_back_to_concern_and_follow_up():
    concern, follow = "She told me her stepdad hits her with a belt.", "She has bruises on her arms."
    result = assess({"text": f"{concern} {follow}"})
    messages = [msg("out", "Hello"), msg("in", payload="/deny"), msg("out", "Tell me"),
                msg("in", concern), msg("out", "Anything else?"), msg("in", follow)]
    spans = evidence_spans(messages, result["indicators"])
    assert set(spans) == {3, 5}
    marked = {(i, messages[i]["text"][s:e]) for i, sp in spans.items() for s, e in sp}
    for ind in result["indicators"]:
        assert any(ind["evidence"] == t for _, t in marked), ind
    assert (5, "bruises") in marked


def test_evidence_falls_back_to_the_words_when_offsets_do_not_fit():
    messages = [msg("in", "Dad shouts a lot and mum is scared")]
    spans = evidence_spans(messages, [{"evidence": "mum is scared", "start": 500, "end": 513}])
    assert spans[0] == [(21, 34)]


def test_marking_escapes_the_callers_words_and_merges_overlaps():
    html = str(_mark("<b>hit</b> and hurt", [(3, 6), (4, 10), (15, 19)]))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.count("<mark") == 2


def test_a_pressed_button_shows_its_title():
    rows = transcript({"messages": [msg("out", "Danger now?", buttons=[{"title": "No", "payload": "/deny"}]),
                                    msg("in", payload="/deny")]})
    assert rows[1]["shown"] == "No"


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+44 1234", "'+44 1234"),
    ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("  =1", "'  =1"),
    ("teacher", "teacher"), (4, "4"), (None, "")])
def test_csv_cells_cannot_become_formulas(value, expected):
    assert csv_safe(value) == expected


def _request(url_scheme: str, host: str) -> Request:
    return Request({"type": "http", "scheme": url_scheme, "server": (host, 8000), "path": "/",
                    "headers": [(b"host", f"{host}:8000".encode())], "query_string": b""})


def test_session_cookie_is_secure_except_plain_http_on_loopback(monkeypatch):
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    s = Settings(secret_key="x")
    assert cookie_secure(_request("http", "127.0.0.1"), s) is False
    assert cookie_secure(_request("http", "localhost"), s) is False
    assert cookie_secure(_request("http", "triage.example.gov.uk"), s) is True
    assert cookie_secure(_request("https", "127.0.0.1"), s) is True
    monkeypatch.setenv("SECURE_COOKIES", "true")
    assert cookie_secure(_request("http", "127.0.0.1"), s) is True
    monkeypatch.setenv("SECURE_COOKIES", "false")
    assert cookie_secure(_request("http", "triage.example.gov.uk"), s) is False


def test_pdf_summary_is_a_pdf_even_with_characters_outside_latin_1():
    a = assess({"text": "Mum’s boyfriend hit him — he has a bruise 😟", "immediate_danger": True})
    data = {"id": "x", "reference": "C-TEST234", "created_at": "2026-11-22T10:00:00+00:00",
            "caller_role": "teacher", "review_status": "unreviewed", "assessment": a,
            "messages": [msg("in", "Mum’s boyfriend hit him — he has a bruise 😟")]}
    pdf = summary_to_pdf(data, transcript(data), Labels())
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
