"""The gateway's contract, in-process, with a small fake engine on loopback standing in
for Rasa (the real engine is covered by tests/e2e). Covers sign-in, access control,
idempotency, an engine outage, crash recovery from the engine's tracker, limits and
the audit trail."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import thresholds
from api.main import create_app
from api.security import hash_password
from api.settings import Settings
from scripts.supervise import free_port
from storage import AuditEvent, Message, Organisation, User, session_factory

PASSWORD = "correct horse battery"


class FakeEngine:
    """Answers like Rasa's REST channel; can be switched off; keeps a tracker."""

    def __init__(self):
        self.port = free_port()
        self.up = True
        self.received: list[dict] = []
        self.trackers: dict[str, list[dict]] = {}
        engine = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if not engine.up:
                    return self._send(503, {})
                if self.path.startswith("/conversations/"):
                    sender = self.path.split("/")[2]
                    return self._send(200, {"events": engine.trackers.get(sender, [])})
                return self._send(200, {"ok": True})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not engine.up:
                    return self._send(500, {})
                engine.received.append(body)
                msg = body["message"]
                if msg == "/start_consultation":
                    replies = [{"text": "Hello", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
                elif "bruise" in msg:
                    a = thresholds.assess({"text": msg, "child_age_years": 0.2})
                    replies = [{"text": "Refer to the MASH now."},
                               {"custom": {"type": "assessment", "assessment": a}}]
                elif "person" in msg:
                    replies = [{"text": "An advisor will call you."},
                               {"custom": {"type": "handoff", "reason": "asked"}}]
                else:
                    replies = [{"text": f"You said {msg}"}]
                ev = engine.trackers.setdefault(body["sender"], [])
                ev.append({"event": "user", "text": msg, "metadata": body.get("metadata") or {}})
                for r in replies:
                    ev.append({"event": "bot", "text": r.get("text"),
                               "data": {"buttons": r.get("buttons"), "custom": r.get("custom")}})
                self._send(200, [{"recipient_id": body["sender"], **r} for r in replies])

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture()
def engine():
    e = FakeEngine()
    yield e
    e.close()


@pytest.fixture()
def app_client(tmp_path, engine):
    url = f"sqlite:///{tmp_path / 'api.db'}"
    settings = Settings(database_url=url, engine_url=f"http://127.0.0.1:{engine.port}",
                        actions_url=f"http://127.0.0.1:{engine.port}", secret_key="s" * 40,
                        triage_demo_password=PASSWORD, rate_limit_per_minute=1000)
    app = create_app(settings)
    with TestClient(app) as client:  # start-up migrates and creates the demo accounts
        with session_factory(url)() as db:
            org2 = Organisation(name="Other Council")
            db.add(org2)
            db.flush()
            db.add(User(username="other.teacher", display_name="O", role="professional",
                        profession="teacher", organisation_id=org2.id,
                        password_hash=hash_password(PASSWORD)))
            db.commit()
        client.settings = settings
        client.db = session_factory(url)
        yield client


def token(client, username):
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_demo_accounts_and_token_flow(app_client):
    h = token(app_client, "demo.teacher")
    assert app_client.get("/api/v1/me", headers=h).json()["role"] == "professional"
    assert token(app_client, "demo.advisor")
    bad = app_client.post("/api/v1/auth/token", data={"username": "demo.gp", "password": "nope"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"


def test_repeated_failed_logins_lock_the_account(app_client):
    for _ in range(5):
        app_client.post("/api/v1/auth/token", data={"username": "demo.gp", "password": "wrong"})
    r = app_client.post("/api/v1/auth/token", data={"username": "demo.gp", "password": PASSWORD})
    assert r.status_code == 429


@pytest.mark.parametrize("path,method", [("/api/v1/consultations", "post"),
                                         ("/api/v1/consultations", "get"),
                                         ("/api/v1/assessments", "post"), ("/api/v1/me", "get")])
def test_every_api_route_needs_a_token(app_client, path, method):
    assert getattr(app_client, method)(path).status_code == 401
    r = getattr(app_client, method)(path, headers={"Authorization": "Bearer forged.token.x"})
    assert r.status_code == 401


def test_professionals_see_only_their_own(app_client):
    teacher, gp, advisor = (token(app_client, u) for u in ("demo.teacher", "demo.gp", "demo.advisor"))
    other = token(app_client, "other.teacher")
    cid = app_client.post("/api/v1/consultations", headers=teacher).json()["id"]
    assert app_client.get(f"/api/v1/consultations/{cid}", headers=gp).status_code == 404
    assert app_client.get(f"/api/v1/consultations/{cid}", headers=other).status_code == 404
    assert app_client.get(f"/api/v1/consultations/{cid}", headers=advisor).status_code == 200
    assert app_client.get("/api/v1/consultations", headers=teacher).status_code == 403
    listing = app_client.get("/api/v1/consultations", headers=advisor).json()["items"]
    assert [c["id"] for c in listing] == [cid]


def test_idempotent_messages_and_assessment_storage(app_client, engine):
    h = token(app_client, "demo.teacher")
    cid = app_client.post("/api/v1/consultations", headers=h).json()["id"]
    body = {"text": "A 2 month old with a bruise on his cheek"}
    k = {"Idempotency-Key": "abc-1"}
    a = app_client.post(f"/api/v1/consultations/{cid}/messages", json=body, headers={**h, **k})
    b = app_client.post(f"/api/v1/consultations/{cid}/messages", json=body, headers={**h, **k})
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json()
    assert a.json()["assessment"]["level"] == 4
    assert all("custom" not in m for m in a.json()["messages"])
    sent = [r for r in engine.received if r["message"] == body["text"]]
    assert len(sent) == 1, "a repeat must not reach the engine again"
    with app_client.db() as db:
        assert db.scalar(select(func.count(Message.id)).where(Message.idempotency_key == "abc-1")) == 1
    got = app_client.get(f"/api/v1/consultations/{cid}", headers=h).json()
    assert got["assessment"]["recommendation"] == "mash_referral"
    clash = app_client.post(f"/api/v1/consultations/{cid}/messages", json={"text": "other"},
                            headers={**h, **k})
    assert clash.status_code == 409


def test_engine_outage_keeps_the_message_and_a_retry_goes_through(app_client, engine):
    h = token(app_client, "demo.teacher")
    cid = app_client.post("/api/v1/consultations", headers=h).json()["id"]
    engine.up = False
    k = {"Idempotency-Key": "k-outage"}
    r = app_client.post(f"/api/v1/consultations/{cid}/messages", json={"text": "hello"}, headers={**h, **k})
    assert r.status_code == 503 and "999" in r.json()["detail"]
    assert app_client.get("/healthz").status_code == 503
    engine.up = True
    r = app_client.post(f"/api/v1/consultations/{cid}/messages", json={"text": "hello"}, headers={**h, **k})
    assert r.status_code == 200 and r.json()["messages"][0]["text"] == "You said hello"
    msgs = app_client.get(f"/api/v1/consultations/{cid}", headers=h).json()["messages"]
    assert [m["text"] for m in msgs if m["direction"] == "in"] == ["hello"]
    assert app_client.get("/healthz").status_code == 200


def test_a_turn_the_engine_finished_before_a_crash_is_not_sent_twice(app_client, engine):
    """Simulate the gateway dying after the engine answered: the stored message is
    unanswered, the engine's tracker has the turn. The retry rebuilds it from there."""
    h = token(app_client, "demo.teacher")
    cid = app_client.post("/api/v1/consultations", headers=h).json()["id"]
    with app_client.db() as db:
        db.add(Message(consultation_id=cid, seq=99, direction="in", text="hi there",
                       idempotency_key="k-crash"))
        db.commit()
    engine.trackers.setdefault(cid, []).extend([
        {"event": "user", "text": "hi there", "metadata": {"message_key": "k-crash"}},
        {"event": "bot", "text": "You said hi there", "data": {}}])
    before = len(engine.received)
    r = app_client.post(f"/api/v1/consultations/{cid}/messages", json={"text": "hi there"},
                        headers={**h, "Idempotency-Key": "k-crash"})
    assert r.status_code == 200 and r.json()["messages"][0]["text"] == "You said hi there"
    assert len(engine.received) == before


def test_handoff_flags_a_callback(app_client):
    h = token(app_client, "demo.teacher")
    cid = app_client.post("/api/v1/consultations", headers=h).json()["id"]
    app_client.post(f"/api/v1/consultations/{cid}/messages", json={"text": "talk to a person"}, headers=h)
    assert app_client.get(f"/api/v1/consultations/{cid}", headers=h).json()["needs_callback"] is True


@pytest.mark.parametrize("body,status", [
    ({"text": ""}, 422), ({"text": "a", "payload": "/x"}, 422), ({}, 422),
    ({"text": "x" * 6000}, 422), ({"text": "a\u0000b"}, 422), ({"text": "x" * 70_000}, 413),
])
def test_bad_messages(app_client, body, status):
    h = token(app_client, "demo.teacher")
    cid = app_client.post("/api/v1/consultations", headers=h).json()["id"]
    r = app_client.post(f"/api/v1/consultations/{cid}/messages", json=body, headers=h)
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_rate_limit(app_client):
    app_client.settings.rate_limit_per_minute = 3
    h = token(app_client, "demo.gp")
    codes = [app_client.post("/api/v1/consultations", headers=h).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


def test_assessment_endpoint_matches_the_engine(app_client):
    h = token(app_client, "demo.teacher")
    case = {"text": "She told me her dad hits her with a belt.", "child_age_years": 9}
    r = app_client.post("/api/v1/assessments", json=case, headers=h)
    assert r.status_code == 200 and r.json() == thresholds.assess(case)
    r = app_client.post("/api/v1/assessments", content=b"[1,2]", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422


def test_reads_and_changes_are_audited(app_client):
    teacher, advisor = token(app_client, "demo.teacher"), token(app_client, "demo.advisor")
    cid = app_client.post("/api/v1/consultations", headers=teacher).json()["id"]
    app_client.get(f"/api/v1/consultations/{cid}", headers=advisor)
    r = app_client.post(f"/api/v1/consultations/{cid}/reviews",
                        json={"decision": "change", "new_level": 3, "reason": "Several needs"},
                        headers=advisor)
    assert r.status_code == 200 and r.json()["review_status"] == "changed"
    with app_client.db() as db:
        actions = [e.action for e in db.scalars(select(AuditEvent).where(AuditEvent.object_id == cid))]
    assert {"create", "read", "review_change"} <= set(actions)
