"""The consultation form: what is asked, in what order, and how answers are read.

The first thing every turn does is the safety check: if the caller has just described
a child in immediate danger (whatever question was asked), the form ends at once so
the advice, 999 first, comes in the same reply.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import Action
from rasa_sdk.types import DomainDict

from . import advice, engine
from .parsing import (CONSENT, INVOLVEMENT, intent_of, parse_age, parse_choice, parse_role,
                      parse_yes_no, payload_entity)

DANGER_CONFIDENCE = 0.8
# The NLU model alone may not end the form in 999 advice: it must also be about *now*.
# (A disclosure of past abuse is level 4, not an emergency; the engine decides that.)
PRESENT = re.compile(r"\b(right now|now|at the moment|currently|as we speak|tonight|today|"
                     r"here|outside|on (his|her|their) way)\b", re.IGNORECASE)
BABY_YEARS = 1.0  # ask whether a baby is mobile below this age
MAX_CONCERN_CHARS = 20_000


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def _free_text_or_skip(tracker: Tracker, skip_intents: tuple[str, ...]) -> str:
    """An optional free-text answer: "-" when skipped (so the form moves on)."""
    text = _text(tracker)
    if intent_of(tracker.latest_message) in skip_intents or text.startswith("/"):
        return "-"
    return text[:MAX_CONCERN_CHARS]


def provisional(tracker: Tracker, extra: dict | None = None) -> dict:
    case = engine.case_from(tracker)
    case.update(extra or {})
    return engine.assess(case)


class ValidateConsultationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_consultation_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        msg = tracker.latest_message
        text = _text(tracker)
        confident_danger = (intent_of(msg) == "report_immediate_danger"
                            and (msg.get("intent") or {}).get("confidence", 0) >= DANGER_CONFIDENCE
                            and bool(PRESENT.search(text)))
        if tracker.get_slot("requested_slot") != "immediate_danger" and (
                confident_danger or engine.danger_in_text(text, tracker)):
            # Keep what they said as part of the concern; end the form now.
            concern = " ".join(p for p in (tracker.get_slot("concern"), text) if p)
            return [SlotSet("immediate_danger", True), SlotSet("concern", concern),
                    SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("immediate_danger") is True:
            return []
        slots = ["caller_role", "immediate_danger", "child_age"]
        years = tracker.get_slot("child_age_years")
        if years is not None and years < BABY_YEARS and not tracker.get_slot("unborn"):
            slots.append("baby_mobile")
        slots += ["concern", "concern_confirmed"]
        level4 = False
        if tracker.get_slot("concern_confirmed"):
            level4 = provisional(tracker)["level"] >= 4
        if not level4:
            # Worth a targeted question and the child's strengths only where it can change
            # the advice; a level-4 case goes straight on to referral advice.
            slots.append("followup")
        slots.append("involvement")
        if not level4:
            slots.append("strengths")
        slots.append("consent")
        return slots

    # -- each answer ---------------------------------------------------------------
    def validate_caller_role(self, value: Any, dispatcher, tracker, domain) -> dict:
        role = payload_entity(tracker.latest_message, "caller_role") or parse_role(str(value or ""))
        if role:
            return {"caller_role": role}
        if value and not str(value).startswith("/"):
            return {"caller_role": "other"}
        return {"caller_role": None}

    def validate_immediate_danger(self, value: Any, dispatcher, tracker, domain) -> dict:
        msg = tracker.latest_message
        if intent_of(msg) == "report_immediate_danger":
            return {"immediate_danger": True}
        answer = parse_yes_no(str(value or ""), intent_of(msg))
        if answer is None:
            if engine.danger_in_text(_text(tracker), tracker):
                return {"immediate_danger": True}
            dispatcher.utter_message(text="Please answer yes or no. If you are unsure whether a "
                                          "child is safe right now, phone 999.")
            return {"immediate_danger": None}
        return {"immediate_danger": answer}

    def validate_child_age(self, value: Any, dispatcher, tracker, domain) -> dict:
        age = parse_age(str(value or ""))
        if age is None:
            dispatcher.utter_message(text="Sorry, I couldn't read the age. Try \"4 months\", "
                                          "\"7\", \"Year 9\", \"unborn\" or \"don't know\".")
            return {"child_age": None}
        return {"child_age": str(value), "child_age_years": age.years, "unborn": age.unborn}

    def validate_baby_mobile(self, value: Any, dispatcher, tracker, domain) -> dict:
        intent = intent_of(tracker.latest_message)
        if intent == "skip":
            # Not known: treat as not yet mobile, the safer reading for a baby.
            return {"baby_mobile": "no"}
        answer = parse_yes_no(str(value or ""), intent)
        if answer is None:
            t = str(value or "").lower()
            if any(w in t for w in ("can't", "cannot", "not ", "doesn't", "unable", "isn't")):
                answer = False
            elif any(w in t for w in ("crawl", "walk", "rolls", "shuffl", "pulls")):
                answer = True
        if answer is None:
            return {"baby_mobile": "no"}
        return {"baby_mobile": "yes" if answer else "no"}

    def validate_concern(self, value: Any, dispatcher, tracker, domain) -> dict:
        text = str(value or "").strip()
        if not text or text.startswith("/"):
            dispatcher.utter_message(text="Please describe the worry in a sentence or two.")
            return {"concern": None}
        return {"concern": text[:MAX_CONCERN_CHARS]}

    def validate_concern_confirmed(self, value: Any, dispatcher, tracker, domain) -> dict:
        intent = intent_of(tracker.latest_message)
        text = _text(tracker)
        if intent in ("affirm", "nothing_else") or text.lower().strip(" .!") in (
                "yes", "that's right", "that is right", "correct", "that's everything"):
            return {"concern_confirmed": True}
        if intent == "deny" or text.startswith("/"):
            return {"concern_confirmed": None}
        # Anything typed here is more of the concern (an addition or a correction).
        concern = " ".join(p for p in (tracker.get_slot("concern"), text) if p)
        return {"concern": concern[:MAX_CONCERN_CHARS], "concern_confirmed": None}

    def validate_followup(self, value: Any, dispatcher, tracker, domain) -> dict:
        return {"followup": _free_text_or_skip(tracker, ("skip", "deny"))}

    def validate_involvement(self, value: Any, dispatcher, tracker, domain) -> dict:
        got = (payload_entity(tracker.latest_message, "involvement")
               or parse_choice(str(value or ""), INVOLVEMENT))
        return {"involvement": got or "unknown"}

    def validate_strengths(self, value: Any, dispatcher, tracker, domain) -> dict:
        return {"strengths": _free_text_or_skip(tracker, ("skip",))}

    def validate_consent(self, value: Any, dispatcher, tracker, domain) -> dict:
        got = (payload_entity(tracker.latest_message, "consent")
               or parse_choice(str(value or ""), CONSENT))
        return {"consent": got or "unknown"}


class ActionAskConcernConfirmed(Action):
    """Say back what was understood, so the caller can confirm or correct it."""

    def name(self) -> str:
        return "action_ask_concern_confirmed"

    async def run(self, dispatcher, tracker, domain):
        if intent_of(tracker.latest_message) == "deny":
            dispatcher.utter_message(text="Tell me what to add or correct, in your own words.")
            return []
        result = provisional(tracker)
        dispatcher.utter_message(
            text=advice.understood(result),
            buttons=[{"title": "That's right", "payload": "/affirm"},
                     {"title": "Add or correct something", "payload": "/deny"}])
        return []


class ActionAskFollowup(Action):
    """One targeted question from the rulebook, for the need that matters most."""

    def name(self) -> str:
        return "action_ask_followup"

    async def run(self, dispatcher, tracker, domain):
        result = provisional(tracker)
        question = None
        for ind in sorted(result.get("indicators") or [], key=lambda i: -i.get("level", 0)):
            qs = engine.indicator_questions(ind["id"])
            if qs:
                question = qs[0]
                break
        question = question or ("How long has this been going on, how often does it happen, "
                                "and how is it affecting the child?")
        dispatcher.utter_message(text=question, buttons=[{"title": "Skip", "payload": "/skip"}])
        return []
