"""The threshold engine: case facts in, level and advice out, with the reasons.

Deterministic rules, applied in a fixed order: validate the case, find the indicators
that apply to this child now, apply the overrides, combine, then map the level to a
recommendation through the rulebook. Every step can only raise the level. Uncertainty
raises `needs_human_review`; it never lowers anything.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .extract import Mention, english_ratio, read_and_extract, unplaced_alarms
from .reader import second_reader
from .rulebook import Rulebook, compile_pattern, load_rulebook

MAX_TEXT_CHARS = 100_000
CONSENT = ("given", "refused", "not_sought", "unknown")
INVOLVEMENT = ("none", "early_help", "social_care", "unknown")
FIELDS: dict[str, tuple[type, ...]] = {
    "text": (str,), "child_age_years": (int, float), "unborn": (bool,), "caller_role": (str,),
    "immediate_danger": (bool,), "consent": (str,),
    # Extras the chat gathers (optional; not part of the outside contract).
    "mobile": (bool,), "existing_involvement": (str,), "caller_wants_referral": (bool,),
}
PRIVATE_FOSTERING_DURATION = re.compile(
    r"\b(for|since|over) ['\"\u2018\u2019\u201c\u201d]?(the )?(last |past )?((about|around|nearly|almost|over|more than|at least) )?"
    r"((\d+|two|three|four|five|six|several|a few|a couple of|some|many) )?(weeks|months|years|month|year)\b|"
    r"\b(last|this past) (spring|summer|autumn|winter|september|october|november|december|january|february|march|"
    r"april|may|june|july|august)\b|"
    r"\b(since|from) (the )?((early|mid|late|the (start|end|beginning|middle) of)[- ])?(summer|september|sept?|christmas|easter|january|jan|february|feb|"
    r"march|april|apr|may|june|july|august|aug|october|oct|november|nov|december|dec|half term|"
    r"last term|(start|beginning) of (the )?(term|year|school year|half[- ]term))\b|"
    r"\b(four|five|six|seven|eight|nine|ten|[4-9])( and a half)? weeks\b|"
    r"\bsince\b[^.?!]{0,60}\bin (january|february|march|april|may|june|july|august|september|october|"
    r"november|december|the (spring|summer|autumn|winter))\b|"
    r"\b(\d+|two|three|four|five|six|several|many) months? (now|ago)\b|"
    # an arrangement meant to last ("until at least Easter", "it's open-ended")
    r"\b(until|till|til) (at least )?(christmas|easter|the summer|summer|the end of (the )?(term|school year|year)|"
    r"next (year|term|month|summer))\b|\b(open[- ]ended|indefinitely)\b|"
    # "Her parents moved abroad at the end of August ... It's now November."
    r"\b(it'?s|it is) now (january|february|march|april|may|june|july|august|september|october|november|december)\b|"
    r"\b([4-9]|\d\d|four|five|six|seven|eight|nine|ten) (weeks|wks) (now|ago)\b|"
    # "fell out with her dad in September and has been living there since then"
    r"\bin (january|february|march|april|may|june|july|august|september|october|november|december|the "
    r"(spring|summer|autumn|winter))\b[^.?!]{0,100}\bsince then\b|"
    r"\bbeen (here|there|with (them|her|him)) (for )?(about |nearly |over )?([4-9]|\d\d|four|five|six|seven|"
    r"eight) (weeks|wks)\b|"
    r"\b(the )?(whole|entire) (\w+ )?(year|term)\b|\b(about|around|nearly|over|almost) ([4-9]|\d\d) "
    r"(weeks|wks)\b|"
    r"\b(came|arrived|moved|joined|started)\b[^.?!]{0,40}\bin (the )?(spring|autumn|winter|summer|september|january|february|march|"
    r"april|may|june|july|august|october|november|december|last year|\d{4})\b|"
    r"\b(living|lived|staying|stayed|been)\b[^.?!]{0,20}\b(\d+|two|three|four|five|six|several|"
    r"many) (months|years)\b|\b([4-9]|\d\d|four|five|six|seven|eight|several|many) weeks ago\b|"
    # "since the start of last month", "since last term"
    r"\b(since|from) (the )?((start|beginning|middle|end) of )?last (month|term|half[- ]term)\b|"
    # "came from abroad last year with a woman she calls 'auntie'"
    r"\b(came|arrived|moved)\b[^.?!]{0,40}\blast (year|spring|summer|autumn|winter)\b",
    re.IGNORECASE)
# "had FGM as a 5 year old", "abused when she was 12": an age given just after a mention.
# An age above the child's own (or any age, for an unborn baby) is someone else's past.
_NUMBERS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen").split()
AGE_AT = re.compile(
    r"[^.?!;]{0,40}?\b(?:as an? (?=\S+[- ]?(?:years?|yrs?)[- ]?old)|aged |at (?:the )?age (?:of )?|"
    r"when (?:she|he) was (?:an? )?(?:(?:about|around|only|just|nearly|almost|barely) )?)(?P<n>\d{1,2}|%s)\b"
    r"(?![- ]?(?:months?|weeks?|wks?|days?|/40)\b)" % "|".join(_NUMBERS), re.IGNORECASE)
# "He said that when he was about 14 a man he met in a chatroom groomed him": the same,
# said earlier in the sentence, just before what happened
# ("She came into care at 11 after her stepdad [sexually abused] her": the age she came into care)
AGE_BEFORE = re.compile(
    r"\b(?:when (?:she|he) was (?:an? )?(?:(?:about|around|only|just|nearly|almost|barely) )?|"
    r"(?:came|went|was taken|was put|was placed|were taken|were placed) into (?:foster )?care (?:at|aged) (?:the age of )?)"
    r"(?P<n>\d{1,2}|%s)\b"
    r"(?![- ]?(?:months?|weeks?|wks?|days?|/40)\b)(?:(?! (?:and|but|now|today|then)\b)[^.?!;]){0,60}$"
    % "|".join(_NUMBERS), re.IGNORECASE)


def age_said_after(text: str, end: int) -> int | None:
    m = AGE_AT.match(text, end)
    if not m:
        return None
    n = m.group("n").lower()
    return int(n) if n.isdigit() else _NUMBERS.index(n) + 1


def age_said_before(text: str, start: int) -> int | None:
    sentence_start = max(text.rfind(".", 0, start), text.rfind("?", 0, start), text.rfind("!", 0, start)) + 1
    m = AGE_BEFORE.search(text, sentence_start, start)
    if not m:
        return None
    n = m.group("n").lower()
    return int(n) if n.isdigit() else _NUMBERS.index(n) + 1


# The mother's age in a text about a baby not yet born: "Mum is 18", "Chloe, 20, is 22
# weeks", "she's 16". Only 12-49; never a gestation ("she is 32 weeks").
MOTHER_AGE = re.compile(
    r"\b(?:mum|mother|mum-to-be|she|client|patient|woman|girl)(?:'s| is| is aged| aged|,)\s+"
    r"(1[2-9]|[2-4]\d)\b(?![- ]?(?:weeks?|wks?|w\b|/40|months?|days?|%|\+))"
    r"|\b[A-Z][a-z]+, (1[2-9]|[2-4]\d),(?! ?(?:weeks?|wks?))"
    r"|\b(1[2-9]|[2-4]\d)[- ]?(?:yo|y/o|years?[- ]old|yrs?[- ]old)\b(?=[^.?!]{0,20}\b(?:pregnant|mum|mother|weeks))",
    re.IGNORECASE)


def mother_age_said(text: str) -> int | None:
    m = MOTHER_AGE.search(text)
    return int(next(g for g in m.groups() if g)) if m else None


# A stay of a few weeks (said of the stay: "I've been seeing her for a few weeks" is not)
_FEW = r"\b(for|over) (the )?(last |past )?(one|1|two|2|three|3|a few|a couple of) weeks?\b"
FEW_WEEKS = re.compile(
    rf"\b(living|staying|stayed|lived|lives|stays|been (there|here|with \w+)|moved in)\b[^.?!]{{0,60}}{_FEW}|"
    rf"{_FEW}[^.?!]{{0,40}}\b(living|staying|with (them|her|him|the \w+)|there)\b|"
    # (a whole sentence that is only the stay: "It's been a couple of weeks.")
    rf"\b(it'?s|it has) been (about |only |just )?(one|two|three|a few|a couple of) weeks?\b",
    re.IGNORECASE)

# Attendance given as a figure ("attendance 84%", "from 96% to 74%", "down to 71% this
# year"); the look-ahead lets the scanner skip positions that cannot start a match.
ATTENDANCE = re.compile(r"(?=[adfiostwADFIOSTW\d])(?:"
                        # the figure first ("at about 80% attendance")
                        r"\b(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b)\s+attendance\b|"
                        r"attendance[^.?!%]{0,30}?(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b)(?:[^.?!%\d]{0,20}?\b"
                        r"(?:to|now)\s+(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b))?|"
                        # a school-year figure without the word ("down to 71% this year",
                        # "is at 71% this year")
                        r"\b(?:down|dropped|fallen|fell|slipped) to\s+(\d{1,2}(?:\.\d+)?)\s?%(?=\s+(?:this|last) "
                        r"(?:year|term|half[- ]term)\b)|"
                        r"\b(?:at|on)\s+(\d{1,2}(?:\.\d+)?)\s?%(?=\s+(?:this|last) "
                        r"(?:year|yr|term|half[- ]term)\b)|"
                        # "This year it has fallen to 78%"
                        r"\b(?:this|last) (?:year|yr|term)\b[^.?!%]{0,30}?\b(?:fallen|dropped|slipped|fell|gone "
                        r"down|down) to\s+(\d{1,2}(?:\.\d+)?)\s?%)", re.IGNORECASE)


class CaseError(ValueError):
    """Bad input: the message says exactly what is wrong."""


def validate_case(case: Any) -> dict:
    if not isinstance(case, dict):
        raise CaseError("a case must be a JSON object with at least a 'text' field")
    unknown = sorted(set(case) - set(FIELDS))
    if unknown:
        raise CaseError(f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    if "text" not in case:
        raise CaseError("'text' is required: describe the concern in words")
    for key, value in case.items():
        types = FIELDS[key]
        if value is None and key != "text":
            continue
        ok = isinstance(value, types) and not (bool not in types and isinstance(value, bool))
        if not ok:
            names = " or ".join("number" if t in (int, float) else
                                {str: "string", bool: "boolean"}[t] for t in types)
            raise CaseError(f"'{key}' must be a {names}, not {type(value).__name__}")
    text = case["text"]
    if not text.strip():
        raise CaseError("'text' is empty: describe the concern in words")
    if len(text) > MAX_TEXT_CHARS:
        raise CaseError(f"'text' is too long ({len(text)} characters; at most {MAX_TEXT_CHARS})")
    if "\x00" in text:
        raise CaseError("'text' contains a NUL character")
    age = case.get("child_age_years")
    if age is not None and (not math.isfinite(age) or age < 0 or age > 25):
        raise CaseError("'child_age_years' must be between 0 and 25")
    if case.get("consent") is not None and case["consent"] not in CONSENT:
        raise CaseError(f"'consent' must be one of {', '.join(CONSENT)}")
    inv = case.get("existing_involvement")
    if inv is not None and inv not in INVOLVEMENT:
        raise CaseError(f"'existing_involvement' must be one of {', '.join(INVOLVEMENT)}")
    return case


def assess(case: Any, rulebook: Rulebook | None = None) -> dict:
    """Place one case on the continuum of need. Raises CaseError for bad input."""
    case = validate_case(case)
    rb = rulebook or load_rulebook()
    text: str = case["text"]
    age = case.get("child_age_years")
    unborn = bool(case.get("unborn"))
    rationale: list[str] = []
    review_reasons: list[str] = []

    # `read`: the text with slips and shorthand put into words, for the rules below that
    # search it; `text`, as typed, for anything placed by offset
    mentions, read, edits = read_and_extract(text, rb)
    # A mention dated by an age the child has not reached is about someone else.
    mentions = [Mention(m.indicator_id, m.start, m.end, m.evidence, "other_person")
                if m.context is None and "other_person" not in rb.indicators[m.indicator_id].context_exempt
                and (((n := age_said_after(text, m.end)) is not None and (unborn or (age is not None and n > age + 1)))
                     # an age said just before: only against a born child's own age (for a baby not
                     # yet born it is often an older sibling's history, which counts)
                     or (not unborn and age is not None and (n := age_said_before(text, m.start)) is not None
                         and n > age + 1)) else m for m in mentions]
    # An indicator that applies only below an age ("an adult partner" under 16) needs a
    # child of that age; for an unborn baby the text is about the mother, an adult unless
    # it says she is young.
    pb_rule = rb.overrides.get("pre_birth_concern") or {}
    young_mother = unborn and any(compile_pattern(p).search(read)
                                  for p in pb_rule.get("young_mother_patterns") or [])
    # (where the text gives the mother's age, "Mum is 18", that age decides)
    mother_age = mother_age_said(read) if unborn else None
    mentions = [m for m in mentions if rb.indicators[m.indicator_id].below_years is None or (
        age < rb.indicators[m.indicator_id].below_years if age is not None else
        (mother_age < rb.indicators[m.indicator_id].below_years if mother_age is not None
         else not unborn or young_mother))]
    # an indicator of an older child ("she is 20 weeks pregnant") in a text about a young
    # child is about someone else, the mother
    mentions = [m for m in mentions if rb.indicators[m.indicator_id].from_years is None or unborn
                or age is None or age >= rb.indicators[m.indicator_id].from_years]
    # an indicator written for a baby not yet born (the mother's own drug use) needs one
    mentions = [m for m in mentions if unborn or not rb.indicators[m.indicator_id].unborn_only]
    applying: dict[str, Mention] = {}
    for m in mentions:
        if m.context is None:
            if m.indicator_id not in applying or m.start < applying[m.indicator_id].start:
                applying[m.indicator_id] = m
    for m in mentions:
        ind = rb.indicators[m.indicator_id]
        if (m.context in ("hypothetical", "historical", "other_person") and ind.level == 4
                and m.indicator_id not in applying):
            review_reasons.append(
                f"A serious matter was mentioned as {m.context.replace('_', ' ')} "
                f"(\"{m.evidence}\"); an advisor should check whether it applies now.")

    found: list[dict] = []

    def add(ind_id: str, domain: str, level: int, m: Mention | None) -> None:
        found.append({"id": ind_id, "domain": domain, "level": level,
                      "evidence": m.evidence if m else "", "start": m.start if m else 0,
                      "end": m.end if m else 0})

    for ind_id, m in sorted(applying.items(), key=lambda kv: kv[1].start):
        ind = rb.indicators[ind_id]
        level = ind.level
        # read at another level from an age; an unknown age takes the higher reading
        if ind.level_from_age and (age is None or age >= ind.level_from_age[0]) and not unborn:
            level = max(level, ind.level_from_age[1]) if age is None else ind.level_from_age[1]
        add(ind_id, ind.domain, level, m)

    # Attendance as a figure: below 90% is persistent absence, 90-94% occasional;
    # "from 96% to 74%" is read as its latest figure.
    # (every form has a "%" or "per cent": most texts are passed over at once)
    att = ATTENDANCE.search(read) if "%" in text or "cent" in text.lower() else None
    if att:
        pct = float(next(g for g in (att.group(3), att.group(2), att.group(4), att.group(5),
                                     att.group(6), att.group(1)) if g))
        a, b = (edits.back(att.start()), edits.back(att.end(), end=True)) if edits else att.span()
        ev = Mention("attendance", a, b, text[a:b], None)
        if pct < 90 and "persistent_absence" not in applying:
            add("persistent_absence", "child_development", 3, ev)
        elif 90 <= pct < 95 and "occasional_absence" not in applying:
            add("occasional_absence", "child_development", 2, ev)

    # An explained minor injury to a mobile child (applied before the baby override,
    # which looks at every injury and does not care about explanations).
    oi = rb.raw.get("ordinary_injury")
    # (a baby under one the caller says is mobile, cruising and walking, counts too)
    # (and a baby under one the text describes as crawling, pulling up or cruising)
    if oi and (case.get("mobile") is not False) and age is not None and (
            age >= 1 or case.get("mobile") is True or (
                age >= 0.5 and any(compile_pattern(p).search(read) for p in oi.get("mobile_patterns") or []))):
        minor = {oi["indicator"]} | {i for i, years in (oi.get("also_from_years") or {}).items()
                                     if age >= years}
        others = {"injury_unexplained", "non_accidental_injury", "physical_abuse",
                  "disclosure_of_abuse", "burn_injury", "fracture"} - minor
        marks = [f for f in found if f["id"] in minor]
        if marks and not others & {f["id"] for f in found} and any(
                compile_pattern(p).search(read) for p in oi["explanation_patterns"]):
            for f in marks:
                f["level"] = oi["level"]
            rationale.append(oi["text"])

    # A need the caller's own account shows to be something else (the rulebook's
    # `explained`): read at that rule's level, its route not named, and always reviewed.
    explained: set[str] = set()
    for rule in rb.raw.get("explained") or []:
        hits = [f for f in found if f["id"] in rule["indicators"]]
        # (`unless_any`: a sign that the account does not explain everything)
        if hits and all(any(compile_pattern(p).search(read) for p in group) for group in rule["when_all"]) \
                and not any(compile_pattern(p).search(read) for p in rule.get("unless_any") or []):
            for f in hits:
                f["level"] = rule["level"]
                explained.add(f["id"])
            rationale.append(rule["text"])
            review_reasons.append("The account explains a concern as something else; an advisor "
                                  "should confirm that reading.")

    ids = {f["id"] for f in found}
    ov = rb.overrides
    emergency = bool(case.get("immediate_danger")) or any(
        rb.indicators[i].emergency for i in ids if i in rb.indicators)
    # needs that together mean danger now (a drunk parent putting the child in the car)
    emergency = emergency or any(set(rule["when_all"]) <= ids for rule in rb.raw.get("emergency_rules") or [])

    # Injury to a baby who is not yet mobile (or a disabled child not independently mobile).
    nm = ov.get("injury_non_mobile_baby")
    if nm:
        injuries = [f for f in found if f["id"] in nm["injury_indicators"]]
        not_mobile_text = bool(injuries) and any(compile_pattern(p).search(read)
                                                 for p in nm["not_mobile_patterns"])
        mobile = case.get("mobile")
        baby_not_mobile = (mobile is False or not_mobile_text or
                           (mobile is None and age is not None and age < nm["not_mobile_below_years"]))
        if injuries and baby_not_mobile and not unborn:
            if mobile is True and not_mobile_text:
                review_reasons.append("The answers disagree about whether the child is mobile.")
            first = injuries[0]
            found.append({**first, "id": "injury_non_mobile_baby", "domain": nm.get("domain", first["domain"]),
                          "level": nm["level"]})
            rationale.append(nm["text"])
    # Sexual activity, pregnancy or an STI under 13.
    su = ov.get("sexual_activity_under_13")
    if su and age is not None and age < su["below_years"]:
        hit = next((f for f in found if f["id"] in su["indicators"]), None)
        if hit:
            found.append({**hit, "id": "sexual_activity_under_13", "level": su["level"]})
            rationale.append(su["text"])
    hy = ov.get("homeless_16_17")
    if hy and age is not None and hy["from_years"] <= age < 18:
        hit = next((f for f in found if f["id"] in hy["indicators"]), None)
        if hit:  # the young person's own homelessness: the override's level replaces it
            found = [f for f in found if f["id"] not in hy["indicators"]]
            found.append({**hit, "id": "homeless_16_17", "level": hy["level"]})
            rationale.append(hy["text"])
    pb = ov.get("pre_birth_concern")
    if pb and unborn and not young_mother:
        found = [f for f in found if f["id"] not in (pb.get("mother_indicators") or [])]
    if pb and unborn:
        for f in found:
            if f["id"] in (pb.get("read_at_level") or {}):
                f["level"] = pb["read_at_level"][f["id"]]
    if pb and unborn and any(f["level"] >= 2 and f["id"] not in (pb.get("not_counted") or [])
                             for f in found):
        found.append({"id": "pre_birth_concern", "domain": pb.get("domain", "parenting_capacity"),
                      "level": pb["level"], "evidence": "", "start": 0, "end": 0})
        rationale.append(pb["text"])

    # Needs that together mean more than either alone (a mark left by a member of staff).
    for rule in rb.raw.get("level_rules") or []:
        ids_now = {f["id"] for f in found}
        hit = next((f for f in found if f["id"] in rule["when_any"]), None)
        if hit and set(rule["when_all"]) <= ids_now and not _rule_excepted(rule, read):
            found.append({**hit, "id": rule["id"], "level": rule["level"]})
            rationale.append(rule["text"])

    # A professional describing a worry that nothing in the rulebook recognises is not told
    # "universal": it is read as at least an emerging need, and an advisor reads it.
    level = max([f["level"] for f in found] or [rb.unrecognised_level])
    for f in found:
        if f["id"] in rb.indicators:
            rationale.append(f"{rb.indicators[f['id']].descriptor} (level {f['level']}).")
    # Combinations: several needs across domains raise the level.
    for c in rb.combinations:
        w = c["when"]
        # the pre-birth override restates needs already found: do not count it twice
        at = [f for f in found if f["level"] == w["at_level"] and f["id"] != "pre_birth_concern"]
        # two readings of one need ("only ten words" and a speech delay) count once
        needs = {(rb.indicators[f["id"]].same_need_as or f["id"]) if f["id"] in rb.indicators else f["id"]
                 for f in at}
        if len(needs) >= w["min_indicators"] and \
                len({f["domain"] for f in at}) >= w["min_domains"] and level < c["raise_to"]:
            level = c["raise_to"]
            rationale.append(c["text"])
            if c.get("review"):
                review_reasons.append("Several complex needs together: an advisor should confirm the level.")
    if emergency:
        level = 4
        rationale.insert(0, ov.get("immediate_danger", {}).get(
            "text", "A child is in immediate danger: phone 999 first."))
        recommendation = rb.emergency_recommendation
    else:
        recommendation = rb.recommendation_for(level)

    # Routes alongside any level.
    routes: list[str] = []
    for f in found:
        ind = rb.indicators.get(f["id"])
        if not ind or not ind.route or ind.route in routes or f["id"] in explained:
            continue
        if ind.route == "police_fgm" and age is not None and age >= 18:
            continue
        if ind.route == "private_fostering":
            if age is not None and age >= 16:
                continue
            if not PRIVATE_FOSTERING_DURATION.search(read) or FEW_WEEKS.search(read):
                review_reasons.append("Possible private fostering: check whether the child has "
                                      "lived there for 28 days or more.")
                continue
        routes.append(ind.route)
    # A route that follows from a need together with who is involved (harm by a parent
    # who also volunteers with children goes to the LADO too).
    ids_found = {f["id"] for f in found}
    for rule in rb.raw.get("route_rules") or []:
        if rule["route"] not in routes and ids_found & set(rule["indicators"]) and any(
                compile_pattern(p).search(read) for p in rule["patterns"]):
            routes.append(rule["route"])
            if rule.get("text"):
                rationale.append(rule["text"])

    # The second reader (thresholds/reader.py): it can raise the level and name a route,
    # never lower a level the rules gave; where the rules recognised nothing, its reading
    # replaces the default level. Whatever it changes goes to an advisor.
    share, nwords = english_ratio(text)
    reader = second_reader(rb)
    # it reads whole descriptions like those it learnt from: a line or two is too little
    reading = reader.read(text) if reader is not None and nwords >= reader.settings["min_words"] and not (
        share < 0.12) else None
    if reading is not None:
        # where the rules found nothing, or only needs the rulebook counts too slight to set a
        # level alone (`read_alone`: a word of low mood or tiredness), the reader reads the level
        needs = [f for f in found if f["level"] >= 2]
        slight = set(reader.settings["read_alone"])
        unrecognised = not emergency and reader.settings["read_unrecognised"] and (
            not found or (needs and all(f["id"] in slight for f in needs)))
        new = reading.level_from(1 if unrecognised else level)
        # below the default it may go only where the advice stays the same (levels 1 and 2
        # both hold the case): it never lowers a recommendation
        if new < level and rb.recommendation_for(new) != recommendation:
            new = level
        if not emergency and new != level and (new > level or unrecognised):
            words = ", ".join(f"\u201c{w}\u201d" for w in reading.words_for(new, level))
            head = ("The rules recognised no need here; the second reader" if unrecognised and not found else
                    "The rules found only " + " and ".join(rb.indicators[f["id"]].descriptor.lower() for f in needs)
                    + ", too slight to set a level alone; the second reader" if unrecognised else
                    f"The rules found level {level}; the second reader")
            rationale.append(
                f"{head}, trained on {reader.n_cases:,} reference consultations and the levels advisors gave "
                f"them, reads this description as level {new} (chance of level {max(new, 2)} or above: "
                f"{reading.at_least(max(new, 2)):.0%})" + (f"; the words that weighed most: {words}" if words else "") + ".")
            review_reasons.append(f"The level is the second reader's ({new}): an advisor should confirm it.")
            level = new
            recommendation = rb.recommendation_for(level)
        # a route the rules weighed and declined (a stay under 28 days, an adult) stays declined
        weighed = {rb.indicators[f["id"]].route for f in found if f["id"] in rb.indicators}
        for r, chance in reading.routes.items():
            if r in routes or r in weighed or chance < reader.settings["route_at"] or (
                    r == "police_fgm" and age is not None and age >= 18) or (
                    r == "private_fostering" and age is not None and age >= 16):
                continue
            if r == "private_fostering" and (not PRIVATE_FOSTERING_DURATION.search(read) or FEW_WEEKS.search(read)):
                review_reasons.append("Possible private fostering: check whether the child has "
                                      "lived there for 28 days or more.")
                continue
            routes.append(r)
            words = ", ".join(f"\u201c{w}\u201d" for w in reading.words_for_route(r))
            review_reasons.append(
                f"The second reader names a route the rules did not ({rb.special_routes[r]['title']}; "
                f"chance {chance:.0%}" + (f"; the words that weighed most: {words}" if words else "")
                + "): an advisor should confirm it applies.")
    for r in routes:
        rationale.append(f"{rb.special_routes[r]['title']}.")

    # Could the text be read with confidence?
    for f in found:
        ind = rb.indicators.get(f["id"])
        if ind and ind.review:
            review_reasons.append(f"{ind.descriptor}: an advisor should check this case.")
    if level < 4 and not emergency:
        missed = unplaced_alarms(text, rb, mentions)
        if missed:
            words = ", ".join(f"\u201c{w}\u201d" for w in missed[:4])
            review_reasons.append(f"The text mentions {words}, which the rules did not place; "
                                  "an advisor should read it in case this is more serious.")
    substantive = [f for f in found if f["level"] >= 2]
    if nwords >= 4 and share < 0.12:
        review_reasons.append("The text does not look like English; an advisor should read it.")
    if not found and not emergency:
        review_reasons.append("No recognisable safeguarding need was found in the text; "
                              "an advisor should read it rather than rely on level 1.")
    elif not substantive and not emergency and nwords > 60:
        review_reasons.append("A long description with no recognised need: an advisor should read it.")

    consent = case.get("consent")
    if recommendation in ("mash_referral", "emergency_999") and consent in ("refused", "not_sought", "unknown"):
        rationale.append("A referral is never delayed for lack of consent.")
    if case.get("caller_wants_referral") and recommendation not in ("mash_referral", "emergency_999"):
        rationale.append("You can refer whatever the level: a professional who is worried can "
                         "always contact the MASH.")
    if case.get("existing_involvement") == "social_care":
        rationale.append("There is an open social care case: share this with the allocated worker.")
    elif case.get("existing_involvement") == "early_help":
        rationale.append("There is an open early help case: share this with the lead professional.")

    rationale += review_reasons
    return {
        "level": level,
        "recommendation": recommendation,
        "special_routes": routes,
        "indicators": found,
        "rationale": _dedupe(rationale),
        "needs_human_review": bool(review_reasons),
        "rulebook": {"name": rb.name, "version": rb.version},
    }


def _rule_excepted(rule: dict, text: str) -> bool:
    """A level rule's `unless_all`: every group has a pattern in the text, and no pattern of
    `unless_none` does (a red mark from a grab, with no blow, pinch or bruise)."""
    groups = rule.get("unless_all")
    if not groups:
        return False
    return all(any(compile_pattern(p).search(text) for p in g) for g in groups) and not any(
        compile_pattern(p).search(text) for p in rule.get("unless_none") or [])


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out
