"""Actions that speak: the greeting, the advice, 999 advice, handoff, referral, restart.

Each gives the gateway a machine-readable event beside its words (see
docs/interfaces.md): {"type": "assessment"} with the engine's exact output, or
{"type": "handoff"}. The gateway stores those; the caller sees only the words.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import advice, engine
from .parsing import parse_role

KNOWN_ROLES = {"teacher", "gp", "health_visitor", "school_nurse", "police", "social_care", "other"}


def _metadata_role(tracker: Tracker) -> str | None:
    meta = tracker.latest_message.get("metadata") or {}
    role = meta.get("caller_role") if isinstance(meta, dict) else None
    if not role:
        return None
    role = str(role).lower().strip()
    return role if role in KNOWN_ROLES else parse_role(role)


def send_assessment(dispatcher: CollectingDispatcher, result: dict) -> None:
    dispatcher.utter_message(json_message={"type": "assessment", "assessment": result})


class ActionStartConsultation(Action):
    """Greet; take the caller's role from their account when the gateway knows it."""

    def name(self) -> str:
        return "action_start_consultation"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_greet")
        role = _metadata_role(tracker)
        return [SlotSet("caller_role", role)] if role else []


class ActionGiveAdvice(Action):
    def name(self) -> str:
        return "action_give_advice"

    async def run(self, dispatcher, tracker, domain):
        result = engine.assess(engine.case_from(tracker))
        for text in advice.advice_messages(result, tracker.get_slot("involvement")):
            dispatcher.utter_message(text=text)
        send_assessment(dispatcher, result)
        return [SlotSet("advice_given", True)]


class ActionEmergencyAdvice(Action):
    """Immediate danger mentioned outside the form: 999 advice in this very reply."""

    def name(self) -> str:
        return "action_emergency_advice"

    async def run(self, dispatcher, tracker, domain):
        text = (tracker.latest_message.get("text") or "").strip()
        concern = " ".join(p for p in (tracker.get_slot("concern"), text)
                           if p and not p.startswith("/"))
        events = [SlotSet("immediate_danger", True), SlotSet("concern", concern or None)]
        tracker.add_slots(events)
        result = engine.assess(engine.case_from(tracker, immediate_danger=True))
        for msg in advice.advice_messages(result, tracker.get_slot("involvement")):
            dispatcher.utter_message(text=msg)
        send_assessment(dispatcher, result)
        return events + [SlotSet("advice_given", True), ActiveLoop(None),
                         SlotSet("requested_slot", None)]


class ActionHowToRefer(Action):
    """'I still want to refer' is always answered with how: never talked out of it."""

    def name(self) -> str:
        return "action_how_to_refer"

    async def run(self, dispatcher, tracker, domain):
        contacts = engine.contacts()
        how = ("You can refer whatever the level: a professional who is worried can always "
               "refer. Contact the MASH")
        mash = next((v for k, v in contacts.items() if "mash" in k.lower()), None)
        how += f" ({mash})." if mash else "."
        how += (" Give the child's details, what you have seen and heard, what the child said "
                "in their own words, and whether the parents know. Confirm a phone referral in "
                "writing within 48 hours.")
        dispatcher.utter_message(text=how)
        if tracker.active_loop.get("name"):
            dispatcher.utter_message(text="Let's finish the consultation so the record is "
                                          "complete.")
        return [SlotSet("wants_referral", True)]


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_handoff")
        dispatcher.utter_message(json_message={"type": "handoff",
                                               "reason": "caller asked to talk to a person"})
        return []


class ActionRestartConsultation(Action):
    """Start again: forget the answers, keep who the caller is."""

    def name(self) -> str:
        return "action_restart_consultation"

    async def run(self, dispatcher, tracker, domain):
        role = tracker.get_slot("caller_role")
        dispatcher.utter_message(response="utter_restart")
        events = [AllSlotsReset(), ActiveLoop(None)]
        if role:
            events.append(SlotSet("caller_role", role))
        return events


SEVERITY = {"hold_case": 0, "early_help_assessment": 1, "mash_referral": 2, "emergency_999": 3}


class ActionAddInformation(Action):
    """Something more typed once the form is over: never dropped on the floor.

    Danger ends in 999 advice at once. Otherwise, after advice, the words are added to
    the concern and assessed again: if that raises the advice (or names a new special
    route) the new advice is given in full, and in any case the updated assessment is
    sent so the consultation record holds what was said. Before any advice (the caller
    stopped), the caller is pointed to Start again.
    """

    def name(self) -> str:
        return "action_add_information"

    async def run(self, dispatcher, tracker, domain):
        text = (tracker.latest_message.get("text") or "").strip()
        if not text or text.startswith("/"):
            dispatcher.utter_message(response="utter_default")
            return []
        if engine.danger_in_text(text, tracker):
            return await ActionEmergencyAdvice().run(dispatcher, tracker, domain)
        if not tracker.get_slot("advice_given") or not tracker.get_slot("concern"):
            dispatcher.utter_message(response="utter_default")
            return []
        before = engine.assess(engine.case_from(tracker))
        events = [SlotSet("concern", f"{tracker.get_slot('concern')} {text}")]
        tracker.add_slots(events)
        after = engine.assess(engine.case_from(tracker))
        raised = (after["level"] > before["level"]
                  or SEVERITY[after["recommendation"]] > SEVERITY[before["recommendation"]]
                  or set(after["special_routes"]) - set(before["special_routes"]))
        if (after["level"] < before["level"]
                or SEVERITY[after["recommendation"]] < SEVERITY[before["recommendation"]]):
            # Nothing said later lowers the advice given: the earlier advice stands and an
            # advisor looks at it.
            after = {**before, "needs_human_review": True,
                     "rationale": before["rationale"] + [
                         "More was added after the advice that might lower the level; the "
                         "earlier advice stands until an advisor has reviewed it."]}
            raised = False
        if raised:
            dispatcher.utter_message(response="utter_advice_changed")
            for msg in advice.advice_messages(after, tracker.get_slot("involvement")):
                dispatcher.utter_message(text=msg)
        else:
            dispatcher.utter_message(response="utter_information_added")
        send_assessment(dispatcher, after)
        return events
