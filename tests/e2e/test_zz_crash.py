"""Crash safety: SIGKILL the gateway and the action server mid-conversation.

After both are restarted, every message the gateway had accepted is still there
exactly once, a retried request with the same Idempotency-Key stores nothing new,
and the conversation carries on to its advice. Runs last (it restarts processes of
the shared stack) and only against a stack these tests started themselves.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import httpx
import pytest

from .professional import Professional, Scenario

pytestmark = [pytest.mark.e2e, pytest.mark.single_stack]


def _inbound(transcript: dict) -> list[dict]:
    return [m for m in transcript["messages"] if m.get("direction") == "in"]


def test_kill_gateway_and_actions_mid_conversation(stack, client, teacher_token):
    if os.environ.get("E2E_BASE_URL"):
        pytest.skip("needs a stack this test started itself")
    h = {"Authorization": f"Bearer {teacher_token}"}
    sc = Scenario(name="crash", role="health_visitor", age="3 months", mobile=False,
                  concern=["I saw a bruise on his ear at the visit; he is not rolling yet."])
    brain = Professional(client, teacher_token)
    cid = client.post("/api/v1/consultations", headers=h).json()["id"]
    replies = client.get(f"/api/v1/consultations/{cid}", headers=h).json()["messages"]
    replies = [m for m in replies if m.get("direction") == "out"]
    concern = list(sc.concern)
    acknowledged: dict[str, dict] = {}  # key -> what was sent and answered 200

    def post(said: dict, key: str, c: httpx.Client = client) -> httpx.Response:
        return c.post(f"/api/v1/consultations/{cid}/messages", json=said,
                      headers={**h, "Idempotency-Key": key})

    # Two ordinary turns.
    for turn in range(2):
        said, _ = brain.answer(sc, replies, concern, turn)
        key = str(uuid.uuid4())
        r = post(said, key)
        assert r.status_code == 200, r.text
        acknowledged[key] = said
        replies = r.json()["messages"]

    # A third turn in flight while the gateway and the action server are killed.
    said, _ = brain.answer(sc, replies, concern, 2)
    key = str(uuid.uuid4())
    outcome: dict = {}

    def in_flight():
        try:
            with httpx.Client(base_url=stack.base_url, timeout=30) as c:
                outcome["response"] = post(said, key, c)
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    t = threading.Thread(target=in_flight)
    t.start()
    time.sleep(0.05)
    stack.component("gateway").stop(signal.SIGKILL)
    stack.component("actions").stop(signal.SIGKILL)
    t.join(30)
    stack.restart("actions")
    stack.restart("gateway")

    # The client retries the same request with the same key, as a browser would.
    with httpx.Client(base_url=stack.base_url, timeout=60) as c:
        r = post(said, key, c)
        assert r.status_code == 200, r.text
        first = r.json()
        again = post(said, key, c)
        assert again.json() == first, "a repeat with the same key must get the original response"
        acknowledged[key] = said
        replies = first["messages"]
        assessment = first.get("assessment")
        turn = 3
        while assessment is None and turn < 20:
            said, _ = brain.answer(sc, replies, concern, turn)
            k = str(uuid.uuid4())
            r = post(said, k, c)
            assert r.status_code == 200, r.text
            acknowledged[k] = said
            replies, assessment = r.json()["messages"], r.json().get("assessment")
            turn += 1
        assert assessment is not None, "the conversation must carry on to its advice"
        assert assessment["level"] == 4

        transcript = c.get(f"/api/v1/consultations/{cid}", headers=h).json()
    inbound = _inbound(transcript)
    # Nothing accepted was lost, nothing stored twice.
    assert len(inbound) == len(acknowledged), [m.get("text") for m in inbound]
    keys = [m.get("idempotency_key") for m in inbound if m.get("idempotency_key")]
    assert len(keys) == len(set(keys))
    assert transcript["assessment"]["level"] == 4
