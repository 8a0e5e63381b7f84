"""The one place the action server calls the threshold engine.

Actions never decide a level. They build the case from the slots, ask
`thresholds.assess`, and word the answer from the rulebook's own text.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

import thresholds

thresholds.warm_up_in_background()  # ready before the first caller's advice

RECOMMENDATION_WORDS = {
    "hold_case": "Hold the case in your own service",
    "early_help_assessment": "Start an early help assessment, with the family's consent",
    "mash_referral": "Refer to the MASH now",
    "emergency_999": "Phone 999 now, then refer to the MASH",
}


def case_from(tracker: Tracker, text: str | None = None, immediate_danger: bool | None = None) -> dict:
    """The case facts gathered so far, in the engine's input format."""
    parts = [text] if text is not None else [
        tracker.get_slot("concern"), tracker.get_slot("followup")]
    body = " ".join(p for p in parts if p and p.strip()) or "(no description given)"
    case: dict[str, Any] = {"text": body}
    role = tracker.get_slot("caller_role")
    if role:
        case["caller_role"] = role
    years = tracker.get_slot("child_age_years")
    if years is not None:
        case["child_age_years"] = float(years)
    if tracker.get_slot("unborn"):
        case["unborn"] = True
    danger = tracker.get_slot("immediate_danger") if immediate_danger is None else immediate_danger
    if danger is not None:
        case["immediate_danger"] = bool(danger)
    consent = tracker.get_slot("consent")
    if consent in ("given", "refused", "not_sought", "unknown"):
        case["consent"] = consent
    mobile = tracker.get_slot("baby_mobile")
    if mobile in ("yes", "no"):
        case["mobile"] = mobile == "yes"
    involvement = tracker.get_slot("involvement")
    if involvement in ("none", "early_help", "social_care", "unknown"):
        case["existing_involvement"] = involvement
    if tracker.get_slot("wants_referral"):
        case["caller_wants_referral"] = True
    return case


def assess(case: dict) -> dict:
    """Assess, dropping optional extras an older engine may not know rather than failing."""
    try:
        return thresholds.assess(case)
    except thresholds.CaseError:
        core = {k: v for k, v in case.items()
                if k in ("text", "child_age_years", "unborn", "caller_role", "immediate_danger",
                         "consent")}
        return thresholds.assess(core)


def danger_in_text(text: str, tracker: Tracker) -> bool:
    """Does this message describe a child in immediate danger now? (the engine decides)"""
    if not text or text.startswith("/"):
        return False
    case = case_from(tracker, text=text, immediate_danger=False)
    case.pop("consent", None)
    try:
        return assess(case)["recommendation"] == "emergency_999"
    except thresholds.CaseError:
        return False


def rulebook():
    return thresholds.load_rulebook()


def _get(obj: Any, name: str, *args):
    """Read a rulebook accessor or key, tolerating either objects or dicts."""
    if obj is None:
        return None
    attr = getattr(obj, name, None)
    if callable(attr):
        try:
            return attr(*args)
        except (KeyError, LookupError, ValueError, TypeError):
            return None
    if attr is not None and not args:
        return attr
    if isinstance(obj, dict):
        val = obj.get(name)
        return val.get(args[0]) if args and isinstance(val, dict) else val
    return None


def field(obj: Any, name: str, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def indicator_descriptor(indicator_id: str) -> str:
    ind = _get(rulebook(), "indicator", indicator_id)
    return field(ind, "descriptor") or indicator_id.replace("_", " ")


def indicator_questions(indicator_id: str) -> list[str]:
    ind = _get(rulebook(), "indicator", indicator_id)
    return list(field(ind, "questions") or [])


def level_info(level: int) -> dict:
    info = _get(rulebook(), "level", level)
    return {"name": field(info, "name") or f"Level {level}",
            "description": field(info, "description") or ""}


def outcome_info(recommendation: str) -> dict:
    out = _get(rulebook(), "outcome", recommendation)
    return {"title": field(out, "title") or RECOMMENDATION_WORDS.get(recommendation, recommendation),
            "next_steps": list(field(out, "next_steps") or []),
            "timescale": field(out, "timescale") or "",
            "consent_guidance": field(out, "consent_guidance") or ""}


def route_info(route: str) -> dict:
    r = _get(rulebook(), "route", route)
    return {"title": field(r, "title") or route.replace("_", " ").upper(),
            "action": field(r, "action") or ""}


def contacts() -> dict:
    c = _get(rulebook(), "contacts")
    return c if isinstance(c, dict) else {}
