"""End to end: real engine, real action server, real gateway, over HTTP.

These are the checks a council would run before trusting the product: the two
overrides that must never be missed (immediate danger, an injured non-mobile baby),
a disclosure, an ordinary low-level worry, and that what was said is kept exactly once.
"""

from __future__ import annotations

import json
import statistics
import uuid
from pathlib import Path

import pytest

from .professional import Professional, Scenario

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

SCENARIOS = [
    Scenario(
        name="non-mobile baby with a bruise on the ear",
        role="health_visitor", age="3 months", mobile=False,
        concern=["At the home visit I noticed a small bruise on his ear. He can't roll over "
                 "yet. Mum said his older brother might have done it."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="disclosure of being hit by dad",
        role="teacher", age="9",
        concern=["This morning she told me that her dad hits her with a belt when he has "
                 "been drinking, and showed me a mark on her arm."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="occasional lateness, otherwise well",
        role="teacher", age="8",
        concern=["He has been late to school a few times this term since mum started a new "
                 "job. Attendance is 96%, he is happy and making good progress."],
        expect_recommendation="hold_case",
    ),
    Scenario(
        name="GP: low mood after a bereavement",
        role="gp", age="14",
        concern=["She has been low in mood since her grandad died in the summer. She is still "
                 "going to school and mum is supportive and came with her to the appointment."],
        expect_recommendation="hold_case",
    ),
    Scenario(
        name="unborn baby, mother using heroin", role="health_visitor", age="unborn, due in March",
        concern=["Mum is 30 weeks pregnant and told me she is using heroin again."],
        expect_min_level=3,
    ),
    Scenario(
        name="age unknown, sexual abuse disclosed", role="police", age="don't know",
        concern=["The girl said her stepdad touches her private parts at night."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="off-topic in the middle of the form", role="teacher", age="10",
        interject={1: "what's the weather like today"},
        concern=["He is being bullied online by boys in his class."],
        expect_recommendation="hold_case",
    ),
    Scenario(
        name="question about consent mid-form", role="gp", age="6",
        interject={2: "do I need the parents' consent?"},
        concern=["Police were called to the home after a domestic abuse incident at the weekend."],
        expect_level=3, expect_recommendation="early_help_assessment",
    ),
    Scenario(
        name="a correction raises the level", role="teacher", age="9",
        concern=["He has been late to school a few times."],
        correction="Also, he told me this morning that his dad hits him with a belt.",
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="FGM known: the police route is named", role="school_nurse", age="11",
        concern=["Her mother told me she was cut during a trip abroad in the summer."],
        expect_level=4, expect_recommendation="mash_referral", expect_routes=["police_fgm"],
    ),
    Scenario(
        name="county lines", role="police", age="15",
        concern=["He keeps going missing to another city and comes back with large amounts of cash and two phones."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="radicalisation: Prevent", role="teacher", age="15",
        concern=["He has been watching extremist videos and talks about joining a far-right group."],
        # the route carries the radicalisation risk; the level is the child's other needs
        expect_routes=["prevent"], expect_level=2,
    ),
    Scenario(
        name="private fostering", role="school_nurse", age="12",
        concern=["She has been living with a family friend for three months while mum works abroad."],
        expect_routes=["private_fostering"],
    ),
    Scenario(
        name="young carer with harm", role="teacher", age="13",
        concern=["He is a young carer and is exhausted and missing school to look after his mum."],
        expect_level=3, expect_recommendation="early_help_assessment",
    ),
    Scenario(
        name="persistent absence with figures", role="teacher", age="11",
        concern=["Attendance is 81% and falling, and mum says she can't get him out of bed."],
        expect_level=3, expect_recommendation="early_help_assessment",
    ),
    Scenario(
        name="GP: suicidal plan", role="gp", age="16",
        concern=["She told me she plans to take an overdose this weekend."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="health visitor: missed checks, damp flat", role="health_visitor", age="14 months",
        mobile=True, concern=["The baby missed the 1 year check and her jabs; the flat is damp with mould."],
        expect_recommendation="hold_case",
    ),
    Scenario(
        name="mobile toddler, explained bruise", role="teacher", age="4",
        concern=["He has a bruise on his shin from falling in the playground; staff saw it happen."],
        expect_recommendation="hold_case",
    ),
    Scenario(
        name="historic CP plan only", role="teacher", age="12",
        concern=["He was on a child protection plan years ago but it was closed. He is happy and doing well."],
        expect_recommendation="hold_case",
    ),
    Scenario(
        name="disclosure with consent refused", role="teacher", age="8", consent="refused",
        concern=["She disclosed that her mum burns her with cigarettes."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="open social care case", role="teacher", age="10", involvement="social_care",
        concern=["He came in hungry again and says there was no food at home all weekend."],
        expect_recommendation="hold_case",
    ),
    Scenario(
        name="question about the MASH mid-form", role="gp", age="7",
        interject={1: "what is the MASH?"},
        concern=["Her mum's new partner is a registered sex offender and has moved in."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="baby, mobility not known", role="health_visitor", age="5 months",
        concern=["There is a small mark on her cheek and mum could not explain it."],
        expect_level=4, expect_recommendation="mash_referral",
    ),
    Scenario(
        name="teaching assistant messaging a pupil: LADO", role="teacher", age="14",
        concern=["A teaching assistant has been messaging a Year 9 girl on Snapchat late at night."],
        # the LADO route sits alongside the level; no harm to the child is described
        expect_routes=["lado"], expect_level=1,
    ),
]

TURNS_REPORT = ROOT / "reports" / "e2e_turns.json"
_turns: dict[str, int] = {}


def test_healthz_reports_every_component(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["components"]) >= {"engine", "actions", "database"}


def test_api_needs_a_token(client):
    r = client.post("/api/v1/consultations")
    assert r.status_code == 401


@pytest.mark.parametrize("sc", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_conversation_reaches_the_right_advice(client, teacher_token, sc):
    cid, tr = Professional(client, teacher_token).run(sc)
    _turns[sc.name] = tr.caller_turns
    assert tr.assessment is not None, f"no advice after {tr.caller_turns} turns:\n{tr.text()}"
    a = tr.assessment
    if sc.expect_level is not None:
        assert a["level"] == sc.expect_level, tr.text()
    if sc.expect_recommendation:
        assert a["recommendation"] == sc.expect_recommendation, tr.text()
    if sc.expect_min_level:
        assert a["level"] >= sc.expect_min_level, tr.text()
    assert set(sc.expect_routes) <= set(a["special_routes"]), tr.text()
    assert a["rulebook"]["name"] and a["rulebook"]["version"]
    assert a["rationale"], "advice must say why"
    # What the professional saw is what was stored.
    r = client.get(f"/api/v1/consultations/{cid}",
                   headers={"Authorization": f"Bearer {teacher_token}"})
    assert r.status_code == 200
    stored = r.json()
    assert stored["assessment"]["level"] == a["level"]
    assert stored["assessment"]["recommendation"] == a["recommendation"]


def test_handoff_mid_form_flags_a_callback_and_carries_on(client, teacher_token):
    sc = Scenario(name="handoff", role="teacher", age="8", interject={2: "can I speak to a person please"},
                  concern=["She has been very withdrawn since her dad went to prison."])
    cid, tr = Professional(client, teacher_token).run(sc)
    assert tr.assessment is not None, tr.text()
    got = client.get(f"/api/v1/consultations/{cid}",
                     headers={"Authorization": f"Bearer {teacher_token}"}).json()
    assert got["needs_callback"] is True


def test_insisting_on_referral_is_answered_with_how(client, teacher_token):
    sc = Scenario(name="insists", role="teacher", age="8", interject={3: "I still want to refer"},
                  concern=["He seems low in mood lately."])
    cid, tr = Professional(client, teacher_token).run(sc)
    said, replies = tr.turns[4]
    assert said == "I still want to refer"
    assert any("refer whatever the level" in (m.get("text") or "") for m in replies), tr.text()
    assert tr.assessment is not None


def test_immediate_danger_gets_999_in_the_same_reply(client, gp_token):
    """'Yes' to the danger question is answered at once with 999 advice and its assessment."""
    sc = Scenario(name="danger now", role="gp", danger=True, concern=["-"])
    pro = Professional(client, gp_token)
    cid, tr = pro.run(sc)
    assert tr.assessment is not None, tr.text()
    assert tr.assessment["level"] == 4
    assert tr.assessment["recommendation"] == "emergency_999"
    last_said, last_replies = tr.turns[-1]
    assert any("999" in (m.get("text") or "") for m in last_replies), tr.text()
    _turns["danger now"] = tr.caller_turns


def test_danger_mentioned_late_ends_in_999(client, teacher_token):
    sc = Scenario(name="late danger", role="teacher", age="10", late_danger_at=3,
                  concern=["He has seemed withdrawn and tired for a couple of weeks."])
    cid, tr = Professional(client, teacher_token).run(sc)
    assert tr.assessment is not None, tr.text()
    assert tr.assessment["recommendation"] == "emergency_999", tr.text()
    assert tr.caller_turns == 4, "999 advice must come in the reply to the danger message"


def test_a_worry_typed_after_the_advice_is_kept_and_can_raise_it(client, teacher_token):
    sc = Scenario(name="after advice", role="teacher", age="8",
                  concern=["He has been late a few times this term; otherwise happy."])
    cid, tr = Professional(client, teacher_token).run(sc)
    assert tr.assessment and tr.assessment["recommendation"] == "hold_case", tr.text()
    h = {"Authorization": f"Bearer {teacher_token}"}
    more = client.post(f"/api/v1/consultations/{cid}/messages", headers=h,
                       json={"text": "Oh, and as I was leaving he told me his dad hits him with a belt."})
    assert more.status_code == 200
    body = more.json()
    words = " ".join(m.get("text") or "" for m in body["messages"])
    assert "didn't follow" not in words
    assert body["assessment"]["level"] == 4, words
    assert body["assessment"]["recommendation"] == "mash_referral"
    record = client.get(f"/api/v1/consultations/{cid}", headers=h).json()
    assert record["assessment"]["level"] == 4


def test_repeated_message_with_same_key_is_stored_once(client, teacher_token):
    h = {"Authorization": f"Bearer {teacher_token}"}
    cid = client.post("/api/v1/consultations", headers=h).json()["id"]
    key = str(uuid.uuid4())
    body = {"text": "Hello, I'm a teacher with a worry about a pupil"}
    first = client.post(f"/api/v1/consultations/{cid}/messages", json=body,
                        headers={**h, "Idempotency-Key": key})
    again = client.post(f"/api/v1/consultations/{cid}/messages", json=body,
                        headers={**h, "Idempotency-Key": key})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    transcript = client.get(f"/api/v1/consultations/{cid}", headers=h).json()
    caller_msgs = [m for m in transcript["messages"] if m.get("direction", "in") == "in"
                   and m.get("text") == body["text"]]
    assert len(caller_msgs) == 1


def test_another_professional_cannot_read_it(client, teacher_token, gp_token, advisor_token):
    cid = client.post("/api/v1/consultations",
                      headers={"Authorization": f"Bearer {teacher_token}"}).json()["id"]
    r = client.get(f"/api/v1/consultations/{cid}", headers={"Authorization": f"Bearer {gp_token}"})
    assert r.status_code in (403, 404)
    r = client.get(f"/api/v1/consultations/{cid}",
                   headers={"Authorization": f"Bearer {advisor_token}"})
    assert r.status_code == 200
    listing = client.get("/api/v1/consultations",
                         headers={"Authorization": f"Bearer {advisor_token}"})
    assert listing.status_code == 200


def test_zz_report_turns_to_advice():
    """Median caller turns to advice across the scenarios above (issue 4 asks <= 8)."""
    if not _turns:
        pytest.skip("no scenario ran")
    median = statistics.median(_turns.values())
    TURNS_REPORT.parent.mkdir(exist_ok=True)
    TURNS_REPORT.write_text(json.dumps({"turns": _turns, "median": median}, indent=2))
    print(f"\ncaller turns to advice: {_turns} median={median}")
    assert median <= 8
