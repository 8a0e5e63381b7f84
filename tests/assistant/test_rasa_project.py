"""The Rasa project itself: the training data validates, and the trained model's
intent classifier reaches the target on the held-out split it never saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-engine" / "bin" / "rasa"
ENV = dict(os.environ, RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1",
           TF_CPP_MIN_LOG_LEVEL="2", ACTION_ENDPOINT_URL="http://127.0.0.1:5055/webhook",
           MPLBACKEND="Agg")


def test_training_data_validates():
    p = subprocess.run([str(RASA), "data", "validate", "--domain", "assistant/domain.yml",
                        "--data", "nlu_data/train", "assistant/data", "--config", "config.yml"],
                       cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]


def test_held_out_split_is_never_trained_on():
    train = (ROOT / "nlu_data/train/nlu.yml").read_text().lower().splitlines()
    test = (ROOT / "nlu_data/test/nlu.yml").read_text().lower().splitlines()
    examples = lambda lines: {l.strip()[2:] for l in lines if l.strip().startswith("- ") and "intent:" not in l}
    assert not (examples(train) & examples(test))


@pytest.mark.slow
def test_held_out_intent_macro_f1():
    p = subprocess.run([sys.executable, "scripts/eval_nlu.py"], cwd=ROOT, env=ENV,
                       capture_output=True, text=True, timeout=900)
    summary = json.loads((ROOT / "reports/nlu/summary.json").read_text())
    print(p.stdout[-2500:])
    assert summary["macro_f1"] >= 0.92, summary
    assert p.returncode == 0
