"""Train the conversation model only when its inputs changed.

The fingerprint is a hash of everything Rasa trains from (config, domain, stories,
rules, the training split of the NLU data) and of the engine lock. It is stored
beside the model; a match means the model on disk is current and training is skipped.
The held-out NLU split (nlu_data/test) is deliberately not part of it: it is never
trained on.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
MODEL = MODELS / "current.tar.gz"
FINGERPRINT = MODELS / "current.fingerprint"
ENGINE = Path(os.environ.get("ENGINE_VENV", ROOT / ".venv-engine")) / "bin" / "rasa"

INPUTS = ["config.yml", "assistant/domain.yml", "assistant/data", "nlu_data/train",
          "requirements/engine.lock"]


def training_files() -> list[Path]:
    files: list[Path] = []
    for name in INPUTS:
        p = ROOT / name
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in {".yml", ".yaml"})
        elif p.exists():
            files.append(p)
    return files


def fingerprint() -> str:
    h = hashlib.sha256()
    for f in training_files():
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def is_current() -> bool:
    return MODEL.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text().strip() == fingerprint()


def train(force: bool = False) -> int:
    if not force and is_current():
        print("==> The conversation model is up to date (models/current.tar.gz).", flush=True)
        return 0
    missing = [n for n in INPUTS[:3] if not (ROOT / n).exists()]
    if missing:
        print(f"Cannot train: missing {', '.join(missing)}", file=sys.stderr)
        return 1
    print("==> Training the conversation model (a few minutes on 2 cores; progress below)...",
          flush=True)
    started = time.monotonic()
    fp = fingerprint()
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
               SQLALCHEMY_SILENCE_UBER_WARNING="1")
    cmd = [str(ENGINE), "train", "--config", "config.yml", "--domain", "assistant/domain.yml",
           "--data", "nlu_data/train", "assistant/data", "--out", "models",
           "--fixed-model-name", "current"]
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    if rc != 0 or not MODEL.exists():
        print(f"Training failed (exit {rc}).", file=sys.stderr)
        return rc or 1
    FINGERPRINT.write_text(fp + "\n")
    print(f"==> Model trained in {time.monotonic() - started:.0f}s.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(train(force="--force" in sys.argv))
