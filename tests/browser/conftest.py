"""Browser tests: the real gateway (uvicorn, temp SQLite) and headless Chromium, with a
small fake of the conversation engine at the one true edge.

The fake engine is a real HTTP server speaking Rasa's REST channel: it greets with
buttons, asks for the worry, asks once for anything else, then answers with advice
carrying `{"custom": {"type": "assessment", "assessment": ...}}`, where the
assessment is the real `thresholds.assess` output for what the caller typed (joined
as the action server joins it: concern, a space, the follow-up). The end-to-end
suite covers the real engine.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from tests.conftest import skip_or_fail
from thresholds import assess

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "reports" / "screenshots"
PASSWORD = "browser-" + secrets.token_urlsafe(12)
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

GREETING = {"text": "Hello. I can help you decide what to do about a worry about a child. "
                    "First: is a child in immediate danger right now?",
            "buttons": [{"title": "Yes, a child is in danger now", "payload": "/affirm"},
                        {"title": "No", "payload": "/deny"}]}
ASK_CONCERN = {"text": "Tell me about your worry: what have you seen or heard, and how old is the child?"}
ASK_MORE = {"text": "Thank you. Is there anything else I should know?",
            "buttons": [{"title": "No, that is everything", "payload": "/deny"}]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeEngine:
    """Rasa's REST channel, scripted. `down = True` makes it answer 500 (engine failure)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.down = False
        self.state: dict[str, dict] = {}
        self.received: list[dict] = []
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _json(self, code: int, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/":
                    return self._json(200, {"version": "fake"})
                return self._json(404, {"error": "not found"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if self.path != "/webhooks/rest/webhook":
                    return self._json(404, {"error": "not found"})
                if engine.down:
                    return self._json(500, {"error": "engine down"})
                engine.received.append(body)
                self._json(200, [dict(m, recipient_id=body["sender"]) for m in engine.reply(body)])

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reply(self, body: dict) -> list[dict]:
        sender, message = body["sender"], body.get("message") or ""
        role = (body.get("metadata") or {}).get("caller_role") or None
        st = self.state.setdefault(sender, {"stage": "new"})
        if "talk to a person" in message.lower():
            return [{"text": "I will ask an early help advisor to call you back."},
                    {"custom": {"type": "handoff", "reason": "caller asked to talk to a person"}}]
        if message == "/start_consultation":
            st.update(stage="greeted")
            return [GREETING]
        if st["stage"] == "greeted" and message == "/affirm":
            st["stage"] = "advised"
            result = assess({"text": "A child is in immediate danger now.", "immediate_danger": True})
            return [{"text": "Phone 999 now, then refer to the MASH."},
                    {"custom": {"type": "assessment", "assessment": result}}]
        if st["stage"] == "greeted":
            st["stage"] = "concern"
            return [ASK_CONCERN]
        if st["stage"] == "concern" and not message.startswith("/"):
            st.update(stage="more", concern=message)
            return [ASK_MORE]
        if st["stage"] == "more":
            text = st["concern"] if message.startswith("/") else f"{st['concern']} {message}"
            case = {"text": text}
            if role:
                case["caller_role"] = role
            result = assess(case)
            st["stage"] = "advised"
            return [{"text": f"My advice: level {result['level']}."},
                    {"custom": {"type": "assessment", "assessment": result}}]
        return [{"text": "This consultation is finished. Start a new one for another child."}]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def engine():
    with FakeEngine() as e:
        yield e


@pytest.fixture(scope="session")
def gateway(engine, tmp_path_factory):
    """uvicorn api.main:app on a free port, a temp SQLite database, the demo accounts."""
    port = free_port()
    tmp = tmp_path_factory.mktemp("browser")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp / 'triage.db'}",
               TRIAGE_DEMO_PASSWORD=PASSWORD, SECRET_KEY=secrets.token_urlsafe(32),
               ENGINE_PORT=str(engine.port), ENGINE_URL=f"http://127.0.0.1:{engine.port}",
               ENGINE_TIMEOUT_SECONDS="5", RATE_LIMIT_PER_MINUTE="1000", PYTHONUNBUFFERED="1")
    env.pop("SECURE_COOKIES", None)
    log = open(tmp / "gateway.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("the gateway did not start:\n" + (tmp / "gateway.log").read_text()[-3000:])
        time.sleep(0.3)
    yield SimpleNamespace(base_url=base, proc=proc, log=tmp / "gateway.log",
                          database_url=env["DATABASE_URL"])
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (make chromium)", "TRIAGE_REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser, gateway):
    ctx = browser.new_context(base_url=gateway.base_url, viewport={"width": 1100, "height": 900})
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that fails its test if the browser reports a CSP violation or a script error."""
    p = context.new_page()
    problems: list[str] = []
    p.on("console", lambda m: problems.append(m.text) if m.type == "error" and
         "Content Security Policy" in m.text else None)
    p.on("pageerror", lambda e: problems.append(str(e)))
    yield p
    assert problems == [], f"browser errors: {problems}"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (from the npm package) on the page; return serious/critical problems."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `cd frontend && npm ci`")
    # The pages' Content-Security-Policy blocks injected <script> tags (what
    # add_script_tag would add), so axe is evaluated through the DevTools protocol.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page, name: str, browser=None) -> None:
    """Screenshot the page and run axe-core on it. A page with JavaScript off cannot
    run axe: pass `browser` and the same markup is checked in a page that can."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if browser is not None:
        html, origin = page.content(), "/".join(page.url.split("/")[:3])
        ctx = browser.new_context()
        try:
            twin = ctx.new_page()
            twin.goto(f"{origin}/login")
            twin.set_content(html)
            problems = axe_violations(twin)
        finally:
            ctx.close()
    else:
        problems = axe_violations(page)
    assert problems == [], f"axe found serious or critical problems on {name}: {problems}"
