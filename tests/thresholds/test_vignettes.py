"""The vignette suite: every level, override and special route, context, typos,
long texts, injection attempts and text the engine cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from thresholds import assess

VIGNETTES = yaml.safe_load((Path(__file__).resolve().parents[2] / "thresholds" / "reference" / "vignettes.yml").read_text())
CASE_KEYS = ("text", "child_age_years", "unborn", "immediate_danger", "consent", "mobile",
             "caller_wants_referral")


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette(v):
    r = assess({k: v[k] for k in CASE_KEYS if k in v})
    if "level" in v:
        assert r["level"] == v["level"], r["rationale"]
    if "min_level" in v:
        assert r["level"] >= v["min_level"], r["rationale"]
    if "max_level" in v:
        assert r["level"] <= v["max_level"], r["rationale"]
    if "rec" in v:
        assert r["recommendation"] == v["rec"]
    if "routes" in v:
        assert sorted(r["special_routes"]) == sorted(v["routes"])
    if "review" in v:
        assert r["needs_human_review"] is v["review"]
    found = {i["id"] for i in r["indicators"]}
    assert set(v.get("must", [])) <= found
    for i in r["indicators"]:
        if i["end"] > i["start"]:
            assert v["text"][i["start"]:i["end"]] == i["evidence"]


def test_every_level_and_route_is_exercised():
    levels = {v.get("level") for v in VIGNETTES}
    routes = {r for v in VIGNETTES for r in v.get("routes", [])}
    assert {1, 2, 3, 4} <= levels
    assert routes == {"lado", "prevent", "police_fgm", "private_fostering"}
