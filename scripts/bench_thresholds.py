"""Threshold engine speed: batch throughput through the real CLI, single-call latency.

Prints and saves reports/bench_thresholds.json. The machine is shared and noisy, so
each figure is also given against a reference measured in the same run: the time to
tokenise the same text with a blank spaCy pipeline (the floor any extractor pays).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from thresholds import assess, load_rulebook  # noqa: E402

SHORT = [
    "She told me her dad hits her with a belt when he has been drinking.",
    "A 3 month old baby with a small bruise on his ear; he cannot roll yet.",
    "He has been late to school a few times this term; attendance is 93%.",
    "Mum is struggling with her mental health and the flat is damp and overcrowded.",
    "He has been watching extremist videos and talks about joining a far-right group.",
]
FILLER = ("We talked about the reading scheme, the class trip, his friendships and how he has "
          "settled after half term, and mum asked about the new timetable and homework club. ")


def long_text(rng: random.Random) -> str:
    words = (FILLER * 40).split()[:485]
    return " ".join(words) + " " + rng.choice(SHORT)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def time_calls(texts, fn, repeat=1):
    out = []
    for _ in range(repeat):
        for t in texts:
            t0 = time.perf_counter()
            fn(t)
            out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    rng = random.Random(7)
    load_rulebook()
    assess({"text": "warm up"})
    nlp = spacy.blank("en")
    short_cases = [rng.choice(SHORT) for _ in range(2000)]
    long_cases = [long_text(rng) for _ in range(300)]
    n_words = statistics.mean(len(t.split()) for t in long_cases)

    short_lat = time_calls(short_cases, lambda t: assess({"text": t, "child_age_years": 8}))
    long_lat = time_calls(long_cases, lambda t: assess({"text": t, "child_age_years": 8}))
    ref_long = time_calls(long_cases, nlp.make_doc)

    batch = [json.dumps({"text": rng.choice(SHORT), "child_age_years": rng.choice([0.3, 7, 14])})
             for _ in range(5000)]
    t0 = time.perf_counter()
    p = subprocess.run([str(ROOT / ".venv/bin/triage"), "assess", "--jsonl"], input="\n".join(batch),
                       capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    assert p.returncode == 0 and len(p.stdout.splitlines()) == len(batch), p.stderr[-500:]
    t0 = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/triage"), "assess"], input=batch[0], capture_output=True,
                   text=True, timeout=120)
    startup = time.perf_counter() - t0

    ms = lambda v: round(v * 1000, 3)
    report = {
        "batch_jsonl": {"cases": len(batch), "seconds": round(wall, 2),
                        "per_second_including_startup": round(len(batch) / wall, 1),
                        "per_second_excluding_startup": round(len(batch) / max(wall - startup, 1e-9), 1),
                        "process_startup_seconds": round(startup, 2)},
        "single_in_process_per_second": round(len(short_lat) / sum(short_lat), 1),
        "short_text_ms": {"p50": ms(pct(short_lat, 50)), "p95": ms(pct(short_lat, 95))},
        "long_text_ms": {"words": round(n_words), "p50": ms(pct(long_lat, 50)), "p95": ms(pct(long_lat, 95))},
        "reference_tokenise_long_ms": {"p50": ms(pct(ref_long, 50)), "p95": ms(pct(ref_long, 95))},
        "long_p95_vs_tokenise_ratio": round(pct(long_lat, 95) / pct(ref_long, 95), 1),
        "targets": {"batch_per_second": 1000, "long_p95_ms": 5},
    }
    out = ROOT / "reports"
    out.mkdir(exist_ok=True)
    (out / "bench_thresholds.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
