"""A simulated busy professional who chats with the assistant over the HTTP API.

It is written against the contract (CONTRACT.md section 3), not against the
conversation's internals: it reads each reply's text and buttons and answers the way
a teacher or GP would, with the button that fits or a short free-text answer. So it
checks that the conversation reaches the right advice for scenarios it was not
written for. The load benchmark reuses it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import httpx

YES = ("yes", "affirm")
NO = ("no", "deny")


@dataclass
class Scenario:
    name: str
    concern: list[str]
    role: str = "teacher"
    danger: bool = False
    age: str = "7"
    mobile: bool | None = None
    involvement: str = "none"  # none | early_help | social_care
    strengths: str = "Mum engages well with school and he has a close grandmother."
    consent: str = "given"  # given | refused | not_sought | unknown
    wants_referral: bool = False
    late_danger_at: int | None = None  # send a danger message at this caller turn
    interject: dict[int, str] = field(default_factory=dict)  # caller turn -> off-script text
    correction: str | None = None  # said after choosing "add or correct" at the summary
    expect_level: int | None = None
    expect_recommendation: str | None = None
    expect_routes: list[str] = field(default_factory=list)
    expect_min_level: int | None = None


@dataclass
class Transcript:
    turns: list[tuple[str, list[dict]]] = field(default_factory=list)  # (caller said, replies)
    assessment: dict | None = None
    caller_turns: int = 0

    def text(self) -> str:
        out = []
        for said, replies in self.turns:
            out.append(f"> {said}")
            out += [f"< {m.get('text', '')} {[b['title'] for b in m.get('buttons') or []]}"
                    for m in replies]
        return "\n".join(out)


def _buttons(replies: list[dict]) -> list[dict]:
    for m in reversed(replies):
        if m.get("buttons"):
            return m["buttons"]
    return []


def _find(buttons: list[dict], *words: str) -> dict | None:
    for w in words:
        for b in buttons:
            hay = f"{b.get('title', '')} {b.get('payload', '')}".lower()
            if re.search(rf"\b{re.escape(w)}", hay):
                return b
    return None


ROLE_WORDS = {
    "teacher": ("teacher", "dsl", "school"),
    "gp": ("gp", "doctor"),
    "health_visitor": ("health visitor",),
    "school_nurse": ("school nurse", "nurse"),
    "police": ("police",),
    "social_care": ("social",),
}
CONSENT_WORDS = {
    "given": ("given", "consent", "yes", "agree"),
    "refused": ("refused", "no"),
    "not_sought": ("not sought", "not asked", "haven't asked", "not yet"),
    "unknown": ("unknown", "don't know", "not sure"),
}
INVOLVEMENT_WORDS = {
    "none": ("none", "no one", "nobody", "not known", "no"),
    "early_help": ("early help",),
    "social_care": ("social care", "social worker"),
}


class Professional:
    """Drives one consultation to advice; returns the transcript."""

    def __init__(self, client: httpx.Client, token: str, max_turns: int = 25) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.max_turns = max_turns

    def send(self, cid: str, *, text: str | None = None, payload: str | None = None) -> dict:
        body = {"text": text} if text is not None else {"payload": payload}
        r = self.client.post(f"/api/v1/consultations/{cid}/messages", json=body,
                             headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())})
        r.raise_for_status()
        return r.json()

    def run(self, sc: Scenario) -> tuple[str, Transcript]:
        r = self.client.post("/api/v1/consultations", headers=self.headers)
        r.raise_for_status()
        start = r.json()
        cid = start["id"]
        tr = Transcript(turns=[("(start)", start["messages"])])
        replies = start["messages"]
        concern = list(sc.concern)
        concern_started = False
        while tr.caller_turns < self.max_turns:
            said, kind = self.answer(sc, replies, concern, tr.caller_turns)
            if kind == "concern":
                concern_started = True
            if kind == "more" and not concern_started:
                kind = "other"
            resp = (self.send(cid, payload=said["payload"]) if "payload" in said
                    else self.send(cid, text=said["text"]))
            tr.caller_turns += 1
            replies = resp["messages"]
            tr.turns.append((said.get("text") or said.get("payload"), replies))
            if resp.get("assessment"):
                tr.assessment = resp["assessment"]
                break
        return cid, tr

    # -- choosing an answer -------------------------------------------------------
    def answer(self, sc: Scenario, replies: list[dict], concern: list[str], turn: int):
        if turn in sc.interject:
            return {"text": sc.interject[turn]}, "interject"
        if sc.late_danger_at is not None and turn == sc.late_danger_at:
            return {"text": "Sorry - he has just told me his stepdad is outside the school "
                            "right now with a knife saying he will take him."}, "danger"
        buttons = _buttons(replies)
        q = " ".join(m.get("text", "") for m in replies).lower()
        last = (replies[-1].get("text", "") if replies else "").lower() or q

        def pick(*words, fallback_text=None):
            b = _find(buttons, *words)
            if b:
                return {"payload": b["payload"]}
            return {"text": fallback_text or words[0]}

        if re.search(r"is (that|this) right|did i understand|have i understood|correct\?|got that right", last):
            if sc.correction and not getattr(self, "_corrected", False):
                self._corrected = True
                return pick("add or correct", "no"), "correct"
            return pick("that's right", "yes", "correct", "right"), "confirm"
        if sc.correction and re.search(r"add or correct", last):
            return {"text": sc.correction}, "concern"
        if re.search(r"immediate danger|in danger right now|danger now|unsafe right now", last):
            return pick(*(YES if sc.danger else NO)), "danger"
        if re.search(r"your role|who are you|what is your role|which best describes|are you a", last):
            return pick(*ROLE_WORDS.get(sc.role, (sc.role,)), fallback_text=sc.role), "role"
        if re.search(r"mobile|crawl|roll|walking|moving (about|around)|pull", last):
            return pick(*(YES if sc.mobile else NO)), "mobile"
        if re.search(r"how old|age|due date|date of birth|unborn", last):
            return {"text": sc.age}, "age"
        if re.search(r"anything else|add anything|more to (add|tell)|is that everything|all for now", last):
            if concern:
                return {"text": concern.pop(0)}, "concern"
            return pick("that's everything", "that is everything", "that's all", "done",
                        "nothing else", "no", fallback_text="That's everything"), "more"
        if re.search(r"(what|tell me|describe|in your own words).*(worr|concern|happen)|what.s (the|your) (worry|concern)|what is worrying you", last):
            if concern:
                return {"text": concern.pop(0)}, "concern"
            return {"text": "That's everything"}, "more"
        if re.search(r"early help|social care|social worker|already (involved|working)|other (services|agencies)|open case|involv", last):
            return pick(*INVOLVEMENT_WORDS[sc.involvement]), "involvement"
        if re.search(r"going well|strength|child.s (voice|view|own words|wishes)|what (does|has) the child (said|say)|protective", last):
            return pick("skip", fallback_text=sc.strengths) if not sc.strengths else {"text": sc.strengths}, "strengths"
        if re.search(r"consent|parents? (know|agree|aware)|spoken to the (parents|family)", last):
            return pick(*CONSENT_WORDS[sc.consent]), "consent"
        if re.search(r"refer", last) and sc.wants_referral:
            return pick("refer", "yes"), "refer"
        if concern and re.search(r"worr|concern|tell me", q):
            return {"text": concern.pop(0)}, "concern"
        # A targeted follow-up the driver has no special answer for: answer like a busy
        # professional, briefly, or take a neutral button.
        if buttons:
            b = (_find(buttons, "don't know", "not sure", "skip", "no", "continue") or buttons[0])
            return {"payload": b["payload"]}, "other"
        return {"text": "I'm not sure, it has been going on for a few weeks."}, "other"
