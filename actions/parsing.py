"""Reading short answers: ages, roles, yes/no, button payloads.

This is input parsing only. Whether an answer matters for the level is decided in
thresholds/, never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = {
    "teacher": ("teacher", "dsl", "safeguarding lead", "school", "head", "senco", "teaching",
                "tutor", "nursery", "early years", "college"),
    "gp": ("gp", "doctor", "general practi", "surgery", "practice nurse"),
    "health_visitor": ("health visitor", "hv"),
    "school_nurse": ("school nurse",),
    "police": ("police", "officer", "pcso", "detective"),
    "social_care": ("social worker", "social care", "family support"),
    "other": ("other", "youth worker", "coach", "volunteer", "housing", "midwife", "paramedic"),
}

YES_WORDS = ("yes", "yeah", "yep", "y", "correct", "right", "true", "they are", "she is", "he is",
             "that's right", "that is right", "mobile")
NO_WORDS = ("no", "nope", "n", "not yet", "not", "isn't", "is not", "can't", "cannot", "none")

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
}


@dataclass(frozen=True)
class Age:
    years: float | None  # None: not known
    unborn: bool = False


def payload_entity(message: dict, name: str) -> str | None:
    """The value of an entity sent by a button payload such as /inform{"consent": "given"}."""
    for e in message.get("entities") or []:
        if e.get("entity") == name and e.get("value") is not None:
            return str(e["value"])
    m = re.search(rf'"{re.escape(name)}"\s*:\s*"([^"]+)"', message.get("text") or "")
    return m.group(1) if m else None


def intent_of(message: dict) -> str:
    return ((message.get("intent") or {}).get("name")) or ""


def parse_role(text: str) -> str | None:
    t = f" {text.lower()} "
    # Longer, more specific phrases first ("school nurse" before "school").
    pairs = sorted(((kw, role) for role, kws in ROLES.items() for kw in kws), key=lambda p: -len(p[0]))
    for kw, role in pairs:
        if re.search(rf"(?<![a-z]){re.escape(kw)}(?![a-z])", t):
            return role
    return None


def parse_yes_no(text: str, intent: str = "") -> bool | None:
    if intent == "affirm":
        return True
    if intent in ("deny", "nothing_else"):
        return False
    t = text.strip().lower().rstrip(".!")
    if not t:
        return None
    if any(re.fullmatch(rf"{re.escape(w)}\b.*", t) for w in ("no", "nope", "not yet", "not")):
        return False
    if any(re.fullmatch(rf"{re.escape(w)}\b.*", t) for w in ("yes", "yeah", "yep", "correct")):
        return True
    return None


def _number(tok: str) -> float | None:
    tok = tok.strip().lower()
    if tok in NUMBER_WORDS:
        return float(NUMBER_WORDS[tok])
    if tok in ("half",):
        return 0.5
    try:
        return float(tok)
    except ValueError:
        return None


def parse_age(text: str) -> Age | None:
    """Age in years from what a professional types; None when it cannot be read at all.

    "3 months", "six weeks", "18 months", "7", "she's 7", "7 and a half", "Year 9",
    "reception", "newborn", "unborn, due in May", "mum is 20 weeks pregnant",
    "don't know".
    """
    t = text.strip().lower()
    if not t:
        return None
    if re.search(r"\b(unborn|pre-?birth|pregnan|due (in|on|date)|expecting|not (yet )?born|antenatal)\b", t):
        return Age(None, unborn=True)
    if re.search(r"\b(don'?t know|do not know|not sure|unknown|no idea|unsure)\b", t):
        return Age(None)
    if re.search(r"\bnew ?born|neonat", t):
        return Age(0.02)
    m = re.search(r"\b(\d+(?:\.\d+)?|[a-z]+)\s*(day|week|wk|month|mth|year|yr)s?\b", t)
    if m and (n := _number(m.group(1))) is not None:
        unit = m.group(2)
        factor = {"day": 1 / 365, "week": 7 / 365, "wk": 7 / 365, "month": 1 / 12, "mth": 1 / 12,
                  "year": 1.0, "yr": 1.0}[unit]
        years = n * factor
        if "half" in t[m.end():m.end() + 15] and unit in ("year", "yr"):
            years += 0.5
        return Age(round(years, 3)) if years <= 25 else None
    m = re.search(r"\byear\s*(\d{1,2})\b", t)
    if m:  # English school year N: children are N+4 to N+5 during the year
        return Age(int(m.group(1)) + 4.5)
    if re.search(r"\breception\b", t):
        return Age(4.5)
    if re.search(r"\bnursery\b", t):
        return Age(3.5)
    m = re.search(r"\b(\d{1,2}(?:\.\d+)?)\b", t)
    if m:
        years = float(m.group(1))
        if "half" in t:
            years += 0.5
        return Age(years) if years <= 25 else None
    words = re.findall(r"[a-z]+", t)
    for w in words:
        if w in NUMBER_WORDS and w not in ("a", "an"):
            return Age(float(NUMBER_WORDS[w]))
    return None


# Order matters: the more specific readings are tried first ("don't agree" is a refusal).
CONSENT = {
    "refused": ("refuse", "refused", "declined", "said no", "won't", "will not", "do not agree",
                "don't agree", "object"),
    "not_sought": ("not asked", "haven't asked", "have not asked", "not yet", "not sought",
                   "not spoken", "haven't spoken", "haven't told", "not told"),
    "unknown": ("don't know", "do not know", "not sure", "unknown", "unsure"),
    "given": ("given", "agree", "agreed", "consent", "happy", "yes", "they know", "aware"),
}
INVOLVEMENT = {
    "unknown": ("don't know", "do not know", "not sure", "unknown", "unsure"),
    "social_care": ("social care", "social worker", "cin", "child in need", "cp plan",
                    "child protection", "allocated worker", "looked after", "lac"),
    "early_help": ("early help", "eha", "taf", "team around", "family support", "lead professional"),
    "none": ("none", "no one", "nobody", "no-one", "not that i know", "no", "nothing"),
}


def parse_choice(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    t = f" {text.lower()} "
    for value, words in table.items():
        if any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", t) for w in words):
            return value
    return None
