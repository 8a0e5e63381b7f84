"""Threshold engine speed: batch throughput through the real CLI, single-call latency.

Prints and saves reports/bench_thresholds.json. The machine is shared and noisy, so
each figure is also given against a reference measured in the same run: the time to
tokenise the same text with a blank spaCy pipeline (the floor any extractor pays).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
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
# Ordinary sentences a caller pads a long account with; shuffled so no two long texts
# are alike (a text of one sentence repeated would flatter any cache or pre-filter).
ORDINARY = [
    "We talked about the reading scheme and how he has settled after half term.",
    "Mum asked about the new timetable and whether homework club runs on Fridays.",
    "His friendships in class are mostly fine, although he argues with one boy at lunch.",
    "The class went on a trip to the museum last week and he enjoyed the dinosaurs.",
    "He is in the middle reading group and his handwriting has improved this year.",
    "Dad usually collects him on Wednesdays and they walk home together.",
    "She plays football on Saturday mornings and talks about it a lot.",
    "Her teacher says she is chatty in the afternoons and needs reminding to focus.",
    "The family moved to a new flat nearer the school at the start of the year.",
    "He has a younger sister in reception who is settling in well.",
    "We have had a few letters home about uniform but nothing unusual.",
    "Mum came to parents evening and was positive about the support in maths.",
    "At breakfast club he usually has toast and juice before lessons start.",
    "She told her friends about the holiday they had at her grandparents' house.",
    "He finds spelling tests hard and gets upset when he does not finish in time.",
    "The school nurse saw the class for the usual height and weight checks.",
    "Her attendance this term has been similar to last term's.",
    "We noticed he was quieter on Monday, though he joined in with PE as normal.",
    "Mum works shifts at the hospital and grandma helps with the school run.",
    "He has been chosen for the school choir and is practising for the concert.",
    "Lunchtime staff say he eats well and sits with the same group each day.",
    "She is learning the recorder and brings it home every Thursday.",
    "The SENCo is looking at whether he needs extra help with phonics.",
    "They have a dog at home and he often draws pictures of it in class.",
]


def long_text(rng: random.Random) -> str:
    words: list[str] = []
    while len(words) < 485:
        words += rng.choice(ORDINARY).split()
    return " ".join(words[:485]) + ". " + rng.choice(SHORT)


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

    print("timing single calls...", file=sys.stderr)
    short_lat = time_calls(short_cases, lambda t: assess({"text": t, "child_age_years": 8}))
    long_lat = time_calls(long_cases, lambda t: assess({"text": t, "child_age_years": 8}))
    ref_long = time_calls(long_cases, nlp.make_doc)

    batch = [json.dumps({"text": rng.choice(SHORT), "child_age_years": rng.choice([0.3, 7, 14])})
             for _ in range(5000)]
    def run_batch(workers: int) -> float:
        t0 = time.perf_counter()
        p = subprocess.run([str(ROOT / ".venv/bin/triage"), "assess", "--jsonl"], input="\n".join(batch),
                           capture_output=True, text=True, timeout=600,
                           env={**os.environ, "TRIAGE_WORKERS": str(workers)})
        wall = time.perf_counter() - t0
        assert p.returncode == 0 and len(p.stdout.splitlines()) == len(batch), p.stderr[-500:]
        return wall

    print(f"batch of {len(batch)} cases through `triage assess --jsonl`...", file=sys.stderr)
    wall = run_batch(1)  # the default: one process
    cores = os.cpu_count() or 1
    wall_shared = run_batch(cores) if cores > 1 else wall  # opted in: TRIAGE_WORKERS=cores
    def one_process(env: dict) -> float:
        t0 = time.perf_counter()
        p = subprocess.run([str(ROOT / ".venv/bin/triage"), "assess"], input=batch[0], capture_output=True,
                           text=True, timeout=120, env={**os.environ, **env})
        assert p.returncode == 0, p.stdout + p.stderr[-500:]
        return time.perf_counter() - t0

    startup = one_process({})  # the usual start: the compiled rulebook is in the cache
    with tempfile.TemporaryDirectory() as empty:  # the first start after a rulebook changes
        startup_cold = one_process({"TRIAGE_CACHE_DIR": empty})

    ms = lambda v: round(v * 1000, 3)
    report = {
        "batch_jsonl": {"cases": len(batch), "processes": 1, "seconds": round(wall, 2),
                        "per_second_including_startup": round(len(batch) / wall, 1),
                        "per_second_excluding_startup": round(len(batch) / max(wall - startup, 1e-9), 1),
                        "process_startup_seconds": round(startup, 2),
                        # checking and compiling the rulebook again, as after it is edited
                        "process_startup_seconds_without_cache": round(startup_cold, 2)},
        "batch_jsonl_shared": {"processes": cores, "setting": f"TRIAGE_WORKERS={cores}",
                               "per_second_including_startup": round(len(batch) / wall_shared, 1)},
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
