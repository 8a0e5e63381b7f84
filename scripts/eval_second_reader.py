"""Measure held-back sets with the second reader trained WITHOUT them (leave-out).

    .venv/bin/python scripts/eval_second_reader.py thresholds/reference/fresh/heldback15[3-8].yml

The reader is trained on the rulebook's corpus minus the files named, so that each set is
read by a reader that has never seen it, as a new consultation would be. The rules are
the rules in force (a set's first reading with the rules alone is in test_heldback.py).
Prints, for each set: agreement with and without the reader, level-4 cases read lower,
routes missed; then the totals. Add --json to print one JSON object instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from thresholds import engine  # noqa: E402
from thresholds.reader import corpus_files  # noqa: E402
from thresholds.rulebook import DEFAULT_PATH, load  # noqa: E402

KEYS = ("text", "child_age_years", "unborn", "mobile", "immediate_danger", "consent")


def score(cases, rb, show: bool = False) -> dict:
    agree, l4, routes = 0, [], []
    for v in cases:
        r = engine.assess({k: v[k] for k in KEYS if k in v}, rb)
        agree += r["level"] == v["level"]
        if show and r["level"] != v["level"]:
            print(f"  {v['id']}: expected {v['level']}, got {r['level']} "
                  f"({', '.join(i['id'] for i in r['indicators']) or 'nothing recognised'})"
                  + ("; second reader" if any("second reader" in x for x in r["rationale"]) else ""))
        if (v["level"] == 4 and r["level"] < 4) or (v.get("rec") == "emergency_999" and r["recommendation"] != "emergency_999"):
            l4.append(v["id"])
        if not set(v.get("routes") or []) <= set(r["special_routes"]):
            routes.append(v["id"])
    return {"agree": agree, "cases": len(cases), "level_4_lower_or_999_missed": l4, "routes_missed": routes}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--rulebook", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true", help="list each disagreement")
    args = ap.parse_args()
    data = yaml.safe_load(args.rulebook.read_text())
    held = {f.resolve() for f in args.files}
    keep = [str(f.resolve()) for f in corpus_files(args.rulebook.resolve(), data["second_reader"]["corpus"])
            if f.resolve() not in held]
    with tempfile.TemporaryDirectory() as tmp:
        without = dict(data, second_reader=dict(data["second_reader"], corpus=keep))
        rules_only = dict(data, second_reader={"enabled": False})
        p1, p2 = Path(tmp) / "leave-out.yml", Path(tmp) / "rules-only.yml"
        p1.write_text(yaml.safe_dump(without, sort_keys=False, allow_unicode=True))
        p2.write_text(yaml.safe_dump(rules_only, sort_keys=False, allow_unicode=True))
        os.environ.setdefault("TRIAGE_CACHE_DIR", str(Path(tmp) / "cache"))
        print(f"training the reader on {len(keep)} corpus files, leaving out {len(held)}...", file=sys.stderr)
        rb, rb0 = load(p1), load(p2)
        out = {"left_out": [f.name for f in args.files], "sets": []}
        tot = {"agree": 0, "agree_rules_only": 0, "cases": 0, "level_4_lower_or_999_missed": 0,
               "routes_missed": 0, "sets_meeting_target": 0}
        for f in args.files:
            cases = yaml.safe_load(f.read_text())
            s, s0 = score(cases, rb, args.show and not args.json), score(cases, rb0)
            row = {"file": f.name, "agreement": round(s["agree"] / s["cases"], 3),
                   "agreement_rules_only": round(s0["agree"] / s0["cases"], 3),
                   "level_4_lower_or_999_missed": s["level_4_lower_or_999_missed"],
                   "routes_missed": s["routes_missed"]}
            row["meets_target"] = (row["agreement"] >= 0.9 and not row["level_4_lower_or_999_missed"]
                                   and not row["routes_missed"])
            out["sets"].append(row)
            tot["agree"] += s["agree"]
            tot["agree_rules_only"] += s0["agree"]
            tot["cases"] += s["cases"]
            tot["level_4_lower_or_999_missed"] += len(s["level_4_lower_or_999_missed"])
            tot["routes_missed"] += len(s["routes_missed"])
            tot["sets_meeting_target"] += row["meets_target"]
            if not args.json:
                print(f"{f.name}: {row['agreement']:.1%} (rules alone {row['agreement_rules_only']:.1%}); "
                      f"level 4 lower or 999 missed {row['level_4_lower_or_999_missed'] or 'none'}; "
                      f"routes missed {row['routes_missed'] or 'none'}"
                      + ("; meets the target" if row["meets_target"] else ""))
        out["total"] = {**tot, "agreement": round(tot["agree"] / tot["cases"], 3),
                        "agreement_rules_only": round(tot["agree_rules_only"] / tot["cases"], 3)}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        t = out["total"]
        print(f"total: {t['agreement']:.1%} over {t['cases']} cases (rules alone {t['agreement_rules_only']:.1%}); "
              f"level 4 lower or 999 missed {t['level_4_lower_or_999_missed']}; routes missed {t['routes_missed']}; "
              f"{t['sets_meeting_target']} of {len(args.files)} sets meet the whole target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
