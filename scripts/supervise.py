"""Start the engine, the action server and the gateway; stop them all together.

`make run` calls this, and the end-to-end tests use `Stack` to start the same three
real processes on free ports. One place knows how the parts are launched, so what
the tests exercise is what a council runs.

Every child gets its own process group, so Ctrl-C (or a test's teardown) takes down
the whole tree: nothing of the project is left running.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PY = ROOT / ".venv" / "bin" / "python"
ENGINE_BIN = Path(os.environ.get("ENGINE_VENV", ROOT / ".venv-engine")) / "bin" / "rasa"
MODEL = ROOT / "models" / "current.tar.gz"

STOP_GRACE_SECONDS = 10


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (loopback only)
            return r.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class Component:
    name: str
    argv: list[str]
    health_url: str
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    log_lines: list[str] = field(default_factory=list)

    def start(self, echo: bool, log_dir: Path | None) -> None:
        log_file = open(log_dir / f"{self.name}.log", "ab") if log_dir else None  # noqa: SIM115
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: we can signal the whole tree
        )
        threading.Thread(target=self._pump, args=(echo, log_file), daemon=True).start()

    def _pump(self, echo: bool, log_file) -> None:
        assert self.proc and self.proc.stdout
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.log_lines.append(line)
            del self.log_lines[:-400]  # keep the tail for error reports
            if log_file:
                log_file.write(raw)
                log_file.flush()
            if echo:
                print(f"[{self.name}] {line}", flush=True)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if not self.alive():
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            return

    def wait_stopped(self, timeout: float) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)


class Stack:
    """The three real processes of the product, on the ports given."""

    def __init__(
        self,
        port: int = 8000,
        engine_port: int = 5005,
        actions_port: int = 5055,
        database_url: str | None = None,
        extra_env: dict[str, str] | None = None,
        echo: bool = True,
        log_dir: Path | None = None,
        model: Path = MODEL,
    ) -> None:
        self.port, self.engine_port, self.actions_port = port, engine_port, actions_port
        self.log_dir = log_dir
        self.echo = echo
        env = dict(os.environ)
        env.update(
            {
                "RASA_TELEMETRY_ENABLED": "false",
                "PYTHONUNBUFFERED": "1",
                "PORT": str(port),
                "ENGINE_PORT": str(engine_port),
                "ACTIONS_PORT": str(actions_port),
                "ENGINE_URL": f"http://127.0.0.1:{engine_port}",
                "ACTIONS_URL": f"http://127.0.0.1:{actions_port}",
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
                # TensorFlow: quiet, and no more threads than this 2-core machine has.
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                # rasa-sdk's action server has no bind option; it reads SANIC_HOST.
                "SANIC_HOST": "127.0.0.1",
            }
        )
        # The engine's HTTP API (tracker look-ups, used by the gateway to recover a turn
        # the engine finished just before a gateway crash) is token-protected and on
        # loopback only. A fresh token per run unless one is given.
        env.setdefault("ENGINE_API_TOKEN", secrets.token_urlsafe(24))
        if database_url:
            env["DATABASE_URL"] = database_url
        env.update(extra_env or {})
        self.components = [
            Component(
                "actions",
                [str(APP_PY), "-m", "rasa_sdk", "--actions", "actions",
                 "-p", str(actions_port)],
                f"http://127.0.0.1:{actions_port}/health",
                env,
            ),
            Component(
                "engine",
                [str(ENGINE_BIN), "run", "-i", "127.0.0.1", "-p", str(engine_port),
                 "--model", str(model),
                 "--endpoints", "assistant/endpoints.yml",
                 "--credentials", "assistant/credentials.yml",
                 "--enable-api", f"--auth-token={env['ENGINE_API_TOKEN']}"],
                f"http://127.0.0.1:{engine_port}/",
                env,
            ),
            Component(
                "gateway",
                [str(APP_PY), "-m", "uvicorn", "api.main:app",
                 "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
                f"http://127.0.0.1:{port}/healthz",
                env,
            ),
        ]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def component(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)

    def start(self, timeout: float = 240.0) -> None:
        """Start every component and wait until the gateway reports all healthy."""
        if not MODEL.exists():
            raise RuntimeError(f"No trained model at {MODEL}: run `make model` first.")
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        for c in self.components:
            c.start(self.echo, self.log_dir)
        deadline = time.monotonic() + timeout
        pending = list(self.components)
        while pending:
            for c in list(pending):
                if not c.alive():
                    tail = "\n".join(c.log_lines[-30:])
                    self.stop()
                    raise RuntimeError(f"{c.name} exited during start-up:\n{tail}")
                if http_ok(c.health_url):
                    pending.remove(c)
                    _say(f"{c.name} is up ({c.health_url})")
            if time.monotonic() > deadline:
                names = ", ".join(c.name for c in pending)
                self.stop()
                raise RuntimeError(f"Timed out after {timeout:.0f}s waiting for: {names}")
            time.sleep(0.5)

    def restart(self, name: str, timeout: float = 120.0) -> None:
        """Start one component again (used after a deliberate kill in crash tests)."""
        c = self.component(name)
        c.stop(signal.SIGKILL)
        c.wait_stopped(5)
        c.start(self.echo, self.log_dir)
        deadline = time.monotonic() + timeout
        while not http_ok(c.health_url):
            if not c.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not come back:\n" + "\n".join(c.log_lines[-30:]))
            time.sleep(0.3)

    def stop(self) -> None:
        """Gateway first (no new work), then the engine, then the actions."""
        for c in reversed(self.components):
            c.stop()
        for c in reversed(self.components):
            c.wait_stopped(STOP_GRACE_SECONDS)

    def first_dead(self) -> Component | None:
        return next((c for c in self.components if not c.alive()), None)


def _say(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--engine-port", type=int, default=int(os.environ.get("ENGINE_PORT", 5005)))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055)))
    parser.add_argument("--quiet", action="store_true", help="do not echo component logs")
    args = parser.parse_args(argv)

    for port in (args.port, args.engine_port, args.actions_port):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                print(f"Port {port} is already in use. Stop whatever is using it, or set "
                      "PORT / ENGINE_PORT / ACTIONS_PORT to free ports.", file=sys.stderr)
                return 1

    stack = Stack(args.port, args.engine_port, args.actions_port,
                  echo=not args.quiet, log_dir=ROOT / "var" / "log")
    stopping = threading.Event()

    def on_signal(signum, _frame):
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    _say("Starting the action server, the conversation engine and the gateway "
         "(the engine takes 20-60 s to load its model)...")
    try:
        stack.start()
    except RuntimeError as exc:
        print(f"Start-up failed: {exc}", file=sys.stderr)
        return 1
    _say(f"Ready: open {stack.base_url} in a browser (Ctrl-C stops everything).")
    if not os.environ.get("TRIAGE_DEMO_PASSWORD"):
        _say("TRIAGE_DEMO_PASSWORD is not set, so no demo accounts were created.")
    code = 0
    while not stopping.wait(0.5):
        dead = stack.first_dead()
        if dead:
            print(f"{dead.name} stopped unexpectedly (exit {dead.proc.returncode}); "
                  "stopping everything.", file=sys.stderr)
            code = 1
            break
    _say("Stopping...")
    stack.stop()
    _say("Stopped.")
    return code


if __name__ == "__main__":
    sys.exit(main())
