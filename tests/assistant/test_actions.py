"""Unit tests of the actions with rasa-sdk Trackers: no Rasa server needed."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (ActionAddInformation, ActionEmergencyAdvice, ActionGiveAdvice, ActionHandoff,
                             ActionHowToRefer, ActionStartConsultation)
from actions.forms import ActionAskConcernConfirmed, ValidateConsultationForm
from actions.parsing import parse_age, parse_choice, parse_role, CONSENT, INVOLVEMENT

DOMAIN = {"slots": {}, "forms": {"consultation_form": {"required_slots": [
    "caller_role", "immediate_danger", "child_age", "baby_mobile", "concern", "concern_confirmed",
    "followup", "involvement", "strengths", "consent"]}}, "responses": {}}


def tracker(slots=None, text="", intent="inform", confidence=0.99, metadata=None, requested=None,
            entities=None):
    s = {"requested_slot": requested, **(slots or {})}
    return Tracker("c1", s, {"text": text, "intent": {"name": intent, "confidence": confidence},
                             "entities": entities or [], "metadata": metadata or {}},
                   [], False, None, {"name": "consultation_form"} if requested else {}, "action_listen")


def run(action, t):
    d = CollectingDispatcher()
    events = asyncio.run(action.run(d, t, DOMAIN))
    return d.messages, events


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_start_takes_the_role_from_the_account():
    msgs, events = run(ActionStartConsultation(), tracker(metadata={"caller_role": "gp"}))
    assert slots_of(events)["caller_role"] == "gp"
    assert msgs[0]["response"] == "utter_greet"


def test_advice_sends_words_and_the_exact_assessment():
    t = tracker({"concern": "He has a bruise on his ear and can't roll yet.", "child_age_years": 0.25,
                 "immediate_danger": False, "consent": "unknown"})
    msgs, events = run(ActionGiveAdvice(), t)
    custom = [m["custom"] for m in msgs if m.get("custom")]
    assert custom and custom[0]["type"] == "assessment"
    a = custom[0]["assessment"]
    assert a["level"] == 4 and a["recommendation"] == "mash_referral"
    text = " ".join(m.get("text") or "" for m in msgs)
    assert "MASH" in text and "Why" in text
    assert slots_of(events)["advice_given"] is True


def test_emergency_advice_is_999_first():
    msgs, events = run(ActionEmergencyAdvice(), tracker(text="he is outside with a knife right now"))
    assert "999" in msgs[0]["text"]
    a = next(m["custom"]["assessment"] for m in msgs if m.get("custom"))
    assert a["recommendation"] == "emergency_999" and a["level"] == 4


def test_handoff_flags_the_gateway():
    msgs, _ = run(ActionHandoff(), tracker())
    assert any(m.get("custom", {}).get("type") == "handoff" for m in msgs)


def test_referral_is_always_explained():
    msgs, events = run(ActionHowToRefer(), tracker())
    assert "refer" in msgs[0]["text"].lower()
    assert slots_of(events)["wants_referral"] is True


def test_form_ends_at_once_when_danger_is_described_mid_form():
    form = ValidateConsultationForm()
    t = tracker({"caller_role": "teacher", "immediate_danger": False, "child_age": "9"},
                text="his stepdad is outside the school right now with a knife", requested="concern")
    _, events = run(form, t)
    s = slots_of(events)
    assert s["immediate_danger"] is True and s["requested_slot"] is None


def test_no_mobility_question_for_older_children_and_no_extras_at_level_4():
    form = ValidateConsultationForm()
    d = CollectingDispatcher()
    older = asyncio.run(form.required_slots([], d, tracker({"child_age_years": 9.0}), DOMAIN))
    baby = asyncio.run(form.required_slots([], d, tracker({"child_age_years": 0.3}), DOMAIN))
    assert "baby_mobile" not in older and "baby_mobile" in baby
    l4 = tracker({"child_age_years": 9.0, "concern": "She told me her dad hits her with a belt.",
                  "concern_confirmed": True})
    slots = asyncio.run(form.required_slots([], d, l4, DOMAIN))
    assert "followup" not in slots and "strengths" not in slots and "consent" in slots


def test_a_correction_is_added_to_the_concern():
    form = ValidateConsultationForm()
    t = tracker({"concern": "He is often late."}, text="Also he said dad hits him.",
                requested="concern_confirmed")
    res = form.validate_concern_confirmed("Also he said dad hits him.", CollectingDispatcher(), t, DOMAIN)
    assert res["concern_confirmed"] is None and "dad hits him" in res["concern"]


def test_the_summary_lists_what_was_understood():
    msgs, _ = run(ActionAskConcernConfirmed(), tracker({"concern": "She is being bullied online."}))
    assert "bullying" in msgs[0]["text"].lower() and msgs[0]["buttons"]


@pytest.mark.parametrize("text,years,unborn", [
    ("3 months", 0.25, False), ("she's 7", 7.0, False), ("six weeks old", 6 * 7 / 365, False),
    ("Year 9", 13.5, False), ("unborn, due in May", None, True), ("don't know", None, False),
    ("18 months", 1.5, False), ("7 and a half", 7.5, False), ("newborn", 0.02, False),
])
def test_age_parsing(text, years, unborn):
    age = parse_age(text)
    assert age is not None and age.unborn == unborn
    assert (age.years is None) == (years is None)
    if years is not None:
        assert abs(age.years - years) < 0.01


def test_role_and_choices():
    assert parse_role("I'm the DSL at a primary school") == "teacher"
    assert parse_role("school nurse") == "school_nurse"
    assert parse_role("GP") == "gp"
    assert parse_choice("they don't agree", CONSENT) == "refused"
    assert parse_choice("parents agree", CONSENT) == "given"
    assert parse_choice("open social care case", INVOLVEMENT) == "social_care"
    assert parse_choice("no one else is involved", INVOLVEMENT) == "none"


# -- something more typed after the advice ---------------------------------------------
AFTER = {"concern": "He has been late a few times this term.", "child_age_years": 8,
         "immediate_danger": False, "consent": "given", "advice_given": True}


def assessment_of(msgs):
    return next(m["custom"]["assessment"] for m in msgs if m.get("custom"))


def test_a_disclosure_added_after_the_advice_changes_it():
    msgs, events = run(ActionAddInformation(), tracker(AFTER, text="Actually he told me his dad hits him."))
    assert msgs[0]["response"] == "utter_advice_changed"
    a = assessment_of(msgs)
    assert a["level"] == 4 and a["recommendation"] == "mash_referral"
    assert "dad hits him" in slots_of(events)["concern"]


def test_more_detail_that_does_not_change_the_advice_is_kept_and_said_so():
    msgs, events = run(ActionAddInformation(), tracker(AFTER, text="Mum says it is the new bus times."))
    assert msgs[0]["response"] == "utter_information_added"
    assert assessment_of(msgs)["level"] == 2
    assert "bus times" in slots_of(events)["concern"]


def test_danger_added_after_the_advice_is_999_at_once():
    msgs, _ = run(ActionAddInformation(), tracker(AFTER, text="His dad is outside with a knife right now"))
    assert "999" in msgs[0]["text"]
    assert assessment_of(msgs)["recommendation"] == "emergency_999"


def test_something_added_later_never_lowers_the_advice():
    t = tracker({**AFTER, "concern": "A 6 year old has a bruise on his arm; nobody knows how.",
                 "child_age_years": 6}, text="He fell over in the playground, a teacher saw it.")
    # on its own, the later text would make this an explained bruise (level 1)
    msgs, _ = run(ActionAddInformation(), t)
    a = assessment_of(msgs)
    assert a["level"] == 2 and a["needs_human_review"] is True
    assert any("earlier advice stands" in r for r in a["rationale"])


def test_typing_after_stopping_points_to_start_again():
    msgs, events = run(ActionAddInformation(), tracker({"concern": None}, text="and another thing"))
    assert msgs[0]["response"] == "utter_default" and events == []
