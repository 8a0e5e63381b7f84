"""Chat latency under load: the gateway against the engine's own REST endpoint.

Starts the real stack on free ports, then for each concurrency level (1, 10, 50 by
default) runs simulated professionals through fixed conversations via the gateway's
HTTP API, recording the time of every chat turn. The same caller messages are then
replayed straight to Rasa's REST channel at the same concurrency: that is the
reference, measured in the same run on the same (shared, noisy) machine, so the
ratio gateway/engine is what to compare between runs, not the raw milliseconds.

Prints a table, saves reports/bench.json and reports/bench.svg.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.supervise import Stack, free_port  # noqa: E402
from tests.e2e.professional import Professional, Scenario  # noqa: E402

PASSWORD = "bench-" + secrets.token_urlsafe(8)

CONVERSATIONS = [
    Scenario(name="baby", role="health_visitor", age="3 months", mobile=False,
             concern=["Small bruise on his ear at the home visit; he can't roll over yet."]),
    Scenario(name="lateness", role="teacher", age="8",
             concern=["He has been late a few times this term; otherwise happy and doing well."]),
    Scenario(name="mood", role="gp", age="14",
             concern=["Low mood since her grandad died; mum is supportive and she is at school."]),
    Scenario(name="danger", role="teacher", danger=True, concern=["-"]),
]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def summary(lat: list[float], wall: float) -> dict:
    return {
        "turns": len(lat),
        "turns_per_s": round(len(lat) / wall, 1) if wall else None,
        "p50_ms": round(pct(lat, 50) * 1000, 1),
        "p95_ms": round(pct(lat, 95) * 1000, 1),
        "p99_ms": round(pct(lat, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
    }


async def gateway_user(base: str, token: str, rounds: int, lat: list[float],
                       scripts: list[list[dict]], idx: int, think: float = 0.0) -> None:
    """One professional: `rounds` conversations through the gateway."""
    headers = {"Authorization": f"Bearer {token}"}
    sync_brain = Professional(None, token)  # only its answer() is used
    rng = random.Random(idx)  # people do not all press send at the same moment
    if think:
        await asyncio.sleep(rng.uniform(0, think))
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        for r in range(rounds):
            sc = CONVERSATIONS[(idx + r) % len(CONVERSATIONS)]
            t0 = time.perf_counter()
            start = await c.post("/api/v1/consultations", headers=headers)
            lat.append(time.perf_counter() - t0)
            start.raise_for_status()
            cid, replies = start.json()["id"], start.json()["messages"]
            concern, sent = list(sc.concern), [{"text": "/start_consultation"}]
            for turn in range(20):
                said, _kind = sync_brain.answer(sc, replies, concern, turn)
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))  # reading and typing (not timed)
                t0 = time.perf_counter()
                resp = await c.post(f"/api/v1/consultations/{cid}/messages", json=said,
                                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
                lat.append(time.perf_counter() - t0)
                resp.raise_for_status()
                sent.append(said)
                body = resp.json()
                replies = body["messages"]
                if body.get("assessment"):
                    break
            scripts.append(sent)


async def engine_user(engine: str, script: list[dict], lat: list[float],
                      think: float = 0.0) -> None:
    """Replay one recorded conversation straight to Rasa's REST channel."""
    sender = "bench-" + uuid.uuid4().hex
    rng = random.Random(sender)
    if think:
        await asyncio.sleep(rng.uniform(0, think))
    async with httpx.AsyncClient(base_url=engine, timeout=60) as c:
        for said in script:
            msg = said.get("text") or said.get("payload")
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            t0 = time.perf_counter()
            r = await c.post("/webhooks/rest/webhook", json={"sender": sender, "message": msg})
            lat.append(time.perf_counter() - t0)
            r.raise_for_status()


async def run_level(stack: Stack, token: str, users: int, rounds: int, think: float = 0.0) -> dict:
    lat_g: list[float] = []
    scripts: list[list[dict]] = []
    t0 = time.perf_counter()
    await asyncio.gather(*(gateway_user(stack.base_url, token, rounds, lat_g, scripts, i, think)
                           for i in range(users)))
    wall_g = time.perf_counter() - t0
    lat_e: list[float] = []
    engine = f"http://127.0.0.1:{stack.engine_port}"
    t0 = time.perf_counter()
    # the same conversations, the same concurrency
    sem = asyncio.Semaphore(users)

    async def one(s):
        async with sem:
            await engine_user(engine, s, lat_e, think)

    await asyncio.gather(*(one(s) for s in scripts))
    wall_e = time.perf_counter() - t0
    g, e = summary(lat_g, wall_g), summary(lat_e, wall_e)
    return {"concurrency": users, "think_seconds": think, "gateway": g, "engine": e,
            "p95_ratio": round(g["p95_ms"] / e["p95_ms"], 2) if e["p95_ms"] else None}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the whole process group)."""
    total = 0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) != pid:  # process group id
                continue
            for line in (d / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return round(total / 1024, 1)


def svg(results: list[dict], path: Path) -> None:
    """A small grouped bar chart of p95 per level: gateway vs engine."""
    w, h, pad = 560, 300, 50
    top = max(max(r["gateway"]["p95_ms"], r["engine"]["p95_ms"]) for r in results) or 1
    bw = (w - 2 * pad) / (len(results) * 3)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
             f'aria-label="p95 chat turn time, gateway and engine alone">',
             f'<text x="{pad}" y="20" font-family="sans-serif" font-size="14">p95 ms per chat '
             'turn (dark: gateway, light: engine alone)</text>']
    for i, r in enumerate(results):
        for j, (key, colour) in enumerate((("gateway", "#1d70b8"), ("engine", "#9dc5e8"))):
            v = r[key]["p95_ms"]
            bh = (h - 2 * pad) * v / top
            x = pad + (i * 3 + j) * bw
            parts.append(f'<rect x="{x:.0f}" y="{h - pad - bh:.0f}" width="{bw:.0f}" '
                         f'height="{bh:.0f}" fill="{colour}"/>')
            parts.append(f'<text x="{x:.0f}" y="{h - pad - bh - 4:.0f}" font-size="10" '
                         f'font-family="sans-serif">{v:.0f}</text>')
        parts.append(f'<text x="{pad + i * 3 * bw:.0f}" y="{h - pad + 16}" font-size="12" '
                     f'font-family="sans-serif">{r["concurrency"]} at once</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", default="1,10,50")
    ap.add_argument("--rounds", type=int, default=2, help="conversations per simulated user")
    ap.add_argument("--paced", type=int, default=10,
                    help="also run this many users who pause about --think seconds (half to "
                         "one and a half times, at random) before each message, as people "
                         "typing do (0: skip)")
    ap.add_argument("--think", type=float, default=3.0)
    args = ap.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    stack = Stack(port=free_port(), engine_port=free_port(), actions_port=free_port(),
                  database_url=f"sqlite:///{tmp / 'bench.db'}",
                  extra_env={"TRIAGE_DEMO_PASSWORD": PASSWORD,
                             "SECRET_KEY": secrets.token_urlsafe(32),
                             "RATE_LIMIT_PER_MINUTE": "100000"},
                  echo=False, log_dir=tmp / "logs")
    print("==> starting the stack...", flush=True)
    stack.start(timeout=300)
    try:
        tok = httpx.post(f"{stack.base_url}/api/v1/auth/token",
                         data={"username": "demo.teacher", "password": PASSWORD}).json()["access_token"]
        asyncio.run(run_level(stack, tok, 1, 1))  # warm-up, not counted
        results = []
        for n in levels:
            print(f"==> {n} concurrent conversation(s)...", flush=True)
            results.append(asyncio.run(run_level(stack, tok, n, args.rounds)))
        if args.paced:
            print(f"==> {args.paced} conversations paced like people typing "
                  f"({args.think:g} s before each message)...", flush=True)
            paced = asyncio.run(run_level(stack, tok, args.paced, args.rounds, args.think))
        memory = {c.name: rss_mb(c.proc.pid) for c in stack.components}
    finally:
        stack.stop()
    print(f"\n{'at once':>8} {'gw turns/s':>10} {'gw p50':>8} {'gw p95':>8} {'gw p99':>8} "
          f"{'rasa p50':>9} {'rasa p95':>9} {'p95 ratio':>9}")
    for r in results:
        g, e = r["gateway"], r["engine"]
        print(f"{r['concurrency']:>8} {g['turns_per_s']:>10} {g['p50_ms']:>8} {g['p95_ms']:>8} "
              f"{g['p99_ms']:>8} {e['p50_ms']:>9} {e['p95_ms']:>9} {r['p95_ratio']:>9}")
    if args.paced:
        g, e = paced["gateway"], paced["engine"]
        print(f"{str(args.paced) + ' paced':>8} {g['turns_per_s']:>10} {g['p50_ms']:>8} {g['p95_ms']:>8} "
              f"{g['p99_ms']:>8} {e['p50_ms']:>9} {e['p95_ms']:>9} {paced['p95_ratio']:>9}")
    print("Back-to-back rows: each user sends the next message the moment a reply arrives "
          "(a stress test of capacity). Paced row: users pause as people do.")
    print("memory (RSS, MB):", memory)
    out = ROOT / "reports"
    out.mkdir(exist_ok=True)
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "cpus": os.cpu_count(),
              "results": results, "paced": paced if args.paced else None,
              "memory_rss_mb": memory}
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    svg(results, out / "bench.svg")
    print(f"saved {out / 'bench.json'} and {out / 'bench.svg'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
