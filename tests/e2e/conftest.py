"""Start the real engine, action server and gateway once for the end-to-end tests."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from scripts.supervise import MODEL, Stack, free_port

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = os.environ.get("E2E_DEMO_PASSWORD") or "e2e-" + secrets.token_urlsafe(12)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real three processes on free ports; or, with E2E_BASE_URL, a deployment that
    is already running (scripts/scale_out.py uses this to test two of everything)."""
    if os.environ.get("E2E_BASE_URL"):
        yield SimpleNamespace(base_url=os.environ["E2E_BASE_URL"])
        return
    if not MODEL.exists():
        pytest.fail("No trained model: `make test` trains it first (make model).")
    db = tmp_path_factory.mktemp("e2e") / "triage.db"
    s = Stack(
        port=free_port(), engine_port=free_port(), actions_port=free_port(),
        database_url=f"sqlite:///{db}",
        extra_env={"TRIAGE_DEMO_PASSWORD": DEMO_PASSWORD,
                   "SECRET_KEY": secrets.token_urlsafe(32),
                   "RATE_LIMIT_PER_MINUTE": "1000"},
        echo=False, log_dir=ROOT / "reports" / "e2e-logs",
    )
    s.start(timeout=300)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def client(stack):
    with httpx.Client(base_url=stack.base_url, timeout=60) as c:
        yield c


def token_for(client: httpx.Client, username: str) -> str:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    return body["access_token"]


@pytest.fixture(scope="session")
def teacher_token(client):
    return token_for(client, "demo.teacher")


@pytest.fixture(scope="session")
def gp_token(client):
    return token_for(client, "demo.gp")


@pytest.fixture(scope="session")
def advisor_token(client):
    return token_for(client, "demo.advisor")
