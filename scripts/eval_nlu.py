"""Held-out NLU evaluation: per-intent precision, recall and F1, and macro-F1.

Evaluates a model trained only on nlu_data/train against nlu_data/test (never trained
on). By default it uses models/current.tar.gz when that model is current (its
fingerprint covers exactly the training split); `--retrain` trains an NLU-only model
from scratch first. Saves the report and the confusion-matrix picture in reports/nlu/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.train import MODEL, is_current  # noqa: E402

ENGINE = Path(os.environ.get("ENGINE_VENV", ROOT / ".venv-engine")) / "bin" / "rasa"
OUT = ROOT / "reports" / "nlu"
TARGET = 0.92


def run(cmd: list[str]) -> None:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
               SQLALCHEMY_SILENCE_UBER_WARNING="1",
               ACTION_ENDPOINT_URL=os.environ.get("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook"),
               MPLBACKEND="Agg")
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--retrain", action="store_true", help="train an NLU-only model first")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.retrain or not is_current():
        tmp = Path(tempfile.mkdtemp(prefix="nlu-"))
        print("==> Training an NLU-only model on nlu_data/train...", flush=True)
        run([str(ENGINE), "train", "nlu", "--config", "config.yml", "--nlu", "nlu_data/train",
             "--out", str(tmp), "--fixed-model-name", "nlu"])
        model = tmp / "nlu.tar.gz"
    else:
        model = MODEL
    print(f"==> Testing {model.name} on the held-out split nlu_data/test...", flush=True)
    run([str(ENGINE), "test", "nlu", "--nlu", "nlu_data/test", "--model", str(model),
         "--out", str(OUT), "--no-plot"] if os.environ.get("NLU_NO_PLOT") else
        [str(ENGINE), "test", "nlu", "--nlu", "nlu_data/test", "--model", str(model), "--out", str(OUT)])
    report = json.loads((OUT / "intent_report.json").read_text())
    rows = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
            and k not in ("macro avg", "weighted avg", "micro avg")}
    print(f"\n{'intent':<26}{'precision':>10}{'recall':>9}{'f1':>7}{'n':>5}")
    for name, v in sorted(rows.items()):
        print(f"{name:<26}{v['precision']:>10.3f}{v['recall']:>9.3f}{v['f1-score']:>7.3f}{v['support']:>5}")
    macro = report["macro avg"]["f1-score"]
    summary = {"macro_f1": round(macro, 4), "accuracy": report.get("accuracy"),
               "per_intent": {k: round(v["f1-score"], 4) for k, v in rows.items()}, "target": TARGET}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"\nheld-out intent macro-F1: {macro:.3f} (target {TARGET}); "
          f"confusion matrix: {OUT / 'intent_confusion_matrix.png'}")
    return 0 if macro >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
