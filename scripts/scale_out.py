"""Run two of every process on this machine, as a council would across machines.

Two gateways, two Rasa engines and two action servers, each pair behind a
round-robin proxy. The engines share one tracker store on PostgreSQL and one lock
store on Redis, so either engine can take any turn of any conversation; the gateways
share the consultation database on PostgreSQL. Nothing home-made holds state.

    .venv/bin/python scripts/scale_out.py            # run until Ctrl-C
    .venv/bin/python scripts/scale_out.py --test     # run the end-to-end tests against it

`make scale-out` and `make test-scale-out` call these.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.roundrobin import RoundRobin  # noqa: E402
from scripts.supervise import APP_PY, ENGINE_BIN, MODEL, Component, free_port, http_ok  # noqa: E402

PG = os.environ.get("SCALE_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def ensure_database(name: str) -> None:
    """Create a PostgreSQL database if it does not exist yet."""
    import psycopg

    url = PG.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def endpoints_file(folder: Path, actions_proxy: int, tracker_db: str) -> Path:
    host_port = PG.split("@", 1)[1]
    host, port = host_port.split(":")
    user = PG.split("://", 1)[1].split("@", 1)[0]
    path = folder / "endpoints.yml"
    path.write_text(
        f"""action_endpoint:
  url: "http://127.0.0.1:{actions_proxy}/webhook"
tracker_store:
  type: SQL
  dialect: "postgresql"
  url: "{host}"
  port: {port}
  username: "{user}"
  db: "{tracker_db}"
  login_db: "postgres"
lock_store:
  type: "redis"
  url: "{REDIS_HOST}"
  port: {REDIS_PORT}
  db: 1
  key_prefix: "triage"
"""
    )
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    ap.add_argument("--test", action="store_true", help="run tests/e2e against it, then stop")
    args = ap.parse_args()
    if not MODEL.exists():
        print("No trained model: run `make model` first.", file=sys.stderr)
        return 1
    suffix = secrets.token_hex(3)
    app_db, tracker_db = f"triage_scale_{suffix}", f"triage_tracker_{suffix}"
    ensure_database(app_db)
    tmp = Path(tempfile.mkdtemp(prefix="scale-"))
    gw_proxy = args.port if not args.test else free_port()
    en_proxy, ac_proxy = free_port(), free_port()
    endpoints = endpoints_file(tmp, ac_proxy, tracker_db)
    password = os.environ.get("TRIAGE_DEMO_PASSWORD") or "scale-" + secrets.token_urlsafe(8)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONUNBUFFERED="1",
               TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1", SANIC_HOST="127.0.0.1",
               DATABASE_URL=f"{PG}/{app_db}", ENGINE_URL=f"http://127.0.0.1:{en_proxy}",
               ACTIONS_URL=f"http://127.0.0.1:{ac_proxy}",
               SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32),
               TRIAGE_DEMO_PASSWORD=password, RATE_LIMIT_PER_MINUTE="1000",
               ENGINE_API_TOKEN=os.environ.get("ENGINE_API_TOKEN") or secrets.token_urlsafe(24))
    ports = {k: [free_port(), free_port()] for k in ("gateway", "engine", "actions")}
    comps: list[Component] = []
    for i in range(2):
        ap_, ep, gp = ports["actions"][i], ports["engine"][i], ports["gateway"][i]
        comps += [
            Component(f"actions{i + 1}", [str(APP_PY), "-m", "rasa_sdk", "--actions", "actions",
                                          "-p", str(ap_)],
                      f"http://127.0.0.1:{ap_}/health", env),
            Component(f"engine{i + 1}", [str(ENGINE_BIN), "run", "-i", "127.0.0.1", "-p", str(ep),
                                         "--model", str(MODEL), "--endpoints", str(endpoints),
                                         "--credentials", "assistant/credentials.yml",
                                         "--enable-api", f"--auth-token={env['ENGINE_API_TOKEN']}"],
                      f"http://127.0.0.1:{ep}/", env),
        ]
    # The first gateway creates the schema and the demo accounts; start it alone first.
    gateways = [Component(f"gateway{i + 1}",
                          [str(APP_PY), "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
                           "--port", str(ports["gateway"][i]), "--no-access-log"],
                          f"http://127.0.0.1:{ports['gateway'][i]}/openapi.json", env)
                for i in range(2)]

    loop = asyncio.new_event_loop()
    proxies = [RoundRobin(gw_proxy, ports["gateway"]), RoundRobin(en_proxy, ports["engine"]),
               RoundRobin(ac_proxy, ports["actions"])]
    for p in proxies:
        loop.run_until_complete(p.start())

    def wait(cs: list[Component], timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        pending = list(cs)
        while pending:
            loop.run_until_complete(asyncio.sleep(0.5))  # let the proxies serve meanwhile
            for c in list(pending):
                if not c.alive():
                    raise RuntimeError(f"{c.name} exited:\n" + "\n".join(c.log_lines[-30:]))
                if http_ok(c.health_url):
                    pending.remove(c)
                    print(f"==> {c.name} is up", flush=True)
            if time.monotonic() > deadline:
                raise RuntimeError("timed out waiting for " + ", ".join(c.name for c in pending))

    everything = comps + gateways
    code = 0
    try:
        for c in comps:
            c.start(False, tmp)
        wait(comps)
        gateways[0].start(False, tmp)
        wait(gateways[:1])
        gateways[1].start(False, tmp)
        wait(gateways[1:])
        base = f"http://127.0.0.1:{gw_proxy}"
        print(f"==> Ready: {base} (2 gateways, 2 engines, 2 action servers; logs in {tmp})",
              flush=True)
        if args.test:
            test_env = dict(os.environ, E2E_BASE_URL=base, E2E_DEMO_PASSWORD=password)
            proc = subprocess.Popen([str(APP_PY), "-m", "pytest", "tests/e2e", "-q",
                                     "-m", "not single_stack"], cwd=ROOT, env=test_env)
            while proc.poll() is None:
                loop.run_until_complete(asyncio.sleep(0.2))
            code = proc.returncode
            print("==> connections per backend: " + "; ".join(
                f"{name} {p.counts}" for name, p in zip(("gateways", "engines", "actions"), proxies)))
            if code == 0 and min(min(p.counts) for p in proxies[:2]) == 0:
                print("A backend received no traffic: round robin is not spreading load.",
                      file=sys.stderr)
                code = 1
        else:
            stop = asyncio.Event()
            loop.add_signal_handler(signal.SIGINT, stop.set)
            loop.add_signal_handler(signal.SIGTERM, stop.set)
            loop.run_until_complete(stop.wait())
    except RuntimeError as exc:
        print(f"scale-out failed: {exc}", file=sys.stderr)
        code = 1
    finally:
        for c in everything:
            c.stop()
        for c in everything:
            c.wait_stopped(10)
        for p in proxies:
            loop.run_until_complete(p.close())
    return code


if __name__ == "__main__":
    sys.exit(main())
