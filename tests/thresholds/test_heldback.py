"""Agreement with vignettes written independently of the rulebook, from PRACTICE.md alone.

Each held-back file was written by someone who had not seen the rulebook, its patterns
or the main vignette suite. First measurements, before any fix they prompted:
- heldback.yml (45 cases): 78% level agreement, 3 level-4 cases read lower, 5 routes missed;
- heldback2.yml (40 cases, kept back until the end): 78% agreement, 3 level-4 cases read
  lower (each flagged for human review), 6 routes missed.
The gaps both showed were then fixed in the rulebook, so these files now guard those
fixes and are no longer fresh measurements; a new set is needed for that. The targets
are the product's: at least 90% level agreement, no level-4 case read as lower, and
every special route named. Figures are written to reports/heldback*.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from thresholds import assess

HERE = Path(__file__).parent
FILES = sorted(HERE.glob("heldback*.yml"))
CASE_KEYS = ("text", "child_age_years", "unborn", "immediate_danger", "consent", "mobile")
REPORTS = HERE.parent.parent / "reports"


def measure(path: Path) -> dict:
    cases = yaml.safe_load(path.read_text())
    agree, missed_l4, missed_routes, disagreements = 0, [], [], []
    for v in cases:
        r = assess({k: v[k] for k in CASE_KEYS if k in v})
        if r["level"] == v["level"]:
            agree += 1
        else:
            disagreements.append({"id": v["id"], "expected": v["level"], "got": r["level"],
                                  "recommendation": r["recommendation"]})
        if v["level"] == 4 and r["level"] < 4:
            missed_l4.append(v["id"])
        if v.get("rec") == "emergency_999" and r["recommendation"] != "emergency_999":
            missed_l4.append(v["id"] + " (999)")
        if not set(v.get("routes") or []) <= set(r["special_routes"]):
            missed_routes.append(v["id"])
    return {"file": path.name, "cases": len(cases), "level_agreement": round(agree / len(cases), 3),
            "missed_level_4": missed_l4, "missed_routes": missed_routes,
            "disagreements": disagreements}


def test_heldback_files_exist():
    assert FILES, "no held-back vignette files found"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_heldback_agreement(path):
    result = measure(path)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{path.stem}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    assert result["cases"] >= 30
    assert not result["missed_level_4"], result
    assert not result["missed_routes"], result
    assert result["level_agreement"] >= 0.90, result
